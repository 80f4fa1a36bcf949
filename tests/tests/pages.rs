//! The pages (SPEC §10) in a real browser, on both stores: a business signs
//! up, its owner signs out and in, a customer accepts the emailed portal
//! invitation, a forgotten password is reset by the emailed link, an email
//! change is confirmed by its link — every page screenshotted at phone and
//! desktop width and checked with axe-core (U1, U6–U8). And, without a
//! browser: every form refuses a post without its token or from another
//! site, and no page carries script or inline style (U7).

#![allow(missing_docs, clippy::too_many_lines)]

use std::collections::BTreeSet;

use fantoccini::Locator;
use rota_tests::Server;
use rota_tests::browser::Browser;
use serde_json::json;

#[path = "pages/console.rs"]
mod console;
#[path = "pages/portal.rs"]
mod portal;
#[path = "pages/provider.rs"]
mod provider;
#[path = "pages/public.rs"]
mod public;
#[path = "../../crates/rota-caldav/tests/common/radicale.rs"]
mod radicale_server;
#[path = "pages/series.rs"]
mod series;

const PW: &str = "owner's long passphrase";

async fn sign_out(b: &Browser) {
    b.click("form[action='/sign-out'] button").await;
}

/// One browser at a time: two Chromiums on a small machine only slow both.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

