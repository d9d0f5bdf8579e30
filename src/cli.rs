//! Command-line arguments (clap derive). Each command's own arguments live beside its code
//! in `commands/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::commands::compare::CompareArgs;
use crate::commands::completions::{CompletionsArgs, ManArgs};
use crate::commands::{
    approve::{ApproveArgs, SignArgs},
    audit::AuditArgs,
    bench::BenchArgs,
    bench_server::BenchServerArgs,
    definition::DefinitionArgs,
    demo::DemoArgs,
    history::HistoryArgs,
    import::ImportArgs,
    init::InitArgs,
    keygen::{KeygenArgs, PubkeyArgs},
    mirror::MirrorArgs,
    prove::{ProveArgs, VerifyProofArgs},
    publish::PublishArgs,
    repair::RepairArgs,
    send::SendArgs,
    serve::ServeArgs,
    status::StatusArgs,
    submit::{
        CorrectArgs, ObjectArgs, RegisterArgs, ResolveArgs, RevokeArgs, StationActArgs, SubmitArgs,
    },
    tlog::{
        CheckpointArgs, LogKeyArgs, ProveConsistencyArgs, ProveRecordArgs, VerifyConsistencyArgs,
    },
    totals::TotalsArgs,
    witness::{VerifyEvidenceArgs, WitnessArgs},
};
use crate::commands::{list::ListArgs, sheet::SheetArgs};

pub const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  verification failed, or input rejected (nothing was appended): also a file that
     is not UTF-8, and a key file its group or others may read (`chmod 600` it)
  2  usage error
  3  a file or store could not be read or written (also a full disk, a file too large),
     or the store is damaged (the message names the byte)
  4  the store is locked by another process";

