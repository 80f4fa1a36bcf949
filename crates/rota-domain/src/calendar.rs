//! Weekly hours in wall-clock time (W1, W2): a provider's work hours, the
//! business's operating hours, recurring breaks.

mod days;

use std::fmt;

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

pub(crate) use days::LocalDays;

use crate::time::{TimeRange, local_to_instant, normalize};

/// A local interval of one day, `start`–`end` by the wall clock. An `end` at
/// or before `start` ends on the next day (an overnight shift, 22:00–06:00;
/// 00:00–00:00 is a whole day).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LocalInterval {
    #[serde(with = "hhmm")]
    start: Time,
    #[serde(with = "hhmm")]
    end: Time,
}

impl LocalInterval {
    /// `start`–`end`; seconds are dropped (wall-clock hours are minutes).
    #[must_use]
    pub fn new(start: Time, end: Time) -> Self {
        let minute = |t: Time| Time::new(t.hour(), t.minute(), 0, 0).unwrap_or(t);
        Self {
            start: minute(start),
            end: minute(end),
        }
    }

    /// From `"HH:MM"` strings.
    pub fn parse(start: &str, end: &str) -> Result<Self, InvalidTime> {
        Ok(Self::new(hhmm::parse(start)?, hhmm::parse(end)?))
    }

    /// Starts.
    #[must_use]
    pub const fn start(&self) -> Time {
        self.start
    }

    /// Ends (on the next day when not after the start).
    #[must_use]
    pub const fn end(&self) -> Time {
        self.end
    }

    /// Whether it ends on the next day.
    #[must_use]
    pub fn overnight(&self) -> bool {
        self.end <= self.start
    }

    /// Minutes from the start of its day to its start and to its end (the
    /// end may pass 1440 for overnight intervals).
    fn minutes(&self) -> (i32, i32) {
        let m = |t: Time| i32::from(t.hour()) * 60 + i32::from(t.minute());
        let end = if self.overnight() {
            m(self.end) + 1440
        } else {
            m(self.end)
        };
        (m(self.start), end)
    }

    /// The instants it covers on local date `day` in `tz`, by the DST policy
    /// of [`local_to_instant`]: on a day the clocks spring forward, an
    /// interval across the jump is an hour shorter; when they fall back, an
    /// hour longer.
    #[must_use]
    pub fn on(&self, day: Date, tz: &TimeZone) -> Option<TimeRange> {
        let end_day = if self.overnight() {
            day.tomorrow().ok()?
        } else {
            day
        };
        let start = local_to_instant(tz, day.to_datetime(self.start))?;
        let end = local_to_instant(tz, end_day.to_datetime(self.end))?;
        TimeRange::new(start, end).ok()
    }
}

impl LocalInterval {
    /// As [`LocalInterval::on`], for day `i` of precomputed local days.
    pub(crate) fn on_day(&self, days: &LocalDays<'_>, i: usize) -> Option<TimeRange> {
        let start = days.instant(i, self.start)?;
        let end = days.instant(if self.overnight() { i + 1 } else { i }, self.end)?;
        TimeRange::new(start, end).ok()
    }
}

impl fmt::Debug for LocalInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", hhmm::format(self.start), hhmm::format(self.end))
    }
}

/// Not a `HH:MM` time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a time of day (HH:MM)")]
pub struct InvalidTime(pub String);

mod hhmm {
    use jiff::civil::Time;
    use serde::{Deserialize, Deserializer, Serializer};

    use super::InvalidTime;

    pub(super) fn parse(s: &str) -> Result<Time, InvalidTime> {
        let bad = || InvalidTime(s.to_owned());
        let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
        if h.len() != 2 || m.len() != 2 {
            return Err(bad());
        }
        let h: i8 = h.parse().map_err(|_| bad())?;
        let m: i8 = m.parse().map_err(|_| bad())?;
        // 24:00 is accepted as the end of the day, i.e. the next midnight.
        if h == 24 && m == 0 {
            return Ok(Time::midnight());
        }
        Time::new(h, m, 0, 0).map_err(|_| bad())
    }

    pub(super) fn format(t: Time) -> String {
        format!("{:02}:{:02}", t.hour(), t.minute())
    }

    #[allow(
        clippy::trivially_copy_pass_by_ref,
        reason = "serde's `with` passes a reference"
    )]
    pub(super) fn serialize<S: Serializer>(t: &Time, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(*t))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Time, D::Error> {
        let s = String::deserialize(d)?;
        parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Per weekday, a list of non-overlapping local intervals (W1).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "WeekInput", into = "WeekInput")]
pub struct WeeklyHours {
    /// Monday first.
    days: [Vec<LocalInterval>; 7],
}

