//! Bookings (B1–B10): list, book (idempotently), read, move or reassign,
//! move through their statuses, payments and tips.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rota_app::bookings::{
    BookingChanges, BookingError, BookingFilter, BookingView, Created, IdempotencyRequest,
    NewBooking, NewPayment,
};
use rota_app::domain::account::Text;
use rota_app::domain::booking::{BookingStatus, PaymentMethod};
use rota_app::domain::id::{AccountId, BookingId, SeriesId, ServiceId};
use rota_app::domain::idempotency::IdempotencyKey;
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::money::Money;
use rota_app::domain::time::parse_instant;
use rota_app::page::Limit;
use rota_app::ports::StoredResponse;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::scheduling::{ids, instant, money};
use crate::AppState;
use crate::dto::Check;
use crate::extract::{Body, Query, id};
use crate::problem::Problem;
use crate::session::Signed;

/// A provider on a booking.
#[derive(Serialize, ToSchema)]
pub struct ProviderRef {
    /// Their id.
    pub id: String,
    /// Their name.
    pub name: String,
}

/// A booking.
#[derive(Serialize, ToSchema)]
pub struct BookingDto {
    /// Its id.
    pub id: String,
    /// The customer (B1).
    pub customer_id: String,
    /// The customer's name, as the caller may see it (R8).
    pub customer_name: String,
    /// The service, if booked as one.
    pub service_id: Option<String>,
    /// Start.
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "crate::instant::serialize")]
    pub starts_at: Timestamp,
    /// End.
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "crate::instant::serialize")]
    pub ends_at: Timestamp,
    /// Who serves (B3).
    pub providers: Vec<ProviderRef>,
    /// `scheduled`, `in_progress`, `completed`, `cancelled` or `no_show`.
    #[schema(value_type = String)]
    pub status: BookingStatus,
    /// Price in minor units.
    pub price_minor: i64,
    /// Paid so far; left out for a provider without `payments` (R10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paid_minor: Option<i64>,
    /// Tips so far; left out for a provider without `tips` (R10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tips_minor: Option<i64>,
    /// The team's notes (never shown to customers, R10).
    pub notes: Option<String>,
    /// When booked.
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "crate::instant::serialize")]
    pub created_at: Timestamp,
    /// When last changed.
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "crate::instant::serialize")]
    pub updated_at: Timestamp,
    /// Minutes its providers are kept free before it (its service's, when
    /// booked): no other booking of theirs comes closer (B4).
    pub buffer_before_minutes: u32,
    /// Minutes its providers are kept free after it.
    pub buffer_after_minutes: u32,
    /// The recurring series it is an occurrence of (`GET
    /// /v1/bookings?series_id=` lists them; `POST
    /// /v1/bookings/{id}/series/…` changes several at once).
    pub series_id: Option<String>,
}

impl From<&BookingView> for BookingDto {
    fn from(v: &BookingView) -> Self {
        let b = &v.booking;
        Self {
            id: b.id.to_string(),
            customer_id: b.customer_id.to_string(),
            customer_name: v.customer_name.clone(),
            service_id: b.service_id.map(|s| s.to_string()),
            starts_at: b.range.start(),
            ends_at: b.range.end(),
            providers: v
                .providers
                .iter()
                .map(|(id, name)| ProviderRef {
                    id: id.to_string(),
                    name: name.clone(),
                })
                .collect(),
            status: b.status,
            price_minor: b.price.minor(),
            paid_minor: v.shown.paid.then(|| b.paid.minor()),
            tips_minor: v.shown.tips.then(|| b.tips.minor()),
            notes: b.notes.as_ref().map(|n| n.as_str().to_owned()),
            created_at: b.created_at,
            updated_at: b.updated_at,
            buffer_before_minutes: b.buffers.before_minutes(),
            buffer_after_minutes: b.buffers.after_minutes(),
            series_id: b.series.map(|s| s.to_string()),
        }
    }
}

