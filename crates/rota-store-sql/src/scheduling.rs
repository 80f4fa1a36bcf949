//! Services, idempotency records and time entries.

/// Implements `ServiceRepository`, `IdempotencyRepository` and
/// `TimeEntryRepository` for the store's transaction `$tx`, whose rows are
/// `$row` (see the crate's documentation for what the expansion names, and
/// besides: `crate::codec::{json, read_json, PLANNED_ONCE}`). Holding an
/// idempotency key is the store's own: `$tx` has an inherent
/// `async fn hold_idempotency_key(&mut self, business, actor, key)`.
#[macro_export]
#[allow(
    clippy::crate_in_macro_def,
    reason = "`crate::codec` is the expanding store's codec, by design"
)]
macro_rules! scheduling_repositories {
    ($tx:ty, $row:ty) => {
        mod shared_scheduling {
            use ::async_trait::async_trait;
            use ::rota_app::domain::id::{AccountId, BusinessId, ServiceId, TimeEntryId};
            use ::rota_app::domain::idempotency::IdempotencyKey;
            use ::rota_app::domain::money::Money;
            use ::rota_app::domain::name::BusinessName;
            use ::rota_app::domain::service::{Service, ServiceDuration};
            use ::rota_app::domain::time::TimeRange;
            use ::rota_app::domain::time_entry::TimeEntry;
            use ::rota_app::ports::{
                IdempotencyRecord, IdempotencyRepository, ServiceRepository, StoreError,
                StoredResponse, TimeEntryRepository,
            };
            use ::sqlx::Row;

            use crate::codec::{
                PLANNED_ONCE, corrupt, db_error, instant, json, opt_instant, read_json, stamp,
            };

            fn service_from(r: &$row) -> Result<Service, StoreError> {
                service_named(r, ["id", "business_id", "name"])
            }

            /// A service from a row whose id, business and name columns are
            /// named `names` (the others are the table's own).
            pub(crate) fn service_named(r: &$row, names: [&str; 3]) -> Result<Service, StoreError> {
                let [id, business_id, name] = names;
                let minutes: i64 = r.try_get("duration_minutes").map_err(db_error)?;
                Ok(Service {
                    id: ServiceId::from_uuid(r.try_get(id).map_err(db_error)?),
                    business_id: BusinessId::from_uuid(r.try_get(business_id).map_err(db_error)?),
                    name: BusinessName::parse(&r.try_get::<String, _>(name).map_err(db_error)?)
                        .map_err(corrupt)?,
                    duration: ServiceDuration::minutes(u32::try_from(minutes).map_err(corrupt)?)
                        .map_err(corrupt)?,
                    price: Money::new(r.try_get("price_minor").map_err(db_error)?).map_err(corrupt)?,
                    providers: read_json(r, "providers")?,
                    active: r.try_get("active").map_err(db_error)?,
                    buffers: super::shared_bookings::buffers_from(r)?,
                })
            }

            #[async_trait]
            impl ServiceRepository for $tx {
                async fn insert(&mut self, s: &Service) -> Result<(), StoreError> {
                    ::sqlx::query(
                        "INSERT INTO services (business_id, id, name, duration_minutes, price_minor, \
                         providers, active, buffer_before_minutes, buffer_after_minutes) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(s.business_id.as_uuid())
                    .bind(s.id.as_uuid())
                    .bind(s.name.as_str())
                    .bind(i64::from(s.duration.as_minutes()))
                    .bind(s.price.minor())
                    .bind(json(&s.providers)?)
                    .bind(s.active)
                    .bind(i64::from(s.buffers.before_minutes()))
                    .bind(i64::from(s.buffers.after_minutes()))
                    .execute(self.conn())
                    .await
                    .map_err(db_error)?;
                    Ok(())
                }

                async fn get(
                    &mut self,
                    business: BusinessId,
                    id: ServiceId,
                ) -> Result<Option<Service>, StoreError> {
                    let row = ::sqlx::query("SELECT * FROM services WHERE business_id = $1 AND id = $2")
                        .bind(business.as_uuid())
                        .bind(id.as_uuid())
                        .fetch_optional(self.conn())
                        .await
                        .map_err(db_error)?;
                    row.as_ref().map(service_from).transpose()
                }

                async fn with_people(
                    &mut self,
                    business: BusinessId,
                    id: ServiceId,
                    people: Option<Vec<AccountId>>,
                ) -> Result<Option<(Service, Vec<::rota_app::domain::account::Account>)>, StoreError> {
                    // The service's row joined to each account wanted (one
                    // row with NULL account columns when none is).
                    let mut q = ::sqlx::QueryBuilder::new(format!(
                        "SELECT s.id AS service_id, s.business_id AS service_business_id, s.name AS service_name, \
                         s.duration_minutes, s.price_minor, s.providers, s.active, s.buffer_before_minutes, \
                         s.buffer_after_minutes, {} FROM services s LEFT JOIN accounts a \
                         ON a.business_id = s.business_id AND ",
                        $crate::ACCOUNT_COLUMNS_OF_A
                    ));
                    match people {
                        None => {
                            q.push("a.kind = 'employee'");
                        }
                        Some(ids) if ids.is_empty() => {
                            q.push("FALSE");
                        }
                        Some(ids) => {
                            q.push("a.id IN ");
                            $crate::push_ids(&mut q, ids.iter().map(AccountId::as_uuid));
                        }
                    }
                    q.push(" WHERE s.business_id = ")
                        .push_bind(business.as_uuid())
                        .push(" AND s.id = ")
                        .push_bind(id.as_uuid())
                        .push(" ORDER BY a.id");
                    let rows: Vec<$row> = q.build().fetch_all(self.conn()).await.map_err(db_error)?;
                    let Some(first) = rows.first() else {
                        return Ok(None);
                    };
                    let service = service_named(first, ["service_id", "service_business_id", "service_name"])?;
                    let mut accounts = Vec::with_capacity(rows.len());
                    for r in &rows {
                        if r.try_get::<Option<::rota_app::domain::uuid::Uuid>, _>("id").map_err(db_error)?.is_some() {
                            accounts.push(crate::accounts::shared_accounts::account_from(r)?);
                        }
                    }
                    Ok(Some((service, accounts)))
                }

                async fn update(&mut self, s: &Service) -> Result<(), StoreError> {
                    ::sqlx::query(
                        "UPDATE services SET name = $1, duration_minutes = $2, price_minor = $3, \
                         providers = $4, active = $5, buffer_before_minutes = $8, \
                         buffer_after_minutes = $9 WHERE business_id = $6 AND id = $7",
                    )
                    .bind(s.name.as_str())
                    .bind(i64::from(s.duration.as_minutes()))
                    .bind(s.price.minor())
                    .bind(json(&s.providers)?)
                    .bind(s.active)
                    .bind(s.business_id.as_uuid())
                    .bind(s.id.as_uuid())
                    .bind(i64::from(s.buffers.before_minutes()))
                    .bind(i64::from(s.buffers.after_minutes()))
                    .execute(self.conn())
                    .await
                    .map_err(db_error)?;
                    Ok(())
                }

                async fn list(&mut self, business: BusinessId) -> Result<Vec<Service>, StoreError> {
                    let rows = ::sqlx::query("SELECT * FROM services WHERE business_id = $1 ORDER BY id")
                        .bind(business.as_uuid())
                        .fetch_all(self.conn())
                        .await
                        .map_err(db_error)?;
                    rows.iter().map(service_from).collect()
                }
            }

            #[async_trait]
            impl IdempotencyRepository for $tx {
                async fn lock_and_find(
                    &mut self,
                    business: BusinessId,
                    actor: AccountId,
                    key: &IdempotencyKey,
                ) -> Result<Option<IdempotencyRecord>, StoreError> {
                    // Two requests with one key run one after the other (B9).
                    self.hold_idempotency_key(business, actor, key).await?;
                    let row = ::sqlx::query(
                        "SELECT fingerprint, status, body, created_at FROM idempotency_keys \
                         WHERE business_id = $1 AND actor_id = $2 AND key = $3",
                    )
                    .bind(business.as_uuid())
                    .bind(actor.as_uuid())
                    .bind(key.as_str())
                    .fetch_optional(self.conn())
                    .await
                    .map_err(db_error)?;
                    row.map(|r| {
                        let status: i64 = r.try_get("status").map_err(db_error)?;
                        Ok(IdempotencyRecord {
                            business,
                            actor,
                            key: key.clone(),
                            fingerprint: r.try_get("fingerprint").map_err(db_error)?,
                            response: StoredResponse {
                                status: u16::try_from(status).map_err(corrupt)?,
                                body: r.try_get("body").map_err(db_error)?,
                            },
                            created_at: instant(r.try_get("created_at").map_err(db_error)?)?,
                        })
                    })
                    .transpose()
                }

                async fn save(&mut self, rec: &IdempotencyRecord) -> Result<(), StoreError> {
                    ::sqlx::query(
                        "INSERT INTO idempotency_keys (business_id, actor_id, key, fingerprint, status, \
                         body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                         ON CONFLICT (business_id, actor_id, key) DO UPDATE SET \
                         fingerprint = excluded.fingerprint, status = excluded.status, \
                         body = excluded.body, created_at = excluded.created_at",
                    )
                    .bind(rec.business.as_uuid())
                    .bind(rec.actor.as_uuid())
                    .bind(rec.key.as_str())
                    .bind(&rec.fingerprint)
                    .bind(i64::from(rec.response.status))
                    .bind(&rec.response.body)
                    .bind(stamp(rec.created_at))
                    .execute(self.conn())
                    .await
                    .map_err(db_error)?;
                    Ok(())
                }
            }

            fn entry_from(r: &$row) -> Result<TimeEntry, StoreError> {
                Ok(TimeEntry {
                    id: TimeEntryId::from_uuid(r.try_get("id").map_err(db_error)?),
                    business_id: BusinessId::from_uuid(r.try_get("business_id").map_err(db_error)?),
                    employee: AccountId::from_uuid(r.try_get("employee_id").map_err(db_error)?),
                    clock_in: instant(r.try_get("clock_in").map_err(db_error)?)?,
                    clock_out: opt_instant(r.try_get("clock_out").map_err(db_error)?)?,
                })
            }

            #[async_trait]
            impl TimeEntryRepository for $tx {
                async fn open_entry(
                    &mut self,
                    business: BusinessId,
                    employee: AccountId,
                ) -> Result<Option<TimeEntry>, StoreError> {
                    let row = ::sqlx::query(
                        "SELECT * FROM time_entries WHERE business_id = $1 AND employee_id = $2 \
                         AND clock_out IS NULL",
                    )
                    .bind(business.as_uuid())
                    .bind(employee.as_uuid())
                    .fetch_optional(self.conn())
                    .await
                    .map_err(db_error)?;
                    row.as_ref().map(entry_from).transpose()
                }

                async fn insert(&mut self, e: &TimeEntry) -> Result<(), StoreError> {
                    ::sqlx::query(
                        "INSERT INTO time_entries (business_id, id, employee_id, clock_in, clock_out) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(e.business_id.as_uuid())
                    .bind(e.id.as_uuid())
                    .bind(e.employee.as_uuid())
                    .bind(stamp(e.clock_in))
                    .bind(e.clock_out.map(stamp))
                    .execute(self.conn())
                    .await
                    .map_err(db_error)?;
                    Ok(())
                }

                async fn update(&mut self, e: &TimeEntry) -> Result<(), StoreError> {
                    ::sqlx::query(
                        "UPDATE time_entries SET clock_in = $1, clock_out = $2 \
                         WHERE business_id = $3 AND id = $4",
                    )
                    .bind(stamp(e.clock_in))
                    .bind(e.clock_out.map(stamp))
                    .bind(e.business_id.as_uuid())
                    .bind(e.id.as_uuid())
                    .execute(self.conn())
                    .await
                    .map_err(db_error)?;
                    Ok(())
                }

                async fn list(
                    &mut self,
                    business: BusinessId,
                    employee: Option<AccountId>,
                    range: TimeRange,
                ) -> Result<Vec<TimeEntry>, StoreError> {
                    let rows = ::sqlx::query(
                        "SELECT * FROM time_entries WHERE business_id = $1 \
                         AND ($2 IS NULL OR employee_id = $3) \
                         AND clock_in < $4 AND (clock_out IS NULL OR clock_out > $5) \
                         ORDER BY clock_in, id",
                    )
                    .bind(business.as_uuid())
                    .bind(employee.map(|e| e.as_uuid()))
                    .bind(employee.map(|e| e.as_uuid()))
                    .bind(stamp(range.end()))
                    .bind(stamp(range.start()))
                    .persistent(PLANNED_ONCE)
                    .fetch_all(self.conn())
                    .await
                    .map_err(db_error)?;
                    rows.iter().map(entry_from).collect()
                }
            }
        }
    };
}
