//! A12 over HTTP: a new address counts only once the link emailed to it
//! (`/confirm-email?token=`) is confirmed; the old address is told.

#![allow(missing_docs)]

use rota_tests::Server;
use serde_json::json;

rota_tests::on_every_store! {
    async fn a12_an_email_change_waits_for_the_new_address_to_confirm(db: Db) {
        let s = Server::start_on("email-change", &db).await;
        let owner = s.sign_up("sparkle", "olive@sparkle.example", "owner's long passphrase").await;
        let ana = s
            .expect(201, "POST", "/v1/customers", Some(&owner),
                Some(json!({"first_name": "Ana", "last_name": "Smith", "email": "ana@x.example"})))
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let path = format!("/v1/customers/{ana}");
        let patched = s
            .expect(200, "PATCH", &path, Some(&owner), Some(json!({"email": "mallory@evil.example"})))
            .await;
        assert_eq!(patched["email"], "ana@x.example", "not before it is confirmed");
        let token = s.emailed_token("mallory@evil.example", "confirm-email").await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !s.emails().iter().any(|e| e.contains("To: ana@x.example")) {
            assert!(std::time::Instant::now() < deadline, "the old address is told");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let (status, body) = s
            .call("POST", "/v1/email-changes/confirm", None, Some(json!({"token": "bogus"})))
            .await;
        assert_eq!((status, body["code"].as_str()), (422, Some("invalid_token")));
        let moved = s
            .expect(200, "POST", "/v1/email-changes/confirm", None, Some(json!({"token": token})))
            .await;
        assert_eq!(moved["email"], "mallory@evil.example");
        let seen = s.expect(200, "GET", &path, Some(&owner), None).await;
        assert_eq!(seen["email"], "mallory@evil.example");
        let events = s.expect(200, "GET", "/v1/audit-events", Some(&owner), None).await;
        let kinds: Vec<&str> = events["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["kind"].as_str())
            .collect();
        assert!(kinds.contains(&"email_change_requested") && kinds.contains(&"email_changed"), "{kinds:?}");
        s.stop().await;
    }
}
