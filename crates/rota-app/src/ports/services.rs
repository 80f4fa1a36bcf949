//! Ports that are not storage: time, identifiers, password hashing.

use std::fmt;

use async_trait::async_trait;
use rota_domain::jiff::Timestamp;
use rota_domain::uuid::Uuid;
use secrecy::SecretString;

/// The clock. Nothing in the domain or the use cases reads the time itself.
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait Clock: Send + Sync {
    /// Now.
    fn now(&self) -> Timestamp;
}

/// Makes new identifiers. Implementations should make them time-ordered
/// (UUID v7), so that lists paged by id come out in creation order.
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait IdSource: Send + Sync {
    /// A new, unique id.
    fn new_id(&self) -> Uuid;
}

/// A password hash in PHC string form (`$argon2id$v=19$…`).
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a PHC string.
    #[must_use]
    pub fn new(phc: String) -> Self {
        Self(phc)
    }

    /// The PHC string.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(..)")
    }
}

/// Hashing failed (not "the password is wrong": that is `Ok(false)`).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(pub String);

/// Hashes and verifies passwords (argon2id in `rota-auth`).
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    /// Hashes a new password.
    async fn hash(&self, password: &SecretString) -> Result<PasswordHash, HashError>;

    /// Whether `password` matches `hash`.
    async fn verify(&self, password: &SecretString, hash: &PasswordHash)
    -> Result<bool, HashError>;
}
