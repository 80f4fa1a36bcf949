//! What a viewer may do business-wide, by name (`change_plan`,
//! `list_customers`…): the API's `GET /v1/me` lists them and the pages show
//! only the actions they name (U6). [`own`] and [`on_booking`] name what a
//! viewer may do about themselves and to one booking; the use cases check
//! each request anyway.

use rota_domain::actor::Actor;
use rota_domain::booking::Booking;
use rota_domain::business::BusinessSettings;
use rota_domain::id::AccountId;
use rota_domain::policy::{Action, BookingRef, CustomerRef, EmployeeRef, authorize};
use rota_domain::privacy::{BookingShown, booking_shown_to};

/// The business-wide actions `actor` may take, by name.
#[must_use]
pub fn business_wide(actor: &Actor, settings: &BusinessSettings) -> Vec<&'static str> {
    let actions: [(&'static str, Action<'_>); 20] = [
        ("edit_business_settings", Action::EditBusinessSettings),
        ("view_subscription", Action::ViewSubscription),
        ("change_plan", Action::ChangePlan),
        ("cancel_subscription", Action::CancelSubscription),
        ("view_access_rights", Action::ViewAccessRights),
        ("edit_access_rights", Action::EditAccessRights),
        ("view_audit_log", Action::ViewAuditLog),
        ("view_reports", Action::ViewReports),
        ("manage_services", Action::ManageServices),
        ("list_employees", Action::ListEmployees),
        ("add_employee", Action::AddEmployee { owner: false }),
        ("list_customers", Action::ListCustomers),
        ("create_customer", Action::CreateCustomer),
        ("import_customers", Action::ImportCustomers),
        ("export_customers", Action::ExportCustomers),
        ("list_all_bookings", Action::ListAllBookings),
        ("override_work_hours", Action::OverrideWorkHours),
        ("track_own_time", Action::TrackOwnTime),
        ("view_own_time_entries", Action::ViewOwnTimeEntries),
        ("view_all_time_entries", Action::ViewAllTimeEntries),
    ];
    actions
        .into_iter()
        .filter(|(_, action)| authorize(actor, action, settings).is_ok())
        .map(|(name, _)| name)
        .collect()
}

/// What `actor` may do about themselves, by name: see and edit their own
/// work hours and time off, rotate their own calendar feed (R8 `work_hours`;
/// W4). Customers may do none of these.
#[must_use]
pub fn own(actor: &Actor, settings: &BusinessSettings) -> Vec<&'static str> {
    if actor.roles().is_none() {
        return Vec::new();
    }
    let me = EmployeeRef {
        business: actor.business,
        id: actor.id,
        owner: actor.is_owner(),
    };
    let actions: [(&'static str, Action<'_>); 3] = [
        ("view_own_work_hours", Action::ViewWorkCalendar(me)),
        ("edit_own_work_hours", Action::EditWorkCalendar(me)),
        ("rotate_own_calendar_feed", Action::RotateCalendarFeed(me)),
    ];
    actions
        .into_iter()
        .filter(|(_, action)| authorize(actor, action, settings).is_ok())
        .map(|(name, _)| name)
        .collect()
}

/// What `actor` may do to `booking`, by name (`progress_booking`,
/// `record_tip`…), so a booking's page offers exactly that (U6). Whether the
/// booking's state allows it (B6) is the booking's to say.
#[must_use]
pub fn on_booking(
    actor: &Actor,
    settings: &BusinessSettings,
    booking: &Booking,
) -> Vec<&'static str> {
    let b = BookingRef {
        business: booking.business_id,
        customer: booking.customer_id,
        providers: &booking.providers,
    };
    let customer = CustomerRef {
        business: booking.business_id,
        id: booking.customer_id,
        on_actor_bookings: booking.providers.contains(&actor.id),
    };
    let payment = |amount_minor, tip_minor| Action::RecordPayment {
        booking: b,
        amount_minor,
        tip_minor,
    };
    let actions: [(&'static str, Action<'_>); 8] = [
        ("edit_booking", Action::EditBooking(b)),
        ("progress_booking", Action::ProgressBooking(b)),
        ("cancel_booking", Action::CancelBooking(b)),
        ("mark_no_show", Action::MarkNoShow(b)),
        ("record_payment", payment(1, 0)),
        ("record_tip", payment(0, 1)),
        ("view_customer", Action::ViewCustomer(customer)),
        ("edit_customer", Action::EditCustomer(customer)),
    ];
    actions
        .into_iter()
        .filter(|(_, action)| authorize(actor, action, settings).is_ok())
        .map(|(name, _)| name)
        .collect()
}

/// What `actor` may do to a customer they can already see, by name
/// (`edit_customer`, `archive_customer`, `invite_customer`).
#[must_use]
pub fn on_customer(
    actor: &Actor,
    settings: &BusinessSettings,
    customer: AccountId,
) -> Vec<&'static str> {
    let c = CustomerRef {
        business: actor.business,
        id: customer,
        // Seen already, so on the actor's bookings if that is what it takes.
        on_actor_bookings: true,
    };
    let actions: [(&'static str, Action<'_>); 3] = [
        ("edit_customer", Action::EditCustomer(c)),
        ("archive_customer", Action::ArchiveCustomer(c)),
        ("invite_customer", Action::InviteCustomer(c)),
    ];
    actions
        .into_iter()
        .filter(|(_, action)| authorize(actor, action, settings).is_ok())
        .map(|(name, _)| name)
        .collect()
}

/// Which of a booking's amounts `actor` is shown (R10: a provider sees
/// tips only with `tips`, amounts paid only with `payments`).
#[must_use]
pub fn booking_fields(actor: &Actor, settings: &BusinessSettings) -> BookingShown {
    booking_shown_to(actor, settings)
}
