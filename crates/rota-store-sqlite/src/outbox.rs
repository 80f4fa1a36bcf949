//! The outbox on SQLite.

use async_trait::async_trait;
use rota_app::domain::email::EmailAddress;
use rota_app::domain::id::{BusinessId, OutboxId};
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::outbox::OutboxMessage;
use rota_app::ports::{Outbox, StoreError};
use sqlx::query::Query;
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Row, Sqlite};

use crate::SqliteTx;
use crate::codec::{corrupt, db_error, instant, micros, opt_instant};

fn message_from(r: &SqliteRow) -> Result<OutboxMessage, StoreError> {
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

/// One outbox row.
pub(crate) const MESSAGE_ROW: &str = "INSERT INTO outbox (business_id, id, recipient, kind, payload, created_at, attempts, next_attempt_at, sent_at, last_error, topic) \
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);";

/// One message's delivery state.
const MESSAGE_STATE: &str = "UPDATE outbox SET attempts = ?, next_attempt_at = ?, sent_at = ?, last_error = ? WHERE business_id = ? AND id = ?;";

/// Binds `m` to the placeholders of one [`MESSAGE_ROW`].
pub(crate) fn bind_message<'q>(
    q: Query<'q, Sqlite, SqliteArguments>,
    m: &'q OutboxMessage,
) -> Query<'q, Sqlite, SqliteArguments> {
    q.bind(m.business_id.as_uuid())
        .bind(m.id.as_uuid())
        .bind(m.recipient.as_str())
        .bind(&m.kind)
        .bind(&m.payload)
        .bind(micros(m.created_at))
        .bind(i64::from(m.attempts))
        .bind(micros(m.next_attempt_at))
        .bind(m.sent_at.map(micros))
        .bind(&m.last_error)
        .bind(&m.topic)
}

impl SqliteTx {
    /// Writes the messages queued since the last write, before anything
    /// reads the outbox and before commit.
    pub(crate) async fn flush_outbox(&mut self) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        let sql = MESSAGE_ROW.repeat(pending.len());
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for m in &pending {
            q = bind_message(q, m);
        }
        q.execute(self.conn()).await.map_err(db_error)?;
        Ok(())
    }
}

#[async_trait]
impl Outbox for SqliteTx {
    /// Queued in the unit of work and written with its next write (the
    /// booking it is about, usually) or at commit: one round trip fewer
    /// while the write gate is held.
    async fn enqueue(&mut self, m: &OutboxMessage) -> Result<(), StoreError> {
        self.pending.push(m.clone());
        Ok(())
    }

    async fn due(&mut self, now: Timestamp, limit: u32) -> Result<Vec<OutboxMessage>, StoreError> {
        self.flush_outbox().await?;
        // Delivery runs in a write transaction (BEGIN IMMEDIATE): no other
        // writer can take the same messages meanwhile.
        let sql = format!(
            "SELECT * FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, created_at, id{}",
            crate::codec::limit(limit)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(micros(now))
            .fetch_all(self.conn())
            .await
            .map_err(db_error)?;
        rows.iter().map(message_from).collect()
    }

    async fn update(&mut self, messages: &[OutboxMessage]) -> Result<(), StoreError> {
        self.flush_outbox().await?;
        if messages.is_empty() {
            return Ok(());
        }
        // One statement list: one trip to SQLite's thread for the batch.
        let sql = MESSAGE_STATE.repeat(messages.len());
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for m in messages {
            q = q
                .bind(i64::from(m.attempts))
                .bind(micros(m.next_attempt_at))
                .bind(m.sent_at.map(micros))
                .bind(&m.last_error)
                .bind(m.business_id.as_uuid())
                .bind(m.id.as_uuid());
        }
        q.execute(self.conn()).await.map_err(db_error)?;
        Ok(())
    }

    async fn get(
        &mut self,
        business: BusinessId,
        id: OutboxId,
    ) -> Result<Option<OutboxMessage>, StoreError> {
        self.flush_outbox().await?;
        let row = sqlx::query("SELECT * FROM outbox WHERE business_id = ? AND id = ?")
            .bind(business.as_uuid())
            .bind(id.as_uuid())
            .fetch_optional(self.conn())
            .await
            .map_err(db_error)?;
        row.as_ref().map(message_from).transpose()
    }

    async fn withdraw(&mut self, business: BusinessId, topic: &str) -> Result<u64, StoreError> {
        self.flush_outbox().await?;
        let done = sqlx::query(
            "DELETE FROM outbox WHERE business_id = ? AND topic = ? AND sent_at IS NULL",
        )
        .bind(business.as_uuid())
        .bind(topic)
        .execute(self.conn())
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected())
    }
}
