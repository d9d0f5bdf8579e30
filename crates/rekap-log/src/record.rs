//! The record: one signed submission by one author, placed in the chain.
//!
//! Canonical bytes (docs/FORMAT.md): the bincode encoding of [`Record`] with the fields in
//! declaration order. The hash is the last field, so a record's hash input is its own bytes
//! minus the last 32, and the signed bytes are a contiguous slice of the record.

use crate::parallel::parallel_map;
use bincode::{Decode, Encode};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use crate::encoding::{canonical, RECORD_DOMAIN, SUBMISSION_DOMAIN};
use crate::limits::{MAX_PAYLOAD_BYTES, RECORD_OVERHEAD_BYTES};

/// A blake3 hash.
pub type Hash = [u8; 32];
/// An ed25519 public key.
pub type PublicKey = [u8; 32];

/// The previous-hash of the first record.
pub const GENESIS_PREV_HASH: Hash = [0; 32];

/// Byte offset of the author field in an encoded record: seq 8 + prev_hash 32 +
/// recorded_at 8. The signed submission bytes start here.
const SUBMISSION_OFFSET: usize = 48;

/// A record of the log, exactly as encoded.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Record {
    /// Position in the log; the first record is 1.
    pub seq: u64,
    /// Hash of the record before; [`GENESIS_PREV_HASH`] for the first.
    pub prev_hash: Hash,
    /// Milliseconds since the Unix epoch (UTC), assigned by the log; never decreases.
    pub recorded_at_ms: u64,
    /// The author's ed25519 public key.
    pub author: PublicKey,
    /// The author's counter: strictly increasing per author, so a signed submission can be
    /// appended only once.
    pub counter: u64,
    /// Opaque payload bytes (domain events, encoded by the layer above).
    pub payload: Vec<u8>,
    /// ed25519 signature over `SUBMISSION_DOMAIN || author || counter || payload`.
    pub signature: [u8; 64],
    /// blake3 over `RECORD_DOMAIN || every field above, encoded`.
    pub hash: Hash,
}

/// What an author signs before the log assigns a position.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct SignedSubmission {
    pub author: PublicKey,
    pub counter: u64,
    pub payload: Vec<u8>,
    pub signature: [u8; 64],
}

/// The fields of a submission in canonical order, without the signature.
#[derive(Encode)]
struct SubmissionBody<'a> {
    author: &'a PublicKey,
    counter: u64,
    payload: &'a [u8],
}

impl SignedSubmission {
    /// Signs `payload` as `key`'s submission number `counter`.
    pub fn sign(key: &SigningKey, counter: u64, payload: Vec<u8>) -> Self {
        let signature = signature_of(key, counter, &payload);
        Self {
            author: key.verifying_key().to_bytes(),
            counter,
            payload,
            signature,
        }
    }

    /// Signs every `(key, counter, payload)`, spread over the cores: a bulk import signs
    /// about 80 payloads of 1.4 MB, and ed25519 hashes each twice.
    pub fn sign_many(unsigned: Vec<(&SigningKey, u64, Vec<u8>)>) -> Vec<Self> {
        let signatures = parallel_map(
            &unsigned,
            |(_, _, payload)| payload.len(),
            |(key, counter, payload)| signature_of(key, *counter, payload),
        );
        unsigned
            .into_iter()
            .zip(signatures)
            .map(|((key, counter, payload), signature)| Self {
                author: key.verifying_key().to_bytes(),
                counter,
                payload,
                signature,
            })
            .collect()
    }

    /// Whether the signature verifies (strict ed25519, no malleable signatures).
    pub fn signature_verifies(&self) -> bool {
        let message = submission_message(&self.author, self.counter, &self.payload);
        signature_verifies(&self.author, &message, &self.signature)
    }

    /// The same check with the author's key already decoded (a server keeps its officers'
    /// keys decoded: decompressing the point is about a tenth of a check). The same
    /// `verify_strict`; a key that is not this author's fails.
    pub fn signature_verifies_with(&self, key: &VerifyingKey) -> bool {
        if key.as_bytes() != &self.author {
            return false;
        }
        let message = submission_message(&self.author, self.counter, &self.payload);
        key.verify_strict(&message, &Signature::from_bytes(&self.signature))
            .is_ok()
    }
}

