use rota_app::bookings::{BookingChanges, BookingFilter, Created, IdempotencyRequest, NewPayment};
use rota_app::domain::access::{AccessRights, AccessRightsInput, Privacy};
use rota_app::domain::actor::Actor;
use rota_app::domain::booking::{BookingStatus, PaymentMethod, ScheduleError};
use rota_app::domain::idempotency::IdempotencyKey;
use rota_app::domain::jiff::SignedDuration;
use rota_app::domain::money::Money;
use rota_app::domain::role::RoleSet;
use rota_app::page::Limit;
use rota_app::ports::StoredResponse;
use rota_app::settings::BusinessChanges;
use rota_app::{Classify, ErrorKind, Rota};

use crate::support::{at, new_customer, salon};

// Monday 2026-03-09, Europe/London is on GMT: 10:00 local = 10:00Z.
const MON_10: &str = "2026-03-09T10:00:00Z";

#[tokio::test]
async fn b2_a_service_booking_takes_the_service_duration_and_price() {
    let s = salon().await;
    let v = s.book(&s.owner, MON_10).await.unwrap();
    assert_eq!(v.booking.range.end(), at("2026-03-09T11:00:00Z"));
    assert_eq!(v.booking.price.minor(), 5000);
    assert_eq!(v.customer_name, "Ana Smith");
    assert_eq!(v.providers[0].1, "Sam Staff");
}

#[tokio::test]
async fn b1_r12_the_customer_must_be_of_this_business() {
    let s = salon().await;
    let (_, other) = s.w.sign_up("elsewhere").await;
    let stranger =
        s.w.rota
            .create_customer(&other, new_customer("z@x.example", "Zed", "Z"))
            .await
            .unwrap();
    let mut req = s.request(MON_10);
    req.customer = stranger.id;
    let err =
        s.w.rota
            .create_booking(&s.owner, req, None)
            .await
            .unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::Invalid, "validation"));
    assert!(matches!(
        err,
        rota_app::bookings::BookingError::Schedule(ScheduleError::CustomerNotFound)
    ));
}

#[tokio::test]
async fn b3_only_active_service_providers_are_assigned() {
    let s = salon().await;
    let mut req = s.request(MON_10);
    req.providers = vec![s.owner.id];
    let err =
        s.w.rota
            .create_booking(&s.owner, req, None)
            .await
            .unwrap_err();
    assert!(matches!(
        err,
        rota_app::bookings::BookingError::Schedule(ScheduleError::NotAProvider(_))
    ));
    s.w.rota
        .deactivate_employee(&s.owner, s.provider.id)
        .await
        .unwrap();
    let err = s.book(&s.owner, MON_10).await.unwrap_err();
    assert_eq!(err.code(), "provider_inactive");
}

#[tokio::test]
async fn b4_no_provider_is_double_booked_and_touching_is_fine() {
    let s = salon().await;
    s.book(&s.owner, MON_10).await.unwrap();
    let err = s.book(&s.owner, "2026-03-09T10:30:00Z").await.unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Conflict, "double_booking")
    );
    s.book(&s.owner, "2026-03-09T11:00:00Z").await.unwrap();
}

#[tokio::test]
async fn b6_a_cancelled_booking_frees_its_time() {
    let s = salon().await;
    let first = s.book(&s.owner, MON_10).await.unwrap();
    s.w.rota
        .cancel_booking(&s.owner, first.booking.id)
        .await
        .unwrap();
    s.book(&s.owner, MON_10).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn b4_concurrent_bookings_never_overlap() {
    let s = salon().await;
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let rota = s.w.rota.clone();
            let owner = s.owner;
            let mut req = s.request(MON_10);
            req.starts_at = at(MON_10)
                .checked_add(SignedDuration::from_mins(i % 4 * 10))
                .unwrap();
            tokio::spawn(async move { rota.create_booking(&owner, req, None).await })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => assert_eq!(e.code(), "double_booking", "{e:?}"),
        }
    }
    assert_eq!(ok, 1);
}

