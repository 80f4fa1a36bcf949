//! Recurring bookings (issue 19): a series is booked whole or not at all,
//! every occurrence at the first one's wall-clock time across DST.

use proptest::prelude::*;
use rota_app::Classify;
use rota_app::bookings::{
    BookingChanges, BookingFilter, NewSeries, SeriesChanges, SeriesError, SeriesScope,
};
use rota_app::domain::booking::BookingStatus;
use rota_app::domain::jiff::civil::{date, time};
use rota_app::domain::jiff::tz::TimeZone;
use rota_app::domain::notice::{BookingChange, Notice};
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

/// Five Mondays at 10:00 London from 16 March (the clocks go forward on
/// the 29th); the salon's customer has a profile, so emails are sent.
async fn five_mondays(s: &Salon) -> Vec<rota_app::bookings::BookingView> {
    s.w.rota
        .create_series(
            &s.owner,
            NewSeries {
                first: s.request("2026-03-16T10:00:00Z"),
                recurrence: weekly(5),
                skip: vec![],
            },
        )
        .await
        .unwrap()
}

/// The customer's booking emails so far: (change, first start, repeats).
fn customer_emails(s: &Salon) -> Vec<(BookingChange, rota_app::domain::jiff::Timestamp, u32)> {
    s.w.mailer
        .delivered()
        .into_iter()
        .filter_map(|(_, n)| match n {
            Notice::Booking {
                change,
                starts_at,
                repeats,
                ..
            } => Some((change, starts_at, repeats)),
            _ => None,
        })
        .collect()
}

fn london(v: &rota_app::domain::booking::Booking) -> String {
    v.range
        .start()
        .to_zoned(TimeZone::get("Europe/London").unwrap())
        .strftime("%F %H:%M")
        .to_string()
}

#[tokio::test]
async fn a_series_is_confirmed_in_one_email_and_its_bookings_share_a_series() {
    let s = salon().await;
    let made = five_mondays(&s).await;
    let series = made[0].booking.series.expect("a series id");
    assert!(made.iter().all(|v| v.booking.series == Some(series)));
    s.w.rota.deliver_due_emails(100).await.unwrap();
    assert_eq!(
        customer_emails(&s),
        [(BookingChange::Confirmed, at("2026-03-16T10:00:00Z"), 4)]
    );
    let listed =
        s.w.rota
            .list_bookings(
                &s.owner,
                BookingFilter {
                    series: Some(series),
                    ..BookingFilter::default()
                },
                None,
                Limit::new(Some(50)).unwrap(),
            )
            .await
            .unwrap();
    assert_eq!(listed.items.len(), 5);
    // A booking made alone is in no series.
    let alone = s.book(&s.owner, "2026-03-17T10:00:00Z").await.unwrap();
    assert_eq!(alone.booking.series, None);
}

#[tokio::test]
async fn this_and_following_move_to_a_new_wall_clock_time_across_dst_and_the_earlier_stay() {
    let s = salon().await;
    let made = five_mondays(&s).await;
    s.w.rota.deliver_due_emails(100).await.unwrap();
    // From the third Monday (30 March, after the change) on: 14:00 London.
    let moved =
        s.w.rota
            .change_series(
                &s.owner,
                made[2].booking.id,
                SeriesScope::Following,
                SeriesChanges {
                    time: Some(time(14, 0, 0, 0)),
                    ..SeriesChanges::default()
                },
            )
            .await
            .unwrap();
    let shown: Vec<String> = moved.iter().map(|v| london(&v.booking)).collect();
    assert_eq!(
        shown,
        ["2026-03-30 14:00", "2026-04-06 14:00", "2026-04-13 14:00"]
    );
    let all: Vec<String> = all_bookings(&s).await.iter().map(london).collect();
    assert_eq!(
        all,
        [
            "2026-03-16 10:00",
            "2026-03-23 10:00",
            "2026-03-30 14:00",
            "2026-04-06 14:00",
            "2026-04-13 14:00"
        ]
    );
    s.w.rota.deliver_due_emails(100).await.unwrap();
    assert_eq!(
        customer_emails(&s).last(),
        Some(&(BookingChange::Changed, at("2026-03-30T13:00:00Z"), 2)),
        "one email for the three"
    );
}

#[tokio::test]
async fn a_series_change_that_meets_a_taken_time_moves_nothing_and_names_the_date() {
    let s = salon().await;
    let made = five_mondays(&s).await;
    // Someone else has 6 April 13:30 London (12:30 UTC).
    s.book(&s.owner, "2026-04-06T12:30:00Z").await.unwrap();
    let refused =
        s.w.rota
            .change_series(
                &s.owner,
                made[0].booking.id,
                SeriesScope::All,
                SeriesChanges {
                    time: Some(time(13, 0, 0, 0)),
                    ..SeriesChanges::default()
                },
            )
            .await
            .unwrap_err();
    let SeriesError::Conflicts(conflicts) = &refused else {
        panic!("{refused:?}");
    };
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].starts_at, at("2026-04-06T12:00:00Z"));
    assert_eq!(conflicts[0].code, "double_booking");
    let times: Vec<String> = all_bookings(&s)
        .await
        .iter()
        .filter(|b| b.series.is_some())
        .map(london)
        .collect();
    assert!(
        times.iter().all(|t| t.ends_with("10:00")),
        "nothing moved: {times:?}"
    );
}

