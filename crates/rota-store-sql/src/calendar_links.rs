//! Providers' linked calendars and the busy times read from them (issue
//! 19): what the two stores do alike.

/// Implements `CalendarLinkRepository` for the store's transaction `$tx`,
/// whose rows are `$row` of the database `$db` (see the crate's
/// documentation for what the expansion names).
#[macro_export]
#[allow(
    clippy::crate_in_macro_def,
    reason = "`crate::codec` is the expanding store's codec, by design"
)]
macro_rules! calendar_link_repository {
    ($tx:ty, $row:ty, $db:ty) => {
        mod shared_calendar_links {
            use ::rota_app::domain::id::{AccountId, BusinessId};
            use ::rota_app::domain::time::TimeRange;
            use ::rota_app::ports::{CalendarLinkRepository, StoreError, StoredCalendarLink};
            use ::sqlx::Row;

            use crate::codec::{corrupt, db_error, instant, opt_instant, stamp};

            fn link_from(r: &$row) -> Result<StoredCalendarLink, StoreError> {
                Ok(StoredCalendarLink {
                    business: BusinessId::from_uuid(r.try_get("business_id").map_err(db_error)?),
                    provider: AccountId::from_uuid(r.try_get("provider_id").map_err(db_error)?),
                    url: r.try_get("url").map_err(db_error)?,
                    username: r.try_get("username").map_err(db_error)?,
                    sealed_password: r.try_get("sealed_password").map_err(db_error)?,
                    linked_at: instant(r.try_get("linked_at").map_err(db_error)?)?,
                    busy_read_at: opt_instant(r.try_get("busy_read_at").map_err(db_error)?)?,
                    last_error: r.try_get("last_error").map_err(db_error)?,
                })
            }

            #[::async_trait::async_trait]
            impl CalendarLinkRepository for $tx {
                async fn link(
                    &mut self,
                    business: BusinessId,
                    provider: AccountId,
                ) -> Result<Option<StoredCalendarLink>, StoreError> {
                    let row = ::sqlx::query(
                        "SELECT business_id, provider_id, url, username, sealed_password, linked_at, \
                         busy_read_at, last_error FROM calendar_links \
                         WHERE business_id = $1 AND provider_id = $2",
                    )
                    .bind(business.as_uuid())
                    .bind(provider.as_uuid())
                    .fetch_optional(self.conn())
                    .await
                    .map_err(db_error)?;
                    row.as_ref().map(link_from).transpose()
                }

                async fn linked(
                    &mut self,
                    business: BusinessId,
                    providers: &[AccountId],
                ) -> Result<Vec<AccountId>, StoreError> {
                    if providers.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut q = ::sqlx::QueryBuilder::<$db>::new(
                        "SELECT provider_id FROM calendar_links WHERE business_id = ",
                    );
                    q.push_bind(business.as_uuid()).push(" AND provider_id IN ");
                    $crate::push_ids(&mut q, providers.iter().map(AccountId::as_uuid));
                    let rows = q.build().fetch_all(self.conn()).await.map_err(db_error)?;
                    rows.iter()
                        .map(|r| Ok(AccountId::from_uuid(r.try_get("provider_id").map_err(db_error)?)))
                        .collect()
                }

                async fn claim_stale(
                    &mut self,
                    before: ::rota_app::domain::jiff::Timestamp,
                    now: ::rota_app::domain::jiff::Timestamp,
                    limit: u32,
                ) -> Result<Vec<StoredCalendarLink>, StoreError> {
                    // The outer condition is checked again against a row
                    // another process just took, so it is taken once.
                    let rows = ::sqlx::query(
                        "UPDATE calendar_links SET busy_read_at = $1 \
                         WHERE (busy_read_at IS NULL OR busy_read_at < $2) \
                         AND (business_id, provider_id) IN (SELECT business_id, provider_id \
                         FROM calendar_links WHERE busy_read_at IS NULL OR busy_read_at < $2 \
                         ORDER BY busy_read_at LIMIT $3) \
                         RETURNING business_id, provider_id, url, username, sealed_password, \
                         linked_at, busy_read_at, last_error",
                    )
                    .bind(stamp(now))
                    .bind(stamp(before))
                    .bind(i64::from(limit))
                    .fetch_all(self.conn())
                    .await
                    .map_err(db_error)?;
                    rows.iter().map(link_from).collect()
                }

                async fn save_link(&mut self, l: &StoredCalendarLink) -> Result<(), StoreError> {
                    ::sqlx::query(
                        "INSERT INTO calendar_links (business_id, provider_id, url, username, \
                         sealed_password, linked_at, busy_read_at, last_error) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                         ON CONFLICT (business_id, provider_id) DO UPDATE SET url = excluded.url, \
                         username = excluded.username, sealed_password = excluded.sealed_password, \
                         linked_at = excluded.linked_at, busy_read_at = excluded.busy_read_at, \
                         last_error = excluded.last_error",
                    )
                    .bind(l.business.as_uuid())
                    .bind(l.provider.as_uuid())
                    .bind(&l.url)
                    .bind(&l.username)
                    .bind(&l.sealed_password)
                    .bind(stamp(l.linked_at))
                    .bind(l.busy_read_at.map(stamp))
                    .bind(l.last_error.as_deref())
                    .execute(self.conn())
                    .await
                    .map_err(db_error)?;
                    Ok(())
                }

                async fn remove_link(
                    &mut self,
                    business: BusinessId,
                    provider: AccountId,
                ) -> Result<bool, StoreError> {
                    ::sqlx::query(
                        "DELETE FROM calendar_busy WHERE business_id = $1 AND provider_id = $2",
                    )
                    .bind(business.as_uuid())
                    .bind(provider.as_uuid())
                    .execute(self.conn())
                    .await
                    .map_err(db_error)?;
                    let gone = ::sqlx::query(
                        "DELETE FROM calendar_links WHERE business_id = $1 AND provider_id = $2",
                    )
                    .bind(business.as_uuid())
                    .bind(provider.as_uuid())
                    .execute(self.conn())
                    .await
                    .map_err(db_error)?;
                    Ok(gone.rows_affected() > 0)
                }

                async fn replace_busy(
                    &mut self,
                    business: BusinessId,
                    provider: AccountId,
                    within: TimeRange,
                    busy: &[TimeRange],
                ) -> Result<(), StoreError> {
                    ::sqlx::query(
                        "DELETE FROM calendar_busy WHERE business_id = $1 AND provider_id = $2 \
                         AND starts_at < $3 AND ends_at > $4",
                    )
                    .bind(business.as_uuid())
                    .bind(provider.as_uuid())
                    .bind(stamp(within.end()))
                    .bind(stamp(within.start()))
                    .execute(self.conn())
                    .await
                    .map_err(db_error)?;
                    if busy.is_empty() {
                        return Ok(());
                    }
                    let mut q = ::sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO calendar_busy (business_id, provider_id, starts_at, ends_at) ",
                    );
                    q.push_values(busy, |mut row, t| {
                        row.push_bind(business.as_uuid())
                            .push_bind(provider.as_uuid())
                            .push_bind(stamp(t.start()))
                            .push_bind(stamp(t.end()));
                    });
                    q.build().execute(self.conn()).await.map_err(db_error)?;
                    Ok(())
                }

                async fn calendar_busy(
                    &mut self,
                    business: BusinessId,
                    providers: &[AccountId],
                    range: TimeRange,
                ) -> Result<Vec<(AccountId, TimeRange)>, StoreError> {
                    if providers.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut q = ::sqlx::QueryBuilder::<$db>::new(
                        "SELECT provider_id, starts_at, ends_at FROM calendar_busy WHERE business_id = ",
                    );
                    q.push_bind(business.as_uuid())
                        .push(" AND starts_at < ")
                        .push_bind(stamp(range.end()))
                        .push(" AND ends_at > ")
                        .push_bind(stamp(range.start()))
                        .push(" AND provider_id IN ");
                    $crate::push_ids(&mut q, providers.iter().map(AccountId::as_uuid));
                    let rows = q.build().fetch_all(self.conn()).await.map_err(db_error)?;
                    rows.iter()
                        .map(|r| {
                            let provider =
                                AccountId::from_uuid(r.try_get("provider_id").map_err(db_error)?);
                            let t = TimeRange::new(
                                instant(r.try_get("starts_at").map_err(db_error)?)?,
                                instant(r.try_get("ends_at").map_err(db_error)?)?,
                            )
                            .map_err(corrupt)?;
                            Ok((provider, t))
                        })
                        .collect()
                }
            }
        }
    };
}
