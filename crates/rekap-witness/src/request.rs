//! The `add-checkpoint` request body (C2SP tlog-witness): `old <size>`, at most 63
//! consistency proof lines (base64 hashes), an empty line, then the signed checkpoint.

use base64ct::{Base64, Encoding};
use rekap_tlog::Hash;

/// Consistency proof lines a client may send.
pub const MAX_PROOF_LINES: usize = 63;

/// A parsed request; the checkpoint is checked by the witness, not here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddCheckpoint {
    pub old_size: u64,
    pub proof: Vec<Hash>,
    /// The signed checkpoint note, verbatim.
    pub checkpoint: String,
}

/// Why a body is malformed (answered 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("the body is not UTF-8")]
    NotUtf8,
    #[error("line {line}: {reason}")]
    BadLine { line: usize, reason: &'static str },
}

impl AddCheckpoint {
    /// The body's text.
    pub fn to_text(&self) -> String {
        let mut text = format!("old {}\n", self.old_size);
        for hash in &self.proof {
            text.push_str(&Base64::encode_string(hash));
            text.push('\n');
        }
        text.push('\n');
        text.push_str(&self.checkpoint);
        text
    }

    /// Parses a body strictly.
    pub fn parse(body: &[u8]) -> Result<Self, RequestError> {
        let text = std::str::from_utf8(body).map_err(|_| RequestError::NotUtf8)?;
        let bad = |line, reason| RequestError::BadLine { line, reason };
        let (head, checkpoint) = text
            .split_once("\n\n")
            .ok_or(bad(1, "no empty line before the checkpoint"))?;
        let mut lines = head.split('\n');
        let old_size = lines
            .next()
            .and_then(|line| line.strip_prefix("old "))
            .and_then(parse_decimal)
            .ok_or(bad(1, "not `old` and a decimal size without leading zeros"))?;
        let mut proof = Vec::new();
        for (index, line) in lines.enumerate() {
            if proof.len() == MAX_PROOF_LINES {
                return Err(bad(index + 2, "more than 63 consistency proof lines"));
            }
            let hash = Base64::decode_vec(line)
                .ok()
                .and_then(|bytes| Hash::try_from(bytes.as_slice()).ok())
                .ok_or(bad(index + 2, "not standard base64 of a 32-byte hash"))?;
            proof.push(hash);
        }
        Ok(Self {
            old_size,
            proof,
            checkpoint: checkpoint.to_owned(),
        })
    }
}

/// ASCII decimal without leading zeros (`0` alone), within u64.
pub fn parse_decimal(text: &str) -> Option<u64> {
    let digits = !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit());
    if !digits || (text.len() > 1 && text.starts_with('0')) {
        return None;
    }
    text.parse().ok()
}
