//! The public booking page (U5) at `/b/{slug}`, while the business takes
//! bookings online: its services with price and length, free times by day
//! for a provider or anyone, then a name and an email. The booking is made
//! at once; the page then says to check one's email, whatever the email was
//! (it never tells whether an address is known). Off, or no such business:
//! 404. Throttled per client address and per email (the use case counts).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use rota_app::availability::AvailabilityQuery;
use rota_app::domain::id::{AccountId, ServiceId};
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::jiff::civil::Date;
use rota_app::public_booking::{PublicBooking, PublicBookingError, PublicPage};
use rota_app::{Classify, ErrorKind};
use serde::Deserialize;

use crate::Web;
use crate::form::{Posted, form_token, render, with_cookie};
use crate::shown::{Slot, WeekDay};

pub(crate) fn routes() -> Router<Web> {
    Router::new().route("/b/{slug}", get(page).post(book))
}

/// What the visitor has chosen and typed so far (kept on a refusal).
#[derive(Deserialize, Default, Clone)]
struct Chosen {
    #[serde(default)]
    service: String,
    #[serde(default)]
    provider: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    slot: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    done: String,
}

#[derive(Template)]
#[template(path = "public_book.html")]
struct PublicBookPage {
    slug: String,
    /// Where the picker's forms go.
    action: String,
    business: String,
    zone: String,
    services: Vec<(String, String)>,
    providers: Vec<(String, String)>,
    chosen: Chosen,
    day_label: String,
    earlier: Option<String>,
    later: String,
    slots: Vec<Slot>,
    /// The week from the day shown, each day's free times counted.
    week: Vec<WeekDay>,
    /// The chosen time in words, once one is chosen.
    chosen_when: Option<String>,
    booked: bool,
    problem: Option<String>,
    /// Which field the problem is about (`first_name`, `email`…).
    problem_field: &'static str,
    csrf: String,
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        "There is no booking page here. The business may not take bookings online.",
    )
        .into_response()
}

/// A service as a visitor reads it: "Deep clean — 2 hours, £90.00".
fn label(s: &rota_app::domain::service::Service, page: &PublicPage) -> String {
    let length = crate::shown::length(u32::from(s.duration));
    format!(
        "{} — {length}, {}",
        s.name,
        s.price.display(&page.business.currency)
    )
}

