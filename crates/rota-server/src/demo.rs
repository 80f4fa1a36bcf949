//! `rota demo`: a demo business to try Rota with, made through the same use
//! cases a user would drive (the providers even accept their emailed
//! invitations).

use anyhow::Context;
use rota_app::Rota;
use rota_app::customers::NewCustomer;
use rota_app::domain::account::CustomerDetails;
use rota_app::domain::actor::Actor;
use rota_app::domain::business::{Currency, Zone};
use rota_app::domain::calendar::{LocalInterval, WeeklyHours, WorkCalendar};
use rota_app::domain::email::EmailAddress;
use rota_app::domain::id::{AccountId, ServiceId};
use rota_app::domain::jiff::{Timestamp, ToSpan};
use rota_app::domain::money::Money;
use rota_app::domain::name::{BusinessName, PersonName, Slug};
use rota_app::domain::notice::Notice;
use rota_app::domain::plan::Plan;
use rota_app::domain::role::{EmployeeRoles, RoleSet};
use rota_app::domain::service::ServiceDuration;
use rota_app::employees::NewEmployee;
use rota_app::ports::TxMode;
use rota_app::secrecy::SecretString;
use rota_app::services::NewService;
use rota_app::signup::{SignUp, SignUpError};

use crate::Config;
use crate::compose::Runtime;

const OWNER_EMAIL: &str = "owner@demo.example";
const OWNER_PASSWORD: &str = "demo owner passphrase";
const PROVIDER_PASSWORD: &str = "demo provider passphrase";

/// The token of the invitation queued for `email`.
async fn invitation_token(runtime: &Runtime, email: &str) -> anyhow::Result<SecretString> {
    let mut tx = runtime.store.begin(TxMode::Read).await?;
    let later = Timestamp::now()
        .checked_add(1.hours())
        .context("time in range")?;
    for message in tx.outbox().due(later, 1000).await? {
        if message.recipient.as_str() != email {
            continue;
        }
        if let Ok(Notice::Invitation { token, .. }) = runtime.postman.open(&message.payload) {
            return Ok(SecretString::from(token.reveal().to_owned()));
        }
    }
    anyhow::bail!("no invitation was queued for {email}")
}

