//! Managing the team: add employees, change their roles and ownership,
//! deactivate and reactivate them, read them.

use rota_domain::account::{Account, AccountStatus, EmployeeProfile, Profile, Text};
use rota_domain::actor::Actor;
use rota_domain::audit::AuditChange;
use rota_domain::email::EmailAddress;
use rota_domain::id::AccountId;
use rota_domain::name::PersonName;
use rota_domain::policy::{Action, Denied, EmployeeRef, authorize};
use rota_domain::role::{EmployeeRoles, Role, RoleSet};
use rota_domain::team::{self, ChangeRolesError};

use crate::Rota;
use crate::app::LockedTeam;
use crate::error::{Classify, ErrorKind, classify_by_variant};
use crate::page::{Limit, Page, PageError};
use crate::passwords::EmailedLink;
use crate::ports::{Conflict, EmployeeQuery, StoreError, TxMode, UnitOfWork};

/// Which employees to list.
#[derive(Clone, Copy, Debug, Default)]
pub struct EmployeeFilter {
    /// Only those holding this role (owners hold `administrator`).
    pub role: Option<Role>,
    /// Only those in this status.
    pub status: Option<AccountStatus>,
}

/// A new employee.
#[derive(Clone, Debug)]
pub struct NewEmployee {
    /// Display name.
    pub name: PersonName,
    /// Email (unique in the business, R1).
    pub email: EmailAddress,
    /// Phone.
    pub phone: Option<Text>,
    /// Roles and owner flag (R2, R3 hold by the type).
    pub roles: EmployeeRoles,
}

/// Why adding an employee failed.
#[derive(Debug, thiserror::Error)]
pub enum AddEmployeeError {
    /// Policy or team rules (R5, R7).
    #[error(transparent)]
    Refused(#[from] team::AddEmployeeError),
    /// R1.
    #[error("email address already in use in this business")]
    EmailTaken,
    /// Storage failed.
    #[error(transparent)]
    Unexpected(StoreError),
}

/// Changes to an employee; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct EmployeeChanges {
    /// New display name.
    pub name: Option<PersonName>,
    /// New phone (`Some(None)` clears it).
    pub phone: Option<Option<Text>>,
    /// New roles.
    pub roles: Option<RoleSet>,
    /// Grant or revoke ownership.
    pub owner: Option<bool>,
}