async fn build(
    web: &Web,
    slug: &str,
    mut chosen: Chosen,
    csrf: String,
    problem: Option<(String, &'static str)>,
) -> Result<PublicBookPage, Response> {
    let page = match web.rota.public_page(slug).await {
        Ok(page) => page,
        Err(e) if e.kind() == ErrorKind::NotFound => return Err(not_found()),
        Err(e) => {
            tracing::error!(error = %e, "the public booking page could not be read");
            return Err((
                StatusCode::SERVICE_UNAVAILABLE,
                "This page could not be read just now. Please reload it in a moment.",
            )
                .into_response());
        }
    };
    let zone = page.business.time_zone.clone();
    let service = crate::shown::picked_service(&page.services, &chosen.service);
    if let Some(s) = service {
        chosen.service = s.id.to_string();
    }
    let (day, today) = crate::shown::picked_day(&chosen.day, &zone);
    chosen.day = day.to_string();
    let provider: Option<AccountId> = chosen.provider.parse().ok();
    // One question for the week from the day shown: its free times counted
    // by day, the day's listed.
    let found = match (service, crate::shown::week_range(day, &zone)) {
        (Some(s), Some(range)) => {
            let query = AvailabilityQuery {
                service: s.id,
                range,
                provider: None,
                step: None,
            };
            match web.rota.public_availability(slug, query).await {
                Ok(found) => found,
                Err(e) => {
                    if e.kind() == ErrorKind::Unexpected {
                        tracing::error!(error = %e, "free times could not be read");
                    }
                    Vec::new()
                }
            }
        }
        _ => Vec::new(),
    };
    let offered = crate::shown::offered(&found, provider, &zone, day);
    let chosen_when = chosen
        .slot
        .split_once('|')
        .and_then(|(_, start)| start.parse::<Timestamp>().ok())
        .map(|t| {
            t.to_zoned(zone.tz().clone())
                .strftime("%A %-d %B %Y, %H:%M")
                .to_string()
        });
    let step = |d: Date| {
        format!(
            "/b/{slug}?service={}&provider={}&day={d}",
            chosen.service, chosen.provider
        )
    };
    let (problem, problem_field) = problem.map_or((None, ""), |(p, f)| (Some(p), f));
    Ok(PublicBookPage {
        slug: slug.to_owned(),
        action: format!("/b/{slug}"),
        business: page.business.name.to_string(),
        zone: zone.to_string(),
        services: page
            .services
            .iter()
            .map(|s| (s.id.to_string(), label(s, &page)))
            .collect(),
        providers: offered.providers,
        earlier: day.yesterday().ok().filter(|d| *d >= today).map(step),
        later: day.tomorrow().map(step).unwrap_or_default(),
        day_label: day.strftime("%A %-d %B %Y").to_string(),
        booked: chosen.done == "booked",
        chosen,
        slots: offered.slots,
        week: offered.week,
        chosen_when,
        problem,
        problem_field,
        csrf,
    })
}

async fn page(
    State(web): State<Web>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Query(chosen): Query<Chosen>,
) -> Response {
    let (csrf, set) = form_token(&web, &headers);
    match build(&web, &slug, chosen, csrf, None).await {
        Ok(page) => with_cookie(render(StatusCode::OK, &page), set),
        Err(r) => r,
    }
}

/// A refusal as a sentence, the field it is about, and the page's status.
fn sentence(e: &PublicBookingError) -> (String, &'static str, StatusCode) {
    match e {
        PublicBookingError::Invalid { field, .. } => {
            let text = match *field {
                "first_name" => "Enter your first name.",
                "last_name" => "Enter your last name.",
                "email" => "Enter an email address like name@example.com.",
                _ => "Check what you entered.",
            };
            (text.to_owned(), field, StatusCode::UNPROCESSABLE_ENTITY)
        }
        PublicBookingError::Throttled => (
            "Too many bookings have come from here in the last hour. Please try again later, \
             or contact the business."
                .to_owned(),
            "",
            StatusCode::TOO_MANY_REQUESTS,
        ),
        PublicBookingError::Booking(_) => (
            "That time is no longer free. Please choose another.".to_owned(),
            "",
            StatusCode::CONFLICT,
        ),
        PublicBookingError::NotFound => (
            "This business does not take bookings online just now.".to_owned(),
            "",
            StatusCode::NOT_FOUND,
        ),
        PublicBookingError::Unexpected(e) => {
            tracing::error!(error = %e, "a public booking failed");
            (
                "Something went wrong on our side. Please try again in a moment.".to_owned(),
                "",
                StatusCode::SERVICE_UNAVAILABLE,
            )
        }
    }
}

async fn book(
    State(web): State<Web>,
    Path(slug): Path<String>,
    posted: Posted<Chosen>,
) -> Response {
    let chosen = posted.form.clone();
    let parsed = (|| {
        let service: ServiceId = chosen.service.parse().ok()?;
        let (provider, start) = chosen.slot.split_once('|')?;
        Some((
            service,
            provider.parse::<AccountId>().ok()?,
            start.parse::<Timestamp>().ok()?,
        ))
    })();
    let result = match parsed {
        Some((service, provider, starts_at)) => web
            .rota
            .book_publicly(PublicBooking {
                business: slug.clone(),
                service,
                // "Anyone" stays anyone: whoever is free then is assigned.
                provider: (!chosen.provider.is_empty()).then_some(provider),
                starts_at,
                first_name: chosen.first_name.clone(),
                last_name: chosen.last_name.clone(),
                email: chosen.email.clone(),
                client: posted.client.clone(),
            })
            .await
            .map_err(|e| sentence(&e)),
        None => Err((
            "Choose a service and one of the free times.".to_owned(),
            "",
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/b/{slug}?done=booked")).into_response(),
        Err((problem, field, status)) => {
            let mut again = chosen;
            if status == StatusCode::CONFLICT {
                again.slot.clear();
            }
            match build(
                &web,
                &slug,
                again,
                posted.csrf.clone(),
                Some((problem, field)),
            )
            .await
            {
                Ok(page) => render(status, &page),
                Err(r) => r,
            }
        }
    }
}
