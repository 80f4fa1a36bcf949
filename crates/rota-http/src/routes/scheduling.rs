//! Services and availability (W3); bookings and time tracking are their
//! own modules, sharing this one's checks of times, ids and money.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rota_app::availability::{AnySlot, AvailabilityQuery, ProviderSlots, anyone};
use rota_app::domain::id::{AccountId, ServiceId};
use rota_app::domain::jiff::{SignedDuration, Timestamp};
use rota_app::domain::money::Money;
use rota_app::domain::name::BusinessName;
use rota_app::domain::service::{Buffers, Service, ServiceDuration};
use rota_app::domain::time::{TimeRange, parse_instant};
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

pub(super) fn instant(c: &mut Check, field: &str, raw: &str) -> Option<Timestamp> {
    c.field(field, parse_instant(raw))
}

pub(super) fn ids<T: std::str::FromStr>(
    c: &mut Check,
    field: &str,
    raw: &[String],
) -> Option<Vec<T>> {
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

pub(super) fn money(c: &mut Check, field: &str, minor: i64) -> Option<Money> {
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
    /// Minutes its provider is kept free before it (preparation, travel).
    pub buffer_before_minutes: u32,
    /// Minutes its provider is kept free after it (cleanup, travel).
    pub buffer_after_minutes: u32,
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
            buffer_before_minutes: s.buffers.before_minutes(),
            buffer_after_minutes: s.buffers.after_minutes(),
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
    /// Minutes its provider is kept free before it, 0–240 (default 0): no
    /// other booking of theirs, with its own buffers, may come closer.
    pub buffer_before_minutes: Option<u32>,
    /// Minutes its provider is kept free after it, 0–240 (default 0).
    pub buffer_after_minutes: Option<u32>,
}

/// Checks each buffer given, beside its field.
fn buffer_fields(c: &mut Check, b: &ServiceBody) -> Option<(Option<u32>, Option<u32>)> {
    let before = c.optional("buffer_before_minutes", b.buffer_before_minutes, |m| {
        Buffers::minutes(m, 0).map(|_| m)
    });
    let after = c.optional("buffer_after_minutes", b.buffer_after_minutes, |m| {
        Buffers::minutes(0, m).map(|_| m)
    });
    Some((before?, after?))
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
    let buffers = buffer_fields(&mut c, &b)
        .and_then(|(before, after)| Buffers::minutes(before.unwrap_or(0), after.unwrap_or(0)).ok());
    let (Some(name), Some(duration), Some(price), Some(providers), Some(buffers), None) =
        (name, duration, price, providers, buffers, b.active)
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
                buffers,
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
    let buffers = buffer_fields(&mut c, &b);
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
    let (Some(name), Some(duration), Some(price), Some(providers), Some((before, after))) =
        (name, duration, price, providers, buffers)
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
                buffer_before_minutes: before,
                buffer_after_minutes: after,
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
    #[serde(serialize_with = "crate::instant::serialize")]
    pub starts_at: Timestamp,
    /// End.
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "crate::instant::serialize")]
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
) -> Result<Response, Problem> {
    let query = availability_query(q)?;
    let slots = state.rota.availability(&who.actor, query).await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        slots_json(&slots),
    )
        .into_response())
}

/// The bytes a slot takes in JSON (two instants of whole seconds, their
/// names, the braces and a comma: `{"starts_at":"…","ends_at":"…"},`).
const SLOT_BYTES: usize = 70;

/// The bytes of a provider's own fields in JSON, besides their name.
const PROVIDER_BYTES: usize = 80;

/// The slots as `Vec<ProviderSlotsDto>` in JSON, written straight into
/// the body: one provider's month is ~2,800 instants, and serde's string
/// path checked and scanned each for characters to escape (none can
/// occur) after `instant` wrote it. A test holds it to serde's output.
fn slots_json(found: &[ProviderSlots]) -> Vec<u8> {
    use std::io::Write as _;
    // Sized to the answer (a month's is ~100 KB), so it is never copied
    // to grow.
    let size: usize = found
        .iter()
        .map(|p| PROVIDER_BYTES + p.name.len() + p.slots.len() * SLOT_BYTES)
        .sum();
    let mut out = Vec::with_capacity(size + 2);
    out.push(b'[');
    for (i, p) in found.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Writing to a `Vec` cannot fail; a UUID and a string serialize.
        drop(write!(
            out,
            "{{\"provider_id\":\"{}\",\"name\":",
            p.provider
        ));
        drop(serde_json::to_writer(&mut out, &p.name));
        out.extend_from_slice(b",\"slots\":[");
        for (j, slot) in p.slots.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"starts_at\":\"");
            crate::instant::push(&mut out, slot.start());
            out.extend_from_slice(b"\",\"ends_at\":\"");
            crate::instant::push(&mut out, slot.end());
            out.extend_from_slice(b"\"}");
        }
        out.extend_from_slice(b"]}");
    }
    out.push(b']');
    out
}

