//! Evidence that a log signed two checkpoints that cannot both be true, in a small text
//! form anyone can check offline (`rekap verify-evidence`):
//!
//! ```text
//! rekap-evidence/1
//! log-key <the log's vkey>
//! observer <the witness's or mirror's name>
//! time <POSIX seconds when it was seen>
//! reason <one line>
//! accepted <length in bytes>
//! <the signed checkpoint the observer had accepted, verbatim>
//! shown <length in bytes>
//! <the signed checkpoint it was shown and refused, verbatim>
//! proof <smaller size> <larger size>
//! prefix-root <base64> | prefix-root unknown
//! <one base64 hash a line: a consistency proof from the smaller size to the larger>
//! ```
//!
//! `prefix-root` is the larger tree's root at the smaller size as the proof leads to it.
//! The evidence proves misbehaviour when both checkpoints are signed by the log key and
//! either they have the same size and different roots, or the proof (with `prefix-root`
//! as its old root) leads to the larger checkpoint's root while `prefix-root` is not the
//! smaller checkpoint's root: by collision resistance the larger tree then holds another
//! tree at the smaller size, so no log can have signed both honestly. A proof that merely
//! fails proves nothing (it may just be a wrong proof).

use base64ct::{Base64, Encoding};
use rekap_tlog::checkpoint::Checkpoint;
use rekap_tlog::note::Verifier;
use rekap_tlog::{empty_root, verify_consistency, Hash};

use crate::request::parse_decimal;

/// The first line of an evidence file.
pub const HEADER: &str = "rekap-evidence/1";
/// Bytes an evidence file may take (two notes of at most 1 MiB and a proof).
pub const MAX_EVIDENCE_BYTES: usize = 3 << 20;

/// The evidence, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    /// The log's vkey (its name is the origin).
    pub log_key: String,
    pub observer: String,
    pub time: u64,
    pub reason: String,
    /// The signed checkpoint the observer had accepted.
    pub accepted: String,
    /// The signed checkpoint it was shown.
    pub shown: String,
    /// The proof's sizes (smaller, larger) and hashes.
    pub proof_sizes: (u64, u64),
    pub proof: Vec<Hash>,
    /// The larger tree's root at the smaller size, if known.
    pub prefix_root: Option<Hash>,
}

/// What the evidence shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The log signed two checkpoints that cannot both be true.
    Proven(String),
    /// It does not prove misbehaviour (and why).
    NotProven(String),
}

/// Why an evidence file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvidenceError {
    #[error("the evidence is {0} bytes, more than the 3 MiB allowed")]
    TooLarge(usize),
    #[error("the evidence is not UTF-8")]
    NotUtf8,
    #[error("line {line}: {reason}")]
    BadLine { line: usize, reason: String },
}

impl Evidence {
    /// The file's text.
    pub fn to_text(&self) -> String {
        let one_line = |text: &str| text.replace('\n', " ");
        let mut text = format!(
            "{HEADER}\nlog-key {}\nobserver {}\ntime {}\nreason {}\n",
            one_line(&self.log_key),
            one_line(&self.observer),
            self.time,
            one_line(&self.reason)
        );
        text.push_str(&format!(
            "accepted {}\n{}",
            self.accepted.len(),
            self.accepted
        ));
        text.push_str(&format!("shown {}\n{}", self.shown.len(), self.shown));
        text.push_str(&format!(
            "proof {} {}\n",
            self.proof_sizes.0, self.proof_sizes.1
        ));
        match &self.prefix_root {
            Some(root) => text.push_str(&format!("prefix-root {}\n", Base64::encode_string(root))),
            None => text.push_str("prefix-root unknown\n"),
        }
        for hash in &self.proof {
            text.push_str(&Base64::encode_string(hash));
            text.push('\n');
        }
        text
    }

    /// Parses an evidence file strictly.
    pub fn parse(bytes: &[u8]) -> Result<Self, EvidenceError> {
        if bytes.len() > MAX_EVIDENCE_BYTES {
            return Err(EvidenceError::TooLarge(bytes.len()));
        }
        let text = std::str::from_utf8(bytes).map_err(|_| EvidenceError::NotUtf8)?;
        let mut reader = Reader {
            rest: text,
            line: 0,
        };
        if reader.line_text()? != HEADER {
            return Err(reader.bad(format!("not an evidence file (expected {HEADER})")));
        }
        let log_key = reader.field("log-key")?.to_owned();
        let observer = reader.field("observer")?.to_owned();
        let time = reader.decimal("time")?;
        let reason = reader.field("reason")?.to_owned();
        let accepted = reader.counted("accepted")?;
        let shown = reader.counted("shown")?;
        let sizes = reader.field("proof")?;
        let proof_sizes = sizes
            .split_once(' ')
            .and_then(|(small, large)| Some((parse_decimal(small)?, parse_decimal(large)?)))
            .ok_or_else(|| reader.bad("expected `proof <smaller size> <larger size>`".into()))?;
        let prefix_root = match reader.field("prefix-root")? {
            "unknown" => None,
            encoded => Some(decode_hash(encoded).ok_or_else(|| {
                reader.bad("prefix-root is neither `unknown` nor base64 of 32 bytes".into())
            })?),
        };
        let mut proof = Vec::new();
        while !reader.rest.is_empty() {
            let line = reader.line_text()?;
            if proof.len() == 64 {
                return Err(reader.bad("more proof hashes than any tree needs".into()));
            }
            proof.push(
                decode_hash(line)
                    .ok_or_else(|| reader.bad("not standard base64 of a 32-byte hash".into()))?,
            );
        }
        Ok(Self {
            log_key,
            observer,
            time,
            reason,
            accepted,
            shown,
            proof_sizes,
            proof,
            prefix_root,
        })
    }

