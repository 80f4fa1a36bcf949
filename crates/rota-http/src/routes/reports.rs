//! Reports (R6): a summary of a range, for administrators.

use axum::Json;
use axum::extract::State;
use rota_app::domain::id::AccountId;
use rota_app::domain::jiff::{SignedDuration, Timestamp};
use rota_app::domain::time::TimeRange;
use rota_app::reports::{MAX_RANGE, ProviderUse, StatusCounts, Summary, SummaryQuery};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::scheduling::instant;
use crate::AppState;
use crate::dto::Check;
use crate::extract::Query;
use crate::problem::Problem;
use crate::session::Signed;

/// The summary's query.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SummaryParams {
    /// Range start (RFC 3339): bookings starting at or after it count.
    pub from: String,
    /// Range end (RFC 3339), excluded; at most 367 days after `from`.
    pub to: String,
    /// Only this provider's bookings and hours.
    pub provider_id: Option<String>,
}

/// Bookings per status.
#[derive(Serialize, ToSchema)]
pub struct StatusCountsDto {
    /// Scheduled.
    pub scheduled: u64,
    /// In progress.
    pub in_progress: u64,
    /// Completed.
    pub completed: u64,
    /// Cancelled.
    pub cancelled: u64,
    /// No-shows.
    pub no_show: u64,
}

impl From<StatusCounts> for StatusCountsDto {
    fn from(c: StatusCounts) -> Self {
        Self {
            scheduled: c.scheduled,
            in_progress: c.in_progress,
            completed: c.completed,
            cancelled: c.cancelled,
            no_show: c.no_show,
        }
    }
}

/// One provider's booked time against their available time.
#[derive(Serialize, ToSchema)]
pub struct ProviderUseDto {
    /// The provider.
    pub provider_id: String,
    /// Their name.
    pub name: String,
    /// Minutes of their booked bookings (scheduled, in progress, completed)
    /// starting in the range.
    pub booked_minutes: i64,
    /// Minutes they were available in the range: work hours within
    /// operating hours, less time off and closures.
    pub available_minutes: i64,
    /// Booked ÷ available (null when nothing was available).
    pub utilisation: Option<f64>,
}

fn minutes(d: SignedDuration) -> i64 {
    d.as_secs() / 60
}

impl From<&ProviderUse> for ProviderUseDto {
    fn from(p: &ProviderUse) -> Self {
        let available = p.available.as_secs_f64();
        Self {
            provider_id: p.provider.to_string(),
            name: p.name.clone(),
            booked_minutes: minutes(p.booked),
            available_minutes: minutes(p.available),
            utilisation: (available > 0.0).then(|| p.booked.as_secs_f64() / available),
        }
    }
}

/// What a range amounted to.
#[derive(Serialize, ToSchema)]
pub struct SummaryDto {
    /// Range start.
    #[schema(value_type = String, format = DateTime)]
    pub from: Timestamp,
    /// Range end (excluded).
    #[schema(value_type = String, format = DateTime)]
    pub to: Timestamp,
    /// The currency of every amount (ISO 4217).
    pub currency: String,
    /// Bookings starting in the range, per status.
    pub bookings: StatusCountsDto,
    /// Prices of booked bookings (scheduled, in progress, completed), in
    /// minor units.
    pub booked_minor: i64,
    /// Paid on bookings of any status, tips apart, in minor units.
    pub paid_minor: i64,
    /// Tips on bookings of any status, in minor units.
    pub tips_minor: i64,
    /// No-shows (as `bookings.no_show`).
    pub no_shows: u64,
    /// Customers added in the range (business-wide).
    pub new_customers: u64,
    /// Per provider, by name.
    pub providers: Vec<ProviderUseDto>,
}

impl From<&Summary> for SummaryDto {
    fn from(s: &Summary) -> Self {
        Self {
            from: s.range.start(),
            to: s.range.end(),
            currency: s.currency.as_str().to_owned(),
            bookings: s.bookings.into(),
            booked_minor: s.booked_minor,
            paid_minor: s.paid_minor,
            tips_minor: s.tips_minor,
            no_shows: s.bookings.no_show,
            new_customers: s.new_customers,
            providers: s.providers.iter().map(ProviderUseDto::from).collect(),
        }
    }
}

/// A summary of a range (administrators only, R6): bookings by status,
/// amounts booked, paid and tipped, no-shows, new customers, and per
/// provider booked against available hours.
#[utoipa::path(get, path = "/v1/reports/summary", tag = "reports", params(SummaryParams),
    responses((status = OK, body = SummaryDto), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem), (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn summary(
    State(state): State<AppState>,
    Signed(who): Signed,
    Query(q): Query<SummaryParams>,
) -> Result<Json<SummaryDto>, Problem> {
    let mut c = Check::default();
    let from = instant(&mut c, "from", &q.from);
    let to = instant(&mut c, "to", &q.to);
    let provider = c.optional("provider_id", q.provider_id, |p| p.parse::<AccountId>());
    let range = match (from, to) {
        (Some(f), Some(t)) => c.field("to", TimeRange::new(f, t)),
        _ => None,
    };
    let range = range.filter(|r| {
        let within = r.duration() <= MAX_RANGE;
        if !within {
            c.fail("to", "at most 367 days after from");
        }
        within
    });
    let (Some(range), Some(provider)) = (range, provider) else {
        return Err(c.problem());
    };
    let summary = state
        .rota
        .report_summary(&who.actor, SummaryQuery { range, provider })
        .await?;
    Ok(Json(SummaryDto::from(&summary)))
}

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(summary))
}
