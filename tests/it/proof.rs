//! `prove` and `verify-proof`: a proof at every plenary level, from a store or an export,
//! and every field of the proof file bound (each mutated in turn must fail).

use rekap_ledger::proof::{parse_proof, verify_proof};
use rekap_tlog::note::Verifier;
use serde_json::Value;

use crate::harness::{code, stderr, stdout, Sandbox};

const CONTEST: &str = "pilgub-kaltim-2024";

/// A small demo store and its export, and the station its prove line names.
fn demo() -> (Sandbox, String) {
    let sandbox = Sandbox::new();
    let output = sandbox.run(&["demo", "--stations", "40", "--lang", "en"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = stdout(&output);
    let station = text
        .split("--station ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the demo names a station to prove")
        .to_owned();
    // The log's key and checkpoint, for proofs from the export and for verify-proof.
    for (command, file) in [("checkpoint", "demo.cp"), ("log-key", "log.vkey")] {
        let output = sandbox.run(&[command, "--store", "rekap-demo-store"]);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        std::fs::write(sandbox.path(file), stdout(&output)).unwrap();
    }
    (sandbox, station)
}

fn log_key(sandbox: &Sandbox) -> Verifier {
    let text = std::fs::read_to_string(sandbox.path("log.vkey")).unwrap();
    Verifier::from_vkey(text.trim()).unwrap()
}

fn prove(sandbox: &Sandbox, source: &[&str], station: &str, level: &[&str], out: &str) -> String {
    let mut args = vec!["prove"];
    args.extend(source);
    args.extend(["--contest", CONTEST, "--station", station, "--out", out]);
    args.extend(level);
    let output = sandbox.run(&args);
    assert_eq!(code(&output), 0, "{args:?}: {}", stderr(&output));
    std::fs::read_to_string(sandbox.path(out)).unwrap()
}

const STORE: [&str; 2] = ["--store", "rekap-demo-store"];
const EXPORT: [&str; 4] = ["--log", "rekap-demo-store.rekap", "--checkpoint", "demo.cp"];
const KEY: [&str; 2] = ["--log-key", "log.vkey"];

#[test]
fn a_proof_ends_at_every_plenary_level_from_a_store_or_an_export() {
    let (sandbox, station) = demo();
    let highest = prove(&sandbox, &STORE, &station, &[], "highest.json");
    for (level, region_length) in [("district", 6), ("regency", 4), ("province", 2)] {
        let out = format!("{level}.json");
        let from_store = prove(&sandbox, &STORE, &station, &["--level", level], &out);
        let from_export = prove(&sandbox, &EXPORT, &station, &["--level", level], "x.json");
        std::fs::remove_file(sandbox.path("x.json")).unwrap();
        assert_eq!(
            from_store, from_export,
            "{level}: the export proves the same"
        );
        let proof = parse_proof(&from_store).unwrap();
        assert_eq!(proof.approval.region, station[..region_length], "{level}");
        let verified = sandbox.run(&["verify-proof", "--proof", &out, KEY[0], KEY[1]]);
        assert_eq!(code(&verified), 0, "{}", stdout(&verified));
        assert!(
            stdout(&verified).contains("(signed by the log key)"),
            "{}",
            stdout(&verified)
        );
        assert!(
            stdout(&verified).contains(&format!(
                "inside the approval of {}",
                &station[..region_length]
            )),
            "{}",
            stdout(&verified)
        );
        if level == "province" {
            assert_eq!(
                from_store, highest,
                "the default is the highest approved level"
            );
        }
    }
    let refused = sandbox.run(&[
        "prove",
        "--store",
        "rekap-demo-store",
        "--contest",
        CONTEST,
        "--station",
        &station,
        "--level",
        "village",
        "--out",
        "v.json",
    ]);
    assert_eq!(code(&refused), 1);
    assert!(
        stderr(&refused).contains("holds no plenary"),
        "{}",
        stderr(&refused)
    );
    assert!(!sandbox.path("v.json").exists());

    // An export that does not verify proves nothing.
    let mut export = std::fs::read(sandbox.path("rekap-demo-store.rekap")).unwrap();
    let middle = export.len() / 2;
    export[middle] ^= 0x01;
    std::fs::write(sandbox.path("damaged.rekap"), export).unwrap();
    let damaged = sandbox.run(&[
        "prove",
        "--log",
        "damaged.rekap",
        "--contest",
        CONTEST,
        "--station",
        &station,
        "--out",
        "d.json",
    ]);
    assert_eq!(code(&damaged), 1, "{}", stdout(&damaged));
    assert!(
        stdout(&damaged).contains("does not verify"),
        "{}",
        stdout(&damaged)
    );
    assert!(!sandbox.path("d.json").exists());
}

/// Every number and every string of a real proof file, changed in turn (numbers by one,
/// strings by one character, hex by one digit), makes verification fail; so does an added
/// field anywhere, a removed array entry, and a flipped byte anywhere in the record.
#[test]
fn every_field_of_a_proof_file_is_bound() {
    let (sandbox, station) = demo();
    for level in ["district", "province"] {
        let out = format!("{level}.json");
        let text = prove(&sandbox, &STORE, &station, &["--level", level], &out);
        let original: Value = serde_json::from_str(&text).unwrap();
        let key = log_key(&sandbox);
        assert!(verify_proof(&parse_proof(&text).unwrap(), None, Some(&key)).is_ok());
        let mut forgeries = Vec::new();
        for_each_leaf(&original, &mut Vec::new(), &mut |path, leaf| {
            for changed in mutants(leaf) {
                let mut forged = original.clone();
                *at(&mut forged, path) = changed.clone();
                forgeries.push((format!("{path:?} = {changed}"), forged));
            }
        });
        for_each_container(&original, &mut Vec::new(), &mut |path, container| {
            let mut forged = original.clone();
            match (at(&mut forged, path), container) {
                (Value::Object(map), _) => {
                    map.insert("note".into(), Value::from("unsigned claim"));
                }
                (Value::Array(items), Value::Array(_)) if !items.is_empty() => {
                    items.pop();
                }
                _ => return,
            }
            forgeries.push((format!("{path:?} reshaped"), forged));
        });
        let record = original["approval"]["record"].as_str().unwrap().to_owned();
        for index in 0..record.len() / 2 {
            let mut bytes = hex::decode(&record).unwrap();
            bytes[index] ^= 0x01;
            let mut forged = original.clone();
            forged["approval"]["record"] = Value::from(hex::encode(bytes));
            forgeries.push((format!("record byte {index}"), forged));
        }
        // Every character of the inclusion proof and its checkpoint, signature included.
        let log_proof = original["approval"]["log_proof"]
            .as_str()
            .unwrap()
            .to_owned();
        for (index, c) in log_proof.char_indices() {
            let mut changed = log_proof.clone();
            let other = if next_char(c) == c { 'y' } else { next_char(c) };
            changed.replace_range(index..index + c.len_utf8(), &other.to_string());
            let mut forged = original.clone();
            forged["approval"]["log_proof"] = Value::from(changed);
            forgeries.push((format!("log proof character {index}"), forged));
        }
        assert!(forgeries.len() > 500, "{} forgeries", forgeries.len());
        for (what, forged) in &forgeries {
            let verdict =
                parse_proof(&forged.to_string()).and_then(|p| verify_proof(&p, None, Some(&key)));
            assert!(verdict.is_err(), "{level}: {what} still verifies");
        }
        // Through the CLI: the two forgeries and a spread of the others.
        let top = original["steps"].as_array().unwrap().len() - 1;
        let mut raised = original.clone();
        raised["steps"][top]["totals"]["valid"] =
            Value::from(raised["steps"][top]["totals"]["valid"].as_u64().unwrap() + 1000);
        raised["steps"][top]["totals"]["votes"][0] =
            Value::from(raised["steps"][top]["totals"]["votes"][0].as_u64().unwrap() + 1000);
        let mut resized = original.clone();
        resized["steps"][top]["size"] =
            Value::from(resized["steps"][top]["size"].as_u64().unwrap() + 1);
        let spread = forgeries
            .iter()
            .step_by(forgeries.len() / 25)
            .map(|(_, f)| f);
        for forged in [&raised, &resized].into_iter().chain(spread) {
            std::fs::write(sandbox.path("forged.json"), forged.to_string()).unwrap();
            let output = sandbox.run(&["verify-proof", "--proof", "forged.json", KEY[0], KEY[1]]);
            assert_eq!(code(&output), 1, "{}", stdout(&output));
            assert!(
                stdout(&output).starts_with("FAILED: "),
                "{}",
                stdout(&output)
            );
        }
    }
}

#[test]
fn a_proof_checked_against_another_digest_fails() {
    let (sandbox, station) = demo();
    let text = prove(&sandbox, &STORE, &station, &[], "proof.json");
    let digest = parse_proof(&text).unwrap().approval.digest.0;
    let good = sandbox.run(&[
        "verify-proof",
        "--proof",
        "proof.json",
        "--digest",
        &hex::encode(digest),
    ]);
    assert_eq!(code(&good), 0, "{}", stdout(&good));
    assert!(stdout(&good).contains("equal to the given digest"));
    let mut other = digest;
    other[31] ^= 1;
    let bad = sandbox.run(&[
        "verify-proof",
        "--proof",
        "proof.json",
        "--digest",
        &hex::encode(other),
    ]);
    assert_eq!(code(&bad), 1);
    assert!(
        stdout(&bad).contains("published digest"),
        "{}",
        stdout(&bad)
    );
}

/// Calls `visit` with the path to every number and string inside `value`.
fn for_each_leaf(value: &Value, path: &mut Vec<String>, visit: &mut impl FnMut(&[String], &Value)) {
    walk(value, path, &mut |path, value| {
        if value.is_number() || value.is_string() {
            visit(path, value)
        }
    });
}

/// Calls `visit` with the path to every object and array inside `value`, itself included.
fn for_each_container(
    value: &Value,
    path: &mut Vec<String>,
    visit: &mut impl FnMut(&[String], &Value),
) {
    walk(value, path, &mut |path, value| {
        if value.is_object() || value.is_array() {
            visit(path, value)
        }
    });
}

fn walk(value: &Value, path: &mut Vec<String>, visit: &mut impl FnMut(&[String], &Value)) {
    visit(path, value);
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map
            .iter()
            .map(|(key, inner)| (key.clone(), inner))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, inner)| (i.to_string(), inner))
            .collect(),
        _ => Vec::new(),
    };
    for (key, inner) in children {
        path.push(key);
        walk(inner, path, visit);
        path.pop();
    }
}

