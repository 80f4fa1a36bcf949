//! Recurring bookings (issue 19): `POST /v1/bookings/series` makes one;
//! `PATCH /v1/bookings/{id}/series` and `POST
//! /v1/bookings/{id}/series/cancel` change or cancel an occurrence and the
//! following ones, or every one still to come. One occurrence alone is
//! changed as any booking is.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rota_app::bookings::{BookingView, NewSeries, SeriesChanges, SeriesError, SeriesScope};
use rota_app::domain::id::{AccountId, BookingId};
use rota_app::domain::jiff::SignedDuration;
use rota_app::domain::jiff::civil::{Date, Time};
use rota_app::domain::recurrence::Recurrence;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::bookings::{BookingDto, NewBookingBody, new_booking};
use super::scheduling::ids;
use crate::AppState;
use crate::dto::Check;
use crate::extract::{Body, id};
use crate::problem::{FieldError, Problem};
use crate::session::Signed;

/// A series to book: the first booking, how it repeats, dates to leave out.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSeriesBody {
    /// The first occurrence, as `POST /v1/bookings` takes it; the others
    /// repeat its wall-clock time (in the business's zone) and the rest.
    pub booking: NewBookingBody,
    /// How it repeats: `{"frequency": {"kind": "daily"} | {"kind": "weekly",
    /// "every": 1–52} | {"kind": "monthly_on_date"} | {"kind":
    /// "monthly_on_weekday"}, "ends": {"kind": "on", "date": "2030-06-30"} |
    /// {"kind": "after", "count": 1–366}}`, within a year.
    #[schema(value_type = Object)]
    pub recurrence: serde_json::Value,
    /// Dates (`YYYY-MM-DD`, the business's zone) to leave out.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub skip_dates: Vec<String>,
}

/// The bookings of a series, in order.
#[derive(Serialize, ToSchema)]
pub struct SeriesDto {
    /// Each occurrence.
    pub bookings: Vec<BookingDto>,
}

/// 409 `series_conflicts`: each occurrence that cannot be booked, by its
/// start, with its own code; nothing was booked.
fn conflicts(e: &SeriesError) -> Option<Problem> {
    let SeriesError::Conflicts(each) = e else {
        return None;
    };
    let mut p = Problem::new(StatusCode::CONFLICT, "series_conflicts", e.to_string());
    p.errors = Some(
        each.iter()
            .map(|c| FieldError {
                field: c.starts_at.to_string(),
                code: c.code.to_owned(),
                message: c.detail.clone(),
            })
            .collect(),
    );
    Some(p)
}

/// Books every occurrence of a series, or none (B1–B5, B10 for customers
/// on each). A refusal names each occurrence that cannot be booked, in
/// `errors` (its start as `field`, its own `code`): skip those dates or
/// pick another time.
#[utoipa::path(post, path = "/v1/bookings/series", tag = "scheduling", request_body = NewSeriesBody,
    responses((status = CREATED, body = SeriesDto), (status = FORBIDDEN, body = Problem),
        (status = CONFLICT, description = "`series_conflicts`, with each refused occurrence", body = Problem),
        (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn create_series(
    State(state): State<AppState>,
    Signed(who): Signed,
    Body(b): Body<NewSeriesBody>,
) -> Result<(StatusCode, Json<SeriesDto>), Problem> {
    let mut c = Check::default();
    let first = new_booking(&mut c, b.booking);
    let recurrence = c.field(
        "recurrence",
        serde_json::from_value::<Recurrence>(b.recurrence)
            .map_err(|e| e.to_string())
            .and_then(|r| Recurrence::new(r.frequency, r.ends).map_err(|e| e.to_string())),
    );
    let skip: Option<Vec<Date>> = b
        .skip_dates
        .iter()
        .map(|d| c.field("skip_dates", d.parse::<Date>()))
        .collect();
    let (Some(first), Some(recurrence), Some(skip)) = (first, recurrence, skip) else {
        return Err(c.problem());
    };
    let made = state
        .rota
        .create_series(
            &who.actor,
            NewSeries {
                first,
                recurrence,
                skip,
            },
        )
        .await
        .map_err(|e| conflicts(&e).unwrap_or_else(|| Problem::from(e)))?;
    Ok((StatusCode::CREATED, series_dto(&made)))
}

fn series_dto(made: &[BookingView]) -> Json<SeriesDto> {
    Json(SeriesDto {
        bookings: made.iter().map(BookingDto::from).collect(),
    })
}

/// `following` or `all`, noted in `c` if neither.
fn scope(c: &mut Check, raw: &str) -> Option<SeriesScope> {
    c.field(
        "scope",
        match raw {
            "following" => Ok(SeriesScope::Following),
            "all" => Ok(SeriesScope::All),
            _ => Err(
                "`following` (this booking and the later ones) or `all` (every one still to come)",
            ),
        },
    )
}

/// Which occurrences to cancel.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeriesCancelBody {
    /// `following`: this booking and the later ones; `all`: every one
    /// still to come.
    pub scope: String,
}

/// Cancels this occurrence and the following ones, or every one still to
/// come (B6; a customer within the cancellation notice for each, R10).
/// All or none; one email tells the customer of them all. Answers the
/// bookings cancelled.
#[utoipa::path(post, path = "/v1/bookings/{id}/series/cancel", tag = "scheduling",
    params(("id" = String, Path, description = "An occurrence's booking id")),
    request_body = SeriesCancelBody,
    responses((status = OK, body = SeriesDto), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem),
        (status = CONFLICT, description = "`series_over`, `cancellation_window_passed`", body = Problem),
        (status = UNPROCESSABLE_ENTITY, description = "`not_in_series`, `validation`", body = Problem)))]
