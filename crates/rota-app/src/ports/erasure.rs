//! The storage port of erasure: what the store keeps of a customer outside
//! their account row.

use async_trait::async_trait;
use rota_domain::id::{AccountId, BusinessId};

use super::error::StoreError;

/// What an erased address reads as where a record keeps its place (the
/// audit log's email changes).
pub const ERASED: &str = "erased";

/// Erasing a customer's traces.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait ErasureRepository: Send {
    /// The addresses customer `id` had besides their current one: those
    /// the audit log's email changes of theirs name, and one they asked to
    /// change to and have not confirmed. In no particular order.
    async fn known_addresses(
        &mut self,
        business: BusinessId,
        id: AccountId,
    ) -> Result<Vec<String>, StoreError>;
    /// Removes or blanks everything the store keeps of customer `id`
    /// outside their account row: the notes of their bookings, their
    /// sessions and emailed tokens, the outbox messages to any of
    /// `addresses` (queued or sent), the idempotency records that are
    /// theirs or whose stored response mentions them, the addresses in the
    /// audit log's record of their email changes, and the sign-in throttles
    /// keyed by their addresses: each of `throttle_keys` and every key that
    /// extends one (`<key>:…`). Bookings, payments and the rest of the
    /// audit log stay.
    async fn erase_traces(
        &mut self,
        business: BusinessId,
        id: AccountId,
        addresses: &[String],
        throttle_keys: &[String],
    ) -> Result<(), StoreError>;
}
