//! The `rota` binary.

use clap::Parser;

/// mimalloc rather than the system's allocator: with many threads
/// allocating and freeing small buffers, glibc's malloc was about a sixth
/// of a request's CPU under load (DECISIONS, "Speed under load").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    rota_server::compose::init_tracing();
    rota_server::run(rota_server::Cli::parse()).await
}