#[tokio::test]
async fn b5_outside_work_hours_needs_an_administrators_override() {
    let s = salon().await;
    let mut req = s.request("2026-03-09T17:30:00Z");
    let err =
        s.w.rota
            .create_booking(&s.owner, req.clone(), None)
            .await
            .unwrap_err();
    assert_eq!(err.code(), "outside_work_hours");
    req.allow_outside_work_hours = true;
    s.w.rota
        .create_booking(&s.owner, req.clone(), None)
        .await
        .unwrap();
    // Nobody else can override: the customer books for themselves.
    s.w.rota
        .update_business(
            &s.owner,
            BusinessChanges {
                online_booking: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let customer = s.w.activate(&s.customer).await;
    req.starts_at = at("2026-03-10T18:00:00Z");
    let err =
        s.w.rota
            .create_booking(&customer, req, None)
            .await
            .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
}

#[tokio::test]
async fn b6_status_moves_and_reschedules_recheck_the_rules() {
    let s = salon().await;
    let a = s.book(&s.owner, MON_10).await.unwrap().booking;
    let b = s
        .book(&s.owner, "2026-03-09T12:00:00Z")
        .await
        .unwrap()
        .booking;
    let clash = BookingChanges {
        starts_at: Some(at("2026-03-09T10:30:00Z")),
        ..Default::default()
    };
    let err =
        s.w.rota
            .update_booking(&s.owner, b.id, clash)
            .await
            .unwrap_err();
    assert_eq!(err.code(), "double_booking");
    let later = BookingChanges {
        starts_at: Some(at("2026-03-09T14:00:00Z")),
        ..Default::default()
    };
    let moved =
        s.w.rota
            .update_booking(&s.owner, b.id, later)
            .await
            .unwrap();
    assert_eq!(
        moved.booking.range.end(),
        at("2026-03-09T15:00:00Z"),
        "the length is kept"
    );
    assert_eq!(moved.booking.sequence, 1);
    // The provider starts and completes their own booking, but cannot cancel it.
    s.w.rota.start_booking(&s.provider, a.id).await.unwrap();
    let err =
        s.w.rota
            .cancel_booking(&s.provider, b.id)
            .await
            .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    let done = s.w.rota.complete_booking(&s.provider, a.id).await.unwrap();
    assert_eq!(done.booking.status, BookingStatus::Completed);
    let err = s.w.rota.cancel_booking(&s.owner, a.id).await.unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Conflict, "invalid_transition")
    );
}

#[tokio::test]
async fn b7_archived_customers_cannot_be_booked() {
    let s = salon().await;
    s.w.rota
        .archive_customer(&s.owner, s.customer.id)
        .await
        .unwrap();
    let err = s.book(&s.owner, MON_10).await.unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Conflict, "customer_archived")
    );
}

#[tokio::test]
async fn b8_r8_payments_and_tips_follow_the_access_rights() {
    let s = salon().await;
    let b = s.book(&s.owner, MON_10).await.unwrap().booking;
    let pay = |amount, tip| NewPayment {
        amount: Money::new(amount).unwrap(),
        tip: Money::new(tip).unwrap(),
        method: PaymentMethod::Card,
    };
    let err =
        s.w.rota
            .record_payment(&s.provider, b.id, pay(0, 300))
            .await
            .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    let rights = AccessRights::new(AccessRightsInput {
        tips: true,
        ..AccessRightsInput::default()
    })
    .unwrap();
    s.w.rota.set_access_rights(&s.owner, rights).await.unwrap();
    s.w.rota
        .record_payment(&s.provider, b.id, pay(0, 300))
        .await
        .unwrap();
    let err =
        s.w.rota
            .record_payment(&s.provider, b.id, pay(1000, 0))
            .await
            .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::Forbidden,
        "an amount needs `payments`"
    );
    let err =
        s.w.rota
            .record_payment(&s.owner, b.id, pay(5001, 0))
            .await
            .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Conflict, "overpayment")
    );
    let paid =
        s.w.rota
            .record_payment(&s.owner, b.id, pay(5000, 0))
            .await
            .unwrap();
    assert_eq!(
        (paid.booking.balance_minor(), paid.booking.tips.minor()),
        (0, 300)
    );
}

