//! `correct --server`: the station's current sheet as the server's log holds it, read from
//! the verified copy of that log (`copy`), so that a correction over the network changes
//! only the fields given, as a local one does, and never zeroes a field it did not name.

use std::time::Duration;

use rekap_model::{Place, State};

use super::{copy, reads, Client};

/// How many times the copy is brought up to date when it does not yet hold the sheet the
/// server answers with (the copy follows the signed checkpoint, up to a second behind).
const ATTEMPTS: u32 = 5;
const PAUSE: Duration = Duration::from_millis(500);

/// Runs `decide` on the state of the copy of `url`'s log once the copy holds the same
/// current sheet of `station` in `contest` as the server's `GET /v1/stations/{code}`.
pub fn on_current_state<T>(
    url: &str,
    station: &str,
    contest: &str,
    decide: impl FnOnce(&State) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let path = format!(
        "/v1/stations/{}?contest={}",
        reads::encode(station),
        reads::encode(contest)
    );
    let client = Client::new(url);
    for attempt in 1..=ATTEMPTS {
        let served = client.get_json(&path)?;
        let served_id = served["current"]["id"].as_str().map(str::to_owned);
        // The copy's state as its mirror replayed and synced it (no genesis yet: not yet).
        let mirror = copy::synced_mirror(url, None)?;
        let state = mirror.ledger().map(|ledger| ledger.state());
        if let Some(state) = state.filter(|state| current_id(state, station, contest) == served_id)
        {
            return decide(state);
        }
        if attempt < ATTEMPTS {
            std::thread::sleep(PAUSE);
        }
    }
    anyhow::bail!(crate::lang::say_with(
        "client-copy-behind-station",
        &[("station", &station), ("url", &url)]
    ))
}

/// The event id (SEQ.INDEX) of the station's current sheet in `state`, if it has one.
fn current_id(state: &State, station: &str, contest: &str) -> Option<String> {
    let election = state.election();
    let Some(Place::Station(station)) = election.locate(station) else {
        return None;
    };
    let contest = election.contest_by_id(contest)?;
    let (entry, _) = state.current_sheet(station, contest)?;
    Some(state.entry(entry)?.id.to_string())
}
