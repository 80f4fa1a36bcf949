//! Reports' aggregates: what the two stores read alike.

/// Implements `ReportRepository` for the store's transaction `$tx`, whose
/// rows are `$row`. Besides the crate's usual names it uses
/// `crate::codec::BOOKED_MICROS`, the SQL of `SUM` of a provider row's
/// length in microseconds (`bp.starts_at`, `bp.ends_at`), which differs as
/// instants do.
///
/// Whole UTC days are read from `booking_tallies`, which a trigger keeps
/// with every booking row (migration 0005); the parts of days at either
/// end of a range from the bookings, each an aggregate the database
/// computes: grouped by status, booked time grouped by provider.
#[macro_export]
#[allow(
    clippy::crate_in_macro_def,
    reason = "`crate::codec` is the expanding store's codec, by design"
)]
macro_rules! reports_repository {
    ($tx:ty, $row:ty) => {
        mod shared_reports {
            use ::rota_app::domain::id::{AccountId, BusinessId};
            use ::rota_app::domain::jiff::{SignedDuration, Timestamp};
            use ::rota_app::domain::time::TimeRange;
            use ::rota_app::domain::uuid::Uuid;
            use ::rota_app::ports::{BookingTotals, ReportRepository, StatusTotals, StoreError};
            use ::sqlx::Row;

            use crate::codec::{BOOKED_MICROS, corrupt, db_error, from_name, stamp};

            /// Microseconds in a UTC day: the tallies' unit.
            const DAY: i64 = 86_400_000_000;

            /// A report's range split as the tallies can answer it: the whole UTC days
            /// within it (`[first, end)` day numbers, from the epoch), and the parts
            /// before and after them, which are read from the bookings themselves.
            fn whole_days(range: TimeRange) -> (Option<(i64, i64)>, Vec<TimeRange>) {
                let (from, to) = (range.start().as_microsecond(), range.end().as_microsecond());
                let first = from.div_euclid(DAY) + i64::from(from.rem_euclid(DAY) != 0);
                let end = to.div_euclid(DAY);
                if first >= end {
                    return (None, vec![range]);
                }
                let at = |day: i64| Timestamp::from_microsecond(day * DAY).unwrap_or(Timestamp::MAX);
                let edges = [
                    TimeRange::new(range.start(), at(first)),
                    TimeRange::new(at(end), range.end()),
                ];
                (Some((first, end)), edges.into_iter().filter_map(Result::ok).collect())
            }

            /// Adds `more` into `into`: statuses and providers summed.
            fn add_totals(into: &mut BookingTotals, more: BookingTotals) {
                for t in more.by_status {
                    match into.by_status.iter_mut().find(|s| s.status == t.status) {
                        Some(s) => {
                            *s = StatusTotals {
                                status: s.status,
                                count: s.count + t.count,
                                price_minor: s.price_minor + t.price_minor,
                                paid_minor: s.paid_minor + t.paid_minor,
                                tips_minor: s.tips_minor + t.tips_minor,
                            };
                        }
                        None => into.by_status.push(t),
                    }
                }
                for (p, d) in more.booked_by_provider {
                    match into.booked_by_provider.iter_mut().find(|(q, _)| *q == p) {
                        Some((_, sum)) => *sum = sum.saturating_add(d),
                        None => into.booked_by_provider.push((p, d)),
                    }
                }
            }

            /// Bookings of one provider only: `$4`.
            const OF_PROVIDER: &str = " AND EXISTS (SELECT 1 FROM booking_providers bp \
                WHERE bp.business_id = b.business_id AND bp.booking_id = b.id \
                AND bp.provider_id = $4)";

            /// Bookings by status, from rows with `status`, `n`, `price`,
            /// `paid`, `tips`.
            fn by_status(rows: &[$row]) -> Result<Vec<StatusTotals>, StoreError> {
                let mut out = Vec::with_capacity(rows.len());
                for r in rows {
                    let count: i64 = r.try_get("n").map_err(db_error)?;
                    out.push(StatusTotals {
                        status: from_name(&r.try_get::<String, _>("status").map_err(db_error)?)?,
                        count: u64::try_from(count).map_err(corrupt)?,
                        price_minor: r.try_get("price").map_err(db_error)?,
                        paid_minor: r.try_get("paid").map_err(db_error)?,
                        tips_minor: r.try_get("tips").map_err(db_error)?,
                    });
                }
                Ok(out)
            }

            /// Booked time by provider, from rows with `provider_id`, `micros`.
            fn booked(rows: &[$row]) -> Result<Vec<(AccountId, SignedDuration)>, StoreError> {
                let mut out = Vec::with_capacity(rows.len());
                for r in rows {
                    let id: Uuid = r.try_get("provider_id").map_err(db_error)?;
                    let micros: i64 = r.try_get("micros").map_err(db_error)?;
                    out.push((AccountId::from_uuid(id), SignedDuration::from_micros(micros)));
                }
                Ok(out)
            }

            impl $tx {
                /// The totals of whole UTC days `[first, end)`, from the tallies.
                async fn tallied(
                    &mut self,
                    business: BusinessId,
                    (first, end): (i64, i64),
                    provider: Option<AccountId>,
                ) -> Result<BookingTotals, StoreError> {
                    let whose = if provider.is_some() {
                        "NOT lead AND provider_id = $4"
                    } else {
                        "lead"
                    };
                    let sql = format!(
                        "SELECT status, CAST(SUM(bookings) AS BIGINT) AS n, \
                         CAST(SUM(price_minor) AS BIGINT) AS price, \
                         CAST(SUM(paid_minor) AS BIGINT) AS paid, \
                         CAST(SUM(tips_minor) AS BIGINT) AS tips \
                         FROM booking_tallies WHERE business_id = $1 AND {whose} \
                         AND day >= $2 AND day < $3 GROUP BY status HAVING SUM(bookings) <> 0"
                    );
                    // Built only of constants.
                    let mut q = ::sqlx::query(::sqlx::AssertSqlSafe(sql))
                        .bind(business.as_uuid())
                        .bind(first)
                        .bind(end);
                    if let Some(p) = provider {
                        q = q.bind(p.as_uuid());
                    }
                    let rows: Vec<$row> = q.fetch_all(self.conn()).await.map_err(db_error)?;
                    let one = if provider.is_some() { " AND provider_id = $4" } else { "" };
                    let sql = format!(
                        "SELECT provider_id, CAST(SUM(booked_micros) AS BIGINT) AS micros \
                         FROM booking_tallies WHERE business_id = $1 AND NOT lead \
                         AND day >= $2 AND day < $3{one} \
                         AND status IN ('scheduled', 'in_progress', 'completed') \
                         GROUP BY provider_id HAVING SUM(booked_micros) <> 0"
                    );
                    let mut q = ::sqlx::query(::sqlx::AssertSqlSafe(sql))
                        .bind(business.as_uuid())
                        .bind(first)
                        .bind(end);
                    if let Some(p) = provider {
                        q = q.bind(p.as_uuid());
                    }
                    let time: Vec<$row> = q.fetch_all(self.conn()).await.map_err(db_error)?;
                    Ok(BookingTotals {
                        by_status: by_status(&rows)?,
                        booked_by_provider: booked(&time)?,
                    })
                }

                /// The totals of the bookings starting within `range`, from
                /// the bookings themselves.
                async fn counted(
                    &mut self,
                    business: BusinessId,
                    range: TimeRange,
                    provider: Option<AccountId>,
                ) -> Result<BookingTotals, StoreError> {
                    let only = if provider.is_some() { OF_PROVIDER } else { "" };
                    let sql = format!(
                        "SELECT b.status, COUNT(*) AS n, \
                         CAST(COALESCE(SUM(b.price_minor), 0) AS BIGINT) AS price, \
                         CAST(COALESCE(SUM(b.paid_minor), 0) AS BIGINT) AS paid, \
                         CAST(COALESCE(SUM(b.tips_minor), 0) AS BIGINT) AS tips \
                         FROM bookings b WHERE b.business_id = $1 \
                         AND b.starts_at >= $2 AND b.starts_at < $3{only} GROUP BY b.status"
                    );
                    // Built only of constants.
                    let mut q = ::sqlx::query(::sqlx::AssertSqlSafe(sql))
                        .bind(business.as_uuid())
                        .bind(stamp(range.start()))
                        .bind(stamp(range.end()));
                    if let Some(p) = provider {
                        q = q.bind(p.as_uuid());
                    }
                    let rows: Vec<$row> = q.fetch_all(self.conn()).await.map_err(db_error)?;
                    let one = if provider.is_some() { " AND bp.provider_id = $4" } else { "" };
                    let sql = format!(
                        "SELECT bp.provider_id, CAST({BOOKED_MICROS} AS BIGINT) AS micros \
                         FROM bookings b JOIN booking_providers bp \
                         ON bp.business_id = b.business_id AND bp.booking_id = b.id \
                         WHERE b.business_id = $1 AND b.starts_at >= $2 AND b.starts_at < $3 \
                         AND b.status IN ('scheduled', 'in_progress', 'completed'){one} \
                         GROUP BY bp.provider_id"
                    );
                    let mut q = ::sqlx::query(::sqlx::AssertSqlSafe(sql))
                        .bind(business.as_uuid())
                        .bind(stamp(range.start()))
                        .bind(stamp(range.end()));
                    if let Some(p) = provider {
                        q = q.bind(p.as_uuid());
                    }
                    let time: Vec<$row> = q.fetch_all(self.conn()).await.map_err(db_error)?;
                    Ok(BookingTotals {
                        by_status: by_status(&rows)?,
                        booked_by_provider: booked(&time)?,
                    })
                }
            }

            #[::async_trait::async_trait]
            impl ReportRepository for $tx {
                async fn booking_totals(
                    &mut self,
                    business: BusinessId,
                    range: TimeRange,
                    provider: Option<AccountId>,
                ) -> Result<BookingTotals, StoreError> {
                    let (days, edges) = whole_days(range);
                    let mut totals = match days {
                        Some(days) => self.tallied(business, days, provider).await?,
                        None => BookingTotals::default(),
                    };
                    for edge in edges {
                        let more = self.counted(business, edge, provider).await?;
                        add_totals(&mut totals, more);
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
