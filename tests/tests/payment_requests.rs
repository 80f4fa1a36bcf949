//! Asking for payment over HTTP, on both stores: the request is kept on the
//! booking and the customer gets an email with the amount due, in the
//! business's currency, and a reference.

#![allow(missing_docs, reason = "tests")]

use std::time::{Duration, Instant};

use rota_tests::{Server, invite_provider};
use serde_json::json;

const OWNER_PW: &str = "owner's long passphrase";

rota_tests::on_every_store! {
    async fn asking_a_customer_to_pay_over_http(db: Db) {
        let s = Server::start_on("payment-requests", &db).await;
        let owner = s.sign_up("sparkle", "olive@sparkle.example", OWNER_PW).await;
        let owner = owner.as_str();
        s.expect(200, "PUT", "/v1/subscription", Some(owner), Some(json!({"plan": "grow"}))).await;
        let (pat, pat_token) = invite_provider(&s, owner, "Pat Provider", "pat@sparkle.example").await;
        let customer = s
            .expect(201, "POST", "/v1/customers", Some(owner),
                Some(json!({"first_name": "Ana", "last_name": "Lee", "email": "ana@x.example"})))
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let booking = s
            .expect(201, "POST", "/v1/bookings", Some(owner), Some(json!({"customer_id": customer,
                "starts_at": "2030-07-01T09:00:00Z", "ends_at": "2030-07-01T10:00:00Z",
                "provider_ids": [pat], "price_minor": 6000, "allow_outside_work_hours": true})))
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        s.expect(201, "POST", &format!("/v1/bookings/{booking}/payments"), Some(owner),
            Some(json!({"amount_minor": 1000, "method": "cash"}))).await;

        let path = format!("/v1/bookings/{booking}/payment-requests");
        let made = s.expect(201, "POST", &path, Some(owner), Some(json!({}))).await;
        assert_eq!(made["amount_minor"], 5000, "the balance: {made}");
        let reference = made["reference"].as_str().unwrap().to_owned();
        assert!(reference.starts_with("PAY-"), "{made}");
        let listed = s.expect(200, "GET", &path, Some(owner), None).await;
        assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
        assert_eq!(listed[0]["reference"], reference.as_str());

        // The email: the amount in pounds, the reference, the time in
        // London (summer time in July).
        let deadline = Instant::now() + Duration::from_secs(20);
        let email = loop {
            if let Some(e) = s.emails().into_iter().find(|e| e.contains(&reference)) {
                break e;
            }
            assert!(Instant::now() < deadline, "no email with {reference}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert!(email.contains("To: ana@x.example"), "{email}");
        // Quoted-printable: £ is =C2=A3.
        assert!(email.contains("=C2=A350.00") && email.contains("10:00 BST"), "{email}");

        // Bad amounts beside their field; providers need the payments right.
        let (status, body) = s.call("POST", &path, Some(owner), Some(json!({"amount_minor": 5001}))).await;
        assert_eq!(status, 422, "{body}");
        let (status, body) = s.call("POST", &path, Some(owner), Some(json!({"amount_minor": -5}))).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.to_string().contains("amount_minor"), "{body}");
        let (status, _) = s.call("POST", &path, Some(&pat_token), Some(json!({}))).await;
        assert_eq!(status, 403);

        // Paid in full: nothing to ask for.
        s.expect(201, "POST", &format!("/v1/bookings/{booking}/payments"), Some(owner),
            Some(json!({"amount_minor": 5000, "method": "card"}))).await;
        let (status, body) = s.call("POST", &path, Some(owner), Some(json!({}))).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("nothing_due")), "{body}");
        let log = s.expect(200, "GET", "/v1/audit-events", Some(owner), None).await.to_string();
        assert!(log.contains("payment_requested"), "{log}");
    }
}
