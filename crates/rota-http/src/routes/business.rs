//! The business: settings, subscription, access rights, audit log.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rota_app::domain::access::AccessRights;
use rota_app::domain::business::{Currency, ReminderHours, Zone};
use rota_app::domain::calendar::WeeklyHours;
use rota_app::domain::id::TimeOffId;
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::name::BusinessName;
use rota_app::domain::plan::Plan;
use rota_app::page::Limit;
use rota_app::settings::BusinessChanges;
use rota_app::subscription::SubscriptionView;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::dto::{AccessRightsDto, BusinessDto, Check};
use crate::extract::{Body, Query, id};
use crate::problem::Problem;
use crate::routes::employees::{NewTimeOffBody, TimeOffDto};
use crate::session::Signed;

/// The business and its settings.
#[utoipa::path(get, path = "/v1/business", tag = "business",
    responses((status = OK, body = BusinessDto), (status = UNAUTHORIZED, body = Problem)))]
async fn get_business(
    State(state): State<AppState>,
    Signed(who): Signed,
) -> Result<Json<BusinessDto>, Problem> {
    let b = state.rota.business(&who.actor).await?;
    Ok(Json(BusinessDto::from(&b)))
}

/// Changes to the business's settings; absent fields stay as they are.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessPatch {
    /// Its name.
    pub name: Option<String>,
    /// IANA time zone.
    pub time_zone: Option<String>,
    /// ISO 4217 code.
    pub currency: Option<String>,
    /// Minutes before a booking's start after which customers may not cancel (R10).
    #[schema(minimum = 0, maximum = 525_600)]
    pub cancellation_notice_minutes: Option<u32>,
    /// Whether customers may book for themselves (R10).
    pub online_booking: Option<bool>,
    /// Customers book at least this many minutes ahead (W3); at most a year.
    #[schema(minimum = 0, maximum = 525_600)]
    pub min_notice_minutes: Option<u32>,
    /// When the business is open, in its own zone (W3): the same shape as
    /// a work calendar's `hours`; availability never offers time outside it.
    #[schema(value_type = Object)]
    pub operating_hours: Option<serde_json::Value>,
    /// Hours before a booking its customer is reminded by email: each 1–72,
    /// at most three, each once (`[]`: no reminders).
    pub reminder_hours: Option<Vec<u32>>,
    /// Whether providers are emailed when a booking is assigned to them,
    /// moved or cancelled.
    pub provider_emails: Option<bool>,
}

/// A number of minutes no longer than a year.
fn at_most_a_year(minutes: u32) -> Result<u32, &'static str> {
    if minutes <= 525_600 {
        Ok(minutes)
    } else {
        Err("at most a year (525600 minutes)")
    }
}

/// Changes the business's settings (administrators).
#[utoipa::path(patch, path = "/v1/business", tag = "business",
    request_body = BusinessPatch,
    responses((status = OK, body = BusinessDto), (status = FORBIDDEN, body = Problem),
        (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn patch_business(
    State(state): State<AppState>,
    Signed(who): Signed,
    Body(b): Body<BusinessPatch>,
) -> Result<Json<BusinessDto>, Problem> {
    let mut c = Check::default();
    let name = c.optional("name", b.name, |n| BusinessName::parse(&n));
    let time_zone = c.optional("time_zone", b.time_zone, |z| Zone::parse(&z));
    let currency = c.optional("currency", b.currency, |z| Currency::parse(&z));
    let cancellation_notice = c.optional(
        "cancellation_notice_minutes",
        b.cancellation_notice_minutes,
        at_most_a_year,
    );
    let min_notice = c.optional("min_notice_minutes", b.min_notice_minutes, at_most_a_year);
    let operating_hours = c.optional("operating_hours", b.operating_hours, |v| {
        serde_json::from_value::<WeeklyHours>(v)
    });
    let reminder_hours = c.optional("reminder_hours", b.reminder_hours, ReminderHours::new);
    let (
        Some(name),
        Some(time_zone),
        Some(currency),
        Some(cancellation_notice),
        Some(min_notice),
        Some(operating_hours),
        Some(reminder_hours),
    ) = (
        name,
        time_zone,
        currency,
        cancellation_notice,
        min_notice,
        operating_hours,
        reminder_hours,
    )
    else {
        return Err(c.problem());
    };
    let changed = state
        .rota
        .update_business(
            &who.actor,
            BusinessChanges {
                name,
                time_zone,
                currency,
                cancellation_notice_minutes: cancellation_notice,
                online_booking: b.online_booking,
                min_notice_minutes: min_notice,
                operating_hours,
                reminder_hours,
                provider_emails: b.provider_emails,
            },
        )
        .await?;
    Ok(Json(BusinessDto::from(&changed)))
}

/// The business-wide closures (holidays): no one is offered or booked in
/// them (W3).
#[utoipa::path(get, path = "/v1/closures", tag = "business",
    responses((status = OK, body = Vec<TimeOffDto>), (status = UNAUTHORIZED, body = Problem)))]
