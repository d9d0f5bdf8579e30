//! `--lang id` reaches the reasons the libraries give as data: an import's row problems
//! (stderr, `--problems FILE`, the summary's kinds), another format's problems, a
//! `--columns` mapping's error, a regions CSV's reasons, and the witness's and the mirror's
//! errors.

use crate::harness::{code, stderr, Sandbox};
use crate::import::set_up;

/// The demo's sheets with a bad cell, an unknown station and an unknown column.
fn bad_sheets(sandbox: &Sandbox) -> String {
    let good = std::fs::read_to_string(sandbox.path("in/sheets.csv")).unwrap();
    let mut lines: Vec<String> = good.lines().take(3).map(str::to_owned).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let votes_1 = header.iter().position(|name| *name == "votes_1").unwrap();
    let station = header.iter().position(|name| *name == "station").unwrap();
    let mut first: Vec<String> = lines[1].split(',').map(str::to_owned).collect();
    first[votes_1] = "x1".to_owned();
    lines[1] = first.join(",");
    let mut second: Vec<String> = lines[2].split(',').map(str::to_owned).collect();
    second[station] = "9999999999999".to_owned();
    lines[2] = second.join(",");
    lines[0] += ",bogus";
    for line in lines.iter_mut().skip(1) {
        line.push(',');
    }
    lines.join("\n") + "\n"
}

/// `rekap --lang LANG import --store store --key (the operator's) ARGUMENTS...`.
fn import_in(sandbox: &Sandbox, lang: &str, arguments: &[&str]) -> std::process::Output {
    let mut all = vec!["--lang", lang, "import", "--store", "store"];
    all.extend(["--key", "in/keys/operator.key"]);
    all.extend(arguments);
    sandbox.run(&all)
}

