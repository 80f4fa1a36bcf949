//! Customers: create, read, edit, archive, list (R1, R8, R10, B7).

use rota_domain::account::{
    Account, AccountStatus, CustomerDetails, CustomerProfile, Profile, Text,
};
use rota_domain::actor::Actor;
use rota_domain::audit::AuditChange;
use rota_domain::business::Business;
use rota_domain::email::EmailAddress;
use rota_domain::id::AccountId;
use rota_domain::name::PersonName;
use rota_domain::policy::{Action, CustomerRef, Denied, authorize};
use rota_domain::privacy::customer_as_seen_by;

use crate::Rota;
use crate::error::{Classify, ErrorKind};
use crate::page::{Limit, Page, PageError};
use crate::ports::{Conflict, CustomerQuery, StoreError, TxMode, UnitOfWork};

/// A new customer.
#[derive(Clone, Debug)]
pub struct NewCustomer {
    /// First name.
    pub first_name: PersonName,
    /// Last name.
    pub last_name: PersonName,
    /// Email (unique in the business, R1).
    pub email: EmailAddress,
    /// Contact details.
    pub details: CustomerDetails,
}

/// Changes to one contact field: `None` keeps it, `Some(None)` clears it.
pub type FieldChange = Option<Option<Text>>;

/// Changes to a customer; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
#[allow(missing_docs)]
pub struct CustomerChanges {
    pub first_name: Option<PersonName>,
    pub last_name: Option<PersonName>,
    pub email: Option<EmailAddress>,
    pub customer_number: FieldChange,
    pub phone: FieldChange,
    pub mobile: FieldChange,
    pub address1: FieldChange,
    pub address2: FieldChange,
    pub unit: FieldChange,
    pub city: FieldChange,
    pub region: FieldChange,
    pub country: FieldChange,
    pub postal_code: FieldChange,
    pub notes: FieldChange,
}

impl CustomerChanges {
    pub(crate) fn apply(self, c: &mut CustomerProfile) {
        fn set(field: &mut Option<Text>, change: FieldChange) {
            if let Some(value) = change {
                *field = value;
            }
        }
        if let Some(v) = self.first_name {
            c.first_name = v;
        }
        if let Some(v) = self.last_name {
            c.last_name = v;
        }
        let d = &mut c.details;
        set(&mut d.customer_number, self.customer_number);
        set(&mut d.phone, self.phone);
        set(&mut d.mobile, self.mobile);
        set(&mut d.address1, self.address1);
        set(&mut d.address2, self.address2);
        set(&mut d.unit, self.unit);
        set(&mut d.city, self.city);
        set(&mut d.region, self.region);
        set(&mut d.country, self.country);
        set(&mut d.postal_code, self.postal_code);
        set(&mut d.notes, self.notes);
    }
}

/// Why a customer use case failed.
#[derive(Debug, thiserror::Error)]
pub enum CustomerError {
    /// The policy refused (R8, R10, R12), or no such customer.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// R1.
    #[error("email address already in use in this business")]
    EmailTaken,
    /// R10: the team's own fields (`notes`, `customer_number`) are not a
    /// customer's to set (422 `validation`).
    #[error("{0} is kept by the team and cannot be changed here")]
    TeamsOwn(&'static str),
    /// The customer was erased: nothing brings them back (409
    /// `customer_erased`).
    #[error("the customer was erased and cannot be restored")]
    Erased,
    /// A bad cursor or limit.
    #[error(transparent)]
    Page(#[from] PageError),
    /// Storage failed.
    #[error(transparent)]
    Unexpected(StoreError),
}

impl From<StoreError> for CustomerError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(Conflict::EmailTaken) => Self::EmailTaken,
            other => Self::Unexpected(other),
        }
    }
}

impl Classify for CustomerError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Denied(d) => d.kind(),
            Self::EmailTaken | Self::Erased => ErrorKind::Conflict,
            Self::Page(_) | Self::TeamsOwn(_) => ErrorKind::Invalid,
            Self::Unexpected(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Denied(d) => d.code(),
            Self::EmailTaken => "email_taken",
            Self::Erased => "customer_erased",
            Self::Page(_) | Self::TeamsOwn(_) => "validation",
            Self::Unexpected(e) => e.code(),
        }
    }
}

