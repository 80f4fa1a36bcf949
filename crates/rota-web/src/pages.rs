//! The pages: U1's public pages, and the first page of the console (the
//! team's day) and of the portal (a customer's bookings).

mod account;
mod day;
mod passwords;
mod profile;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use rota_app::browser;
use rota_app::secrecy::SecretString;
use serde::Deserialize;

use crate::Web;
use crate::form::{FormPage, FormView, render};

pub(crate) fn routes() -> Router<Web> {
    Router::new()
        .route("/", get(home))
        .route(
            "/sign-in",
            get(account::sign_in_page).post(account::sign_in),
        )
        .route(
            "/sign-up",
            get(account::sign_up_page).post(account::sign_up),
        )
        .route(
            "/forgot-password",
            get(passwords::forgot_page).post(passwords::forgot),
        )
        .route(
            "/reset-password",
            get(passwords::reset_page).post(passwords::reset),
        )
        .route(
            "/accept-invitation",
            get(passwords::accept_page).post(passwords::accept),
        )
        .route(
            "/confirm-email",
            get(passwords::confirm_email_page).post(passwords::confirm_email),
        )
        .route("/sign-out", post(account::sign_out))
        .route("/profile", get(profile::page).post(profile::save))
        .route("/profile/password", post(profile::change_password))
        .route("/profile/calendar-feed", post(profile::rotate_feed))
        .route("/profile/calendar-link", post(profile::calendar_link::link))
        .route(
            "/profile/calendar-link/refresh",
            post(profile::calendar_link::refresh),
        )
        .route(
            "/profile/calendar-link/remove",
            post(profile::calendar_link::remove),
        )
        .route("/console", get(day::console))
}

async fn home(headers: HeaderMap) -> Redirect {
    match crate::form::cookie(&headers, browser::SESSION_COOKIE) {
        Some(_) => Redirect::to("/console"),
        None => Redirect::to("/sign-in"),
    }
}

/// A page's query: where to go after signing in, a notice, an emailed token.
#[derive(Deserialize, Default)]
pub(super) struct PageQuery {
    next: Option<String>,
    notice: Option<String>,
    token: Option<String>,
}

/// The notices a redirect may ask a page to show (by name, so a link cannot
/// make a page say anything else).
pub(super) fn notice(name: Option<&str>) -> Option<String> {
    match name? {
        "password-set" => Some("Your new password is set. Sign in with it.".into()),
        "signed-out" => Some("You are signed out.".into()),
        _ => None,
    }
}

/// The page a person lands on once signed in: the portal for customers,
/// the console for the team.
pub(super) fn landing(customer: bool) -> &'static str {
    if customer { "/portal" } else { "/console" }
}

/// Signed in: the session cookie set, on to `to`.
pub(super) fn signed_in(web: &Web, token: &SecretString, to: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    if let Ok(c) = browser::session_cookie(token, web.config.secure).parse() {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    response
}

/// A failure nobody asked for, shown as a sentence on the form.
pub(super) fn unexpected(e: &dyn std::fmt::Display, mut page: FormView) -> Response {
    tracing::error!(error = %e, "a page's use case failed");
    page.problem = Some("Something went wrong on our side. Please try again in a moment.".into());
    render(StatusCode::SERVICE_UNAVAILABLE, &FormPage { form: page })
}
