//! Throttling (A2, A9–A11): repeated attempts slow the next ones down, per
//! account and per client address, without ever locking anyone out for
//! good, and without letting one address lock other people out.
//!
//! Every attempt is counted *before* the password is checked (A9), so a
//! burst of parallel guesses gets no more tries than the same guesses one
//! by one; a successful sign-in takes its own attempt back. The schedule
//! (also in `docs/DECISIONS.md`, "Throttles"):
//!
//! | key | free attempts | then each further one blocks for | at most |
//! |---|---|---|---|
//! | account from one client address | 5 | 1 s, 2 s, 4 s, … | 5 min |
//! | account from any address | 100 | 1 s, 2 s, 4 s, … | 1 min |
//! | client address, any account | 50 | 1 s, 2 s, 4 s, … | 5 min |
//! | password change, per account | 5 | 1 s, 2 s, 4 s, … | 5 min |
//! | forgot-password emails, per account | 3 | then none for an hour | |
//! | forgot-password emails, per client address | 20 | then none for an hour | |
//!
//! Attempts are forgotten an hour after the last one; a successful sign-in
//! and a password reset forget the account's. One address guessing at an
//! account blocks only itself (its own account-and-address key and, past
//! 50, its own address); the account-wide key only slows a guessing crowd
//! of many addresses, never for more than a minute, and the emailed reset
//! always lets the holder back in.

use jiff::{SignedDuration, Timestamp};

/// How one scope is throttled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures allowed before any delay.
    pub free: u32,
    /// The first delay; each further failure doubles it…
    pub first_delay: SignedDuration,
    /// …up to this.
    pub max_delay: SignedDuration,
    /// Failures older than this (since the last one) are forgotten.
    pub forget_after: SignedDuration,
}

/// Sign-ins to one account from one client address (A2, A9).
pub const PER_ACCOUNT: ThrottlePolicy = ThrottlePolicy {
    free: 5,
    first_delay: SignedDuration::from_secs(1),
    max_delay: SignedDuration::from_mins(5),
    forget_after: SignedDuration::from_hours(1),
};

/// Sign-ins to one account from any address: slows a crowd of addresses,
/// never for long (A9).
pub const PER_ACCOUNT_ANYWHERE: ThrottlePolicy = ThrottlePolicy {
    free: 100,
    first_delay: SignedDuration::from_secs(1),
    max_delay: SignedDuration::from_mins(1),
    forget_after: SignedDuration::from_hours(1),
};

/// Sign-ins from one client address to any account (A2, A9).
pub const PER_CLIENT: ThrottlePolicy = ThrottlePolicy {
    free: 50,
    first_delay: SignedDuration::from_secs(1),
    max_delay: SignedDuration::from_mins(5),
    forget_after: SignedDuration::from_hours(1),
};

/// Password changes with a wrong current password, per account (A10).
pub const PASSWORD_CHANGE: ThrottlePolicy = PER_ACCOUNT;

/// Forgot-password emails per account: a few an hour, then none (A11).
pub const FORGOT_PER_ACCOUNT: ThrottlePolicy = ThrottlePolicy {
    free: 3,
    first_delay: SignedDuration::from_hours(1),
    max_delay: SignedDuration::from_hours(1),
    forget_after: SignedDuration::from_hours(1),
};

/// Forgot-password requests per client address (A11).
pub const FORGOT_PER_CLIENT: ThrottlePolicy = ThrottlePolicy {
    free: 20,
    first_delay: SignedDuration::from_hours(1),
    max_delay: SignedDuration::from_hours(1),
    forget_after: SignedDuration::from_hours(1),
};

/// Public bookings per client address (U5): a handful an hour, so a script
/// cannot fill a calendar.
pub const PUBLIC_BOOKINGS_PER_CLIENT: ThrottlePolicy = ThrottlePolicy {
    free: 5,
    first_delay: SignedDuration::from_hours(1),
    max_delay: SignedDuration::from_hours(1),
    forget_after: SignedDuration::from_hours(1),
};

/// Public bookings per email address at a business (U5, A11): each sends
/// an email, so a few an hour, so a script cannot fill an inbox.
pub const PUBLIC_BOOKINGS_PER_EMAIL: ThrottlePolicy = FORGOT_PER_ACCOUNT;

/// The failures counted against one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempts {
    /// Failures since they were last forgotten.
    pub failures: u32,
    /// When the last one happened.
    pub last_failure_at: Timestamp,
    /// No attempt is heard before this.
    pub blocked_until: Option<Timestamp>,
}

