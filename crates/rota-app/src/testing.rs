//! Test doubles for the ports (feature `mocks`): a clock you move by hand,
//! predictable ids, a fast, insecure password hasher, a mailer and a
//! calendar server that keep what they get. Never use these in a real
//! server.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use async_trait::async_trait;
use rota_domain::jiff::{SignedDuration, Timestamp};
use rota_domain::uuid::Uuid;
use secrecy::{ExposeSecret, SecretString};

use rota_domain::email::EmailAddress;
use rota_domain::notice::Notice;

use crate::ports::{
    Clock, HashError, IdSource, MailError, Mailer, PasswordHash, PasswordHasher, TokenHash, Tokens,
};

mod calendar;
pub use calendar::{FakeCalendar, ReversingVault};

/// A clock that says what it is told.
#[derive(Debug)]
pub struct ManualClock(Mutex<Timestamp>);

impl ManualClock {
    /// A clock at `now`.
    #[must_use]
    pub fn at(now: Timestamp) -> Self {
        Self(Mutex::new(now))
    }

    /// Moves the clock on.
    ///
    /// # Panics
    /// If the lock was poisoned or the time overflows.
    pub fn advance(&self, by: SignedDuration) {
        let mut t = self.0.lock().expect("clock lock");
        *t = t.checked_add(by).expect("time in range");
    }

    /// Sets the time.
    ///
    /// # Panics
    /// If the lock was poisoned.
    pub fn set(&self, now: Timestamp) {
        *self.0.lock().expect("clock lock") = now;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().expect("clock lock")
    }
}

/// Ids 1, 2, 3… (as UUIDs), increasing like UUID v7 so pages sort by creation.
#[derive(Debug, Default)]
pub struct SequentialIds(AtomicU64);

impl SequentialIds {
    /// Ids after `last`: a second process's source that will not repeat
    /// the first's (while the first makes fewer than `last`).
    #[must_use]
    pub fn after(last: u64) -> Self {
        Self(AtomicU64::new(last))
    }
}

impl IdSource for SequentialIds {
    fn new_id(&self) -> Uuid {
        Uuid::from_u128(u128::from(self.0.fetch_add(1, Ordering::Relaxed) + 1))
    }
}

/// "Hashes" by prefixing: instant, and useless against an attacker.
#[derive(Debug, Default)]
pub struct InsecureHasher;

#[async_trait]
impl PasswordHasher for InsecureHasher {
    async fn hash(&self, password: &SecretString) -> Result<PasswordHash, HashError> {
        Ok(PasswordHash::new(format!(
            "insecure${}",
            password.expose_secret()
        )))
    }

    async fn verify(
        &self,
        password: &SecretString,
        hash: &PasswordHash,
    ) -> Result<bool, HashError> {
        Ok(hash.as_str().strip_prefix("insecure$") == Some(password.expose_secret()))
    }

    fn needs_rehash(&self, _hash: &PasswordHash) -> bool {
        false
    }

    fn dummy_hash(&self) -> PasswordHash {
        PasswordHash::new("insecure$\u{0}no one's password".into())
    }
}

/// Tokens `token-1`, `token-2`…, "hashed" by prefixing: predictable and
/// insecure, for tests only.
#[derive(Debug, Default)]
pub struct CountingTokens(AtomicU64);

impl CountingTokens {
    /// Tokens after `last`: a second process's source that will not repeat
    /// the first's.
    #[must_use]
    pub fn after(last: u64) -> Self {
        Self(AtomicU64::new(last))
    }
}

impl Tokens for CountingTokens {
    fn issue(&self) -> SecretString {
        let n = self.0.fetch_add(1, Ordering::Relaxed) + 1;
        SecretString::from(format!("token-{n}"))
    }

    fn hash(&self, token: &SecretString) -> TokenHash {
        TokenHash::new(format!("hash({})", token.expose_secret()))
    }
}

/// A mailer that keeps what it is given: sealed notices in a list (the
/// "sealed" payload is the index), delivered ones in another. It can be
/// told to fail, like an SMTP server that is down.
#[derive(Debug, Default)]
pub struct RecordingMailer {
    sealed: Mutex<Vec<Notice>>,
    delivered: Mutex<Vec<(EmailAddress, Notice)>>,
    down: AtomicBool,
}

impl RecordingMailer {
    /// What was delivered, in order.
    ///
    /// # Panics
    /// If the lock was poisoned.
    #[must_use]
    pub fn delivered(&self) -> Vec<(EmailAddress, Notice)> {
        self.delivered.lock().expect("mailer lock").clone()
    }

    /// Makes deliveries fail (`true`) or succeed again.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::Relaxed);
    }

    /// The token of the last delivered invitation, reset or email
    /// confirmation sent to `email`.
    #[must_use]
    pub fn last_token_for(&self, email: &str) -> Option<SecretString> {
        self.delivered()
            .into_iter()
            .rev()
            .filter(|(to, _)| to.as_str() == email)
            .find_map(|(_, n)| match n {
                Notice::Invitation { token, .. }
                | Notice::PasswordReset { token, .. }
                | Notice::ConfirmEmail { token, .. } => {
                    Some(SecretString::from(token.reveal().to_owned()))
                }
                _ => None,
            })
    }
}

#[async_trait]
impl Mailer for RecordingMailer {
    fn seal(&self, notice: &Notice) -> Result<String, MailError> {
        let mut sealed = self.sealed.lock().expect("mailer lock");
        sealed.push(notice.clone());
        Ok(format!("sealed:{}", sealed.len() - 1))
    }

    async fn deliver(&self, to: &EmailAddress, sealed: &str) -> Result<(), MailError> {
        if self.down.load(Ordering::Relaxed) {
            return Err(MailError("connection refused".into()));
        }
        let index: usize = sealed
            .strip_prefix("sealed:")
            .and_then(|i| i.parse().ok())
            .ok_or_else(|| MailError(format!("not sealed here: {sealed}")))?;
        let notice = self
            .sealed
            .lock()
            .expect("mailer lock")
            .get(index)
            .cloned()
            .ok_or_else(|| MailError("unknown sealed notice".into()))?;
        self.delivered
            .lock()
            .expect("mailer lock")
            .push((to.clone(), notice));
        Ok(())
    }
}
