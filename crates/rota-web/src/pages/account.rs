//! Signing in, signing up a business and signing out (U1).

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::browser;
use rota_app::secrecy::SecretString;
use serde::Deserialize;

use super::{PageQuery, landing, notice, signed_in, unexpected};
use crate::Web;
use crate::form::{
    Field, FormPage, FormView, Posted, form_token, render, sentence_of, with_cookie,
};
use crate::viewer::safe_next;
use rota_app::auth::{SignIn, SignInError};
use rota_app::domain::business::{Currency, Zone};
use rota_app::domain::email::EmailAddress;
use rota_app::domain::name::{BusinessName, PersonName, Slug};
use rota_app::signup::{SignUp, SignUpError};

// --- Sign in -------------------------------------------------------------

fn sign_in_view(csrf: String, next: &str) -> FormView {
    FormView {
        heading: "Sign in",
        show_form: true,
        action: "/sign-in",
        csrf,
        hidden: vec![("next", next.to_owned())],
        fields: vec![
            Field::new(
                "business",
                "Business (its short name, e.g. sparkle)",
                "text",
                "organization",
            ),
            Field::new("email", "Email", "email", "username"),
            Field::new("password", "Password", "password", "current-password"),
        ],
        button: "Sign in",
        links: vec![
            ("/forgot-password", "Forgot your password?"),
            ("/sign-up", "New to Rota? Sign up your business"),
        ],
        ..FormView::default()
    }
}

pub(super) async fn sign_in_page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let (csrf, set) = form_token(&web, &headers);
    let next = q.next.as_deref().and_then(safe_next).unwrap_or("");
    let mut page = sign_in_view(csrf, next);
    page.notice = notice(q.notice.as_deref());
    with_cookie(render(StatusCode::OK, &FormPage { form: page }), set)
}

