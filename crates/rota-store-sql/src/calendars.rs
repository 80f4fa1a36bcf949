//! Work calendars and time off.

/// Implements `CalendarRepository` for the store's transaction `$tx`,
/// whose rows are `$row` of the database `$db` (see the crate's
/// documentation for what the expansion names). Typed NULLs are written
/// `CAST(NULL AS …)`, which PostgreSQL types and SQLite reads as NULL.
#[macro_export]
#[allow(
    clippy::crate_in_macro_def,
    reason = "`crate::codec` is the expanding store's codec, by design"
)]
macro_rules! calendar_repositories {
    ($tx:ty, $row:ty, $db:ty) => {
        mod shared_calendars {
            use ::rota_app::domain::account::Text;
            use ::rota_app::domain::business::Zone;
            use ::rota_app::domain::calendar::WorkCalendar;
            use ::rota_app::domain::id::{AccountId, BusinessId, ServiceId, TimeOffId};
            use ::rota_app::domain::time::TimeRange;
            use ::rota_app::domain::time_off::{Absence, TimeOff};
            use ::rota_app::domain::uuid::Uuid;
            use ::rota_app::ports::{CalendarRepository, ProviderTime, StoreError, WorkingTime};
            use ::sqlx::Row;

            use crate::codec::{
                BOOKED_TIMES, NO_BOOKED_TIMES, corrupt, db_error, instant, json, read_booked_times, read_json, stamp,
            };

            fn time_off_from(r: &$row) -> Result<TimeOff, StoreError> {
                let note: Option<String> = r.try_get("note").map_err(db_error)?;
                Ok(TimeOff {
                    id: TimeOffId::from_uuid(r.try_get("id").map_err(db_error)?),
                    business_id: BusinessId::from_uuid(r.try_get("business_id").map_err(db_error)?),
                    provider: r
                        .try_get::<Option<Uuid>, _>("provider_id")
                        .map_err(db_error)?
                        .map(AccountId::from_uuid),
                    absence: read_json(r, "absence")?,
                    note: match note {
                        Some(n) => Text::parse(&n).map_err(corrupt)?,
                        None => None,
                    },
                    created_at: instant(r.try_get("created_at").map_err(db_error)?)?,
                })
            }

            fn calendar_from(r: &$row) -> Result<(AccountId, WorkCalendar), StoreError> {
                let zone: Option<String> = r.try_get("time_zone").map_err(db_error)?;
                let calendar = WorkCalendar {
                    zone: zone.map(|z| Zone::parse(&z).map_err(corrupt)).transpose()?,
                    hours: read_json(r, "hours")?,
                };
                Ok((
                    AccountId::from_uuid(r.try_get("provider_id").map_err(db_error)?),
                    calendar,
                ))
            }

            /// The condition on `time_off` rows that can apply to `providers` within
            /// `range` (see `CalendarRepository::working_time`).
            fn push_time_off_within(
                q: &mut ::sqlx::QueryBuilder<$db>,
                business: BusinessId,
                providers: &[AccountId],
                range: TimeRange,
            ) {
                q.push("business_id = ")
                    .push_bind(business.as_uuid())
                    .push(" AND (provider_id IS NULL");
                if !providers.is_empty() {
                    q.push(" OR provider_id IN ");
                    $crate::push_ids(q, providers.iter().map(AccountId::as_uuid));
                }
                q.push(") AND (kind <> 'range' OR (starts_at < ")
                    .push_bind(stamp(range.end()))
                    .push(" AND ends_at > ")
                    .push_bind(stamp(range.start()))
                    .push("))");
            }

            /// The working-time statement's three parts: the calendars'
            /// rows carry `hours` and no `id`, the time off's rows the
            /// columns `time_off_from` reads, the linked calendars' busy
            /// times (neither `hours` nor `id`) `busy_from` and `busy_to`;
            /// `part` is `WORKING` on all of them (`BOOKED` on a fourth
            /// part, `push_booked`; `SERVICE` on `push_service_and_account`'s
            /// row). `tail` ends each part's columns (the NULLs of the
            /// service's row's own).
            fn push_working_time(
                q: &mut ::sqlx::QueryBuilder<$db>,
                business: BusinessId,
                providers: &[AccountId],
                range: TimeRange,
                tail: &str,
            ) {
                q.push(format!(
                    "SELECT business_id, provider_id, time_zone, hours, CAST(NULL AS uuid) AS id, \
                     CAST(NULL AS jsonb) AS absence, CAST(NULL AS text) AS note, CAST(NULL AS timestamptz) AS created_at, \
                     CAST(NULL AS timestamptz) AS busy_from, CAST(NULL AS timestamptz) AS busy_to, \
                     {NO_BOOKED_TIMES} AS booked_times, 0 AS part{tail} \
                     FROM work_calendars WHERE business_id = ",
                ));
                q.push_bind(business.as_uuid());
                if providers.is_empty() {
                    q.push(" AND FALSE");
                } else {
                    q.push(" AND provider_id IN ");
                    $crate::push_ids(q, providers.iter().map(AccountId::as_uuid));
                }
                q.push(format!(
                    " UNION ALL SELECT business_id, provider_id, NULL, NULL, id, absence, note, created_at, \
                     NULL, NULL, NULL, 0{tail} FROM time_off WHERE ",
                ));
                push_time_off_within(q, business, providers, range);
                if !providers.is_empty() {
                    q.push(format!(
                        " UNION ALL SELECT business_id, provider_id, NULL, NULL, NULL, NULL, NULL, NULL, \
                         starts_at, ends_at, NULL, 0{tail} FROM calendar_busy WHERE business_id = ",
                    ));
                    q.push_bind(business.as_uuid())
                        .push(" AND starts_at < ")
                        .push_bind(stamp(range.end()))
                        .push(" AND ends_at > ")
                        .push_bind(stamp(range.start()))
                        .push(" AND provider_id IN ");
                    $crate::push_ids(q, providers.iter().map(AccountId::as_uuid));
                }
            }

            /// The condition on `booking_providers` rows whose blocked time
            /// overlaps `range` (active bookings of `providers`, which must
            /// not be empty), bounded by how far a booking's blocked time
            /// reaches from its start so that the (business, provider,
            /// start) index drives it.
            pub(crate) fn push_booked_within(
                q: &mut ::sqlx::QueryBuilder<$db>,
                business: BusinessId,
                providers: &[AccountId],
                range: TimeRange,
            ) {
                use ::rota_app::domain::jiff::Timestamp;
                let reach = ::rota_app::domain::booking::MAX_REACH;
                let lower = range.start().checked_sub(reach).unwrap_or(Timestamp::MIN);
                let upper = range
                    .end()
                    .checked_add(::rota_app::domain::service::Buffers::MAX)
                    .unwrap_or(Timestamp::MAX);
                q.push("business_id = ")
                    .push_bind(business.as_uuid())
                    .push(" AND active AND provider_id IN ");
                $crate::push_ids(q, providers.iter().map(AccountId::as_uuid));
                q.push(" AND blocked_from < ")
                    .push_bind(stamp(range.end()))
                    .push(" AND blocked_until > ")
                    .push_bind(stamp(range.start()))
                    .push(" AND starts_at > ")
                    .push_bind(stamp(lower))
                    .push(" AND starts_at < ")
                    .push_bind(stamp(upper));
            }

            /// A fourth part of the working-time statement: what the
            /// providers' (not none) bookings block (`BookingRepository::busy`),
            /// from the provider rows alone, one row a provider.
            fn push_booked(
                q: &mut ::sqlx::QueryBuilder<$db>,
                business: BusinessId,
                providers: &[AccountId],
                within: TimeRange,
                tail: &str,
            ) {
                q.push(format!(
                    " UNION ALL SELECT business_id, provider_id, NULL, NULL, NULL, NULL, NULL, NULL, \
                     NULL, NULL, {BOOKED_TIMES}, 1{tail} FROM booking_providers WHERE ",
                ));
                push_booked_within(q, business, providers, within);
                q.push(" GROUP BY business_id, provider_id");
            }

            /// The first part of `provider_time`'s statement: the
            /// service's row joined to the provider's account (NULLs when
            /// there is none), in the working-time statement's columns
            /// (an account's id, business and creation in theirs), then
            /// the service's and the account's own; `SERVICE_TAIL` is the
            /// other parts' NULLs for them.
            fn push_service_and_account(
                q: &mut ::sqlx::QueryBuilder<$db>,
                business: BusinessId,
                service: ServiceId,
                provider: AccountId,
            ) {
                q.push(format!(
                    "SELECT a.business_id, CAST(NULL AS uuid) AS provider_id, CAST(NULL AS text) AS time_zone, \
                     CAST(NULL AS jsonb) AS hours, a.id, CAST(NULL AS jsonb) AS absence, CAST(NULL AS text) AS note, \
                     a.created_at, CAST(NULL AS timestamptz) AS busy_from, CAST(NULL AS timestamptz) AS busy_to, \
                     {NO_BOOKED_TIMES} AS booked_times, 2 AS part, \
                     s.id AS service_id, s.business_id AS service_business_id, s.name AS service_name, \
                     s.duration_minutes, s.price_minor, s.providers, s.active, s.buffer_before_minutes, \
                     s.buffer_after_minutes, a.kind, a.email, a.status, a.name, a.phone, a.roles, a.owner, \
                     a.first_name, a.last_name, a.details, a.archived_at, a.activated_at \
                     FROM services s LEFT JOIN accounts a ON a.business_id = s.business_id AND a.id = ",
                ));
                q.push_bind(provider.as_uuid())
                    .push(" WHERE s.business_id = ")
                    .push_bind(business.as_uuid())
                    .push(" AND s.id = ")
                    .push_bind(service.as_uuid());
            }

            /// The `part` of the working-time statement's rows: hours, time
            /// off and calendar busy times (`WORKING`, 0), a provider's
            /// booked times (`BOOKED`, 1), a service and account (`SERVICE`,
            /// 2); the SQL writes them as literals.
            const BOOKED: i32 = 1;
            const SERVICE: i32 = 2;

            /// The NULLs of the service's and the account's own columns.
            const SERVICE_TAIL: &str = ", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
                NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL";

            /// Working time, and the booked times of a fourth part, from
            /// the rows of `push_working_time` (a service's row left out).
            fn working_from(
                rows: &[$row],
            ) -> Result<(WorkingTime, Vec<(AccountId, TimeRange)>), StoreError> {
                let mut working = WorkingTime::default();
                let mut booked = Vec::new();
                for r in rows {
                    let id: Option<Uuid> = r.try_get("id").map_err(db_error)?;
                    let part: i32 = r.try_get("part").map_err(db_error)?;
                    if part == SERVICE {
                        continue;
                    }
                    if part == BOOKED {
                        let provider = AccountId::from_uuid(r.try_get("provider_id").map_err(db_error)?);
                        booked.extend(
                            read_booked_times(r, "booked_times")?
                                .into_iter()
                                .map(|t| (provider, t)),
                        );
                    } else if id.is_some() {
                        working.time_off.push(time_off_from(r)?);
                    } else if let Some(from) = r.try_get("busy_from").map_err(db_error)? {
                        let provider = AccountId::from_uuid(r.try_get("provider_id").map_err(db_error)?);
                        let to = r.try_get("busy_to").map_err(db_error)?;
                        let t = TimeRange::new(instant(from)?, instant(to)?).map_err(corrupt)?;
                        working.calendar_busy.push((provider, t));
                    } else {
                        working.calendars.push(calendar_from(r)?);
                    }
                }
                Ok((working, booked))
            }

            #[::async_trait::async_trait]
            impl CalendarRepository for $tx {
                async fn work_calendars(
                    &mut self,
                    business: BusinessId,
                    providers: &[AccountId],
                ) -> Result<Vec<(AccountId, WorkCalendar)>, StoreError> {
                    if providers.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut q = ::sqlx::QueryBuilder::<$db>::new(
                        "SELECT provider_id, time_zone, hours FROM work_calendars WHERE business_id = ",
                    );
                    q.push_bind(business.as_uuid()).push(" AND provider_id IN ");
                    $crate::push_ids(&mut q, providers.iter().map(AccountId::as_uuid));
                    let rows = q.build().fetch_all(self.conn()).await.map_err(db_error)?;
                    rows.iter()
                        .map(calendar_from)
                        .collect()
                }

                async fn set_work_calendar(
                    &mut self,
                    business: BusinessId,
                    provider: AccountId,
                    c: &WorkCalendar,
                ) -> Result<(), StoreError> {
                    ::sqlx::query(
                        "INSERT INTO work_calendars (business_id, provider_id, time_zone, hours) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (business_id, provider_id) DO UPDATE SET time_zone = excluded.time_zone, hours = excluded.hours",
                    )
                    .bind(business.as_uuid())
                    .bind(provider.as_uuid())
                    .bind(c.zone.as_ref().map(|z| z.name().to_owned()))
                    .bind(json(&c.hours)?)
                    .execute(self.conn())
                    .await
                    .map_err(db_error)?;
                    Ok(())
                }

                async fn working_time(
                    &mut self,
                    business: BusinessId,
                    providers: &[AccountId],
                    range: TimeRange,
                ) -> Result<WorkingTime, StoreError> {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("");
                    push_working_time(&mut q, business, providers, range, "");
                    let rows = q.build().fetch_all(self.conn()).await.map_err(db_error)?;
                    let (working, _) = working_from(&rows)?;
                    Ok(working)
                }

                async fn provider_time(
                    &mut self,
                    business: BusinessId,
                    service: ServiceId,
                    provider: AccountId,
                    range: TimeRange,
                    booked_within: TimeRange,
                ) -> Result<Option<ProviderTime>, StoreError> {
                    let mut q = ::sqlx::QueryBuilder::<$db>::new("");
                    push_service_and_account(&mut q, business, service, provider);
                    q.push(" UNION ALL ");
                    push_working_time(&mut q, business, &[provider], range, SERVICE_TAIL);
                    push_booked(&mut q, business, &[provider], booked_within, SERVICE_TAIL);
                    let rows = q.build().fetch_all(self.conn()).await.map_err(db_error)?;
                    let mut found = None;
                    for r in &rows {
                        if r.try_get::<i32, _>("part").map_err(db_error)? == SERVICE {
                            let service = super::shared_scheduling::service_named(
                                r,
                                ["service_id", "service_business_id", "service_name"],
                            )?;
                            let account = match r.try_get::<Option<Uuid>, _>("id").map_err(db_error)? {
                                Some(_) => Some(crate::accounts::shared_accounts::account_from(r)?),
                                None => None,
                            };
                            found = Some((service, account));
                        }
                    }
                    let Some((service, account)) = found else {
                        return Ok(None);
                    };
                    let (working, booked) = working_from(&rows)?;
                    Ok(Some(ProviderTime {
                        service,
                        account,
                        working,
                        booked,
                    }))
                }

                async fn time_off_of(
                    &mut self,
                    business: BusinessId,
                    provider: Option<AccountId>,
                ) -> Result<Vec<TimeOff>, StoreError> {
                    let rows = ::sqlx::query(
                        "SELECT * FROM time_off WHERE business_id = $1 AND provider_id IS NOT DISTINCT FROM $2 ORDER BY id",
                    )
                    .bind(business.as_uuid())
                    .bind(provider.map(|p| p.as_uuid()))
                    .fetch_all(self.conn())
                    .await
                    .map_err(db_error)?;
                    rows.iter().map(time_off_from).collect()
                }

                async fn insert_time_off(&mut self, t: &TimeOff) -> Result<(), StoreError> {
                    let (kind, starts, ends) = match &t.absence {
                        Absence::Range { range } => ("range", Some(stamp(range.start())), Some(stamp(range.end()))),
                        Absence::Days { .. } => ("days", None, None),
                        Absence::Weekly { .. } => ("weekly", None, None),
                    };
                    ::sqlx::query("INSERT INTO time_off (business_id, id, provider_id, kind, starts_at, ends_at, absence, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                        .bind(t.business_id.as_uuid())
                        .bind(t.id.as_uuid())
                        .bind(t.provider.map(|p| p.as_uuid()))
                        .bind(kind)
                        .bind(starts)
                        .bind(ends)
                        .bind(json(&t.absence)?)
                        .bind(t.note.as_ref().map(|n| n.as_str().to_owned()))
                        .bind(stamp(t.created_at))
                        .execute(self.conn())
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }

                async fn delete_time_off(
                    &mut self,
                    business: BusinessId,
                    provider: Option<AccountId>,
                    id: TimeOffId,
                ) -> Result<bool, StoreError> {
                    let done = ::sqlx::query(
                        "DELETE FROM time_off WHERE business_id = $1 AND id = $2 AND provider_id IS NOT DISTINCT FROM $3",
                    )
                    .bind(business.as_uuid())
                    .bind(id.as_uuid())
                    .bind(provider.map(|p| p.as_uuid()))
                    .execute(self.conn())
                    .await
                    .map_err(db_error)?;
                    Ok(done.rows_affected() > 0)
                }
            }
        }
    };
}
