//! Two-way calendar sync (issue 19): a provider's bookings written into a
//! calendar of their own (CalDAV: Google, iCloud, Fastmail, Nextcloud,
//! Radicale), and that calendar's other events read back as busy times.

use async_trait::async_trait;
use rota_domain::id::{AccountId, BusinessId};
use rota_domain::jiff::Timestamp;
use rota_domain::jiff::tz::TimeZone;
use rota_domain::time::TimeRange;
use secrecy::SecretString;

use super::error::StoreError;

/// A calendar a provider linked: the collection's URL and the credentials
/// for it (an app password or token; never logged).
#[derive(Clone)]
pub struct CalendarLink {
    /// The calendar collection, e.g.
    /// `https://caldav.fastmail.com/dav/calendars/user/pat@example.com/Default/`.
    pub url: String,
    /// The account's user name.
    pub username: String,
    /// Its app password or token.
    pub password: SecretString,
}

impl std::fmt::Debug for CalendarLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CalendarLink")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("password", &"[hidden]")
            .finish()
    }
}

/// One booking as an event in the provider's calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncedEvent {
    /// Its iCalendar UID, the booking's own (`booking-{id}@rota`): writing
    /// it again replaces it, so a retry never makes a second event.
    pub uid: String,
    /// What the provider sees (service and customer).
    pub summary: String,
    /// When.
    pub range: TimeRange,
    /// Its revision (RFC 5545 `SEQUENCE`).
    pub sequence: u32,
    /// When it was last changed (`DTSTAMP`).
    pub stamp: Timestamp,
}

/// The calendar could not be reached or refused; the outbox retries.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// Not reachable, timed out, or a server error: worth retrying.
    #[error("the calendar could not be reached: {0}")]
    Unreachable(String),
    /// The credentials or the URL were refused (401, 403, 404): retrying
    /// will not help until the provider links it again.
    #[error("the calendar refused: {0}")]
    Refused(String),
    /// It answered something that is not CalDAV.
    #[error("the calendar's answer could not be read: {0}")]
    Garbled(String),
}

/// Writes bookings into, and reads busy times from, a linked calendar.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait CalendarSync: Send + Sync {
    /// Creates or replaces the event with `event.uid`.
    async fn put(&self, link: &CalendarLink, event: &SyncedEvent) -> Result<(), SyncError>;
    /// Removes the event with `uid`; one already gone is fine.
    async fn remove(&self, link: &CalendarLink, uid: &str) -> Result<(), SyncError>;
    /// The times the calendar's own events (not Rota's: UIDs ending
    /// `@rota`) take within `range`. An all-day event takes its days in
    /// `zone` (the provider's).
    async fn busy(
        &self,
        link: &CalendarLink,
        range: TimeRange,
        zone: &TimeZone,
    ) -> Result<Vec<TimeRange>, SyncError>;
}

/// Sealing failed, or a sealed value does not open with this key.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct VaultError(pub String);

/// Seals the secrets the store keeps (a linked calendar's password) with
/// the server's key, so the database never holds them in plain text.
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait Vault: Send + Sync {
    /// The secret, sealed.
    ///
    /// # Errors
    /// If no randomness is available.
    fn seal_secret(&self, secret: &SecretString) -> Result<String, VaultError>;
    /// A sealed secret, opened.
    ///
    /// # Errors
    /// If it was not sealed with this key, or was altered.
    fn open_secret(&self, sealed: &str) -> Result<SecretString, VaultError>;
}

/// A provider's linked calendar as stored: the password sealed (only the
/// server's key opens it), and what the last sync found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCalendarLink {
    /// The business.
    pub business: BusinessId,
    /// The provider whose calendar it is.
    pub provider: AccountId,
    /// The calendar collection's URL.
    pub url: String,
    /// The account's user name.
    pub username: String,
    /// The app password or token, sealed.
    pub sealed_password: String,
    /// When it was linked (or linked again).
    pub linked_at: Timestamp,
    /// When its busy times were last read, or taken to be read.
    pub busy_read_at: Option<Timestamp>,
    /// Why the last write or read failed, until one succeeds.
    pub last_error: Option<String>,
}

/// Linked calendars and the busy times read from them.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait CalendarLinkRepository: Send {
    /// The provider's link, if any.
    async fn link(
        &mut self,
        business: BusinessId,
        provider: AccountId,
    ) -> Result<Option<StoredCalendarLink>, StoreError>;
    /// Which of these providers have linked a calendar.
    async fn linked(
        &mut self,
        business: BusinessId,
        providers: &[AccountId],
    ) -> Result<Vec<AccountId>, StoreError>;
    /// Takes up to `limit` links, of any business, whose busy times were
    /// last read (or taken to be read) before `before`, and marks them
    /// taken `now`: two processes never take the same link at once.
    async fn claim_stale(
        &mut self,
        before: Timestamp,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<StoredCalendarLink>, StoreError>;
    /// Stores or replaces the provider's link.
    async fn save_link(&mut self, link: &StoredCalendarLink) -> Result<(), StoreError>;
    /// Removes the provider's link and its busy times; whether there was one.
    async fn remove_link(
        &mut self,
        business: BusinessId,
        provider: AccountId,
    ) -> Result<bool, StoreError>;
    /// Replaces the provider's busy times within `within` by `busy`.
    async fn replace_busy(
        &mut self,
        business: BusinessId,
        provider: AccountId,
        within: TimeRange,
        busy: &[TimeRange],
    ) -> Result<(), StoreError>;
    /// The busy times of these providers' calendars that overlap `range`,
    /// as `(provider, time)`, in no particular order.
    async fn calendar_busy(
        &mut self,
        business: BusinessId,
        providers: &[AccountId],
        range: TimeRange,
    ) -> Result<Vec<(AccountId, TimeRange)>, StoreError>;
}
