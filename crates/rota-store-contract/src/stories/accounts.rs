//! Businesses, accounts, the audit log.

use rota_app::domain::account::{AccountStatus, Profile, Text};
use rota_app::domain::audit::{AuditChange, AuditEvent, AuditEventId};
use rota_app::domain::id::AccountId;
use rota_app::domain::name::Slug;
use rota_app::domain::plan::Plan;
use rota_app::domain::role::{EmployeeRoles, Role, RoleSet};
use rota_app::ports::{Conflict, CustomerQuery, PasswordHash, StoreError, TxMode};

use crate::Fresh;
use crate::fixtures::{Fixture, at, business, customer, employee, uuid};

/// Businesses come back as written; slugs are unique; updates stick.
pub async fn business_round_trip(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    assert_eq!(
        tx.businesses().get(f.business.id).await.unwrap(),
        Some(f.business.clone())
    );
    assert_eq!(
        tx.businesses().by_slug(&f.business.slug).await.unwrap(),
        Some(f.business.clone())
    );
    assert_eq!(
        tx.businesses().lock(f.business.id).await.unwrap(),
        Some(f.business.clone())
    );
    let mut changed = f.business.clone();
    changed.subscription.plan = Plan::ProMax;
    changed.settings.online_booking = true;
    changed.settings.min_notice_minutes = 5;
    tx.businesses().update(&changed).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin(TxMode::Write).await.unwrap();
    assert_eq!(
        tx.businesses().get(f.business.id).await.unwrap(),
        Some(changed)
    );
    let mut twin = business(2, "other");
    twin.slug = Slug::parse("sparkle").unwrap();
    let err = tx.businesses().insert(&twin).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(Conflict::SlugTaken)),
        "{err:?}"
    );
}

/// Employees and customers come back exactly as written, with their hashes.
pub async fn accounts_round_trip(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    let accounts = tx.accounts();
    for a in [&f.owner, &f.provider, &f.customer] {
        assert_eq!(
            accounts.get(f.business.id, a.id).await.unwrap().as_ref(),
            Some(a)
        );
    }
    assert_eq!(
        accounts
            .by_email(f.business.id, "ana@sparkle.example")
            .await
            .unwrap(),
        Some(f.customer.clone())
    );
    let many = accounts
        .get_many(
            f.business.id,
            &[f.customer.id, f.owner.id, AccountId::from_uuid(uuid(999))],
        )
        .await
        .unwrap();
    assert_eq!(many.len(), 2);
    let employees = accounts.employees(f.business.id).await.unwrap();
    assert_eq!(
        employees,
        vec![f.owner.clone(), f.provider.clone()],
        "employees only, in id order"
    );

    let mut edited = f.customer.clone();
    edited.status = AccountStatus::Invited;
    if let Profile::Customer(c) = &mut edited.profile {
        c.details.city = Text::parse("Leeds").unwrap();
        c.details.notes = Text::parse("Prefers mornings\nRing twice").unwrap();
        c.archived_at = Some(at("2026-02-01T12:00:00Z"));
    }
    accounts.update(&edited).await.unwrap();
    let mut promoted = f.provider.clone();
    if let Profile::Employee(e) = &mut promoted.profile {
        e.roles = EmployeeRoles::owner_with(RoleSet::Both);
        e.phone = Text::parse("+44 1234").unwrap();
    }
    accounts.update(&promoted).await.unwrap();
    assert_eq!(
        accounts
            .password_hash(f.business.id, f.owner.id)
            .await
            .unwrap(),
        None
    );
    let hash = PasswordHash::new("$argon2id$v=19$m=19456,t=2,p=1$abc$def".into());
    accounts
        .set_password_hash(f.business.id, f.owner.id, &hash)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin(TxMode::Read).await.unwrap();
    assert_eq!(
        tx.accounts().get(f.business.id, edited.id).await.unwrap(),
        Some(edited)
    );
    assert_eq!(
        tx.accounts().get(f.business.id, promoted.id).await.unwrap(),
        Some(promoted)
    );
    assert_eq!(
        tx.accounts()
            .password_hash(f.business.id, f.owner.id)
            .await
            .unwrap(),
        Some(hash)
    );
}

/// R1: one account per normalized email in a business, whatever its kind;
/// another business may use the same address.
pub async fn r1_email_is_unique_per_business_case_insensitively(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let g = Fixture::write(store.as_ref(), 2, "shine").await;
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    let twin = employee(
        f.business.id,
        50,
        "  ANA@Sparkle.Example ",
        EmployeeRoles::staff(RoleSet::Administrator),
    );
    let err = tx.accounts().insert(&twin).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(Conflict::EmailTaken)),
        "{err:?}"
    );
    drop(tx);
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    let mut renamed = f.provider.clone();
    renamed.email = rota_app::domain::email::EmailAddress::parse("OWNER@sparkle.example").unwrap();
    let err = tx.accounts().update(&renamed).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(Conflict::EmailTaken)),
        "{err:?}"
    );
    drop(tx);
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    let elsewhere = customer(g.business.id, 51, "ana@sparkle.example", "Ana", "Other");
    tx.accounts().insert(&elsewhere).await.unwrap();
    tx.commit().await.unwrap();
}

