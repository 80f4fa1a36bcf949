//! A8 and A4 against a real SMTP server: aiosmtpd (PyPI), started by the
//! test. `.ci/run` installs it and sets `ROTA_PYTHON`; elsewhere the test is
//! skipped when aiosmtpd is missing (and fails when `CI` is set).

#![allow(missing_docs)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rota_app::auth::SignIn;
use rota_app::domain::business::{Currency, Zone};
use rota_app::domain::email::EmailAddress;
use rota_app::domain::jiff::{SignedDuration, Timestamp};
use rota_app::domain::name::{BusinessName, PersonName, Slug};
use rota_app::secrecy::SecretString;
use rota_app::signup::SignUp;
use rota_app::testing::{InsecureHasher, ManualClock, SequentialIds};
use rota_app::{Ports, Rota};
use rota_auth::RandomTokens;
use rota_email::{Postman, SealKey, Transport};
use rota_store_memory::MemoryStore;

fn python() -> String {
    std::env::var("ROTA_PYTHON").unwrap_or_else(|_| "python3".into())
}

fn aiosmtpd_available() -> bool {
    Command::new(python())
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct SmtpServer(Child);

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// aiosmtpd on `port`, storing what it receives in the maildir `dir`.
fn start_smtp(port: u16, dir: &Path) -> SmtpServer {
    let child = Command::new(python())
        .args(["-m", "aiosmtpd", "-n", "-l"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("aiosmtpd starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "aiosmtpd did not start listening"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    SmtpServer(child)
}

fn received(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir.join("new")) else {
        return Vec::new();
    };
    entries
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect()
}

/// The `token=` of the first link in a raw message, quoted-printable undone.
fn token_in(raw: &str) -> String {
    let unfolded = raw
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let start = unfolded
        .find("reset-password?token=")
        .expect("a reset link")
        + "reset-password?token=".len();
    unfolded[start..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rota-smtp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a8_a_reset_email_waits_out_an_smtp_outage_and_arrives_with_a_working_link() {
    if !aiosmtpd_available() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install aiosmtpd (see .ci/run)"
        );
        eprintln!("skipped: aiosmtpd is not installed for {}", python());
        return;
    }
    let port = free_port();
    let maildir = temp_dir("maildir");
    let clock = Arc::new(ManualClock::at(Timestamp::now()));
    let postman = Postman::new(
        SealKey::generate().unwrap(),
        "https://rota.example/",
        "Rota <no-reply@rota.example>",
        Transport::smtp(&format!("smtp://127.0.0.1:{port}")).unwrap(),
    )
    .unwrap();
    let rota = Rota::new(Ports {
        store: Arc::new(MemoryStore::new()),
        clock: clock.clone(),
        ids: Arc::new(SequentialIds::default()),
        hasher: Arc::new(InsecureHasher),
        tokens: Arc::new(RandomTokens),
        mailer: Arc::new(postman),
    });
    rota.sign_up(SignUp {
        business_name: BusinessName::parse("Sparkle").unwrap(),
        slug: Slug::parse("sparkle").unwrap(),
        time_zone: Zone::parse("Europe/London").unwrap(),
        currency: Currency::parse("GBP").unwrap(),
        owner_name: PersonName::parse("Olive Owner").unwrap(),
        email: EmailAddress::parse("olive@sparkle.example").unwrap(),
        password: SecretString::from("correct horse battery staple"),
    })
    .await
    .unwrap();
    rota.request_password_reset("sparkle", "olive@sparkle.example", None)
        .await
        .unwrap();

    // The SMTP server is down: the message stays queued.
    let report = rota.deliver_due_emails(10).await.unwrap();
    assert_eq!((report.sent, report.failed), (0, 1));

    // It comes back; after the backoff the message goes out, once.
    let _server = start_smtp(port, &maildir);
    clock.advance(SignedDuration::from_secs(30));
    let report = rota.deliver_due_emails(10).await.unwrap();
    assert_eq!((report.sent, report.failed), (1, 0));
    // Past the delivery lease, still within the link's 30 minutes.
    clock.advance(SignedDuration::from_mins(10));
    assert_eq!(rota.deliver_due_emails(10).await.unwrap().sent, 0);

    let deadline = Instant::now() + Duration::from_secs(10);
    let mails = loop {
        let mails = received(&maildir);
        if !mails.is_empty() || Instant::now() > deadline {
            break mails;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(mails.len(), 1, "exactly one email arrived");
    let mail = &mails[0];
    assert!(mail.contains("olive@sparkle.example"));
    assert!(mail.contains("Reset your Sparkle password"));
    assert!(mail.contains("https://rota.example/reset-password?token="));
    let token = token_in(mail);
    assert_eq!(token.len(), 64, "a 256-bit token: {token}");

    rota.reset_password(
        &SecretString::from(token),
        &SecretString::from("a brand new passphrase"),
    )
    .await
    .unwrap();
    rota.sign_in(SignIn {
        business: "sparkle".into(),
        email: "olive@sparkle.example".into(),
        password: SecretString::from("a brand new passphrase"),
        client: None,
    })
    .await
    .unwrap();
    let _ = std::fs::remove_dir_all(&maildir);
}
