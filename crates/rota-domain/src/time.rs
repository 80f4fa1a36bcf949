//! Instants and ranges of instants, and the interval algebra that
//! availability is made of.
//!
//! Rota stores a moment that happened or will happen once (a booking, a
//! one-off absence) as an instant in UTC; it stores what repeats by the wall
//! clock (work hours, breaks, whole days off) as local time with a zone, and
//! turns it into instants only when it asks about a concrete range. See
//! `docs/TIME.md`.

use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// A half-open range of instants `[start, end)` with `end > start` (B2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "RawRange", into = "RawRange")]
pub struct TimeRange {
    start: Timestamp,
    end: Timestamp,
}

#[derive(Serialize, Deserialize)]
struct RawRange {
    start: Timestamp,
    end: Timestamp,
}

/// B2: the end must come after the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the end must come after the start")]
pub struct EmptyRange;

/// The first instant Rota accepts from outside: 1900-01-01T00:00:00Z.
pub const ERA_START: Timestamp = Timestamp::constant(-2_208_988_800, 0);
/// The first instant after the last one Rota accepts: 2200-01-01T00:00:00Z.
pub const ERA_END: Timestamp = Timestamp::constant(7_258_118_400, 0);

/// An instant outside the years 1900–2200, which Rota refuses on every
/// route and store (SPEC B10 note): no business books that far away, and
/// each database keeps a different range of dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("must be within the years 1900 to 2199")]
pub struct OutsideEra;

/// `at`, if it lies within the years 1900–2199.
pub fn within_era(at: Timestamp) -> Result<Timestamp, OutsideEra> {
    if (ERA_START..ERA_END).contains(&at) {
        Ok(at)
    } else {
        Err(OutsideEra)
    }
}

/// An RFC 3339 instant from outside (a request), within the years 1900–2199.
pub fn parse_instant(raw: &str) -> Result<Timestamp, InstantError> {
    let at: Timestamp = raw.parse().map_err(|_| InstantError::Malformed)?;
    within_era(at).map_err(|_| InstantError::OutsideEra)
}

/// Why an instant from outside was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InstantError {
    /// Not an RFC 3339 instant with an offset.
    #[error("not an RFC 3339 instant with an offset, e.g. 2030-03-04T09:00:00Z")]
    Malformed,
    /// Before 1900 or after 2199.
    #[error("must be within the years 1900 to 2199")]
    OutsideEra,
}