/// The query's fields checked, each refusal beside its field.
fn availability_query(q: AvailabilityParams) -> Result<AvailabilityQuery, Problem> {
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
    Ok(AvailabilityQuery {
        service,
        range,
        provider,
        step,
    })
}

/// The "anyone" question.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AnyoneParams {
    /// The service to book.
    pub service_id: String,
    /// Window start (RFC 3339).
    pub from: String,
    /// Window end (RFC 3339); at most 62 days after `from`.
    pub to: String,
    /// Slot step in minutes (default 15).
    pub step_minutes: Option<u32>,
}

/// A time someone is free, and who would serve.
#[derive(Serialize, ToSchema)]
pub struct AnySlotDto {
    /// Start.
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "crate::instant::serialize")]
    pub starts_at: Timestamp,
    /// End.
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "crate::instant::serialize")]
    pub ends_at: Timestamp,
    /// The first provider free then.
    pub provider_id: String,
    /// Their name.
    pub name: String,
}

impl From<&AnySlot> for AnySlotDto {
    fn from(a: &AnySlot) -> Self {
        Self {
            starts_at: a.slot.start(),
            ends_at: a.slot.end(),
            provider_id: a.provider.to_string(),
            name: a.name.clone(),
        }
    }
}

/// Bookable times for a service with anyone who offers it (W3): each time
/// once, in order, with the first provider free then — the question a
/// booking page asks for a customer who does not mind who comes.
#[utoipa::path(get, path = "/v1/availability/anyone", tag = "scheduling", params(AnyoneParams),
    responses((status = OK, body = Vec<AnySlotDto>), (status = FORBIDDEN, body = Problem),
        (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn availability_anyone(
    State(state): State<AppState>,
    Signed(who): Signed,
    Query(q): Query<AnyoneParams>,
) -> Result<Response, Problem> {
    let asked = AvailabilityParams {
        service_id: q.service_id,
        from: q.from,
        to: q.to,
        provider_id: None,
        step_minutes: q.step_minutes,
    };
    let query = availability_query(asked)?;
    let found = state.rota.availability(&who.actor, query).await?;
    let body: Vec<AnySlotDto> = anyone(&found).iter().map(AnySlotDto::from).collect();
    Ok(super::json_sized(&body, body.len() * (SLOT_BYTES + 80)))
}

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_services, create_service))
        .routes(routes!(patch_service))
        .routes(routes!(availability))
        .routes(routes!(availability_anyone))
}

#[cfg(test)]
mod tests {
    use rota_app::domain::uuid::Uuid;

    use super::*;

    #[test]
    fn slots_are_written_as_serde_writes_them() {
        let at = |s: &str| s.parse::<Timestamp>().expect("an instant");
        let slot = |a: &str, b: &str| TimeRange::new(at(a), at(b)).expect("a range");
        let provider = |n: u128, name: &str, slots: Vec<TimeRange>| ProviderSlots {
            provider: AccountId::from_uuid(Uuid::from_u128(n)),
            name: name.to_owned(),
            slots,
        };
        let found = [
            provider(
                1,
                "Pat \"the\" Provider \\ Zoë \u{1}",
                vec![
                    slot("2032-03-01T09:00:00Z", "2032-03-01T10:00:00Z"),
                    slot("2032-03-01T09:15:00.5Z", "2032-03-01T10:15:00.000001Z"),
                    TimeRange::new(Timestamp::MIN, at("0000-01-01T00:00:00Z")).expect("a range"),
                ],
            ),
            provider(2, "Quinn", vec![]),
            provider(
                3,
                "Ray",
                vec![slot("1969-12-31T23:00:00Z", "1970-01-01T00:00:00Z")],
            ),
        ];
        for found in [&found[..], &found[1..2], &[]] {
            let dto: Vec<ProviderSlotsDto> = found.iter().map(ProviderSlotsDto::from).collect();
            let expected = serde_json::to_vec(&dto).expect("serialized");
            assert_eq!(
                String::from_utf8(slots_json(found)).expect("UTF-8"),
                String::from_utf8(expected).expect("UTF-8")
            );
        }
    }
}