rota_tests::on_every_store! {
    async fn u1_u8_the_public_pages_in_a_real_browser(db: Db) {
        let _alone = ONE_BROWSER.lock().await;
        let s = Server::start_on("pages", &db).await;
        let Some(b) = Browser::start("pages").await else {
            s.stop().await;
            return;
        };
        let mut seen = BTreeSet::new();
        let open = |path: &str| format!("{}{path}", s.base);

        // Sign up a business: lands on the console's day.
        b.open(&open("/sign-up")).await;
        b.look_at("sign-up").await;
        seen.insert("/sign-up");
        for (id, value) in [
            ("business_name", "Sparkle Cleaning"),
            ("slug", "sparkle"),
            ("time_zone", "Europe/London"),
            ("currency", "GBP"),
            ("owner_name", "Olive Owner"),
            ("email", "olive@sparkle.example"),
            ("password", "short"),
        ] {
            b.fill(id, value).await;
        }
        b.submit().await;
        // A refusal is a sentence beside its field, and what was typed stays.
        assert_eq!(b.path().await, "/sign-up");
        assert!(b.text().await.contains("There is a problem"));
        let kept = b.client.find(Locator::Id("slug")).await.unwrap().prop("value").await.unwrap();
        assert_eq!(kept.as_deref(), Some("sparkle"), "what was typed is kept");
        b.look_at("sign-up-refused").await;
        b.fill("password", PW).await;
        b.submit().await;
        assert_eq!(b.path().await, "/console");
        assert!(b.text().await.contains("Today"));
        b.look_at("console").await;
        seen.insert("/console");

        // The owner moves to Grow on the subscription page (R5).
        b.click("a[href='/console/subscription']").await;
        assert_eq!(b.path().await, "/console/subscription");
        b.look_at("subscription").await;
        seen.insert("/console/subscription");
        b.client.find(Locator::Css("#plan option[value='grow']")).await.unwrap().click().await.unwrap();
        b.click("form[action='/console/subscription'] button").await;
        let text = b.text().await;
        assert!(text.contains("The plan is changed") && text.contains("Grow"), "{text}");

        // A service, its price entered and shown as money (U8).
        b.click("a[href='/console/services']").await;
        b.look_at("services").await;
        seen.insert("/console/services");
        b.fill("name", "Deep clean").await;
        b.fill("minutes", "120").await;
        b.fill("price", "90.005").await;
        b.click("form[action='/console/services'] button").await;
        assert!(b.text().await.contains("2 decimal places"), "{}", b.text().await);
        b.fill("price", "90").await;
        b.click("form[action='/console/services'] button").await;
        let text = b.text().await;
        assert!(text.contains("Service added") && text.contains("£90.00") && text.contains("2 h"), "{text}");

        // A customer added, then found by search.
        b.click("a[href='/console/customers']").await;
        b.look_at("customers").await;
        seen.insert("/console/customers");
        b.fill("first_name", "Bea").await;
        b.fill("last_name", "Brown").await;
        b.fill("email", "bea-at-x").await;
        b.click("form[method='post'][action='/console/customers'] button").await;
        assert!(b.text().await.contains("There is a problem"));
        b.fill("email", "bea@x.example").await;
        b.click("form[method='post'][action='/console/customers'] button").await;
        assert!(b.text().await.contains("Customer added"));
        b.fill("q", "brown").await;
        b.click("form.search button").await;
        let text = b.text().await;
        assert!(text.contains("Bea Brown") && text.contains("bea@x.example"), "{text}");

        // Import a CSV with one bad line: the line is named, nothing written;
        // the fixed file is checked, then imported.
        b.click("a[href='/console/customers/import']").await;
        b.look_at("customers-import").await;
        seen.insert("/console/customers/import");
        let dir = std::env::temp_dir().join(format!("rota-import-{}-{}", std::process::id(), s.base.len()));
        std::fs::create_dir_all(&dir).unwrap();
        let bad = dir.join("bad.csv");
        std::fs::write(&bad, "Email Address,First Name,Last Name\ncy@x.example,Cy,Young\nnot-an-email,Di,Dale\n").unwrap();
        b.client.find(Locator::Id("file")).await.unwrap().send_keys(bad.to_str().unwrap()).await.unwrap();
        b.submit().await;
        let text = b.text().await;
        assert!(text.contains("Line 3") && text.contains("Email Address") && text.contains("Nothing was written"), "{text}");
        b.look_at("customers-import-refused").await;
        let good = dir.join("good.csv");
        std::fs::write(&good, "Email Address,First Name,Last Name\ncy@x.example,Cy,Young\ndi@x.example,Di,Dale\n").unwrap();
        b.client.find(Locator::Id("file")).await.unwrap().send_keys(good.to_str().unwrap()).await.unwrap();
        b.click("form[enctype='multipart/form-data'] button").await;
        assert!(b.text().await.contains("Import 2 rows"), "{}", b.text().await);
        b.click("form[action='/console/customers/import/commit'] button").await;
        let text = b.text().await;
        assert!(text.contains("Customers imported") && text.contains("Di Dale"), "{text}");
        let _ = std::fs::remove_dir_all(&dir);

        // Invite a provider on the team page; they open the emailed link in
        // the browser, set a password and are signed in.
        b.click("a[href='/console/team']").await;
        b.look_at("team").await;
        seen.insert("/console/team");
        b.fill("name", "Pat Provider").await;
        b.fill("email", "not an email").await;
        b.click("form[action='/console/team'] button").await;
        assert!(b.text().await.contains("There is a problem"), "{}", b.text().await);
        b.fill("email", "pat@sparkle.example").await;
        b.click("form[action='/console/team'] button").await;
        let text = b.text().await;
        assert!(text.contains("Invitation sent") && text.contains("Pat Provider"), "{text}");
        let invite = s.emailed_token("pat@sparkle.example", "accept-invitation").await;
        b.open(&open(&format!("/accept-invitation?token={invite}"))).await;
        b.fill("password", "pat's long passphrase").await;
        b.submit().await;
        assert_eq!(b.path().await, "/console/mine", "a provider's console opens on their day");
        assert!(b.text().await.contains("Pat Provider"), "signed in as the provider");
        assert!(b.client.find(Locator::Css("a[href='/console/team']")).await.is_err(), "a provider sees no team page");

        // A non-owner administrator sees the plan but no change or cancel
        // action; a change posted by hand is refused.
        let owner_api = s
            .expect(201, "POST", "/v1/sessions", None,
                Some(json!({"business": "sparkle", "email": "olive@sparkle.example", "password": PW})))
            .await["token"].as_str().unwrap().to_owned();
        s.expect(201, "POST", "/v1/employees", Some(&owner_api),
            Some(json!({"name": "Ada Admin", "email": "ada@sparkle.example", "roles": ["administrator"]}))).await;
        let invite = s.emailed_token("ada@sparkle.example", "accept-invitation").await;
        let ada = s
            .expect(201, "POST", "/v1/invitations/accept", None,
                Some(json!({"token": invite, "password": "ada's long passphrase"})))
            .await["token"].as_str().unwrap().to_owned();
        let http = rota_tests::client().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let page = http.get(format!("{}/console/subscription", s.base))
            .header("cookie", format!("rota_session={ada}; rota_csrf=k-ada"))
            .send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Grow") && !page.contains("Change plan") && !page.contains("Cancel subscription"), "{page}");
        let res = http.post(format!("{}/console/subscription", s.base))
            .header("cookie", format!("rota_session={ada}; rota_csrf=k-ada"))
            .header("origin", &s.base)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("csrf=k-ada&plan=pro_max")
            .send().await.unwrap();
        assert_eq!(res.status().as_u16(), 403, "refused by the use case");
        assert!(res.text().await.unwrap().contains("Only an owner"));
        let plan = s.expect(200, "GET", "/v1/subscription", Some(&owner_api), None).await;
        assert_eq!(plan["plan"], "grow", "unchanged");

        // Sign out from the page; sign in again, once wrongly.
        sign_out(&b).await;
        assert_eq!(b.path().await, "/sign-in");
        b.look_at("sign-in").await;
        seen.insert("/sign-in");
        b.fill("business", "sparkle").await;
        b.fill("email", "olive@sparkle.example").await;
        b.fill("password", "not the password at all").await;
        b.submit().await;
        assert!(b.text().await.contains("not right"), "{}", b.text().await);
        b.fill("password", PW).await;
        b.submit().await;
        assert_eq!(b.path().await, "/console");

        // An expired or ended session: back on the page after signing in.
        sign_out(&b).await;
        b.open(&open("/console")).await;
        assert_eq!(b.path().await, "/sign-in");
        b.fill("business", "sparkle").await;
        b.fill("email", "olive@sparkle.example").await;
        b.fill("password", PW).await;
        b.submit().await;
        assert_eq!(b.path().await, "/console", "back where they were");

        // Book from the availability picker, reschedule by the form, and see
        // `double_booking` explained when a time was taken meanwhile.
        let pat = s.employee_id(&owner_api, "pat@sparkle.example").await;
        // Set the provider's work hours in the weekly editor.
        b.open(&open("/console/team")).await;
        b.click(&format!("a[href='/console/team/{pat}/hours']")).await;
        b.look_at("work-hours").await;
        seen.insert("/console/team/{id}/hours");
        b.client.execute(
            "for (const d of ['monday','tuesday','wednesday','thursday','friday','saturday','sunday']) {
                 document.getElementById(d + '_0').value = '08:00';
                 document.getElementById(d + '_1').value = '18:00';
             }
             document.getElementById('monday_2').value = '19:00';",
            vec![],
        ).await.unwrap();
        b.submit().await;
        assert!(b.text().await.contains("Monday: give both a start and an end"), "{}", b.text().await);
        b.client.execute("document.getElementById('monday_2').value = '';", vec![]).await.unwrap();
        b.submit().await;
        assert!(b.text().await.contains("Work hours saved"), "{}", b.text().await);
        let hours = s.expect(200, "GET", &format!("/v1/employees/{pat}/work-hours"), Some(&owner_api), None).await;
        assert_eq!(hours["hours"]["sunday"], json!([{"start": "08:00", "end": "18:00"}]), "{hours}");
        let service = s.expect(200, "GET", "/v1/services", Some(&owner_api), None).await[0]["id"].as_str().unwrap().to_owned();
        let bea = s.expect(200, "GET", "/v1/customers?q=brown", Some(&owner_api), None).await["items"][0]["id"].as_str().unwrap().to_owned();
        let picker = |day: &str| open(&format!("/console/bookings/new?customer={bea}&service={service}&provider={pat}&day={day}"));
        b.open(&picker("2030-03-04")).await;
        b.look_at("booking-new").await;
        seen.insert("/console/bookings/new");
        assert!(b.text().await.contains("08:00 with Pat Provider"), "{}", b.text().await);
        b.submit().await;
        assert!(b.path().await.starts_with("/console/bookings/"), "{}", b.path().await);
        assert!(b.text().await.contains("Booked."));
        b.look_at("booking").await;
        seen.insert("/console/bookings/{id}");
        b.client.execute("document.getElementById('day').value = '2030-03-05'; document.getElementById('time').value = '10:00';", vec![]).await.unwrap();
        b.click("form[action$='/reschedule'] button").await;
        let text = b.text().await;
        assert!(text.contains("The booking is moved") && text.contains("Tuesday 5 March 2030, 10:00"), "{text}");
        // Ask Bea to pay what is owed: emailed, and listed on the page.
        b.click("form[action$='/payment-request'] button").await;
        let text = b.text().await;
        assert!(text.contains("on its way to the customer") && text.contains("PAY-"), "{text}");
        b.look_at("booking-payment-requested").await;
        // Someone else takes 08:00 on the 6th while the picker is open.
        b.open(&picker("2030-03-06")).await;
        s.expect(201, "POST", "/v1/bookings", Some(&owner_api), Some(json!({"customer_id": bea,
            "service_id": service, "starts_at": "2030-03-06T08:00:00Z", "provider_ids": [pat]}))).await;
        b.submit().await;
        let text = b.text().await;
        assert!(text.contains("already taken"), "double_booking explained: {text}");
        assert_eq!(b.path().await, "/console/bookings", "the picker again, choices kept");

        // A customer accepts the emailed portal invitation in the browser.
        let owner = s
            .expect(201, "POST", "/v1/sessions", None,
                Some(json!({"business": "sparkle", "email": "olive@sparkle.example", "password": PW})))
            .await["token"].as_str().unwrap().to_owned();
        let ana = s
            .expect(201, "POST", "/v1/customers", Some(&owner),
                Some(json!({"first_name": "Ana", "last_name": "Smith", "email": "ana@x.example"})))
            .await["id"].as_str().unwrap().to_owned();
        s.expect(202, "POST", &format!("/v1/customers/{ana}/invite"), Some(&owner), None).await;
        let token = s.emailed_token("ana@x.example", "accept-invitation").await;
        sign_out(&b).await;
        b.open(&open(&format!("/accept-invitation?token={token}"))).await;
        b.look_at("accept-invitation").await;
        seen.insert("/accept-invitation");
        b.fill("password", "ana's long passphrase").await;
        b.submit().await;
        assert_eq!(b.path().await, "/portal", "a customer lands on the portal");
        assert!(b.text().await.contains("Your bookings"));
        b.look_at("portal").await;
        seen.insert("/portal");
        b.open(&open("/console")).await;
        assert_eq!(b.path().await, "/portal", "never on the console");
        let someone_elses = s.expect(200, "GET", &format!("/v1/bookings?customer_id={bea}"), Some(&owner), None)
            .await["items"][0]["id"].as_str().unwrap().to_owned();
        portal::walk(&b, &s, &mut seen, &portal::Customer {
            owner_api: &owner,
            id: &ana,
            email: "ana@x.example",
            password: "ana's long passphrase",
            pat: &pat,
            service: &service,
            someone_elses: &someone_elses,
        }).await;
        public::walk(&b, &s, &mut seen, &owner, &pat, &service).await;

        // Forgot password → the emailed link → a new password → sign in.
        b.open(&open("/forgot-password")).await;
        b.look_at("forgot-password").await;
        seen.insert("/forgot-password");
        b.fill("business", "sparkle").await;
        b.fill("email", "olive@sparkle.example").await;
        b.submit().await;
        assert!(b.text().await.contains("Check your email"));
        let token = s.emailed_token("olive@sparkle.example", "reset-password").await;
        b.open(&open(&format!("/reset-password?token={token}"))).await;
        b.look_at("reset-password").await;
        seen.insert("/reset-password");
        b.fill("password", "a brand new passphrase").await;
        b.submit().await;
        assert_eq!(b.path().await, "/sign-in");
        assert!(b.text().await.contains("new password is set"));
        b.fill("business", "sparkle").await;
        b.fill("email", "olive@sparkle.example").await;
        b.fill("password", "a brand new passphrase").await;
        b.submit().await;
        assert_eq!(b.path().await, "/console");

        // An email change confirmed by the link sent to the new address.
        let owner = s
            .expect(201, "POST", "/v1/sessions", None,
                Some(json!({"business": "sparkle", "email": "olive@sparkle.example",
                    "password": "a brand new passphrase"})))
            .await["token"].as_str().unwrap().to_owned();
        s.expect(200, "PATCH", &format!("/v1/customers/{ana}"), Some(&owner),
            Some(json!({"email": "ana.new@x.example"}))).await;
        let token = s.emailed_token("ana.new@x.example", "confirm-email").await;
        b.open(&open(&format!("/confirm-email?token={token}"))).await;
        b.look_at("confirm-email").await;
        seen.insert("/confirm-email");
        b.submit().await;
        assert!(b.text().await.contains("now uses ana.new@x.example"), "{}", b.text().await);

        // The rest of the console, signed in as the owner.
        let made = console::Made {
            owner_api: owner,
            owner_password: "a brand new passphrase",
            pat,
            bea,
            service,
        };
        console::walk(&b, &s, &mut seen, &made).await;
        series::walk(&b, &s, &made).await;
        provider::walk(&b, &s, &mut seen, &provider::Made {
            owner_password: "another long passphrase",
            pat: &made.pat,
            bea: &made.bea,
            service: &made.service,
        }).await;

        let every: BTreeSet<&str> = rota_web::PAGES.iter().copied().collect();
        assert_eq!(seen, every, "every page screenshotted and checked");
        b.stop().await;
        s.stop().await;
    }
}

