//! Asking a booking's customer to pay: `/v1/bookings/{id}/payment-requests`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rota_app::domain::booking::PaymentRequest;
use rota_app::domain::id::BookingId;
use rota_app::domain::jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::scheduling::money;
use crate::AppState;
use crate::dto::Check;
use crate::extract::{Body, id};
use crate::problem::Problem;
use crate::session::Signed;

/// What to ask for.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct PaymentRequestBody {
    /// Minor units, from 1 to the balance; the balance when left out.
    pub amount_minor: Option<i64>,
}

/// A request for payment, as emailed to the customer.
#[derive(Serialize, ToSchema)]
pub struct PaymentRequestDto {
    /// Its id.
    pub id: String,
    /// The booking.
    pub booking_id: String,
    /// The amount asked for, in minor units of the business's currency.
    pub amount_minor: i64,
    /// What the customer quotes when paying.
    pub reference: String,
    /// Where to pay online, when a payment processor gave a link.
    pub link: Option<String>,
    /// Who asked.
    pub requested_by: String,
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub requested_at: Timestamp,
}

impl From<&PaymentRequest> for PaymentRequestDto {
    fn from(r: &PaymentRequest) -> Self {
        Self {
            id: r.id.to_string(),
            booking_id: r.booking_id.to_string(),
            amount_minor: r.amount.minor(),
            reference: r.reference.clone(),
            link: r.link.clone(),
            requested_by: r.requested_by.to_string(),
            requested_at: r.at,
        }
    }
}

/// Asks the booking's customer to pay (who may record a payment: R8
/// `payments` for providers): the request is kept on the booking and an
/// email gives the customer the amount, in the business's currency, and a
/// reference to quote. Paying is recorded as before
/// (`POST /v1/bookings/{id}/payments`).
#[utoipa::path(post, path = "/v1/bookings/{id}/payment-requests", tag = "scheduling",
    params(("id" = String, Path, description = "Booking id")), request_body = PaymentRequestBody,
    responses((status = CREATED, body = PaymentRequestDto), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem),
        (status = CONFLICT, description = "`nothing_due`", body = Problem),
        (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn request_payment(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
    Body(b): Body<PaymentRequestBody>,
) -> Result<(StatusCode, Json<PaymentRequestDto>), Problem> {
    let target: BookingId = id(&raw)?;
    let mut c = Check::default();
    let amount = match b.amount_minor {
        Some(minor) => match money(&mut c, "amount_minor", minor) {
            Some(m) => Some(m),
            None => return Err(c.problem()),
        },
        None => None,
    };
    let r = state
        .rota
        .request_payment(&who.actor, target, amount)
        .await?;
    Ok((StatusCode::CREATED, Json(PaymentRequestDto::from(&r))))
}

/// The booking's requests for payment, oldest first.
#[utoipa::path(get, path = "/v1/bookings/{id}/payment-requests", tag = "scheduling",
    params(("id" = String, Path, description = "Booking id")),
    responses((status = OK, body = Vec<PaymentRequestDto>), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem)))]
async fn payment_requests(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
) -> Result<Json<Vec<PaymentRequestDto>>, Problem> {
    let found = state.rota.payment_requests(&who.actor, id(&raw)?).await?;
    Ok(Json(found.iter().map(PaymentRequestDto::from).collect()))
}

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(payment_requests, request_payment))
}
