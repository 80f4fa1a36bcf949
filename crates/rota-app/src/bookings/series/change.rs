//! Changing a recurring series together (issue 19): this occurrence and
//! the following ones, or every one still to come. One occurrence alone is
//! changed as any booking is ([`Rota::update_booking`],
//! [`Rota::cancel_booking`]) and stays in its series.
//!
//! Like creating a series, a change is whole or not at all: every
//! occurrence is checked as one booking's change would be (B3–B5), and if
//! any cannot move, none does and each refused date is named.

use rota_domain::actor::Actor;
use rota_domain::booking::{Booking, BookingStatus, check_range};
use rota_domain::business::Business;
use rota_domain::id::{AccountId, BookingId};
use rota_domain::jiff::SignedDuration;
use rota_domain::jiff::civil::{DateTime, Time};
use rota_domain::notice::BookingChange;
use rota_domain::policy::{Action, Denied, authorize};
use rota_domain::time::{TimeRange, local_to_instant};

use super::super::change::{as_ref, load};
use super::super::{BookingError, BookingView, views};
use super::{SeriesConflict, SeriesError, conflict, whole};
use crate::Rota;
use crate::ports::{BookingQuery, Conflict, StoreError, TxMode, UnitOfWork};

/// More than a series can hold (a daily one within its year's horizon).
const MAX_OCCURRENCES: u32 = 1_000;

/// Which occurrences of a series a change is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeriesScope {
    /// The named occurrence and every later one still scheduled.
    Following,
    /// Every occurrence still scheduled and not yet begun.
    All,
}

/// A change to several occurrences at once; `None` keeps a field.
#[derive(Clone, Debug, Default)]
pub struct SeriesChanges {
    /// A new start, as a wall-clock time in the business's zone, on each
    /// occurrence's own date (the 09:00 clean becomes the 10:00 one on
    /// every date, across DST changes).
    pub time: Option<Time>,
    /// A new length.
    pub length: Option<SignedDuration>,
    /// New providers (B3); `Some(vec![])` unassigns.
    pub providers: Option<Vec<AccountId>>,
    /// B5's administrator override for the new times.
    pub allow_outside_work_hours: bool,
}

