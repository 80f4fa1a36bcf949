//! Sign-in and password floods against the real server, with concurrent
//! clients (each named by `X-Forwarded-For`, which the test server trusts
//! from 127.0.0.1 as `ROTA_TRUSTED_PROXIES` would configure it), asserting
//! counts — of statuses, of emails, of hashes run — never timings (those
//! are printed).
//!
//! - A2's memory bound is `sign_in_memory.rs`, a test binary of its own
//!   (resident memory is the whole process's).
//! - A9: a parallel burst of guesses gets no more tries than one by one,
//!   and one address cannot lock others out.
//! - A10: requests that would hash are checked first (token, slug), so a
//!   flood of bogus ones runs no hash and an honest sign-in still gets in.
//! - A11: forgot-password sends a few emails an hour, however many requests.

#![allow(missing_docs)]

use std::time::{Duration, Instant};

use rota_tests::Server;
use serde_json::{Value, json};

const OWNER_PW: &str = "owner's long passphrase";

/// One flood at a time: the others' load would skew the latencies printed.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// POSTs `body` to `path` as the client at `client`; the status and
/// whether a Retry-After came with it.
async fn post(s: &Server, path: &str, body: Value, client: &str) -> (u16, bool) {
    let res = s
        .http
        .post(format!("{}{path}", s.base))
        .header("x-forwarded-for", client)
        .json(&body)
        .send()
        .await
        .expect("the server answers every request");
    (
        res.status().as_u16(),
        res.headers().contains_key("retry-after"),
    )
}

/// Runs `n` POSTs at once; their answers in order.
async fn burst(
    s: &Server,
    n: usize,
    each: impl Fn(usize) -> (String, Value, String),
) -> Vec<(u16, bool)> {
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..n {
        let (path, body, client) = each(i);
        let (http, base) = (s.http.clone(), s.base.clone());
        tasks.spawn(async move {
            let res = http
                .post(format!("{base}{path}"))
                .header("x-forwarded-for", client)
                .json(&body)
                .send()
                .await
                .expect("the server answers every request");
            (
                res.status().as_u16(),
                res.headers().contains_key("retry-after"),
            )
        });
    }
    tasks.join_all().await
}

fn count(answers: &[(u16, bool)], status: u16) -> usize {
    answers.iter().filter(|(s, _)| *s == status).count()
}

fn sign_in(password: &str) -> Value {
    json!({"business": "sparkle", "email": "olive@sparkle.example", "password": password})
}

rota_tests::on_every_store! {
    async fn a9_a_burst_of_wrong_guesses_gets_six_tries_and_locks_out_only_its_address(db: Db) {
        let _alone = ONE_AT_A_TIME.lock().await;
        let s = Server::start_on("a9", &db).await;
        let owner = s.sign_up("sparkle", "olive@sparkle.example", OWNER_PW).await;
        s.expect(200, "PUT", "/v1/subscription", Some(&owner), Some(json!({"plan": "grow"})))
            .await;
        rota_tests::invite_provider(&s, &owner, "Pat Provider", "pat@sparkle.example").await;
        let answers = burst(&s, 40, |_| {
            ("/v1/sessions".into(), sign_in("a wrong guess"), "203.0.113.66".into())
        })
        .await;
        eprintln!(
            "40 parallel wrong guesses: {} × 401, {} × 429",
            count(&answers, 401),
            count(&answers, 429)
        );
        // One by one: five free guesses, the sixth heard and blocking, then 429.
        assert_eq!((count(&answers, 401), count(&answers, 429)), (6, 34), "{answers:?}");
        assert!(answers.iter().all(|(s, retry)| *s != 429 || *retry), "429 says when to retry");
        // The attacker's address is refused, even with the right password…
        let (status, _) = post(&s, "/v1/sessions", sign_in(OWNER_PW), "203.0.113.66").await;
        assert_eq!(status, 429);
        // …but the owner, from their own address, is not locked out…
        let started = Instant::now();
        let (status, _) = post(&s, "/v1/sessions", sign_in(OWNER_PW), "192.0.2.10").await;
        eprintln!("the owner's sign-in after the burst: {:?}", started.elapsed());
        assert_eq!(status, 201);
        // …and nobody else is locked out from the attacker's address.
        let pat = json!({"business": "sparkle", "email": "pat@sparkle.example",
            "password": "Pat Provider passphrase"});
        assert_eq!(post(&s, "/v1/sessions", pat, "203.0.113.66").await.0, 201);
        s.stop().await;
    }
}

