//! `submit`, `correct`, `object`, `resolve`, `void`, `revote`: one event, signed and appended.

use std::path::PathBuf;

use clap::Args;
use rekap_ledger::thin::{Opened, ThinLedger};
use rekap_ledger::Ledger;
use rekap_log::DefaultStorage;
use rekap_model::{Event, EventId, Resolution};

use crate::client::RemoteArgs;
use crate::exit::Outcome;
use crate::keys;
use crate::output::print;
use crate::sheet_args::SheetArgs;
use crate::store::{self, now_ms, StoreArg};

#[derive(Args)]
pub struct SubmitArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// The operator's key file.
    #[arg(long, short = 'k', value_name = "FILE")]
    pub key: PathBuf,
    #[command(flatten)]
    pub sheet: SheetArgs,
}

#[derive(Args)]
pub struct CorrectArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// The official's key file.
    #[arg(long, short = 'k', value_name = "FILE")]
    pub key: PathBuf,
    #[command(flatten)]
    pub sheet: SheetArgs,
    /// Why the sheet is corrected (required).
    #[arg(long)]
    pub reason: String,
    /// The objection this correction answers, as SEQ.INDEX (e.g. 42.0).
    #[arg(long, value_name = "SEQ.INDEX", value_parser = parse_event_id)]
    pub answers: Option<EventId>,
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("about").required(true).args(["station", "region", "place"])))]
pub struct ObjectArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// The witness's key file.
    #[arg(long, short = 'k', value_name = "FILE")]
    pub key: PathBuf,
    /// The station the objection is about.
    #[arg(long, value_name = "STATION")]
    pub station: Option<String>,
    /// The region the objection is about (a plenary's recap, or everything under it).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// The older spelling of --station and --region: either code.
    #[arg(long, hide = true, value_name = "CODE")]
    pub place: Option<String>,
    /// Contest id.
    #[arg(long, value_name = "CONTEST")]
    pub contest: String,
    /// The objection's text.
    #[arg(long)]
    pub text: String,
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("verdict").required(true).args(["accept", "reject"])))]
pub struct ResolveArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// The official's key file.
    #[arg(long, short = 'k', value_name = "FILE")]
    pub key: PathBuf,
    /// The objection, as SEQ.INDEX.
    #[arg(long, value_name = "SEQ.INDEX", value_parser = parse_event_id)]
    pub objection: EventId,
    /// Accept: the correction (SEQ.INDEX) that answers it.
    #[arg(long, value_name = "SEQ.INDEX", value_parser = parse_event_id)]
    pub accept: Option<EventId>,
    /// Reject the objection.
    #[arg(long)]
    pub reject: bool,
    /// The reason (required).
    #[arg(long)]
    pub reason: String,
}

#[derive(Args)]
pub struct StationActArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// The official's key file.
    #[arg(long, short = 'k', value_name = "FILE")]
    pub key: PathBuf,
    /// The station, e.g. 6401012009-001 (or 6401012009001).
    #[arg(
        long,
        required_unless_present = "stations",
        conflicts_with = "stations"
    )]
    pub station: Option<String>,
    /// A file of station codes, one per line (blank lines and `#` comments skipped): every
    /// one in one signed payload, all or none.
    #[arg(long, value_name = "FILE")]
    pub stations: Option<PathBuf>,
    /// Contest id.
    #[arg(long)]
    pub contest: String,
    /// The legal reason (required).
    #[arg(long)]
    pub reason: String,
}

/// Most stations one `--stations FILE` may name: a payload's event limit.
const MAX_STATIONS_IN_A_FILE: usize = rekap_model::limits::MAX_EVENTS_PER_PAYLOAD;

