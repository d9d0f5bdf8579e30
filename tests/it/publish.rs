//! `rekap publish` (the log as a tile tree of static files, updated incrementally) and
//! `rekap verify --tiles` (fetching it back from a directory, file:// or http and
//! verifying it); every kind of bad tree fails with exit 1 and a message, never a panic.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use base64ct::Encoding;
use ed25519_dalek::SigningKey;
use rekap_tlog::note::Verifier;

use crate::harness::{code, stderr, stdout, Sandbox};

/// A Kaltim store with its genesis and `imports` one-sheet imports (one record each).
fn store(imports: usize) -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.kaltim_genesis_store();
    for _ in 0..imports {
        import_one(&sandbox);
    }
    sandbox
}

/// Imports the next sheet of the demo's sheets as a file of its own: one more record.
fn import_one(sandbox: &Sandbox) {
    let sheets = std::fs::read_to_string(sandbox.path("in/sheets.csv")).unwrap();
    let mut lines = sheets.lines();
    let header = lines.next().unwrap();
    let done = std::fs::read_dir(sandbox.path("in"))
        .unwrap()
        .filter(|entry| {
            let name = entry.as_ref().unwrap().file_name();
            name.to_string_lossy().starts_with("one-")
        })
        .count();
    let name = format!("in/one-{done}.csv");
    let line = lines.nth(done).unwrap();
    std::fs::write(sandbox.path(&name), format!("{header}\n{line}\n")).unwrap();
    let import = sandbox.run(&[
        "import",
        "--store",
        "rekap-store",
        "--key",
        "in/keys/operator.key",
        &name,
    ]);
    assert_eq!(code(&import), 0, "{}", stderr(&import));
}