/// A submission whose signature was checked (strictly) when it was made. The only way to
/// get one is [`VerifiedSubmission::verify`], so [`crate::Log::append_verified`] does not
/// check it again: a server verifies on its request threads, in parallel, and its single
/// writer only decides and appends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedSubmission(SignedSubmission);

impl VerifiedSubmission {
    /// The submission, if its signature verifies; else the submission back.
    pub fn verify(submission: SignedSubmission) -> Result<Self, Box<SignedSubmission>> {
        if submission.signature_verifies() {
            Ok(Self(submission))
        } else {
            Err(Box::new(submission))
        }
    }

    /// [`VerifiedSubmission::verify`] with the author's key already decoded
    /// ([`SignedSubmission::signature_verifies_with`]).
    pub fn verify_with(
        submission: SignedSubmission,
        key: &VerifyingKey,
    ) -> Result<Self, Box<SignedSubmission>> {
        if submission.signature_verifies_with(key) {
            Ok(Self(submission))
        } else {
            Err(Box::new(submission))
        }
    }

    /// Signs `payload` as `key`'s submission number `counter` and checks the signature
    /// strictly, as [`VerifiedSubmission::verify_with`] does, against the very message
    /// signed: built once (a bulk payload is 1.5 MB) instead of once per step. The check is
    /// kept on purpose, a fault in signing must not reach the log; the signature is the
    /// one [`SignedSubmission::sign`] gives.
    pub fn sign(
        key: &SigningKey,
        counter: u64,
        payload: Vec<u8>,
    ) -> Result<Self, Box<SignedSubmission>> {
        let author = key.verifying_key();
        let message = submission_message(author.as_bytes(), counter, &payload);
        let signature = key.sign(&message);
        let verifies = author.verify_strict(&message, &signature).is_ok();
        drop(message);
        let submission = SignedSubmission {
            author: author.to_bytes(),
            counter,
            payload,
            signature: signature.to_bytes(),
        };
        match verifies {
            true => Ok(Self(submission)),
            false => Err(Box::new(submission)),
        }
    }

    /// [`VerifiedSubmission::verify`] of each, spread over the cores.
    pub fn verify_many(
        submissions: Vec<SignedSubmission>,
    ) -> Vec<Result<Self, Box<SignedSubmission>>> {
        let verifies = parallel_map(
            &submissions,
            |submission| submission.payload.len(),
            SignedSubmission::signature_verifies,
        );
        submissions
            .into_iter()
            .zip(verifies)
            .map(|(submission, verifies)| {
                if verifies {
                    Ok(Self(submission))
                } else {
                    Err(Box::new(submission))
                }
            })
            .collect()
    }

    pub fn submission(&self) -> &SignedSubmission {
        &self.0
    }

    pub fn into_submission(self) -> SignedSubmission {
        self.0
    }
}

fn signature_of(key: &SigningKey, counter: u64, payload: &[u8]) -> [u8; 64] {
    let author = key.verifying_key().to_bytes();
    key.sign(&submission_message(&author, counter, payload))
        .to_bytes()
}

/// The exact bytes an author signs: `SUBMISSION_DOMAIN || author || counter (u64 LE) ||
/// payload length (u64 LE) || payload`.
pub fn submission_message(author: &PublicKey, counter: u64, payload: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(SUBMISSION_DOMAIN.len() + 48 + payload.len());
    message.extend_from_slice(SUBMISSION_DOMAIN);
    let body = SubmissionBody {
        author,
        counter,
        payload,
    };
    // Encoded straight after the prefix: a bulk payload (1.5 MB) is copied once, not into
    // an encoding first and then into the message. Writing into a Vec cannot fail, and the
    // payload is within the limit of the configuration.
    let written = bincode::encode_into_std_write(body, &mut message, canonical());
    debug_assert!(written.is_ok(), "a submission message always encodes");
    message
}

/// Strict ed25519 verification; a key that is not a valid point fails.
pub fn signature_verifies(author: &PublicKey, message: &[u8], signature: &[u8; 64]) -> bool {
    let Ok(key) = VerifyingKey::from_bytes(author) else {
        return false;
    };
    key.verify_strict(message, &Signature::from_bytes(signature))
        .is_ok()
}

