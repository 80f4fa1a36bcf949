//! Calendar feeds (W4): a secret, rotatable iCalendar URL per employee.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use icalendar::{Calendar, Component, Event, EventStatus};
use rota_app::domain::booking::BookingStatus;
use rota_app::domain::jiff::Timestamp;
use rota_app::feeds::CalendarFeed;
use rota_app::secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::extract::id;
use crate::problem::Problem;
use crate::session::Signed;

/// A feed's secret URL.
#[derive(Serialize, ToSchema)]
pub struct FeedUrl {
    /// Subscribe to this in a calendar app; rotating makes a new one and
    /// voids this.
    pub url: String,
}

/// Makes a new secret feed URL for an employee, voiding the old one
/// (administrators; the employee themselves).
#[utoipa::path(post, path = "/v1/employees/{id}/calendar-feed", tag = "team",
    params(("id" = String, Path, description = "Employee id")),
    responses((status = OK, body = FeedUrl), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem)))]
async fn rotate(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
) -> Result<Json<FeedUrl>, Problem> {
    let token = state
        .rota
        .rotate_calendar_feed(&who.actor, id(&raw)?)
        .await?;
    Ok(Json(FeedUrl {
        url: format!(
            "{}/v1/calendar-feeds/{}.ics",
            state.config.base_url,
            token.expose_secret()
        ),
    }))
}

/// `20300304T100000Z`.
fn ical_utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// RFC 5545 §3.3.11 TEXT: backslash, semicolon, comma and newline escaped
/// (icalendar escapes the properties it knows as text, which `NAME` and
/// `X-WR-CALNAME` are not).
fn ical_text(raw: &str) -> String {
    raw.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// The feed as RFC 5545 text.
pub(crate) fn render(feed: &CalendarFeed) -> String {
    // Empty, so that Rota's PRODID is the only one (W4).
    let mut calendar = Calendar::empty();
    calendar
        .append_property(("VERSION", "2.0"))
        .append_property(("PRODID", "-//Rota//Calendar feed//EN"))
        .append_property(("CALSCALE", "GREGORIAN"))
        .name(&ical_text(&format!(
            "{} — {}",
            feed.business.name,
            feed.employee.display_name()
        )));
    for b in &feed.bookings {
        let booking = &b.booking;
        let mut event = Event::new();
        event
            .uid(&format!("booking-{}@rota", booking.id))
            .summary(&b.title)
            .sequence(booking.sequence)
            .add_property("DTSTAMP", ical_utc(booking.updated_at))
            .add_property("DTSTART", ical_utc(booking.range.start()))
            .add_property("DTEND", ical_utc(booking.range.end()))
            .add_property("TRANSP", "OPAQUE");
        match booking.status {
            BookingStatus::Cancelled => event.status(EventStatus::Cancelled),
            _ => event.status(EventStatus::Confirmed),
        };
        calendar.push(event.done());
    }
    for range in &feed.busy {
        let mut event = Event::new();
        event
            .uid(&format!(
                "busy-{}-{}-{}@rota",
                feed.employee.id,
                range.start().as_second(),
                range.end().as_second()
            ))
            .summary("Busy")
            .add_property("DTSTAMP", ical_utc(range.start()))
            .add_property("DTSTART", ical_utc(range.start()))
            .add_property("DTEND", ical_utc(range.end()))
            .add_property("TRANSP", "OPAQUE");
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

/// An employee's calendar (RFC 5545), by its secret file name `<token>.ics`.
#[utoipa::path(get, path = "/v1/calendar-feeds/{file}", tag = "team", security(()),
    params(("file" = String, Path, description = "`<token>.ics` from the rotate answer")),
    responses((status = OK, content_type = "text/calendar", body = String),
        (status = NOT_FOUND, body = Problem)))]
async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, Problem> {
    let token = file.strip_suffix(".ics").ok_or_else(Problem::not_found)?;
    let feed = state.rota.calendar_feed(&SecretString::from(token)).await?;
    let mut response = render(&feed).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    Ok(response)
}

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(rotate))
        .routes(routes!(feed))
}