    /// Checks the evidence offline: see the module's documentation.
    pub fn verify(&self) -> Verdict {
        let log = match Verifier::from_vkey(&self.log_key) {
            Ok(log) => log,
            Err(error) => return Verdict::NotProven(format!("the log key is not a vkey: {error}")),
        };
        let open = |which: &str, note: &str| {
            Checkpoint::open(note.as_bytes(), log.name(), &log)
                .map_err(|error| format!("the {which} checkpoint is not the log's: {error}"))
        };
        let (accepted, shown) = match (open("accepted", &self.accepted), open("shown", &self.shown))
        {
            (Ok(accepted), Ok(shown)) => (accepted, shown),
            (Err(reason), _) | (_, Err(reason)) => return Verdict::NotProven(reason),
        };
        judge(&accepted, &shown, self)
    }
}

/// Both checkpoints are the log's; do they contradict each other?
fn judge(accepted: &Checkpoint, shown: &Checkpoint, evidence: &Evidence) -> Verdict {
    for checkpoint in [accepted, shown] {
        if checkpoint.size == 0 && checkpoint.root != empty_root() {
            return Verdict::Proven(
                "the log signed a checkpoint of size 0 whose root is not the empty tree's".into(),
            );
        }
    }
    let (small, large) = if accepted.size <= shown.size {
        (accepted, shown)
    } else {
        (shown, accepted)
    };
    if small.size == large.size {
        return if small.root == large.root {
            Verdict::NotProven("the checkpoints are of one tree".into())
        } else {
            Verdict::Proven(format!(
                "the log signed two checkpoints of size {} with different roots",
                small.size
            ))
        };
    }
    if evidence.proof_sizes != (small.size, large.size) {
        return Verdict::NotProven(format!(
            "the proof is from size {} to {}, the checkpoints are of sizes {} and {}",
            evidence.proof_sizes.0, evidence.proof_sizes.1, small.size, large.size
        ));
    }
    if small.size == 0 {
        return Verdict::NotProven("every tree extends the empty tree".into());
    }
    let consistent = verify_consistency(
        small.size,
        large.size,
        &evidence.proof,
        &small.root,
        &large.root,
    );
    if consistent.is_ok() {
        return Verdict::NotProven(format!(
            "the proof shows size {} is a prefix of size {}: the log is consistent",
            small.size, large.size
        ));
    }
    let Some(prefix) = evidence.prefix_root else {
        return Verdict::NotProven(
            "the proof fails, but without the larger tree's root at the smaller size that shows \
             only a wrong proof, not two trees"
                .into(),
        );
    };
    match verify_consistency(
        small.size,
        large.size,
        &evidence.proof,
        &prefix,
        &large.root,
    ) {
        Ok(()) if prefix != small.root => Verdict::Proven(format!(
            "the tree of size {} holds, at size {}, a tree whose root is not the one the log \
             signed for that size: two histories under one key",
            large.size, small.size
        )),
        _ => Verdict::NotProven(
            "the proof does not lead from prefix-root to the larger checkpoint's root".into(),
        ),
    }
}

fn decode_hash(text: &str) -> Option<Hash> {
    Base64::decode_vec(text)
        .ok()
        .and_then(|bytes| Hash::try_from(bytes.as_slice()).ok())
}

/// Reads lines and counted blocks, counting lines for the messages.
struct Reader<'a> {
    rest: &'a str,
    line: usize,
}

impl<'a> Reader<'a> {
    fn bad(&self, reason: String) -> EvidenceError {
        EvidenceError::BadLine {
            line: self.line,
            reason,
        }
    }

    fn line_text(&mut self) -> Result<&'a str, EvidenceError> {
        self.line += 1;
        let (line, rest) = self
            .rest
            .split_once('\n')
            .ok_or_else(|| self.bad("missing, or not ended by a newline".into()))?;
        self.rest = rest;
        Ok(line)
    }

    fn field(&mut self, name: &str) -> Result<&'a str, EvidenceError> {
        let line = self.line_text()?;
        line.strip_prefix(name)
            .and_then(|rest| rest.strip_prefix(' '))
            .ok_or_else(|| self.bad(format!("expected `{name} ...`")))
    }

    fn decimal(&mut self, name: &str) -> Result<u64, EvidenceError> {
        let value = self.field(name)?;
        parse_decimal(value).ok_or_else(|| self.bad(format!("{name} is not a decimal number")))
    }

    /// `<name> <length>` and then exactly that many bytes.
    fn counted(&mut self, name: &str) -> Result<String, EvidenceError> {
        let length = self.decimal(name)? as usize;
        let block = self
            .rest
            .get(..length)
            .ok_or_else(|| self.bad(format!("{name}: fewer bytes than its length")))?;
        self.line += block.matches('\n').count();
        self.rest = &self.rest[length..];
        Ok(block.to_owned())
    }
}
