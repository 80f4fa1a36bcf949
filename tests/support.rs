//! Support for the end-to-end tests: the real server (`rota_server`) on an
//! ephemeral port with its own data directory, and a small HTTP client.

#![allow(
    clippy::missing_panics_doc,
    reason = "test support reports a broken expectation by panicking"
)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use rota_server::{Config, Runtime, serve_on};

#[path = "browser.rs"]
pub mod browser;
use serde_json::{Value, json};
use sqlx::Connection;
use tokio::sync::oneshot;

/// A builder for the tests' own HTTP clients. The workspace's reqwest
/// carries rustls without a chosen crypto provider (rota-caldav hands its
/// client a configuration of its own), so a plain `reqwest::Client::new()`
/// would panic; this installs ring, the provider the rest of the workspace
/// already builds, as the process default first.
pub fn client() -> reqwest::ClientBuilder {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}

/// The database a server under test runs on: every end-to-end test runs
/// on both (SPEC §1, §8).
#[derive(Clone, Debug)]
pub enum Db {
    /// The embedded default, a file in the server's data directory.
    Sqlite,
    /// A fresh schema of `ROTA_TEST_DATABASE_URL`: the URL with its
    /// `search_path`.
    Postgres(String),
}

static NEXT_SCHEMA: AtomicU32 = AtomicU32::new(0);

impl Db {
    /// A fresh PostgreSQL schema, when `ROTA_TEST_DATABASE_URL` is set
    /// (when `CI` is set it must be: the end-to-end suite runs on both
    /// stores there).
    pub async fn postgres() -> Option<Self> {
        let Ok(url) = std::env::var("ROTA_TEST_DATABASE_URL") else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI runs the end-to-end suite on PostgreSQL: set ROTA_TEST_DATABASE_URL"
            );
            eprintln!("skipped on PostgreSQL: ROTA_TEST_DATABASE_URL is not set");
            return None;
        };
        let mut admin = sqlx::PgConnection::connect(&url)
            .await
            .expect("ROTA_TEST_DATABASE_URL is reachable");
        let _ = sqlx::query("CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public")
            .execute(&mut admin)
            .await;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        // Named like the contract's schemas, so its sweep drops old ones.
        let schema = format!(
            "rota_t_{now}_{}_e{}",
            std::process::id(),
            NEXT_SCHEMA.fetch_add(1, Ordering::Relaxed)
        );
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA \"{schema}\"")))
            .execute(&mut admin)
            .await
            .expect("a test schema can be created");
        let sep = if url.contains('?') { '&' } else { '?' };
        Some(Self::Postgres(format!(
            "{url}{sep}options=-c%20search_path%3D{schema},public"
        )))
    }

    /// Drops a PostgreSQL test schema (after its last connection is gone);
    /// nothing for SQLite, whose file goes with its data directory.
    pub async fn drop_data(&self) {
        let Self::Postgres(url) = self else { return };
        let Some((base, options)) = url.split_once("options=-c%20search_path%3D") else {
            return;
        };
        let schema = options.split(',').next().unwrap_or_default();
        let base = base.trim_end_matches(['?', '&']);
        if let Ok(mut admin) = sqlx::PgConnection::connect(base).await {
            let drop = format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
            let _ = sqlx::query(sqlx::AssertSqlSafe(drop))
                .execute(&mut admin)
                .await;
        }
    }

    /// The `DATABASE_URL` a server on this database is given.
    #[must_use]
    pub fn url(&self) -> Option<String> {
        match self {
            Self::Sqlite => None,
            Self::Postgres(url) => Some(url.clone()),
        }
    }
}

/// Runs an end-to-end test on SQLite and on PostgreSQL: the body becomes
/// `async fn run(db: Db)`, and two tests, `<name>::sqlite` and
/// `<name>::postgres`, call it (the latter skipped without
/// `ROTA_TEST_DATABASE_URL`, failing under `CI`).
#[macro_export]
macro_rules! on_every_store {
    ($(#[doc = $doc:literal])* async fn $name:ident($db:ident: Db) $body:block) => {
        $(#[doc = $doc])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($db: $crate::Db) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                run($crate::Db::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                if let Some(db) = $crate::Db::postgres().await {
                    run(db).await;
                }
            }
        }
    };
}

