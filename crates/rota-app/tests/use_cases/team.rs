use rota_app::domain::account::AccountStatus;
use rota_app::domain::audit::AuditChange;
use rota_app::domain::plan::Plan;
use rota_app::domain::policy::Denied;
use rota_app::domain::role::RoleSet;
use rota_app::domain::team::{self, ChangeRolesError, SeatRefusal};
use rota_app::employees::{AddEmployeeError, EmployeeChanges, UpdateEmployeeError};
use rota_app::page::Limit;
use rota_app::{Classify, ErrorKind};

use crate::support::{new_employee, world};

#[tokio::test]
async fn r7_a_provider_needs_a_plan_with_seats() {
    let w = world();
    let (_, owner) = w.sign_up("sparkle").await;
    let err = w
        .rota
        .add_employee(
            &owner,
            new_employee("p@sparkle.example", RoleSet::ServiceProvider, false),
        )
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        AddEmployeeError::Refused(team::AddEmployeeError::Seats(SeatRefusal::PlanRequired))
    ));
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Conflict, "plan_required")
    );
    w.rota.change_plan(&owner, Plan::Grow).await.unwrap();
    let provider = w
        .rota
        .add_employee(
            &owner,
            new_employee("p@sparkle.example", RoleSet::ServiceProvider, false),
        )
        .await
        .unwrap();
    assert_eq!(provider.status, AccountStatus::Invited);
}

#[tokio::test]
async fn r7_downgrade_is_refused_and_changes_nothing() {
    let w = world();
    let (_, owner) = w.sign_up("sparkle").await;
    w.rota.change_plan(&owner, Plan::Grow).await.unwrap();
    w.employee(
        &owner,
        "p1@sparkle.example",
        RoleSet::ServiceProvider,
        false,
    )
    .await;
    let err = w.rota.change_plan(&owner, Plan::Starter).await.unwrap_err();
    assert_eq!(err.code(), "plan_limit");
    assert!(err.to_string().contains("from 1 first"), "{err}");
    assert_eq!(
        w.rota.subscription(&owner).await.unwrap().subscription.plan,
        Plan::Grow
    );
}

#[tokio::test]
async fn r1_email_is_unique_across_employees_and_customers() {
    let w = world();
    let (_, owner) = w.sign_up("sparkle").await;
    w.rota
        .add_employee(
            &owner,
            new_employee("Bo@Sparkle.example", RoleSet::Administrator, false),
        )
        .await
        .unwrap();
    let err = w
        .rota
        .create_customer(
            &owner,
            crate::support::new_customer("  bo@sparkle.EXAMPLE ", "Bo", "Brown"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Conflict, "email_taken")
    );
    let again = w
        .rota
        .add_employee(
            &owner,
            new_employee("BO@sparkle.example", RoleSet::Administrator, false),
        )
        .await
        .unwrap_err();
    assert!(matches!(again, AddEmployeeError::EmailTaken));
}

#[tokio::test]
async fn r4_the_last_owner_cannot_leave_and_the_store_is_untouched() {
    let w = world();
    let (done, owner) = w.sign_up("sparkle").await;
    let err = w
        .rota
        .deactivate_employee(&owner, owner.id)
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Conflict, "last_owner")
    );
    let err = w
        .rota
        .update_employee(
            &owner,
            owner.id,
            EmployeeChanges {
                owner: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        UpdateEmployeeError::Refused(ChangeRolesError::LastOwner)
    ));
    assert_eq!(w.account(&owner, owner.id).await, done.owner);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r4_two_owners_revoking_each_other_at_once_leave_one() {
    let w = world();
    let (_, a) = w.sign_up("sparkle").await;
    let b = w
        .employee(&a, "b@sparkle.example", RoleSet::Administrator, true)
        .await;
    let revoke = |actor, target| {
        let rota = w.rota.clone();
        tokio::spawn(async move {
            rota.update_employee(
                &actor,
                target,
                EmployeeChanges {
                    owner: Some(false),
                    ..Default::default()
                },
            )
            .await
        })
    };
    let (first, second) = tokio::join!(revoke(a, b.id), revoke(b, a.id));
    let results = [first.unwrap(), second.unwrap()];
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    let owners = w.rota.list_employees(&a).await;
    let owners = match owners {
        Ok(list) => list,
        // `a` may have been the one demoted; read as `b` then.
        Err(_) => w.rota.list_employees(&b).await.unwrap(),
    };
    let active_owners = owners
        .iter()
        .filter(|e| e.employee().unwrap().roles.is_owner() && e.status == AccountStatus::Active)
        .count();
    assert_eq!(active_owners, 1);
}

#[tokio::test]
async fn r6_a_non_owner_administrator_cannot_deactivate_an_owner() {
    let w = world();
    let (_, owner) = w.sign_up("sparkle").await;
    let admin = w
        .employee(&owner, "a@sparkle.example", RoleSet::Administrator, false)
        .await;
    let err = w
        .rota
        .deactivate_employee(&admin, owner.id)
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Forbidden, "owner_protected")
    );
    assert_eq!(
        w.account(&owner, owner.id).await.status,
        AccountStatus::Active
    );
}

