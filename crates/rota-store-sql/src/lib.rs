//! What Rota's two SQL stores share, written once.
//!
//! `rota-store-sqlite` and `rota-store-postgres` keep the same tables under
//! the same names and speak the same SQL for most of what they do; they
//! differ in how a connection is reached, in the row type, in how an
//! instant is stored (microseconds as an integer, or `timestamptz`), and in
//! a few statements (locking, `COPY`, PostgreSQL's one-statement booking,
//! the migrations). The repositories whose statements are the same are
//! written here once, as macros that each store expands over its own
//! transaction type and row type. The expanded code names, at the store's
//! own root:
//!
//! - `self.conn()`: the transaction's connection (`&mut` to the driver's);
//! - `crate::codec::{stamp, instant, opt_instant, corrupt, db_error}`:
//!   an instant as the column stores it and back, and the store's errors;
//!   `json` and `read_json` for JSON columns (text or `jsonb`), and
//!   `PLANNED_ONCE`, whether a range read keeps its prepared plan;
//!   `Stamp` and `Json`, the types an instant and a JSON value are bound
//!   as; `LOCK_ROW`, what a read that locks its row appends;
//!   `read_providers` and `providers_column`, a booking's providers as its
//!   `provider_ids` column holds them (`uuid[]`, or hex in one text);
//!   `BOOKED_TIMES`, `NO_BOOKED_TIMES` and `read_booked_times`, a group of
//!   provider rows' blocked times aggregated into one column (a
//!   `timestamptz[]`, or microseconds in one text);
//!   `push_one_of`, a column matching one of many values (`= ANY` of one
//!   array, or `IN` of many); `push_accounts_with_emails`, the `FROM` of a
//!   business's accounts with one of many emails (`IN`, or one lateral
//!   index probe per email); `push_has_role`, an employee's `roles` JSON
//!   array holding a role;
//! - the transaction's own locking: `hold_throttle_keys`,
//!   `hold_idempotency_key` (nothing on SQLite, advisory locks on
//!   PostgreSQL).
//!
//! Statements use `$1`-style placeholders, which both drivers bind by
//! number, and SQL both databases accept (`IS DISTINCT FROM`, `CASE`
//! rather than `max`/`greatest`).
//!
//! Macros rather than a store generic over `sqlx::Database`: the generic
//! needs a bound for every bound value's encoding on every database, and
//! reads worse than the two expansions it replaces (docs/DECISIONS.md).

use std::ops::{Deref, DerefMut};

use sqlx::pool::PoolConnection;
use sqlx::{Database, Encode, Pool, QueryBuilder, Transaction, Type};
use uuid::Uuid;

mod accounts;
mod auth;
mod bookings;
mod calendar_links;
mod calendars;
mod erasure;
mod reports;
mod scheduling;

/// An account's columns.
pub const ACCOUNT_COLUMNS: &str = "business_id, id, kind, email, status, name, phone, roles, \
     owner, first_name, last_name, details, archived_at, created_at, activated_at";

/// An account's columns, of the table aliased `a`.
pub const ACCOUNT_COLUMNS_OF_A: &str = "a.business_id, a.id, a.kind, a.email, a.status, a.name, \
     a.phone, a.roles, a.owner, a.first_name, a.last_name, a.details, a.archived_at, \
     a.created_at, a.activated_at";

/// A booking's columns, of the table aliased `b`.
pub const BOOKING_COLUMNS: &str = "b.business_id, b.id, b.customer_id, b.service_id, b.starts_at, \
     b.ends_at, b.status, b.price_minor, b.paid_minor, b.tips_minor, b.notes, b.created_at, \
     b.updated_at, b.sequence, b.provider_ids, b.buffer_before_minutes, b.buffer_after_minutes, b.series_id";

/// ` LIMIT n`, written into the SQL rather than bound: SQLite's planner
/// reads a bound LIMIT's value, and then every new binding of it expires
/// the prepared statement, so each run would parse and plan it again (seen
/// as `sqlite3Reprepare` taking most of a listing's time). PostgreSQL is
/// indifferent: its listings are planned for their values either way.
#[must_use]
pub fn limit(n: u32) -> String {
    format!(" LIMIT {n}")
}

