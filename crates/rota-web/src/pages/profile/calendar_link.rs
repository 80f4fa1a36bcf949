//! Two-way sync with one's own calendar (issue 19), on the profile page:
//! link a CalDAV calendar with its URL, user name and an app password;
//! then see when its busy times were last read and why the last write or
//! read failed, read it now, or unlink it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::calendar_sync::{CalendarSyncError, LinkedCalendar, NewCalendarLink};
use rota_app::secrecy::SecretString;
use serde::Deserialize;

use super::{ProfilePage, profile_page};
use crate::Web;
use crate::form::{Field, FormView, Posted, refusal, render};
use crate::viewer::Viewer;

/// The section as shown: the linked calendar, or the form to link one.
pub(crate) struct CalendarSection {
    /// What was just done, said where the person is looking.
    pub(crate) notice: Option<&'static str>,
    pub(crate) linked: Option<LinkedView>,
    pub(crate) form: FormView,
}

/// A linked calendar, in words.
pub(crate) struct LinkedView {
    pub(crate) url: String,
    pub(crate) username: String,
    /// "Wednesday 3 December, 14:05", in the business's zone.
    pub(crate) read_at: Option<String>,
    pub(crate) error: Option<String>,
}

fn link_form() -> FormView {
    FormView {
        fields: vec![
            Field::new("calendar_url", "Calendar URL (CalDAV)", "url", "url"),
            Field::new("calendar_username", "User name", "text", "username"),
            Field::new(
                "calendar_password",
                "App password (not your usual password)",
                "password",
                "off",
            ),
        ],
        ..FormView::default()
    }
}

fn shown(viewer: &Viewer, l: LinkedCalendar) -> LinkedView {
    let zone = viewer.business.time_zone.tz().clone();
    LinkedView {
        url: l.url,
        username: l.username,
        read_at: l.busy_read_at.map(|t| {
            t.to_zoned(zone.clone())
                .strftime("%A %-d %B, %H:%M")
                .to_string()
        }),
        error: l.last_error,
    }
}

/// The section for `viewer`, or `None` when this server has no calendar
/// sync or they have no calendar of bookings (customers).
pub(crate) async fn section(
    web: &Web,
    viewer: &Viewer,
    form: Option<FormView>,
) -> Option<CalendarSection> {
    if !web.rota.calendar_sync_on() || !viewer.may_own("rotate_own_calendar_feed") {
        return None;
    }
    let actor = &viewer.who.actor;
    let linked = match web.rota.linked_calendar(actor, actor.id).await {
        Ok(l) => l.map(|l| shown(viewer, l)),
        Err(e) => {
            tracing::warn!(error = %e, "a linked calendar could not be read");
            None
        }
    };
    Some(CalendarSection {
        notice: None,
        linked,
        form: form.unwrap_or_else(link_form),
    })
}

/// The fields are named for the page (their ids are unique there).
#[derive(Deserialize)]
pub(crate) struct LinkForm {
    #[serde(default, rename = "calendar_url")]
    url: String,
    #[serde(default, rename = "calendar_username")]
    username: String,
    #[serde(default, rename = "calendar_password")]
    password: String,
}

async fn again(
    web: &Web,
    viewer: &Viewer,
    csrf: String,
    form: FormView,
    status: StatusCode,
) -> Response {
    let mut page: ProfilePage = profile_page(web, viewer, csrf).await;
    page.calendar = section(web, viewer, Some(form)).await;
    render(status, &page)
}

/// Links a calendar to oneself: it is read first, so a wrong URL or
/// password is said beside the field, here, not found out later.
pub(crate) async fn link(
    State(web): State<Web>,
    viewer: Viewer,
    posted: Posted<LinkForm>,
) -> Response {
    let f = posted.form;
    let mut form = link_form();
    for field in &mut form.fields {
        match field.name {
            "calendar_url" => f.url.clone_into(&mut field.value),
            "calendar_username" => f.username.clone_into(&mut field.value),
            _ => {}
        }
    }
    let actor = &viewer.who.actor;
    let new = NewCalendarLink {
        url: f.url,
        username: f.username,
        password: SecretString::from(f.password),
    };
    match web.rota.link_calendar(actor, actor.id, new).await {
        Ok(_) => Redirect::to("/profile?done=calendar#calendar-sync").into_response(),
        Err(e) => {
            let beside = match &e {
                CalendarSyncError::Invalid { field, message } => {
                    Some((format!("calendar_{field}"), message.clone()))
                }
                CalendarSyncError::Refused(_) => Some((
                    "calendar_password".to_owned(),
                    "The calendar refused this user name and password (or this URL). Check \
                     them, and use an app password made for Rota."
                        .to_owned(),
                )),
                CalendarSyncError::Unreachable(why) => Some((
                    "calendar_url".to_owned(),
                    format!("No calendar answered at this URL ({why}). Check the address."),
                )),
                _ => None,
            };
            let status = if let Some((field, message)) = beside {
                form.refuse(&field, message);
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                let (problem, status) = refusal(&e, "link a calendar");
                form.problem = Some(problem);
                status
            };
            again(&web, &viewer, posted.csrf, form, status).await
        }
    }
}

/// Reads one's linked calendar's busy times now.
pub(crate) async fn refresh(
    State(web): State<Web>,
    viewer: Viewer,
    posted: Posted<Vec<(String, String)>>,
) -> Response {
    let actor = &viewer.who.actor;
    let outcome = web.rota.refresh_calendar(actor, actor.id).await.map(drop);
    answered(
        &web,
        &viewer,
        posted.csrf,
        outcome,
        "calendar_read",
        "read your calendar",
    )
    .await
}

/// Unlinks one's calendar.
pub(crate) async fn remove(
    State(web): State<Web>,
    viewer: Viewer,
    posted: Posted<Vec<(String, String)>>,
) -> Response {
    let actor = &viewer.who.actor;
    let outcome = web.rota.unlink_calendar(actor, actor.id).await.map(drop);
    answered(
        &web,
        &viewer,
        posted.csrf,
        outcome,
        "calendar_unlinked",
        "unlink your calendar",
    )
    .await
}

/// Back to the section saying `done`, or the page again with the refusal.
async fn answered(
    web: &Web,
    viewer: &Viewer,
    csrf: String,
    outcome: Result<(), CalendarSyncError>,
    done: &str,
    what: &str,
) -> Response {
    match outcome {
        Ok(()) => Redirect::to(&format!("/profile?done={done}#calendar-sync")).into_response(),
        Err(e) => {
            let mut form = link_form();
            let (problem, status) = refusal(&e, what);
            form.problem = Some(problem);
            again(web, viewer, csrf, form, status).await
        }
    }
}
