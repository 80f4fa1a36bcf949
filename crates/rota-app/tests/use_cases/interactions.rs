//! What a use case asks of its ports, stated with mockall: the calls that
//! must happen, how many times, and the ones that must not. Reads come from
//! snapshots of the world's in-memory store; the writes are what is watched.

use std::sync::{Arc, Mutex};

use mockall::predicate::eq;
use rota_app::Classify;
use rota_app::auth::SignIn;
use rota_app::domain::jiff::SignedDuration;
use rota_app::ports::{
    HashError, MailError, MockMailer, MockPasswordHasher, MockStore, PasswordHash, TxMode,
    UnitOfWork,
};
use rota_app::secrecy::{ExposeSecret, SecretString};

use rota_app::domain::plan::Plan;
use rota_app::domain::role::RoleSet;

use crate::support::{Salon, new_employee, salon, world};

/// A store that hands out `reads` for every transaction that is not a
/// write, and expects no write transaction at all.
fn reading_only(reads: Vec<Box<dyn UnitOfWork>>) -> MockStore {
    let reads = Mutex::new(reads);
    let mut store = MockStore::new();
    store.expect_begin().with(eq(TxMode::Write)).never();
    store
        .expect_begin()
        .returning(move |_| Ok(reads.lock().unwrap().pop().expect("a read snapshot left")));
    store
}

#[tokio::test]
async fn b1_r10_a_refused_booking_opens_no_write_and_queues_no_email() {
    let s: Salon = salon().await;
    // A customer may not book while online booking is off (R10).
    let customer = s.w.activate(&s.customer).await;
    let mut store = reading_only(s.w.snapshots(8).await);
    store.expect_place_booking().never();
    let rota = s.w.storing_in(Arc::new(store));
    let mut request = s.request("2026-03-03T10:00:00Z");
    request.providers = vec![];
    let err = rota
        .create_booking(&customer, request, None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "forbidden");
    // And one that overlaps nothing but is outside work hours (B5).
    let store = {
        let mut store = reading_only(s.w.snapshots(8).await);
        store.expect_place_booking().never();
        store
    };
    let rota = s.w.storing_in(Arc::new(store));
    let err = rota
        .create_booking(&s.owner, s.request("2026-03-03T20:00:00Z"), None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "outside_work_hours");
}

#[tokio::test]
async fn b1_a8_a_placed_booking_queues_exactly_one_email_in_its_own_write() {
    let s = salon().await;
    let mut store = reading_only(s.w.snapshots(8).await);
    store
        .expect_place_booking()
        .times(1)
        .withf(|booking, messages| {
            messages.len() == 1
                && messages[0].business_id == booking.business_id
                && messages[0].recipient.as_str() == "ana@x.example"
        })
        .returning(|_, _| Ok(()));
    let rota = s.w.storing_in(Arc::new(store));
    rota.create_booking(&s.owner, s.request("2026-03-03T10:00:00Z"), None)
        .await
        .unwrap();
}

/// A hasher that verifies the world's insecure hashes and says whether a
/// hash is weaker than it would make.
fn hasher(weaker: bool, rehashes: usize) -> MockPasswordHasher {
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().times(1).returning(|password, hash| {
        Ok::<_, HashError>(
            hash.as_str().strip_prefix("insecure$") == Some(password.expose_secret()),
        )
    });
    hasher.expect_needs_rehash().return_const(weaker);
    hasher.expect_dummy_hash().never();
    hasher.expect_hash().times(rehashes).returning(|password| {
        Ok(PasswordHash::new(format!(
            "insecure${}",
            password.expose_secret()
        )))
    });
    hasher
}

fn owner_signs_in() -> SignIn {
    SignIn {
        business: "salon".into(),
        email: "owner@salon.example".into(),
        password: SecretString::from("correct horse battery staple"),
        client: Some("192.0.2.7".into()),
    }
}

#[tokio::test]
async fn a1_a_sign_in_with_a_current_hash_never_rehashes() {
    let s = salon().await;
    let rota = s.w.hashing_with(Arc::new(hasher(false, 0)));
    rota.sign_in(owner_signs_in()).await.unwrap();
}

#[tokio::test]
async fn a1_a_sign_in_with_a_weaker_hash_rehashes_once() {
    let s = salon().await;
    let rota = s.w.hashing_with(Arc::new(hasher(true, 1)));
    rota.sign_in(owner_signs_in()).await.unwrap();
}

#[tokio::test]
async fn a8_delivery_sends_each_message_once_and_records_each_outcome_once() {
    let w = world();
    let (_, owner) = w.sign_up("acme").await;
    w.rota.change_plan(&owner, Plan::Grow).await.unwrap();
    for who in ["one", "two", "three"] {
        w.rota
            .add_employee(
                &owner,
                new_employee(
                    &format!("{who}@acme.example"),
                    RoleSet::ServiceProvider,
                    false,
                ),
            )
            .await
            .unwrap();
    }
    // Three invitations queued; one address fails.
    let mut mailer = MockMailer::new();
    mailer.expect_deliver().times(3).returning(|to, _| {
        if to.as_str() == "two@acme.example" {
            Err(MailError("mailbox unavailable".into()))
        } else {
            Ok(())
        }
    });
    mailer.expect_seal().never();
    let rota = w.delivering_with(Arc::new(mailer));
    let report = rota.deliver_due_emails(100).await.unwrap();
    assert_eq!((report.sent, report.failed), (2, 1));
    // At once again: nothing is due (the failure waits for its retry), so
    // the mailer is not asked again — the three expectations above hold.
    let report = rota.deliver_due_emails(100).await.unwrap();
    assert_eq!((report.sent, report.failed), (0, 0));
    // The failure is retried later, once, and only it.
    w.clock.advance(SignedDuration::from_hours(2));
    let mut mailer = MockMailer::new();
    mailer
        .expect_deliver()
        .times(1)
        .withf(|to, _| to.as_str() == "two@acme.example")
        .returning(|_, _| Ok(()));
    let report = w
        .delivering_with(Arc::new(mailer))
        .deliver_due_emails(100)
        .await
        .unwrap();
    assert_eq!((report.sent, report.failed), (1, 0));
}
