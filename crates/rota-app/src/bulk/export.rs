//! C2: every customer as CSV, a page at a time, formulas neutralised.

use rota_domain::account::Text;
use rota_domain::actor::Actor;
use rota_domain::id::AccountId;
use rota_domain::policy::{Action, Denied, authorize};

use super::{COLUMNS, neutralize};
use crate::Rota;
use crate::error::{Classify, ErrorKind};
use crate::ports::{CustomerQuery, StoreError, TxMode};

impl Rota {
    /// One page of the customer export (C2): CSV text (with the header on
    /// the first page), and the cursor of the next page (`None` at the end).
    /// Administrators only: an export is every customer at once.
    pub async fn export_customers_page(
        &self,
        actor: &Actor,
        after: Option<AccountId>,
        page_size: u32,
    ) -> Result<(Vec<u8>, Option<AccountId>), ExportError> {
        let mut tx = self.begin(TxMode::Read).await?;
        let business = tx
            .businesses()
            .get(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        authorize(actor, &Action::ExportCustomers, &business.settings)?;
        let page = tx
            .accounts()
            .customers(
                business.id,
                &CustomerQuery {
                    text: None,
                    after,
                    limit: page_size.max(1),
                },
            )
            .await?;
        let mut out = csv::WriterBuilder::new().from_writer(Vec::new());
        let io = |e: csv::Error| ExportError::Write(e.to_string());
        if after.is_none() {
            out.write_record(COLUMNS).map_err(io)?;
        }
        for account in &page {
            let Some(c) = account.customer() else {
                continue;
            };
            let d = &c.details;
            let text =
                |t: &Option<Text>| t.as_ref().map_or(String::new(), |t| neutralize(t.as_str()));
            out.write_record([
                neutralize(account.email.as_str()),
                neutralize(c.first_name.as_str()),
                neutralize(c.last_name.as_str()),
                text(&d.customer_number),
                text(&d.phone),
                text(&d.mobile),
                text(&d.address1),
                text(&d.address2),
                text(&d.unit),
                text(&d.city),
                text(&d.region),
                text(&d.country),
                text(&d.postal_code),
                text(&d.notes),
            ])
            .map_err(io)?;
        }
        let bytes = out
            .into_inner()
            .map_err(|e| ExportError::Write(e.to_string()))?;
        let next = (page.len() == page_size.max(1) as usize)
            .then(|| page.last().map(|a| a.id))
            .flatten();
        Ok((bytes, next))
    }
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The actor may not.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// Writing CSV failed.
    #[error("writing CSV failed: {0}")]
    Write(String),
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

impl Classify for ExportError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Denied(d) => d.kind(),
            Self::Write(_) => ErrorKind::Unexpected,
            Self::Unexpected(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Denied(d) => d.code(),
            Self::Write(_) => "internal",
            Self::Unexpected(e) => e.code(),
        }
    }
}

/// An export under way (C2): the customers as CSV, a chunk at a time. The
/// app knows no runtime or stream type; an adapter turns this into the body
/// it streams by calling [`CustomerExport::next_chunk`] until it is `None`.
pub struct CustomerExport {
    rota: Rota,
    actor: Actor,
    first: Option<Vec<u8>>,
    next: Option<AccountId>,
}

/// Customers per chunk of an export.
const EXPORT_PAGE: u32 = 500;

impl CustomerExport {
    /// The next chunk of CSV, or `None` when every customer has been
    /// written. After an error the export is over: the next call is `None`.
    pub async fn next_chunk(&mut self) -> Option<Result<Vec<u8>, ExportError>> {
        if let Some(first) = self.first.take() {
            return Some(Ok(first));
        }
        let after = self.next.take()?;
        match self
            .rota
            .export_customers_page(&self.actor, Some(after), EXPORT_PAGE)
            .await
        {
            Ok((bytes, next)) => {
                self.next = next;
                Some(Ok(bytes))
            }
            Err(e) => Some(Err(e)),
        }
    }
}

impl Rota {
    /// Every customer as CSV (C2), a page at a time: the first page is read
    /// before this returns (so a refusal is an ordinary error), the rest as
    /// the export is read. A failure half-way ends the export with an error,
    /// which a server turns into a cut-off response.
    pub async fn export_customers(&self, actor: &Actor) -> Result<CustomerExport, ExportError> {
        let (first, next) = self.export_customers_page(actor, None, EXPORT_PAGE).await?;
        Ok(CustomerExport {
            rota: self.clone(),
            actor: *actor,
            first: Some(first),
            next,
        })
    }
}
