//! `rekap init` makes a whole store or nothing: a refused init leaves the target as it was,
//! and a `kill -9` at any moment leaves no store or one that opens and verifies.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::harness::{code, rekap_binary, stderr, stdout, Sandbox};

fn init(sandbox: &Sandbox, store: &str, key: &str) -> std::process::Output {
    sandbox.run(&[
        "init",
        "--store",
        store,
        "--election",
        "in/election.json",
        "--key",
        key,
    ])
}

/// The names in `directory`, sorted.
fn names(directory: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(directory)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_refused_init_leaves_nothing_behind() {
    let sandbox = Sandbox::new();
    let demo = sandbox.run(&["demo", "--store", "demo-store", "--inputs", "in"]);
    assert_eq!(code(&demo), 0, "{}", stderr(&demo));
    let before = names(&sandbox.path(""));

    // The operator's key is not the definition's registrar: the genesis is refused.
    let refused = init(&sandbox, "rekap-store", "in/keys/operator.key");
    assert_eq!(code(&refused), 1, "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("registrar"),
        "{}",
        stderr(&refused)
    );
    // Missing parents are not left behind either.
    let refused = init(&sandbox, "new/deeper/rekap-store", "in/keys/operator.key");
    assert_eq!(code(&refused), 1, "{}", stderr(&refused));
    std::fs::write(
        sandbox.path("bad.json"),
        "{\"format\": \"rekap-election/1\"",
    )
    .unwrap();
    let bad_definition = sandbox.run(&[
        "init",
        "--election",
        "bad.json",
        "--key",
        "in/keys/registrar.key",
    ]);
    assert_eq!(code(&bad_definition), 1, "{}", stderr(&bad_definition));
    let missing_key = init(&sandbox, "rekap-store", "in/keys/nobody.key");
    assert_eq!(code(&missing_key), 3, "{}", stderr(&missing_key));
    std::fs::remove_file(sandbox.path("bad.json")).unwrap();
    assert_eq!(
        names(&sandbox.path("")),
        before,
        "the refusals left something"
    );

    // After a refusal the same init can simply be run again.
    let created = init(&sandbox, "rekap-store", "in/keys/registrar.key");
    assert_eq!(code(&created), 0, "{}", stderr(&created));
    let verify = sandbox.run(&["verify", "--store", "rekap-store"]);
    assert_eq!(code(&verify), 0, "{}", stdout(&verify));
    assert!(
        stdout(&verify).contains("1 record verifies"),
        "{}",
        stdout(&verify)
    );
}

#[test]
fn an_empty_directory_stays_as_it_was_when_refused_and_keeps_its_mode_when_used() {
    let sandbox = Sandbox::new();
    let demo = sandbox.run(&["demo", "--store", "demo-store", "--inputs", "in"]);
    assert_eq!(code(&demo), 0, "{}", stderr(&demo));
    let empty = sandbox.path("empty");
    std::fs::create_dir(&empty).unwrap();
    std::fs::set_permissions(&empty, std::fs::Permissions::from_mode(0o750)).unwrap();
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;

    let refused = init(&sandbox, "empty", "in/keys/operator.key");
    assert_eq!(code(&refused), 1, "{}", stderr(&refused));
    assert!(names(&empty).is_empty() && mode(&empty) == 0o750);
    assert!(!names(&sandbox.path(""))
        .iter()
        .any(|name| name.contains(".init-")));

    let created = init(&sandbox, "empty", "in/keys/registrar.key");
    assert_eq!(code(&created), 0, "{}", stderr(&created));
    assert_eq!(mode(&empty), 0o750, "the directory's mode is kept");
    let verify = sandbox.run(&["verify", "--store", "empty"]);
    assert_eq!(code(&verify), 0, "{}", stdout(&verify));

    // A directory with anything in it is refused, as before, and left alone.
    let occupied = sandbox.path("occupied");
    std::fs::create_dir(&occupied).unwrap();
    std::fs::write(occupied.join("notes.txt"), "mine").unwrap();
    let refused = init(&sandbox, "occupied", "in/keys/registrar.key");
    assert_eq!(code(&refused), 3, "{}", stderr(&refused));
    assert!(stderr(&refused).contains("not an empty directory"));
    assert_eq!(names(&occupied), ["notes.txt"]);
}

/// Waits (at most `limit`) until the hidden directory an init of `store` builds in exists.
fn wait_for_build_directory(sandbox: &Sandbox, store: &str, limit: Duration) {
    let prefix = format!(".{store}.init-");
    let started = Instant::now();
    while started.elapsed() < limit
        && !names(&sandbox.path(""))
            .iter()
            .any(|name| name.starts_with(&prefix))
        && !sandbox.path(store).exists()
    {
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// Kills `init` of the national definition (a 5.7 MB genesis) after delays spread over one
/// init's duration and while it writes the store; after each, the target is absent or a store that opens and verifies.
#[test]
fn init_killed_at_any_moment_leaves_no_store_or_one_that_verifies() {
    const KILLS: u32 = 10;
    let sandbox = Sandbox::new();
    let demo = sandbox.run(&[
        "demo",
        "--preset",
        "national",
        "--stations",
        "100",
        "--store",
        "demo-store",
        "--inputs",
        "in",
    ]);
    assert_eq!(code(&demo), 0, "{}", stderr(&demo));
    let started = Instant::now();
    let whole = init(&sandbox, "timed", "in/keys/registrar.key");
    assert_eq!(code(&whole), 0, "{}", stderr(&whole));
    let duration = started.elapsed();

    let mut outcomes = (0, 0);
    for kill in 0..KILLS {
        let store = format!("killed-{kill}");
        let mut child = std::process::Command::new(rekap_binary())
            .current_dir(sandbox.path(""))
            .args(["init", "--store", &store, "--election", "in/election.json"])
            .args(["--key", "in/keys/registrar.key"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        if kill % 2 == 0 {
            // Anywhere in the run, mostly while the definition is read and checked.
            std::thread::sleep(duration * kill / (KILLS - 2));
        } else {
            // While the store is being written: after its build directory appears.
            wait_for_build_directory(&sandbox, &store, duration * 3);
            std::thread::sleep(Duration::from_millis(u64::from(kill) * 3));
        }
        let _ = child.kill(); // SIGKILL; it may have finished already
        child.wait().unwrap();
        if !sandbox.path(&store).exists() {
            outcomes.0 += 1;
            continue;
        }
        outcomes.1 += 1;
        let verify = sandbox.run(&["verify", "--store", &store]);
        assert_eq!(code(&verify), 0, "kill {kill}: {}", stdout(&verify));
        assert!(
            stdout(&verify).contains("1 record verifies"),
            "{}",
            stdout(&verify)
        );
        let status = sandbox.run(&["status", "--store", &store]);
        assert_eq!(code(&status), 0, "kill {kill}: {}", stderr(&status));
    }
    eprintln!(
        "init killed {KILLS} times: {} left nothing, {} a whole store",
        outcomes.0, outcomes.1
    );

    // A killed init can leave its hidden build directory beside the target: the next init
    // names it, and succeeds.
    let Some(absent) = (0..KILLS)
        .map(|kill| format!("killed-{kill}"))
        .find(|store| !sandbox.path(store).exists())
    else {
        return;
    };
    let leftover = names(&sandbox.path(""))
        .into_iter()
        .find(|name| name.starts_with(&format!(".{absent}.init-")));
    let again = init(&sandbox, &absent, "in/keys/registrar.key");
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    if let Some(leftover) = leftover {
        assert!(
            stderr(&again).contains(&leftover) && stderr(&again).contains("interrupted"),
            "{}",
            stderr(&again)
        );
    }
}
