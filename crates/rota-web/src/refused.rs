//! The page a person gets for something they may not open, or that is not
//! there — someone else's booking, a customer or a colleague out of their
//! rights, an id typed by hand: the API's own status (403 or 404), said in
//! a sentence, with a way back (U6).

use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use rota_app::ErrorKind;

use crate::Web;
use crate::form::{form_token, render, with_cookie};
use crate::viewer::{Viewer, ViewerLine};

#[derive(Template)]
#[template(path = "refused.html")]
struct RefusedPage {
    heading: String,
    text: String,
    back: &'static str,
    back_label: &'static str,
    viewer: ViewerLine,
    csrf: String,
}

/// What was asked for, and where to go back to.
pub(crate) struct Asked {
    /// "booking", "customer", "team member".
    pub(crate) noun: &'static str,
    pub(crate) back: &'static str,
    pub(crate) back_label: &'static str,
}

/// The refusal for `kind` (403 when it is there but not the viewer's to
/// open, 404 otherwise — as the API answers the same request).
pub(crate) fn refused(
    web: &Web,
    headers: &HeaderMap,
    viewer: &Viewer,
    kind: ErrorKind,
    asked: &Asked,
) -> Response {
    let noun = asked.noun;
    let (status, heading, text) = if kind == ErrorKind::Forbidden {
        (
            StatusCode::FORBIDDEN,
            format!("You may not open this {noun}"),
            format!("This {noun} is not yours to see. Ask an administrator if you need it."),
        )
    } else {
        (
            StatusCode::NOT_FOUND,
            format!("No such {noun}"),
            format!("There is no such {noun}. It may have been removed."),
        )
    };
    let (csrf, set) = form_token(web, headers);
    let page = RefusedPage {
        heading,
        text,
        back: asked.back,
        back_label: asked.back_label,
        viewer: viewer.line(),
        csrf,
    };
    with_cookie(render(status, &page), set)
}
