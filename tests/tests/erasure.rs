//! Erasing a customer over HTTP, on both stores: afterwards no column of
//! any row of any table — audit entries, idempotency replays and outbox
//! messages included — holds their name, email, phone, address or notes,
//! while the report's totals are what they were.

#![allow(missing_docs, reason = "tests")]

use rota_tests::{Db, Server, invite_provider};
use serde_json::{Value, json};
use sqlx::{Connection, Row};

const OWNER_PW: &str = "owner's long passphrase";
const EMAIL: &str = "zebedee.quixotic@example.org";

/// What must not survive, lower-cased: name, email, phone, address, notes
/// (the customer's and their booking's).
const NEEDLES: [&str; 10] = [
    "zebedee",
    "zebedee.q2@example.org",
    "zeb.pending@example.org",
    "quixotic",
    "zebedee.quixotic@example.org",
    "7700 900461",
    "marigold lane",
    "zq1 7xy",
    "lavender-free",
    "gate code 4471",
];

/// Every value of every column of every table, as text, with where it is.
async fn every_value(db: &Db, s: &Server) -> Vec<(String, String)> {
    let mut found = Vec::new();
    match db {
        Db::Sqlite => {
            let url = format!("sqlite://{}?mode=ro", s.data_dir.join("rota.db").display());
            let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
            let tables: Vec<String> =
                sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
                    .fetch_all(&mut c)
                    .await
                    .unwrap();
            for table in tables {
                let columns: Vec<String> =
                    sqlx::query_scalar("SELECT name FROM pragma_table_info(?)")
                        .bind(&table)
                        .fetch_all(&mut c)
                        .await
                        .unwrap();
                for column in columns {
                    let sql = format!(
                        "SELECT CAST(\"{column}\" AS BLOB) FROM \"{table}\" WHERE \"{column}\" IS NOT NULL"
                    );
                    let values: Vec<Vec<u8>> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                        .fetch_all(&mut c)
                        .await
                        .unwrap();
                    found.extend(values.into_iter().map(|v| {
                        (
                            format!("{table}.{column}"),
                            String::from_utf8_lossy(&v).into_owned(),
                        )
                    }));
                }
            }
        }
        Db::Postgres(url) => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            let columns = sqlx::query(
                "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns \
                 WHERE table_schema = current_schema()",
            )
            .fetch_all(&mut c)
            .await
            .unwrap();
            for row in columns {
                let (table, column, kind): (String, String, String) =
                    (row.get(0), row.get(1), row.get(2));
                let value = if kind == "bytea" {
                    format!("encode(\"{column}\", 'escape')")
                } else {
                    format!("CAST(\"{column}\" AS text)")
                };
                let sql = format!("SELECT {value} FROM \"{table}\" WHERE \"{column}\" IS NOT NULL");
                let values: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .fetch_all(&mut c)
                    .await
                    .unwrap();
                found.extend(values.into_iter().map(|v| (format!("{table}.{column}"), v)));
            }
        }
    }
    found
}

/// Where any needle still is.
async fn traces(db: &Db, s: &Server) -> Vec<String> {
    every_value(db, s)
        .await
        .into_iter()
        .filter_map(|(at, value)| {
            let lower = value.to_lowercase();
            NEEDLES
                .iter()
                .find(|n| lower.contains(*n))
                .map(|n| format!("{at} holds {n:?}"))
        })
        .collect()
}

