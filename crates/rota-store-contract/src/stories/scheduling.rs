//! Services, calendars, bookings, idempotency records, time entries.

use rota_app::domain::account::Text;
use rota_app::domain::booking::{Booking, BookingStatus, Payment, PaymentMethod};
use rota_app::domain::business::Zone;
use rota_app::domain::calendar::{LocalInterval, WeeklyHours, WorkCalendar};
use rota_app::domain::id::{AccountId, BookingId, PaymentId, ServiceId, TimeEntryId, TimeOffId};
use rota_app::domain::idempotency::IdempotencyKey;
use rota_app::domain::money::Money;
use rota_app::domain::name::BusinessName;
use rota_app::domain::service::{Service, ServiceDuration};
use rota_app::domain::time::TimeRange;
use rota_app::domain::time_entry::TimeEntry;
use rota_app::domain::time_off::{Absence, DayOfWeek, TimeOff};
use rota_app::ports::{
    BookingQuery, Conflict, IdempotencyRecord, NamedBooking, StoreError, StoredResponse, TxMode,
};

use crate::Fresh;
use crate::fixtures::{Fixture, at, employee, uuid};
use crate::stories::outbox::message;

fn range(a: &str, b: &str) -> TimeRange {
    TimeRange::new(at(a), at(b)).unwrap()
}

/// A scheduled booking of the fixture's customer with these providers.
pub(crate) fn booking(f: &Fixture, n: u128, r: TimeRange, providers: Vec<AccountId>) -> Booking {
    Booking {
        id: BookingId::from_uuid(uuid(1000 + n)),
        business_id: f.business.id,
        customer_id: f.customer.id,
        service_id: None,
        range: r,
        providers,
        status: BookingStatus::Scheduled,
        price: Money::new(5000).unwrap(),
        paid: Money::ZERO,
        tips: Money::ZERO,
        notes: Text::parse("Side door").unwrap(),
        created_at: at("2026-03-01T08:00:00Z"),
        updated_at: at("2026-03-01T08:00:00Z"),
        sequence: 0,
    }
}

/// Services come back as written.
pub async fn services_round_trip(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let mut s = Service {
        id: ServiceId::from_uuid(uuid(500)),
        business_id: f.business.id,
        name: BusinessName::parse("Deep clean").unwrap(),
        duration: ServiceDuration::minutes(90).unwrap(),
        price: Money::new(12_000).unwrap(),
        providers: vec![f.provider.id],
        active: true,
    };
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    tx.services().insert(&s).await.unwrap();
    assert_eq!(
        tx.services()
            .get(f.business.id, s.id)
            .await
            .unwrap()
            .as_ref(),
        Some(&s)
    );
    s.active = false;
    s.providers = vec![];
    tx.services().update(&s).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin(TxMode::Read).await.unwrap();
    assert_eq!(tx.services().list(f.business.id).await.unwrap(), vec![s]);
}

