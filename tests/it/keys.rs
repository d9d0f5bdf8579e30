use std::os::unix::fs::PermissionsExt;

use crate::harness::{code, stderr, stdout, Sandbox};

#[test]
fn keygen_writes_an_owner_only_file_never_prints_the_secret_and_never_overwrites() {
    let sandbox = Sandbox::new();
    let output = sandbox.run(&["keygen", "--out", "keys/a.key"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let path = sandbox.path("keys/a.key");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let contents = std::fs::read_to_string(&path).unwrap();
    let secret = contents.lines().nth(1).unwrap();
    assert_eq!(secret.len(), 64);
    assert!(!stdout(&output).contains(secret) && !stderr(&output).contains(secret));
    let public = stdout(&output)
        .lines()
        .find_map(|line| line.strip_prefix("public key "))
        .unwrap()
        .to_owned();
    let shown = sandbox.run(&["pubkey", "--key", "keys/a.key"]);
    assert_eq!(stdout(&shown).trim(), public);
    let again = sandbox.run(&["keygen", "--out", "keys/a.key"]);
    assert_eq!(code(&again), 3);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        contents,
        "not overwritten"
    );
}

#[test]
fn a_damaged_key_file_is_refused_with_a_clear_message() {
    let sandbox = Sandbox::new();
    std::fs::write(sandbox.path("bad.key"), "rekap-secret-key/1\nnot hex\n").unwrap();
    let output = sandbox.run(&["pubkey", "--key", "bad.key"]);
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("64 hex digits"),
        "{}",
        stderr(&output)
    );
}

fn set_mode(path: &std::path::Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_key_file_others_may_read_or_write_is_refused_for_signing_with_the_chmod_that_fixes_it() {
    let sandbox = Sandbox::new();
    sandbox.kaltim_genesis_store();
    let key = sandbox.path("in/keys/operator.key");
    let import = ["import", "--key", "in/keys/operator.key", "in/sheets.csv"];
    for mode in [0o644, 0o640, 0o604, 0o620, 0o602] {
        set_mode(&key, mode);
        let output = sandbox.run(&import);
        assert_eq!(code(&output), 1, "mode {mode:o}: {}", stderr(&output));
        assert!(
            stderr(&output).contains(&format!("(mode 0{mode:o})"))
                && stderr(&output).contains("run `chmod 600 in/keys/operator.key`"),
            "{}",
            stderr(&output)
        );
    }
    let verify = sandbox.run(&["verify", "--store", "rekap-store"]);
    assert!(
        stdout(&verify).contains("1 record verifies"),
        "nothing was appended"
    );
    // Showing the public key signs nothing: any mode will do.
    let shown = sandbox.run(&["pubkey", "--key", "in/keys/operator.key"]);
    assert_eq!(code(&shown), 0, "{}", stderr(&shown));

    set_mode(&key, 0o600);
    let output = sandbox.run(&import);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    // A path that needs quoting is quoted in the advice.
    let spaced = sandbox.path("my keys");
    std::fs::create_dir(&spaced).unwrap();
    std::fs::copy(
        sandbox.path("in/keys/registrar.key"),
        spaced.join("it's.key"),
    )
    .unwrap();
    set_mode(&spaced.join("it's.key"), 0o644);
    let output = sandbox.run(&[
        "init",
        "--store",
        "second",
        "--election",
        "in/election.json",
        "--key",
        "my keys/it's.key",
    ]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains(r"run `chmod 600 'my keys/it'\''s.key'`"),
        "{}",
        stderr(&output)
    );
    assert!(!sandbox.path("second").exists());
}

#[test]
fn the_demo_writes_its_key_files_for_their_owner_only() {
    let sandbox = Sandbox::new();
    let demo = sandbox.run(&["demo", "--inputs", "in"]);
    assert_eq!(code(&demo), 0, "{}", stderr(&demo));
    let mut keys = 0;
    for entry in std::fs::read_dir(sandbox.path("in/keys")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|extension| extension == "key") {
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", path.display());
            keys += 1;
        }
    }
    assert!(keys >= 4, "the demo wrote {keys} key files");
}

#[test]
fn a_key_file_that_is_not_utf8_is_bad_input() {
    let sandbox = Sandbox::new();
    let path = sandbox.path("bad.key");
    std::fs::write(&path, b"rekap-secret-key/1\n\xff\xfe\n").unwrap();
    set_mode(&path, 0o600);
    let output = sandbox.run(&["pubkey", "--key", "bad.key"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("bad.key is not UTF-8 text (byte 20"),
        "{}",
        stderr(&output)
    );
    // A public key file too, where an officer's key is given as a file.
    sandbox.kaltim_genesis_store();
    std::fs::write(sandbox.path("bad.key.pub"), b"\xff\n").unwrap();
    let register = sandbox.run(&[
        "register",
        "--key",
        "in/keys/registrar.key",
        "--officer",
        "bad.key.pub",
        "--role",
        "witness",
        "--contest",
        "pilgub-kaltim-2024",
        "--pair",
        "1",
        "--scope",
        "64",
    ]);
    assert_eq!(code(&register), 1, "{}", stderr(&register));
    assert!(
        stderr(&register).contains("not UTF-8"),
        "{}",
        stderr(&register)
    );
}
