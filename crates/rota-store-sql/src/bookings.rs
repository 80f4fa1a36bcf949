//! Bookings and payments: what the two stores read and write alike.

/// Implements `BookingRepository` for the store's transaction `$tx`, whose
/// rows are `$row` (see the crate's documentation for what the expansion
/// names, and besides: `crate::codec::{name, from_name, is_overlap,
/// read_providers, providers_column}`, a booking's providers as its
/// `provider_ids` column holds them).
///
/// What differs between the stores is `$tx`'s own, as inherent methods of
/// the same names and signatures as the port's: `lock_booking_providers`,
/// `insert_booking`, `overlapping_bookings` and `list_bookings` (PostgreSQL
/// locks each provider and writes a booking in one statement, SQLite
/// writes under its write gate and reads a listing as one JSON row). The
/// expansion gives the store back `shared_bookings::booking_from`, a
/// booking from a row of [`crate::BOOKING_COLUMNS`], and the inherent
/// `write_providers(&mut self, booking, replace)`.
#[macro_export]
#[allow(
    clippy::crate_in_macro_def,
    reason = "`crate::codec` is the expanding store's codec, by design"
)]
macro_rules! booking_repository {
    ($tx:ty, $row:ty) => {
        mod shared_bookings {
            use ::rota_app::domain::account::Text;
            use ::rota_app::domain::booking::{Booking, Payment, PaymentRequest};
            use ::rota_app::domain::id::{AccountId, BookingId, BusinessId, PaymentRequestId, SeriesId, ServiceId};
            use ::rota_app::domain::jiff::Timestamp;
            use ::rota_app::domain::money::Money;
            use ::rota_app::domain::service::Buffers;
            use ::rota_app::domain::time::TimeRange;
            use ::rota_app::domain::uuid::Uuid;
            use ::rota_app::ports::{
                BookingQuery, BookingRepository, Conflict, NamedBooking, StoreError,
            };
            use ::sqlx::Row;

            use crate::codec::{
                BOOKED_TIMES, Stamp, corrupt, db_error, from_name, instant, is_overlap, name, opt_instant,
                providers_column, read_booked_times, read_providers, stamp,
            };

            /// A booking from a row of `BOOKING_COLUMNS`.
            pub(crate) fn booking_from(r: &$row) -> Result<Booking, StoreError> {
                let notes: Option<String> = r.try_get("notes").map_err(db_error)?;
                let money = |c: &str| Money::new(r.try_get(c).map_err(db_error)?).map_err(corrupt);
                let sequence: i64 = r.try_get("sequence").map_err(db_error)?;
                Ok(Booking {
                    id: BookingId::from_uuid(r.try_get("id").map_err(db_error)?),
                    business_id: BusinessId::from_uuid(r.try_get("business_id").map_err(db_error)?),
                    customer_id: AccountId::from_uuid(r.try_get("customer_id").map_err(db_error)?),
                    service_id: r
                        .try_get::<Option<Uuid>, _>("service_id")
                        .map_err(db_error)?
                        .map(ServiceId::from_uuid),
                    range: TimeRange::new(
                        instant(r.try_get("starts_at").map_err(db_error)?)?,
                        instant(r.try_get("ends_at").map_err(db_error)?)?,
                    )
                    .map_err(corrupt)?,
                    providers: read_providers(r, "provider_ids")?,
                    status: from_name(&r.try_get::<String, _>("status").map_err(db_error)?)?,
                    price: money("price_minor")?,
                    paid: money("paid_minor")?,
                    tips: money("tips_minor")?,
                    notes: match notes {
                        Some(n) => Text::parse(&n).map_err(corrupt)?,
                        None => None,
                    },
                    created_at: instant(r.try_get("created_at").map_err(db_error)?)?,
                    updated_at: instant(r.try_get("updated_at").map_err(db_error)?)?,
                    sequence: u32::try_from(sequence).map_err(corrupt)?,
                    buffers: buffers_from(r)?,
                    series: r
                        .try_get::<Option<Uuid>, _>("series_id")
                        .map_err(db_error)?
                        .map(SeriesId::from_uuid),
                })
            }

            /// A booking's or a service's buffers (the scheduling
            /// repositories' too, expanded beside this), from its
            /// `buffer_before_minutes` and `buffer_after_minutes`.
            pub(crate) fn buffers_from(r: &$row) -> Result<Buffers, StoreError> {
                let minutes = |c: &str| {
                    let m: i64 = r.try_get(c).map_err(db_error)?;
                    u32::try_from(m).map_err(corrupt)
                };
                Buffers::minutes(
                    minutes("buffer_before_minutes")?,
                    minutes("buffer_after_minutes")?,
                )
                .map_err(corrupt)
            }

            impl $tx {
                /// (Re)writes the provider rows of a booking, one statement
                /// each, so a refusal names the provider whose time is taken;
                /// B4 is held by the database (a trigger or an exclusion
                /// constraint).
                pub(crate) async fn write_providers(
                    &mut self,
                    b: &Booking,
                    replace: bool,
                ) -> Result<(), StoreError> {
                    if replace {
                        ::sqlx::query(
                            "DELETE FROM booking_providers WHERE business_id = $1 AND booking_id = $2",
                        )
                        .bind(b.business_id.as_uuid())
                        .bind(b.id.as_uuid())
                        .execute(self.conn())
                        .await
                        .map_err(db_error)?;
                    }
                    let blocked = b.blocked();
                    for (position, provider) in b.providers.iter().enumerate() {
                        ::sqlx::query(
                            "INSERT INTO booking_providers (business_id, booking_id, provider_id, \
                             position, starts_at, ends_at, active, blocked_from, blocked_until) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                        )
                        .bind(b.business_id.as_uuid())
                        .bind(b.id.as_uuid())
                        .bind(provider.as_uuid())
                        .bind(i64::try_from(position).unwrap_or(i64::MAX))
                        .bind(stamp(b.range.start()))
                        .bind(stamp(b.range.end()))
                        .bind(b.status.holds_time())
                        .bind(stamp(blocked.start()))
                        .bind(stamp(blocked.end()))
                        .execute(self.conn())
                        .await
                        .map_err(|e| {
                            if is_overlap(&e) {
                                Conflict::BookingOverlap(*provider).into()
                            } else {
                                db_error(e)
                            }
                        })?;
                    }
                    Ok(())
                }
            }

            #[::async_trait::async_trait]
            impl BookingRepository for $tx {
                async fn lock_providers(
                    &mut self,
                    business: BusinessId,
                    providers: &[AccountId],
                ) -> Result<(), StoreError> {
                    self.lock_booking_providers(business, providers).await
                }

                async fn insert(&mut self, b: &Booking) -> Result<(), StoreError> {
                    self.insert_booking(b).await
                }

                async fn get(
                    &mut self,
                    business: BusinessId,
                    id: BookingId,
                ) -> Result<Option<Booking>, StoreError> {
                    let sql = format!(
                        "SELECT {} FROM bookings b WHERE b.business_id = $1 AND b.id = $2",
                        $crate::BOOKING_COLUMNS
                    );
                    let row = ::sqlx::query(::sqlx::AssertSqlSafe(sql))
                        .bind(business.as_uuid())
                        .bind(id.as_uuid())
                        .fetch_optional(self.conn())
                        .await
                        .map_err(db_error)?;
                    row.as_ref().map(booking_from).transpose()
                }

                async fn update(&mut self, b: &Booking) -> Result<(), StoreError> {
                    ::sqlx::query(
                        "UPDATE bookings SET starts_at = $1, ends_at = $2, status = $3, price_minor = $4, \
                         paid_minor = $5, tips_minor = $6, notes = $7, updated_at = $8, sequence = $9, \
                         provider_ids = $10 WHERE business_id = $11 AND id = $12",
                    )
                    .bind(stamp(b.range.start()))
                    .bind(stamp(b.range.end()))
                    .bind(name(&b.status)?)
                    .bind(b.price.minor())
                    .bind(b.paid.minor())
                    .bind(b.tips.minor())
                    .bind(b.notes.as_ref().map(|n| n.as_str().to_owned()))
                    .bind(stamp(b.updated_at))
                    .bind(i64::from(b.sequence))
                    .bind(providers_column(&b.providers))
                    .bind(b.business_id.as_uuid())
                    .bind(b.id.as_uuid())
                    .execute(self.conn())
                    .await
                    .map_err(db_error)?;
                    self.write_providers(b, true).await
                }

                async fn overlapping(
                    &mut self,
                    business: BusinessId,
                    providers: &[AccountId],
                    range: TimeRange,
                ) -> Result<Vec<Booking>, StoreError> {
                    self.overlapping_bookings(business, providers, range).await
                }

                async fn list(
                    &mut self,
                    business: BusinessId,
                    query: &BookingQuery,
                ) -> Result<Vec<NamedBooking>, StoreError> {
                    self.list_bookings(business, query).await
                }

                async fn latest_with(
                    &mut self,
                    business: BusinessId,
                    customer: AccountId,
                    provider: AccountId,
                ) -> Result<Option<Timestamp>, StoreError> {
                    let end: Option<Stamp> = ::sqlx::query_scalar(
                        "SELECT max(bp.ends_at) FROM booking_providers bp JOIN bookings b \
                         ON b.business_id = bp.business_id AND b.id = bp.booking_id \
                         WHERE bp.business_id = $1 AND bp.provider_id = $2 AND b.customer_id = $3 \
                         AND bp.active",
                    )
                    .bind(business.as_uuid())
                    .bind(provider.as_uuid())
                    .bind(customer.as_uuid())
                    .fetch_one(self.conn())
                    .await
                    .map_err(db_error)?;
                    opt_instant(end)
                }

                async fn busy(
                    &mut self,
                    business: BusinessId,
                    providers: &[AccountId],
                    range: TimeRange,
                ) -> Result<Vec<(AccountId, TimeRange)>, StoreError> {
                    if providers.is_empty() {
                        return Ok(Vec::new());
                    }
                    // The provider rows alone (their index: business,
                    // provider, start), one row a provider.
                    let mut q = ::sqlx::QueryBuilder::new(format!(
                        "SELECT provider_id, {BOOKED_TIMES} AS booked_times FROM booking_providers WHERE ",
                    ));
                    super::shared_calendars::push_booked_within(&mut q, business, providers, range);
                    q.push(" GROUP BY provider_id");
                    let rows: Vec<$row> = q.build().fetch_all(self.conn()).await.map_err(db_error)?;
                    let mut busy = Vec::new();
                    for r in &rows {
                        let id = AccountId::from_uuid(r.try_get("provider_id").map_err(db_error)?);
                        busy.extend(read_booked_times(r, "booked_times")?.into_iter().map(|t| (id, t)));
                    }
                    Ok(busy)
                }

                async fn insert_payment_request(
                    &mut self,
                    r: &PaymentRequest,
                ) -> Result<(), StoreError> {
                    ::sqlx::query(
                        "INSERT INTO payment_requests (business_id, id, booking_id, amount_minor, \
                         reference, link, requested_by, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(r.business_id.as_uuid())
                    .bind(r.id.as_uuid())
                    .bind(r.booking_id.as_uuid())
                    .bind(r.amount.minor())
                    .bind(&r.reference)
                    .bind(r.link.as_deref())
                    .bind(r.requested_by.as_uuid())
                    .bind(stamp(r.at))
                    .execute(self.conn())
                    .await
                    .map_err(db_error)?;
                    Ok(())
                }

                async fn payment_requests(
                    &mut self,
                    business: BusinessId,
                    booking: BookingId,
                ) -> Result<Vec<PaymentRequest>, StoreError> {
                    let rows: Vec<$row> = ::sqlx::query(
                        "SELECT id, amount_minor, reference, link, requested_by, at \
                         FROM payment_requests WHERE business_id = $1 AND booking_id = $2 \
                         ORDER BY at, id",
                    )
                    .bind(business.as_uuid())
                    .bind(booking.as_uuid())
                    .fetch_all(self.conn())
                    .await
                    .map_err(db_error)?;
                    rows.iter()
                        .map(|r| {
                            Ok(PaymentRequest {
                                id: PaymentRequestId::from_uuid(r.try_get("id").map_err(db_error)?),
                                business_id: business,
                                booking_id: booking,
                                amount: Money::new(r.try_get("amount_minor").map_err(db_error)?)
                                    .map_err(corrupt)?,
                                reference: r.try_get("reference").map_err(db_error)?,
                                link: r.try_get("link").map_err(db_error)?,
                                requested_by: AccountId::from_uuid(
                                    r.try_get("requested_by").map_err(db_error)?,
                                ),
                                at: instant(r.try_get("at").map_err(db_error)?)?,
                            })
                        })
                        .collect()
                }

                async fn insert_payment(&mut self, p: &Payment) -> Result<(), StoreError> {
                    ::sqlx::query(
                        "INSERT INTO payments (business_id, id, booking_id, amount_minor, tip_minor, \
                         method, recorded_by, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(p.business_id.as_uuid())
                    .bind(p.id.as_uuid())
                    .bind(p.booking_id.as_uuid())
                    .bind(p.amount.minor())
                    .bind(p.tip.minor())
                    .bind(p.method.as_str())
                    .bind(p.recorded_by.as_uuid())
                    .bind(stamp(p.at))
                    .execute(self.conn())
                    .await
                    .map_err(db_error)?;
                    Ok(())
                }
            }
        }
    };
}
