//! `cargo xtask bench import`: 100,000 customers imported from CSV through
//! Rota on SQLite and PostgreSQL, beside the same rows written raw the
//! fastest way each database takes them (multi-row `INSERT`s on SQLite,
//! `COPY` on PostgreSQL) in one transaction, same run (target ≥ 0.25 of
//! raw); and the peak RSS of `rota import-customers` on 1,000,000
//! rows (target < 100 MiB).

use std::fmt::Write as _;

use std::io::Write as _;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rota_app::bulk::{ImportMode, ImportOptions, OnDuplicate};
use rota_app::domain::actor::Actor;
use rota_app::domain::business::{Currency, Zone};
use rota_app::domain::email::EmailAddress;
use rota_app::domain::id::BusinessId;
use rota_app::domain::name::{BusinessName, PersonName, Slug};
use rota_app::ports::Store;
use rota_app::secrecy::SecretString;
use rota_app::signup::SignUp;
use rota_app::testing::{CountingTokens, InsecureHasher, ManualClock, RecordingMailer};
use rota_app::{Ports, Rota};
use rota_auth::TimeOrderedIds;
use rota_store_postgres::PostgresStore;
use rota_store_sqlite::SqliteStore;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

const ROWS: usize = 100_000;
const CLI_ROWS: usize = 1_000_000;

fn csv(rows: usize) -> String {
    let mut out = String::from("Email Address,First Name,Last Name,City,Postal Code\n");
    for i in 0..rows {
        let _ = writeln!(
            out,
            "c{i}@x.example,First{i},Last{i},Leeds,LS{} 1AA",
            i % 99
        );
    }
    out
}

fn rota_on(store: Arc<dyn Store>) -> Rota {
    Rota::new(Ports {
        store,
        clock: Arc::new(ManualClock::at(
            "2026-01-01T00:00:00Z".parse().expect("an instant"),
        )),
        ids: Arc::new(TimeOrderedIds),
        hasher: Arc::new(InsecureHasher),
        tokens: Arc::new(CountingTokens::default()),
        mailer: Arc::new(RecordingMailer::default()),
    })
}

async fn business(rota: &Rota, slug: &str) -> Result<(BusinessId, Actor), String> {
    let up = rota
        .sign_up(SignUp {
            business_name: BusinessName::parse("Import Co").map_err(|e| e.to_string())?,
            slug: Slug::parse(slug).map_err(|e| e.to_string())?,
            time_zone: Zone::parse("UTC").map_err(|e| e.to_string())?,
            currency: Currency::parse("GBP").map_err(|e| e.to_string())?,
            owner_name: PersonName::parse("Olive Owner").map_err(|e| e.to_string())?,
            email: EmailAddress::parse(&format!("owner@{slug}.example"))
                .map_err(|e| e.to_string())?,
            password: SecretString::from("a long enough passphrase"),
        })
        .await
        .map_err(|e| e.to_string())?;
    Ok((up.business.id, Actor::of(&up.owner)))
}

/// Rows/s of a committed import through Rota.
async fn through_rota(rota: &Rota, actor: &Actor, file: &str) -> Result<f64, String> {
    let started = Instant::now();
    let report = rota
        .import_customers(
            actor,
            file.as_bytes(),
            ImportOptions {
                mode: ImportMode::Commit,
                on_duplicate: OnDuplicate::Error,
                max_rows: None,
            },
            None,
        )
        .await
        .map_err(|e| e.to_string())?;
    if !report.committed || report.created != ROWS as u64 {
        return Err(format!("the import did not commit: {report:?}"));
    }
    Ok(ROWS as f64 / started.elapsed().as_secs_f64())
}

