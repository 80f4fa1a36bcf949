//! W4: calendar feeds.

use rota_app::bookings::BookingChanges;
use rota_app::domain::booking::BookingStatus;
use rota_app::domain::time_off::Absence;
use rota_app::feeds::FeedError;

use crate::support::{at, salon};

#[tokio::test]
async fn w4_a_feed_shows_bookings_with_least_customer_data_and_time_off_as_busy() {
    let s = salon().await;
    let rota = &s.w.rota;
    let kept = s.book(&s.owner, "2026-03-03T10:00:00Z").await.unwrap();
    let moved = s.book(&s.owner, "2026-03-04T10:00:00Z").await.unwrap();
    let dropped = s.book(&s.owner, "2026-03-05T10:00:00Z").await.unwrap();
    rota.update_booking(
        &s.owner,
        moved.booking.id,
        BookingChanges {
            starts_at: Some(at("2026-03-04T13:00:00Z")),
            ends_at: Some(at("2026-03-04T14:00:00Z")),
            providers: None,
            notes: None,
            allow_outside_work_hours: false,
        },
    )
    .await
    .unwrap();
    rota.cancel_booking(&s.owner, dropped.booking.id)
        .await
        .unwrap();
    let day = "2026-03-10".parse().unwrap();
    let off = Absence::Days {
        first: day,
        last: day,
    };
    rota.add_time_off(&s.owner, s.provider.id, off, None)
        .await
        .unwrap();

    // The provider makes their own feed URL.
    let token = rota
        .rotate_calendar_feed(&s.provider, s.provider.id)
        .await
        .unwrap();
    let feed = rota.calendar_feed(&token).await.unwrap();
    assert_eq!(feed.employee.id, s.provider.id);
    let find = |id| feed.bookings.iter().find(|b| b.booking.id == id).unwrap();
    assert_eq!(
        find(kept.booking.id).title,
        "Haircut — Ana S.",
        "least customer data"
    );
    assert!(
        find(moved.booking.id).booking.sequence > find(kept.booking.id).booking.sequence,
        "SEQUENCE bumps on change"
    );
    assert_eq!(
        find(dropped.booking.id).booking.status,
        BookingStatus::Cancelled
    );
    assert_eq!(
        feed.busy.len(),
        1,
        "the day off is one busy block: {:?}",
        feed.busy
    );
    assert_eq!(feed.busy[0].start(), at("2026-03-10T00:00:00Z"));

    // Rotating voids the old URL; a customer may not make one.
    let again = rota
        .rotate_calendar_feed(&s.owner, s.provider.id)
        .await
        .unwrap();
    assert!(matches!(
        rota.calendar_feed(&token).await,
        Err(FeedError::NotFound)
    ));
    rota.calendar_feed(&again).await.unwrap();
    let customer = rota_app::domain::actor::Actor::of(&s.customer);
    assert!(
        rota.rotate_calendar_feed(&customer, s.provider.id)
            .await
            .is_err()
    );
    // A deactivated employee's feed goes dark.
    rota.deactivate_employee(&s.owner, s.provider.id)
        .await
        .unwrap();
    assert!(matches!(
        rota.calendar_feed(&again).await,
        Err(FeedError::NotFound)
    ));
}

#[tokio::test]
async fn a8_the_customer_is_emailed_on_booking_change_and_cancellation_but_not_on_a_refusal() {
    use rota_app::domain::notice::{BookingChange, Notice};
    let s = salon().await;
    let rota = &s.w.rota;
    let b = s.book(&s.owner, "2026-03-03T10:00:00Z").await.unwrap();
    assert!(
        s.book(&s.owner, "2026-03-03T10:30:00Z").await.is_err(),
        "a double booking"
    );
    rota.update_booking(
        &s.owner,
        b.booking.id,
        BookingChanges {
            starts_at: Some(at("2026-03-03T14:00:00Z")),
            ends_at: None,
            providers: None,
            notes: None,
            allow_outside_work_hours: false,
        },
    )
    .await
    .unwrap();
    rota.cancel_booking(&s.owner, b.booking.id).await.unwrap();
    rota.deliver_due_emails(50).await.unwrap();
    let changes: Vec<(BookingChange, String)> =
        s.w.mailer
            .delivered()
            .into_iter()
            .filter_map(|(to, n)| match n {
                Notice::Booking {
                    change, customer, ..
                } => {
                    assert_eq!(to.as_str(), "ana@x.example");
                    Some((change, customer))
                }
                _ => None,
            })
            .collect();
    assert_eq!(
        changes,
        vec![
            (BookingChange::Confirmed, "Ana Smith".to_owned()),
            (BookingChange::Changed, "Ana Smith".to_owned()),
            (BookingChange::Cancelled, "Ana Smith".to_owned()),
        ]
    );
}