#[derive(Deserialize)]
pub(super) struct SignInForm {
    #[serde(default)]
    business: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub(super) async fn sign_in(State(web): State<Web>, posted: Posted<SignInForm>) -> Response {
    let f = posted.form;
    let client = posted.client;
    let mut page = sign_in_view(posted.csrf, safe_next(&f.next).unwrap_or(""));
    page.fields[0] = page.fields[0].clone().typed(&f.business);
    page.fields[1] = page.fields[1].clone().typed(&f.email);
    if f.business.trim().is_empty() {
        page.refuse("business", "Enter your business's short name");
    }
    if f.email.trim().is_empty() {
        page.refuse("email", "Enter your email");
    }
    if f.password.is_empty() {
        page.refuse("password", "Enter your password");
    }
    if page.refused() {
        return render(StatusCode::UNPROCESSABLE_ENTITY, &FormPage { form: page });
    }
    let attempt = SignIn {
        business: f.business,
        email: f.email,
        password: SecretString::from(f.password),
        client,
    };
    match web.rota.sign_in(attempt).await {
        Ok(signed) => {
            let customer = signed.account.customer().is_some();
            let to = safe_next(&f.next).unwrap_or(landing(customer));
            signed_in(&web, &signed.token, to)
        }
        Err(SignInError::InvalidCredentials) => {
            page.refuse(
                "password",
                "The business, email or password is not right. Check them and try again.",
            );
            render(StatusCode::UNAUTHORIZED, &FormPage { form: page })
        }
        Err(SignInError::TooManyAttempts { retry_after }) => {
            page.problem = Some(format!(
                "Too many attempts. Wait {} seconds, then try again — or reset your password.",
                retry_after.as_secs()
            ));
            render(StatusCode::TOO_MANY_REQUESTS, &FormPage { form: page })
        }
        Err(e) => unexpected(&e, page),
    }
}

// --- Sign up -------------------------------------------------------------

fn sign_up_view(csrf: String) -> FormView {
    FormView {
        heading: "Sign up your business",
        lead: Some("You will be its owner. You can invite your team once you are in.".into()),
        show_form: true,
        action: "/sign-up",
        csrf,
        fields: vec![
            Field::new("business_name", "Business name", "text", "organization"),
            Field::new(
                "slug",
                "Short name, used to sign in (lower-case letters, digits and dashes)",
                "text",
                "off",
            ),
            Field::new("time_zone", "Time zone (e.g. Europe/London)", "text", "off"),
            Field::new("currency", "Currency (e.g. GBP)", "text", "off"),
            Field::new("owner_name", "Your name", "text", "name"),
            Field::new("email", "Your email", "email", "email"),
            Field::new(
                "password",
                "Password (12 to 128 characters)",
                "password",
                "new-password",
            ),
        ],
        button: "Sign up",
        links: vec![("/sign-in", "Already on Rota? Sign in")],
        ..FormView::default()
    }
}

pub(super) async fn sign_up_page(State(web): State<Web>, headers: HeaderMap) -> Response {
    let (csrf, set) = form_token(&web, &headers);
    with_cookie(
        render(
            StatusCode::OK,
            &FormPage {
                form: sign_up_view(csrf),
            },
        ),
        set,
    )
}

#[derive(Deserialize)]
pub(super) struct SignUpForm {
    #[serde(default)]
    business_name: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    owner_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub(super) async fn sign_up(State(web): State<Web>, posted: Posted<SignUpForm>) -> Response {
    let f = posted.form;
    let mut page = sign_up_view(posted.csrf);
    let typed = [
        &f.business_name,
        &f.slug,
        &f.time_zone,
        &f.currency,
        &f.owner_name,
        &f.email,
    ];
    for (field, value) in page.fields.iter_mut().zip(typed) {
        field.value.clone_from(value);
    }
    let business_name = BusinessName::parse(&f.business_name);
    let slug = Slug::parse(&f.slug);
    let time_zone = Zone::parse(&f.time_zone);
    let currency = Currency::parse(&f.currency);
    let owner_name = PersonName::parse(&f.owner_name);
    let email = EmailAddress::parse(&f.email);
    let refusals = [
        (
            "business_name",
            business_name.as_ref().err().map(ToString::to_string),
        ),
        ("slug", slug.as_ref().err().map(ToString::to_string)),
        (
            "time_zone",
            time_zone.as_ref().err().map(ToString::to_string),
        ),
        ("currency", currency.as_ref().err().map(ToString::to_string)),
        (
            "owner_name",
            owner_name.as_ref().err().map(ToString::to_string),
        ),
        ("email", email.as_ref().err().map(ToString::to_string)),
    ];
    for (name, message) in refusals {
        if let Some(m) = message {
            page.refuse(name, sentence_of(&m));
        }
    }
    let (Ok(business_name), Ok(slug), Ok(time_zone), Ok(currency), Ok(owner_name), Ok(email)) =
        (business_name, slug, time_zone, currency, owner_name, email)
    else {
        return render(StatusCode::UNPROCESSABLE_ENTITY, &FormPage { form: page });
    };
    let request = SignUp {
        business_name,
        slug,
        time_zone,
        currency,
        owner_name,
        email,
        password: SecretString::from(f.password),
    };
    match web.rota.sign_up(request).await {
        Ok(done) => signed_in(&web, &done.token, "/console"),
        Err(SignUpError::SlugTaken) => {
            page.refuse("slug", "That short name is taken. Choose another.");
            render(StatusCode::CONFLICT, &FormPage { form: page })
        }
        Err(SignUpError::WeakPassword(p)) => {
            page.refuse("password", sentence_of(&p));
            render(StatusCode::UNPROCESSABLE_ENTITY, &FormPage { form: page })
        }
        Err(e) => unexpected(&e, page),
    }
}

/// A domain message as a sentence.

// --- Sign out ------------------------------------------------------------

#[derive(Deserialize)]
pub(super) struct Nothing {}

pub(super) async fn sign_out(State(web): State<Web>, posted: Posted<Nothing>) -> Response {
    let token = crate::form::cookie(&posted.headers, browser::SESSION_COOKIE);
    if let Some(token) = token
        && let Ok(who) = web.rota.authenticate(&SecretString::from(token)).await
        && let Err(e) = web.rota.sign_out(who.session.id).await
    {
        tracing::error!(error = %e, "a session could not be ended");
    }
    let mut response = Redirect::to("/sign-in?notice=signed-out").into_response();
    if let Ok(c) = browser::clear_session_cookie(web.config.secure).parse() {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    response
}
