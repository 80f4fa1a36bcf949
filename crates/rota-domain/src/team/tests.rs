use jiff::Timestamp;
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::actor::ActorKind;
use crate::business::{Currency, Zone};
use crate::name::{BusinessName, Slug};

const BIZ: BusinessId = BusinessId::from_uuid(Uuid::from_u128(1));
const OWNER: AccountId = AccountId::from_uuid(Uuid::from_u128(100));

fn id(n: u128) -> AccountId {
    AccountId::from_uuid(Uuid::from_u128(n))
}

fn business() -> Business {
    Business {
        id: BIZ,
        name: BusinessName::parse("Sparkle").unwrap(),
        slug: Slug::parse("sparkle").unwrap(),
        time_zone: Zone::parse("Europe/London").unwrap(),
        currency: Currency::parse("GBP").unwrap(),
        subscription: Subscription::new_business(),
        settings: BusinessSettings::default(),
        created_at: Timestamp::UNIX_EPOCH,
    }
}

/// A new business: its creator is the one active owner, on `starter`.
fn new_team() -> Team {
    let owner = Member {
        roles: EmployeeRoles::owner_with(RoleSet::Administrator),
        status: AccountStatus::Active,
        activated: true,
    };
    Team::new(&business(), [(OWNER, owner)])
}

fn actor(team: &Team, id: AccountId) -> Actor {
    let m = team.member(id).unwrap();
    Actor {
        id,
        business: BIZ,
        status: m.status,
        kind: ActorKind::Employee(m.roles),
        business_revision: None,
    }
}

fn provider() -> EmployeeRoles {
    EmployeeRoles::staff(RoleSet::ServiceProvider)
}

#[test]
fn r7_starter_has_no_provider_seats() {
    let mut team = new_team();
    let owner = actor(&team, OWNER);
    assert_eq!(
        team.add_employee(&owner, id(1), provider()),
        Err(AddEmployeeError::Seats(SeatRefusal::PlanRequired))
    );
    assert!(
        team.add_employee(&owner, id(2), EmployeeRoles::staff(RoleSet::Administrator))
            .is_ok()
    );
}

#[test]
fn r7_grow_holds_ten_providers_and_refuses_the_eleventh() {
    let mut team = new_team();
    let owner = actor(&team, OWNER);
    team.change_plan(&owner, Plan::Grow).unwrap();
    for n in 1..=10 {
        team.add_employee(&owner, id(n), provider()).unwrap();
    }
    assert_eq!(
        team.add_employee(&owner, id(11), provider()),
        Err(AddEmployeeError::Seats(SeatRefusal::PlanLimit {
            seats: 10
        }))
    );
    // Granting the role to an administrator is refused the same way.
    team.add_employee(&owner, id(12), EmployeeRoles::staff(RoleSet::Administrator))
        .unwrap();
    assert_eq!(
        team.change_roles(&owner, id(12), Some(RoleSet::Both), None),
        Err(ChangeRolesError::Seats(SeatRefusal::PlanLimit {
            seats: 10
        }))
    );
}

#[test]
fn r7_downgrade_refused_with_how_many_must_go() {
    let mut team = new_team();
    let owner = actor(&team, OWNER);
    team.change_plan(&owner, Plan::ProMax).unwrap();
    for n in 1..=12 {
        team.add_employee(&owner, id(n), provider()).unwrap();
    }
    let before = team.clone();
    assert_eq!(
        team.change_plan(&owner, Plan::Grow),
        Err(ChangePlanError::TooManyProviders {
            providers: 12,
            seats: 10,
            must_remove: 2
        })
    );
    assert_eq!(team, before, "nothing is changed silently");
    team.deactivate(&owner, id(1)).unwrap();
    team.deactivate(&owner, id(2)).unwrap();
    assert!(team.change_plan(&owner, Plan::Grow).is_ok());
}

