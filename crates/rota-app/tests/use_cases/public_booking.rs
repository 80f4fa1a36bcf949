//! U5: booking on the public page, as a visitor without an account.

use rota_app::bookings::BookingFilter;
use rota_app::domain::id::AccountId;
use rota_app::domain::notice::Notice;
use rota_app::page::Limit;
use rota_app::public_booking::PublicBooking;
use rota_app::settings::BusinessChanges;
use rota_app::{Classify, ErrorKind};

use crate::support::{Salon, at, salon};

const MON_10: &str = "2026-03-09T10:00:00Z";

fn visitor(s: &Salon, email: &str, start: &str) -> PublicBooking {
    PublicBooking {
        business: "salon".into(),
        service: s.service.id,
        provider: None,
        starts_at: at(start),
        first_name: "Vera".into(),
        last_name: "Visitor".into(),
        email: email.into(),
        client: Some("203.0.113.7".into()),
    }
}

async fn online(s: &Salon, on: bool) {
    s.w.rota
        .update_business(
            &s.owner,
            BusinessChanges {
                online_booking: Some(on),
                ..Default::default()
            },
        )
        .await
        .unwrap();
}

async fn bookings_of(s: &Salon, customer: AccountId) -> usize {
    let filter = BookingFilter {
        customer: Some(customer),
        ..BookingFilter::default()
    };
    s.w.rota
        .list_bookings(&s.owner, filter, None, Limit::default())
        .await
        .unwrap()
        .items
        .len()
}

async fn sent_to(s: &Salon, email: &str) -> Vec<Notice> {
    s.w.rota.deliver_due_emails(100).await.unwrap();
    s.w.mailer
        .delivered()
        .into_iter()
        .filter(|(to, _)| to.as_str() == email)
        .map(|(_, n)| n)
        .collect()
}

async fn customer_id(s: &Salon, email: &str) -> Option<AccountId> {
    s.w.rota
        .list_customers(&s.owner, Some(email.to_owned()), None, Limit::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|a| a.email.as_str() == email)
        .map(|a| a.id)
}

#[tokio::test]
async fn u5_a_visitor_is_booked_as_a_new_customer_and_invited_to_the_portal() {
    let s = salon().await;
    online(&s, true).await;
    s.w.rota
        .book_publicly(visitor(&s, "vera@x.example", MON_10))
        .await
        .unwrap();
    let vera = customer_id(&s, "vera@x.example")
        .await
        .expect("a new customer");
    assert_eq!(bookings_of(&s, vera).await, 1);
    let sent = sent_to(&s, "vera@x.example").await;
    assert!(
        sent.iter().any(|n| matches!(n, Notice::Booking { .. })),
        "{sent:?}"
    );
    assert!(
        sent.iter()
            .any(|n| matches!(n, Notice::Invitation { portal: true, .. })),
        "a link to set a portal password: {sent:?}"
    );
}

#[tokio::test]
async fn u5_a_known_email_books_for_that_customer_and_the_answer_is_the_same() {
    let s = salon().await;
    online(&s, true).await;
    s.w.rota
        .book_publicly(visitor(&s, "ANA@x.example", MON_10))
        .await
        .unwrap();
    assert_eq!(
        bookings_of(&s, s.customer.id).await,
        1,
        "Ana's, matched by email"
    );
    assert_eq!(
        customer_id(&s, "ana@x.example").await,
        Some(s.customer.id),
        "no second account"
    );
}

#[tokio::test]
async fn u5_a_team_address_gets_no_booking_and_an_email_saying_so() {
    let s = salon().await;
    online(&s, true).await;
    s.w.rota
        .book_publicly(visitor(&s, "pat@salon.example", MON_10))
        .await
        .unwrap();
    let all =
        s.w.rota
            .list_bookings(&s.owner, BookingFilter::default(), None, Limit::default())
            .await
            .unwrap();
    assert!(all.items.is_empty(), "nobody booked");
    let sent = sent_to(&s, "pat@salon.example").await;
    assert!(
        matches!(sent.last(), Some(Notice::BookedWithTeamAddress { .. })),
        "{sent:?}"
    );
}

#[tokio::test]
async fn u5_no_page_while_online_booking_is_off_or_for_an_unknown_business() {
    let s = salon().await;
    let err =
        s.w.rota
            .book_publicly(visitor(&s, "vera@x.example", MON_10))
            .await
            .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "online booking is off");
    online(&s, true).await;
    let mut elsewhere = visitor(&s, "vera@x.example", MON_10);
    elsewhere.business = "nowhere".into();
    let err = s.w.rota.book_publicly(elsewhere).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(
        customer_id(&s, "vera@x.example").await,
        None,
        "nothing made"
    );
}

#[tokio::test]
async fn u5_b10_only_an_offered_time_and_only_sensible_names() {
    let s = salon().await;
    online(&s, true).await;
    let err =
        s.w.rota
            .book_publicly(visitor(&s, "vera@x.example", "2026-03-09T03:00:00Z"))
            .await
            .unwrap_err();
    assert_eq!(err.code(), "not_available");
    assert!(
        sent_to(&s, "vera@x.example").await.is_empty(),
        "no invitation for a booking not made"
    );
    let mut nameless = visitor(&s, "vera@x.example", MON_10);
    nameless.first_name = "  ".into();
    let err = s.w.rota.book_publicly(nameless).await.unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::Invalid, "validation"));
    assert!(err.to_string().starts_with("first_name"), "{err}");
    let mut bad = visitor(&s, "not an email", MON_10);
    bad.client = None;
    let err = s.w.rota.book_publicly(bad).await.unwrap_err();
    assert!(err.to_string().starts_with("email"), "{err}");
}

#[tokio::test]
async fn u5_a11_a_handful_per_client_address_and_a_few_per_email() {
    let s = salon().await;
    online(&s, true).await;
    // Per client: five an hour, whatever the emails.
    let starts = [
        "2026-03-09T09:00:00Z",
        "2026-03-09T10:00:00Z",
        "2026-03-09T11:00:00Z",
        "2026-03-09T12:00:00Z",
        "2026-03-09T13:00:00Z",
        "2026-03-09T14:00:00Z",
    ];
    for (n, start) in starts.iter().enumerate() {
        let result =
            s.w.rota
                .book_publicly(visitor(&s, &format!("v{n}@x.example"), start))
                .await;
        if n < 5 {
            result.unwrap();
        } else {
            let err = result.unwrap_err();
            assert_eq!(
                (err.kind(), err.code()),
                (ErrorKind::TooManyRequests, "too_many_attempts")
            );
            assert_eq!(customer_id(&s, "v5@x.example").await, None, "nothing made");
        }
    }
    // Per email, from anywhere: three an hour.
    for n in 0..4 {
        let mut again = visitor(&s, "inbox@x.example", starts[0]);
        again.client = Some(format!("198.51.100.{n}"));
        let err = s.w.rota.book_publicly(again).await.unwrap_err();
        let expected = if n < 3 {
            "not_available"
        } else {
            "too_many_attempts"
        };
        assert_eq!(err.code(), expected, "attempt {n}");
    }
    // An hour later, a visitor may book again.
    s.w.clock.set(at("2026-03-02T10:00:01Z"));
    s.w.rota
        .book_publicly(visitor(&s, "later@x.example", "2026-03-10T09:00:00Z"))
        .await
        .unwrap();
}