/// The business and one of its customers, with the actor's relation to them.
struct Found {
    business: Business,
    account: Account,
    target: CustomerRef,
    latest_own_booking_end: Option<rota_domain::jiff::Timestamp>,
}

async fn find(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: AccountId,
) -> Result<Found, CustomerError> {
    let business = tx
        .businesses()
        .get(actor.business)
        .await?
        .ok_or(Denied::NotFound)?;
    let account = tx
        .accounts()
        .get(actor.business, id)
        .await?
        .filter(|a| a.customer().is_some())
        .ok_or(Denied::NotFound)?;
    // R8: a provider who is not an administrator sees the customers of
    // their own bookings; the end of the latest one also drives privacy.
    let latest_own_booking_end = if actor.is_administrator() || actor.id == id {
        None
    } else {
        tx.bookings().latest_with(business.id, id, actor.id).await?
    };
    let target = CustomerRef {
        business: account.business_id,
        id,
        on_actor_bookings: latest_own_booking_end.is_some(),
    };
    Ok(Found {
        business,
        account,
        target,
        latest_own_booking_end,
    })
}

impl Rota {
    /// Creates a customer (administrators; providers with `edit_customers`).
    /// The customer has no portal access until invited.
    pub async fn create_customer(
        &self,
        actor: &Actor,
        new: NewCustomer,
    ) -> Result<Account, CustomerError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let business = tx
            .businesses()
            .get(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        authorize(actor, &Action::CreateCustomer, &business.settings)?;
        let account = Account {
            id: self.new_account_id(),
            business_id: business.id,
            email: new.email,
            status: AccountStatus::Active,
            profile: Profile::Customer(CustomerProfile {
                first_name: new.first_name,
                last_name: new.last_name,
                details: new.details,
                archived_at: None,
            }),
            created_at: self.now(),
            activated_at: None,
        };
        tx.accounts().insert(&account).await?;
        let event = self.audit_event(
            business.id,
            Some(actor.id),
            Some(account.id),
            AuditChange::CustomerCreated,
        );
        tx.audit().append(&event).await?;
        tx.commit().await?;
        Ok(account)
    }

    /// One customer, as the actor may see them (R8 privacy).
    pub async fn customer(&self, actor: &Actor, id: AccountId) -> Result<Account, CustomerError> {
        let mut tx = self.begin(TxMode::Read).await?;
        let found = find(tx.as_mut(), actor, id).await?;
        authorize(
            actor,
            &Action::ViewCustomer(found.target),
            &found.business.settings,
        )?;
        Ok(self.as_seen_by(
            actor,
            &found.business,
            found.account,
            found.latest_own_booking_end,
        ))
    }

