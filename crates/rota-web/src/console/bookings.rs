//! Bookings (U2): a new one from the availability picker (W3) — customer,
//! service, who, day, then one of the free times — and a booking's page,
//! where it is rescheduled. Refusals (`double_booking`,
//! `outside_work_hours`…) are sentences on the form, with the choices kept.
//! Either form may repeat the booking (issue 19): a series is booked whole,
//! or each date that cannot be is named, to leave out or to pick another
//! time for.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::availability::AvailabilityQuery;
use rota_app::bookings::{BookingError, Created, NewBooking, NewSeries, SeriesError};
use rota_app::domain::account::AccountStatus;
use rota_app::domain::business::Zone;
use rota_app::domain::id::{AccountId, ServiceId};
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::jiff::civil::{Date, Time};
use rota_app::domain::recurrence::{Ends, Frequency, Recurrence};
use rota_app::page::Limit;
use rota_app::{Classify, ErrorKind};
use serde::Deserialize;

use crate::Web;
use crate::form::{Posted, form_token, render, render_built, with_cookie};
use crate::viewer::{Viewer, ViewerLine};

/// What the picker has chosen so far (all as typed, to keep them).
#[derive(Deserialize, Default, Clone)]
pub(super) struct Chosen {
    #[serde(default)]
    customer: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    provider: String,
    #[serde(default)]
    day: String,
}

/// How a new booking repeats, as typed (issue 19).
#[derive(Deserialize, Default, Clone)]
pub(super) struct Recurring {
    /// `none`, `daily`, `weekly`, `fortnightly`, `monthly_date` or
    /// `monthly_weekday`.
    #[serde(default)]
    repeat: String,
    /// How many times in all.
    #[serde(default)]
    times: String,
    /// Or the last date.
    #[serde(default)]
    until: String,
    /// Dates to leave out (`YYYY-MM-DD`, comma-separated): those a
    /// refused series named, when the box is left ticked.
    #[serde(default)]
    skip: String,
}

impl Recurring {
    /// The rule asked for; `None` for a single booking.
    fn recurrence(&self) -> Result<Option<Recurrence>, String> {
        let frequency = match self.repeat.as_str() {
            "" | "none" => return Ok(None),
            "daily" => Frequency::Daily,
            "weekly" => Frequency::Weekly { every: 1 },
            "fortnightly" => Frequency::Weekly { every: 2 },
            "monthly_date" => Frequency::MonthlyOnDate,
            "monthly_weekday" => Frequency::MonthlyOnWeekday,
            _ => return Err("Choose how often it repeats.".into()),
        };
        let ends = if self.until.trim().is_empty() {
            let count = self
                .times
                .trim()
                .parse()
                .map_err(|_| "Enter how many times it happens, 2 to 366, or the last date.")?;
            Ends::After { count }
        } else {
            let date = self
                .until
                .trim()
                .parse()
                .map_err(|_| "Enter the last date like 2026-06-30.")?;
            Ends::On { date }
        };
        Recurrence::new(frequency, ends)
            .map(Some)
            .map_err(|e| format!("{}.", crate::form::sentence_of(&e)))
    }

    /// The form again after a refusal, leaving out `skip` (or what it left
    /// out before), and those dates in words.
    fn again(&self, skip: Vec<Date>) -> (Self, String) {
        let mut kept = self.clone();
        let skip = if skip.is_empty() {
            self.skipped().unwrap_or_default()
        } else {
            skip
        };
        let join = |f: &dyn Fn(&Date) -> String, sep: &str| {
            skip.iter().map(f).collect::<Vec<_>>().join(sep)
        };
        if !skip.is_empty() {
            kept.skip = join(&ToString::to_string, ",");
        }
        (kept, join(&|d| d.strftime("%a %-d %b").to_string(), ", "))
    }

