//! The first page of the console (the team's day, U2) and of the portal
//! (a customer's upcoming bookings, U4).

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::bookings::{BookingFilter, BookingView};
use rota_app::domain::business::Zone;
use rota_app::domain::jiff::{Timestamp, ToSpan};
use rota_app::page::Limit;

use crate::Web;
use crate::form::{form_token, render, with_cookie};
use crate::viewer::{Viewer, ViewerLine};

// --- The console's day and the portal ------------------------------------

/// One booking in a day's list.
struct Row {
    when: String,
    customer: String,
    providers: String,
    status: &'static str,
    /// Needs someone's attention (nobody assigned).
    attention: bool,
}

/// A list of bookings (the console's day, the portal's upcoming ones).
#[derive(Template)]
#[template(path = "today.html")]
struct BookingsPage {
    heading: &'static str,
    day: String,
    zone: String,
    empty: &'static str,
    rows: Vec<Row>,
    viewer: ViewerLine,
    csrf: String,
}

fn rows(views: &[BookingView], zone: &Zone, with_day: bool) -> Vec<Row> {
    let format = if with_day {
        "%a %-d %b, %H:%M"
    } else {
        "%H:%M"
    };
    views
        .iter()
        .map(|v| {
            let start = v.booking.range.start().to_zoned(zone.tz().clone());
            let end = v.booking.range.end().to_zoned(zone.tz().clone());
            Row {
                when: format!("{}–{}", start.strftime(format), end.strftime("%H:%M")),
                customer: v.customer_name.clone(),
                providers: if v.providers.is_empty() {
                    "Nobody yet".into()
                } else {
                    v.providers
                        .iter()
                        .map(|(_, n)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                status: v.booking.status.as_str(),
                attention: v.providers.is_empty(),
            }
        })
        .collect()
}

/// The team's day (U2 "today", in the business's zone).
pub(super) async fn console(
    State(web): State<Web>,
    headers: HeaderMap,
    viewer: Viewer,
) -> Response {
    if viewer.is_customer() {
        return Redirect::to("/portal").into_response();
    }
    let zone = viewer.business.time_zone.clone();
    let today = Timestamp::now().to_zoned(zone.tz().clone()).date();
    let (Ok(start), Ok(end)) = (
        today.to_zoned(zone.tz().clone()),
        today
            .checked_add(1.day())
            .and_then(|d| d.to_zoned(zone.tz().clone())),
    ) else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the day could not be computed",
        )
            .into_response();
    };
    let filter = BookingFilter {
        from: Some(start.timestamp()),
        to: Some(end.timestamp()),
        ..BookingFilter::default()
    };
    let views = match web
        .rota
        .list_bookings(&viewer.who.actor, filter, None, Limit::default())
        .await
    {
        Ok(page) => page.items,
        Err(e) => {
            tracing::error!(error = %e, "the day's bookings could not be read");
            Vec::new()
        }
    };
    let (csrf, set) = form_token(&web, &headers);
    let page = BookingsPage {
        heading: "Today",
        day: today.strftime("%A %-d %B %Y").to_string(),
        zone: zone.to_string(),
        empty: "No bookings today.",
        rows: rows(&views, &zone, false),
        viewer: viewer.line(),
        csrf,
    };
    with_cookie(render(StatusCode::OK, &page), set)
}

/// A customer's upcoming bookings (U4's first page).
pub(super) async fn portal(State(web): State<Web>, headers: HeaderMap, viewer: Viewer) -> Response {
    if !viewer.is_customer() {
        return Redirect::to("/console").into_response();
    }
    let zone = viewer.business.time_zone.clone();
    let filter = BookingFilter {
        from: Some(Timestamp::now()),
        ..BookingFilter::default()
    };
    let views = match web
        .rota
        .list_bookings(&viewer.who.actor, filter, None, Limit::default())
        .await
    {
        Ok(page) => page.items,
        Err(e) => {
            tracing::error!(error = %e, "a customer's bookings could not be read");
            Vec::new()
        }
    };
    let (csrf, set) = form_token(&web, &headers);
    let page = BookingsPage {
        heading: "Your bookings",
        day: format!("Upcoming with {}", viewer.business.name),
        zone: zone.to_string(),
        empty: "You have no upcoming bookings.",
        rows: rows(&views, &zone, true),
        viewer: viewer.line(),
        csrf,
    };
    with_cookie(render(StatusCode::OK, &page), set)
}
