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
