//! The product, walked as its users would: an owner signs up, moves to
//! `grow`, invites providers who accept by the emailed link, sets their work
//! hours, books customers; each provider sees only their own bookings and the
//! customer sees theirs in the portal.

#![allow(
    missing_docs,
    clippy::too_many_lines,
    reason = "a walk through the product reads best as one story"
)]

use rota_tests::{Server, invite_provider};
use serde_json::{Value, json};

const OWNER_PW: &str = "owner's long passphrase";

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap().to_owned())
        .collect()
}

rota_tests::on_every_store! {
    async fn an_owner_builds_a_team_and_books_customers_who_see_their_bookings(db: Db) {
        let s = Server::start_on("walk", &db).await;
        let owner = s
            .sign_up("sparkle", "olive@sparkle.example", OWNER_PW)
            .await;

        // R5: providers need a paid plan.
        let (status, body) = s
            .call(
                "POST",
                "/v1/employees",
                Some(&owner),
                Some(json!({"name": "Pat", "email": "pat@sparkle.example", "roles": ["service_provider"]})),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (409, Some("plan_required"))
        );
        s.expect(
            200,
            "PUT",
            "/v1/subscription",
            Some(&owner),
            Some(json!({"plan": "grow"})),
        )
        .await;

        let (pat, pat_token) = invite_provider(&s, &owner, "Pat Provider", "pat@sparkle.example").await;
        let (sam, sam_token) = invite_provider(&s, &owner, "Sam Provider", "sam@sparkle.example").await;

        // The team pages by id and filters by role and status (SPEC §7).
        let first = s
            .expect(200, "GET", "/v1/employees?role=service_provider&status=active&limit=1", Some(&owner), None)
            .await;
        let cursor = first["next_cursor"].as_str().expect("a second page").to_owned();
        let second = s
            .expect(200, "GET", &format!("/v1/employees?role=service_provider&status=active&limit=1&cursor={cursor}"), Some(&owner), None)
            .await;
        assert!(second["next_cursor"].is_null(), "{second}");
        let mut providers = [ids(&first), ids(&second)].concat();
        providers.sort();
        let mut expected = vec![pat.clone(), sam.clone()];
        expected.sort();
        assert_eq!(providers, expected);
        let admins = s
            .expect(200, "GET", "/v1/employees?role=administrator", Some(&owner), None)
            .await;
        assert_eq!(admins["items"].as_array().unwrap().len(), 1, "the owner alone: {admins}");
        assert!(s.expect(200, "GET", "/v1/employees?status=invited", Some(&owner), None).await["items"]
            .as_array().unwrap().is_empty());
        let (status, body) = s.call("GET", "/v1/employees?role=boss", Some(&owner), None).await;
        assert_eq!((status, body["code"].as_str()), (422, Some("validation")), "{body}");
        let (status, _) = s.call("GET", "/v1/employees?cursor=nonsense", Some(&owner), None).await;
        assert_eq!(status, 422);
        s.expect(403, "GET", "/v1/employees", Some(&pat_token), None).await;

        let week = json!({
            "time_zone": null,
            "hours": {
                "monday": [{"start": "09:00", "end": "17:00"}],
                "tuesday": [{"start": "09:00", "end": "17:00"}],
                "wednesday": [{"start": "09:00", "end": "17:00"}],
                "thursday": [{"start": "09:00", "end": "17:00"}],
                "friday": [{"start": "09:00", "end": "17:00"}]
            }
        });
        for p in [&pat, &sam] {
            s.expect(
                200,
                "PUT",
                &format!("/v1/employees/{p}/work-hours"),
                Some(&owner),
                Some(week.clone()),
            )
            .await;
        }
        // A provider may not change their own hours while `work_hours` is `view`.
        s.expect(
            403,
            "PUT",
            &format!("/v1/employees/{pat}/work-hours"),
            Some(&pat_token),
            Some(week),
        )
        .await;

        let service = s
            .expect(
                201,
                "POST",
                "/v1/services",
                Some(&owner),
                Some(json!({"name": "Deep clean", "duration_minutes": 120, "price_minor": 9000})),
            )
            .await;
        let service = service["id"].as_str().unwrap().to_owned();
        let mut customers = Vec::new();
        for (first, email) in [("Ana", "ana@x.example"), ("Ben", "ben@x.example")] {
            let c = s
                .expect(
                    201,
                    "POST",
                    "/v1/customers",
                    Some(&owner),
                    Some(json!({"first_name": first, "last_name": "Smith", "email": email, "city": "Leeds"})),
                )
                .await;
            customers.push(c["id"].as_str().unwrap().to_owned());
        }

        // Monday 2030-03-04, in London (GMT).
        let book = |customer: &str, provider: &str, at: &str| json!({"customer_id": customer, "service_id": service, "starts_at": at, "provider_ids": [provider]});
        let b1 = s
            .expect(
                201,
                "POST",
                "/v1/bookings",
                Some(&owner),
                Some(book(&customers[0], &pat, "2030-03-04T10:00:00Z")),
            )
            .await;
        assert_eq!(b1["ends_at"], "2030-03-04T12:00:00Z");
        let b2 = s
            .expect(
                201,
                "POST",
                "/v1/bookings",
                Some(&owner),
                Some(book(&customers[1], &sam, "2030-03-04T10:00:00Z")),
            )
            .await;
        // B4: Pat is taken at 11:00.
        let (status, body) = s
            .call(
                "POST",
                "/v1/bookings",
                Some(&owner),
                Some(book(&customers[1], &pat, "2030-03-04T11:00:00Z")),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (409, Some("double_booking")),
            "{body}"
        );
        // B5: outside work hours.
        let (status, body) = s
            .call(
                "POST",
                "/v1/bookings",
                Some(&owner),
                Some(book(&customers[1], &pat, "2030-03-04T18:00:00Z")),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (409, Some("outside_work_hours")),
            "{body}"
        );

        // R8/R10: each provider sees only their own bookings.
        let mine = s
            .expect(200, "GET", "/v1/bookings", Some(&pat_token), None)
            .await;
        assert_eq!(ids(&mine), vec![b1["id"].as_str().unwrap().to_owned()]);
        let mine = s
            .expect(200, "GET", "/v1/bookings", Some(&sam_token), None)
            .await;
        assert_eq!(ids(&mine), vec![b2["id"].as_str().unwrap().to_owned()]);
        s.expect(
            403,
            "GET",
            &format!("/v1/bookings/{}", b2["id"].as_str().unwrap()),
            Some(&pat_token),
            None,
        )
        .await;
        let all = s
            .expect(200, "GET", "/v1/bookings", Some(&owner), None)
            .await;
        assert_eq!(ids(&all).len(), 2);

        // The customer gets portal access and sees theirs.
        s.expect(
            202,
            "POST",
            &format!("/v1/customers/{}/invite", customers[0]),
            Some(&owner),
            None,
        )
        .await;
        let token = s.emailed_token("ana@x.example", "accept-invitation").await;
        let ana = s
            .expect(
                201,
                "POST",
                "/v1/invitations/accept",
                None,
                Some(json!({"token": token, "password": "ana's own passphrase"})),
            )
            .await;
        let ana = ana["token"].as_str().unwrap();
        let theirs = s.expect(200, "GET", "/v1/bookings", Some(ana), None).await;
        assert_eq!(ids(&theirs), vec![b1["id"].as_str().unwrap().to_owned()]);
        let me = s.expect(200, "GET", "/v1/me", Some(ana), None).await;
        assert_eq!(me["kind"], "customer");
        s.expect(403, "GET", "/v1/customers", Some(ana), None).await;

        // Sign-out ends the session.
        s.expect(204, "DELETE", "/v1/sessions/current", Some(ana), None)
            .await;
        s.expect(401, "GET", "/v1/me", Some(ana), None).await;

        s.stop().await;
    }
}