/// The stations an act names: `--station`, or every line of `--stations FILE`.
fn stations_of(args: &StationActArgs) -> anyhow::Result<Vec<String>> {
    let Some(path) = &args.stations else {
        return Ok(args.station.iter().cloned().collect());
    };
    let text = crate::input::read_text(path)?;
    let mut stations = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let code = line.trim();
        if code.is_empty() || code.starts_with('#') {
            continue;
        }
        if stations.len() == MAX_STATIONS_IN_A_FILE {
            anyhow::bail!(crate::lang::say_with(
                "command-submit-more-than-stations-line",
                &[
                    ("path", &path.display()),
                    ("max-stations-in-a-file", &MAX_STATIONS_IN_A_FILE),
                    ("index", &(index + 1))
                ]
            ));
        }
        stations.push(code.to_owned());
    }
    if stations.is_empty() {
        anyhow::bail!(crate::lang::say_with(
            "command-submit-no-station-codes-file",
            &[("path", &path.display())]
        ));
    }
    Ok(stations)
}

/// Parses SEQ.INDEX.
pub fn parse_event_id(text: &str) -> Result<EventId, String> {
    let (seq, index) = text.split_once('.').ok_or_else(|| {
        crate::lang::say_with(
            "command-submit-not-seq-index-e-g",
            &[("text", &format!("{:?}", text))],
        )
    })?;
    Ok(EventId {
        seq: seq.parse().map_err(|_| {
            crate::lang::say_with(
                "command-submit-not-sequence-number",
                &[("seq", &format!("{:?}", seq))],
            )
        })?,
        index: index.parse().map_err(|_| {
            crate::lang::say_with(
                "command-submit-not-index",
                &[("index", &format!("{:?}", index))],
            )
        })?,
    })
}

/// Signs `event` with the key file and appends it as one record.
pub fn append_one(
    store: &StoreArg,
    remote: &RemoteArgs,
    key: &std::path::Path,
    event: Event,
) -> anyhow::Result<Outcome> {
    append_events(store, remote, key, vec![event])
}

/// Signs `events` with the key file and appends them as one record: all or none.
pub fn append_events(
    store: &StoreArg,
    remote: &RemoteArgs,
    key: &std::path::Path,
    events: Vec<Event>,
) -> anyhow::Result<Outcome> {
    if let Some(outcome) = crate::client::append_remote(remote, key, events.clone())? {
        return Ok(outcome);
    }
    let without_replay = rekap_model::AuthorityState::may_decide(&events);
    append_local(store, key, without_replay, |_| {
        Ok(Some(Made {
            events: events.clone(),
            said: None,
        }))
    })
}

