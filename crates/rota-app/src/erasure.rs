//! Erasing a customer: their personal data replaced, irreversibly, while
//! their bookings and amounts stay for reports.

use rota_domain::account::{Account, AccountStatus, CustomerDetails, Profile};
use rota_domain::actor::Actor;
use rota_domain::audit::AuditChange;
use rota_domain::booking::BookingStatus;
use rota_domain::email::EmailAddress;
use rota_domain::id::AccountId;
use rota_domain::jiff::Timestamp;
use rota_domain::name::PersonName;
use rota_domain::policy::{Action, CustomerRef, Denied, authorize};
use rota_domain::time::TimeRange;

use crate::Rota;
use crate::error::{Classify, ErrorKind};
use crate::ports::{BookingQuery, StoreError, TxMode, UnitOfWork};

/// The domain every erased customer's address is at (RFC 2606 reserves
/// `.invalid`: no mail goes there).
pub const ERASED_DOMAIN: &str = "erased.invalid";

/// Why a customer could not be erased.
#[derive(Debug, thiserror::Error)]
pub enum EraseError {
    /// The policy refused (administrators only), or no such customer.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// They have bookings still to come (409 `customer_has_upcoming_bookings`):
    /// cancel or complete them first.
    #[error("the customer has upcoming bookings; cancel or complete them first")]
    UpcomingBookings,
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

impl Classify for EraseError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Denied(d) => d.kind(),
            Self::UpcomingBookings => ErrorKind::Conflict,
            Self::Unexpected(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Denied(d) => d.code(),
            Self::UpcomingBookings => "customer_has_upcoming_bookings",
            Self::Unexpected(e) => e.code(),
        }
    }
}

/// Whether `account` is an erased customer.
#[must_use]
pub fn is_erased(account: &Account) -> bool {
    account.customer().is_some()
        && account
            .email
            .as_str()
            .ends_with(&format!("@{ERASED_DOMAIN}"))
}

/// Whether the customer has a booking still to come or under way.
async fn has_upcoming(
    tx: &mut dyn UnitOfWork,
    found: &Account,
    now: Timestamp,
) -> Result<bool, EraseError> {
    let end: Timestamp = "2200-01-01T00:00:00Z".parse().map_err(StoreError::other)?;
    let ahead = TimeRange::new(now, end).map_err(StoreError::other)?;
    for status in [BookingStatus::Scheduled, BookingStatus::InProgress] {
        let query = BookingQuery {
            within: Some(ahead),
            customer: Some(found.id),
            status: Some(status),
            limit: 1,
            ..BookingQuery::default()
        };
        if !tx
            .bookings()
            .list(found.business_id, &query)
            .await?
            .is_empty()
        {
            return Ok(true);
        }
    }
    Ok(false)
}

impl Rota {
    /// Erases a customer (whoever may archive them: administrators): their
    /// name, address, phone, email and notes are replaced for good, they
    /// are archived and lose portal access, and the store's other traces
    /// of them go (booking notes, sessions, tokens, emails to them,
    /// idempotency replays, addresses in the audit log). Their bookings,
    /// payments and the report totals stay. Refused while they have
    /// bookings to come. Erasing an erased customer changes nothing.
    pub async fn erase_customer(
        &self,
        actor: &Actor,
        id: AccountId,
    ) -> Result<Account, EraseError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let business = tx
            .businesses()
            .get(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        let target = CustomerRef {
            business: business.id,
            id,
            on_actor_bookings: false,
        };
        authorize(actor, &Action::ArchiveCustomer(target), &business.settings)?;
        let mut account = tx
            .accounts()
            .get(business.id, id)
            .await?
            .filter(|a| a.customer().is_some())
            .ok_or(Denied::NotFound)?;
        if is_erased(&account) {
            return Ok(account);
        }
        let now = self.now();
        if has_upcoming(tx.as_mut(), &account, now).await? {
            return Err(EraseError::UpcomingBookings);
        }
        let was = account.email.clone();
        let blank = |s: &str| PersonName::parse(s).map_err(StoreError::other);
        let archived_at = account
            .customer()
            .and_then(|c| c.archived_at)
            .unwrap_or(now);
        account.profile = Profile::Customer(rota_domain::account::CustomerProfile {
            first_name: blank("Erased")?,
            last_name: blank("customer")?,
            details: CustomerDetails::default(),
            archived_at: Some(archived_at),
        });
        account.email = EmailAddress::parse(&format!("{}@{ERASED_DOMAIN}", id.as_uuid().simple()))
            .map_err(StoreError::other)?;
        account.status = AccountStatus::Deactivated;
        account.activated_at = None;
        tx.accounts().update(&account).await?;
        // Their old password no longer opens anything.
        tx.accounts()
            .set_password_hash(business.id, id, &self.hasher().dummy_hash())
            .await?;
        let mut addresses = tx.erasure().known_addresses(business.id, id).await?;
        addresses.push(was.as_str().to_owned());
        let keys: Vec<String> = addresses
            .iter()
            .flat_map(|a| crate::auth::throttle_keys_of(business.slug.as_str(), a))
            .collect();
        tx.erasure()
            .erase_traces(business.id, id, &addresses, &keys)
            .await?;
        let event = self.audit_event(
            business.id,
            Some(actor.id),
            Some(id),
            AuditChange::CustomerErased,
        );
        tx.audit().append(&event).await?;
        tx.commit().await?;
        Ok(account)
    }
}
