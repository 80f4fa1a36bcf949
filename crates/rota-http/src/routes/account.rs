//! Signing up, in and out; one's own account and password; emailed links.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use rota_app::auth::{SignIn, SignInError, SignedIn};
use rota_app::domain::account::Account;
use rota_app::domain::actor::ActorKind;
use rota_app::domain::business::{Currency, Zone};
use rota_app::domain::email::EmailAddress;
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::name::{BusinessName, PersonName, Slug};
use rota_app::domain::session::Session;
use rota_app::passwords::ChangePasswordError;
use rota_app::secrecy::{ExposeSecret, SecretString};
use rota_app::signup::SignUp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::dto::{AccountDto, BusinessDto, Check, Message};
use crate::extract::{Body, Client};
use crate::problem::Problem;
use crate::session::{Signed, clear_cookie, session_cookie};

/// Sign-up: a new business and its owner.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignUpBody {
    /// The business's name.
    pub business_name: String,
    /// Its unique handle: lowercase letters, digits and hyphens.
    pub slug: String,
    /// IANA time zone, e.g. `Europe/London`.
    pub time_zone: String,
    /// ISO 4217 code, e.g. `GBP`.
    pub currency: String,
    /// The owner's name.
    pub owner_name: String,
    /// The owner's email.
    pub email: String,
    /// The owner's password (12–128 characters).
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
}

/// A new session's token: send it as `Authorization: Bearer <token>`.
#[derive(Serialize, ToSchema)]
pub struct SessionDto {
    /// The secret token (shown once).
    pub token: String,
    /// When the session ends unless used (idle 30 min, at most 12 h).
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
}

impl SessionDto {
    fn new(token: &SecretString, session: &Session) -> Self {
        Self {
            token: token.expose_secret().to_owned(),
            expires_at: session.expires_at(),
        }
    }
}

/// What sign-up made.
#[derive(Serialize, ToSchema)]
pub struct SignedUpDto {
    /// The business.
    pub business: BusinessDto,
    /// Its owner.
    pub account: AccountDto,
    /// The owner's session.
    pub session: SessionDto,
}

/// A new session and its account.
#[derive(Serialize, ToSchema)]
pub struct SignedInDto {
    /// The secret token (shown once).
    pub token: String,
    /// When the session ends unless used.
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
    /// Who signed in.
    pub account: AccountDto,
}

impl From<&SignedIn> for SignedInDto {
    fn from(s: &SignedIn) -> Self {
        Self {
            token: s.token.expose_secret().to_owned(),
            expires_at: s.session.expires_at(),
            account: AccountDto::from(&s.account),
        }
    }
}

/// Created, with the session cookie set.
fn created_with_cookie(state: &AppState, token: &SecretString, body: impl Serialize) -> Response {
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(token, state.config.secure()),
    );
    response
}

/// Signs up a business with its owner, and signs the owner in.
#[utoipa::path(post, path = "/v1/businesses", tag = "account", security(()),
    request_body = SignUpBody,
    responses((status = CREATED, body = SignedUpDto),
        (status = CONFLICT, description = "`slug_taken`", body = Problem),
        (status = UNPROCESSABLE_ENTITY, body = Problem),
        (status = SERVICE_UNAVAILABLE, description = "`busy`: the hashing queue is full; Retry-After", body = Problem)))]
async fn sign_up(
    State(state): State<AppState>,
    Body(b): Body<SignUpBody>,
) -> Result<Response, Problem> {
    let mut c = Check::default();
    let business_name = c.field("business_name", BusinessName::parse(&b.business_name));
    let slug = c.field("slug", Slug::parse(&b.slug));
    let time_zone = c.field("time_zone", Zone::parse(&b.time_zone));
    let currency = c.field("currency", Currency::parse(&b.currency));
    let owner_name = c.field("owner_name", PersonName::parse(&b.owner_name));
    let email = c.field("email", EmailAddress::parse(&b.email));
    let (
        Some(business_name),
        Some(slug),
        Some(time_zone),
        Some(currency),
        Some(owner_name),
        Some(email),
    ) = (business_name, slug, time_zone, currency, owner_name, email)
    else {
        return Err(c.problem());
    };
    let done = state
        .rota
        .sign_up(SignUp {
            business_name,
            slug,
            time_zone,
            currency,
            owner_name,
            email,
            password: b.password,
        })
        .await?;
    let body = SignedUpDto {
        business: BusinessDto::from(&done.business),
        account: AccountDto::from(&done.owner),
        session: SessionDto::new(&done.token, &done.session),
    };
    Ok(created_with_cookie(&state, &done.token, body))
}

