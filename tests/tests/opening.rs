//! W3 as an administrator sets it over HTTP: the business's operating hours,
//! minimum notice and closures bound what availability offers.

#![allow(missing_docs, reason = "tests")]

use rota_tests::{Server, invite_provider, slot_starts as starts};
use serde_json::{Value, json};

const OWNER_PW: &str = "owner's long passphrase";

/// Monday of the week after next, in the business's zone (Europe/London,
/// and in UTC the same wall clock outside summer time), as a date.
fn a_monday_ahead() -> String {
    let today = rota_app::domain::jiff::Zoned::now()
        .with_time_zone(rota_app::domain::jiff::tz::TimeZone::get("Europe/London").unwrap());
    let mut day = today
        .date()
        .checked_add(rota_app::domain::jiff::Span::new().days(8))
        .unwrap();
    while day.weekday() != rota_app::domain::jiff::civil::Weekday::Monday {
        day = day.tomorrow().unwrap();
    }
    day.to_string()
}

/// A grow business with one provider (Pat, 09:00–17:00 on weekdays) and a
/// one-hour service, and the Monday ahead in the business's zone.
struct Opening {
    s: Server,
    owner: String,
    pat: String,
    service: String,
    monday: String,
    day_start: rota_app::domain::jiff::Zoned,
}

impl Opening {
    async fn start(name: &str, db: &rota_tests::Db) -> Self {
        let s = Server::start_on(name, db).await;
        let owner = s
            .sign_up("sparkle", "olive@sparkle.example", OWNER_PW)
            .await;
        s.expect(
            200,
            "PUT",
            "/v1/subscription",
            Some(&owner),
            Some(json!({"plan": "grow"})),
        )
        .await;
        let (pat, _) = invite_provider(&s, &owner, "Pat Provider", "pat@sparkle.example").await;
        let nine_to_five = json!([{"start": "09:00", "end": "17:00"}]);
        let days = ["monday", "tuesday", "wednesday", "thursday", "friday"];
        let week: serde_json::Map<String, Value> = days
            .iter()
            .map(|d| ((*d).to_owned(), nine_to_five.clone()))
            .collect();
        s.expect(
            200,
            "PUT",
            &format!("/v1/employees/{pat}/work-hours"),
            Some(&owner),
            Some(json!({"time_zone": null, "hours": week})),
        )
        .await;
        let service = s
            .expect(
                201,
                "POST",
                "/v1/services",
                Some(&owner),
                Some(json!({"name": "Trim", "duration_minutes": 60, "price_minor": 2000})),
            )
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let monday = a_monday_ahead();
        let zone = rota_app::domain::jiff::tz::TimeZone::get("Europe/London").unwrap();
        let day_start = rota_app::domain::jiff::civil::Date::strptime("%Y-%m-%d", &monday)
            .unwrap()
            .to_zoned(zone)
            .unwrap();
        Self {
            s,
            owner,
            pat,
            service,
            monday,
            day_start,
        }
    }

    /// That Monday at `hour`:00, as an RFC 3339 instant.
    fn at(&self, hour: i8) -> String {
        self.day_start
            .with()
            .hour(hour)
            .build()
            .unwrap()
            .timestamp()
            .to_string()
    }
}

