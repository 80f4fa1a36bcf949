//! The authorization matrix: every route of API v1, driven as every kind of
//! actor, against a table of expected statuses. Each cell runs on a fresh
//! database (SQLite, and PostgreSQL when `ROTA_TEST_DATABASE_URL` is set),
//! through the real router and its gate, so no cell sees another's changes.
//!
//! Columns: anonymous; owner; non-owner administrator; administrator who is
//! also a provider; a provider with every access right off (the default);
//! the same provider with one right on — `customers: details`,
//! `customers: list`, `edit_customers`, `work_hours: edit`,
//! `time_tracking: view`, `time_tracking: edit`, `tips`, `payments`; a
//! customer with portal access; a deactivated provider (their old token);
//! another business's administrator. R8's `privacy` changes what is shown,
//! never a status, so it has no column.
//!
//! Targets: `{employee}` is the provider, `{customer}` the customer, and
//! `{booking}` a booking of the customer with the provider, `{series}` the
//! first of a weekly series of two like it.

#![allow(missing_docs, clippy::too_many_lines)]

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::body::Body;
use axum::http::{Request, header};
use rota_app::customers::NewCustomer;
use rota_app::domain::access::{
    AccessRights, AccessRightsInput, CustomerVisibility, TimeTrackingAccess, WorkHoursAccess,
};
use rota_app::domain::account::CustomerDetails;
use rota_app::domain::actor::Actor;
use rota_app::domain::business::{Currency, Zone};
use rota_app::domain::calendar::{LocalInterval, WeeklyHours, WorkCalendar};
use rota_app::domain::email::EmailAddress;
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::money::Money;
use rota_app::domain::name::{BusinessName, PersonName, Slug};
use rota_app::domain::plan::Plan;
use rota_app::domain::role::{EmployeeRoles, RoleSet};
use rota_app::domain::service::ServiceDuration;
use rota_app::domain::time_off::Absence;
use rota_app::employees::NewEmployee;
use rota_app::ports::Store;
use rota_app::secrecy::{ExposeSecret, SecretString};
use rota_app::services::NewService;
use rota_app::signup::SignUp;
use rota_app::testing::{
    CountingTokens, FakeCalendar, InsecureHasher, ManualClock, RecordingMailer, ReversingVault,
    SequentialIds,
};
use rota_app::{Ports, Rota};
use rota_http::HttpConfig;
use rota_store_postgres::PostgresStore;
use rota_store_sqlite::SqliteStore;
use rota_tests::Db;
use serde_json::{Value, json};
use tower::ServiceExt;

static NEXT: AtomicU32 = AtomicU32::new(0);

const PASSWORD: &str = "correct horse battery staple";

/// The columns.
const ACTORS: [&str; 16] = [
    "anon", "owner", "admin", "adm+prv", "prv", "p:cDet", "p:cList", "p:cEdit", "p:hours", "p:ttV",
    "p:ttE", "p:tips", "p:pay", "cust", "deact", "other",
];

