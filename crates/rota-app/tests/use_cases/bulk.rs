//! C1, C2: customers in bulk.

use std::fmt::Write as _;

use proptest::prelude::*;
use rota_app::bulk::{ImportMode, ImportOptions, ImportReport, OnDuplicate};
use rota_app::domain::account::{Account, CustomerDetails, Text};
use rota_app::domain::actor::Actor;
use rota_app::domain::email::EmailAddress;
use rota_app::domain::name::PersonName;
use rota_app::page::Limit;

use crate::support::{World, new_customer, world};

fn options(mode: ImportMode, on_duplicate: OnDuplicate) -> ImportOptions {
    ImportOptions {
        mode,
        on_duplicate,
        max_rows: None,
    }
}

async fn import(w: &World, by: &Actor, csv: &str, o: ImportOptions) -> ImportReport {
    w.rota
        .import_customers(by, csv.as_bytes(), o, None)
        .await
        .unwrap()
}

async fn customers(w: &World, by: &Actor) -> Vec<Account> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = w
            .rota
            .list_customers(by, None, cursor.as_deref(), Limit::new(Some(200)).unwrap())
            .await
            .unwrap();
        all.extend(page.items);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return all,
        }
    }
}

#[tokio::test]
async fn c1_a_square_customer_export_imports_as_it_is() {
    let w = world();
    let (_, owner) = w.sign_up("acme").await;
    let file = include_str!("../fixtures/square-customers.csv");
    let report = import(
        &w,
        &owner,
        file,
        options(ImportMode::Commit, OnDuplicate::Error),
    )
    .await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        (report.rows, report.created, report.committed),
        (4, 4, true)
    );
    assert!(
        report
            .ignored_columns
            .contains(&"Square Customer ID".to_owned())
    );
    let all = customers(&w, &owner).await;
    let bruno = all
        .iter()
        .find(|a| a.email.normalized() == "bruno.diaz@example.com")
        .unwrap();
    let c = bruno.customer().unwrap();
    assert_eq!(c.last_name.as_str(), "Díaz");
    assert_eq!(c.details.address2.as_ref().unwrap().as_str(), "Piso 2");
    assert_eq!(
        c.details.notes.as_ref().unwrap().as_str(),
        "Gate code 4321\nring twice"
    );
    assert_eq!(
        c.details.customer_number.as_ref().unwrap().as_str(),
        "C-1002"
    );
    let ana = all
        .iter()
        .find(|a| a.email.as_str() == "ana.smith@example.com")
        .unwrap();
    assert_eq!(
        ana.customer()
            .unwrap()
            .details
            .region
            .as_ref()
            .unwrap()
            .as_str(),
        "Greater London"
    );
}

#[tokio::test]
async fn c1_one_bad_row_among_10000_commits_nothing_and_names_the_line() {
    let w = world();
    let (_, owner) = w.sign_up("acme").await;
    let mut file = String::from("Email Address,First Name,Last Name,City\n");
    for i in 1..=10_000 {
        if i == 5_000 {
            file.push_str("not-an-email,Bad,Row,Leeds\n");
        } else {
            let _ = writeln!(file, "c{i}@x.example,First{i},Last{i},Leeds");
        }
    }
    let report = import(
        &w,
        &owner,
        &file,
        options(ImportMode::Commit, OnDuplicate::Error),
    )
    .await;
    assert!(!report.committed);
    assert_eq!(report.rows, 10_000);
    assert_eq!(report.error_count, 1);
    let e = &report.errors[0];
    assert_eq!(
        (e.line, e.column.as_deref(), e.code),
        (5_001, Some("Email Address"), "invalid")
    );
    assert!(
        customers(&w, &owner).await.is_empty(),
        "nothing was written"
    );
}

#[tokio::test]
async fn c1_duplicates_in_the_file_and_in_the_business_follow_on_duplicate() {
    let w = world();
    let (_, owner) = w.sign_up("acme").await;
    w.rota
        .create_customer(&owner, new_customer("ana@x.example", "Ana", "Smith"))
        .await
        .unwrap();
    let file = "email,first_name,last_name,city\n\
                ANA@x.example,Ana,Smith,York\n\
                ben@x.example,Ben,Jones,Leeds\n\
                ben@x.example,Benjamin,Jones,Hull\n";
    let dry = import(
        &w,
        &owner,
        file,
        options(ImportMode::DryRun, OnDuplicate::Error),
    )
    .await;
    assert_eq!((dry.created, dry.error_count, dry.committed), (1, 2, false));
    assert_eq!(dry.errors[0].line, 2);
    assert!(dry.errors[1].message.contains("earlier in the file"));

    let skip = import(
        &w,
        &owner,
        file,
        options(ImportMode::DryRun, OnDuplicate::Skip),
    )
    .await;
    assert_eq!((skip.created, skip.skipped, skip.error_count), (1, 2, 0));
    assert_eq!(
        customers(&w, &owner).await.len(),
        1,
        "a dry run writes nothing"
    );

    let update = import(
        &w,
        &owner,
        file,
        options(ImportMode::Commit, OnDuplicate::Update),
    )
    .await;
    assert_eq!(
        (update.created, update.updated, update.committed),
        (1, 2, true)
    );
    let all = customers(&w, &owner).await;
    assert_eq!(all.len(), 2);
    let city = |email: &str| {
        all.iter()
            .find(|a| a.email.normalized() == email)
            .and_then(|a| a.customer().unwrap().details.city.clone())
            .unwrap()
    };
    assert_eq!(city("ana@x.example").as_str(), "York");
    assert_eq!(
        city("ben@x.example").as_str(),
        "Hull",
        "a later row updates an earlier one"
    );
}

