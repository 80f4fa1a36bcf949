//! Bookings: create (with idempotency keys), reschedule and reassign, move
//! through the status machine, take payments, read as each actor may.

mod change;
mod create;
mod notify;
mod payment_request;
mod read;
mod series;

use std::collections::HashMap;

use rota_domain::account::{Account, Text};
use rota_domain::actor::Actor;
use rota_domain::booking::{
    Booking, CustomerCancelError, InvalidTransition, Overpayment, PaymentMethod, PaymentRefused,
    ScheduleError,
};
use rota_domain::business::Business;
use rota_domain::id::{AccountId, ServiceId};
use rota_domain::jiff::Timestamp;
use rota_domain::money::Money;
use rota_domain::policy::Denied;
use rota_domain::privacy::{BookingShown, booking_shown_to, customer_as_seen_by};

pub use change::BookingChanges;
pub use create::{Created, IdempotencyRequest};
pub use notify::reminder_topic;
pub use read::BookingFilter;
pub use series::{NewSeries, SeriesChanges, SeriesConflict, SeriesError, SeriesScope};

use crate::error::{Classify, ErrorKind};
use crate::page::PageError;
use crate::ports::{Conflict, StoreError, UnitOfWork};

/// A booking request.
#[derive(Clone, Debug)]
pub struct NewBooking {
    /// The customer (B1).
    pub customer: AccountId,
    /// The service, if any (its duration and price are the defaults).
    pub service: Option<ServiceId>,
    /// When it starts.
    pub starts_at: Timestamp,
    /// When it ends; the service's duration if not given (B2).
    pub ends_at: Option<Timestamp>,
    /// Assigned providers (B3); empty = unassigned.
    pub providers: Vec<AccountId>,
    /// The price; the service's if not given, else 0.
    pub price: Option<Money>,
    /// Notes for the team.
    pub notes: Option<Text>,
    /// B5: an administrator's explicit override of work hours.
    pub allow_outside_work_hours: bool,
}

/// A payment and/or tip to record (B8).
#[derive(Clone, Copy, Debug)]
pub struct NewPayment {
    /// Towards the price.
    pub amount: Money,
    /// On top.
    pub tip: Money,
    /// How it was paid.
    pub method: PaymentMethod,
}

/// A booking as an actor sees it: with the customer's name (abbreviated
/// for providers when the business says so, R8) and the providers' display
/// names (R10).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookingView {
    /// The booking.
    pub booking: Booking,
    /// The customer's name as the actor may see it.
    pub customer_name: String,
    /// Assigned providers with their display names.
    pub providers: Vec<(AccountId, String)>,
    /// What of the booking the actor may be shown (R8, R10): the booking's
    /// notes are already blanked when they may not; amounts paid and tips
    /// are for the caller to leave out as this says.
    pub shown: BookingShown,
}

impl BookingView {
    /// `booking` as `actor` may see it.
    pub(crate) fn new(
        actor: &Actor,
        business: &Business,
        mut booking: Booking,
        customer_name: String,
        providers: Vec<(AccountId, String)>,
    ) -> Self {
        let shown = booking_shown_to(actor, &business.settings);
        if !shown.notes {
            booking.notes = None;
        }
        Self {
            booking,
            customer_name,
            providers,
            shown,
        }
    }
}

