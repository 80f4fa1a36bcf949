//! The templates, rendered.

use rota_app::domain::notice::Secret;

use super::*;

#[test]
fn a_payment_request_gives_the_amount_the_reference_and_the_local_time() {
    let n = Notice::PaymentRequest {
        business: "Sparkle".into(),
        customer: "<Ana>".into(),
        amount: "£35.00".into(),
        reference: "PAY-0123456789".into(),
        link: None,
        service: "Deep clean".into(),
        starts_at: "2026-07-01T08:00:00Z".parse().unwrap(),
        zone: Zone::parse("Europe/London").unwrap(),
    };
    let r = render(&n, "https://rota.example/").unwrap();
    assert_eq!(
        r.subject,
        "Sparkle asks for £35.00 (reference PAY-0123456789)"
    );
    assert!(
        r.text
            .contains("pay £35.00 for Deep clean on Wednesday 1 July 2026, 09:00 BST"),
        "{}",
        r.text
    );
    assert!(r.text.contains("quoting the reference") && !r.text.contains("Pay online"));
    assert!(r.html.contains("&lt;Ana&gt;"), "{}", r.html);
    let mut linked = n;
    if let Notice::PaymentRequest { link, .. } = &mut linked {
        *link = Some("https://pay.example/PAY-0123456789".into());
    }
    let r = render(&linked, "https://rota.example/").unwrap();
    assert!(
        r.text
            .contains("Pay online: https://pay.example/PAY-0123456789"),
        "{}",
        r.text
    );
}

#[test]
fn a4_a_reset_email_links_to_the_base_url_with_its_token() {
    let n = Notice::PasswordReset {
        business: "Sparkle & Shine".into(),
        name: "<Ana>".into(),
        token: Secret::new("abc123".into()),
        expires_at: "2026-07-01T12:30:00Z".parse().unwrap(),
        zone: Zone::parse("Europe/London").unwrap(),
    };
    let r = render(&n, "https://rota.example/").unwrap();
    assert_eq!(r.subject, "Reset your Sparkle & Shine password");
    assert!(
        r.text
            .contains("https://rota.example/reset-password?token=abc123")
    );
    assert!(
        r.text.contains("Wednesday 1 July 2026, 13:30 BST"),
        "{}",
        r.text
    );
    assert!(
        r.html.contains("&lt;Ana&gt;"),
        "HTML is escaped: {}",
        r.html
    );
    assert!(r.html.contains("Sparkle &amp; Shine"));
}

#[test]
fn booking_times_are_shown_in_the_recipients_zone() {
    let n = Notice::Booking {
        change: BookingChange::Confirmed,
        business: "Sparkle".into(),
        customer: "Ana Smith".into(),
        service: "Deep clean".into(),
        providers: vec!["Pat".into()],
        starts_at: "2026-03-08T14:00:00Z".parse().unwrap(),
        ends_at: "2026-03-08T15:00:00Z".parse().unwrap(),
        zone: Zone::parse("America/New_York").unwrap(),
        booking: Some("01a23405-1b65-7a35-97be-539d7c242ddc".parse().unwrap()),
        sequence: 2,
        repeats: 0,
    };
    let r = render(&n, "https://rota.example").unwrap();
    // 2026-03-08 is the day New York moves to daylight time.
    assert!(
        r.text.contains("Sunday 8 March 2026, 10:00 EDT"),
        "{}",
        r.text
    );
    assert!(r.text.contains("with Pat"));
    // U4: a link to the booking in the portal, and the booking as an event.
    let link = "https://rota.example/portal/bookings/01a23405-1b65-7a35-97be-539d7c242ddc";
    assert!(r.text.contains(link), "{}", r.text);
    // (HTML escapes the slashes; a browser reads them back.)
    assert!(
        r.html
            .contains("portal&#x2f;bookings&#x2f;01a23405-1b65-7a35-97be-539d7c242ddc")
            || r.html.contains(link),
        "{}",
        r.html
    );
    let ics = r.ics.as_deref().expect("an .ics");
    for line in [
        "BEGIN:VEVENT",
        "UID:booking-01a23405-1b65-7a35-97be-539d7c242ddc@rota",
        "DTSTART:20260308T140000Z",
        "DTEND:20260308T150000Z",
        "SEQUENCE:2",
        "METHOD:PUBLISH",
        "STATUS:CONFIRMED",
    ] {
        assert!(ics.contains(line), "{line} in {ics}");
    }
    for kind in [
        BookingChange::Changed,
        BookingChange::Cancelled,
        BookingChange::Reminder,
    ] {
        let mut other = n.clone();
        if let Notice::Booking { change, .. } = &mut other {
            *change = kind;
        }
        let again = render(&other, "x").unwrap();
        assert_ne!(again.subject, r.subject);
        if kind == BookingChange::Cancelled {
            let ics = again.ics.unwrap();
            assert!(
                ics.contains("METHOD:CANCEL") && ics.contains("STATUS:CANCELLED"),
                "{ics}"
            );
        }
    }
    assert!(!r.text.contains("repeats"), "{}", r.text);
}

