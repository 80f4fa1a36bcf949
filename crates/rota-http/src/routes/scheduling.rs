//! Services, availability, bookings and time tracking.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rota_app::availability::{AvailabilityQuery, ProviderSlots};
use rota_app::bookings::{
    BookingChanges, BookingError, BookingFilter, BookingView, Created, IdempotencyRequest,
    NewBooking, NewPayment,
};
use rota_app::domain::account::Text;
use rota_app::domain::booking::{BookingStatus, PaymentMethod};
use rota_app::domain::id::{AccountId, BookingId, ServiceId};
use rota_app::domain::idempotency::IdempotencyKey;
use rota_app::domain::jiff::{SignedDuration, Timestamp};
use rota_app::domain::money::Money;
use rota_app::domain::name::BusinessName;
use rota_app::domain::service::{Service, ServiceDuration};
use rota_app::domain::time::{TimeRange, parse_instant};
use rota_app::domain::time_entry::TimeEntry;
use rota_app::page::Limit;
use rota_app::ports::StoredResponse;
use rota_app::services::{NewService, ServiceChanges};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::dto::Check;
use crate::extract::{Body, Query, id};
use crate::problem::Problem;
use crate::session::Signed;

fn instant(c: &mut Check, field: &str, raw: &str) -> Option<Timestamp> {
    c.field(field, parse_instant(raw))
}

fn ids<T: std::str::FromStr>(c: &mut Check, field: &str, raw: &[String]) -> Option<Vec<T>> {
    let mut out = Vec::with_capacity(raw.len());
    for (i, r) in raw.iter().enumerate() {
        let Ok(v) = r.parse() else {
            c.fail(&format!("{field}[{i}]"), "not an id of this business");
            return None;
        };
        out.push(v);
    }
    Some(out)
}

fn money(c: &mut Check, field: &str, minor: i64) -> Option<Money> {
    c.field(field, Money::new(minor))
}

// ---------------------------------------------------------------- services

/// A service the business offers.
#[derive(Serialize, ToSchema)]
pub struct ServiceDto {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// How long it takes.
    pub duration_minutes: u32,
    /// Its price in minor units of the business's currency.
    pub price_minor: i64,
    /// Who offers it (empty: every provider).
    pub provider_ids: Vec<String>,
    /// Whether it can be booked.
    pub active: bool,
}

impl From<&Service> for ServiceDto {
    fn from(s: &Service) -> Self {
        Self {
            id: s.id.to_string(),
            name: s.name.to_string(),
            duration_minutes: s.duration.as_minutes(),
            price_minor: s.price.minor(),
            provider_ids: s.providers.iter().map(ToString::to_string).collect(),
            active: s.active,
        }
    }
}

/// A new service, or changes to one (absent fields stay).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceBody {
    /// Its name (required on create).
    pub name: Option<String>,
    /// 5–1440 minutes (required on create).
    pub duration_minutes: Option<u32>,
    /// Price in minor units, ≥ 0 (required on create).
    pub price_minor: Option<i64>,
    /// Who offers it (empty: every provider).
    pub provider_ids: Option<Vec<String>>,
    /// Whether it can be booked (update only).
    pub active: Option<bool>,
}

/// The services.
#[utoipa::path(get, path = "/v1/services", tag = "scheduling",
    responses((status = OK, body = Vec<ServiceDto>), (status = UNAUTHORIZED, body = Problem)))]
async fn list_services(
    State(state): State<AppState>,
    Signed(who): Signed,
) -> Result<Json<Vec<ServiceDto>>, Problem> {
    let all = state.rota.list_services(&who.actor).await?;
    Ok(Json(all.iter().map(ServiceDto::from).collect()))
}

