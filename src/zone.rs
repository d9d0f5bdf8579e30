//! Indonesia's three time zones, from a province code, for times people read.
//!
//! The province is the first two digits of a Kemendagri/BPS region code (`64` Kalimantan
//! Timur, `6401012009-001` a station in it). Indonesia keeps no daylight saving time, so
//! each zone is a fixed offset:
//!
//! | zone | offset | provinces (code) |
//! |---|---|---|
//! | WIB (Waktu Indonesia Barat) | UTC+7 | Sumatra 11-21, Java 31-36, Kalimantan Barat 61, Kalimantan Tengah 62 |
//! | WITA (Waktu Indonesia Tengah) | UTC+8 | Bali 51, Nusa Tenggara 52-53, Kalimantan Selatan 63, Timur 64, Utara 65, Sulawesi 71-76 |
//! | WIT (Waktu Indonesia Timur) | UTC+9 | Maluku 81-82, Papua 91-97 |
//!
//! Any other code (a free-form code, an election outside Indonesia) is shown in UTC.

use jiff::tz::{Offset, TimeZone};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Zone {
    /// `WIB`, `WITA`, `WIT` or `UTC`.
    pub name: &'static str,
    pub hours: i8,
}

pub const UTC: Zone = Zone {
    name: "UTC",
    hours: 0,
};

/// The zone of the province a region or station code is in.
pub fn of_code(code: &str) -> Zone {
    let province: Option<u8> = code.get(..2).and_then(|digits| digits.parse().ok());
    let (name, hours) = match province {
        Some(11..=21 | 31..=36 | 61 | 62) => ("WIB", 7),
        Some(51..=53 | 63..=65 | 71..=76) => ("WITA", 8),
        Some(81 | 82 | 91..=97) => ("WIT", 9),
        _ => return UTC,
    };
    Zone { name, hours }
}

/// The zone of an election: that of its first region (definition order) in a province
/// with a zone, e.g. a national election's first province; UTC if none is.
pub fn of_election(election: &rekap_model::Election) -> Zone {
    (election.definition().regions.iter())
        .map(|region| of_code(&region.code))
        .find(|zone| *zone != UTC)
        .unwrap_or(UTC)
}

impl Zone {
    /// The day, `2024-11-27`, of milliseconds since the epoch.
    pub fn date(self, ms: u64) -> String {
        let Ok(time) = jiff::Timestamp::from_millisecond(ms as i64) else {
            return "1970-01-01".to_owned();
        };
        time.to_zoned(self.time_zone())
            .strftime("%Y-%m-%d")
            .to_string()
    }

    /// `2024-11-27 14:05:09 WITA` from milliseconds since the epoch.
    pub fn format(self, ms: u64) -> String {
        let Ok(time) = jiff::Timestamp::from_millisecond(ms as i64) else {
            return format!("{ms} ms");
        };
        let zoned = time.to_zoned(self.time_zone());
        format!("{} {}", zoned.strftime("%Y-%m-%d %H:%M:%S"), self.name)
    }

    /// RFC 3339 with the zone's offset: `2024-11-27T14:05:09+08:00`.
    pub fn rfc3339(self, ms: u64) -> String {
        let Ok(time) = jiff::Timestamp::from_millisecond(ms as i64) else {
            return String::new();
        };
        time.to_zoned(self.time_zone())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    }

    pub fn time_zone(self) -> TimeZone {
        TimeZone::fixed(Offset::constant(self.hours))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provinces_are_in_their_zones() {
        assert_eq!(of_code("31").name, "WIB");
        assert_eq!(of_code("6401012009-001").name, "WITA");
        assert_eq!(of_code("94").name, "WIT");
        assert_eq!(of_code("X1"), UTC);
        // 2024-11-27 06:00 UTC is 14:00 in Samarinda.
        let ms = 1_732_687_200_000;
        assert_eq!(of_code("64").format(ms), "2024-11-27 14:00:00 WITA");
        assert_eq!(of_code("64").rfc3339(ms), "2024-11-27T14:00:00+08:00");
        assert_eq!(UTC.format(ms), "2024-11-27 06:00:00 UTC");
    }
}
