//! The use cases, end to end on the in-memory store.

#![allow(missing_docs, unreachable_pub, dead_code)]

mod auth;
mod bookings;
mod bulk;
mod calendar_sync;
mod customers;
mod erasure;
mod feeds;
mod interactions;
mod payment_requests;
mod properties;
mod public_booking;
mod reminders;
mod reports;
mod scheduling;
mod series;
mod signup;
mod support;
mod team;
