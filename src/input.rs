//! Reading the files an operator hands a command (definitions, key files, signature files).
//! A file that cannot be read is an IO failure (exit 3); a file that reads but is not the
//! text it should be is bad input (exit 1), so the two are kept apart here.

use std::fs;
use std::path::Path;

use anyhow::{bail, Context};

/// The contents of `path` as UTF-8 text. Not UTF-8 is refused as bad input, naming the
/// first byte that is not.
pub fn read_text(path: &Path) -> anyhow::Result<String> {
    let lang = crate::lang::current();
    let shown = path.display().to_string();
    let bytes = fs::read(path)
        .with_context(|| lang.message_with("error-cannot-read", &[("path", &shown)]))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(error) => {
            let byte = error.utf8_error().valid_up_to() + 1;
            bail!(
                "{}",
                lang.message_with("error-not-utf8", &[("path", &shown), ("byte", &byte)])
            )
        }
    }
}
