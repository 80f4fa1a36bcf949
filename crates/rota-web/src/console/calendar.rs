//! The bookings calendar (U2): a week with a row per provider, a day with
//! the team side by side, and a list filtered by provider, customer and
//! status, paged. Times are the business's (W1); every booking links to its
//! page, where it is moved, reassigned, paid or has its status changed.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::bookings::{BookingFilter, BookingView};
use rota_app::domain::account::AccountStatus;
use rota_app::domain::booking::BookingStatus;
use rota_app::domain::business::Zone;
use rota_app::domain::id::AccountId;
use rota_app::domain::jiff::civil::Date;
use rota_app::domain::jiff::{Timestamp, ToSpan};
use rota_app::page::Limit;
use serde::Deserialize;

use crate::Web;
use crate::form::{form_token, render, with_cookie};
use crate::viewer::{Viewer, ViewerLine, url_encode};

/// What the calendar shows: `view` is `week` (the default), `day` or
/// `list`; the rest narrows it. Everything as typed, so a bad value shows
/// the default rather than an error page.
#[derive(Deserialize, Default, Clone)]
pub(super) struct CalendarQuery {
    #[serde(default)]
    view: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    provider: String,
    #[serde(default)]
    customer: String,
    #[serde(default)]
    status: String,
    cursor: Option<String>,
}

/// One booking in a cell or a row.
struct Item {
    href: String,
    time: String,
    customer: String,
    providers: String,
    status: &'static str,
    /// Cancelled or a no-show: shown struck through.
    faded: bool,
}

/// A provider's row (or the unassigned bookings'): one cell per day.
struct Lane {
    name: String,
    cells: Vec<Vec<Item>>,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    view: &'static str,
    nav: Nav,
    zone: String,
    /// Column headings (`Mon 3`) of the week or the day.
    days: Vec<String>,
    lanes: Vec<Lane>,
    /// The list view's rows.
    items: Vec<Item>,
    more: Option<String>,
    day: String,
    providers: Vec<(String, String)>,
    statuses: Vec<(&'static str, &'static str)>,
    chosen_provider: String,
    chosen_status: String,
    customer: String,
    may_book: bool,
    viewer: ViewerLine,
    csrf: String,
}

/// The calendar's title and links: the views of the same day, the day
/// or week before and after, and today — each keeping the filters.
struct Nav {
    title: String,
    previous: String,
    next: String,
    today: String,
    week: String,
    day: String,
    list: String,
}

impl Nav {
    fn new(
        q: &CalendarQuery,
        view: &str,
        day: Date,
        today: Date,
        (first, last): (Date, Date),
    ) -> Self {
        let step = if view == "week" { 7 } else { 1 };
        let shift = |days: i64| day.checked_add(days.days()).unwrap_or(day).to_string();
        let link = |view: &str, day: &str| {
            format!(
                "/console/bookings?view={view}&day={day}&provider={}&status={}&customer={}",
                url_encode(&q.provider),
                url_encode(&q.status),
                url_encode(&q.customer)
            )
        };
        Self {
            title: match view {
                "week" => format!(
                    "Week of {} – {}",
                    first.strftime("%-d %B"),
                    last.strftime("%-d %B %Y")
                ),
                "day" => day.strftime("%A %-d %B %Y").to_string(),
                _ => format!("From {}", day.strftime("%A %-d %B %Y")),
            },
            previous: link(view, &shift(-step)),
            next: link(view, &shift(step)),
            today: link(view, &today.to_string()),
            week: link("week", &day.to_string()),
            day: link("day", &day.to_string()),
            list: link("list", &day.to_string()),
        }
    }
}

fn item(v: &BookingView, zone: &Zone, with_day: bool) -> Item {
    let start = v.booking.range.start().to_zoned(zone.tz().clone());
    let end = v.booking.range.end().to_zoned(zone.tz().clone());
    let format = if with_day {
        "%a %-d %b, %H:%M"
    } else {
        "%H:%M"
    };
    Item {
        href: format!("/console/bookings/{}", v.booking.id),
        time: format!("{}–{}", start.strftime(format), end.strftime("%H:%M")),
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
        faded: !v.booking.status.holds_time(),
    }
}

/// Every booking of `filter` (a week of a busy team is a few pages).
pub(super) async fn all_bookings(
    web: &Web,
    viewer: &Viewer,
    filter: BookingFilter,
) -> Result<Vec<BookingView>, Response> {
    let mut found = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = web
            .rota
            .list_bookings(
                &viewer.who.actor,
                filter,
                cursor.as_deref(),
                Limit::new(Some(Limit::MAX)).unwrap_or_default(),
            )
            .await
            .map_err(|e| unreadable(&e))?;
        found.extend(page.items);
        match page.next_cursor {
            Some(c) if found.len() < 5_000 => cursor = Some(c),
            _ => return Ok(found),
        }
    }
}

fn unreadable(e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "the calendar could not be read");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "The bookings could not be read just now. Please reload the page in a moment.",
    )
        .into_response()
}

/// The active providers, by id and name.
async fn providers(web: &Web, viewer: &Viewer) -> Result<Vec<(AccountId, String)>, Response> {
    match web.rota.list_employees(&viewer.who.actor).await {
        Ok(team) => Ok(team
            .into_iter()
            .filter(|a| a.status == AccountStatus::Active)
            .filter(|a| a.employee().is_some_and(|e| e.roles.is_provider()))
            .map(|a| (a.id, a.display_name()))
            .collect()),
        Err(e) => Err(unreadable(&e)),
    }
}

