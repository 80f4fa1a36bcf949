//! Sign-in state: sessions, emailed single-use tokens and throttling (A2–A4, A6).
//! Secrets never reach the store: sessions and tokens are kept by hash.

use async_trait::async_trait;
use rota_domain::account::Account;
use rota_domain::id::{AccountId, BusinessId, SessionId};
use rota_domain::jiff::Timestamp;
use rota_domain::session::{AccountToken, Session, TokenPurpose};
use rota_domain::throttle::Attempts;

use super::error::StoreError;
use super::services::TokenHash;

/// Sessions, found by the hash of their token (A3).
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait SessionRepository: Send {
    /// Stores a new session under its token's hash.
    async fn insert(&mut self, session: &Session, token: &TokenHash) -> Result<(), StoreError>;

    /// The session with this token hash, whichever business it is of, its
    /// account, and the revision of its business's row (see
    /// [`BusinessRepository::revised`](super::BusinessRepository::revised)),
    /// read together (one statement on the SQL stores: a request's sign-in
    /// check is one round trip).
    async fn by_token(
        &mut self,
        token: &TokenHash,
    ) -> Result<Option<(Session, Account, u64)>, StoreError>;

    /// Records a request at `at`.
    async fn touch(&mut self, id: SessionId, at: Timestamp) -> Result<(), StoreError>;

    /// Ends one session.
    async fn delete(&mut self, id: SessionId) -> Result<(), StoreError>;

    /// Ends every session of the account but `keep`; returns how many ended.
    async fn delete_for_account(
        &mut self,
        business: BusinessId,
        account: AccountId,
        keep: Option<SessionId>,
    ) -> Result<u64, StoreError>;

    /// Removes sessions that ended before `now` (housekeeping).
    async fn purge_expired(&mut self, now: Timestamp) -> Result<u64, StoreError>;
}

/// Emailed single-use tokens (A4, A6), found by hash.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait AccountTokenRepository: Send {
    /// Stores a new token.
    async fn insert(&mut self, token: &AccountToken, hash: &TokenHash) -> Result<(), StoreError>;

    /// The token with this hash, left in place (calendar feeds, W4).
    async fn find(&mut self, hash: &TokenHash) -> Result<Option<AccountToken>, StoreError>;

    /// Removes and returns the token with this hash (single use).
    async fn take(&mut self, hash: &TokenHash) -> Result<Option<AccountToken>, StoreError>;

    /// Voids every token of the account for `purpose` (a newer one voids
    /// older ones, A4).
    async fn void(
        &mut self,
        business: BusinessId,
        account: AccountId,
        purpose: TokenPurpose,
    ) -> Result<(), StoreError>;
}

/// Failure counters for throttling (A2), by key (`account:…`, `client:…`).
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait ThrottleRepository: Send {
    /// Holds `keys` until the transaction ends, so that reading a record
    /// and saving the next one is never interleaved with another
    /// transaction's doing the same (A9). A store whose write transactions
    /// already run one at a time (SQLite, memory) need do nothing.
    async fn hold(&mut self, keys: &[String]) -> Result<(), StoreError> {
        let _ = keys;
        Ok(())
    }

    /// The record of a key.
    async fn get(&mut self, key: &str) -> Result<Option<Attempts>, StoreError>;

    /// Saves the record of a key.
    async fn put(&mut self, key: &str, attempts: &Attempts) -> Result<(), StoreError>;

    /// Forgets a key.
    async fn clear(&mut self, key: &str) -> Result<(), StoreError>;
}