async fn cancel_series(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
    Body(b): Body<SeriesCancelBody>,
) -> Result<Json<SeriesDto>, Problem> {
    let target: BookingId = id(&raw)?;
    let mut c = Check::default();
    let Some(scope) = scope(&mut c, &b.scope) else {
        return Err(c.problem());
    };
    let done = state
        .rota
        .cancel_series(&who.actor, target, scope)
        .await
        .map_err(|e| conflicts(&e).unwrap_or_else(|| Problem::from(e)))?;
    Ok(series_dto(&done))
}

/// A change to several occurrences; absent fields stay.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeriesPatch {
    /// `following`: this booking and the later ones; `all`: every one
    /// still to come.
    pub scope: String,
    /// A new start time (`HH:MM`, the business's zone) on each
    /// occurrence's own date.
    pub start_time: Option<String>,
    /// A new length in minutes (1–1440).
    pub length_minutes: Option<u32>,
    /// New providers.
    pub provider_ids: Option<Vec<String>>,
    /// Administrators may move them outside work hours (B5).
    #[serde(default)]
    pub allow_outside_work_hours: bool,
}

/// Moves, resizes or reassigns this occurrence and the following ones, or
/// every one still to come (administrators), each on its own date. All or
/// none: a refusal names each occurrence that cannot move (409
/// `series_conflicts`, its start as `field`). Answers the bookings changed.
#[utoipa::path(patch, path = "/v1/bookings/{id}/series", tag = "scheduling",
    params(("id" = String, Path, description = "An occurrence's booking id")),
    request_body = SeriesPatch,
    responses((status = OK, body = SeriesDto), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem),
        (status = CONFLICT, description = "`series_conflicts`, with each refused occurrence; `series_over`", body = Problem),
        (status = UNPROCESSABLE_ENTITY, description = "`not_in_series`, `validation`", body = Problem)))]
async fn patch_series(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
    Body(b): Body<SeriesPatch>,
) -> Result<Json<SeriesDto>, Problem> {
    let target: BookingId = id(&raw)?;
    let mut c = Check::default();
    let scope = scope(&mut c, &b.scope);
    let time = c.optional("start_time", b.start_time, |s| {
        s.parse::<Time>().map_err(|_| "a time of day, HH:MM")
    });
    let length = c.optional("length_minutes", b.length_minutes, |m| {
        if (1..=1440).contains(&m) {
            Ok(SignedDuration::from_mins(i64::from(m)))
        } else {
            Err("1 to 1440 minutes")
        }
    });
    let providers = match &b.provider_ids {
        None => Some(None),
        Some(p) => ids::<AccountId>(&mut c, "provider_ids", p).map(Some),
    };
    let (Some(scope), Some(time), Some(length), Some(providers)) = (scope, time, length, providers)
    else {
        return Err(c.problem());
    };
    let done = state
        .rota
        .change_series(
            &who.actor,
            target,
            scope,
            SeriesChanges {
                time,
                length,
                providers,
                allow_outside_work_hours: b.allow_outside_work_hours,
            },
        )
        .await
        .map_err(|e| conflicts(&e).unwrap_or_else(|| Problem::from(e)))?;
    Ok(series_dto(&done))
}

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_series))
        .routes(routes!(cancel_series))
        .routes(routes!(patch_series))
}