/// C1 in bulk: many accounts are written at once, all or none (R1 holds
/// for them too, also between two of them), and are found by their emails,
/// text that needs escaping kept as written.
pub async fn c1_accounts_in_bulk_all_or_none_and_found_by_email(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let many: Vec<_> = (0..2_500_u128)
        .map(|n| {
            let mut c = customer(
                f.business.id,
                1_000 + n,
                &format!("bulk{n}@sparkle.example"),
                "Bea",
                "Tab\\t",
            );
            if let Profile::Customer(p) = &mut c.profile {
                p.details.notes =
                    Text::parse("a\ttab, a \"quote\", a back\\slash\nand a line").unwrap();
            }
            c
        })
        .collect();
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    tx.accounts().insert_many(&many).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin(TxMode::Read).await.unwrap();
    let wanted: Vec<String> = [
        "BULK7@sparkle.example",
        "bulk2499@sparkle.example",
        "nobody@sparkle.example",
        "ana@sparkle.example",
    ]
    .iter()
    .map(|e| rota_app::domain::email::normalize(e))
    .collect();
    let mut found = tx
        .accounts()
        .by_emails(f.business.id, &wanted)
        .await
        .unwrap();
    found.sort_by_key(|a| a.id);
    let mut expected = vec![f.customer.clone(), many[7].clone(), many[2_499].clone()];
    expected.sort_by_key(|a| a.id);
    assert_eq!(found, expected);
    let all: Vec<String> = many
        .iter()
        .map(|a| a.email.normalized().to_owned())
        .collect();
    assert_eq!(
        tx.accounts()
            .by_emails(f.business.id, &all)
            .await
            .unwrap()
            .len(),
        2_500
    );
    let g = Fixture::write(store.as_ref(), 2, "shine").await;
    assert!(
        tx.accounts()
            .by_emails(g.business.id, &wanted)
            .await
            .unwrap()
            .is_empty()
    );
    drop(tx);

    // One taken email (here an earlier row of the same call) refuses all.
    let twins = vec![
        customer(f.business.id, 9_001, "fresh@sparkle.example", "Fay", "One"),
        customer(f.business.id, 9_002, "new@sparkle.example", "Fay", "Two"),
        customer(
            f.business.id,
            9_003,
            "FRESH@sparkle.example",
            "Fay",
            "Three",
        ),
    ];
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    let err = tx.accounts().insert_many(&twins).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(Conflict::EmailTaken)),
        "{err:?}"
    );
    drop(tx);
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    let err = tx
        .accounts()
        .insert_many(&[customer(
            f.business.id,
            9_004,
            "ana@sparkle.example",
            "Ana",
            "Again",
        )])
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(Conflict::EmailTaken)),
        "{err:?}"
    );
    drop(tx);
    let mut tx = store.begin(TxMode::Read).await.unwrap();
    assert_eq!(
        tx.accounts()
            .by_email(f.business.id, "new@sparkle.example")
            .await
            .unwrap(),
        None
    );
}

/// The team pages by id, and filters by role (an owner holds
/// `administrator`) and by status.
pub async fn employees_page_by_role_status_and_cursor(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let g = Fixture::write(store.as_ref(), 2, "shine").await;
    let mut both = employee(
        f.business.id,
        60,
        "both@sparkle.example",
        EmployeeRoles::staff(RoleSet::Both),
    );
    both.status = AccountStatus::Deactivated;
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    tx.accounts().insert(&both).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin(TxMode::Read).await.unwrap();
    let page = |role, status, after, limit| rota_app::ports::EmployeeQuery {
        role,
        status,
        after,
        limit,
    };
    let ids = |found: Vec<rota_app::domain::account::Account>| {
        found.into_iter().map(|a| a.id).collect::<Vec<_>>()
    };
    let mut team = vec![f.owner.id, f.provider.id, both.id];
    team.sort();
    let all = ids(tx
        .accounts()
        .employees_page(f.business.id, &page(None, None, None, 10))
        .await
        .unwrap());
    assert_eq!(
        all, team,
        "every employee, in id order, none of another business nor customers"
    );
    let first = ids(tx
        .accounts()
        .employees_page(f.business.id, &page(None, None, None, 2))
        .await
        .unwrap());
    assert_eq!(first, team[..2]);
    let rest = ids(tx
        .accounts()
        .employees_page(f.business.id, &page(None, None, Some(first[1]), 2))
        .await
        .unwrap());
    assert_eq!(rest, team[2..]);
    let mut admins = vec![f.owner.id, both.id];
    admins.sort();
    assert_eq!(
        ids(tx
            .accounts()
            .employees_page(
                f.business.id,
                &page(Some(Role::Administrator), None, None, 10)
            )
            .await
            .unwrap()),
        admins
    );
    let mut providers = vec![f.provider.id, both.id];
    providers.sort();
    assert_eq!(
        ids(tx
            .accounts()
            .employees_page(
                f.business.id,
                &page(Some(Role::ServiceProvider), None, None, 10)
            )
            .await
            .unwrap()),
        providers
    );
    assert_eq!(
        ids(tx
            .accounts()
            .employees_page(
                f.business.id,
                &page(
                    Some(Role::ServiceProvider),
                    Some(AccountStatus::Active),
                    None,
                    10
                )
            )
            .await
            .unwrap()),
        vec![f.provider.id]
    );
    assert!(
        tx.accounts()
            .employees_page(
                f.business.id,
                &page(None, Some(AccountStatus::Invited), None, 10)
            )
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        ids(tx
            .accounts()
            .employees_page(g.business.id, &page(None, None, None, 10))
            .await
            .unwrap())
        .len(),
        2
    );
}

