//! Reports' aggregates: bookings by status and booked time by provider
//! within a range (a booking belongs to it when it starts in it), and the
//! customers added.

use rota_app::domain::booking::BookingStatus::{
    Cancelled, Completed, InProgress, NoShow, Scheduled,
};
use rota_app::domain::jiff::SignedDuration;
use rota_app::domain::money::Money;
use rota_app::ports::{StatusTotals, TxMode};

use crate::Fresh;
use crate::fixtures::{Fixture, at, customer, employee};

use super::scheduling::{booking, range};

/// R6's figures come from the store's aggregates, exactly.
pub async fn r6_report_totals_by_status_provider_and_new_customers(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let other = Fixture::write(store.as_ref(), 2, "other").await;
    let quinn = employee(
        f.business.id,
        77,
        "quinn@sparkle.example",
        rota_app::domain::role::EmployeeRoles::staff(
            rota_app::domain::role::RoleSet::ServiceProvider,
        ),
    );
    let mut late = customer(f.business.id, 88, "cy@sparkle.example", "Cy", "New");
    late.created_at = at("2026-03-15T09:00:00Z");
    let pat = f.provider.id;
    let with = |n, from, to, providers, status, price: i64, paid: i64, tips: i64| {
        let mut b = booking(&f, n, range(from, to), providers);
        b.status = status;
        b.price = Money::new(price).unwrap();
        b.paid = Money::new(paid).unwrap();
        b.tips = Money::new(tips).unwrap();
        b
    };
    let all = [
        // Pat and Quinn together, completed and paid with a tip.
        with(
            1,
            "2026-03-02T09:00:00Z",
            "2026-03-02T11:00:00Z",
            vec![pat, quinn.id],
            Completed,
            8000,
            8000,
            500,
        ),
        with(
            2,
            "2026-03-03T09:00:00Z",
            "2026-03-03T10:00:00Z",
            vec![pat],
            Scheduled,
            5000,
            1000,
            0,
        ),
        with(
            3,
            "2026-03-04T09:00:00Z",
            "2026-03-04T09:30:00Z",
            vec![pat],
            InProgress,
            3000,
            0,
            0,
        ),
        // Cancelled and no-show: counted, priced out of "booked", no time.
        with(
            4,
            "2026-03-05T09:00:00Z",
            "2026-03-05T10:00:00Z",
            vec![pat],
            Cancelled,
            5000,
            0,
            0,
        ),
        with(
            5,
            "2026-03-06T09:00:00Z",
            "2026-03-06T10:00:00Z",
            vec![quinn.id],
            NoShow,
            4000,
            0,
            250,
        ),
        // Starts before the range, and starts at its end: outside.
        with(
            6,
            "2026-02-28T23:00:00Z",
            "2026-03-01T01:00:00Z",
            vec![pat],
            Completed,
            9000,
            9000,
            0,
        ),
        with(
            7,
            "2026-04-01T00:00:00Z",
            "2026-04-01T01:00:00Z",
            vec![pat],
            Scheduled,
            9000,
            0,
            0,
        ),
    ];
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    tx.accounts().insert(&quinn).await.unwrap();
    tx.accounts().insert(&late).await.unwrap();
    for b in &all {
        tx.bookings().insert(b).await.unwrap();
    }
    tx.commit().await.unwrap();

    let march = range("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z");
    let mut tx = store.begin(TxMode::Read).await.unwrap();
    let mut totals = tx
        .reports()
        .booking_totals(f.business.id, march, None)
        .await
        .unwrap();
    totals.by_status.sort_by_key(|t| format!("{:?}", t.status));
    let row = |status, count, price_minor, paid_minor, tips_minor| StatusTotals {
        status,
        count,
        price_minor,
        paid_minor,
        tips_minor,
    };
    assert_eq!(
        totals.by_status,
        vec![
            row(Cancelled, 1, 5000, 0, 0),
            row(Completed, 1, 8000, 8000, 500),
            row(InProgress, 1, 3000, 0, 0),
            row(NoShow, 1, 4000, 0, 250),
            row(Scheduled, 1, 5000, 1000, 0),
        ]
    );
    totals.booked_by_provider.sort();
    let mut expected = vec![
        (pat, SignedDuration::from_mins(120 + 60 + 30)),
        (quinn.id, SignedDuration::from_mins(120)),
    ];
    expected.sort();
    assert_eq!(totals.booked_by_provider, expected);

    // One provider's: only the bookings they are assigned to.
    let mut quinns = tx
        .reports()
        .booking_totals(f.business.id, march, Some(quinn.id))
        .await
        .unwrap();
    quinns.by_status.sort_by_key(|t| format!("{:?}", t.status));
    assert_eq!(
        quinns.by_status,
        vec![
            row(Completed, 1, 8000, 8000, 500),
            row(NoShow, 1, 4000, 0, 250)
        ]
    );
    assert_eq!(
        quinns.booked_by_provider,
        vec![(quinn.id, SignedDuration::from_mins(120))]
    );

    // Part days at either end of a range are counted from the bookings,
    // whole days from what the store keeps per day: the same figures.
    let nudged = range("2026-03-01T00:00:00.000001Z", "2026-04-01T00:00:00Z");
    let mut same = tx
        .reports()
        .booking_totals(f.business.id, nudged, None)
        .await
        .unwrap();
    same.by_status.sort_by_key(|t| format!("{:?}", t.status));
    same.booked_by_provider.sort();
    assert_eq!(same, totals);
    let days = range("2026-03-02T10:00:00Z", "2026-03-06T09:30:00Z");
    let mut within = tx
        .reports()
        .booking_totals(f.business.id, days, None)
        .await
        .unwrap();
    within.by_status.sort_by_key(|t| format!("{:?}", t.status));
    assert_eq!(
        within.by_status,
        vec![
            row(Cancelled, 1, 5000, 0, 0),
            row(InProgress, 1, 3000, 0, 0),
            row(NoShow, 1, 4000, 0, 250),
            row(Scheduled, 1, 5000, 1000, 0),
        ]
    );
    drop(tx);

    // A booking changed — completed, paid, moved a day and given to Quinn —
    // moves its figures with it.
    let mut moved = all[1].clone();
    moved.status = Completed;
    moved.paid = Money::new(5000).unwrap();
    moved.tips = Money::new(100).unwrap();
    moved.range = range("2026-03-07T09:00:00Z", "2026-03-07T10:00:00Z");
    moved.providers = vec![quinn.id];
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    tx.bookings().update(&moved).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin(TxMode::Read).await.unwrap();
    for r in [march, nudged] {
        let mut now = tx
            .reports()
            .booking_totals(f.business.id, r, None)
            .await
            .unwrap();
        now.by_status.sort_by_key(|t| format!("{:?}", t.status));
        now.booked_by_provider.sort();
        assert_eq!(
            now.by_status,
            vec![
                row(Cancelled, 1, 5000, 0, 0),
                row(Completed, 2, 13000, 13000, 600),
                row(InProgress, 1, 3000, 0, 0),
                row(NoShow, 1, 4000, 0, 250),
            ]
        );
        let mut expected = vec![
            (pat, SignedDuration::from_mins(120 + 30)),
            (quinn.id, SignedDuration::from_mins(120 + 60)),
        ];
        expected.sort();
        assert_eq!(now.booked_by_provider, expected);
    }

    // The fixture's customer was added on 1 January, Cy in March; the other
    // business's bookings and customers are never counted (R12).
    assert_eq!(
        tx.reports()
            .customers_added(f.business.id, march)
            .await
            .unwrap(),
        1
    );
    let year = range("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z");
    assert_eq!(
        tx.reports()
            .customers_added(f.business.id, year)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        tx.reports()
            .customers_added(other.business.id, march)
            .await
            .unwrap(),
        0
    );
    let none = tx
        .reports()
        .booking_totals(other.business.id, march, None)
        .await
        .unwrap();
    assert!(none.by_status.is_empty() && none.booked_by_provider.is_empty());
}
