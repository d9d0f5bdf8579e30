//! ARCHITECTURE.md: rekap-tlog must not depend on any other rekap crate.

#[test]
fn the_manifest_names_no_other_rekap_crate() {
    let manifest = include_str!("../Cargo.toml");
    let offending: Vec<&str> = manifest
        .lines()
        .filter(|line| line.trim_start().starts_with("rekap-") || line.contains("path ="))
        .collect();
    assert!(offending.is_empty(), "rekap-tlog depends on: {offending:?}");
}
