//! Services the business offers: a name, a duration and a price (B2, B8).

use jiff::SignedDuration;
use serde::{Deserialize, Serialize};

use crate::id::{AccountId, BusinessId, ServiceId};
use crate::money::Money;
use crate::name::BusinessName;

/// How long a service takes: whole minutes, 5 minutes to 24 hours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct ServiceDuration(u32);

/// Out of 5–1440 minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a service lasts 5 to 1440 minutes")]
pub struct InvalidDuration;

impl ServiceDuration {
    /// From minutes.
    pub fn minutes(m: u32) -> Result<Self, InvalidDuration> {
        if (5..=1440).contains(&m) {
            Ok(Self(m))
        } else {
            Err(InvalidDuration)
        }
    }

    /// The minutes.
    #[must_use]
    pub const fn as_minutes(self) -> u32 {
        self.0
    }

    /// As a duration.
    #[must_use]
    pub fn duration(self) -> SignedDuration {
        SignedDuration::from_mins(i64::from(self.0))
    }
}

impl TryFrom<u32> for ServiceDuration {
    type Error = InvalidDuration;
    fn try_from(m: u32) -> Result<Self, InvalidDuration> {
        Self::minutes(m)
    }
}

impl From<ServiceDuration> for u32 {
    fn from(d: ServiceDuration) -> Self {
        d.0
    }
}

/// A service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    /// Its id.
    pub id: ServiceId,
    /// Its business.
    pub business_id: BusinessId,
    /// Its name ("Deep clean", "Haircut").
    pub name: BusinessName,
    /// How long it takes (B2: a booking of it lasts this long unless an end is given).
    pub duration: ServiceDuration,
    /// Its price.
    pub price: Money,
    /// The providers who offer it; empty = every provider.
    pub providers: Vec<AccountId>,
    /// Whether it can be booked.
    pub active: bool,
}

impl Service {
    /// Whether `provider` offers this service.
    #[must_use]
    pub fn offered_by(&self, provider: AccountId) -> bool {
        self.providers.is_empty() || self.providers.contains(&provider)
    }
}