impl Record {
    /// Places a signed submission at `seq` after `prev_hash`, and computes its hash.
    /// Returns the record and its canonical bytes.
    pub fn seal(
        seq: u64,
        prev_hash: Hash,
        recorded_at_ms: u64,
        submission: SignedSubmission,
    ) -> (Record, Vec<u8>) {
        debug_assert!(submission.payload.len() <= MAX_PAYLOAD_BYTES);
        let mut record = Record {
            seq,
            prev_hash,
            recorded_at_ms,
            author: submission.author,
            counter: submission.counter,
            payload: submission.payload,
            signature: submission.signature,
            hash: [0; 32],
        };
        let mut bytes = record.encode();
        let hash_start = bytes.len() - 32;
        record.hash = record_hash(&bytes);
        bytes[hash_start..].copy_from_slice(&record.hash);
        (record, bytes)
    }

    /// The canonical bytes of this record.
    pub fn encode(&self) -> Vec<u8> {
        // A record's payload is bounded by MAX_PAYLOAD_BYTES, so the configuration's limit
        // cannot be hit when encoding into a Vec.
        bincode::encode_to_vec(self, canonical()).unwrap_or_default()
    }

    /// Decodes one record that must fill `bytes` exactly.
    pub fn decode(bytes: &[u8]) -> Result<Record, DecodeRecordError> {
        if bytes.len() < RECORD_OVERHEAD_BYTES {
            return Err(DecodeRecordError::TooShort { bytes: bytes.len() });
        }
        let declared_payload = read_u64_le(bytes, 88);
        if declared_payload > MAX_PAYLOAD_BYTES as u64 {
            return Err(DecodeRecordError::PayloadTooLarge {
                bytes: declared_payload,
            });
        }
        let (record, read): (Record, usize) = bincode::decode_from_slice(bytes, canonical())
            .map_err(|error| DecodeRecordError::Bincode(record_decode_text(&error)))?;
        if read != bytes.len() {
            return Err(DecodeRecordError::TrailingBytes {
                extra: bytes.len() - read,
            });
        }
        Ok(record)
    }

    /// The author's signed message, rebuilt from the fields.
    pub fn submission_message(&self) -> Vec<u8> {
        submission_message(&self.author, self.counter, &self.payload)
    }
}

/// The record hash: blake3 over `RECORD_DOMAIN` followed by the record's canonical bytes
/// without the trailing 32-byte hash field.
pub fn record_hash(record_bytes: &[u8]) -> Hash {
    let unhashed = record_bytes.len().saturating_sub(32);
    let mut hasher = blake3::Hasher::new();
    hasher.update(RECORD_DOMAIN);
    hasher.update(&record_bytes[..unhashed]);
    *hasher.finalize().as_bytes()
}

/// The signed message of an encoded record, taken from its bytes without decoding.
pub fn submission_message_of_bytes(record_bytes: &[u8]) -> Option<Vec<u8>> {
    let end = record_bytes.len().checked_sub(64 + 32)?;
    let body = record_bytes.get(SUBMISSION_OFFSET..end)?;
    let mut message = Vec::with_capacity(SUBMISSION_DOMAIN.len() + body.len());
    message.extend_from_slice(SUBMISSION_DOMAIN);
    message.extend_from_slice(body);
    Some(message)
}

fn read_u64_le(bytes: &[u8], offset: usize) -> u64 {
    let mut word = [0u8; 8];
    if let Some(slice) = bytes.get(offset..offset + 8) {
        word.copy_from_slice(slice);
    }
    u64::from_le_bytes(word)
}

/// Why bytes are not a record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeRecordError {
    #[error("{bytes} bytes is shorter than the smallest record")]
    TooShort { bytes: usize },
    #[error("declared payload of {bytes} bytes exceeds the limit")]
    PayloadTooLarge { bytes: u64 },
    #[error("malformed record: {0}")]
    Bincode(String),
    #[error("{extra} bytes after the record's end")]
    TrailingBytes { extra: usize },
}

