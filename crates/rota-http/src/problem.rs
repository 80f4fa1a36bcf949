//! `application/problem+json` (RFC 9457): the one place where use-case
//! errors become HTTP answers. The status follows the error's kind; the
//! `code` is the error's stable code; 5xx bodies say nothing of the cause,
//! which is logged instead.

use std::fmt;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rota_app::{Classify, ErrorKind};
use serde::Serialize;
use utoipa::ToSchema;

/// One invalid field of a request.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FieldError {
    /// The field, as named in the request (`email`, `roles`, `hours.monday[0]`).
    pub field: String,
    /// A stable code (`invalid`, `required`, `password_too_short`…).
    pub code: String,
    /// What is wrong, for people.
    pub message: String,
}

/// An error answer.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// The status's reason phrase.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What happened, for people.
    pub detail: String,
    /// A stable machine-readable code (`last_owner`, `double_booking`…).
    pub code: String,
    /// For `validation`: each invalid field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// For 429: seconds to wait (sent as `Retry-After`).
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

/// The status of an error kind (SPEC §7's status rule).
#[must_use]
pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Unexpected => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl Problem {
    /// A problem with this status, code and detail.
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Self {
            type_uri: format!("https://rota.invalid/problems/{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            code: code.to_owned(),
            errors: None,
            retry_after: None,
        }
    }

    /// 401: not signed in.
    #[must_use]
    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "sign in first: send `Authorization: Bearer <token>` or the session cookie",
        )
    }

    /// 404.
    #[must_use]
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "no such resource")
    }

    /// 422 `validation` with the invalid fields.
    #[must_use]
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = match errors.as_slice() {
            [one] => format!("{}: {}", one.field, one.message),
            _ => format!("{} fields are not valid", errors.len()),
        };
        let mut p = Self::new(StatusCode::UNPROCESSABLE_ENTITY, "validation", detail);
        p.errors = Some(errors);
        p
    }

    /// 422 `validation` for one field.
    pub fn field(field: &str, code: &str, message: impl fmt::Display) -> Self {
        Self::validation(vec![FieldError {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.to_string(),
        }])
    }

    /// 500, opaque; the cause is logged here.
    pub fn internal(cause: &(impl fmt::Debug + ?Sized)) -> Self {
        tracing::error!(error = ?cause, "request failed unexpectedly");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "something went wrong on our side; it has been logged",
        )
    }
}

impl<E: Classify + fmt::Display + fmt::Debug> From<E> for Problem {
    fn from(e: E) -> Self {
        match e.kind() {
            ErrorKind::Unexpected => Self::internal(&e),
            ErrorKind::Invalid if e.code() != "validation" => {
                // A single domain refusal of input (a weak password, a bad
                // token) keeps its own code, and lists itself as the error.
                let mut p = Self::new(StatusCode::UNPROCESSABLE_ENTITY, e.code(), e.to_string());
                p.errors = Some(vec![FieldError {
                    field: String::new(),
                    code: e.code().to_owned(),
                    message: e.to_string(),
                }]);
                p
            }
            ErrorKind::Unavailable => {
                // A10: a full queue; a moment later there is room.
                let mut p = Self::new(status_of(e.kind()), e.code(), e.to_string());
                p.retry_after = Some(1);
                p
            }
            kind => Self::new(status_of(kind), e.code(), e.to_string()),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after;
        let mut response = (status, Json(self)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
