//! The service object that every use case is a method of, and the helpers
//! they share.

use std::sync::Arc;

use rota_domain::account::{Account, Profile};
use rota_domain::actor::{Actor, ActorKind};
use rota_domain::audit::{AuditChange, AuditEvent};
use rota_domain::business::Business;
use rota_domain::id::{AccountId, AuditEventId, BusinessId};
use rota_domain::jiff::Timestamp;
use rota_domain::team::{Member, Team};

use rota_domain::email::EmailAddress;
use rota_domain::id::OutboxId;
use rota_domain::notice::Notice;
use rota_domain::outbox::OutboxMessage;

use crate::ports::{
    Clock, IdSource, MailError, Mailer, PasswordHasher, PaymentProcessor, RecordedByTheTeam, Store,
    StoreError, Tokens, TxMode, UnitOfWork,
};

/// The adapters Rota runs on.
pub struct Ports {
    /// Where everything is kept.
    pub store: Arc<dyn Store>,
    /// The time.
    pub clock: Arc<dyn Clock>,
    /// New identifiers.
    pub ids: Arc<dyn IdSource>,
    /// Password hashing.
    pub hasher: Arc<dyn PasswordHasher>,
    /// Secret tokens for sessions and emailed links.
    pub tokens: Arc<dyn Tokens>,
    /// Seals and delivers emails.
    pub mailer: Arc<dyn Mailer>,
}

/// Rota: every use case, as a method. Cheap to clone.
#[derive(Clone)]
pub struct Rota {
    ports: Arc<Ports>,
    payments: Arc<dyn PaymentProcessor>,
    pub(crate) calendar_sync: Option<crate::calendar_sync::SyncPorts>,
    known_businesses: Arc<crate::known_businesses::KnownBusinesses>,
}

impl Rota {
    /// Rota on these adapters.
    #[must_use]
    pub fn new(ports: Ports) -> Self {
        Self {
            ports: Arc::new(ports),
            payments: Arc::new(RecordedByTheTeam),
            calendar_sync: None,
            known_businesses: Arc::default(),
        }
    }

    /// This Rota with a payment processor, which gives requests for payment
    /// a link to pay at (the default, [`RecordedByTheTeam`], gives none).
    #[must_use]
    pub fn with_payment_processor(mut self, processor: Arc<dyn PaymentProcessor>) -> Self {
        self.payments = processor;
        self
    }

    /// The payment processor, once the request's kept connection has gone
    /// back: it may be another server, to be waited on
    /// (`ports::release_held`).
    pub(crate) fn payments(&self) -> &dyn PaymentProcessor {
        crate::ports::release_held();
        self.payments.as_ref()
    }

    /// Whether the store answers (opens and ends a transaction).
    pub async fn store_ready(&self, mode: TxMode) -> Result<(), StoreError> {
        drop(self.ports.store.begin(mode).await?);
        Ok(())
    }

    /// Starts a unit of work. Nothing read is remembered past it but a
    /// business's own row, and that only by the revision the request's
    /// sign-in check read (`known_businesses`): every request reads the
    /// store, so what any process committed is seen by the next request on
    /// every process (SPEC §8; docs/DECISIONS.md, "Consistency across
    /// processes").
    pub(crate) async fn begin(&self, mode: TxMode) -> Result<Box<dyn UnitOfWork>, StoreError> {
        self.ports.store.begin(mode).await
    }

    pub(crate) fn known_businesses(&self) -> &crate::known_businesses::KnownBusinesses {
        &self.known_businesses
    }

    pub(crate) fn store(&self) -> &dyn Store {
        self.ports.store.as_ref()
    }

    pub(crate) fn now(&self) -> Timestamp {
        self.ports.clock.now()
    }

    /// The password hasher, once the request's kept connection has gone
    /// back: hashing takes tens of milliseconds (`ports::release_held`).
    pub(crate) fn hasher(&self) -> &dyn PasswordHasher {
        crate::ports::release_held();
        self.ports.hasher.as_ref()
    }

    /// A fresh random token for a browser's forms (U7, CSRF): the same
    /// secure source as session tokens.
    #[must_use]
    pub fn new_form_token(&self) -> String {
        use secrecy::ExposeSecret;
        self.tokens().issue().expose_secret().to_owned()
    }

    pub(crate) fn tokens(&self) -> &dyn Tokens {
        self.ports.tokens.as_ref()
    }

    /// The mailer, once the request's kept connection has gone back: it
    /// waits on a mail server (`ports::release_held`).
    pub(crate) fn mailer(&self) -> &dyn Mailer {
        crate::ports::release_held();
        self.ports.mailer.as_ref()
    }

