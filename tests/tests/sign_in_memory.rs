//! A2, A10: a flood of sign-ins is served without a 500 and within a memory
//! bound, because argon2 runs off the async threads, a bounded number at
//! once, behind a queue of fixed length that answers 503 with Retry-After
//! when full (each argon2id hash holds 19 MiB while it runs). A binary of
//! its own: resident memory is the whole test process's.

#![allow(missing_docs)]

use std::time::Instant;

use rota_tests::{Server, peak_rss_kib};
use serde_json::json;

/// The bound this test holds the whole process to: the server, its SQLite
/// pool, at most `available_parallelism` argon2 buffers, and the client.
const PEAK_RSS_BOUND_MIB: u64 = 128;

const OWNER_PW: &str = "owner's long passphrase";

/// One store's flood at a time.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

rota_tests::on_every_store! {
    async fn a2_100_concurrent_sign_ins_stay_within_the_memory_bound_and_get_no_500(db: Db) {
        let _alone = ONE_AT_A_TIME.lock().await;
        let s = Server::start_on("signins", &db).await;
        s.sign_up("sparkle", "olive@sparkle.example", OWNER_PW).await;
        let before = peak_rss_kib().unwrap_or(0);
        let started = Instant::now();
        // A hundred people at once, nine in ten with the right password.
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..100 {
            let password = if i % 10 == 9 { "a wrong guess entirely" } else { OWNER_PW };
            let (http, url) = (s.http.clone(), format!("{}/v1/sessions", s.base));
            tasks.spawn(async move {
                let res = http
                    .post(url)
                    .header("x-forwarded-for", format!("198.51.100.{i}"))
                    .json(&json!({"business": "sparkle", "email": "olive@sparkle.example",
                        "password": password}))
                    .send()
                    .await
                    .expect("the server answers every request");
                (res.status().as_u16(), res.headers().contains_key("retry-after"))
            });
        }
        let answers = tasks.join_all().await;
        let count = |status: u16| answers.iter().filter(|(s, _)| *s == status).count();
        let elapsed = started.elapsed();
        let peak = peak_rss_kib().unwrap_or(0);
        let (created, wrong, busy) = (count(201), count(401), count(503));
        eprintln!(
            "100 concurrent sign-ins: {created} signed in, {wrong} refused, {busy} told the \
             hashing queue was full (503), in {:.2} s; peak RSS {} MiB (before {} MiB; bound \
             {PEAK_RSS_BOUND_MIB} MiB)",
            elapsed.as_secs_f64(),
            peak / 1024,
            before / 1024
        );
        assert_eq!(created + wrong + busy, 100, "{answers:?}");
        assert!(answers.iter().all(|(s, retry)| *s != 503 || *retry), "503 says when to retry");
        assert!(created >= 1 && wrong <= 10, "{answers:?}");
        if peak > 0 {
            assert!(peak / 1024 < PEAK_RSS_BOUND_MIB, "peak RSS {} MiB", peak / 1024);
        }
        s.stop().await;
    }
}
