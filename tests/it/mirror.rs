//! Mirrors and witnesses on loopback, each a separate process (issue 14): a server, two
//! mirrors and two witnesses follow an honest log; then a dishonest server (a copy of the
//! store, with its log key, different appends, the same origin, served at the same
//! address) is detected by every one of them, each writing evidence that
//! `rekap verify-evidence` holds to prove it; a mirror that was offline during the fork
//! detects it when it returns; a server that rewrites an old record is detected.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{code, rekap_binary, stderr, stdout, Sandbox};
use crate::server::{election, get, sheet_args, station};

/// A `rekap` process started in the sandbox, its first stdout line read.
pub(crate) struct Process {
    child: Child,
    first_line: String,
    /// Kept open: a closed pipe would end the process at its next line of output.
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Process {
    pub(crate) fn start(sandbox: &Sandbox, args: &[&str]) -> Process {
        let mut child = Command::new(rekap_binary())
            .current_dir(sandbox.path(""))
            .env_remove("REKAP_STORE")
            .env_remove("REKAP_SERVER")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("rekap starts");
        let mut first_line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        stdout.read_line(&mut first_line).expect("a first line");
        Process {
            child,
            first_line,
            _stdout: stdout,
        }
    }

    pub(crate) fn url(&self) -> String {
        self.first_line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("{:?}", self.first_line))
            .to_owned()
    }

    pub(crate) fn id(&self) -> u32 {
        self.child.id()
    }

    pub(crate) fn stop(mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }

