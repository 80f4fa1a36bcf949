//! The mailer: opens sealed notices, renders them and hands them to a
//! transport.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rota_app::domain::email::EmailAddress;
use rota_app::domain::notice::Notice;
use rota_app::ports::{MailError, Mailer};

use crate::seal::SealKey;
use crate::templates::render;

/// How long an SMTP exchange may take before the delivery counts as failed
/// (and is retried later).
const SMTP_TIMEOUT: Duration = Duration::from_secs(15);

/// A delivered message, as the in-memory transport keeps it.
#[derive(Clone, Debug)]
pub struct Sent {
    /// The recipient.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body.
    pub html: String,
    /// The attached `booking.ics`, if any.
    pub ics: Option<String>,
}

/// A transport could not be set up.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TransportError(String);

/// Where rendered messages go.
#[derive(Clone)]
pub enum Transport {
    /// An SMTP server (`smtp://host:port` plain, `smtp://…?tls=required`
    /// STARTTLS, `smtps://` implicit TLS; credentials in the URL).
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// One RFC 5322 `.eml` file per message in a folder.
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
    /// Kept in memory (tests).
    Memory(Arc<Mutex<Vec<Sent>>>),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Smtp(_) => f.write_str("Transport::Smtp"),
            Self::Files(_, dir) => write!(f, "Transport::Files({})", dir.display()),
            Self::Memory(_) => f.write_str("Transport::Memory"),
        }
    }
}

impl Transport {
    /// SMTP from a URL (`SMTP_URL`).
    pub fn smtp(url: &str) -> Result<Self, TransportError> {
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| TransportError(format!("SMTP_URL is not usable: {e}")))?;
        Ok(Self::Smtp(builder.timeout(Some(SMTP_TIMEOUT)).build()))
    }

    /// `.eml` files in `dir`, created if missing. The messages hold sign-in
    /// links, so the folder is its owner's only (0700) and each file 0600.
    pub fn files(dir: &Path) -> Result<Self, TransportError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| TransportError(format!("cannot create {}: {e}", dir.display())))?;
        owner_only(dir, 0o700)
            .map_err(|e| TransportError(format!("cannot protect {}: {e}", dir.display())))?;
        Ok(Self::Files(
            AsyncFileTransport::<Tokio1Executor>::new(dir),
            dir.to_owned(),
        ))
    }

    /// In memory.
    #[must_use]
    pub fn memory() -> Self {
        Self::Memory(Arc::default())
    }
}

/// Rota's [`Mailer`]: seals with the server's key, renders with the
/// templates, sends with the transport.
#[derive(Debug, Clone)]
pub struct Postman {
    key: SealKey,
    base_url: String,
    from: Mailbox,
    transport: Transport,
}

impl Postman {
    /// A postman. `base_url` is the public address links start with
    /// (`ROTA_BASE_URL`); `from` the sender (`Rota <no-reply@example.com>`).
    pub fn new(
        key: SealKey,
        base_url: &str,
        from: &str,
        transport: Transport,
    ) -> Result<Self, TransportError> {
        let from = from
            .parse()
            .map_err(|e| TransportError(format!("the sender {from:?} is not an address: {e}")))?;
        Ok(Self {
            key,
            base_url: base_url.trim_end_matches('/').to_owned(),
            from,
            transport,
        })
    }

    /// What the in-memory transport holds (empty for the others).
    ///
    /// # Panics
    /// If the lock was poisoned.
    #[must_use]
    pub fn sent(&self) -> Vec<Sent> {
        match &self.transport {
            Transport::Memory(sent) => sent.lock().expect("memory transport lock").clone(),
            _ => Vec::new(),
        }
    }

    /// Opens a sealed notice (for operators and tests).
    pub fn open(&self, sealed: &str) -> Result<Notice, MailError> {
        self.key.open(sealed).map_err(|e| MailError(e.to_string()))
    }
}

#[async_trait]
impl Mailer for Postman {
    fn seal(&self, notice: &Notice) -> Result<String, MailError> {
        self.key.seal(notice).map_err(|e| MailError(e.to_string()))
    }

    async fn deliver(&self, to: &EmailAddress, sealed: &str) -> Result<(), MailError> {
        let notice = self.open(sealed)?;
        let rendered =
            render(&notice, &self.base_url).map_err(|e| MailError(format!("template: {e}")))?;
        let kind = notice.kind();
        if let Transport::Memory(sent) = &self.transport {
            sent.lock().expect("memory transport lock").push(Sent {
                to: to.as_str().to_owned(),
                subject: rendered.subject,
                text: rendered.text,
                html: rendered.html,
                ics: rendered.ics,
            });
            tracing::info!(kind, "email kept in memory");
            return Ok(());
        }
        let recipient: Mailbox = to
            .as_str()
            .parse()
            .map_err(|e| MailError(format!("recipient: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(recipient)
            .subject(rendered.subject);
        let body = MultiPart::alternative_plain_html(rendered.text, rendered.html);
        let message = match rendered.ics {
            // U4: the booking as an event the mail client can add.
            Some(ics) => {
                let calendar = ContentType::parse("text/calendar; charset=utf-8")
                    .map_err(|e| MailError(format!("content type: {e}")))?;
                message.multipart(
                    MultiPart::mixed()
                        .multipart(body)
                        .singlepart(Attachment::new("booking.ics".to_owned()).body(ics, calendar)),
                )
            }
            None => message.multipart(body),
        }
        .map_err(|e| MailError(format!("message: {e}")))?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message)
                    .await
                    .map_err(|e| MailError(format!("SMTP: {e}")))?;
                tracing::info!(kind, "email sent over SMTP");
            }
            Transport::Files(files, dir) => {
                let id = files
                    .send(message)
                    .await
                    .map_err(|e| MailError(format!("outbox folder: {e}")))?;
                let file = dir.join(format!("{id}.eml"));
                owner_only(&file, 0o600).map_err(|e| MailError(format!("outbox file: {e}")))?;
                tracing::info!(kind, file = %file.display(), "email written to the outbox folder");
            }
            Transport::Memory(_) => {}
        }
        Ok(())
    }
}

/// Sets `path`'s permission bits to `mode` (Unix; elsewhere nothing).
fn owner_only(path: &Path, mode: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, mode);
        Ok(())
    }
}