/// Work calendars upsert; time off lists by owner, deletes; `working_time`
/// reads the calendars and the time off that applies within a range.
pub async fn calendars_and_time_off_round_trip(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let day = vec![
        LocalInterval::parse("09:00", "12:00").unwrap(),
        LocalInterval::parse("22:00", "06:00").unwrap(),
    ];
    let hours =
        WeeklyHours::new([day.clone(), vec![], vec![], vec![], vec![], vec![], vec![]]).unwrap();
    let first = WorkCalendar {
        zone: None,
        hours: hours.clone(),
    };
    let second = WorkCalendar {
        zone: Some(Zone::parse("America/New_York").unwrap()),
        hours,
    };
    let entry = |n: u128, provider: Option<AccountId>, absence: Absence| TimeOff {
        id: TimeOffId::from_uuid(uuid(600 + n)),
        business_id: f.business.id,
        provider,
        absence,
        note: Text::parse("why").unwrap(),
        created_at: at("2026-03-01T00:00:00Z"),
    };
    let early = entry(
        1,
        Some(f.provider.id),
        Absence::Range {
            range: range("2026-03-02T09:00:00Z", "2026-03-02T11:00:00Z"),
        },
    );
    let late = entry(
        2,
        Some(f.provider.id),
        Absence::Range {
            range: range("2026-04-02T09:00:00Z", "2026-04-02T11:00:00Z"),
        },
    );
    let weekly = entry(
        3,
        Some(f.provider.id),
        Absence::Weekly {
            weekday: DayOfWeek::Friday,
            interval: LocalInterval::parse("12:00", "13:00").unwrap(),
        },
    );
    let holiday = entry(
        4,
        None,
        Absence::Days {
            first: "2026-12-25".parse().unwrap(),
            last: "2026-12-26".parse().unwrap(),
        },
    );

    let mut tx = store.begin(TxMode::Write).await.unwrap();
    tx.calendars()
        .set_work_calendar(f.business.id, f.provider.id, &first)
        .await
        .unwrap();
    tx.calendars()
        .set_work_calendar(f.business.id, f.provider.id, &second)
        .await
        .unwrap();
    for e in [&early, &late, &weekly, &holiday] {
        tx.calendars().insert_time_off(e).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = store.begin(TxMode::Write).await.unwrap();
    let cals = tx
        .calendars()
        .work_calendars(f.business.id, &[f.provider.id, f.owner.id])
        .await
        .unwrap();
    assert_eq!(cals, vec![(f.provider.id, second)]);
    let week = range("2026-03-01T00:00:00Z", "2026-03-08T00:00:00Z");
    let mut working = tx
        .calendars()
        .working_time(f.business.id, &[f.provider.id, f.owner.id], week)
        .await
        .unwrap();
    assert_eq!(working.calendars, cals, "the calendars, as read alone");
    working.time_off.sort_by_key(|t| t.id);
    assert_eq!(
        working.time_off,
        vec![early.clone(), weekly.clone(), holiday.clone()],
        "the April range is outside"
    );
    let owners = tx
        .calendars()
        .working_time(f.business.id, &[f.owner.id], week)
        .await
        .unwrap();
    assert_eq!(
        (owners.calendars, owners.time_off),
        (vec![], vec![holiday.clone()]),
        "business-wide entries apply to everyone"
    );
    let nobody = tx
        .calendars()
        .working_time(f.business.id, &[], week)
        .await
        .unwrap();
    assert_eq!(
        (nobody.calendars, nobody.time_off),
        (vec![], vec![holiday.clone()]),
        "no providers: only the business-wide entries"
    );
    assert_eq!(
        tx.calendars()
            .time_off_of(f.business.id, None)
            .await
            .unwrap(),
        vec![holiday.clone()]
    );
    assert_eq!(
        tx.calendars()
            .time_off_of(f.business.id, Some(f.provider.id))
            .await
            .unwrap()
            .len(),
        3
    );
    assert!(
        !tx.calendars()
            .delete_time_off(f.business.id, None, early.id)
            .await
            .unwrap(),
        "not business-wide"
    );
    assert!(
        tx.calendars()
            .delete_time_off(f.business.id, Some(f.provider.id), early.id)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let mut tx = store.begin(TxMode::Read).await.unwrap();
    assert_eq!(
        tx.calendars()
            .time_off_of(f.business.id, Some(f.provider.id))
            .await
            .unwrap()
            .len(),
        2
    );
}

/// Bookings come back as written, providers in order; lists filter and page.
pub async fn bookings_round_trip_and_list(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let second = employee(
        f.business.id,
        77,
        "quinn@sparkle.example",
        rota_app::domain::role::EmployeeRoles::staff(
            rota_app::domain::role::RoleSet::ServiceProvider,
        ),
    );
    let a = booking(
        &f,
        1,
        range("2026-03-09T10:00:00Z", "2026-03-09T11:00:00Z"),
        vec![second.id, f.provider.id],
    );
    let b = booking(
        &f,
        2,
        range("2026-03-09T12:00:00Z", "2026-03-09T13:00:00Z"),
        vec![f.provider.id],
    );
    let mut c = booking(
        &f,
        3,
        range("2026-03-10T12:00:00Z", "2026-03-10T13:00:00Z"),
        vec![],
    );
    c.notes = None;
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    tx.accounts().insert(&second).await.unwrap();
    for x in [&a, &b, &c] {
        tx.bookings().insert(x).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = store.begin(TxMode::Write).await.unwrap();
    let bookings = tx.bookings();
    assert_eq!(
        bookings.get(f.business.id, a.id).await.unwrap().as_ref(),
        Some(&a)
    );
    let all = bookings
        .list(
            f.business.id,
            &BookingQuery {
                limit: 10,
                ..BookingQuery::default()
            },
        )
        .await
        .unwrap();
    let just = |listed: Vec<NamedBooking>| -> Vec<Booking> {
        listed.into_iter().map(|n| n.booking).collect()
    };
    // Each listed booking carries its customer's and providers' names.
    let profile = f.customer.customer().unwrap();
    let customer = Some((profile.first_name.clone(), profile.last_name.clone()));
    assert!(all.iter().all(|n| n.customer == customer));
    let mut names = all[0].providers.clone();
    names.sort();
    let mut expected = vec![
        (second.id, second.display_name()),
        (f.provider.id, f.provider.display_name()),
    ];
    expected.sort();
    assert_eq!(names, expected);
    assert!(all[2].providers.is_empty());
    assert_eq!(
        just(all),
        vec![a.clone(), b.clone(), c.clone()],
        "in start order"
    );
    let theirs = BookingQuery {
        provider: Some(f.provider.id),
        limit: 10,
        ..BookingQuery::default()
    };
    assert_eq!(
        just(bookings.list(f.business.id, &theirs).await.unwrap()),
        vec![a.clone(), b.clone()]
    );
    let monday = BookingQuery {
        within: Some(range("2026-03-09T00:00:00Z", "2026-03-10T00:00:00Z")),
        limit: 10,
        ..BookingQuery::default()
    };
    assert_eq!(
        bookings.list(f.business.id, &monday).await.unwrap().len(),
        2
    );
    let after = BookingQuery {
        after: Some((a.range.start(), a.id)),
        limit: 1,
        ..BookingQuery::default()
    };
    assert_eq!(
        just(bookings.list(f.business.id, &after).await.unwrap()),
        vec![b.clone()]
    );
    let overlapping = bookings
        .overlapping(
            f.business.id,
            &[second.id],
            range("2026-03-09T10:30:00Z", "2026-03-09T12:30:00Z"),
        )
        .await
        .unwrap();
    assert_eq!(overlapping, vec![a.clone()]);
    assert_eq!(
        bookings
            .latest_with(f.business.id, f.customer.id, f.provider.id)
            .await
            .unwrap(),
        Some(b.range.end())
    );

    let mut paid = b.clone();
    paid.record_payment(
        Money::new(2000).unwrap(),
        Money::new(300).unwrap(),
        at("2026-03-09T13:00:00Z"),
    )
    .unwrap();
    let payment = Payment {
        id: PaymentId::from_uuid(uuid(900)),
        business_id: f.business.id,
        booking_id: b.id,
        amount: Money::new(2000).unwrap(),
        tip: Money::new(300).unwrap(),
        method: PaymentMethod::Card,
        recorded_by: f.owner.id,
        at: at("2026-03-09T13:00:00Z"),
    };
    bookings.insert_payment(&payment).await.unwrap();
    bookings.update(&paid).await.unwrap();
    let status = BookingQuery {
        status: Some(BookingStatus::Scheduled),
        customer: Some(f.customer.id),
        limit: 10,
        ..BookingQuery::default()
    };
    assert_eq!(
        bookings.list(f.business.id, &status).await.unwrap().len(),
        3
    );
    tx.commit().await.unwrap();
    let mut tx = store.begin(TxMode::Read).await.unwrap();
    assert_eq!(
        tx.bookings().get(f.business.id, b.id).await.unwrap(),
        Some(paid)
    );
}

/// B4 held by the store itself: an overlapping active booking of a provider
/// is refused on insert and on update, whoever asks; touching and cancelled
/// bookings are fine.
pub async fn b4_the_store_refuses_overlapping_active_bookings(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let first = booking(
        &f,
        1,
        range("2026-03-09T10:00:00Z", "2026-03-09T11:00:00Z"),
        vec![f.provider.id],
    );
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    tx.bookings().insert(&first).await.unwrap();
    tx.commit().await.unwrap();

    let clash = booking(
        &f,
        2,
        range("2026-03-09T10:59:00Z", "2026-03-09T12:00:00Z"),
        vec![f.provider.id],
    );
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    let err = tx.bookings().insert(&clash).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(Conflict::BookingOverlap(p)) if p == f.provider.id),
        "{err:?}"
    );
    drop(tx);

    let touching = booking(
        &f,
        3,
        range("2026-03-09T11:00:00Z", "2026-03-09T12:00:00Z"),
        vec![f.provider.id],
    );
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    tx.bookings().insert(&touching).await.unwrap();
    let mut moved = touching.clone();
    moved.range = range("2026-03-09T10:30:00Z", "2026-03-09T11:30:00Z");
    let err = tx.bookings().update(&moved).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(Conflict::BookingOverlap(_))),
        "{err:?}"
    );
    drop(tx);

    let mut tx = store.begin(TxMode::Write).await.unwrap();
    let mut cancelled = first.clone();
    cancelled.status = BookingStatus::Cancelled;
    tx.bookings().update(&cancelled).await.unwrap();
    tx.bookings().insert(&clash).await.unwrap();
    tx.commit().await.unwrap();
}

