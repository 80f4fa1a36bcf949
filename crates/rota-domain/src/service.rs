//! Services the business offers: a name, a duration, a price (B2, B8) and
//! the time it keeps its provider free around it (buffers).

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::id::{AccountId, BusinessId, ServiceId};
use crate::money::Money;
use crate::name::BusinessName;
use crate::time::TimeRange;

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

/// The time a service keeps its provider free before it (preparation,
/// travel there) and after it (cleanup, travel on): whole minutes, 0 to
/// [`Buffers::MAX_MINUTES`] each. A booking takes them from the service when
/// it is made and keeps them (B4 holds them: a provider's bookings, each
/// widened by its own buffers, never overlap), so changing a service later
/// moves no booking already made. They keep bookings apart; they do not
/// have to fall within working hours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "BufferMinutes", into = "BufferMinutes")]
pub struct Buffers {
    before: u16,
    after: u16,
}

/// [`Buffers`] as the API and the stores spell them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BufferMinutes {
    /// Minutes kept free before.
    #[serde(default)]
    pub before_minutes: u32,
    /// Minutes kept free after.
    #[serde(default)]
    pub after_minutes: u32,
}

/// A buffer out of 0–[`Buffers::MAX_MINUTES`] minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a buffer is 0 to 240 minutes")]
pub struct InvalidBuffer;

impl Buffers {
    /// None before, none after.
    pub const NONE: Self = Self {
        before: 0,
        after: 0,
    };

    /// The most on both sides: what any booking's buffers may reach.
    pub const MAX_ALL: Self = Self {
        before: Self::MAX_SIDE,
        after: Self::MAX_SIDE,
    };

    const MAX_SIDE: u16 = 240;

    /// The most either side may be: four hours.
    pub const MAX_MINUTES: u32 = Self::MAX_SIDE as u32;

    /// The most either side may be, as a duration.
    pub const MAX: SignedDuration = SignedDuration::from_mins(Self::MAX_MINUTES as i64);

    /// From minutes before and after.
    pub fn minutes(before: u32, after: u32) -> Result<Self, InvalidBuffer> {
        let side = |m: u32| {
            u16::try_from(m)
                .ok()
                .filter(|m| u32::from(*m) <= Self::MAX_MINUTES)
                .ok_or(InvalidBuffer)
        };
        Ok(Self {
            before: side(before)?,
            after: side(after)?,
        })
    }

    /// Minutes kept free before.
    #[must_use]
    pub const fn before_minutes(self) -> u32 {
        self.before as u32
    }

    /// Minutes kept free after.
    #[must_use]
    pub const fn after_minutes(self) -> u32 {
        self.after as u32
    }

    /// Whether there are none.
    #[must_use]
    pub const fn is_none(self) -> bool {
        self.before == 0 && self.after == 0
    }

    fn before(self) -> SignedDuration {
        SignedDuration::from_mins(i64::from(self.before))
    }

    fn after(self) -> SignedDuration {
        SignedDuration::from_mins(i64::from(self.after))
    }

    /// `range` with these buffers around it: the time it keeps its providers
    /// from other bookings (clamped to the representable instants).
    #[must_use]
    pub fn around(self, range: TimeRange) -> TimeRange {
        let start = range
            .start()
            .checked_sub(self.before())
            .unwrap_or(Timestamp::MIN);
        let end = range
            .end()
            .checked_add(self.after())
            .unwrap_or(Timestamp::MAX);
        TimeRange::new(start, end).unwrap_or(range)
    }

    /// What a booking with these buffers cannot start or end within, around
    /// a provider's time `blocked` (another booking with its own buffers,
    /// or any busy time): `blocked` widened by this booking's `after` before
    /// it and its `before` after it. A slot `s` is free of `blocked` exactly
    /// when `self.around(s)` does not overlap `blocked`, which is when `s`
    /// does not overlap this.
    #[must_use]
    pub fn keep_clear_of(self, blocked: TimeRange) -> TimeRange {
        Self {
            before: self.after,
            after: self.before,
        }
        .around(blocked)
    }
}

impl TryFrom<BufferMinutes> for Buffers {
    type Error = InvalidBuffer;
    fn try_from(m: BufferMinutes) -> Result<Self, InvalidBuffer> {
        Self::minutes(m.before_minutes, m.after_minutes)
    }
}

impl From<Buffers> for BufferMinutes {
    fn from(b: Buffers) -> Self {
        Self {
            before_minutes: b.before_minutes(),
            after_minutes: b.after_minutes(),
        }
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
    /// The time it keeps its provider free around it.
    pub buffers: Buffers,
}

impl Service {
    /// Whether `provider` offers this service.
    #[must_use]
    pub fn offered_by(&self, provider: AccountId) -> bool {
        self.providers.is_empty() || self.providers.contains(&provider)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + minutes * 60).unwrap()
    }

    fn r(from: i64, to: i64) -> TimeRange {
        TimeRange::new(at(from), at(to)).unwrap()
    }

    #[test]
    fn buffers_are_0_to_240_minutes_each() {
        assert!(Buffers::minutes(0, 240).is_ok());
        assert_eq!(Buffers::minutes(241, 0), Err(InvalidBuffer));
        assert_eq!(Buffers::minutes(0, 70_000), Err(InvalidBuffer));
        assert!(Buffers::default().is_none());
    }

    #[test]
    fn b4_buffers_widen_what_a_booking_blocks() {
        let b = Buffers::minutes(15, 30).unwrap();
        assert_eq!(b.around(r(60, 120)), r(45, 150));
        assert_eq!(Buffers::NONE.around(r(60, 120)), r(60, 120));
    }

    #[test]
    fn b4_a_slot_kept_clear_of_blocked_time_leaves_room_for_its_own_buffers() {
        let mine = Buffers::minutes(10, 20).unwrap();
        let blocked = r(100, 200);
        let clear = mine.keep_clear_of(blocked);
        assert_eq!(clear, r(80, 210));
        // Just outside: my buffers touch the blocked time, no more.
        for slot in [r(20, 80), r(210, 260)] {
            assert!(!clear.overlaps(&slot));
            assert!(!mine.around(slot).overlaps(&blocked));
        }
        // A minute closer and they overlap.
        for slot in [r(21, 81), r(209, 259)] {
            assert!(clear.overlaps(&slot));
            assert!(mine.around(slot).overlaps(&blocked));
        }
    }

    #[test]
    fn buffers_read_and_write_as_minutes() {
        let b: Buffers = serde_json::from_str(r#"{"before_minutes":5}"#).unwrap();
        assert_eq!(b, Buffers::minutes(5, 0).unwrap());
        assert!(serde_json::from_str::<Buffers>(r#"{"after_minutes":999}"#).is_err());
        assert_eq!(
            serde_json::to_string(&b).unwrap(),
            r#"{"before_minutes":5,"after_minutes":0}"#
        );
    }
}
