//! The crates' dependencies point only down (docs/ARCHITECTURE.md, "Layers"): the log and the
//! transparency-log tree at the bottom, knowing nothing of elections; the model above them;
//! the binary on top. Read from `cargo metadata`, every kind of dependency (normal, dev,
//! build) counts: a test that links a higher crate ties the layers together just the same.

use std::collections::BTreeSet;
use std::process::Command;

/// Each workspace crate and the rekap crates it may depend on. A crate missing from this
/// table fails the check, so a new crate is placed in the layers when it is added.
const ALLOWED: &[(&str, &[&str])] = &[
    ("rekap-tlog", &[]),
    ("rekap-messages", &[]),
    ("rekap-witness", &["rekap-tlog"]),
    ("rekap-log", &["rekap-tlog"]),
    ("rekap-model", &[]),
    ("rekap-model-words", &["rekap-model", "rekap-messages"]),
    // Dev-only, the model's helpers for tests: any crate's tests may use it (the model's
    // too), as a dev-dependency and nothing else (`rekap_dependencies` below).
    ("rekap-test-kit", &["rekap-model"]),
    ("rekap-projection", &["rekap-model"]),
    ("rekap-import", &["rekap-model"]),
    ("rekap-presets", &["rekap-model"]),
    (
        "rekap-formats",
        &["rekap-model", "rekap-import", "rekap-projection"],
    ),
    (
        "rekap-ledger",
        &["rekap-log", "rekap-tlog", "rekap-model", "rekap-projection"],
    ),
    (
        "rekap-audit",
        &[
            "rekap-log",
            "rekap-model",
            "rekap-projection",
            "rekap-ledger",
        ],
    ),
    (
        "rekap-server",
        &[
            "rekap-log",
            "rekap-tlog",
            "rekap-model",
            "rekap-projection",
            "rekap-ledger",
            "rekap-witness",
            // The portal's compare page reads other sources as `rekap compare` does.
            "rekap-formats",
            "rekap-messages",
            // Problem details in the client's language (`Accept-Language`).
            "rekap-model-words",
        ],
    ),
    (
        "rekap-mirror",
        &[
            "rekap-log",
            "rekap-tlog",
            "rekap-model",
            "rekap-projection",
            "rekap-ledger",
            "rekap-witness",
        ],
    ),
    (
        "rekap",
        &[
            "rekap-log",
            "rekap-tlog",
            "rekap-server",
            "rekap-model",
            "rekap-projection",
            "rekap-import",
            "rekap-presets",
            "rekap-ledger",
            "rekap-audit",
            "rekap-formats",
            "rekap-witness",
            "rekap-mirror",
            "rekap-messages",
            "rekap-model-words",
        ],
    ),
];

/// Crates the table names that a branch may not have yet (added in parallel work).
const NOT_YET_REQUIRED: &[&str] = &["rekap-tlog"];

/// One workspace crate and the rekap crates it depends on, of any kind.
struct Member {
    name: String,
    rekap_dependencies: BTreeSet<String>,
}

fn is_rekap_crate(name: &str) -> bool {
    name == "rekap" || name.starts_with("rekap-")
}

/// Every way `members` break the table: an unlisted crate, a dependency not allowed, or a
/// listed crate that is gone.
fn violations(members: &[Member]) -> Vec<String> {
    let mut found = Vec::new();
    for member in members {
        let Some((_, allowed)) = ALLOWED.iter().find(|(name, _)| *name == member.name) else {
            found.push(format!(
                "{} is not in the layer table of tests/it/layers.rs",
                member.name
            ));
            continue;
        };
        for dependency in &member.rekap_dependencies {
            if !allowed.contains(&dependency.as_str()) {
                found.push(format!(
                    "{} depends on {}, which is not below it",
                    member.name, dependency
                ));
            }
        }
    }
    for (name, _) in ALLOWED {
        let present = members.iter().any(|member| member.name == *name);
        if !present && !NOT_YET_REQUIRED.contains(name) {
            found.push(format!(
                "{name} is in the layer table but not in the workspace"
            ));
        }
    }
    found
}

/// The workspace's crates and their rekap dependencies, from `cargo metadata --no-deps`.
fn workspace_members() -> Vec<Member> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let packages = metadata["packages"].as_array().expect("a packages array");
    packages
        .iter()
        .map(|package| Member {
            name: package["name"].as_str().expect("a package name").to_owned(),
            rekap_dependencies: package["dependencies"]
                .as_array()
                .expect("a dependencies array")
                .iter()
                .filter_map(rekap_dependency)
                // A crate's dev-dependency on itself turns a feature on for its own tests.
                .filter(|dependency| package["name"].as_str() != Some(dependency.as_str()))
                .collect(),
        })
        .collect()
}

