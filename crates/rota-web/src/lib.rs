//! Rota's web pages (SPEC §10), rendered on the server: the public pages
//! every emailed link lands on (U1 — sign in, forgot and reset password,
//! accept an invitation, confirm an email change, sign up, sign out), the
//! ops console for the team (U2) and the portal for customers (U4).
//!
//! Pages call `rota-app`'s use cases only, like the JSON API beside them;
//! the session cookie and the CSRF pieces both share live in
//! `rota_app::browser`. Templates are askama's, checked when the crate
//! compiles (a missing field is a compile error), under `templates/`; the
//! one stylesheet is served by the crate itself. No page carries script or
//! inline style, and the Content-Security-Policy forbids both (U7). Every
//! form works without JavaScript, and every `POST` must carry the page's
//! form token and come from this site.

mod console;
mod form;
mod pages;
mod portal;
mod public;
mod refused;
mod shown;
mod viewer;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::get;
use rota_app::Rota;
use tower_http::set_header::SetResponseHeaderLayer;

/// The Content-Security-Policy of every page (U7): only this site's own
/// stylesheet, no script at all, no framing, forms posting only here.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
    form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Every page a browser may GET (the browser tests screenshot and check
/// each one; a test fails if one is missing here or there).
pub const PAGES: &[&str] = &[
    "/sign-in",
    "/sign-up",
    "/forgot-password",
    "/reset-password",
    "/accept-invitation",
    "/confirm-email",
    "/profile",
    "/console",
    "/console/mine",
    "/console/time",
    "/console/subscription",
    "/console/team",
    "/console/team/{id}",
    "/console/team/{id}/hours",
    "/console/services",
    "/console/services/{id}",
    "/console/settings",
    "/console/settings/opening",
    "/console/reports",
    "/console/audit",
    "/console/customers",
    "/console/customers/import",
    "/console/customers/{id}",
    "/console/bookings",
    "/console/bookings/new",
    "/console/bookings/{id}",
    "/portal",
    "/portal/book",
    "/portal/bookings/{id}",
    "/b/{slug}",
];

/// Every form target (a test posts to each without its protection and
/// expects a refusal).
pub const FORMS: &[&str] = &[
    "/sign-in",
    "/sign-up",
    "/forgot-password",
    "/reset-password",
    "/accept-invitation",
    "/confirm-email",
    "/sign-out",
    "/profile",
    "/profile/password",
    "/profile/calendar-feed",
    "/profile/calendar-link",
    "/profile/calendar-link/refresh",
    "/profile/calendar-link/remove",
    "/console/time/clock-in",
    "/console/time/clock-out",
    "/console/subscription",
    "/console/subscription/cancel",
    "/console/team",
    "/console/team/{id}",
    "/console/team/{id}/{action}",
    "/console/team/{id}/time-off",
    "/console/team/{id}/time-off/{off}/delete",
    "/console/team/{id}/hours",
    "/console/services",
    "/console/services/{id}",
    "/console/settings",
    "/console/settings/access-rights",
    "/console/settings/opening",
    "/console/settings/closures",
    "/console/settings/closures/{id}/delete",
    "/console/customers",
    "/console/customers/import",
    "/console/customers/import/commit",
    "/console/customers/{id}",
    "/console/customers/{id}/{action}",
    "/console/bookings",
    "/console/bookings/{id}/reschedule",
    "/console/bookings/{id}/assign",
    "/console/bookings/{id}/status",
    "/console/bookings/{id}/payment",
    "/console/bookings/{id}/payment-request",
    "/console/bookings/{id}/series",
    "/console/bookings/{id}/series/cancel",
    "/portal/book",
    "/portal/bookings/{id}/reschedule",
    "/portal/bookings/{id}/cancel",
    "/b/{slug}",
];

/// How the pages are served.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// The public origin (`https://rota.example`): changes must come from it.
    pub origin: String,
    /// Whether cookies are `Secure` (the origin is HTTPS).
    pub secure: bool,
    /// Proxies whose `X-Forwarded-For` names the client (sign-in throttles).
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl WebConfig {
    /// Pages served at `base_url` (its origin is what forms must come from).
    #[must_use]
    pub fn new(base_url: &str) -> Self {
        let origin = origin_of(base_url);
        Self {
            secure: origin.starts_with("https://"),
            origin,
            trusted_proxies: Vec::new(),
        }
    }
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    let host = rest.split('/').next().unwrap_or(rest);
    format!("{scheme}://{host}")
}

/// What every handler gets.
#[derive(Clone)]
pub(crate) struct Web {
    pub(crate) rota: Rota,
    pub(crate) config: Arc<WebConfig>,
}

/// The pages' router (mount it beside the API: the server falls back to the
/// API for every other path).
pub fn router(rota: Rota, config: WebConfig) -> Router {
    let web = Web {
        rota,
        config: Arc::new(config),
    };
    pages::routes()
        .merge(console::routes())
        .merge(portal::routes())
        .merge(public::routes())
        .route("/static/rota.css", get(stylesheet))
        .route_layer(axum::middleware::from_fn_with_state(
            web.clone(),
            form::guard,
        ))
        .with_state(web)
        // A request's reads share one pooled connection (`ports::held`).
        .layer(axum::middleware::from_fn(
            |req: axum::extract::Request, next: axum::middleware::Next| {
                rota_app::ports::one_connection(next.run(req))
            },
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

async fn stylesheet() -> impl axum::response::IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        include_str!("../static/rota.css"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn u7_the_csp_allows_no_inline_script_or_style_and_no_framing() {
        assert!(!CSP.contains("unsafe-inline") && !CSP.contains("unsafe-eval"));
        assert!(CSP.contains("frame-ancestors 'none'") && CSP.contains("default-src 'none'"));
    }

    /// The routes `pages.rs` declares with `get(…)`, by reading its source:
    /// a new page cannot be added without `PAGES` (and so the browser test's
    /// screenshots and accessibility check) knowing it.
    #[test]
    fn u8_every_get_page_route_is_listed_for_the_browser_tests() {
        let source: String = [
            include_str!("pages.rs"),
            include_str!("console.rs"),
            include_str!("portal.rs"),
            include_str!("public.rs"),
        ]
        .concat()
        .split_whitespace()
        .collect();
        let mut routes: Vec<&str> = source
            .split(".route(\"")
            .skip(1)
            .filter_map(|call| call.split_once('"'))
            .filter(|(_, rest)| rest.starts_with(",get("))
            .map(|(route, _)| route)
            .filter(|r| *r != "/" && !r.to_ascii_lowercase().ends_with(".csv"))
            .collect();
        routes.sort_unstable();
        let mut pages = PAGES.to_vec();
        pages.sort_unstable();
        assert_eq!(routes, pages);
    }

    /// The routes declared with a `post(…)`, by reading the sources: every
    /// form target is in `FORMS`, which the CSRF test posts to.
    #[test]
    fn u7_every_form_target_is_listed_for_the_csrf_test() {
        let source: String = [
            include_str!("pages.rs"),
            include_str!("console.rs"),
            include_str!("portal.rs"),
            include_str!("public.rs"),
        ]
        .concat()
        .split_whitespace()
        .collect();
        let mut posted: Vec<&str> = source
            .split(".route(\"")
            .skip(1)
            .filter_map(|call| call.split_once('"'))
            .filter(|(_, rest)| {
                rest.split(".route(")
                    .next()
                    .is_some_and(|r| r.contains("post("))
            })
            .map(|(route, _)| route)
            .collect();
        posted.sort_unstable();
        let mut forms = FORMS.to_vec();
        forms.sort_unstable();
        assert_eq!(posted, forms);
    }
}
