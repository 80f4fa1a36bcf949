//! The ports: what the use cases need from the outside world, as traits.
//!
//! Architecture invariant: no adapter type (sqlx row, axum extractor, lettre
//! message) appears here; adapters implement these traits and translate.

mod auth;
mod calendar_sync;
mod erasure;
mod error;
mod held;
mod payments;
mod reports;
mod repositories;
mod scheduling;
mod services;
mod store;

pub use auth::{AccountTokenRepository, SessionRepository, ThrottleRepository};
pub use calendar_sync::{
    CalendarLink, CalendarLinkRepository, CalendarSync, StoredCalendarLink, SyncError, SyncedEvent,
    Vault, VaultError,
};
pub use erasure::{ERASED, ErasureRepository};
pub use error::{Conflict, StoreError};
pub use held::{OneConnection, hold, one_connection, release_held, take_held};
pub use payments::{PaymentProcessor, ProcessorError, RecordedByTheTeam};
pub use reports::{BookingTotals, ReportRepository, StatusTotals};
pub use repositories::{
    AccountRepository, AuditLog, BusinessRepository, CustomerQuery, EmployeeQuery, Outbox,
};
pub use scheduling::{
    BookingQuery, BookingRepository, CalendarRepository, IdempotencyRecord, IdempotencyRepository,
    NamedBooking, ProviderTime, ServiceRepository, StoredResponse, TimeEntryRepository,
    WorkingTime,
};
pub use services::{
    Clock, HashError, IdSource, MailError, Mailer, PasswordHash, PasswordHasher, TokenHash, Tokens,
};
pub use store::{Store, TxMode, UnitOfWork, place_booking_in_a_transaction};

#[cfg(feature = "mocks")]
pub use auth::{MockAccountTokenRepository, MockSessionRepository, MockThrottleRepository};
#[cfg(feature = "mocks")]
pub use calendar_sync::{MockCalendarLinkRepository, MockCalendarSync, MockVault};
#[cfg(feature = "mocks")]
pub use erasure::MockErasureRepository;
#[cfg(feature = "mocks")]
pub use payments::MockPaymentProcessor;
#[cfg(feature = "mocks")]
pub use reports::MockReportRepository;
#[cfg(feature = "mocks")]
pub use repositories::{MockAccountRepository, MockAuditLog, MockBusinessRepository, MockOutbox};
#[cfg(feature = "mocks")]
pub use scheduling::{
    MockBookingRepository, MockCalendarRepository, MockIdempotencyRepository,
    MockServiceRepository, MockTimeEntryRepository,
};
#[cfg(feature = "mocks")]
pub use services::{MockClock, MockIdSource, MockMailer, MockPasswordHasher, MockTokens};
#[cfg(feature = "mocks")]
pub use store::MockStore;
