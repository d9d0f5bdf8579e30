use crate::harness::{code, stderr, stdout, Sandbox};

#[test]
fn demo_builds_verifies_and_exports_and_can_run_twice() {
    let sandbox = Sandbox::new();
    let first = sandbox.run(&["demo"]);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    assert!(stdout(&first).contains("verified 10101 records"));
    let second = sandbox.run(&["demo"]);
    assert_eq!(code(&second), 0, "{}", stderr(&second));
    let head = |text: String| {
        text.lines()
            .find(|line| line.starts_with("head "))
            .map(str::to_owned)
    };
    assert_eq!(
        head(stdout(&first)),
        head(stdout(&second)),
        "the demo is deterministic"
    );
    let export = sandbox.path("rekap-demo-store.rekap");
    let verify = sandbox.run(&["verify", "--log", export.to_str().unwrap()]);
    assert_eq!(code(&verify), 0, "{}", stdout(&verify));
}

#[test]
fn demo_never_replaces_what_it_did_not_make() {
    let sandbox = Sandbox::new();
    let precious = sandbox.path("rekap-demo-store");
    std::fs::create_dir(&precious).unwrap();
    std::fs::write(precious.join("thesis.txt"), "years of work").unwrap();
    let output = sandbox.run(&["demo"]);
    assert_eq!(code(&output), 3);
    assert!(stderr(&output).contains("was not made by `rekap demo`"));
    assert!(precious.join("thesis.txt").exists());
}
