//! `import --server` and `import --offline`: the rows are checked against the state of an
//! export (the server's `GET /v1/export`, or the `--election` copy when offline), then each
//! payload of at most `DEFAULT_SHEETS_PER_PAYLOAD` sheets is one signed submission. Unlike a
//! local import this is not all or nothing: payloads are appended one by one, and a rerun
//! skips the rows already in the log.

use std::path::Path;

use anyhow::{anyhow, bail, Context};
use rekap_log::export::{records_in_export, verify_export};
use rekap_log::{SignedSubmission, VerifyOptions};
use rekap_model::{encode_payload, Event, Payload, State};

use super::{last_counter, print_receipt, save_counter, submit_fresh, Client, RemoteArgs};
use crate::keys;

/// The largest export the client reads to check rows (the national log is about 1 GiB).
const EXPORT_LIMIT: u64 = 8 << 30;

/// The state of an export (verified first): what the rows are checked against.
pub fn state_of_export(bytes: &[u8], source: &str) -> anyhow::Result<State> {
    let report = verify_export(bytes, VerifyOptions::default()).with_context(|| {
        crate::lang::say_with("command-import-reading-export", &[("source", &source)])
    })?;
    if !report.ok() {
        bail!(crate::lang::say_with(
            "command-import-export-does-not-verify-nothing",
            &[("source", &source)]
        ));
    }
    let (state, _) = rekap_ledger::replay_records(&records_in_export(bytes))?;
    Ok(state)
}

/// The state to plan against: the server's, or the offline `--election` export's.
pub fn remote_state(remote: &RemoteArgs) -> anyhow::Result<State> {
    if let Some(url) = &remote.server {
        let bytes = Client::new(url).get_bytes("/v1/export", EXPORT_LIMIT)?;
        return state_of_export(&bytes, url);
    }
    let Some(election) = &remote.election else {
        bail!(crate::lang::say(
            "command-import-offline-import-needs-election-export"
        ));
    };
    let bytes =
        std::fs::read(election).with_context(|| format!("reading {}", election.display()))?;
    state_of_export(&bytes, &election.display().to_string())
}

/// Signs and sends (or writes offline) one submission per payload, in order.
pub fn send_payloads(
    remote: &RemoteArgs,
    key_path: &Path,
    definition_hash: [u8; 32],
    batches: Vec<Vec<Event>>,
) -> anyhow::Result<()> {
    let key = keys::read_signing_key(key_path)?;
    let payloads = batches.into_iter().map(|events| {
        encode_payload(&Payload::Events {
            definition_hash,
            events,
        })
    });
    if let Some(file) = &remote.offline {
        let mut counter = last_counter(key_path)?;
        for payload in payloads {
            counter += 1;
            let signed = SignedSubmission::sign(&key, counter, payload);
            super::append_line(file, &signed)?;
            save_counter(key_path, counter)?;
        }
        crate::output::print(&format!(
            "{}\n",
            crate::lang::say_with(
                "command-import-signed-submissions-up-counter-written",
                &[("counter", &counter), ("path", &file.display())]
            )
        ))?;
        return Ok(());
    }
    let url = remote.server.as_deref().ok_or_else(|| {
        anyhow!(crate::lang::say(
            "command-import-neither-server-nor-offline"
        ))
    })?;
    let client = Client::new(url);
    for payload in payloads {
        let (receipt, counter) = submit_fresh(&client, &key, payload)?;
        save_counter(key_path, counter)?;
        print_receipt(&receipt)?;
    }
    Ok(())
}
