//! A provider's weekly work hours (W1), edited by an administrator — or by
//! the provider themselves when R8's `work_hours` is `edit` (read-only with
//! `view`): up to two spans a day (a split shift), an empty day off.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::domain::calendar::{LocalInterval, WeeklyHours, WorkCalendar};
use rota_app::domain::id::AccountId;
use rota_app::domain::jiff::civil::Weekday;
use rota_app::{Classify, ErrorKind};
use std::collections::HashMap;

use super::Notice;
use crate::Web;
use crate::form::{Posted, form_token, render, with_cookie};
use crate::refused::Asked;
use crate::viewer::{Viewer, ViewerLine};

pub(super) const DAYS: [(&str, &str, Weekday); 7] = [
    ("monday", "Monday", Weekday::Monday),
    ("tuesday", "Tuesday", Weekday::Tuesday),
    ("wednesday", "Wednesday", Weekday::Wednesday),
    ("thursday", "Thursday", Weekday::Thursday),
    ("friday", "Friday", Weekday::Friday),
    ("saturday", "Saturday", Weekday::Saturday),
    ("sunday", "Sunday", Weekday::Sunday),
];

/// What each of a day's four inputs is, for screen readers.
pub(super) const SPAN_LABELS: [&str; 4] = ["from", "to", "then from", "to"];

/// One weekday's row: its four times as shown.
pub(super) struct Day {
    pub(super) key: &'static str,
    pub(super) label: &'static str,
    pub(super) values: [String; 4],
}

#[derive(Template)]
#[template(path = "hours.html")]
struct HoursPage {
    id: String,
    name: String,
    zone: String,
    days: Vec<Day>,
    may_edit: bool,
    notice: Option<&'static str>,
    problem: Option<String>,
    viewer: ViewerLine,
    csrf: String,
}

fn hhmm(t: rota_app::domain::jiff::civil::Time) -> String {
    t.strftime("%H:%M").to_string()
}

/// A week's rows as the form shows them: up to two spans a day.
pub(super) fn days_of(hours: &WeeklyHours) -> Vec<Day> {
    DAYS.iter()
        .map(|(key, label, weekday)| {
            let spans = hours.on(*weekday);
            let mut values: [String; 4] = Default::default();
            for (i, span) in spans.iter().take(2).enumerate() {
                values[2 * i] = hhmm(span.start());
                values[2 * i + 1] = hhmm(span.end());
            }
            Day { key, label, values }
        })
        .collect()
}

async fn load(
    web: &Web,
    headers: &HeaderMap,
    viewer: &Viewer,
    id: &str,
    csrf: String,
) -> Result<(HoursPage, WorkCalendar), Response> {
    let asked = Asked {
        noun: "work calendar",
        back: "/console",
        back_label: "Back to the console",
    };
    let back = |kind| crate::refused::refused(web, headers, viewer, kind, &asked);
    let who: AccountId = id.parse().map_err(|_| back(ErrorKind::NotFound))?;
    let account = match web.rota.employee(&viewer.who.actor, who).await {
        Ok(a) => a,
        Err(e) => return Err(back(e.kind())),
    };
    let calendar = match web.rota.work_calendar(&viewer.who.actor, who).await {
        Ok(c) => c,
        Err(e) => return Err(back(e.kind())),
    };
    let days = days_of(&calendar.hours);
    let zone = calendar
        .zone
        .clone()
        .unwrap_or_else(|| viewer.business.time_zone.clone());
    Ok((
        HoursPage {
            id: id.to_owned(),
            name: account.display_name(),
            zone: zone.to_string(),
            days,
            may_edit: if who == viewer.who.actor.id {
                viewer.may_own("edit_own_work_hours")
            } else {
                viewer.may("add_employee")
            },
            notice: None,
            problem: None,
            viewer: viewer.line(),
            csrf,
        },
        calendar,
    ))
}

pub(super) async fn page(
    State(web): State<Web>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Notice>,
    viewer: Viewer,
) -> Response {
    let (csrf, set) = form_token(&web, &headers);
    match load(&web, &headers, &viewer, &id, csrf).await {
        Ok((mut page, _)) => {
            if q.done.as_deref() == Some("saved") {
                page.notice = Some("Work hours saved.");
            }
            with_cookie(render(StatusCode::OK, &page), set)
        }
        Err(r) => r,
    }
}

/// The week as typed: `None` when a time is not a time or half a span is
/// missing (with the sentence saying which).
pub(super) fn week(form: &HashMap<String, String>) -> Result<[Vec<LocalInterval>; 7], String> {
    let mut days: [Vec<LocalInterval>; 7] = Default::default();
    for (d, (key, label, _)) in DAYS.iter().enumerate() {
        for span in 0..2 {
            let get = |i: usize| {
                form.get(&format!("{key}_{}", 2 * span + i))
                    .map(|v| v.trim().to_owned())
                    .unwrap_or_default()
            };
            let (from, to) = (get(0), get(1));
            match (from.is_empty(), to.is_empty()) {
                (true, true) => {}
                (false, false) => days[d].push(
                    LocalInterval::parse(&from, &to)
                        .map_err(|_| format!("{label}: enter times like 09:00."))?,
                ),
                _ => {
                    return Err(format!(
                        "{label}: give both a start and an end, or neither."
                    ));
                }
            }
        }
    }
    Ok(days)
}

pub(super) async fn save(
    State(web): State<Web>,
    Path(id): Path<String>,
    viewer: Viewer,
    posted: Posted<HashMap<String, String>>,
) -> Response {
    let headers = HeaderMap::new();
    let (mut page, calendar) = match load(&web, &headers, &viewer, &id, posted.csrf.clone()).await {
        Ok(loaded) => loaded,
        Err(r) => return r,
    };
    let hours =
        week(&posted.form).and_then(|days| WeeklyHours::new(days).map_err(|e| format!("{e}.")));
    let hours = match hours {
        Ok(h) => h,
        Err(problem) => {
            for (row, (key, _, _)) in page.days.iter_mut().zip(DAYS) {
                for (i, value) in row.values.iter_mut().enumerate() {
                    if let Some(typed) = posted.form.get(&format!("{key}_{i}")) {
                        value.clone_from(typed);
                    }
                }
            }
            page.problem = Some(crate::form::sentence_of(&problem));
            return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let who: AccountId = match id.parse() {
        Ok(w) => w,
        Err(_) => return Redirect::to("/console/team").into_response(),
    };
    let new = WorkCalendar {
        zone: calendar.zone,
        hours,
    };
    match web
        .rota
        .set_work_calendar(&viewer.who.actor, who, new)
        .await
    {
        Ok(_) => Redirect::to(&format!("/console/team/{id}/hours?done=saved")).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "work hours were not saved");
            page.problem = Some("You may not change these work hours.".into());
            render(StatusCode::FORBIDDEN, &page)
        }
    }
}
