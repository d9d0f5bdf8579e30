//! `rekap serve` and the client: real servers on 127.0.0.1 ephemeral ports, driven by the
//! CLI and by raw HTTP. Every endpoint, every error status, retries, a refusal among
//! accepted submissions, concurrency, and kill -9 under load.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::harness::{code, rekap_binary, stderr, stdout, Sandbox};

pub(crate) const CONTEST: &str = "gubernur-64";
const CLIENTS: usize = 4;

/// A sandbox with keys, a definition of 2 x 150 stations and `CLIENTS` operators, and a
/// store holding its genesis.
pub(crate) fn election() -> Sandbox {
    let sandbox = Sandbox::new();
    let key = |name: &str| {
        let out = sandbox.run(&["keygen", "--out", &format!("keys/{name}.key")]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        stdout(&out)
            .lines()
            .find_map(|line| line.strip_prefix("public key "))
            .unwrap()
            .to_owned()
    };
    let registrar = key("registrar");
    let mut officers: Vec<Value> = (0..CLIENTS)
        .map(|n| json!({"key": key(&format!("operator{n}")), "role": "operator", "scope": "64"}))
        .collect();
    officers.push(json!({"key": key("district"), "role": "official", "scope": "647201"}));
    officers.push(json!({"key": key("witness"), "role": {"witness": {"contest": CONTEST, "pair": 1}}, "scope": "64"}));
    let definition = json!({
        "format": "rekap-election/1", "name": "Server test", "levels": "indonesia",
        "station_capacity": 600, "registrar": registrar,
        "contests": [{"id": CONTEST, "name": "Gubernur", "scope": "64",
                      "pairs": [{"number": 1, "name": "A"}, {"number": 2, "name": "B"}]}],
        "regions": [
            {"code": "64", "parent": null, "level": "province", "name": "KALTIM"},
            {"code": "6472", "parent": "64", "level": "regency", "name": "SAMARINDA"},
            {"code": "647201", "parent": "6472", "level": "district", "name": "PALARAN"},
            {"code": "6472010001", "parent": "647201", "level": "village", "name": "RAWA MAKMUR", "stations": 150},
            {"code": "6472010002", "parent": "647201", "level": "village", "name": "HANDIL BAKTI", "stations": 150},
        ],
        "officers": officers,
    });
    std::fs::write(sandbox.path("election.json"), definition.to_string()).unwrap();
    let init = sandbox.run(&[
        "init",
        "--election",
        "election.json",
        "--key",
        "keys/registrar.key",
    ]);
    assert_eq!(code(&init), 0, "{}", stderr(&init));
    sandbox
}

pub(crate) fn station(n: usize) -> String {
    format!("647201000{}-{:03}", 1 + n / 150, 1 + n % 150)
}

pub(crate) fn sheet_args(station: &str, one: u32) -> Vec<String> {
    let (two, invalid) = (7, 3);
    let used = one + two + invalid;
    [
        ("--station", station.to_owned()),
        ("--contest", CONTEST.to_owned()),
        ("--dpt", (used + 20).to_string()),
        ("--voted-dpt", used.to_string()),
        ("--ballots-received", (used + 25).to_string()),
        ("--ballots-used", used.to_string()),
        ("--ballots-unused", "25".to_owned()),
        ("--votes", format!("{one},{two}")),
        ("--valid", (one + two).to_string()),
        ("--invalid", invalid.to_string()),
    ]
    .into_iter()
    .flat_map(|(flag, value)| [flag.to_owned(), value])
    .collect()
}

/// A running `rekap serve` on an ephemeral loopback port.
pub(crate) struct Server {
    child: Child,
    pub(crate) url: String,
}

impl Server {
    pub(crate) fn start(sandbox: &Sandbox, extra: &[&str]) -> Server {
        Server::start_at(sandbox, "127.0.0.1:0", extra)
    }

    /// `start` listening on `listen` (a restart on the port a client already uses).
    pub(crate) fn start_at(sandbox: &Sandbox, listen: &str, extra: &[&str]) -> Server {
        let mut child = Command::new(rekap_binary())
            .current_dir(sandbox.path(""))
            .env_remove("REKAP_STORE")
            .env_remove("REKAP_SERVER")
            .args(["serve", "--store", "rekap-store", "--listen", listen])
            .args(["--key-rate", "0", "--address-rate", "0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("{line:?}"))
            .to_owned();
        let server = Server { child, url };
        let deadline = Instant::now() + Duration::from_secs(30);
        while get(&format!("{}/readyz", server.url)).0 != 200 {
            assert!(Instant::now() < deadline, "not ready");
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    /// SIGTERM, then the exit code.
    pub(crate) fn stop(mut self) -> i32 {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        self.child.wait().unwrap().code().unwrap_or(-1)
    }

    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A test that fails between start and stop must not leave a `rekap serve` running after it.
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

pub(crate) fn answer(
    result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> (u16, String, Option<String>) {
    match result {
        Ok(mut response) => {
            let status = response.status().as_u16();
            let kind = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            (
                status,
                response.body_mut().read_to_string().unwrap_or_default(),
                kind,
            )
        }
        Err(error) => (0, error.to_string(), None),
    }
}

pub(crate) fn get(url: &str) -> (u16, String) {
    let (status, body, _) = answer(agent().get(url).call());
    (status, body)
}

pub(crate) fn post(url: &str, body: &str) -> (u16, String, Option<String>) {
    answer(
        agent()
            .post(url)
            .header("content-type", "application/json")
            .send(body),
    )
}

pub(crate) fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("{error}: {text}"))
}

/// `rekap submit --offline`: one signed submission line.
pub(crate) fn offline(sandbox: &Sandbox, key: &str, station: &str, one: u32) -> String {
    let file = format!("offline-{key}.jsonl");
    let _ = std::fs::remove_file(sandbox.path(&file));
    let mut args = vec![
        "submit".to_owned(),
        "--key".into(),
        format!("keys/{key}.key"),
    ];
    args.extend(sheet_args(station, one));
    args.extend([
        "--offline".into(),
        file.clone(),
        "--election".into(),
        "election-hash.json".into(),
    ]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = sandbox.run(&refs);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    std::fs::read_to_string(sandbox.path(&file))
        .unwrap()
        .trim()
        .to_owned()
}

pub(crate) fn submit_cli(
    sandbox: &Sandbox,
    url: &str,
    key: &str,
    station: &str,
    one: u32,
) -> std::process::Output {
    submit_cli_with(sandbox, url, key, station, one, &[])
}

/// `submit_cli` with more arguments after `--server URL`.
pub(crate) fn submit_cli_with(
    sandbox: &Sandbox,
    url: &str,
    key: &str,
    station: &str,
    one: u32,
    more: &[&str],
) -> std::process::Output {
    let mut args = vec![
        "submit".to_owned(),
        "--key".into(),
        format!("keys/{key}.key"),
    ];
    args.extend(sheet_args(station, one));
    args.extend(["--server".into(), url.to_owned()]);
    args.extend(more.iter().map(|arg| arg.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    sandbox.run(&refs)
}

#[test]
fn every_endpoint_and_every_error_status() {
    let sandbox = election();
    let server = Server::start(&sandbox, &["--body-limit", "65536"]);
    let url = server.url.clone();
    let (status, body) = get(&format!("{url}/healthz"));
    assert_eq!((status, body.as_str()), (200, "ok\n"));
    // While the server holds the store, a local append is exit 4 with the --server hint.
    let mut args = vec![
        "submit".to_owned(),
        "--key".into(),
        "keys/operator0.key".into(),
    ];
    args.extend(sheet_args(&station(0), 1));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let locked = sandbox.run(&refs);
    assert_eq!(code(&locked), 4, "{}", stderr(&locked));
    assert!(stderr(&locked).contains("--server"), "{}", stderr(&locked));

    // Through the CLI client.
    let first = submit_cli(&sandbox, &url, "operator0", &station(0), 40);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    assert!(
        stdout(&first).starts_with("appended record 2 (event id 2.0)\nhead "),
        "{}",
        stdout(&first)
    );
    let (status, body) = get(&format!("{url}/v1/election"));
    assert_eq!(status, 200);
    std::fs::write(sandbox.path("election-hash.json"), &body).unwrap();

    // Raw HTTP: an offline-signed submission, posted, then retried with the same bytes.
    let line = offline(&sandbox, "operator1", &station(1), 10);
    let (status, receipt, _) = post(&format!("{url}/v1/submissions"), &line);
    assert_eq!(status, 201, "{receipt}");
    let receipt = json_of(&receipt);
    assert_eq!(
        (receipt["seq"].as_u64(), receipt["repeated"].as_bool()),
        (Some(3), Some(false))
    );
    assert!(receipt["transparency"].is_null());
    let (status, again, _) = post(&format!("{url}/v1/submissions"), &line);
    let again = json_of(&again);
    assert_eq!(status, 200);
    assert_eq!(
        (&again["seq"], &again["record_hash"], &again["repeated"]),
        (&receipt["seq"], &receipt["record_hash"], &json!(true))
    );

    // The same counter with other bytes: 409 problem+json.
    let mut other = json_of(&line);
    let counter = other["counter"].as_u64().unwrap();
    std::fs::write(
        sandbox.path("keys/operator1.key.counter"),
        format!("{}\n", counter - 1),
    )
    .unwrap();
    let conflicting = offline(&sandbox, "operator1", &station(2), 11);
    let (status, problem, kind) = post(&format!("{url}/v1/submissions"), &conflicting);
    assert_eq!(
        (status, kind.as_deref()),
        (409, Some("application/problem+json")),
        "{problem}"
    );
    assert!(json_of(&problem)["detail"]
        .as_str()
        .unwrap()
        .contains("already used by record 3"));
    // A refusal by the model: 422 with the rule and the CLI's message.
    let duplicate = offline(&sandbox, "operator2", &station(0), 5);
    let (status, problem, _) = post(&format!("{url}/v1/submissions"), &duplicate);
    assert_eq!(status, 422, "{problem}");
    let problem = json_of(&problem);
    let rule = problem["rule"].as_str().unwrap().to_owned();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .starts_with(&format!("refused, nothing appended: event 0: {rule}: ")),
        "{problem}"
    );
    let cli = submit_cli(&sandbox, &url, "operator2", &station(0), 5);
    assert_eq!(code(&cli), 1);
    assert!(
        stderr(&cli).contains(problem["detail"].as_str().unwrap()),
        "{}",
        stderr(&cli)
    );
    // Bad JSON 400, a forged signature 422, too large 413, unknown route 404.
    assert_eq!(post(&format!("{url}/v1/submissions"), "{").0, 400);
    other["signature"] = json!("00".repeat(64));
    other["counter"] = json!(counter + 5);
    assert_eq!(
        post(&format!("{url}/v1/submissions"), &other.to_string()).0,
        422
    );
    assert_eq!(
        post(&format!("{url}/v1/submissions"), &"x".repeat(70_000)).0,
        413
    );
    assert_eq!(get(&format!("{url}/v1/nothing")).0, 404);

    // Reads.
    let operator0 =
        std::fs::read_to_string(sandbox.path("keys/operator0.key.pub")).unwrap_or_default();
    let (status, counter_json) = get(&format!("{url}/v1/counters/{}", operator0.trim()));
    if !operator0.is_empty() {
        assert_eq!(
            (status, json_of(&counter_json)["next_counter"].as_u64()),
            (200, Some(2)),
            "{counter_json}"
        );
    }
    assert_eq!(get(&format!("{url}/v1/counters/zz")).0, 400);
    std::thread::sleep(Duration::from_millis(400)); // one publish interval
    let (status, totals) = get(&format!("{url}/v1/totals?level=province"));
    assert_eq!(status, 200, "{totals}");
    let totals = json_of(&totals);
    assert_eq!(totals["regions"][0]["votes"]["1"], json!(50));
    assert_eq!(totals["head"]["count"], json!(3));
    assert_eq!(get(&format!("{url}/v1/totals?region=99")).0, 404);
    let cli_totals = sandbox.run(&[
        "totals", "--level", "province", "--format", "json", "--server", &url,
    ]);
    assert_eq!(json_of(&stdout(&cli_totals)), totals);
    let (status, body) = get(&format!("{url}/v1/status"));
    assert_eq!(
        (
            status,
            json_of(&body)["scopes"][0]["stations_reported"].as_u64()
        ),
        (200, Some(2))
    );
    // The table comes from the client's verified copy, which reaches the server's next
    // signed checkpoint (at most --checkpoint-interval-ms after the commit).
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let cli_status = sandbox.run(&["status", "--server", &url]);
        assert_eq!(code(&cli_status), 0, "{}", stderr(&cli_status));
        if stdout(&cli_status).contains("Stations reported: 2 of 300") {
            break;
        }
        assert!(Instant::now() < deadline, "{}", stdout(&cli_status));
        std::thread::sleep(Duration::from_millis(200));
    }
    let (status, body) = get(&format!("{url}/v1/stations/{}", station(0)));
    assert_eq!(
        (status, json_of(&body)["status"].as_str()),
        (200, Some("counted"))
    );
    let (status, body) = get(&format!("{url}/v1/stations/{}/history", station(0)));
    assert_eq!(
        (status, json_of(&body)["entries"].as_array().map(Vec::len)),
        (200, Some(1))
    );
    assert_eq!(get(&format!("{url}/v1/stations/nowhere")).0, 404);
    assert_eq!(
        json_of(&get(&format!("{url}/v1/objections")).1)["objections"],
        json!([])
    );
    assert_eq!(
        json_of(&get(&format!("{url}/v1/approvals")).1)["approvals"],
        json!([])
    );
    let (status, lines) = get(&format!("{url}/v1/records?from=2&to=3&format=json"));
    assert_eq!(status, 200);
    let seqs: Vec<u64> = lines
        .lines()
        .map(|line| json_of(line)["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, vec![2, 3]);
    assert_eq!(get(&format!("{url}/v1/records?from=2&to=99")).0, 400);
    let export = agent()
        .get(&format!("{url}/v1/export"))
        .call()
        .unwrap()
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_vec()
        .unwrap();
    std::fs::write(sandbox.path("served.rekap"), export).unwrap();
    let verify = sandbox.run(&["verify", "--log", "served.rekap"]);
    assert_eq!(code(&verify), 0, "{}", stderr(&verify));
    let (status, metrics) = get(&format!("{url}/metrics"));
    assert_eq!(status, 200);
    for name in [
        "rekap_queue_depth",
        "rekap_batch_size_bucket",
        "rekap_commit_seconds_count",
        "rekap_http_requests_total{status=\"201\"}",
        "rekap_log_records 3",
    ] {
        assert!(metrics.contains(name), "{name} missing:\n{metrics}");
    }
    // The log's durable bytes: the segment file, whose size it is once the server stops.
    let log_bytes: u64 = metrics
        .lines()
        .find_map(|line| line.strip_prefix("rekap_log_bytes "))
        .and_then(|value| value.parse().ok())
        .expect("rekap_log_bytes in the metrics");
    assert_eq!(server.stop(), 0);
    let segment = std::fs::metadata(sandbox.path("rekap-store/log.segment"))
        .map(|metadata| metadata.len())
        .unwrap();
    assert_eq!(
        log_bytes, segment,
        "rekap_log_bytes is the segment file's size"
    );
    // After a graceful stop the store is the CLI's again, and agrees with the server.
    let local = sandbox.run(&["totals", "--level", "province", "--format", "json"]);
    // The CLI names the same head (count and hash); the server's also has its time.
    let mut served = totals.clone();
    served["head"]
        .as_object_mut()
        .unwrap()
        .remove("recorded_at_ms");
    assert_eq!(json_of(&stdout(&local)), served);
}

#[test]
fn rate_limits_answer_429() {
    let sandbox = election();
    let child = Server::start(&sandbox, &[]);
    child.kill_and_restart_with_limits(&sandbox);
}

impl Server {
    fn kill_and_restart_with_limits(self, sandbox: &Sandbox) {
        assert_eq!(self.stop(), 0);
        let mut limited = Command::new(rekap_binary())
            .current_dir(sandbox.path(""))
            .args([
                "serve",
                "--store",
                "rekap-store",
                "--listen",
                "127.0.0.1:0",
                "--address-rate",
                "1",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(limited.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap()
            .to_owned();
        // Ready first (a loaded machine replays slowly; before that every answer is 503).
        let deadline = Instant::now() + Duration::from_secs(30);
        while ![200, 429].contains(&get(&format!("{url}/readyz")).0) {
            assert!(Instant::now() < deadline, "not ready");
            std::thread::sleep(Duration::from_millis(20));
        }
        let statuses: Vec<u16> = (0..6).map(|_| get(&format!("{url}/v1/status")).0).collect();
        let _ = limited.kill();
        let _ = limited.wait();
        assert!(statuses.contains(&429), "{statuses:?}");
    }
}

/// Submits `count` sheets through the CLI client from `CLIENTS` threads at once; returns
/// every (station, record seq) whose receipt a client received.
pub(crate) fn load(sandbox: &Sandbox, url: &str, first: usize, count: usize) -> Vec<(String, u64)> {
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..CLIENTS)
            .map(|client| {
                scope.spawn(move || {
                    let mut received = Vec::new();
                    for n in (first + client..first + count).step_by(CLIENTS) {
                        // The receipt is what counts here, not its later inclusion: a
                        // client of a server killed under it would wait for it in vain.
                        let out = submit_cli_with(
                            sandbox,
                            url,
                            &format!("operator{client}"),
                            &station(n),
                            1 + n as u32 % 50,
                            &["--inclusion-wait-ms", "0"],
                        );
                        if code(&out) == 0 {
                            let seq = stdout(&out)
                                .split_whitespace()
                                .nth(2)
                                .and_then(|s| s.parse().ok())
                                .unwrap();
                            received.push((station(n), seq));
                        } else {
                            assert_ne!(code(&out), 4, "{}", stderr(&out));
                        }
                    }
                    received
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap())
            .collect()
    })
}

#[test]
fn many_clients_at_once_never_see_a_lock_or_lose_a_write() {
    let sandbox = election();
    let server = Server::start(&sandbox, &["--publish-interval-ms", "20"]);
    let received = load(&sandbox, &server.url, 0, 40);
    assert_eq!(received.len(), 40, "every submission gets a receipt");
    let mut seqs: Vec<u64> = received.iter().map(|(_, seq)| *seq).collect();
    seqs.sort();
    assert_eq!(seqs, (2..42).collect::<Vec<_>>());
    // Every read is of a committed head: its count never goes back and never passes the log.
    let (_, totals) = get(&format!("{}/v1/totals", server.url));
    assert!(json_of(&totals)["head"]["count"].as_u64().unwrap() <= 41);
    assert_eq!(server.stop(), 0);
    let audit = sandbox.run(&["audit", "--store", "rekap-store"]);
    assert_eq!(code(&audit), 0, "{}", stdout(&audit));
}

#[test]
fn kill_9_under_load_loses_no_acknowledged_submission() {
    let iterations: usize = std::env::var("REKAP_SERVER_CRASH_ITERATIONS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(20);
    let sandbox = election();
    let mut acknowledged: Vec<(String, u64)> = Vec::new();
    let mut next = 0;
    for iteration in 0..iterations {
        let server = Server::start(&sandbox, &["--publish-interval-ms", "10"]);
        let url = server.url.clone();
        let delay = Duration::from_millis(30 + (iteration as u64 * 37) % 200);
        let killer = std::thread::spawn(move || {
            std::thread::sleep(delay);
            server.kill();
        });
        acknowledged.extend(load(&sandbox, &url, next, 8));
        next += 8;
        killer.join().unwrap();
        if next + 8 > 300 {
            break;
        }
    }
    let server = Server::start(&sandbox, &[]);
    for (station, seq) in &acknowledged {
        let (status, body) = get(&format!("{}/v1/stations/{station}", server.url));
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            json_of(&body)["current"]["id"],
            json!(format!("{seq}.0")),
            "{station}"
        );
    }
    assert_eq!(server.stop(), 0);
    let verify = sandbox.run(&["verify", "--store", "rekap-store"]);
    assert_eq!(code(&verify), 0, "{}", stderr(&verify));
    let audit = sandbox.run(&["audit", "--store", "rekap-store"]);
    assert_eq!(code(&audit), 0, "{}", stdout(&audit));
}

pub(crate) fn get_bytes(url: &str) -> Vec<u8> {
    let mut response = agent().get(url).call().unwrap();
    response
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_vec()
        .unwrap()
}
