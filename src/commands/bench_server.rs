//! `bench-server`: `rekap serve` under load (issue 13). A fresh store of a preset (Kaltim by
//! default, national with `--national`) with an operator and an official per client; the
//! server runs as a child on 127.0.0.1; N clients (connections driven by one thread of the
//! bench, `bench_server_client.rs`) each submit signed single sheets
//! for stations of their own (so every submission is accepted; refusals are counted), every
//! tenth followed by a correction by the client's official, as fast as the server answers,
//! beside readers (four by default, `--readers`) asking for province totals. Per N: accepted/s,
//! latency p50/p99/max, reads/s, mean batch size and the server's peak RSS. Not part of CI.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};
use clap::Args;
use ed25519_dalek::SigningKey;
use rekap_ledger::Ledger;
use rekap_log::{DefaultStorage, SignedSubmission};
use rekap_model::{encode_payload, Event, Payload, Role, TallySheet};
use rekap_presets::{Preset, PresetOptions};
use rekap_server::wire::submission_bytes;

use crate::commands::demo::cast::Cast;
use crate::commands::demo::{build_preset, PresetName};
use crate::exit::Outcome;
use crate::output::print;

/// The load generator's HTTP client (requests as bytes, keep-alive, httparse).
#[path = "bench_server_client.rs"]
mod client;
use client::{Connection, RequestBytes};

#[derive(Args)]
pub struct BenchServerArgs {
    /// The national preset (818,339 stations) instead of Kaltim's 6,264.
    #[arg(long)]
    pub national: bool,
    /// Polling stations (scales the preset).
    #[arg(long, value_name = "N")]
    pub stations: Option<u32>,
    /// Seconds of load per client count, at most: the window ends sooner once any client has
    /// no station left to submit a sheet for.
    #[arg(long, default_value_t = 5)]
    pub seconds: u64,
    /// Client counts, comma-separated.
    #[arg(
        long,
        value_name = "N,N,...",
        default_value = "1,10,100,400",
        value_delimiter = ','
    )]
    pub clients: Vec<usize>,
    /// Every Nth sheet a client submits is followed by a correction of that sheet (one
    /// vote moved between the first two pairs) by the client's official; 0 for none.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub correct_every: usize,
    /// Connections asking for province totals beside the writers, one request at a time
    /// each.
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub readers: usize,
    /// Working directory, kept afterwards (by default a fresh one under the temporary
    /// directory, removed when the bench ends).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<std::path::PathBuf>,
}

struct Measured {
    clients: usize,
    accepted: u64,
    /// Of the accepted, corrections.
    corrections: u64,
    refused: u64,
    seconds: f64,
    latencies_us: Vec<u64>,
    reads: u64,
    means: ServerMeans,
    peak_rss_mb: u64,
    /// CPU the server used while measured, in cores (CPU seconds per second).
    server_cores: f64,
    /// CPU the bench's own clients and readers used, in cores: on one machine they take
    /// from what the server could have.
    client_cores: f64,
    /// Of `server_cores`, each of [`THREAD_GROUPS`]' share, in cores.
    thread_cores: [f64; THREAD_GROUPS.len()],
}

pub fn run(args: BenchServerArgs) -> anyhow::Result<Outcome> {
    let dir = args.dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("rekap-bench-server-{}", std::process::id()))
    });
    if dir.exists() {
        bail!("{} exists; give a new --dir", dir.display());
    }
    std::fs::create_dir_all(&dir)?;
    let cast = Cast::new(2024);
    let name = if args.national {
        PresetName::National
    } else {
        PresetName::Kaltim2024
    };
    let options = PresetOptions {
        seed: 2024,
        stations: args.stations,
    };
    let preset = build_preset(name, &options, &cast)?;
    let mut out = format!(
        "rekap bench-server: {} stations, {} s per client count\n\n| clients | accepted/s | of them corrections/s | refused | p50 ms | p99 ms | max ms | reads/s | mean batch | mean commit ms | mean publish ms | of it totals view ms | peak RSS MiB | server cores | of them {} | clients cores |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
        preset.sheets.len(),
        args.seconds,
        THREAD_GROUPS.map(|(name, _)| name).join(" / ")
    );
    for &clients in &args.clients {
        let store = dir.join(format!("store-{clients}"));
        let keys = create_store(&store, &preset, &cast, clients.max(1))?;
        let workload = Workload {
            length: Duration::from_secs(args.seconds),
            correct_every: args.correct_every,
            readers: args.readers,
        };
        let measured = measure(&store, &preset, keys, workload)?;
        if args.dir.is_none() {
            // Ours, under the temporary directory: a national store is gigabytes.
            std::fs::remove_dir_all(&store)?;
        }
        out += &row(&measured);
        eprint!("{}", row(&measured));
    }
    if args.dir.is_none() {
        std::fs::remove_dir_all(&dir)?;
    }
    print(&out)?;
    Ok(Outcome::Success)
}