#[test]
fn an_imports_row_problems_are_indonesian() {
    let sandbox = set_up();
    std::fs::write(sandbox.path("bad.csv"), bad_sheets(&sandbox)).unwrap();
    let output = import_in(&sandbox, "id", &["bad.csv", "--problems", "problems.csv"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let said = stderr(&output);
    for line in [
        "baris 1, bogus: kolom \"bogus\" tidak dikenal (kolom ke-",
        "baris 2, votes_1: \"x1\" bukan bilangan bulat (hanya angka, tanpa pemisah)",
        "baris 3, station: \"9999999999999\" bukan TPS pemilihan ini",
        "kolom votes_1",
    ] {
        assert!(said.contains(line), "{line:?} in {said}");
    }
    assert!(!said.contains("is not"), "no English reason: {said}");
    let file = std::fs::read_to_string(sandbox.path("problems.csv")).unwrap();
    assert!(
        file.contains("\"\"x1\"\" bukan bilangan bulat"),
        "the problems file's reasons: {file}"
    );
    // English stays English, and -f json keeps the English reason for scripts.
    let english = import_in(&sandbox, "en", &["bad.csv", "-f", "json"]);
    assert_eq!(code(&english), 1, "{}", stderr(&english));
    let json = String::from_utf8_lossy(&english.stdout).into_owned();
    assert!(
        json.contains("is not a whole number (digits only, no separators)"),
        "{json}"
    );
}

#[test]
fn another_formats_problems_and_a_mapping_error_are_indonesian() {
    let sandbox = set_up();
    std::fs::write(
        sandbox.path("mapped.csv"),
        "kode_tps,sah\n6401012001001,x\n",
    )
    .unwrap();
    let missing = import_in(
        &sandbox,
        "id",
        &[
            "--from",
            "csv",
            "--columns",
            "station=kode_tps,votes_1=suara_01,valid=sah,invalid=sah",
            "mapped.csv",
        ],
    );
    assert_eq!(code(&missing), 1, "{}", stderr(&missing));
    let said = stderr(&missing);
    assert!(
        said.contains(
            "mapped.csv: baris 1, suara_01: tidak ada kolom \"suara_01\" (dipetakan ke votes_1)"
        ),
        "{said}"
    );
    let unreadable = import_in(
        &sandbox,
        "id",
        &["--from", "csv", "--columns", "station", "mapped.csv"],
    );
    // Columns that do not parse are a usage error (exit 2), named by the flag.
    assert_eq!(code(&unreadable), 2, "{}", stderr(&unreadable));
    let said = stderr(&unreadable);
    assert!(
        said.contains("\"station\" bukan NAMA=KOLOM_SUMBER (mis. station=kode_tps)"),
        "{said}"
    );
}

/// `init` with the demo's definition and `regions` as its regions CSV, under `--lang id`:
/// the exit code and stderr.
fn init_with_regions(sandbox: &Sandbox, regions: &str) -> (i32, String) {
    std::fs::write(sandbox.path("bad-regions.csv"), regions).unwrap();
    let output = sandbox.run(&[
        "--lang",
        "id",
        "init",
        "--store",
        "new-store",
        "--election",
        "in/election.json",
        "--regions",
        "bad-regions.csv",
        "--key",
        "in/keys/registrar.key",
    ]);
    assert!(!sandbox.path("new-store/log").exists());
    (code(&output), stderr(&output))
}

#[test]
fn a_regions_csvs_reasons_are_indonesian() {
    let sandbox = set_up();
    let good = std::fs::read_to_string(sandbox.path("in/election.csv")).unwrap();
    let village = good
        .lines()
        .find(|line| line.contains(",village,"))
        .unwrap()
        .to_owned();
    let fields: Vec<&str> = village.split(',').collect();
    let line = good.lines().position(|line| line == village).unwrap() + 1;
    for (stations, reason) in [
        (
            "\"1-5,3-8\"",
            "3-8 bertumpang tindih dengan atau datang sebelum 1-5",
        ),
        ("\"9-3\"", "rentang 9-3 menurun"),
        ("\"0,4\"", "nomor TPS 0 (nomor mulai dari 1)"),
        ("\"1,,2\"", "ada butir kosong dalam daftar nomor TPS"),
    ] {
        let bad_village = format!("{},{stations}", fields[..4].join(","));
        let (status, said) = init_with_regions(&sandbox, &good.replace(&village, &bad_village));
        assert_eq!(status, 1, "{said}");
        assert!(
            said.contains(&format!(
                "CSV wilayah baris {line}: isian \"stations\": {reason}"
            )),
            "{stations}: {said}"
        );
    }
    let (status, said) = init_with_regions(&sandbox, "code,parent,name\n");
    assert_eq!(status, 1, "{said}");
    assert!(
        said.contains("CSV wilayah baris 1: baris judul harus \"code,parent,level,name,stations\""),
        "{said}"
    );
    assert!(!said.contains("must be"), "{said}");
    // A refusal of one region names the file and the line that lists it.
    let orphan = format!("{},99,{}", fields[0], fields[2..].join(","));
    let (status, said) = init_with_regions(&sandbox, &good.replace(&village, &orphan));
    assert_eq!(status, 1, "{said}");
    assert!(
        said.contains(&format!(
            "bad-regions.csv baris {line}: wilayah \"{}\"",
            fields[0]
        )),
        "{said}"
    );
    assert!(said.contains("berinduk \"99\""), "{said}");
}

#[test]
fn the_mirrors_and_the_witness_evidence_errors_are_indonesian() {
    let sandbox = Sandbox::new();
    let mirror = sandbox.run(&[
        "--lang",
        "id",
        "mirror",
        "--store",
        "mirror-store",
        "--from",
        "http://127.0.0.1:9",
        "--once",
    ]);
    assert_ne!(code(&mirror), 0, "{}", stderr(&mirror));
    let said = stderr(&mirror);
    assert!(
        said.contains("cermin baru memerlukan kunci log (--log-key VKEY"),
        "{said}"
    );
    std::fs::write(sandbox.path("evidence.txt"), b"\xff\xfe not text").unwrap();
    let evidence = sandbox.run(&["--lang", "id", "verify-evidence", "evidence.txt"]);
    assert_eq!(code(&evidence), 1, "{}", stderr(&evidence));
    let said = stderr(&evidence);
    assert!(said.contains("bukti bukan UTF-8"), "{said}");
}

#[test]
fn usage_lines_and_value_names_are_indonesian_in_every_commands_help() {
    let sandbox = Sandbox::new();
    let top = sandbox.run(&["--lang", "id", "--help"]);
    let text = String::from_utf8_lossy(&top.stdout).into_owned();
    assert!(
        text.contains("Penggunaan: rekap [OPSI] <PERINTAH>"),
        "{text}"
    );
    let commands = commands_listed(&text, "Perintah");
    assert!(commands.len() > 20, "{commands:?}");
    for command in commands.iter().filter(|command| *command != "help") {
        let help = sandbox.run(&["--lang", "id", command, "--help"]);
        let help = String::from_utf8_lossy(&help.stdout).into_owned();
        assert!(help.contains("Penggunaan: rekap"), "{command}: {help}");
        for english in ["[OPTIONS]", "<FILE>", "<DIR>", "Usage:"] {
            assert!(!help.contains(english), "{command}: {english} in {help}");
        }
    }
    let import = sandbox.run(&["--lang", "id", "import", "--help"]);
    let import = String::from_utf8_lossy(&import.stdout).into_owned();
    assert!(
        import.contains("Penggunaan: rekap import [OPSI] --key <BERKAS> <BERKAS>..."),
        "{import}"
    );
    let english = sandbox.run(&["--lang", "en", "import", "--help"]);
    let english = String::from_utf8_lossy(&english.stdout).into_owned();
    assert!(
        english.contains("Usage: rekap import [OPTIONS] --key <FILE> <FILE>..."),
        "{english}"
    );
}

/// The fenced blocks of a Markdown text, in order.
fn fenced_blocks(text: &str) -> Vec<String> {
    text.split("```")
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The inline code spans of a Markdown text outside its fenced blocks that start with
/// `rekap `: the commands it shows.
fn commands(text: &str) -> std::collections::BTreeSet<String> {
    text.split("```")
        .step_by(2)
        .flat_map(|prose| {
            prose
                .split('`')
                .skip(1)
                .step_by(2)
                .filter(|span| span.starts_with("rekap "))
                // A span may be wrapped across lines.
                .map(|span| span.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn the_indonesian_operator_guide_has_the_same_sections_commands_and_examples() {
    let root = env!("CARGO_MANIFEST_DIR");
    let english = std::fs::read_to_string(format!("{root}/docs/OPERATOR.md")).unwrap();
    let indonesian = std::fs::read_to_string(format!("{root}/docs/OPERATOR.id.md")).unwrap();
    assert!(english.contains("[OPERATOR.id.md](OPERATOR.id.md)"));
    assert!(indonesian.contains("[OPERATOR.md](OPERATOR.md)"));
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    assert!(readme.contains("(docs/OPERATOR.id.md)"));
    let headings = |text: &str| -> Vec<usize> {
        text.split("```")
            .step_by(2)
            .flat_map(|prose| prose.lines().map(str::to_owned).collect::<Vec<_>>())
            .filter(|line| line.starts_with('#'))
            .map(|line| line.chars().take_while(|c| *c == '#').count())
            .collect()
    };
    assert_eq!(
        headings(&english),
        headings(&indonesian),
        "the same sections"
    );
    assert_eq!(
        fenced_blocks(&english),
        fenced_blocks(&indonesian),
        "the same examples, byte for byte"
    );
    let missing: Vec<String> = commands(&english)
        .difference(&commands(&indonesian))
        .cloned()
        .collect();
    assert_eq!(
        missing,
        Vec::<String>::new(),
        "commands of OPERATOR.md not in OPERATOR.id.md"
    );
    assert!(commands(&english).len() > 30);
}

/// Issue 17: every command that opens a store takes `--store` (`-s`) with the same default
/// and `REKAP_STORE`; the others read no store.
#[test]
fn every_command_with_a_store_takes_store_with_its_default_and_the_environment() {
    let sandbox = Sandbox::new();
    let top = sandbox.run(&["--lang", "en", "--help"]);
    let text = String::from_utf8_lossy(&top.stdout).into_owned();
    let commands = commands_listed(&text, "Commands");
    let without_a_store = [
        "keygen",
        "pubkey",
        "definition",
        "verify-proof",
        "verify-consistency",
        "bench",
        "bench-server",
        "send",
        "witness",
        "verify-evidence",
        "completions",
        "man",
        "help",
    ];
    let mut with_a_store = 0;
    for command in &commands {
        let help = sandbox.run(&["--lang", "en", command, "--help"]);
        let help = String::from_utf8_lossy(&help.stdout).into_owned();
        if without_a_store.contains(&command.as_str()) {
            continue;
        }
        with_a_store += 1;
        assert!(help.contains("-s, --store <DIR>"), "{command}: {help}");
        // `demo` and `mirror` keep their own stores by default, `repair` is given the
        // damaged one by name; every other command reads the operator's.
        if !["demo", "mirror", "repair"].contains(&command.as_str()) {
            // clap's `[env: ...]`, or (verify, audit: --log excludes it) said in the line.
            let environment = help.contains("[env: REKAP_STORE=")
                || help.contains("$REKAP_STORE, else rekap-store");
            assert!(environment, "{command}: {help}");
        }
    }
    assert!(with_a_store > 20, "{commands:?}");
}

/// The command names `rekap --help` lists under `heading`: a command's line starts with two
/// spaces, its wrapped description with more.
fn commands_listed(help: &str, heading: &str) -> Vec<String> {
    help.lines()
        .skip_while(|line| !line.starts_with(heading))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter(|line| !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
        .collect()
}

/// Under `--lang id`: the store errors, unknown levels, regions, stations and contests,
/// verify-proof's reasons, listings' key words (roles, statuses) and station rows' status
/// are Indonesian; counts a person reads are grouped (review of issue 17, items 5, 6, 8).
#[test]
fn reads_refusals_proof_reasons_and_listing_words_are_indonesian() {
    let sandbox = Sandbox::new();
    let demo = sandbox.run(&["demo", "-q"]);
    assert_eq!(code(&demo), 0, "{}", stderr(&demo));
    let said = |args: &[&str]| {
        let mut all = vec!["--lang", "id"];
        all.extend(args);
        let output = sandbox.run(&all);
        format!("{}{}", crate::harness::stdout(&output), stderr(&output))
    };
    let store = "rekap-demo-store";
    let station = "6401012009-001";
    for (args, indonesian) in [
        (vec!["status", "-s", "nowhere"], "bukan penyimpanan rekap"),
        (
            vec!["totals", "-s", store, "--level", "bogus"],
            "tingkat bogus tidak dikenal",
        ),
        (
            vec!["totals", "-s", store, "--region", "99"],
            "wilayah 99 tidak dikenal",
        ),
        (
            vec!["status", "-s", store, "--contest", "nope"],
            "kontestasi nope tidak dikenal",
        ),
        (
            vec!["sheet", "-s", store, station, "--contest", "nope"],
            "kontestasi nope tidak dikenal",
        ),
        (
            vec![
                "prove",
                "-s",
                store,
                "--contest",
                "pilgub-kaltim-2024",
                "--station",
                "1-1",
                "--out",
                "p.json",
            ],
            "TPS 1-1 tidak dikenal",
        ),
        (
            vec!["list", "officers", "-s", store, "--role", "official"],
            "petugas",
        ),
        (vec!["list", "objections", "-s", store], "diterima"),
        (
            vec!["totals", "-s", store, "--region", "6401012009"],
            "dihitung",
        ),
        (
            vec!["list", "regions", "-s", store, "--level", "province"],
            "6.264",
        ),
    ] {
        let text = said(&args);
        assert!(text.contains(indonesian), "{args:?}: {text}");
        for english in [
            "unknown",
            "is not a rekap store",
            "official ",
            "accepted",
            "counted",
        ] {
            assert!(!text.contains(english), "{args:?}: {text}");
        }
    }
    // The contest is named, not the station, in English too.
    let english = sandbox.run(&[
        "sheet",
        "-s",
        store,
        station,
        "--contest",
        "nope",
        "--lang",
        "en",
    ]);
    assert!(
        stderr(&english).contains("unknown contest nope"),
        "{}",
        stderr(&english)
    );

    // A proof whose sheet numbers were changed: verify-proof's reason in Indonesian.
    let proved = sandbox.run(&[
        "prove",
        "-s",
        store,
        "--contest",
        "pilgub-kaltim-2024",
        "--station",
        station,
        "--out",
        "proof.json",
    ]);
    assert_eq!(code(&proved), 0, "{}", stderr(&proved));
    let mut proof: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sandbox.path("proof.json")).unwrap())
            .unwrap();
    let valid = proof["sheet"]["valid"].as_u64().unwrap();
    proof["sheet"]["valid"] = (valid + 1).into();
    std::fs::write(sandbox.path("bad.json"), proof.to_string()).unwrap();
    let text = said(&["verify-proof", "--proof", "bad.json"]);
    assert!(text.contains("GAGAL"), "{text}");
    assert!(!text.contains(" the "), "{text}");
}