/// rekap: an append-only, hash-chained, signed ledger for election vote recapitulation.
///
/// The store defaults to ./rekap-store (or $REKAP_STORE).
#[derive(Parser)]
#[command(name = "rekap", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    /// Quiet: no progress and no notes on stderr (warnings and errors still are).
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// Wait up to SECONDS for the store's lock instead of failing at once with exit 4: a
    /// writer waits for another writer and, at each append, for the readers in progress; a
    /// reader waits for an append in progress. Readers never wait for each other. With
    /// --server (and `send`): keep retrying a server that is down, starting or full for
    /// SECONDS before exit 3 (without --wait: 20).
    #[arg(long, global = true, value_name = "SECONDS")]
    pub wait: Option<u64>,
    /// Language of everything printed (help, tables, progress, errors): id (Bahasa
    /// Indonesia) or en; without it, from LC_ALL, LC_MESSAGES or LANG (`id_*` is Indonesian).
    #[arg(long, global = true, value_enum)]
    pub lang: Option<crate::lang::Lang>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the Kaltim 2024 governor's race end to end in a fresh store and print the tables.
    Demo(DemoArgs),
    /// Create a key file (ed25519; the secret is never printed).
    Keygen(KeygenArgs),
    /// Print the public key of a key file.
    Pubkey(PubkeyArgs),
    /// Create a store whose first record is an election definition (signed by its registrar).
    ///
    /// All or nothing: the store is built beside the target and renamed into place once
    /// complete, so a refusal or a crash leaves no store or a whole one. The target must not
    /// exist or be an empty directory.
    Init(InitArgs),
    /// Register an officer (operator, official, witness, auditor), as the registrar.
    Register(RegisterArgs),
    /// Revoke an officer's key for good, as the registrar.
    Revoke(RevokeArgs),
    /// Submit one station's tally sheet (Model C.Hasil), as an operator.
    Submit(SubmitArgs),
    /// Import many sheets from a CSV file: every row checked first, all or nothing.
    Import(ImportArgs),
    /// Write an election definition from another source's results (`--from
    /// openelections`), for review before `init` (docs/FORMATS.md).
    Definition(DefinitionArgs),
    /// Correct a station's sheet (pembetulan), as an official, with a reason.
    Correct(CorrectArgs),
    /// Void a station's result for a contest, as an official, with the legal reason.
    Void(StationActArgs),
    /// Order a re-vote (PSU) at a station, as an official, with the legal reason.
    Revote(StationActArgs),
    /// File an objection (keberatan), as a witness.
    Object(ObjectArgs),
    /// Resolve an objection, as an official: accept (pointing at the correction) or reject.
    Resolve(ResolveArgs),
    /// Sign a plenary's approval statement, as a witness, for the official to attach.
    Sign(SignArgs),
    /// Record a plenary approval (D.Hasil) with the witnesses' signatures, as an official.
    Approve(ApproveArgs),
    /// Show every level's totals.
    ///
    /// Answers from the store's saved totals view while the log has not changed since it
    /// was saved (milliseconds, no lock taken); otherwise replays the log. Reading commands
    /// save nothing: every appending command saves the view of its new head. `--at` always
    /// replays.
    Totals(TotalsArgs),
    /// Compare the totals of one level with another source's (the portal's aggregate JSON,
    /// a volunteers' per-TPS file, or a CSV of region totals): per region both figures per
    /// pair, the difference, the source's coverage, regions on one side only. Exit 0 when
    /// all are equal, 1 when any differ.
    Compare(CompareArgs),
    /// Show progress per level, approvals, open objections and flags.
    Status(StatusArgs),
    /// Show every event touching a region or station.
    History(HistoryArgs),
    /// Show one station's full current sheet: every field, a partial (votes-only) sheet
    /// marked.
    Sheet(SheetArgs),
    /// List contests, regions, officers, objections or flags, with filters.
    List(ListArgs),
    /// Write a proof that a station's sheet is inside a plenary approval (district, regency
    /// or province).
    Prove(ProveArgs),
    /// Check a proof offline.
    VerifyProof(VerifyProofArgs),
    /// Print the log's verifier key (C2SP vkey: `<origin>+<hex key id>+<base64 key>`).
    LogKey(LogKeyArgs),
    /// The registrar names a new log key (a `LogKeyRotated` record): it signs every
    /// checkpoint from the tree holding that record on; the old key never signs again.
    RotateLogKey(crate::commands::rotate_log_key::RotateLogKeyArgs),
    /// Print the latest signed checkpoint (C2SP signed note).
    ///
    /// Appending commands sign one after each append. If the log grew since the last one
    /// (an append by `rekap serve`), this signs a new one first: a write, which takes the
    /// store's lock. A checkpoint inconsistent with the last one is never signed.
    Checkpoint(CheckpointArgs),
    /// Print an inclusion proof of a record in a signed checkpoint (C2SP tlog-proof).
    ProveRecord(ProveRecordArgs),
    /// Print a consistency proof between two tree sizes (format rekap-consistency/1).
    ProveConsistency(ProveConsistencyArgs),
    /// Check that checkpoint NEW extends checkpoint OLD with a consistency proof (exit 0/1).
    VerifyConsistency(VerifyConsistencyArgs),
    /// Write the log as a C2SP tlog-tiles tree of static files (docs/OPERATOR.md).
    ///
    /// Publishes the latest signed checkpoint with every tile, entry bundle and record
    /// bundle it names; a second run writes only what changed, the checkpoint last. Reads
    /// the store only (no lock).
    Publish(PublishArgs),
    /// Write the whole log of a store to one self-contained export file.
    Export(ExportArgs),
    /// Verify a store or an export: chain, hashes, signatures, sequence, time, counters.
    ///
    /// JSON (-f json, or --json): {"ok", "records", "head", "failures": [{"seq",
    /// "reason"}], "failures_not_listed"}.
    Verify(VerifyArgs),
    /// Audit a store or an export from the log alone: numbered checks 1-9, first failures.
    ///
    /// JSON (-f json, or --json): {"ok", "records", "head", "projection_digest",
    /// "judged_records", "unauthenticated_record", "checks": [...], "flags": [...]}.
    Audit(AuditArgs),
    /// Copy every record of a damaged store that still verifies into a new store.
    ///
    /// The damaged store is only read. Records are copied byte for byte, up to the first
    /// one that does not verify; the report names it and the records lost after it. Exit 0
    /// when nothing was lost, 1 when records were lost (the new store is written either way).
    Repair(RepairArgs),
    /// Measure the national scale against SQLite, DuckDB and blake3 baselines, single commands against sqlite3 (docs/PERFORMANCE.md).
    Bench(BenchArgs),
    /// Measure `rekap serve` under N concurrent signed-submission clients (docs/PERFORMANCE.md).
    BenchServer(BenchServerArgs),
    /// Serve the store over HTTP to many operators, officials and witnesses (docs/API.md).
    ///
    /// Holds the store (other commands on it get exit 4: use --server), replays it once,
    /// and group-commits signed submissions. Stops on SIGTERM/SIGINT after the batch in
    /// flight is durable, with exit 0.
    Serve(ServeArgs),
    /// Post signed submissions written with --offline to a server, in counter order.
    Send(SendArgs),
    /// Run a C2SP tlog-witness for the logs given: POST /add-checkpoint (docs/API.md).
    ///
    /// Cosigns a checkpoint only if it is consistent with the last one it cosigned for that
    /// log (kept durably in --state). One that is not is refused (422) and leaves an
    /// evidence file in --state/evidence/ and an ALARM line on stderr. Stops on
    /// SIGTERM/SIGINT with exit 0.
    Witness(WitnessArgs),
    /// Follow a rekap server into a store of one's own, every record and checkpoint verified.
    ///
    /// Each new record is checked as the audit does (chain, signatures, every decision
    /// replayed by the model) and each new checkpoint against every record held. A
    /// checkpoint that contradicts one accepted is refused: an evidence file in
    /// STORE/mirror/evidence/, an ALARM line, exit 1. Survives restarts (resumes from its
    /// head) and a server that is down (retries with backoff).
    Mirror(MirrorArgs),
    /// Check an evidence file offline: exit 0 when it proves that one log key signed two
    /// checkpoints that cannot both be true, 1 when it does not.
    VerifyEvidence(VerifyEvidenceArgs),
    /// Print a shell completion script: `rekap completions bash > /etc/bash_completion.d/rekap`.
    Completions(CompletionsArgs),
    /// Print the man page (roff): `rekap man | man -l -`; `--out DIR` writes one per command.
    Man(ManArgs),
}

