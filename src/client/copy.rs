//! The read commands' `--server URL`: a verified copy of the server's log, kept on this
//! machine and brought up to the server's signed checkpoint before each command, which then
//! runs on the copy exactly as on a local store (docs/API.md, "Read commands").
//!
//! The copy is a mirror (crates/rekap-mirror): every record is checked (chain, signatures,
//! the model's decisions) and the tree must match the server's signed checkpoint, which must
//! extend the one seen before. A server that rewrites history is refused, never followed.
//! So the answer is the local command's answer, byte for byte, from records this machine
//! verified: the server is not trusted for it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use rekap_log::{Record, StorageError};
use rekap_mirror::{HttpSource, Mirror, MirrorError};
use rekap_tlog::note::Verifier;

/// The mirror's pauses between attempts to read the server: from 200 ms, doubling, at most
/// 2 s, for the client's patience (`super::retry`).
const FIRST_PAUSE: Duration = Duration::from_millis(200);
const LONGEST_PAUSE: Duration = Duration::from_secs(2);
/// How long a command waits for another command that is bringing the same copy up to date.
const LOCK_WAIT: Duration = Duration::from_secs(60);

/// `--server` and `--server-log-key` of a read command.
#[derive(Args, Clone, Debug, Default)]
pub struct ServerArg {
    /// Answer from a verified copy of the `rekap serve` at URL's log instead of --store:
    /// brought up to the server's signed checkpoint first (only new records are fetched),
    /// then read as a local store; `totals` and `status` in JSON or CSV print the server's
    /// own answer (docs/API.md "Read commands").
    #[arg(long, value_name = "URL", env = "REKAP_SERVER")]
    pub server: Option<String>,
    /// The log's verifier key (vkey text or a file) to check the server's checkpoints with
    /// (default: the key the log's genesis names, taken on first use and kept).
    #[arg(long, value_name = "VKEY", requires = "server")]
    pub server_log_key: Option<String>,
}

impl ServerArg {
    /// The copy's store directory, brought up to date, when --server is given.
    pub fn copy(&self) -> anyhow::Result<Option<PathBuf>> {
        match &self.server {
            Some(url) => Ok(Some(synced(url, self.server_log_key.as_deref())?)),
            None => Ok(None),
        }
    }
}

/// Where copies are kept: `$REKAP_COPIES`, else `$XDG_CACHE_HOME/rekap/copies`, else
/// `$HOME/.cache/rekap/copies`, else `.rekap-copies`.
pub fn copies_directory() -> PathBuf {
    let variable = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
    if let Some(path) = variable("REKAP_COPIES") {
        return PathBuf::from(path);
    }
    if let Some(cache) = variable("XDG_CACHE_HOME") {
        return PathBuf::from(cache).join("rekap").join("copies");
    }
    match variable("HOME") {
        Some(home) => PathBuf::from(home).join(".cache/rekap/copies"),
        None => PathBuf::from(".rekap-copies"),
    }
}

/// The copy of the server at `url`: one directory per server, named so that a person can
/// tell which (the URL's letters and digits) and two URLs never share one (its hash).
pub fn copy_directory(url: &str) -> PathBuf {
    let base = url.trim_end_matches('/');
    let readable: String = base
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(64)
        .collect();
    let hash = blake3::hash(base.as_bytes()).to_hex();
    copies_directory().join(format!("{readable}-{}", &hash[..12]))
}

/// Brings the copy of `url` up to the server's signed checkpoint and returns its store
/// directory, released for the command to open.
pub fn synced(url: &str, log_key: Option<&str>) -> anyhow::Result<PathBuf> {
    synced_mirror(url, log_key)?;
    Ok(copy_directory(url))
}

