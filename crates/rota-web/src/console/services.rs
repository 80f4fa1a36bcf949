//! The services: what the business offers, with money shown and entered
//! as money (U8).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::{Classify, ErrorKind};
use serde::Deserialize;

use crate::Web;
use crate::form::{Field, FormView, Posted, form_token, render, render_built, with_cookie};
use crate::viewer::{Viewer, ViewerLine};
use rota_app::domain::money::Money;
use rota_app::domain::name::BusinessName;
use rota_app::domain::service::ServiceDuration;
use rota_app::services::NewService;

use super::Notice;
use crate::form::sentence_of;

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

pub(super) async fn page(
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
pub(super) struct ServiceForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    price: String,
}

pub(super) async fn add(
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
        return render_built(
            services(&web, &viewer, posted.csrf, form).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
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
            render_built(services(&web, &viewer, posted.csrf, form).await, status)
        }
    }
}
