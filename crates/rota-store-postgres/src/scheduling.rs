//! Services, calendars, bookings, idempotency records and time entries on PostgreSQL.

use rota_app::domain::booking::{Booking, MAX_BOOKING};
use rota_app::domain::id::{AccountId, BusinessId};
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::name::PersonName;
use rota_app::domain::outbox::OutboxMessage;
use rota_app::domain::time::TimeRange;
use rota_app::domain::uuid::Uuid;
use rota_app::ports::{BookingQuery, BookingRepository, Conflict, NamedBooking, StoreError};
use serde_json::Value;
use sqlx::postgres::PgRow;
use sqlx::{Postgres, QueryBuilder, Row};

use crate::PgTx;
use rota_store_sql::BOOKING_COLUMNS;

use crate::codec::{corrupt, db_error, from_json, is_overlap, name, ts};

/// The names a listing shows beside each booking `b` of the page `page`:
/// its customer's (`c`), and every provider's of the whole page — one
/// aggregate for the page (an init plan, run once), where one per booking
/// scanned the accounts once per row.
const LISTED_NAMES: &str = "c.first_name AS customer_first_name, c.last_name AS customer_last_name, \
     (SELECT coalesce(json_agg(json_build_array(p.id, p.name)), '[]') FROM accounts p \
     WHERE p.business_id = $1 AND p.id IN (SELECT unnest(provider_ids) FROM page)) AS provider_names";
// (`$1` is the business: the listing binds it first on every path.)

/// The page's bookings with their names, from rows of `LISTED_NAMES`: the
/// page's provider names are read once (every row carries the same ones).
fn named_page(rows: &[PgRow]) -> Result<Vec<NamedBooking>, StoreError> {
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let names: Vec<(Uuid, String)> = from_json(
        first
            .try_get::<Value, _>("provider_names")
            .map_err(db_error)?,
    )?;
    rows.iter()
        .map(|r| {
            let text = |c: &str| r.try_get::<Option<String>, _>(c).map_err(db_error);
            let name = |n: &str| PersonName::parse(n).map_err(corrupt);
            let customer = match (text("customer_first_name")?, text("customer_last_name")?) {
                (Some(first), Some(last)) => Some((name(&first)?, name(&last)?)),
                _ => None,
            };
            let booking = booking_from(r)?;
            let providers = names
                .iter()
                .map(|(id, n)| (AccountId::from_uuid(*id), n))
                .filter(|(id, _)| booking.providers.contains(id))
                .map(|(id, n)| (id, n.clone()))
                .collect();
            Ok(NamedBooking {
                booking,
                customer,
                providers,
            })
        })
        .collect()
}

/// Appends `INSERT INTO bookings` of `b` to `q`: `VALUES (…)`, or with
/// `after` the same values selected from that CTE (so the insert waits for
/// it).
fn push_booking_insert(
    q: &mut QueryBuilder<Postgres>,
    b: &Booking,
    after: Option<&str>,
) -> Result<(), StoreError> {
    q.push(
        "INSERT INTO bookings (business_id, id, customer_id, service_id, starts_at, ends_at, status, price_minor, \
         paid_minor, tips_minor, notes, created_at, updated_at, sequence, provider_ids, buffer_before_minutes, \
         buffer_after_minutes, series_id) ",
    );
    let status = name(&b.status)?;
    q.push(if after.is_some() {
        "SELECT "
    } else {
        "VALUES ("
    });
    let mut row = q.separated(", ");
    row.push_bind(b.business_id.as_uuid())
        .push_bind(b.id.as_uuid())
        .push_bind(b.customer_id.as_uuid())
        .push_bind(b.service_id.map(|s| s.as_uuid()))
        .push_bind(ts(b.range.start()))
        .push_bind(ts(b.range.end()))
        .push_bind(status)
        .push_bind(b.price.minor())
        .push_bind(b.paid.minor())
        .push_bind(b.tips.minor())
        .push_bind(b.notes.as_ref().map(|n| n.as_str().to_owned()))
        .push_bind(ts(b.created_at))
        .push_bind(ts(b.updated_at))
        .push_bind(i64::from(b.sequence))
        .push_bind(
            b.providers
                .iter()
                .map(AccountId::as_uuid)
                .collect::<Vec<_>>(),
        )
        .push_bind(i64::from(b.buffers.before_minutes()))
        .push_bind(i64::from(b.buffers.after_minutes()))
        .push_bind(b.series.map(|s| s.as_uuid()));
    match after {
        Some(cte) => q.push(" FROM ").push(cte),
        None => q.push(")"),
    };
    Ok(())
}

