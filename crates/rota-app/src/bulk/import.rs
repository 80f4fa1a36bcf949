//! C1: customers imported from CSV, streamed a record at a time, all or
//! nothing.

#![allow(
    clippy::option_option,
    reason = "a column absent from the file (keep) differs from an empty cell (clear)"
)]

use std::collections::HashSet;
use std::hash::{BuildHasher, Hasher};
use std::io::{BufRead, BufReader, Read};

use rota_domain::account::Text;
use rota_domain::actor::Actor;
use rota_domain::audit::AuditChange;
use rota_domain::email::EmailAddress;
use rota_domain::policy::{Action, Denied, authorize};

mod batch;

use batch::{BATCH, Run};

use super::{COLUMNS, column_of, unneutralize};
use crate::Rota;
use crate::customers::CustomerChanges;
use crate::error::{Classify, ErrorKind};
use crate::ports::{StoreError, TxMode};

/// Report only, or write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportMode {
    /// Validate and report; write nothing.
    DryRun,
    /// Write every row, or (if any row fails) nothing.
    Commit,
}

/// What to do with a row whose email is already a customer's (in the
/// business or earlier in the file).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnDuplicate {
    /// Leave the existing customer as it is.
    Skip,
    /// Overwrite the existing customer with the row's filled columns.
    Update,
    /// Count it as an error.
    Error,
}

/// How to import.
#[derive(Clone, Copy, Debug)]
pub struct ImportOptions {
    /// Dry run or commit.
    pub mode: ImportMode,
    /// Duplicates.
    pub on_duplicate: OnDuplicate,
    /// Refuse files with more data rows than this (`None`: no limit).
    pub max_rows: Option<u64>,
}

/// One problem with one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// The line of the file (1 is the header).
    pub line: u64,
    /// The column, as the file names it (`None` for the whole row).
    pub column: Option<String>,
    /// A stable code (`invalid`, `required`, `duplicate`, `email_taken`…).
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
}

/// At most this many row errors are listed (all are counted).
pub const MAX_LISTED_ERRORS: usize = 100;

/// What an import did, or would do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Data rows read.
    pub rows: u64,
    /// Customers created (or that would be).
    pub created: u64,
    /// Customers updated (or that would be).
    pub updated: u64,
    /// Rows skipped as duplicates.
    pub skipped: u64,
    /// The first [`MAX_LISTED_ERRORS`] row errors.
    pub errors: Vec<RowError>,
    /// Every row error.
    pub error_count: u64,
    /// Columns of the file that Rota does not know, ignored.
    pub ignored_columns: Vec<String>,
    /// Whether the rows were written.
    pub committed: bool,
}

/// Why an import could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The actor may not import.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// Required columns are missing from the header.
    #[error("the header lacks {}", .0.join(", "))]
    MissingColumns(Vec<&'static str>),
    /// The file is not CSV this reader can read.
    #[error("line {line}: {message}")]
    Malformed {
        /// Where.
        line: u64,
        /// What.
        message: String,
    },
    /// More rows than allowed.
    #[error("the file has more than {max} rows")]
    TooManyRows {
        /// The limit.
        max: u64,
    },
    /// Storage failed.
    #[error(transparent)]
    Unexpected(#[from] StoreError),
}

impl Classify for ImportError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Denied(d) => d.kind(),
            Self::MissingColumns(_) | Self::Malformed { .. } | Self::TooManyRows { .. } => {
                ErrorKind::Invalid
            }
            Self::Unexpected(e) => e.kind(),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            Self::Denied(d) => d.code(),
            Self::MissingColumns(_) => "missing_columns",
            Self::Malformed { .. } => "malformed_csv",
            Self::TooManyRows { .. } => "too_many_rows",
            Self::Unexpected(e) => e.code(),
        }
    }
}

