//! `rota`: the Rota server and its administrative commands, as a library
//! (so end-to-end tests can start the real server in-process) and the binary.
//!
//! ```text
//! rota serve                 # HTTP API on 127.0.0.1:8080, SQLite under ./rota-data
//! rota migrate               # apply the database migrations and exit
//! rota create-business …     # a business and its owner, from the command line
//! rota demo                  # a demo business to try the API with
//! ```
//!
//! Configuration (flags or environment): `--data-dir`/`ROTA_DATA_DIR`,
//! `--listen`/`ROTA_LISTEN`, `DATABASE_URL` (PostgreSQL instead of SQLite),
//! `SMTP_URL` (SMTP instead of `.eml` files), `ROTA_BASE_URL` (links in
//! emails), `ROTA_SECRET_KEY` (the key sealing queued emails), `ROTA_MAIL_FROM`.

pub mod compose;
mod demo;

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
pub use compose::{Runtime, serve_on};
use rota_app::domain::business::{Currency, Zone};
use rota_app::domain::email::EmailAddress;
use rota_app::domain::name::{BusinessName, PersonName, Slug};
use rota_app::secrecy::SecretString;
use rota_app::signup::SignUp;

/// Rota: the operations core of a service business.
#[derive(Parser)]
#[command(name = "rota", version, about)]
pub struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Command,
}

/// Where Rota keeps its data and how it is reached. Its `Debug` leaves out
/// the database and SMTP addresses, which may hold passwords.
#[derive(Args, Clone)]
pub struct Config {
    /// Where the SQLite database, the email outbox folder and the key live.
    #[arg(
        long,
        env = "ROTA_DATA_DIR",
        default_value = "./rota-data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// PostgreSQL instead of the embedded SQLite (`postgres://…`).
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// SMTP instead of `.eml` files (`smtp://host:587?tls=required`, `smtps://…`).
    #[arg(long, env = "SMTP_URL", global = true, hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The public address emailed links start with (default: `http://<listen>`).
    #[arg(long, env = "ROTA_BASE_URL", global = true)]
    pub base_url: Option<String>,
    /// The sender of emails.
    #[arg(
        long,
        env = "ROTA_MAIL_FROM",
        default_value = "Rota <no-reply@rota.localhost>",
        global = true
    )]
    pub mail_from: String,
    /// Where to listen.
    #[arg(
        long,
        env = "ROTA_LISTEN",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub listen: SocketAddr,
    /// At most this many database connections per process; idle ones are
    /// closed after a minute (SPEC §8: several processes fit PostgreSQL's
    /// default `max_connections` of 100).
    #[arg(
        long,
        env = "ROTA_DB_MAX_CONNECTIONS",
        default_value_t = DEFAULT_DB_CONNECTIONS,
        global = true
    )]
    pub db_max_connections: u32,
    /// A database connection idle this many seconds is closed.
    #[arg(
        long,
        env = "ROTA_DB_IDLE_SECONDS",
        default_value_t = 60,
        global = true
    )]
    pub db_idle_seconds: u64,
    /// Proxies (IP addresses, comma-separated) whose `X-Forwarded-For` names
    /// the client that sign-in throttles count (A9); none by default.
    #[arg(
        long,
        env = "ROTA_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |set: &Option<String>| set.as_ref().map(|_| "[redacted]");
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("database_url", &hidden(&self.database_url))
            .field("smtp_url", &hidden(&self.smtp_url))
            .field("base_url", &self.base_url)
            .field("mail_from", &self.mail_from)
            .field("listen", &self.listen)
            .field("db_max_connections", &self.db_max_connections)
            .field("db_idle_seconds", &self.db_idle_seconds)
            .field("trusted_proxies", &self.trusted_proxies)
            .finish()
    }
}

/// The default of `ROTA_DB_MAX_CONNECTIONS`: enough to keep two cores
/// busy with requests waiting on the database, few enough that ten
/// processes fit PostgreSQL's default `max_connections`.
pub const DEFAULT_DB_CONNECTIONS: u32 = 8;

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API (and deliver queued emails).
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
    /// Create a business and its owner.
    CreateBusiness(NewBusiness),
    /// Seed a demo business (owner, two providers, customers, a week of
    /// bookings) and print how to sign in.
    Demo,
    /// Import customers from a CSV file (C1), as the business's owner; no
    /// size limit, with a progress bar.
    ImportCustomers(ImportArgs),
}