rota_tests::on_every_store! {
    async fn a10_a_flood_of_bogus_resets_and_sign_ups_runs_no_hash_and_an_honest_sign_in_gets_in(db: Db) {
        let _alone = ONE_AT_A_TIME.lock().await;
        let s = Server::start_on("a10", &db).await;
        s.sign_up("sparkle", "olive@sparkle.example", OWNER_PW).await;
        let started = Instant::now();
        assert_eq!(post(&s, "/v1/sessions", sign_in(OWNER_PW), "192.0.2.1").await.0, 201);
        let idle = started.elapsed();
        let hashes = s.hashes_run();
        let flood = {
            let s = &s;
            burst(s, 900, |i| {
                let client = format!("10.{}.{}.{}", i % 3, i / 256, i % 256);
                match i % 3 {
                    0 => ("/v1/password-resets/confirm".into(),
                        json!({"token": format!("bogus-{i}"), "new_password": "another long passphrase"}), client),
                    1 => ("/v1/invitations/accept".into(),
                        json!({"token": format!("bogus-{i}"), "password": "another long passphrase"}), client),
                    _ => ("/v1/businesses".into(), json!({"business_name": "Sparkle Again",
                        "slug": "sparkle", "time_zone": "UTC", "currency": "USD",
                        "owner_name": "Mallory", "email": format!("m{i}@x.example"),
                        "password": "another long passphrase"}), client),
                }
            })
        };
        let honest = async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            let started = Instant::now();
            let answer = post(&s, "/v1/sessions", sign_in(OWNER_PW), "192.0.2.2").await;
            (answer, started.elapsed())
        };
        let (flood, ((status, _), during)) = tokio::join!(flood, honest);
        eprintln!(
            "900 bogus reset/invitation/sign-up requests: {} × 422, {} × 409, {} hashes run; \
             an honest sign-in took {during:?} during the flood, {idle:?} idle",
            count(&flood, 422),
            count(&flood, 409),
            s.hashes_run() - hashes - 1
        );
        assert_eq!(status, 201, "the honest sign-in gets in");
        assert_eq!((count(&flood, 422), count(&flood, 409)), (600, 300), "{flood:?}");
        assert_eq!(s.hashes_run() - hashes, 1, "only the honest sign-in hashed");
        s.stop().await;
    }
}

rota_tests::on_every_store! {
    async fn a11_200_forgot_password_requests_send_three_emails(db: Db) {
        let _alone = ONE_AT_A_TIME.lock().await;
        let s = Server::start_on("a11", &db).await;
        s.sign_up("sparkle", "olive@sparkle.example", OWNER_PW).await;
        let reset = json!({"business": "sparkle", "email": "olive@sparkle.example"});
        let answers = burst(&s, 200, |i| {
            ("/v1/password-resets".into(), reset.clone(), format!("10.9.{}.{}", i / 256, i % 256))
        })
        .await;
        assert_eq!(count(&answers, 202), 200, "always 202");
        let resets = |s: &Server| {
            s.emails()
                .iter()
                .filter(|e| e.contains("To: olive@sparkle.example") && e.contains("reset-password"))
                .count()
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while resets(&s) < 3 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // Two more rounds of the outbox worker, in case more were queued.
        tokio::time::sleep(Duration::from_secs(5)).await;
        eprintln!("200 forgot-password requests: {} emails", resets(&s));
        assert_eq!(resets(&s), 3);
        s.stop().await;
    }
}
