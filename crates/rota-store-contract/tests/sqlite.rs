//! The storage contract on `SQLite`, each test on its own temporary file.

use std::sync::Arc;

use rota_store_contract::{Fresh, contract_tests};
use rota_store_sqlite::SqliteStore;

async fn fresh() -> Option<Fresh> {
    fresh_of(16).await
}

/// A fresh file, the store's pool `size` connections at most.
async fn fresh_of(size: u32) -> Option<Fresh> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("rota.db");
    let store = SqliteStore::open(&path, size)
        .await
        .expect("the database opens");
    // A second pool on the same file: another process's worth.
    let second = SqliteStore::open(&path, 16)
        .await
        .expect("a second pool opens");
    // Keep the directory for the life of the test process.
    std::mem::forget(dir);
    Some(Fresh {
        store: Arc::new(store),
        second: Some(Arc::new(second)),
    })
}

contract_tests!(fresh());

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_request_keeps_one_connection_of_a_pool_of_one() {
    let fresh = fresh_of(1).await.expect("a fresh file");
    rota_store_contract::a_request_keeps_one_connection_and_still_sees_every_write(fresh).await;
}
