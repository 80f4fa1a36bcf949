//! The README's walkthrough works as written: its `sh` block is run by bash
//! against a fresh server (only the address is changed).

#![allow(missing_docs)]

use std::process::Command;

use rota_tests::Server;

fn walkthrough() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("the README is readable");
    let start = readme
        .find("<!-- walkthrough:start -->")
        .expect("the README marks its walkthrough");
    let end = readme
        .find("<!-- walkthrough:end -->")
        .expect("…and its end");
    let block = &readme[start..end];
    let code_start = block.find("```sh\n").expect("a sh block") + "```sh\n".len();
    let code_end = block[code_start..].find("```").expect("a closed block") + code_start;
    block[code_start..code_end].to_owned()
}

rota_tests::on_every_store! {
    async fn the_readme_walkthrough_works_as_written(db: Db) {
        let script = walkthrough();
        assert!(script.contains("API=http://127.0.0.1:8080"));
        let s = Server::start_on("readme", &db).await;
        let script = script.replace("API=http://127.0.0.1:8080", &format!("API={}", s.base));
        let output = tokio::task::spawn_blocking(move || {
            Command::new("bash")
                .args(["-euo", "pipefail", "-c", &script])
                .output()
                .expect("bash runs")
        })
        .await
        .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "the walkthrough failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.contains("\"status\":\"scheduled\""), "{stdout}");
        assert!(
            stdout.contains("\"starts_at\":\"2030-03-04T10:00:00Z\""),
            "{stdout}"
        );
        s.stop().await;
    }
}

/// `rota demo` tells a person where the console is and how to sign in to it.
#[test]
fn rota_demo_prints_the_console_address_and_the_demo_sign_in() {
    let data_dir = std::env::temp_dir().join(format!("rota-e2e-demo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    let output = Command::new(env!("CARGO_BIN_EXE_rota-under-test"))
        .arg("demo")
        .env("ROTA_DATA_DIR", &data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("ROTA_LISTEN")
        .output()
        .expect("rota demo runs");
    let _ = std::fs::remove_dir_all(&data_dir);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("open the console at http://127.0.0.1:8080/\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "sign in with business: demo, email: owner@demo.example, password: demo owner passphrase"
        ),
        "{stdout}"
    );
}
