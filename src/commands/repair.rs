//! `repair`: a new store from every record of a damaged store that still verifies.

use std::path::PathBuf;

use clap::Args;
use rekap_log::repair::{salvage, SalvageReport};

use crate::exit::Outcome;
use crate::output::print;

#[derive(Args)]
pub struct RepairArgs {
    /// The damaged store directory: only read, never changed.
    #[arg(long, value_name = "DIR")]
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
        "wrote {}: records 1..={} copied, each verified (chain, hash, signature, counter, \
         time)\nhead {}\n",
        args.out.display(),
        report.kept,
        hex::encode(report.head)
    );
    match &report.lost {
        None => text += "nothing lost: every record of the original verifies\n",
        Some(lost) => {
            let range = match lost.last_seq_claimed {
                Some(last) if last > lost.first_seq => format!(
                    "records {}..={} (as far as the chunk headers tell)",
                    lost.first_seq, last
                ),
                Some(_) => format!("record {}", lost.first_seq),
                None => format!("record {} and any after it", lost.first_seq),
            };
            text += &format!(
                "LOST: {range}: at byte {} of {}/log.segment: {}\n\
                 A record cannot be chained without the one before it. Recover them from an \
                 export or a mirror; {} is unchanged.\n",
                lost.offset,
                args.store.display(),
                lost.reason,
                args.store.display()
            );
        }
    }
    text
}
