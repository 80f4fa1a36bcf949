//! Two-way calendar sync (issue 19) on a calendar server in memory: a
//! linked calendar is checked first and its password kept sealed; bookings
//! go into it through the outbox, move and leave with their booking, are
//! written once however often delivery runs, and arrive after an outage;
//! the calendar's own events keep customers off those times.

use std::sync::Arc;

use rota_app::availability::AvailabilityQuery;
use rota_app::bookings::BookingChanges;
use rota_app::calendar_sync::{NewCalendarLink, REFRESH_EVERY};
use rota_app::domain::jiff::SignedDuration;
use rota_app::domain::time::TimeRange;
use rota_app::ports::{Store, TxMode};
use rota_app::secrecy::SecretString;
use rota_app::testing::{FakeCalendar, ReversingVault};
use rota_app::{Classify, Rota};

use crate::support::{Salon, at, salon};

const URL: &str = "https://dav.example/calendars/pat/work/";

fn link(password: &str) -> NewCalendarLink {
    NewCalendarLink {
        url: URL.into(),
        username: "pat".into(),
        password: SecretString::from(password.to_owned()),
    }
}

fn syncing(s: &Salon, calendar: &Arc<FakeCalendar>) -> Rota {
    s.w.rota
        .clone()
        .with_calendar_sync(calendar.clone(), Arc::new(ReversingVault))
}

/// Delivers what is due, twice over (as two server processes would).
async fn deliver(rota: &Rota) {
    rota.deliver_due_emails(100).await.unwrap();
    rota.deliver_due_emails(100).await.unwrap();
}

fn range(from: &str, to: &str) -> TimeRange {
    TimeRange::new(at(from), at(to)).unwrap()
}

