//! Providers' linked calendars and their busy times, in the transaction's
//! copy.

use async_trait::async_trait;
use rota_app::domain::id::{AccountId, BusinessId};
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::time::TimeRange;
use rota_app::ports::{CalendarLinkRepository, StoreError, StoredCalendarLink};

use crate::MemoryTx;

#[async_trait]
impl CalendarLinkRepository for MemoryTx {
    async fn link(
        &mut self,
        business: BusinessId,
        provider: AccountId,
    ) -> Result<Option<StoredCalendarLink>, StoreError> {
        Ok(self.work.calendar_links.get(&(business, provider)).cloned())
    }

    async fn linked(
        &mut self,
        business: BusinessId,
        providers: &[AccountId],
    ) -> Result<Vec<AccountId>, StoreError> {
        Ok(providers
            .iter()
            .copied()
            .filter(|p| self.work.calendar_links.contains_key(&(business, *p)))
            .collect())
    }

    async fn claim_stale(
        &mut self,
        before: Timestamp,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<StoredCalendarLink>, StoreError> {
        let mut taken = Vec::new();
        for link in self.work.calendar_links.values_mut() {
            if taken.len() >= usize::try_from(limit).unwrap_or(usize::MAX) {
                break;
            }
            if link.busy_read_at.is_none_or(|t| t < before) {
                link.busy_read_at = Some(now);
                taken.push(link.clone());
            }
        }
        Ok(taken)
    }

    async fn save_link(&mut self, link: &StoredCalendarLink) -> Result<(), StoreError> {
        self.work
            .calendar_links
            .insert((link.business, link.provider), link.clone());
        Ok(())
    }

    async fn remove_link(
        &mut self,
        business: BusinessId,
        provider: AccountId,
    ) -> Result<bool, StoreError> {
        self.work
            .calendar_busy
            .retain(|(b, p, _)| (*b, *p) != (business, provider));
        Ok(self
            .work
            .calendar_links
            .remove(&(business, provider))
            .is_some())
    }

    async fn replace_busy(
        &mut self,
        business: BusinessId,
        provider: AccountId,
        within: TimeRange,
        busy: &[TimeRange],
    ) -> Result<(), StoreError> {
        self.work
            .calendar_busy
            .retain(|(b, p, t)| (*b, *p) != (business, provider) || !t.overlaps(&within));
        self.work
            .calendar_busy
            .extend(busy.iter().map(|t| (business, provider, *t)));
        Ok(())
    }

    async fn calendar_busy(
        &mut self,
        business: BusinessId,
        providers: &[AccountId],
        range: TimeRange,
    ) -> Result<Vec<(AccountId, TimeRange)>, StoreError> {
        Ok(self
            .work
            .calendar_busy
            .iter()
            .filter(|(b, p, t)| *b == business && providers.contains(p) && t.overlaps(&range))
            .map(|(_, p, t)| (*p, *t))
            .collect())
    }
}
