//! The business the load test drives, made through the use cases: an owner
//! on Grow, a team of ten providers working around the clock, one service
//! five of them offer on the public page, fifty customers, a busy week and
//! background bookings in other weeks.

use rota_app::Rota;
use rota_app::bookings::NewBooking;
use rota_app::customers::NewCustomer;
use rota_app::domain::account::CustomerDetails;
use rota_app::domain::actor::Actor;
use rota_app::domain::business::{Currency, Zone};
use rota_app::domain::calendar::{LocalInterval, WeeklyHours, WorkCalendar};
use rota_app::domain::email::EmailAddress;
use rota_app::domain::id::{AccountId, ServiceId};
use rota_app::domain::jiff::{SignedDuration, Timestamp};
use rota_app::domain::money::Money;
use rota_app::domain::name::{BusinessName, PersonName, Slug};
use rota_app::domain::plan::Plan;
use rota_app::domain::role::{EmployeeRoles, RoleSet};
use rota_app::domain::service::ServiceDuration;
use rota_app::employees::NewEmployee;
use rota_app::secrecy::{ExposeSecret, SecretString};
use rota_app::services::NewService;
use rota_app::settings::BusinessChanges;
use rota_app::signup::SignUp;
use rota_app::testing::RecordingMailer;

use super::{BACKGROUND, CUSTOMERS, OFFERING, PASSWORD, PROVIDERS, TEAM, WEEK, ts};

/// The business under load.
pub(super) struct Seeded {
    pub(super) owner_token: String,
    pub(super) provider_token: String,
    pub(super) provider: AccountId,
    pub(super) providers: Vec<AccountId>,
    /// Bookings in the read week, the whole team's.
    pub(super) in_week: usize,
    pub(super) customers: Vec<AccountId>,
    pub(super) business: String,
    /// The service the public page offers (by the first `OFFERING`).
    pub(super) service: ServiceId,
}

/// Any failure while seeding, as text (the load test stops on it).
pub(super) fn e(e: &dyn std::fmt::Debug) -> String {
    format!("{e:?}")
}

/// A business in UTC paying in pounds, signed up by its owner, on `plan`:
/// the sign-up (with the owner's session) and the owner as an actor.
pub(super) async fn business(
    rota: &Rota,
    name: &str,
    slug: &str,
    plan: Plan,
) -> Result<(rota_app::signup::SignedUp, Actor), String> {
    let up = rota
        .sign_up(SignUp {
            business_name: BusinessName::parse(name).map_err(|x| e(&x))?,
            slug: Slug::parse(slug).map_err(|x| e(&x))?,
            time_zone: Zone::parse("UTC").map_err(|x| e(&x))?,
            currency: Currency::parse("GBP").map_err(|x| e(&x))?,
            owner_name: PersonName::parse("Olive Owner").map_err(|x| e(&x))?,
            email: EmailAddress::parse(&format!("owner@{slug}.example")).map_err(|x| e(&x))?,
            password: SecretString::from(PASSWORD),
        })
        .await
        .map_err(|x| e(&x))?;
    let owner = Actor::of(&up.owner);
    rota.change_plan(&owner, plan).await.map_err(|x| e(&x))?;
    Ok((up, owner))
}

pub(super) async fn seed(rota: &Rota, mailer: &RecordingMailer) -> Result<Seeded, String> {
    let (up, owner) = business(rota, "Load Co", "loadco", Plan::Grow).await?;
    let (providers, provider_token) = team(rota, mailer, &owner, TEAM, "loadco").await?;
    let service = public_page(rota, &owner, &providers).await?;
    let customers = customers(rota, &owner).await?;
    let in_week = bookings(rota, &owner, &providers, &customers).await?;
    Ok(Seeded {
        owner_token: up.token.expose_secret().to_owned(),
        provider_token,
        provider: providers[0],
        in_week,
        providers,
        customers,
        business: up.business.id.to_string(),
        service,
    })
}

