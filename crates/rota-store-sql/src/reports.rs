//! Reports' aggregates: what the two stores read alike.

/// Implements `ReportRepository` for the store's transaction `$tx`, whose
/// rows are `$row`. Besides the crate's usual names it uses
/// `crate::codec::BOOKED_MICROS`, the SQL of `SUM` of a provider row's
/// length in microseconds (`bp.starts_at`, `bp.ends_at`), which differs as
/// instants do.
///
/// Three statements, each an aggregate the database computes: the range's
/// bookings grouped by status, the booked time grouped by provider, and
/// the customers added.
#[macro_export]
#[allow(
    clippy::crate_in_macro_def,
    reason = "`crate::codec` is the expanding store's codec, by design"
)]
macro_rules! reports_repository {
    ($tx:ty, $row:ty) => {
        mod shared_reports {
            use ::rota_app::domain::id::{AccountId, BusinessId};
            use ::rota_app::domain::jiff::SignedDuration;
            use ::rota_app::domain::time::TimeRange;
            use ::rota_app::domain::uuid::Uuid;
            use ::rota_app::ports::{BookingTotals, ReportRepository, StatusTotals, StoreError};
            use ::sqlx::Row;

            use crate::codec::{BOOKED_MICROS, corrupt, db_error, from_name, stamp};

            /// Bookings of one provider only: `$4`.
            const OF_PROVIDER: &str = " AND EXISTS (SELECT 1 FROM booking_providers bp \
                WHERE bp.business_id = b.business_id AND bp.booking_id = b.id \
                AND bp.provider_id = $4)";

            #[::async_trait::async_trait]
            impl ReportRepository for $tx {
                async fn booking_totals(
                    &mut self,
                    business: BusinessId,
                    range: TimeRange,
                    provider: Option<AccountId>,
                ) -> Result<BookingTotals, StoreError> {
                    let only = if provider.is_some() { OF_PROVIDER } else { "" };
                    let by_status = format!(
                        "SELECT b.status, COUNT(*) AS n, \
                         CAST(COALESCE(SUM(b.price_minor), 0) AS BIGINT) AS price, \
                         CAST(COALESCE(SUM(b.paid_minor), 0) AS BIGINT) AS paid, \
                         CAST(COALESCE(SUM(b.tips_minor), 0) AS BIGINT) AS tips \
                         FROM bookings b WHERE b.business_id = $1 \
                         AND b.starts_at >= $2 AND b.starts_at < $3{only} GROUP BY b.status"
                    );
                    let mut q = ::sqlx::query(::sqlx::AssertSqlSafe(by_status))
                        .bind(business.as_uuid())
                        .bind(stamp(range.start()))
                        .bind(stamp(range.end()));
                    if let Some(p) = provider {
                        q = q.bind(p.as_uuid());
                    }
                    let rows: Vec<$row> = q.fetch_all(self.conn()).await.map_err(db_error)?;
                    let mut totals = BookingTotals::default();
                    for r in &rows {
                        let count: i64 = r.try_get("n").map_err(db_error)?;
                        totals.by_status.push(StatusTotals {
                            status: from_name(&r.try_get::<String, _>("status").map_err(db_error)?)?,
                            count: u64::try_from(count).map_err(corrupt)?,
                            price_minor: r.try_get("price").map_err(db_error)?,
                            paid_minor: r.try_get("paid").map_err(db_error)?,
                            tips_minor: r.try_get("tips").map_err(db_error)?,
                        });
                    }
                    let one = if provider.is_some() { " AND bp.provider_id = $4" } else { "" };
                    let booked = format!(
                        "SELECT bp.provider_id, CAST({BOOKED_MICROS} AS BIGINT) AS micros \
                         FROM bookings b JOIN booking_providers bp \
                         ON bp.business_id = b.business_id AND bp.booking_id = b.id \
                         WHERE b.business_id = $1 AND b.starts_at >= $2 AND b.starts_at < $3 \
                         AND b.status IN ('scheduled', 'in_progress', 'completed'){one} \
                         GROUP BY bp.provider_id"
                    );
                    let mut q = ::sqlx::query(::sqlx::AssertSqlSafe(booked))
                        .bind(business.as_uuid())
                        .bind(stamp(range.start()))
                        .bind(stamp(range.end()));
                    if let Some(p) = provider {
                        q = q.bind(p.as_uuid());
                    }
                    let rows: Vec<$row> = q.fetch_all(self.conn()).await.map_err(db_error)?;
                    for r in &rows {
                        let id: Uuid = r.try_get("provider_id").map_err(db_error)?;
                        let micros: i64 = r.try_get("micros").map_err(db_error)?;
                        totals
                            .booked_by_provider
                            .push((AccountId::from_uuid(id), SignedDuration::from_micros(micros)));
                    }
                    Ok(totals)
                }

                async fn customers_added(
                    &mut self,
                    business: BusinessId,
                    range: TimeRange,
                ) -> Result<u64, StoreError> {
                    let n: i64 = ::sqlx::query_scalar(
                        "SELECT COUNT(*) FROM accounts WHERE business_id = $1 \
                         AND kind = 'customer' AND created_at >= $2 AND created_at < $3",
                    )
                    .bind(business.as_uuid())
                    .bind(stamp(range.start()))
                    .bind(stamp(range.end()))
                    .fetch_one(self.conn())
                    .await
                    .map_err(db_error)?;
                    u64::try_from(n).map_err(corrupt)
                }
            }
        }
    };
}
