use rota_app::customers::CustomerChanges;
use rota_app::domain::access::{AccessRights, AccessRightsInput, CustomerVisibility, Privacy};
use rota_app::domain::audit::AuditChange;
use rota_app::domain::email::EmailAddress;
use rota_app::domain::plan::Plan;
use rota_app::domain::role::RoleSet;
use rota_app::page::Limit;
use rota_app::secrecy::SecretString;
use rota_app::{Classify, ErrorKind};

use crate::support::{new_customer, world};

#[tokio::test]
async fn r8_providers_see_the_customer_list_only_when_allowed_and_abbreviated() {
    let w = world();
    let (_, owner) = w.sign_up("sparkle").await;
    w.rota.change_plan(&owner, Plan::Grow).await.unwrap();
    let provider = w
        .employee(&owner, "p@sparkle.example", RoleSet::ServiceProvider, false)
        .await;
    let ana = w
        .rota
        .create_customer(&owner, new_customer("ana@x.example", "Ana", "Smith"))
        .await
        .unwrap();

    let err = w
        .rota
        .list_customers(&provider, None, None, Limit::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    let err = w.rota.customer(&provider, ana.id).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);

    let rights = AccessRights::new(AccessRightsInput {
        customers: CustomerVisibility::List,
        privacy: Privacy {
            abbreviate_names: true,
            hide_addresses_after_hours: None,
        },
        ..AccessRightsInput::default()
    })
    .unwrap();
    w.rota.set_access_rights(&owner, rights).await.unwrap();
    let page = w
        .rota
        .list_customers(&provider, None, None, Limit::default())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].display_name(), "Ana S.");
    // Administrators still see the full name.
    assert_eq!(
        w.rota
            .customer(&owner, ana.id)
            .await
            .unwrap()
            .display_name(),
        "Ana Smith"
    );
}

#[tokio::test]
async fn r8_edit_customers_lets_a_provider_create_customers() {
    let w = world();
    let (_, owner) = w.sign_up("sparkle").await;
    w.rota.change_plan(&owner, Plan::Grow).await.unwrap();
    let provider = w
        .employee(&owner, "p@sparkle.example", RoleSet::ServiceProvider, false)
        .await;
    let err = w
        .rota
        .create_customer(&provider, new_customer("c@x.example", "C", "D"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "forbidden");
    let rights = AccessRights::new(AccessRightsInput {
        customers: CustomerVisibility::List,
        edit_customers: true,
        ..AccessRightsInput::default()
    })
    .unwrap();
    w.rota.set_access_rights(&owner, rights).await.unwrap();
    let c = w
        .rota
        .create_customer(&provider, new_customer("c@x.example", "C", "D"))
        .await
        .unwrap();
    let changes = CustomerChanges {
        city: Some(rota_app::domain::account::Text::parse("Leeds").unwrap()),
        ..Default::default()
    };
    let edited = w
        .rota
        .update_customer(&provider, c.id, changes)
        .await
        .unwrap();
    assert_eq!(
        edited
            .customer()
            .unwrap()
            .details
            .city
            .as_ref()
            .unwrap()
            .as_str(),
        "Leeds"
    );
}

#[tokio::test]
async fn b7_archived_customers_keep_their_record() {
    let w = world();
    let (_, owner) = w.sign_up("sparkle").await;
    let c = w
        .rota
        .create_customer(&owner, new_customer("c@x.example", "C", "D"))
        .await
        .unwrap();
    let archived = w.rota.archive_customer(&owner, c.id).await.unwrap();
    let at = archived.customer().unwrap().archived_at;
    assert!(at.is_some());
    let again = w.rota.archive_customer(&owner, c.id).await.unwrap();
    assert_eq!(
        again.customer().unwrap().archived_at,
        at,
        "archiving twice changes nothing"
    );
}

#[tokio::test]
async fn b7_an_archived_customer_is_restored_once_and_audited() {
    use rota_app::domain::audit::AuditChange;
    let w = world();
    let (_, owner) = w.sign_up("sparkle").await;
    let c = w
        .rota
        .create_customer(&owner, new_customer("c@x.example", "C", "D"))
        .await
        .unwrap();
    w.rota.archive_customer(&owner, c.id).await.unwrap();
    let restored = w.rota.restore_customer(&owner, c.id).await.unwrap();
    assert_eq!(restored.customer().unwrap().archived_at, None);
    assert_eq!(
        w.rota
            .customer(&owner, c.id)
            .await
            .unwrap()
            .customer()
            .unwrap()
            .archived_at,
        None,
        "kept"
    );
    let again = w.rota.restore_customer(&owner, c.id).await.unwrap();
    assert_eq!(again, restored, "restoring twice changes nothing");
    let log = w
        .rota
        .audit_events(&owner, None, rota_app::page::Limit::default())
        .await
        .unwrap();
    let restorations = log
        .items
        .iter()
        .filter(|e| e.change == AuditChange::CustomerRestored)
        .count();
    assert_eq!(restorations, 1, "audited once");
}

#[tokio::test]
async fn customer_lists_page_with_a_cursor_and_search() {
    let w = world();
    let (_, owner) = w.sign_up("sparkle").await;
    for n in 0..5 {
        w.rota
            .create_customer(
                &owner,
                new_customer(&format!("c{n}@x.example"), "Cara", &format!("Num{n}")),
            )
            .await
            .unwrap();
    }
    let first = w
        .rota
        .list_customers(&owner, None, None, Limit::new(Some(2)).unwrap())
        .await
        .unwrap();
    assert_eq!(first.items.len(), 2);
    let second = w
        .rota
        .list_customers(
            &owner,
            None,
            first.next_cursor.as_deref(),
            Limit::new(Some(10)).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(second.items.len(), 3);
    assert_eq!(second.next_cursor, None);
    let found = w
        .rota
        .list_customers(&owner, Some(" NUM3 ".into()), None, Limit::default())
        .await
        .unwrap();
    assert_eq!(found.items.len(), 1);
    let err = w
        .rota
        .list_customers(&owner, None, Some("garbage"), Limit::default())
        .await
        .unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::Invalid, "validation"));
}

