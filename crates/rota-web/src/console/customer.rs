//! One customer's page (U2): their details (edited in place), their
//! bookings with what they cost, what was paid and what is still owed, and
//! the actions — invite to the portal, archive. And the export of every
//! customer as CSV (C2).

use askama::Template;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::bookings::BookingFilter;
use rota_app::customers::{CustomerChanges, CustomerError};
use rota_app::domain::account::{Account, Text};
use rota_app::domain::booking::BookingStatus;
use rota_app::domain::email::EmailAddress;
use rota_app::domain::id::AccountId;
use rota_app::domain::money::Money;
use rota_app::domain::name::PersonName;
use rota_app::{Classify, ErrorKind};

use super::Notice;
use crate::Web;
use crate::form::{
    Field, FormView, Posted, form_token, refusal, render, render_built, sentence_of, with_cookie,
};
use crate::refused::Asked;
use crate::viewer::{Viewer, ViewerLine};

/// One of the customer's bookings.
struct Row {
    href: String,
    when: String,
    providers: String,
    status: &'static str,
    price: String,
    paid: String,
}

#[derive(Template)]
#[template(path = "customer.html")]
#[allow(
    clippy::struct_excessive_bools,
    reason = "the switches of one template: what the viewer may see and do"
)]
struct CustomerPage {
    id: String,
    name: String,
    email: String,
    status: &'static str,
    rows: Vec<Row>,
    billed: String,
    paid: String,
    owed: String,
    tips: String,
    /// Which amounts the viewer is shown (R10).
    shows_paid: bool,
    shows_tips: bool,
    /// Their contact details, read-only, for who may see but not edit them.
    facts: Vec<(&'static str, String)>,
    may_edit: bool,
    may_archive: bool,
    may_restore: bool,
    may_erase: bool,
    may_invite: bool,
    may_list: bool,
    form: FormView,
    notice: Option<&'static str>,
    problem: Option<String>,
    viewer: ViewerLine,
    csrf: String,
}

/// The editable fields: (name, label, input type, autocomplete).
const FIELDS: [(&str, &str, &str); 11] = [
    ("first_name", "First name", "text"),
    ("last_name", "Last name", "text"),
    ("email", "Email", "email"),
    ("phone", "Phone", "tel"),
    ("mobile", "Mobile", "tel"),
    ("address1", "Address", "text"),
    ("address2", "Address, line 2", "text"),
    ("city", "Town or city", "text"),
    ("postal_code", "Postcode", "text"),
    ("country", "Country", "text"),
    ("notes", "Notes", "text"),
];

fn text(t: Option<&Text>) -> String {
    t.map(|t| t.as_str().to_owned()).unwrap_or_default()
}

fn form_of(a: &Account) -> FormView {
    let (first, last, details) = match a.customer() {
        Some(c) => (
            c.first_name.to_string(),
            c.last_name.to_string(),
            Some(&c.details),
        ),
        None => (String::new(), String::new(), None),
    };
    let d = |f: fn(&rota_app::domain::account::CustomerDetails) -> Option<&Text>| {
        details.map(|d| text(f(d))).unwrap_or_default()
    };
    let values = [
        first,
        last,
        a.email.as_str().to_owned(),
        d(|d| d.phone.as_ref()),
        d(|d| d.mobile.as_ref()),
        d(|d| d.address1.as_ref()),
        d(|d| d.address2.as_ref()),
        d(|d| d.city.as_ref()),
        d(|d| d.postal_code.as_ref()),
        d(|d| d.country.as_ref()),
        d(|d| d.notes.as_ref()),
    ];
    FormView {
        fields: FIELDS
            .iter()
            .zip(values)
            .map(|((name, label, kind), value)| Field::new(name, label, kind, "off").typed(&value))
            .collect(),
        ..FormView::default()
    }
}

/// A customer's standing, in words.
fn status_of(a: &Account) -> &'static str {
    if rota_app::erasure::is_erased(a) {
        "Erased"
    } else if a.customer().is_some_and(|c| c.archived_at.is_some()) {
        "Archived"
    } else if a.activated_at.is_some() {
        "Uses the portal"
    } else {
        "Not yet using the portal"
    }
}