    /// Queues `notice` for `to` in the transaction's outbox (A8): it is sent
    /// only if the transaction commits.
    pub(crate) async fn queue_notice(
        &self,
        tx: &mut dyn UnitOfWork,
        business: BusinessId,
        to: &EmailAddress,
        notice: &Notice,
    ) -> Result<(), QueueError> {
        let message = self.outbox_message(business, to, notice)?;
        tx.outbox().enqueue(&message).await?;
        Ok(())
    }

    /// `notice` for `to`, sealed, as an outbox message due now.
    pub(crate) fn outbox_message(
        &self,
        business: BusinessId,
        to: &EmailAddress,
        notice: &Notice,
    ) -> Result<OutboxMessage, QueueError> {
        let now = self.now();
        Ok(OutboxMessage {
            id: OutboxId::from_uuid(self.new_uuid()),
            business_id: business,
            recipient: to.clone(),
            kind: notice.kind().to_owned(),
            payload: self.mailer().seal(notice)?,
            created_at: now,
            attempts: 0,
            next_attempt_at: now,
            sent_at: None,
            last_error: None,
            topic: None,
        })
    }

    pub(crate) fn new_uuid(&self) -> rota_domain::uuid::Uuid {
        self.ports.ids.new_id()
    }

    pub(crate) fn new_account_id(&self) -> AccountId {
        AccountId::from_uuid(self.ports.ids.new_id())
    }

    pub(crate) fn new_business_id(&self) -> BusinessId {
        BusinessId::from_uuid(self.ports.ids.new_id())
    }

    /// An audit entry (A7) stamped now.
    pub(crate) fn audit_event(
        &self,
        business: BusinessId,
        actor: Option<AccountId>,
        subject: Option<AccountId>,
        change: AuditChange,
    ) -> AuditEvent {
        AuditEvent {
            id: AuditEventId::from_uuid(self.ports.ids.new_id()),
            business_id: business,
            actor,
            subject,
            change,
            at: self.now(),
        }
    }
}

/// The team rules' view of an account; `None` for customers.
pub(crate) fn member_of(account: &Account) -> Option<(AccountId, Member)> {
    match &account.profile {
        Profile::Employee(e) => Some((
            account.id,
            Member {
                roles: e.roles,
                status: account.status,
                activated: account.activated_at.is_some(),
            },
        )),
        Profile::Customer(_) => None,
    }
}

/// A business locked for the transaction, its team, and its employees.
pub(crate) struct LockedTeam {
    pub(crate) business: Business,
    pub(crate) team: Team,
    pub(crate) employees: Vec<Account>,
}

impl LockedTeam {
    /// Locks the business and loads its team; `None` if it does not exist.
    pub(crate) async fn load(
        tx: &mut dyn UnitOfWork,
        business: BusinessId,
    ) -> Result<Option<Self>, StoreError> {
        let Some(business) = tx.businesses().lock(business).await? else {
            return Ok(None);
        };
        Self::with_team(tx, business).await.map(Some)
    }

    /// Loads the business and its team without locking (a read-only
    /// transaction may not lock rows); `None` if it does not exist.
    pub(crate) async fn read(
        tx: &mut dyn UnitOfWork,
        business: BusinessId,
    ) -> Result<Option<Self>, StoreError> {
        let Some(business) = tx.businesses().get(business).await? else {
            return Ok(None);
        };
        Self::with_team(tx, business).await.map(Some)
    }

    async fn with_team(tx: &mut dyn UnitOfWork, business: Business) -> Result<Self, StoreError> {
        let employees = tx.accounts().employees(business.id).await?;
        let team = Team::new(&business, employees.iter().filter_map(member_of));
        Ok(Self {
            business,
            team,
            employees,
        })
    }

    /// The actor as the team knows them now (roles and status read in this
    /// transaction, not when the request began).
    pub(crate) fn fresh(&self, actor: &Actor) -> Actor {
        match (actor.kind, self.team.member(actor.id)) {
            (ActorKind::Employee(_), Some(m)) if actor.business == self.business.id => Actor {
                status: m.status,
                kind: ActorKind::Employee(m.roles),
                ..*actor
            },
            _ => *actor,
        }
    }

    /// The employee account with this id.
    pub(crate) fn employee(&self, id: AccountId) -> Option<&Account> {
        self.employees.iter().find(|a| a.id == id)
    }
}

/// Queuing an email failed: the mailer could not seal it, or the store failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum QueueError {
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<QueueError> for StoreError {
    fn from(e: QueueError) -> Self {
        match e {
            QueueError::Mail(m) => StoreError::other(m),
            QueueError::Store(s) => s,
        }
    }
}
