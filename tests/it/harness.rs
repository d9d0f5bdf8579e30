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
            .env_remove("REKAP_SERVER")
            .env("REKAP_COPIES", self.dir.path().join("copies"))
            .args(args)
            .output()
            .expect("rekap runs")
    }
}

/// The built `rekap` binary.
pub fn rekap_binary() -> &'static str {
    env!("CARGO_BIN_EXE_rekap")
}

impl Sandbox {
    /// Runs `script` with `sh -c` in the sandbox; `$REKAP` is the rekap binary.
    pub fn shell(&self, script: &str) -> Output {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .current_dir(self.dir.path())
            .env_remove("REKAP_STORE")
            .env_remove("REKAP_SERVER")
            .env("REKAP_COPIES", self.dir.path().join("copies"))
            .env("REKAP", rekap_binary())
            .output()
            .expect("sh runs")
    }

    /// A Kaltim store `rekap-store` holding only its genesis, and the demo's inputs (the
    /// definition, sheets and owner-only key files) in `in/`.
    pub fn kaltim_genesis_store(&self) {
        let demo = self.run(&["demo", "--store", "demo-store", "--inputs", "in"]);
        assert_eq!(code(&demo), 0, "{}", stderr(&demo));
        let init = self.run(&[
            "init",
            "--store",
            "rekap-store",
            "--election",
            "in/election.json",
            "--key",
            "in/keys/registrar.key",
        ]);
        assert_eq!(code(&init), 0, "{}", stderr(&init));
    }
}

/// Runs `rekap` with `args` in `sandbox`, requires exit 0 (else fails naming the arguments,
/// with what it printed), and gives its standard output.
pub fn run_ok(sandbox: &Sandbox, args: &[&str]) -> String {
    let output = sandbox.run(args);
    assert_eq!(
        code(&output),
        0,
        "{args:?}: {}{}",
        stdout(&output),
        stderr(&output)
    );
    stdout(&output)
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