impl Rota {
    /// Cancels this occurrence and the following ones, or every one still
    /// to come (administrators; the customer, each within the cancellation
    /// notice, R10). One email tells the customer of them all.
    ///
    /// # Errors
    /// [`SeriesError::NotInSeries`], [`SeriesError::NothingLeft`], or the
    /// refusal one cancellation would get (and then none is cancelled).
    pub async fn cancel_series(
        &self,
        actor: &Actor,
        id: BookingId,
        scope: SeriesScope,
    ) -> Result<Vec<BookingView>, SeriesError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let (business, anchor) = load(tx.as_mut(), actor, id).await?;
        let now = self.now();
        authorize(
            actor,
            &Action::CancelBooking(as_ref(&anchor)),
            &business.settings,
        )?;
        let targets = self
            .occurrences(tx.as_mut(), &business, &anchor, scope)
            .await?;
        let notice = business.settings.cancellation_notice_minutes;
        let mut done = Vec::with_capacity(targets.len());
        for (n, mut b) in targets.into_iter().enumerate() {
            authorize(
                actor,
                &Action::CancelBooking(as_ref(&b)),
                &business.settings,
            )?;
            let before = (b.providers.clone(), b.range);
            if actor.roles().is_none() {
                b.cancel_by_customer(notice, now)
                    .map_err(BookingError::from)?;
            } else {
                b.transition(BookingStatus::Cancelled, now)
                    .map_err(BookingError::from)?;
            }
            tx.bookings().update(&b).await?;
            self.renotify_telling(tx.as_mut(), &business, &b, (&before.0, before.1), n == 0)
                .await?;
            done.push(b);
        }
        self.tell_customer(tx.as_mut(), &business, &done, BookingChange::Cancelled)
            .await?;
        let seen = views(tx.as_mut(), actor, &business, done, now).await?;
        tx.commit().await?;
        Ok(seen)
    }

    /// Moves, resizes or reassigns this occurrence and the following ones,
    /// or every one still to come (administrators; a customer moves one
    /// occurrence at a time, to a time online booking offers). Each keeps
    /// its date; B3–B5 are checked for each as for one booking's change.
    ///
    /// # Errors
    /// [`SeriesError::Conflicts`] naming each occurrence that cannot move
    /// (and then none does); [`SeriesError::NotInSeries`],
    /// [`SeriesError::NothingLeft`]; a refusal of the whole change.
    pub async fn change_series(
        &self,
        actor: &Actor,
        id: BookingId,
        scope: SeriesScope,
        changes: SeriesChanges,
    ) -> Result<Vec<BookingView>, SeriesError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let (business, anchor) = load(tx.as_mut(), actor, id).await?;
        let settings = &business.settings;
        authorize(actor, &Action::EditBooking(as_ref(&anchor)), settings)?;
        if actor.roles().is_none() {
            return Err(BookingError::NotForCustomers("series").into());
        }
        if changes.allow_outside_work_hours {
            authorize(actor, &Action::OverrideWorkHours, settings)?;
        }
        let targets = self
            .occurrences(tx.as_mut(), &business, &anchor, scope)
            .await?;
        let mut locked: Vec<AccountId> = targets
            .iter()
            .flat_map(|b| b.providers.iter().copied())
            .chain(changes.providers.iter().flatten().copied())
            .collect();
        locked.sort_unstable();
        locked.dedup();
        tx.bookings().lock_providers(business.id, &locked).await?;
        let mut planned = Vec::with_capacity(targets.len());
        let mut conflicts = Vec::new();
        for b in targets {
            authorize(actor, &Action::EditBooking(as_ref(&b)), settings)?;
            let (range, providers) = match self.moved(&business, &b, &changes) {
                Ok(moved) => moved,
                Err(e) => {
                    conflicts.push(e);
                    continue;
                }
            };
            let checked = self
                .check_assignment(
                    tx.as_mut(),
                    &business,
                    &providers,
                    range,
                    b.buffers.around(range),
                    Some(b.id),
                    changes.allow_outside_work_hours,
                )
                .await;
            match checked {
                Ok(()) => planned.push((b, range, providers)),
                Err(e) if whole(&e) => return Err(e.into()),
                Err(e) => conflicts.push(conflict(range.start(), &e)),
            }
        }
        if !conflicts.is_empty() {
            return Err(SeriesError::Conflicts(conflicts));
        }
        let now = self.now();
        let mut done = Vec::with_capacity(planned.len());
        for (n, (mut b, range, providers)) in planned.into_iter().enumerate() {
            let before = (b.providers.clone(), b.range);
            let notes = b.notes.clone();
            b.amend(range, providers, notes, now)
                .map_err(BookingError::from)?;
            match tx.bookings().update(&b).await {
                Ok(()) => {}
                Err(StoreError::Conflict(Conflict::BookingOverlap(p))) => {
                    // Two of the series' own new times meet (B4 in the
                    // store): still all or nothing.
                    let e = BookingError::Schedule(
                        rota_domain::booking::ScheduleError::DoubleBooking(p),
                    );
                    return Err(SeriesError::Conflicts(vec![conflict(range.start(), &e)]));
                }
                Err(e) => return Err(e.into()),
            }
            self.renotify_telling(tx.as_mut(), &business, &b, (&before.0, before.1), n == 0)
                .await?;
            done.push(b);
        }
        self.tell_customer(tx.as_mut(), &business, &done, BookingChange::Changed)
            .await?;
        let seen = views(tx.as_mut(), actor, &business, done, now).await?;
        tx.commit().await?;
        Ok(seen)
    }

    /// The new range and providers of occurrence `b`, or why it has none.
    #[allow(clippy::unused_self, reason = "beside the other steps of a change")]
    fn moved(
        &self,
        business: &Business,
        b: &Booking,
        changes: &SeriesChanges,
    ) -> Result<(TimeRange, Vec<AccountId>), SeriesConflict> {
        let refused = |e: BookingError| conflict(b.range.start(), &e);
        let start = match changes.time {
            None => b.range.start(),
            Some(time) => {
                let tz = business.time_zone.tz();
                let date = b.range.start().to_zoned(tz.clone()).date();
                local_to_instant(tz, DateTime::from_parts(date, time))
                    .ok_or_else(|| refused(BookingError::NoEnd))?
            }
        };
        let length = changes.length.unwrap_or(b.range.duration());
        let end = start
            .checked_add(length)
            .map_err(|_| refused(BookingError::NoEnd))?;
        let range = TimeRange::new(start, end).map_err(|_| refused(BookingError::NoEnd))?;
        check_range(range).map_err(|e| refused(e.into()))?;
        let providers = changes
            .providers
            .clone()
            .unwrap_or_else(|| b.providers.clone());
        Ok((range, providers))
    }

    /// The occurrences of `anchor`'s series that `scope` names, in start
    /// order: scheduled ones from `anchor` on, or from now on.
    async fn occurrences(
        &self,
        tx: &mut dyn UnitOfWork,
        business: &Business,
        anchor: &Booking,
        scope: SeriesScope,
    ) -> Result<Vec<Booking>, SeriesError> {
        let series = anchor.series.ok_or(SeriesError::NotInSeries)?;
        let from = match scope {
            SeriesScope::Following => anchor.range.start(),
            SeriesScope::All => self.now(),
        };
        let query = BookingQuery {
            series: Some(series),
            status: Some(BookingStatus::Scheduled),
            limit: MAX_OCCURRENCES,
            ..BookingQuery::default()
        };
        let found: Vec<Booking> = tx
            .bookings()
            .list(business.id, &query)
            .await?
            .into_iter()
            .map(|n| n.booking)
            .filter(|b| b.range.start() >= from)
            .collect();
        if found.is_empty() {
            return Err(SeriesError::NothingLeft);
        }
        Ok(found)
    }

    /// One email to the customer of `done` (in start order): the first
    /// date, and how many more the change applies to.
    async fn tell_customer(
        &self,
        tx: &mut dyn UnitOfWork,
        business: &Business,
        done: &[Booking],
        change: BookingChange,
    ) -> Result<(), StoreError> {
        let Some(first) = done.first() else {
            return Ok(());
        };
        let repeats = u32::try_from(done.len() - 1).unwrap_or(u32::MAX);
        self.notify_customer_of_series(tx, business, first, change, repeats)
            .await
    }
}

impl From<Denied> for SeriesError {
    fn from(e: Denied) -> Self {
        Self::Booking(e.into())
    }
}
