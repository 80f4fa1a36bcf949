//! Customers.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rota_app::customers::{CustomerChanges, NewCustomer};
use rota_app::domain::account::{CustomerDetails, Text};
use rota_app::domain::email::EmailAddress;
use rota_app::domain::name::PersonName;
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

/// A customer's fields; on create, `first_name`, `last_name` and `email` are
/// required; on update, absent fields stay and an empty string clears an
/// optional one.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct CustomerBody {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub customer_number: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub address1: Option<String>,
    pub address2: Option<String>,
    pub unit: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub postal_code: Option<String>,
    pub notes: Option<String>,
}

/// The optional text fields, checked: `Some(None)` clears.
fn optional_texts(c: &mut Check, b: &CustomerBody) -> Option<[Option<Option<Text>>; 11]> {
    let fields = [
        ("customer_number", &b.customer_number),
        ("phone", &b.phone),
        ("mobile", &b.mobile),
        ("address1", &b.address1),
        ("address2", &b.address2),
        ("unit", &b.unit),
        ("city", &b.city),
        ("region", &b.region),
        ("country", &b.country),
        ("postal_code", &b.postal_code),
        ("notes", &b.notes),
    ];
    let mut out: [Option<Option<Text>>; 11] = Default::default();
    let mut ok = true;
    for (slot, (name, value)) in out.iter_mut().zip(fields) {
        if let Some(v) = value {
            match c.field(name, Text::parse(v)) {
                Some(t) => *slot = Some(t),
                None => ok = false,
            }
        }
    }
    ok.then_some(out)
}

/// The customer list query.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CustomerQuery {
    /// Text found in the name or email (case-insensitive).
    pub q: Option<String>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1–200 (default 50).
    pub limit: Option<u32>,
}

