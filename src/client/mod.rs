//! The HTTP client of `--server`, `--offline` and `send`: signs locally (the server never
//! sees a secret key), posts, retries the same signed bytes, prints the receipt as a local
//! append does. The wire types are rekap-server's (`rekap_server::wire`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use clap::Args;
use ed25519_dalek::SigningKey;
use rekap_log::SignedSubmission;
use rekap_model::{encode_payload, ApprovalStatement, Event, Payload};
use rekap_server::wire::{
    fixed_hex, submission_bytes, CounterJson, ProblemJson, ReceiptJson, SubmissionJson,
    SUBMISSION_BYTES_TYPE,
};
use serde_json::Value;

pub mod copy;
pub mod current;
pub mod import;
mod inclusion;
pub mod reads;
mod retry;

use retry::Attempt;

use crate::exit::Outcome;
use crate::keys;
use crate::output::print;

/// Where an appending command sends its signed submission instead of a local store.
#[derive(Args, Clone, Debug, Default)]
pub struct RemoteArgs {
    /// Send it to the `rekap serve` at URL (e.g. http://127.0.0.1:8080) instead of --store.
    #[arg(
        long,
        value_name = "URL",
        env = "REKAP_SERVER",
        conflicts_with = "offline"
    )]
    pub server: Option<String>,
    /// Write the signed submission to FILE (one JSON line, appended) for `rekap send`.
    #[arg(long, value_name = "FILE")]
    pub offline: Option<PathBuf>,
    /// With --offline: a copy of the genesis (an export of the store) or the JSON of
    /// `GET /v1/election`, for the definition hash the payload binds.
    #[arg(long, value_name = "FILE", requires = "offline")]
    pub election: Option<PathBuf>,
    /// With --server: how long to wait for the record's inclusion in the server's next
    /// published checkpoint, checked and printed (0: print the receipt at once; the
    /// inclusion is then `GET /v1/inclusion/SEQ`).
    #[arg(long, default_value_t = 3000, value_name = "MS")]
    pub inclusion_wait_ms: u64,
}

/// How many times a fresh counter is asked for when another client used ours.
const COUNTER_ATTEMPTS: u32 = 5;

/// A blocking client of one server.
pub struct Client {
    base: String,
    agent: ureq::Agent,
}

/// Why a post did not give a receipt.
enum PostError {
    /// The counter was used by other bytes: ask for a new one and sign again.
    Counter(String),
    Other(anyhow::Error),
}

impl std::fmt::Display for PostError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PostError::Counter(text) => formatter.write_str(text),
            PostError::Other(error) => write!(formatter, "{error}"),
        }
    }
}

fn network(error: impl std::fmt::Display, url: &str) -> anyhow::Error {
    // An io::Error: exit 3, like a store that cannot be read.
    anyhow::Error::new(std::io::Error::other(format!("{url}: {error}")))
}

