//! Reminders and provider emails (issue 19), with the clock moved by hand:
//! each reminder sent once at its time, none after a cancellation, the new
//! time after a reschedule; providers told of bookings assigned to them,
//! moved and cancelled; each kind off until the business turns it on.

use rota_app::bookings::{BookingChanges, reminder_topic};
use rota_app::domain::business::ReminderHours;
use rota_app::domain::jiff::{SignedDuration, Timestamp};
use rota_app::domain::notice::{BookingChange, Notice};
use rota_app::ports::Store;
use rota_app::settings::BusinessChanges;

use crate::support::{Salon, at, salon};

const PAT: &str = "pat@salon.example";
const ANA: &str = "ana@x.example";

/// The salon with reminders 24 h and 2 h before, and provider emails on.
async fn reminding_salon() -> Salon {
    let s = salon().await;
    s.w.rota
        .update_business(
            &s.owner,
            BusinessChanges {
                reminder_hours: Some(ReminderHours::new(vec![2, 24]).unwrap()),
                provider_emails: Some(true),
                ..BusinessChanges::default()
            },
        )
        .await
        .unwrap();
    s
}

/// Delivers what is due now, twice over (as two server processes would).
async fn deliver(s: &Salon) {
    s.w.rota.deliver_due_emails(100).await.unwrap();
    s.w.another_process().deliver_due_emails(100).await.unwrap();
}

/// The reminders delivered so far: (to, start of the booking).
fn reminders(s: &Salon) -> Vec<(String, Timestamp)> {
    s.w.mailer
        .delivered()
        .into_iter()
        .filter_map(|(to, n)| match n {
            Notice::Booking {
                change: BookingChange::Reminder,
                starts_at,
                ..
            } => Some((to.as_str().to_owned(), starts_at)),
            _ => None,
        })
        .collect()
}

/// What the providers were told so far: (to, change, start).
fn provider_notices(s: &Salon) -> Vec<(String, BookingChange, Timestamp)> {
    s.w.mailer
        .delivered()
        .into_iter()
        .filter_map(|(to, n)| match n {
            Notice::ProviderBooking {
                change, starts_at, ..
            } => Some((to.as_str().to_owned(), change, starts_at)),
            _ => None,
        })
        .collect()
}

fn set_clock(s: &Salon, to: &str) {
    use rota_app::ports::Clock;
    let now = s.w.clock.now();
    s.w.clock.advance(at(to).duration_since(now));
}

#[tokio::test]
async fn reminders_go_once_each_at_their_hour_before_the_start() {
    let s = reminding_salon().await;
    s.book(&s.owner, "2026-03-05T10:00:00Z").await.unwrap();
    let start = at("2026-03-05T10:00:00Z");
    deliver(&s).await;
    assert!(reminders(&s).is_empty(), "nothing before its time");
    assert_eq!(
        provider_notices(&s),
        vec![(PAT.to_owned(), BookingChange::Confirmed, start)],
        "Pat is told the booking is theirs"
    );

    set_clock(&s, "2026-03-04T09:59:59Z");
    deliver(&s).await;
    assert!(reminders(&s).is_empty(), "a second early is too early");
    set_clock(&s, "2026-03-04T10:00:00Z");
    deliver(&s).await;
    deliver(&s).await;
    assert_eq!(
        reminders(&s),
        vec![(ANA.to_owned(), start)],
        "24 h before, once"
    );

    set_clock(&s, "2026-03-05T08:00:00Z");
    deliver(&s).await;
    set_clock(&s, "2026-03-06T08:00:00Z");
    deliver(&s).await;
    assert_eq!(
        reminders(&s),
        vec![(ANA.to_owned(), start), (ANA.to_owned(), start)],
        "and 2 h before, once"
    );
}

#[tokio::test]
async fn a_rescheduled_booking_is_reminded_at_its_new_time_only() {
    let s = reminding_salon().await;
    let b = s.book(&s.owner, "2026-03-05T10:00:00Z").await.unwrap();
    set_clock(&s, "2026-03-03T09:00:00Z");
    let moved_to = at("2026-03-06T10:00:00Z");
    s.w.rota
        .update_booking(
            &s.owner,
            b.booking.id,
            BookingChanges {
                starts_at: Some(moved_to),
                ..BookingChanges::default()
            },
        )
        .await
        .unwrap();
    // The old 24 h and 2 h marks pass: nothing.
    set_clock(&s, "2026-03-05T09:00:00Z");
    deliver(&s).await;
    assert!(reminders(&s).is_empty(), "{:?}", reminders(&s));
    // The new ones come.
    set_clock(&s, "2026-03-06T08:00:00Z");
    deliver(&s).await;
    assert_eq!(
        reminders(&s),
        vec![(ANA.to_owned(), moved_to), (ANA.to_owned(), moved_to)]
    );
    let told: Vec<BookingChange> = provider_notices(&s)
        .into_iter()
        .map(|(_, c, _)| c)
        .collect();
    assert_eq!(told, vec![BookingChange::Confirmed, BookingChange::Changed]);
}

#[tokio::test]
async fn a_cancelled_booking_sends_no_reminder_and_tells_its_provider() {
    let s = reminding_salon().await;
    let b = s.book(&s.owner, "2026-03-05T10:00:00Z").await.unwrap();
    s.w.rota
        .cancel_booking(&s.owner, b.booking.id)
        .await
        .unwrap();
    set_clock(&s, "2026-03-07T00:00:00Z");
    deliver(&s).await;
    assert!(reminders(&s).is_empty());
    let told: Vec<BookingChange> = provider_notices(&s)
        .into_iter()
        .map(|(_, c, _)| c)
        .collect();
    assert_eq!(
        told,
        vec![BookingChange::Confirmed, BookingChange::Cancelled]
    );
    // Nothing about it is left waiting in the outbox.
    let mut tx =
        s.w.store
            .begin(rota_app::ports::TxMode::Write)
            .await
            .unwrap();
    let topic = reminder_topic(b.booking.id);
    assert_eq!(
        tx.outbox()
            .withdraw(b.booking.business_id, &topic)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_booking_made_inside_a_reminders_hour_skips_that_reminder() {
    let s = reminding_salon().await;
    // Three hours ahead: the 24 h mark has passed, the 2 h one has not.
    s.book(&s.owner, "2026-03-02T12:00:00Z").await.unwrap();
    set_clock(&s, "2026-03-02T12:00:00Z");
    deliver(&s).await;
    assert_eq!(
        reminders(&s),
        vec![(ANA.to_owned(), at("2026-03-02T12:00:00Z"))]
    );
}

#[tokio::test]
async fn both_kinds_are_off_until_the_business_turns_them_on() {
    let s = salon().await;
    s.book(&s.owner, "2026-03-05T10:00:00Z").await.unwrap();
    s.w.clock.advance(SignedDuration::from_hours(24 * 7));
    deliver(&s).await;
    assert!(reminders(&s).is_empty());
    assert!(provider_notices(&s).is_empty());
    // Refused settings change nothing.
    for bad in [vec![0], vec![73], vec![24, 24], vec![1, 2, 3, 4]] {
        assert!(ReminderHours::new(bad).is_err());
    }
}
