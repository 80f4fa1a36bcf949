//! Calendar feeds (W4): each employee may have a secret feed URL that their
//! calendar app (Google, Apple, Outlook) polls. The URL carries a 256-bit
//! token kept only as its SHA-256; rotating it voids the old URL at once.
//! The feed holds the employee's bookings (cancelled ones marked so, so that
//! calendars drop them) and their time off as busy blocks, with the least
//! customer data needed: the customer's first name and last initial.

use rota_domain::account::{Account, abbreviated_name};
use rota_domain::actor::Actor;
use rota_domain::booking::Booking;
use rota_domain::business::Business;
use rota_domain::id::AccountId;
use rota_domain::jiff::SignedDuration;
use rota_domain::name::PersonName;
use rota_domain::policy::{Action, authorize};
use rota_domain::session::{AccountToken, TokenPurpose};
use rota_domain::time::{TimeRange, normalize};
use secrecy::SecretString;

use crate::Rota;
use crate::calendars::{CalendarError, employee_target};
use crate::error::{Classify, ErrorKind};
use crate::ports::{BookingQuery, StoreError, TxMode, WorkingTime};

/// How far back a feed reaches.
pub const FEED_PAST: SignedDuration = SignedDuration::from_hours(30 * 24);
/// How far ahead a feed reaches.
pub const FEED_AHEAD: SignedDuration = SignedDuration::from_hours(366 * 24);
/// At most this many bookings in a feed.
pub const FEED_MAX_BOOKINGS: u32 = 5000;

/// One booking as the feed shows it.
#[derive(Clone, Debug)]
pub struct FeedBooking {
    /// The booking (its id gives the stable UID, its `sequence` the
    /// SEQUENCE, its status whether it is cancelled).
    pub booking: Booking,
    /// "Deep clean — Ana S.": the service and the least of the customer.
    pub title: String,
}

/// What an employee's feed holds.
#[derive(Clone, Debug)]
pub struct CalendarFeed {
    /// The business.
    pub business: Business,
    /// The employee.
    pub employee: Account,
    /// Their bookings in the window, cancelled ones included.
    pub bookings: Vec<FeedBooking>,
    /// Their time off (and the business's closures) in the window, merged.
    pub busy: Vec<TimeRange>,
}

/// Why a feed could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// No such feed (rotated away, or the employee is no longer active).
    #[error("no such calendar feed")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

impl Classify for FeedError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::NotFound => ErrorKind::NotFound,
            Self::Unexpected(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Unexpected(e) => e.code(),
        }
    }
}

/// "Ana S.": a customer's first name and last initial.
fn least_name(customer: Option<&(PersonName, PersonName)>) -> String {
    customer.map_or_else(
        || "a customer".to_owned(),
        |(first, last)| abbreviated_name(first, last),
    )
}

impl Rota {
    /// Makes a new secret feed URL token for an employee, voiding the old one
    /// (administrators; the employee themselves).
    pub async fn rotate_calendar_feed(
        &self,
        actor: &Actor,
        employee: AccountId,
    ) -> Result<SecretString, CalendarError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let (business, _, target) = employee_target(tx.as_mut(), actor, employee).await?;
        authorize(
            actor,
            &Action::RotateCalendarFeed(target),
            &business.settings,
        )?;
        let secret = self.tokens().issue();
        let token = AccountToken::issue(
            business.id,
            employee,
            TokenPurpose::CalendarFeed,
            self.now(),
        );
        tx.account_tokens()
            .void(business.id, employee, TokenPurpose::CalendarFeed)
            .await?;
        tx.account_tokens()
            .insert(&token, &self.tokens().hash(&secret))
            .await?;
        tx.commit().await?;
        Ok(secret)
    }

    /// The feed behind a token: the employee's bookings and busy time from
    /// 30 days ago to a year ahead.
    pub async fn calendar_feed(&self, token: &SecretString) -> Result<CalendarFeed, FeedError> {
        let now = self.now();
        let mut tx = self.begin(TxMode::Read).await?;
        let found = tx
            .account_tokens()
            .find(&self.tokens().hash(token))
            .await?
            .filter(|t| t.purpose == TokenPurpose::CalendarFeed && t.is_valid(now))
            .ok_or(FeedError::NotFound)?;
        let business = tx
            .businesses()
            .get(found.business_id)
            .await?
            .ok_or(FeedError::NotFound)?;
        let employee = tx
            .accounts()
            .get(found.business_id, found.account_id)
            .await?
            .filter(|a| {
                a.employee().is_some()
                    && a.status != rota_domain::account::AccountStatus::Deactivated
            })
            .ok_or(FeedError::NotFound)?;
        let window = TimeRange::new(
            now.checked_sub(FEED_PAST).unwrap_or(now),
            now.checked_add(FEED_AHEAD).unwrap_or(now),
        )
        .map_err(|_| FeedError::NotFound)?;
        let bookings = tx
            .bookings()
            .list(
                business.id,
                &BookingQuery {
                    within: Some(window),
                    provider: Some(employee.id),
                    customer: None,
                    status: None,
                    series: None,
                    after: None,
                    limit: FEED_MAX_BOOKINGS,
                },
            )
            .await?;
        let services = tx.services().list(business.id).await?;
        let WorkingTime {
            calendars,
            time_off,
            ..
        } = tx
            .calendars()
            .working_time(business.id, &[employee.id], window)
            .await?;
        let tz = calendars
            .first()
            .and_then(|(_, c)| c.zone.as_ref())
            .map_or_else(|| business.time_zone.tz().clone(), |z| z.tz().clone());
        drop(tx);
        let busy = normalize(
            time_off
                .iter()
                .flat_map(|t| t.absence.expand(&tz, window))
                .collect(),
        );
        let bookings = bookings
            .into_iter()
            .map(|named| {
                let service = named
                    .booking
                    .service_id
                    .and_then(|id| services.iter().find(|s| s.id == id))
                    .map_or_else(|| "Booking".to_owned(), |s| s.name.to_string());
                FeedBooking {
                    title: format!("{service} — {}", least_name(named.customer.as_ref())),
                    booking: named.booking,
                }
            })
            .collect();
        Ok(CalendarFeed {
            business,
            employee,
            bookings,
            busy,
        })
    }
}
