//! One booking's page (U2): what it is, and what the viewer may do to it —
//! move it (B5's override for administrators), change who serves and the
//! notes (B3), change its status (B6), record a payment or a tip (B8).
//! Each form's refusal is a sentence on the page, with what was typed kept.

mod payment;
mod payment_request;
mod series;

pub(super) use payment::pay;
pub(super) use payment_request::ask;
pub(super) use series::{cancel_series, change_series};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::bookings::{BookingChanges, BookingView};
use rota_app::domain::account::{AccountStatus, Text};
use rota_app::domain::booking::{BookingStatus, PaymentMethod};
use rota_app::domain::id::{AccountId, BookingId};
use rota_app::domain::jiff::civil::{Date, Time};
use rota_app::{Classify, ErrorKind};
use serde::Deserialize;

use super::Notice;
use super::bookings::sentence;
use crate::Web;
use crate::form::{Posted, form_token, render, render_built, with_cookie};
use crate::refused::Asked;
use crate::viewer::{Viewer, ViewerLine};

/// A status the booking may move to, as a button.
struct StatusAction {
    to: &'static str,
    label: &'static str,
    /// Cancelling and no-shows are drawn as the dangerous actions.
    danger: bool,
}

/// A provider who may be ticked as serving.
struct Choice {
    id: String,
    name: String,
    ticked: bool,
}

/// Which of the page's forms a refusal belongs to, and what was typed.
#[derive(Default)]
struct Typed {
    form: &'static str,
    problem: Option<String>,
    day: Option<String>,
    time: Option<String>,
    amount: String,
    tip: String,
    method: String,
}

#[derive(Template)]
#[template(path = "booking.html")]
#[allow(
    clippy::struct_excessive_bools,
    reason = "the switches of one template: which of its forms the viewer may use"
)]
struct BookingPage {
    id: String,
    title: String,
    when: String,
    zone: String,
    customer: String,
    customer_href: Option<String>,
    providers: String,
    status: &'static str,
    price: String,
    paid: Option<String>,
    tips: Option<String>,
    notes: String,
    /// The time it keeps its providers free around it, if any.
    kept_free: Option<String>,
    day: String,
    time: String,
    may_move: bool,
    may_override: bool,
    may_assign: bool,
    may_pay: bool,
    /// Which parts of a payment the viewer may record (R8 `payments`,
    /// `tips`).
    may_pay_amount: bool,
    may_tip: bool,
    /// Whether the viewer may ask the customer to pay what is owed.
    may_ask: bool,
    requests: Vec<payment_request::Requested>,
    /// The series it is an occurrence of, if any.
    series: Option<series::SeriesPart>,
    /// Where "back" leads: all bookings, or one's own.
    back: (&'static str, &'static str),
    choices: Vec<Choice>,
    statuses: Vec<StatusAction>,
    methods: Vec<(&'static str, &'static str)>,
    typed: Typed,
    notice: Option<&'static str>,
    viewer: ViewerLine,
    csrf: String,
}

impl BookingPage {
    /// The refusal shown above form `form`, if it is that form's.
    fn problem_of(&self, form: &str) -> Option<&str> {
        (self.typed.form == form)
            .then_some(self.typed.problem.as_deref())
            .flatten()
    }
}

/// The active providers, those serving ticked.
async fn providers(web: &Web, viewer: &Viewer, serving: &[AccountId]) -> Vec<Choice> {
    web.rota
        .list_employees(&viewer.who.actor)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|a| a.status == AccountStatus::Active)
        .filter(|a| a.employee().is_some_and(|e| e.roles.is_provider()))
        .map(|a| Choice {
            id: a.id.to_string(),
            name: a.display_name(),
            ticked: serving.contains(&a.id),
        })
        .collect()
}

