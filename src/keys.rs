//! Key files: one ed25519 secret key per file, readable by its owner only. Secrets are
//! never printed or logged; only public keys are shown. A key file that its group or
//! others may read or write is refused for signing (as ssh refuses such a private key):
//! anyone who could read it could sign as its officer. Secrets in memory (the file's text,
//! the seed, the key) are wiped when dropped (zeroize).
//!
//! Two forms are read, and `keygen --pem` writes the second:
//! - rekap's own (text): `rekap-secret-key/1` on the first line, the 32-byte secret seed
//!   as 64 hex digits on the second;
//! - PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`, RFC 8410), what OpenSSL
//!   (`openssl genpkey -algorithm ed25519`) and HSM tools read and write.
//!
//! The public key is written beside it as `FILE.pub` (hex). Where a public key is asked
//! for, hex, an OpenSSH `ssh-ed25519 AAAA... comment` line, a PEM `PUBLIC KEY`, or a file
//! holding any of them is accepted.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use anyhow::{bail, Context};
use ed25519_dalek::pkcs8::{
    spki::der::pem::LineEnding, DecodePrivateKey, DecodePublicKey, EncodePrivateKey,
};
use ed25519_dalek::{SigningKey, VerifyingKey};
use zeroize::Zeroizing;

const HEADER: &str = "rekap-secret-key/1";
const PEM_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----";

/// The form `keygen` writes a key file in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KeyForm {
    #[default]
    Rekap,
    /// PKCS#8 PEM.
    Pem,
}

/// Writes `key` to a new file `path` with mode 0600; refuses to overwrite.
pub fn write_key(path: &Path, key: &SigningKey) -> anyhow::Result<()> {
    write_key_as(path, key, KeyForm::Rekap)
}

/// Writes `key` in `form` to a new file `path` with mode 0600; refuses to overwrite.
pub fn write_key_as(path: &Path, key: &SigningKey, form: KeyForm) -> anyhow::Result<()> {
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        fs::create_dir_all(parent).with_context(|| {
            crate::lang::say_with("command-cannot-create", &[("path", &parent.display())])
        })?;
    }
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| {
            crate::lang::say_with(
                "command-keys-cannot-create-key-file-must",
                &[("path", &path.display())],
            )
        })?;
    let text = match form {
        KeyForm::Rekap => Zeroizing::new(format!(
            "{HEADER}\n{}\n",
            Zeroizing::new(hex::encode(key.to_bytes())).as_str()
        )),
        // PKCS#8 v1 (the seed only, as `openssl genpkey` writes it): ed25519-dalek's own
        // encoder writes v2 (with the public key), which OpenSSL 3.0 cannot read.
        KeyForm::Pem => ed25519_dalek::ed25519::pkcs8::KeypairBytes {
            secret_key: key.to_bytes(),
            public_key: None,
        }
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|error| {
            anyhow::anyhow!(crate::lang::say_with(
                "command-keys-cannot-encode-key-pkcs",
                &[("error", &error)]
            ))
        })?,
    };
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    let public = public_path(path);
    fs::write(&public, public_hex(key) + "\n").with_context(|| {
        crate::lang::say_with("command-cannot-write", &[("path", &public.display())])
    })?;
    Ok(())
}

/// Where the public key of a key file is written: `FILE.pub`.
pub fn public_path(path: &Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".pub");
    std::path::PathBuf::from(name)
}

/// A public key given as hex, an OpenSSH `ssh-ed25519` line, a PEM `PUBLIC KEY`, or the
/// path of a file holding one (e.g. `FILE.pub`, `id_ed25519.pub`).
pub fn public_key_argument(text: &str) -> anyhow::Result<[u8; 32]> {
    let given = if Path::new(text).is_file() {
        crate::input::read_text(Path::new(text))?
    } else {
        text.to_owned()
    };
    let given = given.trim();
    let parsed = if given.starts_with("ssh-ed25519 ") {
        openssh_public_key(given)
    } else if given.starts_with("-----BEGIN PUBLIC KEY-----") {
        VerifyingKey::from_public_key_pem(given)
            .ok()
            .map(|key| key.to_bytes())
    } else {
        hex::decode(given)
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
    };
    parsed.ok_or_else(|| {
        let text = format!("{text:?}");
        let lang = crate::lang::current();
        anyhow::anyhow!(
            "{}",
            lang.message_with("key-not-public", &[("text", &text)])
        )
    })
}

/// The key of an OpenSSH public key line, `ssh-ed25519 <base64> [comment]`, whose base64
/// is (RFC 4253 6.6, RFC 8709 4) the string `ssh-ed25519` and the 32-byte key, each after
/// a big-endian u32 length.
fn openssh_public_key(line: &str) -> Option<[u8; 32]> {
    use base64ct::Encoding;
    let encoded = line.split_whitespace().nth(1)?;
    let blob = base64ct::Base64::decode_vec(encoded).ok()?;
    let (name, rest) = ssh_string(&blob)?;
    let (key, rest) = ssh_string(rest)?;
    if name != b"ssh-ed25519" || !rest.is_empty() {
        return None;
    }
    key.try_into().ok()
}

/// One SSH wire `string`: a big-endian u32 length, then that many bytes.
fn ssh_string(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let length = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
    let value = bytes.get(4..4usize.checked_add(length)?)?;
    Some((value, &bytes[4 + length..]))
}

/// Reads a key file to sign with: refused unless only its owner may read and write it.
pub fn read_signing_key(path: &Path) -> anyhow::Result<SigningKey> {
    let lang = crate::lang::current();
    let shown = path.display().to_string();
    let mode = fs::metadata(path)
        .with_context(|| lang.message_with("key-cannot-read", &[("path", &shown)]))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        let mode = format!("{:04o}", mode & 0o7777);
        let word = shell_word(&shown);
        bail!(
            "{}",
            lang.message_with(
                "key-loose-mode",
                &[("path", &shown), ("mode", &mode), ("word", &word)]
            )
        );
    }
    read_key(path)
}

/// Reads a key file, whatever its mode: only for showing its public key.
pub fn read_key(path: &Path) -> anyhow::Result<SigningKey> {
    let text = Zeroizing::new(crate::input::read_text(path)?);
    let lang = crate::lang::current();
    let shown = path.display().to_string();
    if text.trim_start().starts_with(PEM_PRIVATE) {
        return SigningKey::from_pkcs8_pem(text.trim()).map_err(|error| {
            let reason = error.to_string();
            anyhow::anyhow!(
                "{}",
                lang.message_with("key-not-pkcs8", &[("path", &shown), ("reason", &reason)])
            )
        });
    }
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        bail!(
            "{}",
            lang.message_with(
                "key-not-a-key-file",
                &[("path", &shown), ("header", &HEADER), ("pem", &PEM_PRIVATE)]
            )
        );
    }
    let seed = lines
        .next()
        .and_then(|line| hex::decode(line.trim()).ok().map(Zeroizing::new))
        .and_then(|bytes| {
            <[u8; 32]>::try_from(bytes.as_slice())
                .ok()
                .map(Zeroizing::new)
        });
    let Some(seed) = seed else {
        bail!("{}", lang.message_with("key-bad-seed", &[("path", &shown)]));
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
    let mut seed = Zeroizing::new([0u8; 32]);
    getrandom::fill(seed.as_mut()).map_err(|error| {
        anyhow::anyhow!(crate::lang::say_with(
            "command-keys-no-randomness",
            &[("error", &error)]
        ))
    })?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The public key of `key`, as hex.
pub fn public_hex(key: &SigningKey) -> String {
    hex::encode(key.verifying_key().to_bytes())
}