/// R12: an id of another business reads as absent.
pub async fn r12_reads_are_scoped_by_business(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let g = Fixture::write(store.as_ref(), 2, "shine").await;
    let mut tx = store.begin(TxMode::Read).await.unwrap();
    assert_eq!(
        tx.accounts()
            .get(g.business.id, f.customer.id)
            .await
            .unwrap(),
        None
    );
    assert!(
        tx.accounts()
            .get_many(g.business.id, &[f.owner.id])
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        tx.accounts()
            .by_email(g.business.id, "ana@sparkle.example")
            .await
            .unwrap(),
        None
    );
    let query = CustomerQuery {
        limit: 10,
        ..CustomerQuery::default()
    };
    assert_eq!(
        tx.accounts()
            .customers(g.business.id, &query)
            .await
            .unwrap(),
        vec![g.customer]
    );
}

/// Customers page by id and search by name or email, case-insensitively.
pub async fn customers_page_and_search(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    for n in 0..5u128 {
        let c = customer(
            f.business.id,
            10 + n,
            &format!("c{n}@x.example"),
            "Cara",
            &format!("Num{n}"),
        );
        tx.accounts().insert(&c).await.unwrap();
    }
    tx.commit().await.unwrap();
    let mut tx = store.begin(TxMode::Read).await.unwrap();
    let first = tx
        .accounts()
        .customers(
            f.business.id,
            &CustomerQuery {
                limit: 4,
                ..CustomerQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(first.len(), 4);
    assert!(first.windows(2).all(|w| w[0].id < w[1].id), "id order");
    let rest = tx
        .accounts()
        .customers(
            f.business.id,
            &CustomerQuery {
                after: Some(first[3].id),
                limit: 10,
                ..CustomerQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(rest.len(), 2, "six customers in all");
    let q = |t: &str| CustomerQuery {
        text: Some(t.into()),
        limit: 10,
        ..CustomerQuery::default()
    };
    assert_eq!(
        tx.accounts()
            .customers(f.business.id, &q("cara num3"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        tx.accounts()
            .customers(f.business.id, &q("c3@x"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        tx.accounts()
            .customers(f.business.id, &q("%"))
            .await
            .unwrap()
            .len(),
        0,
        "wildcards are literal"
    );
    assert_eq!(
        tx.accounts()
            .customers(f.business.id, &q("pat"))
            .await
            .unwrap()
            .len(),
        0,
        "employees are not customers"
    );
}

/// A7: the log keeps every entry and pages newest first.
pub async fn audit_log_pages_newest_first(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    let events: Vec<AuditEvent> = (0..3u128)
        .map(|n| AuditEvent {
            id: AuditEventId::from_uuid(uuid(100 + n)),
            business_id: f.business.id,
            actor: Some(f.owner.id),
            subject: (n == 1).then_some(f.provider.id),
            change: match n {
                0 => AuditChange::BusinessCreated,
                1 => AuditChange::RolesChanged {
                    from: RoleSet::ServiceProvider,
                    to: RoleSet::Both,
                },
                _ => AuditChange::PlanChanged {
                    from: Plan::Starter,
                    to: Plan::Grow,
                    status: rota_app::domain::plan::SubscriptionStatus::Active,
                },
            },
            at: at("2026-03-01T10:00:00Z"),
        })
        .collect();
    for e in &events {
        tx.audit().append(e).await.unwrap();
    }
    tx.commit().await.unwrap();
    let mut tx = store.begin(TxMode::Read).await.unwrap();
    let page = tx.audit().list(f.business.id, None, 2).await.unwrap();
    assert_eq!(page, vec![events[2].clone(), events[1].clone()]);
    let rest = tx
        .audit()
        .list(f.business.id, Some(events[1].id), 10)
        .await
        .unwrap();
    assert_eq!(rest, vec![events[0].clone()]);
}
