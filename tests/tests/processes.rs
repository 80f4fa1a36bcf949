//! SPEC §8: several `rota serve` processes on one PostgreSQL database behave
//! as one. Two real processes (the `rota` command, built here as
//! `rota-under-test`) share a fresh schema; what one writes, the very next
//! request to the other sees; a sign-out, deactivation, archiving or role
//! change counts on the other at once; and a storm of overlapping bookings
//! split over both leaves no provider double-booked (B4).
//!
//! PostgreSQL only (an SQLite file belongs to one process); skipped without
//! `ROTA_TEST_DATABASE_URL`, failing under `CI`.

#![allow(
    missing_docs,
    clippy::too_many_lines,
    reason = "one story of two processes reads best as one test"
)]

use std::collections::HashMap;

use rota_tests::{Db, Server, invite_provider};
use serde_json::{Value, json};

const OWNER_PW: &str = "owner's long passphrase";
const KEY: &str = "3f6c2a9e8d7b1c0a5e4f3d2c1b0a99887766554433221100ffeeddccbbaa9988";

async fn two_processes() -> Option<(Server, Server, Db)> {
    let db = Db::postgres().await?;
    let data_dir = std::env::temp_dir().join(format!("rota-e2e-processes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    std::fs::create_dir_all(&data_dir).unwrap();
    let exe = env!("CARGO_BIN_EXE_rota-under-test");
    // The first applies the migrations before the second starts.
    let a = Server::spawn(exe, &db, &data_dir, KEY).await;
    let b = Server::spawn(exe, &db, &data_dir, KEY).await;
    Some((a, b, db))
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_on_one_database_behave_as_one() {
    let Some((a, b, db)) = two_processes().await else {
        return;
    };
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
    let (pat, pat_token) = invite_provider(&a, owner, "Pat Provider", "pat@sparkle.example").await;
    let (sam, _) = invite_provider(&a, owner, "Sam Provider", "sam@sparkle.example").await;
    let service = a
        .expect(
            201,
            "POST",
            "/v1/services",
            Some(owner),
            Some(json!({"name": "Deep clean", "duration_minutes": 60, "price_minor": 9000})),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Read-your-writes: customers. Created on A, found on B by the next request.
    let customer = a
        .expect(
            201,
            "POST",
            "/v1/customers",
            Some(owner),
            Some(json!({"first_name": "Ana", "last_name": "Smith", "email": "ana@x.example"})),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    b.expect(
        200,
        "GET",
        &format!("/v1/customers/{customer}"),
        Some(owner),
        None,
    )
    .await;
    a.expect(
        200,
        "PATCH",
        &format!("/v1/customers/{customer}"),
        Some(owner),
        Some(json!({"city": "Leeds"})),
    )
    .await;
    let seen = b
        .expect(
            200,
            "GET",
            &format!("/v1/customers/{customer}"),
            Some(owner),
            None,
        )
        .await;
    assert_eq!(
        seen["details"]["city"], "Leeds",
        "a customer's change, read on B"
    );

    // Read-your-writes: settings.
    a.expect(
        200,
        "PATCH",
        "/v1/business",
        Some(owner),
        Some(json!({"cancellation_notice_minutes": 120})),
    )
    .await;
    let business = b
        .expect(200, "GET", "/v1/business", Some(owner), None)
        .await;
    assert_eq!(
        business["cancellation_notice_minutes"], 120,
        "a setting, read on B"
    );

    // Read-your-writes: bookings. Read the week on B, book on A, read on B
    // again at once — twenty times.
    let week =
        format!("/v1/bookings?from=2030-03-04T00:00:00Z&to=2030-03-11T00:00:00Z&provider_id={pat}");
    for i in 0..20 {
        let before = ids(&b.expect(200, "GET", &week, Some(owner), None).await);
        let at = format!("2030-03-04T{i:02}:00:00Z");
        let made = a
            .expect(
                201,
                "POST",
                "/v1/bookings",
                Some(owner),
                Some(
                    json!({"customer_id": customer, "service_id": service, "starts_at": at,
                    "provider_ids": [pat], "allow_outside_work_hours": true}),
                ),
            )
            .await;
        let after = ids(&b.expect(200, "GET", &week, Some(owner), None).await);
        assert_eq!(after.len(), before.len() + 1, "booking {i}, read on B");
        assert!(after.contains(&made["id"].as_str().unwrap().to_owned()));
    }

    // Read-your-writes: a setting that the listing applies (R8, names
    // abbreviated for providers). B keeps a copy of the business by the
    // revision each request's sign-in check reads: a change on A raises it,
    // so B's very next listing follows the change, each way, five times.
    for round in 0..5 {
        let abbreviate = round % 2 == 0;
        let names = |page: &Value| -> Vec<String> {
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b["customer_name"].as_str().unwrap().to_owned())
                .collect()
        };
        let before = names(&b.expect(200, "GET", &week, Some(&pat_token), None).await);
        assert!(!before.is_empty());
        a.expect(
            200,
            "PUT",
            "/v1/settings/access-rights",
            Some(owner),
            Some(json!({"customers": "list", "edit_customers": false,
                "privacy": {"abbreviate_names": abbreviate, "hide_addresses_after_hours": null},
                "work_hours": "view", "time_tracking": "off", "tips": false, "payments": false})),
        )
        .await;
        let after = names(&b.expect(200, "GET", &week, Some(&pat_token), None).await);
        let expected = if abbreviate { "Ana S." } else { "Ana Smith" };
        assert!(
            after.iter().all(|n| n == expected),
            "round {round}: a provider's listing on B after A set abbreviate_names = {abbreviate}: {after:?}"
        );
    }

    // Sign-out on A: B refuses the very next request.
    let spare = a
        .expect(
            201,
            "POST",
            "/v1/sessions",
            None,
            Some(json!({"business": "sparkle", "email": "olive@sparkle.example", "password": OWNER_PW})),
        )
        .await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    b.expect(200, "GET", "/v1/me", Some(&spare), None).await;
    a.expect(204, "DELETE", "/v1/sessions/current", Some(&spare), None)
        .await;
    b.expect(401, "GET", "/v1/me", Some(&spare), None).await;

    // Deactivation on A: the provider's token is refused on B at once, a
    // write included.
    b.expect(200, "GET", "/v1/me", Some(&pat_token), None).await;
    a.expect(
        200,
        "POST",
        &format!("/v1/employees/{pat}/deactivate"),
        Some(owner),
        None,
    )
    .await;
    b.expect(401, "GET", "/v1/me", Some(&pat_token), None).await;
    b.expect(
        401,
        "POST",
        "/v1/time-entries/clock-in",
        Some(&pat_token),
        None,
    )
    .await;
    a.expect(
        200,
        "POST",
        &format!("/v1/employees/{pat}/reactivate"),
        Some(owner),
        None,
    )
    .await;

    // Archiving on A: the customer's portal session is refused on B at once,
    // and they cannot sign in again (A13).
    a.expect(
        202,
        "POST",
        &format!("/v1/customers/{customer}/invite"),
        Some(owner),
        None,
    )
    .await;
    let token = a.emailed_token("ana@x.example", "accept-invitation").await;
    let ana = b
        .expect(
            201,
            "POST",
            "/v1/invitations/accept",
            None,
            Some(json!({"token": token, "password": "ana's long passphrase"})),
        )
        .await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    b.expect(200, "GET", "/v1/me", Some(&ana), None).await;
    a.expect(
        200,
        "POST",
        &format!("/v1/customers/{customer}/archive"),
        Some(owner),
        None,
    )
    .await;
    b.expect(401, "GET", "/v1/me", Some(&ana), None).await;
    b.expect(
        401,
        "POST",
        "/v1/sessions",
        None,
        Some(json!({"business": "sparkle", "email": "ana@x.example", "password": "ana's long passphrase"})),
    )
    .await;
    // Restored on one process, she signs in on the other with the same
    // password; the session archiving ended stays ended.
    a.expect(
        200,
        "POST",
        &format!("/v1/customers/{customer}/restore"),
        Some(owner),
        None,
    )
    .await;
    b.expect(401, "GET", "/v1/me", Some(&ana), None).await;
    b.expect(
        201,
        "POST",
        "/v1/sessions",
        None,
        Some(json!({"business": "sparkle", "email": "ana@x.example", "password": "ana's long passphrase"})),
    )
    .await;

    // A role change on A: the demoted administrator is refused on B at once.
    let (admin, admin_token) = {
        let account = a
            .expect(
                201,
                "POST",
                "/v1/employees",
                Some(owner),
                Some(json!({"name": "Ada Admin", "email": "ada@sparkle.example", "roles": ["administrator"]})),
            )
            .await;
        let token = a
            .emailed_token("ada@sparkle.example", "accept-invitation")
            .await;
        let signed = a
            .expect(
                201,
                "POST",
                "/v1/invitations/accept",
                None,
                Some(json!({"token": token, "password": "ada's long passphrase"})),
            )
            .await;
        (
            account["id"].as_str().unwrap().to_owned(),
            signed["token"].as_str().unwrap().to_owned(),
        )
    };
    b.expect(200, "GET", "/v1/employees", Some(&admin_token), None)
        .await;
    a.expect(
        200,
        "PATCH",
        &format!("/v1/employees/{admin}"),
        Some(owner),
        Some(json!({"roles": ["service_provider"]})),
    )
    .await;
    b.expect(403, "GET", "/v1/employees", Some(&admin_token), None)
        .await;
    b.expect(
        403,
        "POST",
        "/v1/customers",
        Some(&admin_token),
        Some(json!({"first_name": "No", "last_name": "Way", "email": "no@x.example"})),
    )
    .await;

    // B4: 1,000 booking requests from 100 clients, split over both
    // processes, for overlapping slots of two providers.
    let other = a
        .expect(
            201,
            "POST",
            "/v1/customers",
            Some(owner),
            Some(json!({"first_name": "Bo", "last_name": "Jones", "email": "bo@x.example"})),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let providers = [pat.clone(), sam.clone()];
    let mut clients = Vec::new();
    for client in 0..100_usize {
        let url = if client % 2 == 0 { &a.base } else { &b.base };
        let url = format!("{url}/v1/bookings");
        let http = rota_tests::client().build().unwrap();
        let (owner, other, service, providers) = (
            owner.to_owned(),
            other.clone(),
            service.clone(),
            providers.clone(),
        );
        clients.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            for n in 0..10_usize {
                let i = client * 10 + n;
                // Starts every quarter hour over four hours on 2030-04-01,
                // an hour long: most requests overlap others.
                let minutes = (i * 7919) % 16 * 15;
                let at = format!("2030-04-01T{:02}:{:02}:00Z", 8 + minutes / 60, minutes % 60);
                let body = json!({"customer_id": other, "service_id": service, "starts_at": at,
                    "provider_ids": [providers[i % 2]], "allow_outside_work_hours": true});
                let res = http
                    .post(&url)
                    .bearer_auth(&owner)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                let status = res.status().as_u16();
                let value: Value = res.json().await.unwrap_or_default();
                answers.push((
                    status,
                    value["code"].as_str().unwrap_or_default().to_owned(),
                ));
            }
            answers
        }));
    }
    let mut statuses: HashMap<(u16, String), usize> = HashMap::new();
    for c in clients {
        for answer in c.await.unwrap() {
            *statuses.entry(answer).or_default() += 1;
        }
    }
    eprintln!("1,000 booking requests over two processes: {statuses:?}");
    assert_eq!(statuses.values().sum::<usize>(), 1000);
    for ((status, code), n) in &statuses {
        assert!(
            *status == 201 || (*status == 409 && code == "double_booking"),
            "{n} answers {status} {code}: every refusal is double_booking, no 5xx"
        );
    }
    let made = statuses.get(&(201, String::new())).copied().unwrap_or(0);
    assert!(made > 0, "some bookings were made");
    for p in &providers {
        let page = a
            .expect(
                200,
                "GET",
                &format!("/v1/bookings?from=2030-04-01T00:00:00Z&to=2030-04-02T00:00:00Z&provider_id={p}&status=scheduled&limit=100"),
                Some(owner),
                None,
            )
            .await;
        let mut ranges: Vec<(String, String)> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                (
                    b["starts_at"].as_str().unwrap().to_owned(),
                    b["ends_at"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        ranges.sort();
        for pair in ranges.windows(2) {
            assert!(
                pair[0].1 <= pair[1].0,
                "provider {p} has overlapping bookings: {pair:?}"
            );
        }
    }
    a.stop().await;
    b.stop().await;
    db.drop_data().await;
}

/// How many connections the server named `app` holds now.
async fn connections(admin: &mut sqlx::PgConnection, app: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1")
        .bind(app)
        .fetch_one(admin)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn spec8_a_process_holds_a_bounded_number_of_connections_and_releases_idle_ones() {
    use sqlx::Connection;
    let Some(db) = Db::postgres().await else {
        return;
    };
    let app = format!("rota_conn_{}", std::process::id());
    let named = Db::Postgres(format!("{}&application_name={app}", db.url().unwrap()));
    let data_dir = std::env::temp_dir().join(format!("rota-e2e-conns-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    std::fs::create_dir_all(&data_dir).unwrap();
    let exe = env!("CARGO_BIN_EXE_rota-under-test");
    let s = Server::spawn_with(
        exe,
        &named,
        &data_dir,
        KEY,
        &[("ROTA_DB_IDLE_SECONDS", "1")],
    )
    .await;
    let owner = s
        .sign_up("sparkle", "olive@sparkle.example", OWNER_PW)
        .await;
    let mut admin = sqlx::PgConnection::connect(&std::env::var("ROTA_TEST_DATABASE_URL").unwrap())
        .await
        .unwrap();
    // 400 requests from 100 clients at once.
    let burst = async {
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..100 {
            let (http, url, token) = (
                s.http.clone(),
                format!("{}/v1/bookings", s.base),
                owner.clone(),
            );
            tasks.spawn(async move {
                for _ in 0..4 {
                    let res = http.get(&url).bearer_auth(&token).send().await.unwrap();
                    assert_eq!(res.status().as_u16(), 200);
                }
            });
        }
        tasks.join_all().await;
    };
    let watch = async {
        let mut most = 0;
        for _ in 0..20 {
            most = most.max(connections(&mut admin, &app).await);
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        most
    };
    let ((), most) = tokio::join!(burst, watch);
    let limit = i64::from(rota_server::DEFAULT_DB_CONNECTIONS);
    assert!(
        most >= 1 && most <= limit,
        "at most {limit} under load, saw {most}"
    );
    // Idle ones go (the outbox worker borrows one every 2 s, briefly).
    let mut fewest = i64::MAX;
    for _ in 0..100 {
        fewest = fewest.min(connections(&mut admin, &app).await);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    eprintln!("connections: at most {most} under load (limit {limit}), {fewest} once idle");
    assert!(
        fewest <= 1,
        "idle connections are released: {fewest} stayed"
    );
    s.stop().await;
    db.drop_data().await;
}