fn render(
    result: &Result<rota_app::bookings::BookingView, rota_app::bookings::BookingError>,
) -> Option<StoredResponse> {
    Some(match result {
        Ok(v) => StoredResponse {
            status: 201,
            body: v.booking.id.to_string().into_bytes(),
        },
        Err(e) if e.kind() == ErrorKind::Unexpected => return None,
        Err(e) => StoredResponse {
            status: 409,
            body: e.code().as_bytes().to_vec(),
        },
    })
}

#[tokio::test]
async fn b9_a_retry_with_the_same_key_replays_and_creates_nothing() {
    let s = salon().await;
    let key = IdempotencyKey::parse("retry-1").unwrap();
    let req = |fp: &str| IdempotencyRequest {
        key: key.clone(),
        fingerprint: fp.into(),
        render: &render,
    };
    let Created::New(first) =
        s.w.rota
            .create_booking(&s.owner, s.request(MON_10), Some(req("a")))
            .await
            .unwrap()
    else {
        panic!("first call creates")
    };
    let Created::Replayed(again) =
        s.w.rota
            .create_booking(&s.owner, s.request(MON_10), Some(req("a")))
            .await
            .unwrap()
    else {
        panic!("retry replays")
    };
    assert_eq!(
        (again.status, again.body),
        (201, first.booking.id.to_string().into_bytes())
    );
    let err =
        s.w.rota
            .create_booking(&s.owner, s.request(MON_10), Some(req("b")))
            .await
            .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Invalid, "idempotency_key_reused")
    );
    let all =
        s.w.rota
            .list_bookings(&s.owner, BookingFilter::default(), None, Limit::default())
            .await
            .unwrap();
    assert_eq!(all.items.len(), 1);
    // A day later the key is forgotten.
    s.w.clock.advance(SignedDuration::from_hours(24));
    let err =
        s.w.rota
            .create_booking(&s.owner, s.request(MON_10), Some(req("b")))
            .await
            .unwrap_err();
    assert_eq!(err.code(), "double_booking", "treated as a new request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn b9_two_at_once_with_one_key_create_one_booking() {
    let s = salon().await;
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let rota = s.w.rota.clone();
            let owner = s.owner;
            let req = s.request(MON_10);
            tokio::spawn(async move {
                let key = IdempotencyKey::parse("same").unwrap();
                let idem = IdempotencyRequest {
                    key,
                    fingerprint: "fp".into(),
                    render: &render,
                };
                match rota.create_booking(&owner, req, Some(idem)).await.unwrap() {
                    Created::New(v) => v.booking.id.to_string().into_bytes(),
                    Created::Replayed(r) => r.body,
                }
            })
        })
        .collect();
    let mut bodies = Vec::new();
    for t in tasks {
        bodies.push(t.await.unwrap());
    }
    bodies.dedup();
    assert_eq!(bodies.len(), 1, "every response names the same booking");
    let all =
        s.w.rota
            .list_bookings(&s.owner, BookingFilter::default(), None, Limit::default())
            .await
            .unwrap();
    assert_eq!(all.items.len(), 1);
}

#[tokio::test]
async fn r10_customers_book_themselves_only_online_and_cancel_before_the_notice() {
    let s = salon().await;
    let customer = s.w.activate(&s.customer).await;
    let err = s.book(&customer, MON_10).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden, "online booking is off");
    s.w.rota
        .update_business(
            &s.owner,
            BusinessChanges {
                online_booking: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    // The clock is at 2026-03-02T09:00Z; the booking is a week ahead.
    let mine = s.book(&customer, MON_10).await.unwrap().booking;
    s.w.clock.set(at("2026-03-08T10:00:01Z"));
    let err =
        s.w.rota
            .cancel_booking(&customer, mine.id)
            .await
            .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Conflict, "cancellation_window_passed")
    );
    s.w.clock.set(at("2026-03-08T10:00:00Z"));
    s.w.rota.cancel_booking(&customer, mine.id).await.unwrap();
    // Too soon for online booking (minimum notice is an hour).
    s.w.clock.set(at("2026-03-09T09:30:00Z"));
    let err = s.book(&customer, MON_10).await.unwrap_err();
    assert_eq!(err.code(), "not_available");
}

