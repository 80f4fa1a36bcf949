use uuid::Uuid;

use super::*;
use crate::account::{
    Account, AccountStatus, CustomerDetails, CustomerProfile, EmployeeProfile, Profile,
};
use crate::email::EmailAddress;
use crate::name::PersonName;
use crate::role::{EmployeeRoles, RoleSet};

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn id(n: u128) -> AccountId {
    AccountId::from_uuid(Uuid::from_u128(n))
}

fn booking(price: i64) -> Booking {
    Booking {
        id: BookingId::from_uuid(Uuid::from_u128(1)),
        business_id: BusinessId::from_uuid(Uuid::from_u128(2)),
        customer_id: id(3),
        service_id: None,
        range: TimeRange::new(ts("2026-05-01T10:00:00Z"), ts("2026-05-01T11:00:00Z")).unwrap(),
        providers: vec![id(4)],
        status: BookingStatus::Scheduled,
        price: Money::new(price).unwrap(),
        paid: Money::ZERO,
        tips: Money::ZERO,
        notes: None,
        created_at: ts("2026-04-01T00:00:00Z"),
        updated_at: ts("2026-04-01T00:00:00Z"),
        sequence: 0,
        buffers: crate::service::Buffers::NONE,
        series: None,
    }
}

fn account(n: u128, profile: Profile, status: AccountStatus) -> Account {
    Account {
        id: id(n),
        business_id: BusinessId::from_uuid(Uuid::from_u128(2)),
        email: EmailAddress::parse(&format!("a{n}@x.example")).unwrap(),
        status,
        profile,
        created_at: Timestamp::UNIX_EPOCH,
        activated_at: None,
    }
}

fn customer(archived: bool, status: AccountStatus) -> Account {
    let profile = Profile::Customer(CustomerProfile {
        first_name: PersonName::parse("Ana").unwrap(),
        last_name: PersonName::parse("Smith").unwrap(),
        details: CustomerDetails::default(),
        archived_at: archived.then(|| ts("2026-01-01T00:00:00Z")),
    });
    account(3, profile, status)
}

fn employee(n: u128, roles: RoleSet, status: AccountStatus) -> Account {
    let profile = Profile::Employee(EmployeeProfile {
        name: PersonName::parse("Pat").unwrap(),
        phone: None,
        roles: EmployeeRoles::staff(roles),
    });
    account(n, profile, status)
}

#[test]
fn b6_the_status_machine_allows_exactly_the_spec_moves() {
    use BookingStatus::{Cancelled, Completed, InProgress, NoShow, Scheduled};
    let allowed = [
        (Scheduled, InProgress),
        (InProgress, Completed),
        (Scheduled, Cancelled),
        (Scheduled, NoShow),
    ];
    for from in BookingStatus::ALL {
        for to in BookingStatus::ALL {
            assert_eq!(
                from.can_become(to),
                allowed.contains(&(from, to)),
                "{from:?} → {to:?}"
            );
        }
    }
    for s in [Completed, Cancelled, NoShow] {
        assert!(s.is_final());
    }
    let mut b = booking(0);
    let now = ts("2026-05-01T10:00:00Z");
    b.transition(InProgress, now).unwrap();
    assert_eq!(
        b.transition(Cancelled, now),
        Err(InvalidTransition {
            from: InProgress,
            to: Cancelled
        })
    );
    b.transition(Completed, now).unwrap();
    assert_eq!(b.sequence, 2, "every change bumps the sequence");
}

#[test]
fn b6_a_cancelled_booking_frees_its_time() {
    let mut b = booking(0);
    let r = b.range;
    assert!(b.occupies(id(4), &r));
    b.transition(BookingStatus::Cancelled, ts("2026-04-02T00:00:00Z"))
        .unwrap();
    assert!(!b.occupies(id(4), &r));
}

#[test]
fn b8_payments_are_capped_by_the_balance_tips_are_not() {
    let now = ts("2026-05-01T12:00:00Z");
    let mut b = booking(5000);
    b.record_payment(Money::new(3000).unwrap(), Money::new(10_000).unwrap(), now)
        .unwrap();
    assert_eq!(b.balance_minor(), 2000);
    assert_eq!(
        b.record_payment(Money::new(2001).unwrap(), Money::ZERO, now),
        Err(PaymentRefused::Overpayment(Overpayment {
            balance_minor: 2000
        }))
    );
    assert_eq!(b.paid.minor(), 3000, "a refused payment changes nothing");
    b.record_payment(Money::new(2000).unwrap(), Money::ZERO, now)
        .unwrap();
    assert_eq!((b.balance_minor(), b.tips.minor()), (0, 10_000));
    assert!(Money::new(-1).is_err(), "B8: never negative");
}

#[test]
fn r10_customers_cancel_only_before_the_notice() {
    let mut b = booking(0);
    // Starts 2026-05-01T10:00Z; 24 h notice ⇒ the last moment is 2026-04-30T10:00Z.
    assert_eq!(
        b.clone()
            .cancel_by_customer(1440, ts("2026-04-30T10:00:01Z")),
        Err(CustomerCancelError::WindowPassed {
            notice_minutes: 1440
        })
    );
    b.cancel_by_customer(1440, ts("2026-04-30T10:00:00Z"))
        .unwrap();
    assert_eq!(b.status, BookingStatus::Cancelled);
    assert!(matches!(
        b.cancel_by_customer(1440, ts("2026-04-01T00:00:00Z")),
        Err(CustomerCancelError::Transition(_))
    ));
}

