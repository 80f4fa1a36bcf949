//! The storage port of reports: a range's bookings and new customers,
//! aggregated in the store (no booking row is carried out of it).

use async_trait::async_trait;
use rota_domain::booking::BookingStatus;
use rota_domain::id::{AccountId, BusinessId};
use rota_domain::jiff::SignedDuration;
use rota_domain::time::TimeRange;

use super::error::StoreError;

/// The bookings of one status within a report's range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusTotals {
    /// The status.
    pub status: BookingStatus,
    /// How many bookings.
    pub count: u64,
    /// Their prices, summed (minor units).
    pub price_minor: i64,
    /// What was paid on them, summed (minor units, tips apart).
    pub paid_minor: i64,
    /// Their tips, summed (minor units).
    pub tips_minor: i64,
}

/// What a report reads of the bookings within its range.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BookingTotals {
    /// One entry per status that has bookings, in no particular order.
    pub by_status: Vec<StatusTotals>,
    /// Per provider, the time of their booked bookings (scheduled, in
    /// progress, completed), in no particular order; providers with none are
    /// left out.
    pub booked_by_provider: Vec<(AccountId, SignedDuration)>,
}

/// Aggregates for reports. A booking belongs to a range when it starts
/// within it.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait ReportRepository: Send {
    /// The totals of the bookings starting within `range` — only those
    /// `provider` is assigned to, and only their booked time, when given.
    async fn booking_totals(
        &mut self,
        business: BusinessId,
        range: TimeRange,
        provider: Option<AccountId>,
    ) -> Result<BookingTotals, StoreError>;
    /// How many customers were added within `range` (erased ones count).
    async fn customers_added(
        &mut self,
        business: BusinessId,
        range: TimeRange,
    ) -> Result<u64, StoreError>;
}