#[tokio::test]
async fn r8_r10_each_actor_lists_only_their_bookings_with_names_as_allowed() {
    let s = salon().await;
    let second =
        s.w.employee(
            &s.owner,
            "quinn@salon.example",
            RoleSet::ServiceProvider,
            false,
        )
        .await;
    s.w.rota
        .set_work_calendar(
            &s.owner,
            second.id,
            s.w.rota
                .work_calendar(&s.owner, s.provider.id)
                .await
                .unwrap(),
        )
        .await
        .unwrap();
    s.book(&s.owner, MON_10).await.unwrap();
    let mut other = s.request(MON_10);
    other.providers = vec![second.id];
    s.w.rota
        .create_booking(&s.owner, other, None)
        .await
        .unwrap();

    let rights = abbreviating_names();
    s.w.rota.set_access_rights(&s.owner, rights).await.unwrap();
    let mine =
        s.w.rota
            .list_bookings(
                &s.provider,
                BookingFilter::default(),
                None,
                Limit::default(),
            )
            .await
            .unwrap();
    assert_eq!(mine.items.len(), 1);
    assert_eq!(mine.items[0].customer_name, "Ana S.");
    let asked = BookingFilter {
        provider: Some(second.id),
        ..BookingFilter::default()
    };
    let err =
        s.w.rota
            .list_bookings(&s.provider, asked, None, Limit::default())
            .await
            .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    let all =
        s.w.rota
            .list_bookings(&s.owner, BookingFilter::default(), None, Limit::default())
            .await
            .unwrap();
    assert_eq!(all.items.len(), 2);
    let customer = s.w.activate(&s.customer).await;
    let theirs =
        s.w.rota
            .list_bookings(&customer, BookingFilter::default(), None, Limit::default())
            .await
            .unwrap();
    assert_eq!(theirs.items.len(), 2);
    assert!(
        theirs
            .items
            .iter()
            .all(|v| v.providers.iter().all(|(_, name)| name == "Sam Staff"))
    );
}

#[tokio::test]
async fn r8_listings_show_changes_at_once_here_and_elsewhere() {
    let s = salon().await;
    // A second server process on the same database.
    let elsewhere = s.w.another_process();
    let seen = |rota: Rota, actor: Actor| async move {
        rota.list_bookings(&actor, BookingFilter::default(), None, Limit::default())
            .await
            .unwrap()
            .items
    };
    assert!(seen(s.w.rota.clone(), s.owner).await.is_empty());
    assert!(seen(elsewhere.clone(), s.owner).await.is_empty());
    assert!(seen(s.w.rota.clone(), s.provider).await.is_empty());
    s.book(&s.owner, MON_10).await.unwrap();
    assert_eq!(
        seen(s.w.rota.clone(), s.owner).await.len(),
        1,
        "here: at once"
    );
    let before = seen(s.w.rota.clone(), s.provider).await;
    assert_eq!(before[0].customer_name, "Ana Smith");
    let rights = abbreviating_names();
    s.w.rota.set_access_rights(&s.owner, rights).await.unwrap();
    let after = seen(s.w.rota.clone(), s.provider).await;
    assert_eq!(after[0].customer_name, "Ana S.", "settings: at once");
    assert_eq!(
        seen(elsewhere, s.owner).await.len(),
        1,
        "elsewhere: at once, without waiting (SPEC §8)"
    );
}

/// Access rights that abbreviate customers' last names for providers (R8).
fn abbreviating_names() -> AccessRights {
    AccessRights::new(AccessRightsInput {
        privacy: Privacy {
            abbreviate_names: true,
            hide_addresses_after_hours: None,
        },
        ..AccessRightsInput::default()
    })
    .unwrap()
}

