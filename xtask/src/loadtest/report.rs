//! The load test's table: each row beside its limit, and how many missed
//! their targets.

use super::{
    CALENDAR, CONNECTIONS, Figures, MONTH_ANY, MONTH_ONE, MONTH_RAW, SLOTS_API, SLOTS_DAY,
    SLOTS_PAGE, TEAM_WEEK,
};

/// Prints `name`'s rows; returns how many figures missed their targets.
pub(super) fn print(name: &str, figures: &[Figures]) -> usize {
    // A listing's limit: the same week's booking rows in one select.
    let select = figures
        .iter()
        .find(|f| f.what.contains("the week's rows"))
        .map_or(0.0, |f| f.rps);
    println!();
    println!(
        "{name}: {CONNECTIONS} connections; the first three rows are the limits measured in the same run; reads are compared with the week's rows in one select; every API row but the team's week and the week of slots has a p99 target of 25 ms"
    );
    println!(
        "| endpoint | requests/s | p50 | p99 | ok | double_booking | other errors | reads vs select |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let team_week = figures.iter().find(|f| f.what == TEAM_WEEK).map(|f| f.rps);
    let slots_api = figures.iter().find(|f| f.what == SLOTS_API).map(|f| f.rps);
    let month_raw = figures.iter().find(|f| f.what == MONTH_RAW).map(|f| f.rps);
    let mut missed = 0;
    for f in figures {
        let ratio = if f.what == TEAM_WEEK {
            format!("{:.2} (no target)", f.rps / select)
        } else if f.what == SLOTS_DAY {
            let floor = if name == "SQLite" { 11_000.0 } else { 0.0 };
            missed += usize::from(f.rps < floor);
            if name == "SQLite" {
                "(target ≥ 11,000 req/s)".to_owned()
            } else {
                String::new()
            }
        } else if f.what == MONTH_ONE {
            month_raw.map_or_else(
                || "(the raw row was not run)".to_owned(),
                |raw| {
                    let r = f.rps / raw;
                    missed += usize::from(r < 0.5);
                    format!("{r:.2} of the raw rows (target ≥ 0.5)")
                },
            )
        } else if f.what == MONTH_ANY {
            missed += usize::from(f.p50_ms >= 20.0);
            "(target p50 < 20 ms)".to_owned()
        } else if f.what == CALENDAR {
            team_week.map_or_else(
                || "(the API's row was not run)".to_owned(),
                |api| format!("{:.2} of the API's same week", f.rps / api),
            )
        } else if f.what == SLOTS_PAGE {
            slots_api.map_or_else(
                || "(the API's row was not run)".to_owned(),
                |api| format!("{:.2} of the API's same query", f.rps / api),
            )
        } else if f.what.starts_with("GET /v1/bookings") {
            let r = f.rps / select;
            missed += usize::from(r < 0.5);
            format!("{r:.2} (target ≥ 0.5)")
        } else {
            String::new()
        };
        if f.what != TEAM_WEEK
            && f.what != SLOTS_API
            && f.what != MONTH_ANY
            && (f.what.starts_with("GET /v1") || f.what.starts_with("POST /v1"))
        {
            missed += usize::from(f.p99_ms >= 25.0) + usize::from(f.errors > 0);
        }
        println!(
            "| {} | {:.0} | {:.1} ms | {:.1} ms | {} | {} | {} | {} |",
            f.what, f.rps, f.p50_ms, f.p99_ms, f.ok, f.expected_refusals, f.errors, ratio
        );
        if let Some(e) = &f.first_error {
            println!("|   first error: {} | | | | | | | |", e.replace('|', "/"));
        }
    }
    missed
}