/// The statuses a booking in `from` may move to that the viewer may ask
/// for (an assigned provider only starts and completes, R8), by the names
/// `rota_app::permissions::on_booking` gives.
fn statuses(from: BookingStatus, may: impl Fn(&str) -> bool) -> Vec<StatusAction> {
    [
        (
            BookingStatus::InProgress,
            "Start",
            false,
            "progress_booking",
        ),
        (
            BookingStatus::Completed,
            "Complete",
            false,
            "progress_booking",
        ),
        (
            BookingStatus::NoShow,
            "Mark as no-show",
            true,
            "mark_no_show",
        ),
        (
            BookingStatus::Cancelled,
            "Cancel booking",
            true,
            "cancel_booking",
        ),
    ]
    .into_iter()
    .filter(|(to, _, _, right)| from.can_become(*to) && may(right))
    .map(|(to, label, danger, _)| (to, label, danger))
    .map(|(to, label, danger)| StatusAction {
        to: to.as_str(),
        label,
        danger,
    })
    .collect()
}

/// The booking `id` as the viewer may see it, or the API's refusal (403,
/// 404) on a page.
async fn read(
    web: &Web,
    headers: &HeaderMap,
    viewer: &Viewer,
    id: &str,
) -> Result<BookingView, Response> {
    let asked = Asked {
        noun: "booking",
        back: "/console",
        back_label: "Back to the console",
    };
    let refused = |kind| crate::refused::refused(web, headers, viewer, kind, &asked);
    let id: BookingId = id.parse().map_err(|_| refused(ErrorKind::NotFound))?;
    match web.rota.booking(&viewer.who.actor, id).await {
        Ok(v) => Ok(v),
        Err(e) if matches!(e.kind(), ErrorKind::Forbidden | ErrorKind::NotFound) => {
            Err(refused(e.kind()))
        }
        Err(e) => {
            tracing::error!(error = %e, "a booking could not be read for its page");
            Err((
                StatusCode::SERVICE_UNAVAILABLE,
                "This booking could not be read just now. Please reload the page in a moment.",
            )
                .into_response())
        }
    }
}

