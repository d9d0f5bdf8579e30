//! No Rust debug text reaches a user (issue 17): every reading command of the demo's store,
//! in both languages and every format for people, and the common refusals, are scanned for
//! struct and enum debug forms (`Witness { contest: .., pair: 1 }`, `Some(..)`,
//! `UnexpectedVariant`, `[120, 95]`).

use crate::harness::{code, stderr, stdout, Sandbox};

/// What in `text` looks like Rust's `{:?}`: the offending line, if any.
pub fn debug_looking_line(text: &str) -> Option<&str> {
    text.lines().find(|line| line_looks_like_debug(line))
}

fn line_looks_like_debug(line: &str) -> bool {
    let wrappers = ["Some(", "None)", "Ok(", "Err(", "\\\""];
    if wrappers.iter().any(|wrapper| line.contains(wrapper)) {
        return true;
    }
    // `Name { field: ` and `[1, 2]`.
    let bytes = line.as_bytes();
    for (at, window) in bytes.windows(3).enumerate() {
        if window == b" { " {
            let rest = &line[at + 3..];
            let field: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !field.is_empty() && rest[field.len()..].starts_with(": ") {
                return true;
            }
        }
    }
    if line.contains('[')
        && line.split('[').skip(1).any(|after| {
            after.chars().next().is_some_and(|c| c.is_ascii_digit()) && after.contains(", ")
        })
    {
        return true;
    }
    // A CamelCase word of letters only (a Rust variant or type name), e.g. HighTurnout.
    line.split_whitespace().any(|token| {
        let word = token.trim_matches(|c: char| ".,:;()[]{}\"'".contains(c));
        let letters = word.len() > 3 && word.chars().all(|c| c.is_ascii_alphabetic());
        let humps = word
            .as_bytes()
            .windows(2)
            .any(|pair| pair[0].is_ascii_lowercase() && pair[1].is_ascii_uppercase());
        letters && humps && word.as_bytes()[0].is_ascii_uppercase()
    })
}

#[test]
fn the_detector_sees_the_debug_forms_the_issue_names() {
    for debug in [
        "author 1a2b (Witness { contest: \"pilgub\", pair: 1 } of 64)",
        "flag HighTurnout { voted: 99, registered: 100 }",
        "payload does not decode: UnexpectedVariant",
        "votes [120, 95] valid 215",
        "seq Some(3)",
    ] {
        assert!(line_looks_like_debug(debug), "{debug}");
    }
    for plain in [
        "6401012009-001 pilgub-kaltim-2024 sheet submitted votes 1: 120, 2: 95",
        "  1 ISRAN NOOR - SEFNI: 793,793 (44.34%)",
        "{\"ok\":true,\"records\":[1,2]}",
        "head 0f3a9c",
    ] {
        assert!(!line_looks_like_debug(plain), "{plain}");
    }
}

/// Runs `args`; fails on debug text in stdout or stderr. Returns stdout.
fn scanned(sandbox: &Sandbox, args: &[&str]) -> String {
    let output = sandbox.run(args);
    for text in [stdout(&output), stderr(&output)] {
        if let Some(line) = debug_looking_line(&text) {
            panic!(
                "rekap {} printed debug text: {line}\n{text}",
                args.join(" ")
            );
        }
    }
    stdout(&output)
}

#[test]
fn no_command_of_the_demo_prints_rust_debug_text() {
    let sandbox = Sandbox::new();
    let demo = sandbox.run(&[
        "demo",
        "--stations",
        "300",
        "--inputs",
        "in",
        "--lang",
        "en",
    ]);
    assert_eq!(code(&demo), 0, "{}", stderr(&demo));
    assert!(
        debug_looking_line(&stdout(&demo)).is_none(),
        "{}",
        stdout(&demo)
    );
    let store = ["--store", "rekap-demo-store"];
    let with_store = |args: &[&str]| -> Vec<String> {
        args.iter()
            .chain(&store)
            .map(|arg| (*arg).to_owned())
            .collect()
    };
    let station = first_station(&sandbox);
    let mut commands: Vec<Vec<String>> = Vec::new();
    for lang in ["en", "id"] {
        commands.push(with_store(&["status", "--lang", lang]));
        for level in ["province", "regency", "district", "village"] {
            commands.push(with_store(&["totals", "--level", level, "--lang", lang]));
        }
        commands.push(with_store(&["history", "--region", "64", "--lang", lang]));
        commands.push(with_store(&[
            "history",
            "--station",
            &station,
            "--lang",
            lang,
        ]));
    }
    commands.push(with_store(&["totals", "--format", "csv"]));
    commands.push(with_store(&["audit"]));
    commands.push(with_store(&["verify"]));
    commands.push(vec![
        "audit".into(),
        "--log".into(),
        "rekap-demo-store.rekap".into(),
    ]);
    commands.push(vec![
        "verify".into(),
        "--log".into(),
        "rekap-demo-store.rekap".into(),
    ]);
    commands.push(with_store(&["log-key"]));
    commands.push(with_store(&[
        "prove",
        "--contest",
        "pilgub-kaltim-2024",
        "--station",
        &station,
        "--out",
        "p.json",
    ]));
    commands.push(vec![
        "verify-proof".into(),
        "--proof".into(),
        "p.json".into(),
    ]);
    // Refusals: unknown codes, a forged export, an out-of-range record.
    commands.push(with_store(&["history", "--station", "9999999999-999"]));
    commands.push(with_store(&["totals", "--at", "0"]));
    commands.push(with_store(&["totals", "--region", "nowhere"]));
    for command in &commands {
        let args: Vec<&str> = command.iter().map(String::as_str).collect();
        scanned(&sandbox, &args);
    }
    let mut bytes = std::fs::read(sandbox.path("rekap-demo-store.rekap")).unwrap();
    let last = bytes.len() - 100;
    bytes[last] ^= 0x40;
    std::fs::write(sandbox.path("forged.rekap"), &bytes).unwrap();
    scanned(&sandbox, &["audit", "--log", "forged.rekap"]);
    scanned(&sandbox, &["verify", "--log", "forged.rekap"]);
}

/// The first station of the demo's sheets file.
fn first_station(sandbox: &Sandbox) -> String {
    let sheets = std::fs::read_to_string(sandbox.path("in/sheets.csv")).unwrap();
    let row = sheets.lines().nth(1).unwrap();
    row.split(',').next().unwrap().to_owned()
}
