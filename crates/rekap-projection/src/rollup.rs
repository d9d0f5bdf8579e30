//! The fast rebuild of every tier's totals straight from a log's payloads, for a log whose
//! events are known to be allowed (it verified, or it was just replayed): no decisions, no
//! digests, one pass over the sheets and one pass up the tree. It must give exactly the
//! totals the [`crate::Projection`] gives; a property test holds it to that.

use rekap_model::{
    regions::{Place, RegionIdx, StationId},
    ContestIdx, Election, Event, Payload, TallySheet,
};

use crate::totals::Totals;

/// What counts for one station in one contest.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    Awaiting,
    Counted,
    /// Counted, the sheet giving no invalid count (its invalid word is 0).
    CountedWithoutInvalid,
    Voided,
}

/// One contest's current sheets, in flat arrays indexed by station.
struct Sheets {
    pairs: usize,
    /// Counts by vote type per station: pairs x vote types (0 for most contests).
    typed: usize,
    slots: Vec<Slot>,
    votes: Vec<u32>,
    by_type: Vec<u32>,
    /// valid, invalid, registered, voted per station.
    counts: Vec<[u32; 4]>,
}

impl Sheets {
    fn new(stations: usize, pairs: usize, vote_types: usize) -> Sheets {
        Sheets {
            pairs,
            typed: pairs * vote_types,
            slots: vec![Slot::Awaiting; stations],
            votes: vec![0; stations * pairs],
            by_type: vec![0; stations * pairs * vote_types],
            counts: vec![[0; 4]; stations],
        }
    }

    fn set(&mut self, station: usize, sheet: &TallySheet) {
        let Some(slot) = self.slots.get_mut(station) else {
            return;
        };
        *slot = match sheet.invalid {
            Some(_) => Slot::Counted,
            None => Slot::CountedWithoutInvalid,
        };
        let start = station * self.pairs;
        for (index, votes) in sheet.votes.iter().take(self.pairs).enumerate() {
            self.votes[start + index] = *votes;
        }
        if self.typed > 0 {
            let start = station * self.typed;
            for (index, votes) in sheet.votes_by_type.iter().take(self.typed).enumerate() {
                self.by_type[start + index] = *votes;
            }
        }
        let registered = sheet.registered_total().min(u64::from(u32::MAX)) as u32;
        let voted = sheet.voted_total().min(u64::from(u32::MAX)) as u32;
        let invalid = sheet.invalid.unwrap_or(0);
        self.counts[station] = [sheet.valid, invalid, registered, voted];
    }

    fn mark(&mut self, station: usize, slot: Slot) {
        if let Some(current) = self.slots.get_mut(station) {
            *current = slot;
        }
    }
}

/// A sheet-changing event with its station and contest looked up.
struct Resolved<'a> {
    station: usize,
    contest: usize,
    change: Change<'a>,
}

enum Change<'a> {
    Sheet(&'a TallySheet),
    Void,
    Clear,
}

/// Every region's totals per contest (`[contest][region]`), from the payloads in log order.
/// Looking up the stations of each payload runs on every core; applying them is in order.
pub fn rollup(election: &Election, payloads: &[Payload]) -> Vec<Vec<Totals>> {
    let stations = election.tree().station_count() as usize;
    let mut sheets: Vec<Sheets> = election
        .contests()
        .iter()
        .map(|contest| Sheets::new(stations, contest.pairs.len(), contest.vote_types.len()))
        .collect();
    for resolved in resolve_all(election, payloads) {
        for item in resolved {
            let Some(contest_sheets) = sheets.get_mut(item.contest) else {
                continue;
            };
            match item.change {
                Change::Sheet(sheet) => contest_sheets.set(item.station, sheet),
                Change::Void => contest_sheets.mark(item.station, Slot::Voided),
                Change::Clear => contest_sheets.mark(item.station, Slot::Awaiting),
            }
        }
    }
    sheets
        .iter()
        .enumerate()
        .map(|(contest, sheets)| sum_up(election, ContestIdx(contest as u32), sheets))
        .collect()
}

/// Resolves every payload's events, payloads spread over the cores, results in order.
fn resolve_all<'a>(election: &Election, payloads: &'a [Payload]) -> Vec<Vec<Resolved<'a>>> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let per_thread = payloads.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = payloads
            .chunks(per_thread)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|payload| resolve(election, payload))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| match worker.join() {
                Ok(resolved) => resolved,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

fn resolve<'a>(election: &Election, payload: &'a Payload) -> Vec<Resolved<'a>> {
    let Payload::Events { events, .. } = payload else {
        return Vec::new();
    };
    events
        .iter()
        .filter_map(|event| {
            let (station, contest, change) = match event {
                Event::SheetSubmitted {
                    station,
                    contest,
                    sheet,
                }
                | Event::SheetCorrected {
                    station,
                    contest,
                    sheet,
                    ..
                } => (station, contest, Change::Sheet(sheet)),
                Event::StationVoided {
                    station, contest, ..
                } => (station, contest, Change::Void),
                Event::RevoteRecorded {
                    station, contest, ..
                } => (station, contest, Change::Clear),
                _ => return None,
            };
            Some(Resolved {
                station: election.find_station(station)?.0 as usize,
                contest: election.contest_by_id(contest)?.0 as usize,
                change,
            })
        })
        .collect()
}

/// Stations into their villages, then every level into its parent, deepest first.
fn sum_up(election: &Election, contest: ContestIdx, sheets: &Sheets) -> Vec<Totals> {
    let tree = election.tree();
    let regions = tree.region_count() as usize;
    let vote_types = sheets.typed.checked_div(sheets.pairs).unwrap_or(0);
    let mut totals = vec![Totals::zero_typed(sheets.pairs, vote_types); regions];
    for region in 0..regions as u32 {
        let region = RegionIdx(region);
        if !tree.children(region).is_empty() {
            continue;
        }
        let holder = &mut totals[region.0 as usize];
        for station in tree.stations_under(region) {
            if election.contest_covers(contest, Place::Station(StationId(station))) {
                add_station(holder, sheets, station as usize);
            }
        }
    }
    let mut by_depth: Vec<RegionIdx> = (0..regions as u32).map(RegionIdx).collect();
    by_depth.sort_by_key(|region| std::cmp::Reverse(tree.level(*region).unwrap_or(0)));
    for region in by_depth {
        if let Some(parent) = tree.parent(region) {
            let child = totals[region.0 as usize].clone();
            totals[parent.0 as usize].add(&child);
        }
    }
    totals
}

fn add_station(totals: &mut Totals, sheets: &Sheets, station: usize) {
    totals.stations_expected += 1;
    match sheets.slots[station] {
        Slot::Awaiting => {}
        Slot::Voided => totals.stations_voided += 1,
        slot @ (Slot::Counted | Slot::CountedWithoutInvalid) => {
            if slot == Slot::CountedWithoutInvalid {
                totals.stations_without_invalid += 1;
            }
            let start = station * sheets.pairs;
            for (total, votes) in totals
                .votes
                .iter_mut()
                .zip(&sheets.votes[start..start + sheets.pairs])
            {
                *total += u64::from(*votes);
            }
            if sheets.typed > 0 {
                let start = station * sheets.typed;
                totals.add_by_type(&sheets.by_type[start..start + sheets.typed]);
            }
            let [valid, invalid, registered, voted] = sheets.counts[station];
            totals.valid += u64::from(valid);
            totals.invalid += u64::from(invalid);
            totals.registered += u64::from(registered);
            totals.voted += u64::from(voted);
            totals.stations_reported += 1;
        }
    }
}