fn details_json(i: usize) -> String {
    format!(r#"{{"city":"Leeds","postal_code":"LS{} 1AA"}}"#, i % 99)
}

/// Rows a raw multi-row `INSERT` writes at once.
const RAW_ROWS_PER_INSERT: usize = 1000;

/// The raw row `i`'s id.
fn raw_id(i: usize) -> rota_app::domain::uuid::Uuid {
    rota_app::domain::uuid::Uuid::from_u128(u128::try_from(i).unwrap_or(0) + (1 << 100))
}

/// SQLite's limit: the rows by multi-row `INSERT`s of a thousand rows
/// each (one prepared statement), in one transaction.
async fn raw_sqlite(pool: &sqlx::SqlitePool, business: BusinessId) -> Result<f64, String> {
    let started = Instant::now();
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(|e| e.to_string())?;
    for chunk in (0..ROWS).collect::<Vec<_>>().chunks(RAW_ROWS_PER_INSERT) {
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO accounts (business_id, id, kind, email, email_normalized, status, name, phone, roles, owner, \
             first_name, last_name, details, archived_at, created_at, activated_at) ",
        );
        q.push_values(chunk, |mut row, &i| {
            let email = format!("r{i}@x.example");
            row.push_bind(business.as_uuid())
                .push_bind(raw_id(i))
                .push("'customer'")
                .push_bind(email.clone())
                .push_bind(email)
                .push("'active', NULL, NULL, NULL, 0")
                .push_bind(format!("First{i}"))
                .push_bind(format!("Last{i}"))
                .push_bind(details_json(i))
                .push("NULL")
                .push_bind(1_767_225_600_000_000_i64)
                .push("NULL");
        });
        q.build()
            .execute(&mut *tx)
            .await
            .map_err(|e| e.to_string())?;
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(ROWS as f64 / started.elapsed().as_secs_f64())
}

/// PostgreSQL's limit: the rows by one `COPY … FROM STDIN`, in one
/// transaction.
async fn raw_postgres(pool: &sqlx::PgPool, business: BusinessId) -> Result<f64, String> {
    let started = Instant::now();
    let mut tx = pool.begin().await.map_err(|e| e.to_string())?;
    let mut copy = tx
        .copy_in_raw(
            "COPY accounts (business_id, id, kind, email, email_normalized, status, name, phone, roles, owner, \
             first_name, last_name, details, archived_at, created_at, activated_at) FROM STDIN",
        )
        .await
        .map_err(|e| e.to_string())?;
    let mut data = String::new();
    for i in 0..ROWS {
        let email = format!("r{i}@x.example");
        let _ = writeln!(
            data,
            "{business}\t{id}\tcustomer\t{email}\t{email}\tactive\t\\N\t\\N\t\\N\tf\tFirst{i}\tLast{i}\t{details}\t\\N\t2026-01-01T00:00:00Z\t\\N",
            business = business.as_uuid(),
            id = raw_id(i),
            details = details_json(i),
        );
        // Sent in pieces as Rota sends its own (no faster in 1 MiB ones).
        if data.len() >= 1 << 16 {
            copy.send(data.as_bytes())
                .await
                .map_err(|e| e.to_string())?;
            data.clear();
        }
    }
    copy.send(data.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    copy.finish().await.map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(ROWS as f64 / started.elapsed().as_secs_f64())
}

/// (store, ours, raw) rows/s.
async fn measure() -> Result<Vec<(&'static str, f64, f64)>, String> {
    let file = csv(ROWS);
    let mut out = Vec::new();
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let store = SqliteStore::open(&dir.path().join("import.db"), 4)
        .await
        .map_err(|e| e.to_string())?;
    let pool = store.pool().clone();
    let rota = rota_on(Arc::new(store));
    let (_, actor) = business(&rota, "ours").await?;
    let (raw_business, _) = business(&rota, "raw").await?;
    let raw = raw_sqlite(&pool, raw_business).await?;
    let ours = through_rota(&rota, &actor, &file).await?;
    out.push(("SQLite", ours, raw));

    if let Some(url) = std::env::var("ROTA_BENCH_DATABASE_URL")
        .ok()
        .or_else(|| std::env::var("ROTA_TEST_DATABASE_URL").ok())
    {
        let schema = format!("rota_import_{}", std::process::id());
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
        let result = async {
            let store = PostgresStore::connect_with(options, 4)
                .await
                .map_err(|e| e.to_string())?;
            let pool = store.pool().clone();
            let rota = rota_on(Arc::new(store));
            let (_, actor) = business(&rota, "ours").await?;
            let (raw_business, _) = business(&rota, "raw").await?;
            let raw = raw_postgres(&pool, raw_business).await?;
            let ours = through_rota(&rota, &actor, &file).await?;
            Ok::<_, String>(("PostgreSQL", ours, raw))
        }
        .await;
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"
        )))
        .execute(&mut admin)
        .await;
        out.push(result?);
    } else {
        eprintln!("PostgreSQL skipped: set ROTA_BENCH_DATABASE_URL or ROTA_TEST_DATABASE_URL");
    }
    Ok(out)
}