async fn list_closures(
    State(state): State<AppState>,
    Signed(who): Signed,
) -> Result<Json<Vec<TimeOffDto>>, Problem> {
    let all = state.rota.closures(&who.actor).await?;
    Ok(Json(all.iter().map(TimeOffDto::from).collect()))
}

/// Closes the business for a time, dates or a weekly slot (administrators;
/// audited).
#[utoipa::path(post, path = "/v1/closures", tag = "business",
    request_body = NewTimeOffBody,
    responses((status = CREATED, body = TimeOffDto), (status = FORBIDDEN, body = Problem),
        (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn add_closure(
    State(state): State<AppState>,
    Signed(who): Signed,
    Body(b): Body<NewTimeOffBody>,
) -> Result<(StatusCode, Json<TimeOffDto>), Problem> {
    let (absence, note) = b.checked()?;
    let t = state.rota.add_closure(&who.actor, absence, note).await?;
    Ok((StatusCode::CREATED, Json(TimeOffDto::from(&t))))
}

/// Removes a closure (administrators; audited).
#[utoipa::path(delete, path = "/v1/closures/{id}", tag = "business",
    params(("id" = String, Path, description = "Closure id")),
    responses((status = NO_CONTENT), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem)))]
async fn delete_closure(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
) -> Result<StatusCode, Problem> {
    let closure: TimeOffId = id(&raw)?;
    state.rota.delete_closure(&who.actor, closure).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The plan, its status and the seats in use.
#[derive(Serialize, ToSchema)]
pub struct SubscriptionDto {
    /// `starter`, `grow` or `pro_max`.
    #[schema(value_type = String)]
    pub plan: serde_json::Value,
    /// `active` or `cancelled`.
    #[schema(value_type = String)]
    pub status: serde_json::Value,
    /// Service providers holding a seat.
    pub providers: u32,
}

impl From<&SubscriptionView> for SubscriptionDto {
    fn from(v: &SubscriptionView) -> Self {
        Self {
            plan: serde_json::to_value(v.subscription.plan).unwrap_or_default(),
            status: serde_json::to_value(v.subscription.status).unwrap_or_default(),
            providers: v.providers,
        }
    }
}

/// The subscription (owners and administrators).
#[utoipa::path(get, path = "/v1/subscription", tag = "business",
    responses((status = OK, body = SubscriptionDto), (status = FORBIDDEN, body = Problem)))]
async fn get_subscription(
    State(state): State<AppState>,
    Signed(who): Signed,
) -> Result<Json<SubscriptionDto>, Problem> {
    let v = state.rota.subscription(&who.actor).await?;
    Ok(Json(SubscriptionDto::from(&v)))
}

/// A plan change.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanBody {
    /// `starter`, `grow` or `pro_max`.
    #[schema(value_type = String, example = "grow")]
    pub plan: Plan,
}

/// Changes the plan (owners, R5; seats R7).
#[utoipa::path(put, path = "/v1/subscription", tag = "business",
    request_body = PlanBody,
    responses((status = OK, body = SubscriptionDto), (status = FORBIDDEN, body = Problem),
        (status = CONFLICT, description = "`plan_limit`", body = Problem)))]
