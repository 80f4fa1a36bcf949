//! Non-working hours (W2): one-off absences, whole local days, recurring
//! weekly breaks — for one provider, or for the whole business (closures,
//! holidays).

use jiff::Timestamp;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::account::Text;
use crate::calendar::{LocalDays, LocalInterval};
use crate::id::{AccountId, BusinessId, TimeOffId};
use crate::time::{TimeRange, normalize};

/// A day of the week, by name on the wire (`monday`…).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum DayOfWeek {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl From<DayOfWeek> for Weekday {
    fn from(d: DayOfWeek) -> Self {
        match d {
            DayOfWeek::Monday => Weekday::Monday,
            DayOfWeek::Tuesday => Weekday::Tuesday,
            DayOfWeek::Wednesday => Weekday::Wednesday,
            DayOfWeek::Thursday => Weekday::Thursday,
            DayOfWeek::Friday => Weekday::Friday,
            DayOfWeek::Saturday => Weekday::Saturday,
            DayOfWeek::Sunday => Weekday::Sunday,
        }
    }
}

/// When someone is not working.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Absence {
    /// A one-off range of instants.
    Range {
        /// Its start and end.
        #[serde(flatten)]
        range: TimeRange,
    },
    /// Whole local days, `first` to `last` inclusive, in the calendar's zone.
    Days {
        /// The first day off.
        first: Date,
        /// The last day off.
        last: Date,
    },
    /// Every week, on `weekday`, `interval` by the wall clock (a lunch break).
    Weekly {
        /// Which day.
        weekday: DayOfWeek,
        /// When, on that day.
        #[serde(flatten)]
        interval: LocalInterval,
    },
}

/// Why an absence is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AbsenceError {
    /// `last` before `first`.
    #[error("the last day comes before the first")]
    DaysReversed,
    /// Days off are given at most a year at a time.
    #[error("days off may span at most 366 days")]
    TooManyDays,
}

impl Absence {
    /// Checks an absence.
    pub fn validate(&self) -> Result<(), AbsenceError> {
        if let Absence::Days { first, last } = self {
            if last < first {
                return Err(AbsenceError::DaysReversed);
            }
            if first
                .until(*last)
                .map_or(true, |span| span.get_days() > 366)
            {
                return Err(AbsenceError::TooManyDays);
            }
        }
        Ok(())
    }

    /// The instants it covers within `range`, local parts read in `tz`.
    #[must_use]
    pub fn expand(&self, tz: &TimeZone, range: TimeRange) -> Vec<TimeRange> {
        match self {
            Absence::Range { range: r } => r.intersection(&range).into_iter().collect(),
            _ => self.expand_days(&LocalDays::new(tz, range), range),
        }
    }

    /// As [`Absence::expand`], over precomputed local days.
    pub(crate) fn expand_days(&self, days: &LocalDays<'_>, range: TimeRange) -> Vec<TimeRange> {
        let spans: Vec<TimeRange> = match self {
            Absence::Range { range: r } => return r.intersection(&range).into_iter().collect(),
            Absence::Days { first, last } => days
                .dates()
                .filter(|(_, d)| first <= d && d <= last)
                .filter_map(|(i, _)| days.whole_day(i))
                .filter_map(|r| r.intersection(&range))
                .collect(),
            Absence::Weekly { weekday, interval } => {
                let day = Weekday::from(*weekday);
                days.dates()
                    .filter(|(_, d)| d.weekday() == day)
                    .filter_map(|(i, _)| interval.on_day(days, i))
                    .filter_map(|r| r.intersection(&range))
                    .collect()
            }
        };
        normalize(spans)
    }
}

/// A non-working entry of a provider or of the whole business.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeOff {
    /// Its id.
    pub id: TimeOffId,
    /// Its business.
    pub business_id: BusinessId,
    /// The provider it applies to; `None` for the whole business.
    pub provider: Option<AccountId>,
    /// When.
    pub absence: Absence,
    /// Why ("Dentist", "Bank holiday").
    pub note: Option<Text>,
    /// When it was recorded.
    pub created_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;
    use crate::business::Zone;

    fn tz(name: &str) -> TimeZone {
        Zone::parse(name).unwrap().tz().clone()
    }

    fn range(a: &str, b: &str) -> TimeRange {
        TimeRange::new(a.parse().unwrap(), b.parse().unwrap()).unwrap()
    }

    #[test]
    fn w2_whole_days_follow_local_midnight_across_dst() {
        // 2026-03-08 in New York is 23 hours long.
        let off = Absence::Days {
            first: date(2026, 3, 8),
            last: date(2026, 3, 8),
        };
        let week = range("2026-03-05T00:00:00Z", "2026-03-12T00:00:00Z");
        let got = off.expand(&tz("America/New_York"), week);
        assert_eq!(
            got,
            vec![range("2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z")]
        );
        assert_eq!(got[0].duration().as_hours(), 23);
    }

    #[test]
    fn w2_weekly_breaks_repeat_by_the_wall_clock() {
        let lunch: Absence = serde_json::from_str(
            r#"{"kind":"weekly","weekday":"monday","start":"12:00","end":"13:00"}"#,
        )
        .unwrap();
        // Mondays 2026-03-02 (EST) and 2026-03-09 (EDT): noon moves in UTC.
        let got = lunch.expand(
            &tz("America/New_York"),
            range("2026-03-01T00:00:00Z", "2026-03-15T00:00:00Z"),
        );
        assert_eq!(
            got,
            vec![
                range("2026-03-02T17:00:00Z", "2026-03-02T18:00:00Z"),
                range("2026-03-09T16:00:00Z", "2026-03-09T17:00:00Z"),
            ]
        );
    }

    #[test]
    fn w2_absences_have_a_wire_form_and_are_checked() {
        let r: Absence = serde_json::from_str(
            r#"{"kind":"range","start":"2026-01-05T09:00:00Z","end":"2026-01-05T11:00:00Z"}"#,
        )
        .unwrap();
        assert!(matches!(r, Absence::Range { .. }));
        let days: Absence =
            serde_json::from_str(r#"{"kind":"days","first":"2026-01-05","last":"2026-01-04"}"#)
                .unwrap();
        assert_eq!(days.validate(), Err(AbsenceError::DaysReversed));
        assert!(
            serde_json::from_str::<Absence>(
                r#"{"kind":"range","start":"2026-01-05T11:00:00Z","end":"2026-01-05T09:00:00Z"}"#
            )
            .is_err()
        );
    }
}
