//! The audit log (U2, A8): who did what to whom, newest first, paged.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::domain::account::AccountStatus;
use rota_app::domain::audit::AuditChange;
use rota_app::domain::id::AccountId;
use rota_app::domain::role::RoleSet;
use rota_app::page::Limit;
use rota_app::{Classify, ErrorKind};
use serde::Deserialize;

use crate::Web;
use crate::form::{form_token, render, with_cookie};
use crate::viewer::{Viewer, ViewerLine, url_encode};

/// One entry, in words.
struct Entry {
    when: String,
    who: String,
    what: String,
    whom: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    entries: Vec<Entry>,
    zone: String,
    more: Option<String>,
    viewer: ViewerLine,
    csrf: String,
}

#[derive(Deserialize, Default)]
pub(super) struct AuditQuery {
    cursor: Option<String>,
}

fn roles(set: RoleSet) -> &'static str {
    match set {
        RoleSet::Administrator => "administrator",
        RoleSet::ServiceProvider => "service provider",
        RoleSet::Both => "administrator and service provider",
    }
}

fn status(status: AccountStatus) -> &'static str {
    match status {
        AccountStatus::Invited => "invited",
        AccountStatus::Active => "active",
        AccountStatus::Deactivated => "deactivated",
    }
}

/// What changed, as a sentence without its subject.
fn what(change: &AuditChange) -> String {
    match change {
        AuditChange::BusinessCreated => "created the business".into(),
        AuditChange::EmployeeAdded { roles: r, owner } => format!(
            "invited as {}{}",
            roles(*r),
            if *owner { ", owner" } else { "" }
        ),
        AuditChange::RolesChanged { from, to } => {
            format!("changed roles from {} to {}", roles(*from), roles(*to))
        }
        AuditChange::OwnershipChanged { owner: true } => "made an owner".into(),
        AuditChange::OwnershipChanged { owner: false } => "ownership revoked".into(),
        AuditChange::StatusChanged { from, to } => {
            format!("status changed from {} to {}", status(*from), status(*to))
        }
        AuditChange::PlanChanged { from, to, .. } => {
            format!("plan changed from {} to {}", from.as_str(), to.as_str())
        }
        AuditChange::AccessRightsChanged { .. } => "changed the providers' access rights".into(),
        AuditChange::BusinessSettingsChanged => "changed the business's settings".into(),
        AuditChange::PasswordChanged => "changed their password".into(),
        AuditChange::PasswordReset => "reset their password".into(),
        AuditChange::PasswordResetSent => "sent a password reset link".into(),
        AuditChange::InvitationAccepted => "accepted the invitation".into(),
        AuditChange::CustomerCreated => "added a customer".into(),
        AuditChange::CustomersImported { created, updated } => {
            format!("imported customers ({created} new, {updated} updated)")
        }
        AuditChange::CustomerArchived => "archived a customer".into(),
        AuditChange::CustomerRestored => "restored a customer".into(),
        AuditChange::CustomerErased => "erased a customer's personal data".into(),
        AuditChange::PaymentRequested { reference, .. } => {
            format!("asked a customer to pay ({reference})")
        }
        AuditChange::ClosureAdded => "added a closure".into(),
        AuditChange::ClosureRemoved => "removed a closure".into(),
        AuditChange::CustomerInvited => "invited a customer to the portal".into(),
        AuditChange::SignInFailures { count } => format!("{count} failed sign-ins"),
        AuditChange::EmailChangeRequested => "asked for a new email address".into(),
        AuditChange::EmailChanged { from, to } => format!("email changed from {from} to {to}"),
    }
}

pub(super) async fn page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(q): Query<AuditQuery>,
    viewer: Viewer,
) -> Response {
    let actor = &viewer.who.actor;
    let page = match web
        .rota
        .audit_events(actor, q.cursor.as_deref(), Limit::default())
        .await
    {
        Ok(page) => page,
        Err(e) if e.kind() == ErrorKind::Forbidden => {
            return Redirect::to("/console").into_response();
        }
        Err(e) if e.kind() == ErrorKind::Invalid => {
            return Redirect::to("/console/audit").into_response();
        }
        Err(e) => {
            tracing::error!(error = %e, "the audit log could not be read");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "The audit log could not be read just now. Please reload the page in a moment.",
            )
                .into_response();
        }
    };
    // Names: the team at once, customers one by one (a page is 50 entries).
    let mut names: HashMap<AccountId, String> = web
        .rota
        .list_employees(actor)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|a| (a.id, a.display_name()))
        .collect();
    let mut mentioned: Vec<AccountId> = Vec::new();
    for e in &page.items {
        mentioned.extend(e.actor);
        mentioned.extend(e.subject);
    }
    for id in mentioned {
        if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(id) {
            slot.insert(match web.rota.customer(actor, id).await {
                Ok(a) => a.display_name(),
                Err(_) => "someone no longer here".to_owned(),
            });
        }
    }
    let name = |id: Option<AccountId>, nobody: &str| {
        id.and_then(|id| names.get(&id).cloned())
            .unwrap_or_else(|| nobody.to_owned())
    };
    let zone = viewer.business.time_zone.clone();
    let entries = page
        .items
        .iter()
        .map(|e| Entry {
            when: e
                .at
                .to_zoned(zone.tz().clone())
                .strftime("%a %-d %b %Y, %H:%M")
                .to_string(),
            who: name(e.actor, "Rota"),
            what: what(&e.change),
            whom: e.subject.map(|id| name(Some(id), "")).unwrap_or_default(),
        })
        .collect();
    let (csrf, set) = form_token(&web, &headers);
    let shown = AuditPage {
        entries,
        zone: zone.to_string(),
        more: page
            .next_cursor
            .map(|c| format!("/console/audit?cursor={}", url_encode(&c))),
        viewer: viewer.line(),
        csrf,
    };
    with_cookie(render(StatusCode::OK, &shown), set)
}
