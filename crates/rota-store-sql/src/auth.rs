//! Sessions, emailed tokens and sign-in throttles.

/// Implements `SessionRepository`, `AccountTokenRepository` and
/// `ThrottleRepository` for the store's transaction `$tx`, whose rows are
/// `$row` (see the crate's documentation for what the expansion names, and
/// besides: `crate::accounts::shared_accounts::account_from`, from the
/// store's expansion of `accounts_repositories!` in its `accounts` module).
/// Holding throttle keys is the store's own: `$tx` has an inherent
/// `async fn hold_throttle_keys(&mut self, keys: &[String]) -> Result<(),
/// StoreError>`.
#[macro_export]
#[allow(
    clippy::crate_in_macro_def,
    reason = "`crate::codec` is the expanding store's codec, by design"
)]
macro_rules! auth_repositories {
    ($tx:ty, $row:ty) => {
        mod shared_auth {
            use ::async_trait::async_trait;
            use ::rota_app::domain::account::Account;
            use ::rota_app::domain::email::EmailAddress;
            use ::rota_app::domain::id::{AccountId, BusinessId, SessionId};
            use ::rota_app::domain::jiff::Timestamp;
            use ::rota_app::domain::session::{
                ABSOLUTE_TIMEOUT, AccountToken, IDLE_TIMEOUT, Session, TokenPurpose,
            };
            use ::rota_app::domain::throttle::Attempts;
            use ::rota_app::ports::{
                AccountTokenRepository, SessionRepository, StoreError, ThrottleRepository,
                TokenHash,
            };
            use ::sqlx::Row;

            use crate::codec::{corrupt, db_error, instant, opt_instant, stamp};

            fn session_from(r: &$row) -> Result<Session, StoreError> {
                Ok(Session {
                    id: SessionId::from_uuid(r.try_get("id").map_err(db_error)?),
                    business_id: BusinessId::from_uuid(r.try_get("business_id").map_err(db_error)?),
                    account_id: AccountId::from_uuid(r.try_get("account_id").map_err(db_error)?),
                    created_at: instant(r.try_get("created_at").map_err(db_error)?)?,
                    last_seen_at: instant(r.try_get("last_seen_at").map_err(db_error)?)?,
                })
            }

            fn token_from(r: &$row) -> Result<AccountToken, StoreError> {
                let purpose: String = r.try_get("purpose").map_err(db_error)?;
                let new_email: Option<String> = r.try_get("new_email").map_err(db_error)?;
                Ok(AccountToken {
                    business_id: BusinessId::from_uuid(r.try_get("business_id").map_err(db_error)?),
                    account_id: AccountId::from_uuid(r.try_get("account_id").map_err(db_error)?),
                    purpose: TokenPurpose::parse(&purpose).ok_or_else(|| corrupt(purpose))?,
                    created_at: instant(r.try_get("created_at").map_err(db_error)?)?,
                    expires_at: instant(r.try_get("expires_at").map_err(db_error)?)?,
                    // The address an email-change token confirms (A12).
                    new_email: new_email
                        .map(|e| EmailAddress::parse(&e).map_err(|_| corrupt(e)))
                        .transpose()?,
                })
            }

            #[async_trait]
            impl SessionRepository for $tx {
                async fn insert(&mut self, s: &Session, token: &TokenHash) -> Result<(), StoreError> {
                    ::sqlx::query(
                        "INSERT INTO sessions (token_hash, id, business_id, account_id, created_at, last_seen_at) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(token.as_str())
                    .bind(s.id.as_uuid())
                    .bind(s.business_id.as_uuid())
                    .bind(s.account_id.as_uuid())
                    .bind(stamp(s.created_at))
                    .bind(stamp(s.last_seen_at))
                    .execute(self.conn())
                    .await
                    .map_err(db_error)?;
                    Ok(())
                }

                async fn by_token(
                    &mut self,
                    token: &TokenHash,
                ) -> Result<Option<(Session, Account, u64)>, StoreError> {
                    let sql = format!(
                        "SELECT s.id AS session_id, s.created_at AS session_created_at, \
                         s.last_seen_at AS session_last_seen_at, bz.revision AS business_revision, {} \
                         FROM sessions s JOIN accounts a ON a.business_id = s.business_id AND a.id = s.account_id \
                         JOIN businesses bz ON bz.id = s.business_id WHERE s.token_hash = $1",
                        $crate::ACCOUNT_COLUMNS_OF_A
                    );
                    let row = ::sqlx::query(::sqlx::AssertSqlSafe(sql))
                        .bind(token.as_str())
                        .fetch_optional(self.conn())
                        .await
                        .map_err(db_error)?;
                    let Some(r) = row else {
                        return Ok(None);
                    };
                    let account = crate::accounts::shared_accounts::account_from(&r)?;
                    let session = Session {
                        id: SessionId::from_uuid(r.try_get("session_id").map_err(db_error)?),
                        business_id: account.business_id,
                        account_id: account.id,
                        created_at: instant(r.try_get("session_created_at").map_err(db_error)?)?,
                        last_seen_at: instant(r.try_get("session_last_seen_at").map_err(db_error)?)?,
                    };
                    let revision = u64::try_from(r.try_get::<i64, _>("business_revision").map_err(db_error)?)
                        .map_err(corrupt)?;
                    Ok(Some((session, account, revision)))
                }

                async fn touch(&mut self, id: SessionId, at: Timestamp) -> Result<(), StoreError> {
                    // Never backwards: the later of the two.
                    ::sqlx::query(
                        "UPDATE sessions SET last_seen_at = \
                         CASE WHEN last_seen_at < $1 THEN $1 ELSE last_seen_at END WHERE id = $2",
                    )
                    .bind(stamp(at))
                    .bind(id.as_uuid())
                    .execute(self.conn())
                    .await
                    .map_err(db_error)?;
                    Ok(())
                }

                async fn delete(&mut self, id: SessionId) -> Result<(), StoreError> {
                    ::sqlx::query("DELETE FROM sessions WHERE id = $1")
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
                    let done = ::sqlx::query(
                        "DELETE FROM sessions WHERE business_id = $1 AND account_id = $2 \
                         AND id IS DISTINCT FROM $3",
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
                    let done = ::sqlx::query(
                        "DELETE FROM sessions WHERE last_seen_at <= $1 OR created_at <= $2",
                    )
                    .bind(stamp(idle))
                    .bind(stamp(absolute))
                    .execute(self.conn())
                    .await
                    .map_err(db_error)?;
                    Ok(done.rows_affected())
                }
            }

            #[async_trait]
            impl AccountTokenRepository for $tx {
                async fn insert(&mut self, t: &AccountToken, hash: &TokenHash) -> Result<(), StoreError> {
                    ::sqlx::query(
                        "INSERT INTO account_tokens (token_hash, business_id, account_id, purpose, \
                         created_at, expires_at, new_email) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(hash.as_str())
                    .bind(t.business_id.as_uuid())
                    .bind(t.account_id.as_uuid())
                    .bind(t.purpose.as_str())
                    .bind(stamp(t.created_at))
                    .bind(stamp(t.expires_at))
                    .bind(t.new_email.as_ref().map(EmailAddress::as_str))
                    .execute(self.conn())
                    .await
                    .map_err(db_error)?;
                    Ok(())
                }

                async fn find(&mut self, hash: &TokenHash) -> Result<Option<AccountToken>, StoreError> {
                    let row = ::sqlx::query("SELECT * FROM account_tokens WHERE token_hash = $1")
                        .bind(hash.as_str())
                        .fetch_optional(self.conn())
                        .await
                        .map_err(db_error)?;
                    row.as_ref().map(token_from).transpose()
                }

                async fn take(&mut self, hash: &TokenHash) -> Result<Option<AccountToken>, StoreError> {
                    let row = ::sqlx::query(
                        "DELETE FROM account_tokens WHERE token_hash = $1 RETURNING *",
                    )
                    .bind(hash.as_str())
                    .fetch_optional(self.conn())
                    .await
                    .map_err(db_error)?;
                    row.as_ref().map(token_from).transpose()
                }

                async fn void(
                    &mut self,
                    business: BusinessId,
                    account: AccountId,
                    purpose: TokenPurpose,
                ) -> Result<(), StoreError> {
                    ::sqlx::query(
                        "DELETE FROM account_tokens WHERE business_id = $1 AND account_id = $2 \
                         AND purpose = $3",
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
            impl ThrottleRepository for $tx {
                async fn hold(&mut self, keys: &[String]) -> Result<(), StoreError> {
                    // Locking is each store's own (A9).
                    self.hold_throttle_keys(keys).await
                }

                async fn get(&mut self, key: &str) -> Result<Option<Attempts>, StoreError> {
                    let row = ::sqlx::query("SELECT * FROM sign_in_throttles WHERE key = $1")
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
                    ::sqlx::query(
                        "INSERT INTO sign_in_throttles (key, failures, last_failure_at, blocked_until) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO UPDATE SET \
                         failures = excluded.failures, last_failure_at = excluded.last_failure_at, \
                         blocked_until = excluded.blocked_until",
                    )
                    .bind(key)
                    .bind(i64::from(a.failures))
                    .bind(stamp(a.last_failure_at))
                    .bind(a.blocked_until.map(stamp))
                    .execute(self.conn())
                    .await
                    .map_err(db_error)?;
                    Ok(())
                }

                async fn clear(&mut self, key: &str) -> Result<(), StoreError> {
                    ::sqlx::query("DELETE FROM sign_in_throttles WHERE key = $1")
                        .bind(key)
                        .execute(self.conn())
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }
            }
        }
    };
}