/// Skips a UTF-8 byte-order mark.
/// The input without its byte-order mark, and whether its lines end in
/// CR LF (as the header's does).
fn without_bom<R: Read>(input: R) -> Result<(BufReader<R>, bool), ImportError> {
    let mut reader = BufReader::new(input);
    let start = reader.fill_buf().map_err(|e| ImportError::Malformed {
        line: 1,
        message: e.to_string(),
    })?;
    let starts_with_bom = start.starts_with(b"\xEF\xBB\xBF");
    let crlf = start
        .iter()
        .position(|b| *b == b'\n')
        .is_some_and(|i| i > 0 && start[i - 1] == b'\r');
    if starts_with_bom {
        reader.consume(3);
    }
    Ok((reader, crlf))
}

/// The file's own line of a record that `csv` says starts on `line` (C1).
/// `csv` counts the LF of a CR LF when it reads the next record, so a
/// record after a CR LF is reported one line early.
fn file_line(line: u64, crlf: bool) -> u64 {
    if crlf && line > 1 { line + 1 } else { line }
}

/// One row, checked.
struct Row {
    email: EmailAddress,
    /// Whether the email is on an earlier row of the file.
    in_file: bool,
    first_name: Option<rota_domain::name::PersonName>,
    last_name: Option<rota_domain::name::PersonName>,
    /// The optional columns that are in the file: `Some(None)` clears.
    details: [Option<Option<Text>>; 11],
}

impl Row {
    /// The row as changes to a customer: filled columns set, absent ones
    /// keep (the same rules as `PATCH`).
    fn changes(self) -> CustomerChanges {
        let [
            customer_number,
            phone,
            mobile,
            address1,
            address2,
            unit,
            city,
            region,
            country,
            postal_code,
            notes,
        ] = self.details;
        CustomerChanges {
            first_name: self.first_name,
            last_name: self.last_name,
            email: None,
            customer_number,
            phone,
            mobile,
            address1,
            address2,
            unit,
            city,
            region,
            country,
            postal_code,
            notes,
        }
    }
}

fn email_hash(state: &std::hash::RandomState, email: &str) -> u64 {
    let mut h = state.build_hasher();
    h.write(email.as_bytes());
    h.finish()
}

