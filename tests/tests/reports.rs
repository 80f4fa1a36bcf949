//! R6 over HTTP on both stores: the summary of a range, for administrators.

#![allow(missing_docs, reason = "tests")]

use rota_tests::{Server, invite_provider};
use serde_json::{Value, json};

const OWNER_PW: &str = "owner's long passphrase";

rota_tests::on_every_store! {
    async fn r6_the_summary_of_a_range_over_http(db: Db) {
        let s = Server::start_on("reports", &db).await;
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
        let book = |start: &str, price: i64| {
            json!({"customer_id": customer, "starts_at": start, "ends_at": null,
                "provider_ids": [pat], "price_minor": price, "allow_outside_work_hours": true})
        };
        let mut ids = Vec::new();
        for (start, end, price) in [
            ("2030-03-04T09:00:00Z", "2030-03-04T10:30:00Z", 6000),
            ("2030-03-05T09:00:00Z", "2030-03-05T10:00:00Z", 4000),
            ("2030-03-06T09:00:00Z", "2030-03-06T10:00:00Z", 4000),
        ] {
            let mut body = book(start, price);
            body["ends_at"] = Value::String(end.to_owned());
            let made = s.expect(201, "POST", "/v1/bookings", Some(owner), Some(body)).await;
            ids.push(made["id"].as_str().unwrap().to_owned());
        }
        s.expect(201, "POST", &format!("/v1/bookings/{}/payments", ids[0]), Some(owner),
            Some(json!({"amount_minor": 6000, "tip_minor": 700, "method": "card"}))).await;
        s.expect(200, "POST", &format!("/v1/bookings/{}/cancel", ids[1]), Some(owner), None).await;
        s.expect(200, "POST", &format!("/v1/bookings/{}/no-show", ids[2]), Some(owner), None).await;

        let url = "/v1/reports/summary?from=2030-03-01T00:00:00Z&to=2030-04-01T00:00:00Z";
        let summary = s.expect(200, "GET", url, Some(owner), None).await;
        assert_eq!(summary["currency"], "GBP", "{summary}");
        assert_eq!(summary["bookings"], json!({"scheduled": 1, "in_progress": 0, "completed": 0,
            "cancelled": 1, "no_show": 1}), "{summary}");
        assert_eq!((summary["booked_minor"].as_i64(), summary["paid_minor"].as_i64(),
            summary["tips_minor"].as_i64(), summary["no_shows"].as_i64()),
            (Some(6000), Some(6000), Some(700), Some(1)), "{summary}");
        assert_eq!(summary["new_customers"], 0, "added today, not in 2030: {summary}");
        let pats = summary["providers"].as_array().unwrap().iter()
            .find(|p| p["provider_id"] == pat.as_str()).cloned().unwrap();
        assert_eq!(pats["booked_minutes"], 90, "{summary}");
        assert_eq!(pats["available_minutes"], 0, "Pat has no work hours: {summary}");
        assert_eq!(pats["utilisation"], Value::Null);
        let mine = s
            .expect(200, "GET", &format!("{url}&provider_id={pat}"), Some(owner), None)
            .await;
        assert_eq!(mine["providers"].as_array().unwrap().len(), 1, "{mine}");

        // Administrators only (R6); bad ranges are refused beside their field.
        let (status, body) = s.call("GET", url, Some(&pat_token), None).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
        let (status, body) = s.call("GET",
            "/v1/reports/summary?from=2030-01-01T00:00:00Z&to=2031-03-01T00:00:00Z",
            Some(owner), None).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.to_string().contains("\"to\""), "{body}");
        let (status, _) = s.call("GET", "/v1/reports/summary?from=soon&to=later", Some(owner), None).await;
        assert_eq!(status, 422);
        let (status, body) = s
            .call("GET", &format!("{url}&provider_id={customer}"), Some(owner), None)
            .await;
        assert_eq!(status, 404, "{body}");
    }
}
