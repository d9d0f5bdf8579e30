//! Offline counters (`submit --offline`, then `send`): a key that already appended, locally
//! or in the demo's story, signs offline with the next counter the log has not used, from
//! `KEY.counter` beside the key or from the records of an export given as `--election`.

use crate::harness::{code, stderr, stdout, Sandbox};
use crate::server::{election, get, json_of, sheet_args, station, Server};

fn run_ok(sandbox: &Sandbox, args: &[String]) -> String {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = sandbox.run(&refs);
    assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    stdout(&out)
}

fn submit(key: &str, n: usize, more: &[&str]) -> Vec<String> {
    let mut args = vec!["submit".to_owned(), "--key".into(), key.to_owned()];
    args.extend(sheet_args(&station(n), 10 + n as u32));
    args.extend(more.iter().map(|arg| arg.to_string()));
    args
}

/// The counter of the one signed submission in `file`.
fn counter_in(sandbox: &Sandbox, file: &str) -> u64 {
    let text = std::fs::read_to_string(sandbox.path(file)).unwrap();
    json_of(text.trim())["counter"].as_u64().unwrap()
}

#[test]
fn offline_counters_follow_local_appends() {
    let sandbox = election();
    let key = "keys/operator0.key";
    run_ok(&sandbox, &submit(key, 0, &[]));
    run_ok(&sandbox, &submit(key, 1, &[]));
    let kept = std::fs::read_to_string(sandbox.path("keys/operator0.key.counter")).unwrap();
    assert_eq!(
        kept.trim(),
        "2",
        "a local append keeps the key's last counter"
    );

    // Without KEY.counter, an export's records give the last counter.
    std::fs::remove_file(sandbox.path("keys/operator0.key.counter")).unwrap();
    run_ok(
        &sandbox,
        &["export", "--store", "rekap-store", "--out", "copy.rekap"].map(String::from),
    );
    let signed = run_ok(
        &sandbox,
        &submit(
            key,
            2,
            &["--offline", "a.jsonl", "--election", "copy.rekap"],
        ),
    );
    assert!(
        signed.starts_with("signed submission 3 of key "),
        "{signed}"
    );
    assert_eq!(counter_in(&sandbox, "a.jsonl"), 3);

    // A key that appended with neither: send refuses with what to do.
    let other = "keys/operator1.key";
    run_ok(&sandbox, &submit(other, 3, &[]));
    std::fs::remove_file(sandbox.path("keys/operator1.key.counter")).unwrap();
    let server = Server::start(&sandbox, &["--publish-interval-ms", "0"]);
    let (_, body) = get(&format!("{}/v1/election", server.url));
    std::fs::write(sandbox.path("election.json.saved"), body).unwrap();
    run_ok(
        &sandbox,
        &submit(
            other,
            4,
            &["--offline", "b.jsonl", "--election", "election.json.saved"],
        ),
    );
    let sent = run_ok(
        &sandbox,
        &["send", "--server", &server.url, "a.jsonl"].map(String::from),
    );
    assert!(
        sent.contains("appended record 5 (event id 5.0), record hash "),
        "{sent}"
    );
    assert!(
        sent.contains("1 sent (1 appended, 0 already in the log), 0 refused"),
        "{sent}"
    );
    let refused = sandbox.run(&["send", "--server", &server.url, "b.jsonl"]);
    assert_ne!(code(&refused), 0);
    let summary = "0 sent (0 appended, 0 already in the log), 1 refused";
    assert!(stdout(&refused).contains(summary), "{}", stdout(&refused));
    assert!(
        stderr(&refused).contains("--offline FILE --election EXPORT"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(server.stop(), 0);
}

/// The tutorial's path: keys from `demo --inputs`, whose story appended with them, sign
/// offline after the story's counters.
#[test]
fn demo_keys_sign_offline_after_the_story() {
    let sandbox = Sandbox::new();
    let made = sandbox.run(&[
        "demo",
        "--stations",
        "3",
        "-q",
        "--store",
        "rekap-store",
        "--inputs",
        "in",
    ]);
    assert_eq!(code(&made), 0, "{}", stderr(&made));
    let server = Server::start(&sandbox, &["--publish-interval-ms", "0"]);
    let (_, body) = get(&format!("{}/v1/election", server.url));
    std::fs::write(sandbox.path("election.saved"), body).unwrap();
    let args = submit(
        "in/keys/operator.key",
        0,
        &["--offline", "o.jsonl", "--election", "election.saved"],
    );
    run_ok(&sandbox, &args);
    let line = std::fs::read_to_string(sandbox.path("o.jsonl")).unwrap();
    let author = json_of(line.trim())["author"].as_str().unwrap().to_owned();
    let (_, next) = get(&format!("{}/v1/counters/{author}", server.url));
    let next = json_of(&next)["next_counter"].as_u64().unwrap();
    assert!(next > 1, "the story appended with the operator's key");
    assert_eq!(counter_in(&sandbox, "o.jsonl"), next);
    assert_eq!(server.stop(), 0);
}
