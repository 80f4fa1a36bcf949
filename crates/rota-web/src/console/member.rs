//! One member of the team (U2): their roles (R3, R4), ownership granted or
//! revoked by owners (R5, R6), deactivation and reactivation (A6), a
//! password reset sent for them, a link to their work hours and their time
//! off (W2). Only the actions the viewer may take are shown (U6).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::domain::account::{AccountStatus, Text};
use rota_app::domain::id::{AccountId, TimeOffId};
use rota_app::domain::jiff::civil::Date;
use rota_app::domain::role::EmployeeRoles;
use rota_app::domain::time_off::Absence;
use rota_app::employees::EmployeeChanges;
use rota_app::{Classify, ErrorKind};
use serde::Deserialize;

use super::Notice;
use super::team::{ROLES, describe, role_set};
use crate::Web;
use crate::form::{Posted, form_token, refusal, render, render_built, with_cookie};
use crate::refused::Asked;
use crate::viewer::{Viewer, ViewerLine};

/// A day or days off, as listed.
struct Off {
    id: String,
    when: String,
    note: String,
}

/// What the time-off form had typed.
#[derive(Deserialize, Default)]
pub(super) struct OffForm {
    #[serde(default)]
    first: String,
    #[serde(default)]
    last: String,
    #[serde(default)]
    note: String,
}

/// The part about a provider's own calendar.
struct TheirCalendar {
    /// `None` when none is linked.
    linked: Option<LinkedLine>,
}

/// A provider's linked calendar, as their administrator sees it.
struct LinkedLine {
    url: String,
    read_at: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "member.html")]
#[allow(
    clippy::struct_excessive_bools,
    reason = "the switches of one template: what the viewer may do and what the member is"
)]
struct MemberPage {
    roles_offered: &'static [(&'static str, &'static str)],
    id: String,
    name: String,
    email: String,
    roles: String,
    status: &'static str,
    hours: Option<String>,
    role: &'static str,
    owner: bool,
    may_edit: bool,
    /// Whether the viewer may change this member's time off (an
    /// administrator, or they themselves with R8 `work_hours=edit`).
    may_edit_calendar: bool,
    /// Whether "back to the team" leads anywhere for the viewer.
    may_list_team: bool,
    may_own: bool,
    /// Not the viewer themselves (nobody deactivates themselves here).
    other: bool,
    deactivated: bool,
    time_off: Vec<Off>,
    /// Their linked calendar, for an administrator looking at a provider
    /// (`None` when it is not shown); the inner `None` when none is linked.
    calendar: Option<TheirCalendar>,
    typed: OffForm,
    notice: Option<&'static str>,
    problem: Option<String>,
    viewer: ViewerLine,
    csrf: String,
}

