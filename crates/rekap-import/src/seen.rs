//! The first line of each station and contest in the file, to refuse repeats. One slot per
//! station in the contest's scope, allocated when the contest first appears: cheaper than
//! hashing for files of hundreds of thousands of rows.

use rekap_model::{ContestIdx, Election, StationId};

pub(crate) struct SeenRows {
    /// Per contest: the first station of its scope and, per station, the first line (0: not
    /// seen yet).
    contests: Vec<Option<(u32, Vec<u64>)>>,
}

impl SeenRows {
    pub(crate) fn new(election: &Election) -> SeenRows {
        SeenRows {
            contests: vec![None; election.contests().len()],
        }
    }

    /// Records `line` for the station and contest; returns the earlier line if there is one.
    /// A station outside the contest's scope is not tracked (the model refuses it anyway).
    pub(crate) fn first_line(
        &mut self,
        election: &Election,
        station: StationId,
        contest: ContestIdx,
        line: u64,
    ) -> Option<u64> {
        let slot = self.contests.get_mut(contest.0 as usize)?;
        let (start, lines) = slot.get_or_insert_with(|| {
            let range = election
                .contest_scope(contest)
                .map(|region| election.tree().stations_under(region))
                .unwrap_or(0..0);
            (range.start, vec![0; range.len()])
        });
        let seen = lines.get_mut(station.0.checked_sub(*start)? as usize)?;
        if *seen == 0 {
            *seen = line;
            None
        } else {
            Some(*seen)
        }
    }

    /// Takes in the rows `later` saw (of the same election), which come after every row
    /// this saw; `false` if a station and contest was seen by both.
    pub(crate) fn absorb(&mut self, later: SeenRows) -> bool {
        for (mine, theirs) in self.contests.iter_mut().zip(later.contests) {
            let Some((start, lines)) = theirs else {
                continue;
            };
            let Some((_, kept)) = mine else {
                *mine = Some((start, lines));
                continue;
            };
            for (kept, line) in kept.iter_mut().zip(lines) {
                match (*kept, line) {
                    (_, 0) => {}
                    (0, line) => *kept = line,
                    _ => return false,
                }
            }
        }
        true
    }
}
