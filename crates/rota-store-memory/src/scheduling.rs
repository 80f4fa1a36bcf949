//! The scheduling ports in memory.

use async_trait::async_trait;
use rota_app::domain::account::Account;
use rota_app::domain::booking::{Booking, Payment, PaymentRequest};
use rota_app::domain::calendar::WorkCalendar;
use rota_app::domain::id::{AccountId, BookingId, BusinessId, ServiceId, TimeOffId};
use rota_app::domain::idempotency::IdempotencyKey;
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::service::Service;
use rota_app::domain::time::TimeRange;
use rota_app::domain::time_entry::TimeEntry;
use rota_app::domain::time_off::{Absence, TimeOff};
use rota_app::ports::{
    BookingQuery, BookingRepository, CalendarRepository, Conflict, IdempotencyRecord,
    IdempotencyRepository, NamedBooking, ProviderTime, ServiceRepository, StoreError,
    TimeEntryRepository, WorkingTime,
};

use crate::MemoryTx;

#[async_trait]
impl ServiceRepository for MemoryTx {
    async fn insert(&mut self, service: &Service) -> Result<(), StoreError> {
        self.work
            .services
            .insert((service.business_id, service.id), service.clone());
        Ok(())
    }

    async fn get(
        &mut self,
        business: BusinessId,
        id: ServiceId,
    ) -> Result<Option<Service>, StoreError> {
        Ok(self.work.services.get(&(business, id)).cloned())
    }

    async fn with_people(
        &mut self,
        business: BusinessId,
        id: ServiceId,
        people: Option<Vec<AccountId>>,
    ) -> Result<Option<(Service, Vec<Account>)>, StoreError> {
        let Some(service) = self.work.services.get(&(business, id)).cloned() else {
            return Ok(None);
        };
        let accounts = match people {
            Some(ids) => rota_app::ports::AccountRepository::get_many(self, business, &ids).await?,
            None => rota_app::ports::AccountRepository::employees(self, business).await?,
        };
        Ok(Some((service, accounts)))
    }

    async fn update(&mut self, service: &Service) -> Result<(), StoreError> {
        self.work
            .services
            .insert((service.business_id, service.id), service.clone());
        Ok(())
    }

    async fn list(&mut self, business: BusinessId) -> Result<Vec<Service>, StoreError> {
        Ok(self
            .work
            .services
            .iter()
            .filter(|((b, _), _)| *b == business)
            .map(|(_, s)| s.clone())
            .collect())
    }
}

#[async_trait]
impl CalendarRepository for MemoryTx {
    async fn work_calendars(
        &mut self,
        business: BusinessId,
        providers: &[AccountId],
    ) -> Result<Vec<(AccountId, WorkCalendar)>, StoreError> {
        Ok(providers
            .iter()
            .filter_map(|p| {
                self.work
                    .calendars
                    .get(&(business, *p))
                    .map(|c| (*p, c.clone()))
            })
            .collect())
    }

    async fn set_work_calendar(
        &mut self,
        business: BusinessId,
        provider: AccountId,
        calendar: &WorkCalendar,
    ) -> Result<(), StoreError> {
        self.work
            .calendars
            .insert((business, provider), calendar.clone());
        Ok(())
    }

    async fn working_time(
        &mut self,
        business: BusinessId,
        providers: &[AccountId],
        range: TimeRange,
    ) -> Result<WorkingTime, StoreError> {
        let time_off = self
            .work
            .time_off
            .values()
            .filter(|t| t.business_id == business)
            .filter(|t| t.provider.is_none_or(|p| providers.contains(&p)))
            .filter(|t| match &t.absence {
                Absence::Range { range: r } => r.overlaps(&range),
                Absence::Days { .. } | Absence::Weekly { .. } => true,
            })
            .cloned()
            .collect();
        let calendar_busy = self
            .work
            .calendar_busy
            .iter()
            .filter(|(b, p, t)| *b == business && providers.contains(p) && t.overlaps(&range))
            .map(|(_, p, t)| (*p, *t))
            .collect();
        Ok(WorkingTime {
            calendars: self.work_calendars(business, providers).await?,
            time_off,
            calendar_busy,
        })
    }

    async fn provider_time(
        &mut self,
        business: BusinessId,
        service: ServiceId,
        provider: AccountId,
        range: TimeRange,
        booked_within: TimeRange,
    ) -> Result<Option<ProviderTime>, StoreError> {
        let Some((service, accounts)) = self
            .with_people(business, service, Some(vec![provider]))
            .await?
        else {
            return Ok(None);
        };
        let working = self.working_time(business, &[provider], range).await?;
        let booked = BookingRepository::busy(self, business, &[provider], booked_within).await?;
        Ok(Some(ProviderTime {
            service,
            account: accounts.into_iter().next(),
            working,
            booked,
        }))
    }

