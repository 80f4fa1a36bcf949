//! Rota's storage ports on PostgreSQL. Several `rota serve` processes may
//! share one database: every invariant is held here, not in a process.
//!
//! - R1: a unique index on the normalized email per business.
//! - B1: a composite foreign key from a booking to a customer account of the
//!   same business.
//! - B4: an exclusion constraint over `tstzrange(starts_at, ends_at, '[)')`
//!   per (business, provider) for active bookings, plus a per-provider
//!   `pg_advisory_xact_lock` taken before the write, so contention queues
//!   instead of deadlocking.
//! - R4, R7: team changes lock the business row (`SELECT … FOR UPDATE`).

mod accounts;
mod auth;
mod codec;
mod outbox;
mod scheduling;

use std::str::FromStr;

use async_trait::async_trait;
use rota_app::domain::booking::Booking;
use rota_app::domain::outbox::OutboxMessage;
use rota_app::ports::{Store, StoreError, TxMode, UnitOfWork, place_booking_in_a_transaction};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{PgConnection, Postgres};

use crate::codec::db_error;

/// Rota's data in a PostgreSQL database.
#[derive(Clone, Debug)]
pub struct PostgresStore {
    pool: PgPool,
}

/// A connection unused this long is closed (SPEC §8: idle ones released).
pub const IDLE_CONNECTION_TIMEOUT: std::time::Duration = std::time::Duration::from_mins(1);

impl PostgresStore {
    /// Connects to `url` and applies the migrations.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        Self::connect_idling(url, max_connections, IDLE_CONNECTION_TIMEOUT).await
    }

    /// Connects to `url` with at most `max_connections`, closing each that
    /// has been idle for `idle` (SPEC §8), and applies the migrations.
    pub async fn connect_idling(
        url: &str,
        max_connections: u32,
        idle: std::time::Duration,
    ) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url).map_err(StoreError::other)?;
        Self::connect_limited(options, max_connections, idle).await
    }

    /// Connects with explicit options (a test schema's `search_path`, say)
    /// and applies the migrations.
    pub async fn connect_with(
        options: PgConnectOptions,
        max_connections: u32,
    ) -> Result<Self, StoreError> {
        Self::connect_limited(options, max_connections, IDLE_CONNECTION_TIMEOUT).await
    }

    async fn connect_limited(
        options: PgConnectOptions,
        max_connections: u32,
        idle: std::time::Duration,
    ) -> Result<Self, StoreError> {
        // Statements keep PostgreSQL's plan cache (`plan_cache_mode=auto`):
        // re-planning every statement cost a quarter of the booking
        // throughput under load. A few whose best plan depends on their
        // values (the overlap check, time entries and audit pages) are sent
        // unnamed (`persistent(false)`) and so planned for them each time: a
        // generic plan cached while the tables were small (or never
        // analysed, autovacuum off) once turned the overlap check into a
        // scan costing 50–100 ms at 1,500 bookings. Booking listings, read
        // on every calendar view, keep theirs (see `list_bookings`).
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .min_connections(0)
            .idle_timeout(Some(idle))
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(StoreError::other)?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(StoreError::other)?;
        // Booking listings keep their generic plan, good while statistics
        // follow the tables (autovacuum's ANALYZE, which also invalidates
        // cached plans as a table grows); without it a plan made when the
        // tables were empty would stay.
        let autovacuum: String = sqlx::query_scalar("SELECT current_setting('autovacuum')")
            .fetch_one(&pool)
            .await
            .map_err(StoreError::other)?;
        if autovacuum == "off" {
            tracing::warn!(
                "PostgreSQL's autovacuum is off: run ANALYZE as the tables grow, or reads may keep plans made for empty tables"
            );
        }
        Ok(Self { pool })
    }

    /// The connection pool (for benchmarks that measure raw sqlx beside it).
    #[must_use]
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