rota_tests::on_every_store! {
    async fn u7_every_form_refuses_a_post_without_its_token_or_from_another_site(db: Db) {
        let s = Server::start_on("csrf", &db).await;
        let http = rota_tests::client()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        // A page gives its form token in a cookie and a hidden field.
        let page = http.get(format!("{}/sign-in", s.base)).send().await.unwrap();
        let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
        let cookie = page.headers()["set-cookie"].to_str().unwrap().to_owned();
        let token = cookie.split(';').next().unwrap().trim_start_matches("rota_csrf=").to_owned();
        assert!(!csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'"), "{csp}");
        for form in rota_web::FORMS {
            let url = format!("{}{form}", s.base);
            let body = format!("csrf={token}&business=sparkle&email=a%40b.example&password=x&token=t");
            // No token at all.
            let res = http.post(&url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("business=sparkle&email=a%40b.example&password=x")
                .send().await.unwrap();
            assert_eq!(res.status().as_u16(), 403, "{form} without a token");
            // A token that is not the cookie's.
            let res = http.post(&url)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", "rota_csrf=someone-elses")
                .body(body.clone())
                .send().await.unwrap();
            assert_eq!(res.status().as_u16(), 403, "{form} with another token");
            // The right token, from another site.
            let res = http.post(&url)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", format!("rota_csrf={token}"))
                .header("origin", "http://evil.example")
                .body(body.clone())
                .send().await.unwrap();
            assert_eq!(res.status().as_u16(), 403, "{form} from another site");
            // And from here, it is heard (whatever it then answers).
            let res = http.post(&url)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", format!("rota_csrf={token}"))
                .header("origin", &s.base)
                .body(body)
                .send().await.unwrap();
            assert_ne!(res.status().as_u16(), 403, "{form} from its own page");
        }
        // A file upload without the form token in its query string.
        let res = http.post(format!("{}/console/customers/import", s.base))
            .header("content-type", "multipart/form-data; boundary=x")
            .header("cookie", format!("rota_csrf={token}"))
            .header("origin", &s.base)
            .body("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nemail\r\n--x--\r\n")
            .send().await.unwrap();
        assert_eq!(res.status().as_u16(), 403, "an upload without its token");
        // No page carries script or inline style.
        for path in rota_web::PAGES {
            let res = http.get(format!("{}{path}", s.base)).send().await.unwrap();
            let csp = res.headers().get("content-security-policy").map(|v| v.to_str().unwrap().to_owned());
            let html = res.text().await.unwrap();
            if let Some(csp) = csp {
                assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
            }
            assert!(!html.contains("<script") && !html.contains(" style=") && !html.contains("<style"), "{path}");
        }
        s.stop().await;
    }
}
