//! `bench-server`: `rekap serve` under load (issue 13). A fresh store of a preset (Kaltim by
//! default, national with `--national`) with one operator key per client registered; the
//! server runs as a child on 127.0.0.1; N client threads each submit signed single sheets
//! for stations of their own (so every submission is accepted; refusals are counted) as fast
//! as the server answers, beside four readers asking for province totals. Per N: accepted/s,
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
use rekap_model::{encode_payload, Event, Payload, Role};
use rekap_presets::{Preset, PresetOptions};
use rekap_server::wire::SubmissionJson;

use crate::commands::demo::cast::Cast;
use crate::commands::demo::{build_preset, PresetName};
use crate::exit::Outcome;
use crate::output::print;

#[derive(Args)]
pub struct BenchServerArgs {
    /// The national preset (818,339 stations) instead of Kaltim's 6,264.
    #[arg(long)]
    pub national: bool,
    /// Polling stations (scales the preset).
    #[arg(long)]
    pub stations: Option<u32>,
    /// Seconds of load per client count.
    #[arg(long, default_value_t = 5)]
    pub seconds: u64,
    /// Client counts, comma-separated.
    #[arg(long, default_value = "1,10,100,400", value_delimiter = ',')]
    pub clients: Vec<usize>,
    /// Working directory (fresh under the temporary directory by default).
    #[arg(long)]
    pub dir: Option<std::path::PathBuf>,
}

struct Measured {
    clients: usize,
    accepted: u64,
    refused: u64,
    seconds: f64,
    latencies_us: Vec<u64>,
    reads: u64,
    means: ServerMeans,
    peak_rss_mb: u64,
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
        "rekap bench-server: {} stations, {} s per client count\n\n| clients | accepted/s | refused | p50 ms | p99 ms | max ms | reads/s | mean batch | mean commit ms | mean publish ms | of it totals view ms | peak RSS MiB |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n",
        preset.sheets.len(),
        args.seconds
    );
    for &clients in &args.clients {
        let store = dir.join(format!("store-{clients}"));
        let keys = create_store(&store, &preset, &cast, clients.max(1))?;
        let measured = measure(&store, &preset, keys, Duration::from_secs(args.seconds))?;
        out += &row(&measured);
        eprint!("{}", row(&measured));
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
        "| {} | {:.0} | {} | {:.2} | {:.2} | {:.2} | {:.0} | {:.1} | {:.2} | {:.2} | {:.2} | {} |\n",
        m.clients,
        m.accepted as f64 / m.seconds,
        m.refused,
        at(500),
        at(990),
        sorted.last().map_or(0.0, |us| *us as f64 / 1000.0),
        m.reads as f64 / m.seconds,
        m.means.batch,
        m.means.commit_ms,
        m.means.publish_ms,
        m.means.totals_view_ms,
        m.peak_rss_mb
    )
}

/// A store with the genesis and `clients` operator keys of the preset's province.
fn create_store(
    store: &Path,
    preset: &Preset,
    cast: &Cast,
    clients: usize,
) -> anyhow::Result<Vec<SigningKey>> {
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
    let keys: Vec<SigningKey> = (0..clients)
        .map(|n| {
            let mut seed = [0u8; 32];
            seed[..8].copy_from_slice(&(n as u64 + 1).to_le_bytes());
            SigningKey::from_bytes(blake3::hash(&seed).as_bytes())
        })
        .collect();
    let events = keys
        .iter()
        .map(|key| Event::OfficerRegistered {
            key: key.verifying_key().to_bytes(),
            role: Role::Operator,
            scope: scope.clone(),
        })
        .collect();
    ledger.submit(&cast.registrar, vec![events], 1)?;
    Ok(keys)
}

