//! What a mirror says it verified (`rekap mirror --status`, `GET /v1/mirror`), kept in
//! `<store>/mirror/status.json`, rewritten durably after every poll.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// An alarm: the origin showed something the mirror refused, for good.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alarm {
    pub reason: String,
    /// The evidence file, if the refusal is of a checkpoint inconsistent with one accepted.
    pub evidence: Option<String>,
    /// POSIX seconds.
    pub at: u64,
}

/// The status document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MirrorStatus {
    /// The server followed.
    pub origin: String,
    /// The log's origin line (its key's name).
    pub log: String,
    /// Records this mirror holds, every one verified.
    pub size: u64,
    /// The last checkpoint accepted (signed by the log, consistent with every record held).
    pub checkpoint: Option<String>,
    /// Its size.
    pub checkpoint_size: u64,
    /// The size of the last checkpoint the server showed.
    pub server_size: u64,
    /// `server_size - size` (0 when the server showed less).
    pub lag: u64,
    /// POSIX seconds of the last poll that reached the server, and of the last attempt.
    pub last_contact: Option<u64>,
    pub last_attempt: Option<u64>,
    /// Why the last attempt failed (the server down, a network error), if it did.
    pub last_error: Option<String>,
    /// Set once the mirror refused the origin for good; it then stops following.
    pub alarm: Option<Alarm>,
}

impl MirrorStatus {
    pub fn read(path: &Path) -> Option<MirrorStatus> {
        serde_json::from_slice(&std::fs::read(path).ok()?).ok()
    }

    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        rekap_witness::witness::write_durably(path, format!("{text}\n").as_bytes())
    }
}
