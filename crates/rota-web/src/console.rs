//! The console's sections beyond the day (U2): the team (everyone, and
//! inviting someone), the customers (search, pages, add), the services (money shown and entered as money, U8),
//! and the subscription, shown to every administrator,
//! changed and cancelled by owners only (R5) — a non-owner sees no such
//! action, and one posted anyway is refused by the use case.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use rota_app::domain::plan::{Plan, Seats, SubscriptionStatus};
use rota_app::subscription::{ChangeSubscriptionError, SubscriptionView};
use rota_app::{Classify, ErrorKind};
use serde::Deserialize;

use rota_app::customers::{CustomerError, NewCustomer};
use rota_app::domain::account::{Account, AccountStatus, CustomerDetails};
use rota_app::domain::email::EmailAddress;
use rota_app::domain::money::Money;
use rota_app::domain::name::{BusinessName, PersonName};
use rota_app::domain::role::{EmployeeRoles, RoleSet};
use rota_app::domain::service::ServiceDuration;
use rota_app::employees::{AddEmployeeError, NewEmployee};
use rota_app::page::Limit;
use rota_app::services::NewService;

use crate::Web;
use crate::form::{Field, FormView, Posted, form_token, render, with_cookie};
use crate::viewer::{Viewer, ViewerLine};

pub(crate) fn routes() -> Router<Web> {
    Router::new()
        .route(
            "/console/subscription",
            get(subscription_page).post(change_plan),
        )
        .route("/console/subscription/cancel", post(cancel))
        .route("/console/team", get(team_page).post(invite))
        .route("/console/services", get(services_page).post(add_service))
        .route("/console/customers", get(customers_page).post(add_customer))
}

/// A plan as people read it.
fn plan_label(plan: Plan) -> &'static str {
    match plan {
        Plan::Starter => "Starter — free, no provider seats",
        Plan::Grow => "Grow — up to 10 providers",
        Plan::ProMax => "Pro Max — unlimited providers",
    }
}

#[derive(Template)]
#[template(path = "subscription.html")]
struct SubscriptionPage {
    plan: &'static str,
    status: &'static str,
    seats: String,
    may_change: bool,
    may_cancel: bool,
    plans: Vec<(&'static str, &'static str)>,
    notice: Option<&'static str>,
    problem: Option<String>,
    viewer: ViewerLine,
    csrf: String,
}

impl SubscriptionPage {
    fn new(view: SubscriptionView, viewer: &Viewer, csrf: String) -> Self {
        let current = view.subscription.plan;
        let seats = match current.provider_seats() {
            Seats::Limited(n) => format!("{} of {n} in use", view.providers),
            Seats::Unlimited => format!("{} in use, no limit", view.providers),
        };
        Self {
            plan: plan_label(current),
            status: match view.subscription.status {
                SubscriptionStatus::Active => "Active",
                SubscriptionStatus::Cancelled => "Cancelled",
            },
            seats,
            may_change: viewer.may("change_plan"),
            may_cancel: viewer.may("cancel_subscription")
                && view.subscription.status == SubscriptionStatus::Active
                && current != Plan::Starter,
            plans: Plan::ALL
                .into_iter()
                .filter(|p| *p != current)
                .map(|p| (p.as_str(), plan_label(p)))
                .collect(),
            notice: None,
            problem: None,
            viewer: viewer.line(),
            csrf,
        }
    }
}

#[derive(Deserialize, Default)]
struct Notice {
    done: Option<String>,
}

async fn subscription_page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(q): Query<Notice>,
    viewer: Viewer,
) -> Response {
    let view = match web.rota.subscription(&viewer.who.actor).await {
        Ok(v) => v,
        Err(e) if e.kind() == ErrorKind::Forbidden => {
            return Redirect::to("/console").into_response();
        }
        Err(e) => {
            tracing::error!(error = %e, "the subscription could not be read");
            return (StatusCode::SERVICE_UNAVAILABLE, "try again in a moment").into_response();
        }
    };
    let (csrf, set) = form_token(&web, &headers);
    let mut page = SubscriptionPage::new(view, &viewer, csrf);
    page.notice = match q.done.as_deref() {
        Some("changed") => Some("The plan is changed."),
        Some("cancelled") => Some("The subscription is cancelled: the business is on Starter."),
        _ => None,
    };
    with_cookie(render(StatusCode::OK, &page), set)
}

#[derive(Deserialize)]
struct PlanForm {
    #[serde(default)]
    plan: String,
}