/// Sign-in.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInBody {
    /// The business's slug.
    pub business: String,
    /// The email.
    pub email: String,
    /// The password.
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
}

/// Signs in (A2, A3).
#[utoipa::path(post, path = "/v1/sessions", tag = "account", security(()),
    request_body = SignInBody,
    responses((status = CREATED, body = SignedInDto),
        (status = UNAUTHORIZED, description = "`invalid_credentials`", body = Problem),
        (status = TOO_MANY_REQUESTS, description = "`too_many_attempts`, with Retry-After", body = Problem),
        (status = SERVICE_UNAVAILABLE, description = "`busy`: the hashing queue is full; Retry-After", body = Problem),
        (status = UNPROCESSABLE_ENTITY, body = Problem)))]
async fn sign_in(
    State(state): State<AppState>,
    Client(client): Client,
    Body(b): Body<SignInBody>,
) -> Result<Response, Problem> {
    let result = state
        .rota
        .sign_in(SignIn {
            business: b.business,
            email: b.email,
            password: b.password,
            client,
        })
        .await;
    match result {
        Ok(signed) => Ok(created_with_cookie(
            &state,
            &signed.token,
            SignedInDto::from(&signed),
        )),
        Err(SignInError::TooManyAttempts { retry_after }) => {
            let e = SignInError::TooManyAttempts { retry_after };
            let mut p = Problem::from(e);
            p.retry_after = Some(u64::try_from(retry_after.as_secs()).unwrap_or(1));
            Err(p)
        }
        Err(e) => Err(e.into()),
    }
}

/// Signs out: ends the current session.
#[utoipa::path(delete, path = "/v1/sessions/current", tag = "account",
    responses((status = NO_CONTENT), (status = UNAUTHORIZED, body = Problem)))]
async fn sign_out(State(state): State<AppState>, Signed(who): Signed) -> Result<Response, Problem> {
    state
        .rota
        .sign_out(who.session.id)
        .await
        .map_err(Problem::from)?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, clear_cookie(state.config.secure()));
    Ok(response)
}

/// One's own account and what one may do.
#[derive(Serialize, ToSchema)]
pub struct MeDto {
    /// The account.
    #[serde(flatten)]
    pub account: AccountDto,
    /// The business.
    pub business_id: String,
    /// What the account may do business-wide (`change_plan`,
    /// `list_customers`…); per-record rights are checked on each request.
    pub permissions: Vec<&'static str>,
}

/// The signed-in account, with its kind, roles, owner flag, status and
/// permissions.
#[utoipa::path(get, path = "/v1/me", tag = "account",
    responses((status = OK, body = MeDto), (status = UNAUTHORIZED, body = Problem)))]
async fn me(State(state): State<AppState>, Signed(who): Signed) -> Result<Json<MeDto>, Problem> {
    let actor = who.actor;
    let business = state.rota.business(&actor).await?;
    let account: Account = match actor.kind {
        ActorKind::Employee(_) => state.rota.employee(&actor, actor.id).await?,
        ActorKind::Customer => state.rota.customer(&actor, actor.id).await?,
    };
    Ok(Json(MeDto {
        account: AccountDto::from(&account),
        business_id: business.id.to_string(),
        permissions: rota_app::permissions::business_wide(&actor, &business.settings),
    }))
}

/// A password change.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordBody {
    /// The password now.
    #[schema(value_type = String, format = Password)]
    pub current_password: SecretString,
    /// The new one (12–128 characters, not a common one).
    #[schema(value_type = String, format = Password)]
    pub new_password: SecretString,
}

/// Changes one's password (A5): ends one's other sessions, emails a notice.
#[utoipa::path(put, path = "/v1/me/password", tag = "account",
    request_body = ChangePasswordBody,
    responses((status = NO_CONTENT), (status = UNAUTHORIZED, body = Problem),
        (status = TOO_MANY_REQUESTS, description = "`too_many_attempts`, with Retry-After", body = Problem),
        (status = SERVICE_UNAVAILABLE, description = "`busy`: the hashing queue is full; Retry-After", body = Problem),
        (status = UNPROCESSABLE_ENTITY, description = "`wrong_password`, `password_too_short`…", body = Problem)))]
async fn change_password(
    State(state): State<AppState>,
    Signed(who): Signed,
    Body(b): Body<ChangePasswordBody>,
) -> Result<StatusCode, Problem> {
    state
        .rota
        .change_password(
            &who.actor,
            Some(who.session.id),
            &b.current_password,
            &b.new_password,
        )
        .await
        .map_err(|e| {
            let wait = match &e {
                ChangePasswordError::TooManyAttempts { retry_after } => {
                    Some(u64::try_from(retry_after.as_secs()).unwrap_or(1))
                }
                _ => None,
            };
            let mut p = Problem::from(e);
            p.retry_after = wait.or(p.retry_after);
            p
        })?;
    Ok(StatusCode::NO_CONTENT)
}

