//! C1's reads and writes, a batch of checked rows at a time: one read for
//! the batch's emails, one bulk insert of its new customers and an update
//! per changed one, all in the import's one transaction. What each row
//! finds is what the transaction would hold had every row before it been
//! written one at a time.

use std::collections::HashMap;

use rota_domain::account::{Account, AccountStatus, CustomerDetails, CustomerProfile, Profile};
use rota_domain::id::BusinessId;

use super::{COLUMNS, ImportError, ImportReport, MAX_LISTED_ERRORS, OnDuplicate, Row, RowError};
use crate::Rota;
use crate::ports::UnitOfWork;

/// Rows checked before a batch is read and written: bounds the memory an
/// import holds whatever the file's size.
pub(super) const BATCH: usize = 1000;

/// One data row, checked: valid, or its errors (reported in its turn).
pub(super) type Checked = Result<(u64, Row), Vec<RowError>>;

/// An import under way.
pub(super) struct Run {
    pub(super) report: ImportReport,
    pub(super) commit: bool,
    pub(super) on_duplicate: OnDuplicate,
    pub(super) business: BusinessId,
    /// The file's names of the email, first and last name columns.
    pub(super) names: [String; 3],
}

impl Run {
    fn fail(&mut self, e: RowError) {
        self.report.error_count += 1;
        if self.report.errors.len() < MAX_LISTED_ERRORS {
            self.report.errors.push(e);
        }
    }

    /// Whether rows are still written: committing, and no row has failed.
    fn writes(&self) -> bool {
        self.commit && self.report.error_count == 0
    }
}

/// Where the account of an email is, as the transaction would read it.
#[derive(Clone, Copy)]
enum Known {
    /// `Batch::stored[i]`.
    Stored(usize),
    /// `Batch::inserts[i]`.
    Inserting(usize),
    /// `Batch::updates[i]`.
    Updating(usize),
}

/// A batch's accounts: read, to insert, to update.
#[derive(Default)]
struct Batch {
    known: HashMap<String, Known>,
    stored: Vec<Account>,
    inserts: Vec<Account>,
    updates: Vec<Account>,
}

impl Batch {
    fn of(stored: Vec<Account>) -> Self {
        let known = stored
            .iter()
            .enumerate()
            .map(|(i, a)| (a.email.normalized().to_owned(), Known::Stored(i)))
            .collect();
        Self {
            known,
            stored,
            ..Self::default()
        }
    }

    /// The account of `email` as the transaction would read it.
    fn existing(&self, email: &str) -> Option<&Account> {
        match self.known.get(email)? {
            Known::Stored(i) => self.stored.get(*i),
            Known::Inserting(i) => self.inserts.get(*i),
            Known::Updating(i) => self.updates.get(*i),
        }
    }

    fn insert(&mut self, account: Account) {
        let email = account.email.normalized().to_owned();
        self.known
            .insert(email, Known::Inserting(self.inserts.len()));
        self.inserts.push(account);
    }

    /// The account of `email` to change, queued for writing.
    fn changing(&mut self, email: &str) -> Option<&mut Account> {
        match *self.known.get(email)? {
            Known::Stored(i) => {
                let account = self.stored.get(i)?.clone();
                self.known
                    .insert(email.to_owned(), Known::Updating(self.updates.len()));
                self.updates.push(account);
                self.updates.last_mut()
            }
            Known::Inserting(i) => self.inserts.get_mut(i),
            Known::Updating(i) => self.updates.get_mut(i),
        }
    }
}

impl Rota {
    /// Judges and (when committing) writes one batch of rows, in order.
    pub(super) async fn import_batch(
        &self,
        tx: &mut dyn UnitOfWork,
        run: &mut Run,
        rows: Vec<Checked>,
    ) -> Result<(), ImportError> {
        let mut emails: Vec<String> = rows
            .iter()
            .filter_map(|c| Some(c.as_ref().ok()?.1.email.normalized().to_owned()))
            .collect();
        emails.sort_unstable();
        emails.dedup();
        let mut batch = Batch::of(if emails.is_empty() {
            Vec::new()
        } else {
            tx.accounts().by_emails(run.business, &emails).await?
        });
        for checked in rows {
            match checked {
                Ok((line, row)) => self.take(run, &mut batch, line, row),
                Err(errors) => errors.into_iter().for_each(|e| run.fail(e)),
            }
        }
        if run.writes() {
            tx.accounts().insert_many(&batch.inserts).await?;
            for account in &batch.updates {
                tx.accounts().update(account).await?;
            }
        }
        Ok(())
    }

    /// Judges one valid row: a new customer, a duplicate or an error.
    fn take(&self, run: &mut Run, batch: &mut Batch, line: u64, row: Row) {
        let in_file = row.in_file;
        let email = row.email.normalized().to_owned();
        let existing = batch.existing(&email);
        if existing.is_some_and(|a| a.customer().is_none()) {
            run.fail(RowError {
                line,
                column: Some(run.names[0].clone()),
                code: "email_taken",
                message: "this email belongs to an employee".into(),
            });
            return;
        }
        let duplicate = existing.is_some();
        if (run.commit || !in_file) && !duplicate {
            // A new customer: both names are needed.
            let (Some(first_name), Some(last_name)) =
                (row.first_name.clone(), row.last_name.clone())
            else {
                for (i, n) in [(1, &row.first_name), (2, &row.last_name)] {
                    if n.is_none() {
                        run.fail(RowError {
                            line,
                            column: Some(run.names[i].clone()),
                            code: "required",
                            message: format!("{} is required for a new customer", COLUMNS[i]),
                        });
                    }
                }
                return;
            };
            run.report.created += 1;
            if run.writes() {
                let mut customer = CustomerProfile {
                    first_name,
                    last_name,
                    details: CustomerDetails::default(),
                    archived_at: None,
                };
                let email = row.email.clone();
                row.changes().apply(&mut customer);
                batch.insert(Account {
                    id: self.new_account_id(),
                    business_id: run.business,
                    email,
                    status: AccountStatus::Active,
                    profile: Profile::Customer(customer),
                    created_at: self.now(),
                    activated_at: None,
                });
            }
            return;
        }
        // A duplicate (of an existing customer, or of an earlier row).
        match run.on_duplicate {
            OnDuplicate::Skip => run.report.skipped += 1,
            OnDuplicate::Error => run.fail(RowError {
                line,
                column: Some(run.names[0].clone()),
                code: "duplicate",
                message: if in_file {
                    "this email appears earlier in the file".into()
                } else {
                    "a customer with this email exists".into()
                },
            }),
            OnDuplicate::Update => {
                run.report.updated += 1;
                if run.writes()
                    && let Some(account) = batch.changing(&email)
                {
                    account.email = row.email.clone();
                    if let Profile::Customer(c) = &mut account.profile {
                        row.changes().apply(c);
                    }
                }
            }
        }
    }
}
