//! The team: a business's subscription and its employees, with the rules
//! that only the whole team can decide.
//!
//! - R2 every employee holds at least one role (by [`RoleSet`]'s construction);
//! - R3 owner ⇒ administrator (by [`EmployeeRoles`]' construction, and
//!   removing `administrator` from an owner is refused);
//! - R4 at least one active owner, always;
//! - R7 service providers never exceed the plan's seats.
//!
//! Every operation checks the policy first, then the state rules, and changes
//! nothing unless it succeeds: a refused operation leaves the team exactly as
//! it was.

use std::collections::BTreeMap;

use crate::account::AccountStatus;
use crate::actor::Actor;
use crate::business::{Business, BusinessSettings};
use crate::id::{AccountId, BusinessId};
use crate::plan::{Plan, Seats, Subscription, SubscriptionStatus};
use crate::policy::{Action, Denied, EmployeeRef, authorize};
use crate::role::{EmployeeRoles, RoleSet};

/// One employee, as the team rules see them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    /// Roles and owner flag.
    pub roles: EmployeeRoles,
    /// Invited, active or deactivated.
    pub status: AccountStatus,
    /// Whether they ever set a password (decides the status on reactivation).
    pub activated: bool,
}

impl Member {
    /// Holds a provider seat: a provider who is not deactivated (an invited
    /// provider holds a seat from the invitation on, so accepting never fails).
    #[must_use]
    pub fn holds_seat(&self) -> bool {
        self.roles.is_provider() && self.status != AccountStatus::Deactivated
    }

    /// An active owner (R4 counts only these).
    #[must_use]
    pub fn is_active_owner(&self) -> bool {
        self.roles.is_owner() && self.status == AccountStatus::Active
    }
}

/// R7: why a provider seat cannot be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SeatRefusal {
    /// The plan has no provider seats (409 `plan_required`).
    #[error("the current plan has no service-provider seats; choose a plan that has")]
    PlanRequired,
    /// Every seat is taken (409 `plan_limit`).
    #[error("all {seats} service-provider seats of the plan are taken")]
    PlanLimit {
        /// The plan's seats.
        seats: u32,
    },
}

impl SeatRefusal {
    /// The stable error code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::PlanRequired => "plan_required",
            Self::PlanLimit { .. } => "plan_limit",
        }
    }
}

/// Refusals of [`Team::add_employee`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AddEmployeeError {
    /// The policy refused.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// R7.
    #[error(transparent)]
    Seats(#[from] SeatRefusal),
    /// The id is already a member.
    #[error("already a member of the team")]
    AlreadyMember,
}

/// Refusals of [`Team::change_roles`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ChangeRolesError {
    /// The policy refused (R5, R6, R12).
    #[error(transparent)]
    Denied(#[from] Denied),
    /// R3: an owner keeps `administrator` until ownership is revoked
    /// (409 `owner_requires_administrator`).
    #[error("an owner must stay an administrator; revoke ownership first")]
    OwnerRequiresAdministrator,
    /// R4 (409 `last_owner`).
    #[error("the business must keep at least one active owner")]
    LastOwner,
    /// R7.
    #[error(transparent)]
    Seats(#[from] SeatRefusal),
}

/// Refusals of [`Team::deactivate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DeactivateError {
    /// The policy refused (R6, R12).
    #[error(transparent)]
    Denied(#[from] Denied),
    /// R4 (409 `last_owner`).
    #[error("the business must keep at least one active owner")]
    LastOwner,
}

/// Refusals of [`Team::reactivate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReactivateError {
    /// The policy refused (R6, R12).
    #[error(transparent)]
    Denied(#[from] Denied),
    /// R7: a reactivated provider takes a seat again.
    #[error(transparent)]
    Seats(#[from] SeatRefusal),
}

/// Refusals of [`Team::change_plan`] and [`Team::cancel_subscription`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ChangePlanError {
    /// The policy refused (R5).
    #[error(transparent)]
    Denied(#[from] Denied),
    /// R7: the plan cannot hold the current providers; nothing was changed
    /// (409 `plan_limit`).
    #[error(
        "the plan holds {seats} service providers but {providers} hold seats; deactivate or remove the role from {must_remove} first"
    )]
    TooManyProviders {
        /// Providers holding a seat now.
        providers: u32,
        /// Seats of the requested plan.
        seats: u32,
        /// How many must go first.
        must_remove: u32,
    },
}

