//! C2SP tlog-proof: an offline-verifiable inclusion proof, the index and the hashes in text,
//! then the signed checkpoint verbatim.

use crate::checkpoint::{Checkpoint, CheckpointError};
use crate::hash::Hash;
use crate::note::{Verifier, MAX_NOTE_BYTES};
use crate::verify::{verify_inclusion, ProofError};
use base64ct::{Base64, Encoding};

/// The first line of every proof.
pub const HEADER: &str = "c2sp.org/tlog-proof@v1";
/// Hashes an inclusion proof can hold: one per level of a tree of 2^64 entries.
const MAX_PROOF_HASHES: usize = 64;

/// Why a proof file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlogProofError {
    #[error("the proof is not UTF-8 text")]
    NotUtf8,
    #[error("the proof is {length} bytes, more than allowed")]
    TooLarge { length: usize },
    #[error("proof line {line}: {reason}")]
    BadLine { line: usize, reason: &'static str },
    #[error("the proof's checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    #[error("the inclusion proof does not hold: {0}")]
    Inclusion(#[from] ProofError),
}

/// A tlog-proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlogProof {
    /// Opaque, unauthenticated extra data.
    pub extra: Option<Vec<u8>>,
    /// Zero-based index of the entry.
    pub index: u64,
    /// Inclusion proof of the entry in the checkpoint's tree.
    pub proof: Vec<Hash>,
    /// The signed checkpoint, verbatim.
    pub checkpoint: String,
}

impl TlogProof {
    /// The proof's text.
    pub fn to_text(&self) -> String {
        let mut text = format!("{HEADER}\n");
        if let Some(extra) = &self.extra {
            text.push_str(&format!("extra {}\n", Base64::encode_string(extra)));
        }
        text.push_str(&format!("index {}\n", self.index));
        for hash in &self.proof {
            text.push_str(&Base64::encode_string(hash));
            text.push('\n');
        }
        text.push('\n');
        text.push_str(&self.checkpoint);
        text
    }

    /// Parses a proof (the checkpoint is checked when verified, not here).
    pub fn parse(bytes: &[u8]) -> Result<TlogProof, TlogProofError> {
        if bytes.len() > 2 * MAX_NOTE_BYTES {
            return Err(TlogProofError::TooLarge {
                length: bytes.len(),
            });
        }
        let text = std::str::from_utf8(bytes).map_err(|_| TlogProofError::NotUtf8)?;
        let bad = |line, reason| TlogProofError::BadLine { line, reason };
        let (head, checkpoint) = text
            .split_once("\n\n")
            .ok_or(bad(1, "no empty line before the checkpoint"))?;
        let mut lines = head.split('\n').enumerate().map(|(i, line)| (i + 1, line));
        if lines.next().map(|(_, line)| line) != Some(HEADER) {
            return Err(bad(1, "the first line is not c2sp.org/tlog-proof@v1"));
        }
        let (mut number, mut line) = lines.next().ok_or(bad(2, "no index line"))?;
        let mut extra = None;
        if let Some(encoded) = line.strip_prefix("extra ") {
            let decoded =
                Base64::decode_vec(encoded).map_err(|_| bad(number, "extra is not base64"))?;
            extra = Some(decoded);
            (number, line) = lines.next().ok_or(bad(number + 1, "no index line"))?;
        }
        let index = line
            .strip_prefix("index ")
            .and_then(parse_decimal)
            .ok_or(bad(
                number,
                "not `index` and a decimal number without leading zeros",
            ))?;
        let mut proof = Vec::new();
        for (number, line) in lines {
            if proof.len() == MAX_PROOF_HASHES {
                return Err(bad(number, "more hashes than any tree needs"));
            }
            let hash = Base64::decode_vec(line)
                .ok()
                .and_then(|bytes| Hash::try_from(bytes.as_slice()).ok())
                .ok_or(bad(number, "not standard base64 of a 32-byte hash"))?;
            proof.push(hash);
        }
        Ok(TlogProof {
            extra,
            index,
            proof,
            checkpoint: checkpoint.to_string(),
        })
    }

    /// Verifies that `leaf` (the entry's RFC 6962 leaf hash) is in the tree of the checkpoint
    /// that `log` signed for `origin`; returns that checkpoint.
    pub fn verify(
        &self,
        leaf: &Hash,
        origin: &str,
        log: &Verifier,
    ) -> Result<Checkpoint, TlogProofError> {
        let checkpoint = Checkpoint::open(self.checkpoint.as_bytes(), origin, log)?;
        verify_inclusion(
            self.index,
            checkpoint.size,
            leaf,
            &self.proof,
            &checkpoint.root,
        )?;
        Ok(checkpoint)
    }
}

fn parse_decimal(text: &str) -> Option<u64> {
    let digits = !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit());
    if !digits || (text.len() > 1 && text.starts_with('0')) {
        return None;
    }
    text.parse().ok()
}
