//! Translating between domain values and PostgreSQL columns, and sqlx
//! errors into port errors.

use rota_app::domain::jiff::Timestamp;
use rota_app::ports::StoreError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

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

/// Whether `e` is a unique-constraint violation (SQLSTATE 23505).
pub(crate) fn is_unique(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Whether `e` is the B4 exclusion constraint refusing an overlap (23P01).
pub(crate) fn is_overlap(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.code().as_deref() == Some("23P01"))
}

/// An instant as `timestamptz` (kept to the microsecond).
/// An instant as the columns store it (the name the shared statements use).
pub(crate) use ts as stamp;

/// How an instant is stored.
pub(crate) type Stamp = jiff_sqlx::Timestamp;

pub(crate) fn ts(t: Timestamp) -> jiff_sqlx::Timestamp {
    jiff_sqlx::Timestamp::from(t)
}

#[allow(
    clippy::unnecessary_wraps,
    reason = "the same shape as the SQLite adapter's, where decoding can fail"
)]
pub(crate) fn instant(t: jiff_sqlx::Timestamp) -> Result<Timestamp, StoreError> {
    Ok(t.to_jiff())
}

#[allow(
    clippy::unnecessary_wraps,
    reason = "the same shape as the SQLite adapter's, where decoding can fail"
)]
pub(crate) fn opt_instant(
    t: Option<jiff_sqlx::Timestamp>,
) -> Result<Option<Timestamp>, StoreError> {
    Ok(t.map(jiff_sqlx::Timestamp::to_jiff))
}

/// A unit-variant enum's wire name (`active`, `in_progress`…).
pub(crate) fn name<T: Serialize>(value: &T) -> Result<String, StoreError> {
    match serde_json::to_value(value).map_err(StoreError::other)? {
        Value::String(s) => Ok(s),
        other => Err(corrupt(format!("not a name: {other}"))),
    }
}

pub(crate) fn from_name<T: DeserializeOwned>(name: &str) -> Result<T, StoreError> {
    serde_json::from_value(Value::String(name.to_owned())).map_err(corrupt)
}

/// How a JSON value is stored: `jsonb`.
pub(crate) type Json = Value;

/// A value for a `jsonb` column.
pub(crate) fn json<T: Serialize>(value: &T) -> Result<Value, StoreError> {
    serde_json::to_value(value).map_err(StoreError::other)
}

pub(crate) fn from_json<T: DeserializeOwned>(value: Value) -> Result<T, StoreError> {
    serde_json::from_value(value).map_err(corrupt)
}

/// A `jsonb` column, decoded.
pub(crate) fn read_json<T: DeserializeOwned>(
    row: &sqlx::postgres::PgRow,
    column: &str,
) -> Result<T, StoreError> {
    use sqlx::Row;
    from_json(row.try_get::<Value, _>(column).map_err(db_error)?)
}

/// Whether a statement that reads a range keeps its prepared plan: not on
/// PostgreSQL, which plans it for its parameters (see
/// `PostgresStore::connect_with`).
pub(crate) const PLANNED_ONCE: bool = false;

/// The old and new address of an `email_changed` audit entry's `change`.
pub(crate) const CHANGED_FROM: &str = "change->>'from'";
/// See [`CHANGED_FROM`].
pub(crate) const CHANGED_TO: &str = "change->>'to'";

/// Whether an idempotency record's stored `body` holds the text `$3`.
pub(crate) const BODY_MENTIONS: &str = "position(convert_to($3, 'UTF8') in body) > 0";

/// `SUM` of provider rows' lengths in microseconds (reports).
pub(crate) const BOOKED_MICROS: &str =
    "SUM(EXTRACT(EPOCH FROM bp.ends_at - bp.starts_at) * 1000000)";

/// What a read that locks a row adds to its statement: the row lock that
/// serializes writers across every server process.
pub(crate) const LOCK_ROW: &str = " FOR UPDATE";