/// Each route, its body, and the expected status per column.
#[rustfmt::skip]
fn table() -> Vec<(&'static str, Option<Value>, [u16; 16])> {
    let t = |s: &str| -> [u16; 16] {
        let v: Vec<u16> = s.split_whitespace().map(|c| c.parse().unwrap()).collect();
        v.try_into().unwrap()
    };
    let new_business = json!({"business_name": "New Co", "slug": "newco", "time_zone": "UTC",
        "currency": "USD", "owner_name": "New Owner", "email": "new@newco.example", "password": PASSWORD});
    let week =
        json!({"time_zone": null, "hours": {"monday": [{"start": "08:00", "end": "18:00"}]}});
    let rights = json!({"customers": "list", "edit_customers": true,
        "privacy": {"abbreviate_names": false, "hide_addresses_after_hours": null},
        "work_hours": "edit", "time_tracking": "edit", "tips": true, "payments": true});
    vec![
        // (route, body,
        //    anon own adm a+p prv cDt cLs cEd hrs ttV ttE tip pay cus dea oth
        ("POST /v1/businesses", Some(new_business),
            t("201 201 201 201 201 201 201 201 201 201 201 201 201 201 201 201")),
        ("POST /v1/sessions", Some(json!({"business": "acme", "email": "owner@acme.example", "password": PASSWORD})),
            t("201 201 201 201 201 201 201 201 201 201 201 201 201 201 201 201")),
        ("DELETE /v1/sessions/current", None,
            t("401 204 204 204 204 204 204 204 204 204 204 204 204 204 401 204")),
        ("GET /v1/me", None,
            t("401 200 200 200 200 200 200 200 200 200 200 200 200 200 401 200")),
        ("PUT /v1/me/password", Some(json!({"current_password": PASSWORD, "new_password": "another long passphrase"})),
            t("401 204 204 204 204 204 204 204 204 204 204 204 204 204 401 204")),
        ("POST /v1/password-resets", Some(json!({"business": "acme", "email": "owner@acme.example"})),
            t("202 202 202 202 202 202 202 202 202 202 202 202 202 202 202 202")),
        ("POST /v1/password-resets/confirm", Some(json!({"token": "not-a-token", "new_password": "another long passphrase"})),
            t("422 422 422 422 422 422 422 422 422 422 422 422 422 422 422 422")),
        ("POST /v1/invitations/accept", Some(json!({"token": "not-a-token", "password": "another long passphrase"})),
            t("422 422 422 422 422 422 422 422 422 422 422 422 422 422 422 422")),
        ("POST /v1/email-changes/confirm", Some(json!({"token": "not-a-token"})),
            t("422 422 422 422 422 422 422 422 422 422 422 422 422 422 422 422")),
        ("GET /v1/business", None,
            t("401 200 200 200 200 200 200 200 200 200 200 200 200 200 401 200")),
        ("PATCH /v1/business", Some(json!({"online_booking": true})),
            t("401 200 200 200 403 403 403 403 403 403 403 403 403 403 401 200")),
        ("GET /v1/closures", None,
            t("401 200 200 200 200 200 200 200 200 200 200 200 200 200 401 200")),
        ("POST /v1/closures", Some(json!({"absence": {"kind": "days", "first": "2030-12-25", "last": "2030-12-26"}, "note": "Christmas"})),
            t("401 201 201 201 403 403 403 403 403 403 403 403 403 403 401 201")),
        ("DELETE /v1/closures/{closure}", None,
            t("401 204 204 204 403 403 403 403 403 403 403 403 403 403 401 404")),
        ("GET /v1/subscription", None,
            t("401 200 200 200 403 403 403 403 403 403 403 403 403 403 401 200")),
        ("PUT /v1/subscription", Some(json!({"plan": "pro_max"})),
            t("401 200 403 403 403 403 403 403 403 403 403 403 403 403 401 200")),
        ("POST /v1/subscription/cancel", None,
            t("401 409 403 403 403 403 403 403 403 403 403 403 403 403 401 200")),
        ("GET /v1/settings/access-rights", None,
            t("401 200 200 200 403 403 403 403 403 403 403 403 403 403 401 200")),
        ("PUT /v1/settings/access-rights", Some(rights),
            t("401 200 200 200 403 403 403 403 403 403 403 403 403 403 401 200")),
        ("GET /v1/audit-events", None,
            t("401 200 200 200 403 403 403 403 403 403 403 403 403 403 401 200")),
        ("GET /v1/reports/summary?from=2030-03-01T00:00:00Z&to=2030-04-01T00:00:00Z", None,
            t("401 200 200 200 403 403 403 403 403 403 403 403 403 403 401 200")),
        ("GET /v1/reports/summary?from=2030-03-01T00:00:00Z&to=2030-04-01T00:00:00Z&provider_id={employee}", None,
            t("401 200 200 200 403 403 403 403 403 403 403 403 403 403 401 404")),
        ("GET /v1/employees", None,
            t("401 200 200 200 403 403 403 403 403 403 403 403 403 403 401 200")),
        ("POST /v1/employees", Some( json!({"name": "Neo New", "email": "neo@acme.example", "roles": ["service_provider"]}), ),
            t("401 201 201 201 403 403 403 403 403 403 403 403 403 403 401 409")),
        ("GET /v1/employees/{employee}", None,
            t("401 200 200 200 200 200 200 200 200 200 200 200 200 403 401 404")),
        ("PATCH /v1/employees/{employee}", Some(json!({"name": "Pat Renamed"})),
            t("401 200 200 200 200 200 200 200 200 200 200 200 200 403 401 404")),
        ("POST /v1/employees/{employee}/deactivate", None,
            t("401 200 200 200 403 403 403 403 403 403 403 403 403 403 401 404")),
        ("POST /v1/employees/{employee}/reactivate", None,
            t("401 200 200 200 403 403 403 403 403 403 403 403 403 403 401 404")),
        ("POST /v1/employees/{employee}/send-password-reset", None,
            t("401 202 202 202 403 403 403 403 403 403 403 403 403 403 401 404")),
        ("GET /v1/employees/{employee}/work-hours", None,
            t("401 200 200 200 200 200 200 200 200 200 200 200 200 403 401 404")),
        ("PUT /v1/employees/{employee}/work-hours", Some(week),
            t("401 200 200 200 403 403 403 403 200 403 403 403 403 403 401 404")),
        ("GET /v1/employees/{employee}/time-off", None,
            t("401 200 200 200 200 200 200 200 200 200 200 200 200 403 401 404")),
        ("POST /v1/employees/{employee}/time-off", Some( json!({"absence": {"kind": "days", "first": "2030-06-03", "last": "2030-06-04"}, "note": "holiday"}), ),
            t("401 201 201 201 403 403 403 403 201 403 403 403 403 403 401 404")),
        ("DELETE /v1/employees/{employee}/time-off/{time_off}", None,
            t("401 204 204 204 403 403 403 403 204 403 403 403 403 403 401 404")),
        ("POST /v1/employees/{employee}/calendar-feed", None,
            t("401 200 200 200 200 200 200 200 200 200 200 200 200 403 401 404")),
        ("PUT /v1/employees/{employee}/calendar-link", Some(json!({"url": "https://dav.example/pat/", "username": "pat", "password": "app-password"})),
            t("401 200 200 200 200 200 200 200 200 200 200 200 200 403 401 404")),
        ("GET /v1/employees/{employee}/calendar-link", None,
            t("401 200 200 200 200 200 200 200 200 200 200 200 200 403 401 404")),
        ("POST /v1/employees/{employee}/calendar-link/refresh", None,
            t("401 200 200 200 200 200 200 200 200 200 200 200 200 403 401 404")),
        ("DELETE /v1/employees/{employee}/calendar-link", None,
            t("401 204 204 204 204 204 204 204 204 204 204 204 204 403 401 404")),
        ("GET /v1/calendar-feeds/not-a-feed-token.ics", None,
            t("404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404")),
        ("POST /v1/customers/import?mode=dry_run", Some(Value::String("email,first_name,last_name\ncy@x.example,Cy,New\n".into())),
            t("401 200 200 200 403 403 403 403 403 403 403 403 403 403 401 200")),
        ("GET /v1/customers/export", None,
            t("401 200 200 200 403 403 403 403 403 403 403 403 403 403 401 200")),
        ("GET /v1/customers", None,
            t("401 200 200 200 403 403 200 403 403 403 403 403 403 403 401 200")),
        ("POST /v1/customers", Some(json!({"first_name": "Cy", "last_name": "New", "email": "cy@x.example"})),
            t("401 201 201 201 403 403 403 201 403 403 403 403 403 403 401 201")),
        ("GET /v1/customers/{customer}", None,
            t("401 200 200 200 403 200 200 200 403 403 403 403 403 200 401 404")),
        ("PATCH /v1/customers/{customer}", Some(json!({"city": "Leeds"})),
            t("401 200 200 200 403 403 403 200 403 403 403 403 403 200 401 404")),
        ("POST /v1/customers/{customer}/archive", None,
            t("401 200 200 200 403 403 403 403 403 403 403 403 403 403 401 404")),
        ("POST /v1/customers/{customer}/restore", None,
            t("401 200 200 200 403 403 403 403 403 403 403 403 403 403 401 404")),
        ("POST /v1/customers/{customer}/erase", None,
            t("401 409 409 409 403 403 403 403 403 403 403 403 403 403 401 404")),
        ("POST /v1/customers/{customer}/invite", None,
            t("401 409 409 409 403 403 403 403 403 403 403 403 403 403 401 404")),
        ("GET /v1/services", None,
            t("401 200 200 200 200 200 200 200 200 200 200 200 200 200 401 200")),
        ("POST /v1/services", Some(json!({"name": "Windows", "duration_minutes": 30, "price_minor": 1500})),
            t("401 201 201 201 403 403 403 403 403 403 403 403 403 403 401 201")),
        ("PATCH /v1/services/{service}", Some(json!({"price_minor": 2500})),
            t("401 200 200 200 403 403 403 403 403 403 403 403 403 403 401 404")),
        ("GET /v1/availability/anyone?service_id={service}&from=2030-03-04T00:00:00Z&to=2030-03-05T00:00:00Z", None,
            t("401 200 200 200 200 200 200 200 200 200 200 200 200 403 401 404")),
        ("GET /v1/availability?service_id={service}&from=2030-03-04T00:00:00Z&to=2030-03-05T00:00:00Z", None,
            t("401 200 200 200 200 200 200 200 200 200 200 200 200 403 401 404")),
        ("GET /v1/bookings", None,
            t("401 200 200 200 200 200 200 200 200 200 200 200 200 200 401 200")),
        ("POST /v1/bookings", Some( json!({"customer_id": "{customer}", "service_id": "{service}", "starts_at": "2030-03-04T14:00:00Z", "provider_ids": ["{employee}"]}), ),
            t("401 201 201 201 403 403 403 403 403 403 403 403 403 403 401 422")),
        ("POST /v1/bookings/series", Some(json!({"booking": {"customer_id": "{customer}", "service_id": "{service}", "starts_at": "2030-03-04T15:00:00Z", "provider_ids": ["{employee}"]}, "recurrence": {"frequency": {"kind": "weekly", "every": 1}, "ends": {"kind": "after", "count": 2}}})),
            t("401 201 201 201 403 403 403 403 403 403 403 403 403 403 401 422")),
        ("GET /v1/bookings/{booking}", None,
            t("401 200 200 200 200 200 200 200 200 200 200 200 200 200 401 404")),
        ("PATCH /v1/bookings/{booking}", Some(json!({"starts_at": "2030-03-04T11:00:00Z", "ends_at": "2030-03-04T12:00:00Z"})),
            t("401 200 200 200 403 403 403 403 403 403 403 403 403 403 401 404")),
        ("POST /v1/bookings/{booking}/start", None,
            t("401 200 200 200 200 200 200 200 200 200 200 200 200 403 401 404")),
        ("POST /v1/bookings/{booking}/complete", None,
            t("401 409 409 409 409 409 409 409 409 409 409 409 409 403 401 404")),
        ("POST /v1/bookings/{booking}/cancel", None,
            t("401 200 200 200 403 403 403 403 403 403 403 403 403 200 401 404")),
        ("PATCH /v1/bookings/{series}/series", Some(json!({"scope": "all", "start_time": "11:00"})),
            t("401 200 200 200 403 403 403 403 403 403 403 403 403 403 401 404")),
        ("POST /v1/bookings/{series}/series/cancel", Some(json!({"scope": "following"})),
            t("401 200 200 200 403 403 403 403 403 403 403 403 403 200 401 404")),
        ("POST /v1/bookings/{booking}/no-show", None,
            t("401 200 200 200 403 403 403 403 403 403 403 403 403 403 401 404")),
        ("POST /v1/bookings/{booking}/payment-requests", Some(json!({})),
            t("401 201 201 201 403 403 403 403 403 403 403 403 201 403 401 404")),
        ("GET /v1/bookings/{booking}/payment-requests", None,
            t("401 200 200 200 403 403 403 403 403 403 403 403 200 403 401 404")),
        ("POST /v1/bookings/{booking}/payments", Some(json!({"amount_minor": 1000, "tip_minor": 0, "method": "card"})),
            t("401 201 201 201 403 403 403 403 403 403 403 403 201 403 401 404")),
        ("POST /v1/time-entries/clock-in", None,
            t("401 201 201 201 403 403 403 403 403 403 201 403 403 403 401 201")),
        ("POST /v1/time-entries/clock-out", None,
            t("401 409 409 409 403 403 403 403 403 403 409 403 403 403 401 409")),
        ("GET /v1/time-entries?from=2030-01-01T00:00:00Z&to=2030-02-01T00:00:00Z", None,
            t("401 200 200 200 403 403 403 403 403 200 200 403 403 403 401 200")),
        ("GET /healthz", None,
            t("200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200")),
        ("GET /readyz", None,
            t("200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200")),
        ("GET /v1/openapi.json", None,
            t("200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200")),
    ]
}

