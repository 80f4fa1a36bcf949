//! Sessions, emailed tokens and sign-in throttles on PostgreSQL: the
//! statements both SQL stores share (`rota-store-sql`).

rota_store_sql::auth_repositories!(crate::PgTx, ::sqlx::postgres::PgRow);
