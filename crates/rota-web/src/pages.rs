//! The pages: U1's public pages, and the first page of the console (the
//! team's day) and of the portal (a customer's bookings).

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use rota_app::auth::{SignIn, SignInError};
use rota_app::bookings::{BookingFilter, BookingView};
use rota_app::browser;
use rota_app::domain::business::{Currency, Zone};
use rota_app::domain::email::EmailAddress;
use rota_app::domain::jiff::{Timestamp, ToSpan};
use rota_app::domain::name::{BusinessName, PersonName, Slug};
use rota_app::email_change::ConfirmEmailError;
use rota_app::page::Limit;
use rota_app::passwords::RedeemTokenError;
use rota_app::secrecy::SecretString;
use rota_app::signup::{SignUp, SignUpError};
use serde::Deserialize;

use crate::Web;
use crate::form::{Field, FormPage, FormView, Posted, form_token, render, with_cookie};
use crate::viewer::{Viewer, ViewerLine, safe_next};

pub(crate) fn routes() -> Router<Web> {
    Router::new()
        .route("/", get(home))
        .route("/sign-in", get(sign_in_page).post(sign_in))
        .route("/sign-up", get(sign_up_page).post(sign_up))
        .route("/forgot-password", get(forgot_page).post(forgot))
        .route("/reset-password", get(reset_page).post(reset))
        .route("/accept-invitation", get(accept_page).post(accept))
        .route(
            "/confirm-email",
            get(confirm_email_page).post(confirm_email),
        )
        .route("/sign-out", post(sign_out))
        .route("/console", get(console))
        .route("/portal", get(portal))
}

async fn home(headers: HeaderMap) -> Redirect {
    match crate::form::cookie(&headers, browser::SESSION_COOKIE) {
        Some(_) => Redirect::to("/console"),
        None => Redirect::to("/sign-in"),
    }
}

/// A page's query: where to go after signing in, a notice, an emailed token.
#[derive(Deserialize, Default)]
struct PageQuery {
    next: Option<String>,
    notice: Option<String>,
    token: Option<String>,
}

/// The notices a redirect may ask a page to show (by name, so a link cannot
/// make a page say anything else).
fn notice(name: Option<&str>) -> Option<String> {
    match name? {
        "password-set" => Some("Your new password is set. Sign in with it.".into()),
        "signed-out" => Some("You are signed out.".into()),
        _ => None,
    }
}

/// The page a person lands on once signed in: the portal for customers,
/// the console for the team.
fn landing(customer: bool) -> &'static str {
    if customer { "/portal" } else { "/console" }
}

