//! Services, calendars, bookings, idempotency records and time entries on SQLite.

use rota_app::domain::account::Text;
use rota_app::domain::booking::{Booking, MAX_BOOKING};
use rota_app::domain::id::{AccountId, BookingId, BusinessId, SeriesId, ServiceId};
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::money::Money;
use rota_app::domain::name::PersonName;
use rota_app::domain::service::Buffers;
use rota_app::domain::time::TimeRange;
use rota_app::domain::uuid::Uuid;
use rota_app::ports::{BookingQuery, BookingRepository, Conflict, NamedBooking, StoreError};
use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::{QueryBuilder, Sqlite};

use crate::SqliteTx;
use rota_store_sql::BOOKING_COLUMNS;

use crate::codec::{
    corrupt, db_error, from_name, instant, is_overlap, limit, micros, name, providers_column,
    providers_from,
};

/// A booking's columns, in `BOOKING_COLUMNS` order, as a listing reads
/// them from a JSON array (`LISTED_BOOKING`).
#[derive(serde::Deserialize)]
struct BookingRecord {
    business_id: Uuid,
    id: Uuid,
    customer_id: Uuid,
    service_id: Option<Uuid>,
    starts_at: i64,
    ends_at: i64,
    status: String,
    price_minor: i64,
    paid_minor: i64,
    tips_minor: i64,
    notes: Option<String>,
    created_at: i64,
    updated_at: i64,
    sequence: i64,
    provider_ids: String,
    buffer_before_minutes: u32,
    buffer_after_minutes: u32,
    series_id: Option<Uuid>,
}

impl TryFrom<BookingRecord> for Booking {
    type Error = StoreError;

    fn try_from(r: BookingRecord) -> Result<Self, StoreError> {
        let money = |minor: i64| Money::new(minor).map_err(corrupt);
        Ok(Booking {
            id: BookingId::from_uuid(r.id),
            business_id: BusinessId::from_uuid(r.business_id),
            customer_id: AccountId::from_uuid(r.customer_id),
            service_id: r.service_id.map(ServiceId::from_uuid),
            range: TimeRange::new(instant(r.starts_at)?, instant(r.ends_at)?).map_err(corrupt)?,
            providers: providers_from(&r.provider_ids)?,
            status: from_name(&r.status)?,
            price: money(r.price_minor)?,
            paid: money(r.paid_minor)?,
            tips: money(r.tips_minor)?,
            notes: match r.notes {
                Some(n) => Text::parse(&n).map_err(corrupt)?,
                None => None,
            },
            created_at: instant(r.created_at)?,
            updated_at: instant(r.updated_at)?,
            sequence: u32::try_from(r.sequence).map_err(corrupt)?,
            buffers: Buffers::minutes(r.buffer_before_minutes, r.buffer_after_minutes)
                .map_err(corrupt)?,
            series: r.series_id.map(SeriesId::from_uuid),
        })
    }
}

/// One listed booking as a JSON array: its columns (ids in hex), its
/// customer's first and last name, and `[id, name]` of each provider.
/// A page is read as one row, a JSON array of these: sqlx hands SQLite's
/// rows from its worker thread one at a time, and at 20 rows that cost
/// more than the query (docs/DECISIONS.md, "Listing bookings in one row").
const LISTED_BOOKING: &str = "json_array(json_array(hex(b.business_id), hex(b.id), hex(b.customer_id), \
     nullif(hex(b.service_id), ''), b.starts_at, b.ends_at, b.status, b.price_minor, b.paid_minor, b.tips_minor, \
     b.notes, b.created_at, b.updated_at, b.sequence, b.provider_ids, b.buffer_before_minutes, \
     b.buffer_after_minutes, nullif(hex(b.series_id), '')), c.first_name, c.last_name, \
     json((SELECT json_group_array(json_array(hex(p.id), p.name)) FROM booking_providers bp \
     JOIN accounts p ON p.business_id = bp.business_id AND p.id = bp.provider_id \
     WHERE bp.business_id = b.business_id AND bp.booking_id = b.id)))";

/// What [`LISTED_BOOKING`] reads.
type ListedRecord = (
    BookingRecord,
    Option<String>,
    Option<String>,
    Vec<(Uuid, String)>,
);

fn named_from(listed: ListedRecord) -> Result<NamedBooking, StoreError> {
    let (record, first, last, providers) = listed;
    let name = |n: &str| PersonName::parse(n).map_err(corrupt);
    let customer = match (first, last) {
        (Some(first), Some(last)) => Some((name(&first)?, name(&last)?)),
        _ => None,
    };
    Ok(NamedBooking {
        booking: record.try_into()?,
        customer,
        providers: providers
            .into_iter()
            .map(|(id, n)| (AccountId::from_uuid(id), n))
            .collect(),
    })
}