/// A new booking.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBookingBody {
    /// The customer (required, B1).
    pub customer_id: String,
    /// The service; gives the default end and price.
    pub service_id: Option<String>,
    /// Start (RFC 3339).
    pub starts_at: String,
    /// End; defaults to the service's duration.
    pub ends_at: Option<String>,
    /// Who serves (B3); empty or omitted = unassigned. A customer names one
    /// provider, or none for anyone who offers the service (B10).
    #[serde(default)]
    pub provider_ids: Vec<String>,
    /// Price in minor units; defaults to the service's.
    pub price_minor: Option<i64>,
    /// Notes.
    pub notes: Option<String>,
    /// Administrators may book outside work hours (B5).
    #[serde(default)]
    pub allow_outside_work_hours: bool,
}

/// The booking list query.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BookingParams {
    /// Bookings ending after this (RFC 3339).
    pub from: Option<String>,
    /// Bookings starting before this (RFC 3339).
    pub to: Option<String>,
    /// Only this provider's.
    pub provider_id: Option<String>,
    /// Only this customer's.
    pub customer_id: Option<String>,
    /// Only this status.
    pub status: Option<String>,
    /// Only the occurrences of this recurring series.
    pub series_id: Option<String>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1–200 (default 50).
    pub limit: Option<u32>,
}

