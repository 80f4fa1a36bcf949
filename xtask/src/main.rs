//! `cargo xtask`: the project's chores, as one small binary.
//!
//! - `cargo xtask ci`: formatting, lints and every test — what CI runs.
//! - `cargo xtask bench`: the benchmarks, printed as a table beside their
//!   targets and the raw limits measured in the same run.
//! - `cargo xtask loadtest`: the server under 64 connections, beside the
//!   limits of plain axum measured in the same run (release build).
//! - `cargo xtask openapi`: writes the API's OpenAPI document to
//!   `docs/openapi.json`.

#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_wrap,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "the benchmarks turn counts and durations into rates and ratios in f64, far from where precision or range matter"
)]

use std::env;
use std::process::{Command, ExitCode};

mod bench;
mod loadtest;
mod tidy;

/// `rota`'s allocator (see its `main`), so that the load test and the
/// benchmarks measure what `rota serve` does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("bench") => bench(args.get(1).map(String::as_str)),
        Some("openapi") => openapi(),
        Some("loadtest") => loadtest(),
        _ => {
            eprintln!(
                "usage: cargo xtask <ci|bench [availability|stores|import]|loadtest|openapi>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs a command, echoing it; fails if it fails.
pub(crate) fn run(program: &str, args: &[&str]) -> Result<(), String> {
    eprintln!("$ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .status()
        .map_err(|e| format!("could not start {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

/// What CI checks. The PostgreSQL suite runs inside `cargo test` when
/// `ROTA_TEST_DATABASE_URL` is set.
fn ci() -> Result<(), String> {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run(&cargo, &["fmt", "--all", "--", "--check"])?;
    run(
        &cargo,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    match env::var("ROTA_TEST_DATABASE_URL") {
        Ok(_) => eprintln!("ROTA_TEST_DATABASE_URL is set: the PostgreSQL suite runs too."),
        Err(_) => eprintln!("ROTA_TEST_DATABASE_URL is not set: the PostgreSQL suite is skipped."),
    }
    run(&cargo, &["test", "--workspace", "--locked"])?;
    Ok(())
}

/// Writes `docs/openapi.json` (a test in `rota-http` fails when it is stale).
fn openapi() -> Result<(), String> {
    let document = rota_http::openapi_json();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi.json");
    std::fs::write(&path, document).map_err(|e| format!("writing {}: {e}", path.display()))?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

/// Runs the benchmarks in a release build (debug code says little about
/// speed; the raw baselines beside each figure run in the same build).
fn bench(only: Option<&str>) -> Result<(), String> {
    if cfg!(debug_assertions) {
        let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut args = vec![
            "run",
            "--release",
            "--quiet",
            "--package",
            "xtask",
            "--",
            "bench",
        ];
        args.extend(only);
        return run(&cargo, &args);
    }
    bench::run(only)
}

/// Runs the load test in a release build (a debug server says little).
fn loadtest() -> Result<(), String> {
    if cfg!(debug_assertions) {
        let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        return run(
            &cargo,
            &[
                "run",
                "--release",
                "--quiet",
                "--package",
                "xtask",
                "--",
                "loadtest",
            ],
        );
    }
    loadtest::run()
}
