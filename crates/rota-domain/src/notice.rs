//! Notices: the emails Rota sends, as data. The application decides that a
//! notice is due and queues it in the outbox (A8); a mailer adapter renders
//! and delivers it. Times are instants with the zone they are to be shown
//! in, so a recipient reads their own wall-clock time.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::business::Zone;
use crate::id::BookingId;

/// A secret carried by a notice (an emailed token). Its `Debug` hides it;
/// mailers seal it before it is stored.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    #[must_use]
    pub fn new(secret: String) -> Self {
        Self(secret)
    }

    /// The secret, for the one place that must write it (the emailed link).
    #[must_use]
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// What happened to a booking, for its notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingChange {
    /// Newly booked.
    Confirmed,
    /// Moved or reassigned.
    Changed,
    /// Cancelled.
    Cancelled,
    /// Coming up: a reminder (to the customer).
    Reminder,
}

/// An email to send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// A6: come and set your password.
    Invitation {
        /// The business's name.
        business: String,
        /// The invitee's name.
        name: String,
        /// The single-use token of the link.
        token: Secret,
        /// When the link stops working.
        expires_at: Timestamp,
        /// The zone to show `expires_at` in.
        zone: Zone,
        /// Whether it is a customer's portal invitation.
        portal: bool,
    },
    /// A4: set a new password.
    PasswordReset {
        /// The business's name.
        business: String,
        /// The holder's name.
        name: String,
        /// The single-use token of the link.
        token: Secret,
        /// When the link stops working.
        expires_at: Timestamp,
        /// The zone to show `expires_at` in.
        zone: Zone,
    },
    /// A5: your password was changed.
    PasswordChanged {
        /// The business's name.
        business: String,
        /// The holder's name.
        name: String,
        /// When.
        at: Timestamp,
        /// The zone to show `at` in.
        zone: Zone,
    },
    /// A12, to the new address: confirm it.
    ConfirmEmail {
        /// The business's name.
        business: String,
        /// The holder's name.
        name: String,
        /// The address to confirm.
        new_email: String,
        /// The single-use token of the link.
        token: Secret,
        /// When the link stops working.
        expires_at: Timestamp,
        /// The zone to show `expires_at` in.
        zone: Zone,
    },
    /// A12, to the old address: a change to another address was asked for.
    EmailChangeRequested {
        /// The business's name.
        business: String,
        /// The holder's name.
        name: String,
        /// The address asked for.
        new_email: String,
        /// When.
        at: Timestamp,
        /// The zone to show `at` in.
        zone: Zone,
    },
    /// A12, to an address someone asked to move an account to that already
    /// has an account at the business: nothing changes (the one who asked
    /// is told nothing either way).
    EmailInUse {
        /// The business's name.
        business: String,
    },
    /// U5: someone booked on the public page with an address that belongs
    /// to the team; no booking was made (the page said nothing of it).
    BookedWithTeamAddress {
        /// The business's name.
        business: String,
    },
    /// A booking's customer is asked to pay.
    PaymentRequest {
        /// The business's name.
        business: String,
        /// The customer's name.
        customer: String,
        /// The amount due, formatted in the business's currency.
        amount: String,
        /// What to quote when paying.
        reference: String,
        /// Where to pay online, if a payment processor gave a link.
        link: Option<String>,
        /// The service's name (or "your booking").
        service: String,
        /// When the booking starts.
        starts_at: Timestamp,
        /// The business's zone, to show `starts_at` in.
        zone: Zone,
    },
    /// A booking was made, changed or cancelled.
    Booking {
        /// What happened.
        change: BookingChange,
        /// The business's name.
        business: String,
        /// The customer's name.
        customer: String,
        /// The service's name.
        service: String,
        /// Who will serve.
        providers: Vec<String>,
        /// When it starts.
        starts_at: Timestamp,
        /// When it ends.
        ends_at: Timestamp,
        /// The recipient's zone.
        zone: Zone,
        /// The booking (its page in the portal, its `.ics` UID); absent in
        /// notices queued before it was carried.
        #[serde(default)]
        booking: Option<BookingId>,
        /// Its revision, for calendar apps (RFC 5545 `SEQUENCE`).
        #[serde(default)]
        sequence: u32,
        /// How many later occurrences of its recurring series the same
        /// change applies to (one email for a series, issue 19); 0 for
        /// one booking.
        #[serde(default)]
        repeats: u32,
    },
    /// A booking was assigned to a provider (`Confirmed`), moved
    /// (`Changed`) or cancelled or taken off them (`Cancelled`).
    ProviderBooking {
        /// What happened, for this provider.
        change: BookingChange,
        /// The business's name.
        business: String,
        /// The provider's name.
        provider: String,
        /// The customer's name.
        customer: String,
        /// The service's name.
        service: String,
        /// When it starts.
        starts_at: Timestamp,
        /// When it ends.
        ends_at: Timestamp,
        /// The provider's zone (their work calendar's, else the business's).
        zone: Zone,
        /// The booking (its page in the console).
        booking: BookingId,
    },
}

impl Notice {
    /// A short stable name (`invitation`, `password_reset`…), stored beside
    /// the sealed notice so operators can see what is queued.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Invitation { .. } => "invitation",
            Self::PasswordReset { .. } => "password_reset",
            Self::PasswordChanged { .. } => "password_changed",
            Self::ConfirmEmail { .. } => "confirm_email",
            Self::EmailChangeRequested { .. } => "email_change_requested",
            Self::EmailInUse { .. } => "email_in_use",
            Self::BookedWithTeamAddress { .. } => "booked_with_team_address",
            Self::PaymentRequest { .. } => "payment_request",
            Self::Booking {
                change: BookingChange::Confirmed,
                ..
            } => "booking_confirmed",
            Self::Booking {
                change: BookingChange::Changed,
                ..
            } => "booking_changed",
            Self::Booking {
                change: BookingChange::Cancelled,
                ..
            } => "booking_cancelled",
            Self::Booking {
                change: BookingChange::Reminder,
                ..
            } => "booking_reminder",
            Self::ProviderBooking {
                change: BookingChange::Confirmed,
                ..
            } => "provider_assigned",
            Self::ProviderBooking {
                change: BookingChange::Changed | BookingChange::Reminder,
                ..
            } => "provider_booking_changed",
            Self::ProviderBooking {
                change: BookingChange::Cancelled,
                ..
            } => "provider_booking_cancelled",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a3_a_notice_debug_never_shows_its_token() {
        let n = Notice::PasswordReset {
            business: "Acme".into(),
            name: "Ana".into(),
            token: Secret::new("s3cr3t-token-value".into()),
            expires_at: Timestamp::UNIX_EPOCH,
            zone: Zone::utc(),
        };
        assert!(!format!("{n:?}").contains("s3cr3t"));
        assert_eq!(n.kind(), "password_reset");
    }
}
