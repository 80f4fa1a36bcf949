//! Changing an account's email (A12): a new address counts only once it
//! confirms a single-use link, so nobody can move an account to an address
//! they hold and then reset its password.
//!
//! Asking (by the holder or anyone allowed to edit the account) emails the
//! new address a link to `/confirm-email?token=` and the old address a
//! notice, and is audited. If the new address already has an account in the
//! business, nothing is asked: that address is told so instead, and the one
//! who asked is answered exactly as otherwise, so a customer cannot learn
//! which addresses have accounts. Confirming moves the account, voids its
//! pending reset and invitation links, and is audited.

use rota_domain::account::{Account, AccountStatus};
use rota_domain::actor::Actor;
use rota_domain::audit::AuditChange;
use rota_domain::business::Business;
use rota_domain::email::EmailAddress;
use rota_domain::notice::{Notice, Secret};
use rota_domain::session::{AccountToken, TokenPurpose};
use secrecy::{ExposeSecret, SecretString};

use crate::Rota;
use crate::error::{Classify, ErrorKind};
use crate::ports::{Conflict, StoreError, TxMode, UnitOfWork};

/// Why a confirmation link was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum ConfirmEmailError {
    /// Unknown, used, replaced or expired link (422 `invalid_token`).
    #[error("this link is not valid any more; ask for the change again")]
    InvalidToken,
    /// Since the link was sent, another account took the address (409).
    #[error("this address now belongs to another account of the business")]
    EmailTaken,
    /// Storage failed.
    #[error(transparent)]
    Unexpected(StoreError),
}

impl From<StoreError> for ConfirmEmailError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(Conflict::EmailTaken) => Self::EmailTaken,
            other => Self::Unexpected(other),
        }
    }
}

impl Classify for ConfirmEmailError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidToken => ErrorKind::Invalid,
            Self::EmailTaken => ErrorKind::Conflict,
            Self::Unexpected(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::InvalidToken => "invalid_token",
            Self::EmailTaken => "email_taken",
            Self::Unexpected(e) => e.code(),
        }
    }
}

impl Rota {
    /// Asks `new` to confirm that it is `account`'s address, in `tx`
    /// (A12); the account keeps its address until then.
    pub(crate) async fn ask_to_confirm_email(
        &self,
        tx: &mut dyn UnitOfWork,
        actor: &Actor,
        business: &Business,
        account: &Account,
        new: EmailAddress,
    ) -> Result<(), StoreError> {
        let taken = tx
            .accounts()
            .by_email(business.id, new.normalized())
            .await?
            .is_some();
        let name = business.name.to_string();
        if taken {
            let notice = Notice::EmailInUse { business: name };
            self.queue_notice(tx, business.id, &new, &notice).await?;
        } else {
            // A newer request voids older ones.
            tx.account_tokens()
                .void(business.id, account.id, TokenPurpose::EmailChange)
                .await?;
            let secret = self.tokens().issue();
            let stored =
                AccountToken::email_change(business.id, account.id, new.clone(), self.now());
            tx.account_tokens()
                .insert(&stored, &self.tokens().hash(&secret))
                .await?;
            let confirm = Notice::ConfirmEmail {
                business: name.clone(),
                name: account.display_name(),
                new_email: new.as_str().to_owned(),
                token: Secret::new(secret.expose_secret().to_owned()),
                expires_at: stored.expires_at,
                zone: business.time_zone.clone(),
            };
            self.queue_notice(tx, business.id, &new, &confirm).await?;
            let warn = Notice::EmailChangeRequested {
                business: name,
                name: account.display_name(),
                new_email: new.as_str().to_owned(),
                at: self.now(),
                zone: business.time_zone.clone(),
            };
            self.queue_notice(tx, business.id, &account.email, &warn)
                .await?;
        }
        let event = self.audit_event(
            business.id,
            Some(actor.id),
            Some(account.id),
            AuditChange::EmailChangeRequested,
        );
        tx.audit().append(&event).await
    }

    /// Confirms a new address with the emailed link (A12): the account
    /// moves to it, its pending reset and invitation links are voided.
    pub async fn confirm_email_change(
        &self,
        token: &SecretString,
    ) -> Result<Account, ConfirmEmailError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let found = tx
            .account_tokens()
            .take(&self.tokens().hash(token))
            .await?
            .filter(|t| t.purpose == TokenPurpose::EmailChange && t.is_valid(self.now()))
            .ok_or(ConfirmEmailError::InvalidToken)?;
        let new = found.new_email.ok_or(ConfirmEmailError::InvalidToken)?;
        let mut account = tx
            .accounts()
            .get(found.business_id, found.account_id)
            .await?
            .filter(|a| a.status != AccountStatus::Deactivated)
            .ok_or(ConfirmEmailError::InvalidToken)?;
        let from = account.email.as_str().to_owned();
        account.email = new;
        tx.accounts().update(&account).await?;
        for purpose in [TokenPurpose::PasswordReset, TokenPurpose::Invitation] {
            tx.account_tokens()
                .void(account.business_id, account.id, purpose)
                .await?;
        }
        let change = AuditChange::EmailChanged {
            from,
            to: account.email.as_str().to_owned(),
        };
        let event = self.audit_event(
            account.business_id,
            Some(account.id),
            Some(account.id),
            change,
        );
        tx.audit().append(&event).await?;
        tx.commit().await?;
        Ok(account)
    }
}
