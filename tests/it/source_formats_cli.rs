//! Issue 16's bullets as a user meets them at the command line (docs/FORMATS.md), beside
//! tests/it/source_formats.rs: the words of a refusal in both languages, standard input for
//! every format that reads one file, and compare's exit codes.

use crate::harness::{code, stderr, stdout, Sandbox};

const CONTEST: &str = "pilgub-kaltim-2024";

/// A Kaltim store `s` of 40 stations holding only its genesis, with the demo's inputs (the
/// definition, its sheets and keys) in `in/`.
fn kaltim() -> Sandbox {
    let sandbox = Sandbox::new();
    let demo = sandbox.run(&["demo", "--stations", "40", "--inputs", "in", "-q"]);
    assert_eq!(code(&demo), 0, "{}", stderr(&demo));
    let init = sandbox.run(&[
        "init",
        "-s",
        "s",
        "--election",
        "in/election.json",
        "--key",
        "in/keys/registrar.key",
    ]);
    assert_eq!(code(&init), 0, "{}", stderr(&init));
    sandbox
}

/// The demo's first station and its sheets CSV row.
fn first_station(sandbox: &Sandbox) -> (String, Vec<String>) {
    let sheets = std::fs::read_to_string(sandbox.path("in/sheets.csv")).unwrap();
    let row: Vec<String> = sheets
        .lines()
        .nth(1)
        .expect("the demo writes sheets")
        .split(',')
        .map(str::to_owned)
        .collect();
    (row[0].clone(), row)
}

/// R67: a correction that turns a portal sheet without an invalid count into a full sheet
/// without giving it is refused, in the user's language (the catalogue's line, not the
/// model's English), and nothing is appended.
#[test]
fn a_full_sheet_without_its_invalid_count_is_refused_in_both_languages() {
    let sandbox = kaltim();
    let (station, _) = first_station(&sandbox);
    let tps: String = station.chars().filter(|c| *c != '-').collect();
    std::fs::write(
        sandbox.path(&format!("{tps}.json")),
        r#"{"chart":{"1":124,"2":179},"images":[],"ts":"2024-02-15 20:14:03"}"#,
    )
    .unwrap();
    let import = sandbox.run(&[
        "import",
        "-s",
        "s",
        "-k",
        "in/keys/operator.key",
        "--from",
        "sirekap",
        &format!("{tps}.json"),
    ]);
    assert_eq!(code(&import), 0, "{}", stderr(&import));
    let before = std::fs::read(sandbox.path("s/log.segment")).unwrap();
    let correct = |lang: &str| {
        sandbox.run(&[
            "--lang",
            lang,
            "correct",
            "-s",
            "s",
            "-k",
            "in/keys/official-64.key",
            "--station",
            &station,
            "--contest",
            CONTEST,
            "--dpt",
            "470",
            "--voted-dpt",
            "303",
            "--ballots-received",
            "487",
            "--ballots-used",
            "303",
            "--ballots-unused",
            "184",
            "--reason",
            "recount",
        ])
    };
    let english = "rule invalid-given: a full sheet must give its invalid votes";
    let indonesian = "aturan tidak-sah-diisi: lembar lengkap wajib mencantumkan suara tidak sah";
    for (lang, words, not) in [("en", english, indonesian), ("id", indonesian, english)] {
        let refused = correct(lang);
        assert_eq!(code(&refused), 1, "{}", stderr(&refused));
        let text = stderr(&refused);
        assert!(text.contains("R67:"), "{text}");
        assert!(text.contains(words), "{lang}: {text}");
        assert!(!text.contains(not), "{lang}: {text}");
    }
    let after = std::fs::read(sandbox.path("s/log.segment")).unwrap();
    assert_eq!(before, after, "nothing was appended");
}

/// `rekap ARGS` with `input` on standard input.
fn run_with_input(sandbox: &Sandbox, args: &[&str], input: &str) -> std::process::Output {
    assert_cmd::Command::cargo_bin("rekap")
        .unwrap()
        .current_dir(sandbox.path("."))
        .env_remove("REKAP_STORE")
        .args(args)
        .write_stdin(input)
        .output()
        .unwrap()
}

