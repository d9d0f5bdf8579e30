//! `rekap import` through the binary: bad rows listed by line, field and rule with nothing
//! appended; a good file appended once; a re-run appends nothing.

use serde_json::Value;

use crate::harness::{code, stderr, stdout, Sandbox};

fn head(sandbox: &Sandbox) -> Value {
    let output = sandbox.run(&["verify", "--store", "store", "--json"]);
    serde_json::from_str(&stdout(&output)).unwrap()
}

pub(crate) fn set_up() -> Sandbox {
    let sandbox = Sandbox::new();
    let demo = sandbox.run(&[
        "demo",
        "--stations",
        "60",
        "--store",
        "demo",
        "--inputs",
        "in",
    ]);
    assert_eq!(code(&demo), 0, "{}", stderr(&demo));
    let init = sandbox.run(&[
        "init",
        "--store",
        "store",
        "--election",
        "in/election.json",
        "--key",
        "in/keys/registrar.key",
    ]);
    assert_eq!(code(&init), 0, "{}", stderr(&init));
    sandbox
}

#[test]
fn a_file_with_bad_rows_lists_each_and_appends_nothing() {
    let sandbox = set_up();
    let good = std::fs::read_to_string(sandbox.path("in/sheets.csv")).unwrap();
    let mut lines: Vec<String> = good.lines().map(str::to_owned).collect();
    // Line 3: votes that do not add up (a Sirekap-style misread). Line 5: not a number.
    let mut third: Vec<String> = lines[2].split(',').map(str::to_owned).collect();
    let votes_1 = lines[0]
        .split(',')
        .position(|column| column == "votes_1")
        .unwrap();
    third[votes_1] = "826".into();
    lines[2] = third.join(",");
    lines[4] = lines[4].replacen(",", ",x", 3).replacen(",x", ",", 2);
    std::fs::write(sandbox.path("bad.csv"), lines.join("\n") + "\n").unwrap();
    let before = head(&sandbox);
    let output = sandbox.run(&[
        "import",
        "--store",
        "store",
        "--key",
        "in/keys/operator.key",
        "bad.csv",
    ]);
    assert_eq!(code(&output), 1);
    let report = stderr(&output);
    assert!(
        report.contains("line 3") && report.contains("pair-votes=valid"),
        "{report}"
    );
    assert!(report.contains("line 5"), "{report}");
    assert!(report.contains("nothing imported"), "{report}");
    assert_eq!(head(&sandbox), before, "the store is unchanged");
}

#[test]
fn a_good_file_is_appended_once_and_a_rerun_appends_nothing() {
    let sandbox = set_up();
    let args = [
        "import",
        "--store",
        "store",
        "--key",
        "in/keys/operator.key",
        "in/sheets.csv",
    ];
    let dry = sandbox.run(&[&args[..], &["--dry-run"]].concat());
    assert_eq!(code(&dry), 0, "{}", stderr(&dry));
    assert!(stdout(&dry).contains("60 to append"), "{}", stdout(&dry));
    let first = sandbox.run(&args);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    let after = head(&sandbox);
    let again = sandbox.run(&args);
    assert_eq!(code(&again), 0);
    assert!(
        stdout(&again).contains("0 to append, 60 already imported"),
        "{}",
        stdout(&again)
    );
    assert_eq!(head(&sandbox), after);
}

#[test]
fn a_closed_output_pipe_is_not_an_error() {
    let sandbox = Sandbox::new();
    assert_eq!(code(&sandbox.run(&["demo"])), 0);
    // The history of the province is about a megabyte: far more than a pipe holds, so the
    // writer meets a closed pipe.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("rekap"))
        .current_dir(sandbox.path(""))
        .args(["history", "--store", "rekap-demo-store", "64"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let errors = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{errors}");
    assert!(
        !errors.contains("panicked") && errors.is_empty(),
        "{errors}"
    );
}

/// The views an import saves (the history view's new entries taken from the decisions, not
/// read back from the log) are the replay's: `audit` check 8 holds all three to it, and
/// `history` answers from the saved view.
#[test]
fn the_views_an_import_saves_are_the_replays() {
    let sandbox = set_up();
    let import = sandbox.run(&[
        "import",
        "--store",
        "store",
        "--key",
        "in/keys/operator.key",
        "in/sheets.csv",
    ]);
    assert_eq!(code(&import), 0, "{}", stderr(&import));
    for view in ["totals.view", "stations.view", "history.view"] {
        assert!(sandbox.path(&format!("store/{view}")).exists(), "{view}");
    }
    let audit = sandbox.run(&["audit", "--store", "store", "--json"]);
    assert_eq!(code(&audit), 0, "{}", stdout(&audit));
    let report: Value = serde_json::from_str(&stdout(&audit)).unwrap();
    let check_8 = &report["checks"][7];
    assert_eq!(check_8["number"], 8, "{report}");
    assert_eq!(check_8["passed"], true, "{check_8}");
}
