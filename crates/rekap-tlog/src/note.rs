//! C2SP signed-note: text, a blank line, then signature lines `— <name> <base64(key id ||
//! signature)>`; Ed25519 keys (signature type 0x01), their key ids and the vkey text form.

use base64ct::{Base64, Encoding};
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// Signature type byte of an Ed25519 note key.
pub const ED25519_TYPE: u8 = 0x01;
/// Signatures a note may carry. The spec says a verifier must accept at least 16; Go's
/// reference accepts up to 100, and so does this.
pub const MAX_SIGNATURES: usize = 100;
/// Bytes a note may take: far above 100 Ed25519 signatures, far below memory trouble.
pub const MAX_NOTE_BYTES: usize = 1 << 20;
/// What opens a signature line: em dash (U+2014) and a space.
const SIGNATURE_PREFIX: &str = "\u{2014} ";

/// Why a note, a key or a signature is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("the note is {length} bytes, more than the {MAX_NOTE_BYTES} allowed")]
    TooLarge { length: usize },
    #[error("the note is not UTF-8 (byte {offset})")]
    NotUtf8 { offset: usize },
    #[error(
        "the note holds control character U+{code:04X} at byte {offset}; only newline is allowed"
    )]
    ControlCharacter { offset: usize, code: u32 },
    #[error("the note has no blank line before its signatures")]
    NoSignatureBlock,
    #[error("the note has no signature lines")]
    NoSignatures,
    #[error("the note does not end with a newline")]
    Unterminated,
    #[error("the note has {count} signatures, more than the {MAX_SIGNATURES} allowed")]
    TooManySignatures { count: usize },
    #[error("signature line {line}: {reason}")]
    BadSignatureLine { line: usize, reason: &'static str },
    #[error("the key name {name:?} is empty or holds a space or a plus sign")]
    BadKeyName { name: String },
    #[error("the note text must end with a newline")]
    BadText,
    #[error("the verifier key is malformed: {reason}")]
    BadVerifierKey { reason: &'static str },
    #[error("the signing key is malformed: {reason}")]
    BadSigningKey { reason: &'static str },
    #[error("the signature of {name} (key id {key_id:08x}) does not verify")]
    InvalidSignature { name: String, key_id: u32 },
    #[error("no signature by a known key: the note is not trusted")]
    NoKnownSignature,
}

/// One signature line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// Key name.
    pub name: String,
    /// The key id: 4 bytes, big-endian.
    pub key_id: u32,
    /// The signature proper (64 bytes for Ed25519).
    pub signature: Vec<u8>,
}

/// A parsed, not yet verified, signed note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The signed text: ends with a newline, excludes the blank line.
    pub text: String,
    /// Signature lines in order.
    pub signatures: Vec<NoteSignature>,
}

/// A key name is non-empty and holds no Unicode space and no `+`.
pub fn is_valid_key_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c == '+')
}

fn check_key_name(name: &str) -> Result<(), NoteError> {
    if is_valid_key_name(name) {
        Ok(())
    } else {
        Err(NoteError::BadKeyName {
            name: name.to_string(),
        })
    }
}