/// `-` reads standard input for every format that reads one file: the sheets CSV, a
/// KawalPemilu file and an OpenElections file (the mapped CSV's is in source_formats.rs);
/// a malformed one names `-`, its line and its column, and imports nothing.
#[test]
fn every_one_file_format_reads_standard_input() {
    let sandbox = kaltim();
    let sheets = std::fs::read_to_string(sandbox.path("in/sheets.csv")).unwrap();
    let mut lines = sheets.lines();
    let header = lines.next().unwrap();
    let rows: Vec<Vec<&str>> = lines.take(3).map(|l| l.split(',').collect()).collect();
    let import = |format: &str, input: &str| {
        run_with_input(
            &sandbox,
            &[
                "import",
                "-s",
                "s",
                "-k",
                "in/keys/operator.key",
                "--from",
                format,
                "-",
            ],
            input,
        )
    };
    let csv = import("sheets", &format!("{header}\n{}\n", rows[0].join(",")));
    assert_eq!(code(&csv), 0, "{}", stderr(&csv));
    assert!(
        stdout(&csv).contains("1 row: 1 to append"),
        "{}",
        stdout(&csv)
    );
    // tps, pas1, pas2, sah, tidakSah from the second row's votes.
    let votes = |row: &[&str]| {
        let n = row.len();
        (
            row[n - 4].to_owned(),
            row[n - 3].to_owned(),
            row[n - 2].to_owned(),
        )
    };
    let (one, two, valid) = votes(&rows[1]);
    let tps: String = rows[1][0].chars().filter(|c| *c != '-').collect();
    let bad = format!("tps,pas1,pas2,sah,tidakSah\n{tps},{one},x,{valid},0\n");
    let before = std::fs::read(sandbox.path("s/log.segment")).unwrap();
    let refused = import("kawalpemilu", &bad);
    assert_eq!(code(&refused), 1, "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("-: line 2, pas2:"),
        "{}",
        stderr(&refused)
    );
    let after = std::fs::read(sandbox.path("s/log.segment")).unwrap();
    assert_eq!(before, after, "nothing was appended");
    let good = format!("tps,pas1,pas2,sah,tidakSah\n{tps},{one},{two},{valid},0\n");
    let kawal = import("kawalpemilu", &good);
    assert_eq!(code(&kawal), 0, "{}", stderr(&kawal));
    // OpenElections: the precinct as a station code, the contest by its name.
    let election: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sandbox.path("in/election.json")).unwrap())
            .unwrap();
    let contest = &election["contests"][0];
    let name = contest["name"].as_str().unwrap();
    let pairs: Vec<&str> = contest["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| pair["name"].as_str().unwrap())
        .collect();
    let (one, two, _) = votes(&rows[2]);
    let station = rows[2][0];
    let file = format!(
        "county,precinct,office,district,party,candidate,votes\n\
         64,{station},{name},,,{},{one}\n64,{station},{name},,,{},{two}\n",
        pairs[0], pairs[1]
    );
    let openelections = import("openelections", &file);
    assert_eq!(code(&openelections), 0, "{}", stderr(&openelections));
    assert!(
        stdout(&openelections).contains("2 rows (0 skipped: offices that are not contests"),
        "{}",
        stdout(&openelections)
    );
}

/// compare exits 0 when every region is equal (a totals CSV round trip), 1 when one
/// differs, and 1 with the file, line and reason when a row of the source is malformed
/// (a row short of the header's fields is not read as zeros).
#[test]
fn compare_exits_0_when_equal_and_1_when_a_region_differs_or_the_source_is_malformed() {
    let sandbox = kaltim();
    let import = sandbox.run(&[
        "import",
        "-s",
        "s",
        "-k",
        "in/keys/operator.key",
        "in/sheets.csv",
    ]);
    assert_eq!(code(&import), 0, "{}", stderr(&import));
    let totals = sandbox.run(&["totals", "-s", "s", "--level", "regency", "-f", "csv"]);
    assert_eq!(code(&totals), 0, "{}", stderr(&totals));
    let totals = stdout(&totals);
    std::fs::write(sandbox.path("totals.csv"), &totals).unwrap();
    let compare = |file: &str, format: &str| {
        sandbox.run(&["compare", "-s", "s", "--with", file, "--format", format])
    };
    for format in ["table", "json", "csv"] {
        let equal = compare("totals.csv", format);
        assert_eq!(
            code(&equal),
            0,
            "{format}: {}{}",
            stdout(&equal),
            stderr(&equal)
        );
    }
    // One more vote for pair 1 in the first regency.
    let mut lines: Vec<String> = totals.lines().map(str::to_owned).collect();
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_owned).collect();
    let votes: u64 = cells[2].parse().unwrap();
    cells[2] = (votes + 1).to_string();
    lines[1] = cells.join(",");
    std::fs::write(sandbox.path("differs.csv"), lines.join("\n") + "\n").unwrap();
    let differs = compare("differs.csv", "table");
    assert_eq!(
        code(&differs),
        1,
        "{}{}",
        stdout(&differs),
        stderr(&differs)
    );
    assert!(
        stdout(&differs).contains(", 1 differ,"),
        "{}",
        stdout(&differs)
    );
    lines[1] = cells[..2].join(",");
    std::fs::write(sandbox.path("short.csv"), lines.join("\n") + "\n").unwrap();
    let short = compare("short.csv", "table");
    assert_eq!(code(&short), 1, "{}{}", stdout(&short), stderr(&short));
    assert!(
        stderr(&short).contains("short.csv: line 2: the row has 2 fields, the header has"),
        "{}",
        stderr(&short)
    );
    assert!(
        stdout(&short).is_empty(),
        "nothing compared: {}",
        stdout(&short)
    );
}

