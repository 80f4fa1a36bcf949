//! An in-memory implementation of Rota's storage ports, for tests and for
//! library users who want no database.
//!
//! Transactions are real: a write transaction holds the store's lock from
//! `begin` to `commit` (so writers are serialized, as `BEGIN IMMEDIATE` does
//! for `SQLite`), works on its own copy, and publishes it at `commit`; a
//! transaction dropped without committing leaves no trace. Read transactions
//! work on a snapshot. Each transaction copies the state, so this store suits
//! tests and small data sets, not production volumes.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use rota_app::domain::account::Account;
use rota_app::domain::audit::{AuditEvent, AuditEventId};
use rota_app::domain::booking::{Booking, Payment};
use rota_app::domain::business::Business;
use rota_app::domain::calendar::WorkCalendar;
use rota_app::domain::id::{
    AccountId, BookingId, BusinessId, OutboxId, ServiceId, TimeEntryId, TimeOffId,
};
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::name::Slug;
use rota_app::domain::outbox::OutboxMessage;
use rota_app::domain::service::Service;
use rota_app::domain::session::{AccountToken, Session};
use rota_app::domain::throttle::Attempts;
use rota_app::domain::time_entry::TimeEntry;
use rota_app::domain::time_off::TimeOff;
use rota_app::ports::{
    AccountRepository, AuditLog, BusinessRepository, Conflict, CustomerQuery, EmployeeQuery,
    IdempotencyRecord, Outbox, PasswordHash, Store, StoreError, TxMode, UnitOfWork,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

mod auth;
mod calendar_links;
mod erasure;
mod reports;
mod scheduling;

#[derive(Clone, Debug, Default)]
pub(crate) struct State {
    businesses: BTreeMap<BusinessId, Business>,
    /// Each business's revision: how many times its row was updated.
    pub(crate) business_revisions: BTreeMap<BusinessId, u64>,
    accounts: BTreeMap<(BusinessId, AccountId), Account>,
    passwords: HashMap<(BusinessId, AccountId), PasswordHash>,
    audit: BTreeMap<(BusinessId, AuditEventId), AuditEvent>,
    services: BTreeMap<(BusinessId, ServiceId), Service>,
    calendars: HashMap<(BusinessId, AccountId), WorkCalendar>,
    time_off: BTreeMap<(BusinessId, TimeOffId), TimeOff>,
    bookings: BTreeMap<(BusinessId, BookingId), Booking>,
    payments: Vec<Payment>,
    payment_requests: Vec<rota_app::domain::booking::PaymentRequest>,
    idempotency: HashMap<(BusinessId, AccountId, String), IdempotencyRecord>,
    time_entries: BTreeMap<(BusinessId, TimeEntryId), TimeEntry>,
    outbox: BTreeMap<(BusinessId, OutboxId), OutboxMessage>,
    sessions: HashMap<String, Session>,
    account_tokens: HashMap<String, AccountToken>,
    throttles: HashMap<String, Attempts>,
    calendar_links: BTreeMap<(BusinessId, AccountId), rota_app::ports::StoredCalendarLink>,
    calendar_busy: Vec<(BusinessId, AccountId, rota_app::domain::time::TimeRange)>,
}

/// A second row with an id that is already taken (a primary-key violation).
#[derive(Debug, thiserror::Error)]
#[error("duplicate {0} id")]
struct DuplicateId(&'static str);

/// The store. Clones share the same data.
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    state: Arc<Mutex<State>>,
}

impl MemoryStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl Store for MemoryStore {
    async fn begin(&self, mode: TxMode) -> Result<Box<dyn UnitOfWork>, StoreError> {
        let tx = match mode {
            TxMode::Read | TxMode::ReadOnce => {
                let work = self.state.lock().await.clone();
                MemoryTx { guard: None, work }
            }
            TxMode::Write => {
                let guard = Arc::clone(&self.state).lock_owned().await;
                let work = guard.clone();
                MemoryTx {
                    guard: Some(guard),
                    work,
                }
            }
        };
        Ok(Box::new(tx))
    }
}

pub(crate) struct MemoryTx {
    /// Held by write transactions until they end.
    guard: Option<OwnedMutexGuard<State>>,
    /// This transaction's copy.
    pub(crate) work: State,
}

#[async_trait]
impl UnitOfWork for MemoryTx {
    rota_app::repositories_are_self!();

    async fn commit(mut self: Box<Self>) -> Result<(), StoreError> {
        if let Some(mut guard) = self.guard.take() {
            *guard = std::mem::take(&mut self.work);
        }
        Ok(())
    }
}

#[async_trait]
impl BusinessRepository for MemoryTx {
    async fn insert(&mut self, business: &Business) -> Result<(), StoreError> {
        if self
            .work
            .businesses
            .values()
            .any(|b| b.slug == business.slug)
        {
            return Err(Conflict::SlugTaken.into());
        }
        self.work.businesses.insert(business.id, business.clone());
        Ok(())
    }

    async fn get(&mut self, id: BusinessId) -> Result<Option<Business>, StoreError> {
        Ok(self.work.businesses.get(&id).cloned())
    }

    async fn revised(&mut self, id: BusinessId) -> Result<Option<(Business, u64)>, StoreError> {
        let revision = self.work.business_revisions.get(&id).copied().unwrap_or(0);
        Ok(self.work.businesses.get(&id).map(|b| (b.clone(), revision)))
    }

    async fn by_slug(&mut self, slug: &Slug) -> Result<Option<Business>, StoreError> {
        Ok(self
            .work
            .businesses
            .values()
            .find(|b| &b.slug == slug)
            .cloned())
    }

    async fn lock(&mut self, id: BusinessId) -> Result<Option<Business>, StoreError> {
        // A write transaction already holds the whole store.
        Ok(self.work.businesses.get(&id).cloned())
    }

    async fn update(&mut self, business: &Business) -> Result<(), StoreError> {
        if self
            .work
            .businesses
            .values()
            .any(|b| b.slug == business.slug && b.id != business.id)
        {
            return Err(Conflict::SlugTaken.into());
        }
        self.work.businesses.insert(business.id, business.clone());
        *self.work.business_revisions.entry(business.id).or_default() += 1;
        Ok(())
    }
}

impl MemoryTx {
    fn email_taken(&self, account: &Account) -> bool {
        self.work
            .accounts
            .range(
                (
                    account.business_id,
                    AccountId::from_uuid(rota_app::domain::uuid::Uuid::nil()),
                )..,
            )
            .take_while(|((b, _), _)| *b == account.business_id)
            .any(|((_, id), a)| {
                *id != account.id && a.email.normalized() == account.email.normalized()
            })
    }

    fn of_business(&self, business: BusinessId) -> impl Iterator<Item = &Account> {
        self.work
            .accounts
            .range(
                (
                    business,
                    AccountId::from_uuid(rota_app::domain::uuid::Uuid::nil()),
                )..,
            )
            .take_while(move |((b, _), _)| *b == business)
            .map(|(_, a)| a)
    }
}

#[async_trait]
impl AccountRepository for MemoryTx {
    async fn insert(&mut self, account: &Account) -> Result<(), StoreError> {
        if self.email_taken(account) {
            return Err(Conflict::EmailTaken.into());
        }
        self.work
            .accounts
            .insert((account.business_id, account.id), account.clone());
        Ok(())
    }

    async fn get(
        &mut self,
        business: BusinessId,
        id: AccountId,
    ) -> Result<Option<Account>, StoreError> {
        Ok(self.work.accounts.get(&(business, id)).cloned())
    }

    async fn get_many(
        &mut self,
        business: BusinessId,
        ids: &[AccountId],
    ) -> Result<Vec<Account>, StoreError> {
        Ok(ids
            .iter()
            .filter_map(|id| self.work.accounts.get(&(business, *id)).cloned())
            .collect())
    }

    async fn by_email(
        &mut self,
        business: BusinessId,
        normalized_email: &str,
    ) -> Result<Option<Account>, StoreError> {
        Ok(self
            .of_business(business)
            .find(|a| a.email.normalized() == normalized_email)
            .cloned())
    }

    async fn by_emails(
        &mut self,
        business: BusinessId,
        normalized_emails: &[String],
    ) -> Result<Vec<Account>, StoreError> {
        let wanted: std::collections::HashSet<&str> =
            normalized_emails.iter().map(String::as_str).collect();
        Ok(self
            .of_business(business)
            .filter(|a| wanted.contains(a.email.normalized()))
            .cloned()
            .collect())
    }

    async fn insert_many(&mut self, accounts: &[Account]) -> Result<(), StoreError> {
        for (i, account) in accounts.iter().enumerate() {
            if self.email_taken(account) {
                for written in &accounts[..i] {
                    self.work
                        .accounts
                        .remove(&(written.business_id, written.id));
                }
                return Err(Conflict::EmailTaken.into());
            }
            self.work
                .accounts
                .insert((account.business_id, account.id), account.clone());
        }
        Ok(())
    }

    async fn update(&mut self, account: &Account) -> Result<(), StoreError> {
        if self.email_taken(account) {
            return Err(Conflict::EmailTaken.into());
        }
        self.work
            .accounts
            .insert((account.business_id, account.id), account.clone());
        Ok(())
    }

    async fn employees(&mut self, business: BusinessId) -> Result<Vec<Account>, StoreError> {
        Ok(self
            .of_business(business)
            .filter(|a| a.employee().is_some())
            .cloned()
            .collect())
    }

    async fn employees_page(
        &mut self,
        business: BusinessId,
        query: &EmployeeQuery,
    ) -> Result<Vec<Account>, StoreError> {
        let mut found: Vec<Account> = self
            .of_business(business)
            .filter(|a| {
                a.employee()
                    .is_some_and(|e| query.role.is_none_or(|r| e.roles.roles().contains(r)))
            })
            .filter(|a| query.status.is_none_or(|s| a.status == s))
            .filter(|a| query.after.is_none_or(|after| a.id > after))
            .cloned()
            .collect();
        found.sort_by_key(|a| a.id);
        found.truncate(usize::try_from(query.limit).unwrap_or(usize::MAX));
        Ok(found)
    }

    async fn customers(
        &mut self,
        business: BusinessId,
        query: &CustomerQuery,
    ) -> Result<Vec<Account>, StoreError> {
        let matches = |a: &Account| {
            let Some(c) = a.customer() else { return false };
            query.text.as_deref().is_none_or(|t| {
                a.email.normalized().contains(t) || c.full_name().to_lowercase().contains(t)
            })
        };
        Ok(self
            .of_business(business)
            .filter(|a| query.after.is_none_or(|after| a.id > after))
            .filter(|a| matches(a))
            .take(query.limit as usize)
            .cloned()
            .collect())
    }

    async fn set_password_hash(
        &mut self,
        business: BusinessId,
        id: AccountId,
        hash: &PasswordHash,
    ) -> Result<(), StoreError> {
        self.work.passwords.insert((business, id), hash.clone());
        Ok(())
    }

    async fn password_hash(
        &mut self,
        business: BusinessId,
        id: AccountId,
    ) -> Result<Option<PasswordHash>, StoreError> {
        Ok(self.work.passwords.get(&(business, id)).cloned())
    }
}

#[async_trait]
impl AuditLog for MemoryTx {
    async fn append(&mut self, event: &AuditEvent) -> Result<(), StoreError> {
        let key = (event.business_id, event.id);
        if self.work.audit.contains_key(&key) {
            return Err(StoreError::other(DuplicateId("audit event")));
        }
        self.work.audit.insert(key, event.clone());
        Ok(())
    }

    async fn list(
        &mut self,
        business: BusinessId,
        before: Option<AuditEventId>,
        limit: u32,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        Ok(self
            .work
            .audit
            .iter()
            .rev()
            .filter(|((b, id), _)| *b == business && before.is_none_or(|before| *id < before))
            .take(limit as usize)
            .map(|(_, e)| e.clone())
            .collect())
    }
}

#[async_trait]
impl Outbox for MemoryTx {
    async fn enqueue(&mut self, message: &OutboxMessage) -> Result<(), StoreError> {
        let key = (message.business_id, message.id);
        if self.work.outbox.contains_key(&key) {
            return Err(StoreError::other(DuplicateId("outbox message")));
        }
        self.work.outbox.insert(key, message.clone());
        Ok(())
    }

    async fn due(&mut self, now: Timestamp, limit: u32) -> Result<Vec<OutboxMessage>, StoreError> {
        let mut due: Vec<OutboxMessage> = self
            .work
            .outbox
            .values()
            .filter(|m| m.sent_at.is_none() && m.next_attempt_at <= now)
            .cloned()
            .collect();
        due.sort_by_key(|m| (m.next_attempt_at, m.created_at, m.id));
        due.truncate(limit as usize);
        Ok(due)
    }

    async fn update(&mut self, messages: &[OutboxMessage]) -> Result<(), StoreError> {
        for message in messages {
            if let Some(stored) = self.work.outbox.get_mut(&(message.business_id, message.id)) {
                stored.clone_from(message);
            }
        }
        Ok(())
    }

    async fn get(
        &mut self,
        business: BusinessId,
        id: OutboxId,
    ) -> Result<Option<OutboxMessage>, StoreError> {
        Ok(self.work.outbox.get(&(business, id)).cloned())
    }

    async fn withdraw(&mut self, business: BusinessId, topic: &str) -> Result<u64, StoreError> {
        let before = self.work.outbox.len();
        self.work.outbox.retain(|(b, _), m| {
            !(*b == business && m.sent_at.is_none() && m.topic.as_deref() == Some(topic))
        });
        Ok((before - self.work.outbox.len()) as u64)
    }
}
