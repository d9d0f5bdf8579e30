//! Key files in standard forms (issue 17): PKCS#8 PEM read and written, OpenSSH and PEM
//! public keys accepted where a public key is asked for.

use std::os::unix::fs::PermissionsExt;

use base64ct::Encoding;
use serde_json::Value;

use crate::harness::{code, stderr, stdout, Sandbox};

/// RFC 8410, section 10.3: an ed25519 private key in PKCS#8 PEM ...
const RFC_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
-----END PRIVATE KEY-----
";
/// ... and section 10.1: its public key.
const RFC_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
-----END PUBLIC KEY-----
";
const RFC_PUBLIC_HEX: &str = "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1";

/// `ssh-ed25519 <base64 of string "ssh-ed25519", string key> comment` (RFC 8709).
fn openssh_line(key_hex: &str) -> String {
    let key = hex::decode(key_hex).unwrap();
    let mut blob = Vec::new();
    for part in [b"ssh-ed25519".as_slice(), &key] {
        blob.extend((part.len() as u32).to_be_bytes());
        blob.extend(part);
    }
    format!(
        "ssh-ed25519 {} saksi@tps",
        base64ct::Base64::encode_string(&blob)
    )
}

fn officers(sandbox: &Sandbox) -> Vec<String> {
    let output = sandbox.run(&["list", "officers", "-s", "rekap-demo-store", "-f", "json"]);
    let listing: Value = serde_json::from_str(&stdout(&output)).unwrap();
    listing["officers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|officer| officer["key"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn pkcs8_pem_and_openssh_keys_are_read_and_pem_is_written() {
    let sandbox = Sandbox::new();
    let rfc = sandbox.path("rfc.pem");
    std::fs::write(&rfc, RFC_PRIVATE).unwrap();
    std::fs::set_permissions(&rfc, std::fs::Permissions::from_mode(0o600)).unwrap();
    let public = sandbox.run(&["pubkey", "-k", "rfc.pem"]);
    assert_eq!(
        stdout(&public).trim(),
        RFC_PUBLIC_HEX,
        "{}",
        stderr(&public)
    );

    // keygen --pem writes PKCS#8 that rekap (and OpenSSL, where installed) reads back.
    let made = sandbox.run(&["keygen", "--out", "new.pem", "--pem"]);
    assert_eq!(code(&made), 0, "{}", stderr(&made));
    let text = std::fs::read_to_string(sandbox.path("new.pem")).unwrap();
    assert!(text.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{text}");
    let mode = std::fs::metadata(sandbox.path("new.pem"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let new_public = stdout(&sandbox.run(&["pubkey", "-k", "new.pem"]));
    let written = std::fs::read_to_string(sandbox.path("new.pem.pub")).unwrap();
    assert_eq!(new_public.trim(), written.trim());
    if let Ok(openssl) = std::process::Command::new("openssl")
        .args(["pkey", "-in", "new.pem", "-noout"])
        .current_dir(sandbox.path(""))
        .output()
    {
        assert!(
            openssl.status.success(),
            "openssl reads the PEM rekap wrote"
        );
    }

    // Public keys as an OpenSSH line, a PEM PUBLIC KEY, or files holding them.
    assert_eq!(
        code(&sandbox.run(&["demo", "--stations", "300", "--inputs", "in"])),
        0
    );
    let register = |officer: &str, role: &[&str]| {
        let mut args = vec![
            "register",
            "-s",
            "rekap-demo-store",
            "-k",
            "in/keys/registrar.key",
            "--officer",
            officer,
            "--scope",
            "64",
        ];
        args.extend_from_slice(role);
        let output = sandbox.run(&args);
        assert_eq!(code(&output), 0, "{officer}: {}", stderr(&output));
    };
    std::fs::write(sandbox.path("rfc.pub.pem"), RFC_PUBLIC_PEM).unwrap();
    register(
        "rfc.pub.pem",
        &[
            "--role",
            "witness",
            "--contest",
            "pilgub-kaltim-2024",
            "--pair",
            "1",
        ],
    );
    let new_hex = new_public.trim().to_owned();
    register(&openssh_line(&new_hex), &["--role", "auditor"]);
    let listed = officers(&sandbox);
    assert!(listed.contains(&RFC_PUBLIC_HEX.to_owned()), "{listed:?}");
    assert!(listed.contains(&new_hex), "{listed:?}");

    // The PKCS#8 key signs: the witness registered from its PEM public key objects.
    let station = {
        let sheets = std::fs::read_to_string(sandbox.path("in/sheets.csv")).unwrap();
        sheets
            .lines()
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap()
            .to_owned()
    };
    let objected = sandbox.run(&[
        "object",
        "-s",
        "rekap-demo-store",
        "-k",
        "rfc.pem",
        "--station",
        &station,
        "--contest",
        "pilgub-kaltim-2024",
        "--text",
        "signed with a PKCS#8 key",
    ]);
    assert_eq!(code(&objected), 0, "{}", stderr(&objected));

    // A truncated OpenSSH line or a broken PEM is refused with exit 1, the store untouched.
    let before = officers(&sandbox).len();
    let line = openssh_line(&new_hex);
    let broken = sandbox.run(&[
        "register",
        "-s",
        "rekap-demo-store",
        "-k",
        "in/keys/registrar.key",
        "--officer",
        &line[..line.len() - 20],
        "--scope",
        "64",
        "--role",
        "auditor",
    ]);
    assert_eq!(code(&broken), 1);
    assert!(
        stderr(&broken).contains("ssh-ed25519"),
        "{}",
        stderr(&broken)
    );
    std::fs::write(&rfc, RFC_PRIVATE.replace("MC4C", "MC5C")).unwrap();
    assert_eq!(code(&sandbox.run(&["pubkey", "-k", "rfc.pem"])), 1);
    assert_eq!(officers(&sandbox).len(), before);
}