/// Creates a service (administrators).
#[utoipa::path(post, path = "/v1/services", tag = "scheduling", request_body = ServiceBody,
    responses((status = CREATED, body = ServiceDto), (status = FORBIDDEN, body = Problem),
        (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn create_service(
    State(state): State<AppState>,
    Signed(who): Signed,
    Body(b): Body<ServiceBody>,
) -> Result<(StatusCode, Json<ServiceDto>), Problem> {
    let mut c = Check::default();
    if b.active.is_some() {
        c.fail("active", "a new service is active");
    }
    let name = c
        .required("name", b.name.as_deref())
        .and_then(|n| c.field("name", BusinessName::parse(n)));
    let duration = c
        .required("duration_minutes", b.duration_minutes)
        .and_then(|m| c.field("duration_minutes", ServiceDuration::minutes(m)));
    let price = c
        .required("price_minor", b.price_minor)
        .and_then(|p| money(&mut c, "price_minor", p));
    let providers = ids::<AccountId>(
        &mut c,
        "provider_ids",
        b.provider_ids.as_deref().unwrap_or_default(),
    );
    let (Some(name), Some(duration), Some(price), Some(providers), None) =
        (name, duration, price, providers, b.active)
    else {
        return Err(c.problem());
    };
    let s = state
        .rota
        .create_service(
            &who.actor,
            NewService {
                name,
                duration,
                price,
                providers,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(ServiceDto::from(&s))))
}

/// Changes a service (administrators).
#[utoipa::path(patch, path = "/v1/services/{id}", tag = "scheduling",
    params(("id" = String, Path, description = "Service id")), request_body = ServiceBody,
    responses((status = OK, body = ServiceDto), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem), (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn patch_service(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
    Body(b): Body<ServiceBody>,
) -> Result<Json<ServiceDto>, Problem> {
    let target: ServiceId = id(&raw)?;
    let mut c = Check::default();
    let name = c.optional("name", b.name, |n| BusinessName::parse(&n));
    let duration = c.optional(
        "duration_minutes",
        b.duration_minutes,
        ServiceDuration::minutes,
    );
    let price = c.optional("price_minor", b.price_minor, Money::new);
    let providers = match &b.provider_ids {
        None => Some(None),
        Some(p) => ids::<AccountId>(&mut c, "provider_ids", p).map(Some),
    };
    let (Some(name), Some(duration), Some(price), Some(providers)) =
        (name, duration, price, providers)
    else {
        return Err(c.problem());
    };
    let s = state
        .rota
        .update_service(
            &who.actor,
            target,
            ServiceChanges {
                name,
                duration,
                price,
                providers,
                active: b.active,
            },
        )
        .await?;
    Ok(Json(ServiceDto::from(&s)))
}

// ------------------------------------------------------------ availability

/// The availability query.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AvailabilityParams {
    /// The service to book.
    pub service_id: String,
    /// Window start (RFC 3339).
    pub from: String,
    /// Window end (RFC 3339); at most 62 days after `from`.
    pub to: String,
    /// Only this provider.
    pub provider_id: Option<String>,
    /// Slot step in minutes (default 15).
    pub step_minutes: Option<u32>,
}

/// A bookable slot.
#[derive(Serialize, ToSchema)]
pub struct SlotDto {
    /// Start.
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: Timestamp,
    /// End.
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: Timestamp,
}

/// One provider's bookable slots.
#[derive(Serialize, ToSchema)]
pub struct ProviderSlotsDto {
    /// The provider.
    pub provider_id: String,
    /// Their name.
    pub name: String,
    /// The slots, in order.
    pub slots: Vec<SlotDto>,
}

impl From<&ProviderSlots> for ProviderSlotsDto {
    fn from(p: &ProviderSlots) -> Self {
        Self {
            provider_id: p.provider.to_string(),
            name: p.name.clone(),
            slots: p
                .slots
                .iter()
                .map(|r| SlotDto {
                    starts_at: r.start(),
                    ends_at: r.end(),
                })
                .collect(),
        }
    }
}

/// Bookable slots for a service (W3).
#[utoipa::path(get, path = "/v1/availability", tag = "scheduling", params(AvailabilityParams),
    responses((status = OK, body = Vec<ProviderSlotsDto>), (status = FORBIDDEN, body = Problem),
        (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn availability(
    State(state): State<AppState>,
    Signed(who): Signed,
    Query(q): Query<AvailabilityParams>,
) -> Result<Json<Vec<ProviderSlotsDto>>, Problem> {
    let mut c = Check::default();
    let service = c.field("service_id", q.service_id.parse::<ServiceId>());
    let from = instant(&mut c, "from", &q.from);
    let to = instant(&mut c, "to", &q.to);
    let provider = c.optional("provider_id", q.provider_id, |p| p.parse::<AccountId>());
    let step = match q.step_minutes {
        None => Some(None),
        Some(m @ 5..=240) => Some(Some(SignedDuration::from_mins(i64::from(m)))),
        Some(_) => {
            c.fail("step_minutes", "between 5 and 240");
            None
        }
    };
    let range = match (from, to) {
        (Some(f), Some(t)) => c.field("to", TimeRange::new(f, t)),
        _ => None,
    };
    let (Some(service), Some(range), Some(provider), Some(step)) = (service, range, provider, step)
    else {
        return Err(c.problem());
    };
    let slots = state
        .rota
        .availability(
            &who.actor,
            AvailabilityQuery {
                service,
                range,
                provider,
                step,
            },
        )
        .await?;
    Ok(Json(slots.iter().map(ProviderSlotsDto::from).collect()))
}

// ---------------------------------------------------------------- bookings

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
    pub starts_at: Timestamp,
    /// End.
    #[schema(value_type = String, format = DateTime)]
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
    pub created_at: Timestamp,
    /// When last changed.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
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
) -> Result<Json<BookingPage>, Problem> {
    let mut c = Check::default();
    let from = c.optional("from", q.from, |s| parse_instant(&s));
    let to = c.optional("to", q.to, |s| parse_instant(&s));
    let provider = c.optional("provider_id", q.provider_id, |s| s.parse::<AccountId>());
    let customer = c.optional("customer_id", q.customer_id, |s| s.parse::<AccountId>());
    let status = c.optional("status", q.status, |s| {
        serde_json::from_value::<BookingStatus>(serde_json::Value::String(s))
    });
    let limit = c.field("limit", Limit::new(q.limit));
    let (Some(from), Some(to), Some(provider), Some(customer), Some(status), Some(limit)) =
        (from, to, provider, customer, status, limit)
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
            },
            q.cursor.as_deref(),
            limit,
        )
        .await?;
    Ok(Json(BookingPage {
        items: page.items.iter().map(BookingDto::from).collect(),
        next_cursor: page.next_cursor,
    }))
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
    let customer = c.field("customer_id", b.customer_id.parse::<AccountId>());
    let service = c.optional("service_id", b.service_id, |s| s.parse::<ServiceId>());
    let starts_at = instant(&mut c, "starts_at", &b.starts_at);
    let ends_at = c.optional("ends_at", b.ends_at, |s| parse_instant(&s));
    let providers = ids::<AccountId>(&mut c, "provider_ids", &b.provider_ids);
    let price = c.optional("price_minor", b.price_minor, Money::new);
    let notes = match b.notes {
        None => Some(None),
        Some(n) => c.field("notes", Text::parse(&n)),
    };
    let (
        Some(key),
        Some(customer),
        Some(service),
        Some(starts_at),
        Some(ends_at),
        Some(providers),
        Some(price),
        Some(notes),
    ) = (
        key, customer, service, starts_at, ends_at, providers, price, notes,
    )
    else {
        return Err(c.problem());
    };
    let new = NewBooking {
        customer,
        service,
        starts_at,
        ends_at,
        providers,
        price,
        notes,
        allow_outside_work_hours: b.allow_outside_work_hours,
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

// ----------------------------------------------------------- time tracking

/// A time-tracking entry.
#[derive(Serialize, ToSchema)]
pub struct TimeEntryDto {
    /// Its id.
    pub id: String,
    /// Whose.
    pub employee_id: String,
    /// Clocked in.
    #[schema(value_type = String, format = DateTime)]
    pub clock_in: Timestamp,
    /// Clocked out (absent while clocked in).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub clock_out: Option<Timestamp>,
}

impl From<&TimeEntry> for TimeEntryDto {
    fn from(t: &TimeEntry) -> Self {
        Self {
            id: t.id.to_string(),
            employee_id: t.employee.to_string(),
            clock_in: t.clock_in,
            clock_out: t.clock_out,
        }
    }
}

/// Clocks in (R8 `time_tracking: edit`).
#[utoipa::path(post, path = "/v1/time-entries/clock-in", tag = "time tracking",
    responses((status = CREATED, body = TimeEntryDto), (status = FORBIDDEN, body = Problem),
        (status = CONFLICT, body = Problem)))]
async fn clock_in(
    State(state): State<AppState>,
    Signed(who): Signed,
) -> Result<(StatusCode, Json<TimeEntryDto>), Problem> {
    let t = state.rota.clock_in(&who.actor).await?;
    Ok((StatusCode::CREATED, Json(TimeEntryDto::from(&t))))
}

/// Clocks out.
#[utoipa::path(post, path = "/v1/time-entries/clock-out", tag = "time tracking",
    responses((status = OK, body = TimeEntryDto), (status = FORBIDDEN, body = Problem),
        (status = CONFLICT, body = Problem)))]
