//! Times each phase of the fast rollup on a store, in one process, the definition read in
//! place and the pages mapped and released per core as the bench does (docs/PERFORMANCE.md,
//! "The fast rollup against DuckDB"): `cargo run --release --example rollup_phases -- STORE
//! [RUNS]`. Not part of CI; the bench's row times the whole.

use std::time::{Duration, Instant};

use rekap_log::storage::mapped::MappedLog;
use rekap_model::Election;

fn main() -> anyhow::Result<()> {
    let mut arguments = std::env::args().skip(1);
    let store = arguments
        .next()
        .ok_or_else(|| anyhow::anyhow!("give a store"))?;
    let runs: usize = arguments.next().map_or(Ok(5), |runs| runs.parse())?;
    let names = [
        "map + walk frames",
        "read genesis in place",
        "election in place",
        "read + sum sheets",
        "drop",
        "total",
    ];
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); names.len()];
    for _ in 0..runs {
        let mut lap = Lap::new();
        let start = Clock::now();
        let log = MappedLog::open(store.as_ref())?;
        let records = log.records()?;
        let payloads: Vec<&[u8]> = records.iter().map(|record| record.payload).collect();
        times[0].push(lap.next());
        // The genesis read in place alone, for its share of the next phase (untimed in the
        // total).
        let decoding = Clock::now();
        let Ok(genesis) = rekap_model::borrowed_definition::read_genesis(payloads[0]) else {
            anyhow::bail!("no genesis");
        };
        times[1].push(decoding.elapsed());
        drop(genesis);
        let paused = lap.next();
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let election = std::thread::scope(|scope| {
            for part in (1..threads).filter(|_| std::env::var_os("NO_PREFETCH").is_none()) {
                let log = &log;
                scope.spawn(move || log.prefetch_part(part, threads));
            }
            Election::in_place_from_genesis(payloads[0])
        })?;
        times[2].push(lap.next());
        let start = start + paused;
        let totals = rekap_projection::rollup::rollup(&election, &payloads)?;
        times[3].push(lap.next());
        drop((totals, election, payloads, records));
        log.release(threads);
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

/// Elapsed time, or with `CPU=1` in the environment the process's CPU time (every
/// thread's), which a loaded machine inflates less.
#[derive(Clone, Copy)]
struct Clock(Duration);

impl Clock {
    fn now() -> Clock {
        if std::env::var_os("CPU").is_none() {
            return Clock(EPOCH.with(|epoch| epoch.elapsed()));
        }
        let mut time = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime writes the timespec it is given and nothing else.
        unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut time) };
        Clock(Duration::new(time.tv_sec as u64, time.tv_nsec as u32))
    }
    fn elapsed(&self) -> Duration {
        Clock::now().0.saturating_sub(self.0)
    }
}

thread_local! {
    static EPOCH: Instant = Instant::now();
}

impl std::ops::Add<Duration> for Clock {
    type Output = Clock;
    fn add(self, other: Duration) -> Clock {
        Clock(self.0 + other)
    }
}

struct Lap(Clock);

impl Lap {
    fn new() -> Lap {
        Lap(Clock::now())
    }
    fn next(&mut self) -> Duration {
        let now = Clock::now();
        let took = now.0.saturating_sub(self.0 .0);
        self.0 = now;
        took
    }
}