rota_tests::on_every_store! {
    async fn a4_a_forgotten_password_is_reset_by_the_emailed_link(db: Db) {
        let s = Server::start_on("reset", &db).await;
        let owner = s
            .sign_up("sparkle", "olive@sparkle.example", OWNER_PW)
            .await;
        let body = json!({"business": "sparkle", "email": "olive@sparkle.example"});
        let known = s
            .expect(202, "POST", "/v1/password-resets", None, Some(body))
            .await;
        let unknown = s
            .expect(
                202,
                "POST",
                "/v1/password-resets",
                None,
                Some(json!({"business": "sparkle", "email": "who@x.example"})),
            )
            .await;
        assert_eq!(known, unknown, "the answer tells nothing");
        let token = s
            .emailed_token("olive@sparkle.example", "reset-password")
            .await;
        assert!(token.len() >= 32);
        s.expect(
            204,
            "POST",
            "/v1/password-resets/confirm",
            None,
            Some(json!({"token": token, "new_password": "a new long passphrase"})),
        )
        .await;
        s.expect(401, "GET", "/v1/me", Some(&owner), None).await;
        let signin =
            |pw: &str| json!({"business": "sparkle", "email": "olive@sparkle.example", "password": pw});
        let (status, body) = s
            .call("POST", "/v1/sessions", None, Some(signin(OWNER_PW)))
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (401, Some("invalid_credentials"))
        );
        s.expect(
            201,
            "POST",
            "/v1/sessions",
            None,
            Some(signin("a new long passphrase")),
        )
        .await;
        s.stop().await;
    }
}
