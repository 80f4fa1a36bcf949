//! Time tracking (R8 `time_tracking`): clock in, clock out, list entries.

use rota_domain::actor::Actor;
use rota_domain::id::{AccountId, TimeEntryId};
use rota_domain::jiff::{SignedDuration, Timestamp};
use rota_domain::policy::{Action, Denied, authorize};
use rota_domain::time::{ERA_END, ERA_START, EmptyRange, TimeRange};
use rota_domain::time_entry::{ClockError, TimeEntry};

use crate::Rota;
use crate::error::{Classify, ErrorKind};
use crate::ports::{StoreError, TxMode};

/// Why a time-tracking use case failed.
#[derive(Debug, thiserror::Error)]
pub enum TimeTrackingError {
    /// The policy refused (`time_tracking=off` refuses even reading).
    #[error(transparent)]
    Denied(#[from] Denied),
    /// Already in, or not in (409 `invalid_transition`).
    #[error(transparent)]
    Clock(#[from] ClockError),
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

impl Classify for TimeTrackingError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Denied(d) => d.kind(),
            Self::Clock(_) => ErrorKind::Conflict,
            Self::Unexpected(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Denied(d) => d.code(),
            Self::Clock(_) => "invalid_transition",
            Self::Unexpected(e) => e.code(),
        }
    }
}

/// How far a window of time entries reaches when only one end is given.
pub const DEFAULT_WINDOW: SignedDuration = SignedDuration::from_hours(31 * 24);

impl Rota {
    /// The window of time entries to list when the request names `from`,
    /// `to`, both or neither: a missing end lies [`DEFAULT_WINDOW`] from the
    /// other; with neither, the window ends a day from now (an entry still
    /// open is in it). Refused when the end is not after the start.
    pub fn time_entry_window(
        &self,
        from: Option<Timestamp>,
        to: Option<Timestamp>,
    ) -> Result<TimeRange, EmptyRange> {
        let day = SignedDuration::from_hours(24);
        let to = match (from, to) {
            (_, Some(t)) => t,
            (Some(f), None) => f.saturating_add(DEFAULT_WINDOW).map_err(|_| EmptyRange)?,
            (None, None) => self.now().saturating_add(day).map_err(|_| EmptyRange)?,
        };
        let from = match from {
            Some(f) => f,
            None => to.saturating_sub(DEFAULT_WINDOW).map_err(|_| EmptyRange)?,
        };
        TimeRange::new(from.max(ERA_START), to.min(ERA_END))
    }

    /// Starts an entry for the actor.
    pub async fn clock_in(&self, actor: &Actor) -> Result<TimeEntry, TimeTrackingError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let business = tx
            .businesses()
            .get(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        authorize(actor, &Action::TrackOwnTime, &business.settings)?;
        if tx
            .time_entries()
            .open_entry(business.id, actor.id)
            .await?
            .is_some()
        {
            return Err(ClockError::AlreadyIn.into());
        }
        let entry = TimeEntry {
            id: TimeEntryId::from_uuid(self.new_uuid()),
            business_id: business.id,
            employee: actor.id,
            clock_in: self.now(),
            clock_out: None,
        };
        tx.time_entries().insert(&entry).await?;
        tx.commit().await?;
        Ok(entry)
    }

    /// Closes the actor's open entry.
    pub async fn clock_out(&self, actor: &Actor) -> Result<TimeEntry, TimeTrackingError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let business = tx
            .businesses()
            .get(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        authorize(actor, &Action::TrackOwnTime, &business.settings)?;
        let mut entry = tx
            .time_entries()
            .open_entry(business.id, actor.id)
            .await?
            .ok_or(ClockError::NotIn)?;
        entry.clock_out(self.now())?;
        tx.time_entries().update(&entry).await?;
        tx.commit().await?;
        Ok(entry)
    }

    /// Entries overlapping `range`: the actor's own (`employee` = `None` or
    /// themselves), another employee's or everyone's (administrators:
    /// `employee` = `Some`, or `None` with `all`).
    pub async fn time_entries(
        &self,
        actor: &Actor,
        employee: Option<AccountId>,
        all: bool,
        range: TimeRange,
    ) -> Result<Vec<TimeEntry>, TimeTrackingError> {
        let mut tx = self.begin(TxMode::Read).await?;
        let business = tx
            .businesses()
            .get(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        let whose = match (employee, all) {
            (Some(id), _) if id == actor.id => Some(id),
            (None, false) => Some(actor.id),
            (other, _) => {
                authorize(actor, &Action::ViewAllTimeEntries, &business.settings)?;
                other
            }
        };
        if whose == Some(actor.id) {
            authorize(actor, &Action::ViewOwnTimeEntries, &business.settings)?;
        }
        Ok(tx.time_entries().list(business.id, whose, range).await?)
    }
}
