//! The services: what the business offers, with money shown and entered
//! as money (U8).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::{Classify, ErrorKind};
use serde::Deserialize;

use crate::Web;
use crate::form::{Field, FormView, Posted, form_token, render, render_built, with_cookie};
use crate::viewer::{Viewer, ViewerLine};
use rota_app::domain::id::ServiceId;
use rota_app::domain::money::Money;
use rota_app::domain::name::BusinessName;
use rota_app::domain::service::{Buffers, Service, ServiceDuration};
use rota_app::services::{NewService, ServiceChanges};

use super::Notice;
use crate::form::sentence_of;
use crate::refused::Asked;
use crate::shown::kept_free;

// --- Services ------------------------------------------------------------

/// One service, as listed.
struct ServiceRow {
    id: String,
    name: String,
    length: String,
    price: String,
    kept_free: String,
}

/// A buffer as typed: blank is none; else whole minutes, 0 to 240.
fn buffer_minutes(raw: &str) -> Option<u32> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Some(0);
    }
    raw.parse::<u32>()
        .ok()
        .filter(|m| *m <= Buffers::MAX_MINUTES)
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
            Field::new(
                "before",
                "Minutes kept free before it, for preparation or travel (optional, up to 240)",
                "text",
                "off",
            ),
            Field::new(
                "after",
                "Minutes kept free after it, for cleanup or travel (optional, up to 240)",
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
                id: s.id.to_string(),
                name: s.name.to_string(),
                length: length(s.duration.as_minutes()),
                price: s.price.display(&currency),
                kept_free: kept_free(s.buffers),
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
            page.notice = match q.done.as_deref() {
                Some("added") => Some("Service added."),
                Some("changed") => Some("Service changed. Bookings already made stay as they are."),
                _ => None,
            };
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
    #[serde(default)]
    before: String,
    #[serde(default)]
    after: String,
}

pub(super) async fn add(
    State(web): State<Web>,
    viewer: Viewer,
    posted: Posted<ServiceForm>,
) -> Response {
    let mut form = service_form(&viewer);
    let Some(checked) = check(&viewer, &posted.form, &mut form) else {
        return render_built(
            services(&web, &viewer, posted.csrf, form).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let new = NewService {
        name: checked.name,
        duration: checked.duration,
        price: checked.price,
        providers: Vec::new(),
        buffers: checked.buffers,
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

/// A service form as checked: each field, or a sentence beside it.
struct Checked {
    name: BusinessName,
    duration: ServiceDuration,
    price: Money,
    buffers: Buffers,
}

/// Puts what was typed back in `form` and checks it; `None` when a field
/// is refused (its sentence is in `form`).
fn check(viewer: &Viewer, f: &ServiceForm, form: &mut FormView) -> Option<Checked> {
    let typed = [&f.name, &f.minutes, &f.price, &f.before, &f.after];
    for (field, value) in form.fields.iter_mut().zip(typed) {
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
    let before = buffer_minutes(&f.before);
    let after = buffer_minutes(&f.after);
    for (field, minutes) in [("before", before), ("after", after)] {
        if minutes.is_none() {
            form.refuse(
                field,
                "Enter whole minutes from 0 to 240, or leave it blank",
            );
        }
    }
    let buffers = before
        .zip(after)
        .and_then(|(b, a)| Buffers::minutes(b, a).ok());
    Some(Checked {
        name: name.ok()?,
        duration: duration?,
        price: price.ok()?,
        buffers: buffers?,
    })
}

// --- One service ---------------------------------------------------------

#[derive(Template)]
#[template(path = "service.html")]
struct ServicePage {
    id: String,
    name: String,
    form: FormView,
    viewer: ViewerLine,
    csrf: String,
}

/// The service `id` (administrators), or the page that says why not.
async fn one_service(
    web: &Web,
    headers: &HeaderMap,
    viewer: &Viewer,
    id: &str,
) -> Result<Service, Response> {
    let asked = Asked {
        noun: "service",
        back: "/console/services",
        back_label: "Back to the services",
    };
    let gone = |kind| crate::refused::refused(web, headers, viewer, kind, &asked);
    if !viewer.may("manage_services") {
        return Err(gone(ErrorKind::Forbidden));
    }
    let id: ServiceId = id.parse().map_err(|_| gone(ErrorKind::NotFound))?;
    match web.rota.list_services(&viewer.who.actor).await {
        Ok(all) => all
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| gone(ErrorKind::NotFound)),
        Err(e) => Err(gone(e.kind())),
    }
}

/// The form, filled with the service as it is.
fn filled(viewer: &Viewer, s: &Service) -> FormView {
    let mut form = service_form(viewer);
    let blank_if_none = |m: u32| if m == 0 { String::new() } else { m.to_string() };
    let values = [
        s.name.to_string(),
        s.duration.as_minutes().to_string(),
        s.price.display(&viewer.business.currency),
        blank_if_none(s.buffers.before_minutes()),
        blank_if_none(s.buffers.after_minutes()),
    ];
    for (field, value) in form.fields.iter_mut().zip(values) {
        field.value = value;
    }
    form
}

pub(super) async fn service_page(
    State(web): State<Web>,
    headers: HeaderMap,
    Path(id): Path<String>,
    viewer: Viewer,
) -> Response {
    let service = match one_service(&web, &headers, &viewer, &id).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (csrf, set) = form_token(&web, &headers);
    let page = ServicePage {
        id: service.id.to_string(),
        name: service.name.to_string(),
        form: filled(&viewer, &service),
        viewer: viewer.line(),
        csrf,
    };
    with_cookie(render(StatusCode::OK, &page), set)
}

pub(super) async fn change(
    State(web): State<Web>,
    headers: HeaderMap,
    Path(id): Path<String>,
    viewer: Viewer,
    posted: Posted<ServiceForm>,
) -> Response {
    let service = match one_service(&web, &headers, &viewer, &id).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let mut form = service_form(&viewer);
    let page = |form: FormView| ServicePage {
        id: service.id.to_string(),
        name: service.name.to_string(),
        form,
        viewer: viewer.line(),
        csrf: posted.csrf.clone(),
    };
    let Some(checked) = check(&viewer, &posted.form, &mut form) else {
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page(form));
    };
    let changes = ServiceChanges {
        name: Some(checked.name),
        duration: Some(checked.duration),
        price: Some(checked.price),
        buffer_before_minutes: Some(checked.buffers.before_minutes()),
        buffer_after_minutes: Some(checked.buffers.after_minutes()),
        ..ServiceChanges::default()
    };
    match web
        .rota
        .update_service(&viewer.who.actor, service.id, changes)
        .await
    {
        Ok(_) => Redirect::to("/console/services?done=changed").into_response(),
        Err(e) => {
            let status = if e.kind() == ErrorKind::Forbidden {
                form.problem = Some("You may not change services.".into());
                StatusCode::FORBIDDEN
            } else {
                tracing::error!(error = %e, "a service could not be changed");
                form.problem =
                    Some("Something went wrong on our side. Please try again in a moment.".into());
                StatusCode::SERVICE_UNAVAILABLE
            };
            render(status, &page(form))
        }
    }
}
