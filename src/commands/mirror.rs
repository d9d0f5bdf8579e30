//! `mirror`: follow a rekap server into a store of one's own, every record and checkpoint
//! verified (crates/rekap-mirror); `mirror --status`. docs/OPERATOR.md "Mirror".

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use rekap_ledger::checkpoints::SignedCheckpoint;
use rekap_ledger::Ledger;
use rekap_log::DefaultStorage;
use rekap_mirror::{HttpSource, Mirror, MirrorError, Step};
use rekap_server::follow::{FollowConfig, Follower, Polled};
use rekap_server::ServeConfig;

use crate::commands::tlog::vkey_argument;
use crate::exit::Outcome;
use crate::output::print;

#[derive(Args)]
pub struct MirrorArgs {
    /// The rekap server to follow (its /tlog/checkpoint and /v1/records).
    #[arg(long, value_name = "URL", required_unless_present = "status")]
    pub from: Option<String>,
    /// The mirror's own store (created on the first run; any reading command works on it).
    #[arg(short, long, value_name = "DIR", default_value = "rekap-mirror")]
    pub store: PathBuf,
    /// Print what the mirror verified (JSON: origin, size, checkpoint, lag, alarm) and exit:
    /// 0 without an alarm, 1 with one. Reads the status file only: no lock is taken.
    #[arg(long)]
    pub status: bool,
    /// The log's verifier key (`rekap log-key` on the server's store; vkey text or a file).
    /// Required on the first run, kept in the store after.
    #[arg(long, value_name = "VKEY")]
    pub log_key: Option<String>,
    /// Read the signed checkpoint from this URL or file instead of the --from URL's
    /// /tlog/checkpoint.
    #[arg(long, value_name = "URL_OR_FILE")]
    pub checkpoint: Option<String>,
    /// Poll once (with retries) and exit: 0 verified, 1 alarm, 3 the server unreachable.
    #[arg(long)]
    pub once: bool,
    /// Milliseconds between polls.
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    pub interval_ms: u64,
    /// Attempts per poll when the server cannot be read (backoff from 200 ms, doubling, at
    /// most 30 s); then the next poll starts over.
    #[arg(long, value_name = "N", default_value_t = 6)]
    pub retries: u32,
    /// Also serve what the mirror verified on this address, read-only: the server's read
    /// API, /tlog/ tiles and portal pages, /v1/mirror (its status); every write answers 405
    /// naming the server followed (docs/API.md "Mirrors"). Port 0: any free port, printed
    /// on the first line. Stops on SIGTERM or SIGINT: exit 0, or 1 after an alarm.
    #[arg(long, conflicts_with = "once", value_name = "ADDR")]
    pub listen: Option<String>,
}

pub fn run(args: MirrorArgs) -> anyhow::Result<Outcome> {
    if args.status {
        return status(&args);
    }
    let from = args.from.clone().unwrap_or_default();
    let log_key = args.log_key.as_deref().map(vkey_argument).transpose()?;
    let source = HttpSource::new(&from, args.checkpoint.clone());
    let mut mirror = Mirror::open(&args.store, source, log_key).with_context(|| {
        crate::lang::say_with(
            "command-mirror-cannot-open-mirror-at",
            &[("path", &args.store.display())],
        )
    })?;
    if let Some(listen) = &args.listen {
        return listen_and_follow(mirror, listen, &args);
    }
    let backoff = (Duration::from_millis(200), Duration::from_secs(30));
    let mut last = None;
    loop {
        match mirror.poll(
            args.retries,
            backoff.0,
            backoff.1,
            &mut crate::client::copy::say_retry,
        ) {
            Ok(step) => {
                if last.as_ref() != Some(&step) {
                    print(&format!("{}\n", describe(&step)))?;
                    let _ = std::io::stdout().flush();
                }
                last = Some(step);
            }
            Err(MirrorError::Alarm(_)) => return Ok(Outcome::Rejected),
            Err(MirrorError::Unreachable(error)) if args.once => {
                let reason = crate::error_words::fetch_error(&error, crate::lang::current());
                return Err(anyhow::Error::new(std::io::Error::other(reason)));
            }
            Err(MirrorError::Unreachable(_)) => {}
            Err(other) => return Err(other.into()),
        }
        if args.once {
            return Ok(Outcome::Success);
        }
        std::thread::sleep(Duration::from_millis(args.interval_ms));
    }
}

