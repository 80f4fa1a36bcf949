//! Identifiers: opaque, typed wrappers around UUIDs.
//!
//! The domain never makes an identifier itself (that needs randomness); the
//! application's `IdSource` port hands them in.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Declares an id newtype around a UUID.
macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps a UUID handed in by an id source or read from storage.
            #[must_use]
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The UUID inside.
            #[must_use]
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.as_hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = InvalidId;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::try_parse(s).map(Self).map_err(|_| InvalidId)
            }
        }
    };
}

id_type!(
    /// A business (tenant).
    BusinessId
);
id_type!(
    /// An account: an employee or a customer (R1).
    AccountId
);

id_type!(
    /// An audit-log entry.
    AuditEventId
);

id_type!(
    /// A non-working time entry (time off, a break, a closure).
    TimeOffId
);
id_type!(
    /// A service the business offers.
    ServiceId
);
id_type!(
    /// A booking.
    BookingId
);
id_type!(
    /// A recurring series of bookings (each occurrence is a booking that
    /// carries it).
    SeriesId
);
id_type!(
    /// A time-tracking entry.
    TimeEntryId
);

id_type!(
    /// A payment or tip recorded on a booking.
    PaymentId
);

id_type!(
    /// A request for payment sent to a booking's customer.
    PaymentRequestId
);

id_type!(
    /// A message in the transactional outbox.
    OutboxId
);

id_type!(
    /// A signed-in session (A3). Not the secret: the token is.
    SessionId
);

/// A string that is not an identifier Rota could have issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a valid identifier")]
pub struct InvalidId;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_their_text_form() {
        let id = AccountId::from_uuid(Uuid::from_u128(0x1234));
        let parsed: AccountId = id.to_string().parse().unwrap();
        assert_eq!(parsed, id);
        assert_eq!("not-an-id".parse::<AccountId>(), Err(InvalidId));
    }
}
