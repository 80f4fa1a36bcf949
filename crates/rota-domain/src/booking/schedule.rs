//! The checks a booking's customer, time and providers must pass when it is
//! made, rescheduled or reassigned (B1–B5, B7).

use jiff::SignedDuration;

use crate::account::{Account, AccountStatus};
use crate::id::AccountId;
use crate::time::TimeRange;

/// The longest a booking may last. Bounding it keeps overlap queries fast
/// (`starts_at > start − MAX_BOOKING`) and catches typos in the end.
pub const MAX_BOOKING: SignedDuration = SignedDuration::from_hours(24);

/// How long before an instant a booking whose blocked time (its range with
/// its buffers) reaches that instant may start: the longest booking and
/// the longest buffer after it. Overlap queries on blocked time bound
/// their start index by it (`starts_at > start − MAX_REACH`).
pub const MAX_REACH: SignedDuration =
    SignedDuration::from_mins(24 * 60 + crate::service::Buffers::MAX_MINUTES as i64);

/// Why a booking cannot be placed as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// B2: longer than [`MAX_BOOKING`] (422).
    #[error("a booking may last at most 24 hours")]
    TooLong,
    /// B1: no such customer in this business (422).
    #[error("no such customer")]
    CustomerNotFound,
    /// B7: archived customers cannot be booked (409 `customer_archived`).
    #[error("the customer is archived")]
    CustomerArchived,
    /// B1: the customer's account is deactivated (409 `customer_inactive`).
    #[error("the customer is not active")]
    CustomerInactive,
    /// B3: no such employee in this business (422).
    #[error("no such service provider: {0}")]
    ProviderNotFound(AccountId),
    /// B3: the employee does not hold `service_provider` (422).
    #[error("{0} is not a service provider")]
    NotAProvider(AccountId),
    /// B3: the provider is invited or deactivated (409 `provider_inactive`).
    #[error("service provider {0} is not active")]
    ProviderInactive(AccountId),
    /// The same provider listed twice (422).
    #[error("service provider {0} is listed twice")]
    DuplicateProvider(AccountId),
    /// B5 (409 `outside_work_hours`).
    #[error("the booking is outside the work hours of {0}")]
    OutsideWorkHours(AccountId),
    /// B4 (409 `double_booking`).
    #[error("{0} already has a booking at that time")]
    DoubleBooking(AccountId),
}

impl ScheduleError {
    /// The stable error code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::TooLong
            | Self::CustomerNotFound
            | Self::ProviderNotFound(_)
            | Self::NotAProvider(_)
            | Self::DuplicateProvider(_) => "validation",
            Self::CustomerArchived => "customer_archived",
            Self::CustomerInactive => "customer_inactive",
            Self::ProviderInactive(_) => "provider_inactive",
            Self::OutsideWorkHours(_) => "outside_work_hours",
            Self::DoubleBooking(_) => "double_booking",
        }
    }

    /// The request field at fault, for validation errors.
    #[must_use]
    pub const fn field(self) -> Option<&'static str> {
        match self {
            Self::TooLong => Some("ends_at"),
            Self::CustomerNotFound => Some("customer_id"),
            Self::ProviderNotFound(_) | Self::NotAProvider(_) | Self::DuplicateProvider(_) => {
                Some("provider_ids")
            }
            _ => None,
        }
    }
}

/// B2: at most [`MAX_BOOKING`] long.
pub fn check_range(range: TimeRange) -> Result<(), ScheduleError> {
    if range.duration() > MAX_BOOKING {
        Err(ScheduleError::TooLong)
    } else {
        Ok(())
    }
}

/// B1, B7: the customer exists in the business, is not archived and not
/// deactivated. `customer` is the account the id named, if any.
pub fn check_customer(customer: Option<&Account>) -> Result<(), ScheduleError> {
    let account = customer.ok_or(ScheduleError::CustomerNotFound)?;
    let profile = account.customer().ok_or(ScheduleError::CustomerNotFound)?;
    if profile.archived_at.is_some() {
        return Err(ScheduleError::CustomerArchived);
    }
    if account.status == AccountStatus::Deactivated {
        return Err(ScheduleError::CustomerInactive);
    }
    Ok(())
}

/// What the caller found out about one requested provider.
#[derive(Clone, Copy, Debug)]
pub struct ProviderFacts<'a> {
    /// The requested id.
    pub id: AccountId,
    /// The account with that id in this business, if any.
    pub account: Option<&'a Account>,
    /// Whether the booking lies within their working time (B5).
    pub within_working_time: bool,
    /// Whether another active booking of theirs overlaps (B4).
    pub has_overlap: bool,
}

/// B3–B5 for every requested provider, in the order given. `override_hours`
/// is B5's administrator override, already authorized by the policy.
pub fn check_providers(
    providers: &[ProviderFacts<'_>],
    override_hours: bool,
) -> Result<(), ScheduleError> {
    for (i, p) in providers.iter().enumerate() {
        if providers[..i].iter().any(|q| q.id == p.id) {
            return Err(ScheduleError::DuplicateProvider(p.id));
        }
        let account = p.account.ok_or(ScheduleError::ProviderNotFound(p.id))?;
        let employee = account
            .employee()
            .ok_or(ScheduleError::ProviderNotFound(p.id))?;
        if !employee.roles.is_provider() {
            return Err(ScheduleError::NotAProvider(p.id));
        }
        if account.status != AccountStatus::Active {
            return Err(ScheduleError::ProviderInactive(p.id));
        }
        if !p.within_working_time && !override_hours {
            return Err(ScheduleError::OutsideWorkHours(p.id));
        }
        if p.has_overlap {
            return Err(ScheduleError::DoubleBooking(p.id));
        }
    }
    Ok(())
}
