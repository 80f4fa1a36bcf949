//! The store benchmarks on PostgreSQL (`ROTA_BENCH_DATABASE_URL`, else
//! `ROTA_TEST_DATABASE_URL`), in a schema of their own, dropped afterwards.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Instant;

use jiff_sqlx::ToSqlx;
use rota_store_postgres::PostgresStore;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection, PgPool};

use super::report::{NAIVE, RAW, Report, median_ms, report, year, year_days};
use super::stores::{
    Figure, PROVIDERS, SEEDED, World, fresh_booking, rate, t0, through_the_store, week_query, world,
};

async fn seed(pool: &PgPool, w: &World) -> Result<f64, String> {
    let started = Instant::now();
    let mut tx = pool.begin().await.map_err(|e| e.to_string())?;
    let ids: Vec<_> = w
        .providers
        .iter()
        .map(rota_app::domain::id::AccountId::as_uuid)
        .collect();
    let ns: Vec<i32> = (0..i32::try_from(PROVIDERS).unwrap_or(0)).collect();
    sqlx::query("CREATE TEMP TABLE bench_providers ON COMMIT DROP AS SELECT * FROM UNNEST($1::int4[], $2::uuid[]) AS t(n, id)")
        .bind(&ns)
        .bind(&ids)
        .execute(&mut *tx)
        .await
        .map_err(|e| e.to_string())?;
    sqlx::query(
        "INSERT INTO bookings (business_id, id, customer_id, service_id, starts_at, ends_at, status, price_minor, paid_minor, \
         tips_minor, notes, created_at, updated_at, sequence, provider_ids) \
         SELECT $1, md5(i::text)::uuid, $2, NULL, $3 + (i / $4) * interval '1 hour', $3 + (i / $4 + 1) * interval '1 hour', \
         'scheduled', 5000, 0, 0, NULL, $3, $3, 0, ARRAY[p.id] FROM generate_series(0, $5 - 1) AS i \
         JOIN bench_providers p ON p.n = i % $4",
    )
    .bind(w.business.id.as_uuid())
    .bind(w.customer.id.as_uuid())
    .bind(t0().to_sqlx())
    .bind(PROVIDERS as i64)
    .bind(SEEDED)
    .execute(&mut *tx)
    .await
    .map_err(|e| e.to_string())?;
    sqlx::query(
        "INSERT INTO booking_providers (business_id, booking_id, provider_id, position, starts_at, ends_at, active, blocked_from, blocked_until) \
         SELECT $1, md5(i::text)::uuid, p.id, 0, $2 + (i / $3) * interval '1 hour', $2 + (i / $3 + 1) * interval '1 hour', true, \
         $2 + (i / $3) * interval '1 hour', $2 + (i / $3 + 1) * interval '1 hour' \
         FROM generate_series(0, $4 - 1) AS i JOIN bench_providers p ON p.n = i % $3",
    )
    .bind(w.business.id.as_uuid())
    .bind(t0().to_sqlx())
    .bind(PROVIDERS as i64)
    .bind(SEEDED)
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

pub(crate) async fn run() -> Result<Option<(Vec<Figure>, Report)>, String> {
    let Some(url) = std::env::var("ROTA_BENCH_DATABASE_URL")
        .ok()
        .or_else(|| std::env::var("ROTA_TEST_DATABASE_URL").ok())
    else {
        return Ok(None);
    };
    let mut admin = PgConnection::connect(&url)
        .await
        .map_err(|e| e.to_string())?;
    let schema = format!("rota_bench_{}", std::process::id());
    for sql in [
        format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"),
        format!("CREATE SCHEMA \"{schema}\""),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut admin)
            .await
            .map_err(|e| e.to_string())?;
    }
    let result = measure(&url, &schema).await;
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"
    )))
    .execute(&mut admin)
    .await;
    result.map(Some)
}

async fn measure(url: &str, schema: &str) -> Result<(Vec<Figure>, Report), String> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| e.to_string())?
        .options([("search_path", format!("{schema},public"))]);
    let store = PostgresStore::connect_with(options, 8)
        .await
        .map_err(|e| e.to_string())?;
    let w = Arc::new(world(&store).await?);
    let seeded = seed(store.pool(), &w).await?;
    eprintln!("postgres: seeded {SEEDED} bookings at {seeded:.0} rows/s");

    let (pool, world) = (store.pool().clone(), Arc::clone(&w));
    let raw_create = rate(1, move |n, _| {
        let (pool, world) = (pool.clone(), Arc::clone(&world));
        async move {
            let b = fresh_booking(&world, n);
            let mut tx = pool.begin().await.map_err(|e| e.to_string())?;
            sqlx::query(
                "INSERT INTO bookings (business_id, id, customer_id, service_id, starts_at, ends_at, status, price_minor, \
                 paid_minor, tips_minor, notes, created_at, updated_at, sequence, provider_ids) VALUES ($1, $2, $3, NULL, $4, $5, 'scheduled', $6, 0, 0, NULL, $7, $7, 0, $8)",
            )
            .bind(b.business_id.as_uuid())
            .bind(b.id.as_uuid())
            .bind(b.customer_id.as_uuid())
            .bind(b.range.start().to_sqlx())
            .bind(b.range.end().to_sqlx())
            .bind(b.price.minor())
            .bind(b.created_at.to_sqlx())
            .bind(vec![b.providers[0].as_uuid()])
            .execute(&mut *tx)
            .await
            .map_err(|e| e.to_string())?;
            sqlx::query("INSERT INTO booking_providers (business_id, booking_id, provider_id, position, starts_at, ends_at, active, blocked_from, blocked_until) VALUES ($1, $2, $3, 0, $4, $5, true, $4, $5)")
                .bind(b.business_id.as_uuid())
                .bind(b.id.as_uuid())
                .bind(b.providers[0].as_uuid())
                .bind(b.range.start().to_sqlx())
                .bind(b.range.end().to_sqlx())
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
                let lower = week.start().checked_sub(rota_app::domain::jiff::SignedDuration::from_hours(24)).map_err(|e| e.to_string())?;
                let rows = sqlx::query(
                    "SELECT b.* FROM booking_providers bp JOIN bookings b ON b.business_id = bp.business_id AND b.id = bp.booking_id \
                     WHERE bp.business_id = $1 AND bp.provider_id = $2 AND bp.starts_at < $3 AND bp.ends_at > $4 AND bp.starts_at > $5 \
                     ORDER BY b.starts_at, b.id",
                )
                .bind(world.business.id.as_uuid())
                .bind(provider.as_uuid())
                .bind(week.end().to_sqlx())
                .bind(week.start().to_sqlx())
                .bind(lower.to_sqlx())
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
    let report = report("PostgreSQL", Arc::clone(&store), &w, raw).await?;
    let figures = through_the_store("PostgreSQL", store, w, raw_create, raw_read).await?;
    Ok((figures, report))
}

/// The report's aggregates through sqlx directly, on the tallies and on
/// every booking row: the medians, in ms.
async fn raw_report(pool: &PgPool, w: &World) -> Result<(f64, f64), String> {
    let (year, (first, end)) = (year(), year_days());
    let stamp = |t: rota_app::domain::jiff::Timestamp| t.to_sqlx();
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
            .map(|s| {
                s.replace(
                    "{booked}",
                    "SUM(EXTRACT(EPOCH FROM bp.ends_at - bp.starts_at) * 1000000)",
                )
            })
            .collect())
    })
    .await?;
    Ok((tallies, naive))
}