    fn skipped(&self) -> Result<Vec<Date>, String> {
        self.skip
            .split(',')
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(|d| {
                d.parse()
                    .map_err(|_| "Reload the page and try again.".to_owned())
            })
            .collect()
    }
}

/// One free time offered.
struct Slot {
    /// `<provider id>|<start, RFC 3339>`.
    value: String,
    label: String,
}

#[derive(Template)]
#[template(path = "booking_new.html")]
struct NewBookingPage {
    customers: Vec<(String, String)>,
    services: Vec<(String, String)>,
    providers: Vec<(String, String)>,
    chosen: Chosen,
    asked: bool,
    day_label: String,
    zone: String,
    slots: Vec<Slot>,
    /// B5: administrators may book a time that is not offered.
    may_override: bool,
    at: String,
    /// The free time chosen before a refusal (the first one otherwise).
    slot: String,
    repeat: Recurring,
    /// The dates a refused series named, for the box that leaves them out.
    skip_label: String,
    problem: Option<String>,
    viewer: ViewerLine,
    csrf: String,
}

fn clock(at: Timestamp, zone: &Zone) -> String {
    at.to_zoned(zone.tz().clone()).strftime("%H:%M").to_string()
}

async fn picker(
    web: &Web,
    viewer: &Viewer,
    mut chosen: Chosen,
    csrf: String,
    problem: Option<String>,
) -> Result<NewBookingPage, Response> {
    if !viewer.may("list_all_bookings") {
        return Err(Redirect::to("/console").into_response());
    }
    let actor = &viewer.who.actor;
    let zone = viewer.business.time_zone.clone();
    let failed = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "the booking picker could not be filled");
        (StatusCode::SERVICE_UNAVAILABLE, "try again in a moment").into_response()
    };
    let customers = web
        .rota
        .list_customers(
            actor,
            None,
            None,
            Limit::new(Some(Limit::MAX)).unwrap_or_default(),
        )
        .await
        .map_err(|e| failed(&e))?
        .items
        .iter()
        .filter(|a| a.customer().is_some_and(|c| c.archived_at.is_none()))
        .map(|a| {
            (
                a.id.to_string(),
                format!("{} — {}", a.display_name(), a.email.as_str()),
            )
        })
        .collect::<Vec<_>>();
    let services = web
        .rota
        .list_services(actor)
        .await
        .map_err(|e| failed(&e))?
        .into_iter()
        .filter(|s| s.active)
        .map(|s| (s.id.to_string(), s.name.to_string()))
        .collect::<Vec<_>>();
    let providers = web
        .rota
        .list_employees(actor)
        .await
        .map_err(|e| failed(&e))?
        .into_iter()
        .filter(|a| a.status == AccountStatus::Active)
        .filter(|a| a.employee().is_some_and(|e| e.roles.is_provider()))
        .map(|a| (a.id.to_string(), a.display_name()))
        .collect::<Vec<_>>();
    let today = Timestamp::now().to_zoned(zone.tz().clone()).date();
    if chosen.day.is_empty() {
        chosen.day = today.to_string();
    }
    let service: Option<ServiceId> = chosen.service.parse().ok();
    let provider: Option<AccountId> = chosen.provider.parse().ok();
    let day: Option<Date> = chosen.day.parse().ok();
    let mut slots = Vec::new();
    let mut asked = false;
    if let (Some(service), Some(day)) = (service, day)
        && let Some(range) = crate::shown::day_range(day, &zone)
    {
        asked = true;
        let query = AvailabilityQuery {
            service,
            range,
            provider,
            step: None,
        };
        if let Ok(found) = web.rota.availability(actor, query).await {
            for p in found {
                for s in p.slots {
                    slots.push(Slot {
                        value: format!("{}|{}", p.provider, s.start()),
                        label: format!("{} with {}", clock(s.start(), &zone), p.name),
                    });
                }
            }
        }
    }
    Ok(NewBookingPage {
        customers,
        services,
        providers,
        day_label: day.map_or_else(String::new, |d| d.strftime("%A %-d %B %Y").to_string()),
        zone: zone.to_string(),
        chosen,
        asked,
        slots,
        may_override: viewer.may("override_work_hours"),
        at: String::new(),
        slot: String::new(),
        repeat: Recurring::default(),
        skip_label: String::new(),
        problem,
        viewer: viewer.line(),
        csrf,
    })
}