#[tokio::test]
async fn a_calendar_is_read_before_it_is_linked_and_its_password_kept_sealed() {
    let s = salon().await;
    let calendar = Arc::new(FakeCalendar::taking("app-password"));
    let rota = syncing(&s, &calendar);

    let refused = rota
        .link_calendar(&s.provider, s.provider.id, link("wrong"))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "calendar_refused");
    calendar.set_down(true);
    let down = rota
        .link_calendar(&s.provider, s.provider.id, link("app-password"))
        .await
        .unwrap_err();
    assert_eq!(down.code(), "calendar_unreachable");
    calendar.set_down(false);
    let mut plain = link("app-password");
    plain.url = "http://dav.example/pat/".into();
    assert_eq!(
        rota.link_calendar(&s.provider, s.provider.id, plain)
            .await
            .unwrap_err()
            .code(),
        "validation"
    );
    assert_eq!(
        rota.linked_calendar(&s.provider, s.provider.id)
            .await
            .unwrap(),
        None,
        "nothing refused was kept"
    );

    let linked = rota
        .link_calendar(&s.provider, s.provider.id, link("app-password"))
        .await
        .unwrap();
    assert_eq!(linked.url, URL);
    assert_eq!(linked.busy_read_at, Some(at("2026-03-02T09:00:00Z")));
    let mut tx = s.w.store.begin(TxMode::ReadOnce).await.unwrap();
    let stored = tx
        .calendar_links()
        .link(s.owner.business, s.provider.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.sealed_password, "reversed:drowssap-ppa");
    drop(tx);

    // Another provider may not link or read Pat's; a server without
    // calendar sync says so.
    let other =
        s.w.employee(
            &s.owner,
            "sam@salon.example",
            rota_app::domain::role::RoleSet::ServiceProvider,
            false,
        )
        .await;
    assert_eq!(
        rota.linked_calendar(&other, s.provider.id)
            .await
            .unwrap_err()
            .code(),
        "forbidden"
    );
    assert_eq!(
        s.w.rota
            .link_calendar(&s.provider, s.provider.id, link("app-password"))
            .await
            .unwrap_err()
            .code(),
        "calendar_sync_off"
    );
    assert!(rota.unlink_calendar(&s.owner, s.provider.id).await.unwrap());
    assert_eq!(
        rota.linked_calendar(&s.provider, s.provider.id)
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
#[allow(
    clippy::too_many_lines,
    reason = "one story: written, moved, down, back"
)]
async fn a_booking_is_written_once_moves_and_leaves_with_its_booking_even_after_an_outage() {
    let s = salon().await;
    let calendar = Arc::new(FakeCalendar::taking("app-password"));
    let rota = syncing(&s, &calendar);
    // Booked before the link: written when the calendar is linked.
    let early = s
        .book(&s.owner, "2026-03-03T09:00:00Z")
        .await
        .unwrap()
        .booking;
    rota.link_calendar(&s.provider, s.provider.id, link("app-password"))
        .await
        .unwrap();
    let later = match rota
        .create_booking(&s.owner, s.request("2026-03-04T10:00:00Z"), None)
        .await
        .unwrap()
    {
        rota_app::bookings::Created::New(v) => v.booking,
        rota_app::bookings::Created::Replayed(_) => unreachable!(),
    };
    deliver(&rota).await;
    let events = calendar.events(URL);
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(
        events
            .iter()
            .any(|e| e.uid == format!("booking-{}@rota", early.id))
    );
    let written = events
        .iter()
        .find(|e| e.uid == format!("booking-{}@rota", later.id))
        .unwrap();
    assert_eq!(written.range, later.range);
    assert_eq!(written.summary, "Haircut — Ana S.");
    assert_eq!(calendar.writes(), 2, "each written once");
    deliver(&rota).await;
    assert_eq!(calendar.writes(), 2, "delivered again: nothing more");

    // Moved: the same event, at the new time.
    rota.update_booking(
        &s.owner,
        later.id,
        BookingChanges {
            starts_at: Some(at("2026-03-04T13:00:00Z")),
            ..BookingChanges::default()
        },
    )
    .await
    .unwrap();
    deliver(&rota).await;
    let moved = calendar.events(URL);
    assert_eq!(moved.len(), 2);
    let moved = moved
        .iter()
        .find(|e| e.uid == format!("booking-{}@rota", later.id))
        .unwrap();
    assert_eq!(
        moved.range,
        range("2026-03-04T13:00:00Z", "2026-03-04T14:00:00Z")
    );
    assert!(moved.sequence > written.sequence);

    // The calendar is down while the booking moves twice and is cancelled:
    // nothing is lost, and once it is back the event simply goes.
    calendar.set_down(true);
    for start in ["2026-03-04T14:00:00Z", "2026-03-04T15:00:00Z"] {
        rota.update_booking(
            &s.owner,
            later.id,
            BookingChanges {
                starts_at: Some(at(start)),
                ..BookingChanges::default()
            },
        )
        .await
        .unwrap();
        deliver(&rota).await;
    }
    let shown = rota
        .linked_calendar(&s.provider, s.provider.id)
        .await
        .unwrap()
        .unwrap();
    assert!(
        shown
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("could not be reached")),
        "{shown:?}"
    );
    rota.cancel_booking(&s.owner, later.id).await.unwrap();
    rota.update_booking(
        &s.owner,
        early.id,
        BookingChanges {
            starts_at: Some(at("2026-03-03T11:00:00Z")),
            ..BookingChanges::default()
        },
    )
    .await
    .unwrap();
    let tries = calendar.tries();
    s.w.clock.advance(SignedDuration::from_hours(2));
    rota.deliver_due_emails(100).await.unwrap();
    assert_eq!(
        calendar.tries(),
        tries + 1,
        "two writes due, one try: the second is not sent to a calendar that just failed"
    );
    assert_eq!(calendar.events(URL).len(), 2, "still as it was");
    calendar.set_down(false);
    s.w.clock.advance(SignedDuration::from_mins(2));
    deliver(&rota).await;
    let left = calendar.events(URL);
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0].uid, format!("booking-{}@rota", early.id));
    assert_eq!(
        left[0].range,
        range("2026-03-03T11:00:00Z", "2026-03-03T12:00:00Z")
    );
    let writes = calendar.writes();
    s.w.clock.advance(SignedDuration::from_hours(2));
    deliver(&rota).await;
    assert_eq!(
        calendar.writes(),
        writes,
        "one write for all the changes: nothing after"
    );
    assert_eq!(
        rota.linked_calendar(&s.provider, s.provider.id)
            .await
            .unwrap()
            .unwrap()
            .last_error,
        None,
        "the error goes once a write succeeds"
    );
}

