//! How use-case errors are classified for callers: a kind (which the HTTP
//! adapter maps to a status in one place) and a stable code.

use rota_domain::policy::Denied;
use rota_domain::team::{
    AddEmployeeError, ChangePlanError, ChangeRolesError, DeactivateError, ReactivateError,
    SeatRefusal,
};

use crate::ports::{Conflict, StoreError};

/// The class of a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Not signed in, or credentials refused (401).
    Unauthenticated,
    /// The actor may not (403).
    Forbidden,
    /// No such thing, or another business's (404).
    NotFound,
    /// The business's state forbids it (409).
    Conflict,
    /// Malformed or invalid input (422).
    Invalid,
    /// Slow down (429).
    TooManyRequests,
    /// A bounded resource is full; try again in a moment (503).
    Unavailable,
    /// A failure nobody asked for; opaque to users, logged (500).
    Unexpected,
}

/// A use-case error's kind and stable code.
pub trait Classify {
    /// The class.
    fn kind(&self) -> ErrorKind;
    /// The stable `code`, e.g. `last_owner`.
    fn code(&self) -> &'static str;
}

impl Classify for Denied {
    fn kind(&self) -> ErrorKind {
        match self {
            Denied::Forbidden | Denied::OwnerProtected => ErrorKind::Forbidden,
            Denied::NotFound => ErrorKind::NotFound,
        }
    }
    fn code(&self) -> &'static str {
        Denied::code(*self)
    }
}

impl Classify for SeatRefusal {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Conflict
    }
    fn code(&self) -> &'static str {
        SeatRefusal::code(*self)
    }
}

impl Classify for StoreError {
    fn kind(&self) -> ErrorKind {
        match self {
            StoreError::Conflict(_) => ErrorKind::Conflict,
            StoreError::Other(_) => ErrorKind::Unexpected,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            StoreError::Conflict(Conflict::EmailTaken) => "email_taken",
            StoreError::Conflict(Conflict::SlugTaken) => "slug_taken",
            StoreError::Conflict(Conflict::BookingOverlap(_)) => "double_booking",
            StoreError::Other(_) => "internal",
        }
    }
}

impl Classify for AddEmployeeError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Denied(d) => d.kind(),
            Self::Seats(_) | Self::AlreadyMember => ErrorKind::Conflict,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Denied(d) => d.code(),
            Self::Seats(s) => s.code(),
            Self::AlreadyMember => "email_taken",
        }
    }
}

impl Classify for ChangeRolesError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Denied(d) => d.kind(),
            _ => ErrorKind::Conflict,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Denied(d) => d.code(),
            Self::OwnerRequiresAdministrator => "owner_requires_administrator",
            Self::LastOwner => "last_owner",
            Self::Seats(s) => s.code(),
        }
    }
}

impl Classify for DeactivateError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Denied(d) => d.kind(),
            Self::LastOwner => ErrorKind::Conflict,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Denied(d) => d.code(),
            Self::LastOwner => "last_owner",
        }
    }
}

impl Classify for ReactivateError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Denied(d) => d.kind(),
            Self::Seats(_) => ErrorKind::Conflict,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Denied(d) => d.code(),
            Self::Seats(s) => s.code(),
        }
    }
}

impl Classify for ChangePlanError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Denied(d) => d.kind(),
            Self::TooManyProviders { .. } => ErrorKind::Conflict,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Denied(d) => d.code(),
            Self::TooManyProviders { .. } => "plan_limit",
        }
    }
}

/// Implements [`Classify`] for a use-case error enum whose every variant
/// wraps one classified value.
macro_rules! classify_by_variant {
    ($ty:ty { $($variant:ident),* $(,)? }) => {
        impl $crate::error::Classify for $ty {
            fn kind(&self) -> $crate::error::ErrorKind {
                match self { $(Self::$variant(e) => $crate::error::Classify::kind(e),)* }
            }
            fn code(&self) -> &'static str {
                match self { $(Self::$variant(e) => $crate::error::Classify::code(e),)* }
            }
        }
    };
}
pub(crate) use classify_by_variant;
