//! `status`: how far the count is, level by level.

use clap::Args;
use rekap_ledger::view::{Selection, TotalsView, ViewRegion};
use rekap_log::Head;
use rekap_model::{ContestIdx, State};
use rekap_projection::Projection;

use crate::commands::totals::{level_name, Format};
use crate::exit::Outcome;
use crate::lang::Lang;
use crate::output::print;
use crate::store::{self, StoreArg};

/// Most flags listed one by one (the stations view keeps as many).
use rekap_ledger::stations_view::{level_counts, LevelCounts, LISTED_FLAGS};

#[derive(Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// Contest id (default: the first contest).
    #[arg(long)]
    pub contest: Option<String>,
    /// Language of what this command prints: id or en (default: from LC_ALL, LC_MESSAGES
    /// or LANG).
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// JSON is what `GET /v1/status` answers (docs/API.md); CSV one row per level.
    #[command(flatten)]
    pub format: crate::output::FormatArg,
    // --server: `run` says which answers come from the server and which from its copy.
    #[command(flatten)]
    pub server: crate::client::copy::ServerArg,
}

pub fn run(mut args: StatusArgs) -> anyhow::Result<Outcome> {
    if let Some(url) = &args.server.server {
        let format = args.format.chosen();
        if !matches!(format, Format::Table) {
            return crate::client::reads::status(url, args.contest.as_deref(), format);
        }
    }
    crate::client::copy::read_from(&args.server, &mut args.store.store)?;
    if let Some(outcome) = from_saved_views(&args)? {
        return Ok(outcome);
    }
    let ledger = store::open(&args.store.store)?;
    let view = ledger.totals_view(args.contest.as_deref());
    let state = ledger.state();
    let projection = ledger.projection();
    let format = args.format.chosen();
    if !matches!(format, Format::Table) {
        let value = rekap_server::reads::status_json(
            &view,
            state,
            ledger.head(),
            projection.flags().len(),
            args.contest.as_deref(),
        )
        .map_err(|problem| anyhow::anyhow!("{}", problem.detail))?;
        return print_value(&value, format);
    }
    let selection = view.select(args.contest.as_deref(), None, None)?;
    // The view numbers its contests itself (it may hold only this one); the state numbers
    // them in definition order.
    let model_contest = view
        .contest(selection.contest)
        .and_then(|entry| state.election().contest_by_id(&entry.id));
    let facts = Facts::of_state(state, projection, ledger.head(), model_contest);
    let counts = |scope: u32, level: u32| {
        Ok(level_counts(
            &view,
            selection.contest,
            ViewRegion(scope),
            level,
        )?)
    };
    let lang = crate::lang::resolve(args.lang);
    print(&table(&view, &selection, &facts, counts, lang)?)?;
    Ok(Outcome::Success)
}

/// The status from the saved totals and stations views of the log's last record (no lock,
/// no replay), if both are current; `None`: replay instead.
fn from_saved_views(args: &StatusArgs) -> anyhow::Result<Option<Outcome>> {
    let path = &args.store.store;
    let Ok(Some(view)) = rekap_ledger::view::open_totals_view_unopened(path) else {
        return Ok(None);
    };
    let Ok(Some(stations)) = rekap_ledger::stations_view::open_saved_stations_view(path) else {
        return Ok(None);
    };
    if stations.head().count != view.head_count() || stations.head().last_hash != view.head_hash() {
        return Ok(None);
    }
    let format = args.format.chosen();
    let (flag_count, listed) = stations.flags();
    let contest_facts = |id: &str| stations.contests().iter().find(|c| c.id == id);
    if !matches!(format, Format::Table) {
        let Ok(value) = rekap_server::reads::status_json_of(
            &view,
            stations.definition_name(),
            stations.head(),
            flag_count,
            args.contest.as_deref(),
            |id| contest_facts(id).map(|facts| facts.open_objections),
            |id, scope, level| {
                let counts = stations.level_counts(id, scope)?;
                counts.get(level as usize).copied()
            },
        ) else {
            return Ok(None);
        };
        return print_value(&value, format).map(Some);
    }
    let Ok(selection) = view.select(args.contest.as_deref(), None, None) else {
        return Ok(None);
    };
    let contest = view
        .contest(selection.contest)
        .and_then(|entry| contest_facts(&entry.id));
    let facts = Facts {
        name: stations.definition_name().to_owned(),
        head: stations.head(),
        open_objections: contest.map_or(0, |facts| facts.open_objections),
        votes_only: contest.map(|facts| facts.votes_only),
        flag_count,
        listed_flags: (listed.iter())
            .map(|flag| (flag.id.clone(), flag.station.clone(), flag.flag.clone()))
            .collect(),
    };
    let contest_id = view
        .contest(selection.contest)
        .map(|entry| entry.id.clone())
        .unwrap_or_default();
    let counts = |scope: u32, level: u32| {
        let counts = stations.level_counts(&contest_id, scope);
        counts
            .and_then(|counts| counts.get(level as usize).copied())
            .ok_or_else(|| {
                anyhow::anyhow!(crate::lang::say("command-status-no-saved-level-counts"))
            })
    };
    match table(
        &view,
        &selection,
        &facts,
        counts,
        crate::lang::resolve(args.lang),
    ) {
        Ok(text) => print(&text).map(|()| Some(Outcome::Success)),
        Err(_) => Ok(None),
    }
}