fn at<'a>(value: &'a mut Value, path: &[String]) -> &'a mut Value {
    let pointer: String = path.iter().map(|part| format!("/{part}")).collect();
    value.pointer_mut(&pointer).unwrap()
}

/// A number plus one (and minus one); a string with its first and its last character
/// changed (hex digits stay hex digits, so a hex string has one nibble flipped).
fn mutants(leaf: &Value) -> Vec<Value> {
    match leaf {
        Value::Number(number) => {
            let n = number.as_u64().unwrap();
            let mut out = vec![Value::from(n + 1)];
            if n > 0 {
                out.push(Value::from(n - 1));
            }
            out
        }
        Value::String(text) => {
            let chars: Vec<char> = text.chars().collect();
            [0, chars.len() - 1]
                .into_iter()
                .map(|position| {
                    let mut changed = chars.clone();
                    changed[position] = next_char(changed[position]);
                    Value::from(changed.into_iter().collect::<String>())
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

fn next_char(c: char) -> char {
    match c {
        '0'..='8' | 'a'..='e' => char::from(c as u8 + 1),
        '9' | 'f' => '0',
        _ => 'x',
    }
}

#[test]
fn verify_proof_needs_only_the_log_key_and_refuses_another() {
    let (sandbox, station) = demo();
    prove(&sandbox, &STORE, &station, &[], "proof.json");
    let unsigned = sandbox.run(&["verify-proof", "--proof", "proof.json"]);
    assert_eq!(code(&unsigned), 0, "{}", stdout(&unsigned));
    assert!(
        stdout(&unsigned).contains("signature not checked: no --log-key"),
        "{}",
        stdout(&unsigned)
    );
    let name = log_key(&sandbox).name().to_owned();
    let other_key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]).verifying_key();
    let other = Verifier::new(&name, other_key).unwrap().to_vkey();
    let refused = sandbox.run(&["verify-proof", "--proof", "proof.json", "--log-key", &other]);
    assert_eq!(code(&refused), 1, "{}", stdout(&refused));
    assert!(
        stdout(&refused).contains("inclusion in the log"),
        "{}",
        stdout(&refused)
    );
    // From an export, a proof needs the checkpoint it is included in.
    let output = sandbox.run(&[
        "prove",
        "--log",
        "rekap-demo-store.rekap",
        "--contest",
        CONTEST,
        "--station",
        &station,
        "--out",
        "x.json",
    ]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("--checkpoint FILE"),
        "{}",
        stderr(&output)
    );
}

/// docs/AUDITOR.md §4's two commands, run as written: the export, the checkpoint published
/// beside it, and the approval's digest.
#[test]
fn the_auditor_page_s_proof_commands_run_as_written() {
    let (sandbox, station) = demo();
    std::fs::copy(
        sandbox.path("demo.cp"),
        sandbox.path("rekap-demo-store.checkpoint"),
    )
    .unwrap();
    let page =
        std::fs::read_to_string(format!("{}/docs/AUDITOR.md", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let line = |start: &str| -> String {
        page.lines()
            .find(|line| line.starts_with(start))
            .unwrap_or_else(|| panic!("AUDITOR.md has a `{start}` line"))
            .replace("NAME", "rekap-demo-store")
            .replace(" ID ", &format!(" {CONTEST} "))
            .replace("CODE", &station)
    };
    let run = |line: &str| {
        let args: Vec<&str> = line.split_whitespace().skip(1).collect();
        let output = sandbox.run(&args);
        assert_eq!(code(&output), 0, "{line}: {}", stderr(&output));
        stdout(&output)
    };
    run(&line("rekap prove --log"));
    let proof: Value =
        serde_json::from_str(&std::fs::read_to_string(sandbox.path("proof.json")).unwrap())
            .unwrap();
    let digest = proof["approval"]["digest"]
        .as_str()
        .expect("the proof names its approval's digest")
        .to_owned();
    run(&line("rekap verify-proof").replace("PUBLISHED_DIGEST", &digest));
}
