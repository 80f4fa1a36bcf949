//! Erasing a customer's traces: what the two stores do alike.

/// Implements `ErasureRepository` for the store's transaction `$tx` on
/// database `$db`.
/// Besides the crate's usual names it uses `crate::codec::BODY_MENTIONS`,
/// the SQL of "the stored response `body` holds the text `$3`", which
/// differs as byte strings do, and `CHANGED_FROM` / `CHANGED_TO`, the
/// addresses of an `email_changed` audit entry's `change`, which differ as
/// JSON does.
#[macro_export]
#[allow(
    clippy::crate_in_macro_def,
    reason = "`crate::codec` is the expanding store's codec, by design"
)]
macro_rules! erasure_repository {
    ($tx:ty, $db:ty) => {
        mod shared_erasure {
            use ::rota_app::domain::audit::AuditChange;
            use ::rota_app::domain::id::{AccountId, BusinessId};
            use ::rota_app::ports::{ERASED, ErasureRepository, StoreError};

            use crate::codec::{BODY_MENTIONS, CHANGED_FROM, CHANGED_TO, db_error, json, push_one_of};

            #[::async_trait::async_trait]
            impl ErasureRepository for $tx {
                async fn known_addresses(
                    &mut self,
                    business: BusinessId,
                    id: AccountId,
                ) -> Result<Vec<String>, StoreError> {
                    let sql = format!(
                        "SELECT {CHANGED_FROM} AS a FROM audit_events WHERE business_id = $1 \
                         AND subject_id = $2 AND kind = 'email_changed' \
                         UNION SELECT {CHANGED_TO} FROM audit_events WHERE business_id = $1 \
                         AND subject_id = $2 AND kind = 'email_changed' \
                         UNION SELECT new_email FROM account_tokens WHERE business_id = $1 \
                         AND account_id = $2 AND new_email IS NOT NULL"
                    );
                    // Built only of constants.
                    let found: Vec<Option<String>> = ::sqlx::query_scalar(::sqlx::AssertSqlSafe(sql))
                        .bind(business.as_uuid())
                        .bind(id.as_uuid())
                        .fetch_all(self.conn())
                        .await
                        .map_err(db_error)?;
                    Ok(found.into_iter().flatten().collect())
                }

                async fn erase_traces(
                    &mut self,
                    business: BusinessId,
                    id: AccountId,
                    addresses: &[String],
                    throttle_keys: &[String],
                ) -> Result<(), StoreError> {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("DELETE FROM outbox WHERE business_id = ");
                    q.push_bind(business.as_uuid()).push(" AND recipient");
                    push_one_of(&mut q, addresses);
                    q.build().execute(self.conn()).await.map_err(db_error)?;
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
