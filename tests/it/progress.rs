//! Progress on long commands (issue 17): a bar with counts and the time left on a terminal,
//! nothing at all when stderr is piped or with `-q`, so scripts and logs never see it.

use std::process::Command;

use crate::harness::{code, rekap_binary, stderr, Sandbox};

/// What a progress bar or spinner leaves in text: a carriage return, an escape sequence, the
/// estimate.
fn has_progress(text: &str) -> bool {
    text.contains('\r') || text.contains('\u{1b}') || text.contains(" left)")
}

#[test]
fn piped_long_commands_print_no_progress() {
    let sandbox = Sandbox::new();
    sandbox.kaltim_genesis_store();
    let import = sandbox.run(&[
        "import",
        "-s",
        "rekap-store",
        "-k",
        "in/keys/operator.key",
        "in/sheets.csv",
    ]);
    assert_eq!(code(&import), 0, "{}", stderr(&import));
    assert!(!has_progress(&stderr(&import)), "{:?}", stderr(&import));
    for args in [
        &["export", "-s", "demo-store", "--out", "piped.rekap"][..],
        &["publish", "-s", "demo-store", "--out", "web"],
        &["audit", "-s", "demo-store"],
        &["verify", "-s", "demo-store"],
        &["totals", "-s", "demo-store"],
    ] {
        let output = sandbox.run(args);
        assert_eq!(code(&output), 0, "{args:?}: {}", stderr(&output));
        assert!(
            !has_progress(&stderr(&output)),
            "{args:?}: {:?}",
            stderr(&output)
        );
    }
}

/// Runs `rekap ARGS` with a terminal for its output (util-linux `script`), all output
/// together.
fn on_a_terminal(sandbox: &Sandbox, args: &str) -> String {
    let output = Command::new("script")
        .args(["-qec", &format!("{} {args}", rekap_binary()), "/dev/null"])
        .current_dir(sandbox.path("."))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script (util-linux) runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn on_a_terminal_export_and_publish_show_counts_and_an_estimate_unless_quiet() {
    let sandbox = Sandbox::new();
    sandbox.kaltim_genesis_store();
    let export = on_a_terminal(&sandbox, "export -s demo-store --out shown.rekap");
    assert!(export.contains("exporting ["), "{export:?}");
    assert!(
        export.contains("MiB (") && export.contains(" left)"),
        "{export:?}"
    );
    let publish = on_a_terminal(&sandbox, "publish -s demo-store --out web");
    assert!(publish.contains("publishing tiles ["), "{publish:?}");
    assert!(publish.contains(" left)"), "{publish:?}");
    let quiet = on_a_terminal(&sandbox, "-q export -s demo-store --out quiet.rekap");
    assert!(quiet.contains("exported"), "{quiet:?}");
    assert!(!has_progress(&quiet.replace("\r\n", "\n")), "{quiet:?}");
}

#[test]
fn on_a_terminal_import_audit_and_replay_show_counts_and_an_estimate() {
    let sandbox = Sandbox::new();
    sandbox.kaltim_genesis_store();
    let import = on_a_terminal(
        &sandbox,
        "import -s rekap-store -k in/keys/operator.key in/sheets.csv",
    );
    assert!(import.contains("checking the rows ["), "{import:?}");
    assert!(import.contains(" left)"), "{import:?}");
    let audit = on_a_terminal(&sandbox, "audit -s demo-store");
    assert!(audit.contains("replaying every decision ["), "{audit:?}");
    assert!(audit.contains(" left)"), "{audit:?}");
    // A replay (history without its view reads the whole log) counts records, grouped, in
    // the language chosen.
    std::fs::remove_file(sandbox.path("demo-store/history.view")).unwrap();
    let replay = on_a_terminal(&sandbox, "--lang id history -s demo-store --region 64");
    assert!(replay.contains("memutar ulang log ["), "{replay:?}");
    assert!(replay.contains(" lagi)"), "{replay:?}");
}
