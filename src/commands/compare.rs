//! `compare --with SOURCE`: rekap's totals of one level beside another source's, region by
//! region (docs/FORMATS.md). The comparison is rekap-formats' (`compare::compare`, also used
//! by the portal's compare page); this reads the store and the source and prints it.

use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use rekap_formats::compare::read::{
    self, is_portal_aggregate, only_at_level, SourceOptions, SourceRegions,
};
use rekap_formats::compare::{compare, Comparison, Presence, RegionFigures};
use rekap_formats::SourceProblem;
use rekap_model::{ContestIdx, Election};

use crate::exit::Outcome;
use crate::lang::Lang;
use crate::output::print;
use crate::store::{self, StoreArg};
use crate::table::Table;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub server: crate::client::copy::ServerArg,
    /// The other source: the portal's aggregate JSON of a region (`.json`), a CSV of region
    /// totals with the columns `rekap totals --format csv` writes (a `code` column), or a
    /// volunteers' per-TPS CSV (KawalPemilu style, or any through --columns).
    #[arg(long = "with", value_name = "SOURCE")]
    pub with: PathBuf,
    /// The level compared (default: the level of the source's regions; villages for a
    /// per-TPS file).
    #[arg(long)]
    pub level: Option<String>,
    /// Contest id (default: the first contest of the definition).
    #[arg(long)]
    pub contest: Option<String>,
    /// The portal's candidates file (portal id to ballot number), for a portal aggregate.
    #[arg(long, value_name = "FILE")]
    pub candidates: Option<PathBuf>,
    /// For a per-TPS CSV not in KawalPemilu's columns: `station=...,votes_1=...,valid=...,invalid=...`.
    #[arg(long, value_name = "MAP")]
    pub columns: Option<String>,
    /// Output: a table or text for people, JSON or CSV for scripts.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Language of the table's numbers: `id` groups 1.234.567, `en` 1,234,567 (default:
    /// from LANG).
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
}

pub fn run(mut args: CompareArgs) -> anyhow::Result<Outcome> {
    crate::client::copy::read_from(&args.server, &mut args.store.store)?;
    let ledger = store::open(&args.store.store)?;
    let election = ledger.state().election();
    let contest = match &args.contest {
        Some(id) => election.contest_by_id(id).with_context(|| {
            crate::lang::say_with(
                "command-contest-not-of-this-election",
                &[("id", &format!("{:?}", id))],
            )
        })?,
        None => ContestIdx(0),
    };
    let contest_id = election
        .contest(contest)
        .map(|c| c.id.clone())
        .context(crate::lang::say("command-election-has-no-contest"))?;
    let bytes = super::import_from::read(&args.with, 512 << 20)?;
    let (source, source_level) = match read_source(&args, &bytes, election, contest) {
        Ok(read) => read,
        Err(problems) => {
            for problem in &problems {
                eprintln!(
                    "{}",
                    crate::error_words::source_problem(problem, crate::lang::current())
                );
            }
            bail!(crate::lang::say_with(
                "command-compare-problems-nothing-compared",
                &[
                    ("path", &args.with.display()),
                    ("problems", &crate::lang::number(problems.len() as u64))
                ]
            ));
        }
    };
    let level = match (&args.level, source_level) {
        (Some(level), _) => level.clone(),
        (None, Some(level)) => election.level_key(level).to_owned(),
        (None, None) => bail!(crate::lang::say(
            "command-compare-level-needed-no-region-source"
        )),
    };
    let view = ledger.totals_view(Some(&contest_id));
    let selection = view
        .select(Some(&contest_id), Some(&level), None)
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    let mine: Vec<RegionFigures> = view
        .reports(&selection)?
        .iter()
        .map(RegionFigures::from_report)
        .collect();
    let at_level = only_at_level(source.clone(), election, &level);
    refuse_another_level(&source, &at_level, election, &level)?;
    let comparison = compare(&mine, &at_level);
    let text = match args.format {
        Format::Json => serde_json::to_string(&comparison)? + "\n",
        Format::Csv => csv_text(&comparison),
        Format::Table => {
            let lang = crate::lang::resolve(args.lang);
            table_text(&comparison, lang) + &summary_line(&comparison, lang) + "\n"
        }
    };
    print(&text)?;
    if !matches!(args.format, Format::Table) {
        eprintln!(
            "{}",
            summary_line(&comparison, crate::lang::resolve(args.lang))
        );
    }
    Ok(if comparison.summary.all_equal() {
        Outcome::Success
    } else {
        Outcome::Rejected
    })
}

