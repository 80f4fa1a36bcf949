//! Bookings (B1–B8): who is served, by whom, when, and what was paid.

mod schedule;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

pub use schedule::{
    MAX_BOOKING, MAX_REACH, ProviderFacts, ScheduleError, check_customer, check_providers,
    check_range,
};

use crate::account::Text;
use crate::id::{
    AccountId, BookingId, BusinessId, PaymentId, PaymentRequestId, SeriesId, ServiceId,
};
use crate::money::Money;
use crate::service::Buffers;
use crate::time::TimeRange;

/// Where a booking stands (B6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    /// Booked, not started.
    Scheduled,
    /// Being served.
    InProgress,
    /// Done. Final.
    Completed,
    /// Called off; frees its time. Final.
    Cancelled,
    /// The customer did not come. Final.
    NoShow,
}

impl BookingStatus {
    /// Every status.
    pub const ALL: [BookingStatus; 5] = [
        Self::Scheduled,
        Self::InProgress,
        Self::Completed,
        Self::Cancelled,
        Self::NoShow,
    ];

    /// Whether the booking holds its providers' time (B4: every status but
    /// `cancelled`).
    #[must_use]
    pub const fn holds_time(self) -> bool {
        !matches!(self, Self::Cancelled)
    }

    /// `completed`, `cancelled` and `no_show` are final.
    #[must_use]
    pub const fn is_final(self) -> bool {
        matches!(self, Self::Completed | Self::Cancelled | Self::NoShow)
    }

    /// B6: `scheduled` → `in_progress` → `completed`; `scheduled` → `cancelled` | `no_show`.
    #[must_use]
    pub const fn can_become(self, to: BookingStatus) -> bool {
        matches!(
            (self, to),
            (
                Self::Scheduled,
                Self::InProgress | Self::Cancelled | Self::NoShow
            ) | (Self::InProgress, Self::Completed)
        )
    }

    /// The wire name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::InProgress => "in_progress",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
            Self::NoShow => "no_show",
        }
    }

    /// Parses a wire name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// B6: a move the status machine does not allow (409 `invalid_transition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {} booking cannot become {}", from.as_str(), to.as_str())]
pub struct InvalidTransition {
    /// The status it has.
    pub from: BookingStatus,
    /// The status asked for.
    pub to: BookingStatus,
}

/// Why a customer may not cancel (R10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CustomerCancelError {
    /// Not `scheduled`.
    #[error(transparent)]
    Transition(#[from] InvalidTransition),
    /// Later than the business's cancellation notice (409 `cancellation_window_passed`).
    #[error(
        "bookings can be changed or cancelled up to {notice_minutes} minutes before they start"
    )]
    WindowPassed {
        /// The business's notice.
        notice_minutes: u32,
    },
}

/// B8: a payment larger than what is owed (409 `overpayment`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the payment exceeds the balance of {balance_minor}")]
pub struct Overpayment {
    /// What is still owed.
    pub balance_minor: i64,
}

/// Why a payment or tip was not recorded (B8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PaymentRefused {
    /// More than what is owed (409 `overpayment`).
    #[error(transparent)]
    Overpayment(#[from] Overpayment),
    /// The booking's tips would no longer fit in a total (422).
    #[error("the tips on this booking would exceed the largest amount Rota keeps")]
    TipsTooLarge,
}

/// A booking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Booking {
    /// Its id.
    pub id: BookingId,
    /// Its business.
    pub business_id: BusinessId,
    /// Its one customer (B1).
    pub customer_id: AccountId,
    /// The service booked, if any.
    pub service_id: Option<ServiceId>,
    /// `[starts_at, ends_at)` (B2).
    pub range: TimeRange,
    /// Assigned providers; empty = unassigned (B3).
    pub providers: Vec<AccountId>,
    /// Where it stands (B6).
    pub status: BookingStatus,
    /// What it costs.
    pub price: Money,
    /// What has been paid towards the price.
    pub paid: Money,
    /// Tips on top (not capped).
    pub tips: Money,
    /// Notes for the team.
    pub notes: Option<Text>,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// Bumped by every change (a calendar feed's `SEQUENCE`).
    pub sequence: u32,
    /// The time kept free around it, taken from its service when it was
    /// made (B4 holds the booking with these around it).
    pub buffers: Buffers,
    /// The recurring series it is an occurrence of, if any (issue 19).
    pub series: Option<SeriesId>,
}

impl Booking {
    /// What is still owed: price − paid (B8).
    #[must_use]
    pub fn balance_minor(&self) -> i64 {
        self.price.minor() - self.paid.minor()
    }

    fn touch(&mut self, now: Timestamp) {
        self.updated_at = now;
        self.sequence = self.sequence.saturating_add(1);
    }

    /// Moves or reassigns a `scheduled` booking and/or changes its notes;
    /// the caller has re-checked B3–B5 for the new time and providers (B6).
    pub fn amend(
        &mut self,
        range: TimeRange,
        providers: Vec<AccountId>,
        notes: Option<Text>,
        now: Timestamp,
    ) -> Result<(), InvalidTransition> {
        if self.status != BookingStatus::Scheduled {
            return Err(InvalidTransition {
                from: self.status,
                to: BookingStatus::Scheduled,
            });
        }
        self.range = range;
        self.providers = providers;
        self.notes = notes;
        self.touch(now);
        Ok(())
    }