/// A command line `import` cannot follow is a usage error (exit 2) naming the flag and
/// why, before the key or the store is read: `--from csv` without `--columns`, columns
/// that do not parse, `--columns` for a format with columns of its own, `-` for the
/// portal's documents. A portal path that does not open is exit 3, "cannot open".
#[test]
fn import_refuses_a_wrong_command_line_as_usage_and_a_missing_path_as_io() {
    let sandbox = kaltim();
    let before = std::fs::read(sandbox.path("s/log.segment")).unwrap();
    let import = |args: &[&str]| {
        let mut all = vec![
            "import",
            "-s",
            "s",
            "-k",
            "in/keys/operator.key",
            "--lang",
            "en",
        ];
        all.extend(args);
        let output = sandbox.run(&all);
        (code(&output), stderr(&output))
    };
    let mapping = "station=kode_tps,valid=sah,invalid=tidak_sah";
    for (args, exit, says) in [
        (
            &["--from", "csv", "in/sheets.csv"][..],
            2,
            "--from csv needs --columns",
        ),
        (
            &["--from", "csv", "--columns", "garbage", "in/sheets.csv"][..],
            2,
            "--columns: \"garbage\" is not NAME=SOURCE_COLUMN",
        ),
        (
            &["--from", "sheets", "--columns", mapping, "in/sheets.csv"][..],
            2,
            "--columns is for --from csv and --from kawalpemilu; --from sheets",
        ),
        (
            &["--columns", mapping, "in/sheets.csv"][..],
            2,
            "--from sheets has columns of its own",
        ),
        (
            &["--from", "sirekap", "--columns", mapping, "in"][..],
            2,
            "--from sirekap has columns of its own",
        ),
        (&["--from", "sirekap", "-"][..], 2, "not standard input (-)"),
        (
            &["--from", "sirekap", "nodir"][..],
            3,
            "cannot open nodir: ",
        ),
        (
            &["--from", "sirekap", "in", "bad/nope.json"][..],
            3,
            "cannot open bad/nope.json: ",
        ),
    ] {
        let (status, said) = import(args);
        assert_eq!(status, exit, "{args:?}: {said}");
        assert!(said.contains(says), "{args:?}: {said}");
        assert!(!said.contains("13-digit"), "{args:?}: {said}");
    }
    let after = std::fs::read(sandbox.path("s/log.segment")).unwrap();
    assert_eq!(before, after, "nothing was appended");
    // The help says which formats take `-` (however the lines are wrapped).
    let help = stdout(&sandbox.run(&["import", "--help", "--lang", "en"]));
    let words = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("for every format but sirekap"), "{help}");
}

/// The summary's count by kind names the source's column, as each problem's line does.
#[test]
fn the_count_by_kind_names_the_source_s_column() {
    let sandbox = kaltim();
    let (station, _) = first_station(&sandbox);
    let tps: String = station.chars().filter(|c| *c != '-').collect();
    std::fs::write(
        sandbox.path("kawal.csv"),
        format!("tps,pas1,pas2,sah,tidakSah\n{tps},1,2,3,x\n"),
    )
    .unwrap();
    let args = [
        "import",
        "-s",
        "s",
        "-k",
        "in/keys/operator.key",
        "--from",
        "kawalpemilu",
        "kawal.csv",
    ];
    let refused = sandbox.run(&[&args[..], &["--lang", "en"]].concat());
    assert_eq!(code(&refused), 1, "{}", stderr(&refused));
    let said = stderr(&refused);
    assert!(said.contains("kawal.csv: line 2, tidakSah:"), "{said}");
    assert!(said.contains("column tidakSah"), "{said}");
    assert!(!said.contains("column invalid"), "{said}");
    let json = sandbox.run(&[&args[..], &["-f", "json"]].concat());
    let value: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(value["problems_by_kind"]["column tidakSah"], 1, "{value}");
}
