//! Rota's use cases: sign up, manage the team, the subscription, settings and
//! customers, as methods of [`Rota`], generic over the [`ports`].
//!
//! Architecture invariant: the use cases never decide who may do what; they
//! ask `rota_domain::policy` (or the `Team` aggregate, which asks it) before
//! touching anything, and every change of one use case is one unit of work.
//! Each use case has its own error enum, classified by [`error::Classify`].

mod app;
pub mod audit;
pub mod auth;
pub mod availability;
pub mod bookings;
pub mod browser;
pub mod bulk;
pub mod calendar_sync;
pub mod calendars;
pub mod customers;
pub mod delivery;
pub mod email_change;
pub mod employees;
pub mod erasure;
pub mod error;
pub mod feeds;
mod known_businesses;
pub mod page;
pub mod passwords;
pub mod permissions;
pub mod ports;
pub mod public_booking;
pub mod reports;
mod schedule;
pub mod services;
pub mod settings;
pub mod signup;
pub mod subscription;
pub mod team_day;
#[cfg(feature = "mocks")]
pub mod testing;
pub mod time_tracking;

pub use app::{Ports, Rota};
pub use error::{Classify, ErrorKind};
pub use rota_domain as domain;
pub use secrecy;
