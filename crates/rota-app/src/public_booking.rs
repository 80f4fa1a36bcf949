//! U5: a visitor books on a business's public booking page — a service, a
//! time availability offers, a name and an email — without an account.
//! The booking is made at once for the business's customer with that
//! email, or a new one; an email confirms it and carries a link to set a
//! portal password. The answer is the same whether the email was known, and
//! an address that belongs to the team gets no booking and an email saying
//! so. Counted per client address and per email before anything is looked
//! up (A11), so a script fills neither a calendar nor an inbox.

use rota_domain::account::{Account, AccountStatus, CustomerDetails, CustomerProfile, Profile};
use rota_domain::actor::{Actor, ActorKind};
use rota_domain::audit::AuditChange;
use rota_domain::business::Business;
use rota_domain::email::{self, EmailAddress};
use rota_domain::id::{AccountId, ServiceId};
use rota_domain::jiff::Timestamp;
use rota_domain::name::{PersonName, Slug};
use rota_domain::notice::Notice;
use rota_domain::service::Service;
use rota_domain::throttle::{PUBLIC_BOOKINGS_PER_CLIENT, PUBLIC_BOOKINGS_PER_EMAIL};

use crate::Rota;
use crate::availability::{AvailabilityError, AvailabilityQuery, ProviderSlots};
use crate::bookings::{BookingError, Created, NewBooking};
use crate::error::{Classify, ErrorKind};
use crate::passwords::EmailedLink;
use crate::ports::{StoreError, TxMode};

/// What a visitor asks for, as typed.
#[derive(Clone, Debug)]
pub struct PublicBooking {
    /// The business's slug (`/b/{slug}`).
    pub business: String,
    /// The service.
    pub service: ServiceId,
    /// A provider, or `None` for anyone.
    pub provider: Option<AccountId>,
    /// A start availability offers.
    pub starts_at: Timestamp,
    /// The visitor's first name.
    pub first_name: String,
    /// Their last name.
    pub last_name: String,
    /// Their email.
    pub email: String,
    /// Their address, as the server sees it (throttling).
    pub client: Option<String>,
}

/// Why a public booking was refused.
#[derive(Debug, thiserror::Error)]
pub enum PublicBookingError {
    /// No such business, or online booking is off (404).
    #[error("there is no booking page here")]
    NotFound,
    /// Too many bookings from this address or for this email (429).
    #[error("too many bookings from here just now; please try again in an hour")]
    Throttled,
    /// A field as typed is not usable (422).
    #[error("{field}: {message}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// Why.
        message: String,
    },
    /// The time is not offered (any more), or the service is gone.
    #[error(transparent)]
    Booking(BookingError),
    /// The store failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

impl Classify for PublicBookingError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::NotFound => ErrorKind::NotFound,
            Self::Throttled => ErrorKind::TooManyRequests,
            Self::Invalid { .. } => ErrorKind::Invalid,
            Self::Booking(e) => e.kind(),
            Self::Unexpected(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Throttled => "too_many_attempts",
            Self::Invalid { .. } => "validation",
            Self::Booking(e) => e.code(),
            Self::Unexpected(e) => e.code(),
        }
    }
}

fn invalid<E: std::fmt::Display>(field: &'static str) -> impl FnOnce(E) -> PublicBookingError {
    move |e| PublicBookingError::Invalid {
        field,
        message: e.to_string(),
    }
}

/// What the public booking page shows: the business and what can be booked.
#[derive(Clone, Debug)]
pub struct PublicPage {
    /// The business.
    pub business: Business,
    /// Its active services.
    pub services: Vec<Service>,
}

/// A visitor, as the rules see one: a customer of the business who is no
/// one yet, so sees what any customer sees and nothing of anyone's.
fn visitor(business: &Business) -> Actor {
    Actor {
        id: AccountId::from_uuid(rota_domain::uuid::Uuid::nil()),
        business: business.id,
        status: AccountStatus::Active,
        kind: ActorKind::Customer,
        business_revision: None,
    }
}

impl Rota {
    /// The public booking page of `slug` (U5), while online booking is on.
    pub async fn public_page(&self, slug: &str) -> Result<PublicPage, PublicBookingError> {
        let slug = Slug::parse(slug).map_err(|_| PublicBookingError::NotFound)?;
        let mut tx = self.begin(TxMode::Read).await?;
        let business = tx
            .businesses()
            .by_slug(&slug)
            .await?
            .filter(|b| b.settings.online_booking)
            .ok_or(PublicBookingError::NotFound)?;
        let mut services = tx.services().list(business.id).await?;
        services.retain(|s| s.active);
        Ok(PublicPage { business, services })
    }

