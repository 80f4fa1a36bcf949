//! The outbox on SQLite.

use async_trait::async_trait;
use rota_app::domain::email::EmailAddress;
use rota_app::domain::id::{BusinessId, OutboxId};
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::outbox::OutboxMessage;
use rota_app::ports::{Outbox, StoreError};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

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
    })
}

#[async_trait]
impl Outbox for SqliteTx {
    async fn enqueue(&mut self, m: &OutboxMessage) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO outbox (business_id, id, recipient, kind, payload, created_at, attempts, next_attempt_at, sent_at, last_error) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(m.business_id.as_uuid())
        .bind(m.id.as_uuid())
        .bind(m.recipient.as_str())
        .bind(&m.kind)
        .bind(&m.payload)
        .bind(micros(m.created_at))
        .bind(i64::from(m.attempts))
        .bind(micros(m.next_attempt_at))
        .bind(m.sent_at.map(micros))
        .bind(&m.last_error)
        .execute(self.conn())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn due(&mut self, now: Timestamp, limit: u32) -> Result<Vec<OutboxMessage>, StoreError> {
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

    async fn update(&mut self, m: &OutboxMessage) -> Result<(), StoreError> {
        sqlx::query("UPDATE outbox SET attempts = ?, next_attempt_at = ?, sent_at = ?, last_error = ? WHERE business_id = ? AND id = ?")
            .bind(i64::from(m.attempts))
            .bind(micros(m.next_attempt_at))
            .bind(m.sent_at.map(micros))
            .bind(&m.last_error)
            .bind(m.business_id.as_uuid())
            .bind(m.id.as_uuid())
            .execute(self.conn())
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn get(
        &mut self,
        business: BusinessId,
        id: OutboxId,
    ) -> Result<Option<OutboxMessage>, StoreError> {
        let row = sqlx::query("SELECT * FROM outbox WHERE business_id = ? AND id = ?")
            .bind(business.as_uuid())
            .bind(id.as_uuid())
            .fetch_optional(self.conn())
            .await
            .map_err(db_error)?;
        row.as_ref().map(message_from).transpose()
    }
}