/// [`synced`], the copy still open: its mirror replayed it on opening and holds its state
/// at the head it synced to, for a command that reads that state at once instead of
/// opening the copy, and replaying it, a second time.
pub fn synced_mirror(url: &str, log_key: Option<&str>) -> anyhow::Result<Mirror> {
    let directory = copy_directory(url);
    let source = || HttpSource::new(url, None);
    let pinned = match log_key {
        Some(text) => Some(crate::commands::tlog::vkey_argument(text)?),
        None if kept_log_key(&directory) => None,
        None => Some(genesis_log_key(&source(), url)?),
    };
    let mut mirror = open_waiting(&directory, source, pinned)?;
    let attempts =
        super::retry::attempts_within(super::retry::patience(), FIRST_PAUSE, LONGEST_PAUSE);
    match mirror.poll(attempts, FIRST_PAUSE, LONGEST_PAUSE, &mut say_retry) {
        Ok(_) => {}
        Err(MirrorError::Unreachable(error)) => {
            let reason = crate::error_words::fetch_error(&error, crate::lang::current());
            return Err(anyhow::Error::new(std::io::Error::other(reason)));
        }
        Err(MirrorError::Alarm(reason)) => anyhow::bail!(crate::lang::say_with(
            "client-copy-server-refused",
            &[
                ("url", &url),
                ("reason", &reason),
                ("path", &directory.display())
            ]
        )),
        Err(other) => return Err(other.into()),
    }
    if let Some(note) = mirror.accepted_note() {
        keep_checkpoint(&directory, note)?;
    }
    Ok(mirror)
}

/// Whether the copy already holds the log key it checks checkpoints with.
fn kept_log_key(directory: &Path) -> bool {
    rekap_mirror::mirror_directory(directory)
        .join("log-key")
        .is_file()
}

/// The log key the server's genesis names (trust on first use, said on stderr; the
/// genesis and every later record are then checked against it).
fn genesis_log_key(source: &HttpSource, url: &str) -> anyhow::Result<Verifier> {
    let fetched =
        super::retry::with_retries(super::retry::patience(), || match source.records(1, 1) {
            Ok(fetched) => super::retry::Attempt::Done(fetched),
            Err(error) => super::retry::Attempt::Again {
                error,
                retry_after: None,
            },
        })
        .map_err(|error| {
            let reason = crate::error_words::fetch_error(&error, crate::lang::current());
            anyhow::Error::new(std::io::Error::other(reason))
        })?;
    let bytes = fetched.first().map(Vec::as_slice).unwrap_or_default();
    let genesis = Record::decode(bytes)?;
    let (state, _) = rekap_ledger::replay_records(&[genesis])?;
    let verifier = rekap_ledger::checkpoints::verifier_at(state.log_keys(), 1)?;
    if !crate::progress::quiet() {
        eprintln!(
            "{}",
            crate::lang::say_with(
                "client-copy-first-use",
                &[("url", &url), ("vkey", &verifier.to_vkey())]
            )
        );
    }
    Ok(verifier)
}

/// Opens the copy, waiting while another command brings it up to date.
fn open_waiting(
    directory: &Path,
    source: impl Fn() -> HttpSource,
    pinned: Option<Verifier>,
) -> anyhow::Result<Mirror> {
    let started = Instant::now();
    loop {
        match Mirror::open(directory, source(), pinned.clone()) {
            Err(MirrorError::Storage(StorageError::Locked { .. }))
                if started.elapsed() < LOCK_WAIT =>
            {
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(error) => {
                return Err(anyhow::Error::new(error).context(crate::lang::say_with(
                    "client-copy-cannot-open",
                    &[("path", &directory.display())],
                )))
            }
            Ok(mirror) => return Ok(mirror),
        }
    }
}

/// Keeps the checkpoint the copy accepted among the copy's checkpoints, so that
/// `checkpoint`, `prove-record` and `prove` read it as a local store's own.
fn keep_checkpoint(directory: &Path, note: &str) -> anyhow::Result<()> {
    let latest = crate::transparency::latest(directory)?;
    if latest.is_some_and(|latest| latest.note == note) {
        return Ok(());
    }
    Ok(rekap_ledger::checkpoints::keep_received(directory, note)?)
}

/// Points `store` at the server's copy, brought up to date, when --server is given.
pub fn read_from(server: &ServerArg, store: &mut PathBuf) -> anyhow::Result<()> {
    if let Some(copy) = server.copy()? {
        *store = copy;
    }
    Ok(())
}

/// A mirror's failed attempt that will be tried again, said on stderr in the user's language.
pub(crate) fn say_retry(retry: rekap_mirror::Retry<'_>) {
    let reason = crate::error_words::fetch_error(retry.error, crate::lang::current());
    let milliseconds = retry.wait.as_millis();
    eprintln!(
        "{}",
        crate::lang::say_with(
            "mirror-retrying",
            &[
                ("attempt", &retry.attempt),
                ("reason", &reason),
                ("milliseconds", &milliseconds)
            ]
        )
    );
}
