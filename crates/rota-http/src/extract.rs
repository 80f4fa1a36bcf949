//! Extractors whose rejections are problems: JSON bodies (unknown fields
//! refused), query strings, and path ids (a malformed id is simply not found:
//! ids are opaque).

use std::str::FromStr;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::problem::Problem;

/// A JSON body.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(e) => Err(json_problem(&e)),
        }
    }
}

fn json_problem(e: &JsonRejection) -> Problem {
    let message = e.body_text();
    let code = match e {
        JsonRejection::MissingJsonContentType(_) => "unsupported_media_type",
        _ => "invalid",
    };
    if let JsonRejection::MissingJsonContentType(_) = e {
        return Problem::new(
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code,
            "send the body as application/json",
        );
    }
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return Problem::new(e.status(), "payload_too_large", message);
    }
    Problem::field("body", code, message)
}

/// A query string.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Self(v)),
            Err(e) => Err(query_problem(&e)),
        }
    }
}

fn query_problem(e: &QueryRejection) -> Problem {
    Problem::field("query", "invalid", e.body_text())
}

/// Parses a path id; a malformed one is a 404 like an unknown one.
pub fn id<T: FromStr>(raw: &str) -> Result<T, Problem> {
    raw.parse().map_err(|_| Problem::not_found())
}

/// The client's address, for throttling (A9): the socket's peer, unless the
/// peer is one of `ROTA_TRUSTED_PROXIES`; then the nearest address in
/// `X-Forwarded-For` that is not a trusted proxy itself. Forwarded headers
/// from anyone else are ignored, so a client cannot pick its own address.
pub struct Client(pub Option<String>);

impl FromRequestParts<crate::AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(Self(peer.map(|p| {
            client_of(p, &parts.headers, &state.config.trusted_proxies).to_string()
        })))
    }
}

/// Who the client is, given its peer, the request's headers and the trusted
/// proxies (`rota_app::browser::client_address`).
pub(crate) fn client_of(
    peer: std::net::IpAddr,
    headers: &axum::http::HeaderMap,
    trusted: &[std::net::IpAddr],
) -> std::net::IpAddr {
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok());
    rota_app::browser::client_address(peer, forwarded, trusted)
}
