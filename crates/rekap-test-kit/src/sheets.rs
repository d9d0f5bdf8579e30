//! Tally sheets that pass every hard rule: the votes as given, 2 invalid, 40 registered
//! voters who did not vote, 6 spare ballots and 1 damaged.

use rekap_model::{Ballots, TallySheet, Turnout, VotedLists, VoterLists};

/// A full sheet without the male/female split of the voters.
pub fn sheet(votes: &[u32]) -> TallySheet {
    let valid: u32 = votes.iter().sum();
    let invalid = 2;
    let used = valid + invalid;
    let registered = used + 40;
    let received = registered + 6;
    TallySheet {
        registered: VoterLists {
            dpt: registered,
            dpph: 0,
            dptb: 0,
        },
        voted: VotedLists {
            dpt: Turnout {
                male: None,
                female: None,
                total: used,
            },
            dpph: Turnout::default(),
            dptb: Turnout::default(),
        },
        ballots: Ballots {
            received,
            used,
            damaged: 1,
            unused: received - used - 1,
        },
        votes: votes.to_vec(),
        valid,
        invalid: Some(invalid),
        votes_only: false,
        votes_by_type: Vec::new(),
    }
}

/// The same sheet with its voters split into male (half, rounded down) and female.
pub fn sheet_with_split(votes: &[u32]) -> TallySheet {
    let mut sheet = sheet(votes);
    let used = sheet.voted.dpt.total;
    sheet.voted.dpt.male = Some(used / 2);
    sheet.voted.dpt.female = Some(used - used / 2);
    sheet
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sheets_add_up() {
        let plain = sheet(&[10, 20]);
        assert_eq!(plain.valid, 30);
        assert_eq!(plain.voted.dpt.total, 32);
        assert_eq!(plain.registered.dpt, 72);
        assert_eq!(plain.ballots.received, 78);
        assert_eq!(
            plain.ballots.used + plain.ballots.damaged + plain.ballots.unused,
            plain.ballots.received
        );
        let split = sheet_with_split(&[10, 21]);
        assert_eq!(split.voted.dpt.male, Some(16));
        assert_eq!(split.voted.dpt.female, Some(17));
        assert_eq!(split.votes, vec![10, 21]);
    }
}
