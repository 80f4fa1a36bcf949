//! Time tracking (R8 `time_tracking`): clock in and out, list entries.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use rota_app::domain::id::AccountId;
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::time::parse_instant;
use rota_app::domain::time_entry::TimeEntry;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::dto::Check;
use crate::extract::Query;
use crate::problem::Problem;
use crate::session::Signed;

/// A time-tracking entry.
#[derive(Serialize, ToSchema)]
pub struct TimeEntryDto {
    /// Its id.
    pub id: String,
    /// Whose.
    pub employee_id: String,
    /// Clocked in.
    #[schema(value_type = String, format = DateTime)]
    pub clock_in: Timestamp,
    /// Clocked out (absent while clocked in).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub clock_out: Option<Timestamp>,
}

impl From<&TimeEntry> for TimeEntryDto {
    fn from(t: &TimeEntry) -> Self {
        Self {
            id: t.id.to_string(),
            employee_id: t.employee.to_string(),
            clock_in: t.clock_in,
            clock_out: t.clock_out,
        }
    }
}

/// Clocks in (R8 `time_tracking: edit`).
#[utoipa::path(post, path = "/v1/time-entries/clock-in", tag = "time tracking",
    responses((status = CREATED, body = TimeEntryDto), (status = FORBIDDEN, body = Problem),
        (status = CONFLICT, body = Problem)))]
async fn clock_in(
    State(state): State<AppState>,
    Signed(who): Signed,
) -> Result<(StatusCode, Json<TimeEntryDto>), Problem> {
    let t = state.rota.clock_in(&who.actor).await?;
    Ok((StatusCode::CREATED, Json(TimeEntryDto::from(&t))))
}

/// Clocks out.
#[utoipa::path(post, path = "/v1/time-entries/clock-out", tag = "time tracking",
    responses((status = OK, body = TimeEntryDto), (status = FORBIDDEN, body = Problem),
        (status = CONFLICT, body = Problem)))]
async fn clock_out(
    State(state): State<AppState>,
    Signed(who): Signed,
) -> Result<Json<TimeEntryDto>, Problem> {
    let t = state.rota.clock_out(&who.actor).await?;
    Ok(Json(TimeEntryDto::from(&t)))
}

/// The time-entry query.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TimeEntryParams {
    /// Window start (RFC 3339; default: 31 days before `to`).
    pub from: Option<String>,
    /// Window end (RFC 3339; default: 31 days after `from`, or a day from
    /// now when neither is given).
    pub to: Option<String>,
    /// Another employee's (administrators).
    pub employee_id: Option<String>,
    /// Everyone's (administrators).
    #[serde(default)]
    pub all: bool,
}

/// Time entries overlapping a window.
#[utoipa::path(get, path = "/v1/time-entries", tag = "time tracking", params(TimeEntryParams),
    responses((status = OK, body = Vec<TimeEntryDto>), (status = FORBIDDEN, body = Problem),
        (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn time_entries(
    State(state): State<AppState>,
    Signed(who): Signed,
    Query(q): Query<TimeEntryParams>,
) -> Result<Json<Vec<TimeEntryDto>>, Problem> {
    let mut c = Check::default();
    let from = c.optional("from", q.from, |s| parse_instant(&s));
    let to = c.optional("to", q.to, |s| parse_instant(&s));
    let employee = c.optional("employee_id", q.employee_id, |s| s.parse::<AccountId>());
    let range = match (from, to) {
        (Some(f), Some(t)) => c.field("to", state.rota.time_entry_window(f, t)),
        _ => None,
    };
    let (Some(range), Some(employee)) = (range, employee) else {
        return Err(c.problem());
    };
    let all = state
        .rota
        .time_entries(&who.actor, employee, q.all, range)
        .await?;
    Ok(Json(all.iter().map(TimeEntryDto::from).collect()))
}

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(clock_in))
        .routes(routes!(clock_out))
        .routes(routes!(time_entries))
}
