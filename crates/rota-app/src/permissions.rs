//! What a viewer may do business-wide, by name (`change_plan`,
//! `list_customers`…): the API's `GET /v1/me` lists them and the pages show
//! only the actions they name (U6). Per-record rights are checked on each
//! request; the server refuses the rest anyway.

use rota_domain::actor::Actor;
use rota_domain::business::BusinessSettings;
use rota_domain::policy::{Action, authorize};

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
