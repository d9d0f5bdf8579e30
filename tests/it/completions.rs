//! `rekap completions SHELL` and `rekap man` (issue 17): generated from the clap definition.

use crate::harness::{code, stderr, stdout, Sandbox};

#[test]
fn completions_and_man_pages_name_every_command() {
    let sandbox = Sandbox::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let output = sandbox.run(&["completions", shell]);
        assert_eq!(code(&output), 0, "{shell}");
        let script = stdout(&output);
        for command in ["history", "sheet", "list", "verify", "totals"] {
            assert!(script.contains(command), "{shell} completes {command}");
        }
    }
    let bash = stdout(&sandbox.run(&["completions", "bash"]));
    assert!(
        bash.contains("--format") && bash.contains("--station"),
        "flags complete too"
    );
    let man = sandbox.run(&["man"]);
    assert_eq!(code(&man), 0);
    let page = stdout(&man);
    assert!(
        page.starts_with(".ie") || page.contains(".TH rekap"),
        "{}",
        &page[..200.min(page.len())]
    );
    assert!(
        page.contains("history") && page.contains("Exit codes"),
        "the page lists commands and exit codes"
    );
    let pages = sandbox.run(&["man", "--out", "man"]);
    assert_eq!(code(&pages), 0);
    for name in ["rekap.1", "rekap-history.1", "rekap-list.1"] {
        assert!(sandbox.path("man").join(name).is_file(), "{name}");
    }
    assert_eq!(code(&sandbox.run(&["completions", "tcsh"])), 2);
}

/// Under `--lang id` the possible values and each value's description are Indonesian, in
/// the long and the short help, and the man page and completions are made from the
/// Indonesian command.
#[test]
fn possible_values_man_and_completions_are_indonesian() {
    let sandbox = Sandbox::new();
    let said = |args: &[&str]| {
        let output = sandbox.run(args);
        assert_eq!(code(&output), 0, "{args:?}: {}", stderr(&output));
        stdout(&output)
    };
    let long = said(&["--lang", "id", "demo", "--help"]);
    assert!(long.contains("Nilai yang mungkin:"), "{long}");
    assert!(
        long.contains("Seluruh negeri dari berkas wilayah"),
        "{long}"
    );
    assert!(!long.contains("Possible values"), "{long}");
    for (command, value) in [
        ("export", "nist-err"),
        ("import", "sirekap"),
        ("definition", "openelections"),
    ] {
        let short = said(&["--lang", "id", command, "-h"]);
        assert!(
            short.contains("[nilai yang mungkin: "),
            "{command}: {short}"
        );
        assert!(short.contains(value), "{command}: {short}");
        assert!(!short.contains("possible values"), "{command}: {short}");
    }
    let english = said(&["--lang", "en", "demo", "--help"]);
    assert!(english.contains("Possible values:"), "{english}");
    let page = said(&["--lang", "id", "man"]);
    assert!(
        page.contains("Jalankan Pilgub Kaltim 2024"),
        "the man page is Indonesian"
    );
    let fish = said(&["--lang", "id", "completions", "fish"]);
    assert!(
        fish.contains("Pemilu yang dibangkitkan"),
        "the completions are Indonesian"
    );
}
