//! Buffers: B4 holds a booking with the time its service keeps free around
//! it, in the store and under concurrency.

use std::sync::Arc;

use rota_app::bookings::NewBooking;
use rota_app::domain::actor::Actor;
use rota_app::domain::booking::Booking;
use rota_app::domain::id::ServiceId;
use rota_app::domain::jiff::SignedDuration;
use rota_app::domain::money::Money;
use rota_app::domain::name::BusinessName;
use rota_app::domain::service::{Buffers, Service, ServiceDuration};
use rota_app::ports::{BookingQuery, Conflict, StoreError, TxMode};
use rota_app::{Classify, Rota};

use crate::Fresh;
use crate::fixtures::{Fixture, at, rota_on, uuid};
use crate::stories::concurrency::always_working;
use crate::stories::scheduling::{booking, range};

/// B4 with buffers, at the store: a booking whose blocked time (its range
/// with its buffers) overlaps another's is refused on insert and on
/// update, touching is fine, a cancelled one frees its buffers too, and
/// `busy` answers blocked times.
pub async fn b4_the_store_keeps_bookings_apart_by_their_buffers(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let p = f.provider.id;
    // 10:00–11:00, thirty minutes kept free after it: blocks 10:00–11:30.
    let mut first = booking(
        &f,
        1,
        range("2026-03-09T10:00:00Z", "2026-03-09T11:00:00Z"),
        vec![p],
    );
    first.buffers = Buffers::minutes(0, 30).unwrap();
    // 11:40–12:00 with ten minutes before: blocks 11:30–12:00 (touching).
    let mut second = booking(
        &f,
        2,
        range("2026-03-09T11:40:00Z", "2026-03-09T12:00:00Z"),
        vec![p],
    );
    second.buffers = Buffers::minutes(10, 0).unwrap();
    // 11:35–11:40 with no buffers: inside the first's thirty minutes.
    let squeezed = booking(
        &f,
        3,
        range("2026-03-09T11:35:00Z", "2026-03-09T11:40:00Z"),
        vec![p],
    );
    // 09:00–09:50 with fifteen after: reaches 10:05, into the first.
    let mut early = booking(
        &f,
        4,
        range("2026-03-09T09:00:00Z", "2026-03-09T09:50:00Z"),
        vec![p],
    );
    early.buffers = Buffers::minutes(0, 15).unwrap();

    let mut tx = store.begin(TxMode::Write).await.unwrap();
    tx.bookings().insert(&first).await.unwrap();
    tx.bookings().insert(&second).await.unwrap();
    tx.commit().await.unwrap();
    for refused in [&squeezed, &early] {
        let mut tx = store.begin(TxMode::Write).await.unwrap();
        let e = tx.bookings().insert(refused).await.unwrap_err();
        assert!(
            matches!(e, StoreError::Conflict(Conflict::BookingOverlap(who)) if who == p),
            "{e:?}"
        );
    }
    // Moving the second five minutes earlier brings its buffer into the first's.
    let mut moved = second.clone();
    moved.range = range("2026-03-09T11:35:00Z", "2026-03-09T11:55:00Z");
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    let e = tx.bookings().update(&moved).await.unwrap_err();
    assert!(
        matches!(e, StoreError::Conflict(Conflict::BookingOverlap(_))),
        "{e:?}"
    );
    drop(tx);

    let mut tx = store.begin(TxMode::Read).await.unwrap();
    let got = tx.bookings().get(f.business.id, first.id).await.unwrap();
    assert_eq!(
        got.as_ref(),
        Some(&first),
        "buffers are kept with the booking"
    );
    let mut busy = tx
        .bookings()
        .busy(
            f.business.id,
            &[p],
            range("2026-03-09T11:10:00Z", "2026-03-09T11:35:00Z"),
        )
        .await
        .unwrap();
    busy.sort();
    let mut expected = vec![(p, first.blocked()), (p, second.blocked())];
    expected.sort();
    assert_eq!(
        busy, expected,
        "busy answers blocked times, reached by their buffers"
    );
    drop(tx);

    // Cancelled, the first frees its buffers as well as its time.
    let mut cancelled = first.clone();
    cancelled.status = rota_app::domain::booking::BookingStatus::Cancelled;
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    tx.bookings().update(&cancelled).await.unwrap();
    tx.bookings().insert(&early).await.unwrap();
    tx.commit().await.unwrap();
}