#[tokio::test]
async fn one_occurrence_changes_alone_and_stays_in_its_series() {
    let s = salon().await;
    let made = five_mondays(&s).await;
    let one =
        s.w.rota
            .update_booking(
                &s.owner,
                made[1].booking.id,
                BookingChanges {
                    starts_at: Some(at("2026-03-24T10:00:00Z")),
                    ..BookingChanges::default()
                },
            )
            .await
            .unwrap();
    assert_eq!(one.booking.series, made[1].booking.series);
    s.w.rota
        .cancel_booking(&s.owner, made[3].booking.id)
        .await
        .unwrap();
    let all = all_bookings(&s).await;
    assert_eq!(
        all.iter()
            .filter(|b| b.status == BookingStatus::Cancelled)
            .count(),
        1
    );
    // The whole series still to come, later: the cancelled one stays so.
    let moved =
        s.w.rota
            .change_series(
                &s.owner,
                made[0].booking.id,
                SeriesScope::All,
                SeriesChanges {
                    time: Some(time(11, 0, 0, 0)),
                    ..SeriesChanges::default()
                },
            )
            .await
            .unwrap();
    assert_eq!(moved.len(), 4);
}

#[tokio::test]
async fn cancelling_this_and_following_or_all_cancels_those_still_to_come_in_one_email() {
    let s = salon().await;
    let made = five_mondays(&s).await;
    s.w.rota.deliver_due_emails(100).await.unwrap();
    let done =
        s.w.rota
            .cancel_series(&s.owner, made[3].booking.id, SeriesScope::Following)
            .await
            .unwrap();
    assert_eq!(done.len(), 2);
    let statuses: Vec<BookingStatus> = all_bookings(&s).await.iter().map(|b| b.status).collect();
    assert_eq!(
        statuses,
        [
            BookingStatus::Scheduled,
            BookingStatus::Scheduled,
            BookingStatus::Scheduled,
            BookingStatus::Cancelled,
            BookingStatus::Cancelled
        ]
    );
    s.w.rota.deliver_due_emails(100).await.unwrap();
    assert_eq!(
        customer_emails(&s).last(),
        Some(&(BookingChange::Cancelled, at("2026-04-06T09:00:00Z"), 1))
    );
    // Once the first Monday has passed, "all" is the two still to come.
    s.w.clock.set(at("2026-03-17T09:00:00Z"));
    let done =
        s.w.rota
            .cancel_series(&s.owner, made[0].booking.id, SeriesScope::All)
            .await
            .unwrap();
    assert_eq!(done.len(), 2);
    assert_eq!(
        all_bookings(&s).await[0].status,
        BookingStatus::Scheduled,
        "the past one is left as it was"
    );
    let again =
        s.w.rota
            .cancel_series(&s.owner, made[0].booking.id, SeriesScope::All)
            .await
            .unwrap_err();
    assert!(matches!(again, SeriesError::NothingLeft), "{again:?}");
}

#[tokio::test]
async fn customers_cancel_their_series_within_the_notice_but_move_one_date_at_a_time() {
    let s = salon().await;
    let made = five_mondays(&s).await;
    let customer = s.w.activate(&s.customer).await;
    // Customers move their own bookings while online booking is on (R10).
    s.w.rota
        .update_business(
            &s.owner,
            rota_app::settings::BusinessChanges {
                online_booking: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let refused =
        s.w.rota
            .change_series(
                &customer,
                made[0].booking.id,
                SeriesScope::All,
                SeriesChanges {
                    time: Some(time(11, 0, 0, 0)),
                    ..SeriesChanges::default()
                },
            )
            .await
            .unwrap_err();
    assert_eq!(refused.code(), "validation", "{refused:?}");
    let done =
        s.w.rota
            .cancel_series(&customer, made[0].booking.id, SeriesScope::All)
            .await
            .unwrap();
    assert_eq!(done.len(), 5);
    // A provider cannot cancel (R10), and a booking alone is in no series.
    let alone = s.book(&s.owner, "2026-03-17T10:00:00Z").await.unwrap();
    let e =
        s.w.rota
            .cancel_series(&s.owner, alone.booking.id, SeriesScope::All)
            .await
            .unwrap_err();
    assert!(matches!(e, SeriesError::NotInSeries), "{e:?}");
    let e =
        s.w.rota
            .cancel_series(&s.provider, alone.booking.id, SeriesScope::All)
            .await
            .unwrap_err();
    assert_eq!(e.code(), "forbidden", "{e:?}");
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
