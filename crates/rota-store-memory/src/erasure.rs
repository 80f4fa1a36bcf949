//! Erasing a customer's traces from the transaction's copy.

use async_trait::async_trait;
use rota_app::domain::audit::AuditChange;
use rota_app::domain::id::{AccountId, BusinessId};
use rota_app::ports::{ERASED, ErasureRepository, StoreError};

use crate::MemoryTx;

#[async_trait]
impl ErasureRepository for MemoryTx {
    async fn known_addresses(
        &mut self,
        business: BusinessId,
        id: AccountId,
    ) -> Result<Vec<String>, StoreError> {
        let mut addresses = Vec::new();
        for e in self.work.audit.values() {
            if let (true, AuditChange::EmailChanged { from, to }) = (
                e.business_id == business && e.subject == Some(id),
                &e.change,
            ) {
                addresses.extend([from.clone(), to.clone()]);
            }
        }
        addresses.extend(
            self.work
                .account_tokens
                .values()
                .filter(|t| t.business_id == business && t.account_id == id)
                .filter_map(|t| t.new_email.as_ref().map(|e| e.as_str().to_owned())),
        );
        Ok(addresses)
    }

    async fn erase_traces(
        &mut self,
        business: BusinessId,
        id: AccountId,
        addresses: &[String],
        throttle_keys: &[String],
    ) -> Result<(), StoreError> {
        let w = &mut self.work;
        for b in w.bookings.values_mut() {
            if b.business_id == business && b.customer_id == id {
                b.notes = None;
            }
        }
        w.sessions
            .retain(|_, s| s.business_id != business || s.account_id != id);
        w.account_tokens
            .retain(|_, t| t.business_id != business || t.account_id != id);
        w.outbox.retain(|(b, _), m| {
            *b != business || !addresses.iter().any(|a| a == m.recipient.as_str())
        });
        let mention = id.to_string().into_bytes();
        w.idempotency.retain(|(b, actor, _), r| {
            let mentions = r
                .response
                .body
                .windows(mention.len())
                .any(|part| part == mention.as_slice());
            *b != business || (*actor != id && !mentions)
        });
        for e in w.audit.values_mut() {
            if e.business_id == business
                && e.subject == Some(id)
                && matches!(e.change, AuditChange::EmailChanged { .. })
            {
                e.change = AuditChange::EmailChanged {
                    from: ERASED.into(),
                    to: ERASED.into(),
                };
            }
        }
        w.throttles.retain(|key, _| {
            !throttle_keys.iter().any(|k| {
                key == k
                    || key
                        .strip_prefix(k.as_str())
                        .is_some_and(|rest| rest.starts_with(':'))
            })
        });
        Ok(())
    }
}
