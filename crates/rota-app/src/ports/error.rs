//! How a store fails: a rule it holds refused the write, or anything else.
//! Every port names this error; it names no port.

use rota_domain::id::AccountId;

/// A business rule the store itself enforces, reported by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    /// R1: the normalized email is already used in the business.
    #[error("email address already in use in this business")]
    EmailTaken,
    /// Another business has the slug.
    #[error("slug already taken")]
    SlugTaken,
    /// B4: the provider already has an active booking that overlaps.
    #[error("{0} already has a booking at that time")]
    BookingOverlap(AccountId),
}

/// A failure of the storage adapter.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A rule held by the store refused the write.
    #[error(transparent)]
    Conflict(#[from] Conflict),
    /// Anything else (connection lost, disk full, a bug): opaque to users,
    /// logged with its cause.
    #[error("storage failure")]
    Other(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    /// Wraps any error as [`StoreError::Other`].
    pub fn other(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Other(Box::new(e))
    }
}
