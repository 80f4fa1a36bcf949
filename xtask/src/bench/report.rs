//! The report benchmark (R6): the summary over a year of the stores
//! benchmark's seeded bookings, beside the raw SQL aggregates and the
//! domain's calendar expansion, each timed in the same run.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use rota_app::domain::actor::Actor;
use rota_app::domain::availability::{BusinessHours, ProviderHours, working_time};
use rota_app::domain::calendar::{LocalInterval, WeeklyHours};
use rota_app::domain::jiff::SignedDuration;
use rota_app::domain::time::TimeRange;
use rota_app::ports::Store;
use rota_app::reports::SummaryQuery;

use super::stores::{PROVIDERS, World, rota_on, t0};

/// Timed runs per figure (after one untimed warm-up).
const RUNS: usize = 7;

/// The raw aggregates over the tallies, as the store runs them for whole
/// days: bookings by status, booked time by provider, customers added.
/// Bound: business, first day, end day, range start, range end.
pub(crate) const RAW: [&str; 3] = [
    "SELECT status, CAST(SUM(bookings) AS BIGINT), CAST(SUM(price_minor) AS BIGINT), \
     CAST(SUM(paid_minor) AS BIGINT), CAST(SUM(tips_minor) AS BIGINT) FROM booking_tallies \
     WHERE business_id = $1 AND lead AND day >= $2 AND day < $3 GROUP BY status HAVING SUM(bookings) <> 0",
    "SELECT provider_id, CAST(SUM(booked_micros) AS BIGINT) FROM booking_tallies \
     WHERE business_id = $1 AND NOT lead AND day >= $2 AND day < $3 \
     AND status IN ('scheduled', 'in_progress', 'completed') GROUP BY provider_id HAVING SUM(booked_micros) <> 0",
    "SELECT COUNT(*) FROM accounts WHERE business_id = $1 AND kind = 'customer' \
     AND created_at >= $4 AND created_at < $5",
];

/// The same figures aggregated from every booking row (what a store
/// without tallies would run; printed for information). `{booked}` is the
/// store's sum of spans.
pub(crate) const NAIVE: [&str; 2] = [
    "SELECT b.status, COUNT(*) AS n, CAST(COALESCE(SUM(b.price_minor), 0) AS BIGINT), \
     CAST(COALESCE(SUM(b.paid_minor), 0) AS BIGINT), CAST(COALESCE(SUM(b.tips_minor), 0) AS BIGINT) \
     FROM bookings b WHERE b.business_id = $1 AND b.starts_at >= $4 AND b.starts_at < $5 GROUP BY b.status",
    "SELECT bp.provider_id, CAST({booked} AS BIGINT) FROM bookings b JOIN booking_providers bp \
     ON bp.business_id = b.business_id AND bp.booking_id = b.id WHERE b.business_id = $1 \
     AND b.starts_at >= $4 AND b.starts_at < $5 AND b.status IN ('scheduled', 'in_progress', 'completed') \
     GROUP BY bp.provider_id",
];

/// The year's whole UTC days, as the tallies number them.
pub(crate) fn year_days() -> (i64, i64) {
    let day = 86_400_000_000;
    let y = year();
    (
        y.start().as_microsecond() / day,
        y.end().as_microsecond() / day,
    )
}

/// The seeded bookings starting within [`year`]: every provider's hours.
const IN_A_YEAR: u64 = PROVIDERS as u64 * 365 * 24;

/// 365 days from the first seeded booking.
pub(crate) fn year() -> TimeRange {
    TimeRange::starting_at(t0(), SignedDuration::from_hours(365 * 24)).expect("a range")
}

/// One store's figures, in milliseconds (medians).
pub(crate) struct Report {
    pub(crate) store: &'static str,
    pub(crate) ours_ms: f64,
    pub(crate) raw_ms: f64,
    pub(crate) naive_ms: f64,
    pub(crate) expansion_ms: f64,
}

impl Report {
    /// The bound: twice the raw aggregates plus the expansion, and
    /// never above 200 ms.
    pub(crate) fn target_ms(&self) -> f64 {
        (2.0 * self.raw_ms + self.expansion_ms).min(200.0)
    }
}

/// The median of [`RUNS`] timed runs of `op`, in milliseconds.
pub(crate) async fn median_ms<F, Fut>(op: F) -> Result<f64, String>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<(), String>>,
{
    op().await?;
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        op().await?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok(times[RUNS / 2])
}

/// The summary through Rota, and the calendar expansion alone, beside
/// `raw_ms` (the [`RAW`] statements through sqlx on the same database).
pub(crate) async fn report(
    store_name: &'static str,
    store: Arc<dyn Store>,
    w: &World,
    (raw_ms, naive_ms): (f64, f64),
) -> Result<Report, String> {
    let rota = rota_on(store);
    let owner = Actor::of(&w.owner);
    let ours_ms = median_ms(|| async {
        let summary = rota
            .report_summary(
                &owner,
                SummaryQuery {
                    range: year(),
                    provider: None,
                },
            )
            .await
            .map_err(|e| format!("{e:?}"))?;
        if summary.bookings.scheduled != IN_A_YEAR || summary.providers.len() != PROVIDERS {
            return Err(format!(
                "a year holds {} bookings of {} providers, not {IN_A_YEAR} of {PROVIDERS}",
                summary.bookings.scheduled,
                summary.providers.len()
            ));
        }
        Ok(())
    })
    .await?;
    // What the summary expands, without the store: every provider's
    // working time over the year, as the seeded calendars say.
    let all = vec![LocalInterval::parse("00:00", "00:00").map_err(|e| e.to_string())?];
    let hours =
        WeeklyHours::new(std::array::from_fn(|_| all.clone())).map_err(|e| e.to_string())?;
    let zone = w.business.time_zone.tz().clone();
    let open = w.business.settings.operating_hours.clone();
    let expansion_ms = median_ms(|| async {
        let business = BusinessHours {
            zone: &zone,
            operating_hours: &open,
            closures: &[],
        };
        let provider = ProviderHours {
            zone: &zone,
            work_hours: &hours,
            time_off: &[],
        };
        let total: usize = (0..PROVIDERS)
            .map(|_| working_time(&business, &provider, year()).len())
            .sum();
        if total == 0 {
            return Err("nobody works in the seeded year".into());
        }
        Ok(())
    })
    .await?;
    Ok(Report {
        store: store_name,
        ours_ms,
        raw_ms,
        naive_ms,
        expansion_ms,
    })
}

/// Prints the reports' table; how many missed their target.
pub(crate) fn print(reports: &[Report]) -> usize {
    println!();
    println!(
        "Reports: the summary over a year of the same seeded bookings ({IN_A_YEAR} in the year, {PROVIDERS} providers × 24 a day), medians of {RUNS} runs; raw = the same statements through sqlx directly on the tallies the store keeps per day; the last column aggregates every booking row instead; same run:"
    );
    println!();
    println!(
        "| store | summary through Rota | raw aggregates (tallies) | calendar expansion | target (2 × raw + expansion, ≤ 200 ms) | within | every booking aggregated (info) |"
    );
    println!("|---|---|---|---|---|---|---|");
    let mut missed = 0;
    for r in reports {
        let ok = r.ours_ms <= r.target_ms();
        missed += usize::from(!ok);
        println!(
            "| {} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {} | {:.1} ms |",
            r.store,
            r.ours_ms,
            r.raw_ms,
            r.expansion_ms,
            r.target_ms(),
            if ok { "yes" } else { "NO" },
            r.naive_ms
        );
    }
    missed
}
