//! The JSON a client and the server exchange (docs/API.md), without any HTTP: the binary's
//! client uses the same types.

use rekap_log::{Head, SignedSubmission};
use serde::{Deserialize, Serialize};

/// One signed submission: what `POST /v1/submissions` takes. Every byte field is lowercase
/// hex (the payload too: no second encoding to document, and payloads of one event are
/// small).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionJson {
    pub author: String,
    pub counter: u64,
    pub payload: String,
    pub signature: String,
}

impl SubmissionJson {
    pub fn of(submission: &SignedSubmission) -> Self {
        Self {
            author: hex::encode(submission.author),
            counter: submission.counter,
            payload: hex::encode(&submission.payload),
            signature: hex::encode(submission.signature),
        }
    }

    /// The submission, or which field is not what it must be.
    pub fn decode(&self) -> Result<SignedSubmission, String> {
        Ok(SignedSubmission {
            author: fixed_hex("author", &self.author)?,
            counter: self.counter,
            payload: hex::decode(&self.payload)
                .map_err(|error| format!("payload: not hex ({error})"))?,
            signature: fixed_hex("signature", &self.signature)?,
        })
    }
}

/// The media type of a submission in its canonical byte form.
pub const SUBMISSION_BYTES_TYPE: &str = "application/octet-stream";

/// A signed submission's canonical bytes (docs/API.md, "The binary body"): `author (32) ||
/// counter (u64 LE) || payload_length (u64 LE) || payload || signature (64)`, the bincode
/// of [`SignedSubmission`] in the log's configuration, i.e. bytes 48 to 160 + P of the
/// record that will hold it (docs/FORMAT.md). No hex: half the bytes, no decoding.
pub fn submission_bytes(submission: &SignedSubmission) -> Vec<u8> {
    // Encoding into a Vec fails only above the record limit, which the server refuses anyway.
    bincode::encode_to_vec(submission, rekap_log::encoding::canonical()).unwrap_or_default()
}

/// The submission of [`submission_bytes`], or why these bytes are not one (too short, a
/// payload length past the end or above the limit, bytes left over).
pub fn submission_of_bytes(bytes: &[u8]) -> Result<SignedSubmission, String> {
    let (submission, used): (SignedSubmission, usize) =
        bincode::decode_from_slice(bytes, rekap_log::encoding::canonical())
            .map_err(|error| not_a_submission(bytes, &error))?;
    if used != bytes.len() {
        return Err(format!(
            "{} bytes after the signed submission's {used}: one submission per body",
            bytes.len() - used
        ));
    }
    Ok(submission)
}

/// Why `length` bytes are not a signed submission, in the catalogue's words: where the
/// body ends early and by how much, or that its payload length is above the limit (never
/// bincode's own debug text).
fn not_a_submission(bytes: &[u8], error: &bincode::error::DecodeError) -> String {
    let lang = rekap_messages::Lang::En;
    let length = bytes.len();
    match error {
        bincode::error::DecodeError::UnexpectedEnd { additional } => {
            // Past the payload length (bytes 40..48), the whole length is known.
            let missing = match bytes.get(40..48).and_then(|field| field.try_into().ok()) {
                Some(field) => (48 + 64 + u64::from_le_bytes(field)).saturating_sub(length as u64),
                None => *additional as u64,
            };
            lang.message_with(
                "server-body-ends-early",
                &[("bytes", &length), ("missing", &missing)],
            )
        }
        bincode::error::DecodeError::LimitExceeded => lang.message_with(
            "server-body-payload-too-long",
            &[("limit", &rekap_log::limits::MAX_PAYLOAD_BYTES)],
        ),
        _ => lang.message_with("server-body-not-submission", &[("bytes", &length)]),
    }
}

/// `N` bytes as hex, or why not.
pub fn fixed_hex<const N: usize>(field: &str, text: &str) -> Result<[u8; N], String> {
    let bytes = hex::decode(text).map_err(|error| format!("{field}: not hex ({error})"))?;
    bytes
        .try_into()
        .map_err(|bytes: Vec<u8>| format!("{field}: {} bytes where {N} are needed", bytes.len()))
}

/// A log head as JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadJson {
    /// Records in the log (the last one's seq).
    pub count: u64,
    /// The last record's hash, hex.
    #[serde(with = "hex_32")]
    pub hash: [u8; 32],
    pub recorded_at_ms: u64,
}

impl From<Head> for HeadJson {
    fn from(head: Head) -> Self {
        Self {
            count: head.count,
            hash: head.last_hash,
            recorded_at_ms: head.last_recorded_at_ms,
        }
    }
}

/// What an accepted submission gets: where it is, and the head that holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptJson {
    pub seq: u64,
    /// The first (and for one-event payloads only) event's id, `SEQ.0`.
    pub event_id: String,
    #[serde(with = "hex_32")]
    pub record_hash: [u8; 32],
    /// True when the submission was already in the log (a retry): nothing was appended.
    pub repeated: bool,
    /// The head right after the commit that appended it (for a retry: the current head).
    pub head: HeadJson,
    /// The record's inclusion in the published checkpoint, once one covers it (a retry, or
    /// `GET /v1/inclusion/{seq}` a checkpoint interval later); `null` before.
    pub transparency: Option<TransparencyJson>,
}

/// A record's inclusion in a published (signed, and with witnesses cosigned) checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransparencyJson {
    /// The checkpoint's size (it covers records 1 to `size`).
    pub size: u64,
    /// C2SP tlog-proof text: index `seq - 1`, the RFC 6962 inclusion hashes, the signed
    /// checkpoint note.
    pub tlog_proof: String,
}

/// `GET /v1/counters/{key}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterJson {
    pub key: String,
    pub next_counter: u64,
}

/// An RFC 9457 problem: every error the API answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemJson {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// The message the CLI prints for the same failure.
    pub detail: String,
    /// The rule of docs/RULES.md (`R35`), when the model refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// On a read-only mirror's 405: the origin server to send the write to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

mod hex_32 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8; 32], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex::encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<[u8; 32], D::Error> {
        let text = String::deserialize(deserializer)?;
        super::fixed_hex("hash", &text).map_err(serde::de::Error::custom)
    }
}
