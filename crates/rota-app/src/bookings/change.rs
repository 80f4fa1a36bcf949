//! Changing a booking: reschedule, reassign, move through B6, take payments.

use rota_domain::account::Text;
use rota_domain::actor::Actor;
use rota_domain::booking::{Booking, BookingStatus, Payment, check_range};
use rota_domain::business::Business;
use rota_domain::id::{AccountId, BookingId, PaymentId};
use rota_domain::jiff::Timestamp;
use rota_domain::policy::{Action, BookingRef, Denied, authorize};
use rota_domain::time::TimeRange;

use super::{BookingError, BookingView, NewPayment, views};
use crate::Rota;
use crate::ports::{TxMode, UnitOfWork};
use rota_domain::notice::BookingChange;

/// Changes to a booking; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct BookingChanges {
    /// A new start (the length is kept unless `ends_at` is given too).
    pub starts_at: Option<Timestamp>,
    /// A new end.
    pub ends_at: Option<Timestamp>,
    /// New providers (B3); `Some(vec![])` unassigns.
    pub providers: Option<Vec<AccountId>>,
    /// New notes (`Some(None)` clears them).
    pub notes: Option<Option<Text>>,
    /// B5's administrator override for the new time.
    pub allow_outside_work_hours: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Move {
    Start,
    Complete,
    Cancel,
    NoShow,
}

pub(super) async fn load(
    tx: &mut dyn UnitOfWork,
    actor: &Actor,
    id: BookingId,
) -> Result<(Business, Booking), BookingError> {
    let business = tx
        .businesses()
        .get(actor.business)
        .await?
        .ok_or(Denied::NotFound)?;
    let booking = tx
        .bookings()
        .get(business.id, id)
        .await?
        .ok_or(Denied::NotFound)?;
    Ok((business, booking))
}

pub(super) fn as_ref(b: &Booking) -> BookingRef<'_> {
    BookingRef {
        business: b.business_id,
        customer: b.customer_id,
        providers: &b.providers,
    }
}

impl Rota {
    /// Reschedules and/or reassigns a `scheduled` booking (administrators),
    /// re-checking B3–B5 for the new time and providers. A customer may move
    /// their own booking, within the notice (R10), to a time online booking
    /// offers for its service (U4, B10): they name the start and at most one
    /// provider, nothing else.
    pub async fn update_booking(
        &self,
        actor: &Actor,
        id: BookingId,
        changes: BookingChanges,
    ) -> Result<BookingView, BookingError> {
        let changes = self.as_offered_move(actor, id, changes).await?;
        let mut tx = self.begin(TxMode::Write).await?;
        let (business, mut booking) = load(tx.as_mut(), actor, id).await?;
        authorize(
            actor,
            &Action::EditBooking(as_ref(&booking)),
            &business.settings,
        )?;
        if actor.roles().is_none() {
            // Checked again under the write: the deadline may pass meanwhile.
            booking
                .check_customer_notice(business.settings.cancellation_notice_minutes, self.now())?;
        }
        if changes.allow_outside_work_hours {
            authorize(actor, &Action::OverrideWorkHours, &business.settings)?;
        }
        let start = changes.starts_at.unwrap_or(booking.range.start());
        let end = match (changes.ends_at, changes.starts_at) {
            (Some(end), _) => end,
            (None, Some(start)) => start
                .checked_add(booking.range.duration())
                .map_err(|_| BookingError::NoEnd)?,
            (None, None) => booking.range.end(),
        };
        let range = TimeRange::new(start, end).map_err(|_| BookingError::NoEnd)?;
        check_range(range)?;
        let providers = changes
            .providers
            .unwrap_or_else(|| booking.providers.clone());
        if range != booking.range || providers != booking.providers {
            if booking.status != BookingStatus::Scheduled {
                return Err(rota_domain::booking::InvalidTransition {
                    from: booking.status,
                    to: BookingStatus::Scheduled,
                }
                .into());
            }
            let mut locked: Vec<AccountId> = providers
                .iter()
                .chain(&booking.providers)
                .copied()
                .collect();
            locked.sort_unstable();
            locked.dedup();
            tx.bookings().lock_providers(business.id, &locked).await?;
            self.check_assignment(
                tx.as_mut(),
                &business,
                &providers,
                range,
                booking.buffers.around(range),
                Some(booking.id),
                changes.allow_outside_work_hours,
            )
            .await?;
        }
        let notes = changes.notes.unwrap_or_else(|| booking.notes.clone());
        let moved = range != booking.range || providers != booking.providers;
        let before = (booking.providers.clone(), booking.range);
        booking.amend(range, providers, notes, self.now())?;
        tx.bookings().update(&booking).await?;
        if moved {
            self.notify_customer(tx.as_mut(), &business, &booking, BookingChange::Changed)
                .await?;
            self.renotify(tx.as_mut(), &business, &booking, (&before.0, before.1))
                .await?;
        }
        let mut seen = views(tx.as_mut(), actor, &business, vec![booking], self.now()).await?;
        tx.commit().await?;
        Ok(seen.remove(0))
    }

