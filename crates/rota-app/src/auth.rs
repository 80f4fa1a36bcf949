//! Signing in and out, and finding who is behind a session token (A2, A3).
//!
//! Sign-in answers `invalid_credentials` alike for an unknown business or
//! email, a wrong password, and a deactivated or only-invited account: each
//! path verifies one argon2 hash (the hasher's dummy hash when there is no
//! real one) after counting one attempt, so neither the answer nor its
//! timing tells them apart. Attempts are counted before the password is
//! checked and throttled per account and address, per account and per
//! address (A9, `rota_domain::throttle`).

use rota_domain::account::Account;
use rota_domain::actor::Actor;
use rota_domain::audit::AuditChange;
use rota_domain::business::Business;
use rota_domain::email;
use rota_domain::id::SessionId;
use rota_domain::jiff::{SignedDuration, Timestamp};
use rota_domain::name::Slug;
use rota_domain::session::Session;
use rota_domain::throttle::{
    Attempts, PER_ACCOUNT, PER_ACCOUNT_ANYWHERE, PER_CLIENT, ThrottlePolicy,
};
use secrecy::SecretString;

use crate::Rota;
use crate::error::{Classify, ErrorKind};
use crate::ports::{HashError, StoreError, TxMode, UnitOfWork};

/// A sign-in request.
#[derive(Debug)]
pub struct SignIn {
    /// The business's slug.
    pub business: String,
    /// The email, as typed.
    pub email: String,
    /// The password.
    pub password: SecretString,
    /// The client's address, for per-client throttling (A2).
    pub client: Option<String>,
}

/// A new session and whose it is.
#[derive(Debug)]
pub struct SignedIn {
    /// The session's secret token: shown once, to its holder, never stored.
    pub token: SecretString,
    /// The session.
    pub session: Session,
    /// The account signed in.
    pub account: Account,
    /// Its business.
    pub business: Business,
}

/// Why sign-in failed.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// A2: unknown business or email, wrong password, or an account that may
    /// not sign in; deliberately not told apart.
    #[error("the email or password is not right")]
    InvalidCredentials,
    /// A2: too many failures; try again after this long.
    #[error("too many failed attempts; try again in {} s", retry_after.as_secs())]
    TooManyAttempts {
        /// How long to wait.
        retry_after: SignedDuration,
    },
    /// Hashing failed.
    #[error(transparent)]
    Hash(#[from] HashError),
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

impl Classify for SignInError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidCredentials => ErrorKind::Unauthenticated,
            Self::TooManyAttempts { .. } => ErrorKind::TooManyRequests,
            Self::Hash(h) => h.kind(),
            Self::Unexpected(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::InvalidCredentials => "invalid_credentials",
            Self::TooManyAttempts { .. } => "too_many_attempts",
            Self::Hash(h) => h.code(),
            Self::Unexpected(e) => e.code(),
        }
    }
}

/// Why a session token was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum AuthenticateError {
    /// No such session, or it expired, or its account may no longer sign in.
    #[error("not signed in")]
    Unauthenticated,
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

impl Classify for AuthenticateError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Unauthenticated => ErrorKind::Unauthenticated,
            Self::Unexpected(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated => "unauthenticated",
            Self::Unexpected(e) => e.code(),
        }
    }
}

/// Who is behind a session.
#[derive(Clone, Debug)]
pub struct Authenticated {
    /// The actor, as of now.
    pub actor: Actor,
    /// The session.
    pub session: Session,
}

/// The throttle key of an account: by business and email as typed, so that
/// unknown emails are throttled exactly like known ones.
pub(crate) fn account_key(business: &str, email_input: &str) -> String {
    format!(
        "account:{}:{}",
        business.trim().to_lowercase(),
        email::normalize(email_input)
    )
}

/// Every throttle key that names an account's address: sign-in and
/// password-reset requests (erasure clears them).
pub(crate) fn throttle_keys_of(business: &str, email: &str) -> [String; 2] {
    let key = account_key(business, email);
    [format!("forgot:{key}"), key]
}

/// One throttle key and its schedule.
pub(crate) type Throttled<'p> = (String, &'p ThrottlePolicy);

