//! Rota's [`CalendarSync`] adapter over CalDAV (RFC 4791): Google (through
//! its CalDAV API), iCloud, Fastmail, Nextcloud, Radicale.
//!
//! A booking is one resource in the provider's calendar collection, named
//! after its UID (`booking-{id}@rota` → `booking-{id}.ics`), so writing it
//! again replaces it: a retried or repeated write never makes a second
//! event. Busy times come from a `calendar-query` REPORT with the server
//! expanding repeating events, leaving out Rota's own events, cancelled
//! ones and those marked free (`TRANSP:TRANSPARENT`).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use icalendar::{Calendar, CalendarDateTime, Component, DatePerhapsTime, Event, EventStatus};
use rota_app::domain::jiff::civil::{self, DateTime};
use rota_app::domain::jiff::tz::TimeZone;
use rota_app::domain::jiff::{Span, Timestamp};
use rota_app::domain::time::{TimeRange, local_to_instant};
use rota_app::ports::{CalendarLink, CalendarSync, SyncError, SyncedEvent};
use secrecy::ExposeSecret;

mod xml;

/// How long one request may take before it counts as unreachable.
const TIMEOUT: Duration = Duration::from_secs(15);

/// The CalDAV client.
#[derive(Clone)]
pub struct CalDav {
    http: reqwest::Client,
}

impl CalDav {
    /// A client trusting the web's public certificate authorities.
    ///
    /// # Errors
    /// If TLS cannot be set up.
    pub fn new() -> Result<Self, SyncError> {
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| SyncError::Unreachable(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .timeout(TIMEOUT)
            .user_agent("Rota CalDAV")
            .build()
            .map_err(|e| SyncError::Unreachable(e.to_string()))?;
        Ok(Self { http })
    }

    fn request(&self, method: &str, url: &str, link: &CalendarLink) -> reqwest::RequestBuilder {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
        self.http
            .request(method, url)
            .basic_auth(&link.username, Some(link.password.expose_secret()))
    }
}

/// The collection's URL with a trailing slash.
fn collection(link: &CalendarLink) -> String {
    if link.url.ends_with('/') {
        link.url.clone()
    } else {
        format!("{}/", link.url)
    }
}

/// The resource of the event with `uid`: its UID with what a path may not
/// hold replaced, and `@rota` dropped.
fn resource(link: &CalendarLink, uid: &str) -> String {
    let name: String = uid
        .trim_end_matches("@rota")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{}{name}.ics", collection(link))
}

/// What a status other than success means.
fn refusal(status: reqwest::StatusCode, what: &str) -> SyncError {
    let said = format!("{what}: HTTP {}", status.as_u16());
    if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        SyncError::Unreachable(said)
    } else {
        SyncError::Refused(said)
    }
}

fn unreachable(e: reqwest::Error) -> SyncError {
    // Without the URL: it may carry a token in its query.
    SyncError::Unreachable(e.without_url().to_string())
}

/// `20300404T170000Z`.
fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// The event as iCalendar text.
fn ics(event: &SyncedEvent) -> String {
    let mut e = Event::new();
    e.uid(&event.uid)
        .summary(&event.summary)
        .sequence(event.sequence)
        .status(EventStatus::Confirmed)
        .add_property("DTSTAMP", utc(event.stamp))
        .add_property("DTSTART", utc(event.range.start()))
        .add_property("DTEND", utc(event.range.end()));
    let mut calendar = Calendar::empty();
    calendar
        .append_property(("VERSION", "2.0"))
        .append_property(("PRODID", "-//Rota//Rota//EN"))
        .push(e.done());
    calendar.to_string()
}

