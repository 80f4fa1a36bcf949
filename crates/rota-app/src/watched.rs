//! A write transaction that, once committed, makes [`Recent`] forget what
//! it may have changed: every listed page of bookings on any commit, and
//! every remembered actor when it changed what actors are read from
//! (accounts, sessions, businesses).
//!
//! Every use case's writes go through [`crate::Rota`]'s `begin`, which wraps
//! each write transaction in this, so no use case has to remember to
//! forget. Only the writes that can change who an actor is or whether their
//! session lives count for actors: a new account or session, a session's
//! touch and a new password hash change no remembered actor (a password
//! change ends sessions with its own delete).

use std::sync::Arc;

use async_trait::async_trait;
use rota_domain::account::Account;
use rota_domain::business::Business;
use rota_domain::id::{AccountId, BusinessId, SessionId};
use rota_domain::jiff::Timestamp;
use rota_domain::name::Slug;
use rota_domain::session::Session;

use crate::ports::{
    AccountRepository, AccountTokenRepository, AuditLog, BookingRepository, BusinessRepository,
    CalendarRepository, CustomerQuery, IdempotencyRepository, Outbox, PasswordHash,
    ServiceRepository, SessionRepository, StoreError, ThrottleRepository, TimeEntryRepository,
    TokenHash, UnitOfWork,
};
use crate::recent::Recent;

/// A write transaction watched for changes to actors.
pub(crate) struct Watched {
    inner: Box<dyn UnitOfWork>,
    recent: Arc<Recent>,
    changed: bool,
}

impl Watched {
    pub(crate) fn new(inner: Box<dyn UnitOfWork>, recent: Arc<Recent>) -> Self {
        Self {
            inner,
            recent,
            changed: false,
        }
    }
}

#[async_trait]
impl UnitOfWork for Watched {
    fn businesses(&mut self) -> &mut dyn BusinessRepository {
        self
    }
    fn accounts(&mut self) -> &mut dyn AccountRepository {
        self
    }
    fn sessions(&mut self) -> &mut dyn SessionRepository {
        self
    }
    fn audit(&mut self) -> &mut dyn AuditLog {
        self.inner.audit()
    }
    fn outbox(&mut self) -> &mut dyn Outbox {
        self.inner.outbox()
    }
    fn services(&mut self) -> &mut dyn ServiceRepository {
        self.inner.services()
    }
    fn calendars(&mut self) -> &mut dyn CalendarRepository {
        self.inner.calendars()
    }
    fn bookings(&mut self) -> &mut dyn BookingRepository {
        self.inner.bookings()
    }
    fn idempotency(&mut self) -> &mut dyn IdempotencyRepository {
        self.inner.idempotency()
    }
    fn time_entries(&mut self) -> &mut dyn TimeEntryRepository {
        self.inner.time_entries()
    }
    fn account_tokens(&mut self) -> &mut dyn AccountTokenRepository {
        self.inner.account_tokens()
    }
    fn throttles(&mut self) -> &mut dyn ThrottleRepository {
        self.inner.throttles()
    }
    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        let Self {
            inner,
            recent,
            changed,
        } = *self;
        inner.commit().await?;
        recent.listings.forget_all();
        if changed {
            recent.sessions.forget_all();
        }
        Ok(())
    }
}

#[async_trait]
impl BusinessRepository for Watched {
    async fn insert(&mut self, business: &Business) -> Result<(), StoreError> {
        self.inner.businesses().insert(business).await
    }
    async fn get(&mut self, id: BusinessId) -> Result<Option<Business>, StoreError> {
        self.inner.businesses().get(id).await
    }
    async fn by_slug(&mut self, slug: &Slug) -> Result<Option<Business>, StoreError> {
        self.inner.businesses().by_slug(slug).await
    }
    async fn lock(&mut self, id: BusinessId) -> Result<Option<Business>, StoreError> {
        self.inner.businesses().lock(id).await
    }
    async fn update(&mut self, business: &Business) -> Result<(), StoreError> {
        self.changed = true;
        self.inner.businesses().update(business).await
    }
}

#[async_trait]
impl AccountRepository for Watched {
    async fn insert(&mut self, account: &Account) -> Result<(), StoreError> {
        self.inner.accounts().insert(account).await
    }
    async fn get(
        &mut self,
        business: BusinessId,
        id: AccountId,
    ) -> Result<Option<Account>, StoreError> {
        self.inner.accounts().get(business, id).await
    }
    async fn get_many(
        &mut self,
        business: BusinessId,
        ids: &[AccountId],
    ) -> Result<Vec<Account>, StoreError> {
        self.inner.accounts().get_many(business, ids).await
    }
    async fn by_email(
        &mut self,
        business: BusinessId,
        normalized_email: &str,
    ) -> Result<Option<Account>, StoreError> {
        self.inner
            .accounts()
            .by_email(business, normalized_email)
            .await
    }
    async fn update(&mut self, account: &Account) -> Result<(), StoreError> {
        self.changed = true;
        self.inner.accounts().update(account).await
    }
    async fn employees(&mut self, business: BusinessId) -> Result<Vec<Account>, StoreError> {
        self.inner.accounts().employees(business).await
    }
    async fn customers(
        &mut self,
        business: BusinessId,
        query: &CustomerQuery,
    ) -> Result<Vec<Account>, StoreError> {
        self.inner.accounts().customers(business, query).await
    }
    async fn set_password_hash(
        &mut self,
        business: BusinessId,
        id: AccountId,
        hash: &PasswordHash,
    ) -> Result<(), StoreError> {
        self.inner
            .accounts()
            .set_password_hash(business, id, hash)
            .await
    }
    async fn password_hash(
        &mut self,
        business: BusinessId,
        id: AccountId,
    ) -> Result<Option<PasswordHash>, StoreError> {
        self.inner.accounts().password_hash(business, id).await
    }
}

#[async_trait]
impl SessionRepository for Watched {
    async fn insert(&mut self, session: &Session, token: &TokenHash) -> Result<(), StoreError> {
        self.inner.sessions().insert(session, token).await
    }
    async fn by_token(&mut self, token: &TokenHash) -> Result<Option<Session>, StoreError> {
        self.inner.sessions().by_token(token).await
    }
    async fn touch(&mut self, id: SessionId, at: Timestamp) -> Result<(), StoreError> {
        self.inner.sessions().touch(id, at).await
    }
    async fn delete(&mut self, id: SessionId) -> Result<(), StoreError> {
        self.changed = true;
        self.inner.sessions().delete(id).await
    }
    async fn delete_for_account(
        &mut self,
        business: BusinessId,
        account: AccountId,
        keep: Option<SessionId>,
    ) -> Result<u64, StoreError> {
        self.changed = true;
        self.inner
            .sessions()
            .delete_for_account(business, account, keep)
            .await
    }
    async fn purge_expired(&mut self, now: Timestamp) -> Result<u64, StoreError> {
        // Ended sessions are never recalled (`Recent` checks).
        self.inner.sessions().purge_expired(now).await
    }
}