/// Signed in: the session cookie set, on to `to`.
fn signed_in(web: &Web, token: &SecretString, to: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    if let Ok(c) = browser::session_cookie(token, web.config.secure).parse() {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    response
}

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

async fn sign_in_page(
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
struct SignInForm {
    #[serde(default)]
    business: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn sign_in(State(web): State<Web>, posted: Posted<SignInForm>) -> Response {
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

/// A failure nobody asked for, shown as a sentence on the form.
fn unexpected(e: &dyn std::fmt::Display, mut page: FormView) -> Response {
    tracing::error!(error = %e, "a page's use case failed");
    page.problem = Some("Something went wrong on our side. Please try again in a moment.".into());
    render(StatusCode::SERVICE_UNAVAILABLE, &FormPage { form: page })
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

async fn sign_up_page(State(web): State<Web>, headers: HeaderMap) -> Response {
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
struct SignUpForm {
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

async fn sign_up(State(web): State<Web>, posted: Posted<SignUpForm>) -> Response {
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
            page.refuse(name, capitalized(&m));
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
            page.refuse("password", capitalized(&p.to_string()));
            render(StatusCode::UNPROCESSABLE_ENTITY, &FormPage { form: page })
        }
        Err(e) => unexpected(&e, page),
    }
}

/// A domain message as a sentence.
fn capitalized(message: &str) -> String {
    let mut chars = message.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

// --- Forgot and reset password -------------------------------------------

fn forgot_view(csrf: String) -> FormView {
    FormView {
        heading: "Forgot your password?",
        lead: Some(
            "Give your business's short name and your email, and we will email you a link \
             to choose a new password."
                .into(),
        ),
        show_form: true,
        action: "/forgot-password",
        csrf,
        fields: vec![
            Field::new(
                "business",
                "Business (its short name, e.g. sparkle)",
                "text",
                "organization",
            ),
            Field::new("email", "Email", "email", "username"),
        ],
        button: "Email me a link",
        links: vec![("/sign-in", "Back to sign in")],
        ..FormView::default()
    }
}

async fn forgot_page(State(web): State<Web>, headers: HeaderMap) -> Response {
    let (csrf, set) = form_token(&web, &headers);
    with_cookie(
        render(
            StatusCode::OK,
            &FormPage {
                form: forgot_view(csrf),
            },
        ),
        set,
    )
}

#[derive(Deserialize)]
struct ForgotForm {
    #[serde(default)]
    business: String,
    #[serde(default)]
    email: String,
}

async fn forgot(State(web): State<Web>, posted: Posted<ForgotForm>) -> Response {
    let f = posted.form;
    let client = posted.client;
    // A11: answered before the work is done, alike for every address.
    let rota = web.rota.clone();
    tokio::spawn(async move {
        if let Err(e) = rota
            .request_password_reset(&f.business, &f.email, client.as_deref())
            .await
        {
            tracing::error!(error = ?e, "a password-reset request could not be handled");
        }
    });
    let page = FormView {
        heading: "Check your email",
        notice: Some(
            "If an active account has that email, a link to choose a new password is on its \
             way. It works once, for 30 minutes."
                .into(),
        ),
        links: vec![("/sign-in", "Back to sign in")],
        ..FormView::default()
    };
    render(StatusCode::OK, &FormPage { form: page })
}

/// The page that sets a password with an emailed token (reset or invitation).
fn password_view(csrf: String, token: &str, invitation: bool) -> FormView {
    let (heading, lead, action, button) = if invitation {
        (
            "Accept your invitation",
            "Choose a password for your account. You will use it with your email to sign in.",
            "/accept-invitation",
            "Set password and sign in",
        )
    } else {
        (
            "Choose a new password",
            "Your new password replaces the old one and signs you out everywhere.",
            "/reset-password",
            "Set new password",
        )
    };
    FormView {
        heading,
        lead: Some(lead.into()),
        show_form: true,
        action,
        csrf,
        hidden: vec![("token", token.to_owned())],
        fields: vec![Field::new(
            "password",
            "New password (12 to 128 characters, not a common one)",
            "password",
            "new-password",
        )],
        button,
        ..FormView::default()
    }
}

async fn reset_page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let (csrf, set) = form_token(&web, &headers);
    let page = password_view(csrf, q.token.as_deref().unwrap_or(""), false);
    with_cookie(render(StatusCode::OK, &FormPage { form: page }), set)
}

async fn accept_page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let (csrf, set) = form_token(&web, &headers);
    let page = password_view(csrf, q.token.as_deref().unwrap_or(""), true);
    with_cookie(render(StatusCode::OK, &FormPage { form: page }), set)
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

/// A refused emailed-token form, the refusal beside the field or above it.
fn refused_token(e: RedeemTokenError, mut page: FormView) -> Response {
    match e {
        RedeemTokenError::WeakPassword(p) => {
            page.refuse("password", capitalized(&p.to_string()));
            render(StatusCode::UNPROCESSABLE_ENTITY, &FormPage { form: page })
        }
        RedeemTokenError::InvalidToken => {
            page.problem = Some(
                "This link is not valid any more: it was used, replaced by a newer one or \
                 has expired. Ask for a new one."
                    .into(),
            );
            page.show_form = false;
            page.links = vec![("/forgot-password", "Ask for a new link")];
            render(StatusCode::UNPROCESSABLE_ENTITY, &FormPage { form: page })
        }
        e => unexpected(&e, page),
    }
}

async fn reset(State(web): State<Web>, posted: Posted<TokenForm>) -> Response {
    let f = posted.form;
    let page = password_view(posted.csrf, &f.token, false);
    let token = SecretString::from(f.token);
    match web
        .rota
        .reset_password(&token, &SecretString::from(f.password))
        .await
    {
        Ok(()) => Redirect::to("/sign-in?notice=password-set").into_response(),
        Err(e) => refused_token(e, page),
    }
}

async fn accept(State(web): State<Web>, posted: Posted<TokenForm>) -> Response {
    let f = posted.form;
    let page = password_view(posted.csrf, &f.token, true);
    let token = SecretString::from(f.token);
    match web
        .rota
        .accept_invitation(&token, &SecretString::from(f.password))
        .await
    {
        Ok(signed) => {
            let to = landing(signed.account.customer().is_some());
            signed_in(&web, &signed.token, to)
        }
        Err(e) => refused_token(e, page),
    }
}

// --- Confirm an email change (A12) ---------------------------------------

fn confirm_view(csrf: String, token: &str) -> FormView {
    FormView {
        heading: "Confirm your email address",
        lead: Some(
            "Someone asked to move an account to this address. Confirm it to make the \
             change; until then the account keeps its old address."
                .into(),
        ),
        show_form: true,
        action: "/confirm-email",
        csrf,
        hidden: vec![("token", token.to_owned())],
        button: "Confirm this address",
        ..FormView::default()
    }
}

async fn confirm_email_page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let (csrf, set) = form_token(&web, &headers);
    let page = confirm_view(csrf, q.token.as_deref().unwrap_or(""));
    with_cookie(render(StatusCode::OK, &FormPage { form: page }), set)
}

#[derive(Deserialize)]
struct ConfirmForm {
    #[serde(default)]
    token: String,
}

async fn confirm_email(State(web): State<Web>, posted: Posted<ConfirmForm>) -> Response {
    let mut page = confirm_view(posted.csrf, &posted.form.token);
    match web
        .rota
        .confirm_email_change(&SecretString::from(posted.form.token))
        .await
    {
        Ok(account) => {
            page.show_form = false;
            page.lead = None;
            page.notice = Some(format!(
                "Done: your account now uses {}. Sign in with it from now on.",
                account.email.as_str()
            ));
            page.links = vec![("/sign-in", "Sign in")];
            render(StatusCode::OK, &FormPage { form: page })
        }
        Err(ConfirmEmailError::InvalidToken) => {
            page.show_form = false;
            page.problem = Some(
                "This link is not valid any more: it was used, replaced or has expired. \
                 Ask for the change again."
                    .into(),
            );
            render(StatusCode::UNPROCESSABLE_ENTITY, &FormPage { form: page })
        }
        Err(ConfirmEmailError::EmailTaken) => {
            page.show_form = false;
            page.problem =
                Some("This address now belongs to another account, so nothing was changed.".into());
            render(StatusCode::CONFLICT, &FormPage { form: page })
        }
        Err(e) => unexpected(&e, page),
    }
}

// --- Sign out ------------------------------------------------------------

#[derive(Deserialize)]
struct Nothing {}

async fn sign_out(State(web): State<Web>, posted: Posted<Nothing>) -> Response {
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

// --- The console's day and the portal ------------------------------------

/// One booking in a day's list.
struct Row {
    when: String,
    customer: String,
    providers: String,
    status: &'static str,
    /// Needs someone's attention (nobody assigned).
    attention: bool,
}

/// A list of bookings (the console's day, the portal's upcoming ones).
#[derive(Template)]
#[template(path = "today.html")]
struct BookingsPage {
    heading: &'static str,
    day: String,
    zone: String,
    empty: &'static str,
    rows: Vec<Row>,
    viewer: ViewerLine,
    csrf: String,
}

fn rows(views: &[BookingView], zone: &Zone, with_day: bool) -> Vec<Row> {
    let format = if with_day {
        "%a %-d %b, %H:%M"
    } else {
        "%H:%M"
    };
    views
        .iter()
        .map(|v| {
            let start = v.booking.range.start().to_zoned(zone.tz().clone());
            let end = v.booking.range.end().to_zoned(zone.tz().clone());
            Row {
                when: format!("{}–{}", start.strftime(format), end.strftime("%H:%M")),
                customer: v.customer_name.clone(),
                providers: if v.providers.is_empty() {
                    "Nobody yet".into()
                } else {
                    v.providers
                        .iter()
                        .map(|(_, n)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                status: v.booking.status.as_str(),
                attention: v.providers.is_empty(),
            }
        })
        .collect()
}

/// The team's day (U2 "today", in the business's zone).
async fn console(State(web): State<Web>, headers: HeaderMap, viewer: Viewer) -> Response {
    if viewer.is_customer() {
        return Redirect::to("/portal").into_response();
    }
    let zone = viewer.business.time_zone.clone();
    let today = Timestamp::now().to_zoned(zone.tz().clone()).date();
    let (Ok(start), Ok(end)) = (
        today.to_zoned(zone.tz().clone()),
        today
            .checked_add(1.day())
            .and_then(|d| d.to_zoned(zone.tz().clone())),
    ) else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the day could not be computed",
        )
            .into_response();
    };
    let filter = BookingFilter {
        from: Some(start.timestamp()),
        to: Some(end.timestamp()),
        ..BookingFilter::default()
    };
    let views = match web
        .rota
        .list_bookings(&viewer.who.actor, filter, None, Limit::default())
        .await
    {
        Ok(page) => page.items,
        Err(e) => {
            tracing::error!(error = %e, "the day's bookings could not be read");
            Vec::new()
        }
    };
    let (csrf, set) = form_token(&web, &headers);
    let page = BookingsPage {
        heading: "Today",
        day: today.strftime("%A %-d %B %Y").to_string(),
        zone: zone.to_string(),
        empty: "No bookings today.",
        rows: rows(&views, &zone, false),
        viewer: viewer.line(),
        csrf,
    };
    with_cookie(render(StatusCode::OK, &page), set)
}

/// A customer's upcoming bookings (U4's first page).
async fn portal(State(web): State<Web>, headers: HeaderMap, viewer: Viewer) -> Response {
    if !viewer.is_customer() {
        return Redirect::to("/console").into_response();
    }
    let zone = viewer.business.time_zone.clone();
    let filter = BookingFilter {
        from: Some(Timestamp::now()),
        ..BookingFilter::default()
    };
    let views = match web
        .rota
        .list_bookings(&viewer.who.actor, filter, None, Limit::default())
        .await
    {
        Ok(page) => page.items,
        Err(e) => {
            tracing::error!(error = %e, "a customer's bookings could not be read");
            Vec::new()
        }
    };
    let (csrf, set) = form_token(&web, &headers);
    let page = BookingsPage {
        heading: "Your bookings",
        day: format!("Upcoming with {}", viewer.business.name),
        zone: zone.to_string(),
        empty: "You have no upcoming bookings.",
        rows: rows(&views, &zone, true),
        viewer: viewer.line(),
        csrf,
    };
    with_cookie(render(StatusCode::OK, &page), set)
}