/// A page of customers.
#[derive(Serialize, ToSchema)]
pub struct CustomerPage {
    /// The customers, as the caller may see them (R8 privacy).
    pub items: Vec<AccountDto>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// Customers (administrators; providers with `customers: list`).
#[utoipa::path(get, path = "/v1/customers", tag = "customers", params(CustomerQuery),
    responses((status = OK, body = CustomerPage), (status = FORBIDDEN, body = Problem),
        (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn list_customers(
    State(state): State<AppState>,
    Signed(who): Signed,
    Query(q): Query<CustomerQuery>,
) -> Result<Json<CustomerPage>, Problem> {
    let limit = Limit::new(q.limit).map_err(|e| Problem::field("limit", "invalid", e))?;
    let page = state
        .rota
        .list_customers(&who.actor, q.q, q.cursor.as_deref(), limit)
        .await?;
    Ok(Json(CustomerPage {
        items: page.items.iter().map(AccountDto::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Creates a customer (administrators; providers with `edit_customers`).
#[utoipa::path(post, path = "/v1/customers", tag = "customers",
    request_body = CustomerBody,
    responses((status = CREATED, body = AccountDto), (status = FORBIDDEN, body = Problem),
        (status = CONFLICT, description = "`email_taken`", body = Problem),
        (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn create_customer(
    State(state): State<AppState>,
    Signed(who): Signed,
    Body(b): Body<CustomerBody>,
) -> Result<(StatusCode, Json<AccountDto>), Problem> {
    let mut c = Check::default();
    let first = c
        .required("first_name", b.first_name.clone())
        .and_then(|v| c.field("first_name", PersonName::parse(&v)));
    let last = c
        .required("last_name", b.last_name.clone())
        .and_then(|v| c.field("last_name", PersonName::parse(&v)));
    let email = c
        .required("email", b.email.clone())
        .and_then(|v| c.field("email", EmailAddress::parse(&v)));
    let texts = optional_texts(&mut c, &b);
    let (Some(first_name), Some(last_name), Some(email), Some(texts)) = (first, last, email, texts)
    else {
        return Err(c.problem());
    };
    let [
        customer_number,
        phone,
        mobile,
        address1,
        address2,
        unit,
        city,
        region,
        country,
        postal_code,
        notes,
    ] = texts.map(Option::flatten);
    let details = CustomerDetails {
        customer_number,
        phone,
        mobile,
        address1,
        address2,
        unit,
        city,
        region,
        country,
        postal_code,
        notes,
    };
    let account = state
        .rota
        .create_customer(
            &who.actor,
            NewCustomer {
                first_name,
                last_name,
                email,
                details,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(AccountDto::from(&account))))
}

/// One customer, as the caller may see them (R8 privacy).
#[utoipa::path(get, path = "/v1/customers/{id}", tag = "customers",
    params(("id" = String, Path, description = "Customer id")),
    responses((status = OK, body = AccountDto), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem)))]
async fn get_customer(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
) -> Result<Json<AccountDto>, Problem> {
    let a = state.rota.customer(&who.actor, id(&raw)?).await?;
    Ok(Json(AccountDto::from(&a)))
}

/// Changes a customer; absent fields stay, empty strings clear.
#[utoipa::path(patch, path = "/v1/customers/{id}", tag = "customers",
    params(("id" = String, Path, description = "Customer id")),
    request_body = CustomerBody,
    responses((status = OK, body = AccountDto), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem), (status = CONFLICT, body = Problem),
        (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn patch_customer(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
    Body(b): Body<CustomerBody>,
) -> Result<Json<AccountDto>, Problem> {
    let target = id(&raw)?;
    let mut c = Check::default();
    let first_name = c.optional("first_name", b.first_name.clone(), |v| {
        PersonName::parse(&v)
    });
    let last_name = c.optional("last_name", b.last_name.clone(), |v| PersonName::parse(&v));
    let email = c.optional("email", b.email.clone(), |v| EmailAddress::parse(&v));
    let texts = optional_texts(&mut c, &b);
    let (Some(first_name), Some(last_name), Some(email), Some(texts)) =
        (first_name, last_name, email, texts)
    else {
        return Err(c.problem());
    };
    let [
        customer_number,
        phone,
        mobile,
        address1,
        address2,
        unit,
        city,
        region,
        country,
        postal_code,
        notes,
    ] = texts;
    let changes = CustomerChanges {
        first_name,
        last_name,
        email,
        customer_number,
        phone,
        mobile,
        address1,
        address2,
        unit,
        city,
        region,
        country,
        postal_code,
        notes,
    };
    let a = state
        .rota
        .update_customer(&who.actor, target, changes)
        .await?;
    Ok(Json(AccountDto::from(&a)))
}

/// Archives a customer (B7): kept, no longer bookable.
#[utoipa::path(post, path = "/v1/customers/{id}/archive", tag = "customers",
    params(("id" = String, Path, description = "Customer id")),
    responses((status = OK, body = AccountDto), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem)))]
async fn archive_customer(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
) -> Result<Json<AccountDto>, Problem> {
    let a = state.rota.archive_customer(&who.actor, id(&raw)?).await?;
    Ok(Json(AccountDto::from(&a)))
}

/// Restores an archived customer: bookable again, and able to sign in to
/// the portal as before if they had access (whoever may archive them).
#[utoipa::path(post, path = "/v1/customers/{id}/restore", tag = "customers",
    params(("id" = String, Path, description = "Customer id")),
    responses((status = OK, body = AccountDto), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem),
        (status = CONFLICT, description = "`customer_erased`", body = Problem)))]
async fn restore_customer(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
) -> Result<Json<AccountDto>, Problem> {
    let a = state.rota.restore_customer(&who.actor, id(&raw)?).await?;
    Ok(Json(AccountDto::from(&a)))
}

/// Erases a customer (administrators): their name, email, phone, address
/// and notes are replaced for good, they are archived and lose portal
/// access, and the store's other traces of them go (booking notes,
/// sessions, emails to them, idempotency replays, addresses in the audit
/// log). Their bookings and payments stay, so reports do not change.
/// Refused while they have bookings to come. Irreversible.
#[utoipa::path(post, path = "/v1/customers/{id}/erase", tag = "customers",
    params(("id" = String, Path, description = "Customer id")),
    responses((status = OK, body = AccountDto), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem),
        (status = CONFLICT, description = "`customer_has_upcoming_bookings`", body = Problem)))]
async fn erase_customer(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
) -> Result<Json<AccountDto>, Problem> {
    let a = state.rota.erase_customer(&who.actor, id(&raw)?).await?;
    Ok(Json(AccountDto::from(&a)))
}

/// Emails the customer an invitation to the portal (A6).
#[utoipa::path(post, path = "/v1/customers/{id}/invite", tag = "customers",
    params(("id" = String, Path, description = "Customer id")),
    responses((status = ACCEPTED, body = Message), (status = FORBIDDEN, body = Problem),
        (status = NOT_FOUND, body = Problem),
        (status = CONFLICT, description = "`already_active`, `account_inactive`", body = Problem)))]
async fn invite_customer(
    State(state): State<AppState>,
    Signed(who): Signed,
    Path(raw): Path<String>,
) -> Result<(StatusCode, Json<Message>), Problem> {
    state.rota.invite_customer(&who.actor, id(&raw)?).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(Message {
            message: "the invitation is on its way",
        }),
    ))
}

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_customers, create_customer))
        .routes(routes!(get_customer, patch_customer))
        .routes(routes!(archive_customer))
        .routes(routes!(restore_customer))
        .routes(routes!(erase_customer))
        .routes(routes!(invite_customer))
}
