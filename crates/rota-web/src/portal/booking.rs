//! One of a customer's bookings (U4): what, when, with whom, and until when
//! it can be changed online (R10) — shown before they try. Within the
//! notice they move it to another free time of its service or cancel it
//! (after saying yes); past it, the page says why not and offers neither.
//! An occurrence of a repeating booking (issue 19) says how many dates are
//! still to come, and may be cancelled with the later ones or all of them.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::bookings::{BookingChanges, BookingFilter, BookingView, SeriesError, SeriesScope};
use rota_app::domain::booking::BookingStatus;
use rota_app::domain::id::{AccountId, BookingId};
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::jiff::civil::Date;
use rota_app::{Classify, ErrorKind};
use serde::Deserialize;

use super::book::{Slot, free_times};
use super::{notice_words, sentence, unavailable, when};
use crate::Web;
use crate::form::{Posted, form_token, render, with_cookie};
use crate::refused::Asked;
use crate::viewer::{Viewer, ViewerLine};

#[derive(Template)]
#[template(path = "portal_booking.html")]
struct BookingPage {
    id: String,
    service: String,
    when: String,
    with: String,
    status: &'static str,
    price: String,
    zone: String,
    notice: Option<&'static str>,
    /// When it can be changed until, or why it no longer can.
    deadline: Option<String>,
    /// The reminders it will get, when the business sends them.
    reminders: Option<String>,
    /// Within the notice: cancelling is offered.
    may_cancel: bool,
    /// …and moving, when online booking is on and it is of a service.
    may_move: bool,
    /// How many later dates of its series are still to come, if it repeats.
    repeats: Option<usize>,
    day: String,
    day_label: String,
    slots: Vec<Slot>,
    problem: Option<String>,
    viewer: ViewerLine,
    csrf: String,
}

#[derive(Deserialize, Default)]
pub(super) struct PageQuery {
    day: Option<String>,
    done: Option<String>,
}

/// The refusal a customer gets for someone else's booking, or one that is
/// not there.
fn refused(web: &Web, headers: &HeaderMap, viewer: &Viewer, kind: ErrorKind) -> Response {
    let asked = Asked {
        noun: "booking",
        back: "/portal",
        back_label: "Your bookings",
    };
    crate::refused::refused(web, headers, viewer, kind, &asked)
}

async fn build(
    web: &Web,
    headers: &HeaderMap,
    viewer: &Viewer,
    id: BookingId,
    day: Option<&str>,
    csrf: String,
    problem: Option<String>,
) -> Result<BookingPage, Response> {
    let view: BookingView = match web.rota.booking(&viewer.who.actor, id).await {
        Ok(v) => v,
        Err(e) if matches!(e.kind(), ErrorKind::Forbidden | ErrorKind::NotFound) => {
            return Err(refused(web, headers, viewer, e.kind()));
        }
        Err(e) => return Err(unavailable(&e)),
    };
    let zone = viewer.business.time_zone.clone();
    let b = &view.booking;
    let settings = &viewer.business.settings;
    let notice_minutes = settings.cancellation_notice_minutes;
    let now = Timestamp::now();
    let deadline_at = b.customer_deadline(notice_minutes);
    let scheduled = b.status == BookingStatus::Scheduled && b.range.start() > now;
    let passed = scheduled && now > deadline_at;
    let may_change = scheduled && !passed;
    let deadline = scheduled.then(|| {
        if passed {
            format!(
                "This booking starts in less than {}, so it can no longer be changed or \
                 cancelled online (that was possible until {}). Please contact {}.",
                notice_words(notice_minutes),
                when(deadline_at, &zone),
                viewer.business.name
            )
        } else {
            format!(
                "You can move or cancel this booking here until {} ({} before it starts).",
                when(deadline_at, &zone),
                notice_words(notice_minutes)
            )
        }
    });
    let services = web
        .rota
        .list_services(&viewer.who.actor)
        .await
        .map_err(|e| unavailable(&e))?;
    let service = b
        .service_id
        .and_then(|s| services.into_iter().find(|x| x.id == s));
    let today = now.to_zoned(zone.tz().clone()).date();
    let day = day
        .and_then(|d| d.parse::<Date>().ok())
        .filter(|d| *d >= today)
        .unwrap_or_else(|| b.range.start().to_zoned(zone.tz().clone()).date());
    let may_move = may_change && settings.online_booking && service.is_some();
    let slots = match (&service, may_move) {
        (Some(s), true) => free_times(web, viewer, s.id, day, None).await?.slots,
        _ => Vec::new(),
    };
    Ok(BookingPage {
        id: b.id.to_string(),
        service: service
            .as_ref()
            .map_or_else(|| "Appointment".to_owned(), |s| s.name.to_string()),
        when: format!(
            "{}–{}",
            when(b.range.start(), &zone),
            b.range.end().to_zoned(zone.tz().clone()).strftime("%H:%M")
        ),
        with: view
            .providers
            .iter()
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        status: crate::shown::status(b.status),
        price: b.price.display(&viewer.business.currency),
        zone: zone.to_string(),
        notice: None,
        deadline,
        reminders: reminders_line(viewer, b),
        may_cancel: may_change,
        may_move,
        repeats: later_dates(web, viewer, b).await,
        day: day.to_string(),
        day_label: day.strftime("%A %-d %B %Y").to_string(),
        slots,
        problem,
        viewer: viewer.line(),
        csrf,
    })
}

