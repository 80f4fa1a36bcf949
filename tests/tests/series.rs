//! Recurring bookings over HTTP, on every store (issue 19): a series is
//! booked whole, or refused naming each occurrence that cannot be booked
//! and booking none of it.

#![allow(missing_docs, reason = "tests")]

use rota_tests::{Server, invite_provider};
use serde_json::json;

const OWNER_PW: &str = "owner's long passphrase";

rota_tests::on_every_store! {
    async fn a_series_over_http_is_whole_or_names_each_refused_date(db: Db) {
        let s = Server::start_on("series", &db).await;
        let owner = s.sign_up("sparkle", "olive@sparkle.example", OWNER_PW).await;
        let owner = owner.as_str();
        s.expect(200, "PUT", "/v1/subscription", Some(owner), Some(json!({"plan": "grow"}))).await;
        let (pat, _) = invite_provider(&s, owner, "Pat Provider", "pat@sparkle.example").await;
        let customer = s
            .expect(201, "POST", "/v1/customers", Some(owner),
                Some(json!({"first_name": "Ana", "last_name": "Lee", "email": "ana@x.example"})))
            .await["id"].as_str().unwrap().to_owned();
        let booking = |start: &str| json!({"customer_id": customer, "starts_at": start,
            "ends_at": null, "provider_ids": [pat], "price_minor": 5000,
            "allow_outside_work_hours": true});
        let mut one = booking("2031-03-10T09:00:00Z");
        one["ends_at"] = json!("2031-03-10T10:00:00Z");
        s.expect(201, "POST", "/v1/bookings", Some(owner), Some(one)).await;
        let mut first = booking("2031-03-03T09:30:00Z");
        first["ends_at"] = json!("2031-03-03T10:30:00Z");
        let series = |skip: Vec<&str>| json!({"booking": first, "skip_dates": skip,
            "recurrence": {"frequency": {"kind": "weekly", "every": 1}, "ends": {"kind": "after", "count": 3}}});

        // 10 March is taken: refused, naming that date, nothing booked.
        let (status, body) = s.call("POST", "/v1/bookings/series", Some(owner), Some(series(vec![]))).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["code"], "series_conflicts", "{body}");
        assert_eq!(body["errors"][0]["field"], "2031-03-10T09:30:00Z", "{body}");
        assert_eq!(body["errors"][0]["code"], "double_booking", "{body}");
        assert_eq!(body["errors"].as_array().unwrap().len(), 1, "{body}");
        let listed = s.expect(200, "GET", "/v1/bookings", Some(owner), None).await;
        assert_eq!(listed["items"].as_array().unwrap().len(), 1, "{listed}");

        // A bad rule is refused beside its field.
        let mut bad = series(vec![]);
        bad["recurrence"]["frequency"]["every"] = json!(0);
        let (status, body) = s.call("POST", "/v1/bookings/series", Some(owner), Some(bad)).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.to_string().contains("recurrence"), "{body}");

        // Skipping it books the other two.
        let made = s.expect(201, "POST", "/v1/bookings/series", Some(owner), Some(series(vec!["2031-03-10"]))).await;
        let starts: Vec<&str> = made["bookings"].as_array().unwrap().iter()
            .map(|b| b["starts_at"].as_str().unwrap()).collect();
        assert_eq!(starts, ["2031-03-03T09:30:00Z", "2031-03-17T09:30:00Z"], "{made}");
        let listed = s.expect(200, "GET", "/v1/bookings", Some(owner), None).await;
        assert_eq!(listed["items"].as_array().unwrap().len(), 3, "{listed}");
    }
}
