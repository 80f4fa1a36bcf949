//! Store benchmarks: bookings created and a provider's week read per
//! second, through the store and through raw sqlx on the same database in
//! the same run, with 1,000,000 existing bookings.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rota_app::bookings::NewBooking;
use rota_app::domain::account::{
    Account, AccountStatus, CustomerDetails, CustomerProfile, EmployeeProfile, Profile,
};
use rota_app::domain::actor::Actor;
use rota_app::domain::booking::{Booking, BookingStatus};
use rota_app::domain::business::{Business, BusinessSettings, Currency, Zone};
use rota_app::domain::calendar::{LocalInterval, WeeklyHours, WorkCalendar};
use rota_app::domain::email::EmailAddress;
use rota_app::domain::id::{AccountId, BookingId, BusinessId};
use rota_app::domain::jiff::{SignedDuration, Timestamp};
use rota_app::domain::money::Money;
use rota_app::domain::name::{BusinessName, PersonName, Slug};
use rota_app::domain::plan::{Plan, Subscription, SubscriptionStatus};
use rota_app::domain::role::{EmployeeRoles, RoleSet};
use rota_app::domain::time::TimeRange;
use rota_app::domain::uuid::Uuid;
use rota_app::ports::{BookingQuery, IdSource, Store, TxMode};
use rota_app::testing::{CountingTokens, InsecureHasher, ManualClock, RecordingMailer};
use rota_app::{Ports, Rota};

/// Existing bookings before measuring.
pub(crate) const SEEDED: i64 = 1_000_000;
/// Providers they are spread over (10,000 one-hour bookings each).
pub(crate) const PROVIDERS: usize = 100;
const RUN: Duration = Duration::from_secs(3);

/// One measured figure beside its raw limit.
pub(crate) struct Figure {
    pub(crate) store: &'static str,
    pub(crate) what: String,
    pub(crate) ours: f64,
    pub(crate) raw: Option<f64>,
}

/// The seeded world.
pub(crate) struct World {
    pub(crate) business: Business,
    pub(crate) owner: Account,
    pub(crate) customer: Account,
    pub(crate) providers: Vec<AccountId>,
}

pub(crate) fn t0() -> Timestamp {
    "2026-01-05T00:00:00Z".parse().expect("an instant")
}

fn account(business: BusinessId, n: u128, profile: Profile) -> Account {
    Account {
        id: AccountId::from_uuid(Uuid::from_u128(n)),
        business_id: business,
        email: EmailAddress::parse(&format!("a{n}@bench.example")).expect("an email"),
        status: AccountStatus::Active,
        profile,
        created_at: t0(),
        activated_at: Some(t0()),
    }
}

