//! The signed-in person's own profile and password (U2, U3 for the team,
//! U4 for customers): their name (and phone, for the team), a password
//! change that needs the current one (A10 counts the guesses), and for the
//! team their calendar-feed address (W4): a new one made on request, shown
//! once, the old one void at once; and two-way sync with their own
//! calendar (`calendar_link.rs`).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::customers::CustomerChanges;
use rota_app::domain::account::{Profile, Text};
use rota_app::domain::name::PersonName;
use rota_app::employees::EmployeeChanges;
use rota_app::passwords::ChangePasswordError;
use rota_app::secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::Web;
use crate::form::{
    Field, FormView, Posted, form_token, refusal, render, render_built, sentence_of, with_cookie,
};
use crate::viewer::{Viewer, ViewerLine};

pub(super) mod calendar_link;

use calendar_link::{CalendarSection, section};

#[derive(Template)]
#[template(path = "profile.html")]
pub(super) struct ProfilePage {
    email: String,
    details: FormView,
    password: FormView,
    /// Whether they have a calendar feed to make (the team, W4).
    may_feed: bool,
    /// The feed's new address, once, right after it is made: the https
    /// address to paste, and the webcal one that opens a calendar app.
    feed: Option<(String, String)>,
    notice: Option<&'static str>,
    /// Two-way sync with their own calendar (the team, when the server
    /// has it).
    pub(super) calendar: Option<CalendarSection>,
    viewer: ViewerLine,
    csrf: String,
}

fn details(viewer: &Viewer) -> FormView {
    let fields = match &viewer.account.profile {
        Profile::Employee(e) => vec![
            Field::new("name", "Your name", "text", "name").typed(e.name.as_str()),
            Field::new("phone", "Phone", "tel", "tel")
                .typed(e.phone.as_ref().map_or("", Text::as_str)),
        ],
        Profile::Customer(c) => vec![
            Field::new("first_name", "First name", "text", "given-name")
                .typed(c.first_name.as_str()),
            Field::new("last_name", "Last name", "text", "family-name").typed(c.last_name.as_str()),
        ],
    };
    FormView {
        fields,
        ..FormView::default()
    }
}

fn password() -> FormView {
    FormView {
        fields: vec![
            Field::new(
                "current",
                "Current password",
                "password",
                "current-password",
            ),
            Field::new(
                "new",
                "New password (at least 12 characters)",
                "password",
                "new-password",
            ),
        ],
        ..FormView::default()
    }
}

fn profile(viewer: &Viewer, details: FormView, password: FormView, csrf: String) -> ProfilePage {
    ProfilePage {
        email: viewer.account.email.as_str().to_owned(),
        details,
        password,
        may_feed: viewer.may_own("rotate_own_calendar_feed"),
        feed: None,
        notice: None,
        calendar: None,
        viewer: viewer.line(),
        csrf,
    }
}

/// The page as first shown, with the calendar-sync section.
pub(super) async fn profile_page(web: &Web, viewer: &Viewer, csrf: String) -> ProfilePage {
    let mut page = profile(viewer, details(viewer), password(), csrf);
    page.calendar = section(web, viewer, None).await;
    page
}

#[derive(Deserialize, Default)]
pub(super) struct ProfileQuery {
    done: Option<String>,
}

pub(super) async fn page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(q): Query<ProfileQuery>,
    viewer: Viewer,
) -> Response {
    let (csrf, set) = form_token(&web, &headers);
    let mut page = profile_page(&web, &viewer, csrf).await;
    page.notice = match q.done.as_deref() {
        Some("saved") => Some("Your details are saved."),
        Some("password") => Some("Your password is changed. Other sessions are signed out."),
        _ => None,
    };
    if let Some(sync) = &mut page.calendar {
        sync.notice = match q.done.as_deref() {
            Some("calendar") => Some("Your calendar is linked."),
            Some("calendar_read") => Some("Your calendar was read again just now."),
            Some("calendar_unlinked") => Some(
                "Your calendar is unlinked. The bookings already in it stay there until you \
                 delete them.",
            ),
            _ => None,
        };
    }
    with_cookie(render(StatusCode::OK, &page), set)
}

