use serde_json::Value;

use crate::harness::{code, run_ok, stderr, stdout, Sandbox};

fn head(text: &str) -> Option<String> {
    text.lines()
        .find(|line| line.trim_start().starts_with("head "))
        .map(str::to_owned)
}

#[test]
fn the_kaltim_demo_ends_at_the_official_result_and_is_deterministic() {
    let sandbox = Sandbox::new();
    let first = sandbox.run(&["demo", "--lang", "en"]);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    let text = stdout(&first);
    assert!(
        text.contains("793,793") && text.contains("996,399"),
        "{text}"
    );
    assert!(text.contains("matches the official KPU result"), "{text}");
    assert!(
        text.contains("approved again"),
        "an objection led to a re-approval: {text}"
    );
    let second = sandbox.run(&["demo", "--lang", "en"]);
    assert_eq!(code(&second), 0, "{}", stderr(&second));
    assert_eq!(head(&text), head(&stdout(&second)), "same seed, same head");
    let other = sandbox.run(&["demo", "--seed", "7", "--store", "other"]);
    assert_ne!(head(&text), head(&stdout(&other)));

    let verify = sandbox.run(&["verify", "--log", "rekap-demo-store.rekap", "--json"]);
    assert_eq!(code(&verify), 0, "{}", stdout(&verify));
    let totals = sandbox.run(&[
        "totals",
        "--store",
        "rekap-demo-store",
        "--level",
        "regency",
        "--format",
        "json",
    ]);
    let json: Value = serde_json::from_str(&stdout(&totals)).unwrap();
    assert_eq!(json["regions"].as_array().unwrap().len(), 10);
    assert!(json["regions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|region| region["approval"] == "approved"));
    // The totals JSON example of docs/OPERATOR.md (both languages) is what the demo prints.
    let province = sandbox.run(&["totals", "--store", "rekap-demo-store", "-f", "json"]);
    let mut printed: Value = serde_json::from_str(&stdout(&province)).unwrap();
    for guide in [
        include_str!("../../docs/OPERATOR.md"),
        include_str!("../../docs/OPERATOR.id.md"),
    ] {
        let line = guide
            .lines()
            .find(|line| line.starts_with("{\"contest\":\"pilgub-kaltim-2024\",\"head\""))
            .expect("the guide's totals example");
        let example: Value = serde_json::from_str(line).unwrap();
        let shown = example["head"]["hash"]
            .as_str()
            .unwrap()
            .trim_end_matches('…');
        assert!(printed["head"]["hash"].as_str().unwrap().starts_with(shown));
        printed["head"]["hash"] = example["head"]["hash"].clone();
        assert_eq!(printed, example, "docs/OPERATOR's totals example");
    }
    let indonesian = sandbox.run(&["totals", "--store", "rekap-demo-store", "--lang", "id"]);
    assert!(
        stdout(&indonesian).contains("1.790.192"),
        "{}",
        stdout(&indonesian)
    );
}

#[test]
fn the_demo_scales_and_proves_a_station() {
    let sandbox = Sandbox::new();
    let output = sandbox.run(&["demo", "--stations", "300", "--lang", "en"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = stdout(&output);
    let prove_line = text
        .lines()
        .find(|line| line.contains("rekap prove"))
        .unwrap();
    let args: Vec<&str> = prove_line.split_whitespace().skip(1).collect();
    let proved = sandbox.run(&args);
    assert_eq!(code(&proved), 0, "{}", stderr(&proved));
    let verified = sandbox.run(&["verify-proof", "--proof", "proof.json"]);
    assert_eq!(code(&verified), 0, "{}", stdout(&verified));
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

/// A refused demo (a bad preset size, an --inputs that is not empty, is a file or lies under
/// a file) leaves the earlier demo's store and export byte for byte as they were, and names
/// the path it refused.
#[test]
fn a_refused_demo_leaves_the_earlier_demo_as_it_was() {
    use crate::publish::snapshot;
    let sandbox = Sandbox::new();
    let made = sandbox.run(&["demo", "--stations", "3", "-q", "--inputs", "in"]);
    assert_eq!(code(&made), 0, "{}", stderr(&made));
    let store = sandbox.path("rekap-demo-store");
    let before = snapshot(&store);
    let export = std::fs::read(sandbox.path("rekap-demo-store.rekap")).unwrap();
    for (args, named) in [
        (
            vec!["demo", "--stations", "3", "--inputs", "in", "-q"],
            "in",
        ),
        (vec!["demo", "--stations", "0", "-q"], ""),
        (
            vec![
                "demo",
                "--stations",
                "3",
                "--inputs",
                "in/keys/operator.key",
            ],
            "in/keys/operator.key",
        ),
        (
            vec![
                "demo",
                "--stations",
                "3",
                "--inputs",
                "in/keys/operator.key/x",
            ],
            "in/keys/operator.key/x",
        ),
    ] {
        let refused = sandbox.run(&args);
        assert_ne!(code(&refused), 0, "{args:?} was refused");
        assert!(
            stderr(&refused).contains(named),
            "{args:?}: {}",
            stderr(&refused)
        );
        assert_eq!(
            before,
            snapshot(&store),
            "{args:?} left the store as it was"
        );
        assert_eq!(
            export,
            std::fs::read(sandbox.path("rekap-demo-store.rekap")).unwrap(),
            "{args:?} left the export as it was"
        );
    }
}

/// `demo --inputs` writes every key a district plenary needs: a fresh store made from the
/// written files alone holds the plenary of the corrected station's district (both pairs'
/// witnesses sign, the district's official approves) and the approval is accepted.
#[test]
fn the_demo_inputs_hold_a_district_plenary_from_the_files_alone() {
    let sandbox = Sandbox::new();
    let made = sandbox.run(&["demo", "--stations", "300", "-q", "--inputs", "in"]);
    assert_eq!(code(&made), 0, "{}", stderr(&made));
    let district = std::fs::read_dir(sandbox.path("in/keys"))
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| {
            Some(
                name.strip_prefix("official-")?
                    .strip_suffix(".key")?
                    .to_owned(),
            )
        })
        .find(|code| code.len() == 6)
        .expect("a district official's key");
    let contest = "pilgub-kaltim-2024";
    let run = |args: &[&str]| run_ok(&sandbox, args);
    run(&[
        "init",
        "-s",
        "s",
        "--election",
        "in/election.json",
        "-k",
        "in/keys/registrar.key",
    ]);
    run(&[
        "import",
        "-s",
        "s",
        "-k",
        "in/keys/operator.key",
        "in/sheets.csv",
        "-q",
    ]);
    let key = |name: &str| format!("in/keys/{name}");
    let mut approve = vec![
        "approve".to_owned(),
        "-s".into(),
        "s".into(),
        "-k".into(),
        key(&format!("official-{district}.key")),
        "--region".into(),
        district.clone(),
        "--contest".into(),
        contest.into(),
    ];
    for pair in ["1", "2"] {
        let public = key(&format!("witness-{pair}.key.pub"));
        run(&[
            "register",
            "-s",
            "s",
            "-k",
            "in/keys/registrar.key",
            "--officer",
            &public,
            "--role",
            "witness",
            "--contest",
            contest,
            "--pair",
            pair,
            "--scope",
            "64",
        ]);
        let signature = format!("witness-{pair}.sig");
        run(&[
            "sign",
            "-s",
            "s",
            "-k",
            &key(&format!("witness-{pair}.key")),
            "--region",
            &district,
            "--contest",
            contest,
            "--out",
            &signature,
        ]);
        approve.extend(["--signature".to_owned(), signature]);
    }
    run(&approve.iter().map(String::as_str).collect::<Vec<_>>());
    let totals: Value = serde_json::from_str(&run(&[
        "totals", "-s", "s", "--level", "district", "-f", "json",
    ]))
    .unwrap();
    let region = totals["regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|region| region["code"] == district.as_str())
        .unwrap_or_else(|| panic!("{district} in {totals}"));
    assert_eq!(region["approval"], "approved", "{region}");
}
