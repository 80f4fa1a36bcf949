//! The message templates (minijinja; HTML auto-escaped): one plain-text and
//! one HTML body per notice, times shown in the recipient's zone.

use std::sync::OnceLock;

use minijinja::{Environment, Value, context};
use rota_app::domain::business::Zone;
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::notice::{BookingChange, Notice};

/// A rendered email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body.
    pub html: String,
    /// A booking's event (RFC 5545), to attach as `booking.ics`.
    pub ics: Option<String>,
}

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in [
            ("layout.html", include_str!("templates/layout.html")),
            ("invitation.txt", include_str!("templates/invitation.txt")),
            ("invitation.html", include_str!("templates/invitation.html")),
            (
                "password_reset.txt",
                include_str!("templates/password_reset.txt"),
            ),
            (
                "password_reset.html",
                include_str!("templates/password_reset.html"),
            ),
            (
                "password_changed.txt",
                include_str!("templates/password_changed.txt"),
            ),
            (
                "password_changed.html",
                include_str!("templates/password_changed.html"),
            ),
            (
                "confirm_email.txt",
                include_str!("templates/confirm_email.txt"),
            ),
            (
                "confirm_email.html",
                include_str!("templates/confirm_email.html"),
            ),
            (
                "email_change_requested.txt",
                include_str!("templates/email_change_requested.txt"),
            ),
            (
                "email_change_requested.html",
                include_str!("templates/email_change_requested.html"),
            ),
            (
                "email_in_use.txt",
                include_str!("templates/email_in_use.txt"),
            ),
            (
                "email_in_use.html",
                include_str!("templates/email_in_use.html"),
            ),
            (
                "booked_with_team_address.txt",
                include_str!("templates/booked_with_team_address.txt"),
            ),
            (
                "booked_with_team_address.html",
                include_str!("templates/booked_with_team_address.html"),
            ),
            (
                "payment_request.txt",
                include_str!("templates/payment_request.txt"),
            ),
            (
                "payment_request.html",
                include_str!("templates/payment_request.html"),
            ),
            ("booking.txt", include_str!("templates/booking.txt")),
            ("booking.html", include_str!("templates/booking.html")),
            (
                "provider_booking.txt",
                include_str!("templates/provider_booking.txt"),
            ),
            (
                "provider_booking.html",
                include_str!("templates/provider_booking.html"),
            ),
        ] {
            env.add_template(name, source)
                .expect("the shipped templates parse");
        }
        env
    })
}

/// "Monday 9 March 2026, 14:00 GMT": an instant in the recipient's zone.
fn local(at: Timestamp, zone: &Zone) -> String {
    at.to_zoned(zone.tz().clone())
        .strftime("%A %-d %B %Y, %H:%M %Z")
        .to_string()
}

/// A link to the front end's page `path` carrying `token` (A4: from the
/// configured base URL only).
fn link(base_url: &str, path: &str, token: &str) -> String {
    format!("{}/{path}?token={token}", base_url.trim_end_matches('/'))
}

/// Renders a notice; links start with `base_url`.
pub fn render(notice: &Notice, base_url: &str) -> Result<Rendered, minijinja::Error> {
    let (template, subject, ctx) = parts(notice, base_url);
    let env = environment();
    let with_subject = context! { subject => &subject, ..ctx };
    let text = env
        .get_template(&format!("{template}.txt"))?
        .render(&with_subject)?;
    let html = env
        .get_template(&format!("{template}.html"))?
        .render(&with_subject)?;
    Ok(Rendered {
        subject,
        text,
        html,
        ics: booking_ics(notice),
    })
}