/// Saves one's own name (and phone).
pub(super) async fn save(
    State(web): State<Web>,
    viewer: Viewer,
    posted: Posted<Vec<(String, String)>>,
) -> Response {
    let typed = |name: &str| {
        posted
            .form
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let mut form = details(&viewer);
    for f in &mut form.fields {
        typed(f.name).clone_into(&mut f.value);
    }
    let name = |field: &str, form: &mut FormView| match PersonName::parse(typed(field)) {
        Ok(n) => Some(n),
        Err(e) => {
            form.refuse(field, sentence_of(&e));
            None
        }
    };
    let actor = &viewer.who.actor;
    let saved = if viewer.is_customer() {
        let changes = CustomerChanges {
            first_name: name("first_name", &mut form),
            last_name: name("last_name", &mut form),
            ..CustomerChanges::default()
        };
        if form.refused() {
            None
        } else {
            Some(
                web.rota
                    .update_customer(actor, actor.id, changes)
                    .await
                    .map(drop)
                    .map_err(|e| refusal(&e, "change your details")),
            )
        }
    } else {
        let phone = match Text::parse(typed("phone")) {
            Ok(p) => Some(p),
            Err(e) => {
                form.refuse("phone", sentence_of(&e));
                None
            }
        };
        let changes = EmployeeChanges {
            name: name("name", &mut form),
            phone,
            ..EmployeeChanges::default()
        };
        if form.refused() {
            None
        } else {
            Some(
                web.rota
                    .update_employee(actor, actor.id, changes)
                    .await
                    .map(drop)
                    .map_err(|e| refusal(&e, "change your details")),
            )
        }
    };
    let status = match saved {
        Some(Ok(())) => return Redirect::to("/profile?done=saved").into_response(),
        Some(Err((problem, status))) => {
            form.problem = Some(problem);
            status
        }
        None => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let mut page = profile(&viewer, form, password(), posted.csrf);
    page.calendar = section(&web, &viewer, None).await;
    render(status, &page)
}

#[derive(Deserialize)]
pub(super) struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
}

/// Changes one's password: the current one first (A10).
pub(super) async fn change_password(
    State(web): State<Web>,
    viewer: Viewer,
    posted: Posted<PasswordForm>,
) -> Response {
    let f = posted.form;
    let mut form = password();
    let done = web
        .rota
        .change_password(
            &viewer.who.actor,
            Some(viewer.who.session.id),
            &SecretString::from(f.current),
            &SecretString::from(f.new),
        )
        .await;
    let status = match done {
        Ok(()) => return Redirect::to("/profile?done=password").into_response(),
        Err(ChangePasswordError::WrongPassword) => {
            form.refuse("current", "That is not your current password.");
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(ChangePasswordError::WeakPassword(e)) => {
            form.refuse("new", sentence_of(&e));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(ChangePasswordError::TooManyAttempts { retry_after }) => {
            form.problem = Some(format!(
                "Too many tries. Wait {} minutes and try again.",
                (retry_after.as_secs().max(1) + 59) / 60
            ));
            StatusCode::TOO_MANY_REQUESTS
        }
        Err(e) => {
            let (problem, status) = refusal(&e, "change your password");
            form.problem = Some(problem);
            status
        }
    };
    let mut page = profile(&viewer, details(&viewer), form, posted.csrf);
    page.calendar = section(&web, &viewer, None).await;
    render_built(Ok::<_, Response>(page), status)
}

/// Makes a new calendar-feed address for oneself (W4) and shows it once;
/// the old address stops working at once.
pub(super) async fn rotate_feed(
    State(web): State<Web>,
    viewer: Viewer,
    posted: Posted<Vec<(String, String)>>,
) -> Response {
    let actor = &viewer.who.actor;
    let mut page = profile_page(&web, &viewer, posted.csrf).await;
    match web.rota.rotate_calendar_feed(actor, actor.id).await {
        Ok(token) => {
            let https = format!(
                "{}/v1/calendar-feeds/{}.ics",
                web.config.origin,
                token.expose_secret()
            );
            let webcal = https
                .split_once("://")
                .map_or_else(|| https.clone(), |(_, rest)| format!("webcal://{rest}"));
            page.feed = Some((https, webcal));
            render(StatusCode::OK, &page)
        }
        Err(e) => {
            let (problem, status) = refusal(&e, "make a calendar address");
            page.details.problem = Some(problem);
            render(status, &page)
        }
    }
}