#[async_trait]
impl CalendarSync for CalDav {
    async fn put(&self, link: &CalendarLink, event: &SyncedEvent) -> Result<(), SyncError> {
        let answer = self
            .request("PUT", &resource(link, &event.uid), link)
            .header("Content-Type", "text/calendar; charset=utf-8")
            .body(ics(event))
            .send()
            .await
            .map_err(unreachable)?;
        let status = answer.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(refusal(status, "writing the event"))
        }
    }

    async fn remove(&self, link: &CalendarLink, uid: &str) -> Result<(), SyncError> {
        let answer = self
            .request("DELETE", &resource(link, uid), link)
            .send()
            .await
            .map_err(unreachable)?;
        let status = answer.status();
        if status.is_success() || status == reqwest::StatusCode::NOT_FOUND {
            Ok(())
        } else {
            Err(refusal(status, "removing the event"))
        }
    }

    async fn busy(
        &self,
        link: &CalendarLink,
        range: TimeRange,
        zone: &TimeZone,
    ) -> Result<Vec<TimeRange>, SyncError> {
        let (from, to) = (utc(range.start()), utc(range.end()));
        let body = format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><C:calendar-data><C:expand start="{from}" end="{to}"/></C:calendar-data></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:time-range start="{from}" end="{to}"/>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>"#
        );
        let answer = self
            .request("REPORT", &collection(link), link)
            .header("Depth", "1")
            .header("Content-Type", "application/xml; charset=utf-8")
            .body(body)
            .send()
            .await
            .map_err(unreachable)?;
        let status = answer.status();
        if !status.is_success() {
            return Err(refusal(status, "reading busy times"));
        }
        let text = answer.text().await.map_err(unreachable)?;
        let mut busy = Vec::new();
        for data in xml::calendar_data(&text)? {
            busy.extend(taken(&data, zone)?);
        }
        busy.retain(|t| t.overlaps(&range));
        busy.sort_by_key(TimeRange::start);
        Ok(busy)
    }
}

/// The times the events in one resource's `calendar-data` take.
fn taken(data: &str, zone: &TimeZone) -> Result<Vec<TimeRange>, SyncError> {
    let calendar: Calendar = data.parse().map_err(SyncError::Garbled)?;
    let mut found = Vec::new();
    for event in calendar.components.iter().filter_map(|c| c.as_event()) {
        if event.get_uid().is_some_and(|u| u.ends_with("@rota"))
            || event.property_value("TRANSP") == Some("TRANSPARENT")
            || event.property_value("STATUS") == Some("CANCELLED")
        {
            continue;
        }
        let Some(start) = event.get_start() else {
            continue;
        };
        let all_day = matches!(start, DatePerhapsTime::Date(_));
        let Some(from) = instant(&start, zone) else {
            continue;
        };
        let until = match (event.get_end(), event.property_value("DURATION")) {
            (Some(end), _) => instant(&end, zone),
            (None, Some(d)) => d
                .parse::<Span>()
                .ok()
                .and_then(|s| from.to_zoned(zone.clone()).checked_add(s).ok())
                .map(|z| z.timestamp()),
            (None, None) if all_day => from
                .to_zoned(zone.clone())
                .checked_add(Span::new().days(1))
                .ok()
                .map(|z| z.timestamp()),
            (None, None) => None,
        };
        if let Some(range) = until.and_then(|u| TimeRange::new(from, u).ok()) {
            found.push(range);
        }
    }
    Ok(found)
}

/// A `DTSTART`/`DTEND` as an instant: UTC as it is, a zone's local time in
/// that zone, a floating time or a date in the provider's `zone`.
fn instant(value: &DatePerhapsTime, zone: &TimeZone) -> Option<Timestamp> {
    match value {
        DatePerhapsTime::Date(d) => local_to_instant(
            zone,
            DateTime::from_parts(date(*d)?, civil::Time::midnight()),
        ),
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(t)) => {
            Timestamp::from_second(t.timestamp()).ok()
        }
        DatePerhapsTime::DateTime(CalendarDateTime::Floating(t)) => {
            local_to_instant(zone, local(t)?)
        }
        DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid }) => {
            let tz = TimeZone::get(tzid).unwrap_or_else(|_| zone.clone());
            local_to_instant(&tz, local(date_time)?)
        }
    }
}

