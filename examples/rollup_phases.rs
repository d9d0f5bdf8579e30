//! Times each phase of the fast rollup on a store, in one process (docs/PERFORMANCE.md,
//! "The fast rollup against DuckDB"): `cargo run --release --example rollup_phases -- STORE
//! [RUNS]`. Not part of CI; the bench's row times the whole.

use std::time::{Duration, Instant};

use rekap_log::storage::mapped::MappedLog;
use rekap_model::{decode_payload, Election, Payload};

fn main() -> anyhow::Result<()> {
    let mut arguments = std::env::args().skip(1);
    let store = arguments
        .next()
        .ok_or_else(|| anyhow::anyhow!("give a store"))?;
    let runs: usize = arguments.next().map_or(Ok(5), |runs| runs.parse())?;
    let names = [
        "map + walk frames",
        "decode genesis",
        "election (no officers)",
        "read + sum sheets",
        "drop",
        "total",
    ];
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); names.len()];
    for _ in 0..runs {
        let mut lap = Lap::new();
        let start = Instant::now();
        let log = MappedLog::open(store.as_ref())?;
        let records = log.records()?;
        let payloads: Vec<&[u8]> = records.iter().map(|record| record.payload).collect();
        times[0].push(lap.next());
        let Ok(Payload::Genesis(genesis)) = decode_payload(payloads[0]) else {
            anyhow::bail!("no genesis");
        };
        times[1].push(lap.next());
        let election = Election::without_officers(genesis.definition)?;
        times[2].push(lap.next());
        let totals = rekap_projection::rollup::rollup(&election, &payloads)?;
        times[3].push(lap.next());
        drop((totals, election, payloads, records));
        drop(log);
        times[4].push(lap.next());
        times[5].push(start.elapsed());
    }
    for (name, mut phase) in names.iter().zip(times) {
        phase.sort();
        let ms: Vec<String> = phase
            .iter()
            .map(|t| format!("{:.1}", t.as_secs_f64() * 1e3))
            .collect();
        println!(
            "{name:<24} median {:>7.1} ms  ({})",
            phase[phase.len() / 2].as_secs_f64() * 1e3,
            ms.join(" ")
        );
    }
    Ok(())
}

struct Lap(Instant);

impl Lap {
    fn new() -> Lap {
        Lap(Instant::now())
    }
    fn next(&mut self) -> Duration {
        let now = Instant::now();
        let took = now - self.0;
        self.0 = now;
        took
    }
}