#[tokio::test]
async fn the_calendars_own_events_are_not_offered_and_are_read_again() {
    let s = salon().await;
    let calendar = Arc::new(FakeCalendar::taking("app-password"));
    let rota = syncing(&s, &calendar);
    let dentist = range("2026-03-03T10:00:00Z", "2026-03-03T11:00:00Z");
    calendar.set_busy(vec![dentist]);
    rota.link_calendar(&s.provider, s.provider.id, link("app-password"))
        .await
        .unwrap();
    let starts = |rota: Rota| async move {
        let found = rota
            .availability(
                &s.owner,
                AvailabilityQuery {
                    service: s.service.id,
                    range: range("2026-03-03T00:00:00Z", "2026-03-04T00:00:00Z"),
                    provider: Some(s.provider.id),
                    step: Some(SignedDuration::from_mins(60)),
                },
            )
            .await
            .unwrap();
        found[0]
            .slots
            .iter()
            .map(|t| t.start().to_string())
            .collect::<Vec<_>>()
    };
    let offered = starts(rota.clone()).await;
    assert!(
        !offered.contains(&"2026-03-03T10:00:00Z".to_owned()),
        "{offered:?}"
    );
    assert!(offered.contains(&"2026-03-03T09:00:00Z".to_owned()));
    assert!(offered.contains(&"2026-03-03T11:00:00Z".to_owned()));
    // Booking over it is refused as over time off is, unless overridden.
    assert_eq!(
        s.book(&s.owner, "2026-03-03T10:00:00Z")
            .await
            .unwrap_err()
            .code(),
        "outside_work_hours"
    );

    // The appointment is cancelled in the calendar: read on demand…
    calendar.set_busy(vec![]);
    rota.refresh_calendar(&s.provider, s.provider.id)
        .await
        .unwrap();
    assert!(
        starts(rota.clone())
            .await
            .contains(&"2026-03-03T10:00:00Z".to_owned())
    );
    // …and on schedule, once the last read is old enough, by one process.
    calendar.set_busy(vec![dentist]);
    assert_eq!(
        rota.refresh_stale_calendars(10).await.unwrap(),
        0,
        "read just now"
    );
    s.w.clock
        .advance(REFRESH_EVERY + SignedDuration::from_secs(1));
    assert_eq!(rota.refresh_stale_calendars(10).await.unwrap(), 1);
    assert_eq!(rota.refresh_stale_calendars(10).await.unwrap(), 0);
    assert!(
        !starts(rota.clone())
            .await
            .contains(&"2026-03-03T10:00:00Z".to_owned())
    );
    // A calendar that fails keeps its last busy times, and says why.
    s.w.clock
        .advance(REFRESH_EVERY + SignedDuration::from_secs(1));
    calendar.set_down(true);
    assert_eq!(rota.refresh_stale_calendars(10).await.unwrap(), 0);
    assert!(
        !starts(rota.clone())
            .await
            .contains(&"2026-03-03T10:00:00Z".to_owned())
    );
    assert!(
        rota.linked_calendar(&s.owner, s.provider.id)
            .await
            .unwrap()
            .unwrap()
            .last_error
            .is_some()
    );
}