fn row(m: &Measured) -> String {
    let mut sorted = m.latencies_us.clone();
    sorted.sort_unstable();
    let at = |permille: usize| {
        sorted
            .get((sorted.len() * permille / 1000).min(sorted.len().saturating_sub(1)))
            .map_or(0.0, |us| *us as f64 / 1000.0)
    };
    format!(
        "| {} | {:.0} | {:.0} | {} | {:.2} | {:.2} | {:.2} | {:.0} | {:.1} | {:.2} | {:.2} | {:.2} | {} | {:.2} | {} | {:.2} |\n",
        m.clients,
        m.accepted as f64 / m.seconds,
        m.corrections as f64 / m.seconds,
        m.refused,
        at(500),
        at(990),
        sorted.last().map_or(0.0, |us| *us as f64 / 1000.0),
        m.reads as f64 / m.seconds,
        m.means.batch,
        m.means.commit_ms,
        m.means.publish_ms,
        m.means.totals_view_ms,
        m.peak_rss_mb,
        m.server_cores,
        m.thread_cores.map(|cores| format!("{cores:.2}")).join(" / "),
        m.client_cores
    )
}

/// One client's two keys: its operator's (sheets) and its official's (corrections).
struct ClientKeys {
    operator: SigningKey,
    official: SigningKey,
}

/// A deterministic key, the `n`th of its `role` (0 operators, 1 officials).
fn bench_key(role: u8, n: usize) -> SigningKey {
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&(n as u64 + 1).to_le_bytes());
    seed[8] = role;
    SigningKey::from_bytes(blake3::hash(&seed).as_bytes())
}

/// A store with the genesis and, per client, an operator and an official of the contest's
/// scope.
fn create_store(
    store: &Path,
    preset: &Preset,
    cast: &Cast,
    clients: usize,
) -> anyhow::Result<Vec<ClientKeys>> {
    let election = preset.election()?;
    let mut ledger = Ledger::create(
        DefaultStorage::create(store)?,
        rekap_model::Genesis::new(
            election.definition().clone(),
            cast.log.verifying_key().to_bytes(),
        ),
        &cast.registrar,
        0,
    )?;
    crate::keys::write_key(&store.join(crate::transparency::LOG_KEY_FILE), &cast.log)?;
    let scope = election
        .definition()
        .contests
        .first()
        .map(|contest| contest.scope.clone())
        .ok_or_else(|| anyhow!("the preset has no contest"))?;
    let keys: Vec<ClientKeys> = (0..clients)
        .map(|n| ClientKeys {
            operator: bench_key(0, n),
            official: bench_key(1, n),
        })
        .collect();
    let officer = |key: &SigningKey, role: Role| Event::OfficerRegistered {
        key: key.verifying_key().to_bytes(),
        role,
        scope: scope.clone(),
    };
    let events = keys
        .iter()
        .flat_map(|keys| {
            [
                officer(&keys.operator, Role::Operator),
                officer(&keys.official, Role::Official),
            ]
        })
        .collect();
    ledger.submit(&cast.registrar, vec![events], 1)?;
    Ok(keys)
}

/// The binary whose `serve` is measured: this one, or `REKAP_BENCH_SERVER` (another build,
/// to compare two servers under the same load generator).
fn server_binary() -> anyhow::Result<std::path::PathBuf> {
    match std::env::var_os("REKAP_BENCH_SERVER") {
        Some(binary) => Ok(binary.into()),
        None => Ok(std::env::current_exe()?),
    }
}

