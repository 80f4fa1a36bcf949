//! The team: employees, their work hours and time off.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rota_app::domain::account::{AccountStatus, Text};
use rota_app::domain::business::Zone;
use rota_app::domain::calendar::{WeeklyHours, WorkCalendar};
use rota_app::domain::email::EmailAddress;
use rota_app::domain::id::{AccountId, TimeOffId};
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::name::PersonName;
use rota_app::domain::role::{EmployeeRoles, Role, RoleSet};
use rota_app::domain::time_off::{Absence, TimeOff};
use rota_app::employees::{EmployeeChanges, EmployeeFilter, NewEmployee};
use rota_app::page::Limit;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::dto::{AccountDto, Check, Message};
use crate::extract::{Body, Query, id};
use crate::problem::Problem;
use crate::session::Signed;

/// A new employee; they are emailed an invitation (A6).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEmployeeBody {
    /// Display name.
    pub name: String,
    /// Email, unique in the business (R1).
    pub email: String,
    /// Phone, free form.
    pub phone: Option<String>,
    /// At least one of `administrator`, `service_provider` (R2).
    #[schema(value_type = Vec<String>, example = json!(["service_provider"]))]
    pub roles: Vec<Role>,
    /// Owner (owners only may grant it; owners are administrators, R3).
    #[serde(default)]
    pub owner: bool,
}

fn role_set(c: &mut Check, roles: Option<Vec<Role>>) -> Option<Option<RoleSet>> {
    c.optional("roles", roles, |r| RoleSet::from_roles(&r))
}

fn phone(c: &mut Check, phone: Option<String>) -> Option<Option<Text>> {
    match phone {
        None => Some(None),
        Some(p) => c.field("phone", Text::parse(&p)),
    }
}

/// Which employees to list.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EmployeeParams {
    /// Only those holding this role: `administrator` (owners included) or
    /// `service_provider`.
    pub role: Option<String>,
    /// Only those in this status: `invited`, `active` or `deactivated`.
    pub status: Option<String>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1–200 (default 50).
    pub limit: Option<u32>,
}

