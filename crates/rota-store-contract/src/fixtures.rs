//! Building blocks the stories share: Rota on the store, and a business with
//! an owner, a provider and a customer written straight through the ports.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rota_app::domain::account::{
    Account, AccountStatus, CustomerDetails, CustomerProfile, EmployeeProfile, Profile,
};
use rota_app::domain::business::{Business, BusinessSettings, Currency, Zone};
use rota_app::domain::email::EmailAddress;
use rota_app::domain::id::{AccountId, BusinessId, ServiceId};
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::money::Money;
use rota_app::domain::name::{BusinessName, PersonName, Slug};
use rota_app::domain::plan::{Plan, Subscription, SubscriptionStatus};
use rota_app::domain::role::{EmployeeRoles, RoleSet};
use rota_app::domain::service::{Buffers, Service, ServiceDuration};
use rota_app::domain::uuid::Uuid;
use rota_app::ports::{IdSource, Store, TxMode};
use rota_app::testing::{CountingTokens, InsecureHasher, ManualClock, RecordingMailer};
use rota_app::{Ports, Rota};

/// Ids unique across every Rota of the test process (several may share a
/// store), far below the fixtures' own.
struct ProcessIds;

impl IdSource for ProcessIds {
    fn new_id(&self) -> Uuid {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Uuid::from_u128(u128::from(NEXT.fetch_add(1, Ordering::Relaxed)))
    }
}

/// Rota on `store`, its clock at 2026-03-02T09:00Z.
pub fn rota_on(store: Arc<dyn Store>) -> Rota {
    Rota::new(Ports {
        store,
        clock: Arc::new(ManualClock::at(at("2026-03-02T09:00:00Z"))),
        ids: Arc::new(ProcessIds),
        hasher: Arc::new(InsecureHasher),
        tokens: Arc::new(CountingTokens::default()),
        mailer: Arc::new(RecordingMailer::default()),
    })
}

pub(crate) fn at(s: &str) -> Timestamp {
    s.parse().expect("a valid instant")
}

/// Ids the fixtures use, far from what `SequentialIds` hands out.
/// A 90-minute "Deep clean" of `business` (id 500), offered by
/// `providers` (everyone when empty), with these buffers.
pub(crate) fn service(
    business: BusinessId,
    providers: Vec<AccountId>,
    buffers: Buffers,
) -> Service {
    Service {
        id: ServiceId::from_uuid(uuid(500)),
        business_id: business,
        name: BusinessName::parse("Deep clean").unwrap(),
        duration: ServiceDuration::minutes(90).unwrap(),
        price: Money::new(12_000).unwrap(),
        providers,
        active: true,
        buffers,
    }
}

pub(crate) fn uuid(n: u128) -> Uuid {
    Uuid::from_u128(0xF000_0000_0000_0000_0000_0000_0000_0000 + n)
}

/// A business with an owner, a provider and a customer.
pub struct Fixture {
    /// The business.
    pub business: Business,
    /// Its owner.
    pub owner: Account,
    /// An active service provider.
    pub provider: Account,
    /// A customer.
    pub customer: Account,
}

pub(crate) fn business(n: u128, slug: &str) -> Business {
    Business {
        id: BusinessId::from_uuid(uuid(n)),
        name: BusinessName::parse("Sparkle").unwrap(),
        slug: Slug::parse(slug).unwrap(),
        time_zone: Zone::parse("Europe/London").unwrap(),
        currency: Currency::parse("GBP").unwrap(),
        subscription: Subscription {
            plan: Plan::Grow,
            status: SubscriptionStatus::Active,
        },
        settings: BusinessSettings::default(),
        created_at: at("2026-01-01T00:00:00Z"),
    }
}

pub(crate) fn employee(
    business: BusinessId,
    n: u128,
    email: &str,
    roles: EmployeeRoles,
) -> Account {
    Account {
        id: AccountId::from_uuid(uuid(n)),
        business_id: business,
        email: EmailAddress::parse(email).unwrap(),
        status: AccountStatus::Active,
        profile: Profile::Employee(EmployeeProfile {
            name: PersonName::parse("Pat Doe").unwrap(),
            phone: None,
            roles,
        }),
        created_at: at("2026-01-01T00:00:00Z"),
        activated_at: Some(at("2026-01-02T00:00:00Z")),
    }
}

pub(crate) fn customer(
    business: BusinessId,
    n: u128,
    email: &str,
    first: &str,
    last: &str,
) -> Account {
    Account {
        id: AccountId::from_uuid(uuid(n)),
        business_id: business,
        email: EmailAddress::parse(email).unwrap(),
        status: AccountStatus::Active,
        profile: Profile::Customer(CustomerProfile {
            first_name: PersonName::parse(first).unwrap(),
            last_name: PersonName::parse(last).unwrap(),
            details: CustomerDetails::default(),
            archived_at: None,
        }),
        created_at: at("2026-01-01T00:00:00Z"),
        activated_at: None,
    }
}

impl Fixture {
    /// Writes the fixture through the ports, in one unit of work.
    ///
    /// # Panics
    /// If the store refuses it.
    pub async fn write(store: &dyn Store, n: u128, slug: &str) -> Self {
        let business = business(n, slug);
        let owner = employee(
            business.id,
            n * 100 + 1,
            &format!("owner@{slug}.example"),
            EmployeeRoles::owner_with(RoleSet::Administrator),
        );
        let provider = employee(
            business.id,
            n * 100 + 2,
            &format!("pat@{slug}.example"),
            EmployeeRoles::staff(RoleSet::ServiceProvider),
        );
        let customer = customer(
            business.id,
            n * 100 + 3,
            &format!("ana@{slug}.example"),
            "Ana",
            "Smith",
        );
        let mut tx = store.begin(TxMode::Write).await.unwrap();
        tx.businesses().insert(&business).await.unwrap();
        for a in [&owner, &provider, &customer] {
            tx.accounts().insert(a).await.unwrap();
        }
        tx.commit().await.unwrap();
        Self {
            business,
            owner,
            provider,
            customer,
        }
    }
}