/// Why a booking use case failed.
#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    /// The policy refused, or no such booking.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// B1–B5, B7.
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    /// The service does not exist or is inactive (422).
    #[error("no such service")]
    ServiceNotFound,
    /// The service is not offered by this provider (422).
    #[error("{0} does not offer this service")]
    NotOffered(AccountId),
    /// Neither an end nor a service was given, or the end is not after the start (422).
    #[error("give ends_at after starts_at, or a service")]
    NoEnd,
    /// B10: a customer set what only the team may (`price_minor`,
    /// `ends_at`, `notes`, more than one provider, a work-hours override;
    /// 422 `validation`).
    #[error("{0} is the business's to set: a customer books a service's slot as offered")]
    NotForCustomers(&'static str),
    /// B10: a customer must name a service (422 `validation`).
    #[error("choose a service to book")]
    ServiceRequired,
    /// B10: availability does not offer this slot (409 `not_available`).
    #[error("that time is not offered for this service; pick one of the offered slots")]
    SlotNotOffered,
    /// A customer booking sooner than the business's minimum notice or in
    /// the past (409 `not_available`).
    #[error("that time can no longer be booked online")]
    TooSoon,
    /// B6 (409 `invalid_transition`).
    #[error(transparent)]
    Transition(#[from] InvalidTransition),
    /// R10: a customer changing or cancelling later than the notice (409
    /// `cancellation_window_passed`).
    #[error(
        "bookings can be changed or cancelled up to {notice_minutes} minutes before they start"
    )]
    CancellationWindowPassed {
        /// The business's notice.
        notice_minutes: u32,
    },
    /// B8 (409 `overpayment`).
    #[error(transparent)]
    Overpayment(#[from] Overpayment),
    /// B8: the booking's tips would overflow the largest total (422).
    #[error("the tips on this booking would exceed the largest amount Rota keeps")]
    TipsTooLarge,
    /// Nothing is owed on the booking: no payment to ask for (409
    /// `nothing_due`).
    #[error("nothing is owed on this booking")]
    NothingDue,
    /// The amount asked for is zero or above the balance (422).
    #[error("ask for between 0.01 and the balance ({} in minor units)", balance.minor())]
    RequestAboveBalance {
        /// What is owed.
        balance: Money,
    },
    /// B9: the key was used with another request (422 `idempotency_key_reused`).
    #[error("this Idempotency-Key was used with a different request")]
    IdempotencyKeyReused,
    /// A bad cursor or filter (422).
    #[error(transparent)]
    Page(#[from] PageError),
    /// Storage failed.
    #[error(transparent)]
    Unexpected(StoreError),
}

impl From<StoreError> for BookingError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(Conflict::BookingOverlap(p)) => {
                Self::Schedule(ScheduleError::DoubleBooking(p))
            }
            other => Self::Unexpected(other),
        }
    }
}

impl From<PaymentRefused> for BookingError {
    fn from(e: PaymentRefused) -> Self {
        match e {
            PaymentRefused::Overpayment(o) => Self::Overpayment(o),
            PaymentRefused::TipsTooLarge => Self::TipsTooLarge,
        }
    }
}

impl From<CustomerCancelError> for BookingError {
    fn from(e: CustomerCancelError) -> Self {
        match e {
            CustomerCancelError::Transition(t) => Self::Transition(t),
            CustomerCancelError::WindowPassed { notice_minutes } => {
                Self::CancellationWindowPassed { notice_minutes }
            }
        }
    }
}

impl Classify for BookingError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Denied(d) => d.kind(),
            Self::Schedule(s) if s.field().is_some() => ErrorKind::Invalid,
            Self::ServiceNotFound
            | Self::NotOffered(_)
            | Self::NotForCustomers(_)
            | Self::ServiceRequired
            | Self::NoEnd
            | Self::IdempotencyKeyReused
            | Self::TipsTooLarge
            | Self::RequestAboveBalance { .. }
            | Self::Page(_) => ErrorKind::Invalid,
            Self::Schedule(_)
            | Self::NothingDue
            | Self::TooSoon
            | Self::SlotNotOffered
            | Self::Transition(_)
            | Self::CancellationWindowPassed { .. }
            | Self::Overpayment(_) => ErrorKind::Conflict,
            Self::Unexpected(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Denied(d) => d.code(),
            Self::Schedule(s) => s.code(),
            Self::ServiceNotFound
            | Self::NotOffered(_)
            | Self::NotForCustomers(_)
            | Self::ServiceRequired
            | Self::NoEnd
            | Self::TipsTooLarge
            | Self::RequestAboveBalance { .. }
            | Self::Page(_) => "validation",
            Self::NothingDue => "nothing_due",
            Self::TooSoon | Self::SlotNotOffered => "not_available",
            Self::Transition(_) => "invalid_transition",
            Self::CancellationWindowPassed { .. } => "cancellation_window_passed",
            Self::Overpayment(_) => "overpayment",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::Unexpected(e) => e.code(),
        }
    }
}

/// Builds views of `bookings` for `actor`, looking names up once.
pub(crate) async fn views(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    business: &Business,
    bookings: Vec<Booking>,
    now: Timestamp,
) -> Result<Vec<BookingView>, StoreError> {
    let mut ids: Vec<AccountId> = bookings
        .iter()
        .flat_map(|b| b.providers.iter().copied().chain([b.customer_id]))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let people = tx.accounts().get_many(business.id, &ids).await?;
    Ok(views_among(actor, business, bookings, &people, now))
}

