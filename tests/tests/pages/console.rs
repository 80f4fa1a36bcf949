//! The console beyond the first walk (U2), in the same browser, signed in
//! as the owner: the bookings calendar, a booking's payment, notes and
//! status, a time of the administrator's choosing (B5), a customer's page
//! (edit, invite, archive, export), a team member's page (roles, ownership,
//! deactivation, a reset, time off), the settings and access rights, the
//! audit log, the team's day, and one's own profile and password.

use std::collections::BTreeSet;

use fantoccini::Locator;
use rota_tests::Server;
use rota_tests::browser::Browser;
use serde_json::json;

/// What the first walk made.
pub(crate) struct Made {
    pub(crate) owner_api: String,
    pub(crate) owner_password: &'static str,
    pub(crate) pat: String,
    pub(crate) bea: String,
    pub(crate) service: String,
}

async fn value_of(b: &Browser, id: &str) -> String {
    b.client
        .find(Locator::Id(id))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

async fn tick(b: &Browser, id: &str) {
    b.client
        .find(Locator::Id(id))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

pub(crate) async fn walk(b: &Browser, s: &Server, seen: &mut BTreeSet<&'static str>, m: &Made) {
    let open = |path: &str| format!("{}{path}", s.base);
    let Made {
        owner_api,
        pat,
        bea,
        service,
        ..
    } = m;

    // A time nobody offers, booked with the administrator's override (B5):
    // refused without it, with the time typed kept.
    let picker = open(&format!(
        "/console/bookings/new?customer={bea}&service={service}&provider={pat}&day=2030-03-07"
    ));
    b.open(&picker).await;
    b.client
        .execute("document.getElementById('at').value = '21:00';", vec![])
        .await
        .unwrap();
    b.click("form.picker[method='post'] button").await;
    let text = b.text().await;
    assert!(text.contains("outside the provider's work hours"), "{text}");
    assert_eq!(value_of(b, "at").await, "21:00", "what was typed is kept");
    tick(b, "override").await;
    b.click("form.picker[method='post'] button").await;
    assert!(b.text().await.contains("Booked."), "{}", b.text().await);

    // The week, with a row per provider; the day; the list, filtered.
    b.open(&open("/console/bookings?day=2030-03-05")).await;
    let text = b.text().await;
    assert!(
        text.contains("Week of 4 March – 10 March 2030") && text.contains("Pat Provider"),
        "{text}"
    );
    assert!(
        text.contains("10:00–12:00") && text.contains("21:00–23:00"),
        "{text}"
    );
    b.look_at("bookings-week").await;
    seen.insert("/console/bookings");
    b.click("nav.tabs a:nth-child(2)").await;
    assert!(
        b.text().await.contains("Tuesday 5 March 2030"),
        "{}",
        b.text().await
    );
    b.look_at("bookings-day").await;
    b.click("nav.tabs a:nth-child(3)").await;
    b.client
        .find(Locator::Css("#status option[value='cancelled']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.click("form.search button").await;
    let text = b.text().await;
    assert!(
        text.contains("Wed 13 Mar, 10:00–12:00 Ana Smith Pat Provider Cancelled")
            && !text.contains("Bea"),
        "only the booking Ana cancelled in the portal: {text}"
    );
    b.client
        .find(Locator::Css("#status option[value='scheduled']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.click("form.search button").await;
    assert!(
        b.text().await.contains("Tue 5 Mar, 10:00–12:00"),
        "{}",
        b.text().await
    );
    b.look_at("bookings-list").await;

    // A booking: a payment refused for being more than owed, then recorded
    // with a tip; notes; started and completed (B6, B8).
    b.click("table.list a").await;
    b.fill("amount", "100").await;
    b.click("form[action$='/payment'] button").await;
    assert!(
        b.text().await.contains("more than is still owed"),
        "{}",
        b.text().await
    );
    assert_eq!(value_of(b, "amount").await, "100");
    b.fill("amount", "90").await;
    b.fill("tip", "5").await;
    b.click("form[action$='/payment'] button").await;
    let text = b.text().await;
    assert!(
        text.contains("The payment is recorded")
            && text.contains("£90.00")
            && text.contains("£5.00"),
        "{text}"
    );
    b.fill("notes", "Gate code 1234").await;
    b.click("form[action$='/assign'] button").await;
    assert!(
        b.text().await.contains("Gate code 1234"),
        "{}",
        b.text().await
    );
    b.click("form[action$='/status'] button.primary").await;
    assert!(b.text().await.contains("In progress"), "{}", b.text().await);
    b.click("form[action$='/status'] button.primary").await;
    assert!(b.text().await.contains("Completed"), "{}", b.text().await);
    let moved = b
        .client
        .find(Locator::Css("form[action$='/reschedule']"))
        .await;
    assert!(moved.is_err(), "a completed booking is no longer moved");

    // A customer's page: what they were charged, paid and owe; an edit
    // refused beside its field, then saved; an invitation to the portal.
    b.click(&format!("a[href='/console/customers/{bea}']"))
        .await;
    b.look_at("customer").await;
    seen.insert("/console/customers/{id}");
    let text = b.text().await;
    assert!(
        text.contains("£270.00") && text.contains("£180.00"),
        "charged 3 × £90, paid £90: {text}"
    );
    b.fill("phone", "020 7946 0000").await;
    b.fill("email", "bea at x").await;
    b.click(&format!("form[action='/console/customers/{bea}'] button"))
        .await;
    assert!(
        b.text().await.contains("There is a problem"),
        "{}",
        b.text().await
    );
    assert_eq!(
        value_of(b, "phone").await,
        "020 7946 0000",
        "what was typed is kept"
    );
    b.fill("email", "bea@x.example").await;
    b.click(&format!("form[action='/console/customers/{bea}'] button"))
        .await;
    assert!(b.text().await.contains("Saved."), "{}", b.text().await);
    b.click("form[action$='/invite'] button").await;
    assert!(
        b.text()
            .await
            .contains("invitation to the portal is on its way"),
        "{}",
        b.text().await
    );
    s.emailed_token("bea@x.example", "accept-invitation").await;
    let cy = s
        .expect(200, "GET", "/v1/customers?q=young", Some(owner_api), None)
        .await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    b.open(&open(&format!("/console/customers/{cy}"))).await;
    b.click("form[action$='/archive'] button").await;
    assert!(
        b.text().await.contains("The customer is archived"),
        "{}",
        b.text().await
    );
    b.look_at("customer-archived").await;
    b.click("form[action$='/restore'] button").await;
    assert!(
        b.text().await.contains("The customer is restored"),
        "{}",
        b.text().await
    );
    b.click("form[action$='/archive'] button").await;
    // Erasing asks for the box to be ticked, then replaces their data.
    b.click("form[action$='/erase'] button").await;
    assert!(
        b.text().await.contains("Tick the box to confirm"),
        "{}",
        b.text().await
    );
    b.click("input[name='confirm']").await;
    b.click("form[action$='/erase'] button").await;
    let erased = b.text().await;
    assert!(
        erased.contains("personal data is erased") && erased.contains("Erased customer"),
        "{erased}"
    );
    assert!(!erased.contains("Young"), "{erased}");
    b.look_at("customer-erased").await;
    // The export, with the browser's own session.
    let session = b
        .client
        .get_named_cookie("rota_session")
        .await
        .unwrap()
        .value()
        .to_owned();
    let csv = rota_tests::client()
        .build()
        .unwrap()
        .get(open("/console/customers.csv"))
        .header("cookie", format!("rota_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.unwrap();
    assert!(
        csv.contains("bea@x.example") && csv.contains("020 7946 0000"),
        "{csv}"
    );

    // A team member's page: time off added (refused without a day first)
    // and removed; roles; ownership granted and revoked; a reset sent.
    b.open(&open("/console/team")).await;
    b.click(&format!("a[href='/console/team/{pat}']")).await;
    b.look_at("team-member").await;
    seen.insert("/console/team/{id}");
    b.fill("note", "Holiday").await;
    b.click("form[action$='/time-off'] button").await;
    assert!(
        b.text().await.contains("Enter the first day off"),
        "{}",
        b.text().await
    );
    assert_eq!(value_of(b, "note").await, "Holiday");
    b.client.execute("document.getElementById('first').value = '2030-03-11'; document.getElementById('last').value = '2030-03-12';", vec![]).await.unwrap();
    b.click("form[action$='/time-off'] button").await;
    let text = b.text().await;
    assert!(
        text.contains("Time off saved") && text.contains("Mon 11 Mar 2030 to Tue 12 Mar 2030"),
        "{text}"
    );
    b.click("form[action$='/delete'] button").await;
    assert!(
        b.text().await.contains("No time off booked"),
        "{}",
        b.text().await
    );
    b.client
        .find(Locator::Css("#roles option[value='both']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.click(&format!("form[action='/console/team/{pat}'] button"))
        .await;
    assert!(
        b.text()
            .await
            .contains("Administrator and service provider"),
        "{}",
        b.text().await
    );
    b.click("form[action$='/owner-grant'] button").await;
    assert!(
        b.text().await.contains("They are now an owner"),
        "{}",
        b.text().await
    );
    b.click("form[action$='/owner-revoke'] button").await;
    assert!(
        b.text().await.contains("no longer an owner"),
        "{}",
        b.text().await
    );
    b.click("form[action$='/reset'] button").await;
    assert!(
        b.text().await.contains("password reset link is on its way"),
        "{}",
        b.text().await
    );
    s.emailed_token("pat@sparkle.example", "reset-password")
        .await;
    let ada = s.employee_id(owner_api, "ada@sparkle.example").await;
    b.open(&open(&format!("/console/team/{ada}"))).await;
    b.click("form[action$='/deactivate'] button").await;
    assert!(b.text().await.contains("Deactivated"), "{}", b.text().await);
    b.click("form[action$='/reactivate'] button").await;
    assert!(b.text().await.contains("Reactivated"), "{}", b.text().await);

    // Opening hours: half a span refused beside the table; Sundays closed
    // and saved (then opened again); a closure refused without its first
    // day, added, and removed.
    b.open(&open("/console/settings")).await;
    b.click("a[href='/console/settings/opening']").await;
    b.look_at("opening").await;
    seen.insert("/console/settings/opening");
    b.client
        .execute("document.getElementById('saturday_1').value = '';", vec![])
        .await
        .unwrap();
    b.click("form[action='/console/settings/opening'] button")
        .await;
    assert!(
        b.text()
            .await
            .contains("Saturday: give both a start and an end"),
        "{}",
        b.text().await
    );
    b.client
        .execute(
            "document.getElementById('saturday_1').value = '00:00';
             document.getElementById('sunday_0').value = '';
             document.getElementById('sunday_1').value = '';",
            vec![],
        )
        .await
        .unwrap();
    b.click("form[action='/console/settings/opening'] button")
        .await;
    assert!(
        b.text().await.contains("Opening hours saved"),
        "{}",
        b.text().await
    );
    let business = s
        .expect(200, "GET", "/v1/business", Some(owner_api), None)
        .await;
    assert_eq!(
        business["operating_hours"]["sunday"],
        json!([]),
        "{business}"
    );
    assert_eq!(
        business["operating_hours"]["saturday"],
        json!([{"start": "00:00", "end": "00:00"}]),
        "{business}"
    );
    let always = json!([{"start": "00:00", "end": "00:00"}]);
    s.expect(
        200,
        "PATCH",
        "/v1/business",
        Some(owner_api),
        Some(
            json!({"operating_hours": {"monday": always, "tuesday": always, "wednesday": always,
            "thursday": always, "friday": always, "saturday": always, "sunday": always}}),
        ),
    )
    .await;
    b.fill("note", "Christmas").await;
    b.click("form[action='/console/settings/closures'] button")
        .await;
    assert!(
        b.text().await.contains("Enter the first day closed"),
        "{}",
        b.text().await
    );
    assert_eq!(value_of(b, "note").await, "Christmas");
    b.client
        .execute(
            "document.getElementById('first').value = '2030-12-25';",
            vec![],
        )
        .await
        .unwrap();
    b.click("form[action='/console/settings/closures'] button")
        .await;
    let text = b.text().await;
    assert!(
        text.contains("Closure added")
            && text.contains("Wed 25 Dec 2030")
            && text.contains("Christmas"),
        "{text}"
    );
    b.look_at("opening-closure").await;
    b.click("form[action$='/delete'] button").await;
    let text = b.text().await;
    assert!(
        text.contains("Closure removed") && text.contains("No closures"),
        "{text}"
    );

    // Settings: a refusal beside its field; the notices and online booking
    // saved; access rights refused when contradictory (R8), then saved.
    b.open(&open("/console/settings")).await;
    b.look_at("settings").await;
    seen.insert("/console/settings");
    b.fill("notice", "a day").await;
    b.click("form[action='/console/settings'] button").await;
    assert!(
        b.text().await.contains("whole number of minutes"),
        "{}",
        b.text().await
    );
    b.fill("notice", "120").await;
    b.fill("min_notice", "a week").await;
    b.click("form[action='/console/settings'] button").await;
    assert!(
        b.text().await.contains("from 0 to 525600"),
        "{}",
        b.text().await
    );
    b.fill("notice", "120").await;
    b.fill("min_notice", "90").await;
    b.fill("reminders", "24, 96").await;
    b.click("form[action='/console/settings'] button").await;
    assert!(
        b.text()
            .await
            .contains("up to three whole hours from 1 to 72"),
        "{}",
        b.text().await
    );
    b.look_at("settings-refused").await;
    b.fill("reminders", "2, 24").await;
    tick(b, "online_booking").await;
    tick(b, "provider_emails").await;
    b.click("form[action='/console/settings'] button").await;
    assert!(
        b.text().await.contains("Settings saved"),
        "{}",
        b.text().await
    );
    assert_eq!(value_of(b, "reminders").await, "24, 2");
    let business = s
        .expect(200, "GET", "/v1/business", Some(owner_api), None)
        .await;
    assert_eq!(business["cancellation_notice_minutes"], 120, "{business}");
    assert_eq!(business["min_notice_minutes"], 90, "{business}");
    assert_eq!(business["online_booking"], true, "{business}");
    assert_eq!(business["reminder_hours"], json!([24, 2]), "{business}");
    assert_eq!(business["provider_emails"], true, "{business}");
    tick(b, "edit_customers").await;
    b.click("form[action='/console/settings/access-rights'] button")
        .await;
    assert!(
        b.text()
            .await
            .contains("Editing customers needs providers to see them"),
        "{}",
        b.text().await
    );
    tick(b, "customers-list").await;
    tick(b, "abbreviate_names").await;
    b.click("form[action='/console/settings/access-rights'] button")
        .await;
    assert!(
        b.text().await.contains("Access rights saved"),
        "{}",
        b.text().await
    );
    let rights = s
        .expect(
            200,
            "GET",
            "/v1/settings/access-rights",
            Some(owner_api),
            None,
        )
        .await;
    assert_eq!(rights["customers"], "list", "{rights}");
    assert_eq!(rights["edit_customers"], true, "{rights}");
    assert_eq!(rights["privacy"]["abbreviate_names"], true, "{rights}");

    // The audit log says who did what to whom.
    b.open(&open("/console/audit")).await;
    b.look_at("audit").await;
    seen.insert("/console/audit");
    let text = b.text().await;
    assert!(
        text.contains("made an owner")
            && text.contains("archived a customer")
            && text.contains("Pat Provider"),
        "{text}"
    );

    // Today: who works, and a booking outside work hours flagged.
    let zone = rota_app::domain::jiff::tz::TimeZone::get("Europe/London").unwrap();
    let today = rota_app::domain::jiff::Timestamp::now()
        .to_zoned(zone.clone())
        .date();
    // Outside Pat's 08:00–18:00, and two hours clear of the booking the
    // portal's walk made three hours from now (else B4 refuses this one
    // whenever the walk runs in the afternoon).
    let soon = rota_app::domain::jiff::Timestamp::now()
        .checked_add(rota_app::domain::jiff::SignedDuration::from_hours(3))
        .unwrap();
    let late = [19, 6, 22]
        .into_iter()
        .map(|hour| {
            today
                .at(hour, 0, 0, 0)
                .to_zoned(zone.clone())
                .unwrap()
                .timestamp()
        })
        .find(|t| {
            t.duration_since(soon).abs() >= rota_app::domain::jiff::SignedDuration::from_hours(2)
        })
        .unwrap();
    s.expect(
        201,
        "POST",
        "/v1/bookings",
        Some(owner_api),
        Some(json!({"customer_id": bea,
        "service_id": service, "starts_at": late.to_string(), "provider_ids": [pat],
        "allow_outside_work_hours": true})),
    )
    .await;
    b.open(&open("/console")).await;
    let text = b.text().await;
    assert!(
        text.contains("Outside work hours") && text.contains("Who is working"),
        "{text}"
    );
    assert!(text.contains("Pat Provider 08:00–18:00"), "{text}");
    b.look_at("console-attention").await;

    // Reports: this month by default (the booking today counts); days in
    // the wrong order refused beside the field.
    b.click("a[href='/console/reports']").await;
    b.look_at("reports").await;
    seen.insert("/console/reports");
    let text = b.text().await;
    assert!(
        text.contains("Scheduled")
            && text.contains("Providers' hours")
            && text.contains("Pat Provider"),
        "{text}"
    );
    b.open(&open("/console/reports?from=2026-03-05&to=2026-03-01"))
        .await;
    assert!(
        b.text().await.contains("The last day is before the first"),
        "{}",
        b.text().await
    );

    // A service that keeps its provider free around it (buffers): refused
    // beside the field, then shown; changed on the service's own page.
    b.click("a[href='/console/services']").await;
    b.fill("name", "Windows").await;
    b.fill("minutes", "45").await;
    b.fill("price", "30").await;
    b.fill("before", "10").await;
    b.fill("after", "four hours").await;
    b.click("form[action='/console/services'] button").await;
    let text = b.text().await;
    assert!(text.contains("Enter whole minutes from 0 to 240"), "{text}");
    assert_eq!(value_of(b, "before").await, "10", "what was typed stays");
    b.fill("after", "20").await;
    b.click("form[action='/console/services'] button").await;
    let text = b.text().await;
    assert!(
        text.contains("Service added") && text.contains("10 min before, 20 min after"),
        "{text}"
    );
    b.look_at("services-buffers").await;
    let listed = s
        .expect(200, "GET", "/v1/services", Some(owner_api), None)
        .await;
    let windows = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "Windows")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    b.click(&format!("a[href='/console/services/{windows}']"))
        .await;
    assert_eq!(b.path().await, format!("/console/services/{windows}"));
    assert_eq!(value_of(b, "after").await, "20");
    b.look_at("service").await;
    seen.insert("/console/services/{id}");
    let save = format!("form[action='/console/services/{windows}'] button");
    b.fill("after", "300").await;
    b.click(&save).await;
    assert!(
        b.text().await.contains("Enter whole minutes from 0 to 240"),
        "{}",
        b.text().await
    );
    b.look_at("service-refused").await;
    b.fill("after", "45").await;
    b.click(&save).await;
    let text = b.text().await;
    assert!(
        text.contains("Service changed") && text.contains("10 min before, 45 min after"),
        "{text}"
    );
    let changed = s
        .expect(200, "GET", "/v1/services", Some(owner_api), None)
        .await;
    assert!(
        changed.to_string().contains(r#""buffer_after_minutes":45"#),
        "{changed}"
    );
    // A booking of it keeps those buffers, and its page says so.
    let windows_booking = s
        .expect(
            201,
            "POST",
            "/v1/bookings",
            Some(owner_api),
            Some(json!({"customer_id": bea, "service_id": windows,
                "starts_at": "2030-03-11T12:00:00Z", "provider_ids": [pat],
                "allow_outside_work_hours": true})),
        )
        .await;
    let id = windows_booking["id"].as_str().unwrap();
    b.open(&open(&format!("/console/bookings/{id}"))).await;
    let text = b.text().await;
    assert!(
        text.contains("Kept free") && text.contains("10 min before, 45 min after"),
        "{text}"
    );
    b.look_at("booking-buffers").await;

    // One's own profile: details saved; a password change refused with the
    // wrong current one, then done.
    b.click("a[href='/profile']").await;
    b.look_at("profile").await;
    seen.insert("/profile");
    b.fill("name", "Olive O. Owner").await;
    b.click("form[action='/profile'] button").await;
    assert!(
        b.text().await.contains("Your details are saved")
            && b.text().await.contains("Olive O. Owner")
    );
    b.fill("current", "not my password at all").await;
    b.fill("new", "another long passphrase").await;
    b.click("form[action='/profile/password'] button").await;
    assert!(
        b.text().await.contains("not your current password"),
        "{}",
        b.text().await
    );
    b.fill("current", m.owner_password).await;
    b.fill("new", "another long passphrase").await;
    b.click("form[action='/profile/password'] button").await;
    assert!(
        b.text().await.contains("Your password is changed"),
        "{}",
        b.text().await
    );
}
