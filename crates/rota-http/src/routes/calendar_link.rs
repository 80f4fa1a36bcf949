//! Two-way calendar sync (issue 19): an employee's linked CalDAV calendar.
//! `PUT /v1/employees/{id}/calendar-link` links one (checked by reading it
//! first), `GET` shows it (never its password), `DELETE` unlinks it, and
//! `POST …/refresh` reads its busy times now.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rota_app::calendar_sync::{CalendarSyncError, LinkedCalendar, NewCalendarLink};
use rota_app::domain::jiff::Timestamp;
use rota_app::secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::extract::{Body, id};
use crate::problem::Problem;
use crate::session::Signed;

/// A calendar to link.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarLinkBody {
    /// The calendar collection's URL, e.g.
    /// `https://caldav.fastmail.com/dav/calendars/user/pat@example.com/Default/`
    /// (`https://`, or `http://` to this machine).
    pub url: String,
    /// The calendar account's user name.
    pub username: String,
    /// An app password or token for it (kept sealed; never shown again).
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
}

/// A linked calendar.
#[derive(Serialize, ToSchema)]
pub struct CalendarLinkDto {
    /// The calendar collection's URL.
    pub url: String,
    /// The calendar account's user name.
    pub username: String,
    /// When it was linked.
    #[schema(value_type = String, format = DateTime)]
    pub linked_at: Timestamp,
    /// When its busy times were last read (every few minutes).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub busy_read_at: Option<Timestamp>,
    /// Why the last write or read failed, until one succeeds.
    pub last_error: Option<String>,
}

impl From<LinkedCalendar> for CalendarLinkDto {
    fn from(l: LinkedCalendar) -> Self {
        Self {
            url: l.url,
            username: l.username,
            linked_at: l.linked_at,
            busy_read_at: l.busy_read_at,
            last_error: l.last_error,
        }
    }
}

/// A field's problem beside it; the rest as any use case's.
fn problem(e: CalendarSyncError) -> Problem {
    match e {
        CalendarSyncError::Invalid { field, message } => Problem::field(field, "invalid", message),
        other => other.into(),
    }
}

/// The employee's linked calendar (administrators; the employee
/// themselves); 404 when none is linked.
#[utoipa::path(get, path = "/v1/employees/{id}/calendar-link", tag = "team",
    params(("id" = String, Path, description = "Employee id")),
    responses((status = OK, body = CalendarLinkDto), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem)))]
async fn show(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
) -> Result<Json<CalendarLinkDto>, Problem> {
    let link = state
        .rota
        .linked_calendar(&who.actor, id(&raw)?)
        .await
        .map_err(problem)?;
    link.map(|l| Json(l.into())).ok_or_else(Problem::not_found)
}

/// Links a CalDAV calendar to the employee (Google through its CalDAV
/// API, iCloud, Fastmail, Nextcloud, Radicale), replacing any linked
/// before. The calendar is read first: 422 `calendar_refused` for wrong
/// credentials or URL, `calendar_unreachable` when it does not answer as
/// CalDAV. Then the employee's bookings go into it within seconds of each
/// change, and its own events stop customers booking them at those times.
#[utoipa::path(put, path = "/v1/employees/{id}/calendar-link", tag = "team",
    params(("id" = String, Path, description = "Employee id")),
    request_body = CalendarLinkBody,
    responses((status = OK, body = CalendarLinkDto), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem),
        (status = CONFLICT, description = "`calendar_sync_off`: this server has no calendar sync", body = Problem),
        (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn link(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
    Body(body): Body<CalendarLinkBody>,
) -> Result<Json<CalendarLinkDto>, Problem> {
    let new = NewCalendarLink {
        url: body.url,
        username: body.username,
        password: body.password,
    };
    let linked = state
        .rota
        .link_calendar(&who.actor, id(&raw)?, new)
        .await
        .map_err(problem)?;
    Ok(Json(linked.into()))
}

/// Unlinks the employee's calendar and forgets its busy times; the events
/// already written stay in it. 204 whether or not one was linked.
#[utoipa::path(delete, path = "/v1/employees/{id}/calendar-link", tag = "team",
    params(("id" = String, Path, description = "Employee id")),
    responses((status = NO_CONTENT), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem)))]
async fn unlink(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
) -> Result<StatusCode, Problem> {
    state
        .rota
        .unlink_calendar(&who.actor, id(&raw)?)
        .await
        .map_err(problem)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reads the linked calendar's busy times now (they are read every few
/// minutes anyway).
#[utoipa::path(post, path = "/v1/employees/{id}/calendar-link/refresh", tag = "team",
    params(("id" = String, Path, description = "Employee id")),
    responses((status = OK, body = CalendarLinkDto), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem), (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn refresh(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
) -> Result<Json<CalendarLinkDto>, Problem> {
    let read = state
        .rota
        .refresh_calendar(&who.actor, id(&raw)?)
        .await
        .map_err(problem)?;
    Ok(Json(read.into()))
}

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(show, link, unlink))
        .routes(routes!(refresh))
}
