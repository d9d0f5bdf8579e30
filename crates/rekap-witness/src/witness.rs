//! The witness: for each configured log (origin and key), the latest checkpoint it
//! cosigned, kept in `<state>/logs/<sha256 of origin, hex>` (the note with the log's
//! signature and the witness's cosignature, as `GET /<origin hash>/checkpoint` serves it).
//! A request is checked in the order C2SP tlog-witness gives; the check against the kept
//! size and the durable update of it happen under one lock, so two requests can never roll
//! a log back. A checkpoint inconsistent with the kept one leaves an evidence file in
//! `<state>/evidence/` and an alarm line on stderr.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use rekap_tlog::checkpoint::Checkpoint;
use rekap_tlog::note::{Note, NoteError, Verifier};
use rekap_tlog::{consistency_old_root, empty_root, verify_consistency};
use sha2::{Digest, Sha256};

use crate::cosignature::CosignatureSigner;
use crate::evidence::Evidence;
use crate::request::AddCheckpoint;

/// The answer to one `add-checkpoint`, one variant per status of the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// 200: the cosignature line(s).
    Cosigned(String),
    /// 400: a malformed request.
    BadRequest(String),
    /// 403: no valid signature by the log's key.
    Forbidden(String),
    /// 404: not a log this witness is configured for.
    UnknownLog(String),
    /// 409: the old size is not the size of the latest cosigned checkpoint (that size).
    Conflict(u64),
    /// 422: the proof does not hold; `evidence` is the file written, if the checkpoint
    /// contradicts the kept one.
    Unprocessable {
        reason: String,
        evidence: Option<PathBuf>,
    },
    /// 500: the state could not be written; nothing was cosigned.
    Failed(String),
}

/// Why a witness cannot start.
#[derive(Debug, thiserror::Error)]
pub enum WitnessError {
    #[error("cannot use the state directory {path}: {error}")]
    State { path: String, error: std::io::Error },
    #[error("the kept checkpoint {path} is damaged: {reason}")]
    Damaged { path: String, reason: String },
    #[error("two --log keys for one origin {0:?}")]
    DuplicateLog(String),
}

/// The latest cosigned checkpoint of one log.
#[derive(Clone, Debug)]
struct Kept {
    checkpoint: Checkpoint,
    note: String,
}

/// A witness over a state directory.
pub struct Witness {
    signer: CosignatureSigner,
    logs: BTreeMap<String, Verifier>,
    state: PathBuf,
    kept: Mutex<BTreeMap<String, Kept>>,
    clock: fn() -> u64,
}

/// The lowercase hex SHA-256 of an origin: its file name and monitoring path.
pub fn origin_hash(origin: &str) -> String {
    Sha256::digest(origin.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |elapsed| elapsed.as_secs().max(1))
}

impl Witness {
    /// A witness cosigning with `signer` for `logs` (a log's origin is its key's name),
    /// keeping its state in `state` (created if missing). Reads every kept checkpoint.
    pub fn open(
        signer: CosignatureSigner,
        logs: Vec<Verifier>,
        state: &Path,
    ) -> Result<Self, WitnessError> {
        let io = |error| WitnessError::State {
            path: state.display().to_string(),
            error,
        };
        fs::create_dir_all(state.join("logs")).map_err(io)?;
        fs::create_dir_all(state.join("evidence")).map_err(io)?;
        let mut by_origin = BTreeMap::new();
        let mut kept = BTreeMap::new();
        for log in logs {
            let origin = log.name().to_owned();
            if let Some(found) = read_kept(state, &log)? {
                kept.insert(origin.clone(), found);
            }
            if by_origin.insert(origin.clone(), log).is_some() {
                return Err(WitnessError::DuplicateLog(origin));
            }
        }
        Ok(Self {
            signer,
            logs: by_origin,
            state: state.to_owned(),
            kept: Mutex::new(kept),
            clock: unix_seconds,
        })
    }

