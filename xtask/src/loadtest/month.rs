//! A month of availability: a second business on Pro Max with fifty
//! providers working around the clock, one service all of them offer, and
//! 200 one-hour bookings each in one 30-day window (10,000 in all). Two
//! rows: one provider's 30 days at 64 connections, beside a raw endpoint
//! reading the same provider's rows of that window; and "anyone" of the
//! fifty for the 30 days at one connection (`/v1/availability/anyone`:
//! each time once; p50 target 20 ms).

use std::str::FromStr;

use rota_app::Rota;
use rota_app::bookings::NewBooking;
use rota_app::customers::NewCustomer;
use rota_app::domain::account::CustomerDetails;
use rota_app::domain::email::EmailAddress;
use rota_app::domain::id::{AccountId, ServiceId};
use rota_app::domain::jiff::SignedDuration;
use rota_app::domain::money::Money;
use rota_app::domain::name::{BusinessName, PersonName};
use rota_app::domain::plan::Plan;
use rota_app::domain::service::ServiceDuration;
use rota_app::secrecy::ExposeSecret;
use rota_app::services::NewService;
use rota_app::testing::RecordingMailer;
use serde_json::json;

use super::baseline::Db;
use super::seed::{business, e, team};
use super::{Figures, drive, drive_with, ts, wanted};

/// Providers of the second business.
const FIFTY: usize = 50;
/// Bookings each has in the window.
const EACH: i64 = 200;
/// The window's start; it runs 30 days.
const MONTH: &str = "2032-03-01T00:00:00Z";
/// One provider's 30 days, at 64 connections (≥ 0.5 of the raw rows).
pub(super) const MONTH_ONE: &str = "GET /v1/availability (one provider, 30 days)";
/// The same provider's rows of the window through axum and sqlx.
pub(super) const MONTH_RAW: &str = "axum, one provider's 30 days of rows (one select)";
/// Anyone of the fifty for 30 days, one connection (p50 < 20 ms).
pub(super) const MONTH_ANY: &str = "GET /v1/availability/anyone (50 providers, 30 days, c=1)";

/// The second business.
pub(super) struct Month {
    owner_token: String,
    service: ServiceId,
    provider: AccountId,
    business: String,
}

fn month_end() -> rota_app::domain::jiff::Timestamp {
    ts(MONTH)
        .checked_add(SignedDuration::from_hours(24 * 30))
        .unwrap_or_else(|_| ts(MONTH))
}

pub(super) async fn seed_month(rota: &Rota, mailer: &RecordingMailer) -> Result<Month, String> {
    let (up, owner) = business(rota, "Fifty Co", "fiftyco", Plan::ProMax).await?;
    let (providers, _) = team(rota, mailer, &owner, FIFTY, "fiftyco").await?;
    let service = rota
        .create_service(
            &owner,
            NewService {
                name: BusinessName::parse("Any clean").map_err(|x| e(&x))?,
                duration: ServiceDuration::minutes(60).map_err(|x| e(&x))?,
                price: Money::new(4500).map_err(|x| e(&x))?,
                providers: providers.clone(),
                buffers: rota_app::domain::service::Buffers::NONE,
            },
        )
        .await
        .map_err(|x| e(&x))?
        .id;
    let customer = rota
        .create_customer(
            &owner,
            NewCustomer {
                first_name: PersonName::parse("Mo").map_err(|x| e(&x))?,
                last_name: PersonName::parse("Nth").map_err(|x| e(&x))?,
                email: EmailAddress::parse("mo@x.example").map_err(|x| e(&x))?,
                details: CustomerDetails::default(),
            },
        )
        .await
        .map_err(|x| e(&x))?
        .id;
    // 200 one-hour bookings each, 3 h 36 min apart, each provider's a
    // little later than the one before.
    for (p, &provider) in providers.iter().enumerate() {
        let offset = i64::try_from(p).unwrap_or(0);
        for k in 0..EACH {
            let at = ts(MONTH)
                .checked_add(SignedDuration::from_mins(k * 216 + offset))
                .map_err(|x| e(&x))?;
            let new = NewBooking {
                customer,
                service: None,
                starts_at: at,
                ends_at: at.checked_add(SignedDuration::from_hours(1)).ok(),
                providers: vec![provider],
                price: None,
                notes: None,
                allow_outside_work_hours: false,
            };
            rota.create_booking(&owner, new, None)
                .await
                .map_err(|x| e(&x))?;
        }
    }
    Ok(Month {
        owner_token: up.token.expose_secret().to_owned(),
        service,
        provider: providers[0],
        business: up.business.id.to_string(),
    })
}

/// The raw endpoint: what availability reads of the provider's bookings —
/// their provider rows' times overlapping the window — in one select.
pub(super) fn month_baseline(db: Db, month: &Month) -> axum::Router {
    use axum::routing::get;
    let business = rota_app::domain::uuid::Uuid::from_str(&month.business).unwrap_or_default();
    let provider = month.provider.as_uuid();
    let rows = get(move || {
        let db = db.clone();
        async move {
            let (from, to) = (ts(MONTH), month_end());
            let found = match &db {
                Db::Sqlite(pool) => sqlx::query(
                    "SELECT provider_id, starts_at, ends_at FROM booking_providers \
                     WHERE business_id = ? AND active AND provider_id = ? \
                     AND starts_at < ? AND ends_at > ?",
                )
                .bind(business)
                .bind(provider)
                .bind(to.as_microsecond())
                .bind(from.as_microsecond())
                .fetch_all(pool)
                .await
                .map(|r| r.len()),
                Db::Postgres(pool) => sqlx::query(
                    "SELECT provider_id, starts_at, ends_at FROM booking_providers \
                     WHERE business_id = $1 AND active AND provider_id = $2 \
                     AND starts_at < $3::timestamptz AND ends_at > $4::timestamptz",
                )
                .bind(business)
                .bind(provider)
                .bind(to.to_string())
                .bind(from.to_string())
                .fetch_all(pool)
                .await
                .map(|r| r.len()),
            };
            match found {
                Ok(n) if n >= 100 => Ok(axum::Json(json!({"rows": n}))),
                _ => Err(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
            }
        }
    });
    axum::Router::new().route("/month", rows)
}

/// The month's rows: the raw endpoint, one provider's 30 days, anyone's.
pub(super) async fn month_rows(
    base: &str,
    baseline_base: &str,
    month: &Month,
    seconds: u64,
) -> Vec<Figures> {
    let mut figures = Vec::new();
    let url = format!("{baseline_base}/month");
    if wanted(MONTH_RAW) {
        figures.push(drive(MONTH_RAW, seconds, move |c, _| c.get(&url)).await);
    }
    let window = format!("from={MONTH}&to={}", month_end());
    let url = format!(
        "{base}/v1/availability?service_id={}&provider_id={}&{window}",
        month.service, month.provider
    );
    let token = month.owner_token.clone();
    if wanted(MONTH_ONE) {
        figures.push(
            drive(MONTH_ONE, seconds, move |c, _| {
                c.get(&url).bearer_auth(&token)
            })
            .await,
        );
    }
    let url = format!(
        "{base}/v1/availability/anyone?service_id={}&{window}",
        month.service
    );
    let token = month.owner_token.clone();
    if wanted(MONTH_ANY) {
        figures.push(
            drive_with(1, MONTH_ANY, seconds, move |c, _| {
                c.get(&url).bearer_auth(&token)
            })
            .await,
        );
    }
    figures
}
