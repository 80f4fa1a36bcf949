//! Rota's storage ports on SQLite: the embedded default, no setup needed.
//!
//! The database holds what it can of the rules: unique normalized emails per
//! business (R1), a booking's customer is a customer of the same business
//! (B1, composite foreign key), and no provider has two overlapping active
//! bookings (B4, triggers that abort the write). Write transactions begin
//! `IMMEDIATE`, so writers queue on the database lock (with a busy timeout)
//! instead of failing half-way.

mod accounts;
mod auth;
mod codec;
mod outbox;
mod scheduling;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use rota_app::ports::{
    AccountRepository, AccountTokenRepository, AuditLog, BookingRepository, BusinessRepository,
    CalendarRepository, IdempotencyRepository, Outbox, ServiceRepository, SessionRepository, Store,
    StoreError, ThrottleRepository, TimeEntryRepository, TxMode, UnitOfWork,
};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

use crate::codec::db_error;

/// Rota's data in one SQLite file.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
}

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
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(StoreError::other)?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(StoreError::other)?;
        Ok(Self { pool })
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
        let tx = match mode {
            TxMode::Read => self.pool.begin().await,
            TxMode::Write => self.pool.begin_with("BEGIN IMMEDIATE").await,
        }
        .map_err(db_error)?;
        Ok(Box::new(SqliteTx { tx }))
    }
}

/// One transaction.
pub(crate) struct SqliteTx {
    pub(crate) tx: Transaction<'static, Sqlite>,
}

#[async_trait]
impl UnitOfWork for SqliteTx {
    fn businesses(&mut self) -> &mut dyn BusinessRepository {
        self
    }
    fn accounts(&mut self) -> &mut dyn AccountRepository {
        self
    }
    fn audit(&mut self) -> &mut dyn AuditLog {
        self
    }
    fn outbox(&mut self) -> &mut dyn Outbox {
        self
    }
    fn services(&mut self) -> &mut dyn ServiceRepository {
        self
    }
    fn calendars(&mut self) -> &mut dyn CalendarRepository {
        self
    }
    fn bookings(&mut self) -> &mut dyn BookingRepository {
        self
    }
    fn idempotency(&mut self) -> &mut dyn IdempotencyRepository {
        self
    }
    fn time_entries(&mut self) -> &mut dyn TimeEntryRepository {
        self
    }
    fn sessions(&mut self) -> &mut dyn SessionRepository {
        self
    }
    fn account_tokens(&mut self) -> &mut dyn AccountTokenRepository {
        self
    }
    fn throttles(&mut self) -> &mut dyn ThrottleRepository {
        self
    }
    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.tx.commit().await.map_err(db_error)
    }
}