/// `SHA-256(name || 0x0A || 0x01 || public key)[:4]`, big-endian.
pub fn ed25519_key_id(name: &str, public_key: &[u8; 32]) -> u32 {
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update([b'\n', ED25519_TYPE]);
    hasher.update(public_key);
    let digest = hasher.finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// Checks a note's bytes against the spec's character rules and returns its text.
fn check_characters(bytes: &[u8]) -> Result<&str, NoteError> {
    if bytes.len() > MAX_NOTE_BYTES {
        return Err(NoteError::TooLarge {
            length: bytes.len(),
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|error| NoteError::NotUtf8 {
        offset: error.valid_up_to(),
    })?;
    if let Some(offset) = text.bytes().position(|byte| byte < 0x20 && byte != b'\n') {
        return Err(NoteError::ControlCharacter {
            offset,
            code: u32::from(bytes[offset]),
        });
    }
    Ok(text)
}

fn parse_signature_line(line: &str, number: usize) -> Result<NoteSignature, NoteError> {
    let bad = |reason| NoteError::BadSignatureLine {
        line: number,
        reason,
    };
    let rest = line
        .strip_prefix(SIGNATURE_PREFIX)
        .ok_or(bad("does not start with an em dash and a space"))?;
    let (name, encoded) = rest
        .split_once(' ')
        .ok_or(bad("has no space between key name and signature"))?;
    check_key_name(name)?;
    let bytes = Base64::decode_vec(encoded).map_err(|_| bad("signature is not standard base64"))?;
    if bytes.len() < 5 {
        return Err(bad("signature is shorter than a key id and one byte"));
    }
    Ok(NoteSignature {
        name: name.to_string(),
        key_id: u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]),
        signature: bytes[4..].to_vec(),
    })
}

impl Note {
    /// Parses a signed note strictly; signatures are not verified here.
    pub fn parse(bytes: &[u8]) -> Result<Note, NoteError> {
        let all = check_characters(bytes)?;
        // The text ends at the last blank line (the spec: text may hold empty lines).
        let split = all.rfind("\n\n").ok_or(NoteError::NoSignatureBlock)?;
        let (text, block) = (&all[..split + 1], &all[split + 2..]);
        if block.is_empty() {
            return Err(NoteError::NoSignatures);
        }
        let block = block.strip_suffix('\n').ok_or(NoteError::Unterminated)?;
        let count = block.split('\n').count();
        if count > MAX_SIGNATURES {
            return Err(NoteError::TooManySignatures { count });
        }
        let first_line = text.split('\n').count() + 1;
        let signatures = block
            .split('\n')
            .enumerate()
            .map(|(index, line)| parse_signature_line(line, first_line + index))
            .collect::<Result<_, _>>()?;
        Ok(Note {
            text: text.to_string(),
            signatures,
        })
    }

    /// The note's bytes: text, blank line, one line per signature.
    pub fn to_text(&self) -> Result<String, NoteError> {
        check_text(&self.text)?;
        if self.signatures.is_empty() {
            return Err(NoteError::NoSignatures);
        }
        if self.signatures.len() > MAX_SIGNATURES {
            return Err(NoteError::TooManySignatures {
                count: self.signatures.len(),
            });
        }
        let mut out = format!("{}\n", self.text);
        for signature in &self.signatures {
            check_key_name(&signature.name)?;
            let mut bytes = signature.key_id.to_be_bytes().to_vec();
            bytes.extend_from_slice(&signature.signature);
            out.push_str(&format!(
                "{SIGNATURE_PREFIX}{} {}\n",
                signature.name,
                Base64::encode_string(&bytes)
            ));
        }
        if out.len() > MAX_NOTE_BYTES {
            return Err(NoteError::TooLarge { length: out.len() });
        }
        Ok(out)
    }

    /// Checks the note against trusted keys as the spec says: signatures by unknown keys (no
    /// key matches both name and id) are ignored, a known key's signature must verify, and at
    /// least one must. Returns the names of the keys whose signatures verified.
    pub fn verify(&self, verifiers: &[Verifier]) -> Result<Vec<String>, NoteError> {
        let mut verified = Vec::new();
        for signature in &self.signatures {
            let known = verifiers
                .iter()
                .find(|v| v.name == signature.name && v.key_id == signature.key_id);
            let Some(verifier) = known else { continue };
            if !verifier.verifies(self.text.as_bytes(), &signature.signature) {
                return Err(NoteError::InvalidSignature {
                    name: signature.name.clone(),
                    key_id: signature.key_id,
                });
            }
            if !verified.contains(&verifier.name) {
                verified.push(verifier.name.clone());
            }
        }
        if verified.is_empty() {
            return Err(NoteError::NoKnownSignature);
        }
        Ok(verified)
    }
}

/// A note text ends with a newline and obeys the character rules. It may hold empty lines:
/// the separator is the last blank line, and signature lines are never empty.
pub fn check_text(text: &str) -> Result<(), NoteError> {
    check_characters(text.as_bytes())?;
    if !text.ends_with('\n') {
        return Err(NoteError::BadText);
    }
    Ok(())
}

/// An Ed25519 note signer: a key name and the private key.
pub struct Signer {
    name: String,
    key: SigningKey,
}

impl Signer {
    /// A signer for `name` (checked) with `key`.
    pub fn new(name: &str, key: SigningKey) -> Result<Signer, NoteError> {
        check_key_name(name)?;
        Ok(Signer {
            name: name.to_string(),
            key,
        })
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id.
    pub fn key_id(&self) -> u32 {
        ed25519_key_id(&self.name, self.key.verifying_key().as_bytes())
    }

    /// The verifier of this signer's signatures.
    pub fn verifier(&self) -> Verifier {
        Verifier {
            name: self.name.clone(),
            key_id: self.key_id(),
            key: self.key.verifying_key(),
        }
    }

    /// Signs a note text (checked first).
    pub fn sign(&self, text: &str) -> Result<NoteSignature, NoteError> {
        check_text(text)?;
        Ok(NoteSignature {
            name: self.name.clone(),
            key_id: self.key_id(),
            signature: self.key.sign(text.as_bytes()).to_bytes().to_vec(),
        })
    }

    /// Go's private-key text form, `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>`.
    /// It holds the secret: write it only to an owner-only file.
    pub fn to_private_text(&self) -> String {
        let mut bytes = vec![ED25519_TYPE];
        bytes.extend_from_slice(self.key.as_bytes());
        format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.name,
            self.key_id(),
            Base64::encode_string(&bytes)
        )
    }

    /// Reads [`Signer::to_private_text`]'s form; the id must match the key.
    pub fn from_private_text(text: &str) -> Result<Signer, NoteError> {
        let bad = |reason| NoteError::BadSigningKey { reason };
        let rest = text
            .strip_prefix("PRIVATE+KEY+")
            .ok_or(bad("does not start with PRIVATE+KEY+"))?;
        let (name, key_id, key) = split_key_text(rest).ok_or(bad("is not name+id+key"))?;
        let seed: [u8; 32] = typed_key(key).ok_or(bad("is not base64 of 0x01 and 32 bytes"))?;
        let signer = Signer::new(name, SigningKey::from_bytes(&seed))?;
        if Some(signer.key_id()) != parse_key_id(key_id) {
            return Err(bad("its key id is not the id of its name and key"));
        }
        Ok(signer)
    }
}

/// An Ed25519 note verifier: key name, key id, public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verifier {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

impl Verifier {
    /// A verifier for `name` (checked) and `key`.
    pub fn new(name: &str, key: VerifyingKey) -> Result<Verifier, NoteError> {
        check_key_name(name)?;
        Ok(Verifier {
            name: name.to_string(),
            key_id: ed25519_key_id(name, key.as_bytes()),
            key,
        })
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The public key.
    pub fn public_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// Strict Ed25519 verification (RFC 8032, no small-order keys, canonical S).
    fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(signature) = ed25519_dalek::Signature::from_slice(signature) else {
            return false;
        };
        self.key.verify_strict(message, &signature).is_ok()
    }

    /// The vkey form `<name>+<8 lowercase hex digits of the id>+<base64(0x01 || key)>`.
    pub fn to_vkey(&self) -> String {
        let mut bytes = vec![ED25519_TYPE];
        bytes.extend_from_slice(self.key.as_bytes());
        format!(
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            Base64::encode_string(&bytes)
        )
    }

    /// Reads a vkey; the id must be the id of the name and key.
    pub fn from_vkey(text: &str) -> Result<Verifier, NoteError> {
        let bad = |reason| NoteError::BadVerifierKey { reason };
        let (name, key_id, key) = split_key_text(text).ok_or(bad("is not name+id+key"))?;
        let key: [u8; 32] = typed_key(key).ok_or(bad("is not base64 of 0x01 and 32 bytes"))?;
        let key = VerifyingKey::from_bytes(&key).map_err(|_| bad("is not an Ed25519 point"))?;
        let verifier = Verifier::new(name, key)?;
        if Some(verifier.key_id) != parse_key_id(key_id) {
            return Err(bad("its key id is not the id of its name and key"));
        }
        Ok(verifier)
    }
}

/// Splits `name+id+key`: a name and an id hold no `+`, but standard base64 does, so the key
/// is everything after the second `+`.
fn split_key_text(text: &str) -> Option<(&str, &str, &str)> {
    let mut parts = text.splitn(3, '+');
    Some((parts.next()?, parts.next()?, parts.next()?))
}

/// Exactly 8 lowercase hex digits (the spec's fixed-length lowercase hex).
fn parse_key_id(text: &str) -> Option<u32> {
    let lowercase_hex = |c: char| c.is_ascii_digit() || ('a'..='f').contains(&c);
    if text.len() != 8 || !text.chars().all(lowercase_hex) {
        return None;
    }
    u32::from_str_radix(text, 16).ok()
}

/// base64(0x01 || 32 bytes) to the 32 bytes.
fn typed_key(text: &str) -> Option<[u8; 32]> {
    let bytes = Base64::decode_vec(text).ok()?;
    match bytes.split_first() {
        Some((&ED25519_TYPE, key)) => key.try_into().ok(),
        _ => None,
    }
}