/// A fresh business with one of each actor; the tokens by column, and the
/// targets' ids.
struct World {
    router: axum::Router,
    tokens: [Option<String>; 16],
    ids: Vec<(&'static str, String)>,
}

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

async fn world(column: usize, store: Arc<dyn Store>) -> World {
    let mailer = Arc::new(RecordingMailer::default());
    let rota = Rota::new(Ports {
        store,
        clock: Arc::new(ManualClock::at(t("2030-01-07T09:00:00Z"))),
        ids: Arc::new(SequentialIds::default()),
        hasher: Arc::new(InsecureHasher),
        tokens: Arc::new(CountingTokens::default()),
        mailer: mailer.clone(),
    })
    .with_calendar_sync(Arc::new(FakeCalendar::default()), Arc::new(ReversingVault));
    let sign_up = |slug: &str| SignUp {
        business_name: BusinessName::parse("Acme").unwrap(),
        slug: Slug::parse(slug).unwrap(),
        time_zone: Zone::parse("UTC").unwrap(),
        currency: Currency::parse("USD").unwrap(),
        owner_name: PersonName::parse("Olive Owner").unwrap(),
        email: EmailAddress::parse(&format!("owner@{slug}.example")).unwrap(),
        password: SecretString::from(PASSWORD),
    };
    let up = rota.sign_up(sign_up("acme")).await.unwrap();
    let owner = Actor::of(&up.owner);
    rota.change_plan(&owner, Plan::Grow).await.unwrap();
    let other = rota.sign_up(sign_up("other")).await.unwrap();

    let employee = |email: &'static str, roles: RoleSet| {
        let rota = rota.clone();
        let mailer = mailer.clone();
        async move {
            let account = rota
                .add_employee(
                    &owner,
                    NewEmployee {
                        name: PersonName::parse("Sam Staff").unwrap(),
                        email: EmailAddress::parse(email).unwrap(),
                        phone: None,
                        roles: EmployeeRoles::new(roles, false).unwrap(),
                    },
                )
                .await
                .unwrap();
            rota.deliver_due_emails(10).await.unwrap();
            let token = mailer.last_token_for(email).unwrap();
            let signed = rota
                .accept_invitation(&token, &SecretString::from(PASSWORD))
                .await
                .unwrap();
            (account, signed.token.expose_secret().to_owned())
        }
    };
    let (_, admin) = employee("admin@acme.example", RoleSet::Administrator).await;
    let (_, both) = employee("both@acme.example", RoleSet::Both).await;
    let (provider, prv) = employee("pat@acme.example", RoleSet::ServiceProvider).await;
    let (gone, deact) = employee("gone@acme.example", RoleSet::ServiceProvider).await;
    rota.deactivate_employee(&owner, gone.id).await.unwrap();

