//! `definition --from openelections` then `init` then `import --from openelections` of the
//! same file: the totals are the file's sums per candidate (docs/FORMATS.md).

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;

use crate::harness::{code, run_ok, stderr, stdout, Sandbox};

fn fixture() -> String {
    format!(
        "{}/crates/rekap-formats/tests/fixtures/openelections/20241105__ex__general__precinct.csv",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// The registrar's and the operator's demo keys, the definition written from the fixture,
/// and a store made from it.
fn store() -> Sandbox {
    let sandbox = Sandbox::new();
    for (name, seed) in [("registrar", "01"), ("operator", "08")] {
        let path = sandbox.path(&format!("{name}.key"));
        std::fs::write(&path, format!("rekap-secret-key/1\n{}\n", seed.repeat(32))).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let public = |name: &str| run_ok(&sandbox, &["pubkey", "--key", &format!("{name}.key")]);
    let (registrar, operator) = (public("registrar"), public("operator"));
    let out = run_ok(
        &sandbox,
        &[
            "definition",
            "--from",
            "openelections",
            &fixture(),
            "--out",
            "ex.json",
            "--registrar",
            registrar.trim(),
            "--operator",
            operator.trim(),
        ],
    );
    assert!(out.contains("4 contests"), "{out}");
    assert!(out.contains("2 counties, 4 precincts"), "{out}");
    let regions = std::fs::read_to_string(sandbox.path("ex-regions.csv")).unwrap();
    assert!(
        regions.starts_with("code,parent,level,name,stations\nEX,,state,"),
        "{regions}"
    );
    run_ok(
        &sandbox,
        &[
            "init",
            "--store",
            "store",
            "--election",
            "ex.json",
            "--key",
            "registrar.key",
        ],
    );
    sandbox
}

fn import(sandbox: &Sandbox, file: &str) -> std::process::Output {
    sandbox.run(&[
        "import",
        "--store",
        "store",
        "--key",
        "operator.key",
        "--from",
        "openelections",
        file,
    ])
}

#[test]
fn a_definition_from_the_file_takes_the_file_and_its_totals_are_the_files_sums() {
    let sandbox = store();
    let imported = import(&sandbox, &fixture());
    assert_eq!(code(&imported), 0, "{}", stderr(&imported));
    // One set of counts: the rows read and skipped, the sheets they make, those without an
    // invalid count, in the summary; no second, different count on stderr.
    assert!(
        stdout(&imported).contains(
            "28 rows (2 skipped: offices that are not contests, such as registered voters and \
             ballots cast), 10 sheets: 10 to append, 0 already imported; 9 sheets without over \
             or under votes (invalid recorded as absent)"
        ),
        "{}",
        stdout(&imported)
    );
    assert!(!stderr(&imported).contains("rows"), "{}", stderr(&imported));
    // Votes-only sheets give no voter numbers: the totals say null, not 0.
    let totals: serde_json::Value = serde_json::from_str(&run_ok(
        &sandbox,
        &["totals", "--store", "store", "-f", "json"],
    ))
    .unwrap();
    let region = &totals["regions"][0];
    assert!(
        region["stations_reported"].as_u64().unwrap() > 0,
        "{region}"
    );
    assert!(region["registered"].is_null(), "{region}");
    assert!(region["voted"].is_null(), "{region}");
    // Every station's rows back out, summed per office, district and candidate.
    let exported = run_ok(
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
    let mut ours: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut reader = csv::Reader::from_reader(exported.as_bytes());
    for record in reader.records() {
        let record = record.unwrap();
        let candidate = record[5].split(" (").next().unwrap_or_default().to_owned();
        *ours.entry((record[2].to_owned(), candidate)).or_default() +=
            record[6].parse::<u64>().unwrap();
    }
    let mut theirs: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut reader = csv::Reader::from_path(fixture()).unwrap();
    for record in reader.records() {
        let record = record.unwrap();
        if &record[2] == "Registered Voters" || record[5].ends_with(" Votes") {
            continue;
        }
        let office = match &record[3] {
            "" => record[2].to_owned(),
            district => format!("{}, {district}", &record[2]),
        };
        *theirs.entry((office, record[5].to_owned())).or_default() +=
            record[6].replace(',', "").parse::<u64>().unwrap();
    }
    assert_eq!(ours, theirs);
    // The county totals compared with themselves: equal, the table's numbers grouped.
    let totals = run_ok(
        &sandbox,
        &[
            "totals",
            "--store",
            "store",
            "--contest",
            "president",
            "--level",
            "county",
            "--format",
            "csv",
        ],
    );
    std::fs::write(sandbox.path("counties.csv"), totals).unwrap();
    let compare = |lang: &str| {
        run_ok(
            &sandbox,
            &[
                "compare",
                "--store",
                "store",
                "--contest",
                "president",
                "--with",
                "counties.csv",
                "--lang",
                lang,
            ],
        )
    };
    let (english, indonesian) = (compare("en"), compare("id"));
    // Butler's first pair: 1,104 + 640.
    assert!(
        english.contains("1,744") && !english.contains("1744"),
        "{english}"
    );
    assert!(indonesian.contains("1.744"), "{indonesian}");
    assert!(english.contains("regions: 2 equal, 0 differ"), "{english}");
    // One vote off: the largest difference is named in the table's language.
    let counties = std::fs::read_to_string(sandbox.path("counties.csv")).unwrap();
    assert!(counties.contains(",1744,"), "{counties}");
    std::fs::write(
        sandbox.path("off.csv"),
        counties.replacen(",1744,", ",1745,", 1),
    )
    .unwrap();
    let differs = sandbox.run(&[
        "compare",
        "--store",
        "store",
        "--contest",
        "president",
        "--with",
        "off.csv",
        "--lang",
        "id",
    ]);
    assert_eq!(code(&differs), 1, "{}", stderr(&differs));
    let said = stdout(&differs) + &stderr(&differs);
    assert!(said.contains("pasangan 1"), "{said}");
    assert!(!said.contains(" pair "), "{said}");
    // A rerun appends nothing.
    let again = import(&sandbox, &fixture());
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert!(
        stdout(&again).contains("0 to append, 10 already imported"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn a_malformed_file_is_refused_with_line_and_column_and_nothing_is_imported() {
    let sandbox = store();
    let before = run_ok(&sandbox, &["verify", "--store", "store", "--json"]);
    let text = std::fs::read_to_string(fixture()).unwrap();
    let broken = text.replacen(
        ",Adams 2,President,,DEM,A. Rivera,250,",
        ",Adams 2,President,,DEM,A. Rivera,25O,",
        1,
    );
    assert_ne!(broken, text);
    std::fs::write(sandbox.path("broken.csv"), broken).unwrap();
    let refused = import(&sandbox, "broken.csv");
    assert_eq!(code(&refused), 1, "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("broken.csv: line 11, votes: \"25O\" is not a count"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        run_ok(&sandbox, &["verify", "--store", "store", "--json"]),
        before
    );
    let registrar = run_ok(&sandbox, &["pubkey", "--key", "registrar.key"]);
    let definition = sandbox.run(&[
        "definition",
        "--from",
        "openelections",
        "broken.csv",
        "--registrar",
        registrar.trim(),
    ]);
    assert_eq!(code(&definition), 1, "{}", stderr(&definition));
    assert!(
        stderr(&definition).contains("line 11, votes"),
        "{}",
        stderr(&definition)
    );
}

fn json_of(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_str(&stdout(output))
        .unwrap_or_else(|error| panic!("not JSON ({error}): {}{}", stdout(output), stderr(output)))
}

#[test]
fn import_tells_scripts_its_summary_and_problems_as_json_and_csv() {
    let sandbox = store();
    let with_format = |file: &str, format: &str, from: &[&str]| {
        let mut args = vec![
            "import",
            "--store",
            "store",
            "--key",
            "operator.key",
            "-f",
            format,
        ];
        args.extend_from_slice(from);
        args.push(file);
        sandbox.run(&args)
    };
    let openelections = ["--from", "openelections"];
    let dry = json_of(&{
        let mut args = vec!["--dry-run"];
        args.extend_from_slice(&openelections);
        with_format(&fixture(), "json", &args)
    });
    assert_eq!(dry["ok"], true);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["to_append"], 10);
    assert!(dry["head"].is_null(), "{dry}");
    let done = with_format(&fixture(), "json", &openelections);
    assert_eq!(code(&done), 0, "{}", stderr(&done));
    let done = json_of(&done);
    assert_eq!(
        (done["rows"].clone(), done["to_append"].clone()),
        (28.into(), 10.into())
    );
    assert_eq!(done["rows_skipped"], 2, "{done}");
    assert_eq!(done["sheets"], 10, "{done}");
    assert_eq!(done["sheets_without_invalid"], 9, "{done}");
    assert_eq!(done["head"].as_str().map(str::len), Some(64), "{done}");
    assert!(
        done["first_record"].as_u64() <= done["last_record"].as_u64(),
        "{done}"
    );
    assert_eq!(done["problems"], serde_json::json!([]));
    let again = stdout(&with_format(&fixture(), "csv", &openelections));
    let mut lines = again.lines();
    assert_eq!(
        lines.next(),
        Some("ok,rows,to_append,already_imported,first_record,last_record,head,file,at,station,field,rule,reason")
    );
    assert_eq!(lines.next(), Some("true,28,0,10,,,,,,,,,"), "{again}");
    // Refused: the other formats' problems and the sheets CSV's, in one shape.
    let text = std::fs::read_to_string(fixture()).unwrap();
    std::fs::write(
        sandbox.path("broken.csv"),
        text.replacen(",250,", ",25O,", 1),
    )
    .unwrap();
    let refused = with_format("broken.csv", "json", &openelections);
    assert_eq!(code(&refused), 1);
    let refused = json_of(&refused);
    assert_eq!(refused["ok"], false);
    assert_eq!(refused["problems"][0]["file"], "broken.csv");
    assert_eq!(refused["problems"][0]["at"], "line 11");
    assert_eq!(refused["problems"][0]["field"], "votes");
    assert_eq!(refused["problems_by_kind"]["column votes"], 1, "{refused}");
    std::fs::write(
        sandbox.path("sheets.csv"),
        "station,contest,votes_1,votes_2,votes_3,valid,invalid\nNOWHERE,president,1,2,3,6,0\n",
    )
    .unwrap();
    let refused = with_format("sheets.csv", "csv", &[]);
    assert_eq!(code(&refused), 1);
    let rows = stdout(&refused);
    let problem = rows.lines().nth(1).unwrap_or_default();
    assert!(
        problem.starts_with("false,0,0,0,,,,sheets.csv,line 2,NOWHERE,"),
        "{rows}"
    );
}

/// A votes-only sheet's table: the PARTIAL line is a line of its own, and no voter, turnout
/// or ballot line follows it (there are no such numbers to show).
#[test]
fn a_votes_only_sheet_reads_partial_on_a_line_of_its_own() {
    let sandbox = store();
    let imported = import(&sandbox, &fixture());
    assert_eq!(code(&imported), 0, "{}", stderr(&imported));
    let stations: serde_json::Value = serde_json::from_str(&run_ok(
        &sandbox,
        &[
            "totals", "--store", "store", "--level", "precinct", "-f", "json",
        ],
    ))
    .unwrap();
    let station = stations["stations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["status"] == "counted")
        .expect("a counted station");
    let code_of = station["code"].as_str().unwrap();
    for lang in ["en", "id"] {
        let table = run_ok(
            &sandbox,
            &["sheet", "--store", "store", code_of, "--lang", lang],
        );
        let partial = table
            .lines()
            .find(|line| line.contains("PARTIAL") || line.contains("SEBAGIAN"))
            .unwrap_or_else(|| panic!("{table}"));
        assert!(
            partial.ends_with("sheet") || partial.ends_with("surat suara"),
            "{table}"
        );
        assert!(!table.contains("DPT"), "{table}");
    }
    // Station rows: one column per pair, numbers grouped in the table, plain in CSV.
    let big = stations["stations"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|row| row["valid"].as_u64().filter(|valid| *valid >= 1000))
        .expect("a station with 1,000 valid votes or more");
    let grouped = format!("{},{:03}", big / 1000, big % 1000);
    let table = run_ok(
        &sandbox,
        &[
            "totals", "--store", "store", "--level", "precinct", "--lang", "en",
        ],
    );
    assert!(table.contains(&grouped), "{grouped}: {table}");
    assert!(table.lines().next().unwrap().contains("Votes 1"), "{table}");
    let csv = run_ok(
        &sandbox,
        &[
            "totals", "--store", "store", "--level", "precinct", "-f", "csv",
        ],
    );
    assert!(csv.lines().next().unwrap().contains(",votes_1,"), "{csv}");
    assert!(csv.contains(&format!(",{big},")), "{csv}");
    // history's sheet numbers are grouped too.
    let big_station = stations["stations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["valid"].as_u64() == Some(big))
        .unwrap();
    let history = run_ok(
        &sandbox,
        &[
            "history",
            "--store",
            "store",
            "--station",
            big_station["code"].as_str().unwrap(),
            "--lang",
            "en",
        ],
    );
    assert!(history.contains(&grouped), "{grouped}: {history}");
    // A --since that can never parse is a usage error, as clap's own are.
    let since = sandbox.run(&["history", "--store", "store", "--since", "yesterday"]);
    assert_eq!(code(&since), 2, "{}", stderr(&since));
    assert!(stderr(&since).contains("yesterday"), "{}", stderr(&since));
}

/// `definition` to stdout is whole lines (it ends with a newline); `--out` onto a file
/// that exists is refused with exit 3, as `export --out` is, and leaves the file as it was.
#[test]
fn a_definition_ends_its_line_and_never_overwrites_a_file() {
    let sandbox = store();
    let registrar = run_ok(&sandbox, &["pubkey", "--key", "registrar.key"]);
    let fixture_path = fixture();
    let definition = |out: Option<&str>| {
        let mut args = vec![
            "definition",
            "--from",
            "openelections",
            &fixture_path,
            "--registrar",
            registrar.trim(),
        ];
        if let Some(out) = out {
            args.extend(["--out", out]);
        }
        sandbox.run(&args)
    };
    let printed = definition(None);
    assert_eq!(code(&printed), 0, "{}", stderr(&printed));
    assert!(stdout(&printed).ends_with("}\n"), "{}", stdout(&printed));
    let before = std::fs::read(sandbox.path("ex.json")).unwrap();
    let again = definition(Some("ex.json"));
    assert_eq!(code(&again), 3, "{}", stderr(&again));
    assert!(stderr(&again).contains("ex"), "{}", stderr(&again));
    assert_eq!(std::fs::read(sandbox.path("ex.json")).unwrap(), before);
}
