//! The storage contract on PostgreSQL, when `ROTA_TEST_DATABASE_URL` is set:
//! each test in a fresh schema of its own, so runs never collide.

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use rota_store_contract::{Fresh, contract_tests};
use rota_store_postgres::PostgresStore;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

/// Schemas made by earlier runs are dropped once they are an hour old.
const STALE_AFTER_SECS: u64 = 3600;

static PREPARED: tokio::sync::Mutex<bool> = tokio::sync::Mutex::const_new(false);
static NEXT: AtomicU32 = AtomicU32::new(0);

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Once per test process: the extension (database-wide) and a sweep of
/// schemas left over by old runs.
async fn prepare(admin: &mut PgConnection) {
    let mut done = PREPARED.lock().await;
    if *done {
        return;
    }
    sqlx::query("CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public")
        .execute(&mut *admin)
        .await
        .expect("btree_gist can be created");
    let schemas: Vec<String> =
        sqlx::query_scalar("SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'rota_t_%'")
            .fetch_all(&mut *admin)
            .await
            .expect("schemas can be listed");
    for schema in schemas {
        let made: u64 = schema
            .split('_')
            .nth(2)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        if made + STALE_AFTER_SECS < now_secs() {
            let drop = format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
            let _ = sqlx::query(sqlx::AssertSqlSafe(drop))
                .execute(&mut *admin)
                .await;
        }
    }
    *done = true;
}

async fn fresh() -> Option<Fresh> {
    fresh_of(20).await
}

/// A fresh schema, the store's pool `size` connections at most.
async fn fresh_of(size: u32) -> Option<Fresh> {
    let url = std::env::var("ROTA_TEST_DATABASE_URL").ok()?;
    let mut admin = PgConnection::connect(&url)
        .await
        .expect("ROTA_TEST_DATABASE_URL is reachable");
    prepare(&mut admin).await;
    let schema = format!(
        "rota_t_{}_{}_{}",
        now_secs(),
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA \"{schema}\"")))
        .execute(&mut admin)
        .await
        .expect("a test schema can be created");
    let options = PgConnectOptions::from_str(&url)
        .expect("a valid URL")
        .options([("search_path", format!("{schema},public"))]);
    let store = PostgresStore::connect_with(options.clone(), size)
        .await
        .expect("the store connects");
    let second = PostgresStore::connect_with(options, 16)
        .await
        .expect("a second pool connects");
    Some(Fresh {
        store: Arc::new(store),
        second: Some(Arc::new(second)),
    })
}

contract_tests!(fresh());

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_request_keeps_one_connection_of_a_pool_of_one() {
    let Some(fresh) = fresh_of(1).await else {
        eprintln!("skipped: no database configured");
        return;
    };
    rota_store_contract::a_request_keeps_one_connection_and_still_sees_every_write(fresh).await;
}
