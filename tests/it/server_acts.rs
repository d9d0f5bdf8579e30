//! Every appending command over `--server`: a correction that names only the votes keeps
//! the server's other fields, a void and a re-vote, an objection and its resolution, an
//! officer registered and revoked; the store then verifies and audits.

use serde_json::{json, Value};

use crate::harness::{code, run_ok, stderr, stdout, Sandbox};
use crate::server::{election, station, submit_cli, Server, CONTEST};
use crate::server_remote::get_at;

fn station_at(url: &str, code: &str, count: u64) -> Value {
    get_at(
        url,
        &format!("/v1/stations/{code}?contest={CONTEST}"),
        count,
    )
}

/// The record seq a `--server` receipt names ("appended record N (...").
fn seq_of(printed: &str) -> u64 {
    printed
        .split_whitespace()
        .nth(2)
        .and_then(|seq| seq.parse().ok())
        .unwrap_or_else(|| panic!("no seq in {printed:?}"))
}

fn act(sandbox: &Sandbox, url: &str, key: &str, args: &[&str]) -> u64 {
    let mut all = args.to_vec();
    all.extend(["--key", key, "--server", url, "--inclusion-wait-ms", "0"]);
    seq_of(&run_ok(sandbox, &all))
}

#[test]
fn every_appending_command_works_over_the_server() {
    let sandbox = election();
    let server = Server::start(&sandbox, &[]);
    let url = server.url.clone();
    let (first, second) = (station(0), station(1));
    for (key, place) in [("operator0", &first), ("operator1", &second)] {
        let out = submit_cli(&sandbox, &url, key, place, 5);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    let before = station_at(&url, &first, 3)["current"]["sheet"].clone();
    // Only the votes named: voters, turnout and ballots stay the server's.
    let district = "keys/district.key";
    let seq = act(
        &sandbox,
        &url,
        district,
        &[
            "correct",
            "--station",
            &first,
            "--contest",
            CONTEST,
            "--votes",
            "4,8",
            "--reason",
            "recount",
        ],
    );
    let after = station_at(&url, &first, seq);
    assert_eq!(after["current"]["kind"], "corrected", "{after}");
    let sheet = &after["current"]["sheet"];
    assert_eq!(sheet["votes"], json!([4, 8]), "{sheet}");
    for kept in ["valid", "invalid", "registered", "voted"] {
        assert_eq!(sheet[kept], before[kept], "{kept}: {before} then {sheet}");
    }
    // A void, then a re-vote and the new count.
    let station_act = |verb: &str| {
        act(
            &sandbox,
            &url,
            district,
            &[
                verb,
                "--station",
                &second,
                "--contest",
                CONTEST,
                "--reason",
                "Pasal 372",
            ],
        )
    };
    let voided = station_act("void");
    assert_eq!(station_at(&url, &second, voided)["status"], "voided");
    let revoted = station_act("revote");
    assert_eq!(
        station_at(&url, &second, revoted)["status"],
        "revote-pending"
    );
    let out = submit_cli(&sandbox, &url, "operator1", &second, 6);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let recounted = station_at(&url, &second, seq_of(&stdout(&out)));
    assert_eq!(recounted["current"]["sheet"]["votes"][0], 6, "{recounted}");
    // An objection by the witness, rejected by the official.
    let objection = act(
        &sandbox,
        &url,
        "keys/witness.key",
        &[
            "object",
            "--station",
            &first,
            "--contest",
            CONTEST,
            "--text",
            "C1 tidak terbaca",
        ],
    );
    let resolved = act(
        &sandbox,
        &url,
        district,
        &[
            "resolve",
            "--objection",
            &format!("{objection}.0"),
            "--reject",
            "--reason",
            "terbaca",
        ],
    );
    let objections = get_at(&url, &format!("/v1/objections?contest={CONTEST}"), resolved);
    assert_eq!(
        objections["objections"][0]["status"], "rejected",
        "{objections}"
    );
    // An operator registered and revoked by the registrar; the revoked key is refused.
    let out = sandbox.run(&["keygen", "--out", "keys/late.key"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let registrar = "keys/registrar.key";
    act(
        &sandbox,
        &url,
        registrar,
        &[
            "register",
            "--officer",
            "keys/late.key.pub",
            "--role",
            "operator",
            "--scope",
            "64",
        ],
    );
    let out = submit_cli(&sandbox, &url, "late", &station(2), 5);
    assert_eq!(code(&out), 0, "registered: {}", stderr(&out));
    act(
        &sandbox,
        &url,
        registrar,
        &[
            "revoke",
            "--officer",
            "keys/late.key.pub",
            "--reason",
            "laptop lost",
        ],
    );
    let refused = submit_cli(&sandbox, &url, "late", &station(3), 5);
    assert_eq!(code(&refused), 1, "revoked: {}", stderr(&refused));
    refusals_are_worded_in_the_clients_language(&sandbox, &url, &first);
    assert_eq!(server.stop(), 0);
    for check in ["verify", "audit"] {
        let out = sandbox.run(&[check, "--store", "rekap-store"]);
        assert_eq!(code(&out), 0, "{check}: {}{}", stdout(&out), stderr(&out));
    }
}

/// A refusal over `--server` reads as it does from a local store, in the run's language:
/// the client sends `Accept-Language` and the server words the model's refusal from the
/// same catalogue.
fn refusals_are_worded_in_the_clients_language(sandbox: &Sandbox, url: &str, counted: &str) {
    let resubmit = |lang: &str| {
        let mut args = vec!["--lang".to_owned(), lang.to_owned(), "submit".to_owned()];
        args.extend(["--key".to_owned(), "keys/operator0.key".to_owned()]);
        args.extend(crate::server::sheet_args(counted, 5));
        args.extend(["--server".to_owned(), url.to_owned()]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = sandbox.run(&refs);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        stderr(&out)
    };
    let said = resubmit("id");
    assert!(
        said.contains("ditolak, tidak ada yang ditambahkan: ")
            && said.contains(&format!(
                "R33: {counted} sudah punya lembar untuk {CONTEST}"
            )),
        "{said}"
    );
    assert!(!said.contains("already has a sheet"), "{said}");
    let said = resubmit("en");
    assert!(
        said.contains(&format!("R33: {counted} already has a sheet for {CONTEST}")),
        "{said}"
    );
}
