//! Opening the store a command works on, and the clock.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rekap_ledger::Ledger;
use rekap_log::{DefaultStorage, StorageError};

/// The default store directory: `$REKAP_STORE`, else `./rekap-store` (clap fills it in).
pub const DEFAULT_STORE: &str = "rekap-store";

/// Opens the store at `path` to read it, and replays it. No file of the store is
/// changed; an incomplete append or damage after the last committed chunk is an error
/// (exit 3) that names the byte offset, never an answer from fewer records.
pub fn open(path: &Path) -> anyhow::Result<Ledger<DefaultStorage>> {
    replay(waiting_for_the_lock(|| {
        DefaultStorage::open_read_only(path)
    })?)
}

/// Replays the store's log with a bar of records replayed and the time left (on a
/// terminal, without -q).
fn replay(storage: DefaultStorage) -> anyhow::Result<Ledger<DefaultStorage>> {
    replay_log(rekap_log::Log::open(storage)?)
}

/// [`replay`] of a log already opened.
pub fn replay_log(log: rekap_log::Log<DefaultStorage>) -> anyhow::Result<Ledger<DefaultStorage>> {
    let lang = crate::lang::current();
    let total = log.head().count;
    let counter = crate::progress::Counter::start(
        lang.message("progress-replaying"),
        total,
        crate::progress::Unit::Items,
    );
    let ledger = Ledger::replay_with_progress(log, u64::MAX, &mut |done, total| {
        counter.set(done, total);
    })?;
    Ok(ledger)
}

/// `--wait SECONDS`: how long a command waits for the store's lock before giving up with
/// exit 4 (0: not at all, the default).
static WAIT_SECONDS: AtomicU64 = AtomicU64::new(0);
/// Whether `--wait` was given (the client's patience with a server differs without it).
static WAIT_GIVEN: AtomicBool = AtomicBool::new(false);

pub fn set_wait_seconds(seconds: Option<u64>) {
    WAIT_SECONDS.store(seconds.unwrap_or(0), Ordering::Relaxed);
    WAIT_GIVEN.store(seconds.is_some(), Ordering::Relaxed);
}

/// `--wait SECONDS` if it was given.
pub fn wait_seconds() -> Option<u64> {
    WAIT_GIVEN
        .load(Ordering::Relaxed)
        .then(|| WAIT_SECONDS.load(Ordering::Relaxed))
}

/// Opens with `open`, retrying while the store is locked, up to `--wait` seconds.
fn waiting_for_the_lock(
    open: impl Fn() -> Result<DefaultStorage, StorageError>,
) -> Result<DefaultStorage, StorageError> {
    let wait = Duration::from_secs(WAIT_SECONDS.load(Ordering::Relaxed));
    let started = Instant::now();
    let mut said = false;
    loop {
        match open() {
            Err(StorageError::Locked { .. }) if started.elapsed() < wait => {
                if !said && !crate::progress::quiet() {
                    let lang = crate::lang::current();
                    let seconds = lang.number(wait.as_secs());
                    eprintln!(
                        "{}",
                        lang.message_with("error-waiting-for-lock", &[("seconds", &seconds)])
                    );
                    said = true;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            other => return other,
        }
    }
}

/// Opens the store at `path` to append to it, and replays it. An incomplete last append
/// (never acknowledged) is moved to the store's `quarantine/` first, and the user is told.
pub fn open_for_append(path: &Path) -> anyhow::Result<Ledger<DefaultStorage>> {
    replay_log(open_log_for_append(path)?)
}

/// The log of [`open_for_append`], not replayed yet (an append that changes no sheet may be
/// decided without a replay: `rekap_ledger::thin`).
pub fn open_log_for_append(path: &Path) -> anyhow::Result<rekap_log::Log<DefaultStorage>> {
    // Readers share the lock while this command replays; each append waits for the
    // readers in progress up to --wait (docs/OPERATOR.md, "Readers beside a writer").
    let wait = Duration::from_secs(WAIT_SECONDS.load(Ordering::Relaxed));
    let storage = waiting_for_the_lock(|| DefaultStorage::open_sharing_reads(path, wait))?;
    if let Some(moved) = storage.quarantined() {
        // Said even with -q: bytes were moved aside.
        let moved = moved.to_string();
        let lang = crate::lang::current();
        eprintln!(
            "{}",
            lang.message_with("error-note-quarantined", &[("moved", &moved)])
        );
    }
    Ok(rekap_log::Log::open(storage)?)
}

/// After an append: saves the totals view of the new head, so that the next `totals`
/// answers without a replay (reading commands never write to the store), and the stations
/// and history views beside it (the history view's last records from `appended`, if given).
pub fn save_view_after_append(
    ledger: &mut Ledger<DefaultStorage>,
    appended: Option<&rekap_ledger::history_view::AppendedHistory>,
) {
    if let Err(error) = ledger.save_views_built_whole(appended) {
        crate::commands::totals::warn_view_not_saved(&error);
    }
}

/// After a single append of `events` on top of `before`'s head: saves the totals and
/// stations views of the new head brought forward from `before` (or built whole); a view
/// that is not saved is only one the next command rebuilds.
pub fn save_views_after_append(
    ledger: &mut Ledger<DefaultStorage>,
    before: rekap_ledger::ViewsBefore,
    events: &[rekap_model::Event],
) {
    if let Err(error) = ledger.save_views_after_append(before, events) {
        crate::commands::totals::warn_view_not_saved(&error);
    }
}

/// `--store` where `--log FILE` is the alternative (verify, audit): given, else
/// `$REKAP_STORE`, else `./rekap-store`, as every other command. (Not clap's `env`: a
/// store from the environment must not conflict with `--log`.)
pub fn store_or_default(store: &Option<PathBuf>) -> PathBuf {
    store
        .clone()
        .or_else(|| std::env::var_os("REKAP_STORE").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(DEFAULT_STORE))
}

/// Now, in milliseconds since the Unix epoch: the only clock the product reads.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64)
}

/// The `--store` argument shared by every command.
#[derive(clap::Args, Clone, Debug)]
pub struct StoreArg {
    /// Store directory.
    #[arg(long, short = 's', env = "REKAP_STORE", default_value = DEFAULT_STORE, value_name = "DIR")]
    pub store: PathBuf,
}