#[tokio::test]
async fn c1_the_header_must_name_the_required_columns_and_providers_may_not_import() {
    let w = world();
    let (_, owner) = w.sign_up("acme").await;
    let err = w
        .rota
        .import_customers(
            &owner,
            "email,city\n".as_bytes(),
            options(ImportMode::DryRun, OnDuplicate::Skip),
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "the header lacks first_name, last_name");
    let customer = w
        .rota
        .create_customer(&owner, new_customer("ana@x.example", "Ana", "Smith"))
        .await
        .unwrap();
    let as_customer = Actor::of(&customer);
    assert!(
        w.rota
            .import_customers(
                &as_customer,
                "email\n".as_bytes(),
                options(ImportMode::DryRun, OnDuplicate::Skip),
                None
            )
            .await
            .is_err()
    );
}

async fn export(w: &World, by: &Actor) -> String {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let (bytes, next) = w.rota.export_customers_page(by, after, 7).await.unwrap();
        out.extend(bytes);
        match next {
            Some(n) => after = Some(n),
            None => return String::from_utf8(out).unwrap(),
        }
    }
}

/// Text a person might type, and text an attacker might.
fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-zÀ-ÿ' -]{1,20}",
        "[=+@-][A-Za-z0-9(),:;\"' ]{0,20}",
        "'[=+@'-]?[a-z ,\"]{0,10}",
        "[a-z]{1,8}[\",;\n][a-z ]{1,8}",
        "[\\p{L}\\p{N} ]{1,15}",
    ]
}

fn details(texts: &[Option<String>]) -> CustomerDetails {
    let t = |i: usize| {
        texts[i]
            .as_deref()
            .and_then(|s| Text::parse(s).ok().flatten())
    };
    CustomerDetails {
        customer_number: t(0),
        phone: t(1),
        mobile: t(2),
        address1: t(3),
        address2: t(4),
        unit: t(5),
        city: t(6),
        region: t(7),
        country: t(8),
        postal_code: t(9),
        notes: t(10),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn c2_export_then_import_round_trips_exactly(
        people in prop::collection::vec(
            (hostile(), hostile(), prop::collection::vec(prop::option::of(hostile()), 11)),
            1..20,
        )
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let w = world();
            let (_, owner) = w.sign_up("from").await;
            let mut made = Vec::new();
            for (i, (first, last, texts)) in people.into_iter().enumerate() {
                let (Ok(first), Ok(last)) = (PersonName::parse(&first), PersonName::parse(&last)) else {
                    continue;
                };
                let c = rota_app::customers::NewCustomer {
                    first_name: first,
                    last_name: last,
                    email: EmailAddress::parse(&format!("p{i}@x.example")).unwrap(),
                    details: details(&texts),
                };
                made.push(w.rota.create_customer(&owner, c).await.unwrap());
            }
            let csv = export(&w, &owner).await;
            for line in csv.lines() {
                prop_assert!(!line.starts_with(['=', '+', '-', '@']), "{line}");
            }
            let (_, other) = w.sign_up("into").await;
            let report = import(&w, &other, &csv, options(ImportMode::Commit, OnDuplicate::Error)).await;
            prop_assert!(report.errors.is_empty(), "{:?}\n{csv}", report.errors);
            prop_assert_eq!(report.created, u64::try_from(made.len()).unwrap());
            let back = customers(&w, &other).await;
            prop_assert_eq!(back.len(), made.len());
            for original in &made {
                let copy = back.iter().find(|a| a.email == original.email).unwrap();
                prop_assert_eq!(copy.customer().unwrap().first_name.as_str(), original.customer().unwrap().first_name.as_str());
                prop_assert_eq!(copy.customer().unwrap().last_name.as_str(), original.customer().unwrap().last_name.as_str());
                prop_assert_eq!(&copy.customer().unwrap().details, &original.customer().unwrap().details);
            }
            Ok(())
        })?;
    }
}

#[tokio::test]
async fn c1_errors_name_the_files_own_line_numbers() {
    let w = world();
    let (_, owner) = w.sign_up("acme").await;
    for eol in ["\n", "\r\n"] {
        let file = [
            "email,first_name,last_name",
            "ok1@x.example,Ok,One",
            "bad-one,Bad,One",
            "ok2@x.example,Ok,Two",
            "bad-two,Bad,Two",
        ]
        .join(eol)
            + eol;
        for body in [file.clone(), format!("\u{feff}{file}")] {
            let report = import(
                &w,
                &owner,
                &body,
                options(ImportMode::DryRun, OnDuplicate::Error),
            )
            .await;
            let lines: Vec<u64> = report.errors.iter().map(|e| e.line).collect();
            assert_eq!(
                lines,
                [3, 5],
                "{eol:?}, BOM: {}",
                body.starts_with('\u{feff}')
            );
        }
    }
}
