//! A receipt's `transparency`: the record's inclusion in the server's published checkpoint
//! (docs/API.md, `POST /v1/submissions`), waited for a bounded time (`--inclusion-wait-ms`)
//! with `GET /v1/inclusion/{seq}` when the receipt came before the next checkpoint, then
//! checked here: the tlog-proof's index is the record's, and its RFC 6962 inclusion hashes
//! lead from the record hash to the checkpoint's root. The checkpoint's signature needs the
//! log's key, which the client does not take on the server's word: `rekap verify-proof` and
//! `verify --tiles` check it with `--log-key`.

use std::time::{Duration, Instant};

use anyhow::{anyhow, bail};
use rekap_server::wire::{ReceiptJson, TransparencyJson};
use rekap_tlog::checkpoint::Checkpoint;
use rekap_tlog::note::Note;
use rekap_tlog::tlog_proof::TlogProof;
use rekap_tlog::{leaf_hash, verify_inclusion};

use super::Client;

/// The receipt's inclusion, asked for until `wait` has passed; `None` if none came.
pub fn wait_for(
    client: &Client,
    receipt: &ReceiptJson,
    wait: Duration,
) -> Option<TransparencyJson> {
    if let Some(transparency) = &receipt.transparency {
        return Some(transparency.clone());
    }
    let deadline = Instant::now() + wait;
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200).min(wait));
        let answer = client.get_json(&format!("/v1/inclusion/{}", receipt.seq));
        if let Ok(value) = answer {
            return serde_json::from_value(value).ok();
        }
    }
    None
}

/// Checks the inclusion of the receipt's record; the checkpoint it is included in.
pub fn check(receipt: &ReceiptJson, transparency: &TransparencyJson) -> anyhow::Result<Checkpoint> {
    let proof = TlogProof::parse(transparency.tlog_proof.as_bytes()).map_err(|error| {
        anyhow!(crate::lang::say_with(
            "command-inclusion-receipt-s-tlog-proof",
            &[("error", &error)]
        ))
    })?;
    if proof.index + 1 != receipt.seq {
        bail!(crate::lang::say_with(
            "command-inclusion-receipt-s-tlog-proof-entry",
            &[("index", &proof.index), ("seq", &receipt.seq)]
        ));
    }
    let note = Note::parse(proof.checkpoint.as_bytes()).map_err(|error| {
        anyhow!(crate::lang::say_with(
            "command-inclusion-receipt-s-checkpoint",
            &[("error", &error)]
        ))
    })?;
    let checkpoint = Checkpoint::from_text(&note.text).map_err(|error| {
        anyhow!(crate::lang::say_with(
            "command-inclusion-receipt-s-checkpoint",
            &[("error", &error)]
        ))
    })?;
    verify_inclusion(
        proof.index,
        checkpoint.size,
        &leaf_hash(&receipt.record_hash),
        &proof.proof,
        &checkpoint.root,
    )
    .map_err(|error| {
        anyhow!(crate::lang::say_with(
            "command-inclusion-receipt-s-inclusion-proof-does",
            &[("error", &error)]
        ))
    })?;
    Ok(checkpoint)
}

/// The receipt's transparency line(s), checked; an error if the server's proof is false.
pub fn describe(client: &Client, receipt: &ReceiptJson, wait: Duration) -> anyhow::Result<String> {
    let Some(transparency) = wait_for(client, receipt, wait) else {
        return Ok(format!(
            "{}\n",
            crate::lang::say_with(
                "command-inclusion-inclusion-no-published-checkpoint-holds",
                &[("seq", &receipt.seq), ("seq2", &receipt.seq)]
            )
        ));
    };
    let checkpoint = check(receipt, &transparency)?;
    Ok(format!(
        "{}\n",
        crate::lang::say_with(
            "command-inclusion-included-checkpoint-size-root-inclusion",
            &[
                ("origin", &checkpoint.origin),
                ("size", &checkpoint.size),
                ("encode", &hex::encode(checkpoint.root))
            ]
        )
    ))
}
