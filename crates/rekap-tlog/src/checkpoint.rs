//! C2SP tlog-checkpoint: the note text `<origin>\n<size>\n<base64 root>\n[extension lines]`,
//! signed as a C2SP note.

use crate::hash::Hash;
use crate::note::{is_valid_key_name, Note, NoteError, Signer, Verifier};
use base64ct::{Base64, Encoding};

/// Why a checkpoint is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("checkpoint line {line}: {reason}")]
    BadLine { line: usize, reason: &'static str },
    #[error("the checkpoint text does not end with a newline")]
    Unterminated,
    #[error("the checkpoint has {lines} lines; origin, size and root are required")]
    TooFewLines { lines: usize },
    #[error("the checkpoint is of origin {found:?}, not the expected {expected:?}")]
    WrongOrigin { expected: String, found: String },
    #[error("the log signs with key name {name:?}, but a log's key name is its origin {origin:?}")]
    KeyNameNotOrigin { name: String, origin: String },
    #[error(transparent)]
    Note(#[from] NoteError),
}

/// A tree head: origin, size and root, and optional opaque extension lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's identity (for rekap, fixed per election).
    pub origin: String,
    /// Entries in the tree.
    pub size: u64,
    /// RFC 6962 root of the tree of that size.
    pub root: Hash,
    /// Extension lines, each non-empty (not recommended by the spec; kept for parsing others').
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// The note text: one line each for origin, size, root and every extension.
    pub fn to_text(&self) -> Result<String, CheckpointError> {
        let bad = |line, reason| CheckpointError::BadLine { line, reason };
        if self.origin.is_empty() || self.origin.contains('\n') {
            return Err(bad(1, "the origin is empty or holds a newline"));
        }
        let mut text = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            Base64::encode_string(&self.root)
        );
        for (index, extension) in self.extensions.iter().enumerate() {
            if extension.is_empty() || extension.contains('\n') {
                return Err(bad(
                    4 + index,
                    "an extension line is empty or holds a newline",
                ));
            }
            text.push_str(extension);
            text.push('\n');
        }
        crate::note::check_text(&text)?;
        Ok(text)
    }

    /// Parses a checkpoint's note text (the part before the blank line, newline included).
    pub fn from_text(text: &str) -> Result<Checkpoint, CheckpointError> {
        let bad = |line, reason| CheckpointError::BadLine { line, reason };
        let body = text
            .strip_suffix('\n')
            .ok_or(CheckpointError::Unterminated)?;
        let lines: Vec<&str> = body.split('\n').collect();
        if lines.len() < 3 {
            return Err(CheckpointError::TooFewLines { lines: lines.len() });
        }
        if lines[0].is_empty() {
            return Err(bad(1, "the origin is empty"));
        }
        let size = parse_size(lines[1]).ok_or(bad(
            2,
            "the tree size is not a decimal number without leading zeros that fits 64 bits",
        ))?;
        let root = Base64::decode_vec(lines[2])
            .ok()
            .and_then(|bytes| Hash::try_from(bytes.as_slice()).ok())
            .ok_or(bad(3, "the root is not standard base64 of 32 bytes"))?;
        let extensions = &lines[3..];
        if let Some(index) = extensions.iter().position(|line| line.is_empty()) {
            return Err(bad(4 + index, "an extension line is empty"));
        }
        Ok(Checkpoint {
            origin: lines[0].to_string(),
            size,
            root,
            extensions: extensions.iter().map(|line| line.to_string()).collect(),
        })
    }

    /// The signed note of this checkpoint, signed by the log's key, whose name must be the
    /// origin (the spec's SHOULD, made a rule here so a log's vkey names its origin).
    pub fn sign(&self, signer: &Signer) -> Result<String, CheckpointError> {
        if signer.name() != self.origin {
            return Err(CheckpointError::KeyNameNotOrigin {
                name: signer.name().to_string(),
                origin: self.origin.clone(),
            });
        }
        let text = self.to_text()?;
        let signature = signer.sign(&text)?;
        let note = Note {
            text,
            signatures: vec![signature],
        };
        Ok(note.to_text()?)
    }

    /// Parses a signed checkpoint, checks its origin is `origin` and that `log` signed it.
    /// Other signatures (witness cosignatures) are ignored, as the spec says.
    pub fn open(bytes: &[u8], origin: &str, log: &Verifier) -> Result<Checkpoint, CheckpointError> {
        let note = Note::parse(bytes)?;
        let checkpoint = Checkpoint::from_text(&note.text)?;
        if checkpoint.origin != origin {
            return Err(CheckpointError::WrongOrigin {
                expected: origin.to_string(),
                found: checkpoint.origin,
            });
        }
        note.verify(std::slice::from_ref(log))?;
        Ok(checkpoint)
    }

    /// Whether the origin is also a valid key name (no spaces, no plus): the form a log's
    /// own origin must take, since its key is named after it.
    pub fn origin_is_key_name(&self) -> bool {
        is_valid_key_name(&self.origin)
    }
}

/// ASCII decimal, no leading zeros unless the size is 0, within u64.
fn parse_size(text: &str) -> Option<u64> {
    let digits = !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit());
    if !digits || (text.len() > 1 && text.starts_with('0')) {
        return None;
    }
    text.parse().ok()
}
