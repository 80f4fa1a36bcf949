//! The customer portal (U4): a customer's upcoming and past bookings, a new
//! booking picked from what availability offers (service, then a provider
//! or anyone, then a time, B10), and one booking's page where they move or
//! cancel it within the business's notice (R10), the deadline shown before
//! they try. The team is sent to the console; the use cases refuse anything
//! a customer may not do anyway.

mod book;
mod booking;
mod home;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use rota_app::bookings::BookingError;
use rota_app::domain::business::Zone;
use rota_app::domain::jiff::Timestamp;
use rota_app::{Classify, ErrorKind};

use crate::Web;

pub(crate) fn routes() -> Router<Web> {
    Router::new()
        .route("/portal", get(home::page))
        .route("/portal/book", get(book::page).post(book::book))
        .route("/portal/bookings/{id}", get(booking::page))
        .route(
            "/portal/bookings/{id}/reschedule",
            post(booking::reschedule),
        )
        .route("/portal/bookings/{id}/cancel", post(booking::cancel))
}

/// A day and time in the business's zone, as a person reads it.
fn when(at: Timestamp, zone: &Zone) -> String {
    at.to_zoned(zone.tz().clone())
        .strftime("%A %-d %B %Y, %H:%M")
        .to_string()
}

/// A notice in minutes as words: "24 hours", "2 days", "90 minutes".
fn notice_words(minutes: u32) -> String {
    let plural = |n: u32, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    if minutes.is_multiple_of(24 * 60) && minutes >= 48 * 60 {
        plural(minutes / (24 * 60), "day")
    } else if minutes.is_multiple_of(60) && minutes > 0 {
        plural(minutes / 60, "hour")
    } else {
        plural(minutes, "minute")
    }
}

/// A refused booking or change, as a sentence a customer can act on.
fn sentence(e: &BookingError, notice_minutes: u32) -> (String, StatusCode) {
    let text = match e.code() {
        "double_booking" | "not_available" => {
            "That time is no longer free. Please choose another.".to_owned()
        }
        "cancellation_window_passed" => format!(
            "This booking starts in less than {}, so it can no longer be changed or \
             cancelled online. Please contact the business.",
            notice_words(notice_minutes)
        ),
        "invalid_transition" => "This booking can no longer be changed.".to_owned(),
        _ => match e.kind() {
            ErrorKind::Forbidden => "Online booking is not available just now.".to_owned(),
            ErrorKind::NotFound => "That is no longer offered: reload the page.".to_owned(),
            ErrorKind::Invalid | ErrorKind::Conflict => crate::form::sentence_of(e),
            _ => {
                tracing::error!(error = %e, "a portal booking failed");
                "Something went wrong on our side. Please try again in a moment.".to_owned()
            }
        },
    };
    let status = match e.kind() {
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::SERVICE_UNAVAILABLE,
    };
    (text, status)
}

/// A page that could not be read: said, never shown empty.
fn unavailable(e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "a portal page could not be read");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "This page could not be read just now. Please reload it in a moment.",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r10_the_notice_reads_as_words() {
        assert_eq!(notice_words(1440), "24 hours");
        assert_eq!(notice_words(2880), "2 days");
        assert_eq!(notice_words(60), "1 hour");
        assert_eq!(notice_words(90), "90 minutes");
        assert_eq!(notice_words(0), "0 minutes");
    }
}