/// A page of employees, in id order.
#[derive(Serialize, ToSchema)]
pub struct EmployeePage {
    /// The employees.
    pub items: Vec<AccountDto>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// The team, a page at a time, by role or status (administrators).
#[utoipa::path(get, path = "/v1/employees", tag = "team", params(EmployeeParams),
    responses((status = OK, body = EmployeePage), (status = FORBIDDEN, body = Problem),
        (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn list_employees(
    State(state): State<AppState>,
    Signed(who): Signed,
    Query(q): Query<EmployeeParams>,
) -> Result<Json<EmployeePage>, Problem> {
    let mut c = Check::default();
    let role = c.optional("role", q.role, |s| {
        serde_json::from_value::<Role>(serde_json::Value::String(s))
            .map_err(|_| "administrator or service_provider")
    });
    let status = c.optional("status", q.status, |s| {
        serde_json::from_value::<AccountStatus>(serde_json::Value::String(s))
            .map_err(|_| "invited, active or deactivated")
    });
    let limit = c.field("limit", Limit::new(q.limit));
    let (Some(role), Some(status), Some(limit)) = (role, status, limit) else {
        return Err(c.problem());
    };
    let page = state
        .rota
        .employees_page(
            &who.actor,
            EmployeeFilter { role, status },
            q.cursor.as_deref(),
            limit,
        )
        .await?;
    Ok(Json(EmployeePage {
        items: page.items.iter().map(AccountDto::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Adds an employee, `invited` until they accept (administrators; R5–R7).
#[utoipa::path(post, path = "/v1/employees", tag = "team",
    request_body = NewEmployeeBody,
    responses((status = CREATED, body = AccountDto), (status = FORBIDDEN, body = Problem),
        (status = CONFLICT, description = "`email_taken`, `plan_required`, `plan_limit`", body = Problem),
        (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn add_employee(
    State(state): State<AppState>,
    Signed(who): Signed,
    Body(b): Body<NewEmployeeBody>,
) -> Result<(StatusCode, Json<AccountDto>), Problem> {
    let mut c = Check::default();
    let name = c.field("name", PersonName::parse(&b.name));
    let email = c.field("email", EmailAddress::parse(&b.email));
    let phone = phone(&mut c, b.phone);
    let roles = role_set(&mut c, Some(b.roles))
        .flatten()
        .and_then(|r| c.field("owner", EmployeeRoles::new(r, b.owner)));
    let (Some(name), Some(email), Some(phone), Some(roles)) = (name, email, phone, roles) else {
        return Err(c.problem());
    };
    let account = state
        .rota
        .add_employee(
            &who.actor,
            NewEmployee {
                name,
                email,
                phone,
                roles,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(AccountDto::from(&account))))
}

/// One employee (administrators; a provider sees themself).
#[utoipa::path(get, path = "/v1/employees/{id}", tag = "team",
    params(("id" = String, Path, description = "Employee id")),
    responses((status = OK, body = AccountDto), (status = NOT_FOUND, body = Problem)))]
async fn get_employee(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
) -> Result<Json<AccountDto>, Problem> {
    let a = state.rota.employee(&who.actor, id(&raw)?).await?;
    Ok(Json(AccountDto::from(&a)))
}

/// Changes to an employee; absent fields stay as they are.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmployeePatch {
    /// Display name.
    pub name: Option<String>,
    /// Phone; empty clears it.
    pub phone: Option<String>,
    /// The new role set (R2).
    #[schema(value_type = Option<Vec<String>>)]
    pub roles: Option<Vec<Role>>,
    /// Grant or revoke ownership (owners only, R3, R4).
    pub owner: Option<bool>,
}

/// Changes an employee's profile, roles or ownership, all or nothing.
#[utoipa::path(patch, path = "/v1/employees/{id}", tag = "team",
    params(("id" = String, Path, description = "Employee id")),
    request_body = EmployeePatch,
    responses((status = OK, body = AccountDto), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem),
        (status = CONFLICT, description = "`last_owner`, `plan_limit`…", body = Problem),
        (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn patch_employee(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
    Body(b): Body<EmployeePatch>,
) -> Result<Json<AccountDto>, Problem> {
    let target: AccountId = id(&raw)?;
    let mut c = Check::default();
    let name = c.optional("name", b.name, |n| PersonName::parse(&n));
    let phone = match b.phone {
        None => Some(None),
        Some(p) => c.field("phone", Text::parse(&p)).map(Some),
    };
    let roles = role_set(&mut c, b.roles);
    let (Some(name), Some(phone), Some(roles)) = (name, phone, roles) else {
        return Err(c.problem());
    };
    let a = state
        .rota
        .update_employee(
            &who.actor,
            target,
            EmployeeChanges {
                name,
                phone,
                roles,
                owner: b.owner,
            },
        )
        .await?;
    Ok(Json(AccountDto::from(&a)))
}

/// Deactivates an employee (R11): they cannot sign in; history stays.
#[utoipa::path(post, path = "/v1/employees/{id}/deactivate", tag = "team",
    params(("id" = String, Path, description = "Employee id")),
    responses((status = OK, body = AccountDto), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem), (status = CONFLICT, body = Problem)))]
async fn deactivate(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
) -> Result<Json<AccountDto>, Problem> {
    let a = state
        .rota
        .deactivate_employee(&who.actor, id(&raw)?)
        .await?;
    Ok(Json(AccountDto::from(&a)))
}

/// Reactivates an employee (R7: a provider takes a seat again).
#[utoipa::path(post, path = "/v1/employees/{id}/reactivate", tag = "team",
    params(("id" = String, Path, description = "Employee id")),
    responses((status = OK, body = AccountDto), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem), (status = CONFLICT, body = Problem)))]
async fn reactivate(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
) -> Result<Json<AccountDto>, Problem> {
    let a = state
        .rota
        .reactivate_employee(&who.actor, id(&raw)?)
        .await?;
    Ok(Json(AccountDto::from(&a)))
}

/// Emails the employee a password-reset link (or a fresh invitation if they
/// never set a password). The administrator never sees the password (A4).
#[utoipa::path(post, path = "/v1/employees/{id}/send-password-reset", tag = "team",
    params(("id" = String, Path, description = "Employee id")),
    responses((status = ACCEPTED, body = Message), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem), (status = CONFLICT, body = Problem)))]
async fn send_password_reset(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
) -> Result<(StatusCode, Json<Message>), Problem> {
    state
        .rota
        .send_password_reset(&who.actor, id(&raw)?)
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(Message {
            message: "the email is on its way",
        }),
    ))
}

/// A work calendar (W1): weekly intervals in local wall time.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkHoursDto {
    /// The employee's IANA zone; absent means the business's.
    pub time_zone: Option<String>,
    /// `{"monday": [{"start": "09:00", "end": "17:00"}], …}`; an interval
    /// ending before it starts runs overnight.
    #[schema(value_type = Object)]
    pub hours: serde_json::Value,
}

impl From<&WorkCalendar> for WorkHoursDto {
    fn from(c: &WorkCalendar) -> Self {
        Self {
            time_zone: c.zone.as_ref().map(|z| z.name().to_owned()),
            hours: serde_json::to_value(&c.hours).unwrap_or_default(),
        }
    }
}

/// An employee's work hours.
#[utoipa::path(get, path = "/v1/employees/{id}/work-hours", tag = "team",
    params(("id" = String, Path, description = "Employee id")),
    responses((status = OK, body = WorkHoursDto), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem)))]
async fn get_work_hours(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
) -> Result<Json<WorkHoursDto>, Problem> {
    let c = state.rota.work_calendar(&who.actor, id(&raw)?).await?;
    Ok(Json(WorkHoursDto::from(&c)))
}

