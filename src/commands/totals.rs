//! `totals`: every level's numbers, as a table for people or JSON/CSV for scripts.

use anyhow::bail;
use clap::{Args, ValueEnum};
use rekap_model::ContestIdx;
use rekap_projection::RegionReport;

use crate::exit::Outcome;
use crate::lang::Lang;
use crate::output::print;
use crate::store::StoreArg;
use crate::table::Table;
use rekap_ledger::view::{
    open_saved_totals_view, SavedView, SelectError, Selection, TotalsView, ViewError,
};
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
    /// Every region of this level (e.g. province, regency, district, village), or every
    /// station (the station level's key, e.g. station).
    #[arg(long)]
    pub level: Option<String>,
    /// The regions directly under this region; for a region holding stations (a village),
    /// its stations.
    #[arg(long)]
    pub region: Option<String>,
    /// The totals as they were after record SEQ (1, the genesis, to the head).
    #[arg(long, value_name = "SEQ")]
    pub at: Option<u64>,
    /// Output: a table or text for people, JSON or CSV for scripts.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Language of what this command prints: id or en (default: from LC_ALL, LC_MESSAGES
    /// or LANG).
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    // --server: `run` says which answers come from the server and which from its copy.
    #[command(flatten)]
    pub server: crate::client::copy::ServerArg,
}

pub fn run(mut args: TotalsArgs) -> anyhow::Result<Outcome> {
    if let Some(url) = &args.server.server {
        // A level's regions: what `GET /v1/totals` answers (a village's stations and
        // `--at` are the local command's, on the copy).
        let top = args.at.is_none() && args.region.is_none();
        if top && !matches!(args.format, Format::Table) {
            return crate::client::reads::totals(url, &args, args.format);
        }
    }
    crate::client::copy::read_from(&args.server, &mut args.store.store)?;
    let path = &args.store.store;
    if args.at.is_none() {
        // The fast path: the saved view, if the log still ends where it did and its last
        // record is the one the view was computed at; no lock taken. Any trouble with it
        // (unreadable, damaged) only means replaying instead.
        match open_saved_totals_view(path) {
            Ok(SavedView::Current(view)) => {
                if lists_stations(&args, &view)? {
                    return answer_stations(&args, &crate::store::open(path)?);
                }
                if let Some(outcome) = answer_from_saved(&args, &view)? {
                    return Ok(outcome);
                }
            }
            Ok(SavedView::LogDisagrees(reason)) => {
                eprintln!(
                    "{}",
                    crate::lang::say_with(
                        "command-totals-warning-not-answering-from-saved",
                        &[("reason", &reason)]
                    )
                );
            }
            Ok(SavedView::NotCurrent) | Err(_) => {}
        }
    }
    // Read-only: an incomplete append or damage at the end is an error, never an answer
    // from fewer records; and reading saves nothing (appending commands save the view).
    let log = Log::open(DefaultStorage::open_read_only(path)?)?;
    // An empty log is reported by the replay (not a store made by init).
    if let (Some(at), count @ 1..) = (args.at, log.head().count) {
        check_at(at, count)?;
    }
    let ledger = Ledger::replay(log, args.at.unwrap_or(u64::MAX))?;
    let view = ledger.totals_view(args.contest.as_deref());
    if lists_stations(&args, &view)? {
        return answer_stations(&args, &ledger);
    }
    let head = answered_at(&ledger, args.at)?;
    answer(&args, &view, head)
}

/// The record the totals are of: the head, or record `at` (its hash is the next record's
/// `prev_hash`).
fn answered_at(ledger: &Ledger<DefaultStorage>, at: Option<u64>) -> anyhow::Result<AnsweredAt> {
    let head = ledger.head();
    match at {
        Some(at) if at < head.count => {
            let next = ledger.log().read(at + 1)?;
            Ok(AnsweredAt {
                count: at,
                hash: next.map_or(head.last_hash, |record| record.prev_hash),
            })
        }
        _ => Ok(AnsweredAt {
            count: head.count,
            hash: head.last_hash,
        }),
    }
}

/// The record an answer is of (`head` in the JSON).
#[derive(Clone, Copy)]
struct AnsweredAt {
    count: u64,
    hash: [u8; 32],
}

/// Whether `--level` names the station level, or `--region` a region that holds stations
/// (a village): the view holds regions only, so stations are read from the replayed state.
fn lists_stations(args: &TotalsArgs, view: &TotalsView) -> anyhow::Result<bool> {
    let station_level = view.station_level();
    if let Some(level) = &args.level {
        let key = view
            .levels()
            .get(station_level as usize)
            .map(|names| &names.key);
        return Ok(key == Some(level));
    }
    let Some(region) = &args.region else {
        return Ok(false);
    };
    let Some(found) = view.find_region(region)? else {
        return Ok(false);
    };
    match view.select(args.contest.as_deref(), None, Some(region)) {
        Ok(selection) => {
            Ok(selection.level + 1 == station_level && selection.rows == (found.0..found.0 + 1))
        }
        Err(_) => Ok(false),
    }
}