pub(crate) fn print_value(value: &serde_json::Value, format: Format) -> anyhow::Result<Outcome> {
    print(&match format {
        Format::Json => value.to_string() + "\n",
        _ => levels_csv(value),
    })?;
    Ok(Outcome::Success)
}

/// What the status table shows besides the totals view.
struct Facts {
    name: String,
    head: Head,
    /// Of the contest shown.
    open_objections: u64,
    /// Counted sheets of the contest shown with only their votes (`None`: the view's
    /// contest is not the definition's).
    votes_only: Option<u64>,
    flag_count: u64,
    /// The first [`LISTED_FLAGS`]: event id, station code, the flag.
    listed_flags: Vec<(String, String, rekap_model::Flag)>,
}

impl Facts {
    fn of_state(
        state: &State,
        projection: &Projection,
        head: Head,
        contest: Option<ContestIdx>,
    ) -> Facts {
        let open = state
            .objections()
            .filter(|objection| {
                Some(objection.contest) == contest
                    && objection.status == rekap_model::ObjectionStatus::Open
            })
            .count();
        let flags = projection.flags();
        let election = state.election();
        Facts {
            name: election.definition().name.clone(),
            head,
            open_objections: open as u64,
            votes_only: contest.map(|contest| votes_only_count(state, contest)),
            flag_count: flags.len() as u64,
            listed_flags: (flags.iter().take(LISTED_FLAGS))
                .map(|raised| {
                    let station = election.station_code(raised.station).unwrap_or_default();
                    (raised.id.to_string(), station, raised.flag.clone())
                })
                .collect(),
        }
    }
}

/// The status table of the selected contest.
/// `counts(scope row, level)` gives a level's counts (from its lines, or saved).
fn table(
    view: &TotalsView,
    selection: &Selection,
    facts: &Facts,
    counts: impl Fn(u32, u32) -> anyhow::Result<LevelCounts>,
    lang: Lang,
) -> anyhow::Result<String> {
    let contest = selection.contest;
    let mut out = format!(
        "{}\n{} {}, head {}\n",
        facts.name,
        lang.message("status-records"),
        lang.number(facts.head.count),
        hex::encode(facts.head.last_hash)
    );
    for (scope, report) in selection.rows.clone().zip(view.reports(selection)?) {
        let totals = report.totals;
        out += &format!(
            "{}: {} {} {} ({})",
            lang.message("status-stations-reported"),
            lang.number(u64::from(totals.stations_reported)),
            lang.message("status-of"),
            lang.number(u64::from(totals.stations_expected)),
            lang.percent(
                u64::from(totals.stations_reported),
                u64::from(totals.stations_expected)
            ),
        );
        if totals.stations_voided > 0 {
            out += &format!(
                ", {} {}",
                lang.number(u64::from(totals.stations_voided)),
                lang.message("status-voided")
            );
        }
        out.push('\n');
        out += &pairs_text(view, contest, &totals, lang);
        for level in 0..view.station_level() {
            out += &level_line(view, level, counts(scope, level)?, lang);
        }
    }
    if let Some(count) = facts.votes_only {
        out += &votes_only_line(count, lang);
    }
    out += &format!(
        "{}: {}\n",
        lang.message("status-open-objections"),
        lang.number(facts.open_objections)
    );
    out += &flags_text(facts, lang);
    Ok(out)
}

