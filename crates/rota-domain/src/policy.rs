//! The authorization policy: a pure function of (actor, action, target,
//! business settings) answering allow or a specific refusal.
//!
//! Architecture invariant: this module is the only place that decides who may
//! do what (R5, R6, R8, R10, R11, R12). Use cases call [`authorize`] before
//! they touch anything; handlers and stores never re-decide.
//!
//! The state rules that depend on the whole team (R2–R4, R7) are in
//! [`crate::team`], which calls this policy first.

use crate::access::{CustomerVisibility, TimeTrackingAccess, WorkHoursAccess};
use crate::actor::{Actor, ActorKind};
use crate::business::BusinessSettings;
use crate::id::{AccountId, BusinessId};

/// Why an actor may not do something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The actor's roles or the access rights do not allow it (403 `forbidden`).
    #[error("you may not do this")]
    Forbidden,
    /// A non-owner administrator acting on an owner (R6, 403 `owner_protected`).
    #[error("only an owner may change an owner")]
    OwnerProtected,
    /// The target is of another business, which answers exactly as an id
    /// that does not exist (R12, 404 `not_found`).
    #[error("not found")]
    NotFound,
}

impl Denied {
    /// The stable error code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Forbidden => "forbidden",
            Self::OwnerProtected => "owner_protected",
            Self::NotFound => "not_found",
        }
    }
}

/// An employee an action is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmployeeRef {
    /// Their business.
    pub business: BusinessId,
    /// Their account.
    pub id: AccountId,
    /// Whether they are an owner.
    pub owner: bool,
}

/// A customer an action is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CustomerRef {
    /// Their business.
    pub business: BusinessId,
    /// Their account.
    pub id: AccountId,
    /// Whether the customer is on a booking assigned to the actor (a fact the
    /// caller looks up; only consulted for service providers).
    pub on_actor_bookings: bool,
}

/// A booking an action is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BookingRef<'a> {
    /// Its business.
    pub business: BusinessId,
    /// Its customer (B1).
    pub customer: AccountId,
    /// Its assigned providers (B3).
    pub providers: &'a [AccountId],
}

