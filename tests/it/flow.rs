//! The operator's and auditor's whole path through the commands on a small election:
//! keys, init, submit, object, correct, resolve, sign, approve up the ladder, totals,
//! status, history, prove, verify-proof, verify. Bad input leaves the store unchanged.

use serde_json::{json, Value};

use crate::harness::{code, stderr, stdout, Sandbox};

const CONTEST: &str = "gubernur-64";
const STATIONS: [&str; 3] = ["6472010001-001", "6472010001-002", "6472010002-001"];

struct Election {
    sandbox: Sandbox,
}

impl Election {
    fn run(&self, args: &[&str]) -> std::process::Output {
        self.sandbox.run(args)
    }

    fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert_eq!(
            code(&output),
            0,
            "{args:?}: {}{}",
            stdout(&output),
            stderr(&output)
        );
        stdout(&output)
    }

    fn key(&self, name: &str) -> String {
        let path = format!("keys/{name}.key");
        let out = self.ok(&["keygen", "--out", &path]);
        let public = out
            .lines()
            .find_map(|line| line.strip_prefix("public key "))
            .unwrap();
        assert!(
            !out.contains(
                &std::fs::read_to_string(self.sandbox.path(&path))
                    .unwrap()
                    .lines()
                    .nth(1)
                    .unwrap()
                    .to_owned()
            ),
            "secret printed"
        );
        public.to_owned()
    }

    fn head(&self) -> Value {
        serde_json::from_str(&self.ok(&["verify", "--store", "rekap-store", "--json"])).unwrap()
    }

    fn sheet_args(station: &str, one: u32, two: u32) -> Vec<String> {
        let valid = one + two;
        let used = valid + 3;
        [
            ("--station", station.to_owned()),
            ("--contest", CONTEST.to_owned()),
            ("--dpt", (used + 20).to_string()),
            ("--voted-dpt", used.to_string()),
            ("--ballots-received", (used + 25).to_string()),
            ("--ballots-used", used.to_string()),
            ("--ballots-unused", "25".to_owned()),
            ("--votes", format!("{one},{two}")),
            ("--valid", valid.to_string()),
            ("--invalid", "3".to_owned()),
        ]
        .into_iter()
        .flat_map(|(flag, value)| [flag.to_owned(), value])
        .collect()
    }

    fn with_sheet(
        &self,
        command: &str,
        key: &str,
        station: &str,
        one: u32,
        two: u32,
        extra: &[&str],
    ) -> std::process::Output {
        let mut args: Vec<String> = vec![command.into(), "--key".into(), format!("keys/{key}.key")];
        args.extend(Self::sheet_args(station, one, two));
        args.extend(extra.iter().map(|arg| arg.to_string()));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run(&refs)
    }
}

fn set_up() -> Election {
    let election = Election {
        sandbox: Sandbox::new(),
    };
    let registrar = election.key("registrar");
    let operator = election.key("operator");
    let district = election.key("district");
    let regency = election.key("regency");
    let province = election.key("province");
    let witness = election.key("witness");
    let definition = json!({
        "format": "rekap-election/1",
        "name": "Flow test",
        "levels": "indonesia",
        "station_capacity": 600,
        "registrar": registrar,
        "contests": [{"id": CONTEST, "name": "Gubernur", "scope": "64",
                      "pairs": [{"number": 1, "name": "A"}, {"number": 2, "name": "B"}]}],
        "regions": [
            {"code": "64", "parent": null, "level": "province", "name": "KALIMANTAN TIMUR"},
            {"code": "6472", "parent": "64", "level": "regency", "name": "KOTA SAMARINDA"},
            {"code": "647201", "parent": "6472", "level": "district", "name": "PALARAN"},
            {"code": "6472010001", "parent": "647201", "level": "village", "name": "RAWA MAKMUR", "stations": 2},
            {"code": "6472010002", "parent": "647201", "level": "village", "name": "HANDIL BAKTI", "stations": 1},
        ],
        "officers": [
            {"key": operator, "role": "operator", "scope": "64"},
            {"key": district, "role": "official", "scope": "647201"},
            {"key": regency, "role": "official", "scope": "6472"},
            {"key": province, "role": "official", "scope": "64"},
            {"key": witness, "role": {"witness": {"contest": CONTEST, "pair": 1}}, "scope": "64"},
        ],
    });
    std::fs::write(
        election.sandbox.path("election.json"),
        definition.to_string(),
    )
    .unwrap();
    election.ok(&[
        "init",
        "--election",
        "election.json",
        "--key",
        "keys/registrar.key",
    ]);
    election
}

