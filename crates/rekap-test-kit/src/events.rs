//! Events with every field a test does not care about filled in plainly.

use rekap_model::{Event, Role, TallySheet};

use crate::keys::pk;

pub fn submit(station: &str, contest: &str, sheet: TallySheet) -> Event {
    Event::SheetSubmitted {
        station: station.into(),
        contest: contest.into(),
        sheet,
    }
}

pub fn correct(station: &str, contest: &str, sheet: TallySheet, reason: &str) -> Event {
    Event::SheetCorrected {
        station: station.into(),
        contest: contest.into(),
        sheet,
        reason: reason.into(),
        answers: None,
    }
}

/// An approval without witness signatures or refusals.
pub fn approve(region: &str, contest: &str, digest: [u8; 32]) -> Event {
    Event::PlenaryApproved {
        region: region.into(),
        contest: contest.into(),
        digest,
        signatures: vec![],
        refusals: vec![],
    }
}

/// Registers key number `key`.
pub fn register(key: u8, role: Role, scope: &str) -> Event {
    Event::OfficerRegistered {
        key: pk(key),
        role,
        scope: scope.into(),
    }
}