/// One row of `booking_providers` (B4 is held by its triggers).
const PROVIDER_ROW: &str = "INSERT INTO booking_providers (business_id, booking_id, provider_id, position, starts_at, ends_at, active, \
     blocked_from, blocked_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?);";

/// Binds the provider row of `b` at `position` to one [`PROVIDER_ROW`].
fn bind_provider_row<'q>(
    q: Query<'q, Sqlite, SqliteArguments>,
    b: &Booking,
    position: usize,
    provider: AccountId,
) -> Query<'q, Sqlite, SqliteArguments> {
    q.bind(b.business_id.as_uuid())
        .bind(b.id.as_uuid())
        .bind(provider.as_uuid())
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(micros(b.range.start()))
        .bind(micros(b.range.end()))
        .bind(b.status.holds_time())
        .bind(micros(b.blocked().start()))
        .bind(micros(b.blocked().end()))
}

impl SqliteTx {
    /// The B4 conflict a refused write of `b` ran into: the first of its
    /// providers whose time another active booking blocks.
    async fn overlap_of(&mut self, b: &Booking) -> Result<Conflict, StoreError> {
        let reach = Buffers::MAX_ALL.around(b.blocked());
        let taken = self.overlapping(b.business_id, &b.providers, reach).await?;
        let provider = b
            .providers
            .iter()
            .find(|p| taken.iter().any(|o| o.clashes_with(**p, b)))
            .or(b.providers.first())
            .copied()
            .ok_or_else(|| corrupt("an overlap with no provider"))?;
        Ok(Conflict::BookingOverlap(provider))
    }
}

fn lower_bound(t: Timestamp) -> i64 {
    micros(t).saturating_sub(MAX_BOOKING.as_micros().try_into().unwrap_or(i64::MAX))
}

