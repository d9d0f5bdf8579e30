//! Writing to stdout without panicking on a closed pipe (`rekap verify ... | head`).

use std::io::{self, Write};

/// Writes `text` to stdout; a closed pipe surfaces as an error that `exit::finish` treats
/// as success.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut stdout = io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// Whether the error is a closed stdout pipe.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io_error| io_error.kind() == io::ErrorKind::BrokenPipe)
    })
}
