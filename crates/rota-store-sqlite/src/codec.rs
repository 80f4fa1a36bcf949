//! Translating between domain values and SQLite columns, and sqlx errors
//! into port errors.

use rota_app::domain::jiff::Timestamp;
use rota_app::ports::StoreError;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A row that does not decode into the domain: not what Rota wrote.
#[derive(Debug, thiserror::Error)]
#[error("stored data does not decode: {0}")]
pub(crate) struct Corrupt(pub(crate) String);

pub(crate) fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::other(Corrupt(what.to_string()))
}

/// Any sqlx failure that is not a rule the caller maps itself.
pub(crate) fn db_error(e: sqlx::Error) -> StoreError {
    StoreError::other(e)
}

/// Whether `e` is a unique-constraint violation.
pub(crate) fn is_unique(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Whether `e` is the B4 trigger refusing an overlap.
pub(crate) fn is_overlap(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.message().contains("rota_booking_overlap"))
}

/// An instant as microseconds since the epoch (Rota keeps instants to the
/// microsecond on every store).
/// An instant as the columns store it (the name the shared statements use).
pub(crate) use micros as stamp;

/// How an instant is stored.
pub(crate) type Stamp = i64;

pub(crate) fn micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

pub(crate) fn instant(us: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_microsecond(us).map_err(corrupt)
}

pub(crate) fn opt_instant(us: Option<i64>) -> Result<Option<Timestamp>, StoreError> {
    us.map(instant).transpose()
}

/// A unit-variant enum's wire name (`active`, `in_progress`…).
pub(crate) fn name<T: Serialize>(value: &T) -> Result<String, StoreError> {
    match serde_json::to_value(value).map_err(StoreError::other)? {
        serde_json::Value::String(s) => Ok(s),
        other => Err(corrupt(format!("not a name: {other}"))),
    }
}

pub(crate) fn from_name<T: DeserializeOwned>(name: &str) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).map_err(corrupt)
}

/// How a JSON value is stored: as text.
pub(crate) type Json = String;

pub(crate) fn json<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(StoreError::other)
}

pub(crate) fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(corrupt)
}

pub(crate) use rota_store_sql::limit;

/// A JSON column (text on SQLite), decoded.
pub(crate) fn read_json<T: DeserializeOwned>(
    row: &sqlx::sqlite::SqliteRow,
    column: &str,
) -> Result<T, StoreError> {
    use sqlx::Row;
    from_json(&row.try_get::<String, _>(column).map_err(db_error)?)
}

/// Whether a statement that reads a range keeps its prepared form: SQLite
/// plans once and reuses (PostgreSQL plans such statements per value).
pub(crate) const PLANNED_ONCE: bool = true;

/// The old and new address of an `email_changed` audit entry's `change`.
pub(crate) const CHANGED_FROM: &str = "json_extract(change, '$.from')";
/// See [`CHANGED_FROM`].
pub(crate) const CHANGED_TO: &str = "json_extract(change, '$.to')";

/// Whether an idempotency record's stored `body` holds the text `$3`.
pub(crate) const BODY_MENTIONS: &str = "instr(body, CAST($3 AS BLOB)) > 0";

/// `SUM` of provider rows' lengths in microseconds (reports).
pub(crate) const BOOKED_MICROS: &str = "SUM(bp.ends_at - bp.starts_at)";

/// What a read that locks a row adds to its statement: nothing, since a
/// write transaction begun IMMEDIATE already holds SQLite's write lock.
pub(crate) const LOCK_ROW: &str = "";

/// A booking's `provider_ids` column: hex UUIDs, comma-separated, in order.
pub(crate) fn providers_from(
    list: &str,
) -> Result<Vec<rota_app::domain::id::AccountId>, StoreError> {
    list.split(',')
        .filter(|hex| !hex.is_empty())
        .map(|hex| {
            rota_app::domain::uuid::Uuid::try_parse(hex)
                .map(rota_app::domain::id::AccountId::from_uuid)
                .map_err(corrupt)
        })
        .collect()
}

/// A booking's providers, in order, from its `provider_ids`.
pub(crate) fn read_providers(
    row: &sqlx::sqlite::SqliteRow,
    column: &str,
) -> Result<Vec<rota_app::domain::id::AccountId>, StoreError> {
    use sqlx::Row;
    providers_from(&row.try_get::<String, _>(column).map_err(db_error)?)
}

/// A booking's `provider_ids` column: hex UUIDs, comma-separated, in order.
pub(crate) fn providers_column(providers: &[rota_app::domain::id::AccountId]) -> String {
    providers
        .iter()
        .map(|p| p.as_uuid().simple().to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// ` IN ($n, …)`, one value bound for each of `values`.
pub(crate) fn push_one_of(q: &mut sqlx::QueryBuilder<sqlx::Sqlite>, values: &[String]) {
    q.push(" IN (");
    let mut list = q.separated(", ");
    for v in values {
        list.push_bind(v.clone());
    }
    q.push(")");
}

/// ` FROM …` of a business's accounts (aliased `a`) with one of
/// `normalized_emails`: their email index, one value bound for each.
pub(crate) fn push_accounts_with_emails(
    q: &mut sqlx::QueryBuilder<sqlx::Sqlite>,
    business: rota_app::domain::id::BusinessId,
    normalized_emails: &[String],
) {
    q.push(" FROM accounts AS a WHERE a.business_id = ")
        .push_bind(business.as_uuid())
        .push(" AND a.email_normalized");
    push_one_of(q, normalized_emails);
}

/// The blocked times of a group of provider rows, in one column: each
/// start and end in microseconds, comma-separated. A provider's month is
/// one row, not two hundred: each row sqlx hands from its SQLite thread
/// costs about as much as reading it.
pub(crate) const BOOKED_TIMES: &str = "group_concat(blocked_from || ',' || blocked_until)";

/// [`BOOKED_TIMES`]' column where a statement's part has none.
pub(crate) const NO_BOOKED_TIMES: &str = "NULL";

/// The times of a [`BOOKED_TIMES`] column.
pub(crate) fn read_booked_times(
    row: &sqlx::sqlite::SqliteRow,
    column: &str,
) -> Result<Vec<rota_app::domain::time::TimeRange>, StoreError> {
    use sqlx::Row;
    let text: String = row.try_get(column).map_err(db_error)?;
    let mut numbers = text.split(',').map(|n| n.parse::<i64>().map_err(corrupt));
    let mut times = Vec::new();
    while let Some(start) = numbers.next() {
        let end = numbers
            .next()
            .ok_or_else(|| corrupt("a booked time without its end"))??;
        times.push(
            rota_app::domain::time::TimeRange::new(instant(start?)?, instant(end)?)
                .map_err(corrupt)?,
        );
    }
    Ok(times)
}

/// Whether an employee's `roles` (a JSON array in text) hold `role`.
pub(crate) fn push_has_role(q: &mut sqlx::QueryBuilder<sqlx::Sqlite>, role: String) {
    q.push("EXISTS (SELECT 1 FROM json_each(roles) WHERE value = ")
        .push_bind(role)
        .push(")");
}