/// Refuses (exit 2) a `--level` at which the source has no region of the election while it
/// has some at other levels: they would all be left out, and the comparison say nothing.
fn refuse_another_level(
    source: &[RegionFigures],
    at_level: &[RegionFigures],
    election: &Election,
    level: &str,
) -> anyhow::Result<()> {
    let level_of = |region: &RegionFigures| {
        let found = election.find_region(&region.code)?;
        Some(election.level_key(election.tree().level(found)?))
    };
    if at_level.iter().any(|region| level_of(region).is_some()) {
        return Ok(());
    }
    let mut levels: Vec<&str> = source.iter().filter_map(level_of).collect();
    if levels.is_empty() {
        return Ok(());
    }
    let count = levels.len();
    levels.sort_unstable();
    levels.dedup();
    Err(crate::exit::Usage(crate::lang::say_with(
        "command-compare-source-at-another-level",
        &[
            ("level", &level),
            ("count", &crate::lang::count(count as u64)),
            ("levels", &levels.join(", ")),
        ],
    ))
    .into())
}

/// Reads the source as rekap-formats does for the portal too; the candidates file is read
/// here (only for a portal aggregate, the one kind that uses it).
fn read_source(
    args: &CompareArgs,
    bytes: &[u8],
    election: &Election,
    contest: ContestIdx,
) -> Result<SourceRegions, Vec<SourceProblem>> {
    let candidates = match (&args.candidates, is_portal_aggregate(&args.with)) {
        (Some(path), true) => {
            let name = path.display().to_string();
            let text = super::import_from::read(path, 64 << 20).map_err(|error| {
                let reason = crate::error_words::chain(&error, crate::lang::current());
                vec![SourceProblem::new(
                    &name,
                    "",
                    rekap_formats::SourceReason::Unreadable { reason },
                )]
            })?;
            Some((name, text))
        }
        _ => None,
    };
    let options = SourceOptions {
        candidates: candidates
            .as_ref()
            .map(|(name, text)| (name.as_str(), text.as_slice())),
        columns: args.columns.as_deref(),
        level: args.level.as_deref(),
    };
    read::read_source(&args.with, bytes, options, election, contest)
}

fn figure(value: Option<u64>, lang: Lang) -> String {
    value.map_or_else(|| "-".to_owned(), |v| lang.number(v))
}

/// A difference with its sign, grouped: `+1,204`, `-37`, `0`.
fn signed(value: i64, lang: Lang) -> String {
    let magnitude = lang.number(value.unsigned_abs());
    match value.signum() {
        1 => format!("+{magnitude}"),
        -1 => format!("-{magnitude}"),
        _ => magnitude,
    }
}

fn coverage(region: Option<&RegionFigures>, lang: Lang) -> String {
    match region {
        Some(RegionFigures {
            stations_reported: Some(done),
            stations_expected: Some(all),
            ..
        }) => format!("{}/{}", lang.number(*done), lang.number(*all)),
        Some(RegionFigures {
            stations_reported: Some(done),
            ..
        }) => lang.number(*done),
        _ => "-".to_owned(),
    }
}

fn presence_word(presence: Presence, equal: bool) -> String {
    crate::lang::say(match presence {
        Presence::Both if equal => "command-compare-equal",
        Presence::Both => "command-compare-differs",
        Presence::OnlyRekap => "command-compare-only-rekap",
        Presence::OnlySource => "command-compare-only-source",
    })
}

fn pairs_of(comparison: &Comparison) -> usize {
    comparison
        .regions
        .iter()
        .flat_map(|r| [r.rekap.as_ref(), r.source.as_ref()])
        .flatten()
        .map(|f| f.votes.len())
        .max()
        .unwrap_or(0)
}

