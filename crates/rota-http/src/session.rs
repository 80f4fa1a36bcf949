//! Who is asking: deny by default. Every route needs a live session unless
//! it is on [`PUBLIC`]; the gate authenticates before any handler runs.
//! Credentials come from `Authorization: Bearer <token>` (API clients) or the
//! `rota_session` cookie (browsers, A3); a cookie-authenticated request that
//! changes something must come from the server's own origin (CSRF defence:
//! `Sec-Fetch-Site`, else `Origin`).

use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rota_app::auth::Authenticated;
use rota_app::secrecy::SecretString;

use crate::AppState;
use crate::problem::Problem;

/// The cookie a browser session travels in.
pub const COOKIE: &str = rota_app::browser::SESSION_COOKIE;

/// The routes anyone may call, signed in or not. Everything else is refused
/// with 401 before its handler runs.
pub const PUBLIC: &[(Method, &str)] = &[
    (Method::POST, "/v1/businesses"),
    (Method::POST, "/v1/sessions"),
    (Method::POST, "/v1/password-resets"),
    (Method::POST, "/v1/password-resets/confirm"),
    (Method::POST, "/v1/invitations/accept"),
    (Method::POST, "/v1/email-changes/confirm"),
    (Method::GET, "/v1/openapi.json"),
    (Method::GET, "/v1/calendar-feeds/{file}"),
    (Method::GET, "/healthz"),
    (Method::GET, "/readyz"),
];

fn is_public(method: &Method, path: Option<&str>) -> bool {
    path.is_some_and(|p| PUBLIC.iter().any(|(m, route)| m == method && *route == p))
}

/// The session token of a request, and whether it came in a cookie.
fn credentials(headers: &HeaderMap) -> Option<(SecretString, bool)> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let value = value.to_str().ok()?;
        let (scheme, token) = value.split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| (SecretString::from(token.trim()), false));
    }
    let cookies = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok());
    rota_app::browser::cookie_value(cookies, COOKIE).map(|token| (SecretString::from(token), true))
}

/// CSRF: a cookie-borne change must come from our own origin.
fn same_origin(headers: &HeaderMap, origin: &str) -> bool {
    let value = |name| {
        headers
            .get(name)
            .map(|v| v.to_str().unwrap_or("unreadable"))
    };
    rota_app::browser::same_origin(
        value("sec-fetch-site"),
        value(header::ORIGIN.as_str()),
        origin,
    )
}

/// The gate (a route layer, so the matched route is known).
pub(crate) async fn gate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str);
    if is_public(req.method(), path) {
        return next.run(req).await;
    }
    let Some((token, via_cookie)) = credentials(req.headers()) else {
        return Problem::unauthenticated().into_response();
    };
    if via_cookie && !req.method().is_safe() && !same_origin(req.headers(), &state.config.origin) {
        return Problem::new(
            StatusCode::FORBIDDEN,
            "cross_site_request",
            "a cookie-authenticated change must come from this site",
        )
        .into_response();
    }
    match state.rota.authenticate(&token).await {
        Ok(who) => {
            req.extensions_mut().insert(who);
            next.run(req).await
        }
        Err(e) => Problem::from(e).into_response(),
    }
}

/// The signed-in caller of a gated route.
pub struct Signed(pub Authenticated);

impl<S: Send + Sync> FromRequestParts<S> for Signed {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Authenticated>()
            .cloned()
            .map(Signed)
            .ok_or_else(Problem::unauthenticated)
    }
}

/// `Set-Cookie` for a new session (A3): `HttpOnly; SameSite=Lax`, `Secure`
/// when the server is reached over HTTPS.
pub(crate) fn session_cookie(token: &SecretString, secure: bool) -> HeaderValue {
    HeaderValue::from_str(&rota_app::browser::session_cookie(token, secure))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` that removes the session cookie.
pub(crate) fn clear_cookie(secure: bool) -> HeaderValue {
    HeaderValue::from_str(&rota_app::browser::clear_session_cookie(secure))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use rota_app::secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn a3_bearer_wins_and_the_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=b; rota_session=xyz; c=d"),
        );
        let (t, cookie) = credentials(&h).unwrap();
        assert_eq!((t.expose_secret(), cookie), ("xyz", true));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        let (t, cookie) = credentials(&h).unwrap();
        assert_eq!((t.expose_secret(), cookie), ("abc", false));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert!(credentials(&h).is_none());
    }

    #[test]
    fn a3_cookie_changes_must_come_from_our_origin() {
        let origin = "https://rota.example";
        let mut h = HeaderMap::new();
        assert!(same_origin(&h, origin));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!same_origin(&h, origin));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://rota.example"),
        );
        assert!(same_origin(&h, origin));
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&h, origin));
    }

    #[test]
    fn the_cookie_is_http_only_lax_and_secure_over_https() {
        let c = session_cookie(&SecretString::from("t"), true);
        let c = c.to_str().unwrap();
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(
            !session_cookie(&SecretString::from("t"), false)
                .to_str()
                .unwrap()
                .contains("Secure")
        );
    }
}
