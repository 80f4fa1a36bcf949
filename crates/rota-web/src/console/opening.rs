//! The business's opening hours and closures (W3, W2): when customers can
//! be booked at all, and the days the business is shut. Administrators
//! change them; availability and bookings follow at once.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::domain::account::Text;
use rota_app::domain::calendar::WeeklyHours;
use rota_app::domain::id::TimeOffId;
use rota_app::domain::jiff::civil::Date;
use rota_app::domain::time_off::Absence;
use rota_app::settings::BusinessChanges;
use serde::Deserialize;

use super::Notice;
use super::hours::{DAYS, Day, SPAN_LABELS, days_of, week};
use super::member::when_of;
use crate::Web;
use crate::form::{Posted, form_token, refusal, render, sentence_of, with_cookie};
use crate::viewer::{Viewer, ViewerLine};

/// A closure, in words.
struct Closed {
    id: String,
    when: String,
    note: String,
}

/// What the closure form had typed.
#[derive(Deserialize, Default)]
pub(super) struct ClosureForm {
    #[serde(default)]
    first: String,
    #[serde(default)]
    last: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "opening.html")]
struct OpeningPage {
    zone: String,
    days: Vec<Day>,
    closures: Vec<Closed>,
    typed: ClosureForm,
    may_edit: bool,
    notice: Option<&'static str>,
    problem: Option<String>,
    closure_problem: Option<String>,
    viewer: ViewerLine,
    csrf: String,
}

async fn opening(web: &Web, viewer: &Viewer, csrf: String) -> Result<OpeningPage, Response> {
    let zone = &viewer.business.time_zone;
    let Ok(closures) = web.rota.closures(&viewer.who.actor).await else {
        return Err(Redirect::to("/console").into_response());
    };
    Ok(OpeningPage {
        zone: zone.to_string(),
        days: days_of(&viewer.business.settings.operating_hours),
        closures: closures
            .iter()
            .map(|c| Closed {
                id: c.id.to_string(),
                when: when_of(&c.absence, zone),
                note: c
                    .note
                    .as_ref()
                    .map(|n| n.as_str().to_owned())
                    .unwrap_or_default(),
            })
            .collect(),
        typed: ClosureForm::default(),
        may_edit: viewer.may("edit_business_settings"),
        notice: None,
        problem: None,
        closure_problem: None,
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
    match opening(&web, &viewer, csrf).await {
        Ok(mut page) => {
            page.notice = match q.done.as_deref() {
                Some("saved") => Some("Opening hours saved."),
                Some("closed") => Some("Closure added: nobody can be booked then."),
                Some("reopened") => Some("Closure removed."),
                _ => None,
            };
            with_cookie(render(StatusCode::OK, &page), set)
        }
        Err(r) => r,
    }
}

/// Saves the weekly opening hours (an empty week: open around the clock).
pub(super) async fn save(
    State(web): State<Web>,
    viewer: Viewer,
    posted: Posted<HashMap<String, String>>,
) -> Response {
    let mut page = match opening(&web, &viewer, posted.csrf.clone()).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let hours =
        week(&posted.form).and_then(|days| WeeklyHours::new(days).map_err(|e| format!("{e}.")));
    let problem = match hours {
        Ok(hours) => {
            let changes = BusinessChanges {
                operating_hours: Some(hours),
                ..BusinessChanges::default()
            };
            match web.rota.update_business(&viewer.who.actor, changes).await {
                Ok(_) => {
                    return Redirect::to("/console/settings/opening?done=saved").into_response();
                }
                Err(e) => refusal(&e, "change the opening hours"),
            }
        }
        Err(problem) => (sentence_of(&problem), StatusCode::UNPROCESSABLE_ENTITY),
    };
    for (row, (key, _, _)) in page.days.iter_mut().zip(DAYS) {
        for (i, value) in row.values.iter_mut().enumerate() {
            if let Some(typed) = posted.form.get(&format!("{key}_{i}")) {
                value.clone_from(typed);
            }
        }
    }
    page.problem = Some(problem.0);
    render(problem.1, &page)
}

/// Adds a closure: whole days in the business's zone.
pub(super) async fn close(
    State(web): State<Web>,
    viewer: Viewer,
    posted: Posted<ClosureForm>,
) -> Response {
    let f = posted.form;
    let first = f.first.trim().parse::<Date>();
    let last = if f.last.trim().is_empty() {
        first.clone()
    } else {
        f.last.trim().parse::<Date>()
    };
    let note = if f.note.trim().is_empty() {
        Ok(None)
    } else {
        Text::parse(&f.note)
    };
    let said = match (first, last, note) {
        (Err(_), _, _) => (
            "Enter the first day closed, like 2026-12-25.".to_owned(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (_, Err(_), _) => (
            "Enter the last day closed, or leave it empty for one day.".to_owned(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (_, _, Err(_)) => (
            "The note is at most 2,000 characters.".to_owned(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (Ok(first), Ok(last), Ok(note)) => {
            match web
                .rota
                .add_closure(&viewer.who.actor, Absence::Days { first, last }, note)
                .await
            {
                Ok(_) => {
                    return Redirect::to("/console/settings/opening?done=closed").into_response();
                }
                Err(e) => refusal(&e, "add a closure"),
            }
        }
    };
    match opening(&web, &viewer, posted.csrf).await {
        Ok(mut page) => {
            page.closure_problem = Some(sentence_of(&said.0));
            page.typed = f;
            render(said.1, &page)
        }
        Err(r) => r,
    }
}

/// Removes a closure.
pub(super) async fn reopen(
    State(web): State<Web>,
    Path(id): Path<String>,
    viewer: Viewer,
    posted: Posted<Vec<(String, String)>>,
) -> Response {
    let Ok(id) = id.parse::<TimeOffId>() else {
        return Redirect::to("/console/settings/opening").into_response();
    };
    match web.rota.delete_closure(&viewer.who.actor, id).await {
        Ok(()) => Redirect::to("/console/settings/opening?done=reopened").into_response(),
        Err(e) => {
            let said = refusal(&e, "remove a closure");
            match opening(&web, &viewer, posted.csrf).await {
                Ok(mut page) => {
                    page.closure_problem = Some(said.0);
                    render(said.1, &page)
                }
                Err(r) => r,
            }
        }
    }
}
