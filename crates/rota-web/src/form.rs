//! Forms: what a page shows (fields with what was typed and the sentence
//! beside each that was refused, U8), and what a `POST` must carry (U7):
//! the form token from the page's `rota_csrf` cookie, echoed in a hidden
//! field, and an origin that is this site's.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use rota_app::browser::{self, CSRF_COOKIE, CSRF_FIELD};
use serde::de::DeserializeOwned;

use crate::Web;

/// One input of a form, as shown.
#[derive(Clone, Debug)]
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) label: &'static str,
    /// `text`, `email`, `password`…
    pub(crate) kind: &'static str,
    /// What was typed (never a password).
    pub(crate) value: String,
    pub(crate) autocomplete: &'static str,
    /// The sentence beside it when it was refused.
    pub(crate) error: Option<String>,
}

impl Field {
    pub(crate) fn new(
        name: &'static str,
        label: &'static str,
        kind: &'static str,
        autocomplete: &'static str,
    ) -> Self {
        Self {
            name,
            label,
            kind,
            value: String::new(),
            autocomplete,
            error: None,
        }
    }

    /// With what was typed.
    pub(crate) fn typed(mut self, value: &str) -> Self {
        value.clone_into(&mut self.value);
        self
    }
}

/// A page with one form (or a message where the form was): every public
/// page is one.
#[derive(Template, Default)]
#[template(path = "form_page.html")]
pub(crate) struct FormPage {
    pub(crate) form: FormView,
}

/// What [`FormPage`] shows.
#[derive(Default)]
pub(crate) struct FormView {
    pub(crate) heading: &'static str,
    pub(crate) lead: Option<String>,
    pub(crate) notice: Option<String>,
    /// A refusal not about one field.
    pub(crate) problem: Option<String>,
    pub(crate) show_form: bool,
    pub(crate) action: &'static str,
    pub(crate) csrf: String,
    pub(crate) hidden: Vec<(&'static str, String)>,
    pub(crate) fields: Vec<Field>,
    pub(crate) button: &'static str,
    pub(crate) links: Vec<(&'static str, &'static str)>,
}

impl FormView {
    /// Sets the sentence beside field `name`.
    pub(crate) fn refuse(&mut self, name: &str, message: impl Into<String>) {
        if let Some(f) = self.fields.iter_mut().find(|f| f.name == name) {
            f.error = Some(message.into());
        } else {
            self.problem = Some(message.into());
        }
    }

    /// Whether a field was refused (the summary lists them).
    pub(crate) fn any_field_refused(&self) -> bool {
        self.fields.iter().any(|f| f.error.is_some())
    }

    /// Whether any field or the form was refused.
    pub(crate) fn refused(&self) -> bool {
        self.problem.is_some() || self.fields.iter().any(|f| f.error.is_some())
    }
}

/// Renders a template as a page, with `status`.
pub(crate) fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a page could not be rendered");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be shown",
            )
                .into_response()
        }
    }
}

/// A page built for a response with `status`, or the response (a
/// redirect, an error) that its building gave instead.
pub(crate) fn render_built(built: Result<impl Template, Response>, status: StatusCode) -> Response {
    match built {
        Ok(page) => render(status, &page),
        Err(r) => r,
    }
}

/// The request's form token, or a new one with the `Set-Cookie` that gives
/// it to the browser.
pub(crate) fn form_token(web: &Web, headers: &HeaderMap) -> (String, Option<String>) {
    match cookie(headers, CSRF_COOKIE) {
        Some(t) if !t.is_empty() => (t.to_owned(), None),
        _ => {
            let token = web.rota.new_form_token();
            let set = browser::csrf_cookie(&token, web.config.secure);
            (token, Some(set))
        }
    }
}

/// A cookie of the request.
pub(crate) fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    let values = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok());
    browser::cookie_value(values, name)
}

