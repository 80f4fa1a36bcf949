//! What Rota writes to disk is its owner's only: the `.eml` outbox (it holds
//! reset and invitation links, A4/A6), the SQLite database and the sealing
//! key (0600; the outbox folder 0700).

#![allow(missing_docs)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use rota_tests::Server;
use serde_json::json;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

rota_tests::on_every_store! {
    async fn a4_emailed_links_the_database_and_the_key_are_readable_by_their_owner_only(db: Db) {
        let s = Server::start_on("files", &db).await;
        s.sign_up("sparkle", "olive@sparkle.example", "owner's long passphrase").await;
        s.expect(202, "POST", "/v1/password-resets", None,
            Some(json!({"business": "sparkle", "email": "olive@sparkle.example"}))).await;
        s.emailed_token("olive@sparkle.example", "reset-password").await;
        let outbox = s.data_dir.join("outbox");
        assert_eq!(mode(&outbox), 0o700, "the outbox folder");
        for entry in std::fs::read_dir(&outbox).unwrap() {
            let path = entry.unwrap().path();
            assert_eq!(mode(&path), 0o600, "{}", path.display());
        }
        assert_eq!(mode(&s.data_dir.join("secret.key")), 0o600);
        if matches!(db, rota_tests::Db::Sqlite) {
            for file in ["rota.db", "rota.db-wal", "rota.db-shm"] {
                let path = s.data_dir.join(file);
                if path.exists() {
                    assert_eq!(mode(&path), 0o600, "{file}");
                }
            }
        }
        s.stop().await;
    }
}
