//! The subscription (R5): plan and seats for every administrator; change
//! and cancel for owners only.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::{Classify, ErrorKind};
use serde::Deserialize;

use crate::Web;
use crate::form::{Posted, form_token, render, with_cookie};
use crate::viewer::{Viewer, ViewerLine};
use rota_app::domain::plan::{Plan, Seats, SubscriptionStatus};
use rota_app::subscription::{ChangeSubscriptionError, SubscriptionView};

use super::Notice;

/// A plan as people read it.
fn plan_label(plan: Plan) -> &'static str {
    match plan {
        Plan::Starter => "Starter — free, no provider seats",
        Plan::Grow => "Grow — up to 10 providers",
        Plan::ProMax => "Pro Max — unlimited providers",
    }
}

#[derive(Template)]
#[template(path = "subscription.html")]
struct SubscriptionPage {
    plan: &'static str,
    status: &'static str,
    seats: String,
    may_change: bool,
    may_cancel: bool,
    plans: Vec<(&'static str, &'static str)>,
    notice: Option<&'static str>,
    problem: Option<String>,
    viewer: ViewerLine,
    csrf: String,
}

impl SubscriptionPage {
    fn new(view: SubscriptionView, viewer: &Viewer, csrf: String) -> Self {
        let current = view.subscription.plan;
        let seats = match current.provider_seats() {
            Seats::Limited(n) => format!("{} of {n} in use", view.providers),
            Seats::Unlimited => format!("{} in use, no limit", view.providers),
        };
        Self {
            plan: plan_label(current),
            status: match view.subscription.status {
                SubscriptionStatus::Active => "Active",
                SubscriptionStatus::Cancelled => "Cancelled",
            },
            seats,
            may_change: viewer.may("change_plan"),
            may_cancel: viewer.may("cancel_subscription")
                && view.subscription.status == SubscriptionStatus::Active
                && current != Plan::Starter,
            plans: Plan::ALL
                .into_iter()
                .filter(|p| *p != current)
                .map(|p| (p.as_str(), plan_label(p)))
                .collect(),
            notice: None,
            problem: None,
            viewer: viewer.line(),
            csrf,
        }
    }
}

pub(super) async fn page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(q): Query<Notice>,
    viewer: Viewer,
) -> Response {
    let view = match web.rota.subscription(&viewer.who.actor).await {
        Ok(v) => v,
        Err(e) if e.kind() == ErrorKind::Forbidden => {
            return Redirect::to("/console").into_response();
        }
        Err(e) => {
            tracing::error!(error = %e, "the subscription could not be read");
            return (StatusCode::SERVICE_UNAVAILABLE, "try again in a moment").into_response();
        }
    };
    let (csrf, set) = form_token(&web, &headers);
    let mut page = SubscriptionPage::new(view, &viewer, csrf);
    page.notice = match q.done.as_deref() {
        Some("changed") => Some("The plan is changed."),
        Some("cancelled") => Some("The subscription is cancelled: the business is on Starter."),
        _ => None,
    };
    with_cookie(render(StatusCode::OK, &page), set)
}

#[derive(Deserialize)]
pub(super) struct PlanForm {
    #[serde(default)]
    plan: String,
}

/// Shows the page again with `problem`, after a refused change.
async fn refused(
    web: &Web,
    viewer: &Viewer,
    csrf: String,
    problem: String,
    status: StatusCode,
) -> Response {
    match web.rota.subscription(&viewer.who.actor).await {
        Ok(view) => {
            let mut page = SubscriptionPage::new(view, viewer, csrf);
            page.problem = Some(problem);
            render(status, &page)
        }
        Err(_) => (status, problem).into_response(),
    }
}

/// The sentence for a refused change.
fn sentence(e: &ChangeSubscriptionError) -> (String, StatusCode) {
    match e.kind() {
        ErrorKind::Forbidden => (
            "Only an owner of the business can change or cancel the plan.".into(),
            StatusCode::FORBIDDEN,
        ),
        ErrorKind::Conflict => (format!("{e}."), StatusCode::CONFLICT),
        _ => {
            tracing::error!(error = %e, "the plan could not be changed");
            (
                "Something went wrong on our side. Please try again in a moment.".into(),
                StatusCode::SERVICE_UNAVAILABLE,
            )
        }
    }
}

pub(super) async fn change_plan(
    State(web): State<Web>,
    viewer: Viewer,
    posted: Posted<PlanForm>,
) -> Response {
    let Some(plan) = Plan::from_name(&posted.form.plan) else {
        let problem = "Choose one of the plans.".to_owned();
        return refused(
            &web,
            &viewer,
            posted.csrf,
            problem,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match web.rota.change_plan(&viewer.who.actor, plan).await {
        Ok(_) => Redirect::to("/console/subscription?done=changed").into_response(),
        Err(e) => {
            let (problem, status) = sentence(&e);
            refused(&web, &viewer, posted.csrf, problem, status).await
        }
    }
}

#[derive(Deserialize)]
pub(super) struct CancelForm {
    #[serde(default)]
    confirm: String,
}

pub(super) async fn cancel(
    State(web): State<Web>,
    viewer: Viewer,
    posted: Posted<CancelForm>,
) -> Response {
    if posted.form.confirm != "yes" {
        let problem = "Tick “Yes, cancel the subscription” to cancel it.".to_owned();
        return refused(
            &web,
            &viewer,
            posted.csrf,
            problem,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match web.rota.cancel_subscription(&viewer.who.actor).await {
        Ok(_) => Redirect::to("/console/subscription?done=cancelled").into_response(),
        Err(e) => {
            let (problem, status) = sentence(&e);
            refused(&web, &viewer, posted.csrf, problem, status).await
        }
    }
}