/// What bincode found wrong in a record, in words (bincode 2's `Display` is its debug
/// form). A record is fixed-width fields and one byte string, so few errors can occur.
fn record_decode_text(error: &bincode::error::DecodeError) -> String {
    use bincode::error::DecodeError as Bincode;
    match error {
        Bincode::UnexpectedEnd { additional } => {
            format!("the bytes end too early ({additional} more needed)")
        }
        Bincode::LimitExceeded => "a length exceeds the size limit".to_owned(),
        Bincode::OutsideUsizeRange(value) => format!("length {value} is too large"),
        _ => "the bytes are not well formed".to_owned(),
    }
}

/// Short hex of a key or hash for messages.
pub fn short_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A record read in place from its canonical bytes, without copying the payload: the fast
/// path of verification. Accepts exactly the byte strings [`Record::decode`] accepts (the
/// layout is fixed: see docs/FORMAT.md), which a property test checks.
#[derive(Clone, Copy, Debug)]
pub struct RecordView<'a> {
    pub seq: u64,
    pub prev_hash: &'a Hash,
    pub recorded_at_ms: u64,
    pub author: &'a PublicKey,
    pub counter: u64,
    pub payload: &'a [u8],
    pub signature: &'a [u8; 64],
    pub hash: &'a Hash,
}

impl<'a> RecordView<'a> {
    /// Reads the fields of one record that must fill `bytes` exactly.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, DecodeRecordError> {
        if bytes.len() < RECORD_OVERHEAD_BYTES {
            return Err(DecodeRecordError::TooShort { bytes: bytes.len() });
        }
        let payload_length = read_u64_le(bytes, 88);
        if payload_length > MAX_PAYLOAD_BYTES as u64 {
            return Err(DecodeRecordError::PayloadTooLarge {
                bytes: payload_length,
            });
        }
        let payload_end = 96 + payload_length as usize;
        let expected = payload_end + 64 + 32;
        if bytes.len() < expected {
            return Err(DecodeRecordError::Bincode(format!(
                "record needs {expected} bytes but has {}",
                bytes.len()
            )));
        }
        if bytes.len() > expected {
            return Err(DecodeRecordError::TrailingBytes {
                extra: bytes.len() - expected,
            });
        }
        Ok(Self {
            seq: read_u64_le(bytes, 0),
            prev_hash: fixed(bytes, 8),
            recorded_at_ms: read_u64_le(bytes, 40),
            author: fixed(bytes, 48),
            counter: read_u64_le(bytes, 80),
            payload: &bytes[96..payload_end],
            signature: fixed(bytes, payload_end),
            hash: fixed(bytes, payload_end + 64),
        })
    }
}

/// A fixed-size array at `offset`; callers have checked the length.
fn fixed<const N: usize>(bytes: &[u8], offset: usize) -> &[u8; N] {
    bytes
        .get(offset..offset + N)
        .and_then(|slice| slice.try_into().ok())
        .unwrap_or(&[0; N])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message is byte for byte the layout docs/FORMAT.md gives ("Submission message"),
    /// whatever the payload's size: the prefix, the author, the counter and the payload's
    /// length (u64 little-endian each), the payload.
    #[test]
    fn the_submission_message_is_the_documented_bytes() {
        let author = [7u8; 32];
        for length in [0usize, 1, 63, 64, 1 << 16, 1_500_000] {
            let payload: Vec<u8> = (0..length).map(|at| (at % 251) as u8).collect();
            let counter = 0x0102_0304_0506_0708 + length as u64;
            let mut expected = b"rekap/v1/submission".to_vec();
            expected.extend_from_slice(&author);
            expected.extend_from_slice(&counter.to_le_bytes());
            expected.extend_from_slice(&(length as u64).to_le_bytes());
            expected.extend_from_slice(&payload);
            let message = submission_message(&author, counter, &payload);
            assert!(message == expected, "a payload of {length} bytes");
        }
    }

    /// Signed and checked in one step, a submission is the one signed, then verified.
    #[test]
    fn signed_and_verified_at_once_is_signed_then_verified() {
        let key = SigningKey::from_bytes(&[3; 32]);
        for payload in [Vec::new(), b"a payload".to_vec(), vec![9; 100_000]] {
            let at_once = VerifiedSubmission::sign(&key, 41, payload.clone()).expect("verifies");
            let signed = SignedSubmission::sign(&key, 41, payload);
            assert!(signed.signature_verifies());
            assert_eq!(at_once.into_submission(), signed);
        }
    }
}