fn table_text(comparison: &Comparison, lang: Lang) -> String {
    let pairs = pairs_of(comparison);
    let say = crate::lang::say;
    let mut header = vec![say("command-compare-code"), say("command-compare-name")];
    for number in 1..=pairs {
        header.extend([
            format!("{number} rekap"),
            format!("{number} {}", say("command-compare-source")),
            format!("{number} {}", say("command-compare-difference")),
        ]);
    }
    header.extend([
        say("command-compare-source-tps"),
        say("command-compare-status"),
    ]);
    let mut table = Table::new(header);
    for region in &comparison.regions {
        let mut row = vec![region.code.clone(), region.name.clone()];
        for index in 0..pairs {
            let votes = |side: Option<&RegionFigures>| {
                figure(side.and_then(|f| f.votes.get(index).copied()), lang)
            };
            row.push(votes(region.rekap.as_ref()));
            row.push(votes(region.source.as_ref()));
            row.push(
                region
                    .vote_differences
                    .get(index)
                    .map_or_else(|| "-".to_owned(), |d| signed(*d, lang)),
            );
        }
        row.push(coverage(region.source.as_ref(), lang));
        row.push(presence_word(region.presence, region.equal));
        table.push(row);
    }
    table.render()
}

/// `regions: E equal, D differ, R only in rekap, S only in the source; largest: ...`.
fn summary_line(comparison: &Comparison, lang: Lang) -> String {
    let summary = &comparison.summary;
    let mut line = crate::lang::say_with(
        "command-compare-regions-equal-differ-only-rekap",
        &[
            ("number", &lang.number(summary.equal)),
            ("number2", &lang.number(summary.differing)),
            ("number3", &lang.number(summary.only_rekap)),
            ("number4", &lang.number(summary.only_source)),
        ],
    );
    if summary.nothing_reported > 0 {
        line += &crate::lang::say_with(
            "command-compare-nothing-reported",
            &[("number", &lang.number(summary.nothing_reported))],
        );
    }
    if !summary.largest.is_empty() {
        let largest: Vec<String> = summary
            .largest
            .iter()
            .map(|d| {
                let difference = signed(d.difference, lang);
                lang.message_with(
                    "command-compare-largest-difference",
                    &[
                        ("code", &d.code),
                        ("pair", &d.pair),
                        ("difference", &difference),
                    ],
                )
            })
            .collect();
        line += &crate::lang::say_with(
            "command-compare-largest-differences",
            &[("join", &largest.join(", "))],
        );
    }
    line
}

fn csv_text(comparison: &Comparison) -> String {
    let pairs = pairs_of(comparison);
    let mut header = vec![
        "code".to_owned(),
        "name".to_owned(),
        "presence".to_owned(),
        "equal".to_owned(),
    ];
    for number in 1..=pairs {
        header.extend([
            format!("rekap_votes_{number}"),
            format!("source_votes_{number}"),
            format!("difference_{number}"),
        ]);
    }
    header.extend(
        [
            "rekap_valid",
            "source_valid",
            "rekap_invalid",
            "source_invalid",
            "source_stations_reported",
            "source_stations_expected",
        ]
        .map(str::to_owned),
    );
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(&header);
    for region in &comparison.regions {
        let presence = serde_json::to_value(region.presence)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let mut row = vec![
            region.code.clone(),
            region.name.clone(),
            presence,
            region.equal.to_string(),
        ];
        let optional = |value: Option<u64>| value.map(|v| v.to_string()).unwrap_or_default();
        for index in 0..pairs {
            row.push(optional(
                region
                    .rekap
                    .as_ref()
                    .and_then(|f| f.votes.get(index).copied()),
            ));
            row.push(optional(
                region
                    .source
                    .as_ref()
                    .and_then(|f| f.votes.get(index).copied()),
            ));
            row.push(
                region
                    .vote_differences
                    .get(index)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            );
        }
        let rekap = region.rekap.as_ref();
        let source = region.source.as_ref();
        row.extend([
            optional(rekap.and_then(|f| f.valid)),
            optional(source.and_then(|f| f.valid)),
            optional(rekap.and_then(|f| f.invalid)),
            optional(source.and_then(|f| f.invalid)),
            optional(source.and_then(|f| f.stations_reported)),
            optional(source.and_then(|f| f.stations_expected)),
        ]);
        let _ = writer.write_record(&row);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}
