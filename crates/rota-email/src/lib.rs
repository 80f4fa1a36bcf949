//! Rota's mailer: renders notices with templates (plain text + HTML) and
//! delivers them over SMTP (lettre), as `.eml` files in an outbox folder (the
//! default), or into memory (tests).
//!
//! Notices reach the database only sealed ([`seal`]): the outbox row holds
//! ciphertext, so an emailed token is never stored in plaintext. The key is
//! the server's (`ROTA_SECRET_KEY`, or a key file in the data directory).
//!
//! Emailed links are built from the configured public base URL, never from a
//! request's headers (A4), and carry their secret as a `token=` parameter.

mod postman;
pub mod seal;
mod templates;

pub use postman::{Postman, Sent, Transport, TransportError};
pub use seal::{SealError, SealKey};
pub use templates::{Rendered, render};
