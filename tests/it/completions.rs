//! `rekap completions SHELL` and `rekap man` (issue 17): generated from the clap definition.

use crate::harness::{code, stdout, Sandbox};

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
