//! Recurring bookings over HTTP, on every store (issue 19): a series is
//! booked whole, or refused naming each occurrence that cannot be booked
//! and booking none of it; this and following, or every one still to
//! come, moved or cancelled together.

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

        // The occurrences name their series, and list by it.
        let id = made["bookings"][0]["series_id"].as_str().expect("a series id").to_owned();
        let first_id = made["bookings"][0]["id"].as_str().unwrap().to_owned();
        let second_id = made["bookings"][1]["id"].as_str().unwrap().to_owned();
        let of_series = s.expect(200, "GET", &format!("/v1/bookings?series_id={id}"), Some(owner), None).await;
        assert_eq!(of_series["items"].as_array().unwrap().len(), 2, "{of_series}");
        let (status, body) = s.call("GET", "/v1/bookings?series_id=nope", Some(owner), None).await;
        assert_eq!(status, 422, "{body}");

        // Moving every one still to come onto the taken 10 March time is
        // refused naming the date that meets it; nothing moves.
        let (status, body) = s.call("PATCH", &format!("/v1/bookings/{first_id}/series"), Some(owner),
            Some(json!({"scope": "all", "start_time": "09:00", "allow_outside_work_hours": true}))).await;
        assert_eq!(status, 200, "{body}");
        let starts: Vec<&str> = body["bookings"].as_array().unwrap().iter()
            .map(|b| b["starts_at"].as_str().unwrap()).collect();
        assert_eq!(starts, ["2031-03-03T09:00:00Z", "2031-03-17T09:00:00Z"], "{body}");
        let mut taken = booking("2031-03-17T12:00:00Z");
        taken["ends_at"] = json!("2031-03-17T13:00:00Z");
        s.expect(201, "POST", "/v1/bookings", Some(owner), Some(taken)).await;
        let (status, body) = s.call("PATCH", &format!("/v1/bookings/{first_id}/series"), Some(owner),
            Some(json!({"scope": "following", "start_time": "12:30", "allow_outside_work_hours": true}))).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["code"], "series_conflicts", "{body}");
        assert_eq!(body["errors"][0]["field"], "2031-03-17T12:30:00Z", "{body}");
        let still = s.expect(200, "GET", &format!("/v1/bookings/{first_id}"), Some(owner), None).await;
        assert_eq!(still["starts_at"], "2031-03-03T09:00:00Z", "{still}");
        let (status, body) = s.call("PATCH", &format!("/v1/bookings/{first_id}/series"), Some(owner),
            Some(json!({"scope": "sometimes"}))).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["errors"][0]["field"], "scope", "{body}");

        // Cancelling from the second on cancels it alone; then nothing is left there.
        let done = s.expect(200, "POST", &format!("/v1/bookings/{second_id}/series/cancel"), Some(owner),
            Some(json!({"scope": "following"}))).await;
        assert_eq!(done["bookings"].as_array().unwrap().len(), 1, "{done}");
        assert_eq!(done["bookings"][0]["status"], "cancelled", "{done}");
        let (status, body) = s.call("POST", &format!("/v1/bookings/{second_id}/series/cancel"), Some(owner),
            Some(json!({"scope": "following"}))).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["code"], "series_over", "{body}");
        // A booking made alone is in no series.
        let alone = listed["items"].as_array().unwrap().iter()
            .find(|b| b["series_id"].is_null()).unwrap()["id"].as_str().unwrap().to_owned();
        let (status, body) = s.call("POST", &format!("/v1/bookings/{alone}/series/cancel"), Some(owner),
            Some(json!({"scope": "all"}))).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["code"], "not_in_series", "{body}");
    }
}