#[test]
fn r3_removing_administrator_from_an_owner_is_refused_until_ownership_is_revoked() {
    let mut team = new_team();
    let owner = actor(&team, OWNER);
    team.change_plan(&owner, Plan::Grow).unwrap();
    team.add_employee(&owner, id(1), EmployeeRoles::owner_with(RoleSet::Both))
        .unwrap();
    team.accept_invitation(id(1)).unwrap();
    assert_eq!(
        team.change_roles(&owner, id(1), Some(RoleSet::ServiceProvider), None),
        Err(ChangeRolesError::OwnerRequiresAdministrator)
    );
    let roles = team
        .change_roles(&owner, id(1), Some(RoleSet::ServiceProvider), Some(false))
        .unwrap();
    assert!(!roles.is_owner() && !roles.is_administrator());
}

#[test]
fn r4_last_owner_cannot_step_down() {
    let mut team = new_team();
    let owner = actor(&team, OWNER);
    assert_eq!(
        team.change_roles(&owner, OWNER, None, Some(false)),
        Err(ChangeRolesError::LastOwner)
    );
    assert_eq!(
        team.change_roles(&owner, OWNER, Some(RoleSet::ServiceProvider), None),
        Err(ChangeRolesError::LastOwner)
    );
    assert_eq!(
        team.deactivate(&owner, OWNER),
        Err(DeactivateError::LastOwner)
    );
}

#[test]
fn r4_an_invited_owner_does_not_count() {
    let mut team = new_team();
    let owner = actor(&team, OWNER);
    team.add_employee(
        &owner,
        id(1),
        EmployeeRoles::owner_with(RoleSet::Administrator),
    )
    .unwrap();
    assert_eq!(
        team.change_roles(&owner, OWNER, None, Some(false)),
        Err(ChangeRolesError::LastOwner)
    );
    team.accept_invitation(id(1)).unwrap();
    assert!(team.change_roles(&owner, OWNER, None, Some(false)).is_ok());
    team.check_invariants().unwrap();
}

#[test]
fn r5_only_owners_grant_ownership_or_change_the_plan() {
    let mut team = new_team();
    let owner = actor(&team, OWNER);
    team.add_employee(&owner, id(1), EmployeeRoles::staff(RoleSet::Administrator))
        .unwrap();
    team.accept_invitation(id(1)).unwrap();
    let admin = actor(&team, id(1));
    assert_eq!(
        team.change_roles(&admin, id(1), None, Some(true)),
        Err(ChangeRolesError::Denied(Denied::Forbidden))
    );
    assert_eq!(
        team.change_plan(&admin, Plan::Grow),
        Err(ChangePlanError::Denied(Denied::Forbidden))
    );
    assert_eq!(
        team.cancel_subscription(&admin),
        Err(ChangePlanError::Denied(Denied::Forbidden))
    );
    assert_eq!(
        team.add_employee(
            &admin,
            id(2),
            EmployeeRoles::owner_with(RoleSet::Administrator)
        ),
        Err(AddEmployeeError::Denied(Denied::Forbidden))
    );
}

#[test]
fn r6_a_non_owner_administrator_cannot_touch_an_owner() {
    let mut team = new_team();
    let owner = actor(&team, OWNER);
    team.add_employee(&owner, id(1), EmployeeRoles::staff(RoleSet::Administrator))
        .unwrap();
    team.accept_invitation(id(1)).unwrap();
    let admin = actor(&team, id(1));
    assert_eq!(
        team.deactivate(&admin, OWNER),
        Err(DeactivateError::Denied(Denied::OwnerProtected))
    );
    assert_eq!(
        team.change_roles(&admin, OWNER, Some(RoleSet::Both), None),
        Err(ChangeRolesError::Denied(Denied::OwnerProtected))
    );
}