/// RFC 5545 text: a UTC instant as `20260308T140000Z`.
fn ical_utc(at: Timestamp) -> String {
    at.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// A booking notice as one calendar event a mail client can add (or, for a
/// cancellation, remove): the same UID for every notice of one booking, its
/// revision as `SEQUENCE`.
fn booking_ics(notice: &Notice) -> Option<String> {
    use icalendar::{Calendar, Component, Event, EventStatus};
    let Notice::Booking {
        change,
        business,
        service,
        starts_at,
        ends_at,
        booking: Some(id),
        sequence,
        ..
    } = notice
    else {
        return None;
    };
    let mut event = Event::new();
    event
        .uid(&format!("booking-{id}@rota"))
        .summary(&format!("{service} with {business}"))
        .sequence(*sequence)
        .add_property("DTSTAMP", ical_utc(*starts_at))
        .add_property("DTSTART", ical_utc(*starts_at))
        .add_property("DTEND", ical_utc(*ends_at));
    let method = if *change == BookingChange::Cancelled {
        event.status(EventStatus::Cancelled);
        "CANCEL"
    } else {
        event.status(EventStatus::Confirmed);
        "PUBLISH"
    };
    let mut calendar = Calendar::empty();
    calendar
        .append_property(("VERSION", "2.0"))
        .append_property(("PRODID", "-//Rota//Booking//EN"))
        .append_property(("METHOD", method));
    calendar.push(event.done());
    Some(calendar.done().to_string())
}

/// A request for payment's template, subject and context.
fn payment_request_parts(notice: &Notice) -> (&'static str, String, Value) {
    let Notice::PaymentRequest {
        business,
        customer,
        amount,
        reference,
        link,
        service,
        starts_at,
        zone,
    } = notice
    else {
        unreachable!("called for payment requests only")
    };
    (
        "payment_request",
        format!("{business} asks for {amount} (reference {reference})"),
        context! {
            business, customer, amount, reference, link, service,
            starts => local(*starts_at, zone),
        },
    )
}

/// A booking notice's template, subject and what the template shows.
fn booking_parts(notice: &Notice, base_url: &str) -> (&'static str, String, Value) {
    let Notice::Booking {
        change,
        business,
        customer,
        service,
        providers,
        starts_at,
        ends_at,
        zone,
        booking,
        repeats,
        ..
    } = notice
    else {
        unreachable!("only called with a booking notice")
    };
    // One email for a series (issue 19): the first date, and how many
    // more the same change applies to.
    let more = match (*repeats, change) {
        (0, _) => None,
        (n, BookingChange::Confirmed) => Some(format!(
            "It repeats: {n} more {}, each at the same time, every one listed in your portal.",
            if n == 1 { "date" } else { "dates" }
        )),
        (n, BookingChange::Cancelled) => Some(format!(
            "The {n} later {} of this series {} cancelled too.",
            if n == 1 { "date" } else { "dates" },
            if n == 1 { "is" } else { "are" }
        )),
        (n, _) => Some(format!(
            "The {n} later {} of this series changed the same way.",
            if n == 1 { "date" } else { "dates" }
        )),
    };
    let (subject, headline) = match change {
        BookingChange::Confirmed => (
            format!("Booked: {service} with {business}"),
            "Your booking is confirmed:",
        ),
        BookingChange::Changed => (
            format!("Changed: {service} with {business}"),
            "Your booking has changed. It is now:",
        ),
        BookingChange::Cancelled => (
            format!("Cancelled: {service} with {business}"),
            "This booking has been cancelled:",
        ),
        BookingChange::Reminder => (
            format!("Reminder: {service} with {business}"),
            "A reminder of your booking:",
        ),
    };
    (
        "booking",
        subject,
        context! {
            business, customer, service, headline,
            providers => providers.join(", "),
            starts => local(*starts_at, zone),
            ends => local(*ends_at, zone),
            portal => booking.map(|id| format!("{}/portal/bookings/{id}", base_url.trim_end_matches('/'))),
            more,
        },
    )
}

/// A notice's template, subject and what the template shows.
fn parts(notice: &Notice, base_url: &str) -> (&'static str, String, Value) {
    match notice {
        Notice::Invitation {
            business,
            name,
            token,
            expires_at,
            zone,
            portal,
        } => (
            "invitation",
            if *portal {
                format!("Your {business} customer portal")
            } else {
                format!("You're invited to join {business} on Rota")
            },
            context! {
                business, name, portal,
                link => link(base_url, "accept-invitation", token.reveal()),
                expires => local(*expires_at, zone),
            },
        ),
        Notice::PasswordReset {
            business,
            name,
            token,
            expires_at,
            zone,
        } => (
            "password_reset",
            format!("Reset your {business} password"),
            context! {
                business, name,
                link => link(base_url, "reset-password", token.reveal()),
                expires => local(*expires_at, zone),
            },
        ),
        Notice::PasswordChanged {
            business,
            name,
            at,
            zone,
        } => (
            "password_changed",
            format!("Your {business} password was changed"),
            context! { business, name, at => local(*at, zone) },
        ),
        Notice::ConfirmEmail {
            business,
            name,
            new_email,
            token,
            expires_at,
            zone,
        } => (
            "confirm_email",
            format!("Confirm your new {business} email address"),
            context! {
                business, name, new_email,
                link => link(base_url, "confirm-email", token.reveal()),
                expires => local(*expires_at, zone),
            },
        ),
        Notice::EmailChangeRequested {
            business,
            name,
            new_email,
            at,
            zone,
        } => (
            "email_change_requested",
            format!("Your {business} account's email is about to change"),
            context! { business, name, new_email, at => local(*at, zone) },
        ),
        Notice::EmailInUse { business } => (
            "email_in_use",
            format!("This address already has a {business} account"),
            context! { business },
        ),
        Notice::BookedWithTeamAddress { business } => (
            "booked_with_team_address",
            format!("No booking was made at {business}"),
            context! { business },
        ),
        Notice::PaymentRequest { .. } => payment_request_parts(notice),
        Notice::Booking { .. } => booking_parts(notice, base_url),
        Notice::ProviderBooking { .. } => provider_booking_parts(notice, base_url),
    }
}

/// A provider's notice of a booking assigned, moved or cancelled.
fn provider_booking_parts(notice: &Notice, base_url: &str) -> (&'static str, String, Value) {
    let Notice::ProviderBooking {
        change,
        business,
        provider,
        customer,
        service,
        starts_at,
        ends_at,
        zone,
        booking,
    } = notice
    else {
        unreachable!("only called with a provider's booking notice")
    };
    let (subject, headline) = match change {
        BookingChange::Confirmed => (
            format!("New booking: {service} for {customer}"),
            "A booking is assigned to you:",
        ),
        BookingChange::Changed | BookingChange::Reminder => (
            format!("Moved: {service} for {customer}"),
            "A booking of yours has moved. It is now:",
        ),
        BookingChange::Cancelled => (
            format!("Off your calendar: {service} for {customer}"),
            "This booking is cancelled or no longer yours:",
        ),
    };
    (
        "provider_booking",
        subject,
        context! {
            business, provider, customer, service, headline,
            starts => local(*starts_at, zone),
            ends => local(*ends_at, zone),
            console => format!("{}/console/bookings/{booking}", base_url.trim_end_matches('/')),
        },
    )
}

#[cfg(test)]
mod tests;