/// Sets an employee's work hours (administrators; the provider with
/// `work_hours: edit`).
#[utoipa::path(put, path = "/v1/employees/{id}/work-hours", tag = "team",
    params(("id" = String, Path, description = "Employee id")),
    request_body = WorkHoursDto,
    responses((status = OK, body = WorkHoursDto), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem), (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn put_work_hours(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
    Body(b): Body<WorkHoursDto>,
) -> Result<Json<WorkHoursDto>, Problem> {
    let employee: AccountId = id(&raw)?;
    let mut c = Check::default();
    let zone = c.optional("time_zone", b.time_zone, |z| Zone::parse(&z));
    let hours = c.field("hours", serde_json::from_value::<WeeklyHours>(b.hours));
    let (Some(zone), Some(hours)) = (zone, hours) else {
        return Err(c.problem());
    };
    let saved = state
        .rota
        .set_work_calendar(&who.actor, employee, WorkCalendar { zone, hours })
        .await?;
    Ok(Json(WorkHoursDto::from(&saved)))
}

/// A non-working entry.
#[derive(Serialize, ToSchema)]
pub struct TimeOffDto {
    /// Its id.
    pub id: String,
    /// The employee (absent for a business-wide closure).
    pub employee_id: Option<String>,
    /// `{"kind": "range", "starts_at", "ends_at"}`, `{"kind": "days",
    /// "first", "last"}` or `{"kind": "weekly", "weekday", "start", "end"}`.
    #[schema(value_type = Object)]
    pub absence: serde_json::Value,
    /// A note.
    pub note: Option<String>,
    /// When it was entered.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

impl From<&TimeOff> for TimeOffDto {
    fn from(t: &TimeOff) -> Self {
        Self {
            id: t.id.to_string(),
            employee_id: t.provider.map(|p| p.to_string()),
            absence: serde_json::to_value(&t.absence).unwrap_or_default(),
            note: t.note.as_ref().map(|n| n.as_str().to_owned()),
            created_at: t.created_at,
        }
    }
}

/// A new non-working entry.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTimeOffBody {
    /// What is off (see `TimeOffDto.absence`).
    #[schema(value_type = Object)]
    pub absence: serde_json::Value,
    /// A note.
    pub note: Option<String>,
}

impl NewTimeOffBody {
    /// The entry, or what is wrong with each field.
    pub(crate) fn checked(self) -> Result<(Absence, Option<Text>), Problem> {
        let mut c = Check::default();
        let absence = c.field("absence", serde_json::from_value::<Absence>(self.absence));
        let note = match self.note {
            None => Some(None),
            Some(n) => c.field("note", Text::parse(&n)),
        };
        match (absence, note) {
            (Some(absence), Some(note)) => Ok((absence, note)),
            _ => Err(c.problem()),
        }
    }
}

/// An employee's non-working entries.
#[utoipa::path(get, path = "/v1/employees/{id}/time-off", tag = "team",
    params(("id" = String, Path, description = "Employee id")),
    responses((status = OK, body = Vec<TimeOffDto>), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem)))]
async fn list_time_off(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
) -> Result<Json<Vec<TimeOffDto>>, Problem> {
    let all = state.rota.time_off(&who.actor, id(&raw)?).await?;
    Ok(Json(all.iter().map(TimeOffDto::from).collect()))
}

/// Adds a non-working entry for an employee.
#[utoipa::path(post, path = "/v1/employees/{id}/time-off", tag = "team",
    params(("id" = String, Path, description = "Employee id")),
    request_body = NewTimeOffBody,
    responses((status = CREATED, body = TimeOffDto), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem), (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn add_time_off(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
    Body(b): Body<NewTimeOffBody>,
) -> Result<(StatusCode, Json<TimeOffDto>), Problem> {
    let employee: AccountId = id(&raw)?;
    let (absence, note) = b.checked()?;
    let t = state
        .rota
        .add_time_off(&who.actor, employee, absence, note)
        .await?;
    Ok((StatusCode::CREATED, Json(TimeOffDto::from(&t))))
}

/// Deletes a non-working entry.
#[utoipa::path(delete, path = "/v1/employees/{id}/time-off/{time_off_id}", tag = "team",
    params(("id" = String, Path, description = "Employee id"),
        ("time_off_id" = String, Path, description = "Entry id")),
    responses((status = NO_CONTENT), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem)))]
async fn delete_time_off(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path((raw, raw_entry)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    let entry: TimeOffId = id(&raw_entry)?;
    state
        .rota
        .delete_time_off(&who.actor, id(&raw)?, entry)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_employees, add_employee))
        .routes(routes!(get_employee, patch_employee))
        .routes(routes!(deactivate))
        .routes(routes!(reactivate))
        .routes(routes!(send_password_reset))
        .routes(routes!(get_work_hours, put_work_hours))
        .routes(routes!(list_time_off, add_time_off))
        .routes(routes!(delete_time_off))
}