async fn clock_out(
    State(state): State<AppState>,
    Signed(who): Signed,
) -> Result<Json<TimeEntryDto>, Problem> {
    let t = state.rota.clock_out(&who.actor).await?;
    Ok(Json(TimeEntryDto::from(&t)))
}

/// The time-entry query.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TimeEntryParams {
    /// Window start (RFC 3339; default: 31 days before `to`).
    pub from: Option<String>,
    /// Window end (RFC 3339; default: 31 days after `from`, or a day from
    /// now when neither is given).
    pub to: Option<String>,
    /// Another employee's (administrators).
    pub employee_id: Option<String>,
    /// Everyone's (administrators).
    #[serde(default)]
    pub all: bool,
}

/// Time entries overlapping a window.
#[utoipa::path(get, path = "/v1/time-entries", tag = "time tracking", params(TimeEntryParams),
    responses((status = OK, body = Vec<TimeEntryDto>), (status = FORBIDDEN, body = Problem),
        (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn time_entries(
    State(state): State<AppState>,
    Signed(who): Signed,
    Query(q): Query<TimeEntryParams>,
) -> Result<Json<Vec<TimeEntryDto>>, Problem> {
    let mut c = Check::default();
    let from = c.optional("from", q.from, |s| parse_instant(&s));
    let to = c.optional("to", q.to, |s| parse_instant(&s));
    let employee = c.optional("employee_id", q.employee_id, |s| s.parse::<AccountId>());
    let range = match (from, to) {
        (Some(f), Some(t)) => c.field("to", state.rota.time_entry_window(f, t)),
        _ => None,
    };
    let (Some(range), Some(employee)) = (range, employee) else {
        return Err(c.problem());
    };
    let all = state
        .rota
        .time_entries(&who.actor, employee, q.all, range)
        .await?;
    Ok(Json(all.iter().map(TimeEntryDto::from).collect()))
}

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_services, create_service))
        .routes(routes!(patch_service))
        .routes(routes!(availability))
        .routes(routes!(list_bookings, create_booking))
        .routes(routes!(get_booking, patch_booking))
        .routes(routes!(start_booking))
        .routes(routes!(complete_booking))
        .routes(routes!(cancel_booking))
        .routes(routes!(no_show))
        .routes(routes!(record_payment))
        .routes(routes!(clock_in))
        .routes(routes!(clock_out))
        .routes(routes!(time_entries))
}