    /// Waits (bounded) for the process to exit by itself; its code and stderr.
    pub(crate) fn wait_exit(mut self, limit: Duration) -> (i32, String) {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                let mut text = String::new();
                if let Some(mut err) = self.child.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut err, &mut text);
                }
                return (status.code().unwrap_or(-1), text);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the process did not exit within {limit:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A test that fails must not leave its servers, witnesses and mirrors running.
impl Drop for Process {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

pub(crate) fn serve(sandbox: &Sandbox, store: &str, listen: &str) -> Process {
    let server = Process::start(
        sandbox,
        &[
            "serve",
            "--store",
            store,
            "--listen",
            listen,
            "--key-rate",
            "0",
            "--address-rate",
            "0",
        ],
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while get(&format!("{}/readyz", server.url())).0 != 200 {
        assert!(Instant::now() < deadline, "not ready");
        std::thread::sleep(Duration::from_millis(20));
    }
    server
}

pub(crate) use crate::harness::run_ok;

/// One sheet submitted to `store` through the CLI (one record, one checkpoint signed).
pub(crate) fn submit(sandbox: &Sandbox, store: &str, n: usize, one: u32) {
    let mut args = vec!["submit", "--store", store, "--key", "keys/operator0.key"];
    let sheet = sheet_args(&station(n), one);
    args.extend(sheet.iter().map(String::as_str));
    run_ok(sandbox, &args);
}

/// The store's latest checkpoint, written where the mirrors read it.
pub(crate) fn publish_checkpoint(sandbox: &Sandbox, store: &str) -> String {
    let note = run_ok(sandbox, &["checkpoint", "--store", store]);
    std::fs::write(sandbox.path("served.checkpoint"), &note).expect("write");
    note
}

/// The add-checkpoint body from `old` to the latest checkpoint of `store`.
pub(crate) fn witness_body(
    sandbox: &Sandbox,
    store: &str,
    old: u64,
    note: &str,
    size: u64,
) -> String {
    let mut body = format!("old {old}\n");
    if old > 0 && old < size {
        let proof = run_ok(
            sandbox,
            &[
                "prove-consistency",
                "--store",
                store,
                "--from",
                &old.to_string(),
                "--to",
                &size.to_string(),
            ],
        );
        for line in proof.lines().skip(3) {
            body.push_str(line);
            body.push('\n');
        }
    }
    body.push('\n');
    body.push_str(note);
    body
}

pub(crate) fn post(url: &str, body: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent.post(url).send(body).expect("the witness answers");
    let status = response.status().as_u16();
    (
        status,
        response.body_mut().read_to_string().unwrap_or_default(),
    )
}

/// One poll, the checkpoint read from `--checkpoint served.checkpoint` (the option kept
/// for a server that does not serve one).
fn mirror_once(sandbox: &Sandbox, store: &str, url: &str) -> std::process::Output {
    sandbox.run(&[
        "mirror",
        "--from",
        url,
        "--store",
        store,
        "--log-key",
        "log.vkey",
        "--checkpoint",
        "served.checkpoint",
        "--once",
        "--retries",
        "3",
    ])
}

/// One poll, the checkpoint read from the server's own `/tlog/checkpoint`.
fn mirror_once_served(sandbox: &Sandbox, store: &str, url: &str) -> std::process::Output {
    sandbox.run(&[
        "mirror",
        "--from",
        url,
        "--store",
        store,
        "--log-key",
        "log.vkey",
        "--once",
        "--retries",
        "3",
    ])
}

fn status(sandbox: &Sandbox, store: &str) -> (i32, Value) {
    let output = sandbox.run(&["mirror", "--status", "--store", store]);
    (
        code(&output),
        serde_json::from_str(&stdout(&output)).expect("status JSON"),
    )
}

pub(crate) fn evidence_in(directory: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(directory)
        .map(|entries| entries.map(|entry| entry.expect("entry").path()).collect())
        .unwrap_or_default();
    files.retain(|path| path.extension().is_some_and(|ext| ext == "evidence"));
    files
}

pub(crate) fn assert_proves(sandbox: &Sandbox, files: &[std::path::PathBuf]) {
    assert!(!files.is_empty(), "no evidence written");
    for file in files {
        let output = sandbox.run(&["verify-evidence", &file.display().to_string()]);
        assert_eq!(
            code(&output),
            0,
            "{}: {}{}",
            file.display(),
            stdout(&output),
            stderr(&output)
        );
        assert!(
            stdout(&output).starts_with("proven: "),
            "{}",
            stdout(&output)
        );
    }
}

fn wait_for_size(sandbox: &Sandbox, store: &str, size: u64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = read_status_value(sandbox, store) {
            if status["size"] == size {
                return;
            }
        }
        assert!(Instant::now() < deadline, "the mirror did not reach {size}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn read_status_value(sandbox: &Sandbox, store: &str) -> Option<Value> {
    let text = std::fs::read_to_string(sandbox.path(store).join("mirror/status.json")).ok()?;
    serde_json::from_str(&text).ok()
}

#[test]
fn a_fork_is_detected_by_every_mirror_and_witness_with_evidence_that_proves_it() {
    let sandbox = election();
    std::fs::write(sandbox.path("log.vkey"), run_ok(&sandbox, &["log-key"])).expect("vkey");
    for n in 0..4 {
        submit(&sandbox, "rekap-store", n, 10 + n as u32);
    }
    // Size 5: the dishonest operator's copy, with the log key.
    let copy = sandbox.shell("cp -a rekap-store dishonest-store");
    assert_eq!(code(&copy), 0, "{}", stderr(&copy));
    submit(&sandbox, "rekap-store", 4, 20);
    let honest = publish_checkpoint(&sandbox, "rekap-store");

    let server = serve(&sandbox, "rekap-store", "127.0.0.1:0");
    let url = server.url();
    // The mirrors read the server's own checkpoint: the one its store signed last.
    assert_eq!(get(&format!("{url}/tlog/checkpoint")).1, honest);
    let witnesses: Vec<Process> = (1..=2)
        .map(|n| {
            run_ok(&sandbox, &["keygen", "--out", &format!("keys/w{n}.key")]);
            Process::start(
                &sandbox,
                &[
                    "witness",
                    "--key",
                    &format!("keys/w{n}.key"),
                    "--listen",
                    "127.0.0.1:0",
                    "--log",
                    "log.vkey",
                    "--state",
                    &format!("w{n}-state"),
                    "--name",
                    &format!("witness.example/w{n}"),
                ],
            )
        })
        .collect();
    for witness in &witnesses {
        let (status, lines) = post(
            &format!("{}/add-checkpoint", witness.url()),
            &witness_body(&sandbox, "rekap-store", 0, &honest, 6),
        );
        assert_eq!(status, 200, "{lines}");
    }
    // Mirror 1 follows continuously; mirror 2 polls once, then goes offline.
    let follower = Process::start(
        &sandbox,
        &[
            "mirror",
            "--from",
            &url,
            "--store",
            "m1",
            "--log-key",
            "log.vkey",
            "--interval-ms",
            "100",
            "--retries",
            "2",
        ],
    );
    let second = mirror_once_served(&sandbox, "m2", &url);
    assert_eq!(code(&second), 0, "{}", stderr(&second));
    wait_for_size(&sandbox, "m1", 6);
    let (code_before, before) = status(&sandbox, "m2");
    assert_eq!(
        (
            code_before,
            before["size"].as_u64(),
            before["alarm"].is_null()
        ),
        (0, Some(6), true)
    );
    // Mirror 2 holds the honest log, byte for byte (mirror 1 holds its store's lock).
    let verify = sandbox.run(&["verify", "--store", "m2", "--json"]);
    assert_eq!(code(&verify), 0, "{}", stderr(&verify));
    let (_, election) = get(&format!("{url}/v1/election"));
    let election: Value = serde_json::from_str(&election).expect("json");
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&verify)).expect("json")["head"],
        election["head"]["hash"]
    );

    // The fork: the copy appends other records under the same origin and log key, and is
    // served at the honest server's address.
    submit(&sandbox, "dishonest-store", 4, 99);
    submit(&sandbox, "dishonest-store", 5, 98);
    // Signed now; the dishonest server serves it at /tlog/checkpoint beside its records.
    let forked = run_ok(&sandbox, &["checkpoint", "--store", "dishonest-store"]);
    // What the dishonest log sends its witnesses: its own proof from the size they hold.
    let fork_body = witness_body(&sandbox, "dishonest-store", 6, &forked, 7);
    let address = url.trim_start_matches("http://").to_owned();
    server.stop();
    let dishonest = serve(&sandbox, "dishonest-store", &address);

    let (code_m1, alarm) = follower.wait_exit(Duration::from_secs(60));
    assert_eq!(code_m1, 1, "{alarm}");
    assert!(alarm.contains("ALARM"), "{alarm}");
    for witness in &witnesses {
        let (status, reason) = post(&format!("{}/add-checkpoint", witness.url()), &fork_body);
        assert_eq!(status, 422, "{reason}");
    }
    // Mirror 2 comes back after the fork.
    assert_eq!(get(&format!("{url}/tlog/checkpoint")).1, forked);
    let returned = mirror_once_served(&sandbox, "m2", &url);
    assert_eq!(code(&returned), 1, "{}", stderr(&returned));
    for mirror in ["m1", "m2"] {
        let (exit, value) = status(&sandbox, mirror);
        assert_eq!((exit, value["size"].as_u64()), (1, Some(6)), "{value}");
        assert!(value["alarm"]["evidence"].is_string(), "{value}");
        assert_proves(
            &sandbox,
            &evidence_in(&sandbox.path(mirror).join("mirror/evidence")),
        );
        let verify = sandbox.run(&["verify", "--store", mirror]);
        assert_eq!(
            code(&verify),
            0,
            "nothing of the fork was appended: {}",
            stderr(&verify)
        );
    }
    for n in 1..=2 {
        assert_proves(
            &sandbox,
            &evidence_in(&sandbox.path(&format!("w{n}-state/evidence"))),
        );
    }
    // The evidence names the log, and a tampered file no longer proves anything.
    let file = &evidence_in(&sandbox.path("m1/mirror/evidence"))[0];
    let text = std::fs::read_to_string(file).expect("evidence");
    let tampered: String = text
        .lines()
        .map(|line| {
            if line.starts_with("prefix-root ") {
                "prefix-root unknown"
            } else {
                line
            }
        })
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::write(sandbox.path("tampered.evidence"), tampered).expect("write");
    let output = sandbox.run(&["verify-evidence", "tampered.evidence"]);
    assert_eq!(code(&output), 1, "{}", stdout(&output));
    assert!(
        stdout(&output).starts_with("not proven: "),
        "{}",
        stdout(&output)
    );
    dishonest.stop();
    for witness in witnesses {
        witness.stop();
    }
}

#[test]
fn a_server_that_rewrites_an_old_record_is_detected() {
    let sandbox = election();
    std::fs::write(sandbox.path("log.vkey"), run_ok(&sandbox, &["log-key"])).expect("vkey");
    submit(&sandbox, "rekap-store", 0, 10);
    let copy = sandbox.shell("cp -a rekap-store rewritten-store");
    assert_eq!(code(&copy), 0, "{}", stderr(&copy));
    submit(&sandbox, "rekap-store", 1, 11);
    submit(&sandbox, "rekap-store", 2, 12);
    publish_checkpoint(&sandbox, "rekap-store");
    let server = serve(&sandbox, "rekap-store", "127.0.0.1:0");
    let url = server.url();
    let first = mirror_once(&sandbox, "m", &url);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    // Record 3 rewritten (another sheet), the log brought back to the same size and signed.
    submit(&sandbox, "rewritten-store", 1, 77);
    submit(&sandbox, "rewritten-store", 2, 12);
    publish_checkpoint(&sandbox, "rewritten-store");
    let address = url.trim_start_matches("http://").to_owned();
    server.stop();
    let rewriting = serve(&sandbox, "rewritten-store", &address);
    let second = mirror_once(&sandbox, "m", &url);
    assert_eq!(code(&second), 1, "{}", stderr(&second));
    assert!(stderr(&second).contains("ALARM"), "{}", stderr(&second));
    assert_proves(&sandbox, &evidence_in(&sandbox.path("m/mirror/evidence")));
    let (exit, value) = status(&sandbox, "m");
    assert_eq!(
        (exit, value["size"].as_u64(), value["lag"].as_u64()),
        (1, Some(4), Some(0))
    );
    rewriting.stop();
}

#[test]
fn a_mirror_resumes_from_its_head_and_waits_out_a_server_that_is_down() {
    let sandbox = election();
    std::fs::write(sandbox.path("log.vkey"), run_ok(&sandbox, &["log-key"])).expect("vkey");
    submit(&sandbox, "rekap-store", 0, 10);
    publish_checkpoint(&sandbox, "rekap-store");
    // Nothing listens: the poll retries, then exits 3; the status says why.
    let down = mirror_once(&sandbox, "m", "http://127.0.0.1:9");
    assert_eq!(code(&down), 3, "{}", stderr(&down));
    // Each attempt that is retried is said, in the user's language; the last is not.
    let said = stderr(&down);
    for attempt in ["attempt 1:", "attempt 2:"] {
        assert!(
            said.contains(attempt) && said.contains("retrying in"),
            "{said}"
        );
    }
    assert!(!said.contains("attempt 3:"), "{said}");
    let (_, value) = status(&sandbox, "m");
    assert!(value["last_error"].is_string(), "{value}");
    let server = serve(&sandbox, "rekap-store", "127.0.0.1:0");
    let url = server.url();
    let other = mirror_once(&sandbox, "m", &url);
    assert_eq!(
        code(&other),
        1,
        "a mirror follows one server: {}",
        stderr(&other)
    );
    let first = mirror_once(&sandbox, "m-live", &url);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    assert!(
        stdout(&first).contains("verified records 1 to 2"),
        "{}",
        stdout(&first)
    );
    let address = url.trim_start_matches("http://").to_owned();
    server.stop();
    submit(&sandbox, "rekap-store", 1, 11);
    publish_checkpoint(&sandbox, "rekap-store");
    let server = serve(&sandbox, "rekap-store", &address);
    let again = mirror_once(&sandbox, "m-live", &url);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert!(
        stdout(&again).contains("verified records 3 to 3"),
        "resumed from its head: {}",
        stdout(&again)
    );
    server.stop();
    let totals = sandbox.run(&["totals", "--store", "m-live"]);
    assert_eq!(code(&totals), 0, "{}", stderr(&totals));
    assert_eq!(
        stdout(&totals),
        stdout(&sandbox.run(&["totals", "--store", "rekap-store"]))
    );
}