/// A team of `size` (`p<i>@<slug>.example`): each invited, signed in by
/// their emailed link, working around the clock. Returns them and the
/// first one's session.
pub(super) async fn team(
    rota: &Rota,
    mailer: &RecordingMailer,
    owner: &Actor,
    size: usize,
    slug: &str,
) -> Result<(Vec<AccountId>, String), String> {
    let all_day = vec![LocalInterval::parse("00:00", "24:00").map_err(|x| e(&x))?];
    let hours = WeeklyHours::new(std::array::from_fn(|_| all_day.clone())).map_err(|x| e(&x))?;
    let mut providers = Vec::new();
    let mut provider_token = String::new();
    for i in 0..size {
        let email = format!("p{i}@{slug}.example");
        let account = rota
            .add_employee(
                owner,
                NewEmployee {
                    name: PersonName::parse(&format!("Provider {i}")).map_err(|x| e(&x))?,
                    email: EmailAddress::parse(&email).map_err(|x| e(&x))?,
                    phone: None,
                    roles: EmployeeRoles::new(RoleSet::ServiceProvider, false)
                        .map_err(|x| e(&x))?,
                },
            )
            .await
            .map_err(|x| e(&x))?;
        // Deliver until the invitation is out (bookings made before queue
        // their confirmations ahead of it).
        while mailer.last_token_for(&email).is_none() {
            let round = rota.deliver_due_emails(500).await.map_err(|x| e(&x))?;
            if round.sent + round.failed == 0 {
                break;
            }
        }
        let token = mailer.last_token_for(&email).ok_or("no invitation")?;
        let signed = rota
            .accept_invitation(&token, &SecretString::from(PASSWORD))
            .await
            .map_err(|x| e(&x))?;
        if i == 0 {
            provider_token = signed.token.expose_secret().to_owned();
        }
        let calendar = WorkCalendar {
            zone: None,
            hours: hours.clone(),
        };
        rota.set_work_calendar(owner, account.id, calendar)
            .await
            .map_err(|x| e(&x))?;
        providers.push(account.id);
    }
    Ok((providers, provider_token))
}

/// The public booking page: online booking on, one service that the first
/// `OFFERING` of the team offer.
async fn public_page(
    rota: &Rota,
    owner: &Actor,
    providers: &[AccountId],
) -> Result<ServiceId, String> {
    let service = rota
        .create_service(
            owner,
            NewService {
                name: BusinessName::parse("Standard clean").map_err(|x| e(&x))?,
                duration: ServiceDuration::minutes(60).map_err(|x| e(&x))?,
                price: Money::new(4500).map_err(|x| e(&x))?,
                providers: providers[..OFFERING].to_vec(),
                buffers: rota_app::domain::service::Buffers::NONE,
            },
        )
        .await
        .map_err(|x| e(&x))?
        .id;
    let on = BusinessChanges {
        online_booking: Some(true),
        ..BusinessChanges::default()
    };
    rota.update_business(owner, on).await.map_err(|x| e(&x))?;
    Ok(service)
}

async fn customers(rota: &Rota, owner: &Actor) -> Result<Vec<AccountId>, String> {
    let mut customers = Vec::new();
    for i in 0..CUSTOMERS {
        let c = rota
            .create_customer(
                owner,
                NewCustomer {
                    first_name: PersonName::parse("Cus").map_err(|x| e(&x))?,
                    last_name: PersonName::parse(&format!("Tomer{i}")).map_err(|x| e(&x))?,
                    email: EmailAddress::parse(&format!("c{i}@x.example")).map_err(|x| e(&x))?,
                    details: CustomerDetails::default(),
                },
            )
            .await
            .map_err(|x| e(&x))?;
        customers.push(c.id);
    }
    Ok(customers)
}

/// The week that is read: four one-hour bookings a day for each of the
/// team, Monday to Friday; and background bookings for the first
/// `PROVIDERS`, other weeks. Returns how many are in the week.
async fn bookings(
    rota: &Rota,
    owner: &Actor,
    providers: &[AccountId],
    customers: &[AccountId],
) -> Result<usize, String> {
    let book = |at: Timestamp, provider: AccountId, customer: AccountId| NewBooking {
        customer,
        service: None,
        starts_at: at,
        ends_at: at.checked_add(SignedDuration::from_hours(1)).ok(),
        providers: vec![provider],
        price: None,
        notes: None,
        allow_outside_work_hours: false,
    };
    let week = ts(WEEK);
    let mut in_week = 0;
    for (p, &provider) in providers.iter().enumerate() {
        for day in 0..5_i64 {
            for hour in [9_i64, 11, 13, 15] {
                let at = week
                    .checked_add(SignedDuration::from_hours(day * 24 + hour))
                    .map_err(|x| e(&x))?;
                let customer =
                    customers[(usize::try_from(day * 4 + hour).unwrap_or(0) + p) % CUSTOMERS];
                rota.create_booking(owner, book(at, provider, customer), None)
                    .await
                    .map_err(|x| e(&x))?;
                in_week += 1;
            }
        }
    }
    let start = ts("2030-04-01T00:00:00Z");
    for i in 0..BACKGROUND {
        let n = i64::try_from(i).unwrap_or(0);
        let at = start
            .checked_add(SignedDuration::from_hours(n))
            .map_err(|x| e(&x))?;
        let new = book(at, providers[i % PROVIDERS], customers[i % CUSTOMERS]);
        rota.create_booking(owner, new, None)
            .await
            .map_err(|x| e(&x))?;
    }
    Ok(in_week)
}
