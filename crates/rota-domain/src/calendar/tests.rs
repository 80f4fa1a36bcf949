//! W1 weekly hours, and the DST policy on real transitions.

use jiff::Timestamp;
use jiff::civil::date;

use super::*;
use crate::business::Zone;

fn tz(name: &str) -> TimeZone {
    Zone::parse(name).unwrap().tz().clone()
}

fn iv(a: &str, b: &str) -> LocalInterval {
    LocalInterval::parse(a, b).unwrap()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn range(a: &str, b: &str) -> TimeRange {
    TimeRange::new(ts(a), ts(b)).unwrap()
}

fn every_day(list: &[LocalInterval]) -> WeeklyHours {
    WeeklyHours::new(std::array::from_fn(|_| list.to_vec())).unwrap()
}

#[test]
fn w1_intervals_of_a_day_must_not_overlap() {
    let mut days: [Vec<LocalInterval>; 7] = Default::default();
    days[0] = vec![iv("09:00", "12:00"), iv("13:00", "17:00")];
    assert!(WeeklyHours::new(days.clone()).is_ok());
    days[0].push(iv("11:00", "14:00"));
    let err = WeeklyHours::new(days).unwrap_err();
    assert_eq!(err.weekday, "monday");
}

#[test]
fn w1_an_overnight_shift_may_not_run_into_the_next_mornings_hours() {
    let mut days: [Vec<LocalInterval>; 7] = Default::default();
    days[6] = vec![iv("22:00", "06:00")]; // Sunday night into Monday
    days[0] = vec![iv("05:00", "09:00")];
    assert!(WeeklyHours::new(days.clone()).is_err());
    days[0] = vec![iv("06:00", "09:00")];
    assert!(WeeklyHours::new(days).is_ok(), "touching is fine");
}

#[test]
fn w1_wire_form_is_per_weekday_lists_of_hh_mm() {
    let json = r#"{"monday":[{"start":"09:00","end":"12:00"},{"start":"13:00","end":"17:00"}]}"#;
    let hours: WeeklyHours = serde_json::from_str(json).unwrap();
    assert_eq!(hours.on(Weekday::Monday).len(), 2);
    assert!(hours.on(Weekday::Tuesday).is_empty());
    let back = serde_json::to_string(&hours).unwrap();
    assert!(
        back.contains(r#""monday":[{"start":"09:00","end":"12:00"}"#),
        "{back}"
    );
    assert!(
        serde_json::from_str::<WeeklyHours>(r#"{"monday":[{"start":"9am","end":"12:00"}]}"#)
            .is_err()
    );
    assert!(serde_json::from_str::<WeeklyHours>(r#"{"funday":[]}"#).is_err());
}

#[test]
fn w3_new_york_spring_forward_skips_the_missing_hour() {
    // 2026-03-08: 02:00 EST jumps to 03:00 EDT.
    let ny = tz("America/New_York");
    let day = date(2026, 3, 8);
    // 01:00–04:00 by the wall clock is two real hours.
    let r = iv("01:00", "04:00").on(day, &ny).unwrap();
    assert_eq!(r, range("2026-03-08T06:00:00Z", "2026-03-08T08:00:00Z"));
    // A start inside the gap means the moment of the jump.
    let r = iv("02:30", "05:00").on(day, &ny).unwrap();
    assert_eq!(r.start(), ts("2026-03-08T07:00:00Z"));
    assert_eq!(r.duration().as_hours(), 2);
    // An interval entirely inside the gap does not exist at all.
    assert_eq!(iv("02:00", "02:45").on(day, &ny), None);
    // Ordinary days are untouched: 09:00 EDT.
    assert_eq!(
        iv("09:00", "17:00").on(day, &ny).unwrap().start(),
        ts("2026-03-08T13:00:00Z")
    );
}

#[test]
fn w3_new_york_fall_back_takes_the_first_occurrence() {
    // 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:00–02:00 happens twice.
    let ny = tz("America/New_York");
    let day = date(2026, 11, 1);
    let r = iv("01:30", "03:00").on(day, &ny).unwrap();
    assert_eq!(
        r.start(),
        ts("2026-11-01T05:30:00Z"),
        "01:30 EDT, the first 01:30"
    );
    assert_eq!(r.duration().as_mins(), 150, "the repeated hour is worked");
    let r = iv("00:00", "03:00").on(day, &ny).unwrap();
    assert_eq!(r.duration().as_hours(), 4);
}

#[test]
fn w3_london_changes_at_one_in_the_morning() {
    let london = tz("Europe/London");
    // 2026-03-29: 01:00 GMT → 02:00 BST.
    let r = iv("00:30", "02:30").on(date(2026, 3, 29), &london).unwrap();
    assert_eq!(r, range("2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z"));
    // 2026-10-25: 02:00 BST → 01:00 GMT.
    let r = iv("09:00", "17:00")
        .on(date(2026, 10, 25), &london)
        .unwrap();
    assert_eq!(r, range("2026-10-25T09:00:00Z", "2026-10-25T17:00:00Z"));
}

#[test]
fn w3_lord_howe_shifts_by_thirty_minutes() {
    // Australia/Lord_Howe: +10:30 in winter, +11:00 in summer; on 2026-10-04
    // 02:00 local jumps to 02:30.
    let lh = tz("Australia/Lord_Howe");
    let r = iv("01:00", "04:00").on(date(2026, 10, 4), &lh).unwrap();
    assert_eq!(r.duration().as_mins(), 150);
    let r = iv("02:10", "03:00").on(date(2026, 10, 4), &lh).unwrap();
    assert_eq!(
        r.duration().as_mins(),
        30,
        "02:10 does not exist: it starts at the jump"
    );
}

#[test]
fn w1_w3_an_overnight_shift_spans_midnight() {
    let ny = tz("America/New_York");
    let hours = every_day(&[iv("22:00", "06:00")]);
    let week = range("2026-06-01T04:00:00Z", "2026-06-03T04:00:00Z"); // Mon 00:00 – Wed 00:00 EDT
    let got = hours.expand(&ny, week);
    // Sunday's shift spills into Monday 00:00–06:00, then Mon 22:00–Tue 06:00,
    // then Tue 22:00–Wed 00:00 (clipped).
    assert_eq!(
        got,
        vec![
            range("2026-06-01T04:00:00Z", "2026-06-01T10:00:00Z"),
            range("2026-06-02T02:00:00Z", "2026-06-02T10:00:00Z"),
            range("2026-06-03T02:00:00Z", "2026-06-03T04:00:00Z"),
        ]
    );
}

#[test]
fn w3_overnight_shift_across_fall_back_is_an_hour_longer() {
    let ny = tz("America/New_York");
    let r = iv("22:00", "06:00").on(date(2026, 10, 31), &ny).unwrap();
    assert_eq!(r.duration().as_hours(), 9);
    let r = iv("22:00", "06:00").on(date(2026, 3, 7), &ny).unwrap();
    assert_eq!(r.duration().as_hours(), 7);
}

#[test]
fn always_open_covers_every_instant() {
    let any = range("2026-03-07T12:00:00Z", "2026-03-10T12:00:00Z");
    assert_eq!(
        WeeklyHours::always().expand(&tz("America/New_York"), any),
        vec![any]
    );
}

mod fast_path {
    use proptest::prelude::*;

    use super::*;

    /// The slow, obviously right expansion: each day's intervals through
    /// `LocalInterval::on`, one time-zone lookup per endpoint.
    fn naive(hours: &WeeklyHours, tz: &TimeZone, range: TimeRange) -> Vec<TimeRange> {
        let first = range
            .start()
            .to_zoned(tz.clone())
            .date()
            .yesterday()
            .unwrap();
        let last = range.end().to_zoned(tz.clone()).date();
        let mut out = Vec::new();
        let mut day = first;
        while day <= last {
            for iv in hours.on(day.weekday()) {
                if let Some(r) = iv.on(day, tz).and_then(|r| r.intersection(&range)) {
                    out.push(r);
                }
            }
            day = day.tomorrow().unwrap();
        }
        crate::time::normalize(out)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// W3: the precomputed-midnight fast path gives exactly what the
        /// slow path does, across DST transitions.
        #[test]
        fn w3_fast_expansion_equals_the_slow_one(
            spec in proptest::collection::vec((0usize..7, 0i8..24, 0i8..4, 0i8..24, 0i8..4), 0..7),
            zone in prop_oneof![Just("America/New_York"), Just("Europe/London"), Just("Australia/Lord_Howe"), Just("Asia/Kathmandu"), Just("America/Santiago")],
            start_day in 0i64..400,
            len_days in 1i64..40,
        ) {
            let mut days: [Vec<LocalInterval>; 7] = Default::default();
            for (d, sh, sq, eh, eq) in spec {
                if days[d].is_empty() {
                    let t = |h: i8, q: i8| Time::new(h, q * 15, 0, 0).unwrap();
                    days[d].push(LocalInterval::new(t(sh, sq), t(eh, eq)));
                }
            }
            let Ok(hours) = WeeklyHours::new(days) else { return Ok(()) };
            let tz = tz(zone);
            let start = ts("2026-01-01T00:00:00Z").checked_add(jiff::SignedDuration::from_hours(start_day * 24 + 7)).unwrap();
            let end = start.checked_add(jiff::SignedDuration::from_hours(len_days * 24)).unwrap();
            let r = TimeRange::new(start, end).unwrap();
            prop_assert_eq!(hours.expand(&tz, r), naive(&hours, &tz, r));
        }
    }
}