/// Why changing an employee failed.
#[derive(Debug, thiserror::Error)]
pub enum UpdateEmployeeError {
    /// Policy or team rules (R3–R7).
    #[error(transparent)]
    Refused(#[from] ChangeRolesError),
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

/// Why deactivating failed.
#[derive(Debug, thiserror::Error)]
pub enum DeactivateEmployeeError {
    /// Policy or R4.
    #[error(transparent)]
    Refused(#[from] team::DeactivateError),
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

/// Why reactivating failed.
#[derive(Debug, thiserror::Error)]
pub enum ReactivateEmployeeError {
    /// Policy or R7.
    #[error(transparent)]
    Refused(#[from] team::ReactivateError),
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

/// Why reading employees failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadEmployeeError {
    /// Policy (R6, R8, R12).
    #[error(transparent)]
    Denied(#[from] Denied),
    /// A cursor this server did not hand out.
    #[error(transparent)]
    Page(#[from] PageError),
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

impl From<StoreError> for AddEmployeeError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(Conflict::EmailTaken) => Self::EmailTaken,
            other => Self::Unexpected(other),
        }
    }
}

impl Classify for AddEmployeeError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Refused(e) => e.kind(),
            Self::EmailTaken => ErrorKind::Conflict,
            Self::Unexpected(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Refused(e) => e.code(),
            Self::EmailTaken => "email_taken",
            Self::Unexpected(e) => e.code(),
        }
    }
}

classify_by_variant!(UpdateEmployeeError {
    Refused,
    Unexpected
});
classify_by_variant!(DeactivateEmployeeError {
    Refused,
    Unexpected
});
classify_by_variant!(ReactivateEmployeeError {
    Refused,
    Unexpected
});
impl Classify for ReadEmployeeError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Denied(d) => d.kind(),
            Self::Page(_) => ErrorKind::Invalid,
            Self::Unexpected(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Denied(d) => d.code(),
            Self::Page(_) => "validation",
            Self::Unexpected(e) => e.code(),
        }
    }
}

/// Loads and locks the actor's team, or answers `not_found` if their business
/// is gone.
async fn locked(tx: &mut dyn UnitOfWork, actor: &Actor) -> Result<LockedTeam, StoreErrorOr> {
    LockedTeam::load(tx, actor.business)
        .await?
        .ok_or(StoreErrorOr::Denied(Denied::NotFound))
}

/// A store failure or a refusal, on the way to a use case's own error.
pub(crate) enum StoreErrorOr {
    Store(StoreError),
    Denied(Denied),
}

impl From<StoreError> for StoreErrorOr {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

macro_rules! from_store_error_or {
    ($ty:ty, $denied:expr) => {
        impl From<StoreErrorOr> for $ty {
            fn from(e: StoreErrorOr) -> Self {
                match e {
                    StoreErrorOr::Store(s) => s.into(),
                    StoreErrorOr::Denied(d) => $denied(d),
                }
            }
        }
    };
}
from_store_error_or!(AddEmployeeError, |d| Self::Refused(
    team::AddEmployeeError::Denied(d)
));
from_store_error_or!(UpdateEmployeeError, |d| Self::Refused(
    ChangeRolesError::Denied(d)
));
from_store_error_or!(DeactivateEmployeeError, |d| Self::Refused(
    team::DeactivateError::Denied(d)
));
from_store_error_or!(ReactivateEmployeeError, |d| Self::Refused(
    team::ReactivateError::Denied(d)
));

impl Rota {
    /// Adds an employee, `invited` until they set a password (A6).
    pub async fn add_employee(
        &self,
        actor: &Actor,
        new: NewEmployee,
    ) -> Result<Account, AddEmployeeError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let mut locked = locked(tx.as_mut(), actor).await?;
        let actor = locked.fresh(actor);
        let id = self.new_account_id();
        locked.team.add_employee(&actor, id, new.roles)?;
        let account = Account {
            id,
            business_id: actor.business,
            email: new.email,
            status: AccountStatus::Invited,
            profile: Profile::Employee(EmployeeProfile {
                name: new.name,
                phone: new.phone,
                roles: new.roles,
            }),
            created_at: self.now(),
            activated_at: None,
        };
        tx.accounts().insert(&account).await?;
        // A6: the new employee is emailed an invitation to set a password.
        self.send_link(
            tx.as_mut(),
            &locked.business,
            &account,
            EmailedLink::Invitation,
        )
        .await?;
        let change = AuditChange::EmployeeAdded {
            roles: new.roles.roles(),
            owner: new.roles.is_owner(),
        };
        let event = self.audit_event(actor.business, Some(actor.id), Some(id), change);
        tx.audit().append(&event).await?;
        tx.commit().await?;
        Ok(account)
    }

    /// Changes an employee's profile, roles and/or ownership, atomically:
    /// if any part is refused, nothing changes.
    pub async fn update_employee(
        &self,
        actor: &Actor,
        id: AccountId,
        changes: EmployeeChanges,
    ) -> Result<Account, UpdateEmployeeError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let mut locked = locked(tx.as_mut(), actor).await?;
        let actor = locked.fresh(actor);
        let mut account = locked
            .employee(id)
            .cloned()
            .ok_or(ChangeRolesError::Denied(Denied::NotFound))?;
        let Profile::Employee(profile) = &mut account.profile else {
            return Err(ChangeRolesError::Denied(Denied::NotFound).into());
        };
        let old = profile.roles;
        if changes.name.is_some() || changes.phone.is_some() {
            let target = EmployeeRef {
                business: actor.business,
                id,
                owner: old.is_owner(),
            };
            authorize(
                &actor,
                &Action::EditEmployeeProfile(target),
                &locked.business.settings,
            )
            .map_err(ChangeRolesError::Denied)?;
        }
        let new = locked
            .team
            .change_roles(&actor, id, changes.roles, changes.owner)?;
        if let Some(name) = changes.name {
            profile.name = name;
        }
        if let Some(phone) = changes.phone {
            profile.phone = phone;
        }
        profile.roles = new;
        tx.accounts().update(&account).await?;
        if new.roles() != old.roles() {
            let change = AuditChange::RolesChanged {
                from: old.roles(),
                to: new.roles(),
            };
            tx.audit()
                .append(&self.audit_event(actor.business, Some(actor.id), Some(id), change))
                .await?;
        }
        if new.is_owner() != old.is_owner() {
            let change = AuditChange::OwnershipChanged {
                owner: new.is_owner(),
            };
            tx.audit()
                .append(&self.audit_event(actor.business, Some(actor.id), Some(id), change))
                .await?;
        }
        tx.commit().await?;
        Ok(account)
    }

