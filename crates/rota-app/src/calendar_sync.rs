//! Two-way calendar sync (issue 19): a provider links a CalDAV calendar;
//! their bookings are written there through the outbox (A8: in the unit of
//! work of the change, retried until the calendar takes them, one event per
//! booking so a retry replaces rather than adds), and the calendar's own
//! events are read back as busy times that come out of their working time.
//!
//! What is queued names only the booking and the provider: the write reads
//! the booking as it is when it goes out, so however many changes pile up
//! while the calendar is down, the calendar ends with the booking's last
//! state — or without it, once it is cancelled or taken off the provider.

use std::sync::Arc;

use rota_domain::actor::Actor;
use rota_domain::business::Business;
use rota_domain::id::{AccountId, BookingId};
use rota_domain::jiff::{SignedDuration, Timestamp};
use rota_domain::policy::{Action, Denied, authorize};
use rota_domain::time::TimeRange;
use secrecy::SecretString;

use crate::Rota;
use crate::calendars::{CalendarError, employee_target};
use crate::error::{Classify, ErrorKind};
use crate::ports::{
    BookingQuery, CalendarLink, CalendarSync, StoreError, StoredCalendarLink, SyncError, TxMode,
    UnitOfWork, Vault,
};
use crate::schedule::Schedules;

mod checks;
mod writes;

use checks::checked;

/// The outbox kind of a booking's write to a provider's calendar.
pub const CALENDAR_WRITE: &str = "calendar_write";
/// How far ahead busy times are read.
pub const BUSY_AHEAD: SignedDuration = SignedDuration::from_hours(62 * 24);
/// How old busy times may grow before the next scheduled read.
pub const REFRESH_EVERY: SignedDuration = SignedDuration::from_mins(5);
/// A newly linked calendar is given the provider's bookings still to come
/// (this far ahead: all of them, in practice).
pub const WRITE_AHEAD: SignedDuration = SignedDuration::from_hours(20 * 366 * 24);
/// At most this many bookings are written to a newly linked calendar.
pub const WRITE_AT_MOST: u32 = 2000;

/// What a provider gives to link a calendar.
#[derive(Clone, Debug)]
pub struct NewCalendarLink {
    /// The calendar collection's URL (`https://`, or `http://` to this
    /// machine).
    pub url: String,
    /// The account's user name.
    pub username: String,
    /// Its app password or token.
    pub password: SecretString,
}

/// A linked calendar as shown: never its password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkedCalendar {
    /// The calendar collection's URL.
    pub url: String,
    /// The account's user name.
    pub username: String,
    /// When it was linked.
    pub linked_at: Timestamp,
    /// When its busy times were last read.
    pub busy_read_at: Option<Timestamp>,
    /// Why the last write or read failed, until one succeeds.
    pub last_error: Option<String>,
}

impl From<StoredCalendarLink> for LinkedCalendar {
    fn from(l: StoredCalendarLink) -> Self {
        Self {
            url: l.url,
            username: l.username,
            linked_at: l.linked_at,
            busy_read_at: l.busy_read_at,
            last_error: l.last_error,
        }
    }
}

/// Why a calendar could not be linked, read or unlinked.
#[derive(Debug, thiserror::Error)]
pub enum CalendarSyncError {
    /// This server was started without calendar sync.
    #[error("calendar sync is not set up on this server")]
    Off,
    /// The policy refused, or no such employee or link.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// A field is missing or malformed (422).
    #[error("{field}: {message}")]
    Invalid {
        /// Which field.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// The calendar refused the credentials or the URL.
    #[error("{0}")]
    Refused(String),
    /// The calendar could not be reached, or did not answer as CalDAV.
    #[error("{0}")]
    Unreachable(String),
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

impl From<CalendarError> for CalendarSyncError {
    fn from(e: CalendarError) -> Self {
        match e {
            CalendarError::Denied(d) => Self::Denied(d),
            CalendarError::Unexpected(s) => Self::Unexpected(s),
            CalendarError::Absence(a) => Self::Unexpected(StoreError::other(a)),
        }
    }
}

impl From<SyncError> for CalendarSyncError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Refused(_) => Self::Refused(e.to_string()),
            SyncError::Unreachable(_) | SyncError::Garbled(_) => Self::Unreachable(e.to_string()),
        }
    }
}

impl Classify for CalendarSyncError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Off => ErrorKind::Conflict,
            Self::Denied(d) => d.kind(),
            Self::Invalid { .. } | Self::Refused(_) | Self::Unreachable(_) => ErrorKind::Invalid,
            Self::Unexpected(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Off => "calendar_sync_off",
            Self::Denied(d) => d.code(),
            Self::Invalid { .. } => "validation",
            Self::Refused(_) => "calendar_refused",
            Self::Unreachable(_) => "calendar_unreachable",
            Self::Unexpected(e) => e.code(),
        }
    }
}