impl Attempts {
    /// `Err(retry_at)` while blocked at `now`.
    pub fn check(&self, now: Timestamp) -> Result<(), Timestamp> {
        match self.blocked_until {
            Some(until) if now < until => Err(until),
            _ => Ok(()),
        }
    }

    /// The record after one more failure at `now`.
    #[must_use]
    pub fn after_failure(previous: Option<Self>, policy: &ThrottlePolicy, now: Timestamp) -> Self {
        let failures = match previous {
            Some(p) if now.duration_since(p.last_failure_at) < policy.forget_after => {
                p.failures.saturating_add(1)
            }
            _ => 1,
        };
        let blocked_until = (failures > policy.free).then(|| {
            let doublings = (failures - policy.free - 1).min(20);
            let delay = policy
                .first_delay
                .checked_mul(1 << doublings)
                .unwrap_or(policy.max_delay)
                .min(policy.max_delay);
            now.saturating_add(delay).unwrap_or(Timestamp::MAX)
        });
        Self {
            failures,
            last_failure_at: now,
            blocked_until,
        }
    }

    /// The record with one attempt taken back (a sign-in that succeeded was
    /// counted before its password was checked, A9): one fewer, and no
    /// longer blocked once within the free attempts.
    #[must_use]
    pub fn taken_back(self, policy: &ThrottlePolicy) -> Self {
        let failures = self.failures.saturating_sub(1);
        Self {
            failures,
            blocked_until: self.blocked_until.filter(|_| failures > policy.free),
            ..self
        }
    }

    /// Whether this failure is the one that started throttling (the audit
    /// log records each such burst once, A7).
    #[must_use]
    pub fn starts_burst(&self, policy: &ThrottlePolicy) -> bool {
        self.failures == policy.free + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + secs).unwrap()
    }

    #[test]
    fn a2_five_free_failures_then_doubling_delays_capped_at_five_minutes() {
        let mut a: Option<Attempts> = None;
        let mut delays = Vec::new();
        for i in 0..20 {
            let now = at(i * 1000);
            let next = Attempts::after_failure(a, &PER_ACCOUNT, now);
            delays.push(next.blocked_until.map(|u| u.duration_since(now).as_secs()));
            a = Some(next);
        }
        // Failures 1000 s apart are within the hour, so they add up.
        assert_eq!(&delays[..5], &[None; 5]);
        assert_eq!(
            &delays[5..10],
            &[Some(1), Some(2), Some(4), Some(8), Some(16)]
        );
        assert_eq!(delays[19], Some(300), "never more than five minutes");
    }

    #[test]
    fn a9_a_successful_attempt_is_taken_back() {
        let mut a = None;
        for _ in 0..6 {
            a = Some(Attempts::after_failure(a, &PER_ACCOUNT, at(0)));
        }
        let a = a.unwrap();
        assert!(a.blocked_until.is_some());
        let back = a.taken_back(&PER_ACCOUNT);
        assert_eq!((back.failures, back.blocked_until), (5, None));
    }

    #[test]
    fn a11_three_reset_emails_an_hour_then_none() {
        let mut a = None;
        let mut sent = 0;
        for i in 0..200 {
            let next = Attempts::after_failure(a, &FORGOT_PER_ACCOUNT, at(i));
            sent += u32::from(next.blocked_until.is_none());
            a = Some(next);
        }
        assert_eq!(sent, 3);
    }

    #[test]
    fn a2_a_blocked_key_is_heard_again_when_the_delay_is_over() {
        let mut a = None;
        for _ in 0..7 {
            a = Some(Attempts::after_failure(a, &PER_ACCOUNT, at(0)));
        }
        let a = a.unwrap();
        assert_eq!(a.check(at(1)), Err(at(2)));
        assert_eq!(a.check(at(2)), Ok(()));
    }

    #[test]
    fn a2_failures_are_forgotten_after_an_hour_of_quiet() {
        let mut a = None;
        for _ in 0..10 {
            a = Some(Attempts::after_failure(a, &PER_ACCOUNT, at(0)));
        }
        let later = Attempts::after_failure(a, &PER_ACCOUNT, at(3600));
        assert_eq!(later.failures, 1);
        assert_eq!(later.blocked_until, None);
    }

    #[test]
    fn a7_a_burst_is_reported_once_when_throttling_starts() {
        let mut a = None;
        let mut bursts = 0;
        for _ in 0..80 {
            let next = Attempts::after_failure(a, &PER_CLIENT, at(0));
            bursts += u32::from(next.starts_burst(&PER_CLIENT));
            a = Some(next);
        }
        assert_eq!(bursts, 1);
    }
}
