//! The authorization matrix: every actor kind × every action, against a table
//! written by hand from the spec (R5, R6, R8, R10, R11, R12).

use uuid::Uuid;

use super::*;
use crate::access::{AccessRights, AccessRightsInput, Privacy};
use crate::account::AccountStatus;
use crate::role::{EmployeeRoles, RoleSet};

const BIZ: BusinessId = BusinessId::from_uuid(Uuid::from_u128(1));
const OTHER_BIZ: BusinessId = BusinessId::from_uuid(Uuid::from_u128(2));
const ACTOR: AccountId = AccountId::from_uuid(Uuid::from_u128(10));
const OWNER2: AccountId = AccountId::from_uuid(Uuid::from_u128(11));
const PROV2: AccountId = AccountId::from_uuid(Uuid::from_u128(12));
const CUST2: AccountId = AccountId::from_uuid(Uuid::from_u128(13));

/// The columns of the matrix, in order.
const COLUMNS: [&str; 16] = [
    "owner",
    "admin",
    "admin+provider",
    "provider",
    "provider customers=details",
    "provider customers=list",
    "provider edit_customers",
    "provider work_hours=edit",
    "provider time_tracking=view",
    "provider time_tracking=edit",
    "provider tips",
    "provider payments",
    "customer",
    "customer online_booking",
    "deactivated owner",
    "other business's owner",
];

fn employee(business: BusinessId, roles: RoleSet, owner: bool, status: AccountStatus) -> Actor {
    Actor {
        id: ACTOR,
        business,
        status,
        kind: ActorKind::Employee(EmployeeRoles::new(roles, owner).unwrap()),
        business_revision: None,
    }
}

fn with_rights(f: impl FnOnce(&mut AccessRightsInput)) -> BusinessSettings {
    let mut input = AccessRightsInput::default();
    f(&mut input);
    BusinessSettings {
        access_rights: AccessRights::new(input).unwrap(),
        ..BusinessSettings::default()
    }
}

fn columns() -> Vec<(Actor, BusinessSettings)> {
    use AccountStatus::{Active, Deactivated};
    let narrow = BusinessSettings::default;
    let provider = employee(BIZ, RoleSet::ServiceProvider, false, Active);
    let customer = Actor {
        id: ACTOR,
        business: BIZ,
        status: Active,
        kind: ActorKind::Customer,
        business_revision: None,
    };
    vec![
        (
            employee(BIZ, RoleSet::Administrator, true, Active),
            narrow(),
        ),
        (
            employee(BIZ, RoleSet::Administrator, false, Active),
            narrow(),
        ),
        (employee(BIZ, RoleSet::Both, false, Active), narrow()),
        (provider, narrow()),
        (
            provider,
            with_rights(|r| r.customers = CustomerVisibility::Details),
        ),
        (
            provider,
            with_rights(|r| r.customers = CustomerVisibility::List),
        ),
        (
            provider,
            with_rights(|r| {
                r.customers = CustomerVisibility::List;
                r.edit_customers = true;
            }),
        ),
        (
            provider,
            with_rights(|r| r.work_hours = WorkHoursAccess::Edit),
        ),
        (
            provider,
            with_rights(|r| r.time_tracking = TimeTrackingAccess::View),
        ),
        (
            provider,
            with_rights(|r| r.time_tracking = TimeTrackingAccess::Edit),
        ),
        (provider, with_rights(|r| r.tips = true)),
        (provider, with_rights(|r| r.payments = true)),
        (customer, narrow()),
        (
            customer,
            BusinessSettings {
                online_booking: true,
                ..narrow()
            },
        ),
        (
            employee(BIZ, RoleSet::Administrator, true, Deactivated),
            narrow(),
        ),
        (
            employee(OTHER_BIZ, RoleSet::Administrator, true, Active),
            narrow(),
        ),
    ]
}

/// One actor's view of the targets: "own" targets are in the actor's
/// business, the others in `BIZ`.
struct Ctx {
    actor: Actor,
}

