//! Reports' aggregates, summed over the transaction's copy.

use std::collections::HashMap;

use async_trait::async_trait;
use rota_app::domain::booking::BookingStatus::{Completed, InProgress, Scheduled};
use rota_app::domain::id::{AccountId, BusinessId};
use rota_app::domain::jiff::SignedDuration;
use rota_app::domain::time::TimeRange;
use rota_app::ports::{BookingTotals, ReportRepository, StatusTotals, StoreError};

use crate::MemoryTx;

#[async_trait]
impl ReportRepository for MemoryTx {
    async fn booking_totals(
        &mut self,
        business: BusinessId,
        range: TimeRange,
        provider: Option<AccountId>,
    ) -> Result<BookingTotals, StoreError> {
        let mut by_status: Vec<StatusTotals> = Vec::new();
        let mut booked: HashMap<AccountId, SignedDuration> = HashMap::new();
        let within = self.work.bookings.values().filter(|b| {
            b.business_id == business
                && range.holds(b.range.start())
                && provider.is_none_or(|p| b.providers.contains(&p))
        });
        for b in within {
            let at = if let Some(i) = by_status.iter().position(|t| t.status == b.status) {
                i
            } else {
                by_status.push(StatusTotals {
                    status: b.status,
                    count: 0,
                    price_minor: 0,
                    paid_minor: 0,
                    tips_minor: 0,
                });
                by_status.len() - 1
            };
            let t = &mut by_status[at];
            t.count += 1;
            t.price_minor += b.price.minor();
            t.paid_minor += b.paid.minor();
            t.tips_minor += b.tips.minor();
            if matches!(b.status, Scheduled | InProgress | Completed) {
                for p in b
                    .providers
                    .iter()
                    .filter(|p| provider.is_none_or(|o| o == **p))
                {
                    let sum = booked.entry(*p).or_insert(SignedDuration::ZERO);
                    *sum = sum.saturating_add(b.range.duration());
                }
            }
        }
        Ok(BookingTotals {
            by_status,
            booked_by_provider: booked.into_iter().collect(),
        })
    }

    async fn customers_added(
        &mut self,
        business: BusinessId,
        range: TimeRange,
    ) -> Result<u64, StoreError> {
        let added = self
            .work
            .accounts
            .values()
            .filter(|a| a.business_id == business && a.customer().is_some())
            .filter(|a| range.holds(a.created_at))
            .count();
        Ok(added as u64)
    }
}
