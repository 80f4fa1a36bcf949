//! The actor: who is asking, as the policy needs to know them.

use crate::account::{Account, AccountStatus, Profile};
use crate::id::{AccountId, BusinessId};
use crate::role::EmployeeRoles;

/// What kind of person the actor is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActorKind {
    /// An employee with these roles.
    Employee(EmployeeRoles),
    /// A customer using the portal.
    Customer,
}

/// The person behind a request, as of the moment of the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor {
    /// Their account.
    pub id: AccountId,
    /// Their business: the only one they may ever touch (R12).
    pub business: BusinessId,
    /// Only active actors may do anything (R11).
    pub status: AccountStatus,
    /// Employee (with roles) or customer.
    pub kind: ActorKind,
    /// The revision of their business's own row (name, zone, settings) as
    /// read with their session, when it was: the request may then reuse a
    /// copy of the business of that same revision instead of reading it
    /// again (every change to the row raises the revision, so the copy is
    /// never older than the request's own read). `None` reads it.
    pub business_revision: Option<u64>,
}

impl Actor {
    /// The actor an account is.
    #[must_use]
    pub fn of(account: &Account) -> Self {
        Self {
            id: account.id,
            business: account.business_id,
            status: account.status,
            kind: match &account.profile {
                Profile::Employee(e) => ActorKind::Employee(e.roles),
                Profile::Customer(_) => ActorKind::Customer,
            },
            business_revision: None,
        }
    }

    /// The roles, if an employee.
    #[must_use]
    pub fn roles(&self) -> Option<EmployeeRoles> {
        match self.kind {
            ActorKind::Employee(r) => Some(r),
            ActorKind::Customer => None,
        }
    }

    /// An administrator (owners included).
    #[must_use]
    pub fn is_administrator(&self) -> bool {
        self.roles().is_some_and(EmployeeRoles::is_administrator)
    }

    /// An owner.
    #[must_use]
    pub fn is_owner(&self) -> bool {
        self.roles().is_some_and(EmployeeRoles::is_owner)
    }

    /// A service provider (administrator or not).
    #[must_use]
    pub fn is_provider(&self) -> bool {
        self.roles().is_some_and(EmployeeRoles::is_provider)
    }
}
