//! A customer books for themselves (U4, B10): a service, then a provider or
//! anyone, then a day and one of the times availability offers, then a
//! summary to confirm — the service's price and length, never typed. A time
//! taken meanwhile is explained, with the choices kept.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::availability::AvailabilityQuery;
use rota_app::bookings::{Created, NewBooking};
use rota_app::domain::business::Currency;
use rota_app::domain::id::{AccountId, ServiceId};
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::jiff::civil::Date;
use rota_app::domain::service::Service;
use rota_app::{Classify, ErrorKind};
use serde::Deserialize;

use super::{notice_words, sentence, unavailable, when};
use crate::Web;
use crate::form::{Posted, form_token, render, with_cookie};
pub(super) use crate::shown::{Offered, Slot, WeekDay};
use crate::viewer::{Viewer, ViewerLine};

/// What has been chosen so far, as typed (to keep it).
#[derive(Deserialize, Default, Clone)]
pub(super) struct Chosen {
    #[serde(default)]
    service: String,
    #[serde(default)]
    provider: String,
    #[serde(default)]
    day: String,
    /// `<provider id>|<start, RFC 3339>`: the time chosen, to confirm.
    #[serde(default)]
    slot: String,
}

/// What a chosen time would book, to confirm.
struct Summary {
    service: String,
    when: String,
    with: String,
    /// "1 hour · £90.00": the service's, never typed (B10).
    length: String,
}

#[derive(Template)]
#[template(path = "portal_book.html")]
struct BookPage {
    services: Vec<(String, String)>,
    providers: Vec<(String, String)>,
    chosen: Chosen,
    /// Where the picker's forms go.
    action: &'static str,
    day_label: String,
    earlier: Option<String>,
    later: String,
    zone: String,
    slots: Vec<Slot>,
    /// The week from the day shown, each day's free times counted.
    week: Vec<WeekDay>,
    summary: Option<Summary>,
    notice: String,
    problem: Option<String>,
    viewer: ViewerLine,
    csrf: String,
}

/// A service as a customer reads it: "1 hour · £90.00".
fn about(service: &Service, currency: Currency) -> String {
    let length = crate::shown::length(u32::from(service.duration));
    format!("{length} · {}", service.price.display(&currency))
}

/// The free times of `service` in the week from `day` (that day's listed,
/// the week's counted), each with who offers it, and the providers who
/// offer the service at all (for the "who" choice).
pub(super) async fn free_times(
    web: &Web,
    viewer: &Viewer,
    service: ServiceId,
    day: Date,
    provider: Option<AccountId>,
) -> Result<Offered, Response> {
    let zone = &viewer.business.time_zone;
    let Some(range) = crate::shown::week_range(day, zone) else {
        return Ok(crate::shown::offered(&[], provider, zone, day));
    };
    let query = AvailabilityQuery {
        service,
        range,
        provider: None,
        step: None,
    };
    let found = match web.rota.availability(&viewer.who.actor, query).await {
        Ok(found) => found,
        Err(e) if e.kind() == ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(unavailable(&e)),
    };
    Ok(crate::shown::offered(&found, provider, zone, day))
}

async fn picker(
    web: &Web,
    viewer: &Viewer,
    mut chosen: Chosen,
    csrf: String,
    problem: Option<String>,
) -> Result<BookPage, Response> {
    let zone = viewer.business.time_zone.clone();
    let services = match web.rota.list_services(&viewer.who.actor).await {
        Ok(services) => services,
        Err(e) => return Err(unavailable(&e)),
    };
    let service = crate::shown::picked_service(&services, &chosen.service);
    if let Some(s) = service {
        chosen.service = s.id.to_string();
    }
    let (day, today) = crate::shown::picked_day(&chosen.day, &zone);
    chosen.day = day.to_string();
    let provider: Option<AccountId> = chosen.provider.parse().ok();
    let offered = match service {
        Some(s) => free_times(web, viewer, s.id, day, provider).await?,
        None => crate::shown::offered(&[], provider, &zone, day),
    };
    let providers = offered.providers;
    let summary = service.and_then(|s| {
        let (who, start) = chosen.slot.split_once('|')?;
        let start: Timestamp = start.parse().ok()?;
        let with = providers.iter().find(|(id, _)| id == who)?.1.clone();
        Some(Summary {
            service: s.name.to_string(),
            when: when(start, &zone),
            with,
            length: about(s, viewer.business.currency),
        })
    });
    let step = |d: Option<Date>| {
        d.map(|d| {
            format!(
                "/portal/book?service={}&provider={}&day={d}",
                chosen.service, chosen.provider
            )
        })
    };
    Ok(BookPage {
        services: services
            .iter()
            .map(|s| {
                (
                    s.id.to_string(),
                    format!("{} ({})", s.name, about(s, viewer.business.currency)),
                )
            })
            .collect(),
        action: "/portal/book",
        earlier: step(day.yesterday().ok().filter(|d| *d >= today)),
        later: step(day.tomorrow().ok()).unwrap_or_default(),
        providers,
        day_label: day.strftime("%A %-d %B %Y").to_string(),
        zone: zone.to_string(),
        chosen,
        slots: offered.slots,
        week: offered.week,
        summary,
        notice: notice_words(viewer.business.settings.cancellation_notice_minutes),
        problem,
        viewer: viewer.line(),
        csrf,
    })
}

pub(super) async fn page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(chosen): Query<Chosen>,
    viewer: Viewer,
) -> Response {
    if !viewer.is_customer() {
        return Redirect::to("/console/bookings/new").into_response();
    }
    if !viewer.business.settings.online_booking {
        return Redirect::to("/portal").into_response();
    }
    let (csrf, set) = form_token(&web, &headers);
    match picker(&web, &viewer, chosen, csrf, None).await {
        Ok(page) => with_cookie(render(StatusCode::OK, &page), set),
        Err(r) => r,
    }
}

pub(super) async fn book(
    State(web): State<Web>,
    viewer: Viewer,
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
    let again = |problem: String, status: StatusCode| {
        let (web, viewer, csrf) = (&web, &viewer, posted.csrf.clone());
        let mut chosen = chosen.clone();
        chosen.slot.clear();
        async move {
            match picker(web, viewer, chosen, csrf, Some(problem)).await {
                Ok(page) => render(status, &page),
                Err(r) => r,
            }
        }
    };
    let Some((service, provider, starts_at)) = parsed else {
        return again(
            "Choose a service and one of the free times.".to_owned(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    // "Anyone" stays anyone: the first provider free then is assigned.
    let providers = if chosen.provider.is_empty() {
        Vec::new()
    } else {
        vec![provider]
    };
    let new = NewBooking {
        customer: viewer.who.actor.id,
        service: Some(service),
        starts_at,
        ends_at: None,
        providers,
        price: None,
        notes: None,
        allow_outside_work_hours: false,
    };
    match web.rota.create_booking(&viewer.who.actor, new, None).await {
        Ok(Created::New(v)) => {
            Redirect::to(&format!("/portal/bookings/{}?done=booked", v.booking.id)).into_response()
        }
        Ok(Created::Replayed(_)) => Redirect::to("/portal").into_response(),
        Err(e) => {
            let (problem, status) =
                sentence(&e, viewer.business.settings.cancellation_notice_minutes);
            again(problem, status).await
        }
    }
}