async fn member(
    web: &Web,
    headers: &HeaderMap,
    viewer: &Viewer,
    id: &str,
    csrf: String,
) -> Result<MemberPage, Response> {
    let asked = Asked {
        noun: "team member",
        back: "/console",
        back_label: "Back to the console",
    };
    let gone = |kind| crate::refused::refused(web, headers, viewer, kind, &asked);
    let id: AccountId = id.parse().map_err(|_| gone(ErrorKind::NotFound))?;
    let actor = &viewer.who.actor;
    let a = match web.rota.employee(actor, id).await {
        Ok(a) => a,
        Err(e) => return Err(gone(e.kind())),
    };
    let shown = describe(&a);
    let roles = a.employee().map(|e| e.roles);
    let provider = roles.is_some_and(EmployeeRoles::is_provider);
    let zone = &viewer.business.time_zone;
    let time_off = if provider {
        web.rota
            .time_off(actor, id)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|t| Off {
                id: t.id.to_string(),
                when: when_of(&t.absence, zone),
                note: t.note.map(|n| n.as_str().to_owned()).unwrap_or_default(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let may_edit = viewer.may("add_employee");
    let calendar = if provider && may_edit && actor.id != a.id && web.rota.calendar_sync_on() {
        let linked = web.rota.linked_calendar(actor, id).await.ok().flatten();
        Some(TheirCalendar {
            linked: linked.map(|l| LinkedLine {
                url: l.url,
                read_at: l.busy_read_at.map_or_else(
                    || "not yet".to_owned(),
                    |t| {
                        t.to_zoned(zone.tz().clone())
                            .strftime("%A %-d %B, %H:%M")
                            .to_string()
                    },
                ),
                error: l.last_error,
            }),
        })
    } else {
        None
    };
    let may_edit_calendar = if actor.id == a.id {
        viewer.may_own("edit_own_work_hours")
    } else {
        may_edit
    };
    Ok(MemberPage {
        roles_offered: &ROLES,
        id: a.id.to_string(),
        name: shown.name,
        email: shown.email,
        roles: shown.roles,
        status: shown.status,
        hours: shown.hours,
        role: roles.map_or("service_provider", |r| {
            match (r.is_administrator(), r.is_provider()) {
                (true, true) => "both",
                (true, false) => "administrator",
                _ => "service_provider",
            }
        }),
        owner: roles.is_some_and(EmployeeRoles::is_owner),
        may_edit,
        may_edit_calendar,
        may_list_team: viewer.may("list_employees"),
        may_own: actor.is_owner(),
        other: actor.id != a.id,
        deactivated: a.status == AccountStatus::Deactivated,
        time_off,
        calendar,
        typed: OffForm::default(),
        notice: None,
        problem: None,
        viewer: viewer.line(),
        csrf,
    })
}

pub(super) async fn page(
    State(web): State<Web>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Notice>,
    viewer: Viewer,
) -> Response {
    let (csrf, set) = form_token(&web, &headers);
    match member(&web, &headers, &viewer, &id, csrf).await {
        Ok(mut page) => {
            page.notice = match q.done.as_deref() {
                Some("roles") => Some("Roles saved."),
                Some("owner-grant") => Some("They are now an owner."),
                Some("owner-revoke") => Some("They are no longer an owner."),
                Some("deactivate") => Some("Deactivated: they are signed out and cannot sign in."),
                Some("reactivate") => Some("Reactivated."),
                Some("reset") => Some("A password reset link is on its way to them."),
                Some("time-off") => Some("Time off saved."),
                Some("time-off-removed") => Some("Time off removed."),
                Some("calendar-unlink") => {
                    Some("Their calendar is unlinked: Rota no longer writes to it or reads it.")
                }
                _ => None,
            };
            with_cookie(render(StatusCode::OK, &page), set)
        }
        Err(r) => r,
    }
}

/// When a time-off entry or closure applies, in words (times in `zone`).
pub(super) fn when_of(absence: &Absence, zone: &rota_app::domain::business::Zone) -> String {
    match *absence {
        Absence::Days { first, last } if first == last => {
            first.strftime("%a %-d %b %Y").to_string()
        }
        Absence::Days { first, last } => format!(
            "{} to {}",
            first.strftime("%a %-d %b %Y"),
            last.strftime("%a %-d %b %Y")
        ),
        Absence::Weekly { weekday, interval } => format!(
            "Every {weekday:?}, {}–{}",
            interval.start().strftime("%H:%M"),
            interval.end().strftime("%H:%M")
        ),
        Absence::Range { range } => format!(
            "{} to {}",
            range
                .start()
                .to_zoned(zone.tz().clone())
                .strftime("%a %-d %b %Y %H:%M"),
            range
                .end()
                .to_zoned(zone.tz().clone())
                .strftime("%a %-d %b %Y %H:%M")
        ),
    }
}

/// The page again, with a refusal said (and the time-off form as typed).
async fn refused(
    web: &Web,
    viewer: &Viewer,
    id: &str,
    csrf: String,
    (problem, status): (String, StatusCode),
    typed: OffForm,
) -> Response {
    let page = member(web, &HeaderMap::new(), viewer, id, csrf)
        .await
        .map(|mut p| {
            p.problem = Some(problem);
            p.typed = typed;
            p
        });
    render_built(page, status)
}

fn done(id: &str, what: &str) -> Response {
    Redirect::to(&format!("/console/team/{id}?done={what}")).into_response()
}

#[derive(Deserialize)]
pub(super) struct RolesForm {
    #[serde(default)]
    roles: String,
}

/// New roles (R3: someone keeps at least one; R4: the last administrator
/// stays one).
pub(super) async fn save_roles(
    State(web): State<Web>,
    Path(id): Path<String>,
    viewer: Viewer,
    posted: Posted<RolesForm>,
) -> Response {
    let (Some(roles), Ok(account)) = (role_set(&posted.form.roles), id.parse::<AccountId>()) else {
        let said = (
            "Choose one of the roles.".to_owned(),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
        return refused(&web, &viewer, &id, posted.csrf, said, OffForm::default()).await;
    };
    let changes = EmployeeChanges {
        roles: Some(roles),
        ..EmployeeChanges::default()
    };
    match web
        .rota
        .update_employee(&viewer.who.actor, account, changes)
        .await
    {
        Ok(_) => done(&id, "roles"),
        Err(e) => {
            let said = refusal(&e, "change their roles");
            refused(&web, &viewer, &id, posted.csrf, said, OffForm::default()).await
        }
    }
}

/// Ownership, deactivation, reactivation, a password reset.
pub(super) async fn act(
    State(web): State<Web>,
    Path((id, action)): Path<(String, String)>,
    viewer: Viewer,
    posted: Posted<Vec<(String, String)>>,
) -> Response {
    let Ok(account) = id.parse::<AccountId>() else {
        return Redirect::to("/console/team").into_response();
    };
    let actor = &viewer.who.actor;
    let owner = |owner: bool| EmployeeChanges {
        owner: Some(owner),
        ..EmployeeChanges::default()
    };
    let said = match action.as_str() {
        "owner-grant" | "owner-revoke" => web
            .rota
            .update_employee(actor, account, owner(action == "owner-grant"))
            .await
            .map(drop)
            .map_err(|e| refusal(&e, "change who owns the business")),
        "deactivate" => web
            .rota
            .deactivate_employee(actor, account)
            .await
            .map(drop)
            .map_err(|e| refusal(&e, "deactivate them")),
        "reactivate" => web
            .rota
            .reactivate_employee(actor, account)
            .await
            .map(drop)
            .map_err(|e| refusal(&e, "reactivate them")),
        "reset" => web
            .rota
            .send_password_reset(actor, account)
            .await
            .map_err(|e| refusal(&e, "send them a password reset")),
        "calendar-unlink" => web
            .rota
            .unlink_calendar(actor, account)
            .await
            .map(drop)
            .map_err(|e| refusal(&e, "unlink their calendar")),
        _ => return done(&id, ""),
    };
    match said {
        Ok(()) => done(&id, &action),
        Err(said) => refused(&web, &viewer, &id, posted.csrf, said, OffForm::default()).await,
    }
}

/// A day or days off (W2), whole days in the business's zone.
pub(super) async fn add_time_off(
    State(web): State<Web>,
    Path(id): Path<String>,
    viewer: Viewer,
    posted: Posted<OffForm>,
) -> Response {
    let f = posted.form;
    let first = f.first.parse::<Date>();
    let last = if f.last.trim().is_empty() {
        first.clone()
    } else {
        f.last.parse::<Date>()
    };
    let parsed = match (first, last, Text::parse(&f.note), id.parse::<AccountId>()) {
        (Ok(first), Ok(last), Ok(note), Ok(account)) => {
            Ok((Absence::Days { first, last }, note, account))
        }
        (Err(_), _, _, _) => Err("Enter the first day off."),
        (_, Err(_), _, _) => Err("Enter the last day off, or leave it empty for one day."),
        (_, _, Err(_), _) => Err("The note is at most 2,000 characters."),
        (_, _, _, Err(_)) => return Redirect::to("/console/team").into_response(),
    };
    let (absence, note, account) = match parsed {
        Ok(p) => p,
        Err(problem) => {
            let said = (problem.to_owned(), StatusCode::UNPROCESSABLE_ENTITY);
            return refused(&web, &viewer, &id, posted.csrf, said, f).await;
        }
    };
    match web
        .rota
        .add_time_off(&viewer.who.actor, account, absence, note)
        .await
    {
        Ok(_) => done(&id, "time-off"),
        Err(e) => {
            let said = refusal(&e, "change their time off");
            refused(&web, &viewer, &id, posted.csrf, said, f).await
        }
    }
}

/// Removes a day or days off.
pub(super) async fn remove_time_off(
    State(web): State<Web>,
    Path((id, off)): Path<(String, String)>,
    viewer: Viewer,
    posted: Posted<Vec<(String, String)>>,
) -> Response {
    let (Ok(account), Ok(off)) = (id.parse::<AccountId>(), off.parse::<TimeOffId>()) else {
        return Redirect::to("/console/team").into_response();
    };
    match web
        .rota
        .delete_time_off(&viewer.who.actor, account, off)
        .await
    {
        Ok(()) => done(&id, "time-off-removed"),
        Err(e) => {
            let said = refusal(&e, "change their time off");
            refused(&web, &viewer, &id, posted.csrf, said, OffForm::default()).await
        }
    }
}