#[tokio::test]
async fn r12_customers_of_another_business_are_not_found() {
    let w = world();
    let (_, a) = w.sign_up("sparkle").await;
    let (_, b) = w.sign_up("shine").await;
    let c = w
        .rota
        .create_customer(&a, new_customer("c@x.example", "C", "D"))
        .await
        .unwrap();
    assert_eq!(
        w.rota.customer(&b, c.id).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        w.rota.archive_customer(&b, c.id).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    // The same email may exist in another business.
    w.rota
        .create_customer(&b, new_customer("C@x.example", "C", "D"))
        .await
        .unwrap();
}

fn kinds_sent_to(w: &crate::support::World, email: &str) -> Vec<&'static str> {
    w.mailer
        .delivered()
        .iter()
        .filter(|(to, _)| to.as_str() == email)
        .map(|(_, n)| n.kind())
        .collect()
}

#[tokio::test]
async fn a12_an_email_change_counts_only_once_the_new_address_confirms() {
    let w = world();
    let (_, owner) = w.sign_up("sparkle").await;
    w.rota.change_plan(&owner, Plan::Grow).await.unwrap();
    let ana = w
        .rota
        .create_customer(&owner, new_customer("ana@x.example", "Ana", "Smith"))
        .await
        .unwrap();
    let ana_actor = w.activate(&ana).await;
    // A provider who may edit customers moves Ana to their own address…
    let provider = w
        .employee(&owner, "p@sparkle.example", RoleSet::ServiceProvider, false)
        .await;
    let rights = AccessRights::new(AccessRightsInput {
        customers: CustomerVisibility::List,
        edit_customers: true,
        ..AccessRightsInput::default()
    })
    .unwrap();
    w.rota.set_access_rights(&owner, rights).await.unwrap();
    let changes = CustomerChanges {
        email: Some(EmailAddress::parse("mallory@evil.example").unwrap()),
        ..CustomerChanges::default()
    };
    let seen = w
        .rota
        .update_customer(&provider, ana.id, changes)
        .await
        .unwrap();
    assert_eq!(seen.email.as_str(), "ana@x.example", "not until confirmed");
    // …and asks for a reset there: nothing, the account is not theirs.
    w.rota
        .request_password_reset("sparkle", "mallory@evil.example", None)
        .await
        .unwrap();
    // Ana hears of it; the new address gets the confirmation link only.
    w.rota
        .request_password_reset("sparkle", "ana@x.example", None)
        .await
        .unwrap();
    w.rota.deliver_due_emails(100).await.unwrap();
    assert_eq!(
        kinds_sent_to(&w, "ana@x.example"),
        ["email_change_requested", "password_reset"]
    );
    assert_eq!(kinds_sent_to(&w, "mallory@evil.example"), ["confirm_email"]);
    let events = w
        .rota
        .audit_events(&owner, None, Limit::default())
        .await
        .unwrap();
    assert!(
        events
            .items
            .iter()
            .any(|e| e.change == AuditChange::EmailChangeRequested && e.actor == Some(provider.id)),
        "audited, with who asked"
    );
    // Confirming moves the account and voids the pending reset link.
    let reset = w.mailer.last_token_for("ana@x.example").unwrap();
    let confirm = w.mailer.last_token_for("mallory@evil.example").unwrap();
    let moved = w.rota.confirm_email_change(&confirm).await.unwrap();
    assert_eq!(moved.email.as_str(), "mallory@evil.example");
    let err = w
        .rota
        .reset_password(&reset, &SecretString::from("another long passphrase"))
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        "invalid_token",
        "pending reset links are voided"
    );
    let err = w.rota.confirm_email_change(&confirm).await.unwrap_err();
    assert_eq!(err.code(), "invalid_token", "single use");
    let events = w
        .rota
        .audit_events(&owner, None, Limit::default())
        .await
        .unwrap();
    assert!(events.items.iter().any(|e| matches!(
        &e.change,
        AuditChange::EmailChanged { from, to } if from == "ana@x.example" && to == "mallory@evil.example"
    )));
    let _ = ana_actor;
}