/// Views of `bookings` for `actor`, with names from `people` (accounts not
/// among them get an empty name).
pub(crate) fn views_among(
    actor: &Actor,
    business: &Business,
    bookings: Vec<Booking>,
    people: &[Account],
    now: Timestamp,
) -> Vec<BookingView> {
    let people: HashMap<AccountId, &Account> = people.iter().map(|a| (a.id, a)).collect();
    bookings
        .into_iter()
        .map(|booking| {
            let customer_name = people
                .get(&booking.customer_id)
                .and_then(|a| a.customer())
                .map(|c| customer_as_seen_by(actor, &business.settings, c, None, now).full_name())
                .unwrap_or_default();
            let providers = booking
                .providers
                .iter()
                .map(|p| {
                    (
                        *p,
                        people.get(p).map(|a| a.display_name()).unwrap_or_default(),
                    )
                })
                .collect();
            BookingView::new(actor, business, booking, customer_name, providers)
        })
        .collect()
}

impl crate::Rota {
    /// Queues the customer's email about a booking (A8): times in the
    /// business's zone, the customer's full name, the service and who serves.
    pub(crate) async fn notify_customer(
        &self,
        tx: &mut dyn UnitOfWork,
        business: &Business,
        booking: &rota_domain::booking::Booking,
        change: rota_domain::notice::BookingChange,
    ) -> Result<(), StoreError> {
        self.notify_customer_of_series(tx, business, booking, change, 0)
            .await
    }

    /// [`Self::notify_customer`] for a change to `booking` and the
    /// `repeats` later occurrences of its series: one email for them all.
    pub(crate) async fn notify_customer_of_series(
        &self,
        tx: &mut dyn UnitOfWork,
        business: &Business,
        booking: &rota_domain::booking::Booking,
        change: rota_domain::notice::BookingChange,
        repeats: u32,
    ) -> Result<(), StoreError> {
        let Some(customer) = tx.accounts().get(business.id, booking.customer_id).await? else {
            return Ok(());
        };
        let providers = tx
            .accounts()
            .get_many(business.id, &booking.providers)
            .await?;
        let service = service_name(tx, business, booking).await?;
        if let Some(mut notice) =
            booking_notice(business, booking, change, &customer, &providers, service)
        {
            if let rota_domain::notice::Notice::Booking { repeats: r, .. } = &mut notice {
                *r = repeats;
            }
            self.queue_notice(tx, business.id, &customer.email, &notice)
                .await?;
        }
        Ok(())
    }
}

/// The name of `booking`'s service, if it was booked as one that still
/// exists (what its emails call it).
pub(crate) async fn service_name(
    tx: &mut dyn UnitOfWork,
    business: &Business,
    booking: &rota_domain::booking::Booking,
) -> Result<Option<String>, StoreError> {
    Ok(match booking.service_id {
        Some(id) => tx
            .services()
            .get(business.id, id)
            .await?
            .map(|s| s.name.to_string()),
        None => None,
    })
}

/// The email telling `customer` of a change to `booking`, with the
/// providers' accounts and the service's name already read; none for an
/// account that is not a customer.
pub(crate) fn booking_notice(
    business: &Business,
    booking: &rota_domain::booking::Booking,
    change: rota_domain::notice::BookingChange,
    customer: &Account,
    providers: &[Account],
    service: Option<String>,
) -> Option<rota_domain::notice::Notice> {
    let profile = customer.customer()?;
    let providers = booking
        .providers
        .iter()
        .filter_map(|id| providers.iter().find(|a| a.id == *id))
        .map(Account::display_name)
        .collect();
    Some(rota_domain::notice::Notice::Booking {
        change,
        business: business.name.to_string(),
        customer: profile.full_name(),
        service: service.unwrap_or_else(|| "Appointment".to_owned()),
        providers,
        starts_at: booking.range.start(),
        ends_at: booking.range.end(),
        zone: business.time_zone.clone(),
        booking: Some(booking.id),
        sequence: booking.sequence,
        repeats: 0,
    })
}
