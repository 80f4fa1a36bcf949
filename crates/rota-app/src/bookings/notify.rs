//! The emails a booking sends besides the customer's confirmation, change
//! and cancellation (issue 19): reminders to the customer before it starts,
//! and notices to its providers when it is assigned to them, moved or
//! cancelled. Each kind is switched per business
//! (`BusinessSettings::notifications`); all go through the outbox (A8), in
//! the unit of work of the change that caused them, so each is sent once
//! however many server processes deliver and across restarts.

use rota_domain::account::Account;
use rota_domain::booking::{Booking, BookingStatus};
use rota_domain::business::Business;
use rota_domain::id::{AccountId, BookingId};
use rota_domain::jiff::SignedDuration;
use rota_domain::notice::{BookingChange, Notice};
use rota_domain::outbox::OutboxMessage;
use rota_domain::time::TimeRange;

use super::{booking_notice, service_name};
use crate::Rota;
use crate::ports::{StoreError, UnitOfWork};
use crate::schedule::Schedules;

/// The outbox topic of a booking's reminders: withdrawn together when it
/// moves (and queued again for the new time) or no longer holds time.
#[must_use]
pub fn reminder_topic(booking: BookingId) -> String {
    format!("reminder:{booking}")
}

/// What a provider hears of a change: a booking assigned to them
/// (`Confirmed`), moved while theirs (`Changed`), or taken off them or
/// cancelled (`Cancelled`). `before` is the booking's providers and range
/// before the change (none for a new booking).
pub(crate) fn provider_changes(
    booking: &Booking,
    before: Option<(&[AccountId], TimeRange)>,
) -> Vec<(AccountId, BookingChange)> {
    let holds = booking.status.holds_time();
    let Some((was, range)) = before else {
        return booking
            .providers
            .iter()
            .filter(|_| holds)
            .map(|p| (*p, BookingChange::Confirmed))
            .collect();
    };
    let mut changes: Vec<(AccountId, BookingChange)> = was
        .iter()
        .filter(|p| !holds || !booking.providers.contains(p))
        .map(|p| (*p, BookingChange::Cancelled))
        .collect();
    if holds {
        for p in &booking.providers {
            if !was.contains(p) {
                changes.push((*p, BookingChange::Confirmed));
            } else if range != booking.range {
                changes.push((*p, BookingChange::Changed));
            }
        }
    }
    changes
}

impl Rota {
    /// The reminders of `booking` to `customer`, one for each of the
    /// business's reminder hours whose time is still ahead, each due then
    /// and about [`reminder_topic`]. None for a booking that holds no time
    /// or a customer without a profile.
    pub(crate) fn reminders(
        &self,
        business: &Business,
        booking: &Booking,
        customer: &Account,
        providers: &[Account],
        service: Option<String>,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let hours = business.settings.notifications.reminder_hours.hours();
        if booking.status != BookingStatus::Scheduled || hours.is_empty() {
            return Ok(Vec::new());
        }
        let Some(notice) = booking_notice(
            business,
            booking,
            BookingChange::Reminder,
            customer,
            providers,
            service,
        ) else {
            return Ok(Vec::new());
        };
        let now = self.now();
        let mut messages = Vec::new();
        for h in hours {
            let Ok(due) = booking
                .range
                .start()
                .checked_sub(SignedDuration::from_hours(i64::from(*h)))
            else {
                continue;
            };
            if due <= now {
                // Booked, or moved, closer than this: the confirmation or
                // the change is the reminder.
                continue;
            }
            let mut m = self.outbox_message(business.id, &customer.email, &notice)?;
            m.next_attempt_at = due;
            m.topic = Some(reminder_topic(booking.id));
            messages.push(m);
        }
        Ok(messages)
    }

    /// What a new `booking` sends: the customer's confirmation (if they
    /// have a profile) and reminders, its providers' notices. `people`
    /// holds the providers' accounts and the customer's.
    pub(crate) fn new_booking_emails(
        &self,
        business: &Business,
        booking: &Booking,
        people: &[Account],
        schedules: &Schedules,
        service: Option<&str>,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let mut messages = Vec::new();
        if let Some(customer) = people.iter().find(|a| a.id == booking.customer_id) {
            let service = service.map(str::to_owned);
            if let Some(notice) = booking_notice(
                business,
                booking,
                BookingChange::Confirmed,
                customer,
                people,
                service.clone(),
            ) {
                messages.push(self.outbox_message(business.id, &customer.email, &notice)?);
            }
            messages.extend(self.reminders(business, booking, customer, people, service)?);
        }
        messages.extend(self.provider_notices(
            business,
            booking,
            &provider_changes(booking, None),
            people,
            schedules,
            service.unwrap_or("Appointment"),
        )?);
        Ok(messages)
    }

    /// The notices of `changes` to each provider, in their calendar's zone,
    /// if the business sends them. `people` holds the providers' and the
    /// customer's accounts.
    pub(crate) fn provider_notices(
        &self,
        business: &Business,
        booking: &Booking,
        changes: &[(AccountId, BookingChange)],
        people: &[Account],
        schedules: &Schedules,
        service: &str,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        if !business.settings.notifications.provider_emails {
            return Ok(Vec::new());
        }
        let customer = people
            .iter()
            .find(|a| a.id == booking.customer_id)
            .map_or_else(|| "a customer".to_owned(), Account::display_name);
        let mut messages = Vec::new();
        for (id, change) in changes {
            let Some(provider) = people.iter().find(|a| a.id == *id) else {
                continue;
            };
            let notice = Notice::ProviderBooking {
                change: *change,
                business: business.name.to_string(),
                provider: provider.display_name(),
                customer: customer.clone(),
                service: service.to_owned(),
                starts_at: booking.range.start(),
                ends_at: booking.range.end(),
                zone: schedules
                    .calendar_zone(*id)
                    .unwrap_or_else(|| business.time_zone.clone()),
                booking: booking.id,
            };
            messages.push(self.outbox_message(business.id, &provider.email, &notice)?);
        }
        Ok(messages)
    }

