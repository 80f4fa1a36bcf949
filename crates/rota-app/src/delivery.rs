//! The outbox's delivery worker (A8): takes due messages, hands them to the
//! mailer (or, for a booking's write to a linked calendar, to the calendar
//! sync) outside any transaction, and records the outcome. A failed
//! delivery is retried with backoff (`rota_domain::outbox`), never dropped.
//!
//! Delivery is at-least-once: a message is leased (its next attempt pushed
//! [`LEASE`] ahead) in a short transaction before sending, so two workers —
//! even in two server processes — do not take it at once; if the process
//! dies between sending and recording, the message goes out again when the
//! lease runs out.

use rota_domain::jiff::SignedDuration;
use rota_domain::outbox::OutboxMessage;

use crate::Rota;
use crate::ports::{StoreError, TxMode};

/// How long sent messages may wait to be recorded as sent: what goes out
/// twice if the process dies mid-round.
pub const RECORD_EVERY: SignedDuration = SignedDuration::from_secs(1);

/// How long a taken message is left to its worker.
pub const LEASE: SignedDuration = SignedDuration::from_mins(5);

/// What one round of delivery did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    /// Messages delivered.
    pub sent: usize,
    /// Messages whose delivery failed (kept, retried later).
    pub failed: usize,
}

impl Rota {
    /// Delivers up to `limit` due messages.
    ///
    /// Outcomes are recorded together, in one write per [`RECORD_EVERY`] of
    /// sending (and at the end): a round costs a few transactions, not one
    /// per message, so delivery does not crowd out bookings. A crash before
    /// the record means those messages go out again (at-least-once).
    pub async fn deliver_due_emails(&self, limit: u32) -> Result<DeliveryReport, StoreError> {
        let now = self.now();
        let mut tx = self.begin(TxMode::Write).await?;
        let mut due = tx.outbox().due(now, limit).await?;
        for message in &mut due {
            message.next_attempt_at = now.saturating_add(LEASE).unwrap_or(now);
        }
        tx.outbox().update(&due).await?;
        tx.commit().await?;

        let mut report = DeliveryReport::default();
        let mut outcomes = Vec::with_capacity(due.len());
        let mut recorded = now;
        // Calendars that failed this round: their other writes wait for
        // the next try rather than each waiting out the same timeout, so a
        // calendar that hangs delays the emails behind it once per round.
        let mut failing: Vec<(rota_domain::id::BusinessId, String)> = Vec::new();
        for mut message in due {
            let outcome = if message.kind == crate::calendar_sync::CALENDAR_WRITE {
                let whose = (
                    message.business_id,
                    message
                        .payload
                        .rsplit(' ')
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                );
                if failing.contains(&whose) {
                    Err("not tried: the calendar failed a moment ago".to_owned())
                } else {
                    let outcome = self.write_to_calendar(&message).await;
                    if outcome.is_err() {
                        failing.push(whose);
                    }
                    outcome
                }
            } else {
                self.mailer()
                    .deliver(&message.recipient, &message.payload)
                    .await
                    .map_err(|e| e.0)
            };
            let at = self.now();
            match outcome {
                Ok(()) => {
                    message.sent(at);
                    report.sent += 1;
                }
                Err(e) => {
                    message.failed(at, &e);
                    report.failed += 1;
                }
            }
            outcomes.push(message);
            if at.duration_since(recorded) >= RECORD_EVERY {
                self.record_outcomes(&mut outcomes).await?;
                recorded = at;
            }
        }
        self.record_outcomes(&mut outcomes).await?;
        Ok(report)
    }

    /// Saves delivery outcomes in one transaction and empties `outcomes`.
    async fn record_outcomes(&self, outcomes: &mut Vec<OutboxMessage>) -> Result<(), StoreError> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin(TxMode::Write).await?;
        tx.outbox().update(outcomes).await?;
        tx.commit().await?;
        outcomes.clear();
        Ok(())
    }
}