/// What a local append's events are made from: the replayed ledger, or the saved
/// authority state and views of the head (`rekap_ledger::thin`), for events that change no
/// sheet.
pub enum Basis<'a> {
    Replayed(&'a Ledger<DefaultStorage>),
    Saved(&'a ThinLedger<DefaultStorage>),
}

/// A local append's events, and what to say on stdout before they are decided (said once,
/// by whichever path decides them).
pub struct Made {
    pub events: Vec<Event>,
    pub said: Option<String>,
}

/// Opens the local store for appending, makes the events with `events_of` (a
/// correction's current sheet, an approval's digest), signs them with the key file and
/// appends them as one record; then brings the saved views forward to the new head (the
/// lines and slots the record changed) instead of building them whole.
///
/// Events that change no sheet (an approval, an objection, a rejection) are first decided
/// without a replay, against the saved authority state and views of the head, when they
/// are there and current (`events_of` given [`Basis::Saved`]; `None`: not from that). Any
/// other case, and any the saved state cannot decide, replays the log (one replay) and
/// decides there, with `events_of` given [`Basis::Replayed`] (never `None` then). Only
/// when `without_replay` is the saved state tried at all.
pub fn append_local(
    store: &StoreArg,
    key: &std::path::Path,
    without_replay: bool,
    events_of: impl Fn(Basis<'_>) -> anyhow::Result<Option<Made>>,
) -> anyhow::Result<Outcome> {
    let log = store::open_log_for_append(&store.store)?;
    let opened = if without_replay {
        ThinLedger::open(log)
    } else {
        Opened::Replay(log)
    };
    let log = match opened {
        Opened::Saved(mut thin) => {
            match append_without_replay(store, key, &mut thin, &events_of)? {
                Some(outcome) => {
                    // As after a replay (below): everything is durable and printed; freeing
                    // the election and the views (8% of a national `approve`'s CPU) would
                    // only be undone by the exit.
                    std::mem::forget(thin);
                    return Ok(outcome);
                }
                None => thin.into_log(),
            }
        }
        Opened::Replay(log) => log,
    };
    let mut ledger = store::replay_log(log)?;
    // `events_of` always makes events from a replayed ledger; none would be refused by the
    // model as an empty payload (R7).
    let made = events_of(Basis::Replayed(&ledger))?.unwrap_or(Made {
        events: Vec::new(),
        said: None,
    });
    say(made.said.as_deref())?;
    let events = made.events;
    let key_path = key;
    let key = keys::read_signing_key(key_path)?;
    let before = ledger.views_before_append();
    let receipt = ledger.submit(&key, vec![events.clone()], now_ms())?;
    store::save_views_after_append(&mut ledger, before, &events);
    crate::transparency::sign_after_append(&store.store, &ledger);
    print_appended(&receipt)?;
    keep_counter(key_path, &key, ledger.log())?;
    // Everything is durable (the record, the views, the checkpoint) and printed, and the
    // process ends after this command: freeing the replayed state (a national store's
    // 818k entries and the projection's caches, hundreds of milliseconds) would only be
    // undone by the exit. No destructor of the ledger writes anything (the store's locks
    // are file descriptors the exit closes).
    std::mem::forget(ledger);
    Ok(Outcome::Success)
}

/// [`append_local`] decided against the saved authority state: `None` (nothing said,
/// nothing written) when it cannot be, else the outcome (the model's refusal is an `Err`,
/// exactly as after a replay).
fn append_without_replay(
    store: &StoreArg,
    key: &std::path::Path,
    thin: &mut ThinLedger<DefaultStorage>,
    events_of: &impl Fn(Basis<'_>) -> anyhow::Result<Option<Made>>,
) -> anyhow::Result<Option<Outcome>> {
    let Some(made) = events_of(Basis::Saved(thin))? else {
        return Ok(None);
    };
    let signing_key = keys::read_signing_key(key)?;
    let Ok(submitted) = thin.submit(&signing_key, made.events.clone(), now_ms()) else {
        return Ok(None);
    };
    say(made.said.as_deref())?;
    let receipt = submitted?;
    if let Err(error) = thin.save_views_after_append(&made.events) {
        crate::commands::totals::warn_view_not_saved(&error);
    }
    crate::transparency::sign_after_thin_append(&store.store, thin);
    print_appended(&receipt)?;
    keep_counter(key, &signing_key, thin.log())?;
    Ok(Some(Outcome::Success))
}

/// Keeps the key's last counter beside the key file (`KEY.counter`) after a local append,
/// as a remote one does: an offline submission signed later starts after it.
fn keep_counter<S: rekap_log::Storage>(
    key_path: &std::path::Path,
    key: &ed25519_dalek::SigningKey,
    log: &rekap_log::Log<S>,
) -> anyhow::Result<()> {
    let next = log.next_counter(&key.verifying_key().to_bytes())?;
    crate::client::save_counter(key_path, next.saturating_sub(1))
}

fn say(said: Option<&str>) -> anyhow::Result<()> {
    if let Some(text) = said {
        print(text)?;
    }
    Ok(())
}

fn print_appended(receipt: &rekap_ledger::Receipt) -> anyhow::Result<()> {
    let seq = receipt.seqs.first().copied().unwrap_or_default();
    let lang = crate::lang::current();
    let head = hex::encode(receipt.head.last_hash);
    print(&lang.message_with("submit-appended", &[("seq", &seq), ("head", &head)]))?;
    Ok(())
}

pub fn submit(args: SubmitArgs) -> anyhow::Result<Outcome> {
    let vote_types = if args.sheet.gives_vote_types() {
        vote_types_of(&args.store, &args.remote, &args.sheet.contest)?
    } else {
        Vec::new()
    };
    let event = Event::SheetSubmitted {
        station: args.sheet.station.clone(),
        contest: args.sheet.contest.clone(),
        sheet: args.sheet.sheet(&vote_types)?,
    };
    append_one(&args.store, &args.remote, &args.key, event)
}

pub fn correct(args: CorrectArgs) -> anyhow::Result<Outcome> {
    if let (Some(url), None) = (&args.remote.server, &args.remote.offline) {
        // The current sheet as the server's log holds it, from the verified copy.
        let (station, contest) = (&args.sheet.station, &args.sheet.contest);
        let event = crate::client::current::on_current_state(url, station, contest, |state| {
            let vote_types = if args.sheet.gives_vote_types() {
                vote_types_in(state, contest)?
            } else {
                Vec::new()
            };
            correction(&args, current_sheet(state, &args).as_ref(), &vote_types)
        })?;
        return append_one(&args.store, &args.remote, &args.key, event);
    }
    if args.remote.offline.is_some() {
        // Offline every field is given: no current sheet to start from.
        let vote_types = if args.sheet.gives_vote_types() {
            vote_types_of(&args.store, &args.remote, &args.sheet.contest)?
        } else {
            Vec::new()
        };
        let event = correction(&args, None, &vote_types)?;
        return append_one(&args.store, &args.remote, &args.key, event);
    }
    // Locally, the current sheet and the vote types come from the state the correction is
    // decided against: one replay, not one per question.
    append_local(&args.store, &args.key, false, |basis| {
        let Basis::Replayed(ledger) = basis else {
            // A correction reads the station's current sheet: decided after a replay.
            return Ok(None);
        };
        let state = ledger.state();
        let vote_types = if args.sheet.gives_vote_types() {
            vote_types_in(state, &args.sheet.contest)?
        } else {
            Vec::new()
        };
        let events = vec![correction(
            &args,
            current_sheet(state, &args).as_ref(),
            &vote_types,
        )?];
        Ok(Some(Made { events, said: None }))
    })
}

fn correction(
    args: &CorrectArgs,
    current: Option<&rekap_model::TallySheet>,
    vote_types: &[String],
) -> anyhow::Result<Event> {
    Ok(Event::SheetCorrected {
        station: args.sheet.station.clone(),
        contest: args.sheet.contest.clone(),
        sheet: args.sheet.sheet_over(current, vote_types)?,
        reason: args.reason.clone(),
        answers: args.answers,
    })
}

/// The contest's vote type keys in the definition's order, from the local store or, over
/// --server or --offline, from the election's export.
fn vote_types_of(
    store: &StoreArg,
    remote: &RemoteArgs,
    contest: &str,
) -> anyhow::Result<Vec<String>> {
    if remote.server.is_some() || remote.offline.is_some() {
        vote_types_in(&crate::client::import::remote_state(remote)?, contest)
    } else {
        vote_types_in(store::open(&store.store)?.state(), contest)
    }
}

fn vote_types_in(state: &rekap_model::State, contest: &str) -> anyhow::Result<Vec<String>> {
    let election = state.election();
    let found = election.contest_by_id(contest).map(|index| {
        election.contests()[index.0 as usize]
            .vote_types
            .iter()
            .map(|vote_type| vote_type.key.clone())
            .collect::<Vec<_>>()
    });
    found.ok_or_else(|| {
        anyhow::anyhow!(crate::lang::say_with(
            "command-submit-there-no-contest-election",
            &[("contest", &contest)]
        ))
    })
}

/// The station's current sheet, for a correction to start from.
fn current_sheet(
    state: &rekap_model::State,
    args: &CorrectArgs,
) -> Option<rekap_model::TallySheet> {
    let election = state.election();
    let station = match election.locate(&args.sheet.station) {
        Some(rekap_model::Place::Station(station)) => station,
        _ => return None,
    };
    let contest = election.contest_by_id(&args.sheet.contest)?;
    state
        .current_sheet(station, contest)
        .map(|(_, sheet)| sheet.unpack())
}

pub fn object(args: ObjectArgs) -> anyhow::Result<Outcome> {
    let place = [args.station, args.region, args.place]
        .into_iter()
        .flatten()
        .next()
        .unwrap_or_default();
    let event = Event::ObjectionFiled {
        place,
        contest: args.contest,
        text: args.text,
    };
    append_one(&args.store, &args.remote, &args.key, event)
}

pub fn resolve(args: ResolveArgs) -> anyhow::Result<Outcome> {
    let resolution = match args.accept {
        Some(correction) => Resolution::Accepted { correction },
        None => Resolution::Rejected,
    };
    let event = Event::ObjectionResolved {
        objection: args.objection,
        resolution,
        reason: args.reason,
    };
    append_one(&args.store, &args.remote, &args.key, event)
}

pub fn void(args: StationActArgs) -> anyhow::Result<Outcome> {
    let events = stations_of(&args)?
        .into_iter()
        .map(|station| Event::StationVoided {
            station,
            contest: args.contest.clone(),
            reason: args.reason.clone(),
        })
        .collect();
    append_events(&args.store, &args.remote, &args.key, events)
}

pub fn revote(args: StationActArgs) -> anyhow::Result<Outcome> {
    let events = stations_of(&args)?
        .into_iter()
        .map(|station| Event::RevoteRecorded {
            station,
            contest: args.contest.clone(),
            reason: args.reason.clone(),
        })
        .collect();
    append_events(&args.store, &args.remote, &args.key, events)
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum RoleName {
    Operator,
    Official,
    Witness,
    Auditor,
}

#[derive(Args)]
pub struct RegisterArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// The registrar's key file.
    #[arg(long, short = 'k', value_name = "FILE")]
    pub key: PathBuf,
    /// The officer's public key: hex, an OpenSSH `ssh-ed25519 AAAA...` line, a PEM PUBLIC
    /// KEY, or a file holding one (e.g. the `KEYFILE.pub` that `keygen` writes).
    #[arg(long, value_name = "KEY")]
    pub officer: String,
    /// The officer's role.
    #[arg(long, value_enum)]
    pub role: RoleName,
    /// The region the officer acts for.
    #[arg(long, value_name = "REGION")]
    pub scope: String,
    /// For a witness: the contest.
    #[arg(long, required_if_eq("role", "witness"))]
    pub contest: Option<String>,
    /// For a witness: the candidate pair's ballot number.
    #[arg(long, required_if_eq("role", "witness"))]
    pub pair: Option<u32>,
}

#[derive(Args)]
pub struct RevokeArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// The registrar's key file.
    #[arg(long, short = 'k', value_name = "FILE")]
    pub key: PathBuf,
    /// The officer's public key: hex, an OpenSSH `ssh-ed25519` line, a PEM PUBLIC KEY, or
    /// a file holding one.
    #[arg(long, value_name = "KEY")]
    pub officer: String,
    /// Why (required).
    #[arg(long)]
    pub reason: String,
}

fn public_key(text: &str) -> anyhow::Result<[u8; 32]> {
    crate::keys::public_key_argument(text)
}

pub fn register(args: RegisterArgs) -> anyhow::Result<Outcome> {
    let role = match args.role {
        RoleName::Operator => rekap_model::Role::Operator,
        RoleName::Official => rekap_model::Role::Official,
        RoleName::Auditor => rekap_model::Role::Auditor,
        RoleName::Witness => rekap_model::Role::Witness {
            contest: args.contest.clone().unwrap_or_default(),
            pair: args.pair.unwrap_or_default(),
        },
    };
    let event = Event::OfficerRegistered {
        key: public_key(&args.officer)?,
        role,
        scope: args.scope,
    };
    append_one(&args.store, &args.remote, &args.key, event)
}

pub fn revoke(args: RevokeArgs) -> anyhow::Result<Outcome> {
    let event = Event::OfficerRevoked {
        key: public_key(&args.officer)?,
        reason: args.reason,
    };
    append_one(&args.store, &args.remote, &args.key, event)
}