/// A customer of the salon with online booking on, signed in to the portal.
async fn online_customer(s: &crate::support::Salon) -> Actor {
    s.w.rota
        .update_business(
            &s.owner,
            BusinessChanges {
                online_booking: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    s.w.activate(&s.customer).await
}

async fn customer_books(
    s: &crate::support::Salon,
    customer: &Actor,
    req: rota_app::bookings::NewBooking,
) -> Result<rota_app::bookings::BookingView, rota_app::bookings::BookingError> {
    match s.w.rota.create_booking(customer, req, None).await? {
        Created::New(v) => Ok(v),
        Created::Replayed(_) => unreachable!("no key was given"),
    }
}

#[tokio::test]
async fn b10_a_customer_cannot_set_the_price_the_end_or_notes() {
    let s = salon().await;
    let customer = online_customer(&s).await;
    let mut cheap = s.request(MON_10);
    cheap.price = Some(Money::new(0).unwrap());
    let mut short = s.request(MON_10);
    short.ends_at = Some(at("2026-03-09T10:05:00Z"));
    let mut noted = s.request(MON_10);
    noted.notes = rota_app::domain::account::Text::parse("staff only").unwrap();
    for (req, field) in [(cheap, "price_minor"), (short, "ends_at"), (noted, "notes")] {
        let err = customer_books(&s, &customer, req).await.unwrap_err();
        assert_eq!((err.kind(), err.code()), (ErrorKind::Invalid, "validation"));
        assert!(err.to_string().contains(field), "{err}");
    }
    // What the service says: its price and its length.
    let v = customer_books(&s, &customer, s.request(MON_10))
        .await
        .unwrap();
    assert_eq!(v.booking.price.minor(), 5000);
    assert_eq!(v.booking.range.end(), at("2026-03-09T11:00:00Z"));
}

#[tokio::test]
async fn b10_a_customer_books_only_a_slot_availability_offers() {
    let s = salon().await;
    let customer = online_customer(&s).await;
    // No service: refused, whatever the hours.
    let mut bare = s.request("2026-03-09T03:00:00Z");
    bare.service = None;
    bare.providers = vec![];
    let err = customer_books(&s, &customer, bare).await.unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::Invalid, "validation"));
    // 03:00 is outside the provider's hours: no slot there.
    let err = customer_books(&s, &customer, s.request("2026-03-09T03:00:00Z"))
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Conflict, "not_available")
    );
    // Off the slot grid (slots start every 15 minutes).
    let err = customer_books(&s, &customer, s.request("2026-03-09T10:07:00Z"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "not_available");
    // "Anyone": no provider named, one who offers the slot is assigned.
    let mut anyone = s.request(MON_10);
    anyone.providers = vec![];
    let v = customer_books(&s, &customer, anyone).await.unwrap();
    assert_eq!(v.booking.providers, vec![s.provider.id], "never unassigned");
    // Now taken: the same slot is not offered again, to anyone.
    let mut again = s.request(MON_10);
    again.providers = vec![];
    let err = customer_books(&s, &customer, again).await.unwrap_err();
    assert_eq!(err.code(), "not_available");
    let err = customer_books(&s, &customer, s.request("2026-03-09T10:30:00Z"))
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        "not_available",
        "overlapping the booking just made"
    );
}

