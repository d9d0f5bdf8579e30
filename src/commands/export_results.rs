//! `export --format nist-err | openelections`: the current results in standard forms
//! (docs/FORMATS.md). The documents are rekap-formats'; this gathers every region's totals
//! of every contest from the store and writes them to `--out` (`-`: standard output).

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use rekap_formats::nist::{
    election_report, unresolved_references, ContestReport, ReportInput, ReportUnit,
};
use rekap_ledger::Ledger;
use rekap_log::DefaultStorage;
use rekap_projection::RegionReport;

/// Every region's report of `contest`, level by level from the top (the scope and below).
fn contest_reports(
    ledger: &Ledger<DefaultStorage>,
    contest: &str,
) -> anyhow::Result<Vec<RegionReport>> {
    let election = ledger.state().election();
    let view = ledger.totals_view(Some(contest));
    let mut reports = Vec::new();
    for level in 0..election.station_level() {
        let key = election.level_key(level);
        // A level above the contest's scope has no regions in it: nothing to add.
        let Ok(selection) = view.select(Some(contest), Some(key), None) else {
            continue;
        };
        reports.extend(view.reports(&selection)?);
    }
    Ok(reports)
}

/// Milliseconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
fn timestamp(ms: u64) -> String {
    let seconds = i64::try_from(ms / 1000).unwrap_or(0);
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

/// The NIST SP 1500-100 v2 ElectionReport of the store, checked for dangling references.
pub fn nist(store: &Path) -> anyhow::Result<String> {
    let ledger = crate::store::open(store)?;
    let election = ledger.state().election();
    let definition = election.definition();
    let mut units: Vec<ReportUnit> = definition
        .regions
        .iter()
        .map(|region| ReportUnit {
            code: region.code.clone(),
            name: region.name.clone(),
            level: election.level_key(region.level).to_owned(),
            children: Vec::new(),
        })
        .collect();
    for (index, region) in definition.regions.iter().enumerate() {
        let parent = region
            .parent
            .as_deref()
            .and_then(|code| election.find_region(code));
        if let Some(parent) = parent.and_then(|p| units.get_mut(p.0 as usize)) {
            if let Some(child) = definition.regions.get(index) {
                parent.children.push(child.code.clone());
            }
        }
    }
    let mut contests = Vec::new();
    for contest in election.contests() {
        contests.push(ContestReport {
            id: contest.id.clone(),
            name: contest.name.clone(),
            scope: contest.scope.clone(),
            pairs: contest
                .pairs
                .iter()
                .map(|pair| (pair.number, pair.name.clone()))
                .collect(),
            vote_types: (contest.vote_types.iter())
                .map(|vote_type| vote_type.key.clone())
                .collect(),
            regions: contest_reports(&ledger, &contest.id)?,
        });
    }
    let genesis = ledger.log().read(1)?.context(crate::lang::say(
        "command-export-results-log-has-no-genesis",
    ))?;
    let head = ledger.head();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64);
    let input = ReportInput {
        election_name: definition.name.clone(),
        generated: timestamp(now),
        // The genesis's day where the election is (WIB, WITA, WIT), as `history` shows it.
        date: crate::zone::of_election(election).date(genesis.recorded_at_ms),
        sequence_end: head.count,
        notes: crate::lang::say_with(
            "command-export-results-rekap-log-head-after-record",
            &[
                ("encode", &hex::encode(head.last_hash)),
                ("count", &head.count),
                ("encode2", &hex::encode(election.hash())),
            ],
        ),
        roots: definition
            .regions
            .iter()
            .filter(|r| r.parent.is_none())
            .map(|r| r.code.clone())
            .collect(),
        units,
        contests,
    };
    let report = election_report(&input);
    let dangling = unresolved_references(&report);
    anyhow::ensure!(
        dangling.is_empty(),
        crate::lang::say_with(
            "command-export-results-unresolved-references",
            &[("references", &format!("{dangling:?}"))]
        )
    );
    Ok(serde_json::to_string_pretty(&report)? + "\n")
}

/// Writes `text` to `out` (refused if it exists) or standard output for `-`.
pub fn write_out(out: &Path, text: &str) -> anyhow::Result<()> {
    if out == Path::new("-") {
        return crate::output::print(text);
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(out)
        .with_context(|| {
            crate::lang::say_with("command-cannot-create", &[("path", &out.display())])
        })?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| crate::lang::say_with("command-cannot-write", &[("path", &out.display())]))
}

/// OpenElections CSV of every contest: per station, or per region of `level`.
pub fn openelections(store: &Path, level: Option<&str>) -> anyhow::Result<String> {
    use rekap_formats::openelections::{to_csv, ResultRow};
    use rekap_model::Place;
    let ledger = crate::store::open(store)?;
    let election = ledger.state().election();
    let level_key = level.unwrap_or_else(|| election.level_key(election.station_level()));
    let county_level = (0..election.levels().len() as u32)
        .find(|l| matches!(election.level_key(*l), "county" | "regency"))
        .unwrap_or(1.min(election.station_level()));
    let mut rows = Vec::new();
    for contest in election.contests() {
        let view = ledger.totals_view(Some(&contest.id));
        let station_key = election.level_key(election.station_level());
        // Stations are listed region by region: those of each region just above them.
        let selected_level = if level_key == station_key {
            election.level_key(election.station_level().saturating_sub(1))
        } else {
            level_key
        };
        let selection = view
            .select(Some(&contest.id), Some(selected_level), None)
            .map_err(|error| anyhow::anyhow!("{error}"))?;
        let mut reports: Vec<(String, Vec<u64>)> = view
            .reports(&selection)?
            .into_iter()
            .map(|report| (report.code, report.totals.votes))
            .collect();
        if level_key == station_key {
            reports = counted_stations(ledger.state(), &contest.id);
        }
        for (code, votes) in reports {
            let county = election
                .locate(&code)
                .and_then(|place| match place {
                    Place::Region(region)
                        if election.tree().level(region) == Some(county_level) =>
                    {
                        Some(region)
                    }
                    place => election.tree().ancestor_at(place, county_level),
                })
                .and_then(|region| election.region_entry(region))
                .map(|region| region.name.clone())
                .unwrap_or_default();
            for (pair, votes) in contest.pairs.iter().zip(&votes) {
                rows.push(ResultRow {
                    county: county.clone(),
                    precinct: code.clone(),
                    office: contest.name.clone(),
                    district: contest.scope.clone(),
                    party: String::new(),
                    candidate: pair.name.clone(),
                    votes: *votes,
                });
            }
        }
    }
    Ok(to_csv(&rows))
}

/// Every station of the contest whose sheet counts, in station order: its code and votes.
fn counted_stations(state: &rekap_model::State, contest: &str) -> Vec<(String, Vec<u64>)> {
    use rekap_model::{StationId, StationStatus};
    let election = state.election();
    let Some(contest) = election.contest_by_id(contest) else {
        return Vec::new();
    };
    (0..election.tree().station_count())
        .map(StationId)
        .filter_map(|station| {
            let Some(StationStatus::Counted(entry)) = state.station_status(station, contest) else {
                return None;
            };
            let sheet = state.entry(entry)?.sheet.as_ref()?.unpack();
            let votes = sheet.votes.iter().map(|v| u64::from(*v)).collect();
            Some((election.station_code(station)?, votes))
        })
        .collect()
}