async fn put_subscription(
    State(state): State<AppState>,
    Signed(who): Signed,
    Body(b): Body<PlanBody>,
) -> Result<Json<SubscriptionDto>, Problem> {
    let v = state.rota.change_plan(&who.actor, b.plan).await?;
    Ok(Json(SubscriptionDto::from(&v)))
}

/// Cancels the subscription (owners).
#[utoipa::path(post, path = "/v1/subscription/cancel", tag = "business",
    responses((status = OK, body = SubscriptionDto), (status = FORBIDDEN, body = Problem)))]
async fn cancel_subscription(
    State(state): State<AppState>,
    Signed(who): Signed,
) -> Result<Json<SubscriptionDto>, Problem> {
    let v = state.rota.cancel_subscription(&who.actor).await?;
    Ok(Json(SubscriptionDto::from(&v)))
}

/// The access rights of providers who are not administrators (R8).
#[utoipa::path(get, path = "/v1/settings/access-rights", tag = "business",
    responses((status = OK, body = AccessRightsDto), (status = FORBIDDEN, body = Problem)))]
async fn get_access_rights(
    State(state): State<AppState>,
    Signed(who): Signed,
) -> Result<Json<AccessRightsDto>, Problem> {
    let r = state.rota.access_rights(&who.actor).await?;
    Ok(Json(AccessRightsDto::from(&r)))
}

/// Sets the access rights (administrators).
#[utoipa::path(put, path = "/v1/settings/access-rights", tag = "business",
    request_body = AccessRightsDto,
    responses((status = OK, body = AccessRightsDto), (status = FORBIDDEN, body = Problem),
        (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn put_access_rights(
    State(state): State<AppState>,
    Signed(who): Signed,
    Body(b): Body<AccessRightsDto>,
) -> Result<Json<AccessRightsDto>, Problem> {
    let rights =
        AccessRights::new(b.into()).map_err(|e| Problem::field("edit_customers", "invalid", e))?;
    let r = state.rota.set_access_rights(&who.actor, rights).await?;
    Ok(Json(AccessRightsDto::from(&r)))
}

/// A page query.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1–200 (default 50).
    pub limit: Option<u32>,
}

/// One audit-log entry (A7).
#[derive(Serialize, ToSchema)]
pub struct AuditEventDto {
    /// Its id.
    pub id: String,
    /// Who did it.
    pub actor_id: Option<String>,
    /// Whom it was done to.
    pub subject_id: Option<String>,
    /// `roles_changed`, `password_reset`…
    pub kind: &'static str,
    /// The change's details.
    #[schema(value_type = Object)]
    pub change: serde_json::Value,
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
}

/// A page of audit events, newest first.
#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    /// The events.
    pub items: Vec<AuditEventDto>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// The audit log (administrators).
#[utoipa::path(get, path = "/v1/audit-events", tag = "business", params(PageQuery),
    responses((status = OK, body = AuditPage), (status = FORBIDDEN, body = Problem)))]
async fn audit_events(
    State(state): State<AppState>,
    Signed(who): Signed,
    Query(q): Query<PageQuery>,
) -> Result<Json<AuditPage>, Problem> {
    let limit = Limit::new(q.limit).map_err(|e| Problem::field("limit", "invalid", e))?;
    let page = state
        .rota
        .audit_events(&who.actor, q.cursor.as_deref(), limit)
        .await?;
    Ok(Json(AuditPage {
        items: page
            .items
            .iter()
            .map(|e| AuditEventDto {
                id: e.id.to_string(),
                actor_id: e.actor.map(|a| a.to_string()),
                subject_id: e.subject.map(|a| a.to_string()),
                kind: e.change.kind(),
                change: serde_json::to_value(&e.change).unwrap_or_default(),
                at: e.at,
            })
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_business, patch_business))
        .routes(routes!(get_subscription, put_subscription))
        .routes(routes!(cancel_subscription))
        .routes(routes!(get_access_rights, put_access_rights))
        .routes(routes!(audit_events))
        .routes(routes!(list_closures, add_closure))
        .routes(routes!(delete_closure))
}
