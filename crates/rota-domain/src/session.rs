//! Sessions and single-use account tokens (A3, A4, A6): how long each lives.
//!
//! A session is found by the hash of its opaque token; the token itself is
//! only ever known to its holder. The rules here say when a session or an
//! emailed token stops being good; the application ends sessions on sign-out,
//! password change or reset, and deactivation.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::email::EmailAddress;
use crate::id::{AccountId, BusinessId, SessionId};

/// A session ends after this long without a request (A3).
pub const IDLE_TIMEOUT: SignedDuration = SignedDuration::from_mins(30);
/// A session ends this long after sign-in, however busy (A3).
pub const ABSOLUTE_TIMEOUT: SignedDuration = SignedDuration::from_hours(12);
/// A request refreshes `last_seen_at` only when it is at least this stale,
/// so that a burst of requests costs one write, not one each. Idle expiry
/// is therefore exact to within this much.
pub const TOUCH_GRANULARITY: SignedDuration = SignedDuration::from_mins(1);

/// A signed-in session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// Its id (not its token).
    pub id: SessionId,
    /// The business.
    pub business_id: BusinessId,
    /// Whose session it is.
    pub account_id: AccountId,
    /// When it began.
    pub created_at: Timestamp,
    /// When it was last used.
    pub last_seen_at: Timestamp,
}

impl Session {
    /// When it ends if no further request comes: the earlier of the idle and
    /// the absolute limit.
    #[must_use]
    pub fn expires_at(&self) -> Timestamp {
        let idle = self
            .last_seen_at
            .saturating_add(IDLE_TIMEOUT)
            .unwrap_or(Timestamp::MAX);
        let absolute = self
            .created_at
            .saturating_add(ABSOLUTE_TIMEOUT)
            .unwrap_or(Timestamp::MAX);
        idle.min(absolute)
    }

    /// Whether it is still good at `now`.
    #[must_use]
    pub fn is_live(&self, now: Timestamp) -> bool {
        now < self.expires_at()
    }

    /// Whether a request at `now` should store a new `last_seen_at`.
    #[must_use]
    pub fn wants_touch(&self, now: Timestamp) -> bool {
        now.duration_since(self.last_seen_at) >= TOUCH_GRANULARITY
    }
}

/// What an emailed single-use token is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenPurpose {
    /// Set a new password after "forgot password" or an administrator's
    /// reset (A4): good for 30 minutes.
    PasswordReset,
    /// Accept an invitation and set a first password (A6): good for 7 days.
    Invitation,
    /// Read an employee's calendar feed (W4): good until rotated.
    CalendarFeed,
    /// Confirm a new email address (A12): good for 24 hours; the token
    /// carries the address it confirms.
    EmailChange,
}

impl TokenPurpose {
    /// How long a token of this purpose is good for.
    #[must_use]
    pub const fn lifetime(self) -> SignedDuration {
        match self {
            Self::PasswordReset => SignedDuration::from_mins(30),
            Self::Invitation => SignedDuration::from_hours(7 * 24),
            // Until rotated; a century stands in for "forever".
            Self::CalendarFeed => SignedDuration::from_hours(100 * 366 * 24),
            Self::EmailChange => SignedDuration::from_hours(24),
        }
    }

    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::PasswordReset => "password_reset",
            Self::Invitation => "invitation",
            Self::CalendarFeed => "calendar_feed",
            Self::EmailChange => "email_change",
        }
    }

    /// Reads a stored name.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "password_reset" => Some(Self::PasswordReset),
            "invitation" => Some(Self::Invitation),
            "calendar_feed" => Some(Self::CalendarFeed),
            "email_change" => Some(Self::EmailChange),
            _ => None,
        }
    }
}

/// A single-use token sent by email, as stored (by the hash of its secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountToken {
    /// The business.
    pub business_id: BusinessId,
    /// Whose token.
    pub account_id: AccountId,
    /// What it may be used for.
    pub purpose: TokenPurpose,
    /// When it was issued.
    pub created_at: Timestamp,
    /// When it stops being good.
    pub expires_at: Timestamp,
    /// The address an `EmailChange` token confirms (A12); `None` for the
    /// other purposes.
    pub new_email: Option<EmailAddress>,
}

impl AccountToken {
    /// A new token of `purpose` issued at `now`.
    #[must_use]
    pub fn issue(
        business_id: BusinessId,
        account_id: AccountId,
        purpose: TokenPurpose,
        now: Timestamp,
    ) -> Self {
        Self {
            business_id,
            account_id,
            purpose,
            created_at: now,
            expires_at: now
                .saturating_add(purpose.lifetime())
                .unwrap_or(Timestamp::MAX),
            new_email: None,
        }
    }

    /// A token confirming that `account` may use `new_email` (A12).
    #[must_use]
    pub fn email_change(
        business_id: BusinessId,
        account_id: AccountId,
        new_email: EmailAddress,
        now: Timestamp,
    ) -> Self {
        Self {
            new_email: Some(new_email),
            ..Self::issue(business_id, account_id, TokenPurpose::EmailChange, now)
        }
    }

    /// Whether it may still be used at `now`.
    #[must_use]
    pub fn is_valid(&self, now: Timestamp) -> bool {
        now < self.expires_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn session(created: &str, seen: &str) -> Session {
        Session {
            id: SessionId::from_uuid(uuid::Uuid::nil()),
            business_id: BusinessId::from_uuid(uuid::Uuid::nil()),
            account_id: AccountId::from_uuid(uuid::Uuid::nil()),
            created_at: t(created),
            last_seen_at: t(seen),
        }
    }

    #[test]
    fn a3_a_session_ends_after_30_idle_minutes() {
        let s = session("2026-03-01T09:00:00Z", "2026-03-01T09:00:00Z");
        assert!(s.is_live(t("2026-03-01T09:29:59Z")));
        assert!(!s.is_live(t("2026-03-01T09:30:00Z")));
    }

    #[test]
    fn a3_a_busy_session_still_ends_12_hours_after_sign_in() {
        let s = session("2026-03-01T09:00:00Z", "2026-03-01T20:55:00Z");
        assert_eq!(s.expires_at(), t("2026-03-01T21:00:00Z"));
        assert!(!s.is_live(t("2026-03-01T21:00:00Z")));
    }

    #[test]
    fn a3_touches_are_coalesced_to_a_minute() {
        let s = session("2026-03-01T09:00:00Z", "2026-03-01T09:10:00Z");
        assert!(!s.wants_touch(t("2026-03-01T09:10:59Z")));
        assert!(s.wants_touch(t("2026-03-01T09:11:00Z")));
    }

    #[test]
    fn a4_a6_reset_tokens_last_30_minutes_and_invitations_7_days() {
        let nil = BusinessId::from_uuid(uuid::Uuid::nil());
        let a = AccountId::from_uuid(uuid::Uuid::nil());
        let now = t("2026-03-01T09:00:00Z");
        let reset = AccountToken::issue(nil, a, TokenPurpose::PasswordReset, now);
        assert!(reset.is_valid(t("2026-03-01T09:29:59Z")));
        assert!(!reset.is_valid(t("2026-03-01T09:30:00Z")));
        let invite = AccountToken::issue(nil, a, TokenPurpose::Invitation, now);
        assert!(invite.is_valid(t("2026-03-08T08:59:59Z")));
        assert!(!invite.is_valid(t("2026-03-08T09:00:00Z")));
        for p in [
            TokenPurpose::PasswordReset,
            TokenPurpose::Invitation,
            TokenPurpose::CalendarFeed,
        ] {
            assert_eq!(TokenPurpose::parse(p.as_str()), Some(p));
        }
    }
}
