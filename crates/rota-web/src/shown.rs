//! How pages show times and statuses: in the business's zone, in words.

use rota_app::domain::booking::BookingStatus;
use rota_app::domain::business::Zone;
use rota_app::domain::jiff::ToSpan;
use rota_app::domain::jiff::civil::Date;
use rota_app::domain::time::TimeRange;

/// `[local midnight, next local midnight)` of `day` in `zone`.
pub(crate) fn day_range(day: Date, zone: &Zone) -> Option<TimeRange> {
    let start = day.to_zoned(zone.tz().clone()).ok()?.timestamp();
    let end = day
        .checked_add(1.day())
        .ok()?
        .to_zoned(zone.tz().clone())
        .ok()?
        .timestamp();
    TimeRange::new(start, end).ok()
}

/// A booking's status as people read it.
pub(crate) fn status(status: BookingStatus) -> &'static str {
    match status {
        BookingStatus::Scheduled => "Scheduled",
        BookingStatus::InProgress => "In progress",
        BookingStatus::Completed => "Completed",
        BookingStatus::Cancelled => "Cancelled",
        BookingStatus::NoShow => "No-show",
    }
}
