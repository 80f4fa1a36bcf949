//! The audit log (A7): who changed what of whom, and when.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::access::AccessRights;
use crate::account::AccountStatus;
pub use crate::id::AuditEventId;
use crate::id::{AccountId, BusinessId};
use crate::plan::{Plan, SubscriptionStatus};
use crate::role::RoleSet;

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum AuditChange {
    BusinessCreated,
    EmployeeAdded {
        roles: RoleSet,
        owner: bool,
    },
    RolesChanged {
        from: RoleSet,
        to: RoleSet,
    },
    OwnershipChanged {
        owner: bool,
    },
    StatusChanged {
        from: AccountStatus,
        to: AccountStatus,
    },
    PlanChanged {
        from: Plan,
        to: Plan,
        status: SubscriptionStatus,
    },
    AccessRightsChanged {
        to: AccessRights,
    },
    BusinessSettingsChanged,
    PasswordChanged,
    PasswordReset,
    PasswordResetSent,
    InvitationAccepted,
    CustomerCreated,
    CustomersImported {
        created: u64,
        updated: u64,
    },
    CustomerArchived,
    /// An archived customer was restored.
    CustomerRestored,
    /// A customer's personal data was erased (irreversibly).
    CustomerErased,
    /// A booking's customer was asked to pay.
    PaymentRequested {
        /// The request's reference.
        reference: String,
        /// The amount asked for, in minor units.
        amount_minor: i64,
    },
    /// A business-wide closure (a holiday) was added.
    ClosureAdded,
    /// A business-wide closure was removed.
    ClosureRemoved,
    CustomerInvited,
    SignInFailures {
        count: u32,
    },
    /// A12: a new address was asked for; it counts once confirmed.
    EmailChangeRequested,
    /// A12: the new address was confirmed.
    EmailChanged {
        from: String,
        to: String,
    },
}

impl AuditChange {
    /// A short stable name (`roles_changed`…).
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::BusinessCreated => "business_created",
            Self::EmployeeAdded { .. } => "employee_added",
            Self::RolesChanged { .. } => "roles_changed",
            Self::OwnershipChanged { .. } => "ownership_changed",
            Self::StatusChanged { .. } => "status_changed",
            Self::PlanChanged { .. } => "plan_changed",
            Self::AccessRightsChanged { .. } => "access_rights_changed",
            Self::BusinessSettingsChanged => "business_settings_changed",
            Self::PasswordChanged => "password_changed",
            Self::PasswordReset => "password_reset",
            Self::PasswordResetSent => "password_reset_sent",
            Self::InvitationAccepted => "invitation_accepted",
            Self::CustomerCreated => "customer_created",
            Self::CustomersImported { .. } => "customers_imported",
            Self::CustomerArchived => "customer_archived",
            Self::CustomerRestored => "customer_restored",
            Self::CustomerErased => "customer_erased",
            Self::PaymentRequested { .. } => "payment_requested",
            Self::ClosureAdded => "closure_added",
            Self::ClosureRemoved => "closure_removed",
            Self::CustomerInvited => "customer_invited",
            Self::SignInFailures { .. } => "sign_in_failures",
            Self::EmailChangeRequested => "email_change_requested",
            Self::EmailChanged { .. } => "email_changed",
        }
    }
}

/// One entry of the audit log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    /// Its id (ids are time-ordered, so the log pages by id).
    pub id: AuditEventId,
    /// The business it belongs to.
    pub business_id: BusinessId,
    /// Who did it (`None` for the system or an anonymous request).
    pub actor: Option<AccountId>,
    /// Whom it was done to (`None` when it is about the business).
    pub subject: Option<AccountId>,
    /// What changed.
    pub change: AuditChange,
    /// When.
    pub at: Timestamp,
}
