//! The business's settings (U2): its profile, time zone, currency,
//! cancellation notice and online booking (R10), and the service
//! providers' access rights (R8), every option explained in a sentence.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::domain::access::{
    AccessRights, AccessRightsInput, CustomerVisibility, Privacy, TimeTrackingAccess,
    WorkHoursAccess,
};
use rota_app::domain::business::{Currency, ReminderHours, Zone};
use rota_app::domain::name::BusinessName;
use rota_app::settings::BusinessChanges;
use serde::Deserialize;

use super::Notice;
use crate::Web;
use crate::form::{Field, FormView, Posted, form_token, refusal, render, sentence_of, with_cookie};
use crate::viewer::{Viewer, ViewerLine};

/// One choice of an access right: its value, its words, whether chosen.
struct Choice {
    value: &'static str,
    label: &'static str,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "settings.html")]
#[allow(
    clippy::struct_excessive_bools,
    reason = "the page's checkboxes and what the viewer may do"
)]
struct SettingsPage {
    form: FormView,
    online_booking: bool,
    provider_emails: bool,
    may_edit: bool,
    may_rights: bool,
    customers: Vec<Choice>,
    work_hours: Vec<Choice>,
    time_tracking: Vec<Choice>,
    /// The on/off rights, as chosen.
    rights: AccessRightsInput,
    hide_after: String,
    rights_problem: Option<String>,
    notice: Option<&'static str>,
    viewer: ViewerLine,
    csrf: String,
}

fn choices<T: PartialEq + Copy>(
    options: &[(T, &'static str, &'static str)],
    chosen: T,
) -> Vec<Choice> {
    options
        .iter()
        .map(|(v, value, label)| Choice {
            value,
            label,
            chosen: *v == chosen,
        })
        .collect()
}

const CUSTOMERS: [(CustomerVisibility, &str, &str); 3] = [
    (
        CustomerVisibility::Hidden,
        "hidden",
        "Only the customer's name, on their own bookings",
    ),
    (
        CustomerVisibility::Details,
        "details",
        "Full details of the customers on their own bookings",
    ),
    (CustomerVisibility::List, "list", "The whole customer list"),
];
const WORK_HOURS: [(WorkHoursAccess, &str, &str); 2] = [
    (
        WorkHoursAccess::View,
        "view",
        "See their own work hours and time off",
    ),
    (
        WorkHoursAccess::Edit,
        "edit",
        "See and change their own work hours and time off",
    ),
];
const TIME_TRACKING: [(TimeTrackingAccess, &str, &str); 3] = [
    (TimeTrackingAccess::Off, "off", "No time tracking"),
    (
        TimeTrackingAccess::View,
        "view",
        "See their own time entries",
    ),
    (
        TimeTrackingAccess::Edit,
        "edit",
        "Clock in and out, and see their own time entries",
    ),
];

fn business_form(viewer: &Viewer) -> FormView {
    let b = &viewer.business;
    FormView {
        fields: vec![
            Field::new("name", "Business name", "text", "organization").typed(b.name.as_str()),
            Field::new("time_zone", "Time zone (e.g. Europe/London)", "text", "off")
                .typed(&b.time_zone.to_string()),
            Field::new("currency", "Currency (e.g. GBP)", "text", "off").typed(b.currency.as_str()),
            Field::new(
                "notice",
                "Customers may cancel up to this many minutes before a booking",
                "number",
                "off",
            )
            .typed(&b.settings.cancellation_notice_minutes.to_string()),
            Field::new(
                "min_notice",
                "Customers book at least this many minutes ahead",
                "number",
                "off",
            )
            .typed(&b.settings.min_notice_minutes.to_string()),
            Field::new(
                "reminders",
                "Email customers a reminder this many hours before each booking (e.g. 24, 2; empty: none)",
                "text",
                "off",
            )
            .typed(&reminder_text(&b.settings.notifications.reminder_hours)),
        ],
        ..FormView::default()
    }
}

