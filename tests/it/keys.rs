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