    /// The free times the public page of `slug` offers (W3, as a customer
    /// sees them).
    pub async fn public_availability(
        &self,
        slug: &str,
        query: AvailabilityQuery,
    ) -> Result<Vec<ProviderSlots>, PublicBookingError> {
        let page = self.public_page(slug).await?;
        self.availability(&visitor(&page.business), query)
            .await
            .map_err(|e| match e {
                AvailabilityError::Denied(_) => PublicBookingError::NotFound,
                AvailabilityError::WindowTooLong => PublicBookingError::Invalid {
                    field: "day",
                    message: "choose one day".to_owned(),
                },
                AvailabilityError::Unexpected(e) => PublicBookingError::Unexpected(e),
            })
    }
}

impl Rota {
    /// Books `request` for the visitor (U5), as the module says. `Ok` says
    /// only that the request was heard: a booking was made and emailed, or
    /// the address belongs to the team and its holder was told.
    pub async fn book_publicly(&self, request: PublicBooking) -> Result<(), PublicBookingError> {
        let first_name = PersonName::parse(&request.first_name).map_err(invalid("first_name"))?;
        let last_name = PersonName::parse(&request.last_name).map_err(invalid("last_name"))?;
        let address = EmailAddress::parse(&request.email).map_err(invalid("email"))?;
        let slug = Slug::parse(&request.business).map_err(|_| PublicBookingError::NotFound)?;
        let mut keys = vec![(
            format!(
                "public-booking:{}:{}",
                slug,
                email::normalize(&request.email)
            ),
            &PUBLIC_BOOKINGS_PER_EMAIL,
        )];
        if let Some(client) = &request.client {
            keys.push((
                format!("public-booking-client:{client}"),
                &PUBLIC_BOOKINGS_PER_CLIENT,
            ));
        }
        let counted = self.count_attempt(&keys).await?;
        if counted.blocked_until.is_some()
            || counted.after.iter().any(|a| a.blocked_until.is_some())
        {
            return Err(PublicBookingError::Throttled);
        }
        let mut tx = self.begin(TxMode::Write).await?;
        let business = tx
            .businesses()
            .by_slug(&slug)
            .await?
            .filter(|b| b.settings.online_booking)
            .ok_or(PublicBookingError::NotFound)?;
        let found = tx
            .accounts()
            .by_email(business.id, &email::normalize(&request.email))
            .await?;
        let customer = match found {
            Some(account) if account.employee().is_some() => {
                let notice = Notice::BookedWithTeamAddress {
                    business: business.name.to_string(),
                };
                self.queue_notice(tx.as_mut(), business.id, &account.email, &notice)
                    .await
                    .map_err(StoreError::from)?;
                tx.commit().await?;
                return Ok(());
            }
            Some(account) => account,
            None => {
                let account = Account {
                    id: self.new_account_id(),
                    business_id: business.id,
                    email: address,
                    status: AccountStatus::Active,
                    profile: Profile::Customer(CustomerProfile {
                        first_name,
                        last_name,
                        details: CustomerDetails::default(),
                        archived_at: None,
                    }),
                    created_at: self.now(),
                    activated_at: None,
                };
                tx.accounts().insert(&account).await?;
                let event = self.audit_event(
                    business.id,
                    None,
                    Some(account.id),
                    AuditChange::CustomerCreated,
                );
                tx.audit().append(&event).await?;
                account
            }
        };
        tx.commit().await?;
        // Booked as the customer themselves would book (B10, W3).
        let new = NewBooking {
            customer: customer.id,
            service: Some(request.service),
            starts_at: request.starts_at,
            ends_at: None,
            providers: request.provider.into_iter().collect(),
            price: None,
            notes: None,
            allow_outside_work_hours: false,
        };
        match self.create_booking(&Actor::of(&customer), new, None).await {
            Ok(Created::New(_) | Created::Replayed(_)) => {}
            // An archived customer, or a deactivated account: the page says
            // what it says to anyone, and nobody is booked.
            Err(e) if e.kind() == ErrorKind::Forbidden => return Ok(()),
            Err(e) => return Err(PublicBookingError::Booking(e)),
        }
        // Booked: a link to set a portal password, for someone without one.
        if customer.activated_at.is_none() {
            let mut tx = self.begin(TxMode::Write).await?;
            self.send_link(tx.as_mut(), &business, &customer, EmailedLink::Invitation)
                .await?;
            tx.commit().await?;
        }
        Ok(())
    }
}
