//! The first page of the console: the team's day (U2).

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::bookings::{BookingFilter, BookingView};
use rota_app::domain::business::Zone;
use rota_app::domain::jiff::Timestamp;
use rota_app::page::Limit;
use rota_app::team_day::TeamDay;

use crate::Web;
use crate::form::{form_token, render, with_cookie};
use crate::viewer::{Viewer, ViewerLine};

/// One booking in a day's list.
struct Row {
    href: Option<String>,
    when: String,
    customer: String,
    providers: String,
    status: &'static str,
    /// Why it needs someone's attention (nobody assigned, outside work
    /// hours), if it does.
    attention: Option<&'static str>,
}

/// Who works today, in words.
struct Working {
    name: String,
    hours: String,
}

/// Each provider's working time, as `08:00–12:00, 13:00–18:00`.
fn working(day: &TeamDay, zone: &Zone) -> Vec<Working> {
    day.providers
        .iter()
        .map(|p| Working {
            name: p.name.clone(),
            hours: if p.working.is_empty() {
                "Not working".to_owned()
            } else {
                p.working
                    .iter()
                    .map(|r| {
                        format!(
                            "{}–{}",
                            r.start().to_zoned(zone.tz().clone()).strftime("%H:%M"),
                            r.end().to_zoned(zone.tz().clone()).strftime("%H:%M")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        })
        .collect()
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
    /// The team's day, for administrators.
    working: Option<Vec<Working>>,
    viewer: ViewerLine,
    csrf: String,
}

fn rows(
    views: &[BookingView],
    zone: &Zone,
    with_day: bool,
    day: Option<&TeamDay>,
    linked: bool,
) -> Vec<Row> {
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
            let outside = day.is_some_and(|d| d.outside_work_hours.contains(&v.booking.id));
            Row {
                href: linked.then(|| format!("/console/bookings/{}", v.booking.id)),
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
                status: crate::shown::status(v.booking.status),
                attention: if v.providers.is_empty() && v.booking.status.holds_time() {
                    Some("Nobody assigned")
                } else if outside {
                    Some("Outside work hours")
                } else {
                    None
                },
            }
        })
        .collect()
}

/// What a bookings page lists and how it names it.
struct Listing {
    heading: &'static str,
    day: String,
    empty: &'static str,
    filter: BookingFilter,
    with_day: bool,
    /// The team's day, for the console's "today".
    team: Option<TeamDay>,
}

/// Renders `listing` for `viewer`; a failed read is said, never shown as
/// an empty list.
async fn bookings_page(
    web: &Web,
    headers: &HeaderMap,
    viewer: &Viewer,
    listing: Listing,
) -> Response {
    let zone = viewer.business.time_zone.clone();
    let views = match web
        .rota
        .list_bookings(&viewer.who.actor, listing.filter, None, Limit::default())
        .await
    {
        Ok(page) => page.items,
        Err(e) => {
            tracing::error!(error = %e, "bookings could not be read for a page");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "The bookings could not be read just now. Please reload the page in a moment.",
            )
                .into_response();
        }
    };
    let (csrf, set) = form_token(web, headers);
    let page = BookingsPage {
        heading: listing.heading,
        day: listing.day,
        zone: zone.to_string(),
        empty: listing.empty,
        rows: rows(
            &views,
            &zone,
            listing.with_day,
            listing.team.as_ref(),
            !viewer.is_customer(),
        ),
        working: listing.team.as_ref().map(|d| working(d, &zone)),
        viewer: viewer.line(),
        csrf,
    };
    with_cookie(render(StatusCode::OK, &page), set)
}

/// The team's day (U2 "today", in the business's zone).
pub(super) async fn console(
    State(web): State<Web>,
    headers: HeaderMap,
    viewer: Viewer,
) -> Response {
    if viewer.is_customer() {
        return Redirect::to("/portal").into_response();
    }
    if !viewer.may("list_all_bookings") {
        // A service provider's console opens on their own day (U3).
        return Redirect::to("/console/mine").into_response();
    }
    let zone = &viewer.business.time_zone;
    let today = Timestamp::now().to_zoned(zone.tz().clone()).date();
    let range = crate::shown::day_range(today, zone);
    let listing = Listing {
        heading: "Today",
        day: today.strftime("%A %-d %B %Y").to_string(),
        empty: "No bookings today.",
        filter: BookingFilter {
            from: range.map(|r| r.start()),
            to: range.map(|r| r.end()),
            ..BookingFilter::default()
        },
        with_day: false,
        team: match range {
            Some(range) => web.rota.team_day(&viewer.who.actor, range).await.ok(),
            None => None,
        },
    };
    bookings_page(&web, &headers, &viewer, listing).await
}