/// The adapters calendar sync runs on.
#[derive(Clone)]
pub(crate) struct SyncPorts {
    pub(crate) sync: Arc<dyn CalendarSync>,
    pub(crate) vault: Arc<dyn Vault>,
}

/// The outbox topic of a booking's write to a provider's calendar: a newer
/// write withdraws one still waiting.
#[must_use]
pub fn calendar_topic(booking: BookingId, provider: AccountId) -> String {
    format!("calendar:{booking}:{provider}")
}

/// A booking's iCalendar UID, the same in the feed and a linked calendar.
#[must_use]
pub fn booking_uid(booking: BookingId) -> String {
    format!("booking-{booking}@rota")
}

impl Rota {
    /// This Rota with two-way calendar sync: providers may link a calendar
    /// that `sync` writes to and reads from; `vault` seals its password
    /// for the store.
    #[must_use]
    pub fn with_calendar_sync(
        mut self,
        sync: Arc<dyn CalendarSync>,
        vault: Arc<dyn Vault>,
    ) -> Self {
        self.calendar_sync = Some(SyncPorts { sync, vault });
        self
    }

    /// Whether this server has calendar sync (see
    /// [`Rota::with_calendar_sync`]).
    #[must_use]
    pub fn calendar_sync_on(&self) -> bool {
        self.calendar_sync.is_some()
    }

    /// The sync ports, once the request's kept connection has gone back:
    /// another server is about to be waited on (`ports::release_held`).
    fn sync_ports(&self) -> Result<&SyncPorts, CalendarSyncError> {
        crate::ports::release_held();
        self.calendar_sync.as_ref().ok_or(CalendarSyncError::Off)
    }

    /// The employee's linked calendar, if any (administrators; the
    /// employee themselves).
    pub async fn linked_calendar(
        &self,
        actor: &Actor,
        employee: AccountId,
    ) -> Result<Option<LinkedCalendar>, CalendarSyncError> {
        let mut tx = self.begin(TxMode::ReadOnce).await?;
        let business = authorized(tx.as_mut(), actor, employee).await?;
        let link = tx.calendar_links().link(business.id, employee).await?;
        Ok(link.map(LinkedCalendar::from))
    }

    /// Links a calendar to the employee, replacing one linked before: the
    /// calendar is read first (so wrong credentials or a wrong URL are
    /// refused here, not found out later), its busy times kept, and the
    /// employee's bookings still to come queued to be written there.
    pub async fn link_calendar(
        &self,
        actor: &Actor,
        employee: AccountId,
        new: NewCalendarLink,
    ) -> Result<LinkedCalendar, CalendarSyncError> {
        let mut tx = self.begin(TxMode::ReadOnce).await?;
        let business = authorized(tx.as_mut(), actor, employee).await?;
        let ports = self.sync_ports()?.clone();
        let new = checked(new)?;
        let window = self.busy_window();
        let schedules = Schedules::load(tx.as_mut(), &business, &[employee], window).await?;
        drop(tx);
        let link = CalendarLink {
            url: new.url.clone(),
            username: new.username.clone(),
            password: new.password.clone(),
        };
        let busy = ports
            .sync
            .busy(&link, window, schedules.zone_of(employee))
            .await?;
        let sealed = ports
            .vault
            .seal_secret(&new.password)
            .map_err(StoreError::other)?;
        let now = self.now();
        let stored = StoredCalendarLink {
            business: business.id,
            provider: employee,
            url: new.url,
            username: new.username,
            sealed_password: sealed,
            linked_at: now,
            busy_read_at: Some(now),
            last_error: None,
        };
        let mut tx = self.begin(TxMode::Write).await?;
        tx.calendar_links().save_link(&stored).await?;
        tx.calendar_links()
            .replace_busy(business.id, employee, window, &busy)
            .await?;
        let ahead = TimeRange::new(now, now.checked_add(WRITE_AHEAD).unwrap_or(now))
            .map_err(StoreError::other)?;
        let bookings = tx
            .bookings()
            .list(
                business.id,
                &BookingQuery {
                    within: Some(ahead),
                    provider: Some(employee),
                    customer: None,
                    status: None,
                    series: None,
                    after: None,
                    limit: WRITE_AT_MOST,
                },
            )
            .await?;
        for named in bookings.iter().filter(|n| n.booking.status.holds_time()) {
            let m = self.calendar_write(business.id, named.booking.id, employee)?;
            tx.outbox()
                .withdraw(business.id, &calendar_topic(named.booking.id, employee))
                .await?;
            tx.outbox().enqueue(&m).await?;
        }
        tx.commit().await?;
        Ok(stored.into())
    }