/// A page's response with its form token's cookie when it is new.
pub(crate) fn with_cookie(mut response: Response, set_cookie: Option<String>) -> Response {
    if let Some(c) = set_cookie.and_then(|c| c.parse().ok()) {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    response
}

/// A posted form (U7's checks passed already, in [`guard`]).
pub(crate) struct Posted<T> {
    pub(crate) form: T,
    pub(crate) csrf: String,
    pub(crate) headers: HeaderMap,
    /// The client's address (throttles), as `ROTA_TRUSTED_PROXIES` says.
    pub(crate) client: Option<String>,
}

impl<T: DeserializeOwned> FromRequest<Web> for Posted<T> {
    type Rejection = Response;

    async fn from_request(req: Request, web: &Web) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        let client = req
            .extensions()
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| {
                let forwarded = headers
                    .get_all("x-forwarded-for")
                    .iter()
                    .filter_map(|v| v.to_str().ok());
                browser::client_address(c.0.ip(), forwarded, &web.config.trusted_proxies)
                    .to_string()
            });
        let bytes = Bytes::from_request(req, web)
            .await
            .map_err(IntoResponse::into_response)?;
        let csrf = submitted_token(&bytes).unwrap_or_default();
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|_| {
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "the form could not be read",
            )
                .into_response()
        })?;
        Ok(Self {
            form,
            csrf,
            headers,
            client,
        })
    }
}

/// The form token a posted body carries.
fn submitted_token(body: &[u8]) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    pairs
        .into_iter()
        .find(|(k, _)| k == CSRF_FIELD)
        .map(|(_, v)| v)
}

/// The largest URL-encoded form the pages accept (a checked CSV file comes
/// back in one, to be imported).
const FORM_LIMIT: usize = 4 * 1024 * 1024;

/// U7, before any handler: a `POST` must come from this site and carry the
/// form token of the browser's `rota_csrf` cookie. Anything else is refused
/// with 403, signed in or not.
pub(crate) async fn guard(
    axum::extract::State(web): axum::extract::State<Web>,
    req: Request,
    next: axum::middleware::Next,
) -> Response {
    if req.method() != axum::http::Method::POST {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let multipart = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let value = |name: &str| {
        parts
            .headers
            .get(name)
            .map(|v| v.to_str().unwrap_or("unreadable"))
    };
    let from_here = browser::same_origin(
        value("sec-fetch-site"),
        value(header::ORIGIN.as_str()),
        &web.config.origin,
    );
    let expected = cookie(&parts.headers, CSRF_COOKIE);
    if multipart {
        // A file upload's body is not URL-encoded: its form carries the
        // token in the query string instead (only the path is logged).
        let submitted = parts
            .uri
            .query()
            .and_then(|q| submitted_token(q.as_bytes()));
        if !from_here || !browser::csrf_matches(expected, submitted.as_deref()) {
            return forbidden();
        }
        return next.run(Request::from_parts(parts, body)).await;
    }
    let Ok(bytes) = axum::body::to_bytes(body, FORM_LIMIT).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "the form is too large").into_response();
    };
    let submitted = submitted_token(&bytes);
    if !from_here || !browser::csrf_matches(expected, submitted.as_deref()) {
        return forbidden();
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

/// The refusal of a form that did not come from one of our pages.
fn forbidden() -> Response {
    let page = FormPage {
        form: FormView {
            heading: "This form has expired",
            lead: Some(
                "For your safety we only accept forms sent from Rota's own pages. \
                 Go back, reload the page and try again."
                    .into(),
            ),
            links: vec![("/sign-in", "Go to sign in")],
            ..FormView::default()
        },
    };
    render(StatusCode::FORBIDDEN, &page)
}

/// A parse error as a sentence.
pub(crate) fn sentence_of(e: &impl std::fmt::Display) -> String {
    let message = e.to_string();
    let mut chars = message.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// A use case's refusal as a sentence a person can act on, with the status
/// of the page that says it: `what` names the action for "You may not …".
pub(crate) fn refusal<E>(e: &E, what: &str) -> (String, StatusCode)
where
    E: rota_app::Classify + std::fmt::Display,
{
    use rota_app::ErrorKind;
    match e.kind() {
        ErrorKind::Forbidden => (format!("You may not {what}."), StatusCode::FORBIDDEN),
        ErrorKind::NotFound => (
            "That is no longer here: reload the page.".into(),
            StatusCode::NOT_FOUND,
        ),
        ErrorKind::Invalid => (sentence_of(e), StatusCode::UNPROCESSABLE_ENTITY),
        ErrorKind::Conflict => (sentence_of(e), StatusCode::CONFLICT),
        _ => {
            tracing::error!(error = %e, "a page's change failed");
            (
                "Something went wrong on our side. Please try again in a moment.".into(),
                StatusCode::SERVICE_UNAVAILABLE,
            )
        }
    }
}
