//! Services: list (everyone), create and change (administrators).

use rota_domain::actor::Actor;
use rota_domain::id::{AccountId, ServiceId};
use rota_domain::money::Money;
use rota_domain::name::BusinessName;
use rota_domain::policy::{Action, Denied, authorize};
use rota_domain::service::{Buffers, InvalidBuffer, Service, ServiceDuration};

use crate::Rota;
use crate::error::{Classify, ErrorKind};
use crate::ports::{StoreError, TxMode, UnitOfWork};

/// A new service.
#[derive(Clone, Debug)]
pub struct NewService {
    /// Its name.
    pub name: BusinessName,
    /// How long it takes.
    pub duration: ServiceDuration,
    /// Its price.
    pub price: Money,
    /// Who offers it; empty = every provider.
    pub providers: Vec<AccountId>,
    /// The time it keeps its provider free before and after it.
    pub buffers: Buffers,
}

/// Changes to a service; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
#[allow(missing_docs)]
pub struct ServiceChanges {
    pub name: Option<BusinessName>,
    pub duration: Option<ServiceDuration>,
    pub price: Option<Money>,
    pub providers: Option<Vec<AccountId>>,
    pub active: Option<bool>,
    /// Minutes kept free before it (0–240).
    pub buffer_before_minutes: Option<u32>,
    /// Minutes kept free after it (0–240).
    pub buffer_after_minutes: Option<u32>,
}

/// Why a service use case failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The policy refused, or no such service.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// A listed provider is not a service provider of the business (422).
    #[error("{0} is not a service provider of this business")]
    UnknownProvider(AccountId),
    /// A buffer out of 0–240 minutes (422).
    #[error(transparent)]
    Buffer(#[from] InvalidBuffer),
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

impl Classify for ServiceError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Denied(d) => d.kind(),
            Self::UnknownProvider(_) | Self::Buffer(_) => ErrorKind::Invalid,
            Self::Unexpected(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Denied(d) => d.code(),
            Self::UnknownProvider(_) | Self::Buffer(_) => "validation",
            Self::Unexpected(e) => e.code(),
        }
    }
}

async fn check_providers(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    providers: &[AccountId],
) -> Result<(), ServiceError> {
    let found = tx.accounts().get_many(actor.business, providers).await?;
    for id in providers {
        let ok = found
            .iter()
            .any(|a| a.id == *id && a.employee().is_some_and(|e| e.roles.is_provider()));
        if !ok {
            return Err(ServiceError::UnknownProvider(*id));
        }
    }
    Ok(())
}

impl Rota {
    /// The services: every one for employees, the active ones for customers.
    pub async fn list_services(&self, actor: &Actor) -> Result<Vec<Service>, ServiceError> {
        let mut tx = self.begin(TxMode::Read).await?;
        let business = tx
            .businesses()
            .get(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        authorize(actor, &Action::ViewServices, &business.settings)?;
        let mut services = tx.services().list(business.id).await?;
        if actor.roles().is_none() {
            services.retain(|s| s.active);
        }
        Ok(services)
    }

    /// Creates a service (administrators).
    pub async fn create_service(
        &self,
        actor: &Actor,
        new: NewService,
    ) -> Result<Service, ServiceError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let business = tx
            .businesses()
            .get(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        authorize(actor, &Action::ManageServices, &business.settings)?;
        check_providers(tx.as_mut(), actor, &new.providers).await?;
        let service = Service {
            id: ServiceId::from_uuid(self.new_uuid()),
            business_id: business.id,
            name: new.name,
            duration: new.duration,
            price: new.price,
            providers: new.providers,
            active: true,
            buffers: new.buffers,
        };
        tx.services().insert(&service).await?;
        tx.commit().await?;
        Ok(service)
    }

    /// Changes a service (administrators). Existing bookings keep their
    /// times, prices and buffers.
    pub async fn update_service(
        &self,
        actor: &Actor,
        id: ServiceId,
        changes: ServiceChanges,
    ) -> Result<Service, ServiceError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let business = tx
            .businesses()
            .get(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        authorize(actor, &Action::ManageServices, &business.settings)?;
        let mut service = tx
            .services()
            .get(business.id, id)
            .await?
            .ok_or(Denied::NotFound)?;
        if let Some(providers) = changes.providers {
            check_providers(tx.as_mut(), actor, &providers).await?;
            service.providers = providers;
        }
        if let Some(name) = changes.name {
            service.name = name;
        }
        if let Some(duration) = changes.duration {
            service.duration = duration;
        }
        if let Some(price) = changes.price {
            service.price = price;
        }
        if let Some(active) = changes.active {
            service.active = active;
        }
        service.buffers = Buffers::minutes(
            changes
                .buffer_before_minutes
                .unwrap_or(service.buffers.before_minutes()),
            changes
                .buffer_after_minutes
                .unwrap_or(service.buffers.after_minutes()),
        )?;
        tx.services().update(&service).await?;
        tx.commit().await?;
        Ok(service)
    }
}
