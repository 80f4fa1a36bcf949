//! The storage contract on the in-memory store.

use std::sync::Arc;

use rota_store_contract::{Fresh, contract_tests};
use rota_store_memory::MemoryStore;

#[allow(
    clippy::unused_async,
    reason = "the contract awaits every store's factory"
)]
async fn fresh() -> Option<Fresh> {
    Some(Fresh {
        store: Arc::new(MemoryStore::new()),
        second: None,
    })
}

contract_tests!(fresh());
