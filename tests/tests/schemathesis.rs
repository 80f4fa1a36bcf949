//! An outside fuzzer against the served OpenAPI document: schemathesis
//! (PyPI), with an owner's token, finds no 5xx, no response outside the
//! schema (status, content type, body) and no route that accepts a request
//! without authentication when it should not.
//!
//! `.ci/run` installs schemathesis and sets `ROTA_SCHEMATHESIS`; elsewhere
//! the test is skipped when it is missing (and fails when `CI` is set).

#![allow(missing_docs)]

use std::process::Command;

use rota_tests::Server;

fn schemathesis() -> Option<String> {
    let exe = std::env::var("ROTA_SCHEMATHESIS").unwrap_or_else(|_| "schemathesis".into());
    Command::new(&exe)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| exe)
}

rota_tests::on_every_store! {
    async fn schemathesis_finds_no_5xx_no_schema_violation_and_no_ignored_auth(db: Db) {
        let Some(exe) = schemathesis() else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must install schemathesis (see .ci/run)"
            );
            eprintln!("skipped: schemathesis is not installed");
            return;
        };
        let s = Server::start_on("schemathesis", &db).await;
        let token = s
            .sign_up(
                "sparkle",
                "olive@sparkle.example",
                "correct horse battery staple",
            )
            .await;
        let url = format!("{}/v1/openapi.json", s.base);
        let output = tokio::task::spawn_blocking(move || {
            Command::new(exe)
                .args(["run", &url, "--header"])
                .arg(format!("Authorization: Bearer {token}"))
                .args([
                    "--checks",
                    "not_a_server_error,response_schema_conformance,content_type_conformance,ignored_auth",
                    "--max-examples",
                    "25",
                    "--seed",
                    "20261122",
                    "--warnings",
                    "off",
                    "--no-color",
                ])
                .env("SCHEMATHESIS_HOOKS", "")
                .output()
                .expect("schemathesis runs")
        })
        .await
        .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let summary: String = stdout
            .lines()
            .skip_while(|l| !l.contains("SUMMARY"))
            .collect::<Vec<_>>()
            .join("\n");
        eprintln!("{summary}");
        assert!(
            output.status.success(),
            "schemathesis found problems:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        s.stop().await;
    }
}