/// Why a range from outside was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    /// The end is not after the start (B2).
    #[error(transparent)]
    Empty(#[from] EmptyRange),
    /// An end lies outside the years 1900–2199.
    #[error(transparent)]
    OutsideEra(#[from] OutsideEra),
}

impl TryFrom<RawRange> for TimeRange {
    type Error = RangeError;
    /// Ranges read from outside must also lie within the era.
    fn try_from(r: RawRange) -> Result<Self, RangeError> {
        within_era(r.start)?;
        if r.end > ERA_END {
            return Err(OutsideEra.into());
        }
        Ok(TimeRange::new(r.start, r.end)?)
    }
}

impl TimeRange {
    /// Whether the whole range lies within the years 1900–2199.
    #[must_use]
    pub fn within_era(&self) -> bool {
        self.start >= ERA_START && self.end <= ERA_END
    }
}

impl From<TimeRange> for RawRange {
    fn from(r: TimeRange) -> Self {
        RawRange {
            start: r.start,
            end: r.end,
        }
    }
}

impl TimeRange {
    /// `[start, end)`, refused unless `end > start`.
    pub fn new(start: Timestamp, end: Timestamp) -> Result<Self, EmptyRange> {
        if end > start {
            Ok(Self { start, end })
        } else {
            Err(EmptyRange)
        }
    }

    /// `[start, start + duration)`.
    pub fn starting_at(start: Timestamp, duration: SignedDuration) -> Result<Self, EmptyRange> {
        let end = start.checked_add(duration).map_err(|_| EmptyRange)?;
        Self::new(start, end)
    }

    /// `[start, end)` from Unix seconds, if valid.
    pub(crate) fn from_seconds(start: i64, end: i64) -> Option<Self> {
        let start = Timestamp::from_second(start).ok()?;
        let end = Timestamp::from_second(end).ok()?;
        Self::new(start, end).ok()
    }

    /// The first instant.
    #[must_use]
    pub const fn start(&self) -> Timestamp {
        self.start
    }

    /// The first instant after the range.
    #[must_use]
    pub const fn end(&self) -> Timestamp {
        self.end
    }

    /// How long it lasts.
    #[must_use]
    pub fn duration(&self) -> SignedDuration {
        self.end.duration_since(self.start)
    }

    /// Whether the two share an instant (touching ends do not overlap: B4).
    #[must_use]
    pub fn overlaps(&self, other: &TimeRange) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Whether `at` lies within this range (its start included, its end not).
    #[must_use]
    pub fn holds(&self, at: Timestamp) -> bool {
        self.start <= at && at < self.end
    }

    /// Whether `other` lies entirely within this range.
    #[must_use]
    pub fn contains(&self, other: &TimeRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The shared part, if any.
    #[must_use]
    pub fn intersection(&self, other: &TimeRange) -> Option<TimeRange> {
        TimeRange::new(self.start.max(other.start), self.end.min(other.end)).ok()
    }
}

/// Sorts ranges and merges those that overlap or touch: the normal form the
/// other operations expect.
#[must_use]
pub fn normalize(mut ranges: Vec<TimeRange>) -> Vec<TimeRange> {
    ranges.sort_unstable();
    let mut out: Vec<TimeRange> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// The instants in both `a` and `b` (both normalized).
#[must_use]
pub fn intersect(a: &[TimeRange], b: &[TimeRange]) -> Vec<TimeRange> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        if let Some(x) = a[i].intersection(&b[j]) {
            out.push(x);
        }
        if a[i].end <= b[j].end { i += 1 } else { j += 1 }
    }
    out
}

/// The instants of `a` not in `b` (both normalized).
#[must_use]
pub fn subtract(a: &[TimeRange], b: &[TimeRange]) -> Vec<TimeRange> {
    let mut out = Vec::with_capacity(a.len());
    let mut j = 0;
    for r in a {
        let mut start = r.start;
        while j < b.len() && b[j].end <= start {
            j += 1;
        }
        let mut k = j;
        while k < b.len() && b[k].start < r.end {
            if b[k].start > start {
                out.push(TimeRange {
                    start,
                    end: b[k].start,
                });
            }
            start = start.max(b[k].end);
            k += 1;
        }
        if start < r.end {
            out.push(TimeRange { start, end: r.end });
        }
    }
    out
}

/// The instant a wall-clock time names in `tz`, by Rota's DST policy:
///
/// - a local time that does not exist (the clocks jumped over it) is skipped:
///   it maps to the instant of the jump, so nothing of the missing hour is
///   ever available;
/// - a local time that occurs twice (the clocks went back) means its first
///   occurrence.
///
/// `None` only for a date outside the range jiff supports.
#[must_use]
pub fn local_to_instant(tz: &TimeZone, local: DateTime) -> Option<Timestamp> {
    let ambiguous = tz.to_ambiguous_timestamp(local);
    let gap = matches!(ambiguous.offset(), AmbiguousOffset::Gap { .. });
    let earlier = ambiguous.earlier().ok()?;
    if gap {
        tz.following(earlier).next().map(|t| t.timestamp())
    } else {
        Some(earlier)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn r(a: i64, b: i64) -> TimeRange {
        TimeRange::new(
            Timestamp::from_second(a).unwrap(),
            Timestamp::from_second(b).unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn b10_instants_outside_1900_to_2200_are_refused() {
        assert_eq!(ERA_START.to_string(), "1900-01-01T00:00:00Z");
        assert_eq!(ERA_END.to_string(), "2200-01-01T00:00:00Z");
        assert_eq!(
            parse_instant("1899-12-31T23:59:59Z"),
            Err(InstantError::OutsideEra)
        );
        assert_eq!(
            parse_instant("-004713-01-01T00:00:00Z"),
            Err(InstantError::OutsideEra)
        );
        assert_eq!(
            parse_instant("2200-01-01T00:00:00Z"),
            Err(InstantError::OutsideEra)
        );
        assert_eq!(parse_instant("tomorrow"), Err(InstantError::Malformed));
        assert!(parse_instant("1900-01-01T00:00:00Z").is_ok());
        assert!(parse_instant("2199-12-31T23:00:00+00:00").is_ok());
        let far: Result<TimeRange, _> = serde_json::from_str(
            r#"{"start": "1000-01-01T00:00:00Z", "end": "2030-01-01T00:00:00Z"}"#,
        );
        assert!(far.is_err());
    }

    #[test]
    fn b2_a_range_ends_after_it_starts() {
        let t = Timestamp::from_second(100).unwrap();
        assert_eq!(TimeRange::new(t, t), Err(EmptyRange));
        assert!(
            serde_json::from_str::<TimeRange>(
                r#"{"start":"2026-01-01T10:00:00Z","end":"2026-01-01T09:00:00Z"}"#
            )
            .is_err()
        );
    }

    #[test]
    fn b4_touching_ranges_do_not_overlap() {
        assert!(!r(0, 10).overlaps(&r(10, 20)));
        assert!(r(0, 11).overlaps(&r(10, 20)));
    }

    #[test]
    fn interval_algebra_examples() {
        assert_eq!(
            normalize(vec![r(5, 8), r(0, 3), r(3, 4)]),
            vec![r(0, 4), r(5, 8)]
        );
        assert_eq!(
            intersect(&[r(0, 10), r(20, 30)], &[r(5, 25)]),
            vec![r(5, 10), r(20, 25)]
        );
        assert_eq!(
            subtract(&[r(0, 10), r(20, 30)], &[r(2, 3), r(8, 22)]),
            vec![r(0, 2), r(3, 8), r(22, 30)]
        );
        assert_eq!(subtract(&[r(0, 10)], &[r(0, 10)]), vec![]);
    }

    fn ranges() -> impl Strategy<Value = Vec<TimeRange>> {
        proptest::collection::vec((0i64..200, 1i64..30), 0..12)
            .prop_map(|v| normalize(v.into_iter().map(|(s, d)| r(s, s + d)).collect()))
    }

    proptest! {
        /// Pointwise: t ∈ a∩b ⇔ t ∈ a ∧ t ∈ b; t ∈ a−b ⇔ t ∈ a ∧ t ∉ b.
        #[test]
        fn intersect_and_subtract_are_pointwise_correct(a in ranges(), b in ranges()) {
            let inside = |v: &[TimeRange], t: i64| v.iter().any(|x| x.start.as_second() <= t && t < x.end.as_second());
            let i = intersect(&a, &b);
            let s = subtract(&a, &b);
            for t in 0..240 {
                prop_assert_eq!(inside(&i, t), inside(&a, t) && inside(&b, t));
                prop_assert_eq!(inside(&s, t), inside(&a, t) && !inside(&b, t));
            }
        }
    }
}
