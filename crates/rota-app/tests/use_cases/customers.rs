use rota_app::customers::CustomerChanges;
use rota_app::domain::access::{AccessRights, AccessRightsInput, CustomerVisibility, Privacy};
use rota_app::domain::plan::Plan;
use rota_app::domain::role::RoleSet;
use rota_app::page::Limit;
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
