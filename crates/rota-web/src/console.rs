//! The console's sections beyond the day (U2), one module each: bookings
//! (the availability picker and a booking's page), the team, the customers,
//! the services and the subscription. Each page shows only
//! what its viewer may do (U6, `rota_app::permissions`); the use cases
//! refuse the rest anyway.

mod audit;
mod booking;
mod bookings;
mod calendar;
mod customer;
mod customers;
mod hours;
mod import;
mod member;
mod mine;
mod opening;
mod reports;
mod services;
mod settings;
mod subscription;
mod team;
mod time;

use axum::Router;
use axum::routing::{get, post};
use serde::Deserialize;

use crate::Web;

pub(crate) fn routes() -> Router<Web> {
    Router::new()
        .route(
            "/console/subscription",
            get(subscription::page).post(subscription::change_plan),
        )
        .route("/console/subscription/cancel", post(subscription::cancel))
        .route("/console/team", get(team::page).post(team::invite))
        .route(
            "/console/team/{id}",
            get(member::page).post(member::save_roles),
        )
        .route("/console/team/{id}/{action}", post(member::act))
        .route("/console/team/{id}/time-off", post(member::add_time_off))
        .route(
            "/console/team/{id}/time-off/{off}/delete",
            post(member::remove_time_off),
        )
        .route("/console/mine", get(mine::page))
        .route("/console/time", get(time::page))
        .route("/console/time/clock-in", post(time::clock_in))
        .route("/console/time/clock-out", post(time::clock_out))
        .route("/console/services", get(services::page).post(services::add))
        .route(
            "/console/services/{id}",
            get(services::service_page).post(services::change),
        )
        .route("/console/audit", get(audit::page))
        .route("/console/reports", get(reports::page))
        .route(
            "/console/settings",
            get(settings::page).post(settings::save),
        )
        .route(
            "/console/settings/access-rights",
            post(settings::save_rights),
        )
        .route(
            "/console/settings/opening",
            get(opening::page).post(opening::save),
        )
        .route("/console/settings/closures", post(opening::close))
        .route(
            "/console/settings/closures/{id}/delete",
            post(opening::reopen),
        )
        .route(
            "/console/customers",
            get(customers::page).post(customers::add),
        )
        .route(
            "/console/customers/import",
            get(import::page).post(import::check),
        )
        .route("/console/customers/import/commit", post(import::commit))
        .route("/console/customers.csv", get(customer::export))
        .route(
            "/console/customers/{id}",
            get(customer::page).post(customer::save),
        )
        .route("/console/customers/{id}/{action}", post(customer::act))
        .route(
            "/console/team/{id}/hours",
            get(hours::page).post(hours::save),
        )
        .route("/console/bookings/new", get(bookings::new_page))
        .route(
            "/console/bookings",
            get(calendar::page).post(bookings::book),
        )
        .route("/console/bookings/{id}", get(booking::page))
        .route(
            "/console/bookings/{id}/reschedule",
            post(booking::reschedule),
        )
        .route("/console/bookings/{id}/assign", post(booking::assign))
        .route(
            "/console/bookings/{id}/status",
            post(booking::change_status),
        )
        .route("/console/bookings/{id}/payment", post(booking::pay))
        .route(
            "/console/bookings/{id}/series",
            post(booking::change_series),
        )
        .route(
            "/console/bookings/{id}/series/cancel",
            post(booking::cancel_series),
        )
        .route("/console/bookings/{id}/payment-request", post(booking::ask))
}

/// A notice a redirect asks a page to show, by name.
#[derive(Deserialize, Default)]
pub(super) struct Notice {
    done: Option<String>,
}
