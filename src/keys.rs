//! Key files: one ed25519 secret key per file, readable by its owner only. Secrets are
//! never printed or logged; only public keys are shown. A key file that its group or
//! others may read or write is refused for signing (as ssh refuses such a private key):
//! anyone who could read it could sign as its officer.
//!
//! Format (text): `rekap-secret-key/1` on the first line, the 32-byte secret seed as 64 hex
//! digits on the second. The public key is written beside it as `FILE.pub` (hex).

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use anyhow::{bail, Context};
use ed25519_dalek::SigningKey;

const HEADER: &str = "rekap-secret-key/1";

/// Writes `key` to a new file `path` with mode 0600; refuses to overwrite.
pub fn write_key(path: &Path, key: &SigningKey) -> anyhow::Result<()> {
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| {
            format!(
                "cannot create key file {} (it must not exist)",
                path.display()
            )
        })?;
    let text = format!("{HEADER}\n{}\n", hex::encode(key.to_bytes()));
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    let public = public_path(path);
    fs::write(&public, public_hex(key) + "\n")
        .with_context(|| format!("cannot write {}", public.display()))?;
    Ok(())
}

/// Where the public key of a key file is written: `FILE.pub`.
pub fn public_path(path: &Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".pub");
    std::path::PathBuf::from(name)
}

/// A public key given as hex, or as the path of a file holding it (e.g. `FILE.pub`).
pub fn public_key_argument(text: &str) -> anyhow::Result<[u8; 32]> {
    let hex_text = if Path::new(text).is_file() {
        crate::input::read_text(Path::new(text))?
    } else {
        text.to_owned()
    };
    hex::decode(hex_text.trim())
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{text:?} is neither a 32-byte public key in hex nor a file holding one"
            )
        })
}

/// Reads a key file to sign with: refused unless only its owner may read and write it.
pub fn read_signing_key(path: &Path) -> anyhow::Result<SigningKey> {
    let mode = fs::metadata(path)
        .with_context(|| format!("cannot read key file {}", path.display()))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        bail!(
            "key file {} is readable or writable by others than its owner (mode {:04o}); \
             run `chmod 600 {}`",
            path.display(),
            mode & 0o7777,
            shell_word(&path.display().to_string())
        );
    }
    read_key(path)
}

/// Reads a key file, whatever its mode: only for showing its public key.
pub fn read_key(path: &Path) -> anyhow::Result<SigningKey> {
    let text = crate::input::read_text(path)?;
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        bail!(
            "{} is not a rekap key file (first line must be {HEADER})",
            path.display()
        );
    }
    let seed = lines
        .next()
        .and_then(|line| hex::decode(line.trim()).ok())
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok());
    let Some(seed) = seed else {
        bail!("{}: the second line must be 64 hex digits", path.display());
    };
    Ok(SigningKey::from_bytes(&seed))
}

/// `word` as one shell word, quoted only when it needs to be.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+=:,@".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// A fresh key from the operating system's random source.
pub fn generate() -> anyhow::Result<SigningKey> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|error| anyhow::anyhow!("no randomness: {error}"))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The public key of `key`, as hex.
pub fn public_hex(key: &SigningKey) -> String {
    hex::encode(key.verifying_key().to_bytes())
}