/// "Forgot password".
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForgotBody {
    /// The business's slug.
    pub business: String,
    /// The account's email.
    pub email: String,
}

/// Asks for a reset link (A4). Always 202 with the same body.
#[utoipa::path(post, path = "/v1/password-resets", tag = "account", security(()),
    request_body = ForgotBody,
    responses((status = ACCEPTED, body = Message)))]
async fn forgot_password(
    State(state): State<AppState>,
    Client(client): Client,
    Body(b): Body<ForgotBody>,
) -> Result<(StatusCode, Json<Message>), Problem> {
    // A11: answered before the work is done, so the answer takes the same
    // time whether or not the account exists; the work (counting the
    // request, queuing the email) goes on without the client.
    let rota = state.rota.clone();
    tokio::spawn(async move {
        if let Err(e) = rota
            .request_password_reset(&b.business, &b.email, client.as_deref())
            .await
        {
            tracing::error!(error = ?e, "a password-reset request could not be handled");
        }
    });
    Ok((
        StatusCode::ACCEPTED,
        Json(Message {
            message: "if an active account has this email, a reset link is on its way",
        }),
    ))
}

/// A reset with an emailed token.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetBody {
    /// The `token=` of the emailed link.
    #[schema(value_type = String, format = Password)]
    pub token: SecretString,
    /// The new password.
    #[schema(value_type = String, format = Password)]
    pub new_password: SecretString,
}

/// Sets a new password with an emailed token (A4); ends every session.
#[utoipa::path(post, path = "/v1/password-resets/confirm", tag = "account", security(()),
    request_body = ResetBody,
    responses((status = NO_CONTENT),
        (status = UNPROCESSABLE_ENTITY, description = "`invalid_token`, `password_too_short`…", body = Problem),
        (status = SERVICE_UNAVAILABLE, description = "`busy`: the hashing queue is full; Retry-After", body = Problem)))]
async fn confirm_reset(
    State(state): State<AppState>,
    Body(b): Body<ResetBody>,
) -> Result<StatusCode, Problem> {
    state.rota.reset_password(&b.token, &b.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Accepting an invitation.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptBody {
    /// The `token=` of the emailed link.
    #[schema(value_type = String, format = Password)]
    pub token: SecretString,
    /// The password to set.
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
}

/// Accepts an invitation (A6): sets the password and signs in.
#[utoipa::path(post, path = "/v1/invitations/accept", tag = "account", security(()),
    request_body = AcceptBody,
    responses((status = CREATED, body = SignedInDto),
        (status = UNPROCESSABLE_ENTITY, description = "`invalid_token`, `password_too_short`…", body = Problem),
        (status = SERVICE_UNAVAILABLE, description = "`busy`: the hashing queue is full; Retry-After", body = Problem)))]
async fn accept_invitation(
    State(state): State<AppState>,
    Body(b): Body<AcceptBody>,
) -> Result<Response, Problem> {
    let signed = state.rota.accept_invitation(&b.token, &b.password).await?;
    Ok(created_with_cookie(
        &state,
        &signed.token,
        SignedInDto::from(&signed),
    ))
}

/// Confirming a new email address.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmEmailBody {
    /// The `token=` of the link emailed to the new address.
    #[schema(value_type = String, format = Password)]
    pub token: SecretString,
}

/// Confirms a new email address with the link emailed to it (A12): the
/// account moves to it; pending reset and invitation links stop working.
/// The link in the email points at the page `/confirm-email?token=`, which
/// posts here.
#[utoipa::path(post, path = "/v1/email-changes/confirm", tag = "account", security(()),
    request_body = ConfirmEmailBody,
    responses((status = OK, body = AccountDto),
        (status = CONFLICT, description = "`email_taken`: another account took it meanwhile", body = Problem),
        (status = UNPROCESSABLE_ENTITY, description = "`invalid_token`", body = Problem)))]
async fn confirm_email(
    State(state): State<AppState>,
    Body(b): Body<ConfirmEmailBody>,
) -> Result<Json<AccountDto>, Problem> {
    let account = state.rota.confirm_email_change(&b.token).await?;
    Ok(Json(AccountDto::from(&account)))
}

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_up))
        .routes(routes!(sign_in))
        .routes(routes!(sign_out))
        .routes(routes!(me))
        .routes(routes!(change_password))
        .routes(routes!(forgot_password))
        .routes(routes!(confirm_reset))
        .routes(routes!(accept_invitation))
        .routes(routes!(confirm_email))
}
