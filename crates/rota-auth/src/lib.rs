//! Rota's secrets, behind `rota-app`'s ports:
//!
//! - [`Argon2Hasher`]: argon2id with explicit OWASP parameters (m=19456 KiB,
//!   t=2, p=1), run off the async threads, a bounded number at once (A1, A2);
//! - [`RandomTokens`]: 256-bit tokens from the OS's CSPRNG, stored only as
//!   SHA-256 digests (A3, A4, A6);
//! - [`TimeOrderedIds`]: UUID v7 ids, so pages by id come in creation order.

mod hasher;
mod ids;
mod tokens;

pub use hasher::{Argon2Hasher, QUEUE_PER_THREAD};
pub use ids::TimeOrderedIds;
pub use tokens::RandomTokens;
