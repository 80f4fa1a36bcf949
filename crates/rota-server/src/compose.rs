//! The composition root: which adapter serves each port, and the running
//! server with its background work.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use rota_app::domain::jiff::Timestamp;
use rota_app::ports::{Clock, Store};
use rota_app::{Ports, Rota};
use rota_auth::{Argon2Hasher, RandomTokens, TimeOrderedIds};
use rota_caldav::CalDav;
use rota_email::{Postman, SealKey, Transport};
use rota_http::HttpConfig;
use rota_store_postgres::PostgresStore as PgStore;
use rota_store_sqlite::SqliteStore;
use tokio::sync::watch;

use crate::Config;

/// The wall clock.
struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// Logs to stderr; `RUST_LOG` filters (default `info`).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Rota on its adapters.
pub struct Runtime {
    /// The use cases.
    pub rota: Rota,
    /// The mailer.
    pub postman: Arc<Postman>,
    /// The store.
    pub store: Arc<dyn Store>,
    /// The public base URL.
    pub base_url: String,
    /// The password hasher (a test counts the hashes a flood caused).
    pub hasher: Argon2Hasher,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// The sealing key: `ROTA_SECRET_KEY`, else `<data-dir>/secret.key`
/// (created on first start, readable by its owner only).
fn seal_key(config: &Config) -> anyhow::Result<SealKey> {
    if let Ok(hex) = std::env::var("ROTA_SECRET_KEY") {
        return SealKey::from_hex(&hex).context("ROTA_SECRET_KEY");
    }
    if config.database_url.is_some() {
        tracing::warn!(
            "ROTA_SECRET_KEY is not set: queued emails are sealed with a key in the data directory, \
             which other servers sharing this database cannot open"
        );
    }
    let path = config.data_dir.join("secret.key");
    match std::fs::read_to_string(&path) {
        Ok(hex) => {
            if let Some(mode) = readable_by_others(&path) {
                tracing::warn!(
                    file = %path.display(),
                    mode = format!("{mode:o}"),
                    "the sealing key can be read by other users of this machine; \
                     restrict it to its owner (chmod 600)"
                );
            }
            SealKey::from_hex(&hex).with_context(|| format!("{}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = SealKey::generate()?;
            write_private(&path, &key.to_hex())?;
            Ok(key)
        }
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// The permission bits of `path` if anyone but its owner may read or
/// write it (Unix; elsewhere `None`).
fn readable_by_others(path: &std::path::Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Creates the SQLite file readable by its owner only (0600) if it does not
/// exist yet (SQLite gives its `-wal` and `-shm` files the same bits), and
/// warns when an existing one is open to others.
fn prepare_database_file(path: &std::path::Path) -> anyhow::Result<()> {
    if path.exists() {
        if let Some(mode) = readable_by_others(path) {
            tracing::warn!(
                file = %path.display(),
                mode = format!("{mode:o}"),
                "the database can be read by other users of this machine; \
                 restrict it to its owner (chmod 600)"
            );
        }
        return Ok(());
    }
    write_private(path, "")
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("creating {}", path.display()))
}

impl Runtime {
    /// Opens the database (applying migrations) and wires the adapters.
    pub async fn open(config: &Config) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating {}", config.data_dir.display()))?;
        let store: Arc<dyn Store> = match &config.database_url {
            Some(url) if url.starts_with("postgres") => Arc::new(
                PgStore::connect_idling(
                    url,
                    config.db_max_connections,
                    Duration::from_secs(config.db_idle_seconds.max(1)),
                )
                .await
                .context("connecting to DATABASE_URL")?,
            ),
            Some(url) if url.starts_with("sqlite:") => Arc::new(
                SqliteStore::open_url(url, config.db_max_connections)
                    .await
                    .context("opening DATABASE_URL")?,
            ),
            Some(other) => anyhow::bail!(
                "DATABASE_URL must start with postgres:// or sqlite: (got {:?})",
                other.split(':').next().unwrap_or_default()
            ),
            None => Arc::new({
                prepare_database_file(&config.data_dir.join("rota.db"))?;
                SqliteStore::open(&config.data_dir.join("rota.db"), config.db_max_connections)
                    .await
                    .context("opening the SQLite database")?
            }),
        };
        let base_url = config
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", config.listen));
        let transport = match &config.smtp_url {
            Some(url) => Transport::smtp(url)?,
            None => Transport::files(&config.data_dir.join("outbox"))?,
        };
        let key = seal_key(config)?;
        let postman = Arc::new(Postman::new(
            key.clone(),
            &base_url,
            &config.mail_from,
            transport,
        )?);
        let hashers = std::thread::available_parallelism().map_or(2, |n| n.get().max(2));
        let hasher = Argon2Hasher::new(hashers);
        let rota = Rota::new(Ports {
            store: store.clone(),
            clock: Arc::new(SystemClock),
            ids: Arc::new(TimeOrderedIds),
            hasher: Arc::new(hasher.clone()),
            tokens: Arc::new(RandomTokens),
            mailer: postman.clone(),
        })
        .with_calendar_sync(
            Arc::new(CalDav::new().context("setting up CalDAV's TLS")?),
            Arc::new(key),
        );
        Ok(Self {
            rota,
            postman,
            store,
            base_url,
            hasher,
            trusted_proxies: config.trusted_proxies.clone(),
        })
    }
}

/// Delivers queued emails every couple of seconds until told to stop; a
/// round in progress finishes first.
async fn outbox_worker(rota: Rota, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(Duration::from_secs(2));
    let mut rounds: u64 = 0;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => break,
        }
        loop {
            match rota.deliver_due_emails(50).await {
                Ok(r) if r.sent + r.failed == 50 => {}
                Ok(r) => {
                    if r.failed > 0 {
                        tracing::warn!(
                            failed = r.failed,
                            "some emails could not be delivered; they will be retried"
                        );
                    }
                    break;
                }
                Err(e) => {
                    tracing::error!(error = ?e, "the outbox could not be read");
                    break;
                }
            }
        }
        rounds += 1;
        if rounds.is_multiple_of(1800) {
            match rota.purge_expired_sessions().await {
                Ok(n) => tracing::debug!(purged = n, "expired sessions removed"),
                Err(e) => tracing::warn!(error = ?e, "expired sessions could not be removed"),
            }
        }
    }
    tracing::info!("outbox worker stopped");
}

/// Reads linked calendars' busy times as they grow stale, apart from the
/// outbox worker so that a slow calendar delays no email.
async fn calendar_worker(rota: Rota, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(Duration::from_secs(10));
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => break,
        }
        match rota.refresh_stale_calendars(20).await {
            Ok(n) => tracing::debug!(read = n, "linked calendars read"),
            Err(e) => tracing::warn!(error = ?e, "linked calendars could not be read"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// `rota serve`.
pub(crate) async fn serve(config: &Config) -> anyhow::Result<()> {
    let runtime = Runtime::open(config).await?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    let database = if config.database_url.is_some() {
        "DATABASE_URL".to_owned()
    } else {
        config.data_dir.join("rota.db").display().to_string()
    };
    let email = match &config.smtp_url {
        Some(_) => "SMTP_URL".to_owned(),
        None => config.data_dir.join("outbox").display().to_string(),
    };
    let local = listener.local_addr()?;
    tracing::info!(%local, database, email, "Rota is listening");
    println!("Rota listening on http://{local} (database: {database}; emails: {email})");
    println!("Open http://{local}/ in a browser to sign in or sign up a business.");
    serve_on(runtime, listener, shutdown_signal()).await
}

/// Serves the API on `listener` until `shutdown` completes; then requests
/// in flight finish and the outbox and calendar workers stop.
pub async fn serve_on(
    runtime: Runtime,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let mut http = HttpConfig::new(&runtime.base_url);
    http.trusted_proxies.clone_from(&runtime.trusted_proxies);
    let api = rota_http::router(runtime.rota.clone(), http);
    let mut web = rota_web::WebConfig::new(&runtime.base_url);
    web.trusted_proxies.clone_from(&runtime.trusted_proxies);
    // The pages at `/`, the JSON API for every other path (SPEC §10).
    let router = rota_web::router(runtime.rota.clone(), web).fallback_service(api);
    let (stop_tx, stop_rx) = watch::channel(false);
    let worker = tokio::spawn(outbox_worker(runtime.rota.clone(), stop_rx.clone()));
    let calendars = tokio::spawn(calendar_worker(runtime.rota.clone(), stop_rx));
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .context("serving")?;
    let _ = stop_tx.send(true);
    let _ = worker.await;
    let _ = calendars.await;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn a4_a_key_or_database_open_to_others_is_noticed() {
        let dir = std::env::temp_dir().join(format!("rota-modes-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("secret.key");
        let _ = std::fs::remove_file(&path);
        write_private(&path, "00").unwrap();
        assert_eq!(readable_by_others(&path), None);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(readable_by_others(&path), Some(0o644));
        let db = dir.join("rota.db");
        let _ = std::fs::remove_file(&db);
        prepare_database_file(&db).unwrap();
        assert_eq!(
            std::fs::metadata(&db).unwrap().permissions().mode() & 0o777,
            0o600
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
