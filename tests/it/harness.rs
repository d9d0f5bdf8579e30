//! Runs the built `rekap` binary in a temporary directory.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// A temporary working directory for one test.
pub struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `rekap` with `args` in the sandbox, without REKAP_STORE from the environment.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::cargo_bin("rekap")
            .expect("rekap binary is built")
            .current_dir(self.dir.path())
            .env_remove("REKAP_STORE")
            .args(args)
            .output()
            .expect("rekap runs")
    }
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn code(output: &Output) -> i32 {
    output.status.code().expect("exited normally")
}

/// The committed tiny export of docs/FORMAT.md.
pub fn tiny_vector() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/tiny-log.rekap"
    ))
}