impl Rota {
    /// Imports customers from CSV (C1) into the actor's business
    /// (administrators). `progress` hears the number of rows read every
    /// thousand rows.
    #[allow(
        clippy::too_many_lines,
        reason = "one pass over the file reads best as one loop; its steps are commented"
    )]
    pub async fn import_customers<R: Read + Send>(
        &self,
        actor: &Actor,
        input: R,
        options: ImportOptions,
        progress: Option<&(dyn Fn(u64) + Sync)>,
    ) -> Result<ImportReport, ImportError> {
        let commit = options.mode == ImportMode::Commit;
        let mut tx = self
            .begin(if commit { TxMode::Write } else { TxMode::Read })
            .await?;
        let business = tx
            .businesses()
            .get(actor.business)
            .await?
            .ok_or(Denied::NotFound)?;
        authorize(actor, &Action::ImportCustomers, &business.settings)?;

        let (input, crlf) = without_bom(input)?;
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
        let headers = reader
            .headers()
            .map_err(|e| ImportError::Malformed {
                line: 1,
                message: e.to_string(),
            })?
            .clone();
        let mut report = ImportReport::default();
        // For each file column, which Rota column it fills.
        let mut map: Vec<Option<usize>> = Vec::with_capacity(headers.len());
        let mut seen_columns = [false; COLUMNS.len()];
        for h in &headers {
            match column_of(h) {
                Some(i) if !seen_columns[i] => {
                    seen_columns[i] = true;
                    map.push(Some(i));
                }
                _ => {
                    report.ignored_columns.push(h.to_owned());
                    map.push(None);
                }
            }
        }
        let missing: Vec<&'static str> = (0..3)
            .filter(|i| !seen_columns[*i])
            .map(|i| COLUMNS[i])
            .collect();
        if !missing.is_empty() {
            return Err(ImportError::MissingColumns(missing));
        }
        let header_name = |i: usize| -> String {
            map.iter()
                .position(|m| *m == Some(i))
                .and_then(|p| headers.get(p))
                .unwrap_or(COLUMNS[i])
                .to_owned()
        };

        let hasher = std::hash::RandomState::new();
        let mut seen: HashSet<u64> = HashSet::new();
        let mut record = csv::StringRecord::new();
        let mut run = Run {
            report,
            commit,
            on_duplicate: options.on_duplicate,
            business: business.id,
            names: [header_name(0), header_name(1), header_name(2)],
        };
        let mut batch = Vec::with_capacity(BATCH);
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    let line = e
                        .position()
                        .map_or(run.report.rows + 2, |p| file_line(p.line(), crlf));
                    return Err(ImportError::Malformed {
                        line,
                        message: e.to_string(),
                    });
                }
            }
            run.report.rows += 1;
            if let Some(max) = options.max_rows
                && run.report.rows > max
            {
                return Err(ImportError::TooManyRows { max });
            }
            if let Some(p) = progress
                && run.report.rows.is_multiple_of(1000)
            {
                p(run.report.rows);
            }
            let line = record
                .position()
                .map_or(run.report.rows + 1, |p| file_line(p.line(), crlf));
            if record.iter().all(|c| c.trim().is_empty()) {
                run.report.rows -= 1;
                continue; // a blank line
            }

            // Check the row.
            let mut cells: [Option<&str>; COLUMNS.len()] = [None; COLUMNS.len()];
            for (value, target) in record.iter().zip(&map) {
                if let Some(i) = target {
                    cells[*i] = Some(unneutralize(value));
                }
            }
            let mut errors = Vec::new();
            let mut cell_error = |i: usize, code: &'static str, message: String| {
                errors.push(RowError {
                    line,
                    column: Some(header_name(i)),
                    code,
                    message,
                });
            };
            let email = match cells[0].map(str::trim).filter(|s| !s.is_empty()) {
                None => {
                    cell_error(0, "required", "an email is required".into());
                    None
                }
                Some(e) => EmailAddress::parse(e)
                    .map_err(|err| cell_error(0, "invalid", err.to_string()))
                    .ok(),
            };
            let mut name = |i: usize| match cells[i].map(str::trim).filter(|s| !s.is_empty()) {
                None => None,
                Some(n) => rota_domain::name::PersonName::parse(n)
                    .map_err(|err| cell_error(i, "invalid", err.to_string()))
                    .ok(),
            };
            let first_name = name(1);
            let last_name = name(2);
            let mut details: [Option<Option<Text>>; 11] = Default::default();
            for (slot, i) in details.iter_mut().zip(3..COLUMNS.len()) {
                if let Some(v) = cells[i] {
                    match Text::parse(v) {
                        Ok(t) => *slot = Some(t),
                        Err(err) => cell_error(i, "invalid", err.to_string()),
                    }
                }
            }
            let Some(email) = email.filter(|_| errors.is_empty()) else {
                batch.push(Err(errors));
                continue;
            };
            let in_file = !seen.insert(email_hash(&hasher, email.normalized()));
            batch.push(Ok((
                line,
                Row {
                    email,
                    in_file,
                    first_name,
                    last_name,
                    details,
                },
            )));
            if batch.len() >= BATCH {
                let rows = std::mem::take(&mut batch);
                self.import_batch(tx.as_mut(), &mut run, rows).await?;
            }
        }
        let rows = std::mem::take(&mut batch);
        self.import_batch(tx.as_mut(), &mut run, rows).await?;
        let mut report = run.report;
        if let Some(p) = progress {
            p(report.rows);
        }
        if commit && report.error_count == 0 {
            let change = AuditChange::CustomersImported {
                created: report.created,
                updated: report.updated,
            };
            let event = self.audit_event(business.id, Some(actor.id), None, change);
            tx.audit().append(&event).await?;
            tx.commit().await?;
            report.committed = true;
        }
        Ok(report)
    }
}
