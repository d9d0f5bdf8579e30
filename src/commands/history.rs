//! `history CODE`: every event touching a region or station, oldest first.

use anyhow::bail;
use clap::Args;
use rekap_model::{EntryKind, EventId, ObjectionStatus, Place, State};

use crate::exit::Outcome;
use crate::output::print;
use crate::store::{self, StoreArg};

/// Most history lines printed.
const MAX_LINES: usize = 10_000;

#[derive(Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// Region or station code.
    pub code: String,
}

pub fn run(args: HistoryArgs) -> anyhow::Result<Outcome> {
    let ledger = store::open(&args.store.store)?;
    let state = ledger.state();
    let Some(place) = state.election().locate(&args.code) else {
        bail!("unknown region or station {}", args.code);
    };
    let mut lines = sheet_lines(state, place);
    lines.extend(objection_lines(state, place));
    lines.extend(approval_lines(state, place));
    lines.sort_by_key(|(id, _)| *id);
    let total = lines.len();
    let mut out = String::new();
    for (_, line) in lines.into_iter().take(MAX_LINES) {
        out += &line;
        out.push('\n');
    }
    if total > MAX_LINES {
        out += &format!("... {} more\n", total - MAX_LINES);
    }
    if total == 0 {
        out += "no events touch this place yet\n";
    }
    print(&out)?;
    Ok(Outcome::Success)
}

fn covers(state: &State, outer: Place, inner: Place) -> bool {
    let tree = state.election().tree();
    match (outer, inner) {
        (Place::Region(region), _) => tree.covers(region, inner),
        (Place::Station(station), Place::Station(other)) => station == other,
        (Place::Station(_), Place::Region(_)) => false,
    }
}

fn when(ms: u64) -> String {
    jiff::Timestamp::from_millisecond(ms as i64)
        .map_or_else(|_| format!("{ms} ms"), |time| time.to_string())
}

fn author(state: &State, key: &[u8; 32]) -> String {
    let short = hex::encode(&key[..6]);
    match state.officer(key) {
        Some(officer) => format!(
            "{short} ({} of {})",
            crate::words::role(&officer.role, crate::lang::Lang::En),
            state
                .election()
                .region_code(officer.scope)
                .unwrap_or_default()
        ),
        None => short,
    }
}

fn sheet_lines(state: &State, place: Place) -> Vec<(EventId, String)> {
    let election = state.election();
    state
        .entries()
        .iter()
        .filter(|entry| covers(state, place, Place::Station(entry.station)))
        .map(|entry| {
            let officer = state
                .officer_by_index(entry.author)
                .map(|officer| officer.key);
            let what = match entry.kind {
                EntryKind::Submitted => "sheet submitted",
                EntryKind::Corrected => "sheet corrected",
                EntryKind::RevoteRecorded => "re-vote ordered",
                EntryKind::Voided => "station voided",
            };
            let numbers = entry
                .sheet
                .as_ref()
                .map(|sheet| {
                    format!(
                        " votes {} valid {} invalid {}",
                        crate::words::votes(sheet.votes()),
                        sheet.valid(),
                        sheet.invalid()
                    )
                })
                .unwrap_or_default();
            let reason = entry
                .note
                .as_ref()
                .map(|note| format!(" reason: {}", note.reason))
                .unwrap_or_default();
            let line = format!(
                "{} {} {} {} {}{numbers}{reason} by {}",
                entry.id,
                when(entry.recorded_at_ms),
                election.station_code(entry.station).unwrap_or_default(),
                election
                    .contests()
                    .get(entry.contest.0 as usize)
                    .map(|c| c.id.as_str())
                    .unwrap_or(""),
                what,
                officer.map(|key| author(state, &key)).unwrap_or_default()
            );
            (entry.id, line)
        })
        .collect()
}

fn objection_lines(state: &State, place: Place) -> Vec<(EventId, String)> {
    let election = state.election();
    state
        .objections()
        .filter(|objection| {
            covers(state, place, objection.place) || covers(state, objection.place, place)
        })
        .map(|objection| {
            let status = match &objection.status {
                ObjectionStatus::Open => "open".to_owned(),
                ObjectionStatus::Accepted {
                    correction,
                    resolved_by,
                    reason,
                } => {
                    format!("accepted at {resolved_by} (correction {correction}): {reason}")
                }
                ObjectionStatus::Rejected {
                    resolved_by,
                    reason,
                } => format!("rejected at {resolved_by}: {reason}"),
            };
            let line = format!(
                "{} objection about {} by {}: {:?} [{status}]",
                objection.id,
                election.place_code(objection.place),
                author(state, &objection.author),
                objection.text
            );
            (objection.id, line)
        })
        .collect()
}

fn approval_lines(state: &State, place: Place) -> Vec<(EventId, String)> {
    let election = state.election();
    state
        .approvals()
        .iter()
        .filter(|approval| {
            let approved = Place::Region(approval.region);
            covers(state, approved, place) || covers(state, place, approved)
        })
        .map(|approval| {
            let line = format!(
                "{} {} plenary approved {} digest {} by {}, {} witness signatures, {} refusals, {} open objections",
                approval.id,
                when(approval.recorded_at_ms),
                election.region_code(approval.region).unwrap_or_default(),
                hex::encode(approval.digest),
                author(state, &approval.official),
                approval.signers.len(),
                approval.refusals.len(),
                approval.open_objections.len()
            );
            (approval.id, line)
        })
        .collect()
}