/// "24, 2", as the reminders field shows them.
fn reminder_text(hours: &ReminderHours) -> String {
    hours
        .hours()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The reminders field as typed: hours separated by commas or spaces.
fn reminder_hours(typed: &str) -> Option<ReminderHours> {
    let hours: Option<Vec<u32>> = typed
        .split([',', ' '])
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map(|h| h.trim_end_matches('h').parse::<u32>().ok())
        .collect();
    ReminderHours::new(hours?).ok()
}

/// The page, or `None` for a viewer who may see none of it.
fn settings(viewer: &Viewer, form: FormView, csrf: String) -> Option<SettingsPage> {
    if !viewer.may("view_access_rights") && !viewer.may("edit_business_settings") {
        return None;
    }
    let s = &viewer.business.settings;
    let r = s.access_rights.get();
    Some(SettingsPage {
        form,
        online_booking: s.online_booking,
        provider_emails: s.notifications.provider_emails,
        may_edit: viewer.may("edit_business_settings"),
        may_rights: viewer.may("edit_access_rights"),
        customers: choices(&CUSTOMERS, r.customers),
        work_hours: choices(&WORK_HOURS, r.work_hours),
        time_tracking: choices(&TIME_TRACKING, r.time_tracking),
        rights: *r,
        hide_after: r
            .privacy
            .hide_addresses_after_hours
            .map(|h| h.to_string())
            .unwrap_or_default(),
        rights_problem: None,
        notice: None,
        viewer: viewer.line(),
        csrf,
    })
}

/// The page with `status`, or back to the console for a viewer who may
/// see none of it.
fn shown(page: Option<SettingsPage>, status: StatusCode) -> Response {
    match page {
        Some(page) => render(status, &page),
        None => Redirect::to("/console").into_response(),
    }
}

pub(super) async fn page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(q): Query<Notice>,
    viewer: Viewer,
) -> Response {
    let (csrf, set) = form_token(&web, &headers);
    match settings(&viewer, business_form(&viewer), csrf) {
        Some(mut page) => {
            page.notice = match q.done.as_deref() {
                Some("saved") => Some("Settings saved."),
                Some("rights") => {
                    Some("Access rights saved: they apply from the providers' next page.")
                }
                _ => None,
            };
            with_cookie(render(StatusCode::OK, &page), set)
        }
        None => Redirect::to("/console").into_response(),
    }
}

#[derive(Deserialize)]
pub(super) struct BusinessForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    notice: String,
    #[serde(default)]
    min_notice: String,
    #[serde(default)]
    online_booking: String,
    #[serde(default)]
    reminders: String,
    #[serde(default)]
    provider_emails: String,
}

pub(super) async fn save(
    State(web): State<Web>,
    viewer: Viewer,
    posted: Posted<BusinessForm>,
) -> Response {
    let f = posted.form;
    let mut form = business_form(&viewer);
    for (field, typed) in form.fields.iter_mut().zip([
        &f.name,
        &f.time_zone,
        &f.currency,
        &f.notice,
        &f.min_notice,
        &f.reminders,
    ]) {
        field.value.clone_from(typed);
    }
    let mut changes = BusinessChanges {
        online_booking: Some(f.online_booking == "yes"),
        ..BusinessChanges::default()
    };
    match BusinessName::parse(&f.name) {
        Ok(n) => changes.name = Some(n),
        Err(e) => form.refuse("name", sentence_of(&e)),
    }
    match Zone::parse(f.time_zone.trim()) {
        Ok(z) => changes.time_zone = Some(z),
        Err(_) => form.refuse(
            "time_zone",
            "Enter a time zone like Europe/London or America/New_York.",
        ),
    }
    match Currency::parse(f.currency.trim()) {
        Ok(c) => changes.currency = Some(c),
        Err(_) => form.refuse(
            "currency",
            "Enter a three-letter currency code like GBP, EUR or USD.",
        ),
    }
    match f.notice.trim().parse::<u32>() {
        Ok(m) if m <= 525_600 => changes.cancellation_notice_minutes = Some(m),
        _ => form.refuse(
            "notice",
            "Enter a whole number of minutes, from 0 to 525600 (a year).",
        ),
    }
    match f.min_notice.trim().parse::<u32>() {
        Ok(m) if m <= 525_600 => changes.min_notice_minutes = Some(m),
        _ => form.refuse(
            "min_notice",
            "Enter a whole number of minutes, from 0 to 525600 (a year).",
        ),
    }
    match reminder_hours(&f.reminders) {
        Some(hours) => changes.reminder_hours = Some(hours),
        None => form.refuse(
            "reminders",
            "Enter up to three whole hours from 1 to 72, each once, separated by commas (like 24, 2), or leave it empty.",
        ),
    }
    changes.provider_emails = Some(f.provider_emails == "yes");
    if form.refused() {
        let mut page = settings(&viewer, form, posted.csrf);
        if let Some(p) = &mut page {
            p.online_booking = f.online_booking == "yes";
            p.provider_emails = f.provider_emails == "yes";
        }
        return shown(page, StatusCode::UNPROCESSABLE_ENTITY);
    }
    match web.rota.update_business(&viewer.who.actor, changes).await {
        Ok(_) => Redirect::to("/console/settings?done=saved").into_response(),
        Err(e) => {
            let (problem, status) = refusal(&e, "change the business's settings");
            form.problem = Some(problem);
            shown(settings(&viewer, form, posted.csrf), status)
        }
    }
}

