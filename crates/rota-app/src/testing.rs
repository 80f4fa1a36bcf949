//! Test doubles for the ports (feature `mocks`): a clock you move by hand,
//! predictable ids, and a fast, insecure password hasher. Never use these in
//! a real server.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use rota_domain::jiff::{SignedDuration, Timestamp};
use rota_domain::uuid::Uuid;
use secrecy::{ExposeSecret, SecretString};

use crate::ports::{Clock, HashError, IdSource, PasswordHash, PasswordHasher};

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
