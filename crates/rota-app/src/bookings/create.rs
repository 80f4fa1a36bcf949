//! Creating a booking, with B9's idempotency keys.

use rota_domain::account::Account;
use rota_domain::actor::Actor;
use rota_domain::booking::{
    Booking, BookingStatus, ProviderFacts, check_customer, check_providers, check_range,
};
use rota_domain::id::{AccountId, BookingId, ServiceId};
use rota_domain::idempotency::{IdempotencyKey, still_remembered};
use rota_domain::jiff::{SignedDuration, Timestamp};
use rota_domain::money::Money;
use rota_domain::policy::{Action, CustomerRef, Denied, authorize};
use rota_domain::service::Buffers;
use rota_domain::time::TimeRange;

use super::{BookingError, BookingView, NewBooking, views_among};
use crate::Rota;
use crate::availability::{AvailabilityError, AvailabilityQuery};
use crate::ports::{IdempotencyRecord, StoredResponse, TxMode, UnitOfWork};
use crate::schedule::Schedules;
use rota_domain::outbox::OutboxMessage;

/// Renders an outcome as the response to remember; `None` = do not
/// remember it (an unexpected failure, which a retry should retry).
pub(super) type Render =
    dyn Fn(&Result<BookingView, BookingError>) -> Option<StoredResponse> + Send + Sync;

/// B9: an `Idempotency-Key` with what identifies the request.
pub struct IdempotencyRequest<'a> {
    /// The key.
    pub key: IdempotencyKey,
    /// A digest of the request body; the same key with another digest is refused.
    pub fingerprint: String,
    /// How the caller renders the outcome, so a retry can replay it exactly.
    pub render: &'a Render,
}

/// What `create_booking` did.
#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "returned once per request, never stored"
)]
pub enum Created {
    /// Made a new booking.
    New(BookingView),
    /// A retry: here is the first response, as it was.
    Replayed(StoredResponse),
}

impl Rota {
    /// Books a customer (B1–B5, B7, R10), honouring an idempotency key (B9).
    pub async fn create_booking(
        &self,
        actor: &Actor,
        new: NewBooking,
        idempotency: Option<IdempotencyRequest<'_>>,
    ) -> Result<Created, BookingError> {
        // What the rules read is read before the write transaction, which
        // then holds only what must be decided at commit (docs/DECISIONS.md,
        // "Booking in two steps").
        let prepared = match self.as_offered(actor, new).await {
            Ok(new) => self.prepare(actor, new).await,
            Err(e) => Err(e),
        };
        let Some(req) = idempotency else {
            // Nothing to remember: a refusal needs no write, and the booking
            // with its email is one write the store commits as it makes it.
            let prepared = prepared?;
            self.store()
                .place_booking(&prepared.booking, &prepared.messages)
                .await?;
            return Ok(Created::New(prepared.view(actor)));
        };
        let mut tx = self.begin(TxMode::Write).await?;
        if let Some(first) = self.replay(tx.as_mut(), actor, &req).await? {
            return Ok(Created::Replayed(first));
        }
        let outcome = match prepared {
            Ok(prepared) => self.place(tx.as_mut(), actor, prepared).await,
            Err(e) => Err(e),
        };
        let response = (req.render)(&outcome);
        match outcome {
            Ok(view) => {
                if let Some(response) = response {
                    tx.idempotency()
                        .save(&self.record(actor, &req, response))
                        .await?;
                }
                tx.commit().await?;
                Ok(Created::New(view))
            }
            Err(e) => {
                // The booking's transaction is void; remember the refusal in
                // a fresh one, unless a concurrent first request got there.
                drop(tx);
                if let Some(response) = response {
                    let mut tx = self.begin(TxMode::Write).await?;
                    if let Some(first) = self.replay(tx.as_mut(), actor, &req).await? {
                        return Ok(Created::Replayed(first));
                    }
                    tx.idempotency()
                        .save(&self.record(actor, &req, response))
                        .await?;
                    tx.commit().await?;
                }
                Err(e)
            }
        }
    }

    async fn replay(
        &self,
        tx: &mut dyn UnitOfWork,
        actor: &Actor,
        req: &IdempotencyRequest<'_>,
    ) -> Result<Option<StoredResponse>, BookingError> {
        let found = tx
            .idempotency()
            .lock_and_find(actor.business, actor.id, &req.key)
            .await?;
        match found {
            Some(r) if still_remembered(r.created_at, self.now()) => {
                if r.fingerprint == req.fingerprint {
                    Ok(Some(r.response))
                } else {
                    Err(BookingError::IdempotencyKeyReused)
                }
            }
            _ => Ok(None),
        }
    }

    fn record(
        &self,
        actor: &Actor,
        req: &IdempotencyRequest<'_>,
        response: StoredResponse,
    ) -> IdempotencyRecord {
        IdempotencyRecord {
            business: actor.business,
            actor: actor.id,
            key: req.key.clone(),
            fingerprint: req.fingerprint.clone(),
            response,
            created_at: self.now(),
        }
    }