impl Ctx {
    fn myself(&self) -> EmployeeRef {
        EmployeeRef {
            business: self.actor.business,
            id: self.actor.id,
            owner: self.actor.is_owner(),
        }
    }
    fn other_owner() -> EmployeeRef {
        EmployeeRef {
            business: BIZ,
            id: OWNER2,
            owner: true,
        }
    }
    fn other_provider() -> EmployeeRef {
        EmployeeRef {
            business: BIZ,
            id: PROV2,
            owner: false,
        }
    }
    fn customer_on_my_bookings() -> CustomerRef {
        CustomerRef {
            business: BIZ,
            id: CUST2,
            on_actor_bookings: true,
        }
    }
    fn customer_elsewhere() -> CustomerRef {
        CustomerRef {
            business: BIZ,
            id: CUST2,
            on_actor_bookings: false,
        }
    }
    fn customer_myself(&self) -> CustomerRef {
        CustomerRef {
            business: self.actor.business,
            id: self.actor.id,
            on_actor_bookings: false,
        }
    }
    fn my_booking<'a>(&self, providers: &'a [AccountId]) -> BookingRef<'a> {
        BookingRef {
            business: self.actor.business,
            customer: self.actor.id,
            providers,
        }
    }
    fn other_booking(providers: &[AccountId]) -> BookingRef<'_> {
        BookingRef {
            business: BIZ,
            customer: CUST2,
            providers,
        }
    }
}

type Row = (&'static str, fn(&Ctx) -> Action<'static>, &'static str);

fn leak(ids: &[AccountId]) -> &'static [AccountId] {
    Box::leak(ids.to_vec().into_boxed_slice())
}

