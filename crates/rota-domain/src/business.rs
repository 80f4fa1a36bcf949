//! The business (tenant): its identity, time zone, currency, subscription and
//! settings.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::access::AccessRights;
use crate::calendar::WeeklyHours;
use crate::id::BusinessId;
use crate::name::{BusinessName, Slug};
use crate::plan::Subscription;
pub use crate::zone::{UnknownZone, Zone};

/// An ISO 4217 currency code (`EUR`, `USD`); amounts are integer minor
/// units of it (B8).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

/// Not three ASCII letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a currency is a three-letter ISO 4217 code such as \"EUR\"")]
pub struct InvalidCurrency;

impl Currency {
    /// Parses a code; lower case is accepted and upper-cased.
    pub fn parse(code: &str) -> Result<Self, InvalidCurrency> {
        let code = code.trim().as_bytes();
        match code {
            [a, b, c] if code.iter().all(u8::is_ascii_alphabetic) => Ok(Self([
                a.to_ascii_uppercase(),
                b.to_ascii_uppercase(),
                c.to_ascii_uppercase(),
            ])),
            _ => Err(InvalidCurrency),
        }
    }

    /// The code.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Built only from ASCII letters.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// How many digits its minor unit has (ISO 4217): 2 for most, 0 for
    /// the yen and a few others, 3 for the Gulf dinars and a few others.
    #[must_use]
    pub fn minor_digits(&self) -> u32 {
        match self.as_str() {
            "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF"
            | "UGX" | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
            "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
            _ => 2,
        }
    }

    /// The sign written before amounts, for the currencies that have a
    /// well-known one.
    #[must_use]
    pub fn symbol(&self) -> Option<&'static str> {
        match self.as_str() {
            "GBP" => Some("£"),
            "EUR" => Some("€"),
            "USD" => Some("$"),
            "JPY" => Some("¥"),
            "INR" => Some("₹"),
            _ => None,
        }
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.as_str())
    }
}

impl TryFrom<String> for Currency {
    type Error = InvalidCurrency;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.as_str().to_owned()
    }
}

/// Settings an administrator changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessSettings {
    /// R10: customers may cancel no later than this many minutes before the start.
    pub cancellation_notice_minutes: u32,
    /// R10: whether customers may book for themselves.
    pub online_booking: bool,
    /// R8: what service providers who are not administrators may see and do.
    pub access_rights: AccessRights,
    /// W2: when the business is open, in its own zone.
    pub operating_hours: WeeklyHours,
    /// W3: customers book at least this many minutes ahead.
    pub min_notice_minutes: u32,
    /// Which emails about bookings go out besides the customer's
    /// confirmation, change and cancellation (A8).
    #[serde(default)]
    pub notifications: Notifications,
}

/// Which emails about bookings the business sends, kind by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notifications {
    /// Reminders to the customer, this many hours before a booking starts
    /// (each 1–72, at most three; none: no reminders).
    #[serde(default)]
    pub reminder_hours: ReminderHours,
    /// Whether a provider is emailed when a booking is assigned to them,
    /// moved or cancelled.
    #[serde(default)]
    pub provider_emails: bool,
}

/// When customers are reminded: distinct whole hours before the start,
/// 1–72 each, at most three, latest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<u32>", into = "Vec<u32>")]
pub struct ReminderHours(Vec<u32>);

/// Reminder hours out of range, repeated, or too many.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("reminders are 1 to 72 hours before, at most three, each once")]
pub struct InvalidReminders;

impl ReminderHours {
    /// The most reminders a booking gets.
    pub const MOST: usize = 3;

    /// From hours before the start.
    pub fn new(mut hours: Vec<u32>) -> Result<Self, InvalidReminders> {
        hours.sort_unstable_by(|a, b| b.cmp(a));
        let len = hours.len();
        hours.dedup();
        if hours.len() != len
            || hours.len() > Self::MOST
            || hours.iter().any(|h| !(1..=72).contains(h))
        {
            return Err(InvalidReminders);
        }
        Ok(Self(hours))
    }

    /// The hours, latest first.
    #[must_use]
    pub fn hours(&self) -> &[u32] {
        &self.0
    }
}

impl TryFrom<Vec<u32>> for ReminderHours {
    type Error = InvalidReminders;
    fn try_from(hours: Vec<u32>) -> Result<Self, InvalidReminders> {
        Self::new(hours)
    }
}

impl From<ReminderHours> for Vec<u32> {
    fn from(r: ReminderHours) -> Self {
        r.0
    }
}

impl Default for BusinessSettings {
    /// Decision: online booking starts off (a new business opts in), the
    /// cancellation notice is the spec's 1440 minutes, access rights are the
    /// narrowest, the business is open around the clock until it says
    /// otherwise, and customers book at least an hour ahead.
    fn default() -> Self {
        Self {
            cancellation_notice_minutes: 1440,
            online_booking: false,
            access_rights: AccessRights::narrowest(),
            operating_hours: WeeklyHours::always(),
            min_notice_minutes: 60,
            notifications: Notifications::default(),
        }
    }
}

/// A business.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Business {
    /// Its id.
    pub id: BusinessId,
    /// Its name.
    pub name: BusinessName,
    /// Its unique handle (sign-in names the business by slug).
    pub slug: Slug,
    /// The zone its operating hours and reports are in.
    pub time_zone: Zone,
    /// The currency of every amount.
    pub currency: Currency,
    /// Plan and status.
    pub subscription: Subscription,
    /// Administrator-managed settings.
    pub settings: BusinessSettings,
    /// When it signed up.
    pub created_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_are_iana_names_from_the_bundled_database() {
        let z = Zone::parse("america/new_york").unwrap();
        assert_eq!(z.name(), "America/New_York");
        assert!(Zone::parse("Mars/Olympus").is_err());
        assert!(Zone::parse("+02:00").is_err());
    }

    #[test]
    fn currency_codes_are_three_letters() {
        assert_eq!(Currency::parse("eur").unwrap().as_str(), "EUR");
        assert!(Currency::parse("EURO").is_err());
        assert!(Currency::parse("E1R").is_err());
    }
}
