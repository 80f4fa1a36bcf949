//! Recurring bookings (issue 19): `POST /v1/bookings/series`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use rota_app::bookings::{NewSeries, SeriesError};
use rota_app::domain::jiff::civil::Date;
use rota_app::domain::recurrence::Recurrence;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::bookings::{BookingDto, NewBookingBody, new_booking};
use crate::AppState;
use crate::dto::Check;
use crate::extract::Body;
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
    Ok((
        StatusCode::CREATED,
        Json(SeriesDto {
            bookings: made.iter().map(BookingDto::from).collect(),
        }),
    ))
}

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_series))
}