/// A page of bookings, by start.
#[derive(Serialize, ToSchema)]
pub struct BookingPage {
    /// The bookings the caller may see (R8, R10).
    pub items: Vec<BookingDto>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// Bookings: all of them for administrators, a provider's own, a
/// customer's own.
#[utoipa::path(get, path = "/v1/bookings", tag = "scheduling", params(BookingParams),
    responses((status = OK, body = BookingPage), (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn list_bookings(
    State(state): State<AppState>,
    Signed(who): Signed,
    Query(q): Query<BookingParams>,
) -> Result<Response, Problem> {
    let mut c = Check::default();
    let from = c.optional("from", q.from, |s| parse_instant(&s));
    let to = c.optional("to", q.to, |s| parse_instant(&s));
    let provider = c.optional("provider_id", q.provider_id, |s| s.parse::<AccountId>());
    let customer = c.optional("customer_id", q.customer_id, |s| s.parse::<AccountId>());
    let status = c.optional("status", q.status, |s| {
        serde_json::from_value::<BookingStatus>(serde_json::Value::String(s))
    });
    let series = c.optional("series_id", q.series_id, |s| s.parse::<SeriesId>());
    let limit = c.field("limit", Limit::new(q.limit));
    let (
        Some(from),
        Some(to),
        Some(provider),
        Some(customer),
        Some(status),
        Some(series),
        Some(limit),
    ) = (from, to, provider, customer, status, series, limit)
    else {
        return Err(c.problem());
    };
    let page = state
        .rota
        .list_bookings(
            &who.actor,
            BookingFilter {
                from,
                to,
                provider,
                customer,
                status,
                series,
            },
            q.cursor.as_deref(),
            limit,
        )
        .await?;
    let body = BookingPage {
        items: page.items.iter().map(BookingDto::from).collect(),
        next_cursor: page.next_cursor,
    };
    Ok(super::json_sized(
        &body,
        (body.items.len() + 1) * BOOKING_BYTES,
    ))
}

/// About what one booking takes in JSON (~530 bytes with one provider and
/// short notes), so a page's body is written without being copied as it
/// grows.
const BOOKING_BYTES: usize = 640;

/// A new booking as the body asks for it, each bad field noted in `c`.
pub(super) fn new_booking(c: &mut Check, b: NewBookingBody) -> Option<NewBooking> {
    let customer = c.field("customer_id", b.customer_id.parse::<AccountId>());
    let service = c.optional("service_id", b.service_id, |s| s.parse::<ServiceId>());
    let starts_at = instant(c, "starts_at", &b.starts_at);
    let ends_at = c.optional("ends_at", b.ends_at, |s| parse_instant(&s));
    let providers = ids::<AccountId>(c, "provider_ids", &b.provider_ids);
    let price = c.optional("price_minor", b.price_minor, Money::new);
    let notes = match b.notes {
        None => Some(None),
        Some(n) => c.field("notes", Text::parse(&n)),
    };
    Some(NewBooking {
        customer: customer?,
        service: service?,
        starts_at: starts_at?,
        ends_at: ends_at?,
        providers: providers?,
        price: price?,
        notes: notes?,
        allow_outside_work_hours: b.allow_outside_work_hours,
    })
}

fn render(outcome: &Result<BookingView, BookingError>) -> Option<StoredResponse> {
    let view = outcome.as_ref().ok()?;
    let body = serde_json::to_vec(&BookingDto::from(view)).ok()?;
    Some(StoredResponse { status: 201, body })
}

/// Books (B1–B9). With an `Idempotency-Key` header, a retry of the same
/// request answers the first outcome again instead of booking twice (B9).
#[utoipa::path(post, path = "/v1/bookings", tag = "scheduling", request_body = NewBookingBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe (B9)")),
    responses((status = CREATED, body = BookingDto), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem),
        (status = CONFLICT, description = "`double_booking`, `outside_work_hours`, `customer_archived`…", body = Problem),
        (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn create_booking(
    State(state): State<AppState>,
    Signed(who): Signed,
    headers: HeaderMap,
    Body(b): Body<NewBookingBody>,
) -> Result<Response, Problem> {
    let fingerprint = serde_json::to_string(&b).unwrap_or_default();
    let mut c = Check::default();
    let key = match headers.get("idempotency-key") {
        None => Some(None),
        Some(v) => c
            .field(
                "Idempotency-Key",
                v.to_str().map_err(|_| "not text").and_then(|s| {
                    IdempotencyKey::parse(s).map_err(|_| "1 to 255 visible characters")
                }),
            )
            .map(Some),
    };
    let new = new_booking(&mut c, b);
    let (Some(key), Some(new)) = (key, new) else {
        return Err(c.problem());
    };
    let idempotency = key.map(|key| IdempotencyRequest {
        key,
        fingerprint,
        render: &render,
    });
    match state
        .rota
        .create_booking(&who.actor, new, idempotency)
        .await?
    {
        Created::New(view) => {
            Ok((StatusCode::CREATED, Json(BookingDto::from(&view))).into_response())
        }
        Created::Replayed(stored) => {
            let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::CREATED);
            let mut response = (status, stored.body).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            Ok(response)
        }
    }
}

/// One booking.
#[utoipa::path(get, path = "/v1/bookings/{id}", tag = "scheduling",
    params(("id" = String, Path, description = "Booking id")),
    responses((status = OK, body = BookingDto), (status = NOT_FOUND, body = Problem)))]
async fn get_booking(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
) -> Result<Json<BookingDto>, Problem> {
    let v = state.rota.booking(&who.actor, id(&raw)?).await?;
    Ok(Json(BookingDto::from(&v)))
}

/// A reschedule or reassignment; absent fields stay.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingPatch {
    /// New start.
    pub starts_at: Option<String>,
    /// New end.
    pub ends_at: Option<String>,
    /// New providers.
    pub provider_ids: Option<Vec<String>>,
    /// New notes; empty clears.
    pub notes: Option<String>,
    /// Administrators may move it outside work hours (B5).
    #[serde(default)]
    pub allow_outside_work_hours: bool,
}