    async fn time_off_of(
        &mut self,
        business: BusinessId,
        provider: Option<AccountId>,
    ) -> Result<Vec<TimeOff>, StoreError> {
        Ok(self
            .work
            .time_off
            .values()
            .filter(|t| t.business_id == business && t.provider == provider)
            .cloned()
            .collect())
    }

    async fn insert_time_off(&mut self, entry: &TimeOff) -> Result<(), StoreError> {
        self.work
            .time_off
            .insert((entry.business_id, entry.id), entry.clone());
        Ok(())
    }

    async fn delete_time_off(
        &mut self,
        business: BusinessId,
        provider: Option<AccountId>,
        id: TimeOffId,
    ) -> Result<bool, StoreError> {
        let key = (business, id);
        if self
            .work
            .time_off
            .get(&key)
            .is_some_and(|t| t.provider == provider)
        {
            self.work.time_off.remove(&key);
            Ok(true)
        } else {
            Ok(false)
        }
    }
}

/// A write the store refuses as a database would refuse it with a foreign key.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Refused(&'static str);

impl MemoryTx {
    /// B1 and B3, held by the store: the customer is a customer of the
    /// booking's business, and every provider is one of its accounts.
    fn references(&self, booking: &Booking) -> Result<(), StoreError> {
        let account = |id| self.work.accounts.get(&(booking.business_id, id));
        if account(booking.customer_id)
            .and_then(|a| a.customer())
            .is_none()
        {
            return Err(StoreError::other(Refused(
                "a booking's customer must be a customer of its business",
            )));
        }
        if booking.providers.iter().any(|p| account(*p).is_none()) {
            return Err(StoreError::other(Refused(
                "a booking's providers must be accounts of its business",
            )));
        }
        Ok(())
    }

    /// B4, held by the store: the first assigned provider with another
    /// active booking whose blocked time overlaps `booking`'s.
    fn overlap(&self, booking: &Booking) -> Option<AccountId> {
        if !booking.status.holds_time() {
            return None;
        }
        booking.providers.iter().copied().find(|p| {
            self.work.bookings.values().any(|other| {
                other.business_id == booking.business_id && other.clashes_with(*p, booking)
            })
        })
    }
}

#[async_trait]
impl BookingRepository for MemoryTx {
    async fn lock_providers(
        &mut self,
        _business: BusinessId,
        _providers: &[AccountId],
    ) -> Result<(), StoreError> {
        // A write transaction holds the whole store already.
        Ok(())
    }

    async fn insert(&mut self, booking: &Booking) -> Result<(), StoreError> {
        self.references(booking)?;
        if let Some(p) = self.overlap(booking) {
            return Err(Conflict::BookingOverlap(p).into());
        }
        self.work
            .bookings
            .insert((booking.business_id, booking.id), booking.clone());
        Ok(())
    }

    async fn get(
        &mut self,
        business: BusinessId,
        id: BookingId,
    ) -> Result<Option<Booking>, StoreError> {
        Ok(self.work.bookings.get(&(business, id)).cloned())
    }

    async fn update(&mut self, booking: &Booking) -> Result<(), StoreError> {
        self.references(booking)?;
        if let Some(p) = self.overlap(booking) {
            return Err(Conflict::BookingOverlap(p).into());
        }
        self.work
            .bookings
            .insert((booking.business_id, booking.id), booking.clone());
        Ok(())
    }

    async fn overlapping(
        &mut self,
        business: BusinessId,
        providers: &[AccountId],
        range: TimeRange,
    ) -> Result<Vec<Booking>, StoreError> {
        Ok(self
            .work
            .bookings
            .values()
            .filter(|b| {
                b.business_id == business && providers.iter().any(|p| b.occupies(*p, &range))
            })
            .cloned()
            .collect())
    }

    async fn list(
        &mut self,
        business: BusinessId,
        query: &BookingQuery,
    ) -> Result<Vec<NamedBooking>, StoreError> {
        let mut found: Vec<Booking> = self
            .work
            .bookings
            .values()
            .filter(|b| b.business_id == business)
            .filter(|b| query.within.is_none_or(|w| b.range.overlaps(&w)))
            .filter(|b| query.provider.is_none_or(|p| b.providers.contains(&p)))
            .filter(|b| query.customer.is_none_or(|c| b.customer_id == c))
            .filter(|b| query.status.is_none_or(|s| b.status == s))
            .filter(|b| query.series.is_none_or(|s| b.series == Some(s)))
            .filter(|b| {
                query
                    .after
                    .is_none_or(|after| (b.range.start(), b.id) > after)
            })
            .cloned()
            .collect();
        found.sort_by_key(|b| (b.range.start(), b.id));
        found.truncate(query.limit as usize);
        let accounts = &self.work.accounts;
        Ok(found
            .into_iter()
            .map(|booking| NamedBooking {
                customer: accounts
                    .get(&(business, booking.customer_id))
                    .and_then(|a| a.customer())
                    .map(|c| (c.first_name.clone(), c.last_name.clone())),
                providers: booking
                    .providers
                    .iter()
                    .filter_map(|p| accounts.get(&(business, *p)))
                    .map(|a| (a.id, a.display_name()))
                    .collect(),
                booking,
            })
            .collect())
    }

