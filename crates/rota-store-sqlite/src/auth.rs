//! Sessions, emailed tokens and sign-in throttles on SQLite.

use async_trait::async_trait;
use rota_app::domain::email::EmailAddress;
use rota_app::domain::id::{AccountId, BusinessId, SessionId};
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::session::{ABSOLUTE_TIMEOUT, IDLE_TIMEOUT};
use rota_app::domain::session::{AccountToken, Session, TokenPurpose};
use rota_app::domain::throttle::Attempts;
use rota_app::ports::{
    AccountTokenRepository, SessionRepository, StoreError, ThrottleRepository, TokenHash,
};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use crate::SqliteTx;
use crate::codec::{corrupt, db_error, instant, micros, opt_instant};

fn session_from(r: &SqliteRow) -> Result<Session, StoreError> {
    Ok(Session {
        id: SessionId::from_uuid(r.try_get("id").map_err(db_error)?),
        business_id: BusinessId::from_uuid(r.try_get("business_id").map_err(db_error)?),
        account_id: AccountId::from_uuid(r.try_get("account_id").map_err(db_error)?),
        created_at: instant(r.try_get("created_at").map_err(db_error)?)?,
        last_seen_at: instant(r.try_get("last_seen_at").map_err(db_error)?)?,
    })
}

#[async_trait]
impl SessionRepository for SqliteTx {
    async fn insert(&mut self, s: &Session, token: &TokenHash) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO sessions (token_hash, id, business_id, account_id, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(token.as_str())
            .bind(s.id.as_uuid())
            .bind(s.business_id.as_uuid())
            .bind(s.account_id.as_uuid())
            .bind(micros(s.created_at))
            .bind(micros(s.last_seen_at))
            .execute(self.conn())
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn by_token(&mut self, token: &TokenHash) -> Result<Option<Session>, StoreError> {
        let row = sqlx::query("SELECT * FROM sessions WHERE token_hash = ?")
            .bind(token.as_str())
            .fetch_optional(self.conn())
            .await
            .map_err(db_error)?;
        row.as_ref().map(session_from).transpose()
    }

    async fn touch(&mut self, id: SessionId, at: Timestamp) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at = max(last_seen_at, ?) WHERE id = ?")
            .bind(micros(at))
            .bind(id.as_uuid())
            .execute(self.conn())
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn delete(&mut self, id: SessionId) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id = ?")
            .bind(id.as_uuid())
            .execute(self.conn())
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn delete_for_account(
        &mut self,
        business: BusinessId,
        account: AccountId,
        keep: Option<SessionId>,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "DELETE FROM sessions WHERE business_id = ? AND account_id = ? AND id IS NOT ?",
        )
        .bind(business.as_uuid())
        .bind(account.as_uuid())
        .bind(keep.map(|k| k.as_uuid()))
        .execute(self.conn())
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected())
    }

    async fn purge_expired(&mut self, now: Timestamp) -> Result<u64, StoreError> {
        let idle = now.checked_sub(IDLE_TIMEOUT).map_err(corrupt)?;
        let absolute = now.checked_sub(ABSOLUTE_TIMEOUT).map_err(corrupt)?;
        let done = sqlx::query("DELETE FROM sessions WHERE last_seen_at <= ? OR created_at <= ?")
            .bind(micros(idle))
            .bind(micros(absolute))
            .execute(self.conn())
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected())
    }
}

