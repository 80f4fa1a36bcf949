//! A recurring series on an occurrence's page (issue 19): its dates, and
//! moving or cancelling this one and the later ones, or every one still to
//! come. One date alone is moved or cancelled with the page's own forms.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::bookings::{BookingFilter, SeriesChanges, SeriesScope};
use rota_app::domain::booking::Booking;
use rota_app::domain::id::BookingId;
use rota_app::domain::jiff::civil::Time;
use rota_app::page::Limit;
use serde::Deserialize;

use super::{Typed, refused};
use crate::Web;
use crate::console::bookings::series_sentence;
use crate::form::Posted;
use crate::viewer::Viewer;

/// One date of the series.
pub(super) struct Occurrence {
    pub(super) when: String,
    pub(super) status: &'static str,
    pub(super) href: String,
    /// The page's own booking.
    pub(super) here: bool,
}

/// The series part of an occurrence's page.
pub(super) struct SeriesPart {
    pub(super) dates: Vec<Occurrence>,
    /// More dates than are listed.
    pub(super) more: bool,
    /// Whether the viewer may move several at once (administrators).
    pub(super) may_change: bool,
    /// Whether the viewer may cancel several at once.
    pub(super) may_cancel: bool,
    /// The start time in the move form (as typed after a refusal).
    pub(super) time: String,
}

/// The series `booking` is an occurrence of, if any, as the viewer may see
/// it; `typed` keeps the move form's time after a refusal.
pub(super) async fn part(
    web: &Web,
    viewer: &Viewer,
    booking: &Booking,
    typed: &Typed,
) -> Option<SeriesPart> {
    let series = booking.series?;
    let filter = BookingFilter {
        series: Some(series),
        ..BookingFilter::default()
    };
    let page = web
        .rota
        .list_bookings(
            &viewer.who.actor,
            filter,
            None,
            Limit::new(Some(Limit::MAX)).ok()?,
        )
        .await
        .ok()?;
    let tz = viewer.business.time_zone.tz().clone();
    let start = booking.range.start().to_zoned(tz.clone());
    let scheduled = booking.status == rota_app::domain::booking::BookingStatus::Scheduled;
    Some(SeriesPart {
        dates: page
            .items
            .iter()
            .map(|v| Occurrence {
                when: v
                    .booking
                    .range
                    .start()
                    .to_zoned(tz.clone())
                    .strftime("%a %-d %b %Y, %H:%M")
                    .to_string(),
                status: crate::shown::status(v.booking.status),
                href: format!("/console/bookings/{}", v.booking.id),
                here: v.booking.id == booking.id,
            })
            .collect(),
        more: page.next_cursor.is_some(),
        may_change: scheduled
            && viewer.may("list_all_bookings")
            && viewer.may_on(booking, "edit_booking"),
        may_cancel: scheduled && viewer.may_on(booking, "cancel_booking"),
        time: typed
            .time
            .clone()
            .filter(|_| typed.form == "series")
            .unwrap_or_else(|| start.time().strftime("%H:%M").to_string()),
    })
}

#[derive(Deserialize)]
pub(in crate::console) struct SeriesForm {
    /// `following` or `all`.
    #[serde(default)]
    scope: String,
    /// A new start time (moving only).
    #[serde(default)]
    time: String,
    #[serde(default)]
    r#override: String,
}

fn scope(raw: &str) -> Option<SeriesScope> {
    match raw {
        "following" => Some(SeriesScope::Following),
        "all" => Some(SeriesScope::All),
        _ => None,
    }
}

/// Moves this occurrence and the later ones, or every one still to come,
/// to a new start time on their own dates.
pub(in crate::console) async fn change_series(
    State(web): State<Web>,
    Path(id): Path<String>,
    viewer: Viewer,
    posted: Posted<SeriesForm>,
) -> Response {
    let f = &posted.form;
    let mut typed = Typed {
        form: "series",
        time: Some(f.time.clone()),
        ..Typed::default()
    };
    let Ok(booking) = id.parse::<BookingId>() else {
        return Redirect::to("/console/bookings").into_response();
    };
    let (Some(scope), Ok(time)) = (scope(&f.scope), f.time.trim().parse::<Time>()) else {
        typed.problem = Some("Enter a start time like 14:30, and which dates to move.".into());
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return refused(&web, &viewer, &id, posted.csrf, typed, status).await;
    };
    let changes = SeriesChanges {
        time: Some(time),
        allow_outside_work_hours: f.r#override == "yes",
        ..SeriesChanges::default()
    };
    match web
        .rota
        .change_series(&viewer.who.actor, booking, scope, changes)
        .await
    {
        Ok(_) => Redirect::to(&format!("/console/bookings/{id}?done=series_moved")).into_response(),
        Err(e) => {
            let zone = &viewer.business.time_zone;
            let (problem, status) = series_sentence(&e, zone, "moved");
            typed.problem = Some(problem);
            refused(&web, &viewer, &id, posted.csrf, typed, status).await
        }
    }
}

/// Cancels this occurrence and the later ones, or every one still to come.
pub(in crate::console) async fn cancel_series(
    State(web): State<Web>,
    Path(id): Path<String>,
    viewer: Viewer,
    posted: Posted<SeriesForm>,
) -> Response {
    let mut typed = Typed {
        form: "series",
        ..Typed::default()
    };
    let (Ok(booking), Some(scope)) = (id.parse::<BookingId>(), scope(&posted.form.scope)) else {
        return Redirect::to("/console/bookings").into_response();
    };
    match web
        .rota
        .cancel_series(&viewer.who.actor, booking, scope)
        .await
    {
        Ok(_) => {
            Redirect::to(&format!("/console/bookings/{id}?done=series_cancelled")).into_response()
        }
        Err(e) => {
            let zone = &viewer.business.time_zone;
            let (problem, status) = series_sentence(&e, zone, "cancelled");
            typed.problem = Some(problem);
            refused(&web, &viewer, &id, posted.csrf, typed, status).await
        }
    }
}
