//! Availability (W3): when a service can be booked, per provider.

use std::collections::HashMap;

use rota_domain::account::{Account, AccountStatus};
use rota_domain::actor::Actor;
use rota_domain::availability::{SlotRequest, slots};
use rota_domain::business::Business;
use rota_domain::id::{AccountId, ServiceId};
use rota_domain::jiff::{SignedDuration, Timestamp};
use rota_domain::policy::{Action, Denied, EmployeeRef, authorize};
use rota_domain::service::{Buffers, Service};
use rota_domain::time::TimeRange;

use crate::Rota;
use crate::error::{Classify, ErrorKind};
use crate::ports::{StoreError, TxMode};
use crate::schedule::Schedules;

/// The longest window one availability question may cover.
pub const MAX_WINDOW: SignedDuration = SignedDuration::from_hours(24 * 62);

/// What to ask.
#[derive(Clone, Copy, Debug)]
pub struct AvailabilityQuery {
    /// The service (its duration is the slot length).
    pub service: ServiceId,
    /// The window.
    pub range: TimeRange,
    /// One provider, or every provider offering the service.
    pub provider: Option<AccountId>,
    /// Slot step (15 minutes unless given).
    pub step: Option<SignedDuration>,
}

/// One provider's slots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderSlots {
    /// The provider.
    pub provider: AccountId,
    /// Their display name.
    pub name: String,
    /// Bookable slots, in order.
    pub slots: Vec<TimeRange>,
}

/// A time someone offering the service is free, and who would serve then.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnySlot {
    /// The slot.
    pub slot: TimeRange,
    /// The first provider (in the order availability lists them) free then.
    pub provider: AccountId,
    /// Their display name.
    pub name: String,
}

/// "Anyone": each bookable time once, in order, with the first provider
/// free then — what a booking page offers a customer who does not mind who
/// comes (booking it assigns that provider, or whoever is free by then).
#[must_use]
pub fn anyone(found: &[ProviderSlots]) -> Vec<AnySlot> {
    let mut all: Vec<(TimeRange, usize)> = found
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.slots.iter().map(move |s| (*s, i)))
        .collect();
    all.sort_unstable_by_key(|(s, i)| (s.start(), *i));
    all.dedup_by_key(|(s, _)| s.start());
    all.into_iter()
        .map(|(slot, i)| AnySlot {
            slot,
            provider: found[i].provider,
            name: found[i].name.clone(),
        })
        .collect()
}

/// Why availability could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum AvailabilityError {
    /// The policy refused, or no such service or provider.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// The window is longer than 62 days (422).
    #[error("ask about at most 62 days at a time")]
    WindowTooLong,
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

impl Classify for AvailabilityError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Denied(d) => d.kind(),
            Self::WindowTooLong => ErrorKind::Invalid,
            Self::Unexpected(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Denied(d) => d.code(),
            Self::WindowTooLong => "validation",
            Self::Unexpected(e) => e.code(),
        }
    }
}

/// Whether `a` is someone a customer can book `service` with: an active
/// provider who offers it.
fn bookable(a: &Account, service: &Service) -> bool {
    a.status == AccountStatus::Active
        && a.employee().is_some_and(|e| e.roles.is_provider())
        && service.offered_by(a.id)
}