    let customer = rota
        .create_customer(
            &owner,
            NewCustomer {
                first_name: PersonName::parse("Ana").unwrap(),
                last_name: PersonName::parse("Smith").unwrap(),
                email: EmailAddress::parse("ana@x.example").unwrap(),
                details: CustomerDetails::default(),
            },
        )
        .await
        .unwrap();
    rota.invite_customer(&owner, customer.id).await.unwrap();
    rota.deliver_due_emails(10).await.unwrap();
    let token = mailer.last_token_for("ana@x.example").unwrap();
    let cust = rota
        .accept_invitation(&token, &SecretString::from(PASSWORD))
        .await
        .unwrap();

    let day = vec![LocalInterval::parse("09:00", "17:00").unwrap()];
    let hours = WeeklyHours::new([
        day.clone(),
        day.clone(),
        day.clone(),
        day.clone(),
        day,
        vec![],
        vec![],
    ])
    .unwrap();
    rota.set_work_calendar(&owner, provider.id, WorkCalendar { zone: None, hours })
        .await
        .unwrap();
    let service = rota
        .create_service(
            &owner,
            NewService {
                name: BusinessName::parse("Clean").unwrap(),
                duration: ServiceDuration::minutes(60).unwrap(),
                price: Money::new(5000).unwrap(),
                providers: vec![],
                buffers: rota_app::domain::service::Buffers::NONE,
            },
        )
        .await
        .unwrap();
    let booking = rota
        .create_booking(
            &owner,
            rota_app::bookings::NewBooking {
                customer: customer.id,
                service: Some(service.id),
                starts_at: t("2030-03-04T10:00:00Z"),
                ends_at: None,
                providers: vec![provider.id],
                price: None,
                notes: None,
                allow_outside_work_hours: false,
            },
            None,
        )
        .await
        .unwrap();
    let rota_app::bookings::Created::New(booking) = booking else {
        panic!("a new booking")
    };
    let series = rota
        .create_series(
            &owner,
            rota_app::bookings::NewSeries {
                first: rota_app::bookings::NewBooking {
                    customer: customer.id,
                    service: Some(service.id),
                    starts_at: t("2030-03-11T10:00:00Z"),
                    ends_at: None,
                    providers: vec![provider.id],
                    price: None,
                    notes: None,
                    allow_outside_work_hours: false,
                },
                recurrence: rota_app::domain::recurrence::Recurrence::new(
                    rota_app::domain::recurrence::Frequency::Weekly { every: 1 },
                    rota_app::domain::recurrence::Ends::After { count: 2 },
                )
                .unwrap(),
                skip: vec![],
            },
        )
        .await
        .unwrap();
    let time_off = rota
        .add_time_off(
            &owner,
            provider.id,
            serde_json::from_value::<Absence>(
                json!({"kind": "days", "first": "2030-05-06", "last": "2030-05-06"}),
            )
            .unwrap(),
            None,
        )
        .await
        .unwrap();

