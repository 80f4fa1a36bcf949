//! Availability (W3): business operating hours ∩ the provider's work hours −
//! every non-working hour that applies − their active bookings, cut into
//! bookable slots.
//!
//! Everything here is a pure function of its inputs; the application loads
//! them and passes "now" in.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::calendar::{LocalDays, WeeklyHours};
use crate::time::{TimeRange, intersect, normalize, subtract};
use crate::time_off::TimeOff;

/// The business's side of availability.
#[derive(Clone, Copy, Debug)]
pub struct BusinessHours<'a> {
    /// The business's zone (operating hours and closures are read in it).
    pub zone: &'a TimeZone,
    /// Weekly operating hours.
    pub operating_hours: &'a WeeklyHours,
    /// Business-wide non-working entries (closures, holidays).
    pub closures: &'a [TimeOff],
}

/// One provider's side.
#[derive(Clone, Copy, Debug)]
pub struct ProviderHours<'a> {
    /// The provider's calendar zone (W1; the business's by default).
    pub zone: &'a TimeZone,
    /// Weekly work hours.
    pub work_hours: &'a WeeklyHours,
    /// The provider's own non-working entries.
    pub time_off: &'a [TimeOff],
}

/// When a provider works within `range`: operating ∩ work − non-working
/// hours (no bookings yet). Normalized.
#[must_use]
pub fn working_time(
    business: &BusinessHours<'_>,
    provider: &ProviderHours<'_>,
    range: TimeRange,
) -> Vec<TimeRange> {
    let business_days = LocalDays::new(business.zone, range);
    let same_zone = business.zone == provider.zone;
    let provider_days = if same_zone {
        business_days.clone()
    } else {
        LocalDays::new(provider.zone, range)
    };
    let open = business.operating_hours.expand_days(&business_days, range);
    let work = provider.work_hours.expand_days(&provider_days, range);
    let on_duty = intersect(&open, &work);
    if on_duty.is_empty() {
        return on_duty;
    }
    let mut off: Vec<TimeRange> = Vec::new();
    for t in business.closures {
        off.extend(t.absence.expand_days(&business_days, range));
    }
    for t in provider.time_off {
        off.extend(t.absence.expand_days(&provider_days, range));
    }
    subtract(&on_duty, &normalize(off))
}

/// B5: whether `range` lies entirely within the provider's working time.
#[must_use]
pub fn within_working_time(
    business: &BusinessHours<'_>,
    provider: &ProviderHours<'_>,
    range: TimeRange,
) -> bool {
    working_time(business, provider, range) == [range]
}

/// What slots to cut.
#[derive(Clone, Copy, Debug)]
pub struct SlotRequest {
    /// The window asked about.
    pub range: TimeRange,
    /// How long each slot is (the service's duration).
    pub duration: SignedDuration,
    /// Slots start on multiples of this, by the provider's wall clock
    /// (15 minutes by default).
    pub step: SignedDuration,
    /// The earliest start (now + the business's minimum notice).
    pub not_before: Timestamp,
}

/// The bookable slots: free time (working time − active bookings) cut into
/// `duration`-long slots starting every `step`, aligned to the wall clock of
/// `zone`, none before `not_before`. `busy` need not be sorted.
#[must_use]
pub fn slots(
    working: &[TimeRange],
    busy: &[TimeRange],
    request: &SlotRequest,
    zone: &TimeZone,
) -> Vec<TimeRange> {
    let step = request.step.as_secs().max(60);
    let duration = request.duration.as_secs();
    let mut out = Vec::new();
    if duration <= 0 {
        return out;
    }
    let free = subtract(working, &normalize(busy.to_vec()));
    let offsets = Offsets::new(zone, request.range);
    for f in free {
        let Some(start) = align_up(f.start().max(request.not_before), step, &offsets) else {
            continue;
        };
        // Whole seconds from here on: every start is aligned, every end is
        // `duration` later. Each next start is aligned again, so that a
        // clock change inside the free time (Lord Howe's is 30 minutes)
        // does not carry the old alignment past it.
        let end = f.end().as_second();
        let mut s = start.as_second();
        while s + duration <= end {
            if let Some(slot) = TimeRange::from_seconds(s, s + duration) {
                out.push(slot);
            }
            let next = Timestamp::from_second(s + step)
                .ok()
                .and_then(|t| align_up(t, step, &offsets));
            let Some(next) = next else { break };
            s = next.as_second();
        }
    }
    out
}

/// A zone's UTC offsets over a range: the offset at its start and every
/// transition within it (usually none, at most a few). Looking these up once
/// matters: past the last year the database lists, every lookup evaluates
/// the zone's POSIX rule.
struct Offsets {
    first: i32,
    transitions: Vec<(Timestamp, i32)>,
}

impl Offsets {
    fn new(zone: &TimeZone, range: TimeRange) -> Self {
        let first = zone.to_offset(range.start()).seconds();
        let transitions = zone
            .following(range.start())
            .take_while(|t| t.timestamp() < range.end())
            .map(|t| (t.timestamp(), t.offset().seconds()))
            .collect();
        Self { first, transitions }
    }

    fn at(&self, t: Timestamp) -> i32 {
        self.transitions
            .iter()
            .rev()
            .find(|(at, _)| *at <= t)
            .map_or(self.first, |(_, o)| *o)
    }
}

/// The first instant at or after `t` whose local wall-clock time is a whole
/// multiple of `step` seconds since midnight.
fn align_up(t: Timestamp, step: i64, offsets: &Offsets) -> Option<Timestamp> {
    let whole = if t.subsec_nanosecond() > 0 {
        t.as_second() + 1
    } else {
        t.as_second()
    };
    let local = whole + i64::from(offsets.at(t));
    let rem = local.rem_euclid(step);
    let aligned = if rem == 0 { whole } else { whole + step - rem };
    Timestamp::from_second(aligned).ok()
}

#[cfg(test)]
mod tests;
