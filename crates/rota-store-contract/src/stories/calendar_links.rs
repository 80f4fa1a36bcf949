//! Linked calendars (issue 19): a provider's link round-trips and is
//! replaced, the busy times read from it are replaced within the window
//! read and answered by provider and range (alone, and with the
//! providers' working time), a stale link is taken for
//! reading once, and unlinking removes both.

use rota_app::ports::{StoredCalendarLink, TxMode};

use crate::Fresh;
use crate::fixtures::{Fixture, at};
use crate::stories::scheduling::range;

/// A provider's linked calendar and its busy times, kept and replaced.
pub async fn calendar_links_and_their_busy_times_round_trip(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let (business, pat) = (f.business.id, f.provider.id);
    let link = StoredCalendarLink {
        business,
        provider: pat,
        url: "https://dav.example/cal/pat/".into(),
        username: "pat".into(),
        sealed_password: "sealed:abc".into(),
        linked_at: at("2026-03-01T08:00:00Z"),
        busy_read_at: None,
        last_error: None,
    };
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    assert_eq!(tx.calendar_links().link(business, pat).await.unwrap(), None);
    tx.calendar_links().save_link(&link).await.unwrap();
    let day = range("2026-03-09T00:00:00Z", "2026-03-10T00:00:00Z");
    let morning = range("2026-03-09T09:00:00Z", "2026-03-09T10:00:00Z");
    let evening = range("2026-03-09T18:00:00Z", "2026-03-09T19:00:00Z");
    let next_week = range("2026-03-16T09:00:00Z", "2026-03-16T10:00:00Z");
    tx.calendar_links()
        .replace_busy(
            business,
            pat,
            range("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"),
            &[morning, evening, next_week],
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin(TxMode::Write).await.unwrap();
    assert_eq!(
        tx.calendar_links().link(business, pat).await.unwrap(),
        Some(link.clone())
    );
    let mut found = tx
        .calendar_links()
        .calendar_busy(business, &[pat], day)
        .await
        .unwrap();
    found.sort_by_key(|(_, t)| t.start());
    assert_eq!(found, vec![(pat, morning), (pat, evening)]);
    // Read with the providers' hours too, in the same round trip.
    let mut with_hours = tx
        .calendars()
        .working_time(business, &[pat], day)
        .await
        .unwrap()
        .calendar_busy;
    with_hours.sort_by_key(|(_, t)| t.start());
    assert_eq!(with_hours, vec![(pat, morning), (pat, evening)]);
    assert_eq!(
        tx.calendars()
            .working_time(business, &[f.customer.id], day)
            .await
            .unwrap()
            .calendar_busy,
        vec![]
    );
    assert_eq!(
        tx.calendar_links()
            .calendar_busy(business, &[f.customer.id], day)
            .await
            .unwrap(),
        vec![],
        "only the providers asked for"
    );
    // Read again for that day only: the evening is gone, next week stays.
    tx.calendar_links()
        .replace_busy(business, pat, day, &[morning])
        .await
        .unwrap();
    let month = range("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z");
    let mut found = tx
        .calendar_links()
        .calendar_busy(business, &[pat], month)
        .await
        .unwrap();
    found.sort_by_key(|(_, t)| t.start());
    assert_eq!(found, vec![(pat, morning), (pat, next_week)]);
    // Linked again: replaced, not added.
    let again = StoredCalendarLink {
        url: "https://other.example/pat/".into(),
        sealed_password: "sealed:def".into(),
        busy_read_at: Some(at("2026-03-02T08:00:00Z")),
        last_error: Some("the calendar refused: HTTP 401".into()),
        ..link.clone()
    };
    tx.calendar_links().save_link(&again).await.unwrap();
    assert_eq!(
        tx.calendar_links().link(business, pat).await.unwrap(),
        Some(again.clone())
    );
    assert_eq!(
        tx.calendar_links()
            .linked(business, &[f.customer.id, pat])
            .await
            .unwrap(),
        vec![pat],
        "only the provider with a link"
    );
    tx.commit().await.unwrap();

    // A stale link is taken once: marked taken, a second claim finds none.
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    let before = at("2026-03-02T09:00:00Z");
    let now = at("2026-03-02T09:05:00Z");
    let taken = tx
        .calendar_links()
        .claim_stale(before, now, 10)
        .await
        .unwrap();
    assert_eq!(
        taken,
        vec![StoredCalendarLink {
            busy_read_at: Some(now),
            ..again.clone()
        }]
    );
    assert_eq!(
        tx.calendar_links()
            .claim_stale(before, now, 10)
            .await
            .unwrap(),
        vec![]
    );
    tx.commit().await.unwrap();

    // Unlinked: the link and its busy times go.
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    assert!(
        tx.calendar_links()
            .remove_link(business, pat)
            .await
            .unwrap()
    );
    assert!(
        !tx.calendar_links()
            .remove_link(business, pat)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let mut tx = store.begin(TxMode::ReadOnce).await.unwrap();
    assert_eq!(tx.calendar_links().link(business, pat).await.unwrap(), None);
    assert_eq!(
        tx.calendar_links()
            .calendar_busy(business, &[pat], month)
            .await
            .unwrap(),
        vec![]
    );
}
