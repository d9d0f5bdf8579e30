//! Opening the store a command works on, and the clock.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rekap_ledger::Ledger;
use rekap_log::DefaultStorage;

/// The default store directory: `$REKAP_STORE`, else `./rekap-store` (clap fills it in).
pub const DEFAULT_STORE: &str = "rekap-store";

/// Opens and replays the store at `path`.
pub fn open(path: &Path) -> anyhow::Result<Ledger<DefaultStorage>> {
    Ok(Ledger::open(DefaultStorage::open(path)?)?)
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
    #[arg(long, env = "REKAP_STORE", default_value = DEFAULT_STORE)]
    pub store: PathBuf,
}