/// The stations asked for, one row each with its current numbers.
fn answer_stations(args: &TotalsArgs, ledger: &Ledger<DefaultStorage>) -> anyhow::Result<Outcome> {
    let state = ledger.state();
    let contest = crate::commands::sheet::contest_of(state, args.contest.as_deref())?;
    let listing = crate::commands::sheet::station_listing(state, contest, args.region.as_deref())?;
    let lang = crate::lang::resolve(args.lang);
    let headings: Vec<String> = vec![
        lang.message("totals-code"),
        lang.message("totals-name"),
        lang.message("totals-status"),
        lang.message("totals-votes"),
        lang.message("totals-valid"),
        lang.message("totals-invalid"),
        lang.message("totals-registered"),
        lang.message("totals-voted"),
        lang.message("totals-record"),
    ];
    print(&listing.render(args.format, "stations", &headings, lang))?;
    Ok(Outcome::Success)
}

/// `--at` names a record of the log: 1 (the genesis) to the head. Anything else is refused
/// rather than quietly answered with the genesis's or the head's totals.
fn check_at(at: u64, head: u64) -> anyhow::Result<()> {
    if at == 0 {
        bail!(crate::lang::say_with(
            "command-totals-at-records-are-numbered-from",
            &[("head", &head)]
        ));
    }
    if at > head {
        bail!(crate::lang::say_with(
            "command-totals-at-beyond-head-this-log",
            &[("at", &at), ("head", &head)]
        ));
    }
    Ok(())
}

/// Saves `view` for the next command; failing to costs only speed, so it is a warning.
pub fn save_view(ledger: &mut Ledger<DefaultStorage>, view: &TotalsView) {
    if let Err(error) = ledger.save_totals_view(view) {
        warn_view_not_saved(&error);
    }
}

/// Said when a view could not be saved: never a reason for the command to fail.
pub fn warn_view_not_saved(error: &dyn std::fmt::Display) {
    eprintln!(
        "{}",
        crate::lang::say_with(
            "command-totals-warning-totals-view-was-not",
            &[("error", &error.to_string())]
        )
    );
}

/// The answer from a saved view, said on stderr; `None` if the view turns out damaged or
/// its lines do not hold together with their digests (then it is recomputed).
fn answer_from_saved(args: &TotalsArgs, view: &TotalsView) -> anyhow::Result<Option<Outcome>> {
    let head = AnsweredAt {
        count: view.head_count(),
        hash: view.head_hash(),
    };
    match answer(args, view, head) {
        Ok(outcome) if crate::progress::quiet() => Ok(Some(outcome)),
        Ok(outcome) => {
            eprintln!(
                "{}",
                crate::lang::say_with(
                    "command-totals-answered-from-saved-totals-view",
                    &[("head-count", &view.head_count())]
                )
            );
            Ok(Some(outcome))
        }
        Err(error) => match error.downcast_ref::<ViewError>() {
            Some(damage) => {
                eprintln!(
                    "{}",
                    crate::lang::say_with(
                        "command-totals-warning-recomputing-totals-from-log",
                        &[("damage", &damage)]
                    )
                );
                Ok(None)
            }
            None => Err(error),
        },
    }
}

fn answer(args: &TotalsArgs, view: &TotalsView, head: AnsweredAt) -> anyhow::Result<Outcome> {
    let selection = match view.select(
        args.contest.as_deref(),
        args.level.as_deref(),
        args.region.as_deref(),
    ) {
        Ok(selection) => selection,
        Err(SelectError::View(error)) => return Err(error.into()),
        Err(error) => return Err(error.into()),
    };
    let reports = view.reports(&selection)?;
    let lang = crate::lang::resolve(args.lang);
    let text = match args.format {
        Format::Json => json_text(view, &selection, &reports, head)? + "\n",
        Format::Csv => csv_text(view, &selection, &reports),
        Format::Table => table_text(view, &selection, &reports, lang),
    };
    print(&text)?;
    Ok(Outcome::Success)
}

fn pair_numbers(view: &TotalsView, contest: ContestIdx) -> Vec<u32> {
    view.contest(contest)
        .map(|column| column.pair_numbers.clone())
        .unwrap_or_default()
}

/// The pairs' (candidates', selections') names in ballot order.
fn pair_names(view: &TotalsView, contest: ContestIdx) -> Vec<String> {
    view.contest(contest)
        .map(|column| column.pair_names.clone())
        .unwrap_or_default()
}

/// The JSON the server's `GET /v1/totals` answers too (one builder for both, so they
/// cannot drift apart).
fn json_text(
    view: &TotalsView,
    selection: &Selection,
    reports: &[RegionReport],
    head: AnsweredAt,
) -> anyhow::Result<String> {
    let mut value = rekap_server::reads::totals_json(view, selection, reports);
    // The record the answer is of, as `GET /v1/totals` gives it (its `head`).
    value["head"] = serde_json::json!({
        "count": head.count,
        "hash": hex::encode(head.hash),
    });
    Ok(serde_json::to_string(&value)?)
}

