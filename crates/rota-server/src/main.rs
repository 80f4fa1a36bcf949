//! The `rota` binary.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    rota_server::compose::init_tracing();
    rota_server::run(rota_server::Cli::parse()).await
}