/// B4 and A8 for a booking placed in one call (`Store::place_booking`, what
/// a booking without an idempotency key is): the booking and its email are
/// kept together, or, when the time is taken, neither is.
pub async fn b4_a_placed_booking_and_its_email_are_kept_or_refused_together(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let first = booking(
        &f,
        1,
        range("2026-03-09T10:00:00Z", "2026-03-09T11:00:00Z"),
        vec![f.provider.id],
    );
    let (confirm_first, confirm_clash, confirm_walk_in) =
        (message(&f, 1), message(&f, 2), message(&f, 3));
    store
        .place_booking(&first, std::slice::from_ref(&confirm_first))
        .await
        .unwrap();

    let clash = booking(
        &f,
        2,
        range("2026-03-09T10:30:00Z", "2026-03-09T11:30:00Z"),
        vec![f.provider.id],
    );
    let err = store
        .place_booking(&clash, std::slice::from_ref(&confirm_clash))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(Conflict::BookingOverlap(p)) if p == f.provider.id),
        "{err:?}"
    );
    // No provider: whatever way the store writes it, still all or nothing.
    let walk_in = booking(
        &f,
        3,
        range("2026-03-09T10:30:00Z", "2026-03-09T11:30:00Z"),
        vec![],
    );
    store
        .place_booking(&walk_in, std::slice::from_ref(&confirm_walk_in))
        .await
        .unwrap();

    let mut tx = store.begin(TxMode::Read).await.unwrap();
    assert_eq!(
        tx.bookings().get(f.business.id, first.id).await.unwrap(),
        Some(first)
    );
    assert_eq!(
        tx.bookings().get(f.business.id, walk_in.id).await.unwrap(),
        Some(walk_in)
    );
    assert_eq!(
        tx.bookings().get(f.business.id, clash.id).await.unwrap(),
        None
    );
    for (m, kept) in [
        (&confirm_first, true),
        (&confirm_clash, false),
        (&confirm_walk_in, true),
    ] {
        assert_eq!(
            tx.outbox()
                .get(f.business.id, m.id)
                .await
                .unwrap()
                .is_some(),
            kept,
            "message {:?}",
            m.payload
        );
    }
}