    /// Uses `clock` for cosignature timestamps (tests).
    pub fn with_clock(mut self, clock: fn() -> u64) -> Self {
        self.clock = clock;
        self
    }

    pub fn signer(&self) -> &CosignatureSigner {
        &self.signer
    }

    /// The latest cosigned checkpoint of the log whose origin hashes to `hash`.
    pub fn kept_note(&self, hash: &str) -> Option<String> {
        let kept = self
            .kept
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        kept.iter()
            .find(|(origin, _)| origin_hash(origin) == hash)
            .map(|(_, kept)| kept.note.clone())
    }

    /// `POST /add-checkpoint`.
    pub fn add_checkpoint(&self, body: &[u8]) -> Outcome {
        let request = match AddCheckpoint::parse(body) {
            Ok(request) => request,
            Err(error) => return Outcome::BadRequest(error.to_string()),
        };
        let parsed = Note::parse(request.checkpoint.as_bytes())
            .map_err(|error| error.to_string())
            .and_then(|note| {
                Checkpoint::from_text(&note.text)
                    .map(|checkpoint| (note, checkpoint))
                    .map_err(|error| error.to_string())
            });
        let (note, checkpoint) = match parsed {
            Ok(parsed) => parsed,
            Err(reason) => return Outcome::BadRequest(format!("the checkpoint: {reason}")),
        };
        let Some(log) = self.logs.get(&checkpoint.origin) else {
            return Outcome::UnknownLog(format!(
                "this witness is not configured for the log {:?}",
                checkpoint.origin
            ));
        };
        if let Err(error) = note.verify(std::slice::from_ref(log)) {
            return Outcome::Forbidden(match error {
                NoteError::NoKnownSignature => "no signature by the log's key".into(),
                other => other.to_string(),
            });
        }
        if request.old_size > checkpoint.size {
            return Outcome::BadRequest(format!(
                "old size {} is larger than the checkpoint's size {}",
                request.old_size, checkpoint.size
            ));
        }
        let mut kept = self
            .kept
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let previous = kept.get(&checkpoint.origin).cloned();
        let kept_size = previous.as_ref().map_or(0, |kept| kept.checkpoint.size);
        if request.old_size != kept_size {
            return Outcome::Conflict(kept_size);
        }
        if let Err(reason) = check_proof(&request, &checkpoint, previous.as_ref()) {
            let evidence = previous
                .as_ref()
                .and_then(|previous| self.write_evidence(log, previous, &request, &reason));
            return Outcome::Unprocessable { reason, evidence };
        }
        let cosignature = self.signer.cosign(&note.text, (self.clock)());
        let mut signatures: Vec<_> = note
            .signatures
            .iter()
            .filter(|signature| signature.name == log.name() && signature.key_id == log.key_id())
            .cloned()
            .collect();
        signatures.push(cosignature.clone());
        let kept_note = Note {
            text: note.text.clone(),
            signatures,
        };
        let line = Note {
            text: note.text.clone(),
            signatures: vec![cosignature],
        };
        let (kept_note, line) = match (kept_note.to_text(), line.to_text()) {
            (Ok(kept_note), Ok(line)) => (kept_note, line[note.text.len() + 1..].to_owned()),
            (Err(error), _) | (_, Err(error)) => return Outcome::Failed(error.to_string()),
        };
        let file = self
            .state
            .join("logs")
            .join(origin_hash(&checkpoint.origin));
        if let Err(error) = write_durably(&file, kept_note.as_bytes()) {
            return Outcome::Failed(format!("cannot keep the checkpoint: {error}"));
        }
        kept.insert(
            checkpoint.origin.clone(),
            Kept {
                checkpoint,
                note: kept_note,
            },
        );
        Outcome::Cosigned(line)
    }

