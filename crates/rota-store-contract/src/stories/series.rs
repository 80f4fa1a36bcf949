//! Recurring series (issue 19): each occurrence is a booking that names its
//! series, and the store lists a series' occurrences.

use rota_app::domain::booking::BookingStatus;
use rota_app::domain::id::SeriesId;
use rota_app::ports::{BookingQuery, TxMode};

use crate::Fresh;
use crate::fixtures::{Fixture, uuid};
use crate::stories::scheduling::{booking, range};

/// A booking's series comes back as written (`get`, `overlapping`,
/// `list`), and `list` by series answers its occurrences alone, in start
/// order, with the other filters still applying.
pub async fn series_occurrences_come_back_with_their_series(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let weekly = SeriesId::from_uuid(uuid(9001));
    let other = SeriesId::from_uuid(uuid(9002));
    let p = f.provider.id;
    let mut made = Vec::new();
    for (n, (day, series)) in [
        ("16", Some(weekly)),
        ("09", Some(weekly)),
        ("23", Some(weekly)),
        ("10", Some(other)),
        ("11", None),
    ]
    .into_iter()
    .enumerate()
    {
        let mut b = booking(
            &f,
            u128::try_from(n).unwrap(),
            range(
                &format!("2026-03-{day}T10:00:00Z"),
                &format!("2026-03-{day}T11:00:00Z"),
            ),
            vec![p],
        );
        b.series = series;
        made.push(b);
    }
    made[2].status = BookingStatus::Cancelled;
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    for b in &made {
        tx.bookings().insert(b).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = store.begin(TxMode::ReadOnce).await.unwrap();
    for b in &made {
        let got = tx.bookings().get(f.business.id, b.id).await.unwrap();
        assert_eq!(got.as_ref(), Some(b), "get keeps the series");
    }
    let overlapping = tx
        .bookings()
        .overlapping(
            f.business.id,
            &[p],
            range("2026-03-16T00:00:00Z", "2026-03-17T00:00:00Z"),
        )
        .await
        .unwrap();
    assert_eq!(overlapping, vec![made[0].clone()]);
    let listed = |series, status| BookingQuery {
        series,
        status,
        limit: 50,
        ..BookingQuery::default()
    };
    let ids = |q: BookingQuery| {
        let store = store.clone();
        let business = f.business.id;
        async move {
            let mut tx = store.begin(TxMode::ReadOnce).await.unwrap();
            tx.bookings()
                .list(business, &q)
                .await
                .unwrap()
                .into_iter()
                .map(|n| n.booking)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        ids(listed(Some(weekly), None)).await,
        vec![made[1].clone(), made[0].clone(), made[2].clone()],
        "the series' occurrences, in start order, with their series"
    );
    assert_eq!(
        ids(listed(Some(weekly), Some(BookingStatus::Scheduled))).await,
        vec![made[1].clone(), made[0].clone()]
    );
    assert_eq!(ids(listed(Some(other), None)).await, vec![made[3].clone()]);
    let all = ids(listed(None, None)).await;
    assert_eq!(all.len(), 5);
    assert_eq!(
        all.iter().find(|b| b.id == made[4].id).map(|b| b.series),
        Some(None)
    );
}