#[derive(Args)]
struct ImportArgs {
    /// The CSV file.
    file: PathBuf,
    /// The business's slug.
    #[arg(long)]
    business: String,
    /// `dry-run` reports only; `commit` writes every row or none.
    #[arg(long, value_enum, default_value = "dry-run")]
    mode: Mode,
    /// What to do with emails that are already customers'.
    #[arg(long, value_enum, default_value = "error")]
    on_duplicate: Duplicates,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Mode {
    DryRun,
    Commit,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Duplicates {
    Skip,
    Update,
    Error,
}

#[derive(Args)]
struct NewBusiness {
    /// The business's name.
    #[arg(long)]
    name: String,
    /// Its unique handle (used to sign in).
    #[arg(long)]
    slug: String,
    /// IANA time zone.
    #[arg(long, default_value = "UTC")]
    time_zone: String,
    /// ISO 4217 currency.
    #[arg(long, default_value = "USD")]
    currency: String,
    /// The owner's name.
    #[arg(long)]
    owner_name: String,
    /// The owner's email.
    #[arg(long)]
    email: String,
    /// The owner's password.
    #[arg(long, env = "ROTA_OWNER_PASSWORD", hide_env_values = true)]
    password: String,
}

/// Runs the command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve => compose::serve(&cli.config).await,
        Command::Migrate => {
            Runtime::open(&cli.config).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::CreateBusiness(b) => create_business(&cli.config, b).await,
        Command::Demo => demo::seed(&cli.config).await,
        Command::ImportCustomers(args) => import_customers(&cli.config, args).await,
    }
}

async fn create_business(config: &Config, b: NewBusiness) -> anyhow::Result<()> {
    let runtime = Runtime::open(config).await?;
    let request = SignUp {
        business_name: BusinessName::parse(&b.name).context("--name")?,
        slug: Slug::parse(&b.slug).context("--slug")?,
        time_zone: Zone::parse(&b.time_zone).context("--time-zone")?,
        currency: Currency::parse(&b.currency).context("--currency")?,
        owner_name: PersonName::parse(&b.owner_name).context("--owner-name")?,
        email: EmailAddress::parse(&b.email).context("--email")?,
        password: SecretString::from(b.password),
    };
    let done = runtime.rota.sign_up(request).await?;
    println!(
        "created business {} ({}) with owner {}",
        done.business.name,
        done.business.slug,
        done.owner.email.as_str()
    );
    Ok(())
}

async fn import_customers(config: &Config, args: ImportArgs) -> anyhow::Result<()> {
    use rota_app::bulk::{ImportMode, ImportOptions, OnDuplicate};
    use rota_app::domain::account::AccountStatus;
    use rota_app::domain::actor::Actor;
    use rota_app::ports::TxMode;

    let runtime = Runtime::open(config).await?;
    let slug = Slug::parse(&args.business).context("--business")?;
    let owner = {
        let mut tx = runtime.store.begin(TxMode::Read).await?;
        let business = tx
            .businesses()
            .by_slug(&slug)
            .await?
            .with_context(|| format!("no business {slug}"))?;
        tx.accounts()
            .employees(business.id)
            .await?
            .into_iter()
            .find(|a| {
                a.status == AccountStatus::Active
                    && a.employee().is_some_and(|e| e.roles.is_owner())
            })
            .context("the business has no active owner")?
    };
    let file = std::fs::File::open(&args.file)
        .with_context(|| format!("opening {}", args.file.display()))?;
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {human_pos} rows read ({per_sec}) {elapsed}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    let progress = |rows: u64| bar.set_position(rows);
    let options = ImportOptions {
        mode: match args.mode {
            Mode::DryRun => ImportMode::DryRun,
            Mode::Commit => ImportMode::Commit,
        },
        on_duplicate: match args.on_duplicate {
            Duplicates::Skip => OnDuplicate::Skip,
            Duplicates::Update => OnDuplicate::Update,
            Duplicates::Error => OnDuplicate::Error,
        },
        max_rows: None,
    };
    let report = runtime
        .rota
        .import_customers(
            &Actor::of(&owner),
            std::io::BufReader::new(file),
            options,
            Some(&progress),
        )
        .await?;
    bar.finish_and_clear();
    println!(
        "{} rows: {} created, {} updated, {} skipped, {} errors{}",
        report.rows,
        report.created,
        report.updated,
        report.skipped,
        report.error_count,
        if report.committed {
            " — committed"
        } else {
            " — nothing written"
        }
    );
    for e in &report.errors {
        println!(
            "  line {}{}: {} ({})",
            e.line,
            e.column
                .as_deref()
                .map(|c| format!(", {c}"))
                .unwrap_or_default(),
            e.message,
            e.code
        );
    }
    if report.error_count > 0 {
        std::process::exit(1);
    }
    Ok(())
}
