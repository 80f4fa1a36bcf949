//! Reports (R6): what a range of days amounted to — bookings by status,
//! amounts, new customers, and each provider's booked against available
//! hours. Days are the business's; the range is from the first day's start
//! to the end of the last day.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::domain::jiff::civil::Date;
use rota_app::domain::jiff::{SignedDuration, Span, Zoned};
use rota_app::domain::money::Money;
use rota_app::domain::time::TimeRange;
use rota_app::reports::{MAX_RANGE, ReportError, Summary, SummaryQuery};
use rota_app::{Classify, ErrorKind};
use serde::Deserialize;

use crate::Web;
use crate::form::{form_token, render, with_cookie};
use crate::viewer::{Viewer, ViewerLine};

/// One provider's row.
struct Use {
    name: String,
    booked: String,
    available: String,
    share: String,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    from: String,
    to: String,
    zone: String,
    problem: Option<String>,
    facts: Vec<(&'static str, String)>,
    uses: Vec<Use>,
    viewer: ViewerLine,
    csrf: String,
}

#[derive(Deserialize, Default)]
pub(super) struct ReportQuery {
    from: Option<String>,
    to: Option<String>,
}

fn hours(d: SignedDuration) -> String {
    let minutes = d.as_mins();
    format!("{} h {:02} min", minutes / 60, minutes % 60)
}

/// The summary as the page's facts and rows.
fn shown(s: &Summary) -> (Vec<(&'static str, String)>, Vec<Use>) {
    let money = |minor: i64| {
        Money::new(minor.max(0))
            .unwrap_or(Money::ZERO)
            .display(&s.currency)
    };
    let b = s.bookings;
    let facts = vec![
        ("Scheduled", b.scheduled.to_string()),
        ("In progress", b.in_progress.to_string()),
        ("Completed", b.completed.to_string()),
        ("Cancelled", b.cancelled.to_string()),
        ("No-shows", b.no_show.to_string()),
        ("Booked", money(s.booked_minor)),
        ("Paid", money(s.paid_minor)),
        ("Tips", money(s.tips_minor)),
        ("New customers", s.new_customers.to_string()),
    ];
    let uses = s
        .providers
        .iter()
        .map(|p| Use {
            name: p.name.clone(),
            booked: hours(p.booked),
            available: hours(p.available),
            share: if p.available.is_zero() {
                "—".into()
            } else {
                format!(
                    "{:.0} %",
                    100.0 * p.booked.as_secs_f64() / p.available.as_secs_f64()
                )
            },
        })
        .collect();
    (facts, uses)
}

/// The days asked for, as a range in the business's zone; this month by
/// default. A sentence when they make no range.
fn range_of(q: &ReportQuery, today: &Zoned) -> (String, String, Result<TimeRange, String>) {
    let first_of_month = today.date().first_of_month();
    let from = q.from.clone().unwrap_or_else(|| first_of_month.to_string());
    let to =
        q.to.clone()
            .unwrap_or_else(|| first_of_month.last_of_month().to_string());
    let zone = today.time_zone().clone();
    let start = |d: Date| d.to_zoned(zone.clone()).map(|z| z.timestamp());
    let parsed = match (from.trim().parse::<Date>(), to.trim().parse::<Date>()) {
        (Err(_), _) => Err("Enter the first day like 2026-03-01.".to_owned()),
        (_, Err(_)) => Err("Enter the last day like 2026-03-31.".to_owned()),
        (Ok(first), Ok(last)) if last < first => {
            Err("The last day is before the first.".to_owned())
        }
        (Ok(first), Ok(last)) => {
            match (
                start(first),
                last.checked_add(Span::new().days(1)).map(start),
            ) {
                (Ok(begins), Ok(Ok(ends))) => {
                    TimeRange::new(begins, ends).map_err(|e| e.to_string())
                }
                _ => Err("Those days are out of range.".to_owned()),
            }
        }
    };
    let parsed = parsed.and_then(|r| {
        if r.duration() > MAX_RANGE {
            Err("Report on at most 366 days at a time.".to_owned())
        } else {
            Ok(r)
        }
    });
    (from, to, parsed)
}

pub(super) async fn page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
    viewer: Viewer,
) -> Response {
    let (csrf, set) = form_token(&web, &headers);
    let zone = viewer.business.time_zone.clone();
    let today = Zoned::now().with_time_zone(zone.tz().clone());
    let (from, to, range) = range_of(&q, &today);
    let mut page = ReportsPage {
        from,
        to,
        zone: zone.to_string(),
        problem: None,
        facts: Vec::new(),
        uses: Vec::new(),
        viewer: viewer.line(),
        csrf,
    };
    let status = match range {
        Err(problem) => {
            page.problem = Some(problem);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Ok(range) => {
            let asked = SummaryQuery {
                range,
                provider: None,
            };
            match web.rota.report_summary(&viewer.who.actor, asked).await {
                Ok(summary) => {
                    (page.facts, page.uses) = shown(&summary);
                    StatusCode::OK
                }
                Err(e) if e.kind() == ErrorKind::Forbidden => {
                    return Redirect::to("/console").into_response();
                }
                Err(ReportError::RangeTooLong) => {
                    page.problem = Some("Report on at most 366 days at a time.".into());
                    StatusCode::UNPROCESSABLE_ENTITY
                }
                Err(e) => {
                    tracing::error!(error = %e, "a report could not be made");
                    return (
                        StatusCode::SERVICE_UNAVAILABLE,
                        "The report could not be made just now. Please reload the page in a moment.",
                    )
                        .into_response();
                }
            }
        }
    };
    with_cookie(render(status, &page), set)
}