#[async_trait]
impl AccountTokenRepository for SqliteTx {
    async fn insert(&mut self, t: &AccountToken, hash: &TokenHash) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO account_tokens (token_hash, business_id, account_id, purpose, created_at, expires_at, new_email) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .bind(hash.as_str())
            .bind(t.business_id.as_uuid())
            .bind(t.account_id.as_uuid())
            .bind(t.purpose.as_str())
            .bind(micros(t.created_at))
            .bind(micros(t.expires_at))
            .bind(t.new_email.as_ref().map(EmailAddress::as_str))
            .execute(self.conn())
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn find(&mut self, hash: &TokenHash) -> Result<Option<AccountToken>, StoreError> {
        let row = sqlx::query("SELECT * FROM account_tokens WHERE token_hash = ?")
            .bind(hash.as_str())
            .fetch_optional(self.conn())
            .await
            .map_err(db_error)?;
        let Some(r) = row else { return Ok(None) };
        let purpose: String = r.try_get("purpose").map_err(db_error)?;
        Ok(Some(AccountToken {
            business_id: BusinessId::from_uuid(r.try_get("business_id").map_err(db_error)?),
            account_id: AccountId::from_uuid(r.try_get("account_id").map_err(db_error)?),
            purpose: TokenPurpose::parse(&purpose).ok_or_else(|| corrupt(purpose))?,
            created_at: instant(r.try_get("created_at").map_err(db_error)?)?,
            expires_at: instant(r.try_get("expires_at").map_err(db_error)?)?,
            new_email: new_email(&r)?,
        }))
    }

    async fn take(&mut self, hash: &TokenHash) -> Result<Option<AccountToken>, StoreError> {
        let row = sqlx::query("DELETE FROM account_tokens WHERE token_hash = ? RETURNING *")
            .bind(hash.as_str())
            .fetch_optional(self.conn())
            .await
            .map_err(db_error)?;
        let Some(r) = row else { return Ok(None) };
        let purpose: String = r.try_get("purpose").map_err(db_error)?;
        Ok(Some(AccountToken {
            business_id: BusinessId::from_uuid(r.try_get("business_id").map_err(db_error)?),
            account_id: AccountId::from_uuid(r.try_get("account_id").map_err(db_error)?),
            purpose: TokenPurpose::parse(&purpose).ok_or_else(|| corrupt(purpose))?,
            created_at: instant(r.try_get("created_at").map_err(db_error)?)?,
            expires_at: instant(r.try_get("expires_at").map_err(db_error)?)?,
            new_email: new_email(&r)?,
        }))
    }

    async fn void(
        &mut self,
        business: BusinessId,
        account: AccountId,
        purpose: TokenPurpose,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "DELETE FROM account_tokens WHERE business_id = ? AND account_id = ? AND purpose = ?",
        )
        .bind(business.as_uuid())
        .bind(account.as_uuid())
        .bind(purpose.as_str())
        .execute(self.conn())
        .await
        .map_err(db_error)?;
        Ok(())
    }
}

#[async_trait]
impl ThrottleRepository for SqliteTx {
    async fn get(&mut self, key: &str) -> Result<Option<Attempts>, StoreError> {
        let row = sqlx::query("SELECT * FROM sign_in_throttles WHERE key = ?")
            .bind(key)
            .fetch_optional(self.conn())
            .await
            .map_err(db_error)?;
        let Some(r) = row else { return Ok(None) };
        let failures: i64 = r.try_get("failures").map_err(db_error)?;
        Ok(Some(Attempts {
            failures: u32::try_from(failures).map_err(corrupt)?,
            last_failure_at: instant(r.try_get("last_failure_at").map_err(db_error)?)?,
            blocked_until: opt_instant(r.try_get("blocked_until").map_err(db_error)?)?,
        }))
    }

    async fn put(&mut self, key: &str, a: &Attempts) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sign_in_throttles (key, failures, last_failure_at, blocked_until) VALUES (?, ?, ?, ?) \
             ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at, blocked_until = excluded.blocked_until",
        )
        .bind(key)
        .bind(i64::from(a.failures))
        .bind(micros(a.last_failure_at))
        .bind(a.blocked_until.map(micros))
        .execute(self.conn())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn clear(&mut self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sign_in_throttles WHERE key = ?")
            .bind(key)
            .execute(self.conn())
            .await
            .map_err(db_error)?;
        Ok(())
    }
}

/// The address an email-change token confirms (A12).
fn new_email(r: &SqliteRow) -> Result<Option<EmailAddress>, StoreError> {
    let raw: Option<String> = r.try_get("new_email").map_err(db_error)?;
    raw.map(|e| EmailAddress::parse(&e).map_err(|_| corrupt(e)))
        .transpose()
}