/// Seeds the demo business.
pub(crate) async fn seed(config: &Config) -> anyhow::Result<()> {
    let runtime = Runtime::open(config).await?;
    let rota = &runtime.rota;
    let zone = Zone::parse("Europe/London")?;
    let up = match rota
        .sign_up(SignUp {
            business_name: BusinessName::parse("Demo Cleaning Co")?,
            slug: Slug::parse("demo")?,
            time_zone: zone.clone(),
            currency: Currency::parse("GBP")?,
            owner_name: PersonName::parse("Olive Owner")?,
            email: EmailAddress::parse(OWNER_EMAIL)?,
            password: SecretString::from(OWNER_PASSWORD),
        })
        .await
    {
        Ok(up) => up,
        Err(SignUpError::SlugTaken) => {
            println!(
                "the demo business already exists in {}",
                config.data_dir.display()
            );
            print_how_to_sign_in(&runtime.base_url);
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    let owner = Actor::of(&up.owner);
    rota.change_plan(&owner, Plan::Grow).await?;

    let providers = add_providers(&runtime, &owner).await?;

    let service = rota
        .create_service(
            &owner,
            NewService {
                name: BusinessName::parse("Standard clean")?,
                duration: ServiceDuration::minutes(120)?,
                price: Money::new(8000)?,
                providers: vec![],
                buffers: rota_app::domain::service::Buffers::NONE,
            },
        )
        .await?;

    let mut customers = Vec::new();
    for (first, last) in [
        ("Ana", "Smith"),
        ("Ben", "Jones"),
        ("Cara", "Brown"),
        ("Dev", "Patel"),
        ("Eve", "Taylor"),
    ] {
        let email = format!("{}@customers.example", first.to_lowercase());
        let c = rota
            .create_customer(
                &owner,
                NewCustomer {
                    first_name: PersonName::parse(first)?,
                    last_name: PersonName::parse(last)?,
                    email: EmailAddress::parse(&email)?,
                    details: CustomerDetails::default(),
                },
            )
            .await?;
        customers.push(c.id);
    }

    let made = book_week(rota, &owner, &zone, service.id, &customers, &providers).await?;
    println!(
        "seeded the demo business \"demo\": an owner, 2 providers (Mon–Fri 09:00–17:00 Europe/London), \
         {} customers, {made} bookings next week",
        customers.len()
    );
    print_how_to_sign_in(&runtime.base_url);
    Ok(())
}

/// Two providers who accept their emailed invitations and work Mon–Fri
/// 09:00–17:00.
async fn add_providers(runtime: &Runtime, owner: &Actor) -> anyhow::Result<Vec<AccountId>> {
    let rota = &runtime.rota;
    let day = vec![LocalInterval::parse("09:00", "17:00")?];
    let hours = WeeklyHours::new([
        day.clone(),
        day.clone(),
        day.clone(),
        day.clone(),
        day,
        vec![],
        vec![],
    ])?;
    let mut providers = Vec::new();
    for (name, email) in [
        ("Pat Provider", "pat@demo.example"),
        ("Sam Provider", "sam@demo.example"),
    ] {
        let account = rota
            .add_employee(
                owner,
                NewEmployee {
                    name: PersonName::parse(name)?,
                    email: EmailAddress::parse(email)?,
                    phone: None,
                    roles: EmployeeRoles::new(RoleSet::ServiceProvider, false)?,
                },
            )
            .await?;
        let token = invitation_token(runtime, email).await?;
        rota.accept_invitation(&token, &SecretString::from(PROVIDER_PASSWORD))
            .await?;
        rota.set_work_calendar(
            owner,
            account.id,
            WorkCalendar {
                zone: None,
                hours: hours.clone(),
            },
        )
        .await?;
        providers.push(account.id);
    }

    Ok(providers)
}

/// Next Monday to Friday, 10:00 and 14:00 local, alternating customers and
/// providers; returns how many bookings were made.
async fn book_week(
    rota: &Rota,
    owner: &Actor,
    zone: &Zone,
    service: ServiceId,
    customers: &[AccountId],
    providers: &[AccountId],
) -> anyhow::Result<usize> {
    let today = Timestamp::now().to_zoned(zone.tz().clone()).date();
    let days_to_monday = 7 - i64::from(today.weekday().to_monday_zero_offset());
    let monday = today.checked_add(days_to_monday.days())?;
    let mut made = 0;
    for d in 0..5_i64 {
        let date = monday.checked_add(d.days())?;
        for (slot, hour) in [10_i8, 14].into_iter().enumerate() {
            let i = usize::try_from(d)? * 2 + slot;
            let starts_at = date
                .at(hour, 0, 0, 0)
                .to_zoned(zone.tz().clone())?
                .timestamp();
            rota.create_booking(
                owner,
                rota_app::bookings::NewBooking {
                    customer: customers[i % customers.len()],
                    service: Some(service),
                    starts_at,
                    ends_at: None,
                    providers: vec![providers[i % providers.len()]],
                    price: None,
                    notes: None,
                    allow_outside_work_hours: false,
                },
                None,
            )
            .await?;
            made += 1;
        }
    }
    Ok(made)
}

fn print_how_to_sign_in(base_url: &str) {
    println!("start the server with `rota serve`, then open the console at {base_url}/");
    println!("  sign in with business: demo, email: {OWNER_EMAIL}, password: {OWNER_PASSWORD}");
    println!("or sign in over the API:");
    println!(
        "  curl -s -X POST {base_url}/v1/sessions -H 'content-type: application/json' \\\n    \
         -d '{{\"business\":\"demo\",\"email\":\"{OWNER_EMAIL}\",\"password\":\"{OWNER_PASSWORD}\"}}'"
    );
    println!("providers: pat@demo.example and sam@demo.example, password \"{PROVIDER_PASSWORD}\"");
}
