//! The storage contract on `SQLite`, each test on its own temporary file.

use std::sync::Arc;

use rota_store_contract::{Fresh, contract_tests};
use rota_store_sqlite::SqliteStore;

async fn fresh() -> Option<Fresh> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("rota.db");
    let store = SqliteStore::open(&path, 16)
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
