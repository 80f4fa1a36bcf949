//! The customers: search, pages, add.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::{Classify, ErrorKind};
use serde::Deserialize;

use crate::Web;
use crate::form::{Field, FormView, Posted, form_token, render, render_built, with_cookie};
use crate::viewer::{Viewer, ViewerLine};
use rota_app::customers::{CustomerError, NewCustomer};
use rota_app::domain::account::CustomerDetails;
use rota_app::domain::email::EmailAddress;
use rota_app::domain::name::PersonName;
use rota_app::page::Limit;

use crate::form::sentence_of;

// --- Customers -----------------------------------------------------------

/// One customer, as listed.
struct CustomerRow {
    href: String,
    name: String,
    email: String,
    city: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "customers.html")]
#[allow(
    clippy::struct_excessive_bools,
    reason = "the switches of one template: what the viewer may see and do"
)]
struct CustomersPage {
    rows: Vec<CustomerRow>,
    query: String,
    next: Option<String>,
    /// Whether the viewer sees the list (a provider with `edit_customers`
    /// but not `customers=list` only adds customers here, R8).
    may_list: bool,
    may_create: bool,
    may_import: bool,
    may_export: bool,
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
pub(super) struct CustomerQuery {
    q: Option<String>,
    cursor: Option<String>,
    done: Option<String>,
    /// How many rows an import wrote (shown by the notice's page only).
    #[allow(dead_code, reason = "accepted so the redirect's query parses")]
    rows: Option<u64>,
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
        Err(e) if e.kind() == ErrorKind::Forbidden && viewer.may("create_customer") => {
            return Ok(CustomersPage {
                rows: Vec::new(),
                query,
                next: None,
                may_list: false,
                may_create: true,
                may_import: false,
                may_export: false,
                form,
                notice: None,
                viewer: viewer.line(),
                csrf,
            });
        }
        Err(e) if e.kind() == ErrorKind::Forbidden => {
            let asked = crate::refused::Asked {
                noun: "customer list",
                back: "/console",
                back_label: "Back to the console",
            };
            let headers = axum::http::HeaderMap::new();
            return Err(crate::refused::refused(
                web,
                &headers,
                viewer,
                e.kind(),
                &asked,
            ));
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
            href: format!("/console/customers/{}", a.id),
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
        may_list: true,
        may_create: viewer.may("create_customer"),
        may_import: viewer.may("import_customers"),
        may_export: viewer.may("export_customers"),
        form,
        notice: None,
        viewer: viewer.line(),
        csrf,
    })
}

pub(super) async fn page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(q): Query<CustomerQuery>,
    viewer: Viewer,
) -> Response {
    let (csrf, set) = form_token(&web, &headers);
    match customers(&web, &viewer, &q, csrf, customer_form()).await {
        Ok(mut page) => {
            page.notice = match q.done.as_deref() {
                Some("added") => Some("Customer added."),
                Some("imported") => Some("Customers imported."),
                _ => None,
            };
            with_cookie(render(StatusCode::OK, &page), set)
        }
        Err(r) => r,
    }
}

#[derive(Deserialize)]
pub(super) struct CustomerForm {
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    email: String,
}

pub(super) async fn add(
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
        return render_built(
            customers(&web, &viewer, &q, posted.csrf, form).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
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
            render_built(
                customers(&web, &viewer, &q, posted.csrf, form).await,
                StatusCode::CONFLICT,
            )
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
            render_built(
                customers(&web, &viewer, &q, posted.csrf, form).await,
                status,
            )
        }
    }
}