#[derive(Args)]
pub struct ExportArgs {
    /// Store directory.
    #[arg(long, short = 's', env = "REKAP_STORE", default_value = crate::store::DEFAULT_STORE, value_name = "DIR")]
    pub store: PathBuf,
    #[command(flatten)]
    pub server: crate::client::copy::ServerArg,
    /// File to write; refused if it exists.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// table, json, csv: the log, its summary printed so (JSON and CSV: records, bytes,
    /// out, head). nist-err: the current results as NIST SP 1500-100 v2 Election Results
    /// Reporting JSON; openelections: as OpenElections CSV (docs/FORMATS.md); `--out -`
    /// writes these to standard output.
    #[arg(long, short = 'f', value_enum, default_value_t = crate::commands::export::ExportFormat::Table)]
    pub format: crate::commands::export::ExportFormat,
    /// The older spelling of --format json.
    #[arg(long, hide = true)]
    pub json: bool,
    /// openelections: one row per region of this level and pair (default: per station).
    #[arg(long)]
    pub level: Option<String>,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// An export file to verify offline (then --store is not read).
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// The store directory to verify [default: $REKAP_STORE, else rekap-store].
    #[arg(long, short = 's', value_name = "DIR", conflicts_with = "log")]
    pub store: Option<PathBuf>,
    #[command(flatten)]
    pub server: crate::client::copy::ServerArg,
    /// A published tile tree (`rekap publish`, or `/tlog/` of `rekap serve`) to fetch and
    /// verify: a directory, a file:// URL or an http(s) URL of its root.
    #[arg(long, value_name = "URL_OR_DIR", conflicts_with_all = ["log", "store"])]
    pub tiles: Option<String>,
    /// With --tiles: a verifier key (vkey text, or a file holding it) that must be one of the
    /// log's keys. The checkpoint's signature is checked in any case, by the key the log's
    /// genesis or last `LogKeyRotated` record names for its size.
    #[arg(long, value_name = "VKEY", requires = "tiles")]
    pub log_key: Option<String>,
    /// With --tiles: the witnesses whose cosignatures the checkpoint must carry.
    #[command(flatten)]
    pub quorum: crate::commands::witness::QuorumArgs,
    /// JSON is one object: {"ok", "records", "head", "failures": [{"seq", "reason"}],
    /// "failures_not_listed"}, the names `audit` uses.
    #[command(flatten)]
    pub format: crate::output::FormatArg,
    /// Skip signature checks (chain and hashes only; faster).
    #[arg(long)]
    pub no_signatures: bool,
}
