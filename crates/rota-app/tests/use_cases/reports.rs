//! R6 reports: a known month, every figure checked exactly — bookings in
//! each status, payments and tips, new customers, and per provider the
//! booked time against the available time (work hours within operating
//! hours, less time off and closures), across the change to summer time.

#![allow(clippy::too_many_lines, reason = "a month is one story, told in order")]

use rota_app::bookings::{NewBooking, NewPayment};
use rota_app::domain::account::Text;
use rota_app::domain::booking::PaymentMethod;
use rota_app::domain::calendar::{LocalInterval, WeeklyHours, WorkCalendar};
use rota_app::domain::jiff::SignedDuration;
use rota_app::domain::money::Money;
use rota_app::domain::role::RoleSet;
use rota_app::domain::time::TimeRange;
use rota_app::domain::time_off::Absence;
use rota_app::reports::{ReportError, StatusCounts, SummaryQuery};
use rota_app::{Classify, ErrorKind};

use crate::support::{Salon, at, new_customer, salon};

/// March 2026 in Europe/London: 1 March 00:00 GMT to 1 April 00:00 BST.
fn march() -> TimeRange {
    TimeRange::new(at("2026-03-01T00:00:00Z"), at("2026-03-31T23:00:00Z")).unwrap()
}

async fn booked(s: &Salon, request: NewBooking) -> rota_app::domain::id::BookingId {
    match s
        .w
        .rota
        .create_booking(&s.owner, request, None)
        .await
        .unwrap()
    {
        rota_app::bookings::Created::New(v) => v.booking.id,
        rota_app::bookings::Created::Replayed(_) => unreachable!("no key was given"),
    }
}

fn pay(amount: i64, tip: i64) -> NewPayment {
    NewPayment {
        amount: Money::new(amount).unwrap(),
        tip: Money::new(tip).unwrap(),
        method: PaymentMethod::Card,
    }
}