/// Everything an actor can ask to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Action<'a> {
    // Oneself.
    ViewOwnAccount,
    ChangeOwnPassword,
    // The business.
    ViewBusiness,
    EditBusinessSettings,
    ViewSubscription,
    ChangePlan,
    CancelSubscription,
    CloseBusiness,
    ViewAccessRights,
    EditAccessRights,
    ViewAuditLog,
    ViewReports,
    ViewServices,
    ManageServices,
    // Employees.
    ListEmployees,
    ViewEmployee(EmployeeRef),
    AddEmployee {
        owner: bool,
    },
    EditEmployeeProfile(EmployeeRef),
    ChangeRoles(EmployeeRef),
    ChangeOwnership(EmployeeRef),
    Deactivate(EmployeeRef),
    Reactivate(EmployeeRef),
    SendPasswordReset(EmployeeRef),
    ViewWorkCalendar(EmployeeRef),
    EditWorkCalendar(EmployeeRef),
    RotateCalendarFeed(EmployeeRef),
    /// See when a provider can be booked (W3).
    ViewAvailability(EmployeeRef),
    // Customers.
    ListCustomers,
    ViewCustomer(CustomerRef),
    CreateCustomer,
    EditCustomer(CustomerRef),
    ArchiveCustomer(CustomerRef),
    InviteCustomer(CustomerRef),
    ImportCustomers,
    ExportCustomers,
    // Bookings.
    ListAllBookings,
    ViewBooking(BookingRef<'a>),
    CreateBooking {
        customer: CustomerRef,
    },
    /// Reschedule or reassign (B6).
    EditBooking(BookingRef<'a>),
    /// B5's explicit override of work hours.
    OverrideWorkHours,
    /// Move to `in_progress` or `completed`.
    ProgressBooking(BookingRef<'a>),
    CancelBooking(BookingRef<'a>),
    MarkNoShow(BookingRef<'a>),
    RecordPayment {
        booking: BookingRef<'a>,
        amount_minor: i64,
        tip_minor: i64,
    },
    // Time tracking.
    TrackOwnTime,
    ViewOwnTimeEntries,
    ViewAllTimeEntries,
}

impl Action<'_> {
    /// The business the action's target belongs to, if it names one.
    fn target_business(&self) -> Option<BusinessId> {
        match self {
            Action::ViewEmployee(e)
            | Action::EditEmployeeProfile(e)
            | Action::ChangeRoles(e)
            | Action::ChangeOwnership(e)
            | Action::Deactivate(e)
            | Action::Reactivate(e)
            | Action::SendPasswordReset(e)
            | Action::ViewWorkCalendar(e)
            | Action::EditWorkCalendar(e)
            | Action::RotateCalendarFeed(e)
            | Action::ViewAvailability(e) => Some(e.business),
            Action::ViewCustomer(c)
            | Action::EditCustomer(c)
            | Action::ArchiveCustomer(c)
            | Action::InviteCustomer(c)
            | Action::CreateBooking { customer: c } => Some(c.business),
            Action::ViewBooking(b)
            | Action::EditBooking(b)
            | Action::ProgressBooking(b)
            | Action::CancelBooking(b)
            | Action::MarkNoShow(b)
            | Action::RecordPayment { booking: b, .. } => Some(b.business),
            _ => None,
        }
    }
}

/// Decides whether `actor` may do `action` in a business with `settings`.
///
/// Order of refusals: an actor who is not active may do nothing (R11); a
/// target of another business is [`Denied::NotFound`] (R12); then the roles.
pub fn authorize(
    actor: &Actor,
    action: &Action<'_>,
    settings: &BusinessSettings,
) -> Result<(), Denied> {
    if actor.status != crate::account::AccountStatus::Active {
        return Err(Denied::Forbidden);
    }
    if action
        .target_business()
        .is_some_and(|b| b != actor.business)
    {
        return Err(Denied::NotFound);
    }
    let allowed = match actor.kind {
        ActorKind::Customer => customer_may(actor, action, settings),
        ActorKind::Employee(roles) if roles.is_administrator() => {
            return administrator_may(actor, action);
        }
        ActorKind::Employee(_) => provider_may(actor, action, settings),
    };
    if allowed {
        Ok(())
    } else {
        Err(Denied::Forbidden)
    }
}

/// Administrators see and manage everything (R6), but only owners decide
/// ownership, plan, subscription and closing (R5), and only owners change an
/// owner (R6, `owner_protected`).
fn administrator_may(actor: &Actor, action: &Action<'_>) -> Result<(), Denied> {
    let owner = actor.is_owner();
    let protect = |target: &EmployeeRef| {
        if target.owner && !owner && target.id != actor.id {
            Err(Denied::OwnerProtected)
        } else {
            Ok(())
        }
    };
    let owner_only = || {
        if owner {
            Ok(())
        } else {
            Err(Denied::Forbidden)
        }
    };
    match action {
        Action::ChangePlan
        | Action::CancelSubscription
        | Action::CloseBusiness
        | Action::ChangeOwnership(_)
        | Action::AddEmployee { owner: true } => owner_only(),
        Action::EditEmployeeProfile(t)
        | Action::ChangeRoles(t)
        | Action::Deactivate(t)
        | Action::Reactivate(t) => protect(t),
        _ => Ok(()),
    }
}

/// R8: a service provider who is not an administrator, within the business's
/// access rights.
fn provider_may(actor: &Actor, action: &Action<'_>, settings: &BusinessSettings) -> bool {
    let rights = settings.access_rights.get();
    let is_self = |t: &EmployeeRef| t.id == actor.id;
    let sees = |c: &CustomerRef| match rights.customers {
        CustomerVisibility::Hidden => false,
        CustomerVisibility::Details => c.on_actor_bookings,
        CustomerVisibility::List => true,
    };
    let assigned = |b: &BookingRef<'_>| b.providers.contains(&actor.id);
    match action {
        Action::ViewOwnAccount
        | Action::ChangeOwnPassword
        | Action::ViewBusiness
        | Action::ViewServices => true,
        Action::ViewEmployee(t)
        | Action::EditEmployeeProfile(t)
        | Action::ViewWorkCalendar(t)
        | Action::RotateCalendarFeed(t)
        | Action::ViewAvailability(t) => is_self(t),
        Action::EditWorkCalendar(t) => is_self(t) && rights.work_hours == WorkHoursAccess::Edit,
        Action::ListCustomers => rights.customers == CustomerVisibility::List,
        Action::ViewCustomer(c) => sees(c),
        Action::CreateCustomer => rights.edit_customers,
        Action::EditCustomer(c) => rights.edit_customers && sees(c),
        Action::ViewBooking(b) | Action::ProgressBooking(b) => assigned(b),
        Action::RecordPayment {
            booking,
            amount_minor,
            tip_minor,
        } => {
            let needs_payments = *amount_minor != 0 || *tip_minor == 0;
            let needs_tips = *tip_minor != 0;
            assigned(booking)
                && (!needs_payments || rights.payments)
                && (!needs_tips || rights.tips)
        }
        Action::TrackOwnTime => rights.time_tracking == TimeTrackingAccess::Edit,
        Action::ViewOwnTimeEntries => rights.time_tracking != TimeTrackingAccess::Off,
        _ => false,
    }
}

/// R10: a customer sees and edits only their own profile and bookings, books
/// for themselves when online booking is on, moves their own bookings to a
/// time online booking offers (U4; the app lets them change only the time
/// and who serves), and cancels their own bookings (the notice window is a
/// state rule, checked by the booking use case).
fn customer_may(actor: &Actor, action: &Action<'_>, settings: &BusinessSettings) -> bool {
    match action {
        Action::ViewOwnAccount
        | Action::ChangeOwnPassword
        | Action::ViewBusiness
        | Action::ViewServices => true,
        Action::ViewCustomer(c) | Action::EditCustomer(c) => c.id == actor.id,
        Action::CreateBooking { customer } => customer.id == actor.id && settings.online_booking,
        Action::ViewAvailability(_) => settings.online_booking,
        Action::ViewBooking(b) | Action::CancelBooking(b) => b.customer == actor.id,
        Action::EditBooking(b) => b.customer == actor.id && settings.online_booking,
        _ => false,
    }
}

/// Which bookings an actor's lists show (R6, R8, R10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookingScope {
    /// Every booking of the business.
    All,
    /// Bookings assigned to this provider.
    AssignedTo(AccountId),
    /// Bookings of this customer.
    CustomerOf(AccountId),
}

/// The bookings `actor` may list; `Forbidden` for an actor who may list none.
pub fn booking_scope(actor: &Actor) -> Result<BookingScope, Denied> {
    if actor.status != crate::account::AccountStatus::Active {
        return Err(Denied::Forbidden);
    }
    Ok(match actor.kind {
        ActorKind::Employee(r) if r.is_administrator() => BookingScope::All,
        ActorKind::Employee(r) if r.is_provider() => BookingScope::AssignedTo(actor.id),
        ActorKind::Employee(_) => return Err(Denied::Forbidden),
        ActorKind::Customer => BookingScope::CustomerOf(actor.id),
    })
}

#[cfg(test)]
mod tests;
