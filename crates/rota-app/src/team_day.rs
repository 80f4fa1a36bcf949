//! The team's day (U2 "today"): who works when, and which active bookings
//! lie outside their providers' working time (B5 overrides, or hours
//! changed after booking) — what an administrator must look at.

use rota_domain::account::AccountStatus;
use rota_domain::actor::Actor;
use rota_domain::id::{AccountId, BookingId};
use rota_domain::policy::{Action, Denied, authorize};
use rota_domain::time::TimeRange;

use crate::Rota;
use crate::availability::{AvailabilityError, MAX_WINDOW};
use crate::ports::TxMode;
use crate::schedule::Schedules;

/// One provider's working time in the range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnDuty {
    /// The provider.
    pub provider: AccountId,
    /// Their display name.
    pub name: String,
    /// When they work (operating ∩ work hours − time off, W2); empty when
    /// they do not work in the range.
    pub working: Vec<TimeRange>,
}

/// The team's working time in a range, and what needs attention.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TeamDay {
    /// Every active provider, in the order of the team list.
    pub providers: Vec<OnDuty>,
    /// Active bookings in the range some provider of which does not work
    /// for all of it.
    pub outside_work_hours: Vec<BookingId>,
}

impl Rota {
    /// Who works within `range` and which of its bookings fall outside
    /// their providers' working time (administrators: it needs the whole
    /// team's calendars).
    pub async fn team_day(
        &self,
        actor: &Actor,
        range: TimeRange,
    ) -> Result<TeamDay, AvailabilityError> {
        if range.duration() > MAX_WINDOW {
            return Err(AvailabilityError::WindowTooLong);
        }
        let mut tx = self.begin(TxMode::Read).await?;
        let business = tx
            .businesses()
            .get(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        authorize(actor, &Action::ListAllBookings, &business.settings)?;
        let providers: Vec<_> = tx
            .accounts()
            .employees(business.id)
            .await?
            .into_iter()
            .filter(|a| a.status == AccountStatus::Active)
            .filter(|a| a.employee().is_some_and(|e| e.roles.is_provider()))
            .collect();
        let ids: Vec<AccountId> = providers.iter().map(|a| a.id).collect();
        // Bookings overlapping the range may start before or end after it:
        // the calendars are read a day either side.
        let day = rota_domain::jiff::SignedDuration::from_hours(24);
        let wide = match (range.start().checked_sub(day), range.end().checked_add(day)) {
            (Ok(start), Ok(end)) => TimeRange::new(start, end).unwrap_or(range),
            _ => range,
        };
        let schedules = Schedules::load(tx.as_mut(), &business, &ids, wide).await?;
        let outside_work_hours = tx
            .bookings()
            .overlapping(business.id, &ids, range)
            .await?
            .into_iter()
            .filter(|b| b.providers.iter().any(|p| !schedules.within(*p, b.range)))
            .map(|b| b.id)
            .collect();
        Ok(TeamDay {
            providers: providers
                .iter()
                .map(|a| OnDuty {
                    provider: a.id,
                    name: a.display_name(),
                    working: schedules.working_time(a.id, range),
                })
                .collect(),
            outside_work_hours,
        })
    }
}