/// Writes the business, its owner, providers (working around the clock) and
/// one customer through the ports.
pub(crate) async fn world(store: &dyn Store) -> Result<World, String> {
    let business = Business {
        id: BusinessId::from_uuid(Uuid::from_u128(1)),
        name: BusinessName::parse("Bench").map_err(|e| e.to_string())?,
        slug: Slug::parse("bench").map_err(|e| e.to_string())?,
        time_zone: Zone::utc(),
        currency: Currency::parse("EUR").map_err(|e| e.to_string())?,
        subscription: Subscription {
            plan: Plan::ProMax,
            status: SubscriptionStatus::Active,
        },
        settings: BusinessSettings::default(),
        created_at: t0(),
    };
    let employee = |roles| {
        Profile::Employee(EmployeeProfile {
            name: PersonName::parse("Pat").expect("a name"),
            phone: None,
            roles,
        })
    };
    let owner = account(
        business.id,
        2,
        employee(EmployeeRoles::owner_with(RoleSet::Administrator)),
    );
    let customer = account(
        business.id,
        3,
        Profile::Customer(CustomerProfile {
            first_name: PersonName::parse("Ana").expect("a name"),
            last_name: PersonName::parse("Smith").expect("a name"),
            details: CustomerDetails::default(),
            archived_at: None,
        }),
    );
    let all = vec![LocalInterval::parse("00:00", "00:00").map_err(|e| e.to_string())?];
    let hours =
        WeeklyHours::new(std::array::from_fn(|_| all.clone())).map_err(|e| e.to_string())?;
    let mut tx = store
        .begin(TxMode::Write)
        .await
        .map_err(|e| e.to_string())?;
    tx.businesses()
        .insert(&business)
        .await
        .map_err(|e| e.to_string())?;
    tx.accounts()
        .insert(&owner)
        .await
        .map_err(|e| e.to_string())?;
    tx.accounts()
        .insert(&customer)
        .await
        .map_err(|e| e.to_string())?;
    let mut providers = Vec::new();
    for i in 0..PROVIDERS {
        let p = account(
            business.id,
            100 + i as u128,
            employee(EmployeeRoles::staff(RoleSet::ServiceProvider)),
        );
        tx.accounts().insert(&p).await.map_err(|e| e.to_string())?;
        let calendar = WorkCalendar {
            zone: None,
            hours: hours.clone(),
        };
        tx.calendars()
            .set_work_calendar(business.id, p.id, &calendar)
            .await
            .map_err(|e| e.to_string())?;
        providers.push(p.id);
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(World {
        business,
        owner,
        customer,
        providers,
    })
}

/// A new booking for measuring creates: far after the seeded ones.
pub(crate) fn fresh_booking(w: &World, n: i64) -> Booking {
    let provider = w.providers[usize::try_from(n).unwrap_or(0) % PROVIDERS];
    let hour = SEEDED / PROVIDERS as i64 + 100 + n / PROVIDERS as i64;
    let start = t0()
        .checked_add(SignedDuration::from_hours(hour))
        .expect("in range");
    Booking {
        id: BookingId::from_uuid(Uuid::from_u128(
            0xB000_0000_0000 + u128::try_from(n).unwrap_or(0),
        )),
        business_id: w.business.id,
        customer_id: w.customer.id,
        service_id: None,
        range: TimeRange::new(
            start,
            start
                .checked_add(SignedDuration::from_hours(1))
                .expect("in range"),
        )
        .expect("a range"),
        providers: vec![provider],
        status: BookingStatus::Scheduled,
        price: Money::new(5000).expect("money"),
        paid: Money::ZERO,
        tips: Money::ZERO,
        notes: None,
        created_at: t0(),
        updated_at: t0(),
        buffers: rota_app::domain::service::Buffers::NONE,
        series: None,
        sequence: 0,
    }
}

/// A random provider's random week within the seeded range.
pub(crate) fn week_query(w: &World, seed: &mut u64) -> (AccountId, TimeRange) {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    let provider = w.providers[usize::try_from(*seed % PROVIDERS as u64).unwrap_or(0)];
    let weeks = SEEDED / PROVIDERS as i64 / (24 * 7) - 1;
    let week = i64::try_from(*seed >> 8).unwrap_or(0) % weeks;
    let start = t0()
        .checked_add(SignedDuration::from_hours(week * 24 * 7))
        .expect("in range");
    (
        provider,
        TimeRange::new(
            start,
            start
                .checked_add(SignedDuration::from_hours(24 * 7))
                .expect("in range"),
        )
        .expect("a range"),
    )
}

/// Runs `op` from `clients` tasks for [`RUN`]; operations per second.
pub(crate) async fn rate<F, Fut>(clients: usize, op: F) -> Result<f64, String>
where
    F: Fn(i64, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let op = Arc::new(op);
    let start = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let op = Arc::clone(&op);
            tokio::spawn(async move {
                let mut n = 0i64;
                let mut seed = 0x9E37_79B9_7F4A_7C15u64 ^ (c as u64 + 1);
                while start.elapsed() < RUN {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    op(n * 64 + i64::try_from(c).unwrap_or(0), seed).await?;
                    n += 1;
                }
                Ok::<i64, String>(n)
            })
        })
        .collect();
    let mut total = 0;
    for t in tasks {
        total += t.await.map_err(|e| e.to_string())??;
    }
    Ok(total as f64 / start.elapsed().as_secs_f64())
}