async fn booking(
    web: &Web,
    headers: &HeaderMap,
    viewer: &Viewer,
    id: &str,
    csrf: String,
    typed: Typed,
) -> Result<BookingPage, Response> {
    let v = read(web, headers, viewer, id).await?;
    let may = |name: &str| viewer.may_on(&v.booking, name);
    let zone = viewer.business.time_zone.clone();
    let currency = &viewer.business.currency;
    let start = v.booking.range.start().to_zoned(zone.tz().clone());
    let end = v.booking.range.end().to_zoned(zone.tz().clone());
    let admin = viewer.may("list_all_bookings");
    let choices = if admin {
        providers(web, viewer, &v.booking.providers).await
    } else {
        Vec::new()
    };
    let from = v.booking.status;
    Ok(BookingPage {
        id: v.booking.id.to_string(),
        title: format!("Booking for {}", v.customer_name),
        when: format!(
            "{}–{}",
            start.strftime("%A %-d %B %Y, %H:%M"),
            end.strftime("%H:%M")
        ),
        zone: zone.to_string(),
        customer: v.customer_name.clone(),
        customer_href: may("view_customer")
            .then(|| format!("/console/customers/{}", v.booking.customer_id)),
        providers: if v.providers.is_empty() {
            "Nobody yet".into()
        } else {
            v.providers
                .iter()
                .map(|(_, n)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        },
        status: crate::shown::status(from),
        price: v.booking.price.display(currency),
        paid: v.shown.paid.then(|| v.booking.paid.display(currency)),
        tips: v.shown.tips.then(|| v.booking.tips.display(currency)),
        kept_free: (!v.booking.buffers.is_none())
            .then(|| crate::shown::kept_free(v.booking.buffers)),
        notes: v
            .booking
            .notes
            .as_ref()
            .map(|n| n.as_str().to_owned())
            .unwrap_or_default(),
        day: typed
            .day
            .clone()
            .unwrap_or_else(|| start.date().to_string()),
        time: typed
            .time
            .clone()
            .filter(|_| typed.form != "series")
            .unwrap_or_else(|| start.time().strftime("%H:%M").to_string()),
        may_move: admin && may("edit_booking") && from == BookingStatus::Scheduled,
        may_override: viewer.may("override_work_hours"),
        may_assign: admin && may("edit_booking") && from.holds_time(),
        may_pay: (may("record_payment") || may("record_tip")) && from != BookingStatus::Cancelled,
        may_pay_amount: may("record_payment"),
        may_tip: may("record_tip"),
        may_ask: may("record_payment") && v.booking.balance_minor() > 0 && from.holds_time(),
        requests: payment_request::requests(web, viewer, &v.booking).await,
        series: series::part(web, viewer, &v.booking, &typed).await,
        back: if admin {
            ("/console/bookings", "All bookings")
        } else {
            ("/console/mine", "My bookings")
        },
        choices,
        statuses: statuses(from, may),
        methods: [
            (PaymentMethod::Card, "Card"),
            (PaymentMethod::Cash, "Cash"),
            (PaymentMethod::BankTransfer, "Bank transfer"),
            (PaymentMethod::Other, "Other"),
        ]
        .into_iter()
        .map(|(m, label)| (m.as_str(), label))
        .collect(),
        typed,
        notice: None,
        viewer: viewer.line(),
        csrf,
    })
}

pub(super) async fn page(
    State(web): State<Web>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Notice>,
    viewer: Viewer,
) -> Response {
    let (csrf, set) = form_token(&web, &headers);
    match booking(&web, &headers, &viewer, &id, csrf, Typed::default()).await {
        Ok(mut page) => {
            page.notice = match q.done.as_deref() {
                Some("booked") => Some("Booked."),
                Some("moved") => Some("The booking is moved."),
                Some("assigned") => Some("Saved who serves and the notes."),
                Some("status") => Some("The status is changed."),
                Some("paid") => Some("The payment is recorded."),
                Some("asked") => Some("The request for payment is on its way to the customer."),
                Some("series") => Some("Booked: every date of the series."),
                Some("series_moved") => Some("The dates are moved."),
                Some("series_cancelled") => Some("The dates are cancelled."),
                _ => None,
            };
            with_cookie(render(StatusCode::OK, &page), set)
        }
        Err(r) => r,
    }
}

/// The page again with `typed`'s refusal on its form.
async fn refused(
    web: &Web,
    viewer: &Viewer,
    id: &str,
    csrf: String,
    typed: Typed,
    status: StatusCode,
) -> Response {
    let headers = HeaderMap::new();
    render_built(
        booking(web, &headers, viewer, id, csrf, typed).await,
        status,
    )
}

#[derive(Deserialize)]
pub(super) struct MoveForm {
    #[serde(default)]
    day: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    r#override: String,
}

pub(super) async fn reschedule(
    State(web): State<Web>,
    Path(id): Path<String>,
    viewer: Viewer,
    posted: Posted<MoveForm>,
) -> Response {
    let f = posted.form;
    let zone = viewer.business.time_zone.clone();
    let start = match (f.day.parse::<Date>(), f.time.parse::<Time>()) {
        (Ok(day), Ok(time)) => zone
            .tz()
            .to_ambiguous_timestamp(day.to_datetime(time))
            .compatible()
            .ok(),
        _ => None,
    };
    let mut typed = Typed {
        form: "move",
        day: Some(f.day.clone()),
        time: Some(f.time.clone()),
        ..Typed::default()
    };
    let (Some(starts_at), Ok(booking_id)) = (start, id.parse::<BookingId>()) else {
        typed.problem = Some("Enter a day and a start time.".into());
        return refused(
            &web,
            &viewer,
            &id,
            posted.csrf,
            typed,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let changes = BookingChanges {
        starts_at: Some(starts_at),
        allow_outside_work_hours: f.r#override == "yes",
        ..BookingChanges::default()
    };
    match web
        .rota
        .update_booking(&viewer.who.actor, booking_id, changes)
        .await
    {
        Ok(_) => Redirect::to(&format!("/console/bookings/{id}?done=moved")).into_response(),
        Err(e) => {
            let (problem, status) = sentence(&e);
            typed.problem = Some(problem);
            refused(&web, &viewer, &id, posted.csrf, typed, status).await
        }
    }
}

/// Who serves (ticked providers, `provider=<id>` repeated) and the notes.
pub(super) async fn assign(
    State(web): State<Web>,
    Path(id): Path<String>,
    viewer: Viewer,
    posted: Posted<Vec<(String, String)>>,
) -> Response {
    let providers: Vec<AccountId> = posted
        .form
        .iter()
        .filter(|(k, _)| k == "provider")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let notes = posted
        .form
        .iter()
        .find(|(k, _)| k == "notes")
        .map_or("", |(_, v)| v.as_str());
    let mut typed = Typed {
        form: "assign",
        ..Typed::default()
    };
    let (Ok(notes), Ok(booking_id)) = (Text::parse(notes), id.parse::<BookingId>()) else {
        typed.problem =
            Some("Notes are at most 2,000 characters, without control characters.".into());
        return refused(
            &web,
            &viewer,
            &id,
            posted.csrf,
            typed,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let changes = BookingChanges {
        providers: Some(providers),
        notes: Some(notes),
        ..BookingChanges::default()
    };
    match web
        .rota
        .update_booking(&viewer.who.actor, booking_id, changes)
        .await
    {
        Ok(_) => Redirect::to(&format!("/console/bookings/{id}?done=assigned")).into_response(),
        Err(e) => {
            let (problem, status) = sentence(&e);
            typed.problem = Some(problem);
            refused(&web, &viewer, &id, posted.csrf, typed, status).await
        }
    }
}

#[derive(Deserialize)]
pub(super) struct StatusForm {
    #[serde(default)]
    to: String,
    /// `mine` when the button was on one's own day or week (back there).
    #[serde(default)]
    back: String,
}

/// Start, complete, cancel or mark a no-show (B6).
pub(super) async fn change_status(
    State(web): State<Web>,
    Path(id): Path<String>,
    viewer: Viewer,
    posted: Posted<StatusForm>,
) -> Response {
    let mut typed = Typed {
        form: "status",
        ..Typed::default()
    };
    let Ok(booking_id) = id.parse::<BookingId>() else {
        return Redirect::to("/console/bookings").into_response();
    };
    let actor = &viewer.who.actor;
    let done = match BookingStatus::ALL
        .into_iter()
        .find(|s| s.as_str() == posted.form.to)
    {
        Some(BookingStatus::InProgress) => web.rota.start_booking(actor, booking_id).await,
        Some(BookingStatus::Completed) => web.rota.complete_booking(actor, booking_id).await,
        Some(BookingStatus::Cancelled) => web.rota.cancel_booking(actor, booking_id).await,
        Some(BookingStatus::NoShow) => web.rota.mark_no_show(actor, booking_id).await,
        Some(BookingStatus::Scheduled) | None => {
            typed.problem = Some("Choose one of the status buttons.".into());
            return refused(
                &web,
                &viewer,
                &id,
                posted.csrf,
                typed,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match done {
        Ok(_) if posted.form.back == "mine" => {
            Redirect::to("/console/mine?done=status").into_response()
        }
        Ok(_) => Redirect::to(&format!("/console/bookings/{id}?done=status")).into_response(),
        Err(e) => {
            let (problem, status) = sentence(&e);
            typed.problem = Some(problem);
            refused(&web, &viewer, &id, posted.csrf, typed, status).await
        }
    }
}
