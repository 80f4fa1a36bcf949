//! The provider's console (U3) in a second browser at phone width, beside
//! the owner's: with the narrowest access rights a provider sees only their
//! own bookings, no customer list and no clock; each R8 right widened on the
//! owner's settings page shows its part on the provider's next page load,
//! and narrowed again hides it. Privacy is checked in the HTML; ids typed by
//! hand get the API's own refusal; the calendar-feed address is made, works,
//! and is voided by the next.

use std::collections::BTreeSet;

use rota_tests::Server;
use rota_tests::browser::Browser;
use serde_json::{Value, json};

/// What the earlier walks made.
pub(crate) struct Made<'a> {
    /// The owner's password now (earlier API sessions ended with its
    /// change).
    pub(crate) owner_password: &'a str,
    pub(crate) pat: &'a str,
    pub(crate) bea: &'a str,
    pub(crate) service: &'a str,
}

const PAT_PASSWORD: &str = "pat's long passphrase";

/// The narrowest rights (R8's defaults), as the settings form takes them.
fn narrowest() -> Value {
    json!({"customers": "hidden", "edit_customers": false, "abbreviate_names": false,
        "hide_after": "", "work_hours": "view", "time_tracking": "off",
        "tips": false, "payments": false})
}

/// `narrowest()` with `changes` on top.
fn with(changes: &Value) -> Value {
    let mut rights = narrowest();
    for (k, v) in changes.as_object().unwrap() {
        rights[k] = v.clone();
    }
    rights
}

/// The owner sets the access rights on the console's settings page.
async fn set_rights(owner: &Browser, s: &Server, rights: &Value) {
    owner.open(&format!("{}/console/settings", s.base)).await;
    owner
        .client
        .execute(
            "const r = arguments[0];
             document.getElementById('customers-' + r.customers).checked = true;
             document.getElementById('work_hours-' + r.work_hours).checked = true;
             document.getElementById('time_tracking-' + r.time_tracking).checked = true;
             for (const k of ['edit_customers', 'abbreviate_names', 'tips', 'payments']) {
                 document.getElementById(k).checked = r[k];
             }
             document.getElementById('hide_after').value = r.hide_after;",
            vec![rights.clone()],
        )
        .await
        .unwrap();
    owner
        .click("form[action='/console/settings/access-rights'] button")
        .await;
    assert!(
        owner.text().await.contains("Access rights saved"),
        "{rights}: {}",
        owner.text().await
    );
}

/// The provider's page at `path`, loaded afresh: its status by the API's
/// rules is checked separately; here, its HTML.
async fn html(p: &Browser, s: &Server, path: &str) -> String {
    p.open(&format!("{}{path}", s.base)).await;
    p.client.source().await.unwrap()
}

