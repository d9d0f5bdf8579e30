//! `rekap sheet`, station rows in `totals`, and `rekap list` (issue 17).

use serde_json::Value;

use crate::harness::{code, stderr, stdout, Sandbox};

fn ok(sandbox: &Sandbox, args: &[&str]) -> String {
    let mut all = args.to_vec();
    all.extend(["--store", "rekap-demo-store"]);
    let output = sandbox.run(&all);
    assert_eq!(code(&output), 0, "{args:?}: {}", stderr(&output));
    stdout(&output)
}

fn json(sandbox: &Sandbox, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_str(&ok(sandbox, &all)).unwrap()
}

#[test]
fn stations_sheets_and_listings_read_back_what_the_log_holds() {
    let sandbox = Sandbox::new();
    assert_eq!(code(&sandbox.run(&["demo", "--stations", "300"])), 0);

    // Every station, then one village's stations: the same rows.
    let stations = json(&sandbox, &["totals", "--level", "station"]);
    let all = stations["stations"].as_array().unwrap();
    assert_eq!(all.len(), 300);
    assert_eq!(stations["count"], 300);
    let regions = json(&sandbox, &["list", "regions", "--level", "village"]);
    let village = regions["regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|region| region["stations"].as_u64().unwrap() > 1)
        .unwrap();
    let code_of = village["code"].as_str().unwrap();
    let under = json(&sandbox, &["totals", "--region", code_of]);
    let rows = under["stations"].as_array().unwrap();
    assert_eq!(rows.len() as u64, village["stations"].as_u64().unwrap());
    for row in rows {
        assert!(row["code"].as_str().unwrap().starts_with(code_of), "{row}");
        assert!(all.contains(row));
    }
    // A village's own totals line equals the sum of its stations.
    let sum: u64 = rows.iter().map(|row| row["valid"].as_u64().unwrap()).sum();
    let parent = village["parent"].as_str().unwrap();
    let district = json(&sandbox, &["totals", "--region", parent]);
    let line = district["regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|line| line["code"] == code_of)
        .unwrap();
    assert_eq!(line["valid"].as_u64().unwrap(), sum);

    // The corrected station's sheet: every field, the correction's record, the split kept.
    let objections = json(&sandbox, &["list", "objections", "--status", "accepted"]);
    let objection = &objections["objections"][0];
    let station = objection["place"].as_str().unwrap();
    let sheet = json(&sandbox, &["sheet", station]);
    assert_eq!(sheet["status"], "counted");
    assert_eq!(sheet["entry"]["id"], objection["correction"]);
    assert_eq!(sheet["entry"]["kind"], "sheet_corrected");
    assert_eq!(sheet["sheet"]["partial"], false);
    let voted = &sheet["sheet"]["voted"]["dpt"];
    assert_eq!(
        voted["male"].as_u64().unwrap() + voted["female"].as_u64().unwrap(),
        voted["total"].as_u64().unwrap()
    );
    let votes = sheet["sheet"]["votes"].as_array().unwrap();
    let valid: u64 = votes
        .iter()
        .map(|pair| pair["votes"].as_u64().unwrap())
        .sum();
    assert_eq!(valid, sheet["sheet"]["valid"].as_u64().unwrap());
    assert!(votes[0]["name"].as_str().unwrap().contains("Isran"));
    let table = ok(&sandbox, &["sheet", station, "--lang", "id"]);
    assert!(
        table.contains("Pengguna hak pilih") && table.contains("laki-laki"),
        "{table}"
    );
    let csv = ok(&sandbox, &["sheet", station, "-f", "csv"]);
    assert!(csv.contains("sheet.ballots.received,"), "{csv}");
    let unknown = sandbox.run(&["sheet", "64", "--store", "rekap-demo-store"]);
    assert_eq!(code(&unknown), 1);

    // Listings, filtered.
    let contests = json(&sandbox, &["list", "contests"]);
    assert_eq!(contests["contests"][0]["id"], "pilgub-kaltim-2024");
    let officials = json(&sandbox, &["list", "officers", "--role", "official"]);
    assert!(officials["count"].as_u64().unwrap() > 1);
    assert!(officials["officers"]
        .as_array()
        .unwrap()
        .iter()
        .all(|officer| officer["role"] == "official"));
    let open = json(&sandbox, &["list", "objections", "--status", "open"]);
    assert_eq!(open["count"], 0);
    let flags = json(&sandbox, &["list", "flags", "--region", "64"]);
    assert!(flags["flags"].is_array());
    let csv = ok(
        &sandbox,
        &["list", "regions", "--region", parent, "-f", "csv"],
    );
    assert!(
        csv.starts_with("code,name,level,parent,stations\n"),
        "{csv}"
    );
    assert!(
        csv.lines().count() > 2,
        "the district and its villages: {csv}"
    );
    let unknown = sandbox.run(&[
        "list",
        "regions",
        "--region",
        "nowhere",
        "--store",
        "rekap-demo-store",
    ]);
    assert_eq!(code(&unknown), 1);
}
