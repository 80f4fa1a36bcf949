//! Repositories: one per aggregate, always scoped by business (R12).

use async_trait::async_trait;
use rota_domain::account::{Account, AccountStatus};
use rota_domain::audit::{AuditEvent, AuditEventId};
use rota_domain::business::Business;
use rota_domain::id::OutboxId;
use rota_domain::id::{AccountId, BusinessId};
use rota_domain::jiff::Timestamp;
use rota_domain::name::Slug;
use rota_domain::outbox::OutboxMessage;
use rota_domain::role::Role;

use super::error::StoreError;
use super::services::PasswordHash;

/// Businesses.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait BusinessRepository: Send {
    /// Stores a new business.
    ///
    /// # Errors
    /// MUST return `Conflict::SlugTaken` when the slug is in use.
    async fn insert(&mut self, business: &Business) -> Result<(), StoreError>;

    /// One business.
    async fn get(&mut self, id: BusinessId) -> Result<Option<Business>, StoreError>;

    /// One business with the revision of its row: a number that every
    /// change to the row (`update`) raises, in the same write.
    async fn revised(&mut self, id: BusinessId) -> Result<Option<(Business, u64)>, StoreError>;

    /// The business with this slug.
    async fn by_slug(&mut self, slug: &Slug) -> Result<Option<Business>, StoreError>;

    /// The business, locked until the transaction ends so that changes to its
    /// team are serialized (R4, R7 under concurrent writers).
    async fn lock(&mut self, id: BusinessId) -> Result<Option<Business>, StoreError>;

    /// Saves a changed business (name, zone, currency, subscription, settings).
    async fn update(&mut self, business: &Business) -> Result<(), StoreError>;
}

/// Which customers to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerQuery {
    /// Case-insensitive text found in the name or email.
    pub text: Option<String>,
    /// Only customers whose id sorts after this one.
    pub after: Option<AccountId>,
    /// At most this many.
    pub limit: u32,
}

/// Which employees to list, a page at a time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EmployeeQuery {
    /// Only employees holding this role (owners hold `administrator`).
    pub role: Option<Role>,
    /// Only employees in this status.
    pub status: Option<AccountStatus>,
    /// Only employees whose id sorts after this one.
    pub after: Option<AccountId>,
    /// At most this many.
    pub limit: u32,
}

/// Accounts: employees and customers of one business.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait AccountRepository: Send {
    /// Stores a new account.
    ///
    /// # Errors
    /// MUST return `Conflict::EmailTaken` when the normalized email is in use
    /// by any account of the business (R1).
    async fn insert(&mut self, account: &Account) -> Result<(), StoreError>;

    /// One account of the business; `None` for an id of another business (R12).
    async fn get(
        &mut self,
        business: BusinessId,
        id: AccountId,
    ) -> Result<Option<Account>, StoreError>;

    /// The accounts of the business with these ids (unknown ids are left out).
    async fn get_many(
        &mut self,
        business: BusinessId,
        ids: &[AccountId],
    ) -> Result<Vec<Account>, StoreError>;

    /// The account with this normalized email.
    async fn by_email(
        &mut self,
        business: BusinessId,
        normalized_email: &str,
    ) -> Result<Option<Account>, StoreError>;

    /// The accounts of the business with these normalized emails, in no
    /// particular order (emails of no account are left out).
    async fn by_emails(
        &mut self,
        business: BusinessId,
        normalized_emails: &[String],
    ) -> Result<Vec<Account>, StoreError>;

    /// Stores new accounts, all or (with an error) none of them: the bulk
    /// form of [`AccountRepository::insert`], for imports (C1).
    ///
    /// # Errors
    /// MUST return `Conflict::EmailTaken` as [`AccountRepository::insert`],
    /// also when two of `accounts` share a normalized email.
    async fn insert_many(&mut self, accounts: &[Account]) -> Result<(), StoreError>;

    /// Saves a changed account.
    ///
    /// # Errors
    /// MUST return `Conflict::EmailTaken` as [`AccountRepository::insert`].
    async fn update(&mut self, account: &Account) -> Result<(), StoreError>;

    /// Every employee of the business, in id order.
    async fn employees(&mut self, business: BusinessId) -> Result<Vec<Account>, StoreError>;

    /// A page of the business's employees in id order.
    async fn employees_page(
        &mut self,
        business: BusinessId,
        query: &EmployeeQuery,
    ) -> Result<Vec<Account>, StoreError>;

    /// Customers of the business in id order.
    async fn customers(
        &mut self,
        business: BusinessId,
        query: &CustomerQuery,
    ) -> Result<Vec<Account>, StoreError>;

    /// Sets the account's password hash.
    async fn set_password_hash(
        &mut self,
        business: BusinessId,
        id: AccountId,
        hash: &PasswordHash,
    ) -> Result<(), StoreError>;

    /// The account's password hash, if it has one.
    async fn password_hash(
        &mut self,
        business: BusinessId,
        id: AccountId,
    ) -> Result<Option<PasswordHash>, StoreError>;
}

/// The audit log (A7): append-only.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait AuditLog: Send {
    /// Records an event, in the same transaction as the change it records.
    async fn append(&mut self, event: &AuditEvent) -> Result<(), StoreError>;

    /// Events of the business, newest first, older than `before`.
    async fn list(
        &mut self,
        business: BusinessId,
        before: Option<AuditEventId>,
        limit: u32,
    ) -> Result<Vec<AuditEvent>, StoreError>;
}

/// The transactional outbox (A8).
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait Outbox: Send {
    /// Queues a message, in the same transaction as the change that caused it.
    async fn enqueue(&mut self, message: &OutboxMessage) -> Result<(), StoreError>;

    /// Up to `limit` unsent messages due at `now`, earliest due first, locked for
    /// this transaction so that two delivery workers (even in two server
    /// processes) never take the same one.
    async fn due(&mut self, now: Timestamp, limit: u32) -> Result<Vec<OutboxMessage>, StoreError>;

    /// Saves the delivery state (`sent_at`, `attempts`, …) of `messages`, in
    /// one write (a delivery round records a batch). Messages not stored are
    /// left out.
    async fn update(&mut self, messages: &[OutboxMessage]) -> Result<(), StoreError>;

    /// One message (for tests and operators).
    async fn get(
        &mut self,
        business: BusinessId,
        id: OutboxId,
    ) -> Result<Option<OutboxMessage>, StoreError>;

    /// Removes the unsent messages of `business` about `topic` (a
    /// booking's reminders, when it moves or is cancelled); answers how
    /// many. A message a worker is delivering meanwhile is the worker's: on
    /// PostgreSQL this waits for its row lock, and then it is sent.
    async fn withdraw(&mut self, business: BusinessId, topic: &str) -> Result<u64, StoreError>;
}