    /// Edits a customer (administrators; providers with `edit_customers` for
    /// customers they can see; customers themselves, except the team's
    /// `notes` and `customer_number`, R10). A new email address is asked to
    /// confirm itself and counts only then (A12, `confirm_email_change`).
    pub async fn update_customer(
        &self,
        actor: &Actor,
        id: AccountId,
        changes: CustomerChanges,
    ) -> Result<Account, CustomerError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let mut found = find(tx.as_mut(), actor, id).await?;
        authorize(
            actor,
            &Action::EditCustomer(found.target),
            &found.business.settings,
        )?;
        if actor.roles().is_none() {
            // R10: a customer edits their profile, not the team's record of them.
            if changes.notes.is_some() {
                return Err(CustomerError::TeamsOwn("notes"));
            }
            if changes.customer_number.is_some() {
                return Err(CustomerError::TeamsOwn("customer_number"));
            }
        }
        // A12: another address counts only once it confirms; the same one
        // written differently ("Ana@X" for "ana@x") is just kept as typed.
        let mut new_address = None;
        if let Some(email) = changes.email.clone() {
            if email.normalized() == found.account.email.normalized() {
                found.account.email = email;
            } else {
                new_address = Some(email);
            }
        }
        if let Profile::Customer(c) = &mut found.account.profile {
            changes.apply(c);
        }
        tx.accounts().update(&found.account).await?;
        if let Some(new) = new_address {
            self.ask_to_confirm_email(tx.as_mut(), actor, &found.business, &found.account, new)
                .await?;
        }
        tx.commit().await?;
        Ok(self.as_seen_by(
            actor,
            &found.business,
            found.account,
            found.latest_own_booking_end,
        ))
    }

    /// Archives a customer (administrators): kept with their history, never
    /// bookable again (B7). Archiving twice changes nothing.
    pub async fn archive_customer(
        &self,
        actor: &Actor,
        id: AccountId,
    ) -> Result<Account, CustomerError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let mut found = find(tx.as_mut(), actor, id).await?;
        authorize(
            actor,
            &Action::ArchiveCustomer(found.target),
            &found.business.settings,
        )?;
        let now = self.now();
        if let Profile::Customer(c) = &mut found.account.profile
            && c.archived_at.is_none()
        {
            c.archived_at = Some(now);
            tx.accounts().update(&found.account).await?;
            // A13: their sessions end at once, on every process.
            tx.sessions()
                .delete_for_account(found.business.id, id, None)
                .await?;
            let event = self.audit_event(
                found.business.id,
                Some(actor.id),
                Some(id),
                AuditChange::CustomerArchived,
            );
            tx.audit().append(&event).await?;
        }
        tx.commit().await?;
        Ok(found.account)
    }

    /// Restores an archived customer (whoever may archive them): they can
    /// be booked again, and sign in to the portal as before if they had
    /// access (their password is kept; the sessions archiving ended stay
    /// ended). Their bookings are as archiving left them: untouched.
    /// Restoring a customer who is not archived changes nothing.
    pub async fn restore_customer(
        &self,
        actor: &Actor,
        id: AccountId,
    ) -> Result<Account, CustomerError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let mut found = find(tx.as_mut(), actor, id).await?;
        authorize(
            actor,
            &Action::ArchiveCustomer(found.target),
            &found.business.settings,
        )?;
        if crate::erasure::is_erased(&found.account) {
            return Err(CustomerError::Erased);
        }
        if let Profile::Customer(c) = &mut found.account.profile
            && c.archived_at.is_some()
        {
            c.archived_at = None;
            tx.accounts().update(&found.account).await?;
            let event = self.audit_event(
                found.business.id,
                Some(actor.id),
                Some(id),
                AuditChange::CustomerRestored,
            );
            tx.audit().append(&event).await?;
        }
        tx.commit().await?;
        Ok(found.account)
    }

    /// A page of customers (administrators; providers with `customers=list`).
    pub async fn list_customers(
        &self,
        actor: &Actor,
        text: Option<String>,
        cursor: Option<&str>,
        limit: Limit,
    ) -> Result<Page<Account>, CustomerError> {
        let after = cursor
            .map(|c| c.parse::<AccountId>().map_err(|_| PageError::Cursor))
            .transpose()?;
        let mut tx = self.begin(TxMode::Read).await?;
        let business = tx
            .businesses()
            .get(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        authorize(actor, &Action::ListCustomers, &business.settings)?;
        let query = CustomerQuery {
            text: text
                .map(|t| t.trim().to_lowercase())
                .filter(|t| !t.is_empty()),
            after,
            limit: limit.get() + 1,
        };
        let found = tx.accounts().customers(business.id, &query).await?;
        let seen = found
            .into_iter()
            .map(|a| self.as_seen_by(actor, &business, a, None))
            .collect();
        Ok(Page::from_overfetch(seen, limit, |a: &Account| {
            a.id.to_string()
        }))
    }

    fn as_seen_by(
        &self,
        actor: &Actor,
        business: &Business,
        mut account: Account,
        latest_own_booking_end: Option<rota_domain::jiff::Timestamp>,
    ) -> Account {
        if let Profile::Customer(c) = &account.profile {
            let seen = customer_as_seen_by(
                actor,
                &business.settings,
                c,
                latest_own_booking_end,
                self.now(),
            );
            account.profile = Profile::Customer(seen);
        }
        account
    }
}