#[tokio::test]
async fn r10_customers_never_see_booking_notes_and_providers_see_money_only_as_allowed() {
    let s = salon().await;
    let mut req = s.request(MON_10);
    req.notes = rota_app::domain::account::Text::parse("gate code 1234; rude").unwrap();
    let Created::New(made) = s.w.rota.create_booking(&s.owner, req, None).await.unwrap() else {
        unreachable!("no key was given")
    };
    let id = made.booking.id;
    let customer = s.w.activate(&s.customer).await;
    let theirs = s.w.rota.booking(&customer, id).await.unwrap();
    assert_eq!(theirs.booking.notes, None, "the team's notes");
    let listed =
        s.w.rota
            .list_bookings(&customer, BookingFilter::default(), None, Limit::default())
            .await
            .unwrap();
    assert_eq!(listed.items[0].booking.notes, None, "listed too");
    let provider = s.w.rota.booking(&s.provider, id).await.unwrap();
    assert!(provider.booking.notes.is_some());
    assert!(
        !provider.shown.paid && !provider.shown.tips,
        "rights off by default"
    );
    let rights = AccessRights::new(AccessRightsInput {
        tips: true,
        ..AccessRightsInput::default()
    })
    .unwrap();
    s.w.rota.set_access_rights(&s.owner, rights).await.unwrap();
    let provider = s.w.rota.booking(&s.provider, id).await.unwrap();
    assert!(provider.shown.tips && !provider.shown.paid);
    let owner = s.w.rota.booking(&s.owner, id).await.unwrap();
    assert!(owner.shown.paid && owner.shown.tips && owner.booking.notes.is_some());
}

#[tokio::test]
async fn r10_b10_a_customer_moves_their_own_booking_to_an_offered_time_before_the_notice() {
    let s = salon().await;
    let customer = online_customer(&s).await;
    let mine = customer_books(&s, &customer, s.request(MON_10))
        .await
        .unwrap()
        .booking;
    let to = |start: &str| BookingChanges {
        starts_at: Some(at(start)),
        ..BookingChanges::default()
    };
    // Only the time and who serves: no notes, no end, no override.
    let noted = BookingChanges {
        notes: Some(rota_app::domain::account::Text::parse("staff only").unwrap()),
        ..to("2026-03-09T13:00:00Z")
    };
    let err =
        s.w.rota
            .update_booking(&customer, mine.id, noted)
            .await
            .unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::Invalid, "validation"));
    let forced = BookingChanges {
        allow_outside_work_hours: true,
        ..to("2026-03-09T03:00:00Z")
    };
    let err =
        s.w.rota
            .update_booking(&customer, mine.id, forced)
            .await
            .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden, "B5 is for administrators");
    // Only a time availability offers.
    let err =
        s.w.rota
            .update_booking(&customer, mine.id, to("2026-03-09T03:00:00Z"))
            .await
            .unwrap_err();
    assert_eq!(err.code(), "not_available");
    let moved =
        s.w.rota
            .update_booking(&customer, mine.id, to("2026-03-09T13:00:00Z"))
            .await
            .unwrap()
            .booking;
    assert_eq!(moved.range.start(), at("2026-03-09T13:00:00Z"));
    assert_eq!(
        moved.range.end(),
        at("2026-03-09T14:00:00Z"),
        "the service's length"
    );
    assert_eq!(moved.price.minor(), 5000, "the service's price, unchanged");
    // Another customer's booking is not theirs to move.
    let theirs = s.book(&s.owner, "2026-03-10T10:00:00Z").await.unwrap();
    let bo =
        s.w.rota
            .create_customer(&s.owner, new_customer("bo@x.example", "Bo", "Lee"))
            .await
            .unwrap();
    let other = s.w.activate(&bo).await;
    let err =
        s.w.rota
            .update_booking(&other, theirs.booking.id, to("2026-03-10T13:00:00Z"))
            .await
            .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden, "as viewing it is");
    // Past the notice (a day before it starts), no more moves.
    s.w.clock.set(at("2026-03-08T13:00:01Z"));
    let err =
        s.w.rota
            .update_booking(&customer, mine.id, to("2026-03-09T15:00:00Z"))
            .await
            .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Conflict, "cancellation_window_passed")
    );
    // And with online booking off, none at all.
    s.w.clock.set(at("2026-03-02T09:00:00Z"));
    s.w.rota
        .update_business(
            &s.owner,
            BusinessChanges {
                online_booking: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let err =
        s.w.rota
            .update_booking(&customer, mine.id, to("2026-03-09T15:00:00Z"))
            .await
            .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
}
