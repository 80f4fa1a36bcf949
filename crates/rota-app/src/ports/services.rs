//! Ports that are not storage: time, identifiers, password hashing.

use std::fmt;

use async_trait::async_trait;
use rota_domain::email::EmailAddress;
use rota_domain::jiff::Timestamp;
use rota_domain::notice::Notice;
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
pub enum HashError {
    /// A10: every place in the hashing queue is taken; the request is
    /// answered at once (503 with Retry-After) rather than made to wait.
    #[error("the server is busy checking passwords; try again in a moment")]
    Busy,
    /// The hasher failed.
    #[error("password hashing failed: {0}")]
    Failed(String),
}

impl crate::error::Classify for HashError {
    fn kind(&self) -> crate::error::ErrorKind {
        match self {
            Self::Busy => crate::error::ErrorKind::Unavailable,
            Self::Failed(_) => crate::error::ErrorKind::Unexpected,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Busy => "busy",
            Self::Failed(_) => "internal",
        }
    }
}

/// Hashes and verifies passwords (argon2id in `rota-auth`).
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    /// Hashes a new password.
    async fn hash(&self, password: &SecretString) -> Result<PasswordHash, HashError>;

    /// Whether `password` matches `hash`.
    async fn verify(&self, password: &SecretString, hash: &PasswordHash)
    -> Result<bool, HashError>;

    /// Whether `hash` was made with weaker parameters than this hasher's, so
    /// that a successful sign-in should store a fresh hash.
    fn needs_rehash(&self, hash: &PasswordHash) -> bool;

    /// A hash of no one's password, verified against when the account is
    /// unknown so that the answer takes as long as for a known one (A2).
    fn dummy_hash(&self) -> PasswordHash;
}

/// The SHA-256 digest of a secret token, hex: what the database keeps
/// instead of the token (A3, A4, A6).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TokenHash(String);

impl TokenHash {
    /// Wraps a hex digest.
    #[must_use]
    pub fn new(hex: String) -> Self {
        Self(hex)
    }

    /// The hex digest.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenHash(..)")
    }
}

/// Makes secret tokens and hashes them.
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait Tokens: Send + Sync {
    /// A new random token of at least 128 bits (Rota's are 256).
    fn issue(&self) -> SecretString;

    /// The digest a token is stored and looked up by.
    fn hash(&self, token: &SecretString) -> TokenHash;
}

/// A mailer could not seal or deliver a message. Delivery failures are
/// retried by the outbox; the message is kept.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct MailError(pub String);

/// Seals notices for the outbox and delivers them (SMTP, `.eml` files, or
/// memory in `rota-email`).
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait Mailer: Send + Sync {
    /// The notice as the outbox stores it, with its secrets sealed so that
    /// no plaintext token reaches the database.
    fn seal(&self, notice: &Notice) -> Result<String, MailError>;

    /// Renders and sends a sealed notice to `to`.
    async fn deliver(&self, to: &EmailAddress, sealed: &str) -> Result<(), MailError>;
}