pub(super) async fn new_page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(chosen): Query<Chosen>,
    viewer: Viewer,
) -> Response {
    let (csrf, set) = form_token(&web, &headers);
    match picker(&web, &viewer, chosen, csrf, None).await {
        Ok(page) => with_cookie(render(StatusCode::OK, &page), set),
        Err(r) => r,
    }
}

#[derive(Deserialize)]
pub(super) struct BookForm {
    #[serde(flatten)]
    chosen: Chosen,
    #[serde(default)]
    slot: String,
    /// A time of the administrator's choosing (B5), with `override`.
    #[serde(default)]
    at: String,
    #[serde(default)]
    r#override: String,
    #[serde(flatten)]
    repeat: Recurring,
}

/// A refused series as a sentence, naming each date that cannot be booked
/// or moved (in the business's zone), and the dates themselves.
pub(super) fn series_sentence(e: &SeriesError, zone: &Zone, what: &str) -> (String, StatusCode) {
    let SeriesError::Conflicts(each) = e else {
        return match e {
            SeriesError::Booking(e) => sentence(e),
            SeriesError::NothingLeft => (
                "No booking of this series is still to come.".to_owned(),
                StatusCode::CONFLICT,
            ),
            _ => (
                format!("{}.", crate::form::sentence_of(e)),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
        };
    };
    let dates: Vec<String> = each
        .iter()
        .map(|c| {
            let why = match c.code {
                "double_booking" => "already taken",
                "outside_work_hours" => "outside work hours or in time off",
                "not_available" => "not offered",
                _ => "cannot be booked",
            };
            let when = c.starts_at.to_zoned(zone.tz().clone());
            format!("{} ({why})", when.strftime("%a %-d %b %Y, %H:%M"))
        })
        .collect();
    let n = dates.len();
    (
        format!(
            "{n} {} cannot be {what}, so none was: {}.",
            if n == 1 { "date" } else { "dates" },
            dates.join("; ")
        ),
        StatusCode::CONFLICT,
    )
}

/// Books a series from the picker: the first occurrence's page, or the
/// refusal, its status and the dates to leave out next time (those asked
/// to be left out, and those refused).
async fn book_series(
    web: &Web,
    viewer: &Viewer,
    series: NewSeries,
) -> Result<Response, (String, StatusCode, Vec<Date>)> {
    let mut skip = series.skip.clone();
    match web.rota.create_series(&viewer.who.actor, series).await {
        Ok(made) => Ok(Redirect::to(&format!(
            "/console/bookings/{}?done=series",
            made.first()
                .map(|v| v.booking.id.to_string())
                .unwrap_or_default()
        ))
        .into_response()),
        Err(e) => {
            let zone = &viewer.business.time_zone;
            let (problem, status) = series_sentence(&e, zone, "booked");
            if let SeriesError::Conflicts(each) = &e {
                let tz = zone.tz().clone();
                skip.extend(each.iter().map(|c| c.starts_at.to_zoned(tz.clone()).date()));
            }
            Err((problem, status, skip))
        }
    }
}

/// A refused booking change as a sentence a person can act on.
pub(super) fn sentence(e: &BookingError) -> (String, StatusCode) {
    let text = match e.code() {
        "double_booking" => {
            "That time is already taken: someone booked it a moment ago. Choose another time."
                .to_owned()
        }
        "outside_work_hours" => {
            "That time is outside the provider's work hours or in their time off. \
             Choose one of the free times, or allow it explicitly."
                .to_owned()
        }
        "customer_archived" => "That customer is archived and cannot be booked.".to_owned(),
        "overpayment" => "That is more than is still owed: record the rest as a tip.".to_owned(),
        "forbidden" => "You may not do this.".to_owned(),
        _ if e.kind() == ErrorKind::Unexpected => {
            tracing::error!(error = %e, "a booking could not be saved");
            "Something went wrong on our side. Please try again in a moment.".to_owned()
        }
        _ => {
            let message = e.to_string();
            crate::form::sentence_of(&message)
        }
    };
    let status = match e.kind() {
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::SERVICE_UNAVAILABLE,
    };
    (text, status)
}

pub(super) async fn book(
    State(web): State<Web>,
    viewer: Viewer,
    posted: Posted<BookForm>,
) -> Response {
    let f = posted.form;
    let zone = viewer.business.time_zone.clone();
    let free_time = !f.at.is_empty();
    let parsed = (|| {
        let customer: AccountId = f.chosen.customer.parse().ok()?;
        let service: ServiceId = f.chosen.service.parse().ok()?;
        let (provider, starts_at) = if free_time {
            let day: Date = f.chosen.day.parse().ok()?;
            let at: Time = f.at.parse().ok()?;
            let start = zone
                .tz()
                .to_ambiguous_timestamp(day.to_datetime(at))
                .compatible()
                .ok()?;
            (f.chosen.provider.parse::<AccountId>().ok()?, start)
        } else {
            let (provider, start) = f.slot.split_once('|')?;
            (provider.parse().ok()?, start.parse::<Timestamp>().ok()?)
        };
        Some((customer, service, provider, starts_at))
    })();
    let at = f.at.clone();
    let again = |problem: String, status: StatusCode, skip: Vec<Date>| {
        let (web, viewer, chosen, csrf, at, slot) = (
            &web,
            &viewer,
            f.chosen.clone(),
            posted.csrf.clone(),
            at.clone(),
            f.slot.clone(),
        );
        let (repeat, skip_label) = f.repeat.again(skip);
        async move {
            let page = picker(web, viewer, chosen, csrf, Some(problem)).await;
            render_built(
                page.map(|mut p| {
                    p.at = at;
                    p.slot = slot;
                    p.repeat = repeat;
                    p.skip_label = skip_label;
                    p
                }),
                status,
            )
        }
    };
    let Some((customer, service, provider, starts_at)) = parsed else {
        let problem = if free_time {
            "Enter a start time like 14:30."
        } else {
            "Choose a customer, a service and one of the free times."
        };
        return again(problem.to_owned(), StatusCode::UNPROCESSABLE_ENTITY, vec![]).await;
    };
    let (recurrence, skip) = match (f.repeat.recurrence(), f.repeat.skipped()) {
        (Ok(r), Ok(skip)) => (r, skip),
        (Err(problem), _) | (_, Err(problem)) => {
            return again(problem, StatusCode::UNPROCESSABLE_ENTITY, vec![]).await;
        }
    };
    let new = NewBooking {
        customer,
        service: Some(service),
        starts_at,
        ends_at: None,
        providers: vec![provider],
        price: None,
        notes: None,
        allow_outside_work_hours: free_time && f.r#override == "yes",
    };
    if let Some(recurrence) = recurrence {
        let series = NewSeries {
            first: new,
            recurrence,
            skip,
        };
        return match book_series(&web, &viewer, series).await {
            Ok(r) => r,
            Err((problem, status, refused)) => again(problem, status, refused).await,
        };
    }
    match web.rota.create_booking(&viewer.who.actor, new, None).await {
        Ok(Created::New(v)) => {
            Redirect::to(&format!("/console/bookings/{}?done=booked", v.booking.id)).into_response()
        }
        Ok(Created::Replayed(_)) => Redirect::to("/console").into_response(),
        Err(e) => {
            let (problem, status) = sentence(&e);
            again(problem, status, vec![]).await
        }
    }
}
