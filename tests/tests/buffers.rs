//! B4 with buffers over HTTP, on every store: a service keeps its provider
//! free before and after it; availability leaves room for that, and a
//! booking or a move into it is `double_booking`.

#![allow(missing_docs, reason = "tests")]

use rota_tests::{Server, invite_provider, slot_starts as starts};
use serde_json::{Value, json};

const OWNER_PW: &str = "owner's long passphrase";

rota_tests::on_every_store! {
    async fn b4_buffers_keep_a_providers_bookings_apart_over_http(db: Db) {
        let s = Server::start_on("buffers", &db).await;
        let owner = s.sign_up("sparkle", "olive@sparkle.example", OWNER_PW).await;
        let owner = owner.as_str();
        s.expect(200, "PUT", "/v1/subscription", Some(owner), Some(json!({"plan": "grow"}))).await;
        let (pat, _) = invite_provider(&s, owner, "Pat Provider", "pat@sparkle.example").await;
        let all_day = json!([{"start": "00:00", "end": "00:00"}]);
        let days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
        let week: serde_json::Map<String, Value> =
            days.iter().map(|d| ((*d).to_owned(), all_day.clone())).collect();
        s.expect(200, "PUT", &format!("/v1/employees/{pat}/work-hours"), Some(owner),
            Some(json!({"time_zone": null, "hours": week}))).await;

        // A service with buffers, checked beside each field.
        let (status, body) = s
            .call("POST", "/v1/services", Some(owner), Some(json!({
                "name": "Travel clean", "duration_minutes": 60, "price_minor": 2000,
                "buffer_before_minutes": 241, "buffer_after_minutes": -1
            })))
            .await;
        assert_eq!(status, 422, "{body}");
        let (status, body) = s
            .call("POST", "/v1/services", Some(owner), Some(json!({
                "name": "Travel clean", "duration_minutes": 60, "price_minor": 2000,
                "buffer_before_minutes": 241
            })))
            .await;
        assert_eq!(status, 422, "{body}");
        assert!(body.to_string().contains("buffer_before_minutes"), "{body}");
        let travel = s
            .expect(201, "POST", "/v1/services", Some(owner), Some(json!({
                "name": "Travel clean", "duration_minutes": 60, "price_minor": 2000,
                "buffer_before_minutes": 15, "buffer_after_minutes": 45
            })))
            .await;
        assert_eq!(travel["buffer_before_minutes"], 15, "{travel}");
        assert_eq!(travel["buffer_after_minutes"], 45, "{travel}");
        let travel = travel["id"].as_str().unwrap().to_owned();
        // Changed one side at a time: the other stays.
        let changed = s
            .expect(200, "PATCH", &format!("/v1/services/{travel}"), Some(owner),
                Some(json!({"buffer_after_minutes": 30})))
            .await;
        assert_eq!(changed["buffer_before_minutes"], 15, "{changed}");
        assert_eq!(changed["buffer_after_minutes"], 30, "{changed}");
        let trim = s
            .expect(201, "POST", "/v1/services", Some(owner),
                Some(json!({"name": "Trim", "duration_minutes": 60, "price_minor": 1000})))
            .await;
        assert_eq!(trim["buffer_before_minutes"], 0, "{trim}");
        let trim = trim["id"].as_str().unwrap().to_owned();
        let customer = s
            .expect(201, "POST", "/v1/customers", Some(owner),
                Some(json!({"first_name": "Ana", "last_name": "Lee", "email": "ana@x.example"})))
            .await["id"].as_str().unwrap().to_owned();
        let book = |service: &str, start: &str| json!({
            "customer_id": customer, "service_id": service, "starts_at": start,
            "provider_ids": [pat]
        });

        // Travel clean 10:00–11:00 keeps Pat free 09:45–11:30.
        let first = s
            .expect(201, "POST", "/v1/bookings", Some(owner), Some(book(&travel, "2031-03-03T10:00:00Z")))
            .await;
        assert_eq!(first["buffer_before_minutes"], 15, "{first}");
        assert_eq!(first["buffer_after_minutes"], 30, "{first}");

        // Availability for a trim (no buffers): 08:45 ends at 09:45 and
        // touches; 09:00 through 11:00 come into the travel clean's time.
        let url = |service: &str| format!(
            "/v1/availability?service_id={service}&provider_id={pat}&from=2031-03-03T08:00:00Z&to=2031-03-03T13:00:00Z&step_minutes=15"
        );
        let trims = starts(&s.expect(200, "GET", &url(&trim), Some(owner), None).await);
        assert!(trims.contains(&"2031-03-03T08:45:00Z".to_owned()), "{trims:?}");
        assert!(!trims.contains(&"2031-03-03T09:00:00Z".to_owned()), "{trims:?}");
        assert!(!trims.contains(&"2031-03-03T11:15:00Z".to_owned()), "{trims:?}");
        assert!(trims.contains(&"2031-03-03T11:30:00Z".to_owned()), "{trims:?}");
        // For another travel clean, its own buffers count too: it needs
        // 15 minutes before and 30 after as well.
        let travels = starts(&s.expect(200, "GET", &url(&travel), Some(owner), None).await);
        assert!(travels.contains(&"2031-03-03T08:15:00Z".to_owned()), "{travels:?}");
        assert!(!travels.contains(&"2031-03-03T08:30:00Z".to_owned()), "{travels:?}");
        assert!(!travels.contains(&"2031-03-03T11:30:00Z".to_owned()), "{travels:?}");
        assert!(travels.contains(&"2031-03-03T11:45:00Z".to_owned()), "{travels:?}");

        // Booking into the buffer is B4's refusal; just outside it is fine.
        let (status, body) = s
            .call("POST", "/v1/bookings", Some(owner), Some(book(&trim, "2031-03-03T11:15:00Z")))
            .await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["code"], "double_booking", "{body}");
        let later = s
            .expect(201, "POST", "/v1/bookings", Some(owner), Some(book(&trim, "2031-03-03T11:30:00Z")))
            .await;
        let later = later["id"].as_str().unwrap().to_owned();
        // Moving it fifteen minutes earlier is refused the same way.
        let (status, body) = s
            .call("PATCH", &format!("/v1/bookings/{later}"), Some(owner),
                Some(json!({"starts_at": "2031-03-03T11:15:00Z", "ends_at": "2031-03-03T12:15:00Z"})))
            .await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["code"], "double_booking", "{body}");

        // Cancelled, the travel clean frees its buffers with its time.
        let id = first["id"].as_str().unwrap();
        s.expect(200, "POST", &format!("/v1/bookings/{id}/cancel"), Some(owner), None).await;
        s.expect(200, "PATCH", &format!("/v1/bookings/{later}"), Some(owner),
            Some(json!({"starts_at": "2031-03-03T11:15:00Z", "ends_at": "2031-03-03T12:15:00Z"})))
            .await;
    }
}