async fn customer(
    web: &Web,
    headers: &HeaderMap,
    viewer: &Viewer,
    id: &str,
    csrf: String,
    form: Option<FormView>,
) -> Result<CustomerPage, Response> {
    let asked = Asked {
        noun: "customer",
        back: "/console",
        back_label: "Back to the console",
    };
    let gone = |kind| crate::refused::refused(web, headers, viewer, kind, &asked);
    let id: AccountId = id.parse().map_err(|_| gone(ErrorKind::NotFound))?;
    let actor = &viewer.who.actor;
    let a = match web.rota.customer(actor, id).await {
        Ok(a) => a,
        Err(e) => return Err(gone(e.kind())),
    };
    let filter = BookingFilter {
        customer: Some(id),
        ..BookingFilter::default()
    };
    let views = super::calendar::all_bookings(web, viewer, filter).await?;
    let zone = viewer.business.time_zone.clone();
    let currency = &viewer.business.currency;
    let (mut billed, mut paid, mut tips) = (0_i64, 0_i64, 0_i64);
    for v in &views {
        if v.booking.status != BookingStatus::Cancelled {
            billed = billed.saturating_add(v.booking.price.minor());
        }
        paid = paid.saturating_add(v.booking.paid.minor());
        tips = tips.saturating_add(v.booking.tips.minor());
    }
    let money = |minor: i64| {
        Money::new(minor.max(0))
            .unwrap_or(Money::ZERO)
            .display(currency)
    };
    let rows = views
        .iter()
        .rev()
        .map(|v| {
            let start = v.booking.range.start().to_zoned(zone.tz().clone());
            Row {
                href: format!("/console/bookings/{}", v.booking.id),
                when: start.strftime("%a %-d %b %Y, %H:%M").to_string(),
                providers: if v.providers.is_empty() {
                    "Nobody yet".into()
                } else {
                    v.providers
                        .iter()
                        .map(|(_, n)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                status: crate::shown::status(v.booking.status),
                price: v.booking.price.display(currency),
                paid: v.booking.paid.display(currency),
            }
        })
        .collect();
    let archived = a.customer().is_some_and(|c| c.archived_at.is_some());
    let erased = rota_app::erasure::is_erased(&a);
    let rights = rota_app::permissions::on_customer(actor, &viewer.business.settings, a.id);
    let shown = rota_app::permissions::booking_fields(actor, &viewer.business.settings);
    let edited = form_of(&a);
    let facts = edited
        .fields
        .iter()
        .skip(3)
        .zip(FIELDS.iter().skip(3))
        .filter(|(f, _)| !f.value.is_empty())
        .map(|(f, (_, label, _))| (*label, f.value.clone()))
        .collect();
    Ok(CustomerPage {
        id: a.id.to_string(),
        name: a.display_name(),
        email: a.email.as_str().to_owned(),
        status: status_of(&a),
        rows,
        billed: money(billed),
        paid: money(paid),
        owed: money(billed.saturating_sub(paid)),
        tips: money(tips),
        shows_paid: shown.paid,
        shows_tips: shown.tips,
        facts,
        may_edit: rights.contains(&"edit_customer") && !archived,
        may_archive: rights.contains(&"archive_customer") && !archived,
        may_restore: rights.contains(&"archive_customer") && archived && !erased,
        may_erase: rights.contains(&"archive_customer") && !erased,
        may_invite: rights.contains(&"invite_customer") && !archived && a.activated_at.is_none(),
        may_list: viewer.may("list_customers"),
        form: form.unwrap_or(edited),
        notice: None,
        problem: None,
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
    match customer(&web, &headers, &viewer, &id, csrf, None).await {
        Ok(mut page) => {
            page.notice = match q.done.as_deref() {
                Some("saved") => Some("Saved."),
                Some("invited") => Some("An invitation to the portal is on its way."),
                Some("archived") => Some(
                    "The customer is archived: they can no longer be booked or sign in. Their bookings stay as they are.",
                ),
                Some("erased") => Some(
                    "The customer's personal data is erased for good. Their bookings and amounts stay in the reports.",
                ),
                Some("restored") => Some(
                    "The customer is restored: they can be booked again, and sign in to the portal as before if they had access.",
                ),
                Some("email") => Some(
                    "Saved. The new email address takes effect once its owner confirms it from the link we sent there.",
                ),
                _ => None,
            };
            with_cookie(render(StatusCode::OK, &page), set)
        }
        Err(r) => r,
    }
}

/// The edit form: every field as typed; a refused one gets its sentence.
pub(super) async fn save(
    State(web): State<Web>,
    Path(id): Path<String>,
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
    let mut form = FormView {
        fields: FIELDS
            .iter()
            .map(|(name, label, kind)| Field::new(name, label, kind, "off").typed(typed(name)))
            .collect(),
        ..FormView::default()
    };
    let mut changes = CustomerChanges::default();
    match PersonName::parse(typed("first_name")) {
        Ok(n) => changes.first_name = Some(n),
        Err(e) => form.refuse("first_name", sentence_of(&e)),
    }
    match PersonName::parse(typed("last_name")) {
        Ok(n) => changes.last_name = Some(n),
        Err(e) => form.refuse("last_name", sentence_of(&e)),
    }
    match EmailAddress::parse(typed("email")) {
        Ok(n) => changes.email = Some(n),
        Err(e) => form.refuse("email", sentence_of(&e)),
    }
    let mut detail =
        |name: &'static str, slot: &mut rota_app::customers::FieldChange| match Text::parse(typed(
            name,
        )) {
            Ok(t) => *slot = Some(t),
            Err(e) => form.refuse(name, sentence_of(&e)),
        };
    detail("phone", &mut changes.phone);
    detail("mobile", &mut changes.mobile);
    detail("address1", &mut changes.address1);
    detail("address2", &mut changes.address2);
    detail("city", &mut changes.city);
    detail("postal_code", &mut changes.postal_code);
    detail("country", &mut changes.country);
    detail("notes", &mut changes.notes);
    let again = |form: FormView, status: StatusCode| {
        let (web, viewer, id, csrf) = (&web, &viewer, &id, posted.csrf.clone());
        async move {
            let headers = HeaderMap::new();
            render_built(
                customer(web, &headers, viewer, id, csrf, Some(form)).await,
                status,
            )
        }
    };
    if form.refused() {
        return again(form, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let Ok(account) = id.parse::<AccountId>() else {
        return Redirect::to("/console/customers").into_response();
    };
    let before = web.rota.customer(&viewer.who.actor, account).await.ok();
    match web
        .rota
        .update_customer(&viewer.who.actor, account, changes)
        .await
    {
        Ok(after) => {
            let asked_new = before.is_some_and(|b| b.email.as_str() != typed("email").trim());
            let done = if asked_new && after.email.as_str() != typed("email").trim() {
                "email"
            } else {
                "saved"
            };
            Redirect::to(&format!("/console/customers/{id}?done={done}")).into_response()
        }
        Err(CustomerError::EmailTaken) => {
            form.refuse("email", "Someone in this business already has that email.");
            again(form, StatusCode::CONFLICT).await
        }
        Err(e) => {
            let (problem, status) = refusal(&e, "edit this customer");
            form.problem = Some(problem);
            again(form, status).await
        }
    }
}

/// Archive (B7, A13: no longer bookable, sign-in refused), restore,
/// erase (once the box saying it cannot be undone is ticked), or invite to
/// the portal.
pub(super) async fn act(
    State(web): State<Web>,
    Path((id, action)): Path<(String, String)>,
    viewer: Viewer,
    posted: Posted<Vec<(String, String)>>,
) -> Response {
    let Ok(account) = id.parse::<AccountId>() else {
        return Redirect::to("/console/customers").into_response();
    };
    let actor = &viewer.who.actor;
    let problem = match action.as_str() {
        "archive" => match web.rota.archive_customer(actor, account).await {
            Ok(_) => {
                return Redirect::to(&format!("/console/customers/{id}?done=archived"))
                    .into_response();
            }
            Err(e) => refusal(&e, "archive this customer"),
        },
        "restore" => match web.rota.restore_customer(actor, account).await {
            Ok(_) => {
                return Redirect::to(&format!("/console/customers/{id}?done=restored"))
                    .into_response();
            }
            Err(e) => refusal(&e, "restore this customer"),
        },
        "erase"
            if !posted
                .form
                .iter()
                .any(|(k, v)| k == "confirm" && v == "yes") =>
        {
            (
                "Tick the box to confirm: erasing cannot be undone.".to_owned(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        "erase" => match web.rota.erase_customer(actor, account).await {
            Ok(_) => {
                return Redirect::to(&format!("/console/customers/{id}?done=erased"))
                    .into_response();
            }
            Err(e) => refusal(&e, "erase this customer"),
        },
        "invite" => match web.rota.invite_customer(actor, account).await {
            Ok(()) => {
                return Redirect::to(&format!("/console/customers/{id}?done=invited"))
                    .into_response();
            }
            Err(e) => refusal(&e, "invite this customer"),
        },
        _ => return Redirect::to(&format!("/console/customers/{id}")).into_response(),
    };
    let (text, status) = problem;
    render_built(
        customer(&web, &HeaderMap::new(), &viewer, &id, posted.csrf, None)
            .await
            .map(|mut p| {
                p.problem = Some(text);
                p
            }),
        status,
    )
}

/// Every customer as CSV (C2), streamed; administrators only.
pub(super) async fn export(State(web): State<Web>, viewer: Viewer) -> Response {
    let stream = match web.rota.export_customers(&viewer.who.actor).await {
        Ok(export) => futures_util::stream::unfold(export, |mut export| async move {
            let chunk = export.next_chunk().await?.map_err(|e| {
                tracing::error!(error = %e, "the export stopped half-way");
                std::io::Error::other(e.to_string())
            });
            Some((chunk, export))
        }),
        Err(e) if e.kind() == ErrorKind::Forbidden => {
            return Redirect::to("/console/customers").into_response();
        }
        Err(e) => {
            tracing::error!(error = %e, "the export could not start");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "The export could not start. Please try again in a moment.",
            )
                .into_response();
        }
    };
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"customers.csv\""),
    );
    response
}
