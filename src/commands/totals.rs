//! `totals`: every level's numbers, as a table for people or JSON/CSV for scripts.

use anyhow::bail;
use clap::{Args, ValueEnum};
use rekap_model::{ContestIdx, Election, RegionIdx, State};
use rekap_projection::{Projection, RegionReport};
use serde_json::json;

use crate::exit::Outcome;
use crate::lang::Lang;
use crate::output::print;
use crate::store::StoreArg;
use crate::table::Table;
use rekap_ledger::snapshot::read_snapshot;
use rekap_ledger::Ledger;
use rekap_log::{DefaultStorage, Log};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("which").args(["level", "region"])))]
pub struct TotalsArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// Contest id (default: the first contest of the definition).
    #[arg(long)]
    pub contest: Option<String>,
    /// Every region of this level (e.g. province, regency, district, village).
    #[arg(long)]
    pub level: Option<String>,
    /// The regions directly under this region.
    #[arg(long)]
    pub region: Option<String>,
    /// The totals as they were after record SEQ.
    #[arg(long)]
    pub at: Option<u64>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Language of headings and level names (default from LANG).
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
}

/// The regions a totals command lists, and their level's index.
pub struct Selection {
    pub contest: ContestIdx,
    pub level: u32,
    pub regions: Vec<RegionIdx>,
}

pub fn select(
    election: &Election,
    contest: Option<&str>,
    level: Option<&str>,
    region: Option<&str>,
) -> anyhow::Result<Selection> {
    let contest = match contest {
        Some(id) => match election.contest_by_id(id) {
            Some(contest) => contest,
            None => bail!("unknown contest {id}"),
        },
        None => ContestIdx(0),
    };
    let Some(scope) = election.contest_scope(contest) else {
        bail!("the definition has no contests");
    };
    let tree = election.tree();
    if let Some(code) = region {
        let Some(region) = election.find_region(code) else {
            bail!("unknown region {code}");
        };
        let children = tree.children(region).to_vec();
        let (level, regions) = if children.is_empty() {
            (tree.level(region).unwrap_or(0), vec![region])
        } else {
            (tree.level(region).unwrap_or(0) + 1, children)
        };
        return Ok(Selection {
            contest,
            level,
            regions,
        });
    }
    let level = match level {
        Some(key) => match election.levels().iter().position(|level| level.key == key) {
            Some(index) if (index as u32) < election.station_level() => index as u32,
            _ => bail!(
                "unknown level {key}; levels with regions: {}",
                region_level_keys(election)
            ),
        },
        None => tree.level(scope).unwrap_or(0),
    };
    let mut regions = Vec::new();
    collect_at_level(election, scope, level, &mut regions);
    Ok(Selection {
        contest,
        level,
        regions,
    })
}