#[test]
fn r11_reactivation_restores_the_status_the_account_had_earned() {
    let mut team = new_team();
    let owner = actor(&team, OWNER);
    team.add_employee(&owner, id(1), EmployeeRoles::staff(RoleSet::Administrator))
        .unwrap();
    team.deactivate(&owner, id(1)).unwrap();
    assert_eq!(team.reactivate(&owner, id(1)), Ok(AccountStatus::Invited));
    team.accept_invitation(id(1)).unwrap();
    team.deactivate(&owner, id(1)).unwrap();
    assert_eq!(team.reactivate(&owner, id(1)), Ok(AccountStatus::Active));
}

#[test]
fn r12_an_actor_of_another_business_finds_nothing() {
    let mut team = new_team();
    let mut outsider = actor(&team, OWNER);
    outsider.business = BusinessId::from_uuid(Uuid::from_u128(2));
    outsider.id = id(999);
    assert_eq!(
        team.deactivate(&outsider, OWNER),
        Err(DeactivateError::Denied(Denied::NotFound))
    );
    assert_eq!(
        team.change_plan(&outsider, Plan::Grow),
        Err(ChangePlanError::Denied(Denied::NotFound))
    );
}

#[test]
fn cancelling_returns_to_starter_once_no_provider_holds_a_seat() {
    let mut team = new_team();
    let owner = actor(&team, OWNER);
    team.change_plan(&owner, Plan::Grow).unwrap();
    team.add_employee(&owner, id(1), provider()).unwrap();
    assert!(matches!(
        team.cancel_subscription(&owner),
        Err(ChangePlanError::TooManyProviders { must_remove: 1, .. })
    ));
    team.deactivate(&owner, id(1)).unwrap();
    let sub = team.cancel_subscription(&owner).unwrap();
    assert_eq!(
        (sub.plan, sub.status),
        (Plan::Starter, SubscriptionStatus::Cancelled)
    );
}

/// Who acts in a random step: a member (by index), someone of another
/// business, or a customer.
#[derive(Clone, Debug)]
enum Who {
    Member(usize),
    Outsider,
    Customer,
}

#[derive(Clone, Debug)]
enum Op {
    Add {
        who: Who,
        roles: RoleSet,
        owner: bool,
    },
    ChangeRoles {
        who: Who,
        target: usize,
        roles: Option<RoleSet>,
        owner: Option<bool>,
    },
    Deactivate {
        who: Who,
        target: usize,
    },
    Reactivate {
        who: Who,
        target: usize,
    },
    Accept {
        target: usize,
    },
    ChangePlan {
        who: Who,
        plan: Plan,
    },
    Cancel {
        who: Who,
    },
}

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![
        8 => (0usize..32).prop_map(Who::Member),
        1 => Just(Who::Outsider),
        1 => Just(Who::Customer),
    ]
}

