//! The `rota` command, exactly as `rota-server` builds it, for the tests
//! that run several server processes on one database.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    rota_server::compose::init_tracing();
    rota_server::run(rota_server::Cli::parse()).await
}