#[test]
fn the_whole_ladder_from_sheets_to_a_verified_proof() {
    let election = set_up();
    for (n, station) in STATIONS.iter().enumerate() {
        let output = election.with_sheet("submit", "operator", station, 100 + n as u32, 50, &[]);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
    }
    let objection = election.ok(&[
        "object",
        "--key",
        "keys/witness.key",
        "--place",
        STATIONS[1],
        "--contest",
        CONTEST,
        "--text",
        "pair 1 had 111, not 101",
    ]);
    let objection_id = objection
        .lines()
        .find_map(|line| line.split("event id ").nth(1))
        .unwrap()
        .trim_end_matches(')')
        .to_owned();
    let correction = election.with_sheet(
        "correct",
        "district",
        STATIONS[1],
        111,
        50,
        &[
            "--reason",
            "recounted in the plenary",
            "--answers",
            &objection_id,
        ],
    );
    assert_eq!(code(&correction), 0, "{}", stderr(&correction));
    let correction_id = stdout(&correction)
        .lines()
        .find_map(|line| line.split("event id ").nth(1))
        .unwrap()
        .trim_end_matches(')')
        .to_owned();
    election.ok(&[
        "resolve",
        "--key",
        "keys/district.key",
        "--objection",
        &objection_id,
        "--accept",
        &correction_id,
        "--reason",
        "the recount agrees",
    ]);

    election.ok(&[
        "sign",
        "--key",
        "keys/witness.key",
        "--region",
        "647201",
        "--contest",
        CONTEST,
        "--out",
        "w-647201.json",
    ]);
    election.ok(&[
        "approve",
        "--key",
        "keys/district.key",
        "--region",
        "647201",
        "--contest",
        CONTEST,
        "--signature",
        "w-647201.json",
    ]);
    election.ok(&[
        "approve",
        "--key",
        "keys/regency.key",
        "--region",
        "6472",
        "--contest",
        CONTEST,
    ]);
    election.ok(&[
        "approve",
        "--key",
        "keys/province.key",
        "--region",
        "64",
        "--contest",
        CONTEST,
    ]);

    let view = election.sandbox.path("rekap-store/totals.view");
    assert!(view.exists(), "the last append saved the totals view");
    let from_view = election.ok(&["totals", "--format", "json"]);
    // The view is read without opening the store: totals answers while another process
    // holds the store, where a replaying command (`sheet` of a code no view knows) gets
    // exit 4.
    let lock = std::fs::File::open(election.sandbox.path("rekap-store/LOCK")).unwrap();
    lock.lock().unwrap();
    assert_eq!(election.ok(&["totals", "--format", "json"]), from_view);
    assert_eq!(code(&election.run(&["sheet", "6472010001-999"])), 4);
    // `status` answers from the totals and stations views the same way, and `history`
    // from its own (issue 18).
    assert_eq!(code(&election.run(&["status"])), 0);
    assert_eq!(code(&election.run(&["history", STATIONS[0]])), 0);
    lock.unlock().unwrap();
    // A damaged view is never misread: a byte flipped anywhere (header, rows, names, vote
    // lines, directory) gives the answer of a replay. A reader changes no file of the
    // store, so the damaged view stays until the next append replaces it.
    let intact = std::fs::read(&view).unwrap();
    std::fs::remove_file(&view).unwrap();
    let replayed = election.ok(&["totals", "--format", "json"]);
    assert_eq!(replayed, from_view, "the view answers as the replay does");
    assert!(!view.exists(), "a reader saved a view");
    for index in (0..intact.len()).step_by(intact.len() / 24) {
        let mut flipped = intact.clone();
        flipped[index] ^= 0x55;
        std::fs::write(&view, &flipped).unwrap();
        assert_eq!(
            election.ok(&["totals", "--format", "json"]),
            from_view,
            "a flip at byte {index} of the view"
        );
        assert!(
            std::fs::read(&view).unwrap() == flipped,
            "a reader rewrote the view"
        );
    }
    // A view that cannot be read (here a directory in its place) costs only speed.
    std::fs::remove_file(&view).unwrap();
    std::fs::create_dir_all(view.join("in-the-way")).unwrap();
    let blocked = election.run(&["totals", "--format", "json"]);
    assert_eq!(code(&blocked), 0, "{}", stderr(&blocked));
    assert_eq!(String::from_utf8_lossy(&blocked.stdout), from_view);
    std::fs::remove_dir_all(&view).unwrap();
    let totals: Value = serde_json::from_str(&from_view).unwrap();
    assert_eq!(totals["contest"], CONTEST);
    assert_eq!(totals["level"], "province");
    let province = &totals["regions"][0];
    assert_eq!(province["votes"]["1"], 100 + 111 + 102);
    assert_eq!(province["votes"]["2"], 150);
    assert_eq!(province["stations_reported"], 3);
    assert_eq!(province["approval"], "approved");
    let villages: Value =
        serde_json::from_str(&election.ok(&["totals", "--level", "village", "--format", "json"]))
            .unwrap();
    assert_eq!(villages["regions"].as_array().unwrap().len(), 2);
    assert_eq!(villages["regions"][0]["approval"], "none");

    let table = election.ok(&["totals", "--lang", "id", "--level", "district"]);
    assert!(
        table.contains("Kecamatan") && table.contains("disahkan"),
        "{table}"
    );
    let status = election.ok(&["status", "--lang", "en"]);
    assert!(
        status.contains("Stations reported: 3 of 3 (100.00%)"),
        "{status}"
    );
    let history = election.ok(&["history", STATIONS[1]]);
    assert!(
        history.contains("sheet corrected")
            && history.contains("recounted in the plenary")
            && history.contains("accepted"),
        "{history}"
    );

    election.ok(&[
        "prove",
        "--contest",
        CONTEST,
        "--station",
        STATIONS[1],
        "--out",
        "proof.json",
    ]);
    let digest = totals_digest(&election);
    let verified = election.ok(&["verify-proof", "--proof", "proof.json", "--digest", &digest]);
    assert!(verified.contains("votes 1: 111, 2: 50,"), "{verified}");
    let mut proof: Value = serde_json::from_str(
        &std::fs::read_to_string(election.sandbox.path("proof.json")).unwrap(),
    )
    .unwrap();
    proof["sheet"]["votes"][0] = json!(112);
    std::fs::write(election.sandbox.path("forged.json"), proof.to_string()).unwrap();
    assert_eq!(
        code(&election.run(&[
            "verify-proof",
            "--proof",
            "forged.json",
            "--digest",
            &digest
        ])),
        1
    );
    assert_eq!(election.head()["ok"], true);

    // A change after the view was saved: totals must not answer from the old view.
    let recount = election.with_sheet(
        "correct",
        "district",
        STATIONS[0],
        101,
        50,
        &["--reason", "second recount"],
    );
    assert_eq!(code(&recount), 0, "{}", stderr(&recount));
    let after: Value = serde_json::from_str(&election.ok(&["totals", "--format", "json"])).unwrap();
    assert_eq!(after["regions"][0]["votes"]["1"], 101 + 111 + 102);
    assert_eq!(after["regions"][0]["approval"], "stale");
}

