//! The team: everyone who works here, and inviting someone (A6, R7).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::{Classify, ErrorKind};
use serde::Deserialize;

use crate::Web;
use crate::form::{Field, FormView, Posted, form_token, render, render_built, with_cookie};
use crate::viewer::{Viewer, ViewerLine};
use rota_app::domain::account::{Account, AccountStatus};
use rota_app::domain::email::EmailAddress;
use rota_app::domain::name::PersonName;
use rota_app::domain::role::{EmployeeRoles, Role, RoleSet};
use rota_app::employees::{AddEmployeeError, NewEmployee};

use super::Notice;
use crate::form::sentence_of;

// --- Team ----------------------------------------------------------------

/// One member of the team, as listed.
pub(super) struct Member {
    /// The member's page.
    pub(super) href: String,
    /// The work-hours page, for providers.
    pub(super) hours: Option<String>,
    pub(super) name: String,
    pub(super) email: String,
    pub(super) roles: String,
    pub(super) status: &'static str,
}

/// The roles one can invite someone with.
pub(super) const ROLES: [(&str, &str); 3] = [
    ("service_provider", "Service provider"),
    ("administrator", "Administrator"),
    ("both", "Administrator and service provider"),
];

pub(super) fn role_set(value: &str) -> Option<RoleSet> {
    match value {
        "service_provider" => Some(RoleSet::ServiceProvider),
        "administrator" => Some(RoleSet::Administrator),
        "both" => Some(RoleSet::Both),
        _ => None,
    }
}

pub(super) fn describe(account: &Account) -> Member {
    let roles = account.employee().map_or_else(String::new, |e| {
        let set = match e.roles.roles() {
            RoleSet::Administrator => "Administrator",
            RoleSet::ServiceProvider => "Service provider",
            RoleSet::Both => "Administrator and service provider",
        };
        if e.roles.is_owner() {
            format!("{set}, owner")
        } else {
            set.to_owned()
        }
    });
    let provider = account
        .employee()
        .is_some_and(|e| e.roles.roles().contains(Role::ServiceProvider));
    Member {
        href: format!("/console/team/{}", account.id),
        hours: provider.then(|| format!("/console/team/{}/hours", account.id)),
        name: account.display_name(),
        email: account.email.as_str().to_owned(),
        roles,
        status: match account.status {
            AccountStatus::Active => "Active",
            AccountStatus::Invited => "Invited",
            AccountStatus::Deactivated => "Deactivated",
        },
    }
}

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage {
    members: Vec<Member>,
    may_invite: bool,
    form: FormView,
    roles: [(&'static str, &'static str); 3],
    chosen_role: String,
    notice: Option<&'static str>,
    viewer: ViewerLine,
    csrf: String,
}

fn invite_form() -> FormView {
    FormView {
        fields: vec![
            Field::new("name", "Name", "text", "off"),
            Field::new("email", "Email", "email", "off"),
        ],
        ..FormView::default()
    }
}

async fn team(
    web: &Web,
    viewer: &Viewer,
    csrf: String,
    form: FormView,
    chosen: &str,
) -> Result<TeamPage, Response> {
    let members = match web.rota.list_employees(&viewer.who.actor).await {
        Ok(all) => all.iter().map(describe).collect(),
        Err(e) if e.kind() == ErrorKind::Forbidden => {
            return Err(Redirect::to("/console").into_response());
        }
        Err(e) => {
            tracing::error!(error = %e, "the team could not be read");
            return Err((StatusCode::SERVICE_UNAVAILABLE, "try again in a moment").into_response());
        }
    };
    Ok(TeamPage {
        members,
        may_invite: viewer.may("add_employee"),
        form,
        roles: ROLES,
        chosen_role: chosen.to_owned(),
        notice: None,
        viewer: viewer.line(),
        csrf,
    })
}

pub(super) async fn page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(q): Query<Notice>,
    viewer: Viewer,
) -> Response {
    let (csrf, set) = form_token(&web, &headers);
    match team(&web, &viewer, csrf, invite_form(), "service_provider").await {
        Ok(mut page) => {
            if q.done.as_deref() == Some("invited") {
                page.notice = Some("Invitation sent.");
            }
            with_cookie(render(StatusCode::OK, &page), set)
        }
        Err(r) => r,
    }
}

#[derive(Deserialize)]
pub(super) struct InviteForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    roles: String,
}

pub(super) async fn invite(
    State(web): State<Web>,
    viewer: Viewer,
    posted: Posted<InviteForm>,
) -> Response {
    let f = posted.form;
    let mut form = invite_form();
    form.fields[0] = form.fields[0].clone().typed(&f.name);
    form.fields[1] = form.fields[1].clone().typed(&f.email);
    let name = PersonName::parse(&f.name);
    let email = EmailAddress::parse(&f.email);
    if let Err(e) = &name {
        form.refuse("name", sentence_of(e));
    }
    if let Err(e) = &email {
        form.refuse("email", sentence_of(e));
    }
    let roles = role_set(&f.roles).and_then(|r| EmployeeRoles::new(r, false).ok());
    if roles.is_none() {
        form.problem = Some("Choose a role.".into());
    }
    let (Ok(name), Ok(email), Some(roles)) = (name, email, roles) else {
        return render_built(
            team(&web, &viewer, posted.csrf, form, &f.roles).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let new = NewEmployee {
        name,
        email,
        phone: None,
        roles,
    };
    match web.rota.add_employee(&viewer.who.actor, new).await {
        Ok(_) => Redirect::to("/console/team?done=invited").into_response(),
        Err(AddEmployeeError::EmailTaken) => {
            form.refuse("email", "Someone in this business already has that email.");
            render_built(
                team(&web, &viewer, posted.csrf, form, &f.roles).await,
                StatusCode::CONFLICT,
            )
        }
        Err(e) => {
            let status = match e.kind() {
                ErrorKind::Forbidden => StatusCode::FORBIDDEN,
                ErrorKind::Conflict => StatusCode::CONFLICT,
                _ => StatusCode::SERVICE_UNAVAILABLE,
            };
            form.problem = Some(match e.code() {
                "plan_required" => "Your plan has no seats for service providers. Move to Grow on the Subscription page first.".into(),
                "plan_limit" => "Every provider seat of your plan is taken. Choose a bigger plan on the Subscription page, or deactivate someone first.".into(),
                "forbidden" | "owner_protected" => "You may not add this person.".into(),
                _ => {
                    tracing::error!(error = %e, "an employee could not be added");
                    "Something went wrong on our side. Please try again in a moment.".into()
                }
            });
            render_built(
                team(&web, &viewer, posted.csrf, form, &f.roles).await,
                status,
            )
        }
    }
}
