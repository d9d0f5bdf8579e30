//! C2SP tlog-cosignature, the Ed25519 type: a note signature line whose key id is
//! `SHA-256(name || "\n" || 0x04 || public key)[:4]` and whose signature is the big-endian
//! u64 timestamp followed by the Ed25519 signature of
//! `cosignature/v1\ntime <timestamp>\n<checkpoint text>`.

use base64ct::{Base64, Encoding};
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use rekap_tlog::note::{is_valid_key_name, NoteError, NoteSignature};
use sha2::{Digest, Sha256};

/// Signature type byte of an Ed25519 cosignature key (vkeys and key ids).
pub const COSIGNATURE_TYPE: u8 = 0x04;
/// The header line of the signed message: domain separation.
pub const HEADER: &str = "cosignature/v1";

/// `SHA-256(name || 0x0A || 0x04 || public key)[:4]`, big-endian.
pub fn key_id(name: &str, public_key: &[u8; 32]) -> u32 {
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update([b'\n', COSIGNATURE_TYPE]);
    hasher.update(public_key);
    let digest = hasher.finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// The message a cosigner signs for a checkpoint's note text at `timestamp`.
pub fn signed_message(checkpoint_text: &str, timestamp: u64) -> Vec<u8> {
    format!("{HEADER}\ntime {timestamp}\n{checkpoint_text}").into_bytes()
}

/// An Ed25519 cosigner: its name (a schema-less URL by convention) and key.
pub struct CosignatureSigner {
    name: String,
    key: SigningKey,
}

impl CosignatureSigner {
    /// A cosigner for `name` (a valid key name) with `key`.
    pub fn new(name: &str, key: SigningKey) -> Result<Self, NoteError> {
        if !is_valid_key_name(name) {
            return Err(NoteError::BadKeyName {
                name: name.to_owned(),
            });
        }
        Ok(Self {
            name: name.to_owned(),
            key,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The verifier of this cosigner's cosignatures.
    pub fn verifier(&self) -> CosignatureVerifier {
        CosignatureVerifier {
            name: self.name.clone(),
            key_id: key_id(&self.name, self.key.verifying_key().as_bytes()),
            key: self.key.verifying_key(),
        }
    }

    /// Cosigns a checkpoint's note text at `timestamp` (POSIX seconds, below 2^63).
    pub fn cosign(&self, checkpoint_text: &str, timestamp: u64) -> NoteSignature {
        let signature = self.key.sign(&signed_message(checkpoint_text, timestamp));
        let mut bytes = timestamp.to_be_bytes().to_vec();
        bytes.extend_from_slice(&signature.to_bytes());
        NoteSignature {
            name: self.name.clone(),
            key_id: key_id(&self.name, self.key.verifying_key().as_bytes()),
            signature: bytes,
        }
    }
}

/// An Ed25519 cosignature verifier: name, key id and public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CosignatureVerifier {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

impl CosignatureVerifier {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    pub fn public_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// The vkey form `<name>+<8 hex digits of the id>+<base64(0x04 || key)>`.
    pub fn to_vkey(&self) -> String {
        let mut bytes = vec![COSIGNATURE_TYPE];
        bytes.extend_from_slice(self.key.as_bytes());
        format!(
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            Base64::encode_string(&bytes)
        )
    }

    /// Reads a cosigner vkey (type 0x04); the id must be the id of the name and key.
    pub fn from_vkey(text: &str) -> Result<Self, NoteError> {
        let bad = |reason| NoteError::BadVerifierKey { reason };
        let mut parts = text.splitn(3, '+');
        let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("is not name+id+key"));
        };
        let bytes = Base64::decode_vec(key).map_err(|_| bad("its key is not base64"))?;
        let key: [u8; 32] = match bytes.split_first() {
            Some((&COSIGNATURE_TYPE, key)) => key
                .try_into()
                .map_err(|_| bad("is not base64 of 0x04 and 32 bytes"))?,
            _ => return Err(bad("is not a cosignature/v1 key (type 0x04)")),
        };
        let key = VerifyingKey::from_bytes(&key).map_err(|_| bad("is not an Ed25519 point"))?;
        if !is_valid_key_name(name) {
            return Err(NoteError::BadKeyName {
                name: name.to_owned(),
            });
        }
        let verifier = Self {
            name: name.to_owned(),
            key_id: key_id(name, key.as_bytes()),
            key,
        };
        if format!("{:08x}", verifier.key_id) != id {
            return Err(bad("its key id is not the id of its name and key"));
        }
        Ok(verifier)
    }

    /// Whether `signature` is this cosigner's (same name and key id), without checking it.
    pub fn is_mine(&self, signature: &NoteSignature) -> bool {
        signature.name == self.name && signature.key_id == self.key_id
    }

    /// Checks a cosignature of `checkpoint_text`; returns its timestamp.
    pub fn verify(&self, checkpoint_text: &str, signature: &NoteSignature) -> Option<u64> {
        if !self.is_mine(signature) || signature.signature.len() != 8 + 64 {
            return None;
        }
        let (time, signature) = signature.signature.split_at(8);
        let timestamp = u64::from_be_bytes(time.try_into().ok()?);
        if timestamp > i64::MAX as u64 {
            return None;
        }
        let signature = Signature::from_slice(signature).ok()?;
        self.key
            .verify_strict(&signed_message(checkpoint_text, timestamp), &signature)
            .ok()
            .map(|()| timestamp)
    }
}

/// Why a note does not carry the cosignatures required.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuorumError {
    #[error("the checkpoint is not a signed note: {0}")]
    Note(String),
    #[error(
        "the checkpoint carries valid cosignatures of {valid} of the witnesses given ({names}), \
         {quorum} required"
    )]
    Short {
        valid: usize,
        quorum: usize,
        names: String,
    },
    #[error("a cosignature line of witness {0} does not verify")]
    Invalid(String),
}

/// Checks that `note` (a signed checkpoint) carries a valid `cosignature/v1` of at least
/// `quorum` of `witnesses`, each counted once; a line naming one of them (name and key id)
/// that does not verify is refused outright. Returns the names of those that cosigned.
pub fn check_quorum(
    note: &str,
    witnesses: &[CosignatureVerifier],
    quorum: usize,
) -> Result<Vec<String>, QuorumError> {
    let parsed = rekap_tlog::note::Note::parse(note.as_bytes())
        .map_err(|error| QuorumError::Note(error.to_string()))?;
    let mut cosigned: Vec<String> = Vec::new();
    for signature in &parsed.signatures {
        let Some(witness) = witnesses.iter().find(|witness| witness.is_mine(signature)) else {
            continue;
        };
        if witness.verify(&parsed.text, signature).is_none() {
            return Err(QuorumError::Invalid(witness.name.clone()));
        }
        if !cosigned.contains(&witness.name) {
            cosigned.push(witness.name.clone());
        }
    }
    if cosigned.len() < quorum {
        return Err(QuorumError::Short {
            valid: cosigned.len(),
            quorum,
            names: if cosigned.is_empty() {
                "none".to_owned()
            } else {
                cosigned.join(", ")
            },
        });
    }
    Ok(cosigned)
}
