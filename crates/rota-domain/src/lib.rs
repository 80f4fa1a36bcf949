//! Rota's domain: the model of a service business and every rule of the
//! specification (R1–R12, W1–W4, B1–B9), as pure, synchronous code.
//!
//! Architecture invariant: nothing here does I/O, reads the clock, or draws
//! randomness. Time and identifiers are passed in by the caller; the time-zone
//! database is the one compiled into `jiff` (never `/usr/share/zoneinfo`), so
//! a rule gives the same answer on every machine.
//!
//! The map:
//! - values with rules: [`email`], [`name`], [`business`] (slug, currency, time zone);
//! - who people are: [`account`], [`role`], [`plan`], [`access`];
//! - who may do what: [`actor`] and [`policy`] (pure `can_*`-style checks);
//! - the team invariants (R2–R4, R7) as one aggregate: [`team`].

pub mod access;
pub mod account;
pub mod actor;
pub mod audit;
pub mod availability;
pub mod booking;
pub mod business;
pub mod calendar;
pub mod email;
pub mod id;
pub mod idempotency;
pub mod money;
pub mod name;
pub mod notice;
pub mod outbox;
pub mod password;
pub mod plan;
pub mod policy;
pub mod privacy;
pub mod recurrence;
pub mod role;
pub mod service;
pub mod session;
pub mod team;
pub mod throttle;
pub mod time;
pub mod time_entry;
pub mod time_off;
pub mod zone;

pub use jiff;
pub use uuid;