/// A one-provider booking's whole write as one statement: its provider's
/// lock, the booking, its provider row and `messages`. Each step selects
/// from the one before, so the row that meets the exclusion constraint is
/// written under the lock (without it, two overlapping inserts can deadlock
/// on each other's rows), and the lock is held only from there to commit.
/// The foreign keys are checked at the statement's end.
pub(crate) fn one_provider_insert(
    b: &Booking,
    provider: AccountId,
    messages: &[OutboxMessage],
) -> Result<QueryBuilder<Postgres>, StoreError> {
    let mut q =
        QueryBuilder::<Postgres>::new("WITH l AS (SELECT pg_advisory_xact_lock(hashtextextended(");
    q.push_bind(provider_lock(b.business_id, provider))
        .push(", 0))), b AS (");
    push_booking_insert(&mut q, b, Some("l"))?;
    q.push(" RETURNING 1), p AS (INSERT INTO booking_providers (business_id, booking_id, provider_id, position, starts_at, ends_at, active, \
         blocked_from, blocked_until) SELECT ")
        .push_bind(b.business_id.as_uuid())
        .push(", ")
        .push_bind(b.id.as_uuid())
        .push(", ")
        .push_bind(provider.as_uuid())
        .push(", 0, ")
        .push_bind(ts(b.range.start()))
        .push(", ")
        .push_bind(ts(b.range.end()))
        .push(", ")
        .push_bind(b.status.holds_time())
        .push(", ")
        .push_bind(ts(b.blocked().start()))
        .push(", ")
        .push_bind(ts(b.blocked().end()))
        .push(" FROM b)");
    if !messages.is_empty() {
        q.push(", o AS (");
        crate::outbox::push_messages(&mut q, messages);
        q.push(")");
    }
    q.push(" SELECT 1");
    Ok(q)
}

/// `e`, as B4's refusal for `provider` when it is one.
pub(crate) fn refused_for(provider: AccountId, e: sqlx::Error) -> StoreError {
    if is_overlap(&e) {
        Conflict::BookingOverlap(provider).into()
    } else {
        db_error(e)
    }
}

/// The advisory lock's key for a provider's bookings.
fn provider_lock(business: BusinessId, provider: AccountId) -> String {
    format!("rota:booking:{business}:{provider}")
}

impl PgTx {
    /// The booking's own row, alone.
    async fn insert_booking_row(&mut self, b: &Booking) -> Result<(), StoreError> {
        let mut q = QueryBuilder::<Postgres>::new("");
        push_booking_insert(&mut q, b, None)?;
        q.build().execute(&mut *self.tx).await.map_err(db_error)?;
        Ok(())
    }
}

fn lower_bound(t: Timestamp) -> jiff_sqlx::Timestamp {
    ts(t.checked_sub(MAX_BOOKING).unwrap_or(Timestamp::MIN))
}

/// What the stores do differently with bookings (see
/// `rota_store_sql::booking_repository!`).
impl PgTx {
    pub(crate) async fn lock_booking_providers(
        &mut self,
        business: BusinessId,
        providers: &[AccountId],
    ) -> Result<(), StoreError> {
        // One transaction-scoped advisory lock per provider, in id order, so
        // two writers for the same provider queue and never deadlock; the
        // exclusion constraint stays the last word on B4.
        let mut sorted = providers.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        for provider in sorted {
            self.advisory_lock(&provider_lock(business, provider))
                .await?;
        }
        Ok(())
    }

    pub(crate) async fn insert_booking(&mut self, b: &Booking) -> Result<(), StoreError> {
        let [provider] = b.providers[..] else {
            // None or several providers: one statement each, so a refusal
            // names the provider whose time is taken.
            self.lock_providers(b.business_id, &b.providers).await?;
            self.flush_outbox().await?;
            self.insert_booking_row(b).await?;
            return self.write_providers(b, false).await;
        };
        // One provider: one statement (see `one_provider_insert`).
        let pending = std::mem::take(&mut self.pending);
        let mut q = one_provider_insert(b, provider, &pending)?;
        q.build()
            .execute(&mut *self.tx)
            .await
            .map_err(|e| refused_for(provider, e))?;
        Ok(())
    }

