//! Copies of businesses' rows, each kept with the revision it was read at
//! (issue 17): a request whose sign-in check read its business's revision
//! with the session reuses the copy of that very revision instead of
//! reading the row again. Every change to the row raises the revision in
//! the same write, so a copy is used only when it is the row the request
//! would have read (SPEC §8: never older than the last committed write).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rota_domain::actor::Actor;
use rota_domain::business::Business;
use rota_domain::id::BusinessId;

use crate::Rota;
use crate::ports::{StoreError, UnitOfWork};

/// How many businesses' copies one process keeps (a copy is a few hundred
/// bytes); past it, the copies start over.
const MOST: usize = 4096;

/// The copies, shared by every clone of a `Rota`.
#[derive(Default)]
pub(crate) struct KnownBusinesses {
    copies: Mutex<HashMap<BusinessId, (u64, Arc<Business>)>>,
}

impl KnownBusinesses {
    /// The copy of `id` at exactly `revision`, if this process has it.
    fn at(&self, id: BusinessId, revision: u64) -> Option<Arc<Business>> {
        let copies = self
            .copies
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        copies
            .get(&id)
            .filter(|(r, _)| *r == revision)
            .map(|(_, b)| Arc::clone(b))
    }

    /// Keeps `business` as read at `revision`, unless a later one is kept.
    fn keep(&self, business: &Business, revision: u64) {
        let mut copies = self
            .copies
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if copies.len() >= MOST && !copies.contains_key(&business.id) {
            copies.clear();
        }
        match copies.get(&business.id) {
            Some((kept, _)) if *kept >= revision => {}
            _ => {
                copies.insert(business.id, (revision, Arc::new(business.clone())));
            }
        }
    }
}

impl Rota {
    /// The actor's business as of their request: the copy of the revision
    /// their sign-in check read, or else the row, read in `tx` (and kept
    /// for the next request that read the same revision).
    pub(crate) async fn business_of(
        &self,
        tx: &mut dyn UnitOfWork,
        actor: &Actor,
    ) -> Result<Option<Business>, StoreError> {
        if let Some(copy) = actor
            .business_revision
            .and_then(|r| self.known_businesses().at(actor.business, r))
        {
            return Ok(Some(Business::clone(&copy)));
        }
        let Some((business, revision)) = tx.businesses().revised(actor.business).await? else {
            return Ok(None);
        };
        self.known_businesses().keep(&business, revision);
        Ok(Some(business))
    }
}