fn totals_digest(election: &Election) -> String {
    let history: Value =
        serde_json::from_str(&election.ok(&["history", "--region", "64", "--format", "json"]))
            .unwrap();
    let entries = history["entries"].as_array().unwrap();
    let approval = entries
        .iter()
        .rev()
        .find(|entry| entry["kind"] == "plenary_approved" && entry["place"] == "64")
        .unwrap();
    approval["details"]["digest"].as_str().unwrap().to_owned()
}

#[test]
fn refused_input_exits_1_names_the_rule_and_leaves_the_store_unchanged() {
    let election = set_up();
    let before = election.head();
    // Sirekap misread: 11 votes read as 826.
    let mut args: Vec<String> = vec!["submit".into(), "--key".into(), "keys/operator.key".into()];
    args.extend(Election::sheet_args(STATIONS[0], 11, 40));
    let votes = args.iter().position(|arg| arg == "--votes").unwrap();
    args[votes + 1] = "826,40".into();
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = election.run(&refs);
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("R40: ")
            && stderr(&output).contains("pair-votes=valid")
            && stderr(&output).contains("866"),
        "{}",
        stderr(&output)
    );
    // A witness may not correct; an operator may not approve; an unknown station.
    assert_eq!(
        code(&election.with_sheet("correct", "witness", STATIONS[0], 1, 1, &["--reason", "x"])),
        1
    );
    assert_eq!(
        code(&election.run(&[
            "approve",
            "--key",
            "keys/operator.key",
            "--region",
            "647201",
            "--contest",
            CONTEST
        ])),
        1
    );
    assert_eq!(
        code(&election.with_sheet("submit", "operator", "6472010001-009", 1, 1, &[])),
        1
    );
    // An approval before every station reported.
    assert_eq!(
        code(&election.with_sheet("submit", "operator", STATIONS[0], 1, 1, &[])),
        0
    );
    let middle = election.head();
    let approve = election.run(&[
        "approve",
        "--key",
        "keys/district.key",
        "--region",
        "647201",
        "--contest",
        CONTEST,
    ]);
    assert_eq!(code(&approve), 1);
    assert!(
        stderr(&approve).contains("R59: ")
            && stderr(&approve).contains("stations have neither a sheet nor a void"),
        "{}",
        stderr(&approve)
    );
    assert_eq!(election.head(), middle);
    assert_ne!(before, middle);
}

