//! `import`, `sign` and `approve` over `--server` and `--offline`: the statement a witness
//! signs read from the server (`GET /v1/statement`), payloads of an import posted as signed
//! submissions, and the same done offline then sent.

use crate::harness::{code, stderr, stdout, Sandbox};
use crate::server::{election, get, json_of, station, Server, CONTEST};

/// Votes-only sheets for all 300 stations of the test election.
fn write_sheets(sandbox: &Sandbox) {
    let mut csv = String::from("station,contest,votes_1,votes_2,valid,invalid\n");
    for n in 0..300 {
        csv += &format!(
            "{},{CONTEST},{},7,{},3\n",
            station(n),
            10 + n % 5,
            17 + n % 5
        );
    }
    std::fs::write(sandbox.path("sheets.csv"), csv).unwrap();
}

fn ok(sandbox: &Sandbox, args: &[&str]) -> String {
    let out = sandbox.run(args);
    assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    stdout(&out)
}

/// GET `path` once the snapshot holds `count` records: reads may lag a receipt by the
/// publish interval (docs/API.md, "Consistency").
pub(crate) fn get_at(url: &str, path: &str, count: u64) -> serde_json::Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let (status, body) = get(&format!("{url}{path}"));
        assert_eq!(status, 200, "{body}");
        let json = json_of(&body);
        if json["head"]["count"].as_u64() >= Some(count) {
            return json;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never reached {count}: {body}"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

fn district_totals(url: &str, count: u64) -> serde_json::Value {
    get_at(url, "/v1/totals?level=district", count)
}

#[test]
fn import_sign_and_approve_over_the_server() {
    let sandbox = election();
    write_sheets(&sandbox);
    let server = Server::start(&sandbox, &["--publish-interval-ms", "0"]);
    let url = server.url.clone();
    let import = ok(
        &sandbox,
        &[
            "import",
            "--server",
            &url,
            "--key",
            "keys/operator0.key",
            "sheets.csv",
        ],
    );
    assert!(import.contains("300 to append"), "{import}");
    // A rerun checks against the server's state: everything is already in the log.
    get_at(&url, "/v1/totals", 2);
    let again = ok(
        &sandbox,
        &[
            "import",
            "--server",
            &url,
            "--key",
            "keys/operator0.key",
            "sheets.csv",
        ],
    );
    assert!(again.contains("nothing to append"), "{again}");

    // The statement: bad queries, unknown regions, and the digest the witness signs.
    assert_eq!(get(&format!("{url}/v1/statement?region=647201")).0, 400);
    assert_eq!(
        get(&format!("{url}/v1/statement?region=99&contest={CONTEST}")).0,
        404
    );
    let (status, body) = get(&format!(
        "{url}/v1/statement?region=647201&contest={CONTEST}"
    ));
    assert_eq!(status, 200, "{body}");
    let statement = json_of(&body);
    let digest = statement["digest"].as_str().unwrap().to_owned();
    assert_eq!(
        statement["head"]["count"], 2,
        "genesis and one payload of 300 sheets"
    );

    let signed = ok(
        &sandbox,
        &[
            "sign",
            "--server",
            &url,
            "--key",
            "keys/witness.key",
            "--region",
            "647201",
            "--contest",
            CONTEST,
            "--digest",
            &digest,
            "--out",
            "w.json",
        ],
    );
    assert!(signed.contains(&digest), "{signed}");
    // A digest other than the server's is refused, nothing written.
    let wrong = sandbox.run(&[
        "sign",
        "--server",
        &url,
        "--key",
        "keys/witness.key",
        "--region",
        "647201",
        "--contest",
        CONTEST,
        "--digest",
        &"0".repeat(64),
        "--out",
        "w2.json",
    ]);
    assert_eq!(code(&wrong), 1, "{}", stderr(&wrong));
    assert!(!sandbox.path("w2.json").exists());

    ok(
        &sandbox,
        &[
            "approve",
            "--server",
            &url,
            "--key",
            "keys/district.key",
            "--region",
            "647201",
            "--contest",
            CONTEST,
            "--signature",
            "w.json",
        ],
    );
    let answer = get_at(&url, "/v1/approvals", 3);
    let approvals = answer["approvals"].clone();
    assert_eq!(approvals.as_array().unwrap().len(), 1, "{answer}");
    assert_eq!(approvals[0]["digest"], digest.as_str());
    assert_eq!(
        approvals[0]["witness_signatures"].as_array().unwrap().len(),
        1
    );
    assert_eq!(server.stop(), 0);
    ok(&sandbox, &["audit", "--store", "rekap-store"]);
}

#[test]
fn import_and_approve_offline_then_send() {
    let sandbox = election();
    write_sheets(&sandbox);
    let server = Server::start(&sandbox, &["--publish-interval-ms", "0"]);
    let url = server.url.clone();
    let export = sandbox.run(&["export", "--store", "rekap-store", "--out", "unused.rekap"]);
    assert_eq!(
        code(&export),
        4,
        "the server holds the store: {}",
        stderr(&export)
    );
    let (status, _) = get(&format!("{url}/v1/export"));
    assert_eq!(status, 200);
    let bytes = crate::server::get_bytes(&format!("{url}/v1/export"));
    std::fs::write(sandbox.path("copy.rekap"), bytes).unwrap();

    ok(
        &sandbox,
        &[
            "import",
            "--offline",
            "out.jsonl",
            "--election",
            "copy.rekap",
            "--key",
            "keys/operator0.key",
            "sheets.csv",
        ],
    );
    // Offline there is nothing to compute the digest from: --digest is needed.
    let without = sandbox.run(&[
        "approve",
        "--offline",
        "out.jsonl",
        "--election",
        "copy.rekap",
        "--key",
        "keys/district.key",
        "--region",
        "647201",
        "--contest",
        CONTEST,
    ]);
    assert_ne!(code(&without), 0);
    let sent = ok(&sandbox, &["send", "--server", &url, "out.jsonl"]);
    assert!(
        sent.contains("1 sent (1 appended, 0 already in the log), 0 refused"),
        "{sent}"
    );
    let totals = district_totals(&url, 2);
    assert_eq!(totals["regions"][0]["stations_reported"], 300, "{totals}");

    let (_, body) = get(&format!(
        "{url}/v1/statement?region=647201&contest={CONTEST}"
    ));
    let digest = json_of(&body)["digest"].as_str().unwrap().to_owned();
    ok(
        &sandbox,
        &[
            "approve",
            "--offline",
            "approval.jsonl",
            "--election",
            "copy.rekap",
            "--digest",
            &digest,
            "--key",
            "keys/district.key",
            "--region",
            "647201",
            "--contest",
            CONTEST,
        ],
    );
    let sent = ok(&sandbox, &["send", "--server", &url, "approval.jsonl"]);
    assert!(
        sent.contains("1 sent (1 appended, 0 already in the log), 0 refused"),
        "{sent}"
    );
    assert_eq!(
        district_totals(&url, 3)["regions"][0]["approval"],
        "approved"
    );
    assert_eq!(server.stop(), 0);
}
