//! The store and its unit of work: every change of a use case happens in one
//! transaction, committed at once or not at all.

use async_trait::async_trait;

use rota_domain::booking::Booking;
use rota_domain::outbox::OutboxMessage;

use super::auth::{AccountTokenRepository, SessionRepository, ThrottleRepository};
use super::calendar_sync::CalendarLinkRepository;
use super::erasure::ErasureRepository;
use super::error::StoreError;
use super::reports::ReportRepository;
use super::repositories::{AccountRepository, AuditLog, BusinessRepository, Outbox};
use super::scheduling::{
    BookingRepository, CalendarRepository, IdempotencyRepository, ServiceRepository,
    TimeEntryRepository,
};

/// What a transaction is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxMode {
    /// Reads only, from one snapshot: every statement sees the same data.
    Read,
    /// Reads that need no common snapshot: one statement, or several that
    /// need not agree with each other. No transaction is opened (two round
    /// trips fewer); each statement sees what is committed when it runs.
    ReadOnce,
    /// Reads and writes. Implementations take their write lock at the start
    /// (`SQLite`: `BEGIN IMMEDIATE`), so two writers queue instead of failing.
    Write,
}

/// A database (or memory) that opens units of work.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Starts a transaction.
    async fn begin(&self, mode: TxMode) -> Result<Box<dyn UnitOfWork>, StoreError>;

    /// Stores a new booking with the outbox messages about it, all or
    /// nothing, committed on return: the whole write of a booking made
    /// without an idempotency key. The same promises as
    /// [`BookingRepository::insert`]. A store may do it in fewer round trips
    /// than a unit of work needs (`PostgreSQL`: one statement, which commits
    /// as it runs); this default is one write transaction.
    async fn place_booking(
        &self,
        booking: &Booking,
        messages: &[OutboxMessage],
    ) -> Result<(), StoreError> {
        place_booking_in_a_transaction(self, booking, messages).await
    }
}

/// [`Store::place_booking`] as one write transaction: the default, and what
/// a store falls back on for a booking it cannot write more directly.
pub async fn place_booking_in_a_transaction<S: Store + ?Sized>(
    store: &S,
    booking: &Booking,
    messages: &[OutboxMessage],
) -> Result<(), StoreError> {
    let mut tx = store.begin(TxMode::Write).await?;
    for message in messages {
        tx.outbox().enqueue(message).await?;
    }
    tx.bookings().insert(booking).await?;
    tx.commit().await
}

/// The fifteen accessors of [`UnitOfWork`] for a transaction type that is
/// every repository itself (as each of Rota's stores is), written inside
/// its `impl UnitOfWork` block beside its own `commit`.
#[macro_export]
macro_rules! repositories_are_self {
    () => {
        fn businesses(&mut self) -> &mut dyn $crate::ports::BusinessRepository {
            self
        }
        fn accounts(&mut self) -> &mut dyn $crate::ports::AccountRepository {
            self
        }
        fn audit(&mut self) -> &mut dyn $crate::ports::AuditLog {
            self
        }
        fn outbox(&mut self) -> &mut dyn $crate::ports::Outbox {
            self
        }
        fn services(&mut self) -> &mut dyn $crate::ports::ServiceRepository {
            self
        }
        fn calendars(&mut self) -> &mut dyn $crate::ports::CalendarRepository {
            self
        }
        fn bookings(&mut self) -> &mut dyn $crate::ports::BookingRepository {
            self
        }
        fn idempotency(&mut self) -> &mut dyn $crate::ports::IdempotencyRepository {
            self
        }
        fn time_entries(&mut self) -> &mut dyn $crate::ports::TimeEntryRepository {
            self
        }
        fn sessions(&mut self) -> &mut dyn $crate::ports::SessionRepository {
            self
        }
        fn account_tokens(&mut self) -> &mut dyn $crate::ports::AccountTokenRepository {
            self
        }
        fn throttles(&mut self) -> &mut dyn $crate::ports::ThrottleRepository {
            self
        }
        fn reports(&mut self) -> &mut dyn $crate::ports::ReportRepository {
            self
        }
        fn erasure(&mut self) -> &mut dyn $crate::ports::ErasureRepository {
            self
        }
        fn calendar_links(&mut self) -> &mut dyn $crate::ports::CalendarLinkRepository {
            self
        }
    };
}

/// One transaction. Dropping it without [`UnitOfWork::commit`] rolls it back:
/// nothing it wrote (rows, outbox messages, audit entries) is kept.
#[async_trait]
pub trait UnitOfWork: Send {
    /// Businesses.
    fn businesses(&mut self) -> &mut dyn BusinessRepository;
    /// Accounts (employees and customers).
    fn accounts(&mut self) -> &mut dyn AccountRepository;
    /// The audit log.
    fn audit(&mut self) -> &mut dyn AuditLog;
    /// The outbox of emails to send (A8).
    fn outbox(&mut self) -> &mut dyn Outbox;
    /// Services.
    fn services(&mut self) -> &mut dyn ServiceRepository;
    /// Work calendars and non-working hours.
    fn calendars(&mut self) -> &mut dyn CalendarRepository;
    /// Bookings and payments.
    fn bookings(&mut self) -> &mut dyn BookingRepository;
    /// Idempotency records.
    fn idempotency(&mut self) -> &mut dyn IdempotencyRepository;
    /// Time-tracking entries.
    fn time_entries(&mut self) -> &mut dyn TimeEntryRepository;
    /// Sessions (A3).
    fn sessions(&mut self) -> &mut dyn SessionRepository;
    /// Emailed single-use tokens (A4, A6).
    fn account_tokens(&mut self) -> &mut dyn AccountTokenRepository;
    /// Sign-in throttling (A2).
    fn throttles(&mut self) -> &mut dyn ThrottleRepository;
    /// Aggregates for reports.
    fn reports(&mut self) -> &mut dyn ReportRepository;
    /// Erasing a customer's traces.
    fn erasure(&mut self) -> &mut dyn ErasureRepository;
    /// Providers' linked calendars and their busy times (issue 19).
    fn calendar_links(&mut self) -> &mut dyn CalendarLinkRepository;
    /// Makes every write of the transaction durable, at once.
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}
