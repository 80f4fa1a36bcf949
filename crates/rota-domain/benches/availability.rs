//! W3 availability at interactive speed: one provider and fifty providers
//! over 30 days, each with 4 breaks a week, 10 time-off ranges and 200
//! existing bookings. Run by `cargo xtask bench`.

#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use rota_domain::availability::{BusinessHours, ProviderHours, SlotRequest, slots, working_time};
use rota_domain::business::Zone;
use rota_domain::calendar::{LocalInterval, WeeklyHours};
use rota_domain::id::{BusinessId, TimeOffId};
use rota_domain::jiff::tz::TimeZone;
use rota_domain::jiff::{SignedDuration, Timestamp};
use rota_domain::time::TimeRange;
use rota_domain::time_off::{Absence, DayOfWeek, TimeOff};
use rota_domain::uuid::Uuid;

struct Provider {
    hours: WeeklyHours,
    time_off: Vec<TimeOff>,
    bookings: Vec<TimeRange>,
}

fn entry(absence: Absence) -> TimeOff {
    TimeOff {
        id: TimeOffId::from_uuid(Uuid::from_u128(1)),
        business_id: BusinessId::from_uuid(Uuid::from_u128(1)),
        provider: None,
        absence,
        note: None,
        created_at: Timestamp::UNIX_EPOCH,
    }
}

fn provider(seed: i64, start: Timestamp) -> Provider {
    let day = vec![
        LocalInterval::parse("08:00", "12:30").unwrap(),
        LocalInterval::parse("13:30", "18:00").unwrap(),
    ];
    let hours = WeeklyHours::new([
        day.clone(),
        day.clone(),
        day.clone(),
        day.clone(),
        day.clone(),
        day,
        vec![],
    ])
    .unwrap();
    let at = |minutes: i64| {
        start
            .checked_add(SignedDuration::from_mins(minutes))
            .unwrap()
    };
    let mut time_off: Vec<TimeOff> = [
        DayOfWeek::Monday,
        DayOfWeek::Tuesday,
        DayOfWeek::Thursday,
        DayOfWeek::Friday,
    ]
    .into_iter()
    .map(|weekday| {
        entry(Absence::Weekly {
            weekday,
            interval: LocalInterval::parse("10:15", "10:30").unwrap(),
        })
    })
    .collect();
    time_off.extend((0..10).map(|i| {
        let s = at((i * 3 * 24 + seed % 7) * 60 + 9 * 60);
        entry(Absence::Range {
            range: TimeRange::new(s, s.checked_add(SignedDuration::from_hours(2)).unwrap())
                .unwrap(),
        })
    }));
    // 200 one-hour bookings spread over the 30 days (about 7 a working day).
    let bookings = (0..200)
        .map(|i| {
            let day = i / 7 * 30 / 29;
            let s = at(day * 24 * 60 + 8 * 60 + (i % 7) * 75 + seed % 3 * 15);
            TimeRange::new(s, s.checked_add(SignedDuration::from_mins(60)).unwrap()).unwrap()
        })
        .collect();
    Provider {
        hours,
        time_off,
        bookings,
    }
}

fn availability(zone: &TimeZone, open: &WeeklyHours, p: &Provider, request: &SlotRequest) -> usize {
    let business = BusinessHours {
        zone,
        operating_hours: open,
        closures: &[],
    };
    let hours = ProviderHours {
        zone,
        work_hours: &p.hours,
        time_off: &p.time_off,
    };
    let working = working_time(&business, &hours, request.range);
    slots(&working, &p.bookings, request, zone).len()
}

fn bench(c: &mut Criterion) {
    let zone = Zone::parse("America/New_York").unwrap().tz().clone();
    let open = WeeklyHours::always();
    // 30 days across the 2026-03-08 spring-forward.
    let start: Timestamp = "2026-02-23T05:00:00Z".parse().unwrap();
    let range = TimeRange::new(
        start,
        start
            .checked_add(SignedDuration::from_hours(30 * 24))
            .unwrap(),
    )
    .unwrap();
    let request = SlotRequest {
        range,
        duration: SignedDuration::from_mins(45),
        step: SignedDuration::from_mins(15),
        not_before: start,
    };
    let providers: Vec<Provider> = (0..50).map(|i| provider(i, start)).collect();
    let one = availability(&zone, &open, &providers[0], &request);
    assert!(one > 100, "the scenario offers slots ({one})");

    if std::env::var("ROTA_BENCH_PARTS").is_ok() {
        let p = &providers[0];
        let business = BusinessHours {
            zone: &zone,
            operating_hours: &open,
            closures: &[],
        };
        let hours = ProviderHours {
            zone: &zone,
            work_hours: &p.hours,
            time_off: &p.time_off,
        };
        let working = working_time(&business, &hours, range);
        c.bench_function("part_working_time", |b| {
            b.iter(|| working_time(black_box(&business), &hours, range).len());
        });
        c.bench_function("part_work_expand", |b| {
            b.iter(|| p.hours.expand(black_box(&zone), range).len());
        });
        c.bench_function("part_open_expand", |b| {
            b.iter(|| open.expand(black_box(&zone), range).len());
        });
        c.bench_function("part_normalize_bookings", |b| {
            b.iter(|| rota_domain::time::normalize(black_box(p.bookings.clone())).len());
        });
        c.bench_function("part_slots", |b| {
            b.iter(|| slots(black_box(&working), &p.bookings, &request, &zone).len());
        });
    }
    c.bench_function("availability_1_provider_30_days", |b| {
        b.iter(|| availability(black_box(&zone), &open, black_box(&providers[0]), &request));
    });
    c.bench_function("availability_50_providers_30_days", |b| {
        b.iter(|| {
            providers
                .iter()
                .map(|p| availability(black_box(&zone), &open, black_box(p), &request))
                .sum::<usize>()
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
