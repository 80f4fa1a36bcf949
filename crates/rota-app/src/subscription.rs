//! The subscription: read it, change the plan, cancel (R5, R7).

use rota_domain::actor::Actor;
use rota_domain::audit::AuditChange;
use rota_domain::plan::{Plan, Subscription};
use rota_domain::policy::{Action, Denied, authorize};
use rota_domain::team::ChangePlanError;

use crate::Rota;
use crate::app::LockedTeam;
use crate::error::classify_by_variant;
use crate::ports::{StoreError, TxMode};

/// The subscription with its seat use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubscriptionView {
    /// Plan and status.
    pub subscription: Subscription,
    /// Providers holding a seat now.
    pub providers: u32,
}

/// Why changing the plan failed.
#[derive(Debug, thiserror::Error)]
pub enum ChangeSubscriptionError {
    /// R5 or R7.
    #[error(transparent)]
    Refused(#[from] ChangePlanError),
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

/// Why reading the subscription failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadSubscriptionError {
    /// Administrators only.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

classify_by_variant!(ChangeSubscriptionError {
    Refused,
    Unexpected
});
classify_by_variant!(ReadSubscriptionError { Denied, Unexpected });

enum Change {
    To(Plan),
    Cancel,
}

impl Rota {
    /// The subscription (administrators).
    pub async fn subscription(
        &self,
        actor: &Actor,
    ) -> Result<SubscriptionView, ReadSubscriptionError> {
        let mut tx = self.begin(TxMode::Read).await?;
        let locked = LockedTeam::read(tx.as_mut(), actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        authorize(actor, &Action::ViewSubscription, &locked.business.settings)?;
        Ok(SubscriptionView {
            subscription: locked.team.subscription(),
            providers: locked.team.seated_providers(),
        })
    }

    /// Moves to another plan (owners, R5); refused with how many providers
    /// must go first when the plan cannot hold them (R7).
    pub async fn change_plan(
        &self,
        actor: &Actor,
        plan: Plan,
    ) -> Result<SubscriptionView, ChangeSubscriptionError> {
        self.change_subscription(actor, Change::To(plan)).await
    }

    /// Cancels the subscription: back to `starter` (owners, R5).
    pub async fn cancel_subscription(
        &self,
        actor: &Actor,
    ) -> Result<SubscriptionView, ChangeSubscriptionError> {
        self.change_subscription(actor, Change::Cancel).await
    }

    async fn change_subscription(
        &self,
        actor: &Actor,
        change: Change,
    ) -> Result<SubscriptionView, ChangeSubscriptionError> {
        let mut tx = self.begin(TxMode::Write).await?;
        let mut locked = LockedTeam::load(tx.as_mut(), actor.business)
            .await?
            .ok_or(ChangePlanError::Denied(Denied::NotFound))?;
        let actor = locked.fresh(actor);
        let from = locked.team.subscription();
        let to = match change {
            Change::To(plan) => locked.team.change_plan(&actor, plan)?,
            Change::Cancel => locked.team.cancel_subscription(&actor)?,
        };
        if to != from {
            locked.business.subscription = to;
            tx.businesses().update(&locked.business).await?;
            let change = AuditChange::PlanChanged {
                from: from.plan,
                to: to.plan,
                status: to.status,
            };
            tx.audit()
                .append(&self.audit_event(actor.business, Some(actor.id), None, change))
                .await?;
        }
        tx.commit().await?;
        Ok(SubscriptionView {
            subscription: to,
            providers: locked.team.seated_providers(),
        })
    }
}