/// The header of `totals --format csv`, shared with the client's CSV from a server's JSON
/// (src/client/reads.rs), so that both give scripts the same columns in the same order.
pub(crate) fn csv_header(numbers: &[impl std::fmt::Display], vote_types: &[String]) -> Vec<String> {
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
    // The names last, so every column before them keeps its place for existing scripts.
    header.extend(numbers.iter().map(|number| format!("name_{number}")));
    // Then, for a contest with vote types, each pair's count per type, as the sheets CSV
    // names them.
    for number in numbers {
        header.extend(vote_types.iter().map(|key| format!("votes_{number}_{key}")));
    }
    // Last of all: how many stations' invalid counts `invalid` lacks.
    header.push("stations_without_invalid".to_owned());
    header
}

fn csv_text(view: &TotalsView, selection: &Selection, reports: &[RegionReport]) -> String {
    let numbers = pair_numbers(view, selection.contest);
    let vote_types = view
        .contest(selection.contest)
        .map(|contest| contest.vote_types.clone())
        .unwrap_or_default();
    let header = csv_header(&numbers, &vote_types);
    let names = pair_names(view, selection.contest);
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
        row.extend(names.iter().cloned());
        row.extend(report.totals.votes_by_type.iter().map(u64::to_string));
        row.push(report.totals.stations_without_invalid.to_string());
        let _ = writer.write_record(&row);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

pub fn level_name(view: &TotalsView, level: u32, lang: Lang) -> String {
    view.levels()
        .get(level as usize)
        .map(|level| lang.name(&level.name_en, &level.name_id).to_owned())
        .unwrap_or_default()
}

pub fn table_text(
    view: &TotalsView,
    selection: &Selection,
    reports: &[RegionReport],
    lang: Lang,
) -> String {
    let numbers = pair_numbers(view, selection.contest);
    let mut header = vec![
        lang.message("totals-code"),
        level_name(view, selection.level, lang),
    ];
    header.extend(
        numbers
            .iter()
            .zip(pair_names(view, selection.contest))
            .map(|(number, name)| format!("{number} {name}")),
    );
    header.extend([
        lang.message("totals-valid"),
        lang.message("totals-invalid"),
        lang.message("totals-stations"),
        lang.message("totals-approval"),
    ]);
    let mut table = Table::new(header);
    for report in reports {
        let totals = &report.totals;
        let mut row = vec![report.code.clone(), report.name.clone()];
        row.extend(totals.votes.iter().map(|votes| lang.number(*votes)));
        row.extend([
            lang.number(totals.valid),
            invalid_cell(totals, lang),
            format!(
                "{}/{}",
                lang.number(u64::from(totals.stations_reported)),
                lang.number(u64::from(totals.stations_expected))
            ),
            approval_word(report.approval, lang).to_owned(),
        ]);
        table.push(row);
    }
    table.render() + &by_type_table(view, selection, reports, lang)
}

/// The invalid votes, and how many stations give none (their sum would understate them).
fn invalid_cell(totals: &rekap_projection::Totals, lang: Lang) -> String {
    match totals.stations_without_invalid {
        0 => lang.number(totals.invalid),
        missing => lang.message_with(
            "totals-invalid-without",
            &[
                ("invalid", &lang.number(totals.invalid)),
                ("stations", &lang.number(u64::from(missing))),
            ],
        ),
    }
}

/// For a contest with vote types, a second table: each pair's votes per type, under the
/// keys the definition and the sheets CSV use; nothing for other contests.
fn by_type_table(
    view: &TotalsView,
    selection: &Selection,
    reports: &[RegionReport],
    lang: Lang,
) -> String {
    let vote_types = view
        .contest(selection.contest)
        .map(|contest| contest.vote_types.clone())
        .unwrap_or_default();
    if vote_types.is_empty() {
        return String::new();
    }
    let mut header = vec![
        lang.message("totals-code"),
        level_name(view, selection.level, lang),
    ];
    for number in pair_numbers(view, selection.contest) {
        header.extend(vote_types.iter().map(|key| format!("{number} {key}")));
    }
    let mut table = Table::new(header);
    for report in reports {
        let mut row = vec![report.code.clone(), report.name.clone()];
        row.extend(
            report
                .totals
                .votes_by_type
                .iter()
                .map(|votes| lang.number(*votes)),
        );
        table.push(row);
    }
    format!(
        "\n{}:\n{}",
        lang.message("totals-votes-by-type"),
        table.render()
    )
}

fn approval_word(label: &str, lang: Lang) -> String {
    match label {
        "approved" => lang.message("totals-approved"),
        "stale" => lang.message("totals-stale"),
        "pending" => lang.message("totals-pending"),
        _ => "-".to_owned(),
    }
}