    /// Moves the booking to `to` (B6).
    pub fn transition(
        &mut self,
        to: BookingStatus,
        now: Timestamp,
    ) -> Result<(), InvalidTransition> {
        if !self.status.can_become(to) {
            return Err(InvalidTransition {
                from: self.status,
                to,
            });
        }
        self.status = to;
        self.touch(now);
        Ok(())
    }

    /// The last moment a customer may change or cancel this booking: its
    /// start less the business's notice (R10).
    #[must_use]
    pub fn customer_deadline(&self, notice_minutes: u32) -> Timestamp {
        let notice = SignedDuration::from_mins(i64::from(notice_minutes));
        self.range
            .start()
            .checked_sub(notice)
            .unwrap_or(Timestamp::MIN)
    }

    /// Whether a customer may still change or cancel this booking: it is
    /// `scheduled` and its deadline has not passed (R10).
    ///
    /// # Errors
    /// [`CustomerCancelError`] says which of the two failed.
    pub fn check_customer_notice(
        &self,
        notice_minutes: u32,
        now: Timestamp,
    ) -> Result<(), CustomerCancelError> {
        if self.status != BookingStatus::Scheduled {
            return Err(InvalidTransition {
                from: self.status,
                to: BookingStatus::Cancelled,
            }
            .into());
        }
        if now > self.customer_deadline(notice_minutes) {
            return Err(CustomerCancelError::WindowPassed { notice_minutes });
        }
        Ok(())
    }

    /// A customer cancels their own booking: allowed no later than
    /// `notice_minutes` before it starts (R10).
    pub fn cancel_by_customer(
        &mut self,
        notice_minutes: u32,
        now: Timestamp,
    ) -> Result<(), CustomerCancelError> {
        self.check_customer_notice(notice_minutes, now)?;
        self.transition(BookingStatus::Cancelled, now)?;
        Ok(())
    }

    /// Records a payment and/or a tip (B8): a payment may not exceed the
    /// balance; tips are not capped.
    pub fn record_payment(
        &mut self,
        amount: Money,
        tip: Money,
        now: Timestamp,
    ) -> Result<(), PaymentRefused> {
        let balance = self.balance_minor();
        if amount.minor() > balance {
            return Err(Overpayment {
                balance_minor: balance,
            }
            .into());
        }
        // Checked before anything changes: a refusal records nothing.
        let tips = self
            .tips
            .checked_add(tip)
            .ok_or(PaymentRefused::TipsTooLarge)?;
        self.paid = self.paid.checked_add(amount).ok_or(Overpayment {
            balance_minor: balance,
        })?;
        self.tips = tips;
        self.touch(now);
        Ok(())
    }

    /// Whether the booking holds `provider`'s time within `range`.
    #[must_use]
    pub fn occupies(&self, provider: AccountId, range: &TimeRange) -> bool {
        self.status.holds_time() && self.providers.contains(&provider) && self.range.overlaps(range)
    }

    /// The time it keeps its providers from other bookings: its range with
    /// its buffers around it.
    #[must_use]
    pub fn blocked(&self) -> TimeRange {
        self.buffers.around(self.range)
    }

    /// B4: whether this booking stands in the way of `other` for
    /// `provider` — both hold time, and what each blocks overlaps.
    #[must_use]
    pub fn clashes_with(&self, provider: AccountId, other: &Booking) -> bool {
        self.id != other.id
            && self.status.holds_time()
            && other.status.holds_time()
            && self.providers.contains(&provider)
            && self.blocked().overlaps(&other.blocked())
    }
}

/// How a payment was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum PaymentMethod {
    Cash,
    Card,
    BankTransfer,
    Other,
}

impl PaymentMethod {
    /// The wire name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Cash => "cash",
            Self::Card => "card",
            Self::BankTransfer => "bank_transfer",
            Self::Other => "other",
        }
    }
}

/// A payment and/or tip recorded on a booking (B8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    /// Its id.
    pub id: PaymentId,
    /// Its business.
    pub business_id: BusinessId,
    /// The booking paid for.
    pub booking_id: BookingId,
    /// Towards the price.
    pub amount: Money,
    /// On top.
    pub tip: Money,
    /// How.
    pub method: PaymentMethod,
    /// Who recorded it.
    pub recorded_by: AccountId,
    /// When.
    pub at: Timestamp,
}

/// A request for payment emailed to a booking's customer: the amount due
/// then, and a reference they quote when paying. Paying is still recorded
/// by the team ([`Payment`]), unless a payment processor settles it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentRequest {
    /// Its id.
    pub id: PaymentRequestId,
    /// Its business.
    pub business_id: BusinessId,
    /// The booking to be paid for.
    pub booking_id: BookingId,
    /// The amount asked for (the balance, or less).
    pub amount: Money,
    /// What the customer quotes when paying (`PAY-` and ten characters).
    pub reference: String,
    /// Where to pay online, when a payment processor gave one.
    pub link: Option<String>,
    /// Who asked.
    pub requested_by: AccountId,
    /// When.
    pub at: Timestamp,
}

impl PaymentRequest {
    /// The reference of a request with this id: `PAY-` and the last ten
    /// hex digits of the id, upper-cased (the random part of a v7 id).
    #[must_use]
    pub fn reference_for(id: PaymentRequestId) -> String {
        let hex = id.as_uuid().simple().to_string().to_uppercase();
        format!("PAY-{}", &hex[hex.len() - 10..])
    }
}

#[cfg(test)]
mod tests;