/// Shows the page again with `problem`, after a refused change.
async fn refused(
    web: &Web,
    viewer: &Viewer,
    csrf: String,
    problem: String,
    status: StatusCode,
) -> Response {
    match web.rota.subscription(&viewer.who.actor).await {
        Ok(view) => {
            let mut page = SubscriptionPage::new(view, viewer, csrf);
            page.problem = Some(problem);
            render(status, &page)
        }
        Err(_) => (status, problem).into_response(),
    }
}

/// The sentence for a refused change.
fn sentence(e: &ChangeSubscriptionError) -> (String, StatusCode) {
    match e.kind() {
        ErrorKind::Forbidden => (
            "Only an owner of the business can change or cancel the plan.".into(),
            StatusCode::FORBIDDEN,
        ),
        ErrorKind::Conflict => (format!("{e}."), StatusCode::CONFLICT),
        _ => {
            tracing::error!(error = %e, "the plan could not be changed");
            (
                "Something went wrong on our side. Please try again in a moment.".into(),
                StatusCode::SERVICE_UNAVAILABLE,
            )
        }
    }
}

async fn change_plan(State(web): State<Web>, viewer: Viewer, posted: Posted<PlanForm>) -> Response {
    let Some(plan) = Plan::from_name(&posted.form.plan) else {
        let problem = "Choose one of the plans.".to_owned();
        return refused(
            &web,
            &viewer,
            posted.csrf,
            problem,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match web.rota.change_plan(&viewer.who.actor, plan).await {
        Ok(_) => Redirect::to("/console/subscription?done=changed").into_response(),
        Err(e) => {
            let (problem, status) = sentence(&e);
            refused(&web, &viewer, posted.csrf, problem, status).await
        }
    }
}

#[derive(Deserialize)]
struct CancelForm {
    #[serde(default)]
    confirm: String,
}

async fn cancel(State(web): State<Web>, viewer: Viewer, posted: Posted<CancelForm>) -> Response {
    if posted.form.confirm != "yes" {
        let problem = "Tick “Yes, cancel the subscription” to cancel it.".to_owned();
        return refused(
            &web,
            &viewer,
            posted.csrf,
            problem,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match web.rota.cancel_subscription(&viewer.who.actor).await {
        Ok(_) => Redirect::to("/console/subscription?done=cancelled").into_response(),
        Err(e) => {
            let (problem, status) = sentence(&e);
            refused(&web, &viewer, posted.csrf, problem, status).await
        }
    }
}

// --- Team ----------------------------------------------------------------

/// One member of the team, as listed.
struct Member {
    name: String,
    email: String,
    roles: String,
    status: &'static str,
}

/// The roles one can invite someone with.
const ROLES: [(&str, &str); 3] = [
    ("service_provider", "Service provider"),
    ("administrator", "Administrator"),
    ("both", "Administrator and service provider"),
];

fn role_set(value: &str) -> Option<RoleSet> {
    match value {
        "service_provider" => Some(RoleSet::ServiceProvider),
        "administrator" => Some(RoleSet::Administrator),
        "both" => Some(RoleSet::Both),
        _ => None,
    }
}

fn describe(account: &Account) -> Member {
    let roles = account.employee().map_or_else(String::new, |e| {
        let set = match e.roles.roles() {
            RoleSet::Administrator => "Administrator",
            RoleSet::ServiceProvider => "Service provider",
            RoleSet::Both => "Administrator and service provider",
        };
        if e.roles.is_owner() {
            format!("{set}, owner")
        } else {
            set.to_owned()
        }
    });
    Member {
        name: account.display_name(),
        email: account.email.as_str().to_owned(),
        roles,
        status: match account.status {
            AccountStatus::Active => "Active",
            AccountStatus::Invited => "Invited",
            AccountStatus::Deactivated => "Deactivated",
        },
    }
}

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage {
    members: Vec<Member>,
    may_invite: bool,
    form: FormView,
    roles: [(&'static str, &'static str); 3],
    chosen_role: String,
    notice: Option<&'static str>,
    viewer: ViewerLine,
    csrf: String,
}

fn invite_form() -> FormView {
    FormView {
        fields: vec![
            Field::new("name", "Name", "text", "off"),
            Field::new("email", "Email", "email", "off"),
        ],
        ..FormView::default()
    }
}

async fn team(
    web: &Web,
    viewer: &Viewer,
    csrf: String,
    form: FormView,
    chosen: &str,
) -> Result<TeamPage, Response> {
    let members = match web.rota.list_employees(&viewer.who.actor).await {
        Ok(all) => all.iter().map(describe).collect(),
        Err(e) if e.kind() == ErrorKind::Forbidden => {
            return Err(Redirect::to("/console").into_response());
        }
        Err(e) => {
            tracing::error!(error = %e, "the team could not be read");
            return Err((StatusCode::SERVICE_UNAVAILABLE, "try again in a moment").into_response());
        }
    };
    Ok(TeamPage {
        members,
        may_invite: viewer.may("add_employee"),
        form,
        roles: ROLES,
        chosen_role: chosen.to_owned(),
        notice: None,
        viewer: viewer.line(),
        csrf,
    })
}

async fn team_page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(q): Query<Notice>,
    viewer: Viewer,
) -> Response {
    let (csrf, set) = form_token(&web, &headers);
    match team(&web, &viewer, csrf, invite_form(), "service_provider").await {
        Ok(mut page) => {
            if q.done.as_deref() == Some("invited") {
                page.notice = Some("Invitation sent.");
            }
            with_cookie(render(StatusCode::OK, &page), set)
        }
        Err(r) => r,
    }
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    roles: String,
}

async fn invite(State(web): State<Web>, viewer: Viewer, posted: Posted<InviteForm>) -> Response {
    let f = posted.form;
    let mut form = invite_form();
    form.fields[0] = form.fields[0].clone().typed(&f.name);
    form.fields[1] = form.fields[1].clone().typed(&f.email);
    let name = PersonName::parse(&f.name);
    let email = EmailAddress::parse(&f.email);
    if let Err(e) = &name {
        form.refuse("name", sentence_of(e));
    }
    if let Err(e) = &email {
        form.refuse("email", sentence_of(e));
    }
    let roles = role_set(&f.roles).and_then(|r| EmployeeRoles::new(r, false).ok());
    if roles.is_none() {
        form.problem = Some("Choose a role.".into());
    }
    let (Ok(name), Ok(email), Some(roles)) = (name, email, roles) else {
        return show_team(
            &web,
            &viewer,
            posted.csrf,
            form,
            &f.roles,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let new = NewEmployee {
        name,
        email,
        phone: None,
        roles,
    };
    match web.rota.add_employee(&viewer.who.actor, new).await {
        Ok(_) => Redirect::to("/console/team?done=invited").into_response(),
        Err(AddEmployeeError::EmailTaken) => {
            form.refuse("email", "Someone in this business already has that email.");
            show_team(
                &web,
                &viewer,
                posted.csrf,
                form,
                &f.roles,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => {
            let status = match e.kind() {
                ErrorKind::Forbidden => StatusCode::FORBIDDEN,
                ErrorKind::Conflict => StatusCode::CONFLICT,
                _ => StatusCode::SERVICE_UNAVAILABLE,
            };
            form.problem = Some(match e.code() {
                "plan_required" => "Your plan has no seats for service providers. Move to Grow on the Subscription page first.".into(),
                "plan_limit" => "Every provider seat of your plan is taken. Choose a bigger plan on the Subscription page, or deactivate someone first.".into(),
                "forbidden" | "owner_protected" => "You may not add this person.".into(),
                _ => {
                    tracing::error!(error = %e, "an employee could not be added");
                    "Something went wrong on our side. Please try again in a moment.".into()
                }
            });
            show_team(&web, &viewer, posted.csrf, form, &f.roles, status).await
        }
    }
}

async fn show_team(
    web: &Web,
    viewer: &Viewer,
    csrf: String,
    form: FormView,
    chosen: &str,
    status: StatusCode,
) -> Response {
    match team(web, viewer, csrf, form, chosen).await {
        Ok(page) => render(status, &page),
        Err(r) => r,
    }
}

/// A parse error as a sentence.
fn sentence_of(e: &impl std::fmt::Display) -> String {
    let message = e.to_string();
    let mut chars = message.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

// --- Services ------------------------------------------------------------

/// One service, as listed.
struct ServiceRow {
    name: String,
    length: String,
    price: String,
}

/// "45 min", "2 h", "1 h 30 min".
fn length(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

#[derive(Template)]
#[template(path = "services.html")]
struct ServicesPage {
    services: Vec<ServiceRow>,
    form: FormView,
    notice: Option<&'static str>,
    viewer: ViewerLine,
    csrf: String,
}

fn service_form(viewer: &Viewer) -> FormView {
    let currency = viewer.business.currency;
    FormView {
        fields: vec![
            Field::new("name", "Name (e.g. Deep clean)", "text", "off"),
            Field::new("minutes", "Length in minutes (5 to 1440)", "text", "off"),
            Field::new(
                "price",
                match currency.symbol() {
                    Some(_) => "Price (e.g. 90.00)",
                    None => "Price, in the business's currency (e.g. 90.00)",
                },
                "text",
                "off",
            ),
        ],
        ..FormView::default()
    }
}

async fn services(
    web: &Web,
    viewer: &Viewer,
    csrf: String,
    form: FormView,
) -> Result<ServicesPage, Response> {
    if !viewer.may("manage_services") {
        return Err(Redirect::to("/console").into_response());
    }
    let currency = viewer.business.currency;
    let services = match web.rota.list_services(&viewer.who.actor).await {
        Ok(all) => all
            .iter()
            .filter(|s| s.active)
            .map(|s| ServiceRow {
                name: s.name.to_string(),
                length: length(s.duration.as_minutes()),
                price: s.price.display(&currency),
            })
            .collect(),
        Err(e) => {
            tracing::error!(error = %e, "the services could not be read");
            return Err((StatusCode::SERVICE_UNAVAILABLE, "try again in a moment").into_response());
        }
    };
    Ok(ServicesPage {
        services,
        form,
        notice: None,
        viewer: viewer.line(),
        csrf,
    })
}

async fn services_page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(q): Query<Notice>,
    viewer: Viewer,
) -> Response {
    let (csrf, set) = form_token(&web, &headers);
    match services(&web, &viewer, csrf, service_form(&viewer)).await {
        Ok(mut page) => {
            if q.done.as_deref() == Some("added") {
                page.notice = Some("Service added.");
            }
            with_cookie(render(StatusCode::OK, &page), set)
        }
        Err(r) => r,
    }
}

#[derive(Deserialize)]
struct ServiceForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    price: String,
}

async fn add_service(
    State(web): State<Web>,
    viewer: Viewer,
    posted: Posted<ServiceForm>,
) -> Response {
    let f = posted.form;
    let mut form = service_form(&viewer);
    for (field, value) in form.fields.iter_mut().zip([&f.name, &f.minutes, &f.price]) {
        field.value.clone_from(value);
    }
    let name = BusinessName::parse(&f.name);
    let duration = f
        .minutes
        .trim()
        .parse::<u32>()
        .ok()
        .and_then(|m| ServiceDuration::minutes(m).ok());
    let price = Money::parse_amount(&f.price, &viewer.business.currency);
    if let Err(e) = &name {
        form.refuse("name", sentence_of(e));
    }
    if duration.is_none() {
        form.refuse("minutes", "Enter a length in whole minutes, from 5 to 1440");
    }
    if let Err(e) = &price {
        form.refuse("price", sentence_of(e));
    }
    let (Ok(name), Some(duration), Ok(price)) = (name, duration, price) else {
        return show_services(
            &web,
            &viewer,
            posted.csrf,
            form,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let new = NewService {
        name,
        duration,
        price,
        providers: Vec::new(),
    };
    match web.rota.create_service(&viewer.who.actor, new).await {
        Ok(_) => Redirect::to("/console/services?done=added").into_response(),
        Err(e) => {
            let status = if e.kind() == ErrorKind::Forbidden {
                form.problem = Some("You may not add services.".into());
                StatusCode::FORBIDDEN
            } else {
                tracing::error!(error = %e, "a service could not be added");
                form.problem =
                    Some("Something went wrong on our side. Please try again in a moment.".into());
                StatusCode::SERVICE_UNAVAILABLE
            };
            show_services(&web, &viewer, posted.csrf, form, status).await
        }
    }
}

async fn show_services(
    web: &Web,
    viewer: &Viewer,
    csrf: String,
    form: FormView,
    status: StatusCode,
) -> Response {
    match services(web, viewer, csrf, form).await {
        Ok(page) => render(status, &page),
        Err(r) => r,
    }
}

// --- Customers -----------------------------------------------------------

/// One customer, as listed.
struct CustomerRow {
    name: String,
    email: String,
    city: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "customers.html")]
struct CustomersPage {
    rows: Vec<CustomerRow>,
    query: String,
    next: Option<String>,
    may_create: bool,
    form: FormView,
    notice: Option<&'static str>,
    viewer: ViewerLine,
    csrf: String,
}

fn customer_form() -> FormView {
    FormView {
        fields: vec![
            Field::new("first_name", "First name", "text", "off"),
            Field::new("last_name", "Last name", "text", "off"),
            Field::new("email", "Email", "email", "off"),
        ],
        ..FormView::default()
    }
}

#[derive(Deserialize, Default)]
struct CustomerQuery {
    q: Option<String>,
    cursor: Option<String>,
    done: Option<String>,
}

async fn customers(
    web: &Web,
    viewer: &Viewer,
    q: &CustomerQuery,
    csrf: String,
    form: FormView,
) -> Result<CustomersPage, Response> {
    let query = q.q.clone().unwrap_or_default();
    let text = Some(query.trim().to_owned()).filter(|t| !t.is_empty());
    let page = match web
        .rota
        .list_customers(
            &viewer.who.actor,
            text,
            q.cursor.as_deref(),
            Limit::default(),
        )
        .await
    {
        Ok(page) => page,
        Err(e) if e.kind() == ErrorKind::Forbidden => {
            return Err(Redirect::to("/console").into_response());
        }
        Err(e) if e.kind() == ErrorKind::Invalid => {
            return Err(Redirect::to("/console/customers").into_response());
        }
        Err(e) => {
            tracing::error!(error = %e, "the customers could not be read");
            return Err((StatusCode::SERVICE_UNAVAILABLE, "try again in a moment").into_response());
        }
    };
    let rows = page
        .items
        .iter()
        .map(|a| CustomerRow {
            name: a.display_name(),
            email: a.email.as_str().to_owned(),
            city: a
                .customer()
                .and_then(|c| c.details.city.as_ref())
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default(),
            status: match a.customer().and_then(|c| c.archived_at) {
                Some(_) => "Archived",
                None if a.activated_at.is_some() => "Uses the portal",
                None => "Active",
            },
        })
        .collect();
    let next = page.next_cursor.map(|c| {
        format!(
            "/console/customers?q={}&cursor={}",
            crate::viewer::url_encode(&query),
            crate::viewer::url_encode(&c)
        )
    });
    Ok(CustomersPage {
        rows,
        query,
        next,
        may_create: viewer.may("create_customer"),
        form,
        notice: None,
        viewer: viewer.line(),
        csrf,
    })
}

async fn customers_page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(q): Query<CustomerQuery>,
    viewer: Viewer,
) -> Response {
    let (csrf, set) = form_token(&web, &headers);
    match customers(&web, &viewer, &q, csrf, customer_form()).await {
        Ok(mut page) => {
            if q.done.as_deref() == Some("added") {
                page.notice = Some("Customer added.");
            }
            with_cookie(render(StatusCode::OK, &page), set)
        }
        Err(r) => r,
    }
}

#[derive(Deserialize)]
struct CustomerForm {
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    email: String,
}

async fn add_customer(
    State(web): State<Web>,
    viewer: Viewer,
    posted: Posted<CustomerForm>,
) -> Response {
    let f = posted.form;
    let mut form = customer_form();
    for (field, value) in form
        .fields
        .iter_mut()
        .zip([&f.first_name, &f.last_name, &f.email])
    {
        field.value.clone_from(value);
    }
    let first = PersonName::parse(&f.first_name);
    let last = PersonName::parse(&f.last_name);
    let email = EmailAddress::parse(&f.email);
    if let Err(e) = &first {
        form.refuse("first_name", sentence_of(e));
    }
    if let Err(e) = &last {
        form.refuse("last_name", sentence_of(e));
    }
    if let Err(e) = &email {
        form.refuse("email", sentence_of(e));
    }
    let q = CustomerQuery::default();
    let (Ok(first_name), Ok(last_name), Ok(email)) = (first, last, email) else {
        return show_customers(
            &web,
            &viewer,
            &q,
            posted.csrf,
            form,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let new = NewCustomer {
        first_name,
        last_name,
        email,
        details: CustomerDetails::default(),
    };
    match web.rota.create_customer(&viewer.who.actor, new).await {
        Ok(_) => Redirect::to("/console/customers?done=added").into_response(),
        Err(CustomerError::EmailTaken) => {
            form.refuse("email", "Someone in this business already has that email.");
            show_customers(&web, &viewer, &q, posted.csrf, form, StatusCode::CONFLICT).await
        }
        Err(e) => {
            let status = if e.kind() == ErrorKind::Forbidden {
                form.problem = Some("You may not add customers.".into());
                StatusCode::FORBIDDEN
            } else {
                tracing::error!(error = %e, "a customer could not be added");
                form.problem =
                    Some("Something went wrong on our side. Please try again in a moment.".into());
                StatusCode::SERVICE_UNAVAILABLE
            };
            show_customers(&web, &viewer, &q, posted.csrf, form, status).await
        }
    }
}

async fn show_customers(
    web: &Web,
    viewer: &Viewer,
    q: &CustomerQuery,
    csrf: String,
    form: FormView,
    status: StatusCode,
) -> Response {
    match customers(web, viewer, q, csrf, form).await {
        Ok(page) => render(status, &page),
        Err(r) => r,
    }
}