#[tokio::test]
async fn r11_deactivated_employees_keep_their_record_and_come_back() {
    let w = world();
    let (_, owner) = w.sign_up("sparkle").await;
    let admin = w
        .employee(&owner, "a@sparkle.example", RoleSet::Administrator, false)
        .await;
    let gone = w.rota.deactivate_employee(&owner, admin.id).await.unwrap();
    assert_eq!(gone.status, AccountStatus::Deactivated);
    assert_eq!(
        w.rota.employee(&owner, admin.id).await.unwrap().status,
        AccountStatus::Deactivated
    );
    let back = w.rota.reactivate_employee(&owner, admin.id).await.unwrap();
    assert_eq!(back.status, AccountStatus::Active);
}

#[tokio::test]
async fn r12_another_business_sees_nothing() {
    let w = world();
    let (_, a) = w.sign_up("sparkle").await;
    let (_, b) = w.sign_up("shine").await;
    let err = w.rota.employee(&b, a.id).await.unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::NotFound, "not_found"));
    let err = w.rota.deactivate_employee(&b, a.id).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = w
        .rota
        .update_employee(
            &b,
            a.id,
            EmployeeChanges {
                roles: Some(RoleSet::Both),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        UpdateEmployeeError::Refused(ChangeRolesError::Denied(Denied::NotFound))
    ));
}

#[tokio::test]
async fn a7_changes_of_roles_ownership_plan_and_status_are_audited() {
    let w = world();
    let (_, owner) = w.sign_up("sparkle").await;
    w.rota.change_plan(&owner, Plan::Grow).await.unwrap();
    let admin = w
        .employee(&owner, "a@sparkle.example", RoleSet::Administrator, false)
        .await;
    w.rota
        .update_employee(
            &owner,
            admin.id,
            EmployeeChanges {
                roles: Some(RoleSet::Both),
                owner: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    w.rota.deactivate_employee(&owner, admin.id).await.unwrap();
    let log = w
        .rota
        .audit_events(&owner, None, Limit::new(Some(3)).unwrap())
        .await
        .unwrap();
    let kinds: Vec<_> = log.items.iter().map(|e| e.change.kind()).collect();
    assert_eq!(
        kinds,
        ["status_changed", "ownership_changed", "roles_changed"]
    );
    assert!(
        log.items
            .iter()
            .all(|e| e.actor == Some(owner.id) && e.subject == Some(admin.id))
    );
    let rest = w
        .rota
        .audit_events(&owner, log.next_cursor.as_deref(), Limit::default())
        .await
        .unwrap();
    let kinds: Vec<_> = rest.items.iter().map(|e| e.change.kind()).collect();
    assert_eq!(
        kinds,
        ["employee_added", "plan_changed", "business_created"]
    );
    assert!(matches!(
        rest.items[1].change,
        AuditChange::PlanChanged {
            from: Plan::Starter,
            to: Plan::Grow,
            ..
        }
    ));
    assert_eq!(rest.next_cursor, None);
}

#[tokio::test]
async fn r6_the_team_pages_by_id_and_filters_by_role_and_status() {
    use rota_app::domain::actor::Actor;
    use rota_app::domain::role::Role;
    use rota_app::employees::{EmployeeFilter, ReadEmployeeError};

    let w = world();
    let (_, owner) = w.sign_up("sparkle").await;
    w.rota.change_plan(&owner, Plan::Grow).await.unwrap();
    let mut invited = Vec::new();
    for n in 0..3 {
        let e = w
            .rota
            .add_employee(
                &owner,
                new_employee(
                    &format!("p{n}@sparkle.example"),
                    RoleSet::ServiceProvider,
                    false,
                ),
            )
            .await
            .unwrap();
        invited.push(e.id);
    }
    let filter = EmployeeFilter {
        role: Some(Role::ServiceProvider),
        status: Some(AccountStatus::Invited),
    };
    let limit = Limit::new(Some(2)).unwrap();
    let first = w
        .rota
        .employees_page(&owner, filter, None, limit)
        .await
        .unwrap();
    assert_eq!(first.items.len(), 2);
    let cursor = first.next_cursor.clone().expect("a second page");
    let second = w
        .rota
        .employees_page(&owner, filter, Some(&cursor), limit)
        .await
        .unwrap();
    assert_eq!(second.next_cursor, None);
    let mut seen: Vec<_> = first
        .items
        .iter()
        .chain(&second.items)
        .map(|a| a.id)
        .collect();
    seen.sort();
    invited.sort();
    assert_eq!(
        seen, invited,
        "every invited provider once, the owner not among them"
    );
    let admins = w
        .rota
        .employees_page(
            &owner,
            EmployeeFilter {
                role: Some(Role::Administrator),
                status: None,
            },
            None,
            Limit::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        admins.items.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![owner.id]
    );
    let err = w
        .rota
        .employees_page(
            &owner,
            EmployeeFilter::default(),
            Some("not a cursor"),
            limit,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ReadEmployeeError::Page(_)), "{err:?}");
    assert_eq!((err.kind(), err.code()), (ErrorKind::Invalid, "validation"));
    // R6: providers do not list the team.
    let provider = w.rota.employee(&owner, invited[0]).await.unwrap();
    let err = w
        .rota
        .employees_page(
            &Actor::of(&provider),
            EmployeeFilter::default(),
            None,
            limit,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "forbidden");
}