rota_tests::on_every_store! {
    async fn erasing_a_customer_leaves_no_trace_of_them_in_any_table_and_keeps_the_totals(db: Db) {
        let s = Server::start_on("erasure", &db).await;
        let owner = s.sign_up("sparkle", "olive@sparkle.example", OWNER_PW).await;
        let owner = owner.as_str();
        s.expect(200, "PUT", "/v1/subscription", Some(owner), Some(json!({"plan": "grow"}))).await;
        let (pat, _) = invite_provider(&s, owner, "Pat Provider", "pat@sparkle.example").await;
        let customer = s
            .expect(201, "POST", "/v1/customers", Some(owner), Some(json!({
                "first_name": "Zebedee", "last_name": "Quixotic", "email": EMAIL,
                "phone": "+44 7700 900461", "address1": "17 Marigold Lane", "city": "Thornbury",
                "postal_code": "ZQ1 7XY", "notes": "Prefers lavender-free products"
            })))
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        s.expect(200, "PATCH", &format!("/v1/customers/{customer}"), Some(owner),
            Some(json!({"city": "Thornbury Vale"}))).await;
        // Portal access, a session, a reset request and a failed sign-in:
        // sessions, tokens, throttles and emails that name them.
        s.expect(202, "POST", &format!("/v1/customers/{customer}/invite"), Some(owner), None).await;
        let token = s.emailed_token(EMAIL, "accept-invitation").await;
        let zeb = s
            .expect(201, "POST", "/v1/invitations/accept", None,
                Some(json!({"token": token, "password": "zebedee's long passphrase"})))
            .await["token"]
            .as_str()
            .unwrap()
            .to_owned();
        s.expect(202, "POST", "/v1/password-resets", None,
            Some(json!({"business": "sparkle", "email": EMAIL}))).await;
        s.call("POST", "/v1/sessions", None,
            Some(json!({"business": "sparkle", "email": EMAIL, "password": "not the passphrase"}))).await;

        // Their address changed once, confirmed (the old one is told), and
        // a second change is asked for and not confirmed.
        let path = format!("/v1/customers/{customer}");
        s.expect(200, "PATCH", &path, Some(owner), Some(json!({"email": "zebedee.q2@example.org"}))).await;
        let token = s.emailed_token("zebedee.q2@example.org", "confirm-email").await;
        s.expect(200, "POST", "/v1/email-changes/confirm", None, Some(json!({"token": token}))).await;
        s.expect(200, "PATCH", &path, Some(owner), Some(json!({"email": "zeb.pending@example.org"}))).await;
        s.emailed_token("zeb.pending@example.org", "confirm-email").await;

        // A past booking, with notes and an idempotency key (its replay
        // holds the customer's name), completed and paid.
        let res = s
            .http
            .post(format!("{}/v1/bookings", s.base))
            .bearer_auth(owner)
            .header("Idempotency-Key", "erasure-1")
            .json(&json!({"customer_id": customer, "starts_at": "2026-11-02T10:00:00Z",
                "ends_at": "2026-11-02T11:00:00Z", "provider_ids": [pat], "price_minor": 7000,
                "notes": "Zebedee's gate code 4471", "allow_outside_work_hours": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 201);
        let past: Value = res.json().await.unwrap();
        let past = past["id"].as_str().unwrap().to_owned();
        s.expect(200, "POST", &format!("/v1/bookings/{past}/start"), Some(owner), None).await;
        s.expect(200, "POST", &format!("/v1/bookings/{past}/complete"), Some(owner), None).await;
        s.expect(201, "POST", &format!("/v1/bookings/{past}/payments"), Some(owner),
            Some(json!({"amount_minor": 7000, "tip_minor": 500, "method": "cash"}))).await;
        let report = "/v1/reports/summary?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z";
        let before = s.expect(200, "GET", report, Some(owner), None).await;
        assert_eq!(before["paid_minor"], 7000, "{before}");

        // A booking to come: erasing is refused until it is cancelled.
        let ahead = s
            .expect(201, "POST", "/v1/bookings", Some(owner), Some(json!({"customer_id": customer,
                "starts_at": "2030-01-07T10:00:00Z", "ends_at": "2030-01-07T11:00:00Z",
                "provider_ids": [pat], "allow_outside_work_hours": true})))
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let erase = format!("/v1/customers/{customer}/erase");
        let (status, body) = s.call("POST", &erase, Some(owner), None).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("customer_has_upcoming_bookings")), "{body}");
        s.expect(200, "POST", &format!("/v1/bookings/{ahead}/cancel"), Some(owner), None).await;

        // Before: the store is full of them (so the scan below can fail).
        let seen = traces(&db, &s).await;
        for table in ["accounts.", "bookings.notes", "outbox.", "idempotency_keys.", "sign_in_throttles."] {
            assert!(seen.iter().any(|t| t.starts_with(table)), "{table} not seen in {seen:#?}");
        }

        let erased = s.expect(200, "POST", &erase, Some(owner), None).await;
        assert_eq!(erased["first_name"], "Erased", "{erased}");
        assert!(erased["email"].as_str().unwrap().ends_with("@erased.invalid"), "{erased}");
        let left = traces(&db, &s).await;
        assert!(left.is_empty(), "traces left after erasure: {left:#?}");

        // The totals are unchanged; they are gone from the portal; erasing
        // again changes nothing; restoring is refused; it is audited.
        let after = s.expect(200, "GET", report, Some(owner), None).await;
        assert_eq!(after, before);
        let (status, _) = s.call("GET", "/v1/me", Some(&zeb), None).await;
        assert_eq!(status, 401);
        let (status, _) = s.call("POST", "/v1/sessions", None, Some(json!({"business": "sparkle",
            "email": EMAIL, "password": "zebedee's long passphrase"}))).await;
        assert_eq!(status, 401);
        s.expect(200, "POST", &erase, Some(owner), None).await;
        let (status, body) = s.call("POST", &format!("/v1/customers/{customer}/restore"), Some(owner), None).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("customer_erased")), "{body}");
        let log = s.expect(200, "GET", "/v1/audit-events", Some(owner), None).await.to_string();
        assert!(log.contains("customer_erased"), "{log}");
        let booking = s.expect(200, "GET", &format!("/v1/bookings/{past}"), Some(owner), None).await;
        assert_eq!((booking["paid_minor"].as_i64(), booking["notes"].clone()), (Some(7000), Value::Null));
    }
}