rota_tests::on_every_store! {
    async fn w3_operating_hours_minimum_notice_and_closures_set_over_http_bound_availability(db: Db) {
        let o = Opening::start("opening", &db).await;
        let Opening { s, owner, pat, service, monday, day_start } = &o;
        let day_end = day_start.checked_add(rota_app::domain::jiff::Span::new().days(1)).unwrap();
        let url = format!(
            "/v1/availability?service_id={service}&provider_id={pat}&from={}&to={}&step_minutes=60",
            day_start.timestamp(),
            day_end.timestamp()
        );
        let owner = owner.as_str();
        let at = |hour: i8| o.at(hour);

        // Open 24/7 by default: Pat's own hours decide (09:00–16:00 starts).
        let open = s.expect(200, "GET", &url, Some(owner), None).await;
        assert_eq!(starts(&open), (9..=16).map(at).collect::<Vec<_>>(), "{open}");

        // Open 10:00–12:00 on Mondays only: the intersection.
        let changed = s
            .expect(200, "PATCH", "/v1/business", Some(owner), Some(json!({
                "operating_hours": {"monday": [{"start": "10:00", "end": "12:00"}]},
                "min_notice_minutes": 0
            })))
            .await;
        assert_eq!(changed["min_notice_minutes"], 0);
        assert_eq!(changed["operating_hours"]["monday"][0]["start"], "10:00", "{changed}");
        let narrowed = s.expect(200, "GET", &url, Some(owner), None).await;
        assert_eq!(starts(&narrowed), vec![at(10), at(11)], "{narrowed}");
        // "Anyone": each time once, with who would serve.
        let any_url = format!(
            "/v1/availability/anyone?service_id={service}&from={}&to={}&step_minutes=60",
            day_start.timestamp(),
            day_end.timestamp()
        );
        let any = s.expect(200, "GET", &any_url, Some(owner), None).await;
        let any_starts: Vec<&str> = any.as_array().unwrap().iter()
            .map(|a| a["starts_at"].as_str().unwrap()).collect();
        assert_eq!(any_starts, vec![at(10), at(11)], "{any}");
        assert_eq!(any[0]["provider_id"], pat.as_str(), "{any}");
        let (status, body) = s
            .call("GET", &format!("{any_url}&provider_id={pat}"), Some(owner), None)
            .await;
        assert_eq!(status, 422, "no provider on the anyone question: {body}");

        // A closure that day (a holiday) offers nothing; removed, the hours
        // are back. Both are in the audit log.
        let closure = s
            .expect(201, "POST", "/v1/closures", Some(owner),
                Some(json!({"absence": {"kind": "days", "first": monday, "last": monday}, "note": "Holiday"})))
            .await;
        let closure = closure["id"].as_str().unwrap().to_owned();
        let listed = s.expect(200, "GET", "/v1/closures", Some(owner), None).await;
        assert_eq!(listed[0]["id"], closure.as_str(), "{listed}");
        assert_eq!(listed[0]["employee_id"], Value::Null);
        let closed = s.expect(200, "GET", &url, Some(owner), None).await;
        assert!(starts(&closed).is_empty(), "{closed}");
        let (status, body) = s
            .call("POST", "/v1/closures", Some(owner), Some(json!({"absence": {"kind": "days", "first": monday, "last": "2020-01-01"}})))
            .await;
        assert_eq!(status, 422, "{body}");
        s.expect(204, "DELETE", &format!("/v1/closures/{closure}"), Some(owner), None).await;
        s.expect(404, "DELETE", &format!("/v1/closures/{closure}"), Some(owner), None).await;
        let reopened = s.expect(200, "GET", &url, Some(owner), None).await;
        assert_eq!(starts(&reopened), vec![at(10), at(11)], "{reopened}");
        let log = s.expect(200, "GET", "/v1/audit-events", Some(owner), None).await.to_string();
        assert!(log.contains("closure_added") && log.contains("closure_removed"), "{log}");

        // A minimum notice longer than the wait until Monday offers nothing.
        s.expect(200, "PATCH", "/v1/business", Some(owner),
            Some(json!({"min_notice_minutes": 525_600}))).await;
        let none = s.expect(200, "GET", &url, Some(owner), None).await;
        assert!(starts(&none).is_empty(), "{none}");

        // Bad values are refused beside their field, and change nothing.
        let (status, body) = s
            .call("PATCH", "/v1/business", Some(owner), Some(json!({
                "operating_hours": {"monday": [{"start": "9am", "end": "noon"}]}
            })))
            .await;
        assert_eq!(status, 422, "{body}");
        assert!(body.to_string().contains("operating_hours"), "{body}");
        let (status, body) = s
            .call("PATCH", "/v1/business", Some(owner), Some(json!({"min_notice_minutes": 600_000})))
            .await;
        assert_eq!(status, 422, "{body}");
        assert!(body.to_string().contains("min_notice_minutes"), "{body}");
        let business = s.expect(200, "GET", "/v1/business", Some(owner), None).await;
        assert_eq!(business["min_notice_minutes"], 525_600);
        assert_eq!(business["operating_hours"]["monday"][0]["end"], "12:00");
    }
}

