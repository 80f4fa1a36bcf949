//! Reports (R6): what a range of the business's calendar amounted to.
//!
//! The store aggregates bookings (a few statements, no booking row carried
//! out); the hours providers were available come from the domain's calendar
//! expansion (W1–W3), the same that availability offers slots from.

use rota_domain::account::AccountStatus;
use rota_domain::actor::Actor;
use rota_domain::booking::BookingStatus;
use rota_domain::business::Currency;
use rota_domain::id::AccountId;
use rota_domain::jiff::SignedDuration;
use rota_domain::policy::{Action, Denied, authorize};
use rota_domain::time::TimeRange;

use crate::Rota;
use crate::error::{Classify, ErrorKind};
use crate::ports::{StatusTotals, StoreError, TxMode};
use crate::schedule::Schedules;

/// The longest range one report covers: a leap year and a day.
pub const MAX_RANGE: SignedDuration = SignedDuration::from_hours(24 * 367);

/// What to report on.
#[derive(Clone, Copy, Debug)]
pub struct SummaryQuery {
    /// Bookings starting within this range count.
    pub range: TimeRange,
    /// Only this provider's bookings and hours.
    pub provider: Option<AccountId>,
}

/// Bookings per status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatusCounts {
    /// Scheduled.
    pub scheduled: u64,
    /// In progress.
    pub in_progress: u64,
    /// Completed.
    pub completed: u64,
    /// Cancelled.
    pub cancelled: u64,
    /// No-shows.
    pub no_show: u64,
}

/// One provider's use of their time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderUse {
    /// The provider.
    pub provider: AccountId,
    /// Their display name.
    pub name: String,
    /// The time of their booked bookings (scheduled, in progress,
    /// completed) starting within the range.
    pub booked: SignedDuration,
    /// Their working time within the range: work hours within operating
    /// hours, less time off and closures (W1–W3).
    pub available: SignedDuration,
}

/// What a range amounted to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// The range reported on.
    pub range: TimeRange,
    /// The business's currency, which every amount is in.
    pub currency: Currency,
    /// Bookings per status.
    pub bookings: StatusCounts,
    /// The prices of booked bookings (scheduled, in progress, completed).
    pub booked_minor: i64,
    /// What was paid, on bookings of any status (tips apart).
    pub paid_minor: i64,
    /// Tips, on bookings of any status.
    pub tips_minor: i64,
    /// Customers added within the range (business-wide).
    pub new_customers: u64,
    /// Per provider, by name: the provider asked about, or every provider
    /// on the team and anyone else with booked time in the range.
    pub providers: Vec<ProviderUse>,
}

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The policy refused (R6: administrators only), or no such provider.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// The range is longer than 367 days (422).
    #[error("report on at most 367 days at a time")]
    RangeTooLong,
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

impl Classify for ReportError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Denied(d) => d.kind(),
            Self::RangeTooLong => ErrorKind::Invalid,
            Self::Unexpected(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Denied(d) => d.code(),
            Self::RangeTooLong => "validation",
            Self::Unexpected(e) => e.code(),
        }
    }
}

/// Whether a booking of this status counts as booked.
const fn is_booked(status: BookingStatus) -> bool {
    matches!(
        status,
        BookingStatus::Scheduled | BookingStatus::InProgress | BookingStatus::Completed
    )
}

impl StatusCounts {
    fn add(&mut self, t: &StatusTotals) {
        let slot = match t.status {
            BookingStatus::Scheduled => &mut self.scheduled,
            BookingStatus::InProgress => &mut self.in_progress,
            BookingStatus::Completed => &mut self.completed,
            BookingStatus::Cancelled => &mut self.cancelled,
            BookingStatus::NoShow => &mut self.no_show,
        };
        *slot += t.count;
    }
}

impl Rota {
    /// A summary of `query.range` (administrators only, R6): bookings by
    /// status, amounts booked, paid and tipped, new customers, and per
    /// provider booked against available time.
    pub async fn report_summary(
        &self,
        actor: &Actor,
        query: SummaryQuery,
    ) -> Result<Summary, ReportError> {
        let mut tx = self.begin(TxMode::Read).await?;
        let business = tx
            .businesses()
            .get(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        authorize(actor, &Action::ViewReports, &business.settings)?;
        if query.range.duration() > MAX_RANGE {
            return Err(ReportError::RangeTooLong);
        }
        let totals = tx
            .reports()
            .booking_totals(business.id, query.range, query.provider)
            .await?;
        let new_customers = tx
            .reports()
            .customers_added(business.id, query.range)
            .await?;
        // Who is reported on: the provider asked about, or the team's
        // active providers and anyone with booked time in the range.
        let mut people = match query.provider {
            Some(p) => tx.accounts().get_many(business.id, &[p]).await?,
            None => tx.accounts().employees(business.id).await?,
        };
        if let Some(p) = query.provider
            && !people.iter().any(|a| a.id == p && a.employee().is_some())
        {
            return Err(Denied::NotFound.into());
        }
        let booked_by = |id: AccountId| {
            totals
                .booked_by_provider
                .iter()
                .find(|(p, _)| *p == id)
                .map_or(SignedDuration::ZERO, |(_, d)| *d)
        };
        people.retain(|a| {
            let provider = a.status == AccountStatus::Active
                && a.employee().is_some_and(|e| e.roles.is_provider());
            a.employee().is_some() && (provider || !booked_by(a.id).is_zero())
        });
        let ids: Vec<AccountId> = people.iter().map(|a| a.id).collect();
        let schedules = Schedules::load(tx.as_mut(), &business, &ids, query.range).await?;
        let mut providers: Vec<ProviderUse> = people
            .iter()
            .map(|a| ProviderUse {
                provider: a.id,
                name: a.display_name(),
                booked: booked_by(a.id),
                available: schedules
                    .working_time(a.id, query.range)
                    .iter()
                    .map(TimeRange::duration)
                    .fold(SignedDuration::ZERO, SignedDuration::saturating_add),
            })
            .collect();
        providers.sort_by(|a, b| a.name.cmp(&b.name).then(a.provider.cmp(&b.provider)));
        let mut bookings = StatusCounts::default();
        let (mut booked_minor, mut paid_minor, mut tips_minor) = (0_i64, 0_i64, 0_i64);
        for t in &totals.by_status {
            bookings.add(t);
            if is_booked(t.status) {
                booked_minor = booked_minor.saturating_add(t.price_minor);
            }
            paid_minor = paid_minor.saturating_add(t.paid_minor);
            tips_minor = tips_minor.saturating_add(t.tips_minor);
        }
        Ok(Summary {
            range: query.range,
            currency: business.currency,
            bookings,
            booked_minor,
            paid_minor,
            tips_minor,
            new_customers,
            providers,
        })
    }
}
