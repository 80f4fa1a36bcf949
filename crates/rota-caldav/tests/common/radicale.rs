//! A real Radicale (from PyPI, in the Python `ROTA_PYTHON` names) for the
//! tests: started on a free port with one user and its calendar, stopped
//! and started again on the same port and folder. Shared by rota-caldav's
//! own test and the end-to-end tests (`#[path]`).

#![allow(dead_code, reason = "each test uses its part")]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

/// The user every calendar here belongs to, and their password.
pub(crate) const USER: (&str, &str) = ("pat", "app-password");

pub(crate) struct Radicale {
    child: Child,
    port: u16,
    dir: PathBuf,
    python: String,
}

impl Radicale {
    /// Radicale in a folder of its own with `user` and their calendar
    /// `name`: the server and the calendar's URL.
    ///
    /// # Panics
    /// If Radicale does not start or refuses the calendar.
    pub(crate) async fn with_calendar(
        python: &str,
        user: &str,
        password: &str,
        name: &str,
    ) -> (Self, String) {
        // Plain HTTP for the test's own requests (rustls wants a provider).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("rota-radicale-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("users"), format!("{user}:{password}\n")).unwrap();
        let server = Self::start(python, &dir, port).await;
        let url = format!("{}/{user}/{name}/", server.base());
        assert_eq!(
            raw("MKCALENDAR", &url, None).await,
            201,
            "a calendar for {user}"
        );
        (server, url)
    }

    /// Stops it and removes its folder.
    pub(crate) fn remove(&mut self) {
        let _ = self.child.start_kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    pub(crate) async fn start(python: &str, dir: &Path, port: u16) -> Self {
        let child = Command::new(python)
            .args(["-m", "radicale", "--server-hosts"])
            .arg(format!("127.0.0.1:{port}"))
            .arg("--storage-filesystem-folder")
            .arg(dir.join("collections"))
            .args(["--auth-type", "htpasswd", "--auth-htpasswd-filename"])
            .arg(dir.join("users"))
            .args([
                "--auth-htpasswd-encryption",
                "plain",
                "--rights-type",
                "owner_only",
            ])
            .args(["--logging-level", "warning"])
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("Radicale starts (pip install radicale)");
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self {
            child,
            port,
            dir: dir.to_owned(),
            python: python.to_owned(),
        }
    }

    pub(crate) async fn stop(&mut self) {
        self.child.kill().await.unwrap();
        self.child.wait().await.unwrap();
    }

    pub(crate) async fn restart(&mut self) {
        let again = Self::start(&self.python, &self.dir, self.port).await;
        *self = again;
    }

    pub(crate) fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// What `url` holds, fetched as the calendar's user.
pub(crate) async fn text(url: &str) -> String {
    reqwest::Client::new()
        .get(url)
        .basic_auth(USER.0, Some(USER.1))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The calendar's resources, as a plain HTTP client sees them.
pub(crate) async fn resources(url: &str) -> Vec<String> {
    let body = reqwest::Client::new()
        .request(reqwest::Method::from_bytes(b"PROPFIND").unwrap(), url)
        .basic_auth(USER.0, Some(USER.1))
        .header("Depth", "1")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    body.split("<href>")
        .skip(1)
        .filter_map(|h| h.split("</href>").next())
        .filter(|h| {
            Path::new(h)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("ics"))
        })
        .map(str::to_owned)
        .collect()
}

pub(crate) async fn raw(method: &str, url: &str, body: Option<&str>) -> u16 {
    let mut req = reqwest::Client::new()
        .request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), url)
        .basic_auth(USER.0, Some(USER.1));
    if let Some(b) = body {
        req = req
            .header("Content-Type", "text/calendar; charset=utf-8")
            .body(b.to_owned());
    }
    req.send().await.unwrap().status().as_u16()
}
