//! `cargo xtask loadtest`: the real server (release build, real adapters) on
//! SQLite and on PostgreSQL, driven at 64 connections for 10 s per endpoint:
//! `GET /v1/bookings` (a provider's week) and `POST /v1/bookings`, each
//! printed beside three axum endpoints measured in the same run on the same
//! database — one returning a fixed JSON body, one doing a single indexed
//! select, one selecting the week's booking rows (the limit the reads are
//! compared with: ≥ 0.5 of it) — and beside a read of a new window each
//! request (the same target). Every API row's p99 target is 25 ms. The console's week calendar page (the whole team of ten
//! providers, a busy week) is printed beside `GET /v1/bookings` for the same
//! week, the same viewer, read whole in pages of 200 as a client of the API
//! would. The public booking page's slot view (one service offered by five
//! providers, the week from a busy day, anyone) is printed beside
//! `GET /v1/availability` for the same week; one provider's one day, a new
//! day each request, is the narrowest slot question (≥ 11,000 req/s on
//! SQLite). A second business of fifty providers with 10,000 bookings in a
//! month answers one provider's 30 days (beside a raw endpoint reading the
//! same rows) and anyone's 30 days at one connection (`month.rs`).
//! `ROTA_LOADTEST_SECONDS` shortens the runs;
//! `ROTA_LOADTEST_ONLY=<part of a row's name>` runs only matching rows.

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rota_app::domain::jiff::{SignedDuration, Timestamp};
use rota_app::ports::{Clock, Store};
use rota_app::testing::RecordingMailer;
use rota_app::{Ports, Rota};
use rota_auth::{Argon2Hasher, RandomTokens, TimeOrderedIds};
use rota_email::{Postman, SealKey, Transport};
use rota_server::Runtime;
use rota_store_postgres::PostgresStore;
use rota_store_sqlite::SqliteStore;
use serde_json::json;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

const CONNECTIONS: usize = 64;
/// The providers who take the background bookings and the writes.
const PROVIDERS: usize = 4;
/// The whole team on the calendar: a Grow plan's ten seats.
const TEAM: usize = 10;
const CUSTOMERS: usize = 50;
/// Bookings seeded outside the week that is read.
const BACKGROUND: usize = 2000;
const PASSWORD: &str = "load test passphrase";
/// A read of a window no request has asked for (nothing is remembered
/// between requests anyway, SPEC §8): ≥ 0.5 of the week's select.
const COLD_READ: &str = "GET /v1/bookings, a new window each request";
/// The whole team's busy week over the API, one page of 200 (no target).
const TEAM_WEEK: &str = "GET /v1/bookings (the team's week, limit=200)";
/// The same week as the console's calendar page draws it.
const CALENDAR: &str = "GET /console/bookings (week calendar, 10 providers)";
/// The slots a booking page asks for: one service, a week, anyone of five.
const SLOTS_API: &str = "GET /v1/availability (a week, anyone of 5 providers)";
/// The same week's free times as the public booking page shows them (the
/// week counted by day, the first day's times listed).
const SLOTS_PAGE: &str = "GET /b/{slug} (the public slot view, the same week)";
/// A booking page's narrowest question, a day nobody has asked for yet.
const SLOTS_DAY: &str = "GET /v1/availability (one provider, a new day each request)";
/// Providers offering the public page's service.
const OFFERING: usize = 5;
/// Monday of the week that is read.
const WEEK: &str = "2030-03-04T00:00:00Z";

struct Clockwork;

impl Clock for Clockwork {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

mod baseline;
mod month;
mod report;
mod seed;

use baseline::{Db, baseline};
use month::{MONTH_ANY, MONTH_ONE, MONTH_RAW, month_baseline, month_rows, seed_month};
use report::print;
use seed::{Seeded, seed};

fn ts(s: &str) -> Timestamp {
    s.parse().expect("a valid instant")
}

/// One endpoint's figures.
struct Figures {
    what: String,
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    ok: u64,
    expected_refusals: u64,
    errors: u64,
    first_error: Option<String>,
}

/// Drives `make_request` from `CONNECTIONS` tasks for `seconds`.
async fn drive<F>(what: &str, seconds: u64, make_request: F) -> Figures
where
    F: Fn(&reqwest::Client, u64) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    drive_with(CONNECTIONS, what, seconds, make_request).await
}

