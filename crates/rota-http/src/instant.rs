//! Instants on the wire, written fast: availability answers with thousands
//! of them (one provider's month is ~1,400 slots, 2,800 instants), and
//! formatting each through `Display` was a tenth of the request's CPU; a
//! page of bookings carries four per booking.
//! The text is exactly jiff's (`2032-03-01T09:15:00Z`, a fraction with its
//! trailing zeros left off: `…:00.1234Z`): the years 0000–9999 are written
//! here, anything else by jiff itself.

use rota_app::domain::jiff::Timestamp;
use rota_app::domain::jiff::tz::Offset;
use serde::Serializer;

/// `#[serde(serialize_with = "crate::instant::serialize")]`.
pub(crate) fn serialize<S: Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    let mut buf = [0_u8; 30];
    match write(*t, &mut buf).and_then(|b| std::str::from_utf8(b).ok()) {
        Some(text) => s.serialize_str(text),
        None => s.collect_str(t),
    }
}

/// Appends `t`'s text (what [`serialize`] puts between the quotes: no
/// character of it needs escaping in JSON).
pub(crate) fn push(out: &mut Vec<u8>, t: Timestamp) {
    use std::io::Write as _;
    let mut buf = [0_u8; 30];
    match write(t, &mut buf) {
        Some(text) => out.extend_from_slice(text),
        // Writing to a `Vec` cannot fail.
        None => drop(write!(out, "{t}")),
    }
}

/// `t` as RFC 3339 in UTC (ASCII), when it is in a four-digit year.
fn write(t: Timestamp, buf: &mut [u8; 30]) -> Option<&[u8]> {
    let dt = Offset::UTC.to_datetime(t);
    let year = u16::try_from(dt.year()).ok().filter(|y| *y <= 9999)?;
    let two = |n: i8| {
        let n = n.unsigned_abs();
        [b'0' + n / 10, b'0' + n % 10]
    };
    let digit = |n: u16| b'0' + u8::try_from(n % 10).unwrap_or(0);
    buf[..4].copy_from_slice(&[
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
    ]);
    buf[4] = b'-';
    buf[5..7].copy_from_slice(&two(dt.month()));
    buf[7] = b'-';
    buf[8..10].copy_from_slice(&two(dt.day()));
    buf[10] = b'T';
    buf[11..13].copy_from_slice(&two(dt.hour()));
    buf[13] = b':';
    buf[14..16].copy_from_slice(&two(dt.minute()));
    buf[16] = b':';
    buf[17..19].copy_from_slice(&two(dt.second()));
    let mut end = 19;
    let mut fraction = dt.subsec_nanosecond().unsigned_abs();
    if fraction != 0 {
        buf[19] = b'.';
        for i in (20..29).rev() {
            buf[i] = b'0' + u8::try_from(fraction % 10).unwrap_or(0);
            fraction /= 10;
        }
        end = 29;
        while buf[end - 1] == b'0' {
            end -= 1;
        }
    }
    buf[end] = b'Z';
    Some(&buf[..=end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: Timestamp) -> String {
        let mut out = Vec::new();
        let mut s = serde_json::Serializer::new(&mut out);
        serialize(&t, &mut s).expect("serialized");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn writes_what_jiff_writes_for_every_kind_of_instant() {
        // Whole seconds across four centuries (a prime step, so every
        // hour, minute and second turns up), the edges of the fast path,
        // and instants it leaves to jiff.
        let mut instants: Vec<Timestamp> = (0..200_000_i64)
            .map(|i| -2_208_988_800 + i * 63_113)
            .filter_map(|s| Timestamp::from_second(s).ok())
            .collect();
        instants.extend(
            [
                "0000-01-01T00:00:00Z",
                "9999-12-30T21:59:59Z",
                "2032-03-01T09:15:00.5Z",
                "2032-03-01T09:15:00.000001Z",
                "1969-12-31T23:59:59Z",
                "1969-12-31T23:59:59.999999Z",
                "1900-01-01T00:00:00.000000001Z",
                "2024-02-29T12:00:00Z",
            ]
            .iter()
            .map(|s| s.parse::<Timestamp>().expect("an instant")),
        );
        // Fractions of every length (a prime step of nanoseconds), as the
        // stores keep `created_at` to the microsecond.
        instants.extend(
            (0..200_000_i128)
                .map(|i| 1_600_000_000_000_000_000 + i * 1_000_003_117)
                .filter_map(|n| Timestamp::from_nanosecond(n).ok()),
        );
        instants.extend(
            (0..20_000_i64)
                .map(|i| 1_600_000_000_000_000 + i * 7_919)
                .filter_map(|us| Timestamp::from_microsecond(us).ok()),
        );
        instants.extend([Timestamp::MIN, Timestamp::MAX]);
        for t in instants {
            assert_eq!(text(t), format!("\"{t}\""), "{t}");
            let mut pushed = Vec::new();
            push(&mut pushed, t);
            assert_eq!(pushed, t.to_string().as_bytes(), "{t}");
        }
    }
}
