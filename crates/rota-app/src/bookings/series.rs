//! Recurring bookings (issue 19): a series is made whole or not at all.
//! Every occurrence passes the rules one booking passes (B2–B5, B10 for
//! customers), at the first one's wall-clock time in the business's zone;
//! if any cannot be booked, nothing is, and each refused date is named so
//! the person can skip it or pick another time.

use rota_domain::actor::Actor;
use rota_domain::booking::{Booking, ScheduleError};
use rota_domain::id::SeriesId;
use rota_domain::jiff::Timestamp;
use rota_domain::jiff::civil::{Date, DateTime};
use rota_domain::notice::BookingChange;
use rota_domain::policy::Denied;
use rota_domain::recurrence::{Recurrence, RecurrenceError};
use rota_domain::service::Buffers;
use rota_domain::time::local_to_instant;

use super::create::Prepared;
use super::{BookingError, BookingView, NewBooking};
use crate::Rota;
use crate::error::{Classify, ErrorKind};
use crate::ports::{StoreError, TxMode};

mod change;

pub use change::{SeriesChanges, SeriesScope};

/// The kind of a customer's booking confirmation in the outbox.
const CONFIRMATION: &str = "booking_confirmed";

/// A series to book.
#[derive(Clone, Debug)]
pub struct NewSeries {
    /// The first occurrence; the others repeat its wall-clock time, length,
    /// customer, service, providers, price and notes.
    pub first: NewBooking,
    /// How it repeats.
    pub recurrence: Recurrence,
    /// Dates (in the business's zone) to leave out, e.g. ones refused before.
    pub skip: Vec<Date>,
}

/// One occurrence that cannot be booked, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeriesConflict {
    /// When it would start.
    pub starts_at: Timestamp,
    /// The refusal's stable code (`double_booking`, `outside_work_hours`…).
    pub code: &'static str,
    /// The refusal, for people.
    pub detail: String,
}

/// Why a series was not made.
#[derive(Debug, thiserror::Error)]
pub enum SeriesError {
    /// The rule itself is out of bounds (422).
    #[error(transparent)]
    Recurrence(#[from] RecurrenceError),
    /// Every date skipped (422).
    #[error("every date of the series is skipped")]
    Empty,
    /// Some occurrences cannot be booked; nothing was (409
    /// `series_conflicts`).
    #[error("{} of the series' dates cannot be booked; nothing was booked", .0.len())]
    Conflicts(Vec<SeriesConflict>),
    /// The booking is not an occurrence of a series (422
    /// `not_in_series`).
    #[error("this booking is not part of a recurring series")]
    NotInSeries,
    /// No occurrence the change is for is still scheduled (409
    /// `series_over`).
    #[error("no booking of this series that the change is for is still scheduled")]
    NothingLeft,
    /// Refused as a whole (not allowed, no such customer or service…).
    #[error(transparent)]
    Booking(#[from] BookingError),
}

impl From<StoreError> for SeriesError {
    fn from(e: StoreError) -> Self {
        Self::Booking(e.into())
    }
}

impl Classify for SeriesError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Recurrence(_) | Self::Empty | Self::NotInSeries => ErrorKind::Invalid,
            Self::Conflicts(_) | Self::NothingLeft => ErrorKind::Conflict,
            Self::Booking(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Recurrence(_) | Self::Empty => "validation",
            Self::Conflicts(_) => "series_conflicts",
            Self::NotInSeries => "not_in_series",
            Self::NothingLeft => "series_over",
            Self::Booking(e) => e.code(),
        }
    }
}

/// Whether a refusal is about the request as a whole (not allowed, an
/// invalid field, no such customer or service) rather than one date (B4,
/// B5, a time not offered: the conflicts).
fn whole(e: &BookingError) -> bool {
    e.kind() != ErrorKind::Conflict
}

fn conflict(starts_at: Timestamp, e: &BookingError) -> SeriesConflict {
    SeriesConflict {
        starts_at,
        code: e.code(),
        detail: e.to_string(),
    }
}