impl Rota {
    /// The slots at which `query.service` can be booked: operating hours ∩
    /// work hours − non-working hours − busy times of linked calendars −
    /// active bookings, no earlier than
    /// now + the business's minimum notice. Administrators see every
    /// provider, a provider only themselves, a customer any provider when
    /// online booking is on.
    pub async fn availability(
        &self,
        actor: &Actor,
        query: AvailabilityQuery,
    ) -> Result<Vec<ProviderSlots>, AvailabilityError> {
        if query.range.duration() > MAX_WINDOW {
            return Err(AvailabilityError::WindowTooLong);
        }
        // Parts read as of their own moments (no snapshot, two round trips
        // fewer): a slot is an offer, and booking it checks again.
        let mut tx = self.begin(TxMode::ReadOnce).await?;
        let business = self
            .business_of(tx.as_mut(), actor)
            .await?
            .ok_or(Denied::NotFound)?;
        let may_see = |id: AccountId, owner: bool| {
            let target = EmployeeRef {
                business: business.id,
                id,
                owner,
            };
            authorize(actor, &Action::ViewAvailability(target), &business.settings)
        };
        if let Some(p) = query.provider
            && may_see(p, false).is_ok()
            && may_see(p, true).is_ok()
        {
            // One provider the actor may see whoever they turn out to be:
            // the check is made, so the service, their account, their
            // working time and what their bookings block come in one read,
            // the bookings as far out as any service's buffers reach.
            let reach = Buffers::MAX_ALL.around(query.range);
            let found = tx
                .calendars()
                .provider_time(business.id, query.service, p, query.range, reach)
                .await?
                .filter(|t| t.service.active)
                .ok_or(Denied::NotFound)?;
            let service = found.service;
            let provider = found
                .account
                .filter(|a| bookable(a, &service))
                .ok_or(Denied::NotFound)?;
            let schedules = Schedules::of(&business, found.working).with_calendar_busy();
            return Ok(self.slots(
                &business,
                &service,
                &[provider],
                &schedules,
                found.booked,
                query,
            ));
        }
        // The service and its possible providers in one read: one named
        // provider's account alone, or the whole team.
        let (service, team) = tx
            .services()
            .with_people(business.id, query.service, query.provider.map(|p| vec![p]))
            .await?
            .filter(|(s, _)| s.active)
            .ok_or(Denied::NotFound)?;
        let mut providers: Vec<_> = team
            .into_iter()
            .filter(|a| bookable(a, &service))
            .filter(|a| query.provider.is_none_or(|p| p == a.id))
            .collect();
        if query.provider.is_some() && providers.is_empty() {
            return Err(Denied::NotFound.into());
        }
        if let Some(p) = providers.first().filter(|_| query.provider.is_some()) {
            may_see(p.id, p.employee().is_some_and(|e| e.roles.is_owner()))?;
        }
        providers
            .retain(|a| may_see(a.id, a.employee().is_some_and(|e| e.roles.is_owner())).is_ok());
        if providers.is_empty() {
            // Nobody visible: still refuse an actor who may see no one at all.
            let any = EmployeeRef {
                business: business.id,
                id: actor.id,
                owner: false,
            };
            authorize(actor, &Action::ViewAvailability(any), &business.settings)?;
            return Ok(Vec::new());
        }
        let ids: Vec<AccountId> = providers.iter().map(|a| a.id).collect();
        // B4 with buffers: a slot is free when it, with the service's
        // buffers around it, overlaps nothing another booking blocks (that
        // booking's buffers included). So each blocked time is widened by
        // the service's buffers, and read as far out as they reach. A
        // team's thousands of booked rows, each read narrow (three
        // columns, not the working-time statement's eleven), cost more
        // than the round trip (SQLite "anyone" for 50 providers' month:
        // p50 53 ms in one statement).
        let reach = service.buffers.around(query.range);
        let schedules = Schedules::load(tx.as_mut(), &business, &ids, query.range)
            .await?
            .with_calendar_busy();
        let booked = tx.bookings().busy(business.id, &ids, reach).await?;
        Ok(self.slots(&business, &service, &providers, &schedules, booked, query))
    }

    /// Each provider's slots (W3), from what was read.
    fn slots(
        &self,
        business: &Business,
        service: &Service,
        providers: &[Account],
        schedules: &Schedules,
        booked: Vec<(AccountId, TimeRange)>,
        query: AvailabilityQuery,
    ) -> Vec<ProviderSlots> {
        let mut busy: HashMap<AccountId, Vec<TimeRange>> = HashMap::new();
        for (p, blocked) in booked {
            busy.entry(p)
                .or_default()
                .push(service.buffers.keep_clear_of(blocked));
        }
        let notice = SignedDuration::from_mins(i64::from(business.settings.min_notice_minutes));
        let request = SlotRequest {
            range: query.range,
            duration: service.duration.duration(),
            step: query.step.unwrap_or(SignedDuration::from_mins(15)),
            not_before: self.now().checked_add(notice).unwrap_or(Timestamp::MAX),
        };
        providers
            .iter()
            .map(|a| {
                let working = schedules.working_time(a.id, query.range);
                let taken = busy.get(&a.id).map_or(&[][..], Vec::as_slice);
                ProviderSlots {
                    provider: a.id,
                    name: a.display_name(),
                    slots: slots(&working, taken, &request, schedules.zone_of(a.id)),
                }
            })
            .collect()
    }
}
