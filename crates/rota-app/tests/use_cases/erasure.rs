//! Erasing a customer: their data replaced for good, their bookings and
//! amounts kept, refused while bookings are to come, administrators only.

use rota_app::bookings::NewPayment;
use rota_app::domain::account::{AccountStatus, CustomerDetails, Text};
use rota_app::domain::audit::AuditChange;
use rota_app::domain::booking::PaymentMethod;
use rota_app::domain::money::Money;
use rota_app::domain::time::TimeRange;
use rota_app::erasure::is_erased;
use rota_app::ports::{Store, TxMode};
use rota_app::reports::SummaryQuery;
use rota_app::{Classify, ErrorKind};

use crate::support::{at, salon};

#[tokio::test]
async fn erasing_a_customer_replaces_their_data_and_keeps_the_totals() {
    let s = salon().await;
    let rota = &s.w.rota;
    let mut request = s.request("2026-03-03T10:00:00Z");
    request.notes = Text::parse("Gate code 4471").unwrap();
    let booked = match rota.create_booking(&s.owner, request, None).await.unwrap() {
        rota_app::bookings::Created::New(v) => v.booking.id,
        rota_app::bookings::Created::Replayed(_) => unreachable!("no key was given"),
    };
    let payment = NewPayment {
        amount: Money::new(5000).unwrap(),
        tip: Money::new(300).unwrap(),
        method: PaymentMethod::Cash,
    };
    rota.record_payment(&s.owner, booked, payment)
        .await
        .unwrap();
    let march = SummaryQuery {
        range: TimeRange::new(at("2026-03-01T00:00:00Z"), at("2026-04-01T00:00:00Z")).unwrap(),
        provider: None,
    };
    let before = rota.report_summary(&s.owner, march).await.unwrap();

    // Refused while the booking is to come; a provider may never erase.
    let err = rota
        .erase_customer(&s.owner, s.customer.id)
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Conflict, "customer_has_upcoming_bookings")
    );
    let err = rota
        .erase_customer(&s.provider, s.customer.id)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);

    s.w.clock.set(at("2026-03-04T00:00:00Z"));
    let erased = rota.erase_customer(&s.owner, s.customer.id).await.unwrap();
    assert!(is_erased(&erased));
    assert_eq!(erased.status, AccountStatus::Deactivated);
    let profile = erased.customer().unwrap();
    assert_eq!(profile.full_name(), "Erased customer");
    assert_eq!(profile.details, CustomerDetails::default());
    assert!(profile.archived_at.is_some());
    assert_ne!(erased.email, s.customer.email);

    // Bookings and amounts stay; the booking's notes go.
    let after = rota.report_summary(&s.owner, march).await.unwrap();
    assert_eq!(after, before);
    let mut tx = s.w.store.begin(TxMode::Read).await.unwrap();
    let booking = tx
        .bookings()
        .get(s.owner.business, booked)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((booking.paid.minor(), booking.notes), (5000, None));
    drop(tx);

    // Again: nothing changes, nothing more is audited; no restoring.
    assert_eq!(
        rota.erase_customer(&s.owner, s.customer.id).await.unwrap(),
        erased
    );
    let err = rota
        .restore_customer(&s.owner, s.customer.id)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "customer_erased");
    let log = rota
        .audit_events(&s.owner, None, rota_app::page::Limit::default())
        .await
        .unwrap();
    let erasures = log
        .items
        .iter()
        .filter(|e| e.change == AuditChange::CustomerErased)
        .count();
    assert_eq!(erasures, 1);
}