/// A running server.
pub struct Server {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// Its data directory (SQLite file, `.eml` outbox).
    pub data_dir: PathBuf,
    /// The HTTP client.
    pub http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<Result<(), String>>>,
    /// A server run as its own `rota serve` process.
    child: Option<tokio::process::Child>,
    /// The in-process server's password hasher.
    hasher: Option<rota_auth::Argon2Hasher>,
}

impl Server {
    /// Starts the server on SQLite in a fresh directory.
    pub async fn start(name: &str) -> Self {
        Self::start_on(name, &Db::Sqlite).await
    }

    /// Starts the server on `db`, with a fresh data directory.
    pub async fn start_on(name: &str, db: &Db) -> Self {
        let data_dir = std::env::temp_dir().join(format!(
            "rota-e2e-{name}-{}-{}",
            std::process::id(),
            NEXT_SCHEMA.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&data_dir);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let base = format!("http://{addr}");
        let config = Config {
            data_dir: data_dir.clone(),
            database_url: db.url(),
            smtp_url: None,
            base_url: Some(base.clone()),
            mail_from: "Rota <no-reply@rota.localhost>".into(),
            listen: addr,
            db_max_connections: rota_server::DEFAULT_DB_CONNECTIONS,
            db_idle_seconds: 60,
            // The tests speak for many clients through X-Forwarded-For.
            trusted_proxies: vec![std::net::Ipv4Addr::LOCALHOST.into()],
        };
        let runtime = Runtime::open(&config).await.unwrap();
        let hasher = runtime.hasher.clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            serve_on(runtime, listener, async {
                let _ = stopped.await;
            })
            .await
            .map_err(|e| format!("{e:#}"))
        });
        Self {
            base,
            data_dir,
            http: client().build().expect("an HTTP client"),
            stop: Some(stop),
            task: Some(task),
            child: None,
            hasher: Some(hasher),
        }
    }

    /// Starts `rota serve` as a process of its own (the binary `exe`) on
    /// `db`, with `data_dir` (which processes may share: the `.eml` outbox
    /// is then one folder) and the sealing key `key` (hex), on a free port.
    pub async fn spawn(exe: &str, db: &Db, data_dir: &Path, key: &str) -> Self {
        Self::spawn_with(exe, db, data_dir, key, &[]).await
    }

    /// [`Server::spawn`] with more environment (`ROTA_DB_IDLE_SECONDS`…).
    pub async fn spawn_with(
        exe: &str,
        db: &Db,
        data_dir: &Path,
        key: &str,
        env: &[(&str, &str)],
    ) -> Self {
        use tokio::io::AsyncBufReadExt;
        let mut cmd = tokio::process::Command::new(exe);
        cmd.arg("serve")
            .env("ROTA_DATA_DIR", data_dir)
            .env("ROTA_LISTEN", "127.0.0.1:0")
            .env("ROTA_SECRET_KEY", key)
            .env("RUST_LOG", "warn")
            .env_remove("DATABASE_URL")
            .env_remove("SMTP_URL")
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true);
        if let Some(url) = db.url() {
            cmd.env("DATABASE_URL", url);
        }
        cmd.envs(env.iter().copied());
        let mut child = cmd.spawn().expect("rota serve starts");
        let stdout = child.stdout.take().unwrap();
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let base = tokio::time::timeout(Duration::from_mins(1), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                if let Some(rest) = line.strip_prefix("Rota listening on ") {
                    return rest.split_whitespace().next().unwrap().to_owned();
                }
            }
            panic!("rota serve ended before listening");
        })
        .await
        .expect("rota serve listens within a minute");
        // Keep reading its output so it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Self {
            base,
            data_dir: data_dir.to_owned(),
            http: client().build().expect("an HTTP client"),
            stop: None,
            task: None,
            child: Some(child),
            hasher: None,
        }
    }

    /// How many password hashes and verifications the server has run.
    #[must_use]
    pub fn hashes_run(&self) -> u64 {
        self.hasher
            .as_ref()
            .map_or(0, rota_auth::Argon2Hasher::runs)
    }

    /// The emails written to the outbox folder so far, as text.
    #[must_use]
    pub fn emails(&self) -> Vec<String> {
        std::fs::read_dir(self.data_dir.join("outbox"))
            .map(|dir| {
                dir.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Stops the server gracefully and removes its directory.
    pub async fn stop(mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill().await;
            return;
        }
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }

    /// Sends a request; returns the status and the JSON body (`Null` when empty).
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, value)
    }

    /// Sends a request that must answer `expected`; returns the body.
    pub async fn expect(
        &self,
        expected: u16,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Value {
        let (status, value) = self.call(method, path, token, body).await;
        assert_eq!(
            status, expected,
            "{method} {path} answered {status}: {value}"
        );
        value
    }

    /// Waits for an email to `to` whose link has `path?token=`, and returns
    /// the token (quoted-printable undone).
    pub async fn emailed_token(&self, to: &str, path: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(t) = find_token(&self.data_dir.join("outbox"), to, path) {
                return t;
            }
            assert!(
                Instant::now() < deadline,
                "no email to {to} with a {path} link"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Signs in over the API at `business`; returns the session's token.
    pub async fn session(&self, business: &str, email: &str, password: &str) -> String {
        let v = self
            .expect(
                201,
                "POST",
                "/v1/sessions",
                None,
                Some(json!({"business": business, "email": email, "password": password})),
            )
            .await;
        v["token"].as_str().unwrap().to_owned()
    }

    /// The id of the employee with `email`, as `GET /v1/employees` lists it.
    pub async fn employee_id(&self, token: &str, email: &str) -> String {
        let all = self
            .expect(200, "GET", "/v1/employees?limit=200", Some(token), None)
            .await;
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["email"] == email)
            .unwrap_or_else(|| panic!("no employee {email}"))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Signs a business up; returns the owner's token.
    pub async fn sign_up(&self, slug: &str, email: &str, password: &str) -> String {
        let v = self
            .expect(
                201,
                "POST",
                "/v1/businesses",
                None,
                Some(json!({
                    "business_name": "Sparkle Cleaning",
                    "slug": slug,
                    "time_zone": "Europe/London",
                    "currency": "GBP",
                    "owner_name": "Olive Owner",
                    "email": email,
                    "password": password,
                })),
            )
            .await;
        v["session"]["token"].as_str().unwrap().to_owned()
    }
}

/// The slot starts of the first provider in a `GET /v1/availability`
/// answer, as RFC 3339 text.
#[must_use]
pub fn slot_starts(found: &serde_json::Value) -> Vec<String> {
    found[0]["slots"]
        .as_array()
        .map(|slots| {
            slots
                .iter()
                .map(|s| s["starts_at"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Adds a provider by invitation and accepts it by the emailed link;
/// returns the account's id and a session token.
pub async fn invite_provider(s: &Server, owner: &str, name: &str, email: &str) -> (String, String) {
    let account = s
        .expect(
            201,
            "POST",
            "/v1/employees",
            Some(owner),
            Some(json!({"name": name, "email": email, "roles": ["service_provider"]})),
        )
        .await;
    assert_eq!(account["status"], "invited");
    let token = s.emailed_token(email, "accept-invitation").await;
    let signed = s
        .expect(
            201,
            "POST",
            "/v1/invitations/accept",
            None,
            Some(json!({"token": token, "password": format!("{name} passphrase")})),
        )
        .await;
    assert_eq!(signed["account"]["status"], "active");
    (
        account["id"].as_str().unwrap().to_owned(),
        signed["token"].as_str().unwrap().to_owned(),
    )
}

fn find_token(outbox: &Path, to: &str, path: &str) -> Option<String> {
    let needle = format!("{path}?token=");
    for entry in std::fs::read_dir(outbox).ok()? {
        let text = std::fs::read_to_string(entry.ok()?.path()).ok()?;
        let unfolded = text
            .replace("=\r\n", "")
            .replace("=\n", "")
            .replace("=3D", "=");
        if !unfolded.contains(&format!("To: {to}")) {
            continue;
        }
        if let Some(i) = unfolded.find(&needle) {
            let token: String = unfolded[i + needle.len()..]
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            return Some(token);
        }
    }
    None
}

/// The peak resident memory of this process, in KiB (Linux).
#[must_use]
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