/// A booking's providers, in order, from its `provider_ids` (`uuid[]`).
pub(crate) fn read_providers(
    row: &sqlx::postgres::PgRow,
    column: &str,
) -> Result<Vec<rota_app::domain::id::AccountId>, StoreError> {
    use sqlx::Row;
    Ok(row
        .try_get::<Vec<rota_app::domain::uuid::Uuid>, _>(column)
        .map_err(db_error)?
        .into_iter()
        .map(rota_app::domain::id::AccountId::from_uuid)
        .collect())
}

/// A booking's `provider_ids` column.
pub(crate) fn providers_column(
    providers: &[rota_app::domain::id::AccountId],
) -> Vec<rota_app::domain::uuid::Uuid> {
    providers
        .iter()
        .map(rota_app::domain::id::AccountId::as_uuid)
        .collect()
}

/// ` = ANY($n)`, `values` bound as one array: one parameter to plan, not
/// one per value.
pub(crate) fn push_one_of(q: &mut sqlx::QueryBuilder<sqlx::Postgres>, values: &[String]) {
    q.push(" = ANY(").push_bind(values.to_vec()).push(")");
}

/// ` FROM …` of a business's accounts (aliased `a`) with one of
/// `normalized_emails`: one probe of the email index for each email, the
/// emails bound as one array. Written as a lateral lookup so that no
/// estimate can turn it into a scan of the business's accounts: an import
/// grows the table inside its transaction, unanalysed, and a plan that
/// trusted the stale row count read every account of the business for
/// each batch (9–11 ms a batch, and growing).
pub(crate) fn push_accounts_with_emails(
    q: &mut sqlx::QueryBuilder<sqlx::Postgres>,
    business: rota_app::domain::id::BusinessId,
    normalized_emails: &[String],
) {
    q.push(" FROM unnest(")
        .push_bind(normalized_emails.to_vec())
        .push("::text[]) AS wanted (email_wanted) CROSS JOIN LATERAL (SELECT * FROM accounts WHERE business_id = ")
        .push_bind(business.as_uuid())
        .push(" AND email_normalized = wanted.email_wanted LIMIT 1) AS a");
}

/// The blocked times of a group of provider rows, in one column: every
/// start, then every end, in the same order. A provider's month is one
/// row, not two hundred. The two aggregates pair up because PostgreSQL
/// advances every aggregate of a query level with each input row in turn
/// (and combines parallel workers' partial states a row of them at a
/// time); sorting each instead (`ORDER BY` in the aggregate) cost a
/// third of the statement for fifty providers' month.
pub(crate) const BOOKED_TIMES: &str = "array_agg(blocked_from) || array_agg(blocked_until)";

/// [`BOOKED_TIMES`]' column where a statement's part has none.
pub(crate) const NO_BOOKED_TIMES: &str = "CAST(NULL AS timestamptz[])";

/// The times of a [`BOOKED_TIMES`] column.
pub(crate) fn read_booked_times(
    row: &sqlx::postgres::PgRow,
    column: &str,
) -> Result<Vec<rota_app::domain::time::TimeRange>, StoreError> {
    use sqlx::Row;
    let all: Vec<jiff_sqlx::Timestamp> = row.try_get(column).map_err(db_error)?;
    if !all.len().is_multiple_of(2) {
        return Err(corrupt("booked times without as many ends as starts"));
    }
    let (starts, ends) = all.split_at(all.len() / 2);
    starts
        .iter()
        .zip(ends)
        .map(|(s, e)| {
            rota_app::domain::time::TimeRange::new(s.to_jiff(), e.to_jiff()).map_err(corrupt)
        })
        .collect()
}

/// Whether an employee's `roles` (a `jsonb` array) hold `role`.
pub(crate) fn push_has_role(q: &mut sqlx::QueryBuilder<sqlx::Postgres>, role: String) {
    q.push("jsonb_exists(roles, ").push_bind(role).push(")");
}