/// A business's subscription and employees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Team {
    business: BusinessId,
    subscription: Subscription,
    settings: BusinessSettings,
    members: BTreeMap<AccountId, Member>,
}

impl Team {
    /// The team of `business`, with its employees as loaded from storage.
    #[must_use]
    pub fn new(
        business: &Business,
        members: impl IntoIterator<Item = (AccountId, Member)>,
    ) -> Self {
        Self {
            business: business.id,
            subscription: business.subscription,
            settings: business.settings.clone(),
            members: members.into_iter().collect(),
        }
    }

    /// The subscription in force.
    #[must_use]
    pub fn subscription(&self) -> Subscription {
        self.subscription
    }

    /// One member.
    #[must_use]
    pub fn member(&self, id: AccountId) -> Option<&Member> {
        self.members.get(&id)
    }

    /// Every member, by id.
    pub fn members(&self) -> impl Iterator<Item = (AccountId, &Member)> {
        self.members.iter().map(|(id, m)| (*id, m))
    }

    /// How many active owners there are (R4).
    #[must_use]
    pub fn active_owners(&self) -> usize {
        self.members
            .values()
            .filter(|m| m.is_active_owner())
            .count()
    }

    /// How many providers hold a seat (R7).
    #[must_use]
    pub fn seated_providers(&self) -> u32 {
        let n = self.members.values().filter(|m| m.holds_seat()).count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// Checks R4 and R7 (R2 and R3 hold by construction). Used by tests and
    /// as a guard when a team is loaded.
    pub fn check_invariants(&self) -> Result<(), String> {
        if self.active_owners() == 0 {
            return Err("R4: no active owner".into());
        }
        if !self.subscription.plan.holds(self.seated_providers()) {
            return Err(format!(
                "R7: {} providers on {:?}",
                self.seated_providers(),
                self.subscription.plan
            ));
        }
        Ok(())
    }

    fn target(&self, id: AccountId) -> Result<(EmployeeRef, Member), Denied> {
        let member = *self.members.get(&id).ok_or(Denied::NotFound)?;
        let target = EmployeeRef {
            business: self.business,
            id,
            owner: member.roles.is_owner(),
        };
        Ok((target, member))
    }

    fn allow(&self, actor: &Actor, action: &Action<'_>) -> Result<(), Denied> {
        if actor.business != self.business {
            return Err(Denied::NotFound);
        }
        authorize(actor, action, &self.settings)
    }

    /// R7: one more seat, or why not.
    fn take_seat(&self) -> Result<(), SeatRefusal> {
        match self.subscription.plan.provider_seats() {
            Seats::Limited(0) => Err(SeatRefusal::PlanRequired),
            Seats::Limited(seats) if self.seated_providers() >= seats => {
                Err(SeatRefusal::PlanLimit { seats })
            }
            _ => Ok(()),
        }
    }

    /// Adds an invited employee (A6: the account is `invited` until its
    /// holder sets a password).
    pub fn add_employee(
        &mut self,
        actor: &Actor,
        id: AccountId,
        roles: EmployeeRoles,
    ) -> Result<Member, AddEmployeeError> {
        self.allow(
            actor,
            &Action::AddEmployee {
                owner: roles.is_owner(),
            },
        )?;
        if self.members.contains_key(&id) {
            return Err(AddEmployeeError::AlreadyMember);
        }
        if roles.is_provider() {
            self.take_seat()?;
        }
        let member = Member {
            roles,
            status: AccountStatus::Invited,
            activated: false,
        };
        self.members.insert(id, member);
        Ok(member)
    }

    /// Changes roles and/or ownership (`None` keeps the current value).
    /// Changing roles needs an administrator (and an owner for an owner's
    /// roles, R6); changing ownership needs an owner (R5).
    pub fn change_roles(
        &mut self,
        actor: &Actor,
        id: AccountId,
        roles: Option<RoleSet>,
        owner: Option<bool>,
    ) -> Result<EmployeeRoles, ChangeRolesError> {
        let (target, member) = self.target(id)?;
        let old = member.roles;
        let new_roles = roles.unwrap_or(old.roles());
        let new_owner = owner.unwrap_or(old.is_owner());
        if new_roles != old.roles() {
            self.allow(actor, &Action::ChangeRoles(target))?;
        }
        if new_owner != old.is_owner() {
            self.allow(actor, &Action::ChangeOwnership(target))?;
        }
        if new_roles == old.roles() && new_owner == old.is_owner() {
            // Nothing changes; still only someone who could see it may ask.
            self.allow(actor, &Action::ViewEmployee(target))?;
            return Ok(old);
        }
        let last_active_owner = member.is_active_owner() && self.active_owners() == 1;
        let Ok(new) = EmployeeRoles::new(new_roles, new_owner) else {
            return Err(if last_active_owner {
                ChangeRolesError::LastOwner
            } else {
                ChangeRolesError::OwnerRequiresAdministrator
            });
        };
        if last_active_owner && !new.is_owner() {
            return Err(ChangeRolesError::LastOwner);
        }
        if new.is_provider() && !member.holds_seat() && member.status != AccountStatus::Deactivated
        {
            self.take_seat()?;
        }
        self.members.insert(
            id,
            Member {
                roles: new,
                ..member
            },
        );
        Ok(new)
    }

    /// Deactivates an employee (R11). Deactivating a deactivated employee
    /// changes nothing.
    pub fn deactivate(&mut self, actor: &Actor, id: AccountId) -> Result<(), DeactivateError> {
        let (target, member) = self.target(id)?;
        self.allow(actor, &Action::Deactivate(target))?;
        if member.status == AccountStatus::Deactivated {
            return Ok(());
        }
        if member.is_active_owner() && self.active_owners() == 1 {
            return Err(DeactivateError::LastOwner);
        }
        self.members.insert(
            id,
            Member {
                status: AccountStatus::Deactivated,
                ..member
            },
        );
        Ok(())
    }

    /// Reactivates an employee: active if they ever set a password, invited
    /// otherwise. A provider takes a seat again (R7).
    pub fn reactivate(
        &mut self,
        actor: &Actor,
        id: AccountId,
    ) -> Result<AccountStatus, ReactivateError> {
        let (target, member) = self.target(id)?;
        self.allow(actor, &Action::Reactivate(target))?;
        if member.status != AccountStatus::Deactivated {
            return Ok(member.status);
        }
        if member.roles.is_provider() {
            self.take_seat()?;
        }
        let status = if member.activated {
            AccountStatus::Active
        } else {
            AccountStatus::Invited
        };
        self.members.insert(id, Member { status, ..member });
        Ok(status)
    }

    /// Marks an invited member active once they set a password (A6).
    /// Not an actor's decision: the invitation token proves it.
    pub fn accept_invitation(&mut self, id: AccountId) -> Result<(), Denied> {
        let member = self.members.get_mut(&id).ok_or(Denied::NotFound)?;
        if member.status != AccountStatus::Invited {
            return Err(Denied::Forbidden);
        }
        member.status = AccountStatus::Active;
        member.activated = true;
        Ok(())
    }

    fn fits(&self, plan: Plan) -> Result<(), ChangePlanError> {
        let providers = self.seated_providers();
        match plan.provider_seats() {
            Seats::Limited(seats) if providers > seats => Err(ChangePlanError::TooManyProviders {
                providers,
                seats,
                must_remove: providers - seats,
            }),
            _ => Ok(()),
        }
    }

    /// Moves to another plan (R5 owners only; R7 refuses a plan too small for
    /// the current providers, changing nothing).
    pub fn change_plan(
        &mut self,
        actor: &Actor,
        plan: Plan,
    ) -> Result<Subscription, ChangePlanError> {
        self.allow(actor, &Action::ChangePlan)?;
        self.fits(plan)?;
        self.subscription = Subscription {
            plan,
            status: SubscriptionStatus::Active,
        };
        Ok(self.subscription)
    }

    /// Cancels the subscription: back on the free `starter` plan, marked
    /// cancelled (R5). Like any move to `starter`, refused while providers
    /// hold seats.
    pub fn cancel_subscription(&mut self, actor: &Actor) -> Result<Subscription, ChangePlanError> {
        self.allow(actor, &Action::CancelSubscription)?;
        self.fits(Plan::Starter)?;
        self.subscription = Subscription {
            plan: Plan::Starter,
            status: SubscriptionStatus::Cancelled,
        };
        Ok(self.subscription)
    }
}

#[cfg(test)]
mod tests;
