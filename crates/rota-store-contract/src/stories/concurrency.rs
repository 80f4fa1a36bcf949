//! Units of work: all or nothing, and serialized where the rules need it.

use std::sync::Arc;

use rota_app::bookings::NewBooking;
use rota_app::domain::actor::Actor;
use rota_app::domain::audit::{AuditChange, AuditEvent, AuditEventId};
use rota_app::domain::calendar::{LocalInterval, WeeklyHours, WorkCalendar};
use rota_app::domain::jiff::SignedDuration;
use rota_app::domain::role::{EmployeeRoles, RoleSet};
use rota_app::employees::EmployeeChanges;
use rota_app::ports::{BookingQuery, TxMode};
use rota_app::{Classify, Rota};

use crate::Fresh;
use crate::fixtures::{Fixture, at, employee, rota_on, uuid};
use crate::stories::scheduling::booking;

/// A unit of work that fails after its first write leaves no trace: not the
/// booking, not the outbox message, not the audit entry.
pub async fn a_unit_of_work_dropped_after_its_first_write_leaves_no_trace(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let b = booking(
        &f,
        1,
        rota_app::domain::time::TimeRange::new(
            at("2026-03-09T10:00:00Z"),
            at("2026-03-09T11:00:00Z"),
        )
        .unwrap(),
        vec![f.provider.id],
    );
    {
        let mut tx = store.begin(TxMode::Write).await.unwrap();
        tx.bookings().insert(&b).await.unwrap();
        let event = AuditEvent {
            id: AuditEventId::from_uuid(uuid(5)),
            business_id: f.business.id,
            actor: Some(f.owner.id),
            subject: None,
            change: AuditChange::BusinessSettingsChanged,
            at: at("2026-03-09T09:00:00Z"),
        };
        tx.audit().append(&event).await.unwrap();
        tx.outbox()
            .enqueue(&crate::stories::outbox::message(&f, 1))
            .await
            .unwrap();
        // The "crash": the unit of work ends without commit.
    }
    let mut tx = store.begin(TxMode::Read).await.unwrap();
    assert_eq!(tx.bookings().get(f.business.id, b.id).await.unwrap(), None);
    assert!(
        tx.audit()
            .list(f.business.id, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let left = tx
        .bookings()
        .list(
            f.business.id,
            &BookingQuery {
                limit: 10,
                ..BookingQuery::default()
            },
        )
        .await
        .unwrap();
    assert!(left.is_empty());
}

/// The fixture's provider works every day around the clock.
pub(crate) async fn always_working(store: &dyn rota_app::ports::Store, f: &Fixture) {
    let all = vec![LocalInterval::parse("00:00", "00:00").unwrap()];
    let hours = WeeklyHours::new(std::array::from_fn(|_| all.clone())).unwrap();
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    tx.calendars()
        .set_work_calendar(
            f.business.id,
            f.provider.id,
            &WorkCalendar { zone: None, hours },
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn race(rotas: &[Rota], owner: Actor, f: &Fixture, tasks: usize) -> (usize, Vec<String>) {
    let handles: Vec<_> = (0..tasks)
        .map(|i| {
            let rota = rotas[i % rotas.len()].clone();
            let offset = i64::try_from(i % 6).unwrap() * 10;
            let request = NewBooking {
                customer: f.customer.id,
                service: None,
                starts_at: at("2026-03-09T10:00:00Z")
                    .checked_add(SignedDuration::from_mins(offset))
                    .unwrap(),
                ends_at: Some(
                    at("2026-03-09T11:00:00Z")
                        .checked_add(SignedDuration::from_mins(offset))
                        .unwrap(),
                ),
                providers: vec![f.provider.id],
                price: None,
                notes: None,
                allow_outside_work_hours: false,
            };
            tokio::spawn(async move { rota.create_booking(&owner, request, None).await })
        })
        .collect();
    let mut ok = 0;
    let mut other = Vec::new();
    for h in handles {
        match h.await.expect("task finished") {
            Ok(_) => ok += 1,
            Err(e) if e.code() == "double_booking" => {}
            Err(e) => other.push(format!("{e:?}")),
        }
    }
    (ok, other)
}

/// B4 under concurrency: 200 tasks book one provider in overlapping slots;
/// exactly one succeeds, all others get `double_booking`, nothing else —
/// and the same across two separate pools where the store has them.
pub async fn b4_concurrent_bookings_of_one_provider_leave_exactly_one(fresh: Fresh) {
    let f = Fixture::write(fresh.store.as_ref(), 1, "sparkle").await;
    always_working(fresh.store.as_ref(), &f).await;
    let owner = Actor::of(&f.owner);
    let rota = rota_on(Arc::clone(&fresh.store));
    let (ok, other) = race(std::slice::from_ref(&rota), owner, &f, 200).await;
    assert!(other.is_empty(), "unexpected errors: {other:?}");
    assert_eq!(ok, 1, "exactly one booking wins");

    if let Some(second) = fresh.second {
        // Two processes' worth: half the tasks on each pool, a fresh day.
        let g = Fixture::write(fresh.store.as_ref(), 2, "shine").await;
        always_working(fresh.store.as_ref(), &g).await;
        let rotas = [rota, rota_on(second)];
        let (ok, other) = race(&rotas, Actor::of(&g.owner), &g, 200).await;
        assert!(
            other.is_empty(),
            "unexpected errors across pools: {other:?}"
        );
        assert_eq!(ok, 1, "exactly one booking wins across pools");
    }
}

/// R4 under concurrency: two owners revoke each other at once; one stays.
pub async fn r4_concurrent_owner_changes_keep_an_owner(fresh: Fresh) {
    let f = Fixture::write(fresh.store.as_ref(), 1, "sparkle").await;
    let other = employee(
        f.business.id,
        60,
        "second@sparkle.example",
        EmployeeRoles::owner_with(RoleSet::Administrator),
    );
    let mut tx = fresh.store.begin(TxMode::Write).await.unwrap();
    tx.accounts().insert(&other).await.unwrap();
    tx.commit().await.unwrap();
    let pools = [
        Arc::clone(&fresh.store),
        fresh
            .second
            .clone()
            .unwrap_or_else(|| Arc::clone(&fresh.store)),
    ];
    for round in 0..5 {
        let a = Actor::of(&f.owner);
        let b = Actor::of(&other);
        let revoke = |store: Arc<dyn rota_app::ports::Store>, actor: Actor, target| {
            let rota = rota_on(store);
            tokio::spawn(async move {
                rota.update_employee(
                    &actor,
                    target,
                    EmployeeChanges {
                        owner: Some(false),
                        ..Default::default()
                    },
                )
                .await
            })
        };
        let (x, y) = tokio::join!(
            revoke(Arc::clone(&pools[0]), a, b.id),
            revoke(Arc::clone(&pools[1]), b, a.id)
        );
        let results = [x.unwrap(), y.unwrap()];
        let ok = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(ok, 1, "round {round}: {results:?}");
        let mut tx = fresh.store.begin(TxMode::Write).await.unwrap();
        let owners: Vec<_> = tx
            .accounts()
            .employees(f.business.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.employee().is_some_and(|p| p.roles.is_owner()))
            .collect();
        assert_eq!(owners.len(), 1, "round {round}");
        // Restore both owners for the next round.
        for mut e in [f.owner.clone(), other.clone()] {
            e.profile = rota_app::domain::account::Profile::Employee(
                rota_app::domain::account::EmployeeProfile {
                    name: rota_app::domain::name::PersonName::parse("Pat Doe").unwrap(),
                    phone: None,
                    roles: EmployeeRoles::owner_with(RoleSet::Administrator),
                },
            );
            tx.accounts().update(&e).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
}

/// B9: two requests with one idempotency key, through two connection pools
/// (two server processes), run one after the other: the second's
/// `lock_and_find` waits for the first to save and commit, then finds its
/// record.
pub async fn b9_one_idempotency_key_is_held_until_its_first_request_commits(fresh: Fresh) {
    use rota_app::domain::idempotency::IdempotencyKey;
    use rota_app::ports::{IdempotencyRecord, StoredResponse};

    let second = fresh.second.unwrap_or_else(|| fresh.store.clone());
    let f = Fixture::write(fresh.store.as_ref(), 1, "sparkle").await;
    let key = IdempotencyKey::parse("retry-me").unwrap();
    let (business, actor) = (f.business.id, f.owner.id);
    let mut first = fresh.store.begin(TxMode::Write).await.unwrap();
    let found = first
        .idempotency()
        .lock_and_find(business, actor, &key)
        .await
        .unwrap();
    assert!(found.is_none());
    let waiting = {
        let key = key.clone();
        tokio::spawn(async move {
            let mut tx = second.begin(TxMode::Write).await.unwrap();
            let found = tx
                .idempotency()
                .lock_and_find(business, actor, &key)
                .await
                .unwrap();
            drop(tx);
            found
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        !waiting.is_finished(),
        "the second request waits for the first"
    );
    let record = IdempotencyRecord {
        business,
        actor,
        key,
        fingerprint: "same request".into(),
        response: StoredResponse {
            status: 201,
            body: b"{\"id\":1}".to_vec(),
        },
        created_at: at("2026-03-02T09:00:00Z"),
    };
    first.idempotency().save(&record).await.unwrap();
    first.commit().await.unwrap();
    let seen = waiting.await.unwrap().expect("the first request's record");
    assert_eq!(seen.fingerprint, "same request");
    assert_eq!(seen.response.status, 201);
}

/// SPEC §8 with a request's connection kept between its reads
/// (`ports::one_connection`): each read still sees what another process
/// committed just before it, and the request's own write neither waits for
/// a second connection (run with a pool of one, too) nor is lost.
pub async fn a_request_keeps_one_connection_and_still_sees_every_write(fresh: Fresh) {
    let store = fresh.store;
    let other = fresh.second.unwrap_or_else(|| Arc::clone(&store));
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let listed = |store: Arc<dyn rota_app::ports::Store>| {
        let business = f.business.id;
        async move {
            let mut tx = store.begin(TxMode::ReadOnce).await.unwrap();
            let query = BookingQuery {
                limit: 20,
                ..BookingQuery::default()
            };
            let found = tx.bookings().list(business, &query).await.unwrap();
            found.len()
        }
    };
    let hour = |n: i64| {
        let start = at("2026-03-09T08:00:00Z") + SignedDuration::from_hours(n);
        rota_app::domain::time::TimeRange::new(start, start + SignedDuration::from_hours(1))
            .unwrap()
    };
    rota_app::ports::one_connection(async {
        assert_eq!(listed(Arc::clone(&store)).await, 0);
        let theirs = booking(&f, 1, hour(0), vec![f.provider.id]);
        let mut tx = other.begin(TxMode::Write).await.unwrap();
        tx.bookings().insert(&theirs).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            listed(Arc::clone(&store)).await,
            1,
            "a read on the kept connection sees another process's write"
        );
        let mine = booking(&f, 2, hour(2), vec![f.provider.id]);
        let mut tx = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            store.begin(TxMode::Write),
        )
        .await
        .expect("the request's write does not wait for a second connection")
        .unwrap();
        tx.bookings().insert(&mine).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(listed(Arc::clone(&store)).await, 2);
        let placed = booking(&f, 3, hour(4), vec![f.provider.id]);
        tokio::time::timeout(
            std::time::Duration::from_secs(5),
            store.place_booking(&placed, &[]),
        )
        .await
        .expect("placing a booking does not wait for a second connection")
        .unwrap();
        assert_eq!(listed(Arc::clone(&store)).await, 3);
    })
    .await;
    // Requests at once, each reading, then writing (a transaction and a
    // placed booking), then reading: none may wait forever for a
    // connection another keeps while it waits for theirs.
    let mut requests = tokio::task::JoinSet::new();
    for n in 0..8_u8 {
        let store = Arc::clone(&store);
        let business = f.business.id;
        let b = booking(
            &f,
            10 + u128::from(n),
            hour(6 + 2 * i64::from(n)),
            vec![f.provider.id],
        );
        requests.spawn(rota_app::ports::one_connection(async move {
            let mut tx = store.begin(TxMode::ReadOnce).await.unwrap();
            assert!(tx.bookings().get(business, b.id).await.unwrap().is_none());
            drop(tx);
            if n % 2 == 0 {
                store.place_booking(&b, &[]).await.unwrap();
            } else {
                let mut tx = store.begin(TxMode::Write).await.unwrap();
                tx.bookings().insert(&b).await.unwrap();
                tx.commit().await.unwrap();
            }
            let mut tx = store.begin(TxMode::ReadOnce).await.unwrap();
            assert!(tx.bookings().get(business, b.id).await.unwrap().is_some());
        }));
    }
    tokio::time::timeout(std::time::Duration::from_secs(20), async {
        while let Some(done) = requests.join_next().await {
            done.expect("a request ran to its end");
        }
    })
    .await
    .expect("no request waits forever for a connection");
    assert_eq!(listed(other).await, 11, "every write is there for everyone");
}