impl Client {
    pub fn new(base: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(60)))
            .http_status_as_error(false)
            .build()
            .into();
        Self {
            base: base.trim_end_matches('/').to_owned(),
            agent,
        }
    }

    /// GET `path` as JSON; a problem answer is an error carrying its detail.
    pub fn get_json(&self, path: &str) -> anyhow::Result<Value> {
        let text = self.get_bytes(path, 256 << 20)?;
        let url = format!("{}{path}", self.base);
        serde_json::from_slice(&text).map_err(|error| network(error, &url))
    }

    pub fn next_counter(&self, author: &[u8; 32]) -> anyhow::Result<u64> {
        let json = self.get_json(&format!("/v1/counters/{}", hex::encode(author)))?;
        let counter: CounterJson = serde_json::from_value(json)?;
        Ok(counter.next_counter)
    }

    /// The approval statement of `region` and `contest` at the server's head: what a
    /// witness signs and an approval binds (`GET /v1/statement`).
    pub fn statement(&self, region: &str, contest: &str) -> anyhow::Result<ApprovalStatement> {
        let path = format!(
            "/v1/statement?region={}&contest={}",
            reads::encode(region),
            reads::encode(contest)
        );
        let json = self.get_json(&path)?;
        let field = |name: &str| {
            fixed_hex(name, json[name].as_str().unwrap_or_default()).map_err(|error| {
                anyhow!(crate::lang::say_with(
                    "command-client-server-s-statement",
                    &[("error", &error)]
                ))
            })
        };
        Ok(ApprovalStatement {
            definition_hash: field("definition_hash")?,
            region: region.to_owned(),
            contest: contest.to_owned(),
            digest: field("digest")?,
        })
    }

    /// GET `path` as bytes (an export), up to `limit` bytes, retrying a server that is
    /// down, starting or full for the client's patience (`retry`).
    pub fn get_bytes(&self, path: &str, limit: u64) -> anyhow::Result<Vec<u8>> {
        let url = format!("{}{path}", self.base);
        retry::with_retries(retry::patience(), || {
            let request = self.agent.get(&url).header("accept-language", language());
            let mut response = match request.call() {
                Ok(response) => response,
                Err(error) => return again(network(error, &url), None),
            };
            let status = response.status().as_u16();
            let retry_after = retry_after(&response);
            let bytes = match response.body_mut().with_config().limit(limit).read_to_vec() {
                Ok(bytes) => bytes,
                Err(error) => return Attempt::Failed(network(error, &url)),
            };
            let text = || String::from_utf8_lossy(&bytes).into_owned();
            match status {
                408 | 429 | 503 => again(problem_error(status, &text()), retry_after),
                400.. => Attempt::Failed(problem_error(status, &text())),
                _ => Attempt::Done(bytes),
            }
        })
    }

    pub fn definition_hash(&self) -> anyhow::Result<[u8; 32]> {
        let json = self.get_json("/v1/election")?;
        let text = json["definition_hash"].as_str().unwrap_or_default();
        fixed_hex("definition_hash", text).map_err(|error| anyhow!(error))
    }

    /// Posts one signed submission as its canonical bytes (docs/API.md), resending the
    /// same bytes after a lost answer, a full queue or a rate limit: a retry of an appended
    /// submission gets its receipt.
    fn post(&self, submission: &SignedSubmission) -> Result<ReceiptJson, PostError> {
        let url = format!("{}/v1/submissions", self.base);
        let body = submission_bytes(submission);
        let other = |error| PostError::Other(network(error, &url));
        retry::with_retries(retry::patience(), || {
            let result = self
                .agent
                .post(&url)
                .header("content-type", SUBMISSION_BYTES_TYPE)
                .header("accept-language", language())
                .send(&body[..]);
            let mut response = match result {
                Ok(response) => response,
                Err(error) => return again(other(error.to_string()), None),
            };
            let status = response.status().as_u16();
            let retry_after = retry_after(&response);
            // An answer cut off in its body is a lost answer too: the same bytes are sent
            // again, and a submission already appended gets its receipt.
            let text = match response.body_mut().read_to_string() {
                Ok(text) => text,
                Err(error) => return again(other(error.to_string()), retry_after),
            };
            let problem = || PostError::Other(problem_error(status, &text));
            match status {
                200 | 201 => match serde_json::from_str(&text) {
                    Ok(receipt) => Attempt::Done(receipt),
                    Err(error) => Attempt::Failed(other(error.to_string())),
                },
                409 => Attempt::Failed(PostError::Counter(text.clone())),
                408 | 429 | 500 | 503 => again(problem(), retry_after),
                _ => Attempt::Failed(problem()),
            }
        })
    }
}

/// The language of the run, for the server to word a refusal in (`Accept-Language`).
fn language() -> &'static str {
    crate::lang::current().code()
}

fn again<T, E>(error: E, retry_after: Option<u64>) -> Attempt<T, E> {
    Attempt::Again { error, retry_after }
}

fn retry_after(response: &ureq::http::Response<ureq::Body>) -> Option<u64> {
    response
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
}

/// A problem answer as the error the CLI prints: its detail (a refusal: exit 1).
fn problem_error(status: u16, text: &str) -> anyhow::Error {
    match serde_json::from_str::<ProblemJson>(text) {
        Ok(problem) if problem.status >= 500 => network(problem.detail, "server"),
        Ok(problem) => anyhow!(problem.detail),
        Err(_) => network(format!("status {status}: {}", text.trim()), "server"),
    }
}

/// The one-event payload an appending command signs.
fn payload_of(definition_hash: [u8; 32], events: Vec<Event>) -> Vec<u8> {
    encode_payload(&Payload::Events {
        definition_hash,
        events,
    })
}

/// `KEY.counter`: the last counter this key signed with, kept beside the key file.
fn counter_path(key: &Path) -> PathBuf {
    let mut name = key.as_os_str().to_owned();
    name.push(".counter");
    PathBuf::from(name)
}

