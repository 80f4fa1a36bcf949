//! The actors behind recently used session tokens, so that a burst of
//! requests on one session reads the store once (A3).
//!
//! An entry is trusted for at most [`FRESH_FOR`], and never once its
//! session has ended or wants its idle timer refreshed. Every committed
//! change to accounts, sessions or businesses made through this [`Rota`]
//! forgets every entry at once ([`crate::watched`]): in one process a
//! sign-out, a deactivation or a change of roles takes effect on the next
//! request. Another process sharing the database sees such a change within
//! [`FRESH_FOR`] (docs/DECISIONS.md, "Remembering who is signed in").
//!
//! [`Rota`]: crate::Rota

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use rota_domain::jiff::{SignedDuration, Timestamp};

use crate::auth::Authenticated;
use crate::ports::TokenHash;

/// How long a remembered actor is trusted without asking the store.
pub const FRESH_FOR: SignedDuration = SignedDuration::from_secs(2);

/// At most this many sessions are remembered; past it, stale entries go,
/// and if none are stale, all of them.
const CAPACITY: usize = 10_000;

struct Entry {
    who: Authenticated,
    read_at: Timestamp,
}

#[derive(Default)]
struct Inner {
    /// Bumped by every forgetting; a read that began under an older
    /// generation is not remembered.
    generation: u64,
    entries: HashMap<TokenHash, Entry>,
}

/// Recently authenticated sessions, by token hash.
#[derive(Default)]
pub(crate) struct RecentSessions {
    inner: Mutex<Inner>,
}

impl Entry {
    fn usable(&self, now: Timestamp) -> bool {
        let age = now.duration_since(self.read_at);
        !age.is_negative()
            && age < FRESH_FOR
            && self.who.session.is_live(now)
            && !self.who.session.wants_touch(now)
    }
}

impl RecentSessions {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // The map holds no invariant a panic could break mid-way.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The generation to pass to [`RecentSessions::remember`] for a read
    /// that starts now.
    pub(crate) fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// The remembered actor behind `token`, if it may still be trusted at `now`.
    pub(crate) fn recall(&self, token: &TokenHash, now: Timestamp) -> Option<Authenticated> {
        let inner = self.lock();
        let entry = inner.entries.get(token)?;
        entry.usable(now).then(|| entry.who.clone())
    }

    /// Remembers `who`, read from the store at `read_at`, unless something
    /// was forgotten since `generation` was taken.
    pub(crate) fn remember(
        &self,
        token: TokenHash,
        who: Authenticated,
        read_at: Timestamp,
        generation: u64,
    ) {
        let mut inner = self.lock();
        if inner.generation != generation {
            return;
        }
        if inner.entries.len() >= CAPACITY {
            inner.entries.retain(|_, e| e.usable(read_at));
            if inner.entries.len() >= CAPACITY {
                inner.entries.clear();
            }
        }
        inner.entries.insert(token, Entry { who, read_at });
    }

    /// Forgets every actor: something they were read from has changed.
    pub(crate) fn forget_all(&self) {
        let mut inner = self.lock();
        inner.generation = inner.generation.wrapping_add(1);
        inner.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use rota_domain::account::AccountStatus;
    use rota_domain::actor::{Actor, ActorKind};
    use rota_domain::id::{AccountId, BusinessId, SessionId};
    use rota_domain::session::{Session, TOUCH_GRANULARITY};
    use rota_domain::uuid::Uuid;

    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn who(seen: Timestamp) -> Authenticated {
        let business = BusinessId::from_uuid(Uuid::from_u128(1));
        let account = AccountId::from_uuid(Uuid::from_u128(2));
        Authenticated {
            actor: Actor {
                id: account,
                business,
                status: AccountStatus::Active,
                kind: ActorKind::Customer,
            },
            session: Session {
                id: SessionId::from_uuid(Uuid::from_u128(3)),
                business_id: business,
                account_id: account,
                created_at: seen,
                last_seen_at: seen,
            },
        }
    }

    fn token(s: &str) -> TokenHash {
        TokenHash::new(s.to_owned())
    }

    #[test]
    fn a3_an_actor_is_trusted_only_while_fresh() {
        let cache = RecentSessions::default();
        let t0 = at("2030-01-01T09:00:00Z");
        cache.remember(token("a"), who(t0), t0, cache.generation());
        assert!(cache.recall(&token("a"), t0).is_some());
        assert!(cache.recall(&token("b"), t0).is_none());
        let almost = t0
            .checked_add(FRESH_FOR - SignedDuration::from_millis(1))
            .unwrap();
        assert!(cache.recall(&token("a"), almost).is_some());
        assert!(
            cache
                .recall(&token("a"), t0.checked_add(FRESH_FOR).unwrap())
                .is_none()
        );
        // A clock that went back does not extend trust.
        let before = t0.checked_sub(SignedDuration::from_secs(1)).unwrap();
        assert!(cache.recall(&token("a"), before).is_none());
    }

    #[test]
    fn a3_a_session_due_a_touch_is_read_again() {
        let cache = RecentSessions::default();
        let seen = at("2030-01-01T09:00:00Z");
        let read = seen
            .checked_add(TOUCH_GRANULARITY - SignedDuration::from_millis(500))
            .unwrap();
        cache.remember(token("a"), who(seen), read, cache.generation());
        assert!(cache.recall(&token("a"), read).is_some());
        let due = seen.checked_add(TOUCH_GRANULARITY).unwrap();
        assert!(cache.recall(&token("a"), due).is_none());
    }

    #[test]
    fn a3_forgetting_drops_entries_and_refuses_reads_begun_before_it() {
        let cache = RecentSessions::default();
        let t0 = at("2030-01-01T09:00:00Z");
        cache.remember(token("a"), who(t0), t0, cache.generation());
        let stale = cache.generation();
        cache.forget_all();
        assert!(cache.recall(&token("a"), t0).is_none());
        cache.remember(token("b"), who(t0), t0, stale);
        assert!(cache.recall(&token("b"), t0).is_none());
        cache.remember(token("b"), who(t0), t0, cache.generation());
        assert!(cache.recall(&token("b"), t0).is_some());
    }

    #[test]
    fn the_cache_stays_within_its_capacity() {
        let cache = RecentSessions::default();
        let t0 = at("2030-01-01T09:00:00Z");
        for i in 0..=CAPACITY {
            cache.remember(token(&i.to_string()), who(t0), t0, cache.generation());
        }
        assert!(cache.lock().entries.len() <= CAPACITY);
        assert!(cache.recall(&token(&CAPACITY.to_string()), t0).is_some());
    }
}