/// What the stores do differently with bookings (see
/// `rota_store_sql::booking_repository!`).
impl SqliteTx {
    #[allow(
        clippy::unused_async,
        reason = "the same shape as PostgreSQL's, which waits for its locks"
    )]
    pub(crate) async fn lock_booking_providers(
        &mut self,
        _business: BusinessId,
        _providers: &[AccountId],
    ) -> Result<(), StoreError> {
        // The IMMEDIATE write transaction already serializes writers.
        Ok(())
    }

    pub(crate) async fn insert_booking(&mut self, b: &Booking) -> Result<(), StoreError> {
        // The booking, its provider rows and the outbox messages queued
        // before it in one statement list: one round trip to SQLite's
        // thread instead of one per row.
        let pending = std::mem::take(&mut self.pending);
        let mut sql = String::from(
            "INSERT INTO bookings (business_id, id, customer_id, service_id, starts_at, ends_at, status, price_minor, \
             paid_minor, tips_minor, notes, created_at, updated_at, sequence, provider_ids, buffer_before_minutes, \
             buffer_after_minutes, series_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);",
        );
        for _ in &b.providers {
            sql.push_str(PROVIDER_ROW);
        }
        for _ in &pending {
            sql.push_str(crate::outbox::MESSAGE_ROW);
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(b.business_id.as_uuid())
            .bind(b.id.as_uuid())
            .bind(b.customer_id.as_uuid())
            .bind(b.service_id.map(|s| s.as_uuid()))
            .bind(micros(b.range.start()))
            .bind(micros(b.range.end()))
            .bind(name(&b.status)?)
            .bind(b.price.minor())
            .bind(b.paid.minor())
            .bind(b.tips.minor())
            .bind(b.notes.as_ref().map(|n| n.as_str().to_owned()))
            .bind(micros(b.created_at))
            .bind(micros(b.updated_at))
            .bind(i64::from(b.sequence))
            .bind(providers_column(&b.providers))
            .bind(i64::from(b.buffers.before_minutes()))
            .bind(i64::from(b.buffers.after_minutes()))
            .bind(b.series.map(|s| s.as_uuid()));
        for (position, provider) in b.providers.iter().enumerate() {
            q = bind_provider_row(q, b, position, *provider);
        }
        for m in &pending {
            q = crate::outbox::bind_message(q, m);
        }
        let result = q.execute(self.conn()).await;
        if result.is_err() {
            // The messages come last, so a refused booking wrote none.
            self.pending = pending;
        }
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_overlap(&e) => Err(self.overlap_of(b).await?.into()),
            Err(e) => Err(db_error(e)),
        }
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
        let mut q = QueryBuilder::<Sqlite>::new(format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings b WHERE b.business_id = "
        ));
        // The same time bounds on the booking rows as on the provider rows
        // (they hold the same times): without them the planner walks every
        // booking of the business in start order to test the IN list.
        q.push_bind(business.as_uuid())
            .push(" AND b.starts_at < ")
            .push_bind(micros(range.end()))
            .push(" AND b.ends_at > ")
            .push_bind(micros(range.start()))
            .push(" AND b.starts_at > ")
            .push_bind(lower_bound(range.start()))
            .push(" AND b.id IN (SELECT bp.booking_id FROM booking_providers bp WHERE bp.business_id = ")
            .push_bind(business.as_uuid())
            .push(" AND bp.active AND bp.provider_id IN ");
        rota_store_sql::push_ids(&mut q, providers.iter().map(AccountId::as_uuid));
        q.push(" AND bp.starts_at < ")
            .push_bind(micros(range.end()))
            .push(" AND bp.ends_at > ")
            .push_bind(micros(range.start()))
            .push(" AND bp.starts_at > ")
            .push_bind(lower_bound(range.start()))
            .push(") ORDER BY b.starts_at, b.id");
        let rows = q.build().fetch_all(self.conn()).await.map_err(db_error)?;
        let found = rows
            .iter()
            .map(booking_from)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(found)
    }

    pub(crate) async fn list_bookings(
        &mut self,
        business: BusinessId,
        query: &BookingQuery,
    ) -> Result<Vec<NamedBooking>, StoreError> {
        let mut q = QueryBuilder::<Sqlite>::new(format!(
            "SELECT json_group_array({LISTED_BOOKING}) FROM (SELECT {BOOKING_COLUMNS} FROM bookings b WHERE b.business_id = "
        ));
        q.push_bind(business.as_uuid());
        if let Some(w) = query.within {
            q.push(" AND b.starts_at < ")
                .push_bind(micros(w.end()))
                .push(" AND b.ends_at > ")
                .push_bind(micros(w.start()));
            q.push(" AND b.starts_at > ")
                .push_bind(lower_bound(w.start()));
        }
        if let Some(p) = query.provider {
            // Driven by the (business, provider, starts_at) index of the
            // provider rows, time bounds included.
            q.push(" AND b.id IN (SELECT bp.booking_id FROM booking_providers bp WHERE bp.business_id = ")
                .push_bind(business.as_uuid())
                .push(" AND bp.provider_id = ")
                .push_bind(p.as_uuid());
            if let Some(w) = query.within {
                q.push(" AND bp.starts_at < ")
                    .push_bind(micros(w.end()))
                    .push(" AND bp.ends_at > ")
                    .push_bind(micros(w.start()))
                    .push(" AND bp.starts_at > ")
                    .push_bind(lower_bound(w.start()));
            }
            q.push(")");
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
                .push_bind(micros(start))
                .push(", ")
                .push_bind(id.as_uuid())
                .push(")");
        }
        q.push(" ORDER BY b.starts_at, b.id")
            .push(limit(query.limit))
            .push(
                ") b LEFT JOIN accounts c ON c.business_id = b.business_id AND c.id = b.customer_id",
            );
        let page: String = q
            .build_query_scalar()
            .fetch_one(self.conn())
            .await
            .map_err(db_error)?;
        let listed: Vec<ListedRecord> = serde_json::from_str(&page).map_err(corrupt)?;
        let mut found = listed
            .into_iter()
            .map(named_from)
            .collect::<Result<Vec<_>, _>>()?;
        // The aggregate keeps the page's order in practice; SQL does not promise it.
        found.sort_by_key(|n| (n.booking.range.start(), n.booking.id));
        Ok(found)
    }
}

rota_store_sql::scheduling_repositories!(crate::SqliteTx, ::sqlx::sqlite::SqliteRow);
rota_store_sql::calendar_repositories!(crate::SqliteTx, ::sqlx::sqlite::SqliteRow, ::sqlx::Sqlite);
rota_store_sql::booking_repository!(crate::SqliteTx, ::sqlx::sqlite::SqliteRow);
rota_store_sql::erasure_repository!(crate::SqliteTx, ::sqlx::Sqlite);
rota_store_sql::reports_repository!(crate::SqliteTx, ::sqlx::sqlite::SqliteRow);

use shared_bookings::booking_from;
rota_store_sql::calendar_link_repository!(
    crate::SqliteTx,
    ::sqlx::sqlite::SqliteRow,
    ::sqlx::Sqlite
);