    /// Deactivates an employee (R11): they cannot sign in; their history stays.
    pub async fn deactivate_employee(
        &self,
        actor: &Actor,
        id: AccountId,
    ) -> Result<Account, DeactivateEmployeeError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let mut locked = locked(tx.as_mut(), actor).await?;
        let actor = locked.fresh(actor);
        locked.team.deactivate(&actor, id)?;
        let mut account = locked
            .employee(id)
            .cloned()
            .ok_or(team::DeactivateError::Denied(Denied::NotFound))?;
        let from = account.status;
        account.status = AccountStatus::Deactivated;
        if from != account.status {
            tx.accounts().update(&account).await?;
            // A3: a deactivated account's sessions end with it.
            tx.sessions()
                .delete_for_account(actor.business, id, None)
                .await?;
            let change = AuditChange::StatusChanged {
                from,
                to: account.status,
            };
            tx.audit()
                .append(&self.audit_event(actor.business, Some(actor.id), Some(id), change))
                .await?;
        }
        tx.commit().await?;
        Ok(account)
    }

    /// Reactivates an employee (R7: a provider takes a seat again).
    pub async fn reactivate_employee(
        &self,
        actor: &Actor,
        id: AccountId,
    ) -> Result<Account, ReactivateEmployeeError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let mut locked = locked(tx.as_mut(), actor).await?;
        let actor = locked.fresh(actor);
        let status = locked.team.reactivate(&actor, id)?;
        let mut account = locked
            .employee(id)
            .cloned()
            .ok_or(team::ReactivateError::Denied(Denied::NotFound))?;
        let from = account.status;
        account.status = status;
        if from != status {
            tx.accounts().update(&account).await?;
            let change = AuditChange::StatusChanged { from, to: status };
            tx.audit()
                .append(&self.audit_event(actor.business, Some(actor.id), Some(id), change))
                .await?;
        }
        tx.commit().await?;
        Ok(account)
    }

    /// Every employee (administrators only, R6).
    pub async fn list_employees(&self, actor: &Actor) -> Result<Vec<Account>, ReadEmployeeError> {
        let mut tx = self.begin(TxMode::Read).await?;
        let business = tx
            .businesses()
            .get(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        authorize(actor, &Action::ListEmployees, &business.settings)?;
        Ok(tx.accounts().employees(actor.business).await?)
    }

    /// A page of employees in id order, optionally only those holding a
    /// role or in a status (administrators, R6).
    pub async fn employees_page(
        &self,
        actor: &Actor,
        filter: EmployeeFilter,
        cursor: Option<&str>,
        limit: Limit,
    ) -> Result<Page<Account>, ReadEmployeeError> {
        let after = cursor
            .map(|c| c.parse::<AccountId>().map_err(|_| PageError::Cursor))
            .transpose()?;
        let mut tx = self.begin(TxMode::ReadOnce).await?;
        let business = tx
            .businesses()
            .get(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        authorize(actor, &Action::ListEmployees, &business.settings)?;
        let query = EmployeeQuery {
            role: filter.role,
            status: filter.status,
            after,
            limit: limit.get() + 1,
        };
        let found = tx.accounts().employees_page(business.id, &query).await?;
        Ok(Page::from_overfetch(found, limit, |a: &Account| {
            a.id.to_string()
        }))
    }

    /// One employee (administrators, or the employee themselves, R8).
    pub async fn employee(
        &self,
        actor: &Actor,
        id: AccountId,
    ) -> Result<Account, ReadEmployeeError> {
        let mut tx = self.begin(TxMode::Read).await?;
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
            business: account.business_id,
            id,
            owner,
        };
        authorize(actor, &Action::ViewEmployee(target), &business.settings)?;
        Ok(account)
    }
}
