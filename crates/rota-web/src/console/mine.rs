//! One's own bookings (U3): a provider's day or week, phone first — when,
//! who (as R8's privacy lets them see the customer), the status, and the
//! start and complete buttons R8 allows them; with the clock when
//! `time_tracking` opens it. An administrator who also serves sees the same
//! under "My bookings".

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use rota_app::bookings::{BookingFilter, BookingView};
use rota_app::domain::booking::BookingStatus;
use rota_app::domain::business::Zone;
use rota_app::domain::jiff::civil::Date;
use rota_app::domain::jiff::{Timestamp, ToSpan};
use rota_app::domain::time::TimeRange;
use rota_app::page::Limit;
use serde::Deserialize;

use super::time::{Clock, clock};
use crate::Web;
use crate::form::{form_token, render, with_cookie};
use crate::viewer::{Viewer, ViewerLine};

/// One booking of the viewer's, as a card.
struct Job {
    href: String,
    when: String,
    customer: String,
    customer_href: Option<String>,
    status: &'static str,
    /// The one step R8 lets a provider take next: start, then complete.
    next: Option<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "mine.html")]
struct MinePage {
    heading: &'static str,
    span: String,
    zone: String,
    jobs: Vec<Job>,
    /// Links to the span before and after, and to the other kind of span.
    earlier: String,
    later: String,
    other: (String, &'static str),
    clock: Option<Clock>,
    notice: Option<&'static str>,
    viewer: ViewerLine,
    csrf: String,
}

#[derive(Deserialize, Default)]
pub(super) struct MineQuery {
    day: Option<String>,
    week: Option<String>,
    done: Option<String>,
}

/// The Monday of `day`'s week.
fn monday(day: Date) -> Date {
    let back = i64::from(day.weekday().to_monday_zero_offset());
    day.checked_sub(back.days()).unwrap_or(day)
}

/// `[first, first + days)` in `zone`.
fn span(first: Date, days: i64, zone: &Zone) -> Option<TimeRange> {
    let end = first.checked_add(days.days()).ok()?;
    let start = crate::shown::day_range(first, zone)?.start();
    let end = crate::shown::day_range(end, zone)?.start();
    TimeRange::new(start, end).ok()
}

fn job(viewer: &Viewer, v: &BookingView, zone: &Zone, week: bool) -> Job {
    let b = &v.booking;
    let start = b.range.start().to_zoned(zone.tz().clone());
    let end = b.range.end().to_zoned(zone.tz().clone());
    let format = if week { "%a %-d %b, %H:%M" } else { "%H:%M" };
    let progress = viewer.may_on(b, "progress_booking");
    Job {
        href: format!("/console/bookings/{}", b.id),
        when: format!("{}–{}", start.strftime(format), end.strftime("%H:%M")),
        customer: v.customer_name.clone(),
        customer_href: viewer
            .may_on(b, "view_customer")
            .then(|| format!("/console/customers/{}", b.customer_id)),
        status: crate::shown::status(b.status),
        next: match b.status {
            BookingStatus::Scheduled if progress => Some(("in_progress", "Start")),
            BookingStatus::InProgress if progress => Some(("completed", "Complete")),
            _ => None,
        },
    }
}

pub(super) async fn page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(q): Query<MineQuery>,
    viewer: Viewer,
) -> Response {
    let zone = viewer.business.time_zone.clone();
    let today = Timestamp::now().to_zoned(zone.tz().clone()).date();
    let day = q
        .day
        .as_deref()
        .and_then(|d| d.parse::<Date>().ok())
        .unwrap_or(today);
    let week = q.week.as_deref() == Some("yes");
    let (first, days) = if week { (monday(day), 7) } else { (day, 1) };
    let Some(range) = span(first, days, &zone) else {
        return (StatusCode::NOT_FOUND, "That day is outside the calendar.").into_response();
    };
    let filter = BookingFilter {
        from: Some(range.start()),
        to: Some(range.end()),
        provider: Some(viewer.who.actor.id),
        ..BookingFilter::default()
    };
    let limit = Limit::new(Some(Limit::MAX)).unwrap_or_default();
    let views = match web
        .rota
        .list_bookings(&viewer.who.actor, filter, None, limit)
        .await
    {
        Ok(page) => page.items,
        Err(e) => {
            tracing::error!(error = %e, "one's own bookings could not be read");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "Your bookings could not be read just now. Please reload the page in a moment.",
            )
                .into_response();
        }
    };
    let step = |d: Date, n: i64| d.checked_add(n.days()).unwrap_or(d);
    let link = |d: Date, week: bool| {
        if week {
            format!("/console/mine?week=yes&day={d}")
        } else {
            format!("/console/mine?day={d}")
        }
    };
    let (csrf, set) = form_token(&web, &headers);
    let page = MinePage {
        heading: if week { "My week" } else { "My day" },
        span: if week {
            format!(
                "{} to {}",
                first.strftime("%a %-d %b"),
                step(first, 6).strftime("%a %-d %b %Y")
            )
        } else {
            day.strftime("%A %-d %B %Y").to_string()
        },
        zone: zone.to_string(),
        jobs: views.iter().map(|v| job(&viewer, v, &zone, week)).collect(),
        earlier: link(step(first, -days), week),
        later: link(step(first, days), week),
        other: if week {
            (link(day, false), "Show the day")
        } else {
            (link(day, true), "Show the week")
        },
        clock: clock(&web, &viewer).await,
        notice: match q.done.as_deref() {
            Some("status") => Some("The status is changed."),
            Some("clocked-in") => Some("You are clocked in."),
            Some("clocked-out") => Some("You are clocked out."),
            _ => None,
        },
        viewer: viewer.line(),
        csrf,
    };
    with_cookie(render(StatusCode::OK, &page), set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn u3_a_week_starts_on_its_monday() {
        let wed: Date = "2030-03-06".parse().unwrap();
        assert_eq!(monday(wed).to_string(), "2030-03-04");
        let mon: Date = "2030-03-04".parse().unwrap();
        assert_eq!(monday(mon), mon);
        let sun: Date = "2030-03-10".parse().unwrap();
        assert_eq!(monday(sun), mon);
    }
}