#[derive(Deserialize)]
pub(super) struct RightsForm {
    #[serde(default)]
    customers: String,
    #[serde(default)]
    edit_customers: String,
    #[serde(default)]
    abbreviate_names: String,
    #[serde(default)]
    hide_after: String,
    #[serde(default)]
    work_hours: String,
    #[serde(default)]
    time_tracking: String,
    #[serde(default)]
    tips: String,
    #[serde(default)]
    payments: String,
}

fn pick<T: Copy + Default>(options: &[(T, &'static str, &'static str)], typed: &str) -> T {
    options
        .iter()
        .find(|(_, value, _)| *value == typed)
        .map_or_else(T::default, |(v, _, _)| *v)
}

pub(super) async fn save_rights(
    State(web): State<Web>,
    viewer: Viewer,
    posted: Posted<RightsForm>,
) -> Response {
    let f = posted.form;
    let hide = f.hide_after.trim();
    let hide_after = if hide.is_empty() {
        Ok(None)
    } else {
        hide.parse::<u32>().map(Some)
    };
    let input = AccessRightsInput {
        customers: pick(&CUSTOMERS, &f.customers),
        edit_customers: f.edit_customers == "yes",
        privacy: Privacy {
            abbreviate_names: f.abbreviate_names == "yes",
            hide_addresses_after_hours: hide_after.clone().ok().flatten(),
        },
        work_hours: pick(&WORK_HOURS, &f.work_hours),
        time_tracking: pick(&TIME_TRACKING, &f.time_tracking),
        tips: f.tips == "yes",
        payments: f.payments == "yes",
    };
    let problem = match (hide_after, AccessRights::new(input)) {
        (Err(_), _) => {
            Some("Enter the hours after a booking as a whole number, or leave it empty for never.")
        }
        (_, Err(_)) => {
            Some("Editing customers needs providers to see them: choose details or the whole list.")
        }
        (Ok(_), Ok(rights)) => match web.rota.set_access_rights(&viewer.who.actor, rights).await {
            Ok(_) => return Redirect::to("/console/settings?done=rights").into_response(),
            Err(e) => {
                let (problem, status) = refusal(&e, "change the access rights");
                let page = settings(&viewer, business_form(&viewer), posted.csrf).map(|mut p| {
                    p.rights_problem = Some(problem);
                    p
                });
                return shown(page, status);
            }
        },
    };
    let page = settings(&viewer, business_form(&viewer), posted.csrf).map(|mut p| {
        p.rights_problem = problem.map(str::to_owned);
        p.customers = choices(&CUSTOMERS, input.customers);
        p.work_hours = choices(&WORK_HOURS, input.work_hours);
        p.time_tracking = choices(&TIME_TRACKING, input.time_tracking);
        p.rights = input;
        f.hide_after.clone_into(&mut p.hide_after);
        p
    });
    shown(page, StatusCode::UNPROCESSABLE_ENTITY)
}
