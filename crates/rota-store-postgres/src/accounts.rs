//! Businesses, accounts and the audit log on PostgreSQL: the statements
//! both SQL stores share (`rota-store-sql`).

rota_store_sql::accounts_repositories!(crate::PgTx, ::sqlx::postgres::PgRow, ::sqlx::Postgres);