/// B1 held by the store: a booking's customer is a customer of its business.
pub async fn b1_a_booking_needs_a_customer_of_the_business(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let g = Fixture::write(store.as_ref(), 2, "shine").await;
    let mut of_employee = booking(
        &f,
        1,
        range("2026-03-09T10:00:00Z", "2026-03-09T11:00:00Z"),
        vec![],
    );
    of_employee.customer_id = f.owner.id;
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    assert!(
        tx.bookings().insert(&of_employee).await.is_err(),
        "an employee is no customer"
    );
    drop(tx);
    let mut elsewhere = booking(
        &f,
        2,
        range("2026-03-09T10:00:00Z", "2026-03-09T11:00:00Z"),
        vec![],
    );
    elsewhere.customer_id = g.customer.id;
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    assert!(
        tx.bookings().insert(&elsewhere).await.is_err(),
        "another business's customer"
    );
}

/// B9 records: found by (business, actor, key), replaced on save.
pub async fn idempotency_records_round_trip(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let key = IdempotencyKey::parse("key-1").unwrap();
    let mut record = IdempotencyRecord {
        business: f.business.id,
        actor: f.owner.id,
        key: key.clone(),
        fingerprint: "abc".into(),
        response: StoredResponse {
            status: 201,
            body: b"{\"id\":1}".to_vec(),
        },
        created_at: at("2026-03-01T00:00:00Z"),
    };
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    assert_eq!(
        tx.idempotency()
            .lock_and_find(f.business.id, f.owner.id, &key)
            .await
            .unwrap(),
        None
    );
    tx.idempotency().save(&record).await.unwrap();
    record.response.status = 409;
    tx.idempotency().save(&record).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    assert_eq!(
        tx.idempotency()
            .lock_and_find(f.business.id, f.owner.id, &key)
            .await
            .unwrap(),
        Some(record)
    );
    assert_eq!(
        tx.idempotency()
            .lock_and_find(f.business.id, f.provider.id, &key)
            .await
            .unwrap(),
        None,
        "per actor"
    );
}

