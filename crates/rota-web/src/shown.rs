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

/// One free time offered: `<provider id>|<start, RFC 3339>` and "10:00
/// with Pat".
pub(crate) struct Slot {
    pub(crate) value: String,
    pub(crate) label: String,
}

/// One day of a picker's week: "Tue 5", how many free times, and whether
/// it is the day shown.
pub(crate) struct WeekDay {
    pub(crate) day: String,
    pub(crate) weekday: String,
    pub(crate) date: String,
    pub(crate) free: usize,
    pub(crate) current: bool,
}

/// What a picker offers: the shown day's free times, the week from that
/// day with each day's count, and who offers the service at all (for the
/// "with" choice).
pub(crate) struct Offered {
    pub(crate) slots: Vec<Slot>,
    pub(crate) week: Vec<WeekDay>,
    pub(crate) providers: Vec<(String, String)>,
}

/// The days a picker asks availability about: `day` and the six after it,
/// `[local midnight of day, local midnight a week on)` in `zone`.
pub(crate) fn week_range(day: Date, zone: &Zone) -> Option<TimeRange> {
    let last = day.checked_add(6.days()).ok()?;
    let start = day_range(day, zone)?.start();
    let end = day_range(last, zone)?.end();
    TimeRange::new(start, end).ok()
}

/// What availability found over the week from `day`, as a person chooses
/// from it: every free time of `provider` in order ("10:00 with Pat"), or
/// for anyone each time once ("10:00", whoever is free then is assigned);
/// the times of `day` listed, the week's counted by day.
pub(crate) fn offered(
    found: &[rota_app::availability::ProviderSlots],
    provider: Option<rota_app::domain::id::AccountId>,
    zone: &Zone,
    day: Date,
) -> Offered {
    let providers = found
        .iter()
        .map(|p| (p.provider.to_string(), p.name.clone()))
        .collect();
    let mut slots: Vec<(rota_app::domain::jiff::Timestamp, Slot)> = found
        .iter()
        .filter(|p| provider.is_none_or(|id| id == p.provider))
        .flat_map(|p| {
            p.slots.iter().map(|s| {
                let clock = s.start().to_zoned(zone.tz().clone()).strftime("%H:%M");
                (
                    s.start(),
                    Slot {
                        value: format!("{}|{}", p.provider, s.start()),
                        label: format!("{clock} with {}", p.name),
                    },
                )
            })
        })
        .collect();
    slots.sort_by_key(|(start, _)| *start);
    if provider.is_none() {
        // Anyone: each time once, whoever is free then.
        slots.dedup_by_key(|(start, _)| *start);
        for (_, slot) in &mut slots {
            if let Some((time, _)) = slot.label.split_once(" with ") {
                slot.label = time.to_owned();
            }
        }
    }
    let date_of = |t: rota_app::domain::jiff::Timestamp| t.to_zoned(zone.tz().clone()).date();
    let week = (0..7_i64)
        .filter_map(|n| day.checked_add(n.days()).ok())
        .map(|d| WeekDay {
            day: d.to_string(),
            weekday: d.strftime("%a").to_string(),
            date: d.strftime("%-d %b").to_string(),
            free: slots.iter().filter(|(t, _)| date_of(*t) == d).count(),
            current: d == day,
        })
        .collect();
    Offered {
        slots: slots
            .into_iter()
            .filter(|(t, _)| date_of(*t) == day)
            .map(|(_, s)| s)
            .collect(),
        week,
        providers,
    }
}

/// What a service or booking keeps its provider free around it:
/// "15 min before, 30 min after", "10 min after", or "No time kept free"
/// (a lone dash says nothing on a phone, where the column's heading is not
/// beside it).
pub(crate) fn kept_free(b: rota_app::domain::service::Buffers) -> String {
    let side = |m: u32, at: &str| (m > 0).then(|| format!("{m} min {at}"));
    let sides: Vec<String> = [
        side(b.before_minutes(), "before"),
        side(b.after_minutes(), "after"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if sides.is_empty() {
        "No time kept free".into()
    } else {
        sides.join(", ")
    }
}

/// A service's length as a person says it: "45 minutes", "1 hour",
/// "2 hours", "1 h 30 min".
pub(crate) fn length(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} minutes"),
        (1, 0) => "1 hour".to_owned(),
        (h, 0) => format!("{h} hours"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// The service a picker shows: the one chosen (by id, as typed), else the
/// first offered.
pub(crate) fn picked_service<'s>(
    services: &'s [rota_app::domain::service::Service],
    typed: &str,
) -> Option<&'s rota_app::domain::service::Service> {
    services
        .iter()
        .find(|s| s.id.to_string() == typed)
        .or(services.first())
}

/// The day a picker shows — the one typed if it is today or later in
/// `zone`, else today — and today.
pub(crate) fn picked_day(typed: &str, zone: &Zone) -> (Date, Date) {
    let today = rota_app::domain::jiff::Timestamp::now()
        .to_zoned(zone.tz().clone())
        .date();
    let day = typed
        .parse::<Date>()
        .ok()
        .filter(|d| *d >= today)
        .unwrap_or(today);
    (day, today)
}