/// The peak resident memory (KiB) of a child process, polled from /proc.
fn peak_rss_kib(child: &mut std::process::Child) -> Result<u64, String> {
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status)
            && let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak = peak.max(kib);
        }
        if child.try_wait().map_err(|e| e.to_string())?.is_some() {
            return Ok(peak);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Imports 1,000,000 rows with the release `rota` binary; its peak RSS.
fn cli_peak_rss() -> Result<(u64, f64), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    crate::run(
        &cargo,
        &["build", "--release", "--quiet", "-p", "rota-server"],
    )?;
    let rota = super::target_dir().join("release/rota");
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let file = dir.path().join("customers.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&file).map_err(|e| e.to_string())?);
    f.write_all(csv(CLI_ROWS).as_bytes())
        .map_err(|e| e.to_string())?;
    f.flush().map_err(|e| e.to_string())?;
    drop(f);
    let data = dir.path().join("data");
    let status = std::process::Command::new(&rota)
        .args([
            "create-business",
            "--name",
            "Import Co",
            "--slug",
            "importco",
        ])
        .args([
            "--owner-name",
            "Olive Owner",
            "--email",
            "owner@importco.example",
        ])
        .arg("--data-dir")
        .arg(&data)
        .env("ROTA_OWNER_PASSWORD", "a long enough passphrase")
        .env("RUST_LOG", "warn")
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("rota create-business failed".into());
    }
    let started = Instant::now();
    let mut child = std::process::Command::new(&rota)
        .arg("import-customers")
        .arg(&file)
        .args(["--business", "importco", "--mode", "commit", "--data-dir"])
        .arg(&data)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let peak = peak_rss_kib(&mut child)?;
    let elapsed = started.elapsed().as_secs_f64();
    if !child.wait().map_err(|e| e.to_string())?.success() {
        return Err("rota import-customers failed".into());
    }
    Ok((peak, CLI_ROWS as f64 / elapsed))
}

pub(crate) fn run() -> Result<usize, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let figures = runtime.block_on(measure())?;
    let mut missed = 0;
    println!();
    println!(
        "Import of {ROWS} customers (commit, one transaction); raw = the same rows written the fastest way the database takes them (multi-row INSERTs of 1,000 rows on SQLite, COPY on PostgreSQL) in one transaction, same database, same run:"
    );
    println!();
    println!("| store | through Rota rows/s | raw rows/s | ratio | target ≥ 0.25 |");
    println!("|---|---|---|---|---|");
    for (store, ours, raw) in figures {
        let ratio = ours / raw;
        missed += usize::from(ratio < 0.25);
        println!(
            "| {store} | {ours:.0} | {raw:.0} | {ratio:.2} | {} |",
            if ratio >= 0.25 { "yes" } else { "NO" }
        );
    }
    let (peak, rate) = cli_peak_rss()?;
    let mib = peak as f64 / 1024.0;
    missed += usize::from(mib >= 100.0);
    println!();
    println!(
        "`rota import-customers` (release) on {CLI_ROWS} rows: peak RSS {mib:.0} MiB (target < 100 MiB), {rate:.0} rows/s"
    );
    Ok(missed)
}