/// A mirror as the read-only server's follower (`--listen`): one attempt per poll, the
/// server's loop backing off.
struct Following {
    mirror: Mirror,
    last: Option<Step>,
}

impl Follower for Following {
    type Storage = DefaultStorage;

    fn poll(&mut self) -> Polled {
        // One attempt: nothing is retried, so nothing is said before a retry.
        match self
            .mirror
            .poll(1, Duration::ZERO, Duration::ZERO, &mut |_| {})
        {
            Ok(step) => {
                if self.last.as_ref() != Some(&step) {
                    let _ = print(&format!("{}\n", describe(&step)));
                    let _ = std::io::stdout().flush();
                }
                self.last = Some(step);
                Polled::Reached
            }
            Err(MirrorError::Unreachable(_)) => Polled::Unreachable,
            Err(MirrorError::Alarm(_)) => Polled::Stopped,
            Err(other) => {
                eprintln!(
                    "{}",
                    crate::lang::say_with(
                        "command-mirror-mirror-stops-following-keeps-serving",
                        &[("other", &other)]
                    )
                );
                Polled::Stopped
            }
        }
    }

    fn ledger(&self) -> Option<&Ledger<DefaultStorage>> {
        self.mirror.ledger()
    }

    fn checkpoint(&self) -> Option<SignedCheckpoint> {
        let note = self.mirror.accepted_note()?;
        SignedCheckpoint::parse(note.to_owned()).ok()
    }

    fn log_vkey(&self) -> String {
        self.mirror.log_key().to_vkey()
    }

    fn status(&self) -> serde_json::Value {
        serde_json::to_value(self.mirror.status()).unwrap_or_default()
    }
}

fn listen_and_follow(mirror: Mirror, listen: &str, args: &MirrorArgs) -> anyhow::Result<Outcome> {
    let origin = mirror.source_base().to_owned();
    let defaults = ServeConfig::default();
    let config = ServeConfig {
        listen: listen.to_owned(),
        ..defaults
    };
    let follow = FollowConfig {
        interval: Duration::from_millis(args.interval_ms.max(1)),
        max_backoff: Duration::from_secs(30),
        publish_interval: config.writer.publish_interval,
    };
    let following = Following { mirror, last: None };
    let following = rekap_server::serve_read_only(following, &origin, config, follow, |address| {
        println!(
            "{}",
            crate::lang::say_with("command-listening-on", &[("address", &address)])
        );
        let _ = std::io::stdout().flush();
    })?;
    Ok(if following.mirror.status().alarm.is_some() {
        Outcome::Rejected
    } else {
        Outcome::Success
    })
}

fn describe(step: &Step) -> String {
    match step {
        Step::UpToDate { size } => crate::lang::say_with(
            "command-mirror-verified-records-server-s-checkpoint",
            &[("size", &size)],
        ),
        Step::Advanced { from, to } => crate::lang::say_with(
            "command-mirror-verified-records-checkpoint-size",
            &[("from", &from), ("to", &to), ("to2", &to)],
        ),
        Step::Stale { shown, held } => crate::lang::say_with(
            "command-mirror-stale-server-shows-checkpoint-size",
            &[("shown", &shown), ("held", &held)],
        ),
    }
}

fn status(args: &MirrorArgs) -> anyhow::Result<Outcome> {
    let status = rekap_mirror::read_status(&args.store).ok_or_else(|| {
        anyhow::Error::new(std::io::Error::other(crate::lang::say_with(
            "command-mirror-holds-no-mirror-status-run",
            &[
                ("path", &args.store.display()),
                ("path2", &args.store.display()),
            ],
        )))
    })?;
    print(&format!("{}\n", serde_json::to_string_pretty(&status)?))?;
    Ok(if status.alarm.is_some() {
        Outcome::Rejected
    } else {
        Outcome::Success
    })
}