#[tokio::test]
async fn r6_a_months_summary_is_exact_across_the_change_to_summer_time() {
    let s = salon().await;
    let rota = &s.w.rota;
    let owner = &s.owner;
    // Quinn works Sunday nights 00:00–03:00 in the business's zone: on
    // 29 March the clocks go forward at 01:00, so that night is two hours.
    let quinn =
        s.w.employee(
            owner,
            "quinn@salon.example",
            RoleSet::ServiceProvider,
            false,
        )
        .await;
    let nights = vec![LocalInterval::parse("00:00", "03:00").unwrap()];
    let sundays =
        WeeklyHours::new([vec![], vec![], vec![], vec![], vec![], vec![], nights]).unwrap();
    rota.set_work_calendar(
        owner,
        quinn.id,
        WorkCalendar {
            zone: None,
            hours: sundays,
        },
    )
    .await
    .unwrap();
    // Pat's 4 hours off on the 10th, and the business closed on Friday 20th.
    let dentist = Absence::Range {
        range: TimeRange::new(at("2026-03-10T09:00:00Z"), at("2026-03-10T13:00:00Z")).unwrap(),
    };
    rota.add_time_off(
        owner,
        s.provider.id,
        dentist,
        Text::parse("Dentist").unwrap(),
    )
    .await
    .unwrap();
    let friday: rota_app::domain::jiff::civil::Date = "2026-03-20".parse().unwrap();
    let holiday = Absence::Days {
        first: friday,
        last: friday,
    };
    rota.add_closure(owner, holiday, None).await.unwrap();

    // Bookings of 60 minutes at 50.00, one in each status, one after the
    // change to summer time, one of Quinn's on that short night, and one
    // the day after the month.
    let completed = booked(&s, s.request("2026-03-03T10:00:00Z")).await;
    rota.start_booking(owner, completed).await.unwrap();
    rota.complete_booking(owner, completed).await.unwrap();
    rota.record_payment(owner, completed, pay(5000, 500))
        .await
        .unwrap();
    let started = booked(&s, s.request("2026-03-04T10:00:00Z")).await;
    rota.start_booking(owner, started).await.unwrap();
    rota.record_payment(owner, started, pay(2000, 0))
        .await
        .unwrap();
    booked(&s, s.request("2026-03-05T10:00:00Z")).await;
    let cancelled = booked(&s, s.request("2026-03-06T10:00:00Z")).await;
    rota.cancel_booking(owner, cancelled).await.unwrap();
    let missed = booked(&s, s.request("2026-03-09T10:00:00Z")).await;
    rota.mark_no_show(owner, missed).await.unwrap();
    // 09:00 BST is 08:00 UTC.
    booked(&s, s.request("2026-03-30T08:00:00Z")).await;
    let mut night = s.request("2026-03-29T00:00:00Z");
    night.providers = vec![quinn.id];
    booked(&s, night).await;
    booked(&s, s.request("2026-04-01T09:00:00Z")).await;
    // Ana was added on 2 March; Cy on 31 March (BST); Dee on 1 April.
    s.w.clock.set(at("2026-03-31T22:30:00Z"));
    rota.create_customer(owner, new_customer("cy@x.example", "Cy", "New"))
        .await
        .unwrap();
    s.w.clock.set(at("2026-03-31T23:00:00Z"));
    rota.create_customer(owner, new_customer("dee@x.example", "Dee", "Later"))
        .await
        .unwrap();

    let summary = rota
        .report_summary(
            owner,
            SummaryQuery {
                range: march(),
                provider: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(summary.currency.as_str(), "GBP");
    assert_eq!(
        summary.bookings,
        StatusCounts {
            scheduled: 3,
            in_progress: 1,
            completed: 1,
            cancelled: 1,
            no_show: 1,
        }
    );
    assert_eq!(
        summary.booked_minor,
        5 * 5000,
        "scheduled, in progress and completed"
    );
    assert_eq!(summary.paid_minor, 7000);
    assert_eq!(summary.tips_minor, 500);
    assert_eq!(summary.new_customers, 2);
    let uses: Vec<_> = summary
        .providers
        .iter()
        .map(|p| (p.provider, p.booked, p.available))
        .collect();
    let hours = |h: i64| SignedDuration::from_hours(h);
    let mut expected = vec![
        // 22 weekdays of 8 hours, less 4 hours off and the closed Friday.
        (s.provider.id, hours(4), hours(22 * 8 - 4 - 8)),
        // Four Sunday nights of 3 hours and one of 2.
        (quinn.id, hours(1), hours(4 * 3 + 2)),
    ];
    expected.sort_by_key(|(id, _, _)| summary.providers.iter().position(|p| p.provider == *id));
    assert_eq!(uses, expected);

    // One provider: their bookings only, and only them.
    let quinns = rota
        .report_summary(
            owner,
            SummaryQuery {
                range: march(),
                provider: Some(quinn.id),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        quinns.bookings,
        StatusCounts {
            scheduled: 1,
            ..StatusCounts::default()
        }
    );
    assert_eq!(
        (quinns.booked_minor, quinns.paid_minor, quinns.tips_minor),
        (5000, 0, 0)
    );
    assert_eq!(quinns.providers.len(), 1);
    assert_eq!(quinns.providers[0].available, hours(14));
}

#[tokio::test]
async fn r6_reports_are_for_administrators_only() {
    let s = salon().await;
    let query = SummaryQuery {
        range: march(),
        provider: None,
    };
    let err =
        s.w.rota
            .report_summary(&s.provider, query)
            .await
            .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    let customer = rota_app::domain::actor::Actor::of(&s.customer);
    let err = s.w.rota.report_summary(&customer, query).await.unwrap_err();
    assert!(matches!(err, ReportError::Denied(_)), "{err:?}");
    // No such provider; a customer's id is no provider; a range over 367 days.
    let nobody = SummaryQuery {
        provider: Some(s.customer.id),
        ..query
    };
    let err = s.w.rota.report_summary(&s.owner, nobody).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let long = SummaryQuery {
        range: TimeRange::new(at("2026-01-01T00:00:00Z"), at("2027-01-04T00:00:00Z")).unwrap(),
        provider: None,
    };
    let err = s.w.rota.report_summary(&s.owner, long).await.unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::Invalid, "validation"));
}
