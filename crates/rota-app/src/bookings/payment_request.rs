//! Asking for payment: a request with the amount due and a reference,
//! recorded on the booking and emailed to its customer (A8), in the
//! business's zone and currency.

use rota_domain::actor::Actor;
use rota_domain::audit::AuditChange;
use rota_domain::booking::PaymentRequest;
use rota_domain::id::{BookingId, PaymentRequestId};
use rota_domain::money::Money;
use rota_domain::notice::Notice;
use rota_domain::policy::{Action, Denied, authorize};

use super::BookingError;
use super::change::{as_ref, load};
use crate::Rota;
use crate::ports::{StoreError, TxMode};

impl Rota {
    /// Asks the booking's customer to pay `amount` (the balance when
    /// `None`; at most the balance, B8): the request is kept on the booking
    /// with a reference, and an email tells the customer the amount and the
    /// reference (and a link, when a payment processor gives one). Who may
    /// record a payment may ask for one (R8 `payments` for providers).
    /// Refused with `nothing_due` when the balance is zero.
    pub async fn request_payment(
        &self,
        actor: &Actor,
        id: BookingId,
        amount: Option<Money>,
    ) -> Result<PaymentRequest, BookingError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let (business, booking) = load(tx.as_mut(), actor, id).await?;
        let balance = Money::new(booking.balance_minor()).map_err(StoreError::other)?;
        let amount = amount.unwrap_or(balance);
        let action = Action::RecordPayment {
            booking: as_ref(&booking),
            amount_minor: amount.minor(),
            tip_minor: 0,
        };
        authorize(actor, &action, &business.settings)?;
        if balance == Money::ZERO {
            return Err(BookingError::NothingDue);
        }
        if amount == Money::ZERO || amount > balance {
            return Err(BookingError::RequestAboveBalance { balance });
        }
        let customer = tx
            .accounts()
            .get(business.id, booking.customer_id)
            .await?
            .ok_or(Denied::NotFound)?;
        let request_id = PaymentRequestId::from_uuid(self.new_uuid());
        let mut request = PaymentRequest {
            id: request_id,
            business_id: business.id,
            booking_id: booking.id,
            amount,
            reference: PaymentRequest::reference_for(request_id),
            link: None,
            requested_by: actor.id,
            at: self.now(),
        };
        request.link = self
            .payments()
            .checkout(&request, &business.currency)
            .await
            .map_err(StoreError::other)?;
        let service = match booking.service_id {
            Some(s) => tx
                .services()
                .get(business.id, s)
                .await?
                .map_or_else(|| "your booking".to_owned(), |s| s.name.to_string()),
            None => "your booking".to_owned(),
        };
        let notice = Notice::PaymentRequest {
            business: business.name.to_string(),
            customer: customer.display_name(),
            amount: amount.display(&business.currency),
            reference: request.reference.clone(),
            link: request.link.clone(),
            service,
            starts_at: booking.range.start(),
            zone: business.time_zone.clone(),
        };
        tx.bookings().insert_payment_request(&request).await?;
        self.queue_notice(tx.as_mut(), business.id, &customer.email, &notice)
            .await
            .map_err(StoreError::from)?;
        let change = AuditChange::PaymentRequested {
            reference: request.reference.clone(),
            amount_minor: amount.minor(),
        };
        let event = self.audit_event(
            business.id,
            Some(actor.id),
            Some(booking.customer_id),
            change,
        );
        tx.audit().append(&event).await?;
        tx.commit().await?;
        Ok(request)
    }

    /// The requests for payment of a booking, oldest first (whoever may see
    /// the booking's payments).
    pub async fn payment_requests(
        &self,
        actor: &Actor,
        id: BookingId,
    ) -> Result<Vec<PaymentRequest>, BookingError> {
        let mut tx = self.begin(TxMode::Read).await?;
        let (business, booking) = load(tx.as_mut(), actor, id).await?;
        // As for an amount: the `payments` right, for a provider.
        let action = Action::RecordPayment {
            booking: as_ref(&booking),
            amount_minor: 1,
            tip_minor: 0,
        };
        authorize(actor, &action, &business.settings)?;
        Ok(tx.bookings().payment_requests(business.id, id).await?)
    }
}
