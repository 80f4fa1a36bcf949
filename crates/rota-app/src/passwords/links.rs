//! The emailed links (A4, A6): a forgotten password's reset, the one an
//! administrator sends, a customer's invitation to the portal; each a
//! single-use token of its purpose, kept only as its digest, its email
//! queued with it.

use rota_domain::account::{Account, AccountStatus};
use rota_domain::actor::Actor;
use rota_domain::audit::AuditChange;
use rota_domain::business::Business;
use rota_domain::email;
use rota_domain::id::AccountId;
use rota_domain::name::Slug;
use rota_domain::notice::{Notice, Secret};
use rota_domain::password::PasswordRejected;
use rota_domain::policy::{Action, CustomerRef, Denied, EmployeeRef, authorize};
use rota_domain::session::{AccountToken, TokenPurpose};
use rota_domain::throttle::{FORGOT_PER_ACCOUNT, FORGOT_PER_CLIENT};
use secrecy::{ExposeSecret, SecretString};

use super::check_new_password;
use crate::Rota;
use crate::auth::{SignedIn, account_key};

use crate::error::{Classify, ErrorKind};
use crate::ports::{HashError, StoreError, TxMode, UnitOfWork};

/// Why redeeming an emailed token (reset or invitation) failed.
#[derive(Debug, thiserror::Error)]
pub enum RedeemTokenError {
    /// A1.
    #[error(transparent)]
    WeakPassword(#[from] PasswordRejected),
    /// Unknown, used, voided or expired token, or one for an account that
    /// may no longer use it.
    #[error("this link is not valid any more; ask for a new one")]
    InvalidToken,
    /// Hashing failed.
    #[error(transparent)]
    Hash(#[from] HashError),
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

impl Classify for RedeemTokenError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::WeakPassword(_) | Self::InvalidToken => ErrorKind::Invalid,
            Self::Hash(h) => h.kind(),
            Self::Unexpected(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::WeakPassword(p) => p.code(),
            Self::InvalidToken => "invalid_token",
            Self::Hash(h) => h.code(),
            Self::Unexpected(e) => e.code(),
        }
    }
}

/// Why an administrator's reset or an invitation could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum SendLinkError {
    /// The actor may not.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// The account is deactivated (or the customer archived).
    #[error("the account is not active")]
    AccountInactive,
    /// The customer already set a password for the portal.
    #[error("the customer already has portal access")]
    AlreadyActive,
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

impl Classify for SendLinkError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Denied(d) => d.kind(),
            Self::AccountInactive | Self::AlreadyActive => ErrorKind::Conflict,
            Self::Unexpected(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Denied(d) => d.code(),
            Self::AccountInactive => "account_inactive",
            Self::AlreadyActive => "already_active",
            Self::Unexpected(e) => e.code(),
        }
    }
}

/// The emailed links: each carries a single-use token of its purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EmailedLink {
    /// A6.
    Invitation,
    /// A4.
    PasswordReset,
}

impl EmailedLink {
    fn purpose(self) -> TokenPurpose {
        match self {
            Self::Invitation => TokenPurpose::Invitation,
            Self::PasswordReset => TokenPurpose::PasswordReset,
        }
    }
}

impl Rota {
    /// Issues a single-use token of `purpose` for `account`, voiding older
    /// ones, and queues the email that carries it.
    pub(crate) async fn send_link(
        &self,
        tx: &mut dyn UnitOfWork,
        business: &Business,
        account: &Account,
        link: EmailedLink,
    ) -> Result<(), StoreError> {
        let purpose = link.purpose();
        let now = self.now();
        let secret = self.tokens().issue();
        let token = AccountToken::issue(business.id, account.id, purpose, now);
        tx.account_tokens()
            .void(business.id, account.id, purpose)
            .await?;
        tx.account_tokens()
            .insert(&token, &self.tokens().hash(&secret))
            .await?;
        let secret = Secret::new(secret.expose_secret().to_owned());
        let notice = match link {
            EmailedLink::Invitation => Notice::Invitation {
                business: business.name.to_string(),
                name: account.display_name(),
                token: secret,
                expires_at: token.expires_at,
                zone: business.time_zone.clone(),
                portal: account.customer().is_some(),
            },
            EmailedLink::PasswordReset => Notice::PasswordReset {
                business: business.name.to_string(),
                name: account.display_name(),
                token: secret,
                expires_at: token.expires_at,
                zone: business.time_zone.clone(),
            },
        };
        self.queue_notice(tx, business.id, &account.email, &notice)
            .await?;
        Ok(())
    }

