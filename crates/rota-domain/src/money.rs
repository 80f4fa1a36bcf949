//! Money (B8): integer minor units of the business's currency, never negative.

use serde::{Deserialize, Serialize};

use crate::business::Currency;

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

/// U8: an amount typed by a person that is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Not a number like 90, 90.5 or 90.00.
    #[error("enter an amount like 90.00")]
    NotAnAmount,
    /// More decimals than the currency has.
    #[error("this currency has {0} decimal places")]
    TooPrecise(u32),
    /// Below zero (B8).
    #[error("an amount may not be negative")]
    Negative,
    /// Too large to keep.
    #[error("this amount is too large")]
    TooLarge,
}

impl Money {
    /// The amount as people read it in `currency` (U8): "£90.00",
    /// "¥9000", "12.500 KWD".
    #[must_use]
    pub fn display(self, currency: &Currency) -> String {
        let digits = currency.minor_digits();
        let scale = 10_i64.pow(digits);
        let (whole, part) = (self.0 / scale, self.0 % scale);
        let number = if digits == 0 {
            whole.to_string()
        } else {
            format!("{whole}.{part:0width$}", width = digits as usize)
        };
        match currency.symbol() {
            Some(symbol) => format!("{symbol}{number}"),
            None => format!("{number} {}", currency.as_str()),
        }
    }

    /// An amount as a person types it in `currency` (U8): "90", "90.5",
    /// "£90.00", "1,250.00"; into minor units.
    pub fn parse_amount(input: &str, currency: &Currency) -> Result<Self, AmountError> {
        let mut text = input.trim().replace(',', "");
        if let Some(symbol) = currency.symbol() {
            text = text.trim_start_matches(symbol).to_owned();
        }
        let text = text.trim_end_matches(currency.as_str()).trim();
        if text.starts_with('-') {
            return Err(AmountError::Negative);
        }
        let (whole, part) = text.split_once('.').unwrap_or((text, ""));
        let digits = currency.minor_digits();
        let numeric = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() && part.is_empty() || !numeric(whole) || !numeric(part) {
            return Err(AmountError::NotAnAmount);
        }
        if part.len() > digits as usize {
            return Err(AmountError::TooPrecise(digits));
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| AmountError::TooLarge)?
        };
        let padded = format!("{part:0<width$}", width = digits as usize);
        let part: i64 = if padded.is_empty() {
            0
        } else {
            padded.parse().map_err(|_| AmountError::NotAnAmount)?
        };
        whole
            .checked_mul(10_i64.pow(digits))
            .and_then(|w| w.checked_add(part))
            .map(Money)
            .ok_or(AmountError::TooLarge)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn c(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    #[test]
    fn u8_money_is_shown_as_money_in_the_business_currency() {
        assert_eq!(Money(9000).display(&c("GBP")), "£90.00");
        assert_eq!(Money(5).display(&c("EUR")), "€0.05");
        assert_eq!(Money(9000).display(&c("JPY")), "¥9000");
        assert_eq!(Money(12_500).display(&c("KWD")), "12.500 KWD");
        assert_eq!(Money(1999).display(&c("CHF")), "19.99 CHF");
    }

    #[test]
    fn u8_money_is_entered_as_money() {
        let gbp = c("GBP");
        for (typed, minor) in [
            ("90", 9000),
            ("90.5", 9050),
            ("£90.00", 9000),
            ("1,250.00", 125_000),
            (".5", 50),
        ] {
            assert_eq!(
                Money::parse_amount(typed, &gbp),
                Ok(Money(minor)),
                "{typed}"
            );
        }
        assert_eq!(
            Money::parse_amount("90.005", &gbp),
            Err(AmountError::TooPrecise(2))
        );
        assert_eq!(Money::parse_amount("-1", &gbp), Err(AmountError::Negative));
        assert_eq!(
            Money::parse_amount("ninety", &gbp),
            Err(AmountError::NotAnAmount)
        );
        assert_eq!(Money::parse_amount("", &gbp), Err(AmountError::NotAnAmount));
        assert_eq!(Money::parse_amount("9000", &c("JPY")), Ok(Money(9000)));
        assert_eq!(
            Money::parse_amount("99999999999999999999", &gbp),
            Err(AmountError::TooLarge)
        );
    }
}
