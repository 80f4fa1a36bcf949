//! Bookings: round trips and lists, B4 in the store (overlaps refused,
//! a booking and its email kept or refused together), B1's customer.

use rota_app::domain::booking::{Booking, BookingStatus, Payment, PaymentMethod};
use rota_app::domain::id::{AccountId, PaymentId, ServiceId};
use rota_app::domain::money::Money;
use rota_app::domain::service::Buffers;
use rota_app::ports::{BookingQuery, Conflict, NamedBooking, StoreError, TxMode};

use crate::Fresh;
use crate::fixtures::{Fixture, at, employee, service, uuid};
use crate::stories::outbox::message;

use super::scheduling::{booking, range};

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

/// Requests for payment come back as written, oldest first, per booking;
/// one for a booking that is not kept is refused.
pub async fn payment_requests_round_trip(fresh: Fresh) {
    use rota_app::domain::booking::PaymentRequest;
    use rota_app::domain::id::PaymentRequestId;

    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let b = booking(
        &f,
        1,
        range("2026-03-09T10:00:00Z", "2026-03-09T11:00:00Z"),
        vec![f.provider.id],
    );
    let request = |n: u128, at_: &str, link: Option<&str>| {
        let id = PaymentRequestId::from_uuid(uuid(9000 + n));
        PaymentRequest {
            id,
            business_id: f.business.id,
            booking_id: b.id,
            amount: Money::new(2500).unwrap(),
            reference: PaymentRequest::reference_for(id),
            link: link.map(str::to_owned),
            requested_by: f.owner.id,
            at: at(at_),
        }
    };
    let later = request(
        1,
        "2026-03-09T12:00:00Z",
        Some("https://pay.example/x?a=1&b='2'"),
    );
    let earlier = request(2, "2026-03-09T11:00:00Z", None);
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    tx.bookings().insert(&b).await.unwrap();
    tx.bookings().insert_payment_request(&later).await.unwrap();
    tx.bookings()
        .insert_payment_request(&earlier)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin(TxMode::Write).await.unwrap();
    assert_eq!(
        tx.bookings()
            .payment_requests(f.business.id, b.id)
            .await
            .unwrap(),
        vec![earlier.clone(), later.clone()]
    );
    let other = booking(
        &f,
        2,
        range("2026-03-10T10:00:00Z", "2026-03-10T11:00:00Z"),
        vec![],
    );
    assert!(
        tx.bookings()
            .payment_requests(f.business.id, other.id)
            .await
            .unwrap()
            .is_empty()
    );
    let mut orphan = request(3, "2026-03-09T13:00:00Z", None);
    orphan.booking_id = other.id;
    assert!(tx.bookings().insert_payment_request(&orphan).await.is_err());
}

/// W3's input: the times the providers asked about are taken — active
/// bookings only, each of their providers, within the window.
pub async fn w3_busy_times_are_the_active_bookings_of_the_providers_asked(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let quinn = employee(
        f.business.id,
        77,
        "quinn@sparkle.example",
        rota_app::domain::role::EmployeeRoles::staff(
            rota_app::domain::role::RoleSet::ServiceProvider,
        ),
    );
    let both = booking(
        &f,
        1,
        range("2026-03-09T10:00:00Z", "2026-03-09T11:00:00Z"),
        vec![f.provider.id, quinn.id],
    );
    let mut cancelled = booking(
        &f,
        2,
        range("2026-03-09T12:00:00Z", "2026-03-09T13:00:00Z"),
        vec![f.provider.id],
    );
    cancelled.status = BookingStatus::Cancelled;
    let later = booking(
        &f,
        3,
        range("2026-03-10T10:00:00Z", "2026-03-10T11:00:00Z"),
        vec![f.provider.id],
    );
    // Times of different lengths, written out of order: each start must
    // come back with its own end (stores may read them in one aggregate).
    let short = booking(
        &f,
        4,
        range("2026-03-09T15:00:00Z", "2026-03-09T15:30:00Z"),
        vec![f.provider.id],
    );
    let early = booking(
        &f,
        5,
        range("2026-03-09T07:00:00Z", "2026-03-09T09:15:00Z"),
        vec![f.provider.id],
    );
    let service = service(f.business.id, vec![], Buffers::minutes(15, 30).unwrap());
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    tx.accounts().insert(&quinn).await.unwrap();
    tx.services().insert(&service).await.unwrap();
    for b in [&both, &short, &cancelled, &later, &early] {
        tx.bookings().insert(b).await.unwrap();
    }
    tx.commit().await.unwrap();
    let monday = range("2026-03-09T00:00:00Z", "2026-03-10T00:00:00Z");
    let mut tx = store.begin(TxMode::Read).await.unwrap();
    let mut busy = tx
        .bookings()
        .busy(f.business.id, &[f.provider.id, quinn.id], monday)
        .await
        .unwrap();
    busy.sort();
    let mut expected = vec![
        (f.provider.id, both.range),
        (f.provider.id, short.range),
        (f.provider.id, early.range),
        (quinn.id, both.range),
    ];
    expected.sort();
    assert_eq!(busy, expected);
    let quinns = tx
        .bookings()
        .busy(f.business.id, &[quinn.id], monday)
        .await
        .unwrap();
    assert_eq!(quinns, vec![(quinn.id, both.range)]);
    assert!(
        tx.bookings()
            .busy(f.business.id, &[], monday)
            .await
            .unwrap()
            .is_empty()
    );
    // One provider's booked times, read with the service, their account
    // and their working time in one statement: each part as read alone.
    let b = f.business.id;
    let found = tx
        .calendars()
        .provider_time(b, service.id, f.provider.id, monday, monday)
        .await
        .unwrap()
        .expect("the service");
    let mut booked = found.booked.clone();
    booked.sort();
    let own: Vec<_> = expected
        .iter()
        .filter(|(p, _)| *p == f.provider.id)
        .copied()
        .collect();
    assert_eq!(booked, own, "booked times, read with the working time");
    assert_eq!(found.service, service);
    assert_eq!(found.account.as_ref(), Some(&f.provider));
    let alone = tx
        .calendars()
        .working_time(b, &[f.provider.id], monday)
        .await;
    assert_eq!(found.working, alone.unwrap());
    let tuesday = range("2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z");
    let found = tx
        .calendars()
        .provider_time(b, service.id, f.provider.id, monday, tuesday)
        .await
        .unwrap()
        .expect("the service");
    assert_eq!(
        found.booked,
        vec![(f.provider.id, later.range)],
        "booked within their own window"
    );
    let found = tx
        .calendars()
        .provider_time(b, service.id, quinn.id, monday, monday)
        .await
        .unwrap()
        .expect("the service");
    assert_eq!(
        (found.account, found.booked),
        (Some(quinn.clone()), vec![(quinn.id, both.range)])
    );
    let nobody = AccountId::from_uuid(uuid(999_999));
    let found = tx
        .calendars()
        .provider_time(b, service.id, nobody, monday, monday)
        .await
        .unwrap()
        .expect("the service");
    assert_eq!(
        (found.account, found.booked),
        (None, vec![]),
        "no such account"
    );
    let other = ServiceId::from_uuid(uuid(501));
    let none = tx
        .calendars()
        .provider_time(b, other, f.provider.id, monday, monday)
        .await
        .unwrap();
    assert_eq!(none, None, "no such service");
}
