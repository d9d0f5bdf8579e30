//! `import --from`, `compare` and the standard exports through the binary (docs/FORMATS.md),
//! on the national worked example of docs/DEFINITION.md.

use std::os::unix::fs::PermissionsExt;

use crate::harness::{code, run_ok, stderr, stdout, Sandbox};

fn example(name: &str) -> String {
    format!("{}/docs/examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> String {
    format!(
        "{}/crates/rekap-formats/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// A store of the national example holding only its genesis; the operator's demo key.
fn national() -> Sandbox {
    let sandbox = Sandbox::new();
    for (name, seed) in [("registrar", "01"), ("operator", "08")] {
        let path = sandbox.path(&format!("{name}.key"));
        std::fs::write(&path, format!("rekap-secret-key/1\n{}\n", seed.repeat(32))).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let init = sandbox.run(&[
        "init",
        "--store",
        "store",
        "--election",
        &example("national.json"),
        "--key",
        "registrar.key",
    ]);
    assert_eq!(code(&init), 0, "{}", stderr(&init));
    sandbox
}

fn head(sandbox: &Sandbox) -> String {
    stdout(&sandbox.run(&["verify", "--store", "store", "--json"]))
}

/// `import --from sirekap` of the fixture tree, its output as it is.
fn run_import_sirekap(sandbox: &Sandbox) -> std::process::Output {
    sandbox.run(&[
        "import",
        "--store",
        "store",
        "--key",
        "operator.key",
        "--from",
        "sirekap",
        "--candidates",
        &fixture("sirekap/ppwp.json"),
        &fixture("sirekap/tree"),
    ])
}

fn import_sirekap(sandbox: &Sandbox) -> String {
    let output = run_import_sirekap(sandbox);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    stdout(&output)
}

#[test]
fn a_portal_tree_is_imported_with_its_documents_and_a_rerun_appends_nothing() {
    let sandbox = national();
    let out = import_sirekap(&sandbox);
    assert!(out.contains("3 rows: 3 to append"), "{out}");
    let totals = run_ok(
        &sandbox,
        &[
            "totals", "--store", "store", "--level", "nation", "--format", "csv",
        ],
    );
    assert!(
        totals.contains("ID,INDONESIA,100,210,145,455,5,3,"),
        "{totals}"
    );
    // Each document's blake3 hash and photo URLs are in the signed log, beside its sheet.
    run_ok(
        &sandbox,
        &["export", "--store", "store", "--out", "log.rekap"],
    );
    let log = std::fs::read(sandbox.path("log.rekap")).unwrap();
    let document = std::fs::read(fixture(
        "sirekap/tree/64/6401/640101/6401012009/6401012009001.json",
    ))
    .unwrap();
    let hash = blake3::hash(&document);
    assert!(
        log.windows(32).any(|window| window == hash.as_bytes()),
        "the document's hash is in the log"
    );
    let photo = b"6401012009001-20240214-181500--a1.jpg";
    assert!(log.windows(photo.len()).any(|window| window == photo));
    // And `history` shows it to an auditor beside the sheet.
    let history = run_ok(&sandbox, &["history", "--store", "store", "6401012009001"]);
    assert!(history.contains(&hash.to_hex().to_string()), "{history}");
    let again = import_sirekap(&sandbox);
    assert!(again.contains("nothing to append"), "{again}");
}

/// A portal document without `administrasi` gives no invalid count: the signed sheet records
/// it as absent (not 0), totals say how many stations' counts are missing at every level and
/// in every format, and the export still verifies, with rekap and with the independent
/// Python verifier.
#[test]
fn a_document_without_administrasi_records_its_invalid_count_as_absent() {
    let sandbox = national();
    let import = run_import_sirekap(&sandbox);
    assert_eq!(code(&import), 0, "{}", stderr(&import));
    assert!(
        stderr(&import).contains("1 without suara_tidak_sah (invalid recorded as absent)"),
        "{}",
        stderr(&import)
    );
    let sheet = run_ok(
        &sandbox,
        &[
            "sheet",
            "--store",
            "store",
            "6401012009002",
            "--format",
            "json",
        ],
    );
    let sheet: serde_json::Value = serde_json::from_str(&sheet).unwrap();
    let sheet = &sheet["sheet"];
    assert_eq!(sheet["valid"], 195, "{sheet}");
    assert_eq!(
        sheet["invalid"],
        serde_json::Value::Null,
        "absent, not 0: {sheet}"
    );
    let totals = run_ok(
        &sandbox,
        &[
            "totals", "--store", "store", "--level", "nation", "--format", "json",
        ],
    );
    let totals: serde_json::Value = serde_json::from_str(&totals).unwrap();
    let nation = &totals["regions"][0];
    assert_eq!(nation["invalid"], 5, "the two counts given: {nation}");
    assert_eq!(nation["stations_without_invalid"], 1, "{nation}");
    let csv = run_ok(
        &sandbox,
        &[
            "totals", "--store", "store", "--level", "province", "--format", "csv",
        ],
    );
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().ends_with(",stations_without_invalid"));
    let missing: Vec<&str> = lines.map(|line| line.rsplit(',').next().unwrap()).collect();
    assert!(missing.contains(&"1") && missing.contains(&"0"), "{csv}");
    let table = run_ok(
        &sandbox,
        &["totals", "--store", "store", "--level", "nation"],
    );
    assert!(table.contains("(+ 1 station without a count)"), "{table}");
    run_ok(
        &sandbox,
        &["export", "--store", "store", "--out", "log.rekap"],
    );
    run_ok(&sandbox, &["verify", "--log", "log.rekap"]);
    let probe = std::process::Command::new("python3")
        .args(["-c", "import blake3, cryptography"])
        .output();
    if !probe.is_ok_and(|output| output.status.success()) {
        eprintln!("python verifier skipped: python3 with blake3 and cryptography is not installed");
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tools/verify_export.py");
    let python = std::process::Command::new("python3")
        .arg(script)
        .arg("log.rekap")
        .current_dir(sandbox.path("."))
        .output()
        .unwrap();
    assert_eq!(code(&python), 0, "{}{}", stdout(&python), stderr(&python));
    assert!(stdout(&python).starts_with("OK: "), "{}", stdout(&python));
}

#[test]
fn a_malformed_portal_document_is_refused_with_file_pointer_and_reason() {
    let sandbox = national();
    let before = head(&sandbox);
    let output = sandbox.run(&[
        "import",
        "--store",
        "store",
        "--key",
        "operator.key",
        "--from",
        "sirekap",
        "--candidates",
        &fixture("sirekap/ppwp.json"),
        "--problems",
        "problems.csv",
        &fixture("sirekap/bad/6401012009001.json"),
        &fixture("sirekap/tree/64/6401/640101/6401012009/6401012009002.json"),
    ]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = stderr(&output);
    assert!(report.contains("nothing imported"), "{report}");
    assert!(
        report.contains("6401012009001.json: /chart/100026: expected a count"),
        "{report}"
    );
    let problems = std::fs::read_to_string(sandbox.path("problems.csv")).unwrap();
    assert!(
        problems.starts_with("file,at,station,field,rule,reason\n"),
        "{problems}"
    );
    assert!(
        problems.contains("/administrasi/suara_tidak_sah"),
        "{problems}"
    );
    assert_eq!(head(&sandbox), before, "the store is unchanged");
}

#[test]
fn a_volunteers_file_and_a_mapped_csv_from_standard_input_are_imported() {
    let sandbox = national();
    std::fs::write(
        sandbox.path("kawal.csv"),
        "tps,pas1,pas2,pas3,sah,tidakSah\r\n6401012009001,40,100,60,200,4\r\n6401012010149,10,20,30,60,1\r\n",
    )
    .unwrap();
    let out = run_ok(
        &sandbox,
        &[
            "import",
            "--store",
            "store",
            "--key",
            "operator.key",
            "--from",
            "kawalpemilu",
            "kawal.csv",
        ],
    );
    assert!(out.contains("2 rows: 2 to append"), "{out}");
    let script = "printf 'kode_tps,suara_01,suara_02,suara_03,sah,tidak_sah\\n1101012001001,1,2,3,6,0\\n1101012001003,1,1,x,2,0\\n' | \
        $REKAP import --store store --key operator.key --from csv \
        --columns station=kode_tps,votes_1=suara_01,votes_2=suara_02,votes_3=suara_03,valid=sah,invalid=tidak_sah -";
    let refused = sandbox.shell(script);
    assert_eq!(code(&refused), 1, "{}", stderr(&refused));
    let report = stderr(&refused);
    assert!(
        report.contains("-: line 3, suara_03:"),
        "the source's line and column: {report}"
    );
    let fixed = script.replace(",x,2,0", ",0,2,0");
    let accepted = sandbox.shell(&fixed);
    assert_eq!(code(&accepted), 0, "{}", stderr(&accepted));
}

fn compare(sandbox: &Sandbox, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["compare", "--store", "store"];
    all.extend_from_slice(args);
    let output = sandbox.run(&all);
    (code(&output), stdout(&output), stderr(&output))
}

#[test]
fn totals_csv_round_trips_through_compare_as_equal() {
    let sandbox = national();
    import_sirekap(&sandbox);
    for level in ["province", "district", "village"] {
        let totals = run_ok(
            &sandbox,
            &[
                "totals", "--store", "store", "--level", level, "--format", "csv",
            ],
        );
        std::fs::write(sandbox.path("totals.csv"), totals).unwrap();
        let (exit, out, err) = compare(&sandbox, &["--with", "totals.csv"]);
        assert_eq!(exit, 0, "{level}: {out}{err}");
        assert!(
            out.contains("0 differ, 0 only in rekap, 0 only in the source"),
            "{out}"
        );
    }
}

#[test]
fn the_portal_aggregate_and_a_volunteers_file_are_compared_region_by_region() {
    let sandbox = national();
    import_sirekap(&sandbox);
    let (exit, out, err) = compare(
        &sandbox,
        &[
            "--with",
            &fixture("sirekap/tree/64/6401.json"),
            "--candidates",
            &fixture("sirekap/ppwp.json"),
        ],
    );
    // Aceh's district, in rekap only, has no station reported: nothing on either side.
    assert_eq!(exit, 0, "{out}{err}");
    assert!(
        out.contains(
            "regions: 1 equal, 0 differ, 0 only in rekap, 0 only in the source; \
             1 with nothing reported on either side (not listed)"
        ),
        "{out}"
    );
    // A volunteer read 6401012009001's second pair as 110 instead of 100.
    std::fs::write(
        sandbox.path("kawal.csv"),
        "tps,pas1,pas2,pas3,sah,tidakSah\n6401012009001,40,110,60,210,4\n6401012009002,50,90,55,195,0\n",
    )
    .unwrap();
    let (exit, out, err) = compare(
        &sandbox,
        &[
            "--with",
            "kawal.csv",
            "--level",
            "village",
            "--format",
            "json",
        ],
    );
    assert_eq!(exit, 1, "{out}{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let village = json["regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "6401012009")
        .expect("the village");
    assert_eq!(village["vote_differences"], serde_json::json!([0, 10, 0]));
    // The JSON names the sides as the CSV and the table do: rekap and source.
    assert_eq!(village["source"]["stations_reported"], 2);
    assert_eq!(village.get("other"), None, "{village}");
    assert_eq!(json["summary"].get("only_other"), None);
    assert!(
        json["summary"]["only_source"].is_u64(),
        "{}",
        json["summary"]
    );
    // A village with no station reported in rekap and none in the file is nothing on
    // either side: not "only in rekap", not listed, counted apart.
    assert!(json["summary"]["nothing_reported"].as_u64().unwrap() > 0);
    for region in json["regions"].as_array().unwrap() {
        if region["presence"] == "only_rekap" {
            assert!(
                region["rekap"]["stations_reported"].as_u64().unwrap() > 0,
                "{region}"
            );
        }
    }
    assert_eq!(json["summary"]["largest"][0]["difference"], 10);
    let (_, csv, _) = compare(
        &sandbox,
        &[
            "--with",
            "kawal.csv",
            "--level",
            "village",
            "--format",
            "csv",
        ],
    );
    assert!(
        csv.starts_with("code,name,presence,equal,rekap_votes_1,source_votes_1,difference_1,"),
        "{csv}"
    );
    // The summary in Indonesian, every word of it.
    let (_, indonesian, _) = compare(
        &sandbox,
        &["--with", "kawal.csv", "--level", "village", "--lang", "id"],
    );
    assert!(
        indonesian.contains("selisih terbesar: 6401012009 pasangan 2 +10"),
        "{indonesian}"
    );
}

/// The NIST SP 1500-100 v2 JSON schema, committed with its origin.
pub fn nist_schema() -> serde_json::Value {
    let path = fixture("../schema/NIST_V2_election_results_reporting.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_nist_export_is_valid_against_the_official_schema_and_every_reference_resolves() {
    let sandbox = national();
    let validator = jsonschema::validator_for(&nist_schema()).expect("the schema compiles");
    for imported in [false, true] {
        if imported {
            import_sirekap(&sandbox);
        }
        let text = run_ok(
            &sandbox,
            &[
                "export", "--store", "store", "--format", "nist-err", "--out", "-",
            ],
        );
        let report: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|error| format!("{} at {}", error, error.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert_eq!(
            rekap_formats::nist::unresolved_references(&report),
            Vec::<String>::new()
        );
        // The nation's votes for pair 2 are a VoteCounts of its reporting unit.
        let contest = &report["Election"][0]["Contest"][0];
        let selection = &contest["ContestSelection"][1];
        let nation = selection["VoteCounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|count| count["GpUnitId"] == "ru-ID")
            .expect("a count for the nation");
        assert_eq!(nation["Count"], if imported { 210 } else { 0 });
        assert_eq!(report["Status"], "unofficial-partial");
    }
    // A reference that names nothing is found.
    let mut broken: serde_json::Value = serde_json::from_str(&run_ok(
        &sandbox,
        &[
            "export", "--store", "store", "--format", "nist-err", "--out", "-",
        ],
    ))
    .unwrap();
    broken["Election"][0]["ElectionScopeId"] = "ru-nowhere".into();
    assert_eq!(
        rekap_formats::nist::unresolved_references(&broken),
        vec!["/Election/0/ElectionScopeId: ru-nowhere".to_owned()]
    );
}

#[test]
fn openelections_csv_per_station_and_per_region() {
    let sandbox = national();
    import_sirekap(&sandbox);
    let stations = run_ok(
        &sandbox,
        &[
            "export",
            "--store",
            "store",
            "--format",
            "openelections",
            "--out",
            "-",
        ],
    );
    let mut lines = stations.lines();
    assert_eq!(
        lines.next(),
        Some("county,precinct,office,district,party,candidate,votes")
    );
    assert!(
        stations.contains("PASER,6401012009001,Presiden dan Wakil Presiden,ID,,Pasangan 02,100\n"),
        "{stations}"
    );
    let regencies = run_ok(
        &sandbox,
        &[
            "export",
            "--store",
            "store",
            "-f",
            "openelections",
            "--level",
            "regency",
            "--out",
            "oe.csv",
        ],
    );
    assert!(regencies.is_empty());
    let written = std::fs::read_to_string(sandbox.path("oe.csv")).unwrap();
    assert!(
        written.contains("PASER,6401,Presiden dan Wakil Presiden,ID,,Pasangan 03,145\n"),
        "{written}"
    );
}

/// The election's date is the genesis's day where the election is: the demo's genesis,
/// 2024-11-27 06:00 WITA, is still 26 November in UTC.
#[test]
fn the_nist_export_s_election_date_is_in_the_election_s_own_zone() {
    let sandbox = Sandbox::new();
    run_ok(&sandbox, &["demo", "--stations", "3", "-q"]);
    let text = run_ok(
        &sandbox,
        &[
            "export",
            "-s",
            "rekap-demo-store",
            "--format",
            "nist-err",
            "--out",
            "-",
        ],
    );
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    let election = &report["Election"][0];
    assert_eq!(election["StartDate"], "2024-11-27", "{election}");
    assert_eq!(election["EndDate"], "2024-11-27");
}

/// A source whose regions are all at another level than --level is refused (exit 2) and
/// says at which level they are, instead of comparing nothing.
#[test]
fn compare_refuses_a_level_the_source_has_no_region_at() {
    let sandbox = national();
    import_sirekap(&sandbox);
    let totals = run_ok(
        &sandbox,
        &[
            "totals", "--store", "store", "--level", "regency", "--format", "csv",
        ],
    );
    let regions = totals.lines().count() - 1;
    std::fs::write(sandbox.path("regency.csv"), totals).unwrap();
    let (exit, out, err) = compare(&sandbox, &["--with", "regency.csv", "--level", "district"]);
    assert_eq!(exit, 2, "{out}{err}");
    assert!(
        err.contains(&format!(
            "the source's {regions} regions are at level regency, not district"
        )),
        "{err}"
    );
    let (exit, out, err) = compare(&sandbox, &["--with", "regency.csv", "--level", "regency"]);
    assert_eq!(exit, 0, "{out}{err}");
}
