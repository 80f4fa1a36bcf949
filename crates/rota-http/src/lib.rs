//! Rota's HTTP API v1 (SPEC §7) on axum: thin handlers (DTO → domain →
//! use case → DTO), `application/problem+json` errors mapped in one place
//! ([`problem`]), deny-by-default authentication ([`session`]), and an
//! OpenAPI 3.1 document generated from the handlers (utoipa) at
//! `/v1/openapi.json`.

#![allow(
    unreachable_pub,
    reason = "wire types are `pub` for the OpenAPI derives; their modules stay private"
)]
#![allow(
    clippy::option_option,
    reason = "PATCH semantics: absent (keep), null or empty (clear), value (set), as the use cases take them"
)]
#![allow(
    clippy::result_large_err,
    reason = "a Problem is built once per failed request; boxing it buys nothing measurable"
)]

mod dto;
mod extract;
mod instant;
pub mod problem;
mod routes;
pub mod session;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use rota_app::Rota;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::openapi::OpenApi;

use crate::problem::Problem;

/// How the API is served.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    /// The public base URL (`https://rota.example/app`), for links the API
    /// hands out (calendar feeds).
    pub base_url: String,
    /// The public origin (`https://rota.example`): cookie-authenticated
    /// changes must come from it (CSRF), and cookies are `Secure` when it
    /// is HTTPS.
    pub origin: String,
    /// A request taking longer is answered 408 (the default is 30 s).
    pub request_timeout: Duration,
    /// Largest JSON body in bytes (the default is 1 MiB); CSV imports have
    /// their own limit (20 MiB).
    pub body_limit: usize,
    /// Proxies whose `X-Forwarded-For` names the client (A9); none by
    /// default (`ROTA_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl HttpConfig {
    /// Defaults for a server reached at `base_url`.
    #[must_use]
    pub fn new(base_url: &str) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            origin: origin_of(base_url),
            request_timeout: Duration::from_secs(30),
            body_limit: 1024 * 1024,
            trusted_proxies: Vec::new(),
        }
    }

    pub(crate) fn secure(&self) -> bool {
        self.origin.starts_with("https://")
    }
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> String {
    let url = url.trim_end_matches('/');
    match url.find("://") {
        Some(i) => match url[i + 3..].find('/') {
            Some(j) => url[..i + 3 + j].to_owned(),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The use cases.
    pub rota: Rota,
    /// The configuration.
    pub config: Arc<HttpConfig>,
}

/// The API's router and its OpenAPI document.
pub fn api(rota: Rota, config: HttpConfig) -> (Router, OpenApi) {
    let body_limit = config.body_limit;
    let request_timeout = config.request_timeout;
    let state = AppState {
        rota,
        config: Arc::new(config),
    };
    let (router, openapi) = routes::router().split_for_parts();
    let document = document(&openapi);
    let router = router
        .route(
            "/v1/openapi.json",
            axum::routing::get(move || {
                let document = document.clone();
                async move { axum::Json(document) }
            }),
        )
        .fallback(|| async { Problem::not_found() })
        .method_not_allowed_fallback(|| async {
            Problem::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this route does not answer to that method",
            )
        })
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::gate,
        ))
        .with_state(state)
        // A request's reads share one pooled connection (`ports::held`).
        .layer(axum::middleware::from_fn(
            |req: axum::extract::Request, next: axum::middleware::Next| {
                rota_app::ports::one_connection(next.run(req))
            },
        ));
    let request_id = HeaderName::from_static("x-request-id");
    let router = router
        .layer(axum::extract::DefaultBodyLimit::max(body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            let path = logged_path(req.uri().path());
            tracing::info_span!("request", method = %req.method(), path = %path, request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid));
    (router, openapi)
}

/// The API's router.
pub fn router(rota: Rota, config: HttpConfig) -> Router {
    api(rota, config).0
}

/// The served document: errors are declared as `application/problem+json`,
/// as they are sent (utoipa declares every body `application/json`).
fn document(openapi: &OpenApi) -> serde_json::Value {
    let mut doc = serde_json::to_value(openapi).unwrap_or_default();
    let problem = serde_json::json!({"$ref": "#/components/schemas/Problem"});
    let unauthenticated = serde_json::json!({
        "description": "Not signed in (`unauthenticated`), or the session ended",
        "content": {"application/problem+json": {"schema": problem.clone()}}
    });
    let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return doc;
    };
    for operation in paths
        .values_mut()
        .filter_map(|p| p.as_object_mut())
        .flat_map(|p| p.values_mut())
    {
        // Every route behind the gate can answer 401.
        let public = operation
            .get("security")
            .and_then(|s| s.as_array())
            .is_some_and(|s| {
                s.iter()
                    .all(|r| r.as_object().is_some_and(serde_json::Map::is_empty))
            });
        let Some(responses) = operation
            .get_mut("responses")
            .and_then(|r| r.as_object_mut())
        else {
            continue;
        };
        if !public {
            responses
                .entry("401")
                .or_insert_with(|| unauthenticated.clone());
        }
        for response in responses.values_mut() {
            let Some(content) = response.get_mut("content").and_then(|c| c.as_object_mut()) else {
                continue;
            };
            if content
                .get("application/json")
                .and_then(|c| c.get("schema"))
                == Some(&problem)
                && let Some(body) = content.remove("application/json")
            {
                content.insert("application/problem+json".to_owned(), body);
            }
        }
    }
    doc
}

/// The OpenAPI document as `docs/openapi.json` holds it (pretty JSON, with
/// a final newline).
#[must_use]
pub fn openapi_json() -> String {
    let mut text = serde_json::to_string_pretty(&document(&openapi())).unwrap_or_default();
    text.push('\n');
    text
}

/// A request's path as the log may keep it: a calendar feed's path is its
/// secret (W4), so the token is left out.
fn logged_path(path: &str) -> &str {
    if path.starts_with("/v1/calendar-feeds/") {
        "/v1/calendar-feeds/[redacted].ics"
    } else {
        path
    }
}

/// The OpenAPI document, without serving anything.
#[must_use]
pub fn openapi() -> OpenApi {
    routes::router().split_for_parts().1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn w4_a_feed_token_never_reaches_the_request_log() {
        assert_eq!(
            logged_path("/v1/calendar-feeds/s3cr3tt0k3n.ics"),
            "/v1/calendar-feeds/[redacted].ics"
        );
        assert_eq!(logged_path("/v1/bookings"), "/v1/bookings");
    }

    #[test]
    fn origins_drop_the_path() {
        assert_eq!(
            origin_of("https://rota.example/app/"),
            "https://rota.example"
        );
        assert_eq!(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    }
}