pub(super) async fn page(
    State(web): State<Web>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    Query(q): Query<PageQuery>,
    viewer: Viewer,
) -> Response {
    if !viewer.is_customer() {
        return Redirect::to(&format!("/console/bookings/{raw}")).into_response();
    }
    let Ok(id) = raw.parse::<BookingId>() else {
        return refused(&web, &headers, &viewer, ErrorKind::NotFound);
    };
    let (csrf, set) = form_token(&web, &headers);
    match build(&web, &headers, &viewer, id, q.day.as_deref(), csrf, None).await {
        Ok(mut page) => {
            page.notice = match q.done.as_deref() {
                Some("booked") => Some("Booked. We have emailed you the details."),
                Some("moved") => Some("Your booking is moved. We have emailed you the new time."),
                _ => None,
            };
            with_cookie(render(StatusCode::OK, &page), set)
        }
        Err(r) => r,
    }
}

#[derive(Deserialize)]
pub(super) struct MoveForm {
    #[serde(default)]
    slot: String,
    #[serde(default)]
    day: String,
}

pub(super) async fn reschedule(
    State(web): State<Web>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    viewer: Viewer,
    posted: Posted<MoveForm>,
) -> Response {
    let Ok(id) = raw.parse::<BookingId>() else {
        return refused(&web, &headers, &viewer, ErrorKind::NotFound);
    };
    let chosen = posted.form.slot.split_once('|').and_then(|(who, start)| {
        Some((
            who.parse::<AccountId>().ok()?,
            start.parse::<Timestamp>().ok()?,
        ))
    });
    let result = match chosen {
        Some((provider, start)) => web
            .rota
            .update_booking(
                &viewer.who.actor,
                id,
                BookingChanges {
                    starts_at: Some(start),
                    providers: Some(vec![provider]),
                    ..BookingChanges::default()
                },
            )
            .await
            .map_err(|e| sentence(&e, viewer.business.settings.cancellation_notice_minutes)),
        None => Err((
            "Choose one of the free times.".to_owned(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
    };
    match result {
        Ok(_) => Redirect::to(&format!("/portal/bookings/{id}?done=moved")).into_response(),
        Err((problem, status)) => {
            let day = Some(posted.form.day.as_str());
            match build(
                &web,
                &headers,
                &viewer,
                id,
                day,
                posted.csrf.clone(),
                Some(problem),
            )
            .await
            {
                Ok(page) => render(status, &page),
                Err(r) => r,
            }
        }
    }
}

#[derive(Deserialize)]
pub(super) struct CancelForm {
    #[serde(default)]
    confirm: String,
    /// `one` (or none), `following` or `all`, for a repeating booking.
    #[serde(default)]
    scope: String,
}

/// The later dates of `b`'s series still scheduled, if it repeats.
async fn later_dates(
    web: &Web,
    viewer: &Viewer,
    b: &rota_app::domain::booking::Booking,
) -> Option<usize> {
    let filter = BookingFilter {
        series: Some(b.series?),
        status: Some(BookingStatus::Scheduled),
        from: Some(b.range.end()),
        ..BookingFilter::default()
    };
    let limit = rota_app::page::Limit::new(Some(rota_app::page::Limit::MAX)).ok()?;
    let page = web
        .rota
        .list_bookings(&viewer.who.actor, filter, None, limit)
        .await
        .ok()?;
    Some(
        page.items
            .iter()
            .filter(|v| v.booking.range.start() > b.range.start())
            .count(),
    )
}

pub(super) async fn cancel(
    State(web): State<Web>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    viewer: Viewer,
    posted: Posted<CancelForm>,
) -> Response {
    let Ok(id) = raw.parse::<BookingId>() else {
        return refused(&web, &headers, &viewer, ErrorKind::NotFound);
    };
    let notice = viewer.business.settings.cancellation_notice_minutes;
    let scope = match posted.form.scope.as_str() {
        "following" => Some(SeriesScope::Following),
        "all" => Some(SeriesScope::All),
        _ => None,
    };
    let result = if posted.form.confirm == "yes" {
        match scope {
            None => web
                .rota
                .cancel_booking(&viewer.who.actor, id)
                .await
                .map(|_| ())
                .map_err(|e| sentence(&e, notice)),
            Some(scope) => web
                .rota
                .cancel_series(&viewer.who.actor, id, scope)
                .await
                .map(|_| ())
                .map_err(|e| match e {
                    SeriesError::Booking(e) => sentence(&e, notice),
                    e => (
                        format!("{}.", crate::form::sentence_of(&e)),
                        StatusCode::CONFLICT,
                    ),
                }),
        }
    } else {
        Err((
            "Tick \u{201c}Yes, cancel this booking\u{201d} to cancel it.".to_owned(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ))
    };
    match result {
        Ok(()) => Redirect::to("/portal?done=cancelled").into_response(),
        Err((problem, status)) => {
            match build(
                &web,
                &headers,
                &viewer,
                id,
                None,
                posted.csrf.clone(),
                Some(problem),
            )
            .await
            {
                Ok(page) => render(status, &page),
                Err(r) => r,
            }
        }
    }
}

/// "We will email you a reminder 24 hours and 2 hours before.", for a
/// booking still to come when the business sends reminders.
fn reminders_line(viewer: &Viewer, b: &rota_app::domain::booking::Booking) -> Option<String> {
    let hours = viewer
        .business
        .settings
        .notifications
        .reminder_hours
        .hours();
    if hours.is_empty() || b.status != rota_app::domain::booking::BookingStatus::Scheduled {
        return None;
    }
    let each: Vec<String> = hours
        .iter()
        .map(|h| {
            if *h == 1 {
                "1 hour".to_owned()
            } else {
                format!("{h} hours")
            }
        })
        .collect();
    Some(format!(
        "We will email you a reminder {} before.",
        each.join(" and ")
    ))
}