fn region_level_keys(election: &Election) -> String {
    let levels = election.levels();
    levels[..levels.len().saturating_sub(1)]
        .iter()
        .map(|level| level.key.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Regions at `level` under `region`, in code order.
pub fn collect_at_level(
    election: &Election,
    region: RegionIdx,
    level: u32,
    out: &mut Vec<RegionIdx>,
) {
    let tree = election.tree();
    match tree.level(region) {
        Some(current) if current == level => out.push(region),
        Some(current) if current < level => {
            for child in tree.children(region) {
                collect_at_level(election, *child, level, out);
            }
        }
        _ => {}
    }
}

pub fn run(args: TotalsArgs) -> anyhow::Result<Outcome> {
    let log = Log::open(DefaultStorage::open(&args.store.store)?)?;
    if args.at.is_none() {
        if let Some(view) = read_snapshot(&log)? {
            let selection = select_for(&args, &view.election)?;
            let reports = selection
                .regions
                .iter()
                .filter_map(|region| view.region_report(selection.contest, *region))
                .collect::<Vec<_>>();
            return print_reports(&args, &view.election, &selection, &reports);
        }
    }
    let mut ledger = Ledger::replay(log, args.at.unwrap_or(u64::MAX))?;
    let election = ledger.state().election().clone();
    let selection = select_for(&args, &election)?;
    let reports = reports(ledger.state(), ledger.projection(), &selection);
    // The next totals of this head answer from the snapshot, without a replay.
    ledger.save_snapshot()?;
    print_reports(&args, &election, &selection, &reports)
}

fn select_for(args: &TotalsArgs, election: &Election) -> anyhow::Result<Selection> {
    select(
        election,
        args.contest.as_deref(),
        args.level.as_deref(),
        args.region.as_deref(),
    )
}

fn print_reports(
    args: &TotalsArgs,
    election: &Election,
    selection: &Selection,
    reports: &[RegionReport],
) -> anyhow::Result<Outcome> {
    let lang = Lang::resolve(args.lang);
    let (selection, reports) = (selection, reports);
    let text = match args.format {
        Format::Json => json_text(election, selection, reports)? + "\n",
        Format::Csv => csv_text(election, selection, reports),
        Format::Table => table_text(election, selection, reports, lang),
    };
    print(&text)?;
    Ok(Outcome::Success)
}

pub fn reports(state: &State, projection: &Projection, selection: &Selection) -> Vec<RegionReport> {
    selection
        .regions
        .iter()
        .map(|region| projection.region_report(state, selection.contest, *region))
        .collect()
}

fn pair_numbers(election: &Election, contest: ContestIdx) -> Vec<u32> {
    election
        .contest(contest)
        .map(|contest| contest.pairs.iter().map(|pair| pair.number).collect())
        .unwrap_or_default()
}

fn json_text(
    election: &Election,
    selection: &Selection,
    reports: &[RegionReport],
) -> anyhow::Result<String> {
    let numbers = pair_numbers(election, selection.contest);
    let regions: Vec<_> = reports
        .iter()
        .map(|report| {
            let votes: serde_json::Map<String, serde_json::Value> = numbers
                .iter()
                .zip(&report.totals.votes)
                .map(|(number, votes)| (number.to_string(), json!(votes)))
                .collect();
            json!({
                "code": report.code,
                "name": report.name,
                "votes": votes,
                "valid": report.totals.valid,
                "invalid": report.totals.invalid,
                "stations_reported": report.totals.stations_reported,
                "stations_expected": report.totals.stations_expected,
                "approval": report.approval,
            })
        })
        .collect();
    let contest = election
        .contest(selection.contest)
        .map(|c| c.id.clone())
        .unwrap_or_default();
    Ok(serde_json::to_string(&json!({
        "contest": contest,
        "level": election.level_key(selection.level),
        "regions": regions,
    }))?)
}

fn csv_text(election: &Election, selection: &Selection, reports: &[RegionReport]) -> String {
    let numbers = pair_numbers(election, selection.contest);
    let mut header = vec!["code".to_owned(), "name".to_owned()];
    header.extend(numbers.iter().map(|number| format!("votes_{number}")));
    header.extend(
        [
            "valid",
            "invalid",
            "stations_reported",
            "stations_expected",
            "approval",
        ]
        .map(str::to_owned),
    );
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(&header);
    for report in reports {
        let mut row = vec![report.code.clone(), report.name.clone()];
        row.extend(report.totals.votes.iter().map(u64::to_string));
        row.extend([
            report.totals.valid.to_string(),
            report.totals.invalid.to_string(),
            report.totals.stations_reported.to_string(),
            report.totals.stations_expected.to_string(),
            report.approval.to_owned(),
        ]);
        let _ = writer.write_record(&row);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

pub fn level_name(election: &Election, level: u32, lang: Lang) -> String {
    election
        .level(level)
        .map(|level| match lang {
            Lang::Id => level.name_id.clone(),
            Lang::En => level.name_en.clone(),
        })
        .unwrap_or_default()
}

pub fn table_text(
    election: &Election,
    selection: &Selection,
    reports: &[RegionReport],
    lang: Lang,
) -> String {
    let numbers = pair_numbers(election, selection.contest);
    let mut header = vec![
        lang.pick("Code", "Kode").to_owned(),
        level_name(election, selection.level, lang),
    ];
    header.extend(
        numbers
            .iter()
            .map(|number| format!("{} {number}", lang.pick("Pair", "Paslon"))),
    );
    header.extend([
        lang.pick("Valid", "Sah").to_owned(),
        lang.pick("Invalid", "Tidak sah").to_owned(),
        lang.pick("Stations", "TPS").to_owned(),
        lang.pick("Approval", "Pengesahan").to_owned(),
    ]);
    let mut table = Table::new(header);
    for report in reports {
        let totals = &report.totals;
        let mut row = vec![report.code.clone(), report.name.clone()];
        row.extend(totals.votes.iter().map(|votes| lang.number(*votes)));
        row.extend([
            lang.number(totals.valid),
            lang.number(totals.invalid),
            format!(
                "{}/{}",
                lang.number(u64::from(totals.stations_reported)),
                lang.number(u64::from(totals.stations_expected))
            ),
            approval_word(report.approval, lang).to_owned(),
        ]);
        table.push(row);
    }
    table.render()
}

fn approval_word(label: &str, lang: Lang) -> &'static str {
    match label {
        "approved" => lang.pick("approved", "disahkan"),
        "stale" => lang.pick("stale", "usang"),
        "pending" => lang.pick("pending", "menunggu"),
        _ => "-",
    }
}
