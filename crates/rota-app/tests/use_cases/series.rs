//! Recurring bookings (issue 19): a series is booked whole or not at all,
//! every occurrence at the first one's wall-clock time across DST.

use proptest::prelude::*;
use rota_app::bookings::{BookingFilter, NewSeries, SeriesError};
use rota_app::domain::jiff::civil::date;
use rota_app::domain::jiff::tz::TimeZone;
use rota_app::domain::recurrence::{Ends, Frequency, Recurrence};
use rota_app::page::Limit;

use crate::support::{Salon, at, salon};

fn weekly(count: u16) -> Recurrence {
    Recurrence::new(Frequency::Weekly { every: 1 }, Ends::After { count }).unwrap()
}

async fn all_bookings(s: &Salon) -> Vec<rota_app::domain::booking::Booking> {
    s.w.rota
        .list_bookings(
            &s.owner,
            BookingFilter::default(),
            None,
            Limit::new(Some(200)).unwrap(),
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|v| v.booking)
        .collect()
}

#[tokio::test]
async fn a_series_is_booked_whole_at_one_wall_clock_time_across_dst() {
    let s = salon().await;
    // Mondays at 10:00 London from 16 March; the clocks go forward on the 29th.
    let made =
        s.w.rota
            .create_series(
                &s.owner,
                NewSeries {
                    first: s.request("2026-03-16T10:00:00Z"),
                    recurrence: weekly(4),
                    skip: vec![],
                },
            )
            .await
            .unwrap();
    let london = TimeZone::get("Europe/London").unwrap();
    let local: Vec<String> = made
        .iter()
        .map(|v| {
            v.booking
                .range
                .start()
                .to_zoned(london.clone())
                .strftime("%F %H:%M")
                .to_string()
        })
        .collect();
    assert_eq!(
        local,
        [
            "2026-03-16 10:00",
            "2026-03-23 10:00",
            "2026-03-30 10:00",
            "2026-04-06 10:00"
        ]
    );
    assert_eq!(
        made[2].booking.range.start(),
        at("2026-03-30T09:00:00Z"),
        "BST in UTC"
    );
    assert_eq!(all_bookings(&s).await.len(), 4);
}

#[tokio::test]
async fn a_refused_series_names_each_date_and_books_nothing_until_they_are_skipped() {
    let s = salon().await;
    s.book(&s.owner, "2026-03-23T10:30:00Z").await.unwrap();
    let series = |skip| NewSeries {
        first: s.request("2026-03-16T10:00:00Z"),
        // Four Mondays; the 23rd's 10:00–11:00 is taken by the 10:30.
        recurrence: weekly(4),
        skip,
    };
    let refused =
        s.w.rota
            .create_series(&s.owner, series(vec![]))
            .await
            .unwrap_err();
    let SeriesError::Conflicts(conflicts) = &refused else {
        panic!("{refused:?}");
    };
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].starts_at, at("2026-03-23T10:00:00Z"));
    assert_eq!(conflicts[0].code, "double_booking");
    assert_eq!(
        all_bookings(&s).await.len(),
        1,
        "nothing of the series was booked"
    );
    // Skipping the refused date books the rest.
    let made =
        s.w.rota
            .create_series(&s.owner, series(vec![date(2026, 3, 23)]))
            .await
            .unwrap();
    assert_eq!(made.len(), 3);
    assert_eq!(all_bookings(&s).await.len(), 4);
}

#[tokio::test]
async fn every_date_outside_work_hours_is_named_too() {
    let s = salon().await;
    // Daily at 16:30 for an hour: the weekend's two days are outside Pat's
    // hours (weekdays 09:00–17:00), and so is every weekday (it ends at 17:30).
    let refused = s
        .w
        .rota
        .create_series(
            &s.owner,
            NewSeries {
                first: s.request("2026-03-16T16:30:00Z"),
                recurrence: Recurrence::new(Frequency::Daily, Ends::After { count: 7 }).unwrap(),
                skip: vec![],
            },
        )
        .await
        .unwrap_err();
    let SeriesError::Conflicts(conflicts) = refused else {
        panic!("{refused:?}");
    };
    assert_eq!(conflicts.len(), 7);
    assert!(
        conflicts.iter().all(|c| c.code == "outside_work_hours"),
        "{conflicts:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// A created series never overlaps any active booking of its provider,
    /// and a refused one creates nothing.
    #[test]
    fn a_series_is_whole_and_clear_or_nothing(
        existing in proptest::collection::vec((0i64..20, 0i64..8), 0..6),
        first_day in 0i64..5,
        hour in 9i64..16,
        count in 1u16..6,
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let s = salon().await;
            for (day, slot) in existing {
                // Weekdays of the three weeks from 16 March, at 09:00 + slot hours.
                let d = date(2026, 3, 16).checked_add(rota_app::domain::jiff::Span::new().days((day / 5) * 7 + day % 5)).unwrap();
                let start = format!("{d}T{:02}:00:00Z", 9 + slot);
                let _ = s.book(&s.owner, &start).await;
            }
            let before = all_bookings(&s).await;
            let d = date(2026, 3, 16).checked_add(rota_app::domain::jiff::Span::new().days(first_day)).unwrap();
            let first = s.request(&format!("{d}T{hour:02}:00:00Z"));
            let outcome = s.w.rota.create_series(&s.owner, NewSeries { first, recurrence: weekly(count), skip: vec![] }).await;
            let after = all_bookings(&s).await;
            match outcome {
                Ok(made) => {
                    prop_assert_eq!(after.len(), before.len() + made.len());
                    for (i, a) in after.iter().enumerate() {
                        for b in &after[i + 1..] {
                            prop_assert!(!a.clashes_with(s.provider.id, b), "{:?} and {:?}", a.range, b.range);
                        }
                    }
                }
                Err(SeriesError::Conflicts(c)) => {
                    prop_assert!(!c.is_empty());
                    prop_assert_eq!(after, before, "a refused series books nothing");
                }
                Err(e) => prop_assert!(false, "{e:?}"),
            }
            Ok(())
        })?;
    }
}