// A = allowed, F = forbidden, O = owner_protected, N = not found.
// Columns: owner, admin, admin+provider, provider ×9 (narrowest, details, list,
// edit_customers, work_hours=edit, tt=view, tt=edit, tips, payments),
// customer, customer with online booking, deactivated owner, other business.
#[rustfmt::skip]
const MATRIX: &[Row] = &[
    ("view own account",            |_| Action::ViewOwnAccount,                           "AAA AAAAAAAAA AA F A"),
    ("change own password",         |_| Action::ChangeOwnPassword,                        "AAA AAAAAAAAA AA F A"),
    ("view business",               |_| Action::ViewBusiness,                             "AAA AAAAAAAAA AA F A"),
    ("r6 edit business settings",   |_| Action::EditBusinessSettings,                     "AAA FFFFFFFFF FF F A"),
    ("view subscription",           |_| Action::ViewSubscription,                         "AAA FFFFFFFFF FF F A"),
    ("r5 change plan",              |_| Action::ChangePlan,                               "AFF FFFFFFFFF FF F A"),
    ("r5 cancel subscription",      |_| Action::CancelSubscription,                       "AFF FFFFFFFFF FF F A"),
    ("r5 close business",           |_| Action::CloseBusiness,                            "AFF FFFFFFFFF FF F A"),
    ("view access rights",          |_| Action::ViewAccessRights,                         "AAA FFFFFFFFF FF F A"),
    ("edit access rights",          |_| Action::EditAccessRights,                         "AAA FFFFFFFFF FF F A"),
    ("r6 view audit log",           |_| Action::ViewAuditLog,                             "AAA FFFFFFFFF FF F A"),
    ("r6 view reports",             |_| Action::ViewReports,                              "AAA FFFFFFFFF FF F A"),
    ("view services",               |_| Action::ViewServices,                             "AAA AAAAAAAAA AA F A"),
    ("manage services",             |_| Action::ManageServices,                           "AAA FFFFFFFFF FF F A"),
    ("list employees",              |_| Action::ListEmployees,                            "AAA FFFFFFFFF FF F A"),
    ("r8 view own employee record", |c| Action::ViewEmployee(c.myself()),                 "AAA AAAAAAAAA FF F A"),
    ("view an owner",               |_| Action::ViewEmployee(Ctx::other_owner()),         "AAA FFFFFFFFF FF F N"),
    ("view a provider",             |_| Action::ViewEmployee(Ctx::other_provider()),      "AAA FFFFFFFFF FF F N"),
    ("add employee",                |_| Action::AddEmployee { owner: false },             "AAA FFFFFFFFF FF F A"),
    ("r5 add an owner",             |_| Action::AddEmployee { owner: true },              "AFF FFFFFFFFF FF F A"),
    ("r8 edit own profile",         |c| Action::EditEmployeeProfile(c.myself()),          "AAA AAAAAAAAA FF F A"),
    ("r6 edit an owner's profile",  |_| Action::EditEmployeeProfile(Ctx::other_owner()),  "AOO FFFFFFFFF FF F N"),
    ("edit a provider's profile",   |_| Action::EditEmployeeProfile(Ctx::other_provider()),"AAA FFFFFFFFF FF F N"),
    ("change own roles",            |c| Action::ChangeRoles(c.myself()),                  "AAA FFFFFFFFF FF F A"),
    ("r6 change an owner's roles",  |_| Action::ChangeRoles(Ctx::other_owner()),          "AOO FFFFFFFFF FF F N"),
    ("change a provider's roles",   |_| Action::ChangeRoles(Ctx::other_provider()),       "AAA FFFFFFFFF FF F N"),
    ("r5 change own ownership",     |c| Action::ChangeOwnership(c.myself()),              "AFF FFFFFFFFF FF F A"),
    ("r5 revoke another owner",     |_| Action::ChangeOwnership(Ctx::other_owner()),      "AFF FFFFFFFFF FF F N"),
    ("r5 grant ownership",          |_| Action::ChangeOwnership(Ctx::other_provider()),   "AFF FFFFFFFFF FF F N"),
    ("deactivate oneself",          |c| Action::Deactivate(c.myself()),                   "AAA FFFFFFFFF FF F A"),
    ("r6 deactivate an owner",      |_| Action::Deactivate(Ctx::other_owner()),           "AOO FFFFFFFFF FF F N"),
    ("deactivate a provider",       |_| Action::Deactivate(Ctx::other_provider()),        "AAA FFFFFFFFF FF F N"),
    ("r6 reactivate an owner",      |_| Action::Reactivate(Ctx::other_owner()),           "AOO FFFFFFFFF FF F N"),
    ("reactivate a provider",       |_| Action::Reactivate(Ctx::other_provider()),        "AAA FFFFFFFFF FF F N"),
    ("send an owner a reset",       |_| Action::SendPasswordReset(Ctx::other_owner()),    "AAA FFFFFFFFF FF F N"),
    ("send a provider a reset",     |_| Action::SendPasswordReset(Ctx::other_provider()), "AAA FFFFFFFFF FF F N"),
    ("r8 view own work calendar",   |c| Action::ViewWorkCalendar(c.myself()),             "AAA AAAAAAAAA FF F A"),
    ("view another's calendar",     |_| Action::ViewWorkCalendar(Ctx::other_provider()),  "AAA FFFFFFFFF FF F N"),
    ("r8 edit own work calendar",   |c| Action::EditWorkCalendar(c.myself()),             "AAA FFFFAFFFF FF F A"),
    ("edit another's calendar",     |_| Action::EditWorkCalendar(Ctx::other_provider()),  "AAA FFFFFFFFF FF F N"),
    ("rotate own calendar feed",    |c| Action::RotateCalendarFeed(c.myself()),           "AAA AAAAAAAAA FF F A"),
    ("rotate another's feed",       |_| Action::RotateCalendarFeed(Ctx::other_provider()),"AAA FFFFFFFFF FF F N"),
    ("w3 own availability",         |c| Action::ViewAvailability(c.myself()),             "AAA AAAAAAAAA FA F A"),
    ("w3 another's availability",   |_| Action::ViewAvailability(Ctx::other_provider()),  "AAA FFFFFFFFF FA F N"),
    ("r8 list customers",           |_| Action::ListCustomers,                            "AAA FFAAFFFFF FF F A"),
    ("r8 view customer on own job", |_| Action::ViewCustomer(Ctx::customer_on_my_bookings()), "AAA FAAAFFFFF FF F N"),
    ("r8 view any customer",        |_| Action::ViewCustomer(Ctx::customer_elsewhere()),  "AAA FFAAFFFFF FF F N"),
    ("r10 view own customer record",|c| Action::ViewCustomer(c.customer_myself()),        "AAA FFAAFFFFF AA F A"),
    ("r8 create customer",          |_| Action::CreateCustomer,                           "AAA FFFAFFFFF FF F A"),
    ("r8 edit customer on own job", |_| Action::EditCustomer(Ctx::customer_on_my_bookings()), "AAA FFFAFFFFF FF F N"),
    ("r8 edit any customer",        |_| Action::EditCustomer(Ctx::customer_elsewhere()),  "AAA FFFAFFFFF FF F N"),
    ("r10 edit own customer record",|c| Action::EditCustomer(c.customer_myself()),        "AAA FFFAFFFFF AA F A"),
    ("archive customer",            |_| Action::ArchiveCustomer(Ctx::customer_elsewhere()), "AAA FFFFFFFFF FF F N"),
    ("invite customer",             |_| Action::InviteCustomer(Ctx::customer_elsewhere()),"AAA FFFFFFFFF FF F N"),
    ("import customers",            |_| Action::ImportCustomers,                          "AAA FFFFFFFFF FF F A"),
    ("r8 export stays with admins", |_| Action::ExportCustomers,                          "AAA FFFFFFFFF FF F A"),
    ("list all bookings",           |_| Action::ListAllBookings,                          "AAA FFFFFFFFF FF F A"),
    ("view own booking",            |c| Action::ViewBooking(c.my_booking(leak(&[c.actor.id]))), "AAA AAAAAAAAA AA F A"),
    ("view another's booking",      |_| Action::ViewBooking(Ctx::other_booking(leak(&[PROV2]))), "AAA FFFFFFFFF FF F N"),
    ("r10 book for oneself",        |c| Action::CreateBooking { customer: c.customer_myself() }, "AAA FFFFFFFFF FA F A"),
    ("book another customer",       |_| Action::CreateBooking { customer: Ctx::customer_elsewhere() }, "AAA FFFFFFFFF FF F N"),
    ("r8 r10 reschedule own booking", |c| Action::EditBooking(c.my_booking(leak(&[c.actor.id]))), "AAA FFFFFFFFF FA F A"),
    ("reschedule another's",        |_| Action::EditBooking(Ctx::other_booking(leak(&[PROV2]))), "AAA FFFFFFFFF FF F N"),
    ("b5 override work hours",      |_| Action::OverrideWorkHours,                        "AAA FFFFFFFFF FF F A"),
    ("r8 start/complete own",       |c| Action::ProgressBooking(c.my_booking(leak(&[c.actor.id]))), "AAA AAAAAAAAA FF F A"),
    ("start/complete another's",    |_| Action::ProgressBooking(Ctx::other_booking(leak(&[PROV2]))), "AAA FFFFFFFFF FF F N"),
    ("r8 r10 cancel own booking",   |c| Action::CancelBooking(c.my_booking(leak(&[c.actor.id]))), "AAA FFFFFFFFF AA F A"),
    ("cancel another's booking",    |_| Action::CancelBooking(Ctx::other_booking(leak(&[PROV2]))), "AAA FFFFFFFFF FF F N"),
    ("mark own booking no-show",    |c| Action::MarkNoShow(c.my_booking(leak(&[c.actor.id]))), "AAA FFFFFFFFF FF F A"),
    ("r8 record payment on own",    |c| Action::RecordPayment { booking: c.my_booking(leak(&[c.actor.id])), amount_minor: 500, tip_minor: 0 }, "AAA FFFFFFFFA FF F A"),
    ("r8 record tip alone on own",  |c| Action::RecordPayment { booking: c.my_booking(leak(&[c.actor.id])), amount_minor: 0, tip_minor: 200 }, "AAA FFFFFFFAF FF F A"),
    ("r8 payment and tip on own",   |c| Action::RecordPayment { booking: c.my_booking(leak(&[c.actor.id])), amount_minor: 500, tip_minor: 200 }, "AAA FFFFFFFFF FF F A"),
    ("payment on another's",        |_| Action::RecordPayment { booking: Ctx::other_booking(leak(&[PROV2])), amount_minor: 500, tip_minor: 0 }, "AAA FFFFFFFFF FF F N"),
    ("r8 clock in/out",             |_| Action::TrackOwnTime,                             "AAA FFFFFFAFF FF F A"),
    ("r8 view own time entries",    |_| Action::ViewOwnTimeEntries,                       "AAA FFFFFAAFF FF F A"),
    ("view all time entries",       |_| Action::ViewAllTimeEntries,                       "AAA FFFFFFFFF FF F A"),
];