    /// B10: what a customer books is what the business offers. A customer
    /// names a service, a start and one provider or none ("anyone"); the
    /// start must be a slot availability (W3) offers that provider, or some
    /// provider offering the service, who is then assigned. The price and
    /// the end are the service's. Anyone else's request passes unchanged.
    pub(super) async fn as_offered(
        &self,
        actor: &Actor,
        new: NewBooking,
    ) -> Result<NewBooking, BookingError> {
        if actor.roles().is_some() {
            return Ok(new);
        }
        let refused = [
            ("price_minor", new.price.is_some()),
            ("ends_at", new.ends_at.is_some()),
            ("notes", new.notes.is_some()),
            ("provider_ids", new.providers.len() > 1),
        ];
        if new.allow_outside_work_hours {
            // B5: nobody but an administrator overrides work hours.
            return Err(Denied::Forbidden.into());
        }
        if let Some((field, _)) = refused.iter().find(|(_, set)| *set) {
            return Err(BookingError::NotForCustomers(field));
        }
        let service = new.service.ok_or(BookingError::ServiceRequired)?;
        let provider = self
            .offered_provider(
                actor,
                service,
                new.starts_at,
                new.providers.first().copied(),
            )
            .await?;
        Ok(NewBooking {
            providers: vec![provider],
            ..new
        })
    }

    /// W3 as a customer sees it: who offers `service` at `starts_at` —
    /// `provider` if named, else the first provider offering it — or
    /// [`BookingError::SlotNotOffered`].
    pub(super) async fn offered_provider(
        &self,
        actor: &Actor,
        service: ServiceId,
        starts_at: Timestamp,
        provider: Option<AccountId>,
    ) -> Result<AccountId, BookingError> {
        let window = TimeRange::starting_at(starts_at, SignedDuration::from_hours(24))
            .map_err(|_| BookingError::NoEnd)?;
        let offered = self
            .availability(
                actor,
                AvailabilityQuery {
                    service,
                    range: window,
                    provider,
                    step: None,
                },
            )
            .await
            .map_err(|e| match e {
                AvailabilityError::Denied(Denied::NotFound) if provider.is_none() => {
                    BookingError::ServiceNotFound
                }
                AvailabilityError::Denied(d) => BookingError::Denied(d),
                AvailabilityError::WindowTooLong => BookingError::NoEnd,
                AvailabilityError::Unexpected(e) => BookingError::Unexpected(e),
            })?;
        offered
            .iter()
            .find(|p| p.slots.iter().any(|s| s.start() == starts_at))
            .map(|p| p.provider)
            .ok_or(BookingError::SlotNotOffered)
    }

    /// Reads what the rules need and checks all but B4: the business, the
    /// customer and the providers, the service, the providers' working time
    /// (B3, B5).
    pub(super) async fn prepare(
        &self,
        actor: &Actor,
        new: NewBooking,
    ) -> Result<Prepared, BookingError> {
        let mut tx = self.begin(TxMode::ReadOnce).await?;
        let tx = tx.as_mut();
        let business = self.business_of(tx, actor).await?.ok_or(Denied::NotFound)?;
        // Authorized before anything else is read (the invariant of lib.rs).
        let target = CustomerRef {
            business: business.id,
            id: new.customer,
            on_actor_bookings: false,
        };
        authorize(
            actor,
            &Action::CreateBooking { customer: target },
            &business.settings,
        )?;
        if new.allow_outside_work_hours {
            authorize(actor, &Action::OverrideWorkHours, &business.settings)?;
        }
        // The customer, the providers and the service, in one read.
        let mut wanted = new.providers.clone();
        wanted.push(new.customer);
        let (service, mut people) = match new.service {
            Some(id) => {
                let (service, people) = tx
                    .services()
                    .with_people(business.id, id, Some(wanted))
                    .await?
                    .filter(|(s, _)| s.active)
                    .ok_or(BookingError::ServiceNotFound)?;
                (Some(service), people)
            }
            None => (None, tx.accounts().get_many(business.id, &wanted).await?),
        };
        let customer = people.iter().find(|a| a.id == new.customer).cloned();
        people.retain(|a| new.providers.contains(&a.id));
        let ends_at = match (new.ends_at, &service) {
            (Some(end), _) => end,
            (None, Some(s)) => new
                .starts_at
                .checked_add(s.duration.duration())
                .map_err(|_| BookingError::NoEnd)?,
            (None, None) => return Err(BookingError::NoEnd),
        };
        let range = TimeRange::new(new.starts_at, ends_at).map_err(|_| BookingError::NoEnd)?;
        check_range(range)?;
        check_customer(customer.as_ref())?;
        // check_customer has made sure the customer exists.
        let customer = customer.ok_or(Denied::NotFound)?;
        if let Some(s) = &service
            && let Some(p) = new.providers.iter().find(|p| !s.offered_by(**p))
        {
            return Err(BookingError::NotOffered(*p));
        }
        if actor.roles().is_none() {
            let notice = SignedDuration::from_mins(i64::from(business.settings.min_notice_minutes));
            if range.start() < self.now().checked_add(notice).unwrap_or(Timestamp::MAX) {
                return Err(BookingError::TooSoon);
            }
        }
        let schedules = Schedules::load(tx, &business, &new.providers, range)
            .await?
            .with_calendar_busy();
        // B3 and B5 (B4 is the store's, at insert).
        let facts = provider_facts(&new.providers, &people, &schedules, range);
        check_providers(&facts, new.allow_outside_work_hours)?;
        let now = self.now();
        let booking = Booking {
            id: BookingId::from_uuid(self.new_uuid()),
            business_id: business.id,
            customer_id: new.customer,
            service_id: service.as_ref().map(|s| s.id),
            range,
            providers: new.providers,
            status: BookingStatus::Scheduled,
            price: new
                .price
                .or(service.as_ref().map(|s| s.price))
                .unwrap_or(Money::ZERO),
            paid: Money::ZERO,
            tips: Money::ZERO,
            notes: new.notes,
            created_at: now,
            updated_at: now,
            sequence: 0,
            buffers: service.as_ref().map(|s| s.buffers).unwrap_or_default(),
            series: None,
        };
        let service = service.map(|s| s.name.to_string());
        people.push(customer);
        let mut messages =
            self.new_booking_emails(&business, &booking, &people, &schedules, service.as_deref())?;
        messages.extend(self.calendar_writes(tx, &booking).await?);
        Ok(Prepared {
            business,
            booking,
            messages,
            people,
        })
    }

