//! Time-ordered identifiers (UUID v7, RFC 9562).

use std::time::{SystemTime, UNIX_EPOCH};

use rota_app::domain::uuid::Uuid;
use rota_app::ports::IdSource;

/// UUID v7: 48 bits of Unix milliseconds, then random bits. Ids made in
/// different milliseconds sort by time; pages by id follow creation order.
#[derive(Clone, Copy, Debug, Default)]
pub struct TimeOrderedIds;

impl IdSource for TimeOrderedIds {
    fn new_id(&self) -> Uuid {
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes[6..]).expect("the operating system provides randomness");
        let ms = u64::try_from(millis).unwrap_or(u64::MAX).to_be_bytes();
        bytes[..6].copy_from_slice(&ms[2..]);
        bytes[6] = 0x70 | (bytes[6] & 0x0F);
        bytes[8] = 0x80 | (bytes[8] & 0x3F);
        Uuid::from_bytes(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_version_7_and_ordered_by_time() {
        let ids = TimeOrderedIds;
        let a = ids.new_id();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = ids.new_id();
        assert_eq!(a.get_version_num(), 7);
        assert!(a < b);
    }
}