/// Appends `(id, id, …)` to `q`, each id bound.
pub fn push_ids<DB>(q: &mut QueryBuilder<DB>, ids: impl IntoIterator<Item = Uuid>)
where
    DB: Database,
    for<'t> Uuid: Encode<'t, DB> + Type<DB>,
{
    q.push("(");
    let mut list = q.separated(", ");
    for id in ids {
        list.push_bind(id);
    }
    q.push(")");
}

/// The connection a unit of work runs its statements on: a transaction, or
/// for a read of one statement (`TxMode::ReadOnce`) a pooled connection
/// without one, kept for the request's next read when it is done
/// (`rota_app::ports::one_connection`).
pub enum Conn<DB: Database> {
    /// A transaction, rolled back if dropped uncommitted.
    Tx(Transaction<'static, DB>),
    /// A connection outside any transaction.
    Plain(Kept<DB>),
}

/// Where a request keeps its connection between reads: the store passes
/// `rota_app::ports`' functions (this crate knows no use cases).
#[derive(Clone, Copy)]
pub struct Keeper<DB: Database> {
    /// `take_held`: the connection an earlier read of the request kept.
    pub take: fn() -> Option<PoolConnection<DB>>,
    /// `hold`: keeps a connection, or hands it back outside a request.
    pub keep: fn(PoolConnection<DB>) -> Option<PoolConnection<DB>>,
    /// `release_held`: gives the kept connection back to its pool.
    pub release: fn(),
}

impl<DB: Database> Conn<DB> {
    /// A connection for one read: the one an earlier read of this request
    /// kept, or one from `pool`.
    ///
    /// # Errors
    ///
    /// The pool's, if no connection can be had.
    pub async fn plain(pool: &Pool<DB>, keeper: Keeper<DB>) -> Result<Self, sqlx::Error> {
        let conn = match (keeper.take)() {
            Some(conn) => conn,
            None => pool.acquire().await?,
        };
        Ok(Self::Plain(Kept {
            conn: Some(conn),
            keep: keeper.keep,
        }))
    }

    /// A transaction from `pool`, begun with `statement` (`BEGIN` when
    /// `None`), once a connection this request kept has gone back: a
    /// request never holds two.
    ///
    /// # Errors
    ///
    /// The pool's or the database's.
    pub async fn transaction(
        pool: &Pool<DB>,
        keeper: Keeper<DB>,
        statement: Option<&'static str>,
    ) -> Result<Self, sqlx::Error> {
        (keeper.release)();
        match statement {
            None => pool.begin().await,
            Some(s) => pool.begin_with(s).await,
        }
        .map(Self::Tx)
    }

    /// Commits the transaction, if there is one.
    ///
    /// # Errors
    ///
    /// The database's, if it refuses the commit.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Self::Tx(tx) => tx.commit().await,
            Self::Plain(_) => Ok(()),
        }
    }
}

/// A pooled connection that, dropped inside a request, is kept for the
/// request's next read rather than given back to its pool.
pub struct Kept<DB: Database> {
    conn: Option<PoolConnection<DB>>,
    keep: fn(PoolConnection<DB>) -> Option<PoolConnection<DB>>,
}

impl<DB: Database> Drop for Kept<DB> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            drop((self.keep)(conn));
        }
    }
}

impl<DB: Database> Deref for Kept<DB> {
    type Target = DB::Connection;
    fn deref(&self) -> &DB::Connection {
        self.conn
            .as_ref()
            .expect("a kept connection is there until dropped")
    }
}

impl<DB: Database> DerefMut for Kept<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        self.conn
            .as_mut()
            .expect("a kept connection is there until dropped")
    }
}

impl<DB: Database> Deref for Conn<DB> {
    type Target = DB::Connection;
    fn deref(&self) -> &DB::Connection {
        match self {
            Self::Tx(tx) => tx,
            Self::Plain(conn) => conn,
        }
    }
}

impl<DB: Database> DerefMut for Conn<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        match self {
            Self::Tx(tx) => tx,
            Self::Plain(conn) => conn,
        }
    }
}
