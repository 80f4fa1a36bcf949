//! Reminders and provider emails over HTTP (issue 19). On every store:
//! switched on with `PATCH /v1/business`, refused beside the field when
//! out of range, a provider told of a booking assigned to them. On
//! PostgreSQL, with two real server processes and one of them killed and
//! started again in between: reminders due within seconds on the real
//! clock arrive exactly once each, a rescheduled booking's at its new
//! time, a cancelled booking's never.

#![allow(missing_docs, reason = "tests")]

use std::time::Duration;

use rota_app::domain::jiff::{SignedDuration, Timestamp};
use rota_tests::{Db, Server, invite_provider};
use serde_json::{Value, json};

const OWNER_PW: &str = "owner's long passphrase";
const KEY: &str = "0f6c2a9e8d7b1c0a5e4f3d2c1b0a99887766554433221100ffeeddccbbaa9988";

/// The emails to `to` whose subject starts with `subject`.
fn count(s: &Server, to: &str, subject: &str) -> usize {
    s.emails()
        .iter()
        .filter(|e| e.contains(&format!("To: {to}")) && e.contains(&format!("Subject: {subject}")))
        .count()
}

async fn customer(s: &Server, owner: &str, n: usize) -> (String, String) {
    let email = format!("c{n}@x.example");
    let made = s
        .expect(
            201,
            "POST",
            "/v1/customers",
            Some(owner),
            Some(json!({"first_name": "Cy", "last_name": format!("Number{n}"), "email": email})),
        )
        .await;
    (made["id"].as_str().unwrap().to_owned(), email)
}

/// A booking of a second (so that several fit in a few seconds) by `pat`.
fn book(customer: &str, pat: &str, start: Timestamp) -> Value {
    json!({"customer_id": customer, "starts_at": start.to_string(),
        "ends_at": start.checked_add(SignedDuration::from_secs(1)).unwrap().to_string(),
        "provider_ids": [pat], "allow_outside_work_hours": true})
}

/// Turns reminders an hour before on, and provider emails.
async fn switch_on(s: &Server, owner: &str) {
    let (status, body) = s
        .call(
            "PATCH",
            "/v1/business",
            Some(owner),
            Some(json!({"reminder_hours": [0, 99]})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("reminder_hours"), "{body}");
    let on = s
        .expect(
            200,
            "PATCH",
            "/v1/business",
            Some(owner),
            Some(json!({"reminder_hours": [1], "provider_emails": true})),
        )
        .await;
    assert_eq!(on["reminder_hours"], json!([1]), "{on}");
    assert_eq!(on["provider_emails"], true, "{on}");
}

async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("waited 20 s for {what}");
}

rota_tests::on_every_store! {
    async fn reminder_settings_and_provider_emails_over_http(db: Db) {
        let s = Server::start_on("reminders", &db).await;
        let owner = s.sign_up("sparkle", "olive@sparkle.example", OWNER_PW).await;
        let owner = owner.as_str();
        s.expect(200, "PUT", "/v1/subscription", Some(owner), Some(json!({"plan": "grow"}))).await;
        let (pat, _) = invite_provider(&s, owner, "Pat Provider", "pat@sparkle.example").await;
        let off = s.expect(200, "GET", "/v1/business", Some(owner), None).await;
        assert_eq!(off["reminder_hours"], json!([]), "off until turned on: {off}");
        assert_eq!(off["provider_emails"], false, "{off}");
        switch_on(&s, owner).await;
        let (c, _) = customer(&s, owner, 1).await;
        let start = Timestamp::now().checked_add(SignedDuration::from_hours(30)).unwrap();
        s.expect(201, "POST", "/v1/bookings", Some(owner), Some(book(&c, &pat, start))).await;
        wait_for("Pat's email", || count(&s, "pat@sparkle.example", "New booking") == 1).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reminders_arrive_once_each_across_two_processes_and_a_restart() {
    let Some(db) = Db::postgres().await else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("rota-e2e-reminders-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let exe = env!("CARGO_BIN_EXE_rota-under-test");
    let a = Server::spawn(exe, &db, &dir, KEY).await;
    let b = Server::spawn(exe, &db, &dir, KEY).await;
    let owner = a
        .sign_up("sparkle", "olive@sparkle.example", OWNER_PW)
        .await;
    let owner = owner.as_str();
    a.expect(
        200,
        "PUT",
        "/v1/subscription",
        Some(owner),
        Some(json!({"plan": "grow"})),
    )
    .await;
    let (pat, _) = invite_provider(&a, owner, "Pat Provider", "pat@sparkle.example").await;
    switch_on(&b, owner).await;

    // Six bookings whose reminders (an hour before) fall due 6–11 s from
    // now, made on both processes; one to be moved and one cancelled.
    let now = Timestamp::now();
    let mut made = Vec::new();
    for n in 0..6_usize {
        let (c, email) = customer(&a, owner, n).await;
        let due = now
            .checked_add(SignedDuration::from_secs(6 + i64::try_from(n).unwrap()))
            .unwrap();
        let start = due.checked_add(SignedDuration::from_hours(1)).unwrap();
        let on = if n % 2 == 0 { &a } else { &b };
        let booking = on
            .expect(
                201,
                "POST",
                "/v1/bookings",
                Some(owner),
                Some(book(&c, &pat, start)),
            )
            .await;
        made.push((booking["id"].as_str().unwrap().to_owned(), email));
    }
    // Moved a day later (its reminder with it), and cancelled.
    let later = now.checked_add(SignedDuration::from_hours(25)).unwrap();
    b.expect(
        200,
        "PATCH",
        &format!("/v1/bookings/{}", made[4].0),
        Some(owner),
        Some(json!({"starts_at": later.to_string(),
            "ends_at": later.checked_add(SignedDuration::from_secs(1)).unwrap().to_string(),
            "allow_outside_work_hours": true})),
    )
    .await;
    a.expect(
        200,
        "POST",
        &format!("/v1/bookings/{}/cancel", made[5].0),
        Some(owner),
        None,
    )
    .await;

    // One process goes down hard and comes back while they fall due.
    a.stop().await;
    let a = Server::spawn(exe, &db, &dir, KEY).await;
    let expected = |n: usize| usize::from(n < 4);
    wait_for("the four reminders", || {
        (0..6).all(|n| count(&a, &made[n].1, "Reminder:") >= expected(n))
    })
    .await;
    // Two more delivery rounds of both processes: still once each.
    tokio::time::sleep(Duration::from_secs(5)).await;
    for (n, (_, email)) in made.iter().enumerate() {
        assert_eq!(
            count(&b, email, "Reminder:"),
            expected(n),
            "reminders to {email}"
        );
    }
    assert_eq!(count(&a, "pat@sparkle.example", "Moved"), 1);
    assert_eq!(count(&a, "pat@sparkle.example", "Off your calendar"), 1);
    assert_eq!(count(&a, "pat@sparkle.example", "New booking"), 6);
    a.stop().await;
    b.stop().await;
    db.drop_data().await;
    let _ = std::fs::remove_dir_all(&dir);
}
