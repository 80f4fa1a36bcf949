use jiff::civil::{date, time};
use proptest::prelude::*;

use super::*;

fn tz(name: &str) -> TimeZone {
    crate::zone::tz_database().get(name).unwrap()
}

fn weekly(every: u8, count: u16) -> Recurrence {
    Recurrence::new(Frequency::Weekly { every }, Ends::After { count }).unwrap()
}

#[test]
fn the_09_00_clean_stays_09_00_across_both_dst_changes() {
    let london = tz("Europe/London");
    // Mondays from 16 March 2026: the clocks go forward on 29 March and
    // back on 25 October.
    let all = weekly(1, 35)
        .occurrences(
            date(2026, 3, 16),
            time(9, 0, 0, 0),
            SignedDuration::from_hours(2),
            &london,
        )
        .unwrap();
    assert_eq!(all.len(), 35);
    for r in &all {
        let local = r.start().to_zoned(london.clone());
        assert_eq!((local.hour(), local.minute()), (9, 0), "{local}");
        assert_eq!(local.weekday(), Weekday::Monday);
    }
    // In UTC it moved: 09:00 GMT, then 08:00 UTC in summer, then back.
    assert_eq!(all[0].start().to_string(), "2026-03-16T09:00:00Z");
    assert_eq!(all[2].start().to_string(), "2026-03-30T08:00:00Z");
    assert_eq!(all[32].start().to_string(), "2026-10-26T09:00:00Z");
}

#[test]
fn a_time_the_clocks_skip_is_the_instant_they_skip_to() {
    let new_york = tz("America/New_York");
    let daily = Recurrence::new(Frequency::Daily, Ends::After { count: 3 }).unwrap();
    let all = daily
        .occurrences(
            date(2026, 3, 7),
            time(2, 30, 0, 0),
            SignedDuration::from_hours(1),
            &new_york,
        )
        .unwrap();
    let local: Vec<String> = all
        .iter()
        .map(|r| {
            r.start()
                .to_zoned(new_york.clone())
                .strftime("%F %H:%M")
                .to_string()
        })
        .collect();
    // 02:30 does not exist on 8 March 2026 in New York: 03:00 is when it would be.
    assert_eq!(
        local,
        ["2026-03-07 02:30", "2026-03-08 03:00", "2026-03-09 02:30"]
    );
}

#[test]
fn monthly_on_a_date_skips_months_without_it() {
    let rule = Recurrence::new(
        Frequency::MonthlyOnDate,
        Ends::On {
            date: date(2026, 7, 31),
        },
    )
    .unwrap();
    assert_eq!(
        rule.dates(date(2026, 1, 31)).unwrap(),
        [
            date(2026, 1, 31),
            date(2026, 3, 31),
            date(2026, 5, 31),
            date(2026, 7, 31)
        ]
    );
}

#[test]
fn monthly_on_a_weekday_keeps_its_place_in_the_month() {
    let second_tuesday =
        Recurrence::new(Frequency::MonthlyOnWeekday, Ends::After { count: 3 }).unwrap();
    assert_eq!(
        second_tuesday.dates(date(2026, 3, 10)).unwrap(),
        [date(2026, 3, 10), date(2026, 4, 14), date(2026, 5, 12)]
    );
    // The 5th Friday of January 2026 (the 30th) repeats as the last Friday.
    assert_eq!(
        second_tuesday.dates(date(2026, 1, 30)).unwrap(),
        [date(2026, 1, 30), date(2026, 2, 27), date(2026, 3, 27)]
    );
}

#[test]
fn a_series_is_bounded_by_its_rules() {
    assert_eq!(
        Recurrence::new(Frequency::Weekly { every: 0 }, Ends::After { count: 3 }),
        Err(RecurrenceError::BadInterval)
    );
    assert_eq!(
        Recurrence::new(Frequency::Daily, Ends::After { count: 0 }),
        Err(RecurrenceError::BadCount)
    );
    let until = |d| Recurrence::new(Frequency::Daily, Ends::On { date: d }).unwrap();
    assert_eq!(
        until(date(2026, 1, 1)).dates(date(2026, 2, 1)),
        Err(RecurrenceError::EndsBeforeStart)
    );
    assert_eq!(
        until(date(2027, 3, 1)).dates(date(2026, 2, 1)),
        Err(RecurrenceError::BeyondHorizon)
    );
    // Every 52 weeks, three times: two years.
    assert_eq!(
        weekly(52, 3).dates(date(2026, 2, 1)),
        Err(RecurrenceError::BeyondHorizon)
    );
    assert_eq!(
        until(date(2026, 2, 1))
            .dates(date(2026, 2, 1))
            .unwrap()
            .len(),
        1
    );
}

fn zone() -> impl Strategy<Value = TimeZone> {
    prop_oneof![
        Just("Europe/London"),
        Just("America/New_York"),
        Just("Australia/Sydney"),
        Just("Asia/Tokyo"),
        Just("America/Santiago"),
    ]
    .prop_map(tz)
}

fn frequency() -> impl Strategy<Value = Frequency> {
    prop_oneof![
        Just(Frequency::Daily),
        (1u8..=4).prop_map(|every| Frequency::Weekly { every }),
        Just(Frequency::MonthlyOnDate),
        Just(Frequency::MonthlyOnWeekday),
    ]
}

proptest! {
    /// Every occurrence is at the asked wall-clock time on its date (or,
    /// where the clocks skip that time, the instant they skip to), in
    /// order, within the horizon, and as many as asked.
    #[test]
    fn every_occurrence_keeps_its_wall_clock_time(
        zone in zone(),
        frequency in frequency(),
        day in 0i32..700,
        hour in 0i8..24,
        minute in prop_oneof![Just(0i8), Just(15), Just(30), Just(45)],
        count in 1u16..40,
    ) {
        let first = date(2026, 1, 1).checked_add(day.days()).unwrap();
        let at = time(hour, minute, 0, 0);
        let Ok(rule) = Recurrence::new(frequency, Ends::After { count }) else {
            return Err(TestCaseError::fail("a valid rule"));
        };
        let Ok(all) = rule.occurrences(first, at, SignedDuration::from_mins(90), &zone) else {
            // Only a count that would pass the horizon is refused.
            prop_assert!(rule.dates(first) == Err(RecurrenceError::BeyondHorizon));
            return Ok(());
        };
        prop_assert_eq!(all.len(), usize::from(count));
        let horizon = first.checked_add(HORIZON_DAYS.days()).unwrap();
        for pair in all.windows(2) {
            prop_assert!(pair[0].start() < pair[1].start());
        }
        for r in &all {
            let local = r.start().to_zoned(zone.clone());
            prop_assert!(local.date() >= first && local.date() <= horizon);
            let wanted = DateTime::from_parts(local.date(), at);
            let skipped = matches!(
                zone.to_ambiguous_timestamp(wanted).offset(),
                jiff::tz::AmbiguousOffset::Gap { .. }
            );
            if skipped {
                // Skipped by the clocks: the first instant after the gap.
                prop_assert!(local.time() > at);
            } else {
                prop_assert_eq!(local.time(), at, "{} in {:?}", local, zone.iana_name());
            }
        }
    }
}
