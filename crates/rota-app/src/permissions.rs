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

/// The names of `actions` that `actor` may take.
fn allowed<'a>(
    actor: &Actor,
    settings: &BusinessSettings,
    actions: impl IntoIterator<Item = (&'static str, Action<'a>)>,
) -> Vec<&'static str> {
    actions
        .into_iter()
        .filter(|(_, action)| authorize(actor, action, settings).is_ok())
        .map(|(name, _)| name)
        .collect()
}

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
    allowed(actor, settings, actions)
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
    allowed(actor, settings, actions)
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
    allowed(actor, settings, actions)
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
    allowed(actor, settings, actions)
}

/// Which of a booking's amounts `actor` is shown (R10: a provider sees
/// tips only with `tips`, amounts paid only with `payments`).
#[must_use]
pub fn booking_fields(actor: &Actor, settings: &BusinessSettings) -> BookingShown {
    booking_shown_to(actor, settings)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rota_domain::access::{
        AccessRights, AccessRightsInput, CustomerVisibility, TimeTrackingAccess, WorkHoursAccess,
    };
    use rota_domain::account::AccountStatus;
    use rota_domain::actor::ActorKind;
    use rota_domain::booking::BookingStatus;
    use rota_domain::id::{BookingId, BusinessId};
    use rota_domain::jiff::Timestamp;
    use rota_domain::money::Money;
    use rota_domain::role::{EmployeeRoles, RoleSet};
    use rota_domain::time::TimeRange;
    use rota_domain::uuid::Uuid;

    use super::*;

    const BIZ: BusinessId = BusinessId::from_uuid(Uuid::from_u128(1));
    const ME: AccountId = AccountId::from_uuid(Uuid::from_u128(10));
    const OTHER: AccountId = AccountId::from_uuid(Uuid::from_u128(11));
    const CUSTOMER: AccountId = AccountId::from_uuid(Uuid::from_u128(12));

    fn provider() -> Actor {
        Actor {
            id: ME,
            business: BIZ,
            status: AccountStatus::Active,
            kind: ActorKind::Employee(EmployeeRoles::new(RoleSet::ServiceProvider, false).unwrap()),
            business_revision: None,
        }
    }

    fn booking(providers: Vec<AccountId>) -> Booking {
        let at = Timestamp::from_second(1_900_000_000).unwrap();
        Booking {
            id: BookingId::from_uuid(Uuid::from_u128(20)),
            business_id: BIZ,
            customer_id: CUSTOMER,
            service_id: None,
            range: TimeRange::new(
                at,
                at.saturating_add(rota_domain::jiff::SignedDuration::from_hours(1))
                    .unwrap(),
            )
            .unwrap(),
            providers,
            status: BookingStatus::Scheduled,
            price: Money::ZERO,
            paid: Money::ZERO,
            tips: Money::ZERO,
            notes: None,
            created_at: at,
            updated_at: at,
            sequence: 0,
            buffers: rota_domain::service::Buffers::NONE,
            series: None,
        }
    }

    fn rights() -> impl Strategy<Value = AccessRightsInput> {
        (
            0..3_u8,
            any::<bool>(),
            any::<bool>(),
            0..3_u8,
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(c, edit, work, time, tips, payments)| {
                let customers = [
                    CustomerVisibility::Hidden,
                    CustomerVisibility::Details,
                    CustomerVisibility::List,
                ][usize::from(c)];
                AccessRightsInput {
                    customers,
                    edit_customers: edit && customers != CustomerVisibility::Hidden,
                    work_hours: if work {
                        WorkHoursAccess::Edit
                    } else {
                        WorkHoursAccess::View
                    },
                    time_tracking: [
                        TimeTrackingAccess::Off,
                        TimeTrackingAccess::View,
                        TimeTrackingAccess::Edit,
                    ][usize::from(time)],
                    tips,
                    payments,
                    ..AccessRightsInput::default()
                }
            })
    }

    proptest! {
        /// R8, U3: what a provider's pages offer follows each right, and
        /// never more — on their own booking, on someone else's, about
        /// themselves.
        #[test]
        fn r8_u3_a_providers_pages_offer_exactly_what_their_rights_open(input in rights()) {
            let settings = BusinessSettings {
                access_rights: AccessRights::new(input).unwrap(),
                ..BusinessSettings::default()
            };
            let me = provider();
            let mine = on_booking(&me, &settings, &booking(vec![ME]));
            prop_assert!(mine.contains(&"progress_booking"));
            prop_assert!(!mine.contains(&"cancel_booking") && !mine.contains(&"edit_booking"));
            prop_assert!(!mine.contains(&"mark_no_show"));
            prop_assert_eq!(mine.contains(&"record_payment"), input.payments);
            prop_assert_eq!(mine.contains(&"record_tip"), input.tips);
            prop_assert_eq!(
                mine.contains(&"view_customer"),
                input.customers != CustomerVisibility::Hidden
            );
            prop_assert_eq!(mine.contains(&"edit_customer"), input.edit_customers);
            let theirs = on_booking(&me, &settings, &booking(vec![OTHER]));
            let seen: Vec<&str> = theirs.into_iter().filter(|n| !n.ends_with("_customer")).collect();
            prop_assert!(seen.is_empty(), "{seen:?}");
            let own = own(&me, &settings);
            prop_assert!(own.contains(&"view_own_work_hours") && own.contains(&"rotate_own_calendar_feed"));
            prop_assert_eq!(
                own.contains(&"edit_own_work_hours"),
                input.work_hours == WorkHoursAccess::Edit
            );
            let wide = business_wide(&me, &settings);
            prop_assert_eq!(
                wide.contains(&"list_customers"),
                input.customers == CustomerVisibility::List
            );
            prop_assert_eq!(
                wide.contains(&"track_own_time"),
                input.time_tracking == TimeTrackingAccess::Edit
            );
            prop_assert_eq!(
                wide.contains(&"view_own_time_entries"),
                input.time_tracking != TimeTrackingAccess::Off
            );
            prop_assert!(!wide.contains(&"list_all_bookings"));
            let shown = booking_fields(&me, &settings);
            prop_assert_eq!((shown.paid, shown.tips), (input.payments, input.tips));
        }
    }
}