    /// "Forgot password" (A4, A11): if the business has an active account
    /// with this email and a password, emails it a reset link. Answers the
    /// same whether or not it did, so it tells no one which emails exist.
    /// A few emails an hour per account and per client, then silently none:
    /// the request is counted, known email or not, before anything is
    /// looked up.
    pub async fn request_password_reset(
        &self,
        business: &str,
        email_input: &str,
        client: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut keys = vec![(
            format!("forgot:{}", account_key(business, email_input)),
            &FORGOT_PER_ACCOUNT,
        )];
        if let Some(client) = client {
            keys.push((format!("forgot-client:{client}"), &FORGOT_PER_CLIENT));
        }
        let counted = self.count_attempt(&keys).await?;
        if counted.blocked_until.is_some()
            || counted.after.iter().any(|a| a.blocked_until.is_some())
        {
            return Ok(());
        }
        let Ok(slug) = Slug::parse(business) else {
            return Ok(());
        };
        let mut tx = self.begin(TxMode::Write).await?;
        let Some(business) = tx.businesses().by_slug(&slug).await? else {
            return Ok(());
        };
        let normalized = email::normalize(email_input);
        let Some(account) = tx.accounts().by_email(business.id, &normalized).await? else {
            return Ok(());
        };
        if account.status != AccountStatus::Active || account.activated_at.is_none() {
            return Ok(());
        }
        self.send_link(tx.as_mut(), &business, &account, EmailedLink::PasswordReset)
            .await?;
        tx.commit().await
    }

