//! The public booking page (U5) in the same browser, at a phone's width: a
//! visitor books without an account, a missing name is said beside its
//! field, the emailed link sets a portal password and the portal shows the
//! booking; a handful of bookings from one address, then a refusal; off
//! when online booking is off.

use std::collections::BTreeSet;

use rota_tests::Server;
use rota_tests::browser::Browser;
use serde_json::json;

pub(crate) async fn walk(
    b: &Browser,
    s: &Server,
    seen: &mut BTreeSet<&'static str>,
    owner_api: &str,
    pat: &str,
    service: &str,
) {
    let open = |path: &str| format!("{}{path}", s.base);
    let online = |on: bool| {
        s.expect(
            200,
            "PATCH",
            "/v1/business",
            Some(owner_api),
            Some(json!({"online_booking": on})),
        )
    };
    online(true).await;
    b.phone().await;
    b.open(&open(&format!(
        "/b/sparkle?service={service}&day=2030-03-18"
    )))
    .await;
    b.look_at("public-book").await;
    seen.insert("/b/{slug}");
    let text = b.text().await;
    assert!(
        text.contains("Book with Sparkle Cleaning")
            && text.contains("Deep clean — 2 hours, £90.00"),
        "{text}"
    );
    assert!(
        text.contains("08:00") && !text.contains("08:00 with"),
        "anyone: each time once: {text}"
    );
    b.open(&open(&format!(
        "/b/sparkle?service={service}&provider={pat}&day=2030-03-18"
    )))
    .await;
    assert!(b.text().await.contains("08:00 with Pat Provider"));
    b.phone().await;
    b.submit().await;
    assert!(
        b.text().await.contains("Monday 18 March 2030, 08:00"),
        "{}",
        b.text().await
    );
    // A missing name is said beside its field; what was typed stays.
    b.fill("last_name", "Visitor").await;
    b.fill("email", "vic@x.example").await;
    b.submit().await;
    let text = b.text().await;
    assert!(text.contains("Enter your first name."), "{text}");
    b.look_at("public-book-details").await;
    b.fill("first_name", "Vic").await;
    b.submit().await;
    let text = b.text().await;
    assert!(text.contains("Check your email"), "{text}");
    // The emailed link sets a portal password; the portal shows the booking.
    let token = s.emailed_token("vic@x.example", "accept-invitation").await;
    b.open(&open("/portal")).await;
    b.click("form[action='/sign-out'] button").await;
    b.open(&open(&format!("/accept-invitation?token={token}")))
        .await;
    b.fill("password", "vic's long passphrase").await;
    b.submit().await;
    assert_eq!(b.path().await, "/portal");
    assert!(
        b.text().await.contains("Monday 18 March 2030, 08:00"),
        "{}",
        b.text().await
    );
    b.click("form[action='/sign-out'] button").await;

    // A handful from one address, then a refusal.
    for (n, at) in ["10:00", "12:00", "14:00", "16:00", "08:00"]
        .iter()
        .enumerate()
    {
        let day = if n < 4 { "2030-03-18" } else { "2030-03-19" };
        let start = format!("{day}T{at}:00Z");
        b.open(&open(&format!(
            "/b/sparkle?service={service}&provider=&day={day}&slot={pat}%7C{start}"
        )))
        .await;
        b.fill("first_name", "Many").await;
        b.fill("last_name", "Visits").await;
        b.fill("email", &format!("many{n}@x.example")).await;
        b.submit().await;
        let text = b.text().await;
        if n < 4 {
            assert!(text.contains("Check your email"), "booking {n}: {text}");
        } else {
            assert!(
                text.contains("Too many bookings have come from here"),
                "the sixth: {text}"
            );
            b.look_at("public-book-throttled").await;
        }
    }
    let refused = s
        .expect(200, "GET", "/v1/customers?q=many4", Some(owner_api), None)
        .await;
    assert_eq!(refused["items"], json!([]), "nothing made for the sixth");

    // Off: no page.
    online(false).await;
    b.open(&open("/b/sparkle")).await;
    assert!(
        b.text().await.contains("There is no booking page here"),
        "{}",
        b.text().await
    );
}
