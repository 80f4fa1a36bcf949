//! The transactional outbox (A8): an email is stored in the same unit of
//! work as the change that caused it, then delivered with retries, so an
//! SMTP outage loses nothing and a rolled-back change sends nothing.

use jiff::{SignedDuration, Timestamp};

use crate::email::EmailAddress;
use crate::id::{BusinessId, OutboxId};

/// The first retry waits this long; each further one twice as long…
pub const FIRST_RETRY: SignedDuration = SignedDuration::from_secs(30);
/// …up to this.
pub const MAX_RETRY: SignedDuration = SignedDuration::from_hours(1);

/// One email waiting to be, or already, delivered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxMessage {
    /// Its id.
    pub id: OutboxId,
    /// The business it is sent for.
    pub business_id: BusinessId,
    /// Whom to.
    pub recipient: EmailAddress,
    /// Which template (`invitation`, `password_reset`…).
    pub kind: String,
    /// What the template needs, as the mailer wrote it (opaque here; a
    /// mailer may seal secrets in it).
    pub payload: String,
    /// When it was queued.
    pub created_at: Timestamp,
    /// Failed deliveries so far.
    pub attempts: u32,
    /// Not to be tried before this.
    pub next_attempt_at: Timestamp,
    /// When it was delivered; `None` while pending.
    pub sent_at: Option<Timestamp>,
    /// Why the last delivery failed.
    pub last_error: Option<String>,
    /// What it is about, when it may be withdrawn before it is sent (a
    /// booking's reminders: `reminder:{booking}`).
    pub topic: Option<String>,
}

impl OutboxMessage {
    /// Records a failed delivery at `now`: the next try waits 30 s, 1 min,
    /// 2 min… up to an hour between tries. A message is never dropped.
    pub fn failed(&mut self, now: Timestamp, error: &str) {
        self.attempts = self.attempts.saturating_add(1);
        self.next_attempt_at = now
            .checked_add(retry_delay(self.attempts))
            .unwrap_or(Timestamp::MAX);
        self.last_error = Some(error.chars().take(1000).collect());
    }

    /// Records a delivery at `now`.
    pub fn sent(&mut self, now: Timestamp) {
        self.sent_at = Some(now);
        self.last_error = None;
    }
}

/// How long to wait after the `attempts`-th failure.
#[must_use]
pub fn retry_delay(attempts: u32) -> SignedDuration {
    let doublings = attempts.saturating_sub(1).min(16);
    let delay = FIRST_RETRY.checked_mul(1 << doublings).unwrap_or(MAX_RETRY);
    delay.min(MAX_RETRY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a8_retries_back_off_to_an_hour_and_never_give_up() {
        assert_eq!(retry_delay(1), SignedDuration::from_secs(30));
        assert_eq!(retry_delay(2), SignedDuration::from_secs(60));
        assert_eq!(retry_delay(5), SignedDuration::from_secs(480));
        assert_eq!(retry_delay(8), MAX_RETRY);
        assert_eq!(retry_delay(1000), MAX_RETRY);
    }
}
