//! Recording a payment towards a booking's price and/or a tip on top
//! (B8), from the booking's page, in money as typed.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::bookings::NewPayment;
use rota_app::domain::booking::PaymentMethod;
use rota_app::domain::id::BookingId;
use rota_app::domain::money::Money;
use serde::Deserialize;

use super::{Typed, refused};
use crate::Web;
use crate::console::bookings::sentence;
use crate::form::Posted;
use crate::viewer::Viewer;

#[derive(Deserialize)]
pub(in crate::console) struct PaymentForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    tip: String,
    #[serde(default)]
    method: String,
}

/// A payment towards the price and/or a tip on top (B8), in money as typed.
pub(in crate::console) async fn pay(
    State(web): State<Web>,
    Path(id): Path<String>,
    viewer: Viewer,
    posted: Posted<PaymentForm>,
) -> Response {
    let f = posted.form;
    let currency = &viewer.business.currency;
    let mut typed = Typed {
        form: "pay",
        amount: f.amount.clone(),
        tip: f.tip.clone(),
        method: f.method.clone(),
        ..Typed::default()
    };
    let money = |typed: &str| {
        if typed.trim().is_empty() {
            Ok(Money::ZERO)
        } else {
            Money::parse_amount(typed, currency)
        }
    };
    let method = [
        PaymentMethod::Card,
        PaymentMethod::Cash,
        PaymentMethod::BankTransfer,
        PaymentMethod::Other,
    ]
    .into_iter()
    .find(|m| m.as_str() == f.method);
    let parsed = match (money(&f.amount), money(&f.tip), method) {
        (Ok(amount), Ok(tip), Some(method)) if amount != Money::ZERO || tip != Money::ZERO => {
            Ok(NewPayment {
                amount,
                tip,
                method,
            })
        }
        (Err(e), _, _) => Err(format!("The amount: {e}.")),
        (_, Err(e), _) => Err(format!("The tip: {e}.")),
        (_, _, None) => Err("Choose how it was paid.".to_owned()),
        _ => Err("Enter an amount paid, a tip, or both.".to_owned()),
    };
    let Ok(booking_id) = id.parse::<BookingId>() else {
        return Redirect::to("/console/bookings").into_response();
    };
    let payment = match parsed {
        Ok(payment) => payment,
        Err(problem) => {
            typed.problem = Some(problem);
            return refused(
                &web,
                &viewer,
                &id,
                posted.csrf,
                typed,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match web
        .rota
        .record_payment(&viewer.who.actor, booking_id, payment)
        .await
    {
        Ok(_) => Redirect::to(&format!("/console/bookings/{id}?done=paid")).into_response(),
        Err(e) => {
            let (problem, status) = sentence(&e);
            typed.problem = Some(problem);
            refused(&web, &viewer, &id, posted.csrf, typed, status).await
        }
    }
}