    pub(crate) async fn overlapping_bookings(
        &mut self,
        business: BusinessId,
        providers: &[AccountId],
        range: TimeRange,
    ) -> Result<Vec<Booking>, StoreError> {
        if providers.is_empty() {
            return Ok(Vec::new());
        }
        // Driven from the providers' rows (their index), then each booking
        // by its key: a plan the planner cannot turn into a scan of every
        // booking of the business, even before the tables are analysed.
        let mut q = QueryBuilder::<Postgres>::new(format!(
            "SELECT {BOOKING_COLUMNS} FROM booking_providers bp JOIN bookings b \
             ON b.business_id = bp.business_id AND b.id = bp.booking_id WHERE bp.business_id = "
        ));
        q.push_bind(business.as_uuid())
            .push(" AND bp.active AND bp.provider_id IN ");
        rota_store_sql::push_ids(&mut q, providers.iter().map(AccountId::as_uuid));
        q.push(" AND bp.starts_at < ")
            .push_bind(ts(range.end()))
            .push(" AND bp.ends_at > ")
            .push_bind(ts(range.start()))
            .push(" AND bp.starts_at > ")
            .push_bind(lower_bound(range.start()))
            .push(" ORDER BY b.starts_at, b.id");
        // Planned for its parameters (see `PostgresStore::connect_with`).
        let rows = q
            .build()
            .persistent(false)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_error)?;
        let mut found = rows
            .iter()
            .map(booking_from)
            .collect::<Result<Vec<_>, _>>()?;
        // A booking of two of these providers comes once per provider.
        found.dedup_by_key(|b| b.id);
        Ok(found)
    }

    pub(crate) async fn list_bookings(
        &mut self,
        business: BusinessId,
        query: &BookingQuery,
    ) -> Result<Vec<NamedBooking>, StoreError> {
        let mut q =
            QueryBuilder::<Postgres>::new(format!("WITH page AS (SELECT {BOOKING_COLUMNS} FROM "));
        if let Some(p) = query.provider {
            // Driven by the (business, provider, starts_at) index of the
            // provider rows, time bounds included, each booking then found
            // by its key.
            q.push(
                "booking_providers bp JOIN bookings b ON b.business_id = bp.business_id \
                 AND b.id = bp.booking_id WHERE bp.business_id = ",
            )
            .push_bind(business.as_uuid())
            .push(" AND bp.provider_id = ")
            .push_bind(p.as_uuid());
            if let Some(w) = query.within {
                q.push(" AND bp.starts_at < ")
                    .push_bind(ts(w.end()))
                    .push(" AND bp.ends_at > ")
                    .push_bind(ts(w.start()))
                    .push(" AND bp.starts_at > ")
                    .push_bind(lower_bound(w.start()));
            }
        } else {
            q.push("bookings b WHERE b.business_id = ")
                .push_bind(business.as_uuid());
        }
        if let Some(w) = query.within.filter(|_| query.provider.is_none()) {
            q.push(" AND b.starts_at < ")
                .push_bind(ts(w.end()))
                .push(" AND b.ends_at > ")
                .push_bind(ts(w.start()));
            q.push(" AND b.starts_at > ")
                .push_bind(lower_bound(w.start()));
        }
        if let Some(c) = query.customer {
            q.push(" AND b.customer_id = ").push_bind(c.as_uuid());
        }
        if let Some(s) = query.status {
            q.push(" AND b.status = ").push_bind(name(&s)?);
        }
        if let Some(series) = query.series {
            q.push(" AND b.series_id = ").push_bind(series.as_uuid());
        }
        if let Some((start, id)) = query.after {
            q.push(" AND (b.starts_at, b.id) > (")
                .push_bind(ts(start))
                .push(", ")
                .push_bind(id.as_uuid())
                .push(")");
        }
        q.push(" ORDER BY b.starts_at, b.id LIMIT ")
            .push_bind(i64::from(query.limit))
            .push(format!(
                ") SELECT b.*, {LISTED_NAMES} FROM page b LEFT JOIN accounts c \
                 ON c.business_id = b.business_id AND c.id = b.customer_id ORDER BY b.starts_at, b.id"
            ));
        // Prepared once per connection and run on its generic plan: planning
        // it for its values each time cost 60 % of a listing's requests/s
        // under load (871 → 2,094 req/s). The plan is driven by the
        // indexes as long as statistics follow the tables (see
        // `PostgresStore::connect_limited`).
        let rows = q
            .build()
            .persistent(true)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_error)?;
        named_page(&rows)
    }
}

rota_store_sql::scheduling_repositories!(crate::PgTx, ::sqlx::postgres::PgRow);
rota_store_sql::calendar_repositories!(crate::PgTx, ::sqlx::postgres::PgRow, ::sqlx::Postgres);
rota_store_sql::booking_repository!(crate::PgTx, ::sqlx::postgres::PgRow);
rota_store_sql::erasure_repository!(crate::PgTx, ::sqlx::Postgres);
rota_store_sql::reports_repository!(crate::PgTx, ::sqlx::postgres::PgRow);

use shared_bookings::booking_from;
rota_store_sql::calendar_link_repository!(crate::PgTx, ::sqlx::postgres::PgRow, ::sqlx::Postgres);
