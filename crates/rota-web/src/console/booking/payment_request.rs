//! Asking a booking's customer to pay, from the booking's page: the
//! balance, emailed with a reference; the page lists what was asked.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::domain::booking::Booking;
use rota_app::domain::id::BookingId;

use super::{Typed, refused};
use crate::Web;
use crate::console::bookings::sentence;
use crate::form::Posted;
use crate::viewer::Viewer;

/// A request for payment, in words.
pub(super) struct Requested {
    pub(super) reference: String,
    pub(super) amount: String,
    pub(super) when: String,
}

/// The booking's requests for payment, for a viewer who may ask for one.
pub(super) async fn requests(web: &Web, viewer: &Viewer, booking: &Booking) -> Vec<Requested> {
    if !viewer.may_on(booking, "record_payment") {
        return Vec::new();
    }
    let zone = viewer.business.time_zone.tz().clone();
    web.rota
        .payment_requests(&viewer.who.actor, booking.id)
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| Requested {
            reference: r.reference.clone(),
            amount: r.amount.display(&viewer.business.currency),
            when: r
                .at
                .to_zoned(zone.clone())
                .strftime("%a %-d %b %Y, %H:%M")
                .to_string(),
        })
        .collect()
}

/// Asks the customer to pay the balance.
pub(in crate::console) async fn ask(
    State(web): State<Web>,
    Path(id): Path<String>,
    viewer: Viewer,
    posted: Posted<Vec<(String, String)>>,
) -> Response {
    let Ok(booking) = id.parse::<BookingId>() else {
        return Redirect::to("/console/bookings").into_response();
    };
    match web
        .rota
        .request_payment(&viewer.who.actor, booking, None)
        .await
    {
        Ok(_) => Redirect::to(&format!("/console/bookings/{id}?done=asked")).into_response(),
        Err(e) => {
            let (problem, status) = sentence(&e);
            let typed = Typed {
                form: "ask",
                problem: Some(problem),
                ..Typed::default()
            };
            refused(&web, &viewer, &id, posted.csrf, typed, status).await
        }
    }
}
