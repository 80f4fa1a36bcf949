//! C1, C2 over HTTP: import all-or-nothing with line and column named,
//! the size limit, and the streamed export.

#![allow(missing_docs)]

use rota_tests::Server;

async fn post_csv(s: &Server, token: &str, query: &str, csv: Vec<u8>) -> (u16, serde_json::Value) {
    let res = s
        .http
        .post(format!("{}/v1/customers/import?{query}", s.base))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or_default())
}

rota_tests::on_every_store! {
    async fn c1_c2_import_is_all_or_nothing_and_export_streams_csv(db: Db) {
        let s = Server::start_on("bulk", &db).await;
        let owner = s
            .sign_up(
                "sparkle",
                "olive@sparkle.example",
                "owner's long passphrase",
            )
            .await;

        let bad = "\u{feff}Email Address,First Name,Last Name,Province/State\n\
                   ana@x.example,Ana,Smith,Ontario\n\
                   nope,Ben,Jones,Quebec\n";
        let (status, body) = post_csv(&s, &owner, "mode=commit", bad.into()).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (422, Some("import_rejected")),
            "{body}"
        );
        assert_eq!(body["errors"][0]["field"], "line 3: Email Address");
        let none = s
            .expect(200, "GET", "/v1/customers", Some(&owner), None)
            .await;
        assert_eq!(
            none["items"].as_array().unwrap().len(),
            0,
            "nothing was imported"
        );

        let good = bad.replace("nope", "ben@x.example");
        let (status, body) = post_csv(&s, &owner, "mode=dry_run", good.clone().into()).await;
        assert_eq!(
            (
                status,
                body["created"].as_u64(),
                body["committed"].as_bool()
            ),
            (200, Some(2), Some(false))
        );
        let (status, body) = post_csv(&s, &owner, "mode=commit&on_duplicate=skip", good.into()).await;
        assert_eq!(
            (
                status,
                body["created"].as_u64(),
                body["committed"].as_bool()
            ),
            (200, Some(2), Some(true))
        );

        let res = s
            .http
            .get(format!("{}/v1/customers/export", s.base))
            .bearer_auth(&owner)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let csv = res.text().await.unwrap();
        let mut lines = csv.lines();
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("email,first_name,last_name,")
        );
        assert_eq!(lines.count(), 2);
        assert!(csv.contains("ben@x.example,Ben,Jones,"));
        assert!(csv.contains("Quebec"));

        // Past the API's limit: 413, with a pointer to the CLI.
        let huge = vec![b'a'; 21 * 1024 * 1024];
        let (status, body) = post_csv(&s, &owner, "mode=dry_run", huge).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (413, Some("payload_too_large")),
            "{body}"
        );
        s.stop().await;
    }
}