#[test]
fn one_email_for_a_series_says_how_many_dates_it_covers() {
    let mut n = Notice::Booking {
        change: BookingChange::Confirmed,
        business: "Sparkle".into(),
        customer: "Ana Smith".into(),
        service: "Weekly clean".into(),
        providers: vec![],
        starts_at: "2026-03-09T09:00:00Z".parse().unwrap(),
        ends_at: "2026-03-09T11:00:00Z".parse().unwrap(),
        zone: Zone::parse("Europe/London").unwrap(),
        booking: None,
        sequence: 0,
        repeats: 11,
    };
    let r = render(&n, "x").unwrap();
    assert!(r.text.contains("It repeats: 11 more dates"), "{}", r.text);
    assert!(r.html.contains("It repeats: 11 more dates"), "{}", r.html);
    if let Notice::Booking {
        change, repeats, ..
    } = &mut n
    {
        *change = BookingChange::Cancelled;
        *repeats = 1;
    }
    let r = render(&n, "x").unwrap();
    assert!(
        r.text
            .contains("The 1 later date of this series is cancelled too."),
        "{}",
        r.text
    );
}

#[test]
fn a_providers_notice_is_in_their_zone_and_links_to_the_console() {
    let n = Notice::ProviderBooking {
        change: BookingChange::Confirmed,
        business: "Sparkle".into(),
        provider: "Pat".into(),
        customer: "Ana Smith".into(),
        service: "Deep clean".into(),
        starts_at: "2026-03-08T14:00:00Z".parse().unwrap(),
        ends_at: "2026-03-08T15:00:00Z".parse().unwrap(),
        zone: Zone::parse("Europe/Berlin").unwrap(),
        booking: "01a23405-1b65-7a35-97be-539d7c242ddc".parse().unwrap(),
    };
    let r = render(&n, "https://rota.example/").unwrap();
    assert_eq!(r.subject, "New booking: Deep clean for Ana Smith");
    assert!(r.text.contains("Hello Pat"), "{}", r.text);
    assert!(
        r.text.contains("Sunday 8 March 2026, 15:00 CET"),
        "{}",
        r.text
    );
    assert!(
        r.text
            .contains("https://rota.example/console/bookings/01a23405-1b65-7a35-97be-539d7c242ddc"),
        "{}",
        r.text
    );
    assert!(r.ics.is_none(), "the provider's own calendar is their feed");
    let mut moved = n.clone();
    if let Notice::ProviderBooking { change, .. } = &mut moved {
        *change = BookingChange::Cancelled;
    }
    assert!(
        render(&moved, "x")
            .unwrap()
            .subject
            .starts_with("Off your calendar")
    );
}
