//! Work calendars and non-working hours (W1, W2): a provider's work hours
//! and time off, and the business's closures.

use rota_domain::account::{Account, Text};
use rota_domain::actor::Actor;
use rota_domain::audit::AuditChange;
use rota_domain::business::Business;
use rota_domain::calendar::WorkCalendar;
use rota_domain::id::{AccountId, TimeOffId};
use rota_domain::policy::{Action, Denied, EmployeeRef, authorize};
use rota_domain::time_off::{Absence, AbsenceError, TimeOff};

use crate::Rota;
use crate::error::{Classify, ErrorKind};
use crate::ports::{StoreError, TxMode, UnitOfWork};

/// Why a calendar use case failed.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    /// The policy refused, or no such employee or entry.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// A malformed absence (422).
    #[error(transparent)]
    Absence(#[from] AbsenceError),
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

impl Classify for CalendarError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Denied(d) => d.kind(),
            Self::Absence(_) => ErrorKind::Invalid,
            Self::Unexpected(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Denied(d) => d.code(),
            Self::Absence(_) => "validation",
            Self::Unexpected(e) => e.code(),
        }
    }
}

/// The business and one of its employees, as a policy target.
pub(crate) async fn employee_target(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: AccountId,
) -> Result<(Business, Account, EmployeeRef), CalendarError> {
    let business = tx
        .businesses()
        .get(actor.business)
        .await?
        .ok_or(Denied::NotFound)?;
    let account = tx
        .accounts()
        .get(actor.business, id)
        .await?
        .filter(|a| a.employee().is_some())
        .ok_or(Denied::NotFound)?;
    let owner = account.employee().is_some_and(|e| e.roles.is_owner());
    let target = EmployeeRef {
        business: business.id,
        id,
        owner,
    };
    Ok((business, account, target))
}

impl Rota {
    /// An employee's work calendar (administrators; the employee themselves).
    pub async fn work_calendar(
        &self,
        actor: &Actor,
        employee: AccountId,
    ) -> Result<WorkCalendar, CalendarError> {
        let mut tx = self.begin(TxMode::Read).await?;
        let (business, _, target) = employee_target(tx.as_mut(), actor, employee).await?;
        authorize(actor, &Action::ViewWorkCalendar(target), &business.settings)?;
        let found = tx
            .calendars()
            .work_calendars(business.id, &[employee])
            .await?;
        Ok(found.into_iter().next().map(|(_, c)| c).unwrap_or_default())
    }

    /// Replaces an employee's work calendar (administrators; the employee
    /// with `work_hours=edit`). Existing bookings stay; new ones follow it.
    pub async fn set_work_calendar(
        &self,
        actor: &Actor,
        employee: AccountId,
        calendar: WorkCalendar,
    ) -> Result<WorkCalendar, CalendarError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let (business, _, target) = employee_target(tx.as_mut(), actor, employee).await?;
        authorize(actor, &Action::EditWorkCalendar(target), &business.settings)?;
        tx.calendars()
            .set_work_calendar(business.id, employee, &calendar)
            .await?;
        tx.commit().await?;
        Ok(calendar)
    }

    /// An employee's non-working entries.
    pub async fn time_off(
        &self,
        actor: &Actor,
        employee: AccountId,
    ) -> Result<Vec<TimeOff>, CalendarError> {
        let mut tx = self.begin(TxMode::Read).await?;
        let (business, _, target) = employee_target(tx.as_mut(), actor, employee).await?;
        authorize(actor, &Action::ViewWorkCalendar(target), &business.settings)?;
        Ok(tx
            .calendars()
            .time_off_of(business.id, Some(employee))
            .await?)
    }

    /// Adds a non-working entry for an employee.
    pub async fn add_time_off(
        &self,
        actor: &Actor,
        employee: AccountId,
        absence: Absence,
        note: Option<Text>,
    ) -> Result<TimeOff, CalendarError> {
        absence.validate()?;
        let mut tx = self.begin(TxMode::Write).await?;
        let (business, _, target) = employee_target(tx.as_mut(), actor, employee).await?;
        authorize(actor, &Action::EditWorkCalendar(target), &business.settings)?;
        let entry = self.time_off_entry(&business, Some(employee), absence, note);
        tx.calendars().insert_time_off(&entry).await?;
        tx.commit().await?;
        Ok(entry)
    }

    /// Deletes one of an employee's non-working entries.
    pub async fn delete_time_off(
        &self,
        actor: &Actor,
        employee: AccountId,
        id: TimeOffId,
    ) -> Result<(), CalendarError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let (business, _, target) = employee_target(tx.as_mut(), actor, employee).await?;
        authorize(actor, &Action::EditWorkCalendar(target), &business.settings)?;
        if !tx
            .calendars()
            .delete_time_off(business.id, Some(employee), id)
            .await?
        {
            return Err(Denied::NotFound.into());
        }
        tx.commit().await?;
        Ok(())
    }

    /// The business-wide non-working entries (closures, holidays).
    pub async fn closures(&self, actor: &Actor) -> Result<Vec<TimeOff>, CalendarError> {
        let mut tx = self.begin(TxMode::Read).await?;
        let business = tx
            .businesses()
            .get(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        authorize(actor, &Action::ViewBusiness, &business.settings)?;
        Ok(tx.calendars().time_off_of(business.id, None).await?)
    }

    /// Adds a closure (administrators).
    pub async fn add_closure(
        &self,
        actor: &Actor,
        absence: Absence,
        note: Option<Text>,
    ) -> Result<TimeOff, CalendarError> {
        absence.validate()?;
        let mut tx = self.begin(TxMode::Write).await?;
        let business = tx
            .businesses()
            .get(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        authorize(actor, &Action::EditBusinessSettings, &business.settings)?;
        let entry = self.time_off_entry(&business, None, absence, note);
        tx.calendars().insert_time_off(&entry).await?;
        let event = self.audit_event(business.id, Some(actor.id), None, AuditChange::ClosureAdded);
        tx.audit().append(&event).await?;
        tx.commit().await?;
        Ok(entry)
    }

    /// Deletes a closure (administrators).
    pub async fn delete_closure(&self, actor: &Actor, id: TimeOffId) -> Result<(), CalendarError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let business = tx
            .businesses()
            .get(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        authorize(actor, &Action::EditBusinessSettings, &business.settings)?;
        if !tx
            .calendars()
            .delete_time_off(business.id, None, id)
            .await?
        {
            return Err(Denied::NotFound.into());
        }
        let event = self.audit_event(
            business.id,
            Some(actor.id),
            None,
            AuditChange::ClosureRemoved,
        );
        tx.audit().append(&event).await?;
        tx.commit().await?;
        Ok(())
    }

    fn time_off_entry(
        &self,
        business: &Business,
        provider: Option<AccountId>,
        absence: Absence,
        note: Option<Text>,
    ) -> TimeOff {
        TimeOff {
            id: TimeOffId::from_uuid(self.new_uuid()),
            business_id: business.id,
            provider,
            absence,
            note,
            created_at: self.now(),
        }
    }
}
