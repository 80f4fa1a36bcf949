//! Reading the audit log (administrators, R6, A7).

use rota_domain::actor::Actor;
use rota_domain::audit::{AuditEvent, AuditEventId};
use rota_domain::policy::{Action, Denied, authorize};

use crate::Rota;
use crate::page::{Limit, Page, PageError};
use crate::ports::{StoreError, TxMode};

/// Why reading the log failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadAuditError {
    /// Administrators only.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// A bad cursor.
    #[error(transparent)]
    Page(#[from] PageError),
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

impl crate::error::Classify for ReadAuditError {
    fn kind(&self) -> crate::ErrorKind {
        match self {
            Self::Denied(d) => d.kind(),
            Self::Page(_) => crate::ErrorKind::Invalid,
            Self::Unexpected(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Denied(d) => d.code(),
            Self::Page(_) => "validation",
            Self::Unexpected(e) => e.code(),
        }
    }
}

impl Rota {
    /// The log, newest first; `cursor` continues an earlier page.
    pub async fn audit_events(
        &self,
        actor: &Actor,
        cursor: Option<&str>,
        limit: Limit,
    ) -> Result<Page<AuditEvent>, ReadAuditError> {
        let cursor = cursor
            .map(|c| c.parse::<AuditEventId>().map_err(|_| PageError::Cursor))
            .transpose()?;
        let mut tx = self.begin(TxMode::Read).await?;
        let business = tx
            .businesses()
            .get(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        authorize(actor, &Action::ViewAuditLog, &business.settings)?;
        let events = tx
            .audit()
            .list(actor.business, cursor, limit.get() + 1)
            .await?;
        Ok(Page::from_overfetch(events, limit, |e| e.id.to_string()))
    }
}
