//! A calendar server in memory, and a vault that only pretends to seal.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use async_trait::async_trait;
use rota_domain::jiff::tz::TimeZone;
use rota_domain::time::TimeRange;
use secrecy::{ExposeSecret, SecretString};

use crate::ports::{CalendarLink, CalendarSync, SyncError, SyncedEvent, Vault, VaultError};

/// A CalDAV server in memory: events by calendar URL and UID, busy times
/// it is told, the one password it takes, and a switch to be down.
#[derive(Debug, Default)]
pub struct FakeCalendar {
    events: Mutex<BTreeMap<(String, String), SyncedEvent>>,
    busy: Mutex<Vec<TimeRange>>,
    password: Mutex<Option<String>>,
    down: AtomicBool,
    writes: AtomicU64,
    tries: AtomicU64,
}

impl FakeCalendar {
    /// A calendar that takes only `password`.
    ///
    /// # Panics
    /// Never (its lock is new).
    #[must_use]
    pub fn taking(password: &str) -> Self {
        let fake = Self::default();
        *fake.password.lock().expect("calendar lock") = Some(password.to_owned());
        fake
    }

    /// The events in the calendar at `url`, by UID.
    ///
    /// # Panics
    /// If the lock was poisoned.
    #[must_use]
    pub fn events(&self, url: &str) -> Vec<SyncedEvent> {
        self.events
            .lock()
            .expect("calendar lock")
            .iter()
            .filter(|((u, _), _)| u == url)
            .map(|(_, e)| e.clone())
            .collect()
    }

    /// Requests made, answered or not.
    #[must_use]
    pub fn tries(&self) -> u64 {
        self.tries.load(Ordering::Relaxed)
    }

    /// Puts and removes that succeeded.
    #[must_use]
    pub fn writes(&self) -> u64 {
        self.writes.load(Ordering::Relaxed)
    }

    /// Sets the calendar's own events' times.
    ///
    /// # Panics
    /// If the lock was poisoned.
    pub fn set_busy(&self, busy: Vec<TimeRange>) {
        *self.busy.lock().expect("calendar lock") = busy;
    }

    /// Makes every request fail as unreachable (`true`), or answer again.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::Relaxed);
    }

    fn check(&self, link: &CalendarLink) -> Result<(), SyncError> {
        self.tries.fetch_add(1, Ordering::Relaxed);
        if self.down.load(Ordering::Relaxed) {
            return Err(SyncError::Unreachable("connection refused".into()));
        }
        let wanted = self.password.lock().expect("calendar lock").clone();
        if wanted.is_some_and(|p| p != link.password.expose_secret()) {
            return Err(SyncError::Refused("HTTP 401 Unauthorized".into()));
        }
        Ok(())
    }
}

#[async_trait]
impl CalendarSync for FakeCalendar {
    async fn put(&self, link: &CalendarLink, event: &SyncedEvent) -> Result<(), SyncError> {
        self.check(link)?;
        self.events
            .lock()
            .expect("calendar lock")
            .insert((link.url.clone(), event.uid.clone()), event.clone());
        self.writes.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    async fn remove(&self, link: &CalendarLink, uid: &str) -> Result<(), SyncError> {
        self.check(link)?;
        self.events
            .lock()
            .expect("calendar lock")
            .remove(&(link.url.clone(), uid.to_owned()));
        self.writes.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    async fn busy(
        &self,
        link: &CalendarLink,
        range: TimeRange,
        _zone: &TimeZone,
    ) -> Result<Vec<TimeRange>, SyncError> {
        self.check(link)?;
        Ok(self
            .busy
            .lock()
            .expect("calendar lock")
            .iter()
            .filter(|t| t.overlaps(&range))
            .copied()
            .collect())
    }
}

/// "Seals" by reversing the text behind a prefix: tests can see that the
/// store never holds the plain secret, without a key.
#[derive(Debug, Default)]
pub struct ReversingVault;

impl Vault for ReversingVault {
    fn seal_secret(&self, secret: &SecretString) -> Result<String, VaultError> {
        Ok(format!(
            "reversed:{}",
            secret.expose_secret().chars().rev().collect::<String>()
        ))
    }

    fn open_secret(&self, sealed: &str) -> Result<SecretString, VaultError> {
        sealed
            .strip_prefix("reversed:")
            .map(|s| SecretString::from(s.chars().rev().collect::<String>()))
            .ok_or_else(|| VaultError("not sealed here".into()))
    }
}