/// Time entries: the open one, updates, lists by range.
pub async fn time_entries_round_trip(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let mut e = TimeEntry {
        id: TimeEntryId::from_uuid(uuid(700)),
        business_id: f.business.id,
        employee: f.provider.id,
        clock_in: at("2026-03-09T09:00:00Z"),
        clock_out: None,
    };
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    tx.time_entries().insert(&e).await.unwrap();
    assert_eq!(
        tx.time_entries()
            .open_entry(f.business.id, f.provider.id)
            .await
            .unwrap()
            .as_ref(),
        Some(&e)
    );
    e.clock_out = Some(at("2026-03-09T17:00:00Z"));
    tx.time_entries().update(&e).await.unwrap();
    assert_eq!(
        tx.time_entries()
            .open_entry(f.business.id, f.provider.id)
            .await
            .unwrap(),
        None
    );
    tx.commit().await.unwrap();
    let mut tx = store.begin(TxMode::Read).await.unwrap();
    let day = range("2026-03-09T00:00:00Z", "2026-03-10T00:00:00Z");
    assert_eq!(
        tx.time_entries()
            .list(f.business.id, None, day)
            .await
            .unwrap(),
        vec![e.clone()]
    );
    assert_eq!(
        tx.time_entries()
            .list(f.business.id, Some(f.owner.id), day)
            .await
            .unwrap(),
        vec![]
    );
    let later = range("2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z");
    assert_eq!(
        tx.time_entries()
            .list(f.business.id, None, later)
            .await
            .unwrap(),
        vec![]
    );
}
