//! Sessions, emailed tokens and throttle records in memory.

use async_trait::async_trait;
use rota_app::domain::account::Account;
use rota_app::domain::id::{AccountId, BusinessId, SessionId};
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::session::{AccountToken, Session, TokenPurpose};
use rota_app::domain::throttle::Attempts;
use rota_app::ports::{
    AccountTokenRepository, SessionRepository, StoreError, ThrottleRepository, TokenHash,
};

use crate::{DuplicateId, MemoryTx};

#[async_trait]
impl SessionRepository for MemoryTx {
    async fn insert(&mut self, session: &Session, token: &TokenHash) -> Result<(), StoreError> {
        if self.work.sessions.contains_key(token.as_str())
            || self.work.sessions.values().any(|s| s.id == session.id)
        {
            return Err(StoreError::other(DuplicateId("session")));
        }
        self.work
            .sessions
            .insert(token.as_str().to_owned(), session.clone());
        Ok(())
    }

    async fn by_token(
        &mut self,
        token: &TokenHash,
    ) -> Result<Option<(Session, Account, u64)>, StoreError> {
        let Some(session) = self.work.sessions.get(token.as_str()) else {
            return Ok(None);
        };
        let account = self
            .work
            .accounts
            .get(&(session.business_id, session.account_id))
            .cloned();
        let revision = self
            .work
            .business_revisions
            .get(&session.business_id)
            .copied()
            .unwrap_or(0);
        Ok(account.map(|a| (session.clone(), a, revision)))
    }

    async fn touch(&mut self, id: SessionId, at: Timestamp) -> Result<(), StoreError> {
        for s in self.work.sessions.values_mut().filter(|s| s.id == id) {
            s.last_seen_at = at;
        }
        Ok(())
    }

    async fn delete(&mut self, id: SessionId) -> Result<(), StoreError> {
        self.work.sessions.retain(|_, s| s.id != id);
        Ok(())
    }

    async fn delete_for_account(
        &mut self,
        business: BusinessId,
        account: AccountId,
        keep: Option<SessionId>,
    ) -> Result<u64, StoreError> {
        let before = self.work.sessions.len();
        self.work.sessions.retain(|_, s| {
            s.business_id != business || s.account_id != account || Some(s.id) == keep
        });
        Ok((before - self.work.sessions.len()) as u64)
    }

    async fn purge_expired(&mut self, now: Timestamp) -> Result<u64, StoreError> {
        let before = self.work.sessions.len();
        self.work.sessions.retain(|_, s| s.is_live(now));
        Ok((before - self.work.sessions.len()) as u64)
    }
}

#[async_trait]
impl AccountTokenRepository for MemoryTx {
    async fn insert(&mut self, token: &AccountToken, hash: &TokenHash) -> Result<(), StoreError> {
        if self.work.account_tokens.contains_key(hash.as_str()) {
            return Err(StoreError::other(DuplicateId("account token")));
        }
        self.work
            .account_tokens
            .insert(hash.as_str().to_owned(), token.clone());
        Ok(())
    }

    async fn find(&mut self, hash: &TokenHash) -> Result<Option<AccountToken>, StoreError> {
        Ok(self.work.account_tokens.get(hash.as_str()).cloned())
    }

    async fn take(&mut self, hash: &TokenHash) -> Result<Option<AccountToken>, StoreError> {
        Ok(self.work.account_tokens.remove(hash.as_str()))
    }

    async fn void(
        &mut self,
        business: BusinessId,
        account: AccountId,
        purpose: TokenPurpose,
    ) -> Result<(), StoreError> {
        self.work.account_tokens.retain(|_, t| {
            t.business_id != business || t.account_id != account || t.purpose != purpose
        });
        Ok(())
    }
}

#[async_trait]
impl ThrottleRepository for MemoryTx {
    async fn get(&mut self, key: &str) -> Result<Option<Attempts>, StoreError> {
        Ok(self.work.throttles.get(key).copied())
    }

    async fn put(&mut self, key: &str, attempts: &Attempts) -> Result<(), StoreError> {
        self.work.throttles.insert(key.to_owned(), *attempts);
        Ok(())
    }

    async fn clear(&mut self, key: &str) -> Result<(), StoreError> {
        self.work.throttles.remove(key);
        Ok(())
    }
}