/// The name of a rekap crate that `dependency` (one entry of `cargo metadata`) ties the
/// layers with. The test kit as a dev-dependency ties nothing: it is the model's helpers for
/// tests, below every crate that can use it. As a normal dependency it counts as itself, a
/// crate no table entry but its own allows.
const TEST_KIT: &str = "rekap-test-kit";

fn rekap_dependency(dependency: &serde_json::Value) -> Option<String> {
    let name = dependency["name"].as_str().expect("a dependency name");
    let dev_only = dependency["kind"].as_str() == Some("dev");
    (is_rekap_crate(name) && !(name == TEST_KIT && dev_only)).then(|| name.to_owned())
}

fn member(name: &str, dependencies: &[&str]) -> Member {
    Member {
        name: name.to_owned(),
        rekap_dependencies: dependencies.iter().map(|name| (*name).to_owned()).collect(),
    }
}

/// The workspace as it stands, so the check below is known to accept a good graph.
fn good_workspace() -> Vec<Member> {
    ALLOWED
        .iter()
        .map(|(name, allowed)| member(name, allowed))
        .collect()
}

#[test]
fn the_workspace_dependencies_point_only_down() {
    let members = workspace_members();
    assert!(
        members.iter().any(|member| member.name == "rekap-log"),
        "cargo metadata lists the workspace's crates"
    );
    assert_eq!(violations(&members), Vec::<String>::new());
}

#[test]
fn the_table_itself_points_only_down() {
    // Each crate may depend only on crates listed before it, so the table has no cycle.
    for (position, (name, allowed)) in ALLOWED.iter().enumerate() {
        for dependency in *allowed {
            let below = ALLOWED[..position]
                .iter()
                .any(|(lower, _)| lower == dependency);
            assert!(
                below,
                "{name} may depend on {dependency}, which is not above it in the table"
            );
        }
    }
}

#[test]
fn the_check_accepts_the_table_and_a_workspace_without_tlog() {
    assert_eq!(violations(&good_workspace()), Vec::<String>::new());
    let without_tlog: Vec<Member> = good_workspace()
        .into_iter()
        .filter(|member| member.name != "rekap-tlog")
        .collect();
    assert_eq!(violations(&without_tlog), Vec::<String>::new());
}

#[test]
fn the_check_refuses_a_dependency_that_points_up() {
    for (name, dependency) in [
        ("rekap-log", "rekap-model"),
        ("rekap-tlog", "rekap-log"),
        ("rekap-model", "rekap-projection"),
        ("rekap-model", "rekap-ledger"),
        ("rekap-projection", "rekap-ledger"),
        ("rekap-ledger", "rekap-audit"),
        ("rekap-import", "rekap-ledger"),
    ] {
        let mut members = good_workspace();
        let crate_under_test = members
            .iter_mut()
            .find(|member| member.name == name)
            .expect("the crate is in the table");
        crate_under_test
            .rekap_dependencies
            .insert(dependency.to_owned());
        assert_eq!(
            violations(&members),
            vec![format!(
                "{name} depends on {dependency}, which is not below it"
            )]
        );
    }
}

#[test]
fn the_check_refuses_a_crate_missing_from_the_table_and_a_lost_crate() {
    let mut members = good_workspace();
    members.push(member("rekap-new", &["rekap-model"]));
    assert_eq!(
        violations(&members),
        vec!["rekap-new is not in the layer table of tests/it/layers.rs".to_owned()]
    );
    let without_log: Vec<Member> = good_workspace()
        .into_iter()
        .filter(|member| member.name != "rekap-log")
        .collect();
    assert_eq!(
        violations(&without_log),
        vec!["rekap-log is in the layer table but not in the workspace".to_owned()]
    );
}

#[test]
fn the_test_kit_ties_no_layers_only_as_a_dev_dependency() {
    let dependency =
        |name: &str, kind: Option<&str>| serde_json::json!({ "name": name, "kind": kind });
    assert_eq!(rekap_dependency(&dependency(TEST_KIT, Some("dev"))), None);
    assert_eq!(
        rekap_dependency(&dependency(TEST_KIT, None)),
        Some(TEST_KIT.to_owned())
    );
    assert_eq!(
        rekap_dependency(&dependency("rekap-model", Some("dev"))),
        Some("rekap-model".to_owned())
    );
    assert_eq!(rekap_dependency(&dependency("serde", None)), None);
    let mut members = good_workspace();
    members.push(member("rekap-log", &[TEST_KIT]));
    assert_eq!(
        violations(&members),
        vec!["rekap-log depends on rekap-test-kit, which is not below it".to_owned()]
    );
}
