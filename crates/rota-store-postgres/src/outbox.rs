//! The outbox on PostgreSQL.

use async_trait::async_trait;
use rota_app::domain::email::EmailAddress;
use rota_app::domain::id::{BusinessId, OutboxId};
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::outbox::OutboxMessage;
use rota_app::ports::{Outbox, StoreError};
use sqlx::postgres::PgRow;
use sqlx::{Postgres, QueryBuilder, Row};

use crate::PgTx;
use crate::codec::{corrupt, db_error, instant, opt_instant, ts};

fn message_from(r: &PgRow) -> Result<OutboxMessage, StoreError> {
    let attempts: i64 = r.try_get("attempts").map_err(db_error)?;
    Ok(OutboxMessage {
        id: OutboxId::from_uuid(r.try_get("id").map_err(db_error)?),
        business_id: BusinessId::from_uuid(r.try_get("business_id").map_err(db_error)?),
        recipient: EmailAddress::parse(&r.try_get::<String, _>("recipient").map_err(db_error)?)
            .map_err(corrupt)?,
        kind: r.try_get("kind").map_err(db_error)?,
        payload: r.try_get("payload").map_err(db_error)?,
        created_at: instant(r.try_get("created_at").map_err(db_error)?)?,
        attempts: u32::try_from(attempts).map_err(corrupt)?,
        next_attempt_at: instant(r.try_get("next_attempt_at").map_err(db_error)?)?,
        sent_at: opt_instant(r.try_get("sent_at").map_err(db_error)?)?,
        last_error: r.try_get("last_error").map_err(db_error)?,
        topic: r.try_get("topic").map_err(db_error)?,
    })
}

/// Appends `INSERT INTO outbox … VALUES (…), (…)` for `messages` to `q`.
pub(crate) fn push_messages(q: &mut QueryBuilder<Postgres>, messages: &[OutboxMessage]) {
    q.push(
        "INSERT INTO outbox (business_id, id, recipient, kind, payload, created_at, attempts, next_attempt_at, sent_at, last_error, topic) ",
    );
    q.push_values(messages, |mut row, m| {
        row.push_bind(m.business_id.as_uuid())
            .push_bind(m.id.as_uuid())
            .push_bind(m.recipient.as_str().to_owned())
            .push_bind(m.kind.clone())
            .push_bind(m.payload.clone())
            .push_bind(ts(m.created_at))
            .push_bind(i64::from(m.attempts))
            .push_bind(ts(m.next_attempt_at))
            .push_bind(m.sent_at.map(ts))
            .push_bind(m.last_error.clone())
            .push_bind(m.topic.clone());
    });
}

impl PgTx {
    /// Writes the messages queued since the last write, before anything
    /// reads the outbox and before commit.
    pub(crate) async fn flush_outbox(&mut self) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        let mut q = QueryBuilder::<Postgres>::new("");
        push_messages(&mut q, &pending);
        q.build().execute(&mut *self.tx).await.map_err(db_error)?;
        Ok(())
    }
}

#[async_trait]
impl Outbox for PgTx {
    /// Queued in the unit of work and written with its next booking (in the
    /// same statement), before anything reads the outbox, or at commit: one
    /// round trip fewer while a provider's lock is held.
    async fn enqueue(&mut self, m: &OutboxMessage) -> Result<(), StoreError> {
        self.pending.push(m.clone());
        Ok(())
    }

    async fn due(&mut self, now: Timestamp, limit: u32) -> Result<Vec<OutboxMessage>, StoreError> {
        self.flush_outbox().await?;
        // SKIP LOCKED: a worker in another process takes other messages.
        let rows = sqlx::query("SELECT * FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 ORDER BY next_attempt_at, created_at, id LIMIT $2 FOR UPDATE SKIP LOCKED")
            .bind(ts(now))
            .bind(i64::from(limit))
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_error)?;
        rows.iter().map(message_from).collect()
    }

    async fn update(&mut self, messages: &[OutboxMessage]) -> Result<(), StoreError> {
        self.flush_outbox().await?;
        if messages.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "UPDATE outbox o SET attempts = v.attempts, next_attempt_at = v.next_attempt_at, \
             sent_at = v.sent_at, last_error = v.last_error \
             FROM UNNEST($1::int8[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::uuid[], $6::uuid[]) \
             AS v(attempts, next_attempt_at, sent_at, last_error, business_id, id) \
             WHERE o.business_id = v.business_id AND o.id = v.id",
        )
        .bind(messages.iter().map(|m| i64::from(m.attempts)).collect::<Vec<_>>())
        .bind(messages.iter().map(|m| ts(m.next_attempt_at)).collect::<Vec<_>>())
        .bind(messages.iter().map(|m| m.sent_at.map(ts)).collect::<Vec<_>>())
        .bind(messages.iter().map(|m| m.last_error.clone()).collect::<Vec<_>>())
        .bind(messages.iter().map(|m| m.business_id.as_uuid()).collect::<Vec<_>>())
        .bind(messages.iter().map(|m| m.id.as_uuid()).collect::<Vec<_>>())
        .execute(&mut *self.tx)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn get(
        &mut self,
        business: BusinessId,
        id: OutboxId,
    ) -> Result<Option<OutboxMessage>, StoreError> {
        self.flush_outbox().await?;
        let row = sqlx::query("SELECT * FROM outbox WHERE business_id = $1 AND id = $2")
            .bind(business.as_uuid())
            .bind(id.as_uuid())
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_error)?;
        row.as_ref().map(message_from).transpose()
    }

    async fn withdraw(&mut self, business: BusinessId, topic: &str) -> Result<u64, StoreError> {
        self.flush_outbox().await?;
        let done = sqlx::query(
            "DELETE FROM outbox WHERE business_id = $1 AND topic = $2 AND sent_at IS NULL",
        )
        .bind(business.as_uuid())
        .bind(topic)
        .execute(&mut *self.tx)
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected())
    }
}
