//! `repair`: a new store from every record of a damaged store that still verifies.

use std::path::PathBuf;

use clap::Args;
use rekap_log::repair::{salvage, SalvageReport};

use crate::exit::Outcome;
use crate::output::print;

#[derive(Args)]
pub struct RepairArgs {
    /// The damaged store directory: only read, never changed.
    #[arg(short, long, value_name = "DIR")]
    pub store: PathBuf,
    /// The new store to write (must not exist, or be an empty directory).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(args: RepairArgs) -> anyhow::Result<Outcome> {
    let report = salvage(&args.store, &args.out)?;
    print(&human(&args, &report))?;
    Ok(match report.lost {
        None => Outcome::Success,
        Some(_) => Outcome::Rejected,
    })
}

fn human(args: &RepairArgs, report: &SalvageReport) -> String {
    let mut text = format!(
        "{}\n",
        crate::lang::say_with(
            "command-repair-wrote-records-copied-each-verified",
            &[
                ("path", &args.out.display()),
                ("kept", &report.kept),
                ("encode", &hex::encode(report.head))
            ]
        )
    );
    match &report.lost {
        None => text += &format!("{}\n", crate::lang::say("command-repair-nothing-lost")),
        Some(lost) => {
            let range = match lost.last_seq_claimed {
                Some(last) if last > lost.first_seq => crate::lang::say_with(
                    "command-repair-records-far-chunk-headers-tell",
                    &[("first-seq", &lost.first_seq), ("last", &last)],
                ),
                Some(_) => format!("record {}", lost.first_seq),
                None => crate::lang::say_with(
                    "command-repair-record-any-after",
                    &[("first-seq", &lost.first_seq)],
                ),
            };
            text += &format!(
                "{}\n",
                crate::lang::say_with(
                    "command-repair-lost-at-byte-log-segment",
                    &[
                        ("range", &range),
                        ("offset", &lost.offset),
                        ("path", &args.store.display()),
                        ("reason", &lost.reason),
                        ("path2", &args.store.display())
                    ]
                )
            );
        }
    }
    text
}