#[test]
fn an_official_voids_a_station_and_orders_a_revote() {
    let election = set_up();
    for (n, station) in STATIONS.iter().enumerate() {
        let output = election.with_sheet("submit", "operator", station, 40 + n as u32, 50, &[]);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
    }
    election.ok(&[
        "void",
        "--key",
        "keys/district.key",
        "--station",
        STATIONS[2],
        "--contest",
        CONTEST,
        "--reason",
        "ballot box burned",
    ]);
    let totals: Value =
        serde_json::from_str(&election.ok(&["totals", "--format", "json"])).unwrap();
    assert_eq!(totals["regions"][0]["votes"]["1"], 40 + 41);
    election.ok(&[
        "revote",
        "--key",
        "keys/district.key",
        "--station",
        STATIONS[0],
        "--contest",
        CONTEST,
        "--reason",
        "PSU ordered by Bawaslu",
    ]);
    let totals: Value =
        serde_json::from_str(&election.ok(&["totals", "--format", "json"])).unwrap();
    assert_eq!(totals["regions"][0]["votes"]["1"], 41);
    assert_eq!(totals["regions"][0]["stations_reported"], 1);
    // Without a reason the model refuses; an operator may not void.
    assert_eq!(
        code(&election.run(&[
            "void",
            "--key",
            "keys/district.key",
            "--station",
            STATIONS[1],
            "--contest",
            CONTEST,
            "--reason",
            " "
        ])),
        1
    );
    assert_eq!(
        code(&election.run(&[
            "void",
            "--key",
            "keys/operator.key",
            "--station",
            STATIONS[1],
            "--contest",
            CONTEST,
            "--reason",
            "x"
        ])),
        1
    );
    let history = election.ok(&["history", STATIONS[0]]);
    assert!(
        history.contains("re-vote ordered") && history.contains("PSU ordered by Bawaslu"),
        "{history}"
    );
}