fn expected(cell: char) -> Result<(), Denied> {
    match cell {
        'A' => Ok(()),
        'F' => Err(Denied::Forbidden),
        'O' => Err(Denied::OwnerProtected),
        'N' => Err(Denied::NotFound),
        other => panic!("unknown cell {other:?}"),
    }
}

#[test]
fn r5_r6_r8_r10_r11_r12_authorization_matrix() {
    let columns = columns();
    let mut differences = Vec::new();
    for (label, action, row) in MATRIX {
        let cells: Vec<char> = row.chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(
            cells.len(),
            COLUMNS.len(),
            "row {label:?} has {} cells",
            cells.len()
        );
        for ((column, (actor, settings)), cell) in COLUMNS.iter().zip(&columns).zip(cells) {
            let ctx = Ctx { actor: *actor };
            let got = authorize(actor, &action(&ctx), settings);
            if got != expected(cell) {
                differences.push(format!("{label} as {column}: expected {cell}, got {got:?}"));
            }
        }
    }
    assert!(
        differences.is_empty(),
        "{} cells differ:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

#[test]
fn r11_only_active_actors_may_act() {
    for status in [AccountStatus::Invited, AccountStatus::Deactivated] {
        let actor = employee(BIZ, RoleSet::Both, true, status);
        assert_eq!(
            authorize(
                &actor,
                &Action::ViewOwnAccount,
                &BusinessSettings::default()
            ),
            Err(Denied::Forbidden)
        );
        assert_eq!(booking_scope(&actor), Err(Denied::Forbidden));
    }
}

#[test]
fn r12_another_business_answers_as_not_found() {
    let outsider = employee(
        OTHER_BIZ,
        RoleSet::Administrator,
        true,
        AccountStatus::Active,
    );
    let target = Ctx::other_provider();
    assert_eq!(
        authorize(
            &outsider,
            &Action::Deactivate(target),
            &BusinessSettings::default()
        ),
        Err(Denied::NotFound)
    );
}

#[test]
fn r6_r8_r10_booking_lists_are_scoped() {
    use AccountStatus::Active;
    let admin = employee(BIZ, RoleSet::Both, false, Active);
    let provider = employee(BIZ, RoleSet::ServiceProvider, false, Active);
    let customer = Actor {
        id: ACTOR,
        business: BIZ,
        status: Active,
        kind: ActorKind::Customer,
        business_revision: None,
    };
    assert_eq!(booking_scope(&admin), Ok(BookingScope::All));
    assert_eq!(
        booking_scope(&provider),
        Ok(BookingScope::AssignedTo(ACTOR))
    );
    assert_eq!(
        booking_scope(&customer),
        Ok(BookingScope::CustomerOf(ACTOR))
    );
}

#[test]
fn r8_privacy_does_not_widen_anything() {
    let provider = employee(BIZ, RoleSet::ServiceProvider, false, AccountStatus::Active);
    let settings = with_rights(|r| {
        r.privacy = Privacy {
            abbreviate_names: true,
            hide_addresses_after_hours: Some(0),
        };
    });
    assert_eq!(
        authorize(&provider, &Action::ListCustomers, &settings),
        Err(Denied::Forbidden)
    );
}

#[test]
fn r9_an_administrator_who_is_a_provider_has_both_sets_of_powers() {
    let both = employee(BIZ, RoleSet::Both, false, AccountStatus::Active);
    let settings = BusinessSettings::default();
    let own = [ACTOR];
    let booking = BookingRef {
        business: BIZ,
        customer: CUST2,
        providers: &own,
    };
    // Administrator powers…
    assert_eq!(authorize(&both, &Action::ListCustomers, &settings), Ok(()));
    assert_eq!(
        authorize(&both, &Action::CancelBooking(booking), &settings),
        Ok(())
    );
    // …and a provider's: a work calendar of their own, which they may edit
    // even though providers may not by default.
    let me = EmployeeRef {
        business: BIZ,
        id: ACTOR,
        owner: false,
    };
    assert_eq!(
        authorize(&both, &Action::EditWorkCalendar(me), &settings),
        Ok(())
    );
    assert!(both.is_provider() && both.is_administrator());
}

#[test]
fn r10_a_customer_sees_only_their_own_bookings_and_books_only_themselves() {
    let customer = Actor {
        id: ACTOR,
        business: BIZ,
        status: AccountStatus::Active,
        kind: ActorKind::Customer,
        business_revision: None,
    };
    let open = BusinessSettings {
        online_booking: true,
        ..BusinessSettings::default()
    };
    let providers = [PROV2];
    let mine = BookingRef {
        business: BIZ,
        customer: ACTOR,
        providers: &providers,
    };
    let theirs = BookingRef {
        business: BIZ,
        customer: CUST2,
        providers: &providers,
    };
    assert_eq!(
        authorize(&customer, &Action::ViewBooking(mine), &open),
        Ok(())
    );
    assert_eq!(
        authorize(&customer, &Action::ViewBooking(theirs), &open),
        Err(Denied::Forbidden)
    );
    assert_eq!(
        authorize(&customer, &Action::CancelBooking(theirs), &open),
        Err(Denied::Forbidden)
    );
    let me = CustomerRef {
        business: BIZ,
        id: ACTOR,
        on_actor_bookings: false,
    };
    let other = CustomerRef {
        business: BIZ,
        id: CUST2,
        on_actor_bookings: false,
    };
    assert_eq!(
        authorize(&customer, &Action::CreateBooking { customer: me }, &open),
        Ok(())
    );
    assert_eq!(
        authorize(&customer, &Action::CreateBooking { customer: other }, &open),
        Err(Denied::Forbidden)
    );
    assert_eq!(
        authorize(
            &customer,
            &Action::CreateBooking { customer: me },
            &BusinessSettings::default()
        ),
        Err(Denied::Forbidden),
        "only when the business allows online booking"
    );
    assert_eq!(
        booking_scope(&customer),
        Ok(BookingScope::CustomerOf(ACTOR))
    );
}
