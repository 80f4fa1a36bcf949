//! A booking's writes to its providers' linked calendars: queued in the
//! outbox with the change, carried out by the delivery worker reading the
//! booking as it is then.

use rota_domain::account::Account;
use rota_domain::booking::Booking;
use rota_domain::id::{AccountId, BookingId, BusinessId, OutboxId};
use rota_domain::outbox::OutboxMessage;

use super::{CALENDAR_WRITE, booking_uid, calendar_topic};
use crate::Rota;
use crate::ports::{CalendarLink, StoreError, StoredCalendarLink, SyncedEvent, TxMode, UnitOfWork};

impl Rota {
    /// After `booking` changed: its write queued for each of
    /// its providers, now and `before` the change, who linked a calendar.
    /// In `tx`, so it is written only if the change commits.
    pub(crate) async fn queue_calendar_writes(
        &self,
        tx: &mut dyn UnitOfWork,
        booking: &Booking,
        before: &[AccountId],
    ) -> Result<(), StoreError> {
        if self.calendar_sync.is_none() {
            return Ok(());
        }
        let mut providers: Vec<AccountId> = booking.providers.clone();
        providers.extend(before.iter().copied());
        providers.sort_unstable();
        providers.dedup();
        if providers.is_empty() {
            return Ok(());
        }
        let business = booking.business_id;
        for provider in tx.calendar_links().linked(business, &providers).await? {
            let m = self.calendar_write(business, booking.id, provider)?;
            tx.outbox()
                .withdraw(business, &calendar_topic(booking.id, provider))
                .await?;
            tx.outbox().enqueue(&m).await?;
        }
        Ok(())
    }

    /// The writes of a new `booking` to its providers' linked calendars,
    /// to be queued with it.
    pub(crate) async fn calendar_writes(
        &self,
        tx: &mut dyn UnitOfWork,
        booking: &Booking,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        if self.calendar_sync.is_none() || booking.providers.is_empty() {
            return Ok(Vec::new());
        }
        let business = booking.business_id;
        let linked = tx
            .calendar_links()
            .linked(business, &booking.providers)
            .await?;
        linked
            .into_iter()
            .map(|p| self.calendar_write(business, booking.id, p))
            .collect()
    }

    /// The outbox message that writes `booking` to `provider`'s calendar.
    pub(super) fn calendar_write(
        &self,
        business: BusinessId,
        booking: BookingId,
        provider: AccountId,
    ) -> Result<OutboxMessage, StoreError> {
        let now = self.now();
        Ok(OutboxMessage {
            id: OutboxId::from_uuid(self.new_uuid()),
            business_id: business,
            // Only to name whose calendar it is in the outbox; no email.
            recipient: rota_domain::email::EmailAddress::parse(&format!(
                "calendar+{provider}@rota.invalid"
            ))
            .map_err(StoreError::other)?,
            kind: CALENDAR_WRITE.to_owned(),
            payload: format!("{booking} {provider}"),
            created_at: now,
            attempts: 0,
            next_attempt_at: now,
            sent_at: None,
            last_error: None,
            topic: Some(calendar_topic(booking, provider)),
        })
    }

    /// Carries out a queued calendar write: the booking as it is now put
    /// in the provider's calendar, or removed from it if it no longer
    /// holds their time. Nothing to do once they unlinked.
    pub(crate) async fn write_to_calendar(&self, message: &OutboxMessage) -> Result<(), String> {
        let ports = self
            .calendar_sync
            .clone()
            .ok_or_else(|| "calendar sync is not set up on this server".to_owned())?;
        let (booking, provider) = parse_write(&message.payload)
            .ok_or_else(|| format!("not a calendar write: {}", message.payload))?;
        let business = message.business_id;
        let mut tx = self
            .begin(TxMode::ReadOnce)
            .await
            .map_err(|e| e.to_string())?;
        let link = tx
            .calendar_links()
            .link(business, provider)
            .await
            .map_err(|e| e.to_string())?;
        let Some(link) = link else { return Ok(()) };
        let event = self
            .event_for(tx.as_mut(), business, booking, provider)
            .await
            .map_err(|e| e.to_string())?;
        drop(tx);
        let password = ports
            .vault
            .open_secret(&link.sealed_password)
            .map_err(|e| format!("the stored password no longer opens: {e}"))?;
        let open = CalendarLink {
            url: link.url.clone(),
            username: link.username.clone(),
            password,
        };
        let outcome = match &event {
            Some(event) => ports.sync.put(&open, event).await,
            None => ports.sync.remove(&open, &booking_uid(booking)).await,
        };
        let error = outcome.as_ref().err().map(ToString::to_string);
        if error != link.last_error {
            // What the console shows beside the link: the last failure,
            // until a write succeeds. Best effort; the outcome stands.
            let _ = self.note_link_error(&link, error.clone()).await;
        }
        match error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    async fn note_link_error(
        &self,
        link: &StoredCalendarLink,
        error: Option<String>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin(TxMode::Write).await?;
        if let Some(mut now) = tx
            .calendar_links()
            .link(link.business, link.provider)
            .await?
            .filter(|l| l.linked_at == link.linked_at)
        {
            now.last_error = error;
            tx.calendar_links().save_link(&now).await?;
        }
        tx.commit().await
    }

    /// The event `booking` is in `provider`'s calendar; `None` when it
    /// should not be there (gone, cancelled, or no longer theirs).
    async fn event_for(
        &self,
        tx: &mut dyn UnitOfWork,
        business: BusinessId,
        booking: BookingId,
        provider: AccountId,
    ) -> Result<Option<SyncedEvent>, StoreError> {
        let Some(b) = tx.bookings().get(business, booking).await? else {
            return Ok(None);
        };
        if !b.status.holds_time() || !b.providers.contains(&provider) {
            return Ok(None);
        }
        let service = match b.service_id {
            Some(id) => tx
                .services()
                .get(business, id)
                .await?
                .map(|s| s.name.to_string()),
            None => None,
        };
        let customer = tx.accounts().get_many(business, &[b.customer_id]).await?;
        let who = customer.first().and_then(Account::customer).map_or_else(
            || "a customer".to_owned(),
            rota_domain::account::CustomerProfile::abbreviated_name,
        );
        Ok(Some(SyncedEvent {
            uid: booking_uid(b.id),
            summary: format!("{} — {who}", service.as_deref().unwrap_or("Booking")),
            range: b.range,
            sequence: b.sequence,
            stamp: b.updated_at,
        }))
    }
}

fn parse_write(payload: &str) -> Option<(BookingId, AccountId)> {
    let (b, p) = payload.split_once(' ')?;
    Some((b.parse().ok()?, p.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn a_write_names_its_booking_and_provider() {
        let b = BookingId::from_uuid(rota_domain::uuid::Uuid::from_u128(7));
        let p = AccountId::from_uuid(rota_domain::uuid::Uuid::from_u128(9));
        assert_eq!(parse_write(&format!("{b} {p}")), Some((b, p)));
        assert_eq!(parse_write("nonsense"), None);
    }
}
