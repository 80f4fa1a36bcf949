//! Two-way calendar sync end to end (issue 19), on every store, against a
//! real Radicale (from PyPI, `ROTA_PYTHON`) and the real `rota serve`
//! processes: a provider links their calendar over the API; bookings
//! appear in it within seconds, move and disappear with their booking; an
//! event added in Radicale takes those slots out of availability; with
//! Radicale down nothing is lost, and across a restart of the server the
//! changes arrive once — the events in Radicale are counted.

#![allow(missing_docs, reason = "tests")]

use std::time::{Duration, Instant};

use rota_tests::{Server, invite_provider, slot_starts};
use serde_json::{Value, json};

#[path = "../../crates/rota-caldav/tests/common/radicale.rs"]
mod radicale_server;
use radicale_server::{Radicale, USER, raw, resources, text};

const OWNER_PW: &str = "owner's long passphrase";
const KEY: &str = "5a6c2a9e8d7b1c0a5e4f3d2c1b0a99887766554433221100ffeeddccbbaa9988";

/// Waits up to `seconds` for the calendar's resources to satisfy `done`.
async fn until(
    url: &str,
    seconds: u64,
    what: &str,
    done: impl Fn(&[String]) -> bool,
) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        let found = resources(url).await;
        if done(&found) {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: the calendar holds {found:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn booked(s: &Server, owner: &str, body: Value) -> String {
    s.expect(201, "POST", "/v1/bookings", Some(owner), Some(body))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

rota_tests::on_every_store! {
    async fn caldav_bookings_reach_radicale_once_and_its_events_block_slots(db: Db) {
        let Ok(python) = std::env::var("ROTA_PYTHON") else {
            eprintln!("skipped: ROTA_PYTHON is not set (CI sets it, with Radicale installed)");
            return;
        };
        let (mut radicale, calendar) = Radicale::with_calendar(&python, USER.0, USER.1, "work").await;
        let data_dir = std::env::temp_dir().join(format!(
            "rota-e2e-caldav-{}-{}",
            std::process::id(),
            db.url().is_some()
        ));
        let _ = std::fs::remove_dir_all(&data_dir);
        std::fs::create_dir_all(&data_dir).unwrap();
        let exe = env!("CARGO_BIN_EXE_rota-under-test");
        let s = Server::spawn(exe, &db, &data_dir, KEY).await;

        let owner = s.sign_up("sparkle", "olive@sparkle.example", OWNER_PW).await;
        let owner = owner.as_str();
        s.expect(200, "PUT", "/v1/subscription", Some(owner), Some(json!({"plan": "grow"}))).await;
        let (pat, pat_token) = invite_provider(&s, owner, "Pat Provider", "pat@sparkle.example").await;
        let all_day = json!([{"start": "00:00", "end": "00:00"}]);
        let days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
        let week: serde_json::Map<String, Value> =
            days.iter().map(|d| ((*d).to_owned(), all_day.clone())).collect();
        s.expect(200, "PUT", &format!("/v1/employees/{pat}/work-hours"), Some(owner),
            Some(json!({"time_zone": null, "hours": week}))).await;
        let service = s
            .expect(201, "POST", "/v1/services", Some(owner),
                Some(json!({"name": "Deep clean", "duration_minutes": 60, "price_minor": 5000})))
            .await["id"].as_str().unwrap().to_owned();
        let customer = s
            .expect(201, "POST", "/v1/customers", Some(owner),
                Some(json!({"first_name": "Ana", "last_name": "Lee", "email": "ana@x.example"})))
            .await["id"].as_str().unwrap().to_owned();
        let book = |start: &str| json!({"customer_id": customer, "service_id": service,
            "starts_at": start, "provider_ids": [pat]});
        // Booked before the link: it goes in when the calendar is linked.
        let first = booked(&s, owner, book("2031-03-03T10:00:00Z")).await;

        // Pat links their calendar: a wrong password is refused, and the
        // password is never shown again.
        let link = format!("/v1/employees/{pat}/calendar-link");
        let (status, body) = s
            .call("PUT", &link, Some(&pat_token),
                Some(json!({"url": calendar, "username": USER.0, "password": "wrong"})))
            .await;
        assert_eq!((status, body["code"].as_str()), (422, Some("calendar_refused")), "{body}");
        let linked = s
            .expect(200, "PUT", &link, Some(&pat_token),
                Some(json!({"url": calendar, "username": USER.0, "password": USER.1})))
            .await;
        assert_eq!(linked["url"], calendar.as_str(), "{linked}");
        assert!(!linked.to_string().contains(USER.1), "{linked}");
        let second = booked(&s, owner, book("2031-03-04T10:00:00Z")).await;
        until(&calendar, 20, "both bookings written", |r| r.len() == 2).await;

        // Moved: the same event, at the new time.
        s.expect(200, "PATCH", &format!("/v1/bookings/{first}"), Some(owner),
            Some(json!({"starts_at": "2031-03-03T12:00:00Z"}))).await;
        let first_ics = format!("{calendar}booking-{first}.ics");
        let deadline = Instant::now() + Duration::from_secs(20);
        while !text(&first_ics).await.contains("DTSTART:20310303T120000Z") {
            assert!(Instant::now() < deadline, "moved in the calendar: {}", text(&first_ics).await);
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        assert_eq!(resources(&calendar).await.len(), 2);

        // Pat's dentist appointment in their calendar, a week from now (busy
        // times are read two months ahead): not offered.
        let week_on = rota_app::domain::jiff::Timestamp::now()
            .checked_add(rota_app::domain::jiff::SignedDuration::from_hours(7 * 24))
            .unwrap();
        let (day, compact) = (week_on.strftime("%Y-%m-%d").to_string(), week_on.strftime("%Y%m%d").to_string());
        let dentist = format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Pat//Phone//EN\r\n\
            BEGIN:VEVENT\r\nUID:dentist-1@example\r\nDTSTAMP:20260101T000000Z\r\n\
            DTSTART:{compact}T090000Z\r\nDTEND:{compact}T100000Z\r\n\
            SUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
        assert_eq!(raw("PUT", &format!("{calendar}dentist-1.ics"), Some(&dentist)).await, 201);
        let slots = || async {
            slot_starts(&s.expect(200, "GET", &format!(
                "/v1/availability?service_id={service}&provider_id={pat}\
                 &from={day}T08:00:00Z&to={day}T12:00:00Z&step_minutes=60"),
                Some(owner), None).await)
        };
        assert_eq!(slots().await.len(), 4, "read when linked, before the appointment was made");
        let refreshed = s
            .expect(200, "POST", &format!("{link}/refresh"), Some(&pat_token), None)
            .await;
        assert_eq!(refreshed["last_error"], Value::Null, "{refreshed}");
        assert_eq!(
            slots().await,
            [format!("{day}T08:00:00Z"), format!("{day}T10:00:00Z"), format!("{day}T11:00:00Z")]
        );

        // Radicale goes down while the second is cancelled and a third is
        // booked; the server restarts; Radicale comes back. Everything
        // arrives, once.
        radicale.stop().await;
        s.expect(200, "POST", &format!("/v1/bookings/{second}/cancel"), Some(owner), None).await;
        let third = booked(&s, owner, book("2031-03-06T10:00:00Z")).await;
        tokio::time::sleep(Duration::from_secs(3)).await;
        let shown = s.expect(200, "GET", &link, Some(owner), None).await;
        assert!(shown["last_error"].as_str().is_some_and(|e| e.contains("reached")), "{shown}");
        s.stop().await;
        radicale.restart().await;
        let s = Server::spawn(exe, &db, &data_dir, KEY).await;
        let wanted = |r: &[String]| {
            r.len() == 3
                && r.iter().any(|x| x.contains(&first))
                && r.iter().any(|x| x.contains(&third))
                && r.iter().any(|x| x.ends_with("dentist-1.ics"))
        };
        // The first retry waits 30 s (A8's backoff).
        until(&calendar, 90, "the cancellation and the new booking, after the outage", wanted).await;
        tokio::time::sleep(Duration::from_secs(4)).await;
        let settled = resources(&calendar).await;
        assert!(wanted(&settled), "still once each: {settled:?}");
        let shown = s.expect(200, "GET", &link, Some(owner), None).await;
        assert_eq!(shown["last_error"], Value::Null, "{shown}");

        // Unlinked: nothing more is written there.
        s.expect(204, "DELETE", &link, Some(&pat_token), None).await;
        s.expect(404, "GET", &link, Some(&pat_token), None).await;
        s.expect(200, "POST", &format!("/v1/bookings/{third}/cancel"), Some(owner), None).await;
        tokio::time::sleep(Duration::from_secs(4)).await;
        assert!(wanted(&resources(&calendar).await));
        s.stop().await;
        radicale.remove();
        let _ = std::fs::remove_dir_all(&data_dir);
    }
}