fn publish(sandbox: &Sandbox) -> String {
    let output = sandbox.run(&["publish", "--store", "rekap-store", "--out", "web"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    stdout(&output)
}

fn vkey(sandbox: &Sandbox) -> String {
    let output = sandbox.run(&["log-key", "--store", "rekap-store"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    stdout(&output).trim().to_owned()
}

fn inode(sandbox: &Sandbox, path: &str) -> u64 {
    std::fs::metadata(sandbox.path(path)).unwrap().ino()
}

/// Every file of a directory tree with its bytes, sorted.
pub(crate) fn snapshot(directory: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![directory.to_owned()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(directory).unwrap().display().to_string();
                files.push((relative, std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn publish_writes_the_tree_of_the_latest_checkpoint_that_verify_tiles_accepts() {
    let sandbox = store(1);
    let before = snapshot(&sandbox.path("rekap-store"));
    let text = publish(&sandbox);
    assert!(text.contains("published size 2 (was 0)"), "{text}");
    assert_eq!(
        before,
        snapshot(&sandbox.path("rekap-store")),
        "the store is unchanged"
    );
    let checkpoint = sandbox.run(&["checkpoint", "--store", "rekap-store"]);
    assert_eq!(
        std::fs::read_to_string(sandbox.path("web/checkpoint")).unwrap(),
        stdout(&checkpoint)
    );
    for path in ["records/000.p/2", "tile/0/000.p/2", "tile/entries/000.p/2"] {
        assert!(sandbox.path("web").join(path).is_file(), "{path}");
    }
    let key = vkey(&sandbox);
    for source in [
        "web".to_owned(),
        format!("file://{}", sandbox.path("web").display()),
    ] {
        let output = sandbox.run(&["verify", "--tiles", &source, "--log-key", &key]);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        assert!(
            stdout(&output).contains("ok: 2 records verify"),
            "{}",
            stdout(&output)
        );
        assert!(
            stdout(&output).contains("(signed by the log key)"),
            "{}",
            stdout(&output)
        );
    }
    // Without --log-key the signature is checked all the same, by the key the genesis names.
    let unpinned = sandbox.run(&["verify", "--tiles", "web"]);
    assert_eq!(code(&unpinned), 0, "{}", stderr(&unpinned));
    assert!(stdout(&unpinned).contains("(signed by the log key)"));
}

#[test]
fn a_second_publish_writes_only_what_changed_and_keeps_the_previous_edge() {
    let sandbox = store(0);
    publish(&sandbox);
    import_one(&sandbox);
    publish(&sandbox);
    let kept = inode(&sandbox, "web/records/000.p/2");
    import_one(&sandbox);
    let text = publish(&sandbox);
    assert!(
        text.contains("published size 3 (was 2) to web: 4 files"),
        "{text}"
    );
    // The size-1 edge of the hash tile, the entry and the record bundle.
    assert!(text.contains("3 partial tiles removed"), "{text}");
    // The previous checkpoint's edge stays for its readers, untouched; the one before goes.
    assert_eq!(inode(&sandbox, "web/records/000.p/2"), kept);
    assert!(sandbox.path("web/tile/0/000.p/3").is_file());
    assert!(!sandbox.path("web/tile/0/000.p/1").exists());
    let again = publish(&sandbox);
    assert!(again.contains("is up to date at size 3"), "{again}");
    // The log grew past its last checkpoint only through serve; publish says so.
    let output = sandbox.run(&["verify", "--tiles", "web", "--log-key", &vkey(&sandbox)]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
}

#[test]
fn publish_of_a_store_another_process_holds_is_exit_4_and_writes_nothing() {
    // Like every command it opens the store read-only under the store's lock, so while
    // `rekap serve` holds the store its tiles are served from /tlog/ instead.
    let sandbox = store(1);
    let held = rekap_log::SegmentStorage::open(&sandbox.path("rekap-store")).unwrap();
    let output = sandbox.run(&["publish", "--store", "rekap-store", "--out", "web"]);
    assert_eq!(code(&output), 4, "{}", stderr(&output));
    assert!(!sandbox.path("web").exists());
    drop(held);
    publish(&sandbox);
}

#[test]
fn publish_refuses_the_tree_of_another_log() {
    let sandbox = store(0);
    publish(&sandbox);
    // Another election: the same definition under another name.
    let json = std::fs::read_to_string(sandbox.path("in/election.json")).unwrap();
    let renamed = json.replacen("\"name\": \"", "\"name\": \"Other ", 1);
    assert_ne!(json, renamed, "the definition has a name to change");
    std::fs::write(sandbox.path("in/other.json"), renamed).unwrap();
    let init = sandbox.run(&[
        "init",
        "--store",
        "other-store",
        "--election",
        "in/other.json",
        "--key",
        "in/keys/registrar.key",
    ]);
    assert_eq!(code(&init), 0, "{}", stderr(&init));
    let output = sandbox.run(&["publish", "--store", "other-store", "--out", "web"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("the tile tree of another log"),
        "{}",
        stderr(&output)
    );
}

/// Runs `verify --tiles web` with the log's key after `damage` changed the tree; returns
/// its stderr and stdout, having checked exit 1 and no panic.
fn verify_damaged(sandbox: &Sandbox, key: &str) -> String {
    let output = sandbox.run(&["verify", "--tiles", "web", "--log-key", key]);
    let text = format!("{}{}", stderr(&output), stdout(&output));
    assert_eq!(code(&output), 1, "{text}");
    assert!(!text.contains("panicked"), "{text}");
    text
}

fn flip_byte(path: &Path, position: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    let position = position.min(bytes.len() - 1);
    bytes[position] ^= 0x01;
    std::fs::write(path, bytes).unwrap();
}

/// A change to a published tree.
type Damage<'a> = Box<dyn Fn() + 'a>;

#[test]
fn every_kind_of_bad_tree_fails_with_exit_1_and_says_what() {
    let sandbox = store(2);
    publish(&sandbox);
    let key = vkey(&sandbox);
    let pristine = snapshot(&sandbox.path("web"));
    let restore = || {
        for (path, bytes) in &pristine {
            std::fs::write(sandbox.path("web").join(path), bytes).unwrap();
        }
    };
    let web = |path: &str| sandbox.path("web").join(path);
    let cases: Vec<(&str, Damage, &str)> = vec![
        (
            "malformed note",
            Box::new(|| std::fs::write(web("checkpoint"), "not a note\n").unwrap()),
            "checkpoint is refused",
        ),
        (
            "checkpoint changed",
            Box::new(|| flip_byte(&web("checkpoint"), 80)),
            "checkpoint is refused",
        ),
        (
            "hash tile",
            Box::new(|| flip_byte(&web("tile/0/000.p/3"), 40)),
            "tile/0/000.p/3",
        ),
        (
            "entry bundle",
            Box::new(|| flip_byte(&web("tile/entries/000.p/3"), 40)),
            "tile/entries/000.p/3: entry of record 2",
        ),
        (
            "record bundle",
            Box::new(|| flip_byte(&web("records/000.p/3"), 200)),
            "record",
        ),
        (
            "missing tile",
            Box::new(|| std::fs::remove_file(web("tile/0/000.p/3")).unwrap()),
            "the tile tree has no tile/0/000.p/3",
        ),
        (
            "missing checkpoint",
            Box::new(|| std::fs::remove_file(web("checkpoint")).unwrap()),
            "the tile tree has no checkpoint",
        ),
        (
            "truncated bundle",
            Box::new(|| {
                let bytes = std::fs::read(web("records/000.p/3")).unwrap();
                std::fs::write(web("records/000.p/3"), &bytes[..bytes.len() - 1]).unwrap();
            }),
            "records/000.p/3: frame",
        ),
    ];
    for (name, damage, expected) in cases {
        damage();
        let text = verify_damaged(&sandbox, &key);
        assert!(text.contains(expected), "{name}: {text}");
        restore();
    }
    // A key of the right name but another key: the signature does not verify.
    let name = Verifier::from_vkey(&key).unwrap().name().to_owned();
    let other = Verifier::new(&name, SigningKey::from_bytes(&[7; 32]).verifying_key()).unwrap();
    let text = verify_damaged(&sandbox, &other.to_vkey());
    assert!(text.contains("checkpoint is refused"), "{text}");
    let output = sandbox.run(&["verify", "--tiles", "web", "--log-key", &key]);
    assert_eq!(code(&output), 0, "restored: {}", stderr(&output));
}

/// Serves `root`'s files over HTTP/1.1 on 127.0.0.1 for `requests` requests (404 for a
/// missing file); returns the URL.
fn serve_files(root: std::path::PathBuf, requests: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let mut stream = stream.unwrap();
            let mut line = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            reader.read_line(&mut line).unwrap();
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap() <= 2 {
                    break;
                }
            }
            let path = line
                .split(' ')
                .nth(1)
                .unwrap_or("/")
                .trim_start_matches('/');
            let answer = match std::fs::read(root.join(path)) {
                Ok(body) => [
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes(),
                    body,
                ]
                .concat(),
                Err(_) => {
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .to_vec()
                }
            };
            let _ = stream.write_all(&answer);
        }
    });
    url
}

#[test]
fn verify_tiles_fetches_over_http() {
    let sandbox = store(1);
    publish(&sandbox);
    let url = serve_files(sandbox.path("web"), 16);
    let output = sandbox.run(&["verify", "--tiles", &url, "--log-key", &vkey(&sandbox)]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stdout(&output).contains("ok: 2 records verify"),
        "{}",
        stdout(&output)
    );
}

/// tools/verify_export.py (the independent Python verifier) computes the same tree root and
/// checks the checkpoint's root and signature; run when python3 has its two modules.
#[test]
fn the_python_verifier_checks_the_tree_and_the_checkpoint() {
    let probe = std::process::Command::new("python3")
        .args(["-c", "import blake3, cryptography"])
        .output();
    if !probe.is_ok_and(|output| output.status.success()) {
        eprintln!("skipped: python3 with blake3 and cryptography is not installed");
        return;
    }
    let sandbox = store(2);
    let export = sandbox.run(&["export", "--store", "rekap-store", "--out", "log.rekap"]);
    assert_eq!(code(&export), 0, "{}", stderr(&export));
    let checkpoint = stdout(&sandbox.run(&["checkpoint", "--store", "rekap-store"]));
    std::fs::write(sandbox.path("log.cp"), &checkpoint).unwrap();
    std::fs::write(sandbox.path("log.vkey"), vkey(&sandbox)).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tools/verify_export.py");
    let python = |args: &[&str]| {
        std::process::Command::new("python3")
            .arg(script)
            .args(args)
            .current_dir(sandbox.path("."))
            .output()
            .unwrap()
    };
    let output = python(&[
        "log.rekap",
        "--checkpoint",
        "log.cp",
        "--log-key",
        "log.vkey",
    ]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    assert!(stdout(&output).contains("size 3: root verified (signed by the log key)"));
    // Its JSON names the records as `verify -f json` does.
    let python_json: serde_json::Value =
        serde_json::from_str(&stdout(&python(&["log.rekap", "--json"]))).unwrap();
    let rekap_json: serde_json::Value = serde_json::from_str(&stdout(&sandbox.run(&[
        "verify",
        "--log",
        "log.rekap",
        "-f",
        "json",
    ])))
    .unwrap();
    for name in ["ok", "records", "head"] {
        assert_eq!(python_json[name], rekap_json[name], "{name}");
    }
    let root = checkpoint.lines().nth(2).unwrap();
    let root = base64ct::Base64::decode_vec(root).unwrap();
    assert!(
        stdout(&output).contains(&format!("tree root {}", hex::encode(root))),
        "{}",
        stdout(&output)
    );
    // Another root (a signature that no longer verifies), another key: exit 1 each.
    let mut lines: Vec<String> = checkpoint.lines().map(str::to_owned).collect();
    lines[2] = base64ct::Base64::encode_string(&[0u8; 32]);
    std::fs::write(sandbox.path("bad.cp"), lines.join("\n") + "\n").unwrap();
    let output = python(&[
        "log.rekap",
        "--checkpoint",
        "bad.cp",
        "--log-key",
        "log.vkey",
    ]);
    assert_eq!(code(&output), 1, "{}", stdout(&output));
    assert!(
        stdout(&output).contains("not the checkpoint's root"),
        "{}",
        stdout(&output)
    );
    let name = Verifier::from_vkey(&vkey(&sandbox))
        .unwrap()
        .name()
        .to_owned();
    let other = Verifier::new(&name, SigningKey::from_bytes(&[7; 32]).verifying_key()).unwrap();
    let output = python(&[
        "log.rekap",
        "--checkpoint",
        "log.cp",
        "--log-key",
        &other.to_vkey(),
    ]);
    assert_eq!(code(&output), 1, "{}", stdout(&output));
    assert!(
        stdout(&output).contains("no signature by the log key"),
        "{}",
        stdout(&output)
    );
}
