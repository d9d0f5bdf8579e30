//! The exit code names the kind of failure: a full disk or a file grown past its limit is
//! IO (3), a file that is not the text it should be is bad input (1).

use crate::harness::{code, stderr, stdout, Sandbox};

/// `ulimit -f` makes the kernel refuse to grow a file past the limit with EFBIG (SIGXFSZ
/// ignored, or it would kill the process instead): an import too large for the limit fails
/// in the middle of its append, as it would on a file system with a small file size limit.
#[test]
fn an_append_refused_as_file_too_large_exits_3_and_appends_nothing() {
    let sandbox = Sandbox::new();
    sandbox.kaltim_genesis_store();
    let segment = sandbox.path("rekap-store/log.segment");
    let length = std::fs::metadata(&segment).unwrap().len();
    // The genesis is about 75 KB; the sheets add about 2 MB. `ulimit -f` counts 512-byte
    // blocks in dash and 1024-byte blocks in bash: 400 blocks is between the two either way.
    let output = sandbox.shell(
        "trap '' XFSZ; ulimit -f 400 && exec \"$REKAP\" import --key in/keys/operator.key \
         in/sheets.csv",
    );
    assert_eq!(code(&output), 3, "{}{}", stdout(&output), stderr(&output));
    assert!(
        stderr(&output).contains("File too large"),
        "{}",
        stderr(&output)
    );
    let verify = sandbox.run(&["verify", "--store", "rekap-store"]);
    assert_eq!(code(&verify), 0, "{}", stdout(&verify));
    assert!(
        stdout(&verify).contains("1 record verifies"),
        "{}",
        stdout(&verify)
    );
    assert_eq!(std::fs::metadata(&segment).unwrap().len(), length);
}

/// A full disk cannot be made without privileges under a store; /dev/full gives ENOSPC to
/// every write, so it stands in for the output. (A full disk under the store comes out of
/// the same append path as the file-too-large case above, classified by `exit::code_of`,
/// whose unit tests hold it with a constructed "No space left on device" error.)
#[test]
fn output_to_a_full_disk_exits_3() {
    let sandbox = Sandbox::new();
    sandbox.kaltim_genesis_store();
    let output = sandbox.shell("exec \"$REKAP\" verify --store rekap-store > /dev/full");
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("No space left"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_definition_that_is_not_utf8_is_bad_input_and_creates_nothing() {
    let sandbox = Sandbox::new();
    let demo = sandbox.run(&["demo", "--store", "demo-store", "--inputs", "in"]);
    assert_eq!(code(&demo), 0, "{}", stderr(&demo));
    let mut definition = std::fs::read(sandbox.path("in/election.json")).unwrap();
    definition[40] = 0xC3; // the start of a two-byte sequence, then not its continuation
    std::fs::write(sandbox.path("in/election.json"), &definition).unwrap();
    let output = sandbox.run(&[
        "init",
        "--election",
        "in/election.json",
        "--key",
        "in/keys/registrar.key",
    ]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("in/election.json is not UTF-8 text (byte 41"),
        "{}",
        stderr(&output)
    );
    assert!(!sandbox.path("rekap-store").exists());
}

/// Small things of the command line (review of issue 17, item 17): a usage line in an error
/// lists what is required, not the arguments given (`--store <DIR>` has a default); every
/// command's `--lang` says the same; `prove --out -` writes the proof to stdout.
#[test]
fn usage_lines_lang_help_and_prove_to_stdout() {
    let sandbox = crate::harness::Sandbox::new();
    let missing = sandbox.run(&["history", "-s", "somewhere", "--lang", "en"]);
    assert_eq!(crate::harness::code(&missing), 2);
    let said = crate::harness::stderr(&missing);
    let usage = said
        .lines()
        .find(|line| line.starts_with("Usage:"))
        .unwrap();
    assert!(!usage.contains("--store"), "{said}");
    assert!(usage.contains("[OPTIONS]"), "{said}");
    let mut lang_lines = std::collections::BTreeSet::new();
    for command in ["demo", "totals", "status", "history", "sheet", "list"] {
        let help = crate::harness::stdout(&sandbox.run(&[command, "--help", "--lang", "en"]));
        let at = help
            .find("--lang <")
            .unwrap_or_else(|| panic!("{command}: {help}"));
        let line: String = help[at..].lines().take(2).collect::<Vec<_>>().join(" ");
        lang_lines.insert(
            line.split_whitespace()
                .skip(2)
                .take(6)
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    assert_eq!(lang_lines.len(), 1, "{lang_lines:?}");

    let demo = sandbox.run(&["demo", "--stations", "3", "-q"]);
    assert_eq!(crate::harness::code(&demo), 0);
    let sheets = sandbox.run(&[
        "totals",
        "-s",
        "rekap-demo-store",
        "--level",
        "station",
        "-f",
        "json",
    ]);
    let stations: serde_json::Value =
        serde_json::from_str(&crate::harness::stdout(&sheets)).unwrap();
    let station = stations["stations"][0]["code"].as_str().unwrap();
    let proved = sandbox.run(&[
        "prove",
        "-s",
        "rekap-demo-store",
        "--contest",
        "pilgub-kaltim-2024",
        "--station",
        station,
        "--out",
        "-",
    ]);
    assert_eq!(
        crate::harness::code(&proved),
        0,
        "{}",
        crate::harness::stderr(&proved)
    );
    let proof: serde_json::Value =
        serde_json::from_str(&crate::harness::stdout(&proved)).expect("the proof on stdout");
    assert_eq!(proof["station"], station);
    assert!(!sandbox.path("-").exists());
}

/// A server that cannot be reached (nothing listens on 127.0.0.1:9 here) is tried again
/// for `--wait` seconds, and the first failure says so at once with how long: a mistyped
/// `--server` is not 20 s of silence. Then exit 3 (IO), with the reason; `-q` keeps the
/// note back, never the error.
#[test]
fn an_unreachable_server_is_said_to_be_tried_again_then_exits_3() {
    let sandbox = Sandbox::new();
    let server = ["--server", "http://127.0.0.1:9", "--wait", "1"];
    let status = sandbox.run(&[&["status"][..], &server[..]].concat());
    assert_eq!(code(&status), 3, "{}", stderr(&status));
    let said = stderr(&status);
    let note = said.lines().next().unwrap_or_default();
    assert!(
        note.starts_with("the server is not reachable or busy ("),
        "{said}"
    );
    assert!(note.contains("trying again for up to 1 s"), "{said}");
    assert!(
        said.lines()
            .last()
            .unwrap_or_default()
            .starts_with("error: "),
        "{said}"
    );
    let quiet = sandbox.run(&[&["-q", "status"][..], &server[..]].concat());
    assert_eq!(code(&quiet), 3, "{}", stderr(&quiet));
    assert!(
        !stderr(&quiet).contains("not reachable"),
        "{}",
        stderr(&quiet)
    );
    assert!(stderr(&quiet).starts_with("error: "), "{}", stderr(&quiet));
}