    let closure = rota
        .add_closure(
            &owner,
            serde_json::from_value::<Absence>(
                json!({"kind": "days", "first": "2030-08-26", "last": "2030-08-26"}),
            )
            .unwrap(),
            None,
        )
        .await
        .unwrap();

    // The provider columns switch one access right on.
    let mut rights = AccessRightsInput::default();
    match ACTORS[column] {
        "p:cDet" => rights.customers = CustomerVisibility::Details,
        "p:cList" => rights.customers = CustomerVisibility::List,
        "p:cEdit" => {
            rights.customers = CustomerVisibility::Details;
            rights.edit_customers = true;
        }
        "p:hours" => rights.work_hours = WorkHoursAccess::Edit,
        "p:ttV" => rights.time_tracking = TimeTrackingAccess::View,
        "p:ttE" => rights.time_tracking = TimeTrackingAccess::Edit,
        "p:tips" => rights.tips = true,
        "p:pay" => rights.payments = true,
        _ => {}
    }
    rota.set_access_rights(&owner, AccessRights::new(rights).unwrap())
        .await
        .unwrap();
    // The provider has linked a calendar (the fake one's).
    rota.link_calendar(
        &owner,
        provider.id,
        rota_app::calendar_sync::NewCalendarLink {
            url: "https://dav.example/pat/".into(),
            username: "pat".into(),
            password: SecretString::from("app-password"),
        },
    )
    .await
    .unwrap();

