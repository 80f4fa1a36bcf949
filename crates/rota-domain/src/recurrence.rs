//! Recurring bookings (issue 19): the dates a series falls on, and each
//! occurrence at the same wall-clock time in a zone — the 09:00 clean stays
//! 09:00 across daylight-saving changes.
//!
//! A series is a rule (daily, every n weeks, monthly on the same date or on
//! the same weekday of the month), how it ends (on a date or after a
//! count), and a first local date and time. It never reaches further than
//! [`HORIZON_DAYS`] past its first date.

use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Span, ToSpan};
use serde::{Deserialize, Serialize};

use crate::time::{TimeRange, local_to_instant};

/// How far past its first date a series may reach: a year.
pub const HORIZON_DAYS: i32 = 366;

/// The most occurrences one series may have (a daily year).
pub const MOST_OCCURRENCES: u16 = 366;

/// How often a series repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Frequency {
    /// Every day.
    Daily,
    /// Every `every` weeks (1: weekly, 2: fortnightly), on the first date's
    /// weekday.
    Weekly {
        /// Weeks between occurrences, 1–52.
        every: u8,
    },
    /// Every month on the first date's day of the month; months without
    /// that day (the 31st in April) are skipped, as calendars do.
    MonthlyOnDate,
    /// Every month on the first date's weekday and its position in the
    /// month ("the second Tuesday"); a fifth one means the month's last.
    MonthlyOnWeekday,
}

/// When a series stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Ends {
    /// The last date an occurrence may fall on (inclusive).
    On {
        /// That date, in the series' zone.
        date: Date,
    },
    /// After this many occurrences, the first included.
    After {
        /// How many, 1–[`MOST_OCCURRENCES`].
        count: u16,
    },
}

/// A repeating rule: how often, and until when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recurrence {
    /// How often.
    pub frequency: Frequency,
    /// Until when.
    pub ends: Ends,
}

/// Why a series cannot be made as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RecurrenceError {
    /// Weekly with 0 or more than 52 weeks between.
    #[error("a weekly series repeats every 1 to 52 weeks")]
    BadInterval,
    /// No occurrences, or more than a series may have.
    #[error("a series has 1 to 366 occurrences")]
    BadCount,
    /// It would end before it starts.
    #[error("a series cannot end before its first date")]
    EndsBeforeStart,
    /// It would reach more than a year past its first date.
    #[error("a series may reach at most a year past its first date")]
    BeyondHorizon,
}

impl Recurrence {
    /// A rule, checked.
    pub fn new(frequency: Frequency, ends: Ends) -> Result<Self, RecurrenceError> {
        if let Frequency::Weekly { every } = frequency
            && !(1..=52).contains(&every)
        {
            return Err(RecurrenceError::BadInterval);
        }
        if let Ends::After { count } = ends
            && !(1..=MOST_OCCURRENCES).contains(&count)
        {
            return Err(RecurrenceError::BadCount);
        }
        Ok(Self { frequency, ends })
    }

    /// The `n`th candidate date after `first` (0 is `first`), or `None`
    /// when the rule skips that step (a month without the date).
    fn candidate(self, first: Date, n: i32) -> Option<Date> {
        match self.frequency {
            Frequency::Daily => first.checked_add(n.days()).ok(),
            Frequency::Weekly { every } => first.checked_add((n * i32::from(every)).weeks()).ok(),
            Frequency::MonthlyOnDate => {
                let month = first.first_of_month().checked_add(n.months()).ok()?;
                Date::new(month.year(), month.month(), first.day()).ok()
            }
            Frequency::MonthlyOnWeekday => {
                let month = first.first_of_month().checked_add(n.months()).ok()?;
                let nth = (first.day() - 1) / 7 + 1;
                let weekday: Weekday = first.weekday();
                if nth >= 5 {
                    month.last_of_month().nth_weekday_of_month(-1, weekday).ok()
                } else {
                    month.nth_weekday_of_month(nth, weekday).ok()
                }
            }
        }
    }

    /// The dates of the series that starts on `first`, in order, `first`
    /// included.
    ///
    /// # Errors
    /// [`RecurrenceError::EndsBeforeStart`] for an end date before `first`;
    /// [`RecurrenceError::BeyondHorizon`] when the series would reach more
    /// than [`HORIZON_DAYS`] past `first`.
    pub fn dates(self, first: Date) -> Result<Vec<Date>, RecurrenceError> {
        let horizon = first
            .checked_add(Span::new().days(i64::from(HORIZON_DAYS)))
            .map_err(|_| RecurrenceError::BeyondHorizon)?;
        let (last, count) = match self.ends {
            Ends::On { date } if date < first => return Err(RecurrenceError::EndsBeforeStart),
            Ends::On { date } if date > horizon => return Err(RecurrenceError::BeyondHorizon),
            Ends::On { date } => (date, usize::from(MOST_OCCURRENCES)),
            Ends::After { count } => (horizon, usize::from(count)),
        };
        let mut dates = Vec::new();
        for n in 0..=HORIZON_DAYS {
            if dates.len() == count {
                return Ok(dates);
            }
            let Some(date) = self.candidate(first, n) else {
                continue;
            };
            if date > last {
                break;
            }
            dates.push(date);
        }
        if matches!(self.ends, Ends::After { .. }) && dates.len() < count {
            return Err(RecurrenceError::BeyondHorizon);
        }
        Ok(dates)
    }

    /// Each occurrence of the series that starts on `first` at the local
    /// time `at` in `tz`, lasting `length`: the same wall-clock time every
    /// date, whatever the zone's offset that day (a time the clocks skip
    /// means the instant they skip to; one they repeat, its first).
    ///
    /// # Errors
    /// As [`Recurrence::dates`].
    pub fn occurrences(
        self,
        first: Date,
        at: Time,
        length: SignedDuration,
        tz: &TimeZone,
    ) -> Result<Vec<TimeRange>, RecurrenceError> {
        Ok(self
            .dates(first)?
            .into_iter()
            .filter_map(|d| {
                let start = local_to_instant(tz, DateTime::from_parts(d, at))?;
                TimeRange::starting_at(start, length).ok()
            })
            .collect())
    }
}

#[cfg(test)]
mod tests;