fn last_counter(key: &Path) -> anyhow::Result<u64> {
    match std::fs::read_to_string(counter_path(key)) {
        Ok(text) => text.trim().parse().with_context(|| {
            crate::lang::say_with(
                "command-client-not-counter",
                &[("path", &counter_path(key).display())],
            )
        }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(error) => Err(error.into()),
    }
}

/// Raises `KEY.counter` to `counter` (never lowers it): called after every append signed
/// with the key file, local or remote, so an offline submission never reuses a counter the
/// log already holds.
pub(crate) fn save_counter(key: &Path, counter: u64) -> anyhow::Result<()> {
    if counter > last_counter(key)? {
        // Written aside, synced and renamed: a crash leaves the old counter or the new
        // one, never an empty file that would read as an error (or as 0).
        rekap_witness::witness::write_durably(
            &counter_path(key),
            format!("{counter}\n").as_bytes(),
        )?;
    }
    Ok(())
}

/// Appends through a server or to an offline file, if asked to; `None`: use the store.
pub fn append_remote(
    remote: &RemoteArgs,
    key_path: &Path,
    events: Vec<Event>,
) -> anyhow::Result<Option<Outcome>> {
    if let Some(file) = &remote.offline {
        return write_offline(remote, file, key_path, events).map(Some);
    }
    let Some(url) = &remote.server else {
        return Ok(None);
    };
    let key = keys::read_signing_key(key_path)?;
    let client = Client::new(url);
    let payload = payload_of(client.definition_hash()?, events);
    let receipt = submit_fresh(&client, &key, payload)?;
    save_counter(key_path, receipt.1)?;
    print_receipt(&receipt.0)?;
    let wait = Duration::from_millis(remote.inclusion_wait_ms);
    print(&inclusion::describe(&client, &receipt.0, wait)?)?;
    Ok(Some(Outcome::Success))
}

/// Signs `payload` with the server's next counter and posts it; if another client of the
/// same key took that counter first, asks again and signs again.
fn submit_fresh(
    client: &Client,
    key: &SigningKey,
    payload: Vec<u8>,
) -> anyhow::Result<(ReceiptJson, u64)> {
    let author = key.verifying_key().to_bytes();
    for _ in 0..COUNTER_ATTEMPTS {
        let counter = client.next_counter(&author)?;
        let signed = SignedSubmission::sign(key, counter, payload.clone());
        match client.post(&signed) {
            Ok(receipt) => return Ok((receipt, counter)),
            Err(PostError::Counter(_)) => continue,
            Err(PostError::Other(error)) => return Err(error),
        }
    }
    bail!(crate::lang::say("command-client-key-s-counter-kept-being"))
}

pub fn print_receipt(receipt: &ReceiptJson) -> anyhow::Result<()> {
    if receipt.repeated {
        eprintln!(
            "{}",
            crate::lang::say("command-client-already-log-receipt-first-time")
        );
    }
    print(&format!(
        "{}\n",
        crate::lang::say_with(
            "command-client-appended-record-event-id-head",
            &[
                ("seq", &receipt.seq),
                ("event-id", &receipt.event_id),
                ("encode", &hex::encode(receipt.head.hash))
            ]
        )
    ))
}

fn write_offline(
    remote: &RemoteArgs,
    file: &Path,
    key_path: &Path,
    events: Vec<Event>,
) -> anyhow::Result<Outcome> {
    let Some(election) = &remote.election else {
        bail!(crate::lang::say(
            "command-client-offline-needs-election-file-export"
        ));
    };
    let key = keys::read_signing_key(key_path)?;
    let author = key.verifying_key().to_bytes();
    // An export holds the key's records: the counter follows both them and `KEY.counter`.
    let counter = last_counter(key_path)?.max(last_counter_in(election, &author)?) + 1;
    let signed = SignedSubmission::sign(
        &key,
        counter,
        payload_of(definition_hash_of(election)?, events),
    );
    append_line(file, &signed)?;
    // Only after the submission is safely written: a crash before leaves the counter unused.
    save_counter(key_path, counter)?;
    print(&format!(
        "{}\n",
        crate::lang::say_with(
            "command-client-signed-submission-key-written-send",
            &[
                ("counter", &counter),
                ("encode", &hex::encode(&signed.author[..8])),
                ("path", &file.display())
            ]
        )
    ))?;
    Ok(Outcome::Success)
}

/// Appends one signed submission to an offline file as a JSON line, durably.
fn append_line(file: &Path, signed: &SignedSubmission) -> anyhow::Result<()> {
    let mut line = serde_json::to_string(&SubmissionJson::of(signed))?;
    line.push('\n');
    let mut out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .with_context(|| format!("opening {}", file.display()))?;
    out.write_all(line.as_bytes())?;
    out.sync_all()?;
    Ok(())
}

/// The last counter `author` signed a record of the export `path` with (0: none, or `path`
/// is the JSON of `GET /v1/election`, which holds no record).
fn last_counter_in(path: &Path, author: &[u8; 32]) -> anyhow::Result<u64> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    if !bytes.starts_with(rekap_log::export::EXPORT_MAGIC) {
        return Ok(0);
    }
    // Stops at the first frame that cannot be read, as `definition_hash_of` needs only the
    // first: a damaged export gives the counter of the records before the damage.
    let last = rekap_log::export::records_in_export(&bytes)
        .iter()
        .filter(|record| record.author == *author)
        .map(|record| record.counter)
        .max()
        .unwrap_or(0);
    Ok(last)
}

