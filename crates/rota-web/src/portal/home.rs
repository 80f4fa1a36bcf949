//! The portal's first page: a customer's upcoming bookings and the latest
//! past ones, each opening its own page, and the way to book another.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::bookings::{BookingFilter, BookingView};
use rota_app::domain::business::Zone;
use rota_app::domain::id::ServiceId;
use rota_app::domain::jiff::{SignedDuration, Timestamp};
use rota_app::page::Limit;
use serde::Deserialize;

use super::{unavailable, when};
use crate::Web;
use crate::form::{form_token, render, with_cookie};
use crate::viewer::{Viewer, ViewerLine};

/// One booking in a list.
pub(super) struct Row {
    href: String,
    when: String,
    service: String,
    providers: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "portal.html")]
struct PortalPage {
    business: String,
    zone: String,
    may_book: bool,
    notice: Option<&'static str>,
    upcoming: Vec<Row>,
    past: Vec<Row>,
    viewer: ViewerLine,
    csrf: String,
}

/// How many past bookings the page shows.
const PAST: usize = 10;

pub(super) fn rows(
    views: &[BookingView],
    services: &HashMap<ServiceId, String>,
    zone: &Zone,
) -> Vec<Row> {
    views
        .iter()
        .map(|v| Row {
            href: format!("/portal/bookings/{}", v.booking.id),
            when: when(v.booking.range.start(), zone),
            service: v
                .booking
                .service_id
                .and_then(|s| services.get(&s).cloned())
                .unwrap_or_else(|| "Appointment".to_owned()),
            providers: v
                .providers
                .iter()
                .map(|(_, n)| n.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            status: crate::shown::status(v.booking.status),
        })
        .collect()
}

#[derive(Deserialize, Default)]
pub(super) struct Done {
    done: Option<String>,
}

pub(super) async fn page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(done): Query<Done>,
    viewer: Viewer,
) -> Response {
    if !viewer.is_customer() {
        return Redirect::to("/console").into_response();
    }
    let actor = &viewer.who.actor;
    let zone = viewer.business.time_zone.clone();
    let now = Timestamp::now();
    let upcoming = BookingFilter {
        from: Some(now),
        ..BookingFilter::default()
    };
    let past = BookingFilter {
        from: now.checked_sub(SignedDuration::from_hours(24 * 366)).ok(),
        to: Some(now),
        ..BookingFilter::default()
    };
    let read = async {
        let services = web
            .rota
            .list_services(actor)
            .await
            .map_err(|e| e.to_string())?;
        let upcoming = web
            .rota
            .list_bookings(actor, upcoming, None, Limit::default())
            .await
            .map_err(|e| e.to_string())?;
        let past = web
            .rota
            .list_bookings(
                actor,
                past,
                None,
                Limit::new(Some(Limit::MAX)).unwrap_or_default(),
            )
            .await
            .map_err(|e| e.to_string())?;
        Ok::<_, String>((services, upcoming.items, past.items))
    };
    let (services, upcoming, past) = match read.await {
        Ok(read) => read,
        Err(e) => return unavailable(&e),
    };
    let names: HashMap<ServiceId, String> = services
        .into_iter()
        .map(|s| (s.id, s.name.to_string()))
        .collect();
    // Past: those that have started, newest first.
    let mut past: Vec<BookingView> = past
        .into_iter()
        .filter(|v| v.booking.range.start() < now)
        .collect();
    past.reverse();
    past.truncate(PAST);
    let upcoming: Vec<BookingView> = upcoming
        .into_iter()
        .filter(|v| v.booking.range.start() >= now)
        .collect();
    let (csrf, set) = form_token(&web, &headers);
    let page = PortalPage {
        business: viewer.business.name.to_string(),
        zone: zone.to_string(),
        may_book: viewer.business.settings.online_booking,
        notice: match done.done.as_deref() {
            Some("cancelled") => Some("Your booking is cancelled."),
            _ => None,
        },
        upcoming: rows(&upcoming, &names, &zone),
        past: rows(&past, &names, &zone),
        viewer: viewer.line(),
        csrf,
    };
    with_cookie(render(StatusCode::OK, &page), set)
}
