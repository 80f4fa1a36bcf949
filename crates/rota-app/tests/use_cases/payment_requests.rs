//! Asking for payment: the amount due and a reference, kept on the booking
//! and emailed to the customer in the business's zone and currency; a
//! payment processor, when there is one, adds a link.

use std::sync::Arc;

use rota_app::bookings::NewPayment;
use rota_app::domain::access::{AccessRights, AccessRightsInput};
use rota_app::domain::booking::PaymentMethod;
use rota_app::domain::money::Money;
use rota_app::domain::notice::Notice;
use rota_app::ports::MockPaymentProcessor;
use rota_app::{Classify, ErrorKind};

use crate::support::salon;

#[tokio::test]
async fn asking_for_payment_keeps_a_request_and_emails_the_amount_due_with_a_reference() {
    let s = salon().await;
    let rota = &s.w.rota;
    // 09:00 UTC on 3 March is 09:00 in London (winter time).
    let booked = s
        .book(&s.owner, "2026-03-03T09:00:00Z")
        .await
        .unwrap()
        .booking
        .id;
    let part = NewPayment {
        amount: Money::new(1500).unwrap(),
        tip: Money::ZERO,
        method: PaymentMethod::Cash,
    };
    rota.record_payment(&s.owner, booked, part).await.unwrap();

    let request = rota.request_payment(&s.owner, booked, None).await.unwrap();
    assert_eq!(request.amount.minor(), 3500, "the balance: 50.00 − 15.00");
    assert!(request.reference.starts_with("PAY-") && request.reference.len() == 14);
    assert_eq!(request.link, None);
    assert_eq!(
        rota.payment_requests(&s.owner, booked).await.unwrap(),
        vec![request.clone()]
    );

    rota.deliver_due_emails(10).await.unwrap();
    let sent = s.w.mailer.delivered();
    let (to, notice) = sent.last().unwrap();
    assert_eq!(to, &s.customer.email);
    let Notice::PaymentRequest {
        amount,
        reference,
        starts_at,
        zone,
        ..
    } = notice
    else {
        panic!("{notice:?}");
    };
    assert_eq!(amount, "£35.00");
    assert_eq!(reference, &request.reference);
    assert_eq!(starts_at.to_string(), "2026-03-03T09:00:00Z");
    assert_eq!(zone.name(), "Europe/London");

    // Less than the balance is fine; more, or nothing, is not.
    let smaller = rota
        .request_payment(&s.owner, booked, Some(Money::new(1000).unwrap()))
        .await
        .unwrap();
    assert_ne!(smaller.reference, request.reference);
    for wrong in [0, 3501] {
        let err = rota
            .request_payment(&s.owner, booked, Some(Money::new(wrong).unwrap()))
            .await
            .unwrap_err();
        assert_eq!(
            (err.kind(), err.code()),
            (ErrorKind::Invalid, "validation"),
            "{wrong}"
        );
    }
    let rest = NewPayment {
        amount: Money::new(3500).unwrap(),
        tip: Money::ZERO,
        method: PaymentMethod::Card,
    };
    rota.record_payment(&s.owner, booked, rest).await.unwrap();
    let err = rota
        .request_payment(&s.owner, booked, None)
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Conflict, "nothing_due")
    );
}

#[tokio::test]
async fn r8_providers_ask_for_payment_only_with_the_payments_right() {
    let s = salon().await;
    let booked = s
        .book(&s.owner, "2026-03-03T10:00:00Z")
        .await
        .unwrap()
        .booking
        .id;
    let err =
        s.w.rota
            .request_payment(&s.provider, booked, None)
            .await
            .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    let rights = AccessRights::new(AccessRightsInput {
        payments: true,
        ..AccessRightsInput::default()
    })
    .unwrap();
    s.w.rota.set_access_rights(&s.owner, rights).await.unwrap();
    s.w.rota
        .request_payment(&s.provider, booked, None)
        .await
        .unwrap();
    let customer = rota_app::domain::actor::Actor::of(&s.customer);
    let err =
        s.w.rota
            .request_payment(&customer, booked, None)
            .await
            .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
}

#[tokio::test]
async fn a_payment_processor_gives_the_request_a_link_to_pay_at() {
    let s = salon().await;
    let booked = s
        .book(&s.owner, "2026-03-03T11:00:00Z")
        .await
        .unwrap()
        .booking
        .id;
    let mut processor = MockPaymentProcessor::new();
    processor
        .expect_checkout()
        .times(1)
        .returning(|r, currency| {
            Ok(Some(format!(
                "https://pay.example/{}?{}",
                r.reference,
                currency.as_str()
            )))
        });
    let rota = s.w.rota.clone().with_payment_processor(Arc::new(processor));
    let request = rota.request_payment(&s.owner, booked, None).await.unwrap();
    let link = request.link.clone().unwrap();
    assert_eq!(
        link,
        format!("https://pay.example/{}?GBP", request.reference)
    );
    rota.deliver_due_emails(10).await.unwrap();
    let sent = s.w.mailer.delivered();
    assert!(
        matches!(&sent.last().unwrap().1, Notice::PaymentRequest { link: Some(l), .. } if *l == link),
        "{sent:?}"
    );
}