    async fn latest_with(
        &mut self,
        business: BusinessId,
        customer: AccountId,
        provider: AccountId,
    ) -> Result<Option<Timestamp>, StoreError> {
        Ok(self
            .work
            .bookings
            .values()
            .filter(|b| {
                b.business_id == business && b.customer_id == customer && b.status.holds_time()
            })
            .filter(|b| b.providers.contains(&provider))
            .map(|b| b.range.end())
            .max())
    }

    async fn insert_payment(&mut self, payment: &Payment) -> Result<(), StoreError> {
        self.work.payments.push(payment.clone());
        Ok(())
    }

    async fn busy(
        &mut self,
        business: BusinessId,
        providers: &[AccountId],
        range: TimeRange,
    ) -> Result<Vec<(AccountId, TimeRange)>, StoreError> {
        Ok(self
            .work
            .bookings
            .values()
            .filter(|b| b.business_id == business && b.status.holds_time())
            .filter(|b| b.blocked().overlaps(&range))
            .flat_map(|b| {
                b.providers
                    .iter()
                    .filter(|p| providers.contains(p))
                    .map(move |p| (*p, b.blocked()))
            })
            .collect())
    }

    async fn insert_payment_request(&mut self, request: &PaymentRequest) -> Result<(), StoreError> {
        if !self
            .work
            .bookings
            .contains_key(&(request.business_id, request.booking_id))
        {
            return Err(StoreError::other(Missing("booking")));
        }
        self.work.payment_requests.push(request.clone());
        Ok(())
    }

    async fn payment_requests(
        &mut self,
        business: BusinessId,
        booking: BookingId,
    ) -> Result<Vec<PaymentRequest>, StoreError> {
        let mut found: Vec<PaymentRequest> = self
            .work
            .payment_requests
            .iter()
            .filter(|r| r.business_id == business && r.booking_id == booking)
            .cloned()
            .collect();
        found.sort_by_key(|r| (r.at, r.id));
        Ok(found)
    }
}

/// A payment request for a booking that is not kept (a foreign key).
#[derive(Debug, thiserror::Error)]
#[error("no such {0}")]
struct Missing(&'static str);

#[async_trait]
impl IdempotencyRepository for MemoryTx {
    async fn lock_and_find(
        &mut self,
        business: BusinessId,
        actor: AccountId,
        key: &IdempotencyKey,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        Ok(self
            .work
            .idempotency
            .get(&(business, actor, key.as_str().to_owned()))
            .cloned())
    }

    async fn save(&mut self, record: &IdempotencyRecord) -> Result<(), StoreError> {
        let key = (
            record.business,
            record.actor,
            record.key.as_str().to_owned(),
        );
        self.work.idempotency.insert(key, record.clone());
        Ok(())
    }
}

#[async_trait]
impl TimeEntryRepository for MemoryTx {
    async fn open_entry(
        &mut self,
        business: BusinessId,
        employee: AccountId,
    ) -> Result<Option<TimeEntry>, StoreError> {
        Ok(self
            .work
            .time_entries
            .values()
            .find(|e| e.business_id == business && e.employee == employee && e.clock_out.is_none())
            .cloned())
    }

    async fn insert(&mut self, entry: &TimeEntry) -> Result<(), StoreError> {
        self.work
            .time_entries
            .insert((entry.business_id, entry.id), entry.clone());
        Ok(())
    }

    async fn update(&mut self, entry: &TimeEntry) -> Result<(), StoreError> {
        self.work
            .time_entries
            .insert((entry.business_id, entry.id), entry.clone());
        Ok(())
    }

    async fn list(
        &mut self,
        business: BusinessId,
        employee: Option<AccountId>,
        range: TimeRange,
    ) -> Result<Vec<TimeEntry>, StoreError> {
        let mut found: Vec<TimeEntry> = self
            .work
            .time_entries
            .values()
            .filter(|e| e.business_id == business && employee.is_none_or(|id| e.employee == id))
            .filter(|e| {
                e.clock_in < range.end() && e.clock_out.is_none_or(|out| out > range.start())
            })
            .cloned()
            .collect();
        found.sort_by_key(|e| (e.clock_in, e.id));
        Ok(found)
    }
}
