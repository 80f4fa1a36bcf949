//! The pages emailed links land on (U1): forgot and reset password, accept
//! an invitation, confirm an email change (A4, A6, A12).

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::secrecy::SecretString;
use serde::Deserialize;

use super::{PageQuery, landing, signed_in, unexpected};
use crate::Web;
use crate::form::{
    Field, FormPage, FormView, Posted, form_token, render, sentence_of, with_cookie,
};
use rota_app::email_change::ConfirmEmailError;
use rota_app::passwords::RedeemTokenError;

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

pub(super) async fn forgot_page(State(web): State<Web>, headers: HeaderMap) -> Response {
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
pub(super) struct ForgotForm {
    #[serde(default)]
    business: String,
    #[serde(default)]
    email: String,
}

pub(super) async fn forgot(State(web): State<Web>, posted: Posted<ForgotForm>) -> Response {
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

pub(super) async fn reset_page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let (csrf, set) = form_token(&web, &headers);
    let page = password_view(csrf, q.token.as_deref().unwrap_or(""), false);
    with_cookie(render(StatusCode::OK, &FormPage { form: page }), set)
}

pub(super) async fn accept_page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let (csrf, set) = form_token(&web, &headers);
    let page = password_view(csrf, q.token.as_deref().unwrap_or(""), true);
    with_cookie(render(StatusCode::OK, &FormPage { form: page }), set)
}

#[derive(Deserialize)]
pub(super) struct TokenForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

/// A refused emailed-token form, the refusal beside the field or above it.
fn refused_token(e: RedeemTokenError, mut page: FormView) -> Response {
    match e {
        RedeemTokenError::WeakPassword(p) => {
            page.refuse("password", sentence_of(&p));
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

pub(super) async fn reset(State(web): State<Web>, posted: Posted<TokenForm>) -> Response {
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

pub(super) async fn accept(State(web): State<Web>, posted: Posted<TokenForm>) -> Response {
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

pub(super) async fn confirm_email_page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let (csrf, set) = form_token(&web, &headers);
    let page = confirm_view(csrf, q.token.as_deref().unwrap_or(""));
    with_cookie(render(StatusCode::OK, &FormPage { form: page }), set)
}

#[derive(Deserialize)]
pub(super) struct ConfirmForm {
    #[serde(default)]
    token: String,
}

pub(super) async fn confirm_email(State(web): State<Web>, posted: Posted<ConfirmForm>) -> Response {
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
