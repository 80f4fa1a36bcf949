//! The storage contract: one story of tests that every store runs —
//! `rota-store-memory` and `rota-store-sqlite` always, `rota-store-postgres`
//! when `ROTA_TEST_DATABASE_URL` is set.
//!
//! Each story is an async function taking a fresh, empty store; a failed
//! assertion panics. [`contract_tests!`] turns the whole list into
//! `#[tokio::test]`s for one store.

#![allow(
    clippy::missing_panics_doc,
    clippy::many_single_char_names,
    clippy::too_many_lines,
    reason = "a contract story reports a broken promise by panicking, like any test"
)]

mod fixtures;
mod stories;

pub use fixtures::{Fixture, rota_on};
pub use stories::*;

/// Declares one `#[tokio::test]` per story for a store. `$fresh` is an async
/// expression giving `Option<Fresh>` (`None` skips: no database configured).
#[macro_export]
macro_rules! contract_tests {
    ($fresh:expr) => {
        $crate::contract_tests!(@each $fresh;
            business_round_trip, accounts_round_trip, r1_email_is_unique_per_business_case_insensitively,
            r12_reads_are_scoped_by_business, c1_accounts_in_bulk_all_or_none_and_found_by_email, employees_page_by_role_status_and_cursor, customers_page_and_search, audit_log_pages_newest_first,
            services_round_trip, calendars_and_time_off_round_trip, bookings_round_trip_and_list,
            b4_the_store_refuses_overlapping_active_bookings,
            b4_a_placed_booking_and_its_email_are_kept_or_refused_together, b1_a_booking_needs_a_customer_of_the_business,
            idempotency_records_round_trip, time_entries_round_trip,
            a_unit_of_work_dropped_after_its_first_write_leaves_no_trace,
            b4_concurrent_bookings_of_one_provider_leave_exactly_one,
            r4_concurrent_owner_changes_keep_an_owner, a8_outbox_messages_wait_until_due_and_delivered,
            a8_two_workers_never_deliver_a_message_twice, a8_a_queued_message_lives_and_dies_with_its_unit_of_work,
            a3_sessions_round_trip_touch_and_end, a4_account_tokens_are_single_use_and_voidable,
            a2_throttle_records_round_trip, a3_sign_in_authenticate_and_sign_out,
            a12_an_email_change_token_keeps_its_address,
            a9_concurrent_attempts_on_one_key_are_each_counted,
            b9_one_idempotency_key_is_held_until_its_first_request_commits,
            r6_report_totals_by_status_provider_and_new_customers, payment_requests_round_trip,
            w3_busy_times_are_the_active_bookings_of_the_providers_asked,
            b4_the_store_keeps_bookings_apart_by_their_buffers,
            b4_buffers_hold_under_200_concurrent_bookers,
            a8_unsent_messages_about_a_topic_are_withdrawn,
            series_occurrences_come_back_with_their_series,
            calendar_links_and_their_busy_times_round_trip,
            a_request_keeps_one_connection_and_still_sees_every_write,
        );
    };
    (@each $fresh:expr; $($story:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $story() {
                let Some(fresh) = $fresh.await else {
                    eprintln!("skipped: no database configured");
                    return;
                };
                $crate::$story(fresh).await;
            }
        )*
    };
}

/// A fresh store, and optionally a second, separate connection pool to the
/// same database (a second server process's worth).
pub struct Fresh {
    /// The store under test.
    pub store: std::sync::Arc<dyn rota_app::ports::Store>,
    /// Another pool on the same database, if the store can have one.
    pub second: Option<std::sync::Arc<dyn rota_app::ports::Store>>,
}
