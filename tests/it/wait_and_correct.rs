//! Operators' daily work (issue 17): `correct` starts from the current sheet and keeps the
//! male/female split; writers `--wait` for the lock; readers share it.

use serde_json::Value;

use crate::harness::{code, stderr, stdout, Sandbox};

const CONTEST: &str = "pilgub-kaltim-2024";

fn sheet(sandbox: &Sandbox, station: &str) -> Value {
    let output = sandbox.run(&["sheet", station, "-s", "rekap-demo-store", "-f", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).unwrap()
}

fn first_station(sandbox: &Sandbox) -> String {
    let sheets = std::fs::read_to_string(sandbox.path("in/sheets.csv")).unwrap();
    sheets
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn a_correction_changes_only_the_fields_given_and_keeps_the_split() {
    let sandbox = Sandbox::new();
    assert_eq!(
        code(&sandbox.run(&["demo", "--stations", "300", "--inputs", "in"])),
        0
    );
    let station = first_station(&sandbox);
    let before = sheet(&sandbox, &station);
    let votes: Vec<u64> = before["sheet"]["votes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| pair["votes"].as_u64().unwrap())
        .collect();
    assert!(
        before["sheet"]["voted"]["dpt"]["male"].is_u64(),
        "the demo's sheets carry the split"
    );
    // One vote moved from pair 2 to pair 1: only --votes given.
    let moved = format!("{},{}", votes[0] + 1, votes[1] - 1);
    let corrected = sandbox.run(&[
        "correct",
        "-s",
        "rekap-demo-store",
        "-k",
        "in/keys/official-64.key",
        "--station",
        &station,
        "--contest",
        CONTEST,
        "--votes",
        &moved,
        "--reason",
        "recount",
    ]);
    assert_eq!(code(&corrected), 0, "{}", stderr(&corrected));
    let after = sheet(&sandbox, &station);
    assert_eq!(after["entry"]["kind"], "sheet_corrected");
    assert_eq!(
        after["sheet"]["votes"][0]["votes"].as_u64().unwrap(),
        votes[0] + 1
    );
    for field in ["registered", "voted", "ballots", "valid", "invalid"] {
        assert_eq!(
            after["sheet"][field], before["sheet"][field],
            "{field} kept"
        );
    }

    // A changed turnout total without its split is refused, naming the flags; nothing is
    // appended.
    let total = before["sheet"]["voted"]["dpt"]["total"].as_u64().unwrap();
    let refused = sandbox.run(&[
        "correct",
        "-s",
        "rekap-demo-store",
        "-k",
        "in/keys/official-64.key",
        "--station",
        &station,
        "--contest",
        CONTEST,
        "--voted-dpt",
        &(total + 1).to_string(),
        "--reason",
        "x",
    ]);
    assert_eq!(code(&refused), 1);
    assert!(
        stderr(&refused).contains("--voted-dpt-male"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(sheet(&sandbox, &station), after);

    // submit names what it lacks.
    let bare = sandbox.run(&[
        "submit",
        "-s",
        "rekap-demo-store",
        "-k",
        "in/keys/operator.key",
        "--station",
        &station,
        "--contest",
        CONTEST,
        "--votes",
        "1,2",
    ]);
    assert_eq!(code(&bare), 1);
    assert!(
        stderr(&bare).contains("--dpt") && stderr(&bare).contains("--valid"),
        "{}",
        stderr(&bare)
    );
}

#[test]
fn a_writer_waits_for_the_lock_and_readers_share_it() {
    let sandbox = Sandbox::new();
    assert_eq!(
        code(&sandbox.run(&["demo", "--stations", "300", "--inputs", "in"])),
        0
    );
    let station = first_station(&sandbox);
    let revote = format!(
        "\"$REKAP\" revote -s rekap-demo-store -k in/keys/official-64.key --station {station} \
         --contest {CONTEST} --reason PSU"
    );
    // An exclusive holder (a writer): at once, exit 4; with --wait, done once it lets go.
    let at_once = sandbox.shell(&format!(
        "flock rekap-demo-store/LOCK sleep 2 & sleep 0.5; {revote}; echo \"exit $?\"; wait"
    ));
    assert!(
        stdout(&at_once).contains("exit 4"),
        "{}{}",
        stdout(&at_once),
        stderr(&at_once)
    );
    let waited = sandbox.shell(&format!(
        "flock rekap-demo-store/LOCK sleep 2 & sleep 0.5; {revote} --wait 30; echo \"exit $?\"; wait"
    ));
    assert!(
        stdout(&waited).contains("exit 0"),
        "{}{}",
        stdout(&waited),
        stderr(&waited)
    );
    assert!(
        stderr(&waited).contains("waiting up to 30 s"),
        "{}",
        stderr(&waited)
    );
    // A shared holder (a reader): other readers go on; a writer without --wait does not.
    let readers = sandbox.shell(&format!(
        "flock -s rekap-demo-store/LOCK sleep 2 & sleep 0.5; \
         \"$REKAP\" history -s rekap-demo-store --station {station} > /dev/null; echo \"history $?\"; \
         \"$REKAP\" sheet -s rekap-demo-store {station} > /dev/null; echo \"sheet $?\"; \
         {revote}; echo \"writer $?\"; wait"
    ));
    let text = stdout(&readers);
    assert!(
        text.contains("history 0") && text.contains("sheet 0"),
        "{text}{}",
        stderr(&readers)
    );
    assert!(text.contains("writer 4"), "{text}");
}