    /// Unlinks the employee's calendar and forgets its busy times; the
    /// events already written stay in it (Rota no longer holds the
    /// credentials to remove them). Whether there was one.
    pub async fn unlink_calendar(
        &self,
        actor: &Actor,
        employee: AccountId,
    ) -> Result<bool, CalendarSyncError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let business = authorized(tx.as_mut(), actor, employee).await?;
        let gone = tx
            .calendar_links()
            .remove_link(business.id, employee)
            .await?;
        tx.commit().await?;
        Ok(gone)
    }

    /// Reads the employee's linked calendar's busy times now.
    pub async fn refresh_calendar(
        &self,
        actor: &Actor,
        employee: AccountId,
    ) -> Result<LinkedCalendar, CalendarSyncError> {
        let mut tx = self.begin(TxMode::ReadOnce).await?;
        let business = authorized(tx.as_mut(), actor, employee).await?;
        self.sync_ports()?;
        let link = tx
            .calendar_links()
            .link(business.id, employee)
            .await?
            .ok_or(Denied::NotFound)?;
        drop(tx);
        let (link, outcome) = self.read_busy(&business, link).await?;
        outcome?;
        Ok(link.into())
    }

    /// Reads the busy times of up to `limit` linked calendars not read for
    /// [`REFRESH_EVERY`], of any business; how many were read. A calendar
    /// that fails keeps its last busy times and its error is recorded.
    pub async fn refresh_stale_calendars(&self, limit: u32) -> Result<usize, StoreError> {
        if self.calendar_sync.is_none() {
            return Ok(0);
        }
        let now = self.now();
        let before = now.checked_sub(REFRESH_EVERY).unwrap_or(now);
        let mut tx = self.begin(TxMode::Write).await?;
        let stale = tx.calendar_links().claim_stale(before, now, limit).await?;
        tx.commit().await?;
        let mut read = 0;
        for link in stale {
            let mut tx = self.begin(TxMode::ReadOnce).await?;
            let business = tx.businesses().get(link.business).await?;
            drop(tx);
            let Some(business) = business else { continue };
            match self.read_busy(&business, link).await {
                Ok((_, Ok(()))) => read += 1,
                Err(CalendarSyncError::Unexpected(e)) => return Err(e),
                // Failed: kept with its error, tried again next time.
                Ok((_, Err(_))) | Err(_) => {}
            }
        }
        Ok(read)
    }

    /// Reads `link`'s busy times and keeps them (or keeps why it failed):
    /// the link as now stored, and the outcome of the read.
    async fn read_busy(
        &self,
        business: &Business,
        link: StoredCalendarLink,
    ) -> Result<(StoredCalendarLink, Result<(), CalendarSyncError>), CalendarSyncError> {
        let ports = self.sync_ports()?.clone();
        let window = self.busy_window();
        let mut tx = self.begin(TxMode::ReadOnce).await?;
        let schedules = Schedules::load(tx.as_mut(), business, &[link.provider], window).await?;
        drop(tx);
        let read = match ports.vault.open_secret(&link.sealed_password) {
            Ok(password) => {
                let open = CalendarLink {
                    url: link.url.clone(),
                    username: link.username.clone(),
                    password,
                };
                ports
                    .sync
                    .busy(&open, window, schedules.zone_of(link.provider))
                    .await
                    .map_err(CalendarSyncError::from)
            }
            Err(e) => Err(CalendarSyncError::Refused(format!(
                "the stored password no longer opens ({e}); link the calendar again"
            ))),
        };
        let mut tx = self.begin(TxMode::Write).await?;
        // Unlinked or linked again meanwhile: what was read is not its.
        let Some(mut now_stored) = tx
            .calendar_links()
            .link(business.id, link.provider)
            .await?
            .filter(|l| l.linked_at == link.linked_at)
        else {
            return Ok((link, read.map(|_| ())));
        };
        let outcome = match read {
            Ok(busy) => {
                tx.calendar_links()
                    .replace_busy(business.id, link.provider, window, &busy)
                    .await?;
                now_stored.busy_read_at = Some(self.now());
                now_stored.last_error = None;
                Ok(())
            }
            Err(e) => {
                now_stored.last_error = Some(e.to_string());
                Err(e)
            }
        };
        tx.calendar_links().save_link(&now_stored).await?;
        tx.commit().await?;
        Ok((now_stored, outcome))
    }

    fn busy_window(&self) -> TimeRange {
        let now = self.now();
        let end = now.checked_add(BUSY_AHEAD).unwrap_or(Timestamp::MAX);
        TimeRange::new(now, end).unwrap_or_else(|_| {
            TimeRange::starting_at(now, SignedDuration::from_secs(1)).expect("a second fits")
        })
    }
}

/// The business of `employee`, once `actor` may manage their calendar.
async fn authorized(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    employee: AccountId,
) -> Result<Business, CalendarSyncError> {
    let (business, _, target) = employee_target(tx, actor, employee).await?;
    authorize(
        actor,
        &Action::RotateCalendarFeed(target),
        &business.settings,
    )?;
    Ok(business)
}