#[test]
fn b1_b7_the_customer_must_exist_be_active_and_not_archived() {
    assert_eq!(check_customer(None), Err(ScheduleError::CustomerNotFound));
    assert_eq!(
        check_customer(Some(&customer(true, AccountStatus::Active))),
        Err(ScheduleError::CustomerArchived)
    );
    assert_eq!(
        check_customer(Some(&customer(false, AccountStatus::Deactivated))),
        Err(ScheduleError::CustomerInactive)
    );
    assert_eq!(
        check_customer(Some(&customer(false, AccountStatus::Invited))),
        Ok(())
    );
    let not_a_customer = employee(9, RoleSet::Administrator, AccountStatus::Active);
    assert_eq!(
        check_customer(Some(&not_a_customer)),
        Err(ScheduleError::CustomerNotFound)
    );
}

#[test]
fn b2_bookings_last_at_most_a_day() {
    let day = TimeRange::new(ts("2026-05-01T00:00:00Z"), ts("2026-05-02T00:00:00Z")).unwrap();
    assert_eq!(check_range(day), Ok(()));
    let longer = TimeRange::new(ts("2026-05-01T00:00:00Z"), ts("2026-05-02T00:00:01Z")).unwrap();
    assert_eq!(check_range(longer), Err(ScheduleError::TooLong));
}

#[test]
fn b3_b4_b5_providers_are_active_providers_in_hours_and_free() {
    let good = employee(4, RoleSet::ServiceProvider, AccountStatus::Active);
    let admin = employee(5, RoleSet::Administrator, AccountStatus::Active);
    let invited = employee(6, RoleSet::Both, AccountStatus::Invited);
    let facts = |account: Option<&Account>, n: u128, within: bool, overlap: bool| ProviderFacts {
        id: id(n),
        account: account.map(|a| &*Box::leak(Box::new(a.clone()))),
        within_working_time: within,
        has_overlap: overlap,
    };
    assert_eq!(
        check_providers(&[facts(Some(&good), 4, true, false)], false),
        Ok(())
    );
    assert_eq!(
        check_providers(&[], false),
        Ok(()),
        "B3: unassigned is allowed"
    );
    assert_eq!(
        check_providers(&[facts(None, 7, true, false)], false),
        Err(ScheduleError::ProviderNotFound(id(7)))
    );
    assert_eq!(
        check_providers(&[facts(Some(&admin), 5, true, false)], false),
        Err(ScheduleError::NotAProvider(id(5)))
    );
    assert_eq!(
        check_providers(&[facts(Some(&invited), 6, true, false)], false),
        Err(ScheduleError::ProviderInactive(id(6)))
    );
    assert_eq!(
        check_providers(
            &[
                facts(Some(&good), 4, true, false),
                facts(Some(&good), 4, true, false)
            ],
            false
        ),
        Err(ScheduleError::DuplicateProvider(id(4)))
    );
    assert_eq!(
        check_providers(&[facts(Some(&good), 4, false, false)], false),
        Err(ScheduleError::OutsideWorkHours(id(4)))
    );
    assert_eq!(
        check_providers(&[facts(Some(&good), 4, false, false)], true),
        Ok(()),
        "B5: the override"
    );
    assert_eq!(
        check_providers(&[facts(Some(&good), 4, true, true)], true),
        Err(ScheduleError::DoubleBooking(id(4))),
        "B4 has no override"
    );
    assert_eq!(ScheduleError::DoubleBooking(id(4)).code(), "double_booking");
}

#[test]
fn b8_tips_that_would_overflow_are_refused_and_nothing_is_recorded() {
    let now = ts("2026-05-01T12:00:00Z");
    let mut b = booking(5000);
    b.record_payment(Money::ZERO, Money::new(i64::MAX - 5).unwrap(), now)
        .unwrap();
    let before = b.clone();
    assert_eq!(
        b.record_payment(Money::new(100).unwrap(), Money::new(10).unwrap(), now),
        Err(PaymentRefused::TipsTooLarge)
    );
    assert_eq!(b, before, "neither the payment nor the tip");
}

#[test]
fn b4_bookings_clash_when_what_they_block_overlaps() {
    use crate::service::Buffers;
    let mut first = booking(0);
    first.buffers = Buffers::minutes(0, 30).unwrap();
    let mut second = booking(0);
    second.id = BookingId::from_uuid(Uuid::from_u128(9));
    // 11:40–12:40, with ten minutes before: blocks from 11:30, where the
    // first's thirty minutes after it end.
    second.range = TimeRange::new(ts("2026-05-01T11:40:00Z"), ts("2026-05-01T12:40:00Z")).unwrap();
    second.buffers = Buffers::minutes(10, 0).unwrap();
    assert!(
        !first.clashes_with(id(4), &second),
        "touching buffers do not clash"
    );
    second.buffers = Buffers::minutes(11, 0).unwrap();
    assert!(first.clashes_with(id(4), &second));
    assert!(second.clashes_with(id(4), &first));
    assert!(
        !first.clashes_with(id(5), &second),
        "another provider's time"
    );
    second.status = BookingStatus::Cancelled;
    assert!(
        !first.clashes_with(id(4), &second),
        "a cancelled booking holds no time"
    );
    assert!(
        !first.clashes_with(id(4), &first),
        "a booking never clashes with itself"
    );
}
