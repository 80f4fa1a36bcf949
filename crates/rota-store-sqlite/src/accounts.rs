//! Businesses, accounts and the audit log on SQLite: the statements both
//! SQL stores share (`rota-store-sql`).

rota_store_sql::accounts_repositories!(crate::SqliteTx, ::sqlx::sqlite::SqliteRow, ::sqlx::Sqlite);
