//! Money (B8): integer minor units of the business's currency, never negative.

use serde::{Deserialize, Serialize};

/// A non-negative amount in minor units (cents, pence).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(try_from = "i64", into = "i64")]
pub struct Money(i64);

/// B8: amounts are never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an amount may not be negative")]
pub struct NegativeAmount;

impl Money {
    /// Nothing.
    pub const ZERO: Money = Money(0);

    /// An amount of minor units.
    pub fn new(minor: i64) -> Result<Self, NegativeAmount> {
        if minor < 0 {
            Err(NegativeAmount)
        } else {
            Ok(Self(minor))
        }
    }

    /// The minor units.
    #[must_use]
    pub const fn minor(self) -> i64 {
        self.0
    }

    /// The sum, or `None` past `i64::MAX`.
    #[must_use]
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }
}

impl TryFrom<i64> for Money {
    type Error = NegativeAmount;
    fn try_from(v: i64) -> Result<Self, NegativeAmount> {
        Money::new(v)
    }
}

impl From<Money> for i64 {
    fn from(m: Money) -> Self {
        m.0
    }
}
