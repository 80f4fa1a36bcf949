//! One's own time (U3, R8 `time_tracking`): clock in and out, and the
//! entries of the last month with their total. `view` shows the entries,
//! `edit` adds the clock; `off` hides both (and the use cases refuse them,
//! reading included).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::domain::business::Zone;
use rota_app::domain::jiff::{SignedDuration, Timestamp};
use rota_app::domain::time_entry::TimeEntry;
use rota_app::time_tracking::TimeTrackingError;
use rota_app::{Classify, ErrorKind};
use serde::Deserialize;

use super::Notice;
use crate::Web;
use crate::form::{Posted, form_token, render, with_cookie};
use crate::refused::{Asked, refused};
use crate::viewer::{Viewer, ViewerLine};

/// Whether the viewer is clocked in, and whether they may use the clock.
pub(super) struct Clock {
    /// "since 08:03" when clocked in.
    pub(super) since: Option<String>,
    pub(super) may_track: bool,
}

/// One entry as a row.
struct Entry {
    day: String,
    from: String,
    to: String,
    worked: String,
}

#[derive(Template)]
#[template(path = "time.html")]
struct TimePage {
    zone: String,
    entries: Vec<Entry>,
    total: String,
    clock: Clock,
    notice: Option<&'static str>,
    problem: Option<&'static str>,
    viewer: ViewerLine,
    csrf: String,
}

/// A length of time as "7 h 05 min".
fn worked(d: SignedDuration) -> String {
    let minutes = d.as_secs().max(0) / 60;
    format!("{} h {:02} min", minutes / 60, minutes % 60)
}

async fn entries(web: &Web, viewer: &Viewer) -> Result<Vec<TimeEntry>, TimeTrackingError> {
    let range = web
        .rota
        .time_entry_window(None, None)
        .map_err(|_| TimeTrackingError::Denied(rota_app::domain::policy::Denied::NotFound))?;
    web.rota
        .time_entries(&viewer.who.actor, None, false, range)
        .await
}

fn clock_of(entries: &[TimeEntry], viewer: &Viewer, zone: &Zone) -> Clock {
    Clock {
        since: entries.iter().find(|e| e.clock_out.is_none()).map(|e| {
            e.clock_in
                .to_zoned(zone.tz().clone())
                .strftime("%H:%M")
                .to_string()
        }),
        may_track: viewer.may("track_own_time"),
    }
}

/// The clock for another page (one's day), when `time_tracking` shows it.
pub(super) async fn clock(web: &Web, viewer: &Viewer) -> Option<Clock> {
    if !viewer.may("view_own_time_entries") {
        return None;
    }
    let entries = entries(web, viewer).await.ok()?;
    Some(clock_of(&entries, viewer, &viewer.business.time_zone))
}

pub(super) async fn page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(q): Query<Notice>,
    viewer: Viewer,
) -> Response {
    let notice = match q.done.as_deref() {
        Some("clocked-in") => Some("You are clocked in."),
        Some("clocked-out") => Some("You are clocked out."),
        _ => None,
    };
    time_page(&web, &headers, &viewer, notice, None).await
}

/// The page, with a notice or a refusal (and its status) on it.
async fn time_page(
    web: &Web,
    headers: &HeaderMap,
    viewer: &Viewer,
    notice: Option<&'static str>,
    problem: Option<(StatusCode, &'static str)>,
) -> Response {
    let asked = Asked {
        noun: "time sheet",
        back: "/console",
        back_label: "Back to the console",
    };
    let list = match entries(web, viewer).await {
        Ok(list) => list,
        Err(e) if matches!(e.kind(), ErrorKind::Forbidden | ErrorKind::NotFound) => {
            return refused(web, headers, viewer, e.kind(), &asked);
        }
        Err(e) => {
            tracing::error!(error = %e, "time entries could not be read");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "Your time could not be read just now. Please reload the page in a moment.",
            )
                .into_response();
        }
    };
    let zone = viewer.business.time_zone.clone();
    let now = Timestamp::now();
    let mut total = SignedDuration::ZERO;
    let mut rows: Vec<Entry> = list
        .iter()
        .map(|e| {
            let until = e.clock_out.unwrap_or(now);
            let d = until.duration_since(e.clock_in);
            total = total.saturating_add(d);
            let at = |t: Timestamp| t.to_zoned(zone.tz().clone());
            Entry {
                day: at(e.clock_in).strftime("%a %-d %b").to_string(),
                from: at(e.clock_in).strftime("%H:%M").to_string(),
                to: e.clock_out.map_or_else(
                    || "still in".to_owned(),
                    |t| at(t).strftime("%H:%M").to_string(),
                ),
                worked: worked(d),
            }
        })
        .collect();
    rows.reverse();
    let (csrf, set) = form_token(web, headers);
    let page = TimePage {
        zone: zone.to_string(),
        clock: clock_of(&list, viewer, &zone),
        entries: rows,
        total: worked(total),
        notice,
        problem: problem.map(|(_, p)| p),
        viewer: viewer.line(),
        csrf,
    };
    let status = problem.map_or(StatusCode::OK, |(s, _)| s);
    with_cookie(render(status, &page), set)
}

#[derive(Deserialize)]
pub(super) struct ClockForm {
    /// `mine` when the button was on one's own day (back there).
    #[serde(default)]
    back: String,
}

/// Clocks in (`in`) or out (`out`).
async fn punch(web: &Web, viewer: &Viewer, back: &str, punch_in: bool) -> Response {
    let done = if punch_in {
        web.rota.clock_in(&viewer.who.actor).await
    } else {
        web.rota.clock_out(&viewer.who.actor).await
    };
    let to = if back == "mine" {
        "/console/mine"
    } else {
        "/console/time"
    };
    match done {
        Ok(_) if punch_in => Redirect::to(&format!("{to}?done=clocked-in")).into_response(),
        Ok(_) => Redirect::to(&format!("{to}?done=clocked-out")).into_response(),
        Err(e) => {
            let (status, text) = match e.kind() {
                ErrorKind::Forbidden | ErrorKind::NotFound => (
                    StatusCode::FORBIDDEN,
                    "Clocking in and out is not open to you. Ask an administrator if you need it.",
                ),
                ErrorKind::Conflict if punch_in => {
                    (StatusCode::CONFLICT, "You are already clocked in.")
                }
                ErrorKind::Conflict => (StatusCode::CONFLICT, "You are not clocked in."),
                _ => {
                    tracing::error!(error = %e, "a clock action failed");
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        "Something went wrong on our side. Please try again in a moment.",
                    )
                }
            };
            time_page(web, &HeaderMap::new(), viewer, None, Some((status, text))).await
        }
    }
}

pub(super) async fn clock_in(
    State(web): State<Web>,
    viewer: Viewer,
    posted: Posted<ClockForm>,
) -> Response {
    punch(&web, &viewer, &posted.form.back, true).await
}

pub(super) async fn clock_out(
    State(web): State<Web>,
    viewer: Viewer,
    posted: Posted<ClockForm>,
) -> Response {
    punch(&web, &viewer, &posted.form.back, false).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn u3_time_worked_reads_as_hours_and_minutes() {
        assert_eq!(worked(SignedDuration::from_mins(425)), "7 h 05 min");
        assert_eq!(worked(SignedDuration::from_mins(-5)), "0 h 00 min");
    }
}
