//! Plans and the subscription (R5, R7). Plans are data: a seat limit, not a
//! code path.

use serde::{Deserialize, Serialize};

/// A subscription plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    /// Free; no provider seats.
    Starter,
    /// Up to 10 provider seats.
    Grow,
    /// Unlimited provider seats.
    ProMax,
}

/// How many service providers a plan holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seats {
    /// At most this many (0 = none at all).
    Limited(u32),
    /// No limit.
    Unlimited,
}

impl Plan {
    /// Every plan, cheapest first.
    pub const ALL: [Plan; 3] = [Plan::Starter, Plan::Grow, Plan::ProMax];

    /// The plan's provider seats.
    #[must_use]
    pub const fn provider_seats(self) -> Seats {
        match self {
            Plan::Starter => Seats::Limited(0),
            Plan::Grow => Seats::Limited(10),
            Plan::ProMax => Seats::Unlimited,
        }
    }

    /// Whether `providers` service providers fit the plan.
    #[must_use]
    pub const fn holds(self, providers: u32) -> bool {
        match self.provider_seats() {
            Seats::Limited(n) => providers <= n,
            Seats::Unlimited => true,
        }
    }

    /// The plan's wire name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Plan::Starter => "starter",
            Plan::Grow => "grow",
            Plan::ProMax => "pro_max",
        }
    }

    /// Parses a wire name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }
}

/// Whether the business pays for its plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    /// On the plan it names.
    Active,
    /// Cancelled by an owner: back on `starter` until a plan is chosen again.
    Cancelled,
}

/// A business's subscription.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Subscription {
    /// The plan in force.
    pub plan: Plan,
    /// Active or cancelled.
    pub status: SubscriptionStatus,
}

impl Subscription {
    /// A new business's subscription: `starter`, active.
    #[must_use]
    pub const fn new_business() -> Self {
        Self {
            plan: Plan::Starter,
            status: SubscriptionStatus::Active,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r7_plans_are_seat_limits() {
        assert!(Plan::Starter.holds(0) && !Plan::Starter.holds(1));
        assert!(Plan::Grow.holds(10) && !Plan::Grow.holds(11));
        assert!(Plan::ProMax.holds(u32::MAX));
        for plan in Plan::ALL {
            assert_eq!(Plan::from_name(plan.as_str()), Some(plan));
        }
    }
}