    /// After `booking` changed from `before` (its providers and range):
    /// its reminders withdrawn and, while it is scheduled, queued again for
    /// its time; its providers told, as the business wants. In `tx`.
    pub(crate) async fn renotify(
        &self,
        tx: &mut dyn UnitOfWork,
        business: &Business,
        booking: &Booking,
        before: (&[AccountId], TimeRange),
    ) -> Result<(), StoreError> {
        self.renotify_telling(tx, business, booking, before, true)
            .await
    }

    /// [`Self::renotify`], telling the providers only if `tell` (a series
    /// changed together tells them of its first occurrence alone).
    pub(crate) async fn renotify_telling(
        &self,
        tx: &mut dyn UnitOfWork,
        business: &Business,
        booking: &Booking,
        before: (&[AccountId], TimeRange),
        tell: bool,
    ) -> Result<(), StoreError> {
        // The providers' linked calendars, before and after, whatever
        // changed: the write reads the booking as it is when it goes out.
        self.queue_calendar_writes(tx, booking, before.0).await?;
        let settings = &business.settings.notifications;
        // What a reminder says (the time, who serves) or whether one is
        // due at all changed: the old ones go, new ones come.
        let outdated = before.1 != booking.range
            || before.0 != booking.providers.as_slice()
            || booking.status != BookingStatus::Scheduled;
        if outdated {
            tx.outbox()
                .withdraw(business.id, &reminder_topic(booking.id))
                .await?;
        }
        let changes = provider_changes(booking, Some(before));
        let wants_reminders = outdated
            && !settings.reminder_hours.hours().is_empty()
            && booking.status == BookingStatus::Scheduled;
        let wants_notices = tell && settings.provider_emails && !changes.is_empty();
        if !wants_reminders && !wants_notices {
            return Ok(());
        }
        let mut wanted: Vec<AccountId> = changes.iter().map(|(p, _)| *p).collect();
        wanted.extend(booking.providers.iter().copied());
        wanted.push(booking.customer_id);
        wanted.sort_unstable();
        wanted.dedup();
        let people = tx.accounts().get_many(business.id, &wanted).await?;
        let service = service_name(tx, business, booking).await?;
        let mut messages = Vec::new();
        if wants_reminders
            && let Some(customer) = people.iter().find(|a| a.id == booking.customer_id)
        {
            messages.extend(self.reminders(
                business,
                booking,
                customer,
                &people,
                service.clone(),
            )?);
        }
        if wants_notices {
            let ids: Vec<AccountId> = changes.iter().map(|(p, _)| *p).collect();
            let schedules = Schedules::load(tx, business, &ids, booking.range).await?;
            let service = service.as_deref().unwrap_or("Appointment");
            messages.extend(
                self.provider_notices(business, booking, &changes, &people, &schedules, service)?,
            );
        }
        for m in &messages {
            tx.outbox().enqueue(m).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use rota_domain::jiff::Timestamp;
    use rota_domain::uuid::Uuid;

    use super::*;

    fn id(n: u128) -> AccountId {
        AccountId::from_uuid(Uuid::from_u128(n))
    }

    fn range(from: i64, to: i64) -> TimeRange {
        let at = |h: i64| Timestamp::from_second(1_900_000_000 + h * 3600).unwrap();
        TimeRange::new(at(from), at(to)).unwrap()
    }

    fn booking(providers: Vec<AccountId>, r: TimeRange) -> Booking {
        let t = Timestamp::UNIX_EPOCH;
        Booking {
            id: BookingId::from_uuid(Uuid::from_u128(9)),
            business_id: rota_domain::id::BusinessId::from_uuid(Uuid::from_u128(1)),
            customer_id: id(2),
            service_id: None,
            range: r,
            providers,
            status: BookingStatus::Scheduled,
            price: rota_domain::money::Money::ZERO,
            paid: rota_domain::money::Money::ZERO,
            tips: rota_domain::money::Money::ZERO,
            notes: None,
            created_at: t,
            updated_at: t,
            sequence: 0,
            buffers: rota_domain::service::Buffers::NONE,
            series: None,
        }
    }

    #[test]
    fn providers_hear_of_what_changed_for_them() {
        let (p, q, r) = (id(10), id(11), id(12));
        let new = booking(vec![p, q], range(10, 11));
        assert_eq!(
            provider_changes(&new, None),
            vec![(p, BookingChange::Confirmed), (q, BookingChange::Confirmed)]
        );
        // Reassigned from p and r to p and q, and moved.
        let moved = booking(vec![p, q], range(12, 13));
        assert_eq!(
            provider_changes(&moved, Some((&[p, r], range(10, 11)))),
            vec![
                (r, BookingChange::Cancelled),
                (p, BookingChange::Changed),
                (q, BookingChange::Confirmed)
            ]
        );
        // Only notes changed: nobody hears.
        assert!(provider_changes(&moved, Some((&[p, q], range(12, 13)))).is_empty());
        // Cancelled: everyone assigned hears.
        let mut cancelled = moved.clone();
        cancelled.status = BookingStatus::Cancelled;
        assert_eq!(
            provider_changes(&cancelled, Some((&[p, q], range(12, 13)))),
            vec![(p, BookingChange::Cancelled), (q, BookingChange::Cancelled)]
        );
    }
}