fn start_server(store: &Path) -> anyhow::Result<(Child, String)> {
    let mut child = Command::new(server_binary()?)
        .args(["serve", "--listen", "127.0.0.1:0", "--key-rate", "0"])
        .args(["--address-rate", "0", "--store"])
        .arg(store)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("starting rekap serve")?;
    let stdout = child.stdout.take().context("the server's stdout")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .ok_or_else(|| anyhow!("the server said {line:?}"))?
        .to_owned();
    let agent = agent();
    for _ in 0..6000 {
        if agent
            .get(format!("{url}/readyz"))
            .call()
            .is_ok_and(|r| r.status() == 200)
        {
            return Ok((child, url));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    bail!("the server never got ready")
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// Submissions signed before the clock starts, over all clients.
const PRESIGNED_TOTAL: usize = 100_000;

/// What each client does, and for how long.
#[derive(Clone, Copy)]
struct Workload {
    length: Duration,
    correct_every: usize,
    readers: usize,
}

fn measure(
    store: &Path,
    preset: &Preset,
    keys: Vec<ClientKeys>,
    workload: Workload,
) -> anyhow::Result<Measured> {
    let (mut child, url) = start_server(store)?;
    let definition_hash = preset.election()?.hash();
    let clients = keys.len();
    let stop = Arc::new(AtomicBool::new(false));
    let refused = Arc::new(AtomicU64::new(0));
    let reader_go = Arc::new(AtomicBool::new(false));
    let address = client::address_of(&url)?;
    let readers = start_readers(address, workload.readers, &stop, &reader_go);
    // Clients sign before the clock starts (a real client signs on its own machine): the
    // first submissions of each client are signed up front (a thread each), the rest on
    // the fly.
    let presigned_per_client = (PRESIGNED_TOTAL / clients.max(1)).max(500);
    let signing: Vec<_> = keys
        .into_iter()
        .enumerate()
        .map(|(n, keys)| {
            let stations: Vec<_> = preset
                .sheets
                .iter()
                .skip(n)
                .step_by(clients)
                .cloned()
                .collect();
            let contest = preset.contest_id.clone();
            std::thread::spawn(move || {
                let mut bodies = client_bodies(
                    keys,
                    stations,
                    contest,
                    definition_hash,
                    workload.correct_every,
                );
                let presigned: Vec<Body> = bodies.by_ref().take(presigned_per_client).collect();
                presigned.into_iter().chain(bodies)
            })
        })
        .collect();
    let mut bodies = Vec::new();
    for thread in signing {
        bodies.push(thread.join().map_err(|_| anyhow!("a client panicked"))?);
    }
    let started = Instant::now();
    let cpu_before = (cpu_seconds(&child.id().to_string()), cpu_seconds("self"));
    let threads_before = thread_cpu_seconds(child.id());
    let writers = {
        let (stop, refused) = (stop.clone(), refused.clone());
        std::thread::spawn(move || post_from_every_client(address, bodies, &stop, &refused))
    };
    reader_go.store(true, Ordering::Relaxed);
    // The window ends after `length`, or sooner when a client runs out of stations (it
    // sets `stop`): every write and read counted was made beside N submitting clients.
    while !stop.load(Ordering::Relaxed) && started.elapsed() < workload.length {
        std::thread::sleep(Duration::from_millis(2));
    }
    stop.store(true, Ordering::Relaxed);
    let seconds = started.elapsed().as_secs_f64();
    let cpu_after = (cpu_seconds(&child.id().to_string()), cpu_seconds("self"));
    let threads_after = thread_cpu_seconds(child.id());
    let mut latencies_us = Vec::new();
    let mut corrections = 0;
    let results = writers
        .join()
        .map_err(|_| anyhow!("the clients' thread panicked"))??;
    for result in results {
        latencies_us.extend(result.latencies_us);
        corrections += result.corrections;
    }
    let reads = readers
        .join()
        .map_err(|_| anyhow!("the readers' thread panicked"))??;
    let cores = |before: f64, after: f64| (after - before) / seconds;
    let server_cores = cores(cpu_before.0, cpu_after.0);
    let client_cores = cores(cpu_before.1, cpu_after.1);
    let thread_cores =
        std::array::from_fn(|group| cores(threads_before[group], threads_after[group]));
    let means = server_means(&url);
    let peak_rss_mb = peak_rss_mb(child.id());
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let _ = child.wait();
    Ok(Measured {
        clients,
        accepted: latencies_us.len() as u64,
        corrections,
        refused: refused.load(Ordering::Relaxed),
        seconds,
        latencies_us,
        reads,
        means,
        peak_rss_mb,
        server_cores,
        client_cores,
        thread_cores,
    })
}

/// CPU time (user and system) a process has used, in seconds, from `/proc/<pid>/stat`
/// (fields 14 and 15, in Linux's fixed USER_HZ of 100 ticks a second); 0 where unreadable.
fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|field| field.parse::<u64>().ok())
        .sum();
    ticks as f64 / 100.0
}

/// The server's threads by what they do, as `rekap serve` names them: a thread counts
/// for the first group whose name prefix its name starts with.
const THREAD_GROUPS: [(&str, &str); 4] = [
    // The runtime's workers: HTTP parsing, the layers and handlers, the sockets.
    ("HTTP", "tokio-"),
    // The signature checks (crates/rekap-server/src/verifier.rs).
    ("verify", "rekap-verify"),
    // Deciding, appending and fsyncing each group, then answering it.
    ("writer", "rekap-writer"),
    // The readers' snapshots (crates/rekap-server/src/publisher.rs).
    ("publisher", "rekap-publisher"),
];

/// CPU seconds of `pid`'s threads per group of [`THREAD_GROUPS`], from
/// `/proc/<pid>/task/<tid>/`; 0 where unreadable.
fn thread_cpu_seconds(pid: u32) -> [f64; THREAD_GROUPS.len()] {
    let mut seconds = [0.0; THREAD_GROUPS.len()];
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return seconds;
    };
    for task in tasks.flatten() {
        let name = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        let group = THREAD_GROUPS
            .iter()
            .position(|(_, prefix)| name.starts_with(prefix));
        if let Some(group) = group {
            let task = format!("{pid}/task/{}", task.file_name().to_string_lossy());
            seconds[group] += cpu_seconds(&task);
        }
    }
    seconds
}

