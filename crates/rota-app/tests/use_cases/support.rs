//! Shared set-up for the use-case tests: Rota on the in-memory store with a
//! manual clock, predictable ids and an instant hasher.

use std::sync::Arc;

use rota_app::customers::NewCustomer;
use rota_app::domain::account::{Account, AccountStatus, CustomerDetails};
use rota_app::domain::actor::Actor;
use rota_app::domain::business::{Currency, Zone};
use rota_app::domain::email::EmailAddress;
use rota_app::domain::id::AccountId;
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::name::{BusinessName, PersonName, Slug};
use rota_app::domain::role::{EmployeeRoles, RoleSet};
use rota_app::employees::NewEmployee;
use rota_app::ports::{Mailer, Store, TxMode};
use rota_app::secrecy::SecretString;
use rota_app::signup::{SignUp, SignedUp};
use rota_app::testing::{
    CountingTokens, InsecureHasher, ManualClock, RecordingMailer, SequentialIds,
};
use rota_app::{Ports, Rota};
use rota_store_memory::MemoryStore;

pub struct World {
    pub rota: Rota,
    pub store: MemoryStore,
    pub clock: Arc<ManualClock>,
    pub mailer: Arc<RecordingMailer>,
}

pub fn world() -> World {
    let store = MemoryStore::new();
    let clock = Arc::new(ManualClock::at(
        "2026-03-02T09:00:00Z".parse::<Timestamp>().unwrap(),
    ));
    let mailer = Arc::new(RecordingMailer::default());
    let rota = rota_on(&store, &clock, &mailer);
    World {
        rota,
        store,
        clock,
        mailer,
    }
}

fn rota_on(store: &MemoryStore, clock: &Arc<ManualClock>, mailer: &Arc<RecordingMailer>) -> Rota {
    rota_mailing(store, clock, mailer.clone())
}

fn rota_mailing(store: &MemoryStore, clock: &Arc<ManualClock>, mailer: Arc<dyn Mailer>) -> Rota {
    Rota::new(Ports {
        store: Arc::new(store.clone()),
        clock: clock.clone(),
        ids: Arc::new(SequentialIds::default()),
        hasher: Arc::new(InsecureHasher),
        tokens: Arc::new(CountingTokens::default()),
        mailer,
    })
}

pub fn sign_up_request(slug: &str, email: &str) -> SignUp {
    SignUp {
        business_name: BusinessName::parse("Sparkle Cleaning").unwrap(),
        slug: Slug::parse(slug).unwrap(),
        time_zone: Zone::parse("Europe/London").unwrap(),
        currency: Currency::parse("GBP").unwrap(),
        owner_name: PersonName::parse("Olive Owner").unwrap(),
        email: EmailAddress::parse(email).unwrap(),
        password: SecretString::from("correct horse battery staple"),
    }
}

impl World {
    /// Another `Rota` on the same store and clock, as a second server
    /// process would be: it shares no memory with `self.rota`. Only for
    /// reads: its ids and tokens would repeat this one's.
    pub fn another_process(&self) -> Rota {
        rota_on(&self.store, &self.clock, &self.mailer)
    }

    /// Another process on the same store hashing with `hasher` (a mock
    /// that says which hashing it expects).
    pub fn hashing_with(&self, hasher: Arc<dyn rota_app::ports::PasswordHasher>) -> Rota {
        Rota::new(Ports {
            store: Arc::new(self.store.clone()),
            clock: self.clock.clone(),
            ids: Arc::new(SequentialIds::after(1 << 40)),
            hasher,
            tokens: Arc::new(CountingTokens::after(1 << 40)),
            mailer: self.mailer.clone(),
        })
    }

    /// Another process on `store` (a mock that says which units of work it
    /// expects, reading from this world's store where it lets them).
    pub fn storing_in(&self, store: Arc<dyn Store>) -> Rota {
        Rota::new(Ports {
            store,
            clock: self.clock.clone(),
            ids: Arc::new(SequentialIds::after(1 << 40)),
            hasher: Arc::new(InsecureHasher),
            tokens: Arc::new(CountingTokens::after(1 << 40)),
            mailer: self.mailer.clone(),
        })
    }

    /// Read snapshots of this world's store, for a mock store to hand out
    /// (one per read transaction it expects).
    pub async fn snapshots(&self, n: usize) -> Vec<Box<dyn rota_app::ports::UnitOfWork>> {
        let mut reads = Vec::with_capacity(n);
        for _ in 0..n {
            reads.push(self.store.begin(TxMode::Read).await.unwrap());
        }
        reads
    }

    /// [`World::another_process`] sending with `mailer`: only for delivering
    /// what `self.rota` queued.
    pub fn delivering_with(&self, mailer: Arc<dyn Mailer>) -> Rota {
        rota_mailing(&self.store, &self.clock, mailer)
    }

