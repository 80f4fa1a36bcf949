//! W3 availability: examples and properties.

use jiff::civil::{Time, date};
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::business::Zone;
use crate::calendar::LocalInterval;
use crate::id::{BusinessId, TimeOffId};
use crate::time_off::{Absence, DayOfWeek};

fn tz(name: &str) -> TimeZone {
    Zone::parse(name).unwrap().tz().clone()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn range(a: &str, b: &str) -> TimeRange {
    TimeRange::new(ts(a), ts(b)).unwrap()
}

fn weekdays(list: &[LocalInterval]) -> WeeklyHours {
    let mut days: [Vec<LocalInterval>; 7] = Default::default();
    for d in days.iter_mut().take(5) {
        *d = list.to_vec();
    }
    WeeklyHours::new(days).unwrap()
}

fn off(absence: Absence) -> TimeOff {
    TimeOff {
        id: TimeOffId::from_uuid(Uuid::from_u128(1)),
        business_id: BusinessId::from_uuid(Uuid::from_u128(2)),
        provider: None,
        absence,
        note: None,
        created_at: Timestamp::UNIX_EPOCH,
    }
}

fn request(r: TimeRange, minutes: i64) -> SlotRequest {
    SlotRequest {
        range: r,
        duration: SignedDuration::from_mins(minutes),
        step: SignedDuration::from_mins(15),
        not_before: Timestamp::MIN,
    }
}

#[test]
fn w3_availability_is_operating_and_work_hours_minus_breaks_and_bookings() {
    let london = tz("Europe/London");
    let open = weekdays(&[LocalInterval::parse("08:00", "18:00").unwrap()]);
    let work = weekdays(&[
        LocalInterval::parse("09:00", "12:00").unwrap(),
        LocalInterval::parse("13:00", "19:00").unwrap(),
    ]);
    let lunch_walk = [off(Absence::Weekly {
        weekday: DayOfWeek::Monday,
        interval: LocalInterval::parse("14:00", "15:00").unwrap(),
    })];
    let business = BusinessHours {
        zone: &london,
        operating_hours: &open,
        closures: &[],
    };
    let provider = ProviderHours {
        zone: &london,
        work_hours: &work,
        time_off: &lunch_walk,
    };
    // Monday 2026-01-05, GMT = UTC.
    let day = range("2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z");
    let working = working_time(&business, &provider, day);
    assert_eq!(
        working,
        vec![
            range("2026-01-05T09:00:00Z", "2026-01-05T12:00:00Z"),
            range("2026-01-05T13:00:00Z", "2026-01-05T14:00:00Z"),
            range("2026-01-05T15:00:00Z", "2026-01-05T18:00:00Z"),
        ]
    );
    let booked = [range("2026-01-05T09:30:00Z", "2026-01-05T10:30:00Z")];
    let got = slots(&working, &booked, &request(day, 60), &london);
    let starts: Vec<String> = got.iter().map(|s| s.start().to_string()).collect();
    assert_eq!(
        starts,
        [
            "2026-01-05T10:30:00Z",
            "2026-01-05T10:45:00Z",
            "2026-01-05T11:00:00Z",
            "2026-01-05T13:00:00Z",
            "2026-01-05T15:00:00Z",
            "2026-01-05T15:15:00Z",
            "2026-01-05T15:30:00Z",
            "2026-01-05T15:45:00Z",
            "2026-01-05T16:00:00Z",
            "2026-01-05T16:15:00Z",
            "2026-01-05T16:30:00Z",
            "2026-01-05T16:45:00Z",
            "2026-01-05T17:00:00Z",
        ]
    );
}

#[test]
fn w3_business_closures_and_minimum_notice_apply() {
    let ny = tz("America/New_York");
    let always = WeeklyHours::always();
    let work = weekdays(&[LocalInterval::parse("09:00", "17:00").unwrap()]);
    let holiday = [off(Absence::Days {
        first: date(2026, 1, 6),
        last: date(2026, 1, 6),
    })];
    let business = BusinessHours {
        zone: &ny,
        operating_hours: &always,
        closures: &holiday,
    };
    let provider = ProviderHours {
        zone: &ny,
        work_hours: &work,
        time_off: &[],
    };
    let two_days = range("2026-01-05T05:00:00Z", "2026-01-07T05:00:00Z");
    let working = working_time(&business, &provider, two_days);
    assert_eq!(
        working,
        vec![range("2026-01-05T14:00:00Z", "2026-01-05T22:00:00Z")]
    );
    let mut req = request(two_days, 30);
    req.not_before = ts("2026-01-05T20:07:00Z");
    let got = slots(&working, &[], &req, &ny);
    assert_eq!(
        got.first().unwrap().start(),
        ts("2026-01-05T20:15:00Z"),
        "rounded up to the step"
    );
    assert_eq!(got.last().unwrap().end(), ts("2026-01-05T22:00:00Z"));
}

#[test]
fn w3_slots_keep_to_the_wall_clock_across_a_half_hour_clock_change() {
    // Lord Howe Island moves its clocks from 02:00 to 02:30 on the first
    // Sunday of October (UTC+10:30 to UTC+11:00).
    let lhi = tz("Australia/Lord_Howe");
    let always = WeeklyHours::always();
    let business = BusinessHours {
        zone: &lhi,
        operating_hours: &always,
        closures: &[],
    };
    let provider = ProviderHours {
        zone: &lhi,
        work_hours: &always,
        time_off: &[],
    };
    // Local 2026-10-04 00:00 (+10:30) to 06:00 (+11:00).
    let night = range("2026-10-03T13:30:00Z", "2026-10-03T19:00:00Z");
    let mut hourly = request(night, 30);
    hourly.step = SignedDuration::from_mins(60);
    let got = slots(
        &working_time(&business, &provider, night),
        &[],
        &hourly,
        &lhi,
    );
    let local: Vec<Time> = got
        .iter()
        .map(|s| s.start().to_zoned(lhi.clone()).time())
        .collect();
    let on_the_hour = |h| Time::constant(h, 0, 0, 0);
    assert_eq!(
        local,
        [0, 1, 3, 4, 5].map(on_the_hour),
        "on the hour before and after the change, none at 02:00 (it does not exist)"
    );
}

#[test]
fn w3_slots_align_to_the_local_clock_in_half_hour_zones() {
    // Kathmandu is UTC+05:45: local 09:00 is 03:15Z.
    let ktm = tz("Asia/Kathmandu");
    let work = WeeklyHours::new(std::array::from_fn(|_| {
        vec![LocalInterval::parse("09:00", "10:00").unwrap()]
    }))
    .unwrap();
    let always = WeeklyHours::always();
    let business = BusinessHours {
        zone: &ktm,
        operating_hours: &always,
        closures: &[],
    };
    let provider = ProviderHours {
        zone: &ktm,
        work_hours: &work,
        time_off: &[],
    };
    let day = range("2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z");
    let got = slots(
        &working_time(&business, &provider, day),
        &[],
        &request(day, 30),
        &ktm,
    );
    let local: Vec<Time> = got
        .iter()
        .map(|s| s.start().to_zoned(ktm.clone()).time())
        .collect();
    assert_eq!(
        local,
        [
            Time::constant(9, 0, 0, 0),
            Time::constant(9, 15, 0, 0),
            Time::constant(9, 30, 0, 0)
        ]
    );
}

#[test]
fn w3_no_slot_in_the_missing_hour_of_spring_forward() {
    let ny = tz("America/New_York");
    let work = WeeklyHours::new(std::array::from_fn(|_| {
        vec![LocalInterval::parse("01:00", "04:00").unwrap()]
    }))
    .unwrap();
    let always = WeeklyHours::always();
    let business = BusinessHours {
        zone: &ny,
        operating_hours: &always,
        closures: &[],
    };
    let provider = ProviderHours {
        zone: &ny,
        work_hours: &work,
        time_off: &[],
    };
    let day = range("2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z");
    let got = slots(
        &working_time(&business, &provider, day),
        &[],
        &request(day, 60),
        &ny,
    );
    let local: Vec<String> = got
        .iter()
        .map(|s| s.start().to_zoned(ny.clone()).strftime("%H:%M").to_string())
        .collect();
    // 01:00, 01:15…, then 03:00 EDT onwards; nothing at 02:xx.
    assert!(local.iter().all(|t| !t.starts_with("02:")), "{local:?}");
    assert_eq!(local.first().map(String::as_str), Some("01:00"));
    assert_eq!(local.last().map(String::as_str), Some("03:00"));
}

/// Random weekly hours (non-overlapping by construction), breaks, time off
/// and bookings over one week in a DST zone.
#[derive(Debug, Clone)]
struct Case {
    work: Vec<(u8, u8, u8)>,
    open: Vec<(u8, u8, u8)>,
    breaks: Vec<(u8, u8, u8)>,
    absences: Vec<(i64, i64)>,
    bookings: Vec<(i64, i64)>,
    duration: i64,
    zone: &'static str,
}

fn hours_of(spec: &[(u8, u8, u8)]) -> WeeklyHours {
    // One interval per weekday at most: (weekday, start hour, length hours).
    let mut days: [Vec<LocalInterval>; 7] = Default::default();
    for (d, start, len) in spec {
        let end = (start + len).min(23);
        if end > *start && days[usize::from(*d)].is_empty() {
            let t = |h: u8| Time::new(i8::try_from(h).unwrap(), 0, 0, 0).unwrap();
            days[usize::from(*d)].push(LocalInterval::new(t(*start), t(end)));
        }
    }
    WeeklyHours::new(days).unwrap()
}

fn case() -> impl Strategy<Value = Case> {
    let day = (0u8..7, 0u8..20, 1u8..12);
    (
        proptest::collection::vec(day.clone(), 0..7),
        proptest::collection::vec(day.clone(), 0..7),
        proptest::collection::vec((0u8..7, 8u8..18, 1u8..3), 0..4),
        proptest::collection::vec((0i64..7 * 24 * 60, 15i64..600), 0..4),
        proptest::collection::vec((0i64..7 * 24 * 60, 15i64..240), 0..12),
        prop_oneof![Just(15i64), Just(30), Just(45), Just(60), Just(90)],
        prop_oneof![
            Just("America/New_York"),
            Just("Europe/London"),
            Just("Australia/Lord_Howe"),
            Just("UTC")
        ],
    )
        .prop_map(
            |(work, open, breaks, absences, bookings, duration, zone)| Case {
                work,
                open,
                breaks,
                absences,
                bookings,
                duration,
                zone,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// W3: no slot outside operating ∩ work hours, inside non-working hours,
    /// over an active booking, or shorter than the duration; every slot can
    /// be booked (B4, B5), and once booked it is no longer offered.
    #[test]
    fn w3_slots_are_always_bookable(c in case()) {
        let zone = tz(c.zone);
        // The week of the New York spring-forward, 2026-03-08.
        let week_start = ts("2026-03-05T00:00:00Z");
        let at = |m: i64| week_start.checked_add(SignedDuration::from_mins(m)).unwrap();
        let week = TimeRange::new(week_start, at(7 * 24 * 60)).unwrap();
        let work = hours_of(&c.work);
        let open = hours_of(&c.open);
        let mut time_off: Vec<TimeOff> = c.breaks.iter().map(|(d, s, l)| {
            let t = |h: u8| Time::new(i8::try_from(h).unwrap(), 0, 0, 0).unwrap();
            let weekday = [DayOfWeek::Monday, DayOfWeek::Tuesday, DayOfWeek::Wednesday, DayOfWeek::Thursday,
                DayOfWeek::Friday, DayOfWeek::Saturday, DayOfWeek::Sunday][usize::from(*d)];
            off(Absence::Weekly { weekday, interval: LocalInterval::new(t(*s), t(s + l)) })
        }).collect();
        time_off.extend(c.absences.iter().map(|(s, l)| off(Absence::Range { range: TimeRange::new(at(*s), at(s + l)).unwrap() })));
        let business = BusinessHours { zone: &zone, operating_hours: &open, closures: &[] };
        let provider = ProviderHours { zone: &zone, work_hours: &work, time_off: &time_off };
        let mut busy: Vec<TimeRange> = c.bookings.iter().map(|(s, l)| TimeRange::new(at(*s), at(s + l)).unwrap()).collect();

        let working = working_time(&business, &provider, week);
        let req = request(week, c.duration);
        let got = slots(&working, &busy, &req, &zone);

        let open_i = open.expand(&zone, week);
        let work_i = work.expand(&zone, week);
        let off_i: Vec<TimeRange> = normalize(time_off.iter().flat_map(|t| t.absence.expand(&zone, week)).collect());
        for s in &got {
            prop_assert_eq!(s.duration(), req.duration, "shorter than the duration");
            prop_assert!(open_i.iter().any(|o| o.contains(s)), "outside operating hours: {:?}", s);
            prop_assert!(work_i.iter().any(|w| w.contains(s)), "outside work hours: {:?}", s);
            prop_assert!(!off_i.iter().any(|o| o.overlaps(s)), "inside non-working hours: {:?}", s);
            prop_assert!(!busy.iter().any(|b| b.overlaps(s)), "over a booking: {:?}", s);
            prop_assert!(within_working_time(&business, &provider, *s), "B5 would refuse {:?}", s);
        }
        if let Some(first) = got.first().copied() {
            busy.push(first);
            let after = slots(&working, &busy, &req, &zone);
            prop_assert!(!after.contains(&first));
            prop_assert!(!after.iter().any(|s| s.overlaps(&first)));
        }
    }
}