    let token = |s: &SecretString| Some(s.expose_secret().to_owned());
    let prv = Some(prv);
    let tokens = [
        None,
        token(&up.token),
        Some(admin),
        Some(both),
        prv.clone(),
        prv.clone(),
        prv.clone(),
        prv.clone(),
        prv.clone(),
        prv.clone(),
        prv.clone(),
        prv.clone(),
        prv,
        token(&cust.token),
        Some(deact),
        token(&other.token),
    ];
    let router = rota_http::router(rota, HttpConfig::new("http://rota.test"));
    World {
        router,
        tokens,
        ids: vec![
            ("{employee}", provider.id.to_string()),
            ("{customer}", customer.id.to_string()),
            ("{service}", service.id.to_string()),
            ("{booking}", booking.booking.id.to_string()),
            ("{series}", series[0].booking.id.to_string()),
            ("{time_off}", time_off.id.to_string()),
            ("{closure}", closure.id.to_string()),
        ],
    }
}

/// A fresh, empty database of the kind `db` names, and how to drop it.
async fn fresh_store(db: &Db) -> (Arc<dyn Store>, Db) {
    match db {
        Db::Sqlite => {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path =
                std::env::temp_dir().join(format!("rota-matrix-{}-{n}.db", std::process::id()));
            let _ = std::fs::remove_file(&path);
            let store = SqliteStore::open(&path, 2).await.unwrap();
            (Arc::new(store), Db::Sqlite)
        }
        Db::Postgres(_) => {
            let fresh = Db::postgres().await.expect("a PostgreSQL schema");
            let url = fresh.url().unwrap();
            let store = PostgresStore::connect(&url, 2).await.unwrap();
            (Arc::new(store), fresh)
        }
    }
}

