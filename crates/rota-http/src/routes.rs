//! The routes of API v1, grouped as SPEC §7 lists them.

mod account;
mod bookings;
mod bulk;
mod business;
mod calendar_link;
mod customers;
mod employees;
mod feeds;
mod health;
mod payment_requests;
mod reports;
mod scheduling;
mod series;
mod time_tracking;

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Rota API",
        description = "The operations core of a service business: team, customers, calendars and bookings. \
                       Errors are application/problem+json with a stable `code`.",
        version = "1"
    ),
    modifiers(&Security),
    security(("bearer" = []), ("cookie" = []))
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::session::COOKIE))),
        );
    }
}

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(health::routes())
        .merge(account::routes())
        .merge(business::routes())
        .merge(employees::routes())
        .merge(bulk::routes())
        .merge(customers::routes())
        .merge(scheduling::routes())
        .merge(bookings::routes())
        .merge(series::routes())
        .merge(time_tracking::routes())
        .merge(feeds::routes())
        .merge(calendar_link::routes())
        .merge(reports::routes())
        .merge(payment_requests::routes())
}

/// A JSON body written into a buffer sized for it up front: a month of
/// slots runs to ~100 KB and a page of bookings to ~30 KB, which grown from
/// axum's 128 bytes were copied many times over.
pub(crate) fn json_sized<T: serde::Serialize>(
    value: &T,
    capacity: usize,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut body = Vec::with_capacity(capacity);
    match serde_json::to_writer(&mut body, value) {
        Ok(()) => (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response(),
        Err(e) => crate::problem::Problem::internal(&e).into_response(),
    }
}