/// Drives `make_request` from `connections` tasks for `seconds`.
async fn drive_with<F>(connections: usize, what: &str, seconds: u64, make_request: F) -> Figures
where
    F: Fn(&reqwest::Client, u64) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    // reqwest's rustls has no provider of its own here; plain HTTP wants one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        // A redirect (say, to the sign-in page) is a failure, not a read.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let make_request = Arc::new(make_request);
    // On stderr, for a profiler to start with the row.
    eprintln!("running: {what} ({seconds} s)");
    let counter = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (client, make_request, counter) = (
            client.clone(),
            Arc::clone(&make_request),
            Arc::clone(&counter),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let (mut ok, mut refused, mut errors, mut first_error) = (0_u64, 0_u64, 0_u64, None);
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let t = Instant::now();
                let result = make_request(&client, n).send().await;
                let body = match result {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        // Read whole, decoded only when it is a failure's
                        // (as wrk reads: the client shares the CPU).
                        let body = r.bytes().await.unwrap_or_default();
                        let text = if (200..300).contains(&status) {
                            String::new()
                        } else {
                            String::from_utf8_lossy(&body).into_owned()
                        };
                        Some((status, text))
                    }
                    Err(e) => {
                        first_error.get_or_insert(e.to_string());
                        None
                    }
                };
                latencies.push(t.elapsed());
                match body {
                    Some((200..=299, _)) => ok += 1,
                    Some((409, text)) if text.contains("\"double_booking\"") => refused += 1,
                    Some((status, text)) => {
                        errors += 1;
                        first_error.get_or_insert(format!(
                            "{status}: {}",
                            text.chars().take(200).collect::<String>()
                        ));
                    }
                    None => errors += 1,
                }
            }
            (latencies, ok, refused, errors, first_error)
        }));
    }
    let mut latencies = Vec::new();
    let (mut ok, mut refused, mut errors, mut first_error) = (0, 0, 0, None);
    for t in tasks {
        let (times, oks, refusals, failures, first) = t.await.expect("a load task");
        latencies.extend(times);
        ok += oks;
        refused += refusals;
        errors += failures;
        if first_error.is_none() {
            first_error = first;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let pct = |p: f64| {
        let i = ((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1));
        latencies.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    Figures {
        what: what.to_owned(),
        rps: latencies.len() as f64 / elapsed,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        ok,
        expected_refusals: refused,
        errors,
        first_error,
    }
}

async fn run_store(
    name: &str,
    store: Arc<dyn Store>,
    db: Db,
    seconds: u64,
) -> Result<Vec<Figures>, String> {
    let mailer = Arc::new(RecordingMailer::default());
    let hasher = Argon2Hasher::new(2);
    let rota = Rota::new(Ports {
        store: store.clone(),
        clock: Arc::new(Clockwork),
        ids: Arc::new(TimeOrderedIds),
        hasher: Arc::new(hasher.clone()),
        tokens: Arc::new(RandomTokens),
        mailer: mailer.clone(),
    });
    let started = Instant::now();
    let seeded = seed(&rota, &mailer).await?;
    let month = seed_month(&rota, &mailer).await?;
    eprintln!("{name}: seeded in {:.1} s", started.elapsed().as_secs_f64());
    if let Db::Postgres(pool) = &db {
        // Fresh statistics, as autovacuum keeps them on a production server
        // (this machine's PostgreSQL runs without it).
        sqlx::query("ANALYZE")
            .execute(pool)
            .await
            .map_err(|e| e.to_string())?;
    }

    // The real server (the same `serve_on` as `rota serve`), on port 0.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let base = format!(
        "http://{}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    let runtime = Runtime {
        rota,
        postman: Arc::new(
            Postman::new(
                SealKey::generate().map_err(|e| e.to_string())?,
                &base,
                "Rota <x@y.example>",
                Transport::memory(),
            )
            .map_err(|e| e.to_string())?,
        ),
        store,
        base_url: base.clone(),
        hasher,
        trusted_proxies: Vec::new(),
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(rota_server::serve_on(runtime, listener, async {
        let _ = stopped.await;
    }));
    let baseline_listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let baseline_base = format!(
        "http://{}",
        baseline_listener.local_addr().map_err(|e| e.to_string())?
    );
    let business = seeded.business.clone();
    let raw = baseline(db.clone(), business).merge(month_baseline(db, &month));
    let baseline_server = tokio::spawn(async move {
        let _ = axum::serve(baseline_listener, raw).await;
    });

    eprintln!("{name}: {} bookings in the read week", seeded.in_week);
    let mut figures = limits(&baseline_base, seconds).await;
    figures.extend(reads(&base, &seeded, seconds).await);
    figures.extend(pages(&base, &seeded, seconds).await);
    figures.extend(month_rows(&base, &baseline_base, &month, seconds).await);
    figures.extend(writes(&base, &seeded, seconds).await);
    let _ = stop.send(());
    let _ = server.await;
    baseline_server.abort();
    Ok(figures)
}

/// Whether the row `what` is to run: `ROTA_LOADTEST_ONLY=GET` (or POST,
/// `fixed,30 days`…) runs only the rows whose name holds one of them.
fn wanted(what: &str) -> bool {
    let only = std::env::var("ROTA_LOADTEST_ONLY").unwrap_or_default();
    only.is_empty() || only.split(',').any(|part| what.contains(part))
}

/// The limits measured in the same run: plain axum answering a fixed body,
/// one indexed select, and the week's rows in one select.
async fn limits(baseline_base: &str, seconds: u64) -> Vec<Figures> {
    let mut figures = Vec::new();
    let url = format!("{baseline_base}/fixed");
    if wanted("axum, fixed JSON body") {
        figures.push(drive("axum, fixed JSON body", seconds, move |c, _| c.get(&url)).await);
    }
    let url = format!("{baseline_base}/select");
    if wanted("axum, one indexed select") {
        figures.push(drive("axum, one indexed select", seconds, move |c, _| c.get(&url)).await);
    }
    let url = format!("{baseline_base}/week");
    if wanted("axum, the week's rows") {
        figures.push(
            drive(
                "axum, the week's rows (one select)",
                seconds,
                move |c, _| c.get(&url),
            )
            .await,
        );
    }
    figures
}

/// Reads over the API: a provider's week, a window nothing remembered can
/// answer, the whole team's week.
async fn reads(base: &str, seeded: &Seeded, seconds: u64) -> Vec<Figures> {
    let mut figures = Vec::new();
    let url = format!(
        "{base}/v1/bookings?provider_id={}&from=2030-03-04T00:00:00Z&to=2030-03-11T00:00:00Z",
        seeded.provider
    );
    let token = seeded.provider_token.clone();
    if wanted("GET /v1/bookings") {
        figures.push(
            drive(
                "GET /v1/bookings (a provider's week)",
                seconds,
                move |c, _| c.get(&url).bearer_auth(&token),
            )
            .await,
        );
    }
    // The same shape of read, but a window no request has asked for yet:
    // nothing remembered helps (provider 0 has a booking every 4 hours from
    // April, so 80 hours hold 20 of them).
    let url = format!("{base}/v1/bookings?provider_id={}", seeded.provider);
    let token = seeded.provider_token.clone();
    if wanted("GET /v1/bookings, a new window") {
        figures.push(
            drive(COLD_READ, seconds, move |c, n| {
                let minutes = i64::try_from(n % 100_000).unwrap_or(0);
                let from = ts("2030-04-01T00:00:00Z")
                    .checked_add(SignedDuration::from_mins(minutes))
                    .unwrap_or_else(|_| ts("2030-04-01T00:00:00Z"));
                let to = from
                    .checked_add(SignedDuration::from_hours(80))
                    .unwrap_or(from);
                c.get(format!("{url}&from={from}&to={to}"))
                    .bearer_auth(&token)
            })
            .await,
        );
    }
    // The whole team's week over the API (the console's calendar page
    // draws the same week among the pages' rows).
    let url =
        format!("{base}/v1/bookings?from=2030-03-04T00:00:00Z&to=2030-03-11T00:00:00Z&limit=200");
    let token = seeded.owner_token.clone();
    if wanted(TEAM_WEEK) {
        figures.push(
            drive(TEAM_WEEK, seconds, move |c, _| {
                c.get(&url).bearer_auth(&token)
            })
            .await,
        );
    }
    figures
}

/// Pages beside the API's answer to the same question: the console's week
/// calendar, and the public booking page's week of free times.
async fn pages(base: &str, seeded: &Seeded, seconds: u64) -> Vec<Figures> {
    let mut figures = Vec::new();
    let url = format!("{base}/console/bookings?view=week&day=2030-03-04");
    let cookie = format!("rota_session={}", seeded.owner_token);
    if wanted(CALENDAR) {
        figures.push(
            drive(CALENDAR, seconds, move |c, _| {
                c.get(&url).header(reqwest::header::COOKIE, &cookie)
            })
            .await,
        );
    }
    // A booking page's question: one service, the week from a busy day,
    // anyone of five; over the API, and as the public page draws it (the
    // business's zone is UTC: the same instants).
    let url = format!(
        "{base}/v1/availability?service_id={}&from=2030-03-05T00:00:00Z&to=2030-03-12T00:00:00Z",
        seeded.service
    );
    let token = seeded.owner_token.clone();
    if wanted(SLOTS_API) {
        figures.push(
            drive(SLOTS_API, seconds, move |c, _| {
                c.get(&url).bearer_auth(&token)
            })
            .await,
        );
    }
    // One provider's one day, a different day each request: the provider
    // has a booking every 4 hours from April (about 180 in a month).
    let url = format!(
        "{base}/v1/availability?service_id={}&provider_id={}",
        seeded.service, seeded.provider
    );
    let token = seeded.owner_token.clone();
    if wanted(SLOTS_DAY) {
        figures.push(
            drive(SLOTS_DAY, seconds, move |c, n| {
                let day = i64::try_from(n % 365).unwrap_or(0);
                let from = ts("2030-04-01T00:00:00Z")
                    .checked_add(SignedDuration::from_hours(24 * day))
                    .unwrap_or_else(|_| ts("2030-04-01T00:00:00Z"));
                let to = from
                    .checked_add(SignedDuration::from_hours(24))
                    .unwrap_or(from);
                c.get(format!("{url}&from={from}&to={to}"))
                    .bearer_auth(&token)
            })
            .await,
        );
    }
    let url = format!("{base}/b/loadco?service={}&day=2030-03-05", seeded.service);
    if wanted(SLOTS_PAGE) {
        figures.push(drive(SLOTS_PAGE, seconds, move |c, _| c.get(&url)).await);
    }
    figures
}

/// Bookings made as fast as the server takes them.
async fn writes(base: &str, seeded: &Seeded, seconds: u64) -> Vec<Figures> {
    let mut figures = Vec::new();
    let url = format!("{base}/v1/bookings");
    let (token, providers, customers) = (
        seeded.owner_token.clone(),
        seeded.providers[..PROVIDERS].to_vec(),
        seeded.customers.clone(),
    );
    if wanted("POST /v1/bookings") {
        figures.push(
            drive("POST /v1/bookings", seconds, move |c, n| {
                // Ten years from 2031 in 30-minute steps, more slots than a
                // run makes requests, each taken once: every request books
                // (neighbouring slots go to different providers, so the
                // 45-minute bookings do not overlap). The four providers'
                // writes still queue on their locks.
                let slot = i64::try_from(n.wrapping_mul(7919) % 175_200).unwrap_or(0);
                let at = ts("2031-01-01T00:00:00Z")
                    .checked_add(SignedDuration::from_mins(slot * 30))
                    .unwrap_or_else(|_| ts("2031-01-01T00:00:00Z"));
                let i = usize::try_from(n).unwrap_or(0);
                c.post(&url).bearer_auth(&token).json(&json!({
                "customer_id": customers[i % customers.len()].to_string(),
                "starts_at": at.to_string(),
                "ends_at": at.checked_add(SignedDuration::from_mins(45)).unwrap_or(at).to_string(),
                "provider_ids": [providers[i % providers.len()].to_string()],
            }))
            })
            .await,
        );
    }
    figures
}

pub(crate) fn run() -> Result<(), String> {
    let seconds = std::env::var("ROTA_LOADTEST_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let mut missed = 0;
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let sqlite = SqliteStore::open(&dir.path().join("load.db"), 8)
            .await
            .map_err(|e| e.to_string())?;
        let db = Db::Sqlite(sqlite.pool().clone());
        let figures = run_store("SQLite", Arc::new(sqlite), db, seconds).await?;
        missed += print("SQLite", &figures);

        match std::env::var("ROTA_BENCH_DATABASE_URL")
            .ok()
            .or_else(|| std::env::var("ROTA_TEST_DATABASE_URL").ok())
        {
            None => eprintln!(
                "PostgreSQL skipped: set ROTA_BENCH_DATABASE_URL or ROTA_TEST_DATABASE_URL"
            ),
            Some(url) => {
                let schema = format!("rota_load_{}", std::process::id());
                let mut admin = PgConnection::connect(&url)
                    .await
                    .map_err(|e| e.to_string())?;
                for sql in [
                    format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"),
                    format!("CREATE SCHEMA \"{schema}\""),
                ] {
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .execute(&mut admin)
                        .await
                        .map_err(|e| e.to_string())?;
                }
                let options = PgConnectOptions::from_str(&url)
                    .map_err(|e| e.to_string())?
                    .options([("search_path", format!("{schema},public"))]);
                let pg = PostgresStore::connect_with(options, 32)
                    .await
                    .map_err(|e| e.to_string())?;
                let db = Db::Postgres(pg.pool().clone());
                let result = run_store("PostgreSQL", Arc::new(pg), db, seconds).await;
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"
                )))
                .execute(&mut admin)
                .await;
                missed += print("PostgreSQL", &result?);
            }
        }
        if missed > 0 {
            println!();
            println!("{missed} figure(s) missed their target");
        }
        Ok(())
    })
}