    /// An administrator sends an employee a reset link (A4), or a fresh
    /// invitation if they never set a password. The administrator never
    /// sees or sets the password.
    pub async fn send_password_reset(
        &self,
        actor: &Actor,
        id: AccountId,
    ) -> Result<(), SendLinkError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let business = tx
            .businesses()
            .get(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        let account = tx
            .accounts()
            .get(actor.business, id)
            .await?
            .ok_or(Denied::NotFound)?;
        let Some(employee) = account.employee() else {
            return Err(Denied::NotFound.into());
        };
        let target = EmployeeRef {
            business: account.business_id,
            id,
            owner: employee.roles.is_owner(),
        };
        authorize(
            actor,
            &Action::SendPasswordReset(target),
            &business.settings,
        )?;
        let link = match (account.status, account.activated_at) {
            (AccountStatus::Deactivated, _) => return Err(SendLinkError::AccountInactive),
            (_, None) => EmailedLink::Invitation,
            (_, Some(_)) => EmailedLink::PasswordReset,
        };
        self.send_link(tx.as_mut(), &business, &account, link)
            .await?;
        let event = self.audit_event(
            business.id,
            Some(actor.id),
            Some(id),
            AuditChange::PasswordResetSent,
        );
        tx.audit().append(&event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Gives a customer portal access (A6): emails an invitation to set a
    /// password.
    pub async fn invite_customer(&self, actor: &Actor, id: AccountId) -> Result<(), SendLinkError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let business = tx
            .businesses()
            .get(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        let account = tx
            .accounts()
            .get(actor.business, id)
            .await?
            .ok_or(Denied::NotFound)?;
        let Some(customer) = account.customer() else {
            return Err(Denied::NotFound.into());
        };
        let target = CustomerRef {
            business: account.business_id,
            id,
            on_actor_bookings: false,
        };
        authorize(actor, &Action::InviteCustomer(target), &business.settings)?;
        if customer.archived_at.is_some() || account.status == AccountStatus::Deactivated {
            return Err(SendLinkError::AccountInactive);
        }
        if account.activated_at.is_some() {
            return Err(SendLinkError::AlreadyActive);
        }
        self.send_link(tx.as_mut(), &business, &account, EmailedLink::Invitation)
            .await?;
        let event = self.audit_event(
            business.id,
            Some(actor.id),
            Some(id),
            AuditChange::CustomerInvited,
        );
        tx.audit().append(&event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a new password with an emailed reset token (A4): the token is
    /// used up, every session of the account ends, its sign-in throttle is
    /// forgotten, and a notice is emailed.
    pub async fn reset_password(
        &self,
        token: &SecretString,
        new: &SecretString,
    ) -> Result<(), RedeemTokenError> {
        check_new_password(new)?;
        // A10: the token is checked before any hashing.
        self.check_token(token, TokenPurpose::PasswordReset).await?;
        let new_hash = self.hasher().hash(new).await?;
        let mut tx = self.begin(TxMode::Write).await?;
        let (business, account) =
            redeem(self, tx.as_mut(), token, TokenPurpose::PasswordReset).await?;
        if account.status != AccountStatus::Active {
            return Err(RedeemTokenError::InvalidToken);
        }
        tx.accounts()
            .set_password_hash(business.id, account.id, &new_hash)
            .await?;
        tx.sessions()
            .delete_for_account(business.id, account.id, None)
            .await?;
        let key = account_key(business.slug.as_str(), account.email.as_str());
        tx.throttles().clear(&key).await?;
        let event = self.audit_event(
            business.id,
            Some(account.id),
            Some(account.id),
            AuditChange::PasswordReset,
        );
        tx.audit().append(&event).await?;
        self.queue_password_changed(tx.as_mut(), &business, &account)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Accepts an invitation (A6): sets the first password, makes the
    /// account active and signs its holder in.
    pub async fn accept_invitation(
        &self,
        token: &SecretString,
        password: &SecretString,
    ) -> Result<SignedIn, RedeemTokenError> {
        check_new_password(password)?;
        // A10: the token is checked before any hashing.
        self.check_token(token, TokenPurpose::Invitation).await?;
        let hash = self.hasher().hash(password).await?;
        let mut tx = self.begin(TxMode::Write).await?;
        let (business, mut account) =
            redeem(self, tx.as_mut(), token, TokenPurpose::Invitation).await?;
        let archived = account.customer().is_some_and(|c| c.archived_at.is_some());
        if account.status == AccountStatus::Deactivated || archived {
            return Err(RedeemTokenError::InvalidToken);
        }
        let from = account.status;
        account.status = AccountStatus::Active;
        account.activated_at = Some(self.now());
        tx.accounts().update(&account).await?;
        tx.accounts()
            .set_password_hash(business.id, account.id, &hash)
            .await?;
        let mut events = vec![AuditChange::InvitationAccepted];
        if from != account.status {
            events.push(AuditChange::StatusChanged {
                from,
                to: account.status,
            });
        }
        for change in events {
            let event = self.audit_event(business.id, Some(account.id), Some(account.id), change);
            tx.audit().append(&event).await?;
        }
        let (token, session) = self.open_session(tx.as_mut(), &account).await?;
        tx.commit().await?;
        Ok(SignedIn {
            token,
            session,
            account,
            business,
        })
    }
}

impl Rota {
    /// Refuses a token that is unknown, used, of another purpose or expired,
    /// without using it up: the cheap check before hashing a password (A10).
    async fn check_token(
        &self,
        token: &SecretString,
        purpose: TokenPurpose,
    ) -> Result<(), RedeemTokenError> {
        let hash = self.tokens().hash(token);
        let mut tx = self.begin(TxMode::ReadOnce).await?;
        tx.account_tokens()
            .find(&hash)
            .await?
            .filter(|t| t.purpose == purpose && t.is_valid(self.now()))
            .map(|_| ())
            .ok_or(RedeemTokenError::InvalidToken)
    }
}

/// Uses up a token of `purpose`; the business and account it is for.
async fn redeem(
    rota: &Rota,
    tx: &mut dyn UnitOfWork,
    token: &SecretString,
    purpose: TokenPurpose,
) -> Result<(Business, Account), RedeemTokenError> {
    let hash = rota.tokens().hash(token);
    let found = tx
        .account_tokens()
        .take(&hash)
        .await?
        .filter(|t| t.purpose == purpose && t.is_valid(rota.now()))
        .ok_or(RedeemTokenError::InvalidToken)?;
    let business = tx.businesses().get(found.business_id).await?;
    let account = tx
        .accounts()
        .get(found.business_id, found.account_id)
        .await?;
    match (business, account) {
        (Some(b), Some(a)) => Ok((b, a)),
        _ => Err(RedeemTokenError::InvalidToken),
    }
}
