//! The store benchmarks on SQLite.

use std::sync::Arc;
use std::time::Instant;

use rota_app::domain::jiff::Timestamp;
use rota_store_sqlite::SqliteStore;
use sqlx::SqlitePool;

use super::report::{NAIVE, RAW, Report, median_ms, report, year, year_days};
use super::stores::{
    Figure, PROVIDERS, SEEDED, World, fresh_booking, rate, t0, through_the_store, week_query, world,
};

fn us(t: Timestamp) -> i64 {
    t.as_microsecond()
}

async fn seed(pool: &SqlitePool, w: &World) -> Result<f64, String> {
    let started = Instant::now();
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(|e| e.to_string())?;
    sqlx::query("CREATE TEMP TABLE bench_providers (n INTEGER PRIMARY KEY, id BLOB NOT NULL)")
        .execute(&mut *tx)
        .await
        .map_err(|e| e.to_string())?;
    for (n, p) in w.providers.iter().enumerate() {
        sqlx::query("INSERT INTO bench_providers (n, id) VALUES (?, ?)")
            .bind(i64::try_from(n).unwrap_or(0))
            .bind(p.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(|e| e.to_string())?;
    }
    let hour = 3_600_000_000i64;
    sqlx::query(
        "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ?1 - 1) \
         INSERT INTO bookings (business_id, id, customer_id, service_id, starts_at, ends_at, status, price_minor, paid_minor, \
         tips_minor, notes, created_at, updated_at, sequence, provider_ids) \
         SELECT ?2, unhex(printf('%032x', i + 268435456)), ?3, NULL, ?4 + (i / ?5) * ?6, ?4 + (i / ?5 + 1) * ?6, 'scheduled', \
         5000, 0, 0, NULL, ?4, ?4, 0, lower(hex(p.id)) FROM s JOIN bench_providers p ON p.n = i % ?5",
    )
    .bind(SEEDED)
    .bind(w.business.id.as_uuid())
    .bind(w.customer.id.as_uuid())
    .bind(us(t0()))
    .bind(PROVIDERS as i64)
    .bind(hour)
    .execute(&mut *tx)
    .await
    .map_err(|e| e.to_string())?;
    sqlx::query(
        "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ?1 - 1) \
         INSERT INTO booking_providers (business_id, booking_id, provider_id, position, starts_at, ends_at, active, blocked_from, blocked_until) \
         SELECT ?2, unhex(printf('%032x', i + 268435456)), p.id, 0, ?3 + (i / ?4) * ?5, ?3 + (i / ?4 + 1) * ?5, 1, ?3 + (i / ?4) * ?5, ?3 + (i / ?4 + 1) * ?5 \
         FROM s JOIN bench_providers p ON p.n = i % ?4",
    )
    .bind(SEEDED)
    .bind(w.business.id.as_uuid())
    .bind(us(t0()))
    .bind(PROVIDERS as i64)
    .bind(hour)
    .execute(&mut *tx)
    .await
    .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    sqlx::query("ANALYZE")
        .execute(pool)
        .await
        .map_err(|e| e.to_string())?;
    Ok((2 * SEEDED) as f64 / started.elapsed().as_secs_f64())
}

pub(crate) async fn run() -> Result<(Vec<Figure>, Report), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let store = SqliteStore::open(&dir.path().join("bench.db"), 8)
        .await
        .map_err(|e| e.to_string())?;
    let w = Arc::new(world(&store).await?);
    let seeded = seed(store.pool(), &w).await?;
    eprintln!("sqlite: seeded {SEEDED} bookings at {seeded:.0} rows/s");

    let (pool, world) = (store.pool().clone(), Arc::clone(&w));
    let raw_create = rate(1, move |n, _| {
        let (pool, world) = (pool.clone(), Arc::clone(&world));
        async move {
            let b = fresh_booking(&world, n);
            let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(|e| e.to_string())?;
            sqlx::query(
                "INSERT INTO bookings (business_id, id, customer_id, service_id, starts_at, ends_at, status, price_minor, \
                 paid_minor, tips_minor, notes, created_at, updated_at, sequence, provider_ids) VALUES (?, ?, ?, NULL, ?, ?, 'scheduled', ?, 0, 0, NULL, ?, ?, 0, ?)",
            )
            .bind(b.business_id.as_uuid())
            .bind(b.id.as_uuid())
            .bind(b.customer_id.as_uuid())
            .bind(us(b.range.start()))
            .bind(us(b.range.end()))
            .bind(b.price.minor())
            .bind(us(b.created_at))
            .bind(us(b.updated_at))
            .bind(b.providers[0].as_uuid().simple().to_string())
            .execute(&mut *tx)
            .await
            .map_err(|e| e.to_string())?;
            sqlx::query("INSERT INTO booking_providers (business_id, booking_id, provider_id, position, starts_at, ends_at, active, blocked_from, blocked_until) VALUES (?1, ?2, ?3, 0, ?4, ?5, 1, ?4, ?5)")
                .bind(b.business_id.as_uuid())
                .bind(b.id.as_uuid())
                .bind(b.providers[0].as_uuid())
                .bind(us(b.range.start()))
                .bind(us(b.range.end()))
                .execute(&mut *tx)
                .await
                .map_err(|e| e.to_string())?;
            tx.commit().await.map_err(|e| e.to_string())
        }
    })
    .await?;
    let mut raw_read = [0.0; 2];
    for (i, clients) in [1usize, 4].into_iter().enumerate() {
        let (pool, world) = (store.pool().clone(), Arc::clone(&w));
        raw_read[i] = rate(clients, move |_, mut seed| {
            let (pool, world) = (pool.clone(), Arc::clone(&world));
            async move {
                let (provider, week) = week_query(&world, &mut seed);
                let rows = sqlx::query(
                    "SELECT b.* FROM booking_providers bp JOIN bookings b ON b.business_id = bp.business_id AND b.id = bp.booking_id \
                     WHERE bp.business_id = ? AND bp.provider_id = ? AND bp.starts_at < ? AND bp.ends_at > ? AND bp.starts_at > ? \
                     ORDER BY b.starts_at, b.id",
                )
                .bind(world.business.id.as_uuid())
                .bind(provider.as_uuid())
                .bind(us(week.end()))
                .bind(us(week.start()))
                .bind(us(week.start()) - 86_400_000_000)
                .fetch_all(&pool)
                .await
                .map_err(|e| e.to_string())?;
                if rows.len() < 100 {
                    return Err(format!("a seeded week has {} bookings", rows.len()));
                }
                Ok(())
            }
        })
        .await?;
    }
    let raw = raw_report(store.pool(), &w).await?;
    let store: Arc<dyn rota_app::ports::Store> = Arc::new(store);
    let report = report("SQLite", Arc::clone(&store), &w, raw).await?;
    let figures = through_the_store("SQLite", store, w, raw_create, raw_read).await?;
    Ok((figures, report))
}

/// The report's aggregates through sqlx directly, on the tallies and on
/// every booking row: the medians, in ms.
async fn raw_report(pool: &sqlx::SqlitePool, w: &World) -> Result<(f64, f64), String> {
    let (year, (first, end)) = (year(), year_days());
    let stamp = |t: rota_app::domain::jiff::Timestamp| us(t);
    let run = |statements: Vec<String>| async move {
        for sql in statements {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(w.business.id.as_uuid())
                .bind(first)
                .bind(end)
                .bind(stamp(year.start()))
                .bind(stamp(year.end()))
                .fetch_all(pool)
                .await
                .map_err(|e| e.to_string())?;
            if rows.is_empty() {
                return Err("an aggregate of the seeded year is empty".to_owned());
            }
        }
        Ok(())
    };
    let tallies = median_ms(|| run(RAW.iter().map(|s| (*s).to_owned()).collect())).await?;
    let naive = median_ms(|| {
        run(NAIVE
            .iter()
            .map(|s| s.replace("{booked}", "SUM(bp.ends_at - bp.starts_at)"))
            .collect())
    })
    .await?;
    Ok((tallies, naive))
}