/// The wire form: one list per weekday, omitted days empty.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[allow(missing_docs)]
pub struct WeekInput {
    pub monday: Vec<LocalInterval>,
    pub tuesday: Vec<LocalInterval>,
    pub wednesday: Vec<LocalInterval>,
    pub thursday: Vec<LocalInterval>,
    pub friday: Vec<LocalInterval>,
    pub saturday: Vec<LocalInterval>,
    pub sunday: Vec<LocalInterval>,
}

/// W1: two intervals of the week overlap (an overnight interval runs into
/// the next day's).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("on {weekday}, {first:?} overlaps {second:?}")]
pub struct OverlappingHours {
    /// The day of the first interval (`monday`…).
    pub weekday: &'static str,
    /// One interval.
    pub first: LocalInterval,
    /// The one it overlaps.
    pub second: LocalInterval,
}

const NAMES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

fn index(day: Weekday) -> usize {
    usize::try_from(day.to_monday_zero_offset()).unwrap_or(0)
}

impl WeeklyHours {
    /// Checks that no two intervals of the week overlap, overnight spills
    /// into the next day (and Sunday into Monday) included.
    pub fn new(days: [Vec<LocalInterval>; 7]) -> Result<Self, OverlappingHours> {
        const WEEK: i32 = 7 * 1440;
        let mut spans: Vec<(i32, i32, usize, LocalInterval)> = Vec::new();
        for (d, list) in days.iter().enumerate() {
            let base = i32::try_from(d).unwrap_or(0) * 1440;
            for iv in list {
                let (s, e) = iv.minutes();
                spans.push((base + s, base + e, d, *iv));
                if base + e > WEEK {
                    // Sunday night running into Monday morning.
                    spans.push((base + s - WEEK, base + e - WEEK, d, *iv));
                }
            }
        }
        spans.sort_by_key(|s| (s.0, s.1));
        for pair in spans.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            if b.0 < a.1 {
                return Err(OverlappingHours {
                    weekday: NAMES[a.2],
                    first: a.3,
                    second: b.3,
                });
            }
        }
        let mut days = days;
        for list in &mut days {
            list.sort_by_key(LocalInterval::minutes);
        }
        Ok(Self { days })
    }

    /// Open around the clock, every day (the default operating hours).
    #[must_use]
    pub fn always() -> Self {
        let all = LocalInterval::new(Time::midnight(), Time::midnight());
        Self {
            days: std::array::from_fn(|_| vec![all]),
        }
    }

    /// The intervals of one weekday.
    #[must_use]
    pub fn on(&self, day: Weekday) -> &[LocalInterval] {
        &self.days[index(day)]
    }

    /// Whether no interval is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.days.iter().all(Vec::is_empty)
    }

    /// The instants these hours cover within `range`, in `tz`, normalized.
    #[must_use]
    pub fn expand(&self, tz: &TimeZone, range: TimeRange) -> Vec<TimeRange> {
        self.expand_days(&LocalDays::new(tz, range), range)
    }

    /// As [`WeeklyHours::expand`], over precomputed local days.
    pub(crate) fn expand_days(&self, days: &LocalDays<'_>, range: TimeRange) -> Vec<TimeRange> {
        let mut out = Vec::new();
        for (i, day) in days.dates() {
            for iv in self.on(day.weekday()) {
                if let Some(r) = iv.on_day(days, i).and_then(|r| r.intersection(&range)) {
                    out.push(r);
                }
            }
        }
        normalize(out)
    }
}

impl TryFrom<WeekInput> for WeeklyHours {
    type Error = OverlappingHours;
    fn try_from(w: WeekInput) -> Result<Self, OverlappingHours> {
        WeeklyHours::new([
            w.monday,
            w.tuesday,
            w.wednesday,
            w.thursday,
            w.friday,
            w.saturday,
            w.sunday,
        ])
    }
}

impl From<WeeklyHours> for WeekInput {
    fn from(h: WeeklyHours) -> Self {
        let [
            monday,
            tuesday,
            wednesday,
            thursday,
            friday,
            saturday,
            sunday,
        ] = h.days;
        WeekInput {
            monday,
            tuesday,
            wednesday,
            thursday,
            friday,
            saturday,
            sunday,
        }
    }
}

/// A provider's work calendar (W1): a zone (the business's unless set) and
/// weekly work hours. A new provider has no hours, so is not bookable until
/// an administrator (or they, with `work_hours=edit`) sets them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    /// The provider's own zone; `None` follows the business's.
    pub zone: Option<crate::zone::Zone>,
    /// Weekly work hours, in that zone.
    pub hours: WeeklyHours,
}

#[cfg(test)]
mod tests;
