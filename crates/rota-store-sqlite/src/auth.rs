//! Sessions, emailed tokens and sign-in throttles on SQLite: the statements
//! both SQL stores share (`rota-store-sql`).

rota_store_sql::auth_repositories!(crate::SqliteTx, ::sqlx::sqlite::SqliteRow);