fn role_set() -> impl Strategy<Value = RoleSet> {
    prop_oneof![
        Just(RoleSet::Administrator),
        Just(RoleSet::ServiceProvider),
        Just(RoleSet::Both)
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let plan = prop_oneof![Just(Plan::Starter), Just(Plan::Grow), Just(Plan::ProMax)];
    prop_oneof![
        4 => (who(), role_set(), any::<bool>()).prop_map(|(who, roles, owner)| Op::Add { who, roles, owner }),
        4 => (who(), 0usize..32, proptest::option::of(role_set()), proptest::option::of(any::<bool>()))
            .prop_map(|(who, target, roles, owner)| Op::ChangeRoles { who, target, roles, owner }),
        2 => (who(), 0usize..32).prop_map(|(who, target)| Op::Deactivate { who, target }),
        2 => (who(), 0usize..32).prop_map(|(who, target)| Op::Reactivate { who, target }),
        3 => (0usize..32).prop_map(|target| Op::Accept { target }),
        2 => (who(), plan).prop_map(|(who, plan)| Op::ChangePlan { who, plan }),
        1 => who().prop_map(|who| Op::Cancel { who }),
    ]
}

fn nth(team: &Team, n: usize) -> AccountId {
    let ids: Vec<AccountId> = team.members().map(|(id, _)| id).collect();
    ids[n % ids.len()]
}

fn acting(team: &Team, who: &Who) -> Actor {
    match who {
        Who::Member(n) => actor(team, nth(team, *n)),
        Who::Outsider => Actor {
            id: id(5000),
            business: BusinessId::from_uuid(Uuid::from_u128(2)),
            status: AccountStatus::Active,
            kind: ActorKind::Employee(EmployeeRoles::owner_with(RoleSet::Both)),
            business_revision: None,
        },
        Who::Customer => Actor {
            id: id(6000),
            business: BIZ,
            status: AccountStatus::Active,
            kind: ActorKind::Customer,
            business_revision: None,
        },
    }
}

/// Applies one step; `Ok(true)` if it changed the team, `Ok(false)` if refused.
fn apply(team: &mut Team, op: &Op, next_id: &mut u128) -> bool {
    match op {
        Op::Add { who, roles, owner } => {
            let actor = acting(team, who);
            let Ok(roles) = EmployeeRoles::new(*roles, *owner) else {
                return false;
            };
            *next_id += 1;
            team.add_employee(&actor, id(*next_id), roles).is_ok()
        }
        Op::ChangeRoles {
            who,
            target,
            roles,
            owner,
        } => {
            let actor = acting(team, who);
            let target = nth(team, *target);
            team.change_roles(&actor, target, *roles, *owner).is_ok()
        }
        Op::Deactivate { who, target } => {
            let actor = acting(team, who);
            let target = nth(team, *target);
            team.deactivate(&actor, target).is_ok()
        }
        Op::Reactivate { who, target } => {
            let actor = acting(team, who);
            let target = nth(team, *target);
            team.reactivate(&actor, target).is_ok()
        }
        Op::Accept { target } => {
            let target = nth(team, *target);
            team.accept_invitation(target).is_ok()
        }
        Op::ChangePlan { who, plan } => {
            let actor = acting(team, who);
            team.change_plan(&actor, *plan).is_ok()
        }
        Op::Cancel { who } => {
            let actor = acting(team, who);
            team.cancel_subscription(&actor).is_ok()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// R2, R3, R4, R7 hold after every step of any sequence of operations by
    /// any actors, and a refused step leaves the team exactly as it was.
    #[test]
    fn r2_r3_r4_r7_hold_after_every_step(ops in proptest::collection::vec(op(), 1..60)) {
        let mut team = new_team();
        let mut next_id = 0;
        for op in &ops {
            let before = team.clone();
            let changed = apply(&mut team, op, &mut next_id);
            if !changed {
                prop_assert_eq!(&team, &before, "refused {:?} changed the team", op);
            }
            prop_assert!(team.check_invariants().is_ok(), "{:?} after {:?}", team.check_invariants(), op);
            for (_, m) in team.members() {
                // R3: an owner is an administrator; R2: a role set is never empty.
                prop_assert!(!m.roles.is_owner() || m.roles.is_administrator());
                prop_assert!(m.roles.is_administrator() || m.roles.is_provider());
            }
        }
    }

    /// Outsiders and customers never change a team (R6, R12).
    #[test]
    fn r12_outsiders_and_customers_change_nothing(ops in proptest::collection::vec(op(), 1..30)) {
        let mut team = new_team();
        let mut next_id = 0;
        for op in &ops {
            let outsider_op = match op {
                Op::Add { who, .. } | Op::ChangeRoles { who, .. } | Op::Deactivate { who, .. }
                | Op::Reactivate { who, .. } | Op::ChangePlan { who, .. } | Op::Cancel { who } => {
                    matches!(who, Who::Outsider | Who::Customer)
                }
                Op::Accept { .. } => false,
            };
            let before = team.clone();
            let changed = apply(&mut team, op, &mut next_id);
            if outsider_op {
                prop_assert!(!changed);
                prop_assert_eq!(&team, &before);
            }
        }
    }
}