/// The definition hash of a genesis copy: an export file (its first record), or JSON with
/// a `definition_hash` (what `GET /v1/election` answers).
pub fn definition_hash_of(path: &Path) -> anyhow::Result<[u8; 32]> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    if bytes.starts_with(rekap_log::export::EXPORT_MAGIC) {
        let frames = bytes
            .get(rekap_log::export::HEADER_BYTES..)
            .unwrap_or_default();
        let first = rekap_log::frame::Frames::new(frames)
            .next()
            .ok_or_else(|| {
                anyhow!(crate::lang::say_with(
                    "command-client-export-holds-no-record",
                    &[("path", &path.display())]
                ))
            })?
            .map_err(|error| anyhow!("{}: {error}", path.display()))?;
        let record = rekap_log::Record::decode(first)?;
        let payload = rekap_model::decode_payload(&record.payload)?;
        let Payload::Genesis(genesis) = payload else {
            bail!(crate::lang::say_with(
                "command-client-record-not-genesis",
                &[("path", &path.display())]
            ));
        };
        return Ok(rekap_model::Election::new(genesis.definition)?.hash());
    }
    let json: Value = serde_json::from_slice(&bytes).with_context(|| {
        crate::lang::say_with(
            "command-client-neither-export-nor-json",
            &[("path", &path.display())],
        )
    })?;
    let text = json["definition_hash"].as_str().unwrap_or_default();
    fixed_hex("definition_hash", text).map_err(|error| anyhow!("{}: {error}", path.display()))
}

/// `rekap send`: posts offline submissions in counter order (per key), each receipt
/// printed; a refused one is reported and the rest still sent.
pub fn send_files(url: &str, files: &[PathBuf]) -> anyhow::Result<Outcome> {
    let mut submissions = Vec::new();
    for file in files {
        let text = crate::input::read_text(file)?;
        for (number, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let json: SubmissionJson = serde_json::from_str(line)
                .with_context(|| format!("{} line {}", file.display(), number + 1))?;
            let submission = json
                .decode()
                .map_err(|error| anyhow!("{} line {}: {error}", file.display(), number + 1))?;
            submissions.push(submission);
        }
    }
    submissions.sort_by_key(|submission| (submission.author, submission.counter));
    let client = Client::new(url);
    let (mut refused, mut repeated) = (0, 0);
    for submission in &submissions {
        let label = format!(
            "{}#{}",
            hex::encode(&submission.author[..8]),
            submission.counter
        );
        match client.post(submission) {
            Ok(receipt) => {
                repeated += u64::from(receipt.repeated);
                print_sent(&label, &receipt)?;
            }
            Err(PostError::Counter(text)) => {
                refused += 1;
                eprintln!("{label}: {}", problem_error(409, &text));
                eprintln!(
                    "{}",
                    crate::lang::say("command-client-send-counter-used-sign-again")
                );
            }
            Err(PostError::Other(error)) if error.is::<std::io::Error>() => return Err(error),
            Err(PostError::Other(error)) => {
                refused += 1;
                eprintln!("{label}: {error:#}");
            }
        }
    }
    // Sent: accepted by the server, appended now or already in the log; refused apart.
    let sent = submissions.len() as u64 - refused;
    print(&format!(
        "{}\n",
        crate::lang::say_with(
            "command-client-sent-refused",
            &[
                ("sent", &crate::lang::number(sent)),
                ("appended", &crate::lang::number(sent - repeated)),
                ("repeated", &crate::lang::number(repeated)),
                ("refused", &crate::lang::count(refused))
            ]
        )
    ))?;
    Ok(if refused == 0 {
        Outcome::Success
    } else {
        Outcome::Rejected
    })
}

/// One of `send`'s receipts, as a local append prints its seq and record hash.
fn print_sent(label: &str, receipt: &ReceiptJson) -> anyhow::Result<()> {
    let already = if receipt.repeated {
        format!(" ({})", crate::lang::say("command-client-already-in-log"))
    } else {
        String::new()
    };
    print(&format!(
        "{}\n",
        crate::lang::say_with(
            "command-client-appended-record-event-id",
            &[
                ("label", &label),
                ("seq", &receipt.seq),
                ("event-id", &receipt.event_id),
                ("hash", &hex::encode(receipt.record_hash)),
                ("else", &already)
            ]
        )
    ))
}
