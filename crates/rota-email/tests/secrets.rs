//! A1, A3, A4, A6: no plaintext password or token reaches the database, the
//! logs or `Debug` output — checked on a real SQLite file with the real
//! hasher, token source and sealing mailer.

#![allow(missing_docs, clippy::too_many_lines)]

use std::io::Write;
use std::sync::{Arc, Mutex};

use rota_app::auth::SignIn;
use rota_app::domain::business::{Currency, Zone};
use rota_app::domain::email::EmailAddress;
use rota_app::domain::name::{BusinessName, PersonName, Slug};
use rota_app::domain::plan::Plan;
use rota_app::domain::role::{EmployeeRoles, RoleSet};
use rota_app::employees::NewEmployee;
use rota_app::secrecy::{ExposeSecret, SecretString};
use rota_app::signup::SignUp;
use rota_app::testing::ManualClock;
use rota_app::{Ports, Rota};
use rota_auth::{Argon2Hasher, RandomTokens, TimeOrderedIds};
use rota_email::{Postman, SealKey, Transport};
use rota_store_sqlite::SqliteStore;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a1_a3_no_plaintext_secret_in_the_database_logs_or_debug_output() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let dir = std::env::temp_dir().join(format!("rota-secrets-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("rota.db");
    let store = SqliteStore::open(&db, 4).await.unwrap();
    let postman = Postman::new(
        SealKey::generate().unwrap(),
        "https://rota.example",
        "Rota <no-reply@rota.example>",
        Transport::memory(),
    )
    .unwrap();
    let postman = Arc::new(postman);
    let rota = Rota::new(Ports {
        store: Arc::new(store),
        clock: Arc::new(ManualClock::at(rota_app::domain::jiff::Timestamp::now())),
        ids: Arc::new(TimeOrderedIds),
        hasher: Arc::new(Argon2Hasher::new(2)),
        tokens: Arc::new(RandomTokens),
        mailer: postman.clone(),
    });

    let owner_password = "owner's long secret passphrase";
    let up = rota
        .sign_up(SignUp {
            business_name: BusinessName::parse("Sparkle").unwrap(),
            slug: Slug::parse("sparkle").unwrap(),
            time_zone: Zone::parse("Europe/London").unwrap(),
            currency: Currency::parse("GBP").unwrap(),
            owner_name: PersonName::parse("Olive Owner").unwrap(),
            email: EmailAddress::parse("olive@sparkle.example").unwrap(),
            password: SecretString::from(owner_password),
        })
        .await
        .unwrap();
    let owner = rota_app::domain::actor::Actor::of(&up.owner);
    rota.change_plan(&owner, Plan::Grow).await.unwrap();
    rota.add_employee(
        &owner,
        NewEmployee {
            name: PersonName::parse("Pat Provider").unwrap(),
            email: EmailAddress::parse("pat@sparkle.example").unwrap(),
            phone: None,
            roles: EmployeeRoles::new(RoleSet::ServiceProvider, false).unwrap(),
        },
    )
    .await
    .unwrap();
    let request = SignIn {
        business: "sparkle".into(),
        email: "olive@sparkle.example".into(),
        password: SecretString::from(owner_password),
        client: Some("192.0.2.1".into()),
    };
    let request_debug = format!("{request:?}");
    let signed = rota.sign_in(request).await.unwrap();
    let signed_debug = format!("{signed:?}");
    rota.request_password_reset("sparkle", "olive@sparkle.example", None)
        .await
        .unwrap();
    let _ = rota
        .sign_in(SignIn {
            business: "sparkle".into(),
            email: "olive@sparkle.example".into(),
            password: SecretString::from("a wrong guess of a password"),
            client: None,
        })
        .await;
    assert_eq!(rota.deliver_due_emails(10).await.unwrap().sent, 2);

    let emailed_tokens: Vec<String> = postman
        .sent()
        .iter()
        .map(|m| {
            let start = m.text.find("token=").unwrap() + "token=".len();
            m.text[start..]
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect()
        })
        .collect();
    assert_eq!(emailed_tokens.len(), 2);
    let session_token = signed.token.expose_secret().to_owned();

    let mut secrets = emailed_tokens.clone();
    secrets.push(session_token);
    secrets.push(owner_password.to_owned());
    secrets.push("a wrong guess of a password".to_owned());

    // Everything SQLite wrote: the database file and its write-ahead log.
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    assert!(
        contains(&bytes, "$argon2id$v=19$m=19456,t=2,p=1$"),
        "hashes are argon2id with OWASP parameters"
    );
    let logged = logs.0.lock().unwrap().clone();
    assert!(contains(&logged, "email"), "the delivery was logged");
    for secret in &secrets {
        assert!(
            !contains(&bytes, secret),
            "the database holds a plaintext secret"
        );
        assert!(
            !contains(&logged, secret),
            "the logs hold a plaintext secret"
        );
        assert!(!request_debug.contains(secret.as_str()));
        assert!(!signed_debug.contains(secret.as_str()));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