fn start_server(store: &Path) -> anyhow::Result<(Child, String)> {
    let mut child = Command::new(std::env::current_exe()?)
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

/// Threads asking for province totals beside the writers, one request at a time each.
const READERS: usize = 4;

/// Submissions signed before the clock starts, over all clients.
const PRESIGNED_TOTAL: usize = 100_000;

fn measure(
    store: &Path,
    preset: &Preset,
    keys: Vec<SigningKey>,
    length: Duration,
) -> anyhow::Result<Measured> {
    let (mut child, url) = start_server(store)?;
    let definition_hash = preset.election()?.hash();
    let clients = keys.len();
    let stop = Arc::new(AtomicBool::new(false));
    let refused = Arc::new(AtomicU64::new(0));
    let reader_go = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..READERS)
        .map(|_| {
            let (url, stop, reader_go) = (url.clone(), stop.clone(), reader_go.clone());
            std::thread::spawn(move || {
                let agent = agent();
                let mut reads = 0u64;
                while !reader_go.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(1));
                }
                while !stop.load(Ordering::Relaxed) {
                    let answer = agent.get(format!("{url}/v1/totals?level=province")).call();
                    if let Ok(mut response) = answer {
                        let _ = response.body_mut().read_to_vec();
                        reads += u64::from(response.status() == 200);
                    }
                }
                reads
            })
        })
        .collect();
    // Clients sign before the clock starts (a real client signs on its own machine): the
    // first submissions of each client are signed up front, the rest on the fly.
    let presigned_per_client = (PRESIGNED_TOTAL / clients.max(1)).max(500);
    let go = Arc::new(std::sync::Barrier::new(clients + 1));
    let writers: Vec<_> = keys
        .into_iter()
        .enumerate()
        .map(|(n, key)| {
            let stations: Vec<_> = preset
                .sheets
                .iter()
                .skip(n)
                .step_by(clients)
                .cloned()
                .collect();
            let (url, stop, refused, go) = (url.clone(), stop.clone(), refused.clone(), go.clone());
            let contest = preset.contest_id.clone();
            std::thread::spawn(move || {
                let sign = |counter: u64, (station, sheet)| {
                    let payload = encode_payload(&Payload::Events {
                        definition_hash,
                        events: vec![Event::SheetSubmitted {
                            station,
                            contest: contest.clone(),
                            sheet,
                        }],
                    });
                    let signed = SignedSubmission::sign(&key, counter, payload);
                    serde_json::to_string(&SubmissionJson::of(&signed)).unwrap_or_default()
                };
                let mut stations = (1u64..).zip(stations);
                let presigned: Vec<String> = stations
                    .by_ref()
                    .take(presigned_per_client)
                    .map(|(counter, station)| sign(counter, station))
                    .collect();
                go.wait();
                let bodies = presigned
                    .into_iter()
                    .chain(stations.map(|(counter, station)| sign(counter, station)));
                let agent = agent();
                let mut latencies = Vec::new();
                for body in bodies {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let sent = Instant::now();
                    let answer = agent
                        .post(format!("{url}/v1/submissions"))
                        .header("content-type", "application/json")
                        .send(body.as_str());
                    match answer {
                        Ok(mut response) if response.status() == 201 => {
                            let _ = response.body_mut().read_to_vec();
                            latencies.push(sent.elapsed().as_micros() as u64);
                        }
                        _ => {
                            refused.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                latencies
            })
        })
        .collect();
    go.wait();
    let started = Instant::now();
    reader_go.store(true, Ordering::Relaxed);
    std::thread::sleep(length);
    stop.store(true, Ordering::Relaxed);
    let mut latencies_us = Vec::new();
    for writer in writers {
        latencies_us.extend(writer.join().map_err(|_| anyhow!("a client panicked"))?);
    }
    let seconds = started.elapsed().as_secs_f64();
    let mut reads = 0;
    for reader in readers {
        reads += reader.join().map_err(|_| anyhow!("a reader panicked"))?;
    }
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
        refused: refused.load(Ordering::Relaxed),
        seconds,
        latencies_us,
        reads,
        means,
        peak_rss_mb,
    })
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