/// The status a page answers the provider's session with.
async fn status(s: &Server, session: &str, path: &str) -> u16 {
    rota_tests::client()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}{path}", s.base))
        .header("cookie", format!("rota_session={session}"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

pub(crate) async fn walk(
    owner: &Browser,
    s: &Server,
    seen: &mut BTreeSet<&'static str>,
    m: &Made<'_>,
) {
    let Made {
        owner_password,
        pat,
        bea,
        service,
    } = *m;
    let Some(p) = Browser::start("pages-provider").await else {
        return;
    };
    p.phone().await;
    let open = |path: &str| format!("{}{path}", s.base);
    let owner_api = &s
        .session("sparkle", "olive@sparkle.example", owner_password)
        .await;

    // Pat serves and nothing more (the console's walk made them an
    // administrator too).
    s.expect(
        200,
        "PATCH",
        &format!("/v1/employees/{pat}"),
        Some(owner_api),
        Some(json!({"roles": ["service_provider"]})),
    )
    .await;
    // Another provider's booking, and a customer only they serve; addresses
    // to hide.
    let quinn = s
        .expect(
            201,
            "POST",
            "/v1/employees",
            Some(owner_api),
            Some(
                json!({"name": "Quinn Other", "email": "quinn@sparkle.example",
                "roles": ["service_provider"]}),
            ),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let invite = s
        .emailed_token("quinn@sparkle.example", "accept-invitation")
        .await;
    s.expect(
        201,
        "POST",
        "/v1/invitations/accept",
        None,
        Some(json!({"token": invite, "password": "quinn's long passphrase"})),
    )
    .await;
    let di = s
        .expect(200, "GET", "/v1/customers?q=dale", Some(owner_api), None)
        .await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let quinns = s
        .expect(
            201,
            "POST",
            "/v1/bookings",
            Some(owner_api),
            Some(json!({"customer_id": di, "service_id": service,
                "starts_at": "2030-03-05T14:00:00Z", "provider_ids": [quinn],
                "allow_outside_work_hours": true})),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (who, street) in [(bea, "1 Bea Street"), (di.as_str(), "2 Di Street")] {
        s.expect(
            200,
            "PATCH",
            &format!("/v1/customers/{who}"),
            Some(owner_api),
            Some(json!({"address1": street})),
        )
        .await;
    }
    let pats = s
        .expect(
            200,
            "GET",
            &format!(
                "/v1/bookings?provider_id={pat}&from=2030-03-06T00:00:00Z&to=2030-03-07T00:00:00Z"
            ),
            Some(owner_api),
            None,
        )
        .await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The narrowest rights; the provider signs in on their phone and lands
    // on their own day.
    set_rights(owner, s, &narrowest()).await;
    p.open(&open("/sign-in")).await;
    p.fill("business", "sparkle").await;
    p.fill("email", "pat@sparkle.example").await;
    p.fill("password", PAT_PASSWORD).await;
    p.submit().await;
    assert_eq!(
        p.path().await,
        "/console/mine",
        "a provider lands on their own day"
    );
    let session = s
        .session("sparkle", "pat@sparkle.example", PAT_PASSWORD)
        .await;

    // Only their own bookings, no customer list, no clock (R8).
    // (`pats` is Bea's 08:00 on the 6th, still scheduled.)
    let day = html(&p, s, "/console/mine?day=2030-03-05").await;
    assert!(
        day.contains("Bea Brown") && !day.contains("Di Dale"),
        "{day}"
    );
    assert!(
        !day.contains("href=\"/console/customers\""),
        "no customer list: {day}"
    );
    assert!(
        !day.contains("Clock") && !day.contains("href=\"/console/time\""),
        "no clock: {day}"
    );
    p.look_at("mine").await;
    seen.insert("/console/mine");
    let week = html(&p, s, "/console/mine?week=yes&day=2030-03-06").await;
    assert!(
        week.contains("My week") && week.contains("Tue 5 Mar, 10:00"),
        "{week}"
    );
    assert!(!week.contains("Di Dale"), "{week}");
    // Ids typed by hand: the API's refusal, on a page.
    for (page, api) in [
        (
            format!("/console/bookings/{quinns}"),
            format!("/v1/bookings/{quinns}"),
        ),
        (
            format!("/console/customers/{di}"),
            format!("/v1/customers/{di}"),
        ),
        ("/console/customers".to_owned(), "/v1/customers".to_owned()),
        (
            format!("/console/team/{quinn}"),
            format!("/v1/employees/{quinn}"),
        ),
        (
            format!("/console/team/{quinn}/hours"),
            format!("/v1/employees/{quinn}/work-hours"),
        ),
        ("/console/time".to_owned(), "/v1/time-entries".to_owned()),
    ] {
        let (by_api, _) = s.call("GET", &api, Some(&session), None).await;
        assert_eq!(
            status(s, &session, &page).await,
            by_api,
            "{page} answers as {api}"
        );
        assert_eq!(by_api, 403, "{api}");
    }
    p.open(&open(&format!("/console/bookings/{quinns}"))).await;
    assert!(
        p.text().await.contains("You may not open this booking"),
        "{}",
        p.text().await
    );
    // Their own booking: no customer link, no money, but start (R8).
    let booking = html(&p, s, &format!("/console/bookings/{pats}")).await;
    p.look_at("provider-booking").await;
    assert!(
        !booking.contains(&format!("/console/customers/{bea}")),
        "{booking}"
    );
    assert!(
        !booking.contains("id=\"amount\"") && !booking.contains("id=\"tip\""),
        "{booking}"
    );
    assert!(
        booking.contains(">Start<") && !booking.contains("Cancel booking"),
        "{booking}"
    );
    // Their hours, read-only.
    let hours = html(&p, s, &format!("/console/team/{pat}/hours")).await;
    p.look_at("provider-hours").await;
    assert!(
        hours.contains("Only an administrator can change") && !hours.contains("Save work hours"),
        "{hours}"
    );
    let me = html(&p, s, &format!("/console/team/{pat}")).await;
    assert!(!me.contains("Add time off"), "{me}");

    // customers = details: the booking's customer opens, with the address.
    set_rights(owner, s, &with(&json!({"customers": "details"}))).await;
    let booking = html(&p, s, &format!("/console/bookings/{pats}")).await;
    assert!(
        booking.contains(&format!("/console/customers/{bea}")),
        "details: {booking}"
    );
    let bea_page = html(&p, s, &format!("/console/customers/{bea}")).await;
    assert!(
        bea_page.contains("1 Bea Street") && !bea_page.contains("Save details"),
        "{bea_page}"
    );
    assert_eq!(
        status(s, &session, &format!("/console/customers/{di}")).await,
        403,
        "not on their bookings"
    );
    set_rights(owner, s, &narrowest()).await;
    let booking = html(&p, s, &format!("/console/bookings/{pats}")).await;
    assert!(
        !booking.contains(&format!("/console/customers/{bea}")),
        "details narrowed: {booking}"
    );

    // customers = list: the list, and any customer.
    set_rights(owner, s, &with(&json!({"customers": "list"}))).await;
    let list = html(&p, s, "/console/customers").await;
    assert!(
        list.contains("href=\"/console/customers\"") && list.contains("Di Dale"),
        "list: {list}"
    );
    set_rights(owner, s, &narrowest()).await;
    let day = html(&p, s, "/console/mine").await;
    assert!(
        !day.contains("href=\"/console/customers\""),
        "list narrowed: {day}"
    );
    assert_eq!(status(s, &session, "/console/customers").await, 403);

    // edit_customers (with details): the customer's details editable.
    set_rights(
        owner,
        s,
        &with(&json!({"customers": "details", "edit_customers": true})),
    )
    .await;
    let bea_page = html(&p, s, &format!("/console/customers/{bea}")).await;
    assert!(
        bea_page.contains("Save details") && !bea_page.contains("Archive customer"),
        "edit: {bea_page}"
    );
    // …and adding customers, without the list.
    let add = html(&p, s, "/console/customers").await;
    p.look_at("provider-customers-add").await;
    assert!(
        add.contains("Add a customer")
            && !add.contains("Di Dale")
            && !add.contains("role=\"search\""),
        "add only: {add}"
    );
    p.fill("first_name", "Eve").await;
    p.fill("last_name", "Example").await;
    p.fill("email", "eve@x.example").await;
    p.click("form[action='/console/customers'] button").await;
    assert!(
        p.text().await.contains("Customer added"),
        "{}",
        p.text().await
    );
    set_rights(owner, s, &with(&json!({"customers": "details"}))).await;
    let bea_page = html(&p, s, &format!("/console/customers/{bea}")).await;
    assert!(
        !bea_page.contains("Save details"),
        "edit narrowed: {bea_page}"
    );
    assert_eq!(
        status(s, &session, "/console/customers").await,
        403,
        "adding narrowed"
    );

    // abbreviate_names: no full last name anywhere the provider looks.
    set_rights(
        owner,
        s,
        &with(&json!({"customers": "details", "abbreviate_names": true})),
    )
    .await;
    for path in [
        "/console/mine?day=2030-03-05".to_owned(),
        "/console/mine?week=yes&day=2030-03-05".to_owned(),
        format!("/console/bookings/{pats}"),
        format!("/console/customers/{bea}"),
    ] {
        let page = html(&p, s, &path).await;
        assert!(
            page.contains("Bea B.") && !page.contains("Brown"),
            "{path}: {page}"
        );
    }
    set_rights(owner, s, &with(&json!({"customers": "details"}))).await;
    let day = html(&p, s, "/console/mine?day=2030-03-05").await;
    assert!(day.contains("Bea Brown"), "abbreviation narrowed: {day}");

    // hide_addresses_after_hours: Di has no booking with them, so no
    // address; Bea's booking is ahead, so hers shows.
    set_rights(
        owner,
        s,
        &with(&json!({"customers": "list", "hide_after": "0"})),
    )
    .await;
    let di_page = html(&p, s, &format!("/console/customers/{di}")).await;
    assert!(
        di_page.contains("Di Dale") && !di_page.contains("2 Di Street"),
        "hidden: {di_page}"
    );
    let bea_page = html(&p, s, &format!("/console/customers/{bea}")).await;
    assert!(
        bea_page.contains("1 Bea Street"),
        "ahead, shown: {bea_page}"
    );
    set_rights(owner, s, &with(&json!({"customers": "list"}))).await;
    let di_page = html(&p, s, &format!("/console/customers/{di}")).await;
    assert!(
        di_page.contains("2 Di Street"),
        "hiding narrowed: {di_page}"
    );

    // work_hours = edit: their hours and time off editable.
    set_rights(owner, s, &with(&json!({"work_hours": "edit"}))).await;
    let hours = html(&p, s, &format!("/console/team/{pat}/hours")).await;
    assert!(hours.contains("Save work hours"), "edit hours: {hours}");
    p.submit().await;
    assert!(
        p.text().await.contains("Work hours saved"),
        "{}",
        p.text().await
    );
    let me = html(&p, s, &format!("/console/team/{pat}")).await;
    assert!(me.contains("Add time off"), "{me}");
    set_rights(owner, s, &narrowest()).await;
    let hours = html(&p, s, &format!("/console/team/{pat}/hours")).await;
    assert!(
        !hours.contains("Save work hours"),
        "hours narrowed: {hours}"
    );

    // time_tracking = view: the entries, no clock button; edit: the clock.
    set_rights(owner, s, &with(&json!({"time_tracking": "view"}))).await;
    let time = html(&p, s, "/console/time").await;
    assert!(
        time.contains("Your time") && !time.contains("Clock in"),
        "view: {time}"
    );
    set_rights(owner, s, &with(&json!({"time_tracking": "edit"}))).await;
    let day = html(&p, s, "/console/mine").await;
    assert!(day.contains("Clock in"), "edit: {day}");
    p.click("form[action='/console/time/clock-in'] button")
        .await;
    assert!(
        p.text().await.contains("You are clocked in"),
        "{}",
        p.text().await
    );
    p.open(&open("/console/time")).await;
    p.look_at("time").await;
    seen.insert("/console/time");
    p.click("form[action='/console/time/clock-out'] button")
        .await;
    let time = p.text().await;
    assert!(
        time.contains("You are clocked out") && time.contains("Total"),
        "{time}"
    );
    set_rights(owner, s, &narrowest()).await;
    let day = html(&p, s, "/console/mine").await;
    assert!(
        !day.contains("Clock") && !day.contains("href=\"/console/time\""),
        "clock narrowed: {day}"
    );
    assert_eq!(status(s, &session, "/console/time").await, 403);

    // tips: a tip alone; payments: an amount too.
    set_rights(owner, s, &with(&json!({"tips": true}))).await;
    let booking = html(&p, s, &format!("/console/bookings/{pats}")).await;
    assert!(
        booking.contains("id=\"tip\"") && !booking.contains("id=\"amount\""),
        "tips: {booking}"
    );
    set_rights(owner, s, &with(&json!({"payments": true}))).await;
    let booking = html(&p, s, &format!("/console/bookings/{pats}")).await;
    p.look_at("provider-booking-payments").await;
    assert!(
        booking.contains("id=\"amount\"") && !booking.contains("id=\"tip\""),
        "payments: {booking}"
    );
    p.fill("amount", "10").await;
    p.click("form[action$='/payment'] button").await;
    let text = p.text().await;
    assert!(
        text.contains("The payment is recorded") && text.contains("£10.00"),
        "{text}"
    );
    set_rights(owner, s, &narrowest()).await;
    let booking = html(&p, s, &format!("/console/bookings/{pats}")).await;
    assert!(
        !booking.contains("id=\"amount\"") && !booking.contains("£10.00"),
        "money narrowed: {booking}"
    );

    // Start and complete today's booking from their day (R8).
    p.open(&open("/console/mine")).await;
    p.click("form[action$='/status'] button").await;
    assert!(p.text().await.contains("In progress"), "{}", p.text().await);
    p.click("form[action$='/status'] button").await;
    assert!(p.text().await.contains("Completed"), "{}", p.text().await);

    // The calendar feed: made, subscribed to, voided by the next one.
    p.click("a[href='/profile']").await;
    p.click("form[action^='/profile/calendar-feed'] button")
        .await;
    let first = p
        .client
        .find(fantoccini::Locator::Id("feed"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    assert!(
        p.text().await.contains("Google Calendar"),
        "{}",
        p.text().await
    );
    p.look_at("profile-calendar-feed").await;
    let fetch = |url: String| async move {
        let res = reqwest::get(&url).await.unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    };
    let (code, ics) = fetch(first.clone()).await;
    assert_eq!(code, 200, "{first}");
    assert!(
        ics.contains("BEGIN:VCALENDAR") && ics.contains("Bea"),
        "{ics}"
    );
    p.click("form[action^='/profile/calendar-feed'] button")
        .await;
    assert_eq!(fetch(first).await.0, 404, "the old address stops working");

    calendar_sync(&p, owner, s, pat).await;

    // An administrator who also serves has the full console and their own.
    let ada = s.employee_id(owner_api, "ada@sparkle.example").await;
    s.expect(
        200,
        "PATCH",
        &format!("/v1/employees/{ada}"),
        Some(owner_api),
        Some(json!({"roles": ["administrator", "service_provider"]})),
    )
    .await;
    let ada_session = s
        .session("sparkle", "ada@sparkle.example", "ada's long passphrase")
        .await;
    let console = rota_tests::client()
        .build()
        .unwrap()
        .get(open("/console"))
        .header("cookie", format!("rota_session={ada_session}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        console.contains("href=\"/console/mine\"") && console.contains("href=\"/console/team\""),
        "{console}"
    );

    p.stop().await;
}

/// Two-way sync from the profile page, against a real Radicale (skipped
/// without `ROTA_PYTHON`): a wrong password is said beside the field;
/// linked, Pat's bookings reach the calendar and the owner sees it on
/// Pat's page; read again; unlinked by Pat, then by the owner.
async fn calendar_sync(p: &Browser, owner: &Browser, s: &Server, pat: &str) {
    use crate::radicale_server::{Radicale, USER, resources};
    let Ok(python) = std::env::var("ROTA_PYTHON") else {
        eprintln!("calendar sync's pages skipped: ROTA_PYTHON is not set");
        return;
    };
    let (mut radicale, calendar) = Radicale::with_calendar(&python, USER.0, USER.1, "work").await;
    p.open(&format!("{}/profile", s.base)).await;
    let link = "form[action='/profile/calendar-link#calendar-sync'] button";
    p.fill("calendar_url", &calendar).await;
    p.fill("calendar_username", USER.0).await;
    p.fill("calendar_password", "not the password").await;
    p.click(link).await;
    let text = p.text().await;
    assert!(
        text.contains("refused this user name and password"),
        "{text}"
    );
    p.look_at_part("profile-calendar-refused", Some("#calendar-sync"))
        .await;
    p.fill("calendar_password", USER.1).await;
    p.click(link).await;
    let text = p.text().await;
    assert!(
        text.contains("Your calendar is linked") && text.contains(&calendar),
        "{text}"
    );
    assert!(!text.contains(USER.1), "the password is never shown");
    p.look_at_part("profile-calendar-linked", Some("#calendar-sync"))
        .await;
    // Pat's bookings still to come go into it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while resources(&calendar).await.is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "Pat's bookings reach the calendar"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    owner.open(&format!("{}/console/team/{pat}", s.base)).await;
    let text = owner.text().await;
    assert!(
        text.contains("Their own calendar") && text.contains(&calendar),
        "{text}"
    );
    owner
        .look_at_part("member-calendar-linked", Some("#sync-heading"))
        .await;
    p.click("form[action='/profile/calendar-link/refresh'] button")
        .await;
    assert!(p.text().await.contains("read again just now"));
    p.click("form[action='/profile/calendar-link/remove'] button")
        .await;
    let text = p.text().await;
    assert!(text.contains("Your calendar is unlinked"), "{text}");
    p.look_at_part("profile-calendar-unlinked", Some("#calendar-sync"))
        .await;
    // Linked again, and unlinked by the owner from Pat's page.
    p.fill("calendar_url", &calendar).await;
    p.fill("calendar_username", USER.0).await;
    p.fill("calendar_password", USER.1).await;
    p.click(link).await;
    owner.open(&format!("{}/console/team/{pat}", s.base)).await;
    owner.click("form[action$='/calendar-unlink'] button").await;
    let text = owner.text().await;
    assert!(
        text.contains("Their calendar is unlinked") && text.contains("Not linked."),
        "{text}"
    );
    radicale.remove();
}
