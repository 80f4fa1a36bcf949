//! Time zones: an IANA zone by name, from the database compiled into the
//! binary.

use std::fmt;
use std::sync::OnceLock;

use jiff::tz::{TimeZone, TimeZoneDatabase};
use serde::{Deserialize, Serialize};

/// The IANA database compiled into the binary. Using it (rather than the
/// host's `/usr/share/zoneinfo`) keeps the domain free of I/O and gives every
/// machine the same answers.
pub fn tz_database() -> &'static TimeZoneDatabase {
    static DB: OnceLock<TimeZoneDatabase> = OnceLock::new();
    DB.get_or_init(TimeZoneDatabase::bundled)
}

/// An IANA time zone, named (`Europe/London`), never a bare offset.
#[derive(Clone, PartialEq, Eq)]
pub struct Zone {
    name: String,
    tz: TimeZone,
}

/// Not a time zone the IANA database knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown time zone {0:?}; use an IANA name such as \"Europe/London\"")]
pub struct UnknownZone(pub String);

impl Zone {
    /// Looks an IANA name up in the bundled database.
    pub fn parse(name: &str) -> Result<Self, UnknownZone> {
        let name = name.trim();
        let tz = tz_database()
            .get(name)
            .map_err(|_| UnknownZone(name.to_owned()))?;
        let canonical = tz.iana_name().unwrap_or(name).to_owned();
        Ok(Self {
            name: canonical,
            tz,
        })
    }

    /// `UTC`.
    #[must_use]
    pub fn utc() -> Self {
        Self {
            name: "UTC".to_owned(),
            tz: TimeZone::UTC,
        }
    }

    /// The IANA name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The zone's rules.
    #[must_use]
    pub fn tz(&self) -> &TimeZone {
        &self.tz
    }
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Zone({})", self.name)
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl Serialize for Zone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name)
    }
}

impl<'de> Deserialize<'de> for Zone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Zone::parse(&name).map_err(serde::de::Error::custom)
    }
}
