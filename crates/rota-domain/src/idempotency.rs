//! B9: `Idempotency-Key`s for creating bookings.

use std::fmt;

use jiff::{SignedDuration, Timestamp};

/// How long a key is remembered.
pub const KEY_LIFETIME: SignedDuration = SignedDuration::from_hours(24);

/// A client's idempotency key: 1–255 visible ASCII characters.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

/// Not a usable key (422).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an Idempotency-Key is 1 to 255 visible ASCII characters")]
pub struct InvalidKey;

impl IdempotencyKey {
    /// Checks a key.
    pub fn parse(key: &str) -> Result<Self, InvalidKey> {
        if (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) {
            Ok(Self(key.to_owned()))
        } else {
            Err(InvalidKey)
        }
    }

    /// The key.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdempotencyKey({:?})", self.0)
    }
}

/// Whether a key recorded at `recorded_at` is still remembered at `now`.
#[must_use]
pub fn still_remembered(recorded_at: Timestamp, now: Timestamp) -> bool {
    now.duration_since(recorded_at) < KEY_LIFETIME
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn b9_keys_are_visible_ascii_and_last_a_day() {
        assert!(IdempotencyKey::parse("order-42").is_ok());
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse("has space").is_err());
        assert!(IdempotencyKey::parse(&"k".repeat(256)).is_err());
        let t0: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        assert!(still_remembered(
            t0,
            t0.checked_add(SignedDuration::from_hours(23)).unwrap()
        ));
        assert!(!still_remembered(t0, t0.checked_add(KEY_LIFETIME).unwrap()));
    }
}
