//! The comparison: regions matched by code, differences as the source's figure minus
//! rekap's, regions on one side only, and a summary whose largest differences are ordered
//! by size.

use rekap_formats::compare::{compare, Presence, RegionFigures};

fn region(code: &str, votes: &[u64], valid: Option<u64>) -> RegionFigures {
    RegionFigures {
        code: code.into(),
        name: format!("name {code}"),
        votes: votes.to_vec(),
        valid,
        invalid: valid.map(|_| 3),
        stations_reported: Some(2),
        stations_expected: Some(4),
    }
}

#[test]
fn equal_differing_and_one_sided_regions_are_told_apart() {
    let rekap = [
        region("64", &[10, 20], Some(30)),
        region("65", &[5, 5], Some(10)),
        region("66", &[1, 1], Some(2)),
    ];
    let other = [
        region("64", &[10, 20], None),
        region("65", &[7, 2], Some(9)),
        region("99", &[0, 1], None),
    ];
    let comparison = compare(&rekap, &other);
    let codes: Vec<&str> = comparison.regions.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["64", "65", "66", "99"], "in code order");
    let [equal, differing, only_rekap, only_other] = comparison.regions.as_slice() else {
        panic!("four regions");
    };
    assert!(equal.equal, "valid is compared only where both give it");
    assert_eq!(equal.valid_difference, None);
    assert!(!differing.equal);
    assert_eq!(differing.vote_differences, vec![2, -3]);
    assert_eq!(differing.valid_difference, Some(-1));
    assert_eq!(only_rekap.presence, Presence::OnlyRekap);
    assert_eq!(only_other.presence, Presence::OnlySource);
    assert!(!only_rekap.equal && !only_other.equal);
    let summary = &comparison.summary;
    assert_eq!(
        (
            summary.equal,
            summary.differing,
            summary.only_rekap,
            summary.only_source
        ),
        (1, 1, 1, 1)
    );
    assert!(!summary.all_equal());
    let largest: Vec<(u32, i64)> = summary
        .largest
        .iter()
        .map(|d| (d.pair, d.difference))
        .collect();
    assert_eq!(largest, [(2, -3), (1, 2)], "by size, sign kept");
}

#[test]
fn the_same_figures_compare_equal() {
    let rekap = [
        region("64", &[10, 20], Some(30)),
        region("65", &[0, 0], Some(0)),
    ];
    let comparison = compare(&rekap, &rekap);
    assert!(comparison.summary.all_equal());
    assert_eq!(comparison.summary.equal, 2);
    assert!(comparison.summary.largest.is_empty());
}

#[test]
fn a_pair_one_side_lacks_counts_as_zero_there() {
    let comparison = compare(
        &[region("64", &[10, 20, 5], None)],
        &[region("64", &[10, 20], None)],
    );
    assert_eq!(comparison.regions[0].vote_differences, vec![0, 0, -5]);
    assert!(!comparison.summary.all_equal());
}

/// A region-totals CSV row with fewer (or more) fields than its header is refused with its
/// line, not compared as zeros; every such row is named, and a well-formed file reads.
#[test]
fn a_totals_row_of_another_width_than_the_header_is_refused() {
    use rekap_formats::compare::sources::region_totals_csv;
    let header = "code,name,votes_1,votes_2,valid,invalid\n";
    let good = format!("{header}64,KALTIM,110,148,258,9\n");
    let regions = region_totals_csv("t.csv", good.as_bytes()).expect("well formed");
    assert_eq!(regions[0].votes, vec![110, 148]);
    let short = format!("{header}64,KALTIM\n65,KALTARA,1,2,3,0,7\n");
    let problems = region_totals_csv("t.csv", short.as_bytes()).expect_err("refused");
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert!(shown[0].starts_with("t.csv: line 2"), "{shown:?}");
    assert!(shown[0].contains("2 fields, the header has 6"), "{shown:?}");
    assert!(shown[1].starts_with("t.csv: line 3"), "{shown:?}");
}

#[test]
fn a_region_with_nothing_on_either_side_is_no_difference() {
    let mut empty = region("66", &[0, 0], Some(0));
    empty.stations_reported = Some(0);
    let rekap = [region("64", &[10, 20], Some(30)), empty.clone()];
    let comparison = compare(&rekap, &[region("64", &[10, 20], Some(30))]);
    assert!(comparison.summary.all_equal(), "{:?}", comparison.summary);
    assert_eq!(comparison.summary.nothing_reported, 1);
    assert_eq!(comparison.regions.len(), 1, "not listed");
    // With a vote counted it is rekap's only, as before.
    let mut counted = empty;
    counted.votes = vec![1, 0];
    let comparison = compare(&[counted], &[]);
    assert_eq!(comparison.summary.only_rekap, 1);
    assert_eq!(comparison.summary.nothing_reported, 0);
}