#[tokio::test]
async fn a12_a_customer_cannot_learn_which_addresses_have_accounts() {
    let w = world();
    let (_, owner) = w.sign_up("sparkle").await;
    let ana = w
        .rota
        .create_customer(&owner, new_customer("ana@x.example", "Ana", "Smith"))
        .await
        .unwrap();
    w.rota
        .create_customer(&owner, new_customer("bo@x.example", "Bo", "Jones"))
        .await
        .unwrap();
    let ana = w.activate(&ana).await;
    let to = |email: &str| CustomerChanges {
        email: Some(EmailAddress::parse(email).unwrap()),
        ..CustomerChanges::default()
    };
    let taken = w
        .rota
        .update_customer(&ana, ana.id, to("bo@x.example"))
        .await;
    let free = w
        .rota
        .update_customer(&ana, ana.id, to("new@x.example"))
        .await;
    let (taken, free) = (taken.unwrap(), free.unwrap());
    assert_eq!(taken.email, free.email, "answered alike");
    w.rota.deliver_due_emails(100).await.unwrap();
    assert_eq!(kinds_sent_to(&w, "bo@x.example"), ["email_in_use"]);
    assert_eq!(kinds_sent_to(&w, "new@x.example"), ["confirm_email"]);
}

#[tokio::test]
async fn r10_a_customer_neither_sees_nor_sets_the_teams_notes_and_number() {
    let w = world();
    let (_, owner) = w.sign_up("sparkle").await;
    let ana = w
        .rota
        .create_customer(&owner, new_customer("ana@x.example", "Ana", "Smith"))
        .await
        .unwrap();
    let text = |s: &str| rota_app::domain::account::Text::parse(s).unwrap();
    let team = CustomerChanges {
        notes: Some(text("pays late")),
        customer_number: Some(text("C-17")),
        ..CustomerChanges::default()
    };
    w.rota.update_customer(&owner, ana.id, team).await.unwrap();
    let ana = w.activate(&ana).await;
    let me = w.rota.customer(&ana, ana.id).await.unwrap();
    let details = &me.customer().unwrap().details;
    assert_eq!((&details.notes, &details.customer_number), (&None, &None));
    for change in [
        CustomerChanges {
            notes: Some(None),
            ..CustomerChanges::default()
        },
        CustomerChanges {
            customer_number: Some(text("1")),
            ..CustomerChanges::default()
        },
    ] {
        let err = w
            .rota
            .update_customer(&ana, ana.id, change)
            .await
            .unwrap_err();
        assert_eq!((err.kind(), err.code()), (ErrorKind::Invalid, "validation"));
    }
    let theirs = w.rota.customer(&owner, ana.id).await.unwrap();
    assert!(theirs.customer().unwrap().details.notes.is_some(), "kept");
}

#[tokio::test]
async fn a13_archiving_a_customer_ends_their_sessions_and_bars_sign_in() {
    let w = world();
    let (_, owner) = w.sign_up("sparkle").await;
    let ana = w
        .rota
        .create_customer(&owner, new_customer("ana@x.example", "Ana", "Smith"))
        .await
        .unwrap();
    w.rota.invite_customer(&owner, ana.id).await.unwrap();
    w.rota.deliver_due_emails(10).await.unwrap();
    let token = w.mailer.last_token_for("ana@x.example").unwrap();
    let password = SecretString::from("ana's long passphrase");
    let signed = w.rota.accept_invitation(&token, &password).await.unwrap();
    let elsewhere = w.another_process();
    elsewhere.authenticate(&signed.token).await.unwrap();
    w.rota.archive_customer(&owner, ana.id).await.unwrap();
    assert!(
        elsewhere.authenticate(&signed.token).await.is_err(),
        "ended at once, on every process"
    );
    let again = w
        .rota
        .sign_in(rota_app::auth::SignIn {
            business: "sparkle".into(),
            email: "ana@x.example".into(),
            password,
            client: None,
        })
        .await;
    assert_eq!(again.unwrap_err().code(), "invalid_credentials");
}