/// Books as `token`; the status and body.
async fn book(s: &Server, token: &str, body: Value) -> (u16, Value) {
    s.call("POST", "/v1/bookings", Some(token), Some(body))
        .await
}

rota_tests::on_every_store! {
    async fn b5_bookings_honour_operating_hours_minimum_notice_and_closures_set_over_http(db: Db) {
        let o = Opening::start("opening-b5", &db).await;
        let Opening { s, owner, pat, service, monday, .. } = &o;
        let owner = owner.as_str();
        s.expect(200, "PATCH", "/v1/business", Some(owner), Some(json!({
            "operating_hours": {"monday": [{"start": "10:00", "end": "12:00"}]},
            "online_booking": true
        }))).await;
        let customer = s
            .expect(201, "POST", "/v1/customers", Some(owner),
                Some(json!({"first_name": "Ana", "last_name": "Lee", "email": "ana@x.example"})))
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        s.expect(202, "POST", &format!("/v1/customers/{customer}/invite"), Some(owner), None).await;
        let token = s.emailed_token("ana@x.example", "accept-invitation").await;
        let ana = s
            .expect(201, "POST", "/v1/invitations/accept", None,
                Some(json!({"token": token, "password": "ana's long passphrase"})))
            .await["token"]
            .as_str()
            .unwrap()
            .to_owned();
        let by_staff = |hour: i8, extra: Value| {
            let mut body = json!({"customer_id": customer, "service_id": service,
                "starts_at": o.at(hour), "provider_ids": [pat]});
            body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            body
        };
        let by_customer = |hour: i8| {
            json!({"customer_id": customer, "service_id": service,
                "starts_at": o.at(hour), "provider_ids": [pat]})
        };

        // 09:00 is inside Pat's hours but before the business opens: refused
        // for staff and customers alike; an administrator may override (B5).
        let (status, body) = book(s, owner, by_staff(9, json!({}))).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("outside_work_hours")), "{body}");
        let (status, body) = book(s, &ana, by_customer(9)).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("not_available")), "{body}");
        let (status, body) =
            book(s, owner, by_staff(9, json!({"allow_outside_work_hours": true}))).await;
        assert_eq!(status, 201, "{body}");

        // A closure that day refuses the hour the business is open.
        let closure = s
            .expect(201, "POST", "/v1/closures", Some(owner),
                Some(json!({"absence": {"kind": "days", "first": monday, "last": monday}})))
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let (status, body) = book(s, owner, by_staff(10, json!({}))).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("outside_work_hours")), "{body}");
        let (status, body) = book(s, &ana, by_customer(10)).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("not_available")), "{body}");
        s.expect(204, "DELETE", &format!("/v1/closures/{closure}"), Some(owner), None).await;

        // A minimum notice longer than the wait until Monday: customers are
        // refused, the team (who books on the phone) is not.
        s.expect(200, "PATCH", "/v1/business", Some(owner),
            Some(json!({"min_notice_minutes": 525_600}))).await;
        let (status, body) = book(s, &ana, by_customer(10)).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("not_available")), "{body}");
        let (status, body) = book(s, owner, by_staff(10, json!({}))).await;
        assert_eq!(status, 201, "{body}");

        // With no notice, the customer books the hour left open.
        s.expect(200, "PATCH", "/v1/business", Some(owner),
            Some(json!({"min_notice_minutes": 0}))).await;
        let (status, body) = book(s, &ana, by_customer(11)).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["starts_at"], o.at(11).as_str(), "{body}");
    }
}
