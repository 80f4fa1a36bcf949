//! `cargo xtask bench`: runs the criterion benchmarks and prints one table.

mod import;
mod postgres;
mod report;
mod sqlite;
mod stores;

use std::env;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// A benchmark's id, what it measures, and its target in nanoseconds.
struct Row {
    id: &'static str,
    what: &'static str,
    target_ns: f64,
}

const AVAILABILITY: &[Row] = &[
    Row {
        id: "availability_1_provider_30_days",
        what: "availability, 1 provider × 30 days",
        target_ns: 50_000.0,
    },
    Row {
        id: "availability_50_providers_30_days",
        what: "availability, 50 providers × 30 days",
        target_ns: 2_000_000.0,
    },
];

fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
        PathBuf::from,
    )
}

/// The median of a criterion run, in nanoseconds.
fn median_ns(id: &str) -> Option<f64> {
    let path = target_dir()
        .join("criterion")
        .join(id)
        .join("new/estimates.json");
    let json: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    json["median"]["point_estimate"].as_f64()
}

fn human(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

pub(crate) fn run(only: Option<&str>) -> Result<(), String> {
    let mut missed = 0;
    if only.is_none() || only == Some("availability") {
        missed += availability()?;
    }
    if only.is_none() || only == Some("stores") {
        missed += stores()?;
    }
    if only.is_none() || only == Some("import") {
        missed += import::run()?;
    }
    if missed > 0 {
        eprintln!("{missed} figure(s) missed their target");
    }
    Ok(())
}

fn availability() -> Result<usize, String> {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    crate::run(
        &cargo,
        &["bench", "-p", "rota-domain", "--bench", "availability"],
    )?;
    println!();
    println!("| benchmark | median | target | within target |");
    println!("|---|---|---|---|");
    let mut missed = 0;
    for row in AVAILABILITY {
        let Some(ns) = median_ns(row.id) else {
            return Err(format!("no criterion estimate for {}", row.id));
        };
        let ok = ns < row.target_ns;
        missed += usize::from(!ok);
        println!(
            "| {} | {} | < {} | {} |",
            row.what,
            human(ns),
            human(row.target_ns),
            if ok { "yes" } else { "NO" }
        );
    }
    println!();
    println!("Availability is pure CPU work (no I/O): its limit is the target itself.");
    Ok(missed)
}

fn stores() -> Result<usize, String> {
    let mut missed = 0;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let (mut figures, report) = runtime.block_on(sqlite::run())?;
    let mut reports = vec![report];
    match runtime.block_on(postgres::run())? {
        Some((more, report)) => {
            figures.extend(more);
            reports.push(report);
        }
        None => {
            eprintln!("PostgreSQL skipped: set ROTA_BENCH_DATABASE_URL or ROTA_TEST_DATABASE_URL");
        }
    }
    println!();
    println!(
        "Stores, with {} existing bookings ({} providers); raw = the same statements through sqlx directly, same database, same run:",
        stores::SEEDED,
        stores::PROVIDERS
    );
    println!();
    println!("| store | operation | through Rota /s | raw sqlx /s | ratio | target ≥ 0.5 |");
    println!("|---|---|---|---|---|---|");
    for f in &figures {
        let raw = f.raw.unwrap_or(f64::NAN);
        let ratio = f.ours / raw;
        let target = if f.what.contains("use case") {
            "(info)"
        } else if ratio >= 0.5 {
            "yes"
        } else {
            "NO"
        };
        missed += usize::from(target == "NO");
        println!(
            "| {} | {} | {:.0} | {:.0} | {:.2} | {} |",
            f.store, f.what, f.ours, raw, ratio, target
        );
    }
    missed += report::print(&reports);
    Ok(missed)
}