/// A page of the list view, and the link to the next.
async fn listed(
    web: &Web,
    viewer: &Viewer,
    filter: BookingFilter,
    q: &CalendarQuery,
    day: Date,
) -> Result<(Vec<BookingView>, Option<String>), Response> {
    let page = match web
        .rota
        .list_bookings(
            &viewer.who.actor,
            filter,
            q.cursor.as_deref(),
            Limit::default(),
        )
        .await
    {
        Ok(page) => page,
        Err(_) if q.cursor.is_some() => {
            return Err(Redirect::to("/console/bookings?view=list").into_response());
        }
        Err(e) => return Err(unreadable(&e)),
    };
    let more = page.next_cursor.map(|c| {
        format!(
            "/console/bookings?view=list&day={day}&provider={}&status={}&customer={}&cursor={}",
            url_encode(&q.provider),
            url_encode(&q.status),
            url_encode(&q.customer),
            url_encode(&c)
        )
    });
    Ok((page.items, more))
}

/// The bookings calendar: week, day or list.
pub(super) async fn page(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(q): Query<CalendarQuery>,
    viewer: Viewer,
) -> Response {
    if !viewer.may("list_all_bookings") {
        return Redirect::to("/console").into_response();
    }
    let zone = viewer.business.time_zone.clone();
    let today = Timestamp::now().to_zoned(zone.tz().clone()).date();
    let day: Date = q.day.parse().unwrap_or(today);
    let view = match q.view.as_str() {
        "day" => "day",
        "list" => "list",
        _ => "week",
    };
    let provider: Option<AccountId> = q.provider.parse().ok();
    let status = BookingStatus::ALL
        .into_iter()
        .find(|s| s.as_str() == q.status);
    let customer = q.customer.trim().to_lowercase();
    let team = match providers(&web, &viewer).await {
        Ok(team) => team,
        Err(r) => return r,
    };
    let (first, length) = match view {
        "week" => (
            day.checked_sub(i64::from(day.weekday().to_monday_zero_offset()).days())
                .unwrap_or(day),
            7,
        ),
        _ => (day, 1),
    };
    let last = first.checked_add((length - 1).days()).unwrap_or(first);
    let range = (
        crate::shown::day_range(first, &zone),
        crate::shown::day_range(last, &zone),
    );
    let mut filter = BookingFilter {
        provider,
        status,
        ..BookingFilter::default()
    };
    let mut more = None;
    let mut items = Vec::new();
    let mut lanes = Vec::new();
    let shown_for = |v: &&BookingView| {
        customer.is_empty() || v.customer_name.to_lowercase().contains(&customer)
    };
    if view == "list" {
        filter.from = range.0.map(|r| r.start());
        match listed(&web, &viewer, filter, &q, day).await {
            Ok((found, next)) => {
                items = found
                    .iter()
                    .filter(shown_for)
                    .map(|v| item(v, &zone, true))
                    .collect();
                more = next;
            }
            Err(r) => return r,
        }
    } else {
        filter.from = range.0.map(|r| r.start());
        filter.to = range.1.map(|r| r.end());
        let found = match all_bookings(&web, &viewer, filter).await {
            Ok(found) => found,
            Err(r) => return r,
        };
        let found: Vec<BookingView> = found.into_iter().filter(|v| shown_for(&v)).collect();
        lanes = grid(&found, &team, provider, first, length, &zone);
    }
    let nav = Nav::new(&q, view, day, today, (first, last));
    let (csrf, set) = form_token(&web, &headers);
    let page = CalendarPage {
        view,
        zone: zone.to_string(),
        days: (0..length)
            .filter_map(|d| first.checked_add(d.days()).ok())
            .map(|d| d.strftime("%a %-d").to_string())
            .collect(),
        lanes,
        items,
        nav,
        more,
        day: day.to_string(),
        providers: team
            .iter()
            .map(|(id, n)| (id.to_string(), n.clone()))
            .collect(),
        statuses: BookingStatus::ALL
            .into_iter()
            .map(|s| (s.as_str(), crate::shown::status(s)))
            .collect(),
        chosen_provider: q.provider.clone(),
        chosen_status: q.status.clone(),
        customer: q.customer.clone(),
        may_book: viewer.may("list_all_bookings"),
        viewer: viewer.line(),
        csrf,
    };
    with_cookie(render(StatusCode::OK, &page), set)
}

/// The rows of the week or the day: one per provider (the chosen one
/// only, if any), and one for unassigned bookings when there are some;
/// a cell per day from `first`.
fn grid(
    found: &[BookingView],
    team: &[(AccountId, String)],
    provider: Option<AccountId>,
    first: Date,
    length: i64,
    zone: &Zone,
) -> Vec<Lane> {
    let mut lanes = Vec::new();
    let column = |v: &BookingView| {
        let date = v.booking.range.start().to_zoned(zone.tz().clone()).date();
        usize::try_from((date - first).get_days()).ok()
    };
    let mut rows: Vec<(Option<AccountId>, String)> = team
        .iter()
        .filter(|(id, _)| provider.is_none_or(|p| p == *id))
        .map(|(id, name)| (Some(*id), name.clone()))
        .collect();
    if provider.is_none() {
        rows.push((None, "Nobody assigned".into()));
    }
    for (id, name) in rows {
        let mut cells: Vec<Vec<Item>> = (0..length).map(|_| Vec::new()).collect();
        for v in found {
            let here = match id {
                Some(id) => v.booking.providers.contains(&id),
                None => v.booking.providers.is_empty(),
            };
            if let (true, Some(c)) = (here, column(v))
                && let Some(cell) = cells.get_mut(c)
            {
                cell.push(item(v, zone, false));
            }
        }
        if id.is_some() || cells.iter().any(|c| !c.is_empty()) {
            lanes.push(Lane { name, cells });
        }
    }
    lanes
}