    /// Inserts the prepared booking and its email, in `tx`. B4 is the
    /// store's to hold (every store refuses an overlapping insert with
    /// `Conflict::BookingOverlap`, which is `double_booking`, and serializes
    /// concurrent inserts itself), so nothing is read here and no lock is
    /// taken first: the providers are held only while the store writes and
    /// commits.
    pub(super) async fn place(
        &self,
        tx: &mut dyn UnitOfWork,
        actor: &Actor,
        prepared: Prepared,
    ) -> Result<BookingView, BookingError> {
        // The emails first: a store may write them with the booking.
        for m in &prepared.messages {
            tx.outbox().enqueue(m).await?;
        }
        tx.bookings().insert(&prepared.booking).await?;
        Ok(prepared.view(actor))
    }

    /// B3–B5 for `providers` over `range`: locks their calendars, loads their
    /// hours and bookings (ignoring `except`, the booking being changed).
    /// `blocked` is the booking's range with its buffers around it (B4
    /// compares what bookings block; B5 only the range itself).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn check_assignment(
        &self,
        tx: &mut dyn UnitOfWork,
        business: &rota_domain::business::Business,
        providers: &[AccountId],
        range: TimeRange,
        blocked: TimeRange,
        except: Option<BookingId>,
        override_hours: bool,
    ) -> Result<(), BookingError> {
        if providers.is_empty() {
            return Ok(());
        }
        tx.bookings().lock_providers(business.id, providers).await?;
        let accounts = tx.accounts().get_many(business.id, providers).await?;
        let schedules = Schedules::load(tx, business, providers, range)
            .await?
            .with_calendar_busy();
        // Every booking whose own buffers could reach `blocked`.
        let reach = Buffers::MAX_ALL.around(blocked);
        let others: Vec<_> = tx
            .bookings()
            .overlapping(business.id, providers, reach)
            .await?
            .into_iter()
            .filter(|b| Some(b.id) != except && b.blocked().overlaps(&blocked))
            .collect();
        let facts: Vec<ProviderFacts<'_>> = providers
            .iter()
            .map(|id| ProviderFacts {
                id: *id,
                account: accounts.iter().find(|a| a.id == *id),
                within_working_time: schedules.within(*id, range),
                has_overlap: others.iter().any(|b| b.providers.contains(id)),
            })
            .collect();
        check_providers(&facts, override_hours)?;
        Ok(())
    }
}

/// What B3 and B5 need to know of each provider, B4 left to the store.
fn provider_facts<'a>(
    providers: &[AccountId],
    accounts: &'a [Account],
    schedules: &Schedules,
    range: TimeRange,
) -> Vec<ProviderFacts<'a>> {
    providers
        .iter()
        .map(|id| ProviderFacts {
            id: *id,
            account: accounts.iter().find(|a| a.id == *id),
            within_working_time: schedules.within(*id, range),
            has_overlap: false,
        })
        .collect()
}

/// What [`Rota::prepare`] read and decided, for [`Rota::place`].
pub(super) struct Prepared {
    business: rota_domain::business::Business,
    /// The booking to insert.
    pub(super) booking: Booking,
    /// The emails it sends: the customer's confirmation (if they have a
    /// profile) and reminders, its providers' notices, as the business
    /// wants them.
    pub(super) messages: Vec<OutboxMessage>,
    /// The customer and the providers' accounts (those that exist).
    people: Vec<Account>,
}

impl Prepared {
    /// The new booking as `actor` sees it.
    pub(super) fn view(self, actor: &Actor) -> BookingView {
        let now = self.booking.created_at;
        let mut seen = views_among(actor, &self.business, vec![self.booking], &self.people, now);
        seen.remove(0)
    }
}