/// Reschedules or reassigns a booking (administrators). A customer may move
/// their own booking while online booking is on and the cancellation notice
/// has not passed (R10; else 409 `cancellation_window_passed`), giving only
/// `starts_at` and at most one of `provider_ids`, to a time availability
/// offers for its service (else 409 `not_available`).
#[utoipa::path(patch, path = "/v1/bookings/{id}", tag = "scheduling",
    params(("id" = String, Path, description = "Booking id")), request_body = BookingPatch,
    responses((status = OK, body = BookingDto), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem), (status = CONFLICT, body = Problem),
        (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn patch_booking(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
    Body(b): Body<BookingPatch>,
) -> Result<Json<BookingDto>, Problem> {
    let target: BookingId = id(&raw)?;
    let mut c = Check::default();
    let starts_at = c.optional("starts_at", b.starts_at, |s| parse_instant(&s));
    let ends_at = c.optional("ends_at", b.ends_at, |s| parse_instant(&s));
    let providers = match &b.provider_ids {
        None => Some(None),
        Some(p) => ids::<AccountId>(&mut c, "provider_ids", p).map(Some),
    };
    let notes = match b.notes {
        None => Some(None),
        Some(n) => c.field("notes", Text::parse(&n)).map(Some),
    };
    let (Some(starts_at), Some(ends_at), Some(providers), Some(notes)) =
        (starts_at, ends_at, providers, notes)
    else {
        return Err(c.problem());
    };
    let v = state
        .rota
        .update_booking(
            &who.actor,
            target,
            BookingChanges {
                starts_at,
                ends_at,
                providers,
                notes,
                allow_outside_work_hours: b.allow_outside_work_hours,
            },
        )
        .await?;
    Ok(Json(BookingDto::from(&v)))
}

macro_rules! transition {
    ($name:ident, $path:literal, $method:ident, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "scheduling",
            params(("id" = String, Path, description = "Booking id")),
            responses((status = OK, body = BookingDto), (status = FORBIDDEN, body = Problem),
                (status = NOT_FOUND, body = Problem),
                (status = CONFLICT, description = "`invalid_transition`, `cancellation_window_passed`", body = Problem)))]
        async fn $name(
            State(state): State<AppState>,
            Signed(who): Signed,
            Path(raw): Path<String>,
        ) -> Result<Json<BookingDto>, Problem> {
            let v = state.rota.$method(&who.actor, id(&raw)?).await?;
            Ok(Json(BookingDto::from(&v)))
        }
    };
}

transition!(
    start_booking,
    "/v1/bookings/{id}/start",
    start_booking,
    "Starts a booking (B6)."
);
transition!(
    complete_booking,
    "/v1/bookings/{id}/complete",
    complete_booking,
    "Completes a booking (B6)."
);
transition!(
    cancel_booking,
    "/v1/bookings/{id}/cancel",
    cancel_booking,
    "Cancels a booking (B6, R10)."
);
transition!(
    no_show,
    "/v1/bookings/{id}/no-show",
    mark_no_show,
    "Marks a booking as a no-show (B6)."
);

/// A payment and/or tip.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentBody {
    /// Amount in minor units, ≥ 0.
    pub amount_minor: i64,
    /// Tip in minor units, ≥ 0.
    #[serde(default)]
    pub tip_minor: i64,
    /// `cash`, `card`, `bank_transfer` or `other`.
    #[schema(value_type = String, example = "card")]
    pub method: PaymentMethod,
}

/// Records a payment and/or tip (B8; R8 `payments`, `tips`).
#[utoipa::path(post, path = "/v1/bookings/{id}/payments", tag = "scheduling",
    params(("id" = String, Path, description = "Booking id")), request_body = PaymentBody,
    responses((status = CREATED, body = BookingDto), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem),
        (status = CONFLICT, description = "`overpayment`", body = Problem),
        (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn record_payment(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
    Body(b): Body<PaymentBody>,
) -> Result<(StatusCode, Json<BookingDto>), Problem> {
    let target: BookingId = id(&raw)?;
    let mut c = Check::default();
    let amount = money(&mut c, "amount_minor", b.amount_minor);
    let tip = money(&mut c, "tip_minor", b.tip_minor);
    let (Some(amount), Some(tip)) = (amount, tip) else {
        return Err(c.problem());
    };
    let v = state
        .rota
        .record_payment(
            &who.actor,
            target,
            NewPayment {
                amount,
                tip,
                method: b.method,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(BookingDto::from(&v))))
}

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_bookings, create_booking))
        .routes(routes!(get_booking, patch_booking))
        .routes(routes!(start_booking))
        .routes(routes!(complete_booking))
        .routes(routes!(cancel_booking))
        .routes(routes!(no_show))
        .routes(routes!(record_payment))
}
