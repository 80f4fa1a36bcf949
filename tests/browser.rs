//! A real browser for the page tests: Debian's `chromium`, driven through
//! `chromedriver` (`WebDriver`, on loopback) by `fantoccini`. Screenshots go under
//! `target/screenshots/`; accessibility is checked with axe-core (from npm,
//! `ROTA_AXE` names its `axe.min.js`; `.ci/run` installs it).
//!
//! Without Chromium, `ChromeDriver` or axe-core the page tests skip, except
//! when `CI` is set: then they fail.

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// The two widths every page is seen at (U8).
pub const SIZES: [(&str, u32, u32); 2] = [("phone", 375, 812), ("desktop", 1280, 800)];

/// A headless Chromium under test.
pub struct Browser {
    /// The `WebDriver` session.
    pub client: Client,
    driver: tokio::process::Child,
    axe: String,
    profile: PathBuf,
}

fn found(path: &str) -> Option<String> {
    std::path::Path::new(path).exists().then(|| path.to_owned())
}

/// Where axe-core's `axe.min.js` is, if installed.
fn axe_path() -> Option<String> {
    std::env::var("ROTA_AXE")
        .ok()
        .and_then(|p| found(&p))
        .or_else(|| {
            found(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../target/ci-node/node_modules/axe-core/axe.min.js"
            ))
        })
}

impl Browser {
    /// Starts `ChromeDriver` and a headless Chromium; `None` (the test skips)
    /// when they or axe-core are missing outside CI.
    pub async fn start(name: &str) -> Option<Self> {
        let chromium =
            std::env::var("ROTA_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let driver =
            std::env::var("ROTA_CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let (Some(chromium), Some(driver_path), Some(axe)) =
            (found(&chromium), found(&driver), axe_path())
        else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must install chromium, chromium-driver and axe-core (see .ci/run)"
            );
            eprintln!("skipped: Chromium, ChromeDriver or axe-core is not installed");
            return None;
        };
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let driver = tokio::process::Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver starts");
        let profile =
            std::env::temp_dir().join(format!("rota-chromium-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        });
        let caps: serde_json::Map<String, Value> = caps.as_object().unwrap().clone();
        let url = format!("http://127.0.0.1:{port}");
        let mut last = None;
        for _ in 0..100 {
            // ChromeDriver is on loopback: plain HTTP, no TLS.
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    let axe = std::fs::read_to_string(&axe).expect("axe-core is readable");
                    return Some(Self {
                        client,
                        driver,
                        axe,
                        profile,
                    });
                }
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not start a session: {last:?}");
    }

    /// Opens `url`.
    pub async fn open(&self, url: &str) {
        self.client.goto(url).await.expect("the page opens");
        self.settle().await;
    }

    /// Types `value` into the field labelled by id `id` (clearing it first).
    pub async fn fill(&self, id: &str, value: &str) {
        let field = self
            .client
            .find(Locator::Id(id))
            .await
            .unwrap_or_else(|e| panic!("no field #{id}: {e}"));
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }

    /// Presses the form's primary button and waits for the next page.
    pub async fn submit(&self) {
        self.click("form button.primary").await;
    }

    /// Clicks what `css` finds and waits until the page it leads to has
    /// loaded (the old page's `main` gone, the new one's complete).
    pub async fn click(&self, css: &str) {
        let old = self
            .client
            .find(Locator::Css("main"))
            .await
            .expect("a page");
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("nothing at {css}: {e}"))
            .click()
            .await
            .unwrap();
        for _ in 0..200 {
            if old.text().await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        self.settle().await;
    }

    /// Waits until the page has loaded.
    async fn settle(&self) {
        for _ in 0..200 {
            let state = self
                .client
                .execute("return document.readyState", vec![])
                .await;
            if matches!(state, Ok(Value::String(s)) if s == "complete") {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// The page's path.
    pub async fn path(&self) -> String {
        self.client.current_url().await.unwrap().path().to_owned()
    }

    /// The page's visible text.
    pub async fn text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Narrows the window to a phone's width (375 × 812), as a customer
    /// between two jobs would hold it.
    pub async fn phone(&self) {
        let (_, width, height) = SIZES[0];
        self.client
            .set_window_size(width, height)
            .await
            .expect("the window resizes");
    }

    /// Screenshots the page at phone and desktop width under
    /// `target/screenshots/<name>-<size>.png`, and checks it with axe-core:
    /// panics on any serious or critical violation.
    pub async fn look_at(&self, name: &str) {
        self.look_at_part(name, None).await;
    }

    /// [`Self::look_at`], scrolled so that what `css` finds is in view (a
    /// part of a long page).
    pub async fn look_at_part(&self, name: &str, css: Option<&str>) {
        let dir = PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../target/screenshots"
        ));
        std::fs::create_dir_all(&dir).unwrap();
        for (size, width, height) in SIZES {
            self.client
                .set_window_size(width, height)
                .await
                .expect("the window resizes");
            if let Some(css) = css {
                self.client
                    .execute(
                        "document.querySelector(arguments[0]).scrollIntoView();",
                        vec![Value::String(css.to_owned())],
                    )
                    .await
                    .expect("it scrolls");
            }
            let png = self.client.screenshot().await.expect("a screenshot");
            std::fs::write(dir.join(format!("{name}-{size}.png")), png).unwrap();
            let violations = self.axe().await;
            assert!(
                violations.is_empty(),
                "{name} at {size} width has serious or critical accessibility violations: {violations:#?}"
            );
        }
    }

    /// axe-core's serious and critical violations on the page.
    async fn axe(&self) -> Vec<String> {
        // Loaded once per page: a second copy would think a run is on.
        let loaded = self
            .client
            .execute("return typeof window.axe !== 'undefined'", vec![])
            .await
            .expect("the page answers");
        if loaded != Value::Bool(true) {
            self.client
                .execute(&self.axe, vec![])
                .await
                .expect("axe-core loads");
        }
        let script = r"
            const done = arguments[arguments.length - 1];
            axe.run(document).then(r => done(
                r.passes.length === 0 ? ['axe checked nothing'] :
                r.violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' — ' +
                        v.nodes.map(n => n.target.join(' ')).join(', '))
            ), e => done(['axe failed: ' + e]));
        ";
        let found = self
            .client
            .execute_async(script, vec![])
            .await
            .expect("axe-core runs");
        match found {
            Value::Array(items) => items
                .into_iter()
                .map(|v| v.as_str().unwrap_or_default().to_owned())
                .collect(),
            other => vec![format!("unexpected answer: {other}")],
        }
    }

    /// Ends the browser.
    pub async fn stop(mut self) {
        let _ = self.client.close().await;
        let _ = self.driver.kill().await;
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