    pub async fn sign_up(&self, slug: &str) -> (SignedUp, Actor) {
        let done = self
            .rota
            .sign_up(sign_up_request(slug, &format!("owner@{slug}.example")))
            .await
            .unwrap();
        let actor = Actor::of(&done.owner);
        (done, actor)
    }

    /// Adds an employee and marks them active, as accepting the invitation would.
    pub async fn employee(&self, by: &Actor, email: &str, roles: RoleSet, owner: bool) -> Actor {
        let account = self
            .rota
            .add_employee(by, new_employee(email, roles, owner))
            .await
            .unwrap();
        self.activate(&account).await
    }

    pub async fn activate(&self, account: &Account) -> Actor {
        let mut tx = self.store.begin(TxMode::Write).await.unwrap();
        let mut account = tx
            .accounts()
            .get(account.business_id, account.id)
            .await
            .unwrap()
            .unwrap();
        account.status = AccountStatus::Active;
        account.activated_at = Some(account.created_at);
        tx.accounts().update(&account).await.unwrap();
        tx.commit().await.unwrap();
        Actor::of(&account)
    }

    pub async fn account(&self, actor: &Actor, id: AccountId) -> Account {
        let mut tx = self.store.begin(TxMode::Read).await.unwrap();
        tx.accounts()
            .get(actor.business, id)
            .await
            .unwrap()
            .unwrap()
    }
}

pub fn new_employee(email: &str, roles: RoleSet, owner: bool) -> NewEmployee {
    NewEmployee {
        name: PersonName::parse("Sam Staff").unwrap(),
        email: EmailAddress::parse(email).unwrap(),
        phone: None,
        roles: EmployeeRoles::new(roles, owner).unwrap(),
    }
}

pub fn new_customer(email: &str, first: &str, last: &str) -> NewCustomer {
    NewCustomer {
        first_name: PersonName::parse(first).unwrap(),
        last_name: PersonName::parse(last).unwrap(),
        email: EmailAddress::parse(email).unwrap(),
        details: CustomerDetails::default(),
    }
}

/// A business on `grow` in Europe/London with one active provider working
/// Mon–Fri 09:00–17:00, a 60-minute service at 50.00 and one customer.
pub struct Salon {
    pub w: World,
    pub owner: Actor,
    pub provider: Actor,
    pub customer: Account,
    pub service: rota_app::domain::service::Service,
}

pub async fn salon() -> Salon {
    use rota_app::domain::calendar::{LocalInterval, WeeklyHours, WorkCalendar};
    use rota_app::domain::money::Money;
    use rota_app::domain::plan::Plan;
    use rota_app::domain::service::ServiceDuration;
    use rota_app::services::NewService;

    let w = world();
    let (_, owner) = w.sign_up("salon").await;
    w.rota.change_plan(&owner, Plan::Grow).await.unwrap();
    let provider = w
        .employee(&owner, "pat@salon.example", RoleSet::ServiceProvider, false)
        .await;
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
    w.rota
        .set_work_calendar(&owner, provider.id, WorkCalendar { zone: None, hours })
        .await
        .unwrap();
    let service = w
        .rota
        .create_service(
            &owner,
            NewService {
                name: BusinessName::parse("Haircut").unwrap(),
                duration: ServiceDuration::minutes(60).unwrap(),
                price: Money::new(5000).unwrap(),
                providers: vec![],
                buffers: rota_app::domain::service::Buffers::NONE,
            },
        )
        .await
        .unwrap();
    let customer = w
        .rota
        .create_customer(&owner, new_customer("ana@x.example", "Ana", "Smith"))
        .await
        .unwrap();
    Salon {
        w,
        owner,
        provider,
        customer,
        service,
    }
}

pub fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

impl Salon {
    /// A booking request for the salon's customer and service with the provider.
    pub fn request(&self, start: &str) -> rota_app::bookings::NewBooking {
        rota_app::bookings::NewBooking {
            customer: self.customer.id,
            service: Some(self.service.id),
            starts_at: at(start),
            ends_at: None,
            providers: vec![self.provider.id],
            price: None,
            notes: None,
            allow_outside_work_hours: false,
        }
    }

    pub async fn book(
        &self,
        by: &Actor,
        start: &str,
    ) -> Result<rota_app::bookings::BookingView, rota_app::bookings::BookingError> {
        match self
            .w
            .rota
            .create_booking(by, self.request(start), None)
            .await?
        {
            rota_app::bookings::Created::New(v) => Ok(v),
            rota_app::bookings::Created::Replayed(_) => unreachable!("no key was given"),
        }
    }
}
