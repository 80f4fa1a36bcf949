//! Erasing a customer's traces: what the two stores do alike.

/// Implements `ErasureRepository` for the store's transaction `$tx`.
/// Besides the crate's usual names it uses `crate::codec::BODY_MENTIONS`,
/// the SQL of "the stored response `body` holds the text `$3`", which
/// differs as byte strings do.
#[macro_export]
#[allow(
    clippy::crate_in_macro_def,
    reason = "`crate::codec` is the expanding store's codec, by design"
)]
macro_rules! erasure_repository {
    ($tx:ty) => {
        mod shared_erasure {
            use ::rota_app::domain::audit::AuditChange;
            use ::rota_app::domain::email::EmailAddress;
            use ::rota_app::domain::id::{AccountId, BusinessId};
            use ::rota_app::ports::{ERASED, ErasureRepository, StoreError};

            use crate::codec::{BODY_MENTIONS, db_error, json};

            #[::async_trait::async_trait]
            impl ErasureRepository for $tx {
                async fn erase_traces(
                    &mut self,
                    business: BusinessId,
                    id: AccountId,
                    email: &EmailAddress,
                    throttle_keys: &[String],
                ) -> Result<(), StoreError> {
                    for sql in [
                        "UPDATE bookings SET notes = NULL WHERE business_id = $1 AND customer_id = $2",
                        "DELETE FROM sessions WHERE business_id = $1 AND account_id = $2",
                        "DELETE FROM account_tokens WHERE business_id = $1 AND account_id = $2",
                    ] {
                        ::sqlx::query(sql)
                            .bind(business.as_uuid())
                            .bind(id.as_uuid())
                            .execute(self.conn())
                            .await
                            .map_err(db_error)?;
                    }
                    ::sqlx::query("DELETE FROM outbox WHERE business_id = $1 AND recipient = $2")
                        .bind(business.as_uuid())
                        .bind(email.as_str())
                        .execute(self.conn())
                        .await
                        .map_err(db_error)?;
                    // Built only of constants.
                    let replays = format!(
                        "DELETE FROM idempotency_keys WHERE business_id = $1 \
                         AND (actor_id = $2 OR {BODY_MENTIONS})"
                    );
                    ::sqlx::query(::sqlx::AssertSqlSafe(replays))
                        .bind(business.as_uuid())
                        .bind(id.as_uuid())
                        .bind(id.to_string())
                        .execute(self.conn())
                        .await
                        .map_err(db_error)?;
                    let blank = AuditChange::EmailChanged {
                        from: ERASED.into(),
                        to: ERASED.into(),
                    };
                    ::sqlx::query(
                        "UPDATE audit_events SET change = $3 WHERE business_id = $1 \
                         AND subject_id = $2 AND kind = 'email_changed'",
                    )
                    .bind(business.as_uuid())
                    .bind(id.as_uuid())
                    .bind(json(&blank)?)
                    .execute(self.conn())
                    .await
                    .map_err(db_error)?;
                    for key in throttle_keys {
                        ::sqlx::query(
                            "DELETE FROM sign_in_throttles WHERE key = $1 \
                             OR substr(key, 1, length($1) + 1) = $1 || ':'",
                        )
                        .bind(key)
                        .execute(self.conn())
                        .await
                        .map_err(db_error)?;
                    }
                    Ok(())
                }
            }
        }
    };
}
