//! Time tracking (R8 `time_tracking`): clock in, clock out.

use jiff::Timestamp;

use crate::id::{AccountId, BusinessId, TimeEntryId};

/// One stretch of work, open until clocked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeEntry {
    /// Its id.
    pub id: TimeEntryId,
    /// Its business.
    pub business_id: BusinessId,
    /// Who worked.
    pub employee: AccountId,
    /// When they clocked in.
    pub clock_in: Timestamp,
    /// When they clocked out; `None` while still working.
    pub clock_out: Option<Timestamp>,
}

/// Why a clock action is refused (409 `invalid_transition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// Clocking in while already in.
    #[error("already clocked in")]
    AlreadyIn,
    /// Clocking out while not in.
    #[error("not clocked in")]
    NotIn,
}

impl TimeEntry {
    /// Closes the entry at `now` (never before it opened).
    pub fn clock_out(&mut self, now: Timestamp) -> Result<(), ClockError> {
        if self.clock_out.is_some() {
            return Err(ClockError::NotIn);
        }
        self.clock_out = Some(now.max(self.clock_in));
        Ok(())
    }
}
