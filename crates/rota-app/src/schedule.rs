//! Loading what availability and the booking rules need about providers'
//! time, once per unit of work.

use std::collections::HashMap;

use rota_domain::availability::{BusinessHours, ProviderHours, working_time};
use rota_domain::business::Business;
use rota_domain::calendar::WorkCalendar;
use rota_domain::id::AccountId;
use rota_domain::jiff::tz::TimeZone;
use rota_domain::time::TimeRange;
use rota_domain::time_off::TimeOff;

use crate::ports::{StoreError, UnitOfWork};

/// Calendars and non-working hours of some providers around a range.
pub(crate) struct Schedules {
    zone: TimeZone,
    operating_hours: rota_domain::calendar::WeeklyHours,
    calendars: HashMap<AccountId, WorkCalendar>,
    closures: Vec<TimeOff>,
    time_off: HashMap<AccountId, Vec<TimeOff>>,
    /// What the providers' linked calendars hold (issue 19), merged.
    calendar_busy: HashMap<AccountId, Vec<TimeRange>>,
    /// Whether working time leaves out `calendar_busy`.
    subtract_calendars: bool,
}

impl Schedules {
    pub(crate) async fn load(
        tx: &mut dyn UnitOfWork,
        business: &Business,
        providers: &[AccountId],
        range: TimeRange,
    ) -> Result<Self, StoreError> {
        let working = tx
            .calendars()
            .working_time(business.id, providers, range)
            .await?;
        Ok(Self::of(business, working))
    }

    /// The schedules of what was read.
    pub(crate) fn of(business: &Business, working: crate::ports::WorkingTime) -> Self {
        let calendars = working.calendars.into_iter().collect();
        let mut calendar_busy: HashMap<AccountId, Vec<TimeRange>> = HashMap::new();
        for (p, t) in working.calendar_busy {
            calendar_busy.entry(p).or_default().push(t);
        }
        for busy in calendar_busy.values_mut() {
            *busy = rota_domain::time::normalize(std::mem::take(busy));
        }
        let mut closures = Vec::new();
        let mut time_off: HashMap<AccountId, Vec<TimeOff>> = HashMap::new();
        for entry in working.time_off {
            match entry.provider {
                Some(p) => time_off.entry(p).or_default().push(entry),
                None => closures.push(entry),
            }
        }
        Self {
            zone: business.time_zone.tz().clone(),
            operating_hours: business.settings.operating_hours.clone(),
            calendars,
            closures,
            time_off,
            calendar_busy,
            subtract_calendars: false,
        }
    }

    /// These schedules with the busy times of the providers' linked
    /// calendars (read with their hours) taken out of their working time,
    /// as time off is: a slot is not offered over them, and a booking over
    /// them needs the same override as one outside work hours (B5).
    pub(crate) fn with_calendar_busy(mut self) -> Self {
        self.subtract_calendars = true;
        self
    }

    /// The zone the provider's work calendar names, if it names one.
    pub(crate) fn calendar_zone(&self, provider: AccountId) -> Option<rota_domain::business::Zone> {
        self.calendars.get(&provider).and_then(|c| c.zone.clone())
    }

    /// The provider's calendar zone (theirs, or the business's).
    pub(crate) fn zone_of(&self, provider: AccountId) -> &TimeZone {
        self.calendars
            .get(&provider)
            .and_then(|c| c.zone.as_ref())
            .map_or(&self.zone, |z| z.tz())
    }

    /// W3 without bookings: operating ∩ work − non-working hours.
    pub(crate) fn working_time(&self, provider: AccountId, range: TimeRange) -> Vec<TimeRange> {
        let empty = rota_domain::calendar::WeeklyHours::default();
        let hours = self.calendars.get(&provider).map_or(&empty, |c| &c.hours);
        let business = BusinessHours {
            zone: &self.zone,
            operating_hours: &self.operating_hours,
            closures: &self.closures,
        };
        let own = self.time_off.get(&provider).map_or(&[][..], Vec::as_slice);
        let provider_hours = ProviderHours {
            zone: self.zone_of(provider),
            work_hours: hours,
            time_off: own,
        };
        let free = working_time(&business, &provider_hours, range);
        match self.calendar_busy.get(&provider) {
            Some(busy) if self.subtract_calendars => rota_domain::time::subtract(&free, busy),
            _ => free,
        }
    }

    /// B5: whether `range` lies within the provider's working time.
    pub(crate) fn within(&self, provider: AccountId, range: TimeRange) -> bool {
        self.working_time(provider, range) == [range]
    }
}
