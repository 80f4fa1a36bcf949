//! The limits the load test measures beside the server, in the same run
//! on the same database: plain axum answering a fixed JSON body, one
//! indexed select, and the read week's rows in one select.

use std::str::FromStr;

use serde_json::json;

use super::{WEEK, ts};

/// What a store-specific database gives the baselines.
#[derive(Clone)]
pub(super) enum Db {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// The baselines: a fixed JSON body, and one indexed select.
pub(super) fn baseline(db: Db, business: String) -> axum::Router {
    use axum::routing::get;
    let (db_week, business_week) = (db.clone(), business.clone());
    let fixed =
        get(|| async { axum::Json(json!({"status": "ok", "items": [], "next_cursor": null})) });
    let select = get(move || {
        let (db, business) = (db.clone(), business.clone());
        async move {
            let uuid = rota_app::domain::uuid::Uuid::from_str(&business).unwrap_or_default();
            let found: Option<(rota_app::domain::uuid::Uuid,)> = match &db {
                Db::Sqlite(pool) => sqlx::query_as(
                    "SELECT id FROM bookings WHERE business_id = ? AND starts_at >= ? ORDER BY starts_at, id LIMIT 1",
                )
                .bind(uuid)
                .bind(1_893_456_000_000_000_i64)
                .fetch_optional(pool)
                .await
                .ok()
                .flatten(),
                Db::Postgres(pool) => sqlx::query_as(
                    "SELECT id FROM bookings WHERE business_id = $1 AND starts_at >= '2030-01-01' ORDER BY starts_at, id LIMIT 1",
                )
                .bind(uuid)
                .fetch_optional(pool)
                .await
                .ok()
                .flatten(),
            };
            match found {
                Some((id,)) => Ok(axum::Json(json!({"id": id.to_string()}))),
                None => Err(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
            }
        }
    });
    let week = get(
        move |axum::extract::State((db, business)): axum::extract::State<(Db, String)>| async move {
            let uuid = rota_app::domain::uuid::Uuid::from_str(&business).unwrap_or_default();
            let rows = match &db {
            Db::Sqlite(pool) => sqlx::query(
                "SELECT * FROM bookings WHERE business_id = ? AND starts_at >= ? AND starts_at < ? ORDER BY starts_at, id LIMIT 51",
            )
            .bind(uuid)
            .bind(week_micros(0))
            .bind(week_micros(7))
            .fetch_all(pool)
            .await
            .map(|r| r.len()),
            Db::Postgres(pool) => sqlx::query(
                "SELECT * FROM bookings WHERE business_id = $1 AND starts_at >= $2::timestamptz AND starts_at < $2::timestamptz + interval '7 days' ORDER BY starts_at, id LIMIT 51",
            )
            .bind(uuid)
            .bind(WEEK)
            .fetch_all(pool)
            .await
            .map(|r| r.len()),
        };
            match rows {
                Ok(n) if n > 0 => Ok(axum::Json(json!({"rows": n}))),
                _ => Err(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
            }
        },
    );
    axum::Router::new()
        .route("/fixed", fixed)
        .route("/select", select)
        .route("/week", week)
        .with_state((db_week, business_week))
}

/// Microseconds since the epoch of the read week's start plus `days`.
fn week_micros(days: i64) -> i64 {
    ts(WEEK).as_microsecond() + days * 86_400_000_000
}
