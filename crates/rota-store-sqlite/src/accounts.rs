//! Businesses, accounts and the audit log on SQLite: the statements both
//! SQL stores share (`rota-store-sql`).

use rota_app::domain::account::Account;
use rota_app::ports::StoreError;

use crate::SqliteTx;

rota_store_sql::accounts_repositories!(crate::SqliteTx, ::sqlx::sqlite::SqliteRow, ::sqlx::Sqlite);

impl SqliteTx {
    /// Accounts written by multi-row `INSERT`s, SQLite's fastest way in.
    pub(crate) async fn insert_accounts(&mut self, accounts: &[Account]) -> Result<(), StoreError> {
        self.insert_account_rows(accounts).await
    }
}
