//! A2: a flood of sign-ins is served without 5xx and within a memory bound,
//! because argon2 work runs off the async threads, a bounded number at once
//! (each argon2id hash holds 19 MiB while it runs).

#![allow(missing_docs)]

use rota_tests::{Server, peak_rss_kib};
use serde_json::json;

/// The bound this test holds the whole process to: the server, its SQLite
/// pool, at most `available_parallelism` argon2 buffers, and the client.
const PEAK_RSS_BOUND_MIB: u64 = 128;

/// Resident memory is the whole test process's: one store's flood at a time.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

rota_tests::on_every_store! {
    async fn a2_100_concurrent_sign_ins_get_no_5xx_and_stay_within_the_memory_bound(db: Db) {
        let _alone = ONE_AT_A_TIME.lock().await;
        let s = Server::start_on("signins", &db).await;
        s.sign_up(
            "sparkle",
            "olive@sparkle.example",
            "owner's long passphrase",
        )
        .await;
        let before = peak_rss_kib().unwrap_or(0);
        let started = std::time::Instant::now();
        let mut tasks = Vec::new();
        for i in 0..100 {
            let http = s.http.clone();
            let url = format!("{}/v1/sessions", s.base);
            // Nine in ten with the right password, one in ten wrong.
            let password = if i % 10 == 9 {
                "a wrong guess entirely"
            } else {
                "owner's long passphrase"
            };
            tasks.push(tokio::spawn(async move {
                http.post(url)
                    .json(&json!({"business": "sparkle", "email": "olive@sparkle.example", "password": password}))
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            }));
        }
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.unwrap().expect("the server answers every request"));
        }
        let elapsed = started.elapsed();
        let peak = peak_rss_kib().unwrap_or(0);
        let created = statuses.iter().filter(|s| **s == 201).count();
        let refused = statuses.iter().filter(|s| **s == 401 || **s == 429).count();
        eprintln!(
            "100 concurrent sign-ins: {created} signed in, {refused} refused (401/429), in {:.2} s; \
             peak RSS {} MiB (before the flood {} MiB; bound {PEAK_RSS_BOUND_MIB} MiB)",
            elapsed.as_secs_f64(),
            peak / 1024,
            before / 1024
        );
        assert!(statuses.iter().all(|s| *s < 500), "no 5xx: {statuses:?}");
        assert_eq!(created + refused, 100, "{statuses:?}");
        assert!(created >= 50, "most right passwords get in: {statuses:?}");
        if peak > 0 {
            assert!(
                peak / 1024 < PEAK_RSS_BOUND_MIB,
                "peak RSS {} MiB",
                peak / 1024
            );
        }
        s.stop().await;
    }
}
