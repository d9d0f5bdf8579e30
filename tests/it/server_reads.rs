//! Read commands print the same through `--server` as from the local store: `status` and
//! `totals` in each machine format.

use crate::harness::{code, stderr, stdout, Sandbox};
use crate::server::{election, sheet_args, station, Server};

fn run_ok(sandbox: &Sandbox, args: &[&str]) -> String {
    let out = sandbox.run(args);
    assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    stdout(&out)
}

/// The read commands compared, each without `--store` or `--server`.
const READS: &[&[&str]] = &[
    &["status", "-f", "json"],
    &["status", "-f", "csv"],
    &["totals", "-f", "csv"],
    &["totals", "--level", "district", "-f", "csv"],
    &["totals", "--level", "village", "-f", "csv"],
];

#[test]
fn status_and_totals_print_the_same_formats_through_the_server() {
    let sandbox = election();
    for n in [0, 1, 150] {
        let mut args = vec![
            "submit".to_owned(),
            "--key".into(),
            "keys/operator0.key".into(),
        ];
        args.extend(sheet_args(&station(n), 10 + n as u32 % 7));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        run_ok(&sandbox, &refs);
    }
    let local: Vec<String> = READS
        .iter()
        .map(|read| {
            let mut args = read.to_vec();
            args.extend(["--store", "rekap-store"]);
            run_ok(&sandbox, &args)
        })
        .collect();
    let server = Server::start(&sandbox, &["--publish-interval-ms", "0"]);
    for (read, local) in READS.iter().zip(&local) {
        let mut args = read.to_vec();
        args.extend(["--server", server.url.as_str()]);
        assert_eq!(&run_ok(&sandbox, &args), local, "{read:?}");
    }
    assert_eq!(server.stop(), 0);
}