async fn cell(route: &str, body: Option<&Value>, column: usize, db: &Db) -> (u16, String) {
    let (store, fresh) = fresh_store(db).await;
    let answer = cell_on(route, body, column, store).await;
    fresh.drop_data().await;
    answer
}

async fn cell_on(
    route: &str,
    body: Option<&Value>,
    column: usize,
    store: Arc<dyn Store>,
) -> (u16, String) {
    let w = world(column, store).await;
    let fill = |s: &str| {
        w.ids
            .iter()
            .fold(s.to_owned(), |acc, (k, v)| acc.replace(k, v))
    };
    let (method, path) = route.split_once(' ').unwrap();
    let mut req = Request::builder().method(method).uri(fill(path));
    if let Some(token) = &w.tokens[column] {
        req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let req = match body {
        Some(Value::String(csv)) => req
            .header(header::CONTENT_TYPE, "text/csv")
            .body(Body::from(csv.clone()))
            .unwrap(),
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(fill(&b.to_string())))
            .unwrap(),
        None => req.body(Body::empty()).unwrap(),
    };
    let res = w.router.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        status,
        String::from_utf8_lossy(&bytes).chars().take(160).collect(),
    )
}

rota_tests::on_every_store! {
    /// R1–R12 over HTTP, on each store: every cell on a fresh database.
    async fn every_route_as_every_actor_answers_as_the_table_says(db: Db) {
        the_table_holds(db).await;
    }
}

async fn the_table_holds(db: Db) {
    let mut differ = Vec::new();
    let mut cells = 0;
    let mut report = String::new();
    for (route, body, expected) in table() {
        let mut row = Vec::new();
        // A row's cells at once, each on its own database.
        let mut running = Vec::new();
        for column in 0..expected.len() {
            let (body, db) = (body.clone(), db.clone());
            running.push(tokio::spawn(async move {
                cell(route, body.as_ref(), column, &db).await
            }));
        }
        for (column, (want, run)) in expected.iter().zip(running).enumerate() {
            let (got, detail) = run.await.unwrap();
            cells += 1;
            row.push(got.to_string());
            if got != *want {
                differ.push(format!(
                    "{route} as {}: expected {want}, got {got}: {detail}",
                    ACTORS[column]
                ));
            }
        }
        let _ = writeln!(report, "{route:<60} {}", row.join(" "));
    }
    eprintln!("{cells} cells\n{report}");
    assert!(
        differ.is_empty(),
        "{} of {cells} cells differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
}
