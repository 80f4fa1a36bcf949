//! Rota's storage ports on SQLite: the embedded default, no setup needed.
//!
//! The database holds what it can of the rules: unique normalized emails per
//! business (R1), a booking's customer is a customer of the same business
//! (B1, composite foreign key), and no provider has two overlapping active
//! bookings (B4, triggers that abort the write). Write transactions begin
//! `IMMEDIATE`, so writers queue on the database lock (with a busy timeout)
//! instead of failing half-way; within one process they first queue in
//! order on the store's write gate, so they never wait in SQLite's busy
//! handler, whose sleeps (up to 100 ms each) made the slowest writes slow.

mod accounts;
mod auth;
mod codec;
mod outbox;
mod scheduling;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use rota_app::ports::{Store, StoreError, TxMode, UnitOfWork};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, SqliteConnection};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::codec::db_error;

/// Rota's data in one SQLite file.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Held by a write transaction from before `BEGIN IMMEDIATE` until it
    /// has committed or rolled back: writers queue here, first come first
    /// served.
    write_gate: Arc<Mutex<()>>,
}

/// A connection unused this long is closed (SPEC §8: idle ones released).
pub const IDLE_CONNECTION_TIMEOUT: std::time::Duration = std::time::Duration::from_mins(1);

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` and applies
    /// the migrations.
    pub async fn open(path: &Path, max_connections: u32) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true);
        Self::connect(options, max_connections).await
    }

    /// Opens a database from a `sqlite:` URL and applies the migrations.
    pub async fn open_url(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(StoreError::other)?
            .create_if_missing(true);
        Self::connect(options, max_connections).await
    }

    async fn connect(
        options: SqliteConnectOptions,
        max_connections: u32,
    ) -> Result<Self, StoreError> {
        let options = options
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(30))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections.max(1))
            .min_connections(0)
            .idle_timeout(Some(IDLE_CONNECTION_TIMEOUT))
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(StoreError::other)?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(StoreError::other)?;
        Ok(Self {
            pool,
            write_gate: Arc::default(),
        })
    }

    /// The connection pool (for benchmarks that measure raw sqlx beside it).
    #[must_use]
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn begin(&self, mode: TxMode) -> Result<Box<dyn UnitOfWork>, StoreError> {
        if mode != TxMode::ReadOnce {
            // Before waiting at the gate: the writer ahead may need the
            // connection this request kept (`ports::held`).
            rota_app::ports::release_held();
        }
        let gate = match mode {
            TxMode::Write => Some(Arc::clone(&self.write_gate).lock_owned().await),
            TxMode::Read | TxMode::ReadOnce => None,
        };
        let tx = match mode {
            TxMode::ReadOnce => Conn::plain(&self.pool, KEEPER).await,
            TxMode::Read => Conn::transaction(&self.pool, KEEPER, None).await,
            TxMode::Write => Conn::transaction(&self.pool, KEEPER, Some("BEGIN IMMEDIATE")).await,
        }
        .map_err(db_error)?;
        Ok(Box::new(SqliteTx {
            tx: Some(tx),
            gate,
            pending: Vec::new(),
        }))
    }
}

/// One transaction, or for [`TxMode::ReadOnce`] a connection without one.
pub(crate) struct SqliteTx {
    /// `None` only once committed or rolled back.
    tx: Option<Conn>,
    /// A write transaction's place at the write gate.
    gate: Option<OwnedMutexGuard<()>>,
    /// Outbox messages queued and not yet written (`outbox.rs`).
    pending: Vec<rota_app::domain::outbox::OutboxMessage>,
}

impl SqliteTx {
    /// The connection the statements run on.
    pub(crate) fn conn(&mut self) -> &mut SqliteConnection {
        self.tx
            .as_deref_mut()
            .expect("a unit of work is used only until it ends")
    }

    /// Holds an idempotency key (B9): nothing to do, SQLite's write
    /// transactions already run one at a time.
    #[allow(
        clippy::unused_async,
        reason = "the same shape as PostgreSQL's, which waits for its lock"
    )]
    pub(crate) async fn hold_idempotency_key(
        &mut self,
        business: rota_app::domain::id::BusinessId,
        actor: rota_app::domain::id::AccountId,
        key: &rota_app::domain::idempotency::IdempotencyKey,
    ) -> Result<(), StoreError> {
        let _ = (business, actor, key);
        Ok(())
    }

    /// Holds sign-in throttle keys (A9): nothing to do, SQLite's write
    /// transactions already run one at a time.
    #[allow(
        clippy::unused_async,
        reason = "the same shape as PostgreSQL's, which waits for its locks"
    )]
    pub(crate) async fn hold_throttle_keys(&mut self, keys: &[String]) -> Result<(), StoreError> {
        let _ = keys;
        Ok(())
    }
}

impl Drop for SqliteTx {
    /// A write transaction dropped without commit: roll it back before the
    /// next writer passes the gate, so that writer does not find the
    /// database still locked.
    fn drop(&mut self) {
        let (Some(Conn::Tx(tx)), Some(gate)) = (self.tx.take(), self.gate.take()) else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    // A failed rollback leaves the connection to sqlx, which
                    // rolls back again before reusing it.
                    let _ = tx.rollback().await;
                    drop(gate);
                });
            }
            Err(_) => drop((tx, gate)),
        }
    }
}

type Conn = rota_store_sql::Conn<Sqlite>;

/// Where a request keeps its connection between reads (`ports::held`).
const KEEPER: rota_store_sql::Keeper<Sqlite> = rota_store_sql::Keeper {
    take: rota_app::ports::take_held,
    keep: rota_app::ports::hold,
    release: rota_app::ports::release_held,
};

#[async_trait]
impl UnitOfWork for SqliteTx {
    rota_app::repositories_are_self!();

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        let mut this = self;
        this.flush_outbox().await?;
        let result = match this.tx.take() {
            Some(tx) => tx.commit().await.map_err(db_error),
            None => Ok(()),
        };
        drop(this.gate.take());
        result
    }
}
