//! Employee roles (R2) and the owner flag (R3).

use serde::{Deserialize, Serialize};

/// One role an employee can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the business: sees and manages everything in it (R6).
    Administrator,
    /// Serves customers: bookable, with a work calendar (R8, R9).
    ServiceProvider,
}

/// A non-empty set of roles (R2). Both at once is allowed.
///
/// The empty set cannot be built: this type has exactly the three values a
/// role set may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<Role>", into = "Vec<Role>")]
pub enum RoleSet {
    /// `administrator` only.
    Administrator,
    /// `service_provider` only.
    ServiceProvider,
    /// Both roles (R9).
    Both,
}

/// R2: an employee needs at least one role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an employee needs at least one role")]
pub struct EmptyRoleSet;

impl RoleSet {
    /// Builds the set from a list (duplicates are harmless).
    pub fn from_roles(roles: &[Role]) -> Result<Self, EmptyRoleSet> {
        let admin = roles.contains(&Role::Administrator);
        let provider = roles.contains(&Role::ServiceProvider);
        match (admin, provider) {
            (true, true) => Ok(Self::Both),
            (true, false) => Ok(Self::Administrator),
            (false, true) => Ok(Self::ServiceProvider),
            (false, false) => Err(EmptyRoleSet),
        }
    }

    /// Whether the set holds `role`.
    #[must_use]
    pub fn contains(self, role: Role) -> bool {
        match role {
            Role::Administrator => matches!(self, Self::Administrator | Self::Both),
            Role::ServiceProvider => matches!(self, Self::ServiceProvider | Self::Both),
        }
    }

    /// The roles, in a stable order.
    #[must_use]
    pub fn roles(self) -> Vec<Role> {
        [Role::Administrator, Role::ServiceProvider]
            .into_iter()
            .filter(|r| self.contains(*r))
            .collect()
    }
}

impl TryFrom<Vec<Role>> for RoleSet {
    type Error = EmptyRoleSet;

    fn try_from(value: Vec<Role>) -> Result<Self, Self::Error> {
        Self::from_roles(&value)
    }
}

impl From<RoleSet> for Vec<Role> {
    fn from(value: RoleSet) -> Self {
        value.roles()
    }
}

/// An employee's position: their roles and whether they own the business.
///
/// R3 holds by construction: an owner always holds `administrator`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EmployeeRoles {
    roles: RoleSet,
    owner: bool,
}

/// R3: owner ⇒ administrator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an owner must hold the administrator role")]
pub struct OwnerRequiresAdministrator;

impl EmployeeRoles {
    /// Roles with the owner flag; refused when an owner would not be an administrator.
    pub fn new(roles: RoleSet, owner: bool) -> Result<Self, OwnerRequiresAdministrator> {
        if owner && !roles.contains(Role::Administrator) {
            Err(OwnerRequiresAdministrator)
        } else {
            Ok(Self { roles, owner })
        }
    }

    /// A non-owner with these roles.
    #[must_use]
    pub const fn staff(roles: RoleSet) -> Self {
        Self {
            roles,
            owner: false,
        }
    }

    /// An owner with these roles, administrator added if missing.
    #[must_use]
    pub const fn owner_with(roles: RoleSet) -> Self {
        let roles = match roles {
            RoleSet::ServiceProvider | RoleSet::Both => RoleSet::Both,
            RoleSet::Administrator => RoleSet::Administrator,
        };
        Self { roles, owner: true }
    }

    /// The role set.
    #[must_use]
    pub const fn roles(self) -> RoleSet {
        self.roles
    }

    /// Whether this employee owns the business (R3).
    #[must_use]
    pub const fn is_owner(self) -> bool {
        self.owner
    }

    /// Holds `administrator` (owners always do).
    #[must_use]
    pub fn is_administrator(self) -> bool {
        self.roles.contains(Role::Administrator)
    }

    /// Holds `service_provider`.
    #[must_use]
    pub fn is_provider(self) -> bool {
        self.roles.contains(Role::ServiceProvider)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r2_role_set_cannot_be_empty() {
        assert_eq!(RoleSet::from_roles(&[]), Err(EmptyRoleSet));
        assert!(serde_json::from_str::<RoleSet>("[]").is_err());
    }

    #[test]
    fn r2_both_roles_at_once_are_allowed() {
        let both: RoleSet =
            serde_json::from_str(r#"["service_provider","administrator","administrator"]"#)
                .unwrap();
        assert_eq!(both, RoleSet::Both);
        assert_eq!(
            serde_json::to_string(&both).unwrap(),
            r#"["administrator","service_provider"]"#
        );
    }

    #[test]
    fn r3_owner_implies_administrator() {
        assert_eq!(
            EmployeeRoles::new(RoleSet::ServiceProvider, true),
            Err(OwnerRequiresAdministrator)
        );
        let owner = EmployeeRoles::new(RoleSet::Both, true).unwrap();
        assert!(owner.is_owner() && owner.is_administrator() && owner.is_provider());
        assert!(EmployeeRoles::owner_with(RoleSet::ServiceProvider).is_administrator());
    }
}