/// Ids for the use-case benchmark, away from everything seeded.
struct BenchIds(std::sync::atomic::AtomicU64);

impl IdSource for BenchIds {
    fn new_id(&self) -> Uuid {
        Uuid::from_u128(
            0xC000_0000_0000_0000
                + u128::from(self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed)),
        )
    }
}

/// Rota on `store`, with the test doubles for everything else.
pub(crate) fn rota_on(store: Arc<dyn Store>) -> Rota {
    Rota::new(Ports {
        store,
        clock: Arc::new(ManualClock::at(t0())),
        ids: Arc::new(BenchIds(std::sync::atomic::AtomicU64::new(0))),
        hasher: Arc::new(InsecureHasher),
        tokens: Arc::new(CountingTokens::default()),
        mailer: Arc::new(RecordingMailer::default()),
    })
}

/// The store-level figures shared by every store: creates and week reads
/// through the port, creates through the whole use case.
pub(crate) async fn through_the_store(
    name: &'static str,
    store: Arc<dyn Store>,
    w: Arc<World>,
    raw_create: f64,
    raw_read: [f64; 2],
) -> Result<Vec<Figure>, String> {
    let mut out = Vec::new();
    let (s, world) = (Arc::clone(&store), Arc::clone(&w));
    let ours = rate(1, move |n, _| {
        let (s, world) = (Arc::clone(&s), Arc::clone(&world));
        async move {
            let b = fresh_booking(&world, 1_000_000 + n);
            let mut tx = s.begin(TxMode::Write).await.map_err(|e| e.to_string())?;
            tx.bookings()
                .lock_providers(world.business.id, &b.providers)
                .await
                .map_err(|e| e.to_string())?;
            tx.bookings().insert(&b).await.map_err(|e| e.to_string())?;
            tx.commit().await.map_err(|e| e.to_string())
        }
    })
    .await?;
    out.push(Figure {
        store: name,
        what: "booking create (c=1)".into(),
        ours,
        raw: Some(raw_create),
    });
    for (i, clients) in [1usize, 4].into_iter().enumerate() {
        let (s, world) = (Arc::clone(&store), Arc::clone(&w));
        let ours = rate(clients, move |_, mut seed| {
            let (s, world) = (Arc::clone(&s), Arc::clone(&world));
            async move {
                let (provider, week) = week_query(&world, &mut seed);
                let mut tx = s.begin(TxMode::Read).await.map_err(|e| e.to_string())?;
                let q = BookingQuery {
                    provider: Some(provider),
                    within: Some(week),
                    limit: 500,
                    ..BookingQuery::default()
                };
                let found = tx
                    .bookings()
                    .list(world.business.id, &q)
                    .await
                    .map_err(|e| e.to_string())?;
                if found.len() < 100 || found.iter().any(|b| b.booking.providers != [provider]) {
                    return Err(format!(
                        "a seeded week has {} bookings, or ones without their provider",
                        found.len()
                    ));
                }
                Ok(())
            }
        })
        .await?;
        out.push(Figure {
            store: name,
            what: format!("provider's week read (c={clients})"),
            ours,
            raw: Some(raw_read[i]),
        });
    }
    let rota = rota_on(Arc::clone(&store));
    let owner = Actor::of(&w.owner);
    let world = Arc::clone(&w);
    let ours = rate(1, move |n, _| {
        let (rota, world) = (rota.clone(), Arc::clone(&world));
        async move {
            let b = fresh_booking(&world, 2_000_000 + n);
            let request = NewBooking {
                customer: world.customer.id,
                service: None,
                starts_at: b.range.start(),
                ends_at: Some(b.range.end()),
                providers: b.providers.clone(),
                price: None,
                notes: None,
                allow_outside_work_hours: false,
            };
            rota.create_booking(&owner, request, None)
                .await
                .map(|_| ())
                .map_err(|e| format!("{e:?}"))
        }
    })
    .await?;
    out.push(Figure {
        store: name,
        what: "booking create, whole use case (c=1)".into(),
        ours,
        raw: Some(raw_create),
    });
    Ok(out)
}
