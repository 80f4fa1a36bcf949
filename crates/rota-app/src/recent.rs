//! What was read from the store in the last moments, so that a burst of
//! requests reads it once: the actor behind a session token (A3), and pages
//! of bookings as listed.
//!
//! An entry is trusted for at most [`FRESH_FOR`]. Changes made through this
//! [`Rota`] forget entries at once when they commit ([`crate::watched`]):
//! remembered actors when an account, session or business changes, listed
//! pages on any change at all. So in one process a sign-out, a deactivation,
//! a change of roles or a new booking is seen by the next request; another
//! process sharing the database sees such a change within [`FRESH_FOR`]
//! (docs/DECISIONS.md, "Remembering recent reads").
//!
//! [`Rota`]: crate::Rota

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard, PoisonError};

use rota_domain::actor::ActorKind;
use rota_domain::id::BusinessId;
use rota_domain::jiff::{SignedDuration, Timestamp};

use crate::auth::Authenticated;
use crate::bookings::BookingView;
use crate::page::Page;
use crate::ports::{BookingQuery, TokenHash};

/// How long a remembered read is trusted without asking the store.
pub const FRESH_FOR: SignedDuration = SignedDuration::from_secs(2);

/// At most this many entries of each kind are remembered; past it, stale
/// entries go, and if none are stale, all of them.
const CAPACITY: usize = 10_000;

/// A listing as the store was asked for it, and who it was shaped for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ListingKey {
    pub(crate) business: BusinessId,
    /// After the actor's scope was applied.
    pub(crate) query: BookingQuery,
    /// Names are shown by role (R8).
    pub(crate) viewer: ActorKind,
}

/// The recent reads of one `Rota`.
#[derive(Default)]
pub(crate) struct Recent {
    pub(crate) sessions: Remembered<TokenHash, Authenticated>,
    pub(crate) listings: Remembered<ListingKey, Page<BookingView>>,
}

struct Entry<V> {
    value: V,
    read_at: Timestamp,
}

impl<V> Entry<V> {
    fn fresh(&self, now: Timestamp) -> bool {
        let age = now.duration_since(self.read_at);
        !age.is_negative() && age < FRESH_FOR
    }
}

struct Inner<K, V> {
    /// Bumped by every forgetting; a read that began under an older
    /// generation is not remembered.
    generation: u64,
    entries: HashMap<K, Entry<V>>,
}

/// Values read at some instant, by key.
pub(crate) struct Remembered<K, V> {
    inner: Mutex<Inner<K, V>>,
}

impl<K, V> Default for Remembered<K, V> {
    fn default() -> Self {
        Self {
            inner: Mutex::new(Inner {
                generation: 0,
                entries: HashMap::new(),
            }),
        }
    }
}

impl<K: Eq + Hash, V: Clone> Remembered<K, V> {
    fn lock(&self) -> MutexGuard<'_, Inner<K, V>> {
        // The map holds no invariant a panic could break mid-way.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The generation to pass to [`Remembered::remember`] for a read that
    /// starts now.
    pub(crate) fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// The value remembered for `key`, if still fresh at `now` and `usable`.
    pub(crate) fn recall(
        &self,
        key: &K,
        now: Timestamp,
        usable: impl FnOnce(&V) -> bool,
    ) -> Option<V> {
        let inner = self.lock();
        let entry = inner.entries.get(key)?;
        (entry.fresh(now) && usable(&entry.value)).then(|| entry.value.clone())
    }

    /// Remembers `value`, read from the store at `read_at`, unless something
    /// was forgotten since `generation` was taken.
    pub(crate) fn remember(&self, key: K, value: V, read_at: Timestamp, generation: u64) {
        let mut inner = self.lock();
        if inner.generation != generation {
            return;
        }
        if inner.entries.len() >= CAPACITY {
            inner.entries.retain(|_, e| e.fresh(read_at));
            if inner.entries.len() >= CAPACITY {
                inner.entries.clear();
            }
        }
        inner.entries.insert(key, Entry { value, read_at });
    }

    /// Forgets everything: what it was read from has changed.
    pub(crate) fn forget_all(&self) {
        let mut inner = self.lock();
        inner.generation = inner.generation.wrapping_add(1);
        inner.entries.clear();
    }
}

impl Remembered<TokenHash, Authenticated> {
    /// The actor behind `token`, if it may still be trusted at `now`: the
    /// session has not ended, nor does it want its idle timer refreshed.
    pub(crate) fn actor(&self, token: &TokenHash, now: Timestamp) -> Option<Authenticated> {
        self.recall(token, now, |who| {
            who.session.is_live(now) && !who.session.wants_touch(now)
        })
    }
}

#[cfg(test)]
mod tests {
    use rota_domain::account::AccountStatus;
    use rota_domain::actor::Actor;
    use rota_domain::id::{AccountId, SessionId};
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
        let cache = Remembered::default();
        let t0 = at("2030-01-01T09:00:00Z");
        cache.remember(token("a"), who(t0), t0, cache.generation());
        assert!(cache.actor(&token("a"), t0).is_some());
        assert!(cache.actor(&token("b"), t0).is_none());
        let almost = t0
            .checked_add(FRESH_FOR - SignedDuration::from_millis(1))
            .unwrap();
        assert!(cache.actor(&token("a"), almost).is_some());
        assert!(
            cache
                .actor(&token("a"), t0.checked_add(FRESH_FOR).unwrap())
                .is_none()
        );
        // A clock that went back does not extend trust.
        let before = t0.checked_sub(SignedDuration::from_secs(1)).unwrap();
        assert!(cache.actor(&token("a"), before).is_none());
    }

    #[test]
    fn a3_a_session_due_a_touch_is_read_again() {
        let cache = Remembered::default();
        let seen = at("2030-01-01T09:00:00Z");
        let read = seen
            .checked_add(TOUCH_GRANULARITY - SignedDuration::from_millis(500))
            .unwrap();
        cache.remember(token("a"), who(seen), read, cache.generation());
        assert!(cache.actor(&token("a"), read).is_some());
        let due = seen.checked_add(TOUCH_GRANULARITY).unwrap();
        assert!(cache.actor(&token("a"), due).is_none());
    }

    #[test]
    fn a3_forgetting_drops_entries_and_refuses_reads_begun_before_it() {
        let cache = Remembered::default();
        let t0 = at("2030-01-01T09:00:00Z");
        cache.remember(token("a"), who(t0), t0, cache.generation());
        let stale = cache.generation();
        cache.forget_all();
        assert!(cache.actor(&token("a"), t0).is_none());
        cache.remember(token("b"), who(t0), t0, stale);
        assert!(cache.actor(&token("b"), t0).is_none());
        cache.remember(token("b"), who(t0), t0, cache.generation());
        assert!(cache.actor(&token("b"), t0).is_some());
    }

    #[test]
    fn the_cache_stays_within_its_capacity() {
        let cache = Remembered::default();
        let t0 = at("2030-01-01T09:00:00Z");
        for i in 0..=CAPACITY {
            cache.remember(i, i, t0, cache.generation());
        }
        assert!(cache.lock().entries.len() <= CAPACITY);
        assert_eq!(cache.recall(&CAPACITY, t0, |_| true), Some(CAPACITY));
    }
}
