//! Businesses, accounts and the audit log on PostgreSQL: the statements
//! both SQL stores share (`rota-store-sql`), and accounts in bulk by `COPY`.

use std::fmt::Write as _;

use rota_app::domain::account::Account;
use rota_app::domain::jiff::Timestamp;
use rota_app::ports::StoreError;

use crate::PgTx;
use crate::codec::db_error;

rota_store_sql::accounts_repositories!(crate::PgTx, ::sqlx::postgres::PgRow, ::sqlx::Postgres);

use shared_accounts::{email_or, fields};

/// Bytes of `COPY` data sent at a time: small enough that PostgreSQL
/// parses and indexes one piece while the next is written (a batch of a
/// thousand rows, ~230 KB, sent whole waited for its own writing and then
/// for PostgreSQL: 20 ms a batch where raw `COPY` takes 13).
const COPY_CHUNK: usize = 1 << 16;

impl PgTx {
    /// Accounts written by one `COPY … FROM STDIN` (text format), the
    /// fastest way PostgreSQL takes rows: within the transaction, so they
    /// are kept or dropped with it; a taken email fails the whole copy.
    pub(crate) async fn insert_accounts(&mut self, accounts: &[Account]) -> Result<(), StoreError> {
        if accounts.is_empty() {
            return Ok(());
        }
        let mut copy = self
            .conn()
            .copy_in_raw(
                "COPY accounts (business_id, id, kind, email, email_normalized, status, name, phone, \
                 roles, owner, first_name, last_name, details, archived_at, created_at, activated_at) \
                 FROM STDIN",
            )
            .await
            .map_err(db_error)?;
        let mut data = String::with_capacity(COPY_CHUNK + 4096);
        for a in accounts {
            let f = fields(a)?;
            let json = |v: Option<serde_json::Value>| v.map(|v| v.to_string());
            let cells = [
                Some(a.business_id.as_uuid().to_string()),
                Some(a.id.as_uuid().to_string()),
                Some(f.kind.to_owned()),
                Some(a.email.as_str().to_owned()),
                Some(a.email.normalized().to_owned()),
                Some(a.status.as_str().to_owned()),
                f.name,
                f.phone,
                json(f.roles),
                Some(if f.owner { "t" } else { "f" }.to_owned()),
                f.first_name,
                f.last_name,
                json(f.details),
                f.archived_at.map(|t| instant_text(t.to_jiff())),
                Some(instant_text(a.created_at)),
                a.activated_at.map(instant_text),
            ];
            for (i, cell) in cells.iter().enumerate() {
                if i > 0 {
                    data.push('\t');
                }
                match cell {
                    Some(text) => push_escaped(&mut data, text),
                    None => data.push_str("\\N"),
                }
            }
            data.push('\n');
            if data.len() >= COPY_CHUNK {
                copy.send(data.as_bytes()).await.map_err(email_or)?;
                data.clear();
            }
        }
        if !data.is_empty() {
            copy.send(data.as_bytes()).await.map_err(email_or)?;
        }
        copy.finish().await.map_err(email_or)?;
        Ok(())
    }
}

/// An instant as `COPY` reads a `timestamptz` (RFC 3339, microseconds).
fn instant_text(t: Timestamp) -> String {
    let mut out = String::with_capacity(32);
    let _ = write!(out, "{t}");
    out
}

/// `text` as a field of `COPY`'s text format: a backslash, tab, newline or
/// carriage return is escaped, everything else is as it is.
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}
