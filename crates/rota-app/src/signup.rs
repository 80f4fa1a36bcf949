//! Sign up: a new business with its creator as the one active owner, on the
//! free `starter` plan.

use rota_domain::account::{Account, AccountStatus, EmployeeProfile, Profile};
use rota_domain::audit::AuditChange;
use rota_domain::business::{Business, BusinessSettings, Currency, Zone};
use rota_domain::email::EmailAddress;
use rota_domain::name::{BusinessName, PersonName, Slug};
use rota_domain::password::PasswordRejected;
use rota_domain::plan::Subscription;
use rota_domain::role::{EmployeeRoles, RoleSet};
use rota_domain::session::Session;
use secrecy::SecretString;

use crate::Rota;
use crate::error::{Classify, ErrorKind};
use crate::passwords::check_new_password;
use crate::ports::{Conflict, HashError, StoreError, TxMode};

/// A sign-up request.
#[derive(Debug)]
pub struct SignUp {
    /// The business's name.
    pub business_name: BusinessName,
    /// Its unique handle.
    pub slug: Slug,
    /// Its time zone.
    pub time_zone: Zone,
    /// Its currency.
    pub currency: Currency,
    /// The owner's name.
    pub owner_name: PersonName,
    /// The owner's email.
    pub email: EmailAddress,
    /// The owner's password.
    pub password: SecretString,
}

/// What sign-up made.
#[derive(Debug)]
pub struct SignedUp {
    /// The business.
    pub business: Business,
    /// Its owner.
    pub owner: Account,
    /// The owner's first session's secret token (A3).
    pub token: SecretString,
    /// That session.
    pub session: Session,
}

/// Why sign-up failed.
#[derive(Debug, thiserror::Error)]
pub enum SignUpError {
    /// A1.
    #[error(transparent)]
    WeakPassword(#[from] PasswordRejected),
    /// The slug is taken.
    #[error("slug already taken")]
    SlugTaken,
    /// Hashing failed.
    #[error(transparent)]
    Hash(#[from] HashError),
    /// Storage failed.
    #[error(transparent)]
    Unexpected(StoreError),
}

impl From<StoreError> for SignUpError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(Conflict::SlugTaken) => Self::SlugTaken,
            other => Self::Unexpected(other),
        }
    }
}

impl Classify for SignUpError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::WeakPassword(_) => ErrorKind::Invalid,
            Self::SlugTaken => ErrorKind::Conflict,
            Self::Hash(h) => h.kind(),
            Self::Unexpected(_) => ErrorKind::Unexpected,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::WeakPassword(p) => p.code(),
            Self::SlugTaken => "slug_taken",
            Self::Hash(h) => h.code(),
            Self::Unexpected(_) => "internal",
        }
    }
}

impl Rota {
    /// Signs a business up with its owner (active, password set).
    pub async fn sign_up(&self, request: SignUp) -> Result<SignedUp, SignUpError> {
        check_new_password(&request.password)?;
        // A10: a taken slug is refused before any hashing.
        let mut tx = self.begin(TxMode::ReadOnce).await?;
        if tx.businesses().by_slug(&request.slug).await?.is_some() {
            return Err(SignUpError::SlugTaken);
        }
        drop(tx);
        let hash = self.hasher().hash(&request.password).await?;
        let now = self.now();
        let business = Business {
            id: self.new_business_id(),
            name: request.business_name,
            slug: request.slug,
            time_zone: request.time_zone,
            currency: request.currency,
            subscription: Subscription::new_business(),
            settings: BusinessSettings::default(),
            created_at: now,
        };
        let owner = Account {
            id: self.new_account_id(),
            business_id: business.id,
            email: request.email,
            status: AccountStatus::Active,
            profile: Profile::Employee(EmployeeProfile {
                name: request.owner_name,
                phone: None,
                roles: EmployeeRoles::owner_with(RoleSet::Administrator),
            }),
            created_at: now,
            activated_at: Some(now),
        };
        let mut tx = self.begin(TxMode::Write).await?;
        tx.businesses().insert(&business).await?;
        tx.accounts().insert(&owner).await?;
        tx.accounts()
            .set_password_hash(business.id, owner.id, &hash)
            .await?;
        let event = self.audit_event(
            business.id,
            Some(owner.id),
            Some(owner.id),
            AuditChange::BusinessCreated,
        );
        tx.audit().append(&event).await?;
        let (token, session) = self.open_session(tx.as_mut(), &owner).await?;
        tx.commit().await?;
        Ok(SignedUp {
            business,
            owner,
            token,
            session,
        })
    }
}