    /// Writes the evidence of `request` contradicting `previous`, and raises the alarm.
    fn write_evidence(
        &self,
        log: &Verifier,
        previous: &Kept,
        request: &AddCheckpoint,
        reason: &str,
    ) -> Option<PathBuf> {
        let shown =
            Checkpoint::from_text(&Note::parse(request.checkpoint.as_bytes()).ok()?.text).ok()?;
        let accepted = &previous.checkpoint;
        let prefix_root = (shown.size > accepted.size)
            .then(|| consistency_old_root(accepted.size, shown.size, &request.proof, &shown.root))
            .flatten();
        let evidence = Evidence {
            log_key: log.to_vkey(),
            observer: self.signer.name().to_owned(),
            time: (self.clock)(),
            reason: reason.to_owned(),
            accepted: previous.note.clone(),
            shown: request.checkpoint.clone(),
            proof_sizes: (accepted.size, shown.size),
            proof: request.proof.clone(),
            prefix_root,
        };
        let path = evidence_path(
            &self.state.join("evidence"),
            &accepted.origin,
            evidence.time,
        );
        match write_durably(&path, evidence.to_text().as_bytes()) {
            Ok(()) => {
                eprintln!(
                    "ALARM: the log {} showed a checkpoint of size {} inconsistent with the one \
                     of size {} this witness cosigned ({reason}); evidence in {}",
                    accepted.origin,
                    shown.size,
                    accepted.size,
                    path.display()
                );
                Some(path)
            }
            Err(error) => {
                eprintln!(
                    "ALARM: the log {} showed an inconsistent checkpoint ({reason}); the \
                     evidence could not be written: {error}",
                    accepted.origin
                );
                None
            }
        }
    }
}

/// The spec's 422 checks: the empty tree's root at size 0, no proof from size 0, and the
/// consistency proof from the kept checkpoint (equal roots at equal sizes).
fn check_proof(
    request: &AddCheckpoint,
    checkpoint: &Checkpoint,
    previous: Option<&Kept>,
) -> Result<(), String> {
    if checkpoint.size == 0 && checkpoint.root != empty_root() {
        return Err("a checkpoint of size 0 must have the empty tree's root".into());
    }
    let Some(previous) = previous.filter(|_| request.old_size > 0) else {
        return if request.proof.is_empty() {
            Ok(())
        } else {
            Err("from old size 0 the consistency proof must be empty".into())
        };
    };
    verify_consistency(
        previous.checkpoint.size,
        checkpoint.size,
        &request.proof,
        &previous.checkpoint.root,
        &checkpoint.root,
    )
    .map_err(|error| {
        format!(
            "no consistency from the cosigned size {} to {}: {error}",
            previous.checkpoint.size, checkpoint.size
        )
    })
}

/// A new evidence file's path: `<origin hash>-<time>-<n>` (never overwriting one).
pub fn evidence_path(directory: &Path, origin: &str, time: u64) -> PathBuf {
    let stem = format!("{}-{time}", &origin_hash(origin)[..16]);
    (0u32..)
        .map(|n| directory.join(format!("{stem}-{n}.evidence")))
        .find(|path| !path.exists())
        .unwrap_or_else(|| directory.join(format!("{stem}.evidence")))
}

/// The kept checkpoint of `log`, if any, checked against its key.
fn read_kept(state: &Path, log: &Verifier) -> Result<Option<Kept>, WitnessError> {
    let path = state.join("logs").join(origin_hash(log.name()));
    let note = match fs::read_to_string(&path) {
        Ok(note) => note,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(WitnessError::State {
                path: path.display().to_string(),
                error,
            })
        }
    };
    let checkpoint = Checkpoint::open(note.as_bytes(), log.name(), log).map_err(|error| {
        WitnessError::Damaged {
            path: path.display().to_string(),
            reason: error.to_string(),
        }
    })?;
    Ok(Some(Kept { checkpoint, note }))
}

/// Writes `bytes` to `path` so that a crash leaves the old file or the new one whole: a
/// temporary file beside it, fsynced, renamed over it, and the directory fsynced.
pub fn write_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // A bare file name's parent is "", which cannot be opened to sync: it is ".".
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = directory.join(format!(".{name}.tmp"));
    let mut file = File::create(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&temporary, path)?;
    File::open(directory)?.sync_all()
}
