//! Storage ports of the scheduling core: services, calendars, bookings,
//! idempotency records, time entries. All keyed by business (R12).

use async_trait::async_trait;
use rota_domain::account::Account;
use rota_domain::booking::{Booking, BookingStatus, Payment, PaymentRequest};
use rota_domain::calendar::WorkCalendar;
use rota_domain::id::{AccountId, BookingId, BusinessId, SeriesId, ServiceId, TimeOffId};
use rota_domain::idempotency::IdempotencyKey;
use rota_domain::jiff::Timestamp;
use rota_domain::name::PersonName;
use rota_domain::service::Service;
use rota_domain::time::TimeRange;
use rota_domain::time_entry::TimeEntry;
use rota_domain::time_off::TimeOff;

use super::error::StoreError;

/// Services.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait ServiceRepository: Send {
    /// Stores a new service.
    async fn insert(&mut self, service: &Service) -> Result<(), StoreError>;
    /// One service.
    async fn get(
        &mut self,
        business: BusinessId,
        id: ServiceId,
    ) -> Result<Option<Service>, StoreError>;
    /// One service and, in the same read, the accounts of the business
    /// with these ids (every employee, in id order, when `None`), as
    /// [`AccountRepository::get_many`](super::AccountRepository::get_many)
    /// and [`AccountRepository::employees`](super::AccountRepository::employees)
    /// read them; `None` when there is no such service.
    async fn with_people(
        &mut self,
        business: BusinessId,
        id: ServiceId,
        people: Option<Vec<AccountId>>,
    ) -> Result<Option<(Service, Vec<Account>)>, StoreError>;
    /// Saves a changed service.
    async fn update(&mut self, service: &Service) -> Result<(), StoreError>;
    /// Every service of the business, in id order.
    async fn list(&mut self, business: BusinessId) -> Result<Vec<Service>, StoreError>;
}

/// Work calendars and non-working hours.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait CalendarRepository: Send {
    /// The work calendars of these providers (those without one are left out).
    async fn work_calendars(
        &mut self,
        business: BusinessId,
        providers: &[AccountId],
    ) -> Result<Vec<(AccountId, WorkCalendar)>, StoreError>;
    /// Sets a provider's work calendar.
    async fn set_work_calendar(
        &mut self,
        business: BusinessId,
        provider: AccountId,
        calendar: &WorkCalendar,
    ) -> Result<(), StoreError>;
    /// What decides whether these providers work within `range`, in one
    /// read: their work calendars, as [`CalendarRepository::work_calendars`],
    /// and every time-off entry that can apply to them within `range` —
    /// theirs and the business-wide ones (one-off ranges only when they
    /// overlap).
    async fn working_time(
        &mut self,
        business: BusinessId,
        providers: &[AccountId],
        range: TimeRange,
    ) -> Result<WorkingTime, StoreError>;

    /// One provider's availability inputs in one read (one round trip on
    /// the SQL stores): the service and the provider's account, as
    /// [`ServiceRepository::with_people`] reads them for
    /// `Some(vec![provider])`; the provider's working time, as
    /// [`CalendarRepository::working_time`] reads it; and what their
    /// active bookings block within `booked_within`, as
    /// [`BookingRepository::busy`] reads it. `None` when there is no such
    /// service.
    async fn provider_time(
        &mut self,
        business: BusinessId,
        service: ServiceId,
        provider: AccountId,
        range: TimeRange,
        booked_within: TimeRange,
    ) -> Result<Option<ProviderTime>, StoreError>;
    /// The entries of one provider (`Some`) or the business-wide ones (`None`).
    async fn time_off_of(
        &mut self,
        business: BusinessId,
        provider: Option<AccountId>,
    ) -> Result<Vec<TimeOff>, StoreError>;
    /// Stores an entry.
    async fn insert_time_off(&mut self, entry: &TimeOff) -> Result<(), StoreError>;
    /// Deletes an entry of that provider (or business-wide for `None`);
    /// whether it existed.
    async fn delete_time_off(
        &mut self,
        business: BusinessId,
        provider: Option<AccountId>,
        id: TimeOffId,
    ) -> Result<bool, StoreError>;
}

/// Providers' work calendars and the time off that can apply to them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkingTime {
    /// The providers' work calendars (those without one are left out).
    pub calendars: Vec<(AccountId, WorkCalendar)>,
    /// Their time off and the business-wide closures that can apply.
    pub time_off: Vec<TimeOff>,
    /// The busy times of their linked calendars that overlap the range
    /// (issue 19), read in the same round trip.
    pub calendar_busy: Vec<(AccountId, TimeRange)>,
}

/// What [`CalendarRepository::provider_time`] reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderTime {
    /// The service.
    pub service: Service,
    /// The provider's account, if there is one with that id.
    pub account: Option<Account>,
    /// Their working time.
    pub working: WorkingTime,
    /// What their bookings block, one entry a booking.
    pub booked: Vec<(AccountId, TimeRange)>,
}

/// Which bookings to list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct BookingQuery {
    /// Only bookings that overlap this range.
    pub within: Option<TimeRange>,
    /// Only bookings assigned to this provider.
    pub provider: Option<AccountId>,
    /// Only bookings of this customer.
    pub customer: Option<AccountId>,
    /// Only bookings in this status.
    pub status: Option<BookingStatus>,
    /// Only the occurrences of this series.
    pub series: Option<SeriesId>,
    /// Only bookings after this one in (start, id) order.
    pub after: Option<(Timestamp, BookingId)>,
    /// At most this many.
    pub limit: u32,
}

