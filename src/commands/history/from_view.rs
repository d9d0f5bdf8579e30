//! `history` from the saved history view: no lock, no genesis, no replay. The positions of
//! the place's events come from the view, each event from its record (checked against the
//! record's hash), and the words from the same `describe` as the replay's, with the
//! officers and objections the view keeps. Anything the view cannot answer exactly as the
//! replay would (an unknown code, another spelling, a view that is missing, stale or does
//! not check) is `None`: the caller replays, which also words every refusal.

use rekap_ledger::history_view::{open_saved_history_view, HistoryView, Position, ViewPlace};
use rekap_ledger::stations_view::open_saved_stations_view;
use rekap_model::{EventId, Role};

use super::entries::{describe, witness_contest, Entry, People, What};
use super::HistoryArgs;

/// A page of a history and what its wording needs.
pub(super) struct Answer {
    pub page: Vec<Entry>,
    pub total: usize,
    pub place_code: String,
    pub people: ViewPeople,
}

/// The officers and objections of the view.
pub(super) struct ViewPeople(HistoryView);

impl People for ViewPeople {
    fn registrar(&self) -> [u8; 32] {
        self.0.registrar()
    }

    fn officer(&self, key: &[u8; 32]) -> Option<(Role, String)> {
        let officer = self.0.officer(key)?;
        Some((officer.role.role()?, officer.scope.clone()))
    }

    fn objection_place(&self, id: EventId) -> Option<(String, String)> {
        let (place, contest) = self.0.objection_place(id)?;
        Some((place.to_owned(), contest.to_owned()))
    }
}

/// One entry before it is worded: an event of the log, or a part of the genesis or a log
/// key rotation (shown in a top region's history only).
enum Candidate {
    Event(Position),
    Defined,
    InitialOfficer(usize),
    Rotation(usize),
}

/// The answer from the saved view, `None` if it cannot give exactly the replay's; `Some`
/// of an error only for what the replay would refuse the same way (a bad `--since`).
pub(super) fn answer(args: &HistoryArgs) -> Option<anyhow::Result<Answer>> {
    let view = open_saved_history_view(&args.store.store).ok()??;
    let (place, place_code) = asked_place(&view, args)?;
    let contest = match &args.contest {
        Some(id) => Some(view.contest(id)?),
        None => None,
    };
    let (since_seq, since_ms) = match super::since(args, &place_code) {
        Ok(since) => since,
        Err(error) => return Some(Err(error)),
    };
    let after = |seq: u64, recorded_at_ms: u64| seq >= since_seq && recorded_at_ms >= since_ms;
    let mut candidates = Vec::new();
    let top = match place {
        ViewPlace::Region(region) => view.is_top(region).ok()?,
        ViewPlace::Station(_) => false,
    };
    if top && contest.is_none() {
        if let Some(genesis) = view.genesis().filter(|g| after(1, g.recorded_at_ms)) {
            candidates.push((1, Candidate::Defined));
            candidates.extend(
                (0..genesis.initial_officers.len()).map(|at| (1, Candidate::InitialOfficer(at))),
            );
        }
        for (at, rotation) in view.rotations().iter().enumerate() {
            if after(rotation.seq, rotation.recorded_at_ms) {
                candidates.push((rotation.seq, Candidate::Rotation(at)));
            }
        }
    }
    for position in view.positions(place).ok()? {
        let in_contest = contest.is_none() || position.contest == contest;
        if after(position.seq, position.recorded_at_ms) && in_contest {
            candidates.push((position.seq, Candidate::Event(position)));
        }
    }
    // In log order; the genesis's entries keep theirs (all of record 1).
    candidates.sort_by_key(|(seq, candidate)| match candidate {
        Candidate::Event(position) => (*seq, position.index),
        _ => (*seq, 0),
    });
    let total = candidates.len();
    let people = ViewPeople(view);
    let mut page = Vec::new();
    for (_, candidate) in candidates.iter().skip(args.offset).take(args.limit) {
        page.push(worded(&people, candidate, &place_code)?);
    }
    Some(Ok(Answer {
        page,
        total,
        place_code,
        people,
    }))
}

/// The place asked for as the view numbers it, and its code; `None` where the replay
/// would refuse or would read the code another way (the replay then says so).
fn asked_place(view: &HistoryView, args: &HistoryArgs) -> Option<(ViewPlace, String)> {
    let region = |code: &str| {
        let region = view.find_region(code).ok()?;
        Some(region.map(|region| (ViewPlace::Region(region), code.to_owned())))
    };
    let station = |code: &str| {
        let stations = open_saved_stations_view(&args.store.store).ok()??;
        if stations.head() != view.head() {
            return None;
        }
        let station = stations.find_station(code).ok()??;
        Some((ViewPlace::Station(station), stations.code(station).ok()?))
    };
    if let Some(code) = &args.station {
        return match region(code)? {
            Some(_) => None,
            None => station(code),
        };
    }
    if let Some(code) = &args.region {
        return region(code)?;
    }
    let code = args.code.as_deref()?;
    match region(code)? {
        Some(found) => Some(found),
        None => station(code),
    }
}

/// The entry of one candidate, worded as the replay words it; `None` if its record does
/// not check or does not hold what the view says.
fn worded(people: &ViewPeople, candidate: &Candidate, top_code: &str) -> Option<Entry> {
    let view = &people.0;
    let entry = |id: EventId, recorded_at_ms, author, place: &str, contest, what| Entry {
        id,
        recorded_at_ms,
        author,
        place: place.to_owned(),
        contest,
        what,
    };
    let first = EventId { seq: 1, index: 0 };
    Some(match candidate {
        Candidate::Defined => {
            let genesis = view.genesis()?;
            let what = What::ElectionDefined {
                name: genesis.name.clone(),
            };
            entry(
                first,
                genesis.recorded_at_ms,
                genesis.author,
                top_code,
                None,
                what,
            )
        }
        Candidate::InitialOfficer(at) => {
            let genesis = view.genesis()?;
            let officer = genesis.initial_officers.get(*at)?;
            let role = officer.role.role()?;
            let contest = witness_contest(&role);
            let what = What::OfficerRegistered {
                key: officer.key,
                role,
            };
            let (time, author) = (genesis.recorded_at_ms, genesis.author);
            entry(first, time, author, &officer.scope, contest, what)
        }
        Candidate::Rotation(at) => {
            let rotation = view.rotations().get(*at)?;
            let id = EventId {
                seq: rotation.seq,
                index: 0,
            };
            let what = What::LogKeyRotated { key: rotation.key };
            entry(
                id,
                rotation.recorded_at_ms,
                rotation.author,
                top_code,
                None,
                what,
            )
        }
        Candidate::Event(position) => {
            let (author, event) = view.event(position.seq, position.index).ok()?;
            let (place, contest, what) = describe(people, event)?;
            let id = EventId {
                seq: position.seq,
                index: position.index,
            };
            entry(id, position.recorded_at_ms, author, &place, contest, what)
        }
    })
}
