//! The stories. Each takes a fresh store and panics on a broken promise.

mod accounts;
mod auth;
mod bookings;
mod buffers;
mod calendar_links;
mod concurrency;
mod outbox;
mod reports;
mod scheduling;
mod series;

pub use accounts::*;
pub use auth::*;
pub use bookings::*;
pub use buffers::*;
pub use calendar_links::*;
pub use concurrency::*;
pub use outbox::*;
pub use reports::*;
pub use scheduling::*;
pub use series::*;