/// Each pair (candidate, selection) by ballot number and name, with its votes and share.
fn pairs_text(
    view: &rekap_ledger::view::TotalsView,
    contest: ContestIdx,
    totals: &rekap_projection::Totals,
    lang: Lang,
) -> String {
    let Some(entry) = view.contest(contest) else {
        return String::new();
    };
    let pairs = entry.pair_numbers.iter().zip(&entry.pair_names);
    let mut out = String::new();
    let types = entry.vote_types.len();
    for (index, ((number, name), votes)) in pairs.zip(&totals.votes).enumerate() {
        out += &format!(
            "  {number} {name}: {} ({})\n",
            lang.number(*votes),
            lang.percent(*votes, totals.valid)
        );
        // For a contest with vote types, the pair's split under it: `    mail 284, ...`.
        let split = totals.votes_by_type.get(index * types..(index + 1) * types);
        if let Some(split) = split.filter(|split| !split.is_empty()) {
            let parts: Vec<String> = entry
                .vote_types
                .iter()
                .zip(split)
                .map(|(key, votes)| format!("{key} {}", lang.number(*votes)))
                .collect();
            out += &format!("    {}\n", parts.join(", "));
        }
    }
    out
}

/// One level: regions complete, and for plenary levels the approvals.
fn level_line(view: &TotalsView, level: u32, counts: LevelCounts, lang: Lang) -> String {
    if counts.regions == 0 {
        return String::new();
    }
    let mut line = format!(
        "  {:<16} {} {} {} {}",
        level_name(view, level, lang),
        lang.number(counts.complete),
        lang.message("status-of"),
        lang.number(counts.regions),
        lang.message("status-complete"),
    );
    let holds_plenary = view
        .levels()
        .get(level as usize)
        .is_some_and(|level| level.holds_plenary);
    if holds_plenary {
        let pending = counts.regions - counts.approved - counts.stale;
        line += &format!(
            "; {}: {} {}, {} {}, {} {}",
            lang.message("status-approvals"),
            lang.number(counts.approved),
            lang.message("status-approved"),
            lang.number(counts.stale),
            lang.message("status-stale"),
            lang.number(pending),
            lang.message("status-pending"),
        );
    }
    line + "\n"
}

fn flags_text(facts: &Facts, lang: Lang) -> String {
    let mut out = format!(
        "{}: {}\n",
        lang.message("status-flags-accepted-to-look-at"),
        lang.number(facts.flag_count)
    );
    for (id, station, flag) in &facts.listed_flags {
        let flag = crate::error_words::flag(flag, lang);
        out += &format!("  {id} {station}: {flag}\n");
    }
    let listed = facts.listed_flags.len() as u64;
    if facts.flag_count > listed {
        out += &format!(
            "  ... {} {}\n",
            lang.number(facts.flag_count - listed),
            lang.message("status-more")
        );
    }
    out
}

/// How many counted sheets of the contest carry only their vote section (no voter, turnout
/// or ballot numbers): their totals have no turnout.
fn votes_only_count(state: &State, contest: ContestIdx) -> u64 {
    let stations = state.election().tree().station_count();
    (0..stations)
        .filter_map(|s| state.current_sheet(rekap_model::StationId(s), contest))
        .filter(|(_, sheet)| sheet.votes_only())
        .count() as u64
}

/// The votes-only line; nothing when there are none.
fn votes_only_line(count: u64, lang: Lang) -> String {
    if count == 0 {
        return String::new();
    }
    format!(
        "{}: {}\n",
        lang.message("status-votes-only-sheets-no-voter-turnout"),
        lang.number(count)
    )
}

/// `scope,level,regions,complete,approved,stale,pending`, one row per level of each scope.
fn levels_csv(status: &serde_json::Value) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "scope", "level", "regions", "complete", "approved", "stale", "pending",
    ];
    let _ = writer.write_record(header);
    let text = crate::listing::cell;
    for scope in status["scopes"].as_array().into_iter().flatten() {
        for level in scope["levels"].as_array().into_iter().flatten() {
            let approvals = &level["approvals"];
            let _ = writer.write_record([
                text(&scope["code"]),
                text(&level["level"]),
                text(&level["regions"]),
                text(&level["complete"]),
                text(&approvals["approved"]),
                text(&approvals["stale"]),
                text(&approvals["pending"]),
            ]);
        }
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}
