//! Repeating bookings in the console (issue 19), signed in as the owner: a
//! series booked from the picker is refused naming the date that is taken,
//! then booked leaving it out; its dates moved together to a new time and
//! cancelled together from an occurrence's page.

use fantoccini::Locator;
use rota_tests::Server;
use rota_tests::browser::Browser;
use serde_json::json;

use crate::console::Made;

async fn set(b: &Browser, id: &str, value: &str) {
    b.client
        .execute(
            &format!("document.getElementById('{id}').value = '{value}';"),
            vec![],
        )
        .await
        .unwrap();
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

/// Clicks the button or link whose text is `label`, and waits for the page
/// it leads to.
async fn press(b: &Browser, label: &str) {
    b.client
        .execute(
            "for (const e of document.querySelectorAll('button, a')) { \
                 e.removeAttribute('data-pressed'); \
                 if (e.textContent.trim() === arguments[0]) { e.setAttribute('data-pressed', 'yes'); } \
             }",
            vec![json!(label)],
        )
        .await
        .unwrap();
    b.click("[data-pressed='yes']").await;
}

pub(crate) async fn walk(b: &Browser, s: &Server, m: &Made) {
    // The console walk changed the owner's password, which ended their
    // API session: a new one.
    let owner = s
        .expect(
            201,
            "POST",
            "/v1/sessions",
            None,
            Some(
                json!({"business": "sparkle", "email": "olive@sparkle.example",
                "password": "another long passphrase"}),
            ),
        )
        .await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let picker = |day: &str| {
        format!(
            "{}/console/bookings/new?customer={}&service={}&provider={}&day={day}",
            s.base, m.bea, m.service, m.pat
        )
    };
    // Thursday 11 April at 18:30 is taken by a booking alone.
    b.open(&picker("2030-04-11")).await;
    set(b, "at", "18:30").await;
    tick(b, "override").await;
    press(b, "Book this time").await;
    assert!(b.text().await.contains("Booked."), "{}", b.text().await);

    // Every Thursday from the 4th, three times: refused naming the 11th,
    // nothing booked, the choices kept.
    b.open(&picker("2030-04-04")).await;
    set(b, "at", "18:30").await;
    tick(b, "override").await;
    set(b, "own-repeat", "weekly").await;
    b.fill("own-times", "3").await;
    press(b, "Book this time").await;
    let text = b.text().await;
    assert!(
        text.contains(
            "1 date cannot be booked, so none was: Thu 11 Apr 2030, 18:30 (already taken)."
        ),
        "{text}"
    );
    assert!(text.contains("Leave out Thu 11 Apr"), "{text}");
    b.look_at_part("booking-new-series-refused", Some("fieldset.choices"))
        .await;
    let listed = s
        .expect(
            200,
            "GET",
            &format!(
                "/v1/bookings?customer_id={}&from=2030-04-01T00:00:00Z&to=2030-04-30T00:00:00Z",
                m.bea
            ),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        1,
        "nothing of the series was booked: {listed}"
    );
    // Again, leaving it out (the box is ticked): the other two are booked.
    tick(b, "override").await;
    press(b, "Book this time").await;
    let text = b.text().await;
    assert!(
        text.contains("Booked: every date of the series.")
            && text.contains("Thu 4 Apr 2030, 18:30 (this one)")
            && text.contains("Thu 18 Apr 2030, 18:30")
            && !text.contains("Thu 11 Apr 2030, 18:30"),
        "{text}"
    );
    b.look_at_part("booking-series", Some("section.card.spaced"))
        .await;

    // This one and the later ones, to 19:00 on their own dates.
    set(b, "series-time", "19:00").await;
    tick(b, "series-override").await;
    press(b, "Move these dates").await;
    let text = b.text().await;
    assert!(
        text.contains("The dates are moved.")
            && text.contains("Thu 4 Apr 2030, 19:00 (this one)")
            && text.contains("Thu 18 Apr 2030, 19:00"),
        "{text}"
    );
    // From a later date's page, every one still to come is cancelled.
    press(b, "Thu 18 Apr 2030, 19:00").await;
    press(b, "Cancel every one still to come").await;
    let text = b.text().await;
    assert!(
        text.contains("The dates are cancelled.") && text.matches("Cancelled").count() >= 2,
        "{text}"
    );
    let after = s
        .expect(
            200,
            "GET",
            &format!("/v1/bookings?customer_id={}&status=scheduled&from=2030-04-01T00:00:00Z&to=2030-04-30T00:00:00Z", m.bea),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(
        after["items"].as_array().unwrap().len(),
        1,
        "only the booking made alone is left: {after}"
    );
}