/// The three services the race books: each with its own buffers.
fn race_services(f: &Fixture) -> Vec<Service> {
    [(60, 15, 30), (30, 0, 45), (45, 10, 10), (20, 0, 0)]
        .into_iter()
        .enumerate()
        .map(|(n, (minutes, before, after))| Service {
            id: ServiceId::from_uuid(uuid(700 + n as u128)),
            business_id: f.business.id,
            name: BusinessName::parse(&format!("Service {n}")).unwrap(),
            duration: ServiceDuration::minutes(minutes).unwrap(),
            price: Money::new(1000).unwrap(),
            providers: vec![],
            active: true,
            buffers: Buffers::minutes(before, after).unwrap(),
        })
        .collect()
}

async fn race_with_buffers(rotas: &[Rota], f: &Fixture, services: &[Service]) -> Vec<String> {
    let owner = Actor::of(&f.owner);
    let handles: Vec<_> = (0..200_usize)
        .map(|i| {
            let rota = rotas[i % rotas.len()].clone();
            let service = &services[i % services.len()];
            // Starts every 5 minutes over six hours, in a scattered order.
            let step = i64::try_from((i * 37) % 72).unwrap() * 5;
            let request = NewBooking {
                customer: f.customer.id,
                service: Some(service.id),
                starts_at: at("2026-03-09T08:00:00Z")
                    .checked_add(SignedDuration::from_mins(step))
                    .unwrap(),
                ends_at: None,
                providers: vec![f.provider.id],
                price: None,
                notes: None,
                allow_outside_work_hours: false,
            };
            tokio::spawn(async move { rota.create_booking(&owner, request, None).await })
        })
        .collect();
    let mut other = Vec::new();
    for h in handles {
        match h.await.expect("task finished") {
            Ok(_) => {}
            Err(e) if e.code() == "double_booking" => {}
            Err(e) => other.push(format!("{e:?}")),
        }
    }
    other
}

/// Every pair of the provider's active bookings keeps their buffers apart.
async fn assert_kept_apart(store: &dyn rota_app::ports::Store, f: &Fixture) -> Vec<Booking> {
    let mut tx = store.begin(TxMode::Read).await.unwrap();
    let all: Vec<Booking> = tx
        .bookings()
        .list(
            f.business.id,
            &BookingQuery {
                limit: 500,
                ..BookingQuery::default()
            },
        )
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.booking)
        .collect();
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert!(
                !a.clashes_with(f.provider.id, b),
                "{:?} (buffers {:?}) and {:?} (buffers {:?}) come too close",
                a.range,
                a.buffers,
                b.range,
                b.buffers
            );
        }
    }
    all
}

/// B4 with buffers under concurrency: 200 tasks book one provider with
/// services of different buffers at scattered times — on two separate
/// pools where the store has them. Every refusal is `double_booking`, and
/// no two bookings that were made come closer than their buffers allow.
pub async fn b4_buffers_hold_under_200_concurrent_bookers(fresh: Fresh) {
    let f = Fixture::write(fresh.store.as_ref(), 1, "sparkle").await;
    always_working(fresh.store.as_ref(), &f).await;
    let services = race_services(&f);
    let mut tx = fresh.store.begin(TxMode::Write).await.unwrap();
    for s in &services {
        tx.services().insert(s).await.unwrap();
    }
    tx.commit().await.unwrap();
    let mut rotas = vec![rota_on(Arc::clone(&fresh.store))];
    if let Some(second) = fresh.second {
        rotas.push(rota_on(second));
    }
    let other = race_with_buffers(&rotas, &f, &services).await;
    assert!(other.is_empty(), "unexpected errors: {other:?}");
    let made = assert_kept_apart(fresh.store.as_ref(), &f).await;
    assert!(
        made.len() > 3,
        "the race books more than a few: {}",
        made.len()
    );
    assert!(
        made.iter().any(|b| !b.buffers.is_none()),
        "the bookings carry their services' buffers"
    );
}