/// A thread asking for province totals beside the writers, from `connections` connections
/// one request at a time each, from when `go` is set until `stop` is; returns how many were
/// answered 200.
fn start_readers(
    address: std::net::SocketAddr,
    connections: usize,
    stop: &Arc<AtomicBool>,
    go: &Arc<AtomicBool>,
) -> std::thread::JoinHandle<anyhow::Result<u64>> {
    let (stop, go) = (stop.clone(), go.clone());
    std::thread::spawn(move || {
        while !go.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(1));
        }
        client::runtime()?.block_on(async move {
            let readers: Vec<_> = (0..connections)
                .map(|_| {
                    let stop = stop.clone();
                    tokio::spawn(async move {
                        let request = RequestBytes::get("/v1/totals?level=province");
                        let mut connection = Connection::new(address);
                        let mut reads = 0u64;
                        while !stop.load(Ordering::Relaxed) {
                            let answer = connection.exchange(&request).await;
                            reads += u64::from(matches!(answer, Ok(200)));
                        }
                        reads
                    })
                })
                .collect();
            let mut reads = 0;
            for reader in readers {
                reads += reader.await.map_err(|_| anyhow!("a reader panicked"))?;
            }
            Ok(reads)
        })
    })
}

/// The signed bodies one client posts, in order, signed as they are taken: a sheet per
/// station of its own (operator counters 1, 2, ...) and, after every `correct_every`th
/// sheet, a correction of that sheet by its official (official counters 1, 2, ...). The
/// correction is posted after the sheet's receipt, so it always finds the sheet.
fn client_bodies(
    keys: ClientKeys,
    stations: Vec<(String, TallySheet)>,
    contest: String,
    definition_hash: [u8; 32],
    correct_every: usize,
) -> impl Iterator<Item = Body> {
    let body = move |key: &SigningKey, counter: u64, event: Event| {
        let payload = encode_payload(&Payload::Events {
            definition_hash,
            events: vec![event],
        });
        let signed = SignedSubmission::sign(key, counter, payload);
        RequestBytes::post_bytes("/v1/submissions", &submission_bytes(&signed))
    };
    stations
        .into_iter()
        .enumerate()
        .flat_map(move |(index, (station, sheet))| {
            let ordinal = index as u64 + 1;
            let corrected = (correct_every > 0 && (index + 1) % correct_every == 0)
                .then(|| one_vote_moved(&sheet));
            let submitted = Event::SheetSubmitted {
                station: station.clone(),
                contest: contest.clone(),
                sheet,
            };
            let mut bodies = vec![Body {
                correction: false,
                request: body(&keys.operator, ordinal, submitted),
            }];
            if let Some(sheet) = corrected {
                let correction = Event::SheetCorrected {
                    station,
                    contest: contest.clone(),
                    sheet,
                    reason: "bench: one vote moved".to_owned(),
                    answers: None,
                };
                let counter = ordinal / correct_every as u64;
                bodies.push(Body {
                    correction: true,
                    request: body(&keys.official, counter, correction),
                });
            }
            bodies
        })
}