impl Rota {
    /// Books every occurrence of a series, or none (issue 19). The
    /// customer's confirmation is the first occurrence's email; every
    /// occurrence gets its own reminders.
    ///
    /// # Errors
    /// [`SeriesError::Conflicts`] naming each occurrence that cannot be
    /// booked; [`SeriesError::Booking`] for a refusal of the whole request.
    pub async fn create_series(
        &self,
        actor: &Actor,
        new: NewSeries,
    ) -> Result<Vec<BookingView>, SeriesError> {
        let business = {
            let mut tx = self.begin(TxMode::ReadOnce).await?;
            tx.businesses()
                .get(actor.business)
                .await?
                .ok_or(BookingError::Denied(Denied::NotFound))?
        };
        let tz = business.time_zone.tz().clone();
        let local = new.first.starts_at.to_zoned(tz.clone());
        let length = new
            .first
            .ends_at
            .map(|end| end.duration_since(new.first.starts_at));
        let mut prepared: Vec<Prepared> = Vec::new();
        let mut conflicts = Vec::new();
        for date in new.recurrence.dates(local.date())? {
            if new.skip.contains(&date) {
                continue;
            }
            let Some(start) = local_to_instant(&tz, DateTime::from_parts(date, local.time()))
            else {
                continue;
            };
            let ends_at = match length {
                Some(l) => Some(start.checked_add(l).map_err(|_| BookingError::NoEnd)?),
                None => None,
            };
            let one = NewBooking {
                starts_at: start,
                ends_at,
                ..new.first.clone()
            };
            let outcome = match self.as_offered(actor, one).await {
                Ok(one) => self.prepare(actor, one).await,
                Err(e) => Err(e),
            };
            match outcome {
                Ok(p) => prepared.push(p),
                Err(e) if whole(&e) => return Err(e.into()),
                Err(e) => conflicts.push(conflict(start, &e)),
            }
        }
        if prepared.is_empty() && conflicts.is_empty() {
            return Err(SeriesError::Empty);
        }
        conflicts.extend(self.taken(&prepared).await?);
        if !conflicts.is_empty() {
            conflicts.sort_by_key(|c| c.starts_at);
            return Err(SeriesError::Conflicts(conflicts));
        }
        let series = SeriesId::from_uuid(self.new_uuid());
        let repeats = u32::try_from(prepared.len() - 1).unwrap_or(u32::MAX);
        let mut tx = self.begin(TxMode::Write).await?;
        let mut made = Vec::with_capacity(prepared.len());
        for (n, mut p) in prepared.into_iter().enumerate() {
            p.booking.series = Some(series);
            // One confirmation for the series (below), providers told of
            // its first date; each occurrence keeps its reminders.
            p.messages
                .retain(|m| m.kind != CONFIRMATION && (n == 0 || m.topic.is_some()));
            let start = p.booking.range.start();
            match self.place(tx.as_mut(), actor, p).await {
                Ok(view) => made.push(view),
                Err(e) if e.code() == "double_booking" => {
                    // Taken meanwhile by someone else: still all or nothing.
                    return Err(SeriesError::Conflicts(vec![conflict(start, &e)]));
                }
                Err(e) => return Err(e.into()),
            }
        }
        if let Some(first) = made.first() {
            self.notify_customer_of_series(
                tx.as_mut(),
                &business,
                &first.booking,
                BookingChange::Confirmed,
                repeats,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(made)
    }

    /// The occurrences B4 refuses: ones whose time another active booking
    /// of a provider blocks, or another occurrence of the same series does.
    async fn taken(&self, prepared: &[Prepared]) -> Result<Vec<SeriesConflict>, SeriesError> {
        let mut found = Vec::new();
        let mut tx = self.begin(TxMode::ReadOnce).await?;
        for (n, p) in prepared.iter().enumerate() {
            let b = &p.booking;
            let earlier: Option<&Booking> = prepared[..n]
                .iter()
                .map(|q| &q.booking)
                .find(|q| b.providers.iter().any(|id| q.clashes_with(*id, b)));
            let reach = Buffers::MAX_ALL.around(b.blocked());
            let others = tx
                .bookings()
                .overlapping(b.business_id, &b.providers, reach)
                .await?;
            let held = b
                .providers
                .iter()
                .find(|id| others.iter().any(|o| o.clashes_with(**id, b)));
            if let Some(id) = held
                .copied()
                .or_else(|| earlier.and_then(|q| q.providers.first().copied()))
            {
                let e = BookingError::Schedule(ScheduleError::DoubleBooking(id));
                found.push(conflict(b.range.start(), &e));
            }
        }
        Ok(found)
    }
}
