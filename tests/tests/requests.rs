//! Requests that once answered 500 on PostgreSQL and 200 on SQLite, or were
//! refused for no good reason, answered alike on both stores.

#![allow(missing_docs)]

use rota_tests::Server;
use serde_json::json;

const PW: &str = "owner's long passphrase";

rota_tests::on_every_store! {
    async fn b10_instants_outside_1900_to_2200_are_refused_on_every_route_and_store(db: Db) {
        let s = Server::start_on("instants", &db).await;
        let owner = s.sign_up("sparkle", "olive@sparkle.example", PW).await;
        let owner = Some(owner.as_str());
        let me = s.expect(200, "GET", "/v1/me", owner, None).await["id"].as_str().unwrap().to_owned();
        let customer = s
            .expect(201, "POST", "/v1/customers", owner,
                Some(json!({"first_name": "Ana", "last_name": "Smith", "email": "ana@x.example"})))
            .await["id"].as_str().unwrap().to_owned();
        let service = s
            .expect(201, "POST", "/v1/services", owner,
                Some(json!({"name": "Clean", "duration_minutes": 60, "price_minor": 5000})))
            .await["id"].as_str().unwrap().to_owned();
        for ancient in ["-004714-01-01T00:00:00Z", "1899-12-31T23:00:00Z", "2200-01-01T00:00:00Z"] {
            let refused = [
                s.call("GET", &format!("/v1/bookings?to={ancient}"), owner, None).await,
                s.call("GET", &format!("/v1/bookings?from={ancient}"), owner, None).await,
                s.call("POST", "/v1/bookings", owner, Some(json!({"customer_id": customer,
                    "service_id": service, "starts_at": ancient}))).await,
                s.call("GET", &format!("/v1/availability?service_id={service}&from={ancient}&to=2030-01-01T00:00:00Z"), owner, None).await,
                s.call("GET", &format!("/v1/time-entries?from={ancient}"), owner, None).await,
                s.call("POST", &format!("/v1/employees/{me}/time-off"), owner, Some(json!({
                    "absence": {"kind": "range", "start": ancient, "end": "2030-01-01T00:00:00Z"}}))).await,
            ];
            for (i, (status, body)) in refused.iter().enumerate() {
                assert_eq!((*status, body["code"].as_str()), (422, Some("validation")), "{ancient}, request {i}: {body}");
            }
        }
        s.stop().await;
    }
}

rota_tests::on_every_store! {
    async fn r6_reads_once_refused_or_failing_answer_on_both_stores(db: Db) {
        let s = Server::start_on("reads", &db).await;
        let owner = s.sign_up("sparkle", "olive@sparkle.example", PW).await;
        let owner = Some(owner.as_str());
        // The subscription (PostgreSQL once locked a row in a read-only transaction).
        let sub = s.expect(200, "GET", "/v1/subscription", owner, None).await;
        assert_eq!(sub["plan"], "starter");
        // A listing with only an end.
        s.expect(200, "GET", "/v1/bookings?to=2030-01-01T00:00:00Z", owner, None).await;
        // Time entries without a range: the month up to tomorrow.
        s.expect(200, "PUT", "/v1/subscription", owner, Some(json!({"plan": "grow"}))).await;
        let me = s.expect(200, "GET", "/v1/me", owner, None).await["id"].as_str().unwrap().to_owned();
        s.expect(200, "PATCH", &format!("/v1/employees/{me}"), owner,
            Some(json!({"roles": ["administrator", "service_provider"]}))).await;
        s.expect(200, "PUT", "/v1/settings/access-rights", owner, Some(json!({"time_tracking": "edit"}))).await;
        s.expect(201, "POST", "/v1/time-entries/clock-in", owner, None).await;
        let entries = s.expect(200, "GET", "/v1/time-entries", owner, None).await;
        assert_eq!(entries.as_array().map(Vec::len), Some(1), "{entries}");
        s.stop().await;
    }
}

rota_tests::on_every_store! {
    async fn b3_an_unassigned_booking_may_leave_out_provider_ids(db: Db) {
        let s = Server::start_on("unassigned", &db).await;
        let owner = s.sign_up("sparkle", "olive@sparkle.example", PW).await;
        let owner = Some(owner.as_str());
        let customer = s
            .expect(201, "POST", "/v1/customers", owner,
                Some(json!({"first_name": "Ana", "last_name": "Smith", "email": "ana@x.example"})))
            .await["id"].as_str().unwrap().to_owned();
        let made = s
            .expect(201, "POST", "/v1/bookings", owner, Some(json!({"customer_id": customer,
                "starts_at": "2030-03-04T10:00:00Z", "ends_at": "2030-03-04T11:00:00Z"})))
            .await;
        assert_eq!(made["providers"], json!([]));
        s.stop().await;
    }
}
