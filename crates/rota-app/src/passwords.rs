//! Passwords and emailed links: change (A5), forgot/reset and the
//! administrator-sent reset (A4), invitations and their acceptance (A6).
//!
//! Every emailed link carries a fresh single-use token of 256 bits that the
//! store keeps only as a SHA-256 digest; the email itself is queued in the
//! same transaction as the token (A8), sealed by the mailer.

use std::collections::HashSet;
use std::sync::OnceLock;

use rota_domain::account::Account;
use rota_domain::actor::Actor;
use rota_domain::audit::AuditChange;
use rota_domain::business::Business;
use rota_domain::id::SessionId;
use rota_domain::jiff::SignedDuration;
use rota_domain::notice::Notice;
use rota_domain::password::{self, PasswordRejected};
use rota_domain::throttle::PASSWORD_CHANGE;
use secrecy::{ExposeSecret, SecretString};

use crate::Rota;

use crate::error::{Classify, ErrorKind};
use crate::ports::{HashError, StoreError, TxMode, UnitOfWork};

/// The shipped list of the most common passwords (A1).
static COMMON_PASSWORDS: &str = include_str!("../data/common-passwords.txt");

fn common_passwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        COMMON_PASSWORDS
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect()
    })
}

/// How many passwords the shipped list refuses.
#[must_use]
pub fn common_password_count() -> usize {
    common_passwords().len()
}

/// Checks a new password against the policy (A1): 12–128 characters and
/// not among the most common passwords (compared case-insensitively).
pub fn check_new_password(password: &SecretString) -> Result<(), PasswordRejected> {
    let p = password.expose_secret();
    password::check_length(p)?;
    if common_passwords().contains(p.to_lowercase().as_str()) {
        return Err(PasswordRejected::TooCommon);
    }
    Ok(())
}

/// Why a password change failed.
#[derive(Debug, thiserror::Error)]
pub enum ChangePasswordError {
    /// A1.
    #[error(transparent)]
    WeakPassword(#[from] PasswordRejected),
    /// A5: the current password given is not right.
    #[error("the current password is not right")]
    WrongPassword,
    /// A10: too many wrong current passwords; try again after this long.
    #[error("too many attempts; try again in {} s", retry_after.as_secs())]
    TooManyAttempts {
        /// How long to wait.
        retry_after: SignedDuration,
    },
    /// Hashing failed.
    #[error(transparent)]
    Hash(#[from] HashError),
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

impl Classify for ChangePasswordError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::WeakPassword(_) | Self::WrongPassword => ErrorKind::Invalid,
            Self::TooManyAttempts { .. } => ErrorKind::TooManyRequests,
            Self::Hash(h) => h.kind(),
            Self::Unexpected(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::WeakPassword(p) => p.code(),
            Self::WrongPassword => "wrong_password",
            Self::TooManyAttempts { .. } => "too_many_attempts",
            Self::Hash(h) => h.code(),
            Self::Unexpected(e) => e.code(),
        }
    }
}

mod links;

pub(crate) use links::EmailedLink;
pub use links::{RedeemTokenError, SendLinkError};

impl Rota {
    /// Changes the actor's own password (A5): needs the current one; ends the
    /// actor's other sessions and emails a notice.
    pub async fn change_password(
        &self,
        actor: &Actor,
        current_session: Option<SessionId>,
        current: &SecretString,
        new: &SecretString,
    ) -> Result<(), ChangePasswordError> {
        check_new_password(new)?;
        // A10: a guess at the current password is counted before it is checked.
        let key = format!("password-change:{}", actor.id);
        let keys = [(key.clone(), &PASSWORD_CHANGE)];
        if let Some(until) = self.count_attempt(&keys).await?.blocked_until {
            let wait = until.duration_since(self.now()).as_secs().max(1);
            return Err(ChangePasswordError::TooManyAttempts {
                retry_after: SignedDuration::from_secs(wait),
            });
        }
        let mut tx = self.begin(TxMode::Read).await?;
        let hash = tx
            .accounts()
            .password_hash(actor.business, actor.id)
            .await?;
        drop(tx);
        let hash = hash.unwrap_or_else(|| self.hasher().dummy_hash());
        if !self.hasher().verify(current, &hash).await? {
            return Err(ChangePasswordError::WrongPassword);
        }
        let new_hash = self.hasher().hash(new).await?;
        let mut tx = self.begin(TxMode::Write).await?;
        let business = tx.businesses().get(actor.business).await?;
        let account = tx.accounts().get(actor.business, actor.id).await?;
        let (Some(business), Some(account)) = (business, account) else {
            return Err(ChangePasswordError::WrongPassword);
        };
        tx.accounts()
            .set_password_hash(business.id, account.id, &new_hash)
            .await?;
        tx.throttles().clear(&key).await?;
        tx.sessions()
            .delete_for_account(business.id, account.id, current_session)
            .await?;
        let event = self.audit_event(
            business.id,
            Some(actor.id),
            Some(actor.id),
            AuditChange::PasswordChanged,
        );
        tx.audit().append(&event).await?;
        self.queue_password_changed(tx.as_mut(), &business, &account)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn queue_password_changed(
        &self,
        tx: &mut dyn UnitOfWork,
        business: &Business,
        account: &Account,
    ) -> Result<(), StoreError> {
        let notice = Notice::PasswordChanged {
            business: business.name.to_string(),
            name: account.display_name(),
            at: self.now(),
            zone: business.time_zone.clone(),
        };
        self.queue_notice(tx, business.id, &account.email, &notice)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_the_shipped_list_holds_at_least_ten_thousand_passwords() {
        assert!(
            common_password_count() >= 10_000,
            "{}",
            common_password_count()
        );
        for common in ["1qaz2wsx3edc", "qwertyuiopasdfgh", "PASSWORD1234"] {
            let lower = common.to_lowercase();
            if common_passwords().contains(lower.as_str()) {
                assert_eq!(
                    check_new_password(&SecretString::from(common)),
                    Err(PasswordRejected::TooCommon)
                );
            }
        }
        assert_eq!(
            check_new_password(&SecretString::from("1qaz2wsx3edc")),
            Err(PasswordRejected::TooCommon)
        );
        assert_eq!(
            check_new_password(&SecretString::from("tangerine orbit 42")),
            Ok(())
        );
    }
}
