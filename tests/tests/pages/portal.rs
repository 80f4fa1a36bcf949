//! The customer portal (U4) in the same browser, at a phone's width, signed
//! in as a customer who just accepted their invitation: book from what
//! availability offers, confirm, move the booking, cancel it after saying
//! yes; a booking inside the notice explains the deadline and offers
//! nothing, and a cancel posted anyway is refused with the same sentence;
//! another customer's booking is refused as the API refuses it.

use std::collections::BTreeSet;

use fantoccini::Locator;
use rota_app::domain::jiff::{SignedDuration, Timestamp};
use rota_tests::Server;
use rota_tests::browser::Browser;
use serde_json::json;

/// What the walk needs from the one before it.
pub(crate) struct Customer<'a> {
    pub(crate) owner_api: &'a str,
    pub(crate) id: &'a str,
    pub(crate) email: &'a str,
    pub(crate) password: &'a str,
    pub(crate) pat: &'a str,
    pub(crate) service: &'a str,
    /// A booking of another customer.
    pub(crate) someone_elses: &'a str,
}

fn booking_id(path: &str) -> String {
    path.trim_start_matches("/portal/bookings/").to_owned()
}

pub(crate) async fn walk(
    b: &Browser,
    s: &Server,
    seen: &mut BTreeSet<&'static str>,
    c: &Customer<'_>,
) {
    let open = |path: &str| format!("{}{path}", s.base);
    s.expect(
        200,
        "PATCH",
        "/v1/business",
        Some(c.owner_api),
        Some(json!({"online_booking": true})),
    )
    .await;
    b.phone().await;
    b.open(&open("/portal")).await;
    b.click("a[href='/portal/book']").await;
    assert_eq!(b.path().await, "/portal/book");

    // A service, anyone, a day: the free times availability offers.
    b.open(&open(&format!(
        "/portal/book?service={}&provider=&day=2030-03-12",
        c.service
    )))
    .await;
    b.look_at("portal-book").await;
    seen.insert("/portal/book");
    let text = b.text().await;
    assert!(
        text.contains("Free times on Tuesday 12 March 2030"),
        "{text}"
    );
    assert!(
        text.contains("08:00") && !text.contains("08:00 with"),
        "anyone: each time once: {text}"
    );
    b.phone().await;
    b.submit().await;
    let text = b.text().await;
    assert!(
        text.contains("Confirm your booking") && text.contains("£90.00"),
        "B10, the service's price: {text}"
    );
    b.look_at("portal-book-confirm").await;
    b.phone().await;
    b.submit().await;
    let path = b.path().await;
    assert!(path.starts_with("/portal/bookings/"), "{path}");
    let id = booking_id(&path);
    let text = b.text().await;
    assert!(
        text.contains("Booked.") && text.contains("Tuesday 12 March 2030, 08:00"),
        "{text}"
    );
    assert!(
        text.contains("You can move or cancel this booking here until Monday 11 March 2030, 08:00"),
        "the deadline shown before they try: {text}"
    );
    b.look_at("portal-booking").await;
    seen.insert("/portal/bookings/{id}");
    let booked = s
        .expect(
            200,
            "GET",
            &format!("/v1/bookings/{id}"),
            Some(c.owner_api),
            None,
        )
        .await;
    assert_eq!(booked["customer_id"], c.id);
    assert_eq!(booked["providers"][0]["id"], c.pat, "anyone: Pat was free");
    assert_eq!(booked["price_minor"], 9000);
    // The confirmation email carries the booking as an `.ics` and links to
    // its page in the portal.
    let mut confirmation = None;
    for _ in 0..200 {
        confirmation = s
            .emails()
            .into_iter()
            .find(|e| e.contains("To: ana@x.example") && e.contains("Booked: Deep clean"));
        if confirmation.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let confirmation = confirmation.expect("the confirmation email");
    assert!(
        confirmation.contains("Content-Type: text/calendar")
            && confirmation.contains("filename=\"booking.ics\""),
        "{confirmation}"
    );
    let unfolded = confirmation.replace("=\r\n", "").replace("=\n", "");
    assert!(
        unfolded.contains(&format!("/portal/bookings/{id}")),
        "{confirmation}"
    );

    // The portal lists it; move it to the next day's 10:00.
    b.phone().await;
    b.open(&open("/portal")).await;
    assert!(b.text().await.contains("Tuesday 12 March 2030, 08:00"));
    b.look_at("portal").await;
    b.phone().await;
    b.open(&open(&format!("/portal/bookings/{id}?day=2030-03-13")))
        .await;
    let ten = b
        .client
        .find(Locator::XPath(
            "//label[starts-with(normalize-space(.), '10:00')]",
        ))
        .await
        .expect("10:00 offered");
    let radio = ten.attr("for").await.unwrap().unwrap();
    b.client
        .find(Locator::Id(&radio))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.click("form[action$='/reschedule'] button").await;
    let text = b.text().await;
    assert!(
        text.contains("Your booking is moved") && text.contains("Wednesday 13 March 2030, 10:00"),
        "{text}"
    );

    // Cancelling asks first.
    b.click("form[action$='/cancel'] button").await;
    let text = b.text().await;
    assert!(
        text.contains("Tick \u{201c}Yes, cancel this booking\u{201d}"),
        "{text}"
    );
    b.client
        .find(Locator::Id("confirm"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.click("form[action$='/cancel'] button").await;
    assert_eq!(b.path().await, "/portal");
    assert!(b.text().await.contains("Your booking is cancelled"));
    let cancelled = s
        .expect(
            200,
            "GET",
            &format!("/v1/bookings/{id}"),
            Some(c.owner_api),
            None,
        )
        .await;
    assert_eq!(cancelled["status"], "cancelled");

    // Inside the notice (a day): the deadline explained, nothing offered…
    let soon = Timestamp::now()
        .checked_add(SignedDuration::from_hours(3))
        .unwrap()
        .round(rota_app::domain::jiff::Unit::Minute)
        .unwrap();
    let soon = s
        .expect(
            201,
            "POST",
            "/v1/bookings",
            Some(c.owner_api),
            Some(json!({
        "customer_id": c.id, "service_id": c.service, "starts_at": soon.to_string(),
        "provider_ids": [c.pat], "allow_outside_work_hours": true})),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    b.phone().await;
    b.open(&open(&format!("/portal/bookings/{soon}"))).await;
    let text = b.text().await;
    assert!(
        text.contains(
            "starts in less than 24 hours, so it can no longer be changed or cancelled online"
        ),
        "{text}"
    );
    assert!(
        b.client
            .find(Locator::Css("form[action$='/cancel']"))
            .await
            .is_err(),
        "no cancel offered"
    );
    b.look_at("portal-booking-too-late").await;
    // …and a cancel posted anyway is refused with the same sentence.
    b.client.execute(&format!(
        "const f = document.createElement('form'); f.method = 'post';
         f.action = '/portal/bookings/{soon}/cancel';
         for (const [n, v] of [['csrf', document.querySelector('input[name=csrf]').value], ['confirm', 'yes']]) {{
             const i = document.createElement('input'); i.type = 'hidden'; i.name = n; i.value = v; f.appendChild(i);
         }}
         const go = document.createElement('button'); go.id = 'forged'; go.type = 'submit'; go.textContent = 'go';
         f.appendChild(go); document.querySelector('main').appendChild(f);"), vec![]).await.unwrap();
    b.click("#forged").await;
    let text = b.text().await;
    assert!(
        text.contains("There is a problem")
            && text.contains("can no longer be changed or cancelled online"),
        "{text}"
    );
    let still = s
        .expect(
            200,
            "GET",
            &format!("/v1/bookings/{soon}"),
            Some(c.owner_api),
            None,
        )
        .await;
    assert_eq!(
        still["status"], "scheduled",
        "R10: refused, nothing changed"
    );

    // A repeating booking (issue 19), with reminders on: its page says how
    // many dates are still to come and when reminders come; this one and
    // the later ones are cancelled together.
    s.expect(
        200,
        "PATCH",
        "/v1/business",
        Some(c.owner_api),
        Some(json!({"reminder_hours": [24]})),
    )
    .await;
    let series = s
        .expect(
            201,
            "POST",
            "/v1/bookings/series",
            Some(c.owner_api),
            Some(
                json!({"booking": {"customer_id": c.id, "service_id": c.service,
                "starts_at": "2030-04-01T07:00:00Z", "provider_ids": [c.pat],
                "allow_outside_work_hours": true},
                "recurrence": {"frequency": {"kind": "weekly", "every": 1},
                    "ends": {"kind": "after", "count": 3}}}),
            ),
        )
        .await;
    let second = series["bookings"][1]["id"].as_str().unwrap().to_owned();
    b.phone().await;
    b.open(&open(&format!("/portal/bookings/{second}"))).await;
    let text = b.text().await;
    assert!(
        text.contains("This booking repeats: 1 more date is still to come after it."),
        "{text}"
    );
    assert!(
        text.contains("We will email you a reminder 24 hours before."),
        "{text}"
    );
    b.look_at_part("portal-booking-series", Some("form[action$='/cancel']"))
        .await;
    b.phone().await;
    b.client
        .find(Locator::Id("scope-following"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.client
        .find(Locator::Id("confirm"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.click("form[action$='/cancel'] button").await;
    assert_eq!(b.path().await, "/portal");
    let statuses: Vec<String> = s
        .expect(
            200,
            "GET",
            &format!(
                "/v1/bookings?series_id={}",
                series["bookings"][0]["series_id"].as_str().unwrap()
            ),
            Some(c.owner_api),
            None,
        )
        .await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(statuses, ["scheduled", "cancelled", "cancelled"]);
    s.expect(
        200,
        "PATCH",
        "/v1/business",
        Some(c.owner_api),
        Some(json!({"reminder_hours": []})),
    )
    .await;

    // Another customer's booking: refused as the API refuses it.
    let mine = s
        .expect(
            201,
            "POST",
            "/v1/sessions",
            None,
            Some(json!({
        "business": "sparkle", "email": c.email, "password": c.password})),
        )
        .await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    s.expect(
        403,
        "GET",
        &format!("/v1/bookings/{}", c.someone_elses),
        Some(&mine),
        None,
    )
    .await;
    b.open(&open(&format!("/portal/bookings/{}", c.someone_elses)))
        .await;
    assert!(
        b.text().await.contains("You may not open this booking"),
        "{}",
        b.text().await
    );
    // Online booking off again, as the console's walk expects to find it.
    s.expect(
        200,
        "PATCH",
        "/v1/business",
        Some(c.owner_api),
        Some(json!({"online_booking": false})),
    )
    .await;
}