/// What counting an attempt found (A9).
pub(crate) struct Counted {
    /// The latest instant until which a key was blocked before this attempt,
    /// if any was (then nothing was counted).
    pub(crate) blocked_until: Option<Timestamp>,
    /// The records after counting, in the order of the keys.
    pub(crate) after: Vec<Attempts>,
}

impl Rota {
    /// Counts one attempt against every key, in one write transaction that
    /// holds the keys (A9): the attempt is counted before any password is
    /// checked, so parallel attempts see each other. A key already blocked
    /// counts nothing and says until when.
    pub(crate) async fn count_attempt(
        &self,
        keys: &[Throttled<'_>],
    ) -> Result<Counted, StoreError> {
        let now = self.now();
        let names: Vec<String> = keys.iter().map(|(k, _)| k.clone()).collect();
        let mut tx = self.begin(TxMode::Write).await?;
        tx.throttles().hold(&names).await?;
        let mut before = Vec::with_capacity(keys.len());
        let mut blocked_until: Option<Timestamp> = None;
        for (key, _) in keys {
            let record = tx.throttles().get(key).await?;
            if let Some(until) = record.and_then(|a| a.check(now).err()) {
                blocked_until = Some(blocked_until.map_or(until, |b| b.max(until)));
            }
            before.push(record);
        }
        if blocked_until.is_some() {
            return Ok(Counted {
                blocked_until,
                after: before.into_iter().flatten().collect(),
            });
        }
        let mut after = Vec::with_capacity(keys.len());
        for ((key, policy), previous) in keys.iter().zip(before) {
            let next = Attempts::after_failure(previous, policy, now);
            tx.throttles().put(key, &next).await?;
            after.push(next);
        }
        tx.commit().await?;
        Ok(Counted {
            blocked_until: None,
            after,
        })
    }

    /// Takes back one counted attempt from each key (it succeeded, A9).
    async fn take_back(
        &self,
        tx: &mut dyn UnitOfWork,
        keys: &[Throttled<'_>],
    ) -> Result<(), StoreError> {
        let names: Vec<String> = keys.iter().map(|(k, _)| k.clone()).collect();
        tx.throttles().hold(&names).await?;
        for (key, policy) in keys {
            if let Some(a) = tx.throttles().get(key).await? {
                tx.throttles().put(key, &a.taken_back(policy)).await?;
            }
        }
        Ok(())
    }

    /// Signs in with a business slug, email and password (A2, A3, A9).
    ///
    /// The attempt is counted against the account from this client, the
    /// account from anywhere and the client before the password is checked;
    /// success forgets the account-and-client key and takes the attempt back
    /// from the other two.
    pub async fn sign_in(&self, request: SignIn) -> Result<SignedIn, SignInError> {
        let now = self.now();
        let account_key = account_key(&request.business, &request.email);
        let here = request.client.as_deref().unwrap_or("unknown");
        let mine = format!("{account_key}:from:{here}");
        let mut keys: Vec<Throttled<'_>> = vec![
            (mine.clone(), &PER_ACCOUNT),
            (account_key.clone(), &PER_ACCOUNT_ANYWHERE),
        ];
        if let Some(client) = &request.client {
            keys.push((format!("client:{client}"), &PER_CLIENT));
        }
        let counted = self.count_attempt(&keys).await?;
        if let Some(until) = counted.blocked_until {
            return Err(SignInError::TooManyAttempts {
                retry_after: retry_after(now, until),
            });
        }

        let mut tx = self.begin(TxMode::Read).await?;
        let found = find_account(tx.as_mut(), &request).await?;
        drop(tx);

        let (business, account, hash) = match found {
            Some((b, a, Some(h))) => (Some(b), Some(a), h),
            Some((b, a, None)) => (Some(b), Some(a), self.hasher().dummy_hash()),
            None => (None, None, self.hasher().dummy_hash()),
        };
        let verified = self.hasher().verify(&request.password, &hash).await?;
        let may_sign_in = account.as_ref().is_some_and(Account::may_sign_in);

        if let (true, true, Some(business), Some(account)) =
            (verified, may_sign_in, business.clone(), account.clone())
        {
            let rehash = if self.hasher().needs_rehash(&hash) {
                Some(self.hasher().hash(&request.password).await?)
            } else {
                None
            };
            let mut tx = self.begin(TxMode::Write).await?;
            if let Some(new_hash) = rehash {
                tx.accounts()
                    .set_password_hash(business.id, account.id, &new_hash)
                    .await?;
            }
            self.take_back(tx.as_mut(), &keys[1..]).await?;
            tx.throttles().clear(&mine).await?;
            let (token, session) = self.open_session(tx.as_mut(), &account).await?;
            tx.commit().await?;
            return Ok(SignedIn {
                token,
                session,
                account,
                business,
            });
        }

        let burst = counted
            .after
            .first()
            .is_some_and(|a| a.starts_burst(&PER_ACCOUNT));
        if let (Some(account), true) = (&account, burst) {
            let change = AuditChange::SignInFailures {
                count: counted.after[0].failures,
            };
            let event = self.audit_event(account.business_id, None, Some(account.id), change);
            let mut tx = self.begin(TxMode::Write).await?;
            tx.audit().append(&event).await?;
            tx.commit().await?;
        }
        Err(SignInError::InvalidCredentials)
    }

    /// Starts a session for `account` in `tx`; returns its token.
    pub(crate) async fn open_session(
        &self,
        tx: &mut dyn UnitOfWork,
        account: &Account,
    ) -> Result<(SecretString, Session), StoreError> {
        let now = self.now();
        let token = self.tokens().issue();
        let session = Session {
            id: SessionId::from_uuid(self.new_uuid()),
            business_id: account.business_id,
            account_id: account.id,
            created_at: now,
            last_seen_at: now,
        };
        tx.sessions()
            .insert(&session, &self.tokens().hash(&token))
            .await?;
        Ok((token, session))
    }

    /// The actor behind a session token (A3): the session must be live and
    /// its account active. Refreshes the idle timer. Always asks the store,
    /// so a sign-out or deactivation on any process counts at once.
    pub async fn authenticate(
        &self,
        token: &SecretString,
    ) -> Result<Authenticated, AuthenticateError> {
        let now = self.now();
        let hash = self.tokens().hash(token);
        // One statement on a connection without a transaction: the session
        // and its account as of one instant.
        let mut tx = self.begin(TxMode::ReadOnce).await?;
        let (session, account, revision) = tx
            .sessions()
            .by_token(&hash)
            .await?
            .filter(|(s, a, _)| s.is_live(now) && a.may_sign_in())
            .ok_or(AuthenticateError::Unauthenticated)?;
        drop(tx);
        let mut session = session;
        if session.wants_touch(now) {
            let mut tx = self.begin(TxMode::Write).await?;
            tx.sessions().touch(session.id, now).await?;
            tx.commit().await?;
            session.last_seen_at = now;
        }
        Ok(Authenticated {
            actor: Actor {
                business_revision: Some(revision),
                ..Actor::of(&account)
            },
            session,
        })
    }

    /// Ends a session (sign-out).
    pub async fn sign_out(&self, session: SessionId) -> Result<(), StoreError> {
        let mut tx = self.begin(TxMode::Write).await?;
        tx.sessions().delete(session).await?;
        tx.commit().await
    }

    /// Removes ended sessions (housekeeping; the server runs it now and then).
    pub async fn purge_expired_sessions(&self) -> Result<u64, StoreError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let n = tx.sessions().purge_expired(self.now()).await?;
        tx.commit().await?;
        Ok(n)
    }
}

/// Whole seconds until `until`, rounded up, at least one (for `Retry-After`).
fn retry_after(now: Timestamp, until: Timestamp) -> SignedDuration {
    let wait = until.duration_since(now);
    let secs = wait.as_secs() + i64::from(wait.subsec_nanos() > 0);
    SignedDuration::from_secs(secs.max(1))
}

/// The business, account and stored hash the request names, if any.
async fn find_account(
    tx: &mut dyn UnitOfWork,
    request: &SignIn,
) -> Result<Option<(Business, Account, Option<crate::ports::PasswordHash>)>, StoreError> {
    let Ok(slug) = Slug::parse(&request.business) else {
        return Ok(None);
    };
    let Some(business) = tx.businesses().by_slug(&slug).await? else {
        return Ok(None);
    };
    let normalized = email::normalize(&request.email);
    let Some(account) = tx.accounts().by_email(business.id, &normalized).await? else {
        return Ok(None);
    };
    let hash = tx.accounts().password_hash(business.id, account.id).await?;
    Ok(Some((business, account, hash)))
}
