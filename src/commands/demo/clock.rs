//! The demo's simulated clock: Kaltim time (WITA, UTC+8), from voting day, 27 November 2024.

/// 2024-11-27 00:00 WITA in milliseconds since the Unix epoch.
pub const VOTING_DAY_MS: u64 = 1_732_636_800_000;
const HOUR_MS: u64 = 60 * 60 * 1000;
const DAY_MS: u64 = 24 * HOUR_MS;

/// `day` days after voting day (0 = voting day) at `hour`:`minute` WITA.
pub fn at(day: u64, hour: u64, minute: u64) -> u64 {
    VOTING_DAY_MS + day * DAY_MS + hour * HOUR_MS + minute * 60 * 1000
}