/// A listed booking with the names shown beside it, read with it in one go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedBooking {
    /// The booking.
    pub booking: Booking,
    /// Its customer's first and last name.
    pub customer: Option<(PersonName, PersonName)>,
    /// Display names of its assigned providers, by id, in any order.
    pub providers: Vec<(AccountId, String)>,
}

/// Bookings and their payments.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait BookingRepository: Send {
    /// Serializes booking writes for these providers until the transaction
    /// ends (`PostgreSQL`: `pg_advisory_xact_lock` per provider, in id order),
    /// so concurrent writers queue instead of deadlocking.
    async fn lock_providers(
        &mut self,
        business: BusinessId,
        providers: &[AccountId],
    ) -> Result<(), StoreError>;

    /// Stores a new booking. B4 compares what bookings block
    /// ([`rota_domain::booking::Booking::blocked`]: the range with the
    /// booking's buffers around it). Concurrent inserts for the same providers are
    /// the store's to serialize (it takes [`BookingRepository::lock_providers`]'
    /// locks itself where it needs them): a caller that reads nothing under
    /// the lock need not take it.
    ///
    /// # Errors
    /// MUST return `Conflict::BookingOverlap` when an assigned provider has
    /// another active booking that overlaps it (B4) — the store enforces
    /// this itself, whatever the caller checked before — and nothing else
    /// for concurrency alone.
    async fn insert(&mut self, booking: &Booking) -> Result<(), StoreError>;

    /// One booking.
    async fn get(
        &mut self,
        business: BusinessId,
        id: BookingId,
    ) -> Result<Option<Booking>, StoreError>;

    /// Saves a changed booking.
    ///
    /// # Errors
    /// MUST return `Conflict::BookingOverlap` as [`BookingRepository::insert`].
    async fn update(&mut self, booking: &Booking) -> Result<(), StoreError>;

    /// The active bookings of any of these providers that overlap `range`.
    async fn overlapping(
        &mut self,
        business: BusinessId,
        providers: &[AccountId],
        range: TimeRange,
    ) -> Result<Vec<Booking>, StoreError>;

    /// Bookings in (start, id) order, with their customer's and providers'
    /// names.
    async fn list(
        &mut self,
        business: BusinessId,
        query: &BookingQuery,
    ) -> Result<Vec<NamedBooking>, StoreError>;

    /// The end of the latest active booking of `customer` assigned to
    /// `provider`, if any (R8: whether the provider may see the customer).
    async fn latest_with(
        &mut self,
        business: BusinessId,
        customer: AccountId,
        provider: AccountId,
    ) -> Result<Option<Timestamp>, StoreError>;

    /// Records a payment.
    async fn insert_payment(&mut self, payment: &Payment) -> Result<(), StoreError>;
    /// When these providers are taken within `range`: a `(provider, time)`
    /// for each active booking of theirs whose blocked time (its range
    /// with its buffers) overlaps it, that blocked time, in no particular
    /// order — what availability subtracts, without the rest of a booking.
    async fn busy(
        &mut self,
        business: BusinessId,
        providers: &[AccountId],
        range: TimeRange,
    ) -> Result<Vec<(AccountId, TimeRange)>, StoreError>;
    /// Stores a request for payment.
    async fn insert_payment_request(&mut self, request: &PaymentRequest) -> Result<(), StoreError>;
    /// The requests for payment of a booking, oldest first.
    async fn payment_requests(
        &mut self,
        business: BusinessId,
        booking: BookingId,
    ) -> Result<Vec<PaymentRequest>, StoreError>;
}

/// A response remembered for an idempotency key (B9): opaque bytes the
/// caller produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredResponse {
    /// HTTP status (or any code the caller uses).
    pub status: u16,
    /// The body, as sent.
    pub body: Vec<u8>,
}

/// An idempotency key's record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotencyRecord {
    /// The business.
    pub business: BusinessId,
    /// Who sent it.
    pub actor: AccountId,
    /// The key.
    pub key: IdempotencyKey,
    /// A digest of the request it was first used with.
    pub fingerprint: String,
    /// The first response.
    pub response: StoredResponse,
    /// When it was first used.
    pub created_at: Timestamp,
}

/// Idempotency records (B9).
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait IdempotencyRepository: Send {
    /// Locks the key for the transaction (so two requests with one key run
    /// one after the other) and returns its record, if any.
    async fn lock_and_find(
        &mut self,
        business: BusinessId,
        actor: AccountId,
        key: &IdempotencyKey,
    ) -> Result<Option<IdempotencyRecord>, StoreError>;
    /// Stores or replaces a record.
    async fn save(&mut self, record: &IdempotencyRecord) -> Result<(), StoreError>;
}

/// Time-tracking entries.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait TimeEntryRepository: Send {
    /// The employee's open entry, if clocked in.
    async fn open_entry(
        &mut self,
        business: BusinessId,
        employee: AccountId,
    ) -> Result<Option<TimeEntry>, StoreError>;
    /// Stores a new entry.
    async fn insert(&mut self, entry: &TimeEntry) -> Result<(), StoreError>;
    /// Saves a changed entry.
    async fn update(&mut self, entry: &TimeEntry) -> Result<(), StoreError>;
    /// Entries overlapping `range` (of one employee, or all), by clock-in time.
    async fn list(
        &mut self,
        business: BusinessId,
        employee: Option<AccountId>,
        range: TimeRange,
    ) -> Result<Vec<TimeEntry>, StoreError>;
}