/// The sheet with one vote moved from the first pair to the second (or back, if the first
/// has none): valid, invalid and every total stay as they were, so the sheet stays lawful.
fn one_vote_moved(sheet: &TallySheet) -> TallySheet {
    let mut moved = sheet.clone();
    let (from, to) = if moved.votes.first().copied().unwrap_or(0) > 0 {
        (0, 1)
    } else {
        (1, 0)
    };
    if moved.votes.len() < 2 || moved.votes[from] == 0 {
        return moved;
    }
    moved.votes[from] -= 1;
    moved.votes[to] += 1;
    let types = moved.votes_by_type.len() / moved.votes.len();
    if types > 0 {
        let counts = &mut moved.votes_by_type;
        if let Some(kind) = (0..types).find(|kind| counts[from * types + kind] > 0) {
            counts[from * types + kind] -= 1;
            counts[to * types + kind] += 1;
        }
    }
    moved
}

/// One signed submission, as posted: the whole request, built before it is timed.
struct Body {
    correction: bool,
    request: RequestBytes,
}

/// What one client saw: the latency of each accepted submission (201), in microseconds,
/// and how many of them were corrections.
#[derive(Default)]
struct ClientResult {
    latencies_us: Vec<u64>,
    corrections: u64,
}

/// Every client's connection, driven from this thread: each posts its bodies one at a time
/// ([`post_all`]) until `stop`.
fn post_from_every_client(
    address: std::net::SocketAddr,
    bodies: Vec<impl Iterator<Item = Body> + Send + 'static>,
    stop: &Arc<AtomicBool>,
    refused: &Arc<AtomicU64>,
) -> anyhow::Result<Vec<ClientResult>> {
    client::runtime()?.block_on(async {
        let clients: Vec<_> = bodies
            .into_iter()
            .map(|bodies| {
                let (stop, refused) = (stop.clone(), refused.clone());
                tokio::spawn(async move { post_all(address, bodies, &stop, &refused).await })
            })
            .collect();
        let mut results = Vec::new();
        for client in clients {
            results.push(client.await.map_err(|_| anyhow!("a client panicked"))?);
        }
        Ok(results)
    })
}

/// Posts `bodies` one at a time until `stop`; anything but a 201 is counted in `refused`.
async fn post_all(
    address: std::net::SocketAddr,
    bodies: impl Iterator<Item = Body>,
    stop: &AtomicBool,
    refused: &AtomicU64,
) -> ClientResult {
    let mut connection = Connection::new(address);
    let mut result = ClientResult::default();
    for body in bodies {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let sent = Instant::now();
        match connection.exchange(&body.request).await {
            Ok(201) => {
                result.latencies_us.push(sent.elapsed().as_micros() as u64);
                result.corrections += u64::from(body.correction);
            }
            _ => {
                refused.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    // Out of stations (or stopped): the window ends for everyone.
    stop.store(true, Ordering::Relaxed);
    result
}

/// Means of the server's histograms, from /metrics: batch size, commit and publish time.
struct ServerMeans {
    batch: f64,
    commit_ms: f64,
    publish_ms: f64,
    totals_view_ms: f64,
}

fn server_means(url: &str) -> ServerMeans {
    let text = agent()
        .get(format!("{url}/metrics"))
        .call()
        .ok()
        .and_then(|mut response| response.body_mut().read_to_string().ok())
        .unwrap_or_default();
    let value = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    let mean =
        |name: &str| value(&format!("{name}_sum")) / value(&format!("{name}_count")).max(1.0);
    ServerMeans {
        batch: mean("rekap_batch_size"),
        commit_ms: mean("rekap_commit_seconds") * 1000.0,
        publish_ms: mean("rekap_snapshot_publish_seconds") * 1000.0,
        totals_view_ms: mean("rekap_snapshot_totals_view_seconds") * 1000.0,
    }
}

/// VmHWM of a process, in MiB.
fn peak_rss_mb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix("VmHWM:").and_then(|rest| {
                    rest.trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
            })
        })
        .map_or(0, |kb| kb / 1024)
}
