//! Business settings and access rights (R8).

use rota_domain::access::AccessRights;
use rota_domain::actor::Actor;
use rota_domain::audit::AuditChange;
use rota_domain::business::{Business, Currency, Zone};
use rota_domain::calendar::WeeklyHours;
use rota_domain::name::BusinessName;
use rota_domain::policy::{Action, Denied, authorize};

use crate::Rota;
use crate::error::classify_by_variant;
use crate::ports::{StoreError, TxMode};

/// Changes to the business's settings; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct BusinessChanges {
    /// New name.
    pub name: Option<BusinessName>,
    /// New time zone.
    pub time_zone: Option<Zone>,
    /// New currency.
    pub currency: Option<Currency>,
    /// R10's notice, in minutes.
    pub cancellation_notice_minutes: Option<u32>,
    /// Whether customers may book themselves.
    pub online_booking: Option<bool>,
    /// How far ahead customers book at the least, in minutes (W3).
    pub min_notice_minutes: Option<u32>,
    /// When the business is open, in its own zone (W3).
    pub operating_hours: Option<WeeklyHours>,
    /// Hours before a booking its customer is reminded (none: no reminders).
    pub reminder_hours: Option<rota_domain::business::ReminderHours>,
    /// Whether providers are emailed of bookings assigned, moved, cancelled.
    pub provider_emails: Option<bool>,
}

/// Why reading or changing settings failed.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The policy refused.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

classify_by_variant!(SettingsError { Denied, Unexpected });

impl Rota {
    /// The actor's business.
    pub async fn business(&self, actor: &Actor) -> Result<Business, SettingsError> {
        let mut tx = self.begin(TxMode::Read).await?;
        let business = tx
            .businesses()
            .get(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        authorize(actor, &Action::ViewBusiness, &business.settings)?;
        Ok(business)
    }

    /// Changes settings (administrators).
    pub async fn update_business(
        &self,
        actor: &Actor,
        changes: BusinessChanges,
    ) -> Result<Business, SettingsError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let mut business = tx
            .businesses()
            .lock(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        authorize(actor, &Action::EditBusinessSettings, &business.settings)?;
        let before = business.clone();
        if let Some(name) = changes.name {
            business.name = name;
        }
        if let Some(zone) = changes.time_zone {
            business.time_zone = zone;
        }
        if let Some(currency) = changes.currency {
            business.currency = currency;
        }
        if let Some(minutes) = changes.cancellation_notice_minutes {
            business.settings.cancellation_notice_minutes = minutes;
        }
        if let Some(online) = changes.online_booking {
            business.settings.online_booking = online;
        }
        if let Some(minutes) = changes.min_notice_minutes {
            business.settings.min_notice_minutes = minutes;
        }
        if let Some(hours) = changes.operating_hours {
            business.settings.operating_hours = hours;
        }
        if let Some(hours) = changes.reminder_hours {
            business.settings.notifications.reminder_hours = hours;
        }
        if let Some(on) = changes.provider_emails {
            business.settings.notifications.provider_emails = on;
        }
        if business != before {
            tx.businesses().update(&business).await?;
            let event = self.audit_event(
                business.id,
                Some(actor.id),
                None,
                AuditChange::BusinessSettingsChanged,
            );
            tx.audit().append(&event).await?;
        }
        tx.commit().await?;
        Ok(business)
    }

    /// The access rights (administrators).
    pub async fn access_rights(&self, actor: &Actor) -> Result<AccessRights, SettingsError> {
        let mut tx = self.begin(TxMode::Read).await?;
        let business = tx
            .businesses()
            .get(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        authorize(actor, &Action::ViewAccessRights, &business.settings)?;
        Ok(business.settings.access_rights)
    }

    /// Replaces the access rights (administrators); in force at once for
    /// every provider, since each request reads them afresh (R8).
    pub async fn set_access_rights(
        &self,
        actor: &Actor,
        rights: AccessRights,
    ) -> Result<AccessRights, SettingsError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let mut business = tx
            .businesses()
            .lock(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        authorize(actor, &Action::EditAccessRights, &business.settings)?;
        if business.settings.access_rights != rights {
            business.settings.access_rights = rights;
            tx.businesses().update(&business).await?;
            let change = AuditChange::AccessRightsChanged { to: rights };
            tx.audit()
                .append(&self.audit_event(business.id, Some(actor.id), None, change))
                .await?;
        }
        tx.commit().await?;
        Ok(rights)
    }
}