    /// A customer's move, checked as [`Rota::update_booking`] says and made
    /// into the changes an administrator would ask for; anyone else's passes
    /// unchanged.
    async fn as_offered_move(
        &self,
        actor: &Actor,
        id: BookingId,
        changes: BookingChanges,
    ) -> Result<BookingChanges, BookingError> {
        if actor.roles().is_some() {
            return Ok(changes);
        }
        let (business, booking) = {
            let mut tx = self.begin(TxMode::ReadOnce).await?;
            load(tx.as_mut(), actor, id).await?
        };
        authorize(
            actor,
            &Action::EditBooking(as_ref(&booking)),
            &business.settings,
        )?;
        if changes.allow_outside_work_hours {
            // B5: nobody but an administrator overrides work hours.
            return Err(Denied::Forbidden.into());
        }
        let provider = match changes.providers.as_deref() {
            None | Some([]) => None,
            Some([one]) => Some(*one),
            Some(_) => return Err(BookingError::NotForCustomers("provider_ids")),
        };
        let refused = [
            ("ends_at", changes.ends_at.is_some()),
            ("notes", changes.notes.is_some()),
        ];
        if let Some((field, _)) = refused.iter().find(|(_, set)| *set) {
            return Err(BookingError::NotForCustomers(field));
        }
        booking.check_customer_notice(business.settings.cancellation_notice_minutes, self.now())?;
        let service = booking.service_id.ok_or(BookingError::ServiceRequired)?;
        let starts_at = changes.starts_at.unwrap_or(booking.range.start());
        let provider = self
            .offered_provider(actor, service, starts_at, provider)
            .await?;
        Ok(BookingChanges {
            starts_at: Some(starts_at),
            providers: Some(vec![provider]),
            ..BookingChanges::default()
        })
    }

    /// `scheduled` → `in_progress` (administrators; assigned providers).
    pub async fn start_booking(
        &self,
        actor: &Actor,
        id: BookingId,
    ) -> Result<BookingView, BookingError> {
        self.move_booking(actor, id, Move::Start).await
    }

    /// `in_progress` → `completed` (administrators; assigned providers).
    pub async fn complete_booking(
        &self,
        actor: &Actor,
        id: BookingId,
    ) -> Result<BookingView, BookingError> {
        self.move_booking(actor, id, Move::Complete).await
    }

    /// `scheduled` → `cancelled` (administrators; the customer, within the
    /// cancellation notice, R10). Frees the time.
    pub async fn cancel_booking(
        &self,
        actor: &Actor,
        id: BookingId,
    ) -> Result<BookingView, BookingError> {
        self.move_booking(actor, id, Move::Cancel).await
    }

    /// `scheduled` → `no_show` (administrators).
    pub async fn mark_no_show(
        &self,
        actor: &Actor,
        id: BookingId,
    ) -> Result<BookingView, BookingError> {
        self.move_booking(actor, id, Move::NoShow).await
    }

    async fn move_booking(
        &self,
        actor: &Actor,
        id: BookingId,
        to: Move,
    ) -> Result<BookingView, BookingError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let (business, mut booking) = load(tx.as_mut(), actor, id).await?;
        let now = self.now();
        let action = match to {
            Move::Start | Move::Complete => Action::ProgressBooking(as_ref(&booking)),
            Move::Cancel => Action::CancelBooking(as_ref(&booking)),
            Move::NoShow => Action::MarkNoShow(as_ref(&booking)),
        };
        authorize(actor, &action, &business.settings)?;
        let before = (booking.providers.clone(), booking.range);
        match to {
            Move::Start => booking.transition(BookingStatus::InProgress, now)?,
            Move::Complete => booking.transition(BookingStatus::Completed, now)?,
            Move::NoShow => booking.transition(BookingStatus::NoShow, now)?,
            Move::Cancel if actor.roles().is_none() => {
                booking.cancel_by_customer(business.settings.cancellation_notice_minutes, now)?;
            }
            Move::Cancel => booking.transition(BookingStatus::Cancelled, now)?,
        }
        tx.bookings().update(&booking).await?;
        if to == Move::Cancel {
            self.notify_customer(tx.as_mut(), &business, &booking, BookingChange::Cancelled)
                .await?;
        }
        // Reminders withdrawn (it is no longer scheduled); providers told
        // of a cancellation.
        self.renotify(tx.as_mut(), &business, &booking, (&before.0, before.1))
            .await?;
        let mut seen = views(tx.as_mut(), actor, &business, vec![booking], now).await?;
        tx.commit().await?;
        Ok(seen.remove(0))
    }

    /// Records a payment and/or tip (B8; R8 `tips`/`payments` for providers).
    pub async fn record_payment(
        &self,
        actor: &Actor,
        id: BookingId,
        payment: NewPayment,
    ) -> Result<BookingView, BookingError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let (business, mut booking) = load(tx.as_mut(), actor, id).await?;
        let action = Action::RecordPayment {
            booking: as_ref(&booking),
            amount_minor: payment.amount.minor(),
            tip_minor: payment.tip.minor(),
        };
        authorize(actor, &action, &business.settings)?;
        let now = self.now();
        booking.record_payment(payment.amount, payment.tip, now)?;
        let record = Payment {
            id: PaymentId::from_uuid(self.new_uuid()),
            business_id: business.id,
            booking_id: booking.id,
            amount: payment.amount,
            tip: payment.tip,
            method: payment.method,
            recorded_by: actor.id,
            at: now,
        };
        tx.bookings().insert_payment(&record).await?;
        tx.bookings().update(&booking).await?;
        let mut seen = views(tx.as_mut(), actor, &business, vec![booking], now).await?;
        tx.commit().await?;
        Ok(seen.remove(0))
    }
}