fn date(d: NaiveDate) -> Option<civil::Date> {
    civil::Date::new(
        i16::try_from(d.year()).ok()?,
        i8::try_from(d.month()).ok()?,
        i8::try_from(d.day()).ok()?,
    )
    .ok()
}

fn local(t: &NaiveDateTime) -> Option<DateTime> {
    let time = civil::Time::new(
        i8::try_from(t.hour()).ok()?,
        i8::try_from(t.minute()).ok()?,
        i8::try_from(t.second()).ok()?,
        0,
    )
    .ok()?;
    Some(DateTime::from_parts(date(t.date())?, time))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn london() -> TimeZone {
        TimeZone::get("Europe/London").unwrap()
    }

    #[test]
    fn a_calendars_own_events_are_busy_and_rotas_free_ones_and_cancelled_ones_are_not() {
        let data = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n\
            BEGIN:VEVENT\r\nUID:dentist@example\r\nDTSTAMP:20300101T000000Z\r\n\
            DTSTART;TZID=Europe/London:20300404T090000\r\nDTEND;TZID=Europe/London:20300404T100000\r\nEND:VEVENT\r\n\
            BEGIN:VEVENT\r\nUID:booking-1@rota\r\nDTSTAMP:20300101T000000Z\r\n\
            DTSTART:20300404T120000Z\r\nDTEND:20300404T130000Z\r\nEND:VEVENT\r\n\
            BEGIN:VEVENT\r\nUID:lunch@example\r\nDTSTAMP:20300101T000000Z\r\nTRANSP:TRANSPARENT\r\n\
            DTSTART:20300404T120000Z\r\nDTEND:20300404T130000Z\r\nEND:VEVENT\r\n\
            BEGIN:VEVENT\r\nUID:holiday@example\r\nDTSTAMP:20300101T000000Z\r\n\
            DTSTART;VALUE=DATE:20300405\r\nEND:VEVENT\r\n\
            BEGIN:VEVENT\r\nUID:call@example\r\nDTSTAMP:20300101T000000Z\r\n\
            DTSTART:20300406T150000Z\r\nDURATION:PT30M\r\nEND:VEVENT\r\n\
            END:VCALENDAR\r\n";
        let found = taken(data, &london()).unwrap();
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        let r = |a, b| TimeRange::new(at(a), at(b)).unwrap();
        assert_eq!(
            found,
            vec![
                // 09:00–10:00 BST.
                r("2030-04-04T08:00:00Z", "2030-04-04T09:00:00Z"),
                // The whole 5th in London.
                r("2030-04-04T23:00:00Z", "2030-04-05T23:00:00Z"),
                r("2030-04-06T15:00:00Z", "2030-04-06T15:30:00Z"),
            ]
        );
    }

    #[test]
    fn a_client_needs_no_process_wide_tls_provider() {
        assert!(rustls::crypto::CryptoProvider::get_default().is_none());
        assert!(CalDav::new().is_ok());
    }

    #[test]
    fn an_event_is_written_under_its_uid_and_the_credentials_never_show() {
        let link = CalendarLink {
            url: "https://dav.example/cal/pat".into(),
            username: "pat".into(),
            password: "app-password".to_owned().into(),
        };
        assert_eq!(
            resource(&link, "booking-01a2-b3@rota"),
            "https://dav.example/cal/pat/booking-01a2-b3.ics"
        );
        assert!(!format!("{link:?}").contains("app-password"));
        let text = ics(&SyncedEvent {
            uid: "booking-1@rota".into(),
            summary: "Deep clean — Bea Brown".into(),
            range: TimeRange::new(
                "2030-04-04T17:30:00Z".parse().unwrap(),
                "2030-04-04T19:30:00Z".parse().unwrap(),
            )
            .unwrap(),
            sequence: 2,
            stamp: "2030-01-01T00:00:00Z".parse().unwrap(),
        });
        for line in [
            "UID:booking-1@rota",
            "DTSTART:20300404T173000Z",
            "DTEND:20300404T193000Z",
            "SEQUENCE:2",
        ] {
            assert!(text.contains(line), "{line} in {text}");
        }
    }
}
