//! The local days of a range in one zone, with their midnights worked out
//! once: the fast path of turning wall-clock times into instants.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::time::{TimeRange, local_to_instant};

/// One local day.
#[derive(Clone, Copy, Debug)]
struct Day {
    date: Date,
    /// The instant of its local midnight (by the DST policy).
    midnight: Timestamp,
    /// No UTC-offset transition happens during it, so local time `t` is
    /// `midnight + t`.
    regular: bool,
}

/// The local days whose wall-clock intervals can reach into a range: from
/// the day before its start (overnight intervals) to the day of its end.
#[derive(Clone, Debug)]
pub(crate) struct LocalDays<'a> {
    tz: &'a TimeZone,
    days: Vec<Day>,
}

const DAY: SignedDuration = SignedDuration::from_hours(24);

impl<'a> LocalDays<'a> {
    pub(crate) fn new(tz: &'a TimeZone, range: TimeRange) -> Self {
        let Ok(first) = range.start().to_zoned(tz.clone()).date().yesterday() else {
            return Self {
                tz,
                days: Vec::new(),
            };
        };
        let last = range.end().to_zoned(tz.clone()).date();
        // The transitions that can matter, found once.
        let from = range.start().checked_sub(DAY * 2).unwrap_or(Timestamp::MIN);
        let until = range.end().checked_add(DAY * 2).unwrap_or(Timestamp::MAX);
        let transitions: Vec<Timestamp> = tz
            .following(from)
            .map(|t| t.timestamp())
            .take_while(|t| *t <= until)
            .collect();
        // A transition at a day's first instant counts: that day's midnight was
        // in a gap (America/Santiago starts DST at local midnight).
        let crosses = |a: Timestamp, b: Timestamp| transitions.iter().any(|t| a <= *t && *t < b);

        let mut days = Vec::with_capacity(40);
        let mut date = first;
        let mut midnight = local_to_instant(tz, date.to_datetime(Time::midnight()));
        while date <= last.tomorrow().unwrap_or(last) {
            let Some(m) = midnight else { break };
            let Ok(next_date) = date.tomorrow() else {
                break;
            };
            let guess = m.checked_add(DAY).ok();
            // If no transition falls in the next 24 hours, the next midnight is
            // exactly 24 hours on; otherwise ask the zone.
            let next = match guess {
                Some(g) if !crosses(m, g) && !transitions.contains(&g) => Some(g),
                _ => local_to_instant(tz, next_date.to_datetime(Time::midnight())),
            };
            let regular = next.is_some_and(|n| !crosses(m, n) && n.duration_since(m) == DAY);
            days.push(Day {
                date,
                midnight: m,
                regular,
            });
            date = next_date;
            midnight = next;
        }
        Self { tz, days }
    }

    /// The days up to and including the range's last local day.
    pub(crate) fn dates(&self) -> impl Iterator<Item = (usize, Date)> + '_ {
        // The last entry is only there to answer overnight ends.
        let n = self.days.len().saturating_sub(1);
        self.days[..n].iter().enumerate().map(|(i, d)| (i, d.date))
    }

    /// The instant of wall-clock `time` on day `i` (by the DST policy).
    pub(crate) fn instant(&self, i: usize, time: Time) -> Option<Timestamp> {
        let day = self.days.get(i)?;
        if day.regular {
            let secs = i64::from(time.hour()) * 3600
                + i64::from(time.minute()) * 60
                + i64::from(time.second());
            day.midnight
                .checked_add(SignedDuration::from_secs(secs))
                .ok()
        } else {
            local_to_instant(self.tz, day.date.to_datetime(time))
        }
    }

    /// `[start of day i, start of day i + 1)`.
    pub(crate) fn whole_day(&self, i: usize) -> Option<TimeRange> {
        TimeRange::new(self.days.get(i)?.midnight, self.days.get(i + 1)?.midnight).ok()
    }
}