#[async_trait]
impl Store for PostgresStore {
    async fn begin(&self, mode: TxMode) -> Result<Box<dyn UnitOfWork>, StoreError> {
        let tx = match mode {
            TxMode::ReadOnce => Conn::plain(&self.pool, KEEPER).await,
            TxMode::Read => Conn::transaction(&self.pool, KEEPER, Some("BEGIN READ ONLY")).await,
            TxMode::Write => Conn::transaction(&self.pool, KEEPER, None).await,
        }
        .map_err(db_error)?;
        Ok(Box::new(PgTx {
            tx,
            pending: Vec::new(),
        }))
    }

    /// A one-provider booking is one statement outside any explicit
    /// transaction: it commits as it runs, its provider's lock held only
    /// inside PostgreSQL, with no round trip to this process in between.
    async fn place_booking(
        &self,
        booking: &Booking,
        messages: &[OutboxMessage],
    ) -> Result<(), StoreError> {
        let [provider] = booking.providers[..] else {
            return place_booking_in_a_transaction(self, booking, messages).await;
        };
        let mut q = scheduling::one_provider_insert(booking, provider, messages)?;
        // On the request's kept connection, if it has one (`ports::held`):
        // never a second connection while one is kept.
        let mut conn = Conn::plain(&self.pool, KEEPER).await.map_err(db_error)?;
        q.build()
            .execute(&mut *conn)
            .await
            .map_err(|e| scheduling::refused_for(provider, e))?;
        Ok(())
    }
}

/// One transaction, or for [`TxMode::ReadOnce`] a connection without one.
pub(crate) struct PgTx {
    pub(crate) tx: Conn,
    /// Outbox messages queued and not yet written (`outbox.rs`).
    pub(crate) pending: Vec<rota_app::domain::outbox::OutboxMessage>,
}

type Conn = rota_store_sql::Conn<Postgres>;

/// Where a request keeps its connection between reads (`ports::held`).
const KEEPER: rota_store_sql::Keeper<Postgres> = rota_store_sql::Keeper {
    take: rota_app::ports::take_held,
    keep: rota_app::ports::hold,
    release: rota_app::ports::release_held,
};

impl PgTx {
    /// The connection the unit of work's statements run on.
    pub(crate) fn conn(&mut self) -> &mut PgConnection {
        &mut self.tx
    }

    /// Holds sign-in throttle keys until the transaction ends (A9), in one
    /// order, so two holders of the same keys queue, never deadlock.
    pub(crate) async fn hold_throttle_keys(&mut self, keys: &[String]) -> Result<(), StoreError> {
        let mut keys = keys.to_vec();
        keys.sort();
        keys.dedup();
        for key in keys {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('throttle:' || $1, 0))")
                .bind(key)
                .execute(self.conn())
                .await
                .map_err(codec::db_error)?;
        }
        Ok(())
    }

    /// Holds an idempotency key until the transaction ends (B9): two
    /// requests with one key run one after the other.
    pub(crate) async fn hold_idempotency_key(
        &mut self,
        business: rota_app::domain::id::BusinessId,
        actor: rota_app::domain::id::AccountId,
        key: &rota_app::domain::idempotency::IdempotencyKey,
    ) -> Result<(), StoreError> {
        self.advisory_lock(&format!(
            "rota:idempotency:{business}:{actor}:{}",
            key.as_str()
        ))
        .await
    }

    /// A transaction-scoped advisory lock on `key`.
    pub(crate) async fn advisory_lock(&mut self, key: &str) -> Result<(), StoreError> {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(key)
            .execute(&mut *self.tx)
            .await
            .map_err(db_error)?;
        Ok(())
    }
}

#[async_trait]
impl UnitOfWork for PgTx {
    rota_app::repositories_are_self!();

    async fn commit(mut self: Box<Self>) -> Result<(), StoreError> {
        self.flush_outbox().await?;
        self.tx.commit().await.map_err(db_error)
    }
}
