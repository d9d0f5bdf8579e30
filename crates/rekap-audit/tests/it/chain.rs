//! Forged exports failing check 1 (chain: a replayed submission) and check 2 (a record whose
//! signature does not verify). `Log::append` refuses both, so the records are sealed with
//! `Record::seal` and framed into an export by hand, in the format of docs/FORMAT.md.

use rekap_audit::AuditReport;
use rekap_log::export::{records_in_export, verify_export, write_export};
use rekap_log::{Record, SignedSubmission, VerifyOptions};
use rekap_model::encode_payload;

use crate::harness::*;

/// `"REKAPLOG" | version 1 (u32 LE) | count (u64 LE) | (length u32 LE | record)* |
/// "REKAPEND" | head hash`.
fn export_of(records: &[Vec<u8>], head: [u8; 32]) -> Vec<u8> {
    let mut out = b"REKAPLOG".to_vec();
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(&(records.len() as u64).to_le_bytes());
    for record in records {
        out.extend_from_slice(&(record.len() as u32).to_le_bytes());
        out.extend_from_slice(record);
    }
    out.extend_from_slice(b"REKAPEND");
    out.extend_from_slice(&head);
    out
}

fn audit_export(bytes: &[u8]) -> AuditReport {
    let chain = verify_export(bytes, VerifyOptions::default()).expect("reading memory");
    let records = records_in_export(bytes);
    assert_eq!(records.len() as u64, chain.records);
    rekap_audit::audit(&chain, &records, None)
}

/// An honest log of four records: genesis, sheets, two district approvals.
fn honest_log() -> (Harness, Vec<Record>) {
    let mut h = Harness::new();
    h.submit_all();
    h.approve("647101");
    h.approve("647201");
    let records = h.records();
    assert_eq!(records.len(), 4);
    (h, records)
}

/// Appends `submission` sealed after the last of `records`, and returns the export.
fn export_with(records: &[Record], submission: SignedSubmission) -> (u64, Vec<u8>) {
    let last = records.last().expect("a record");
    let seq = last.seq + 1;
    let (sealed, sealed_bytes) = Record::seal(seq, last.hash, T0 + seq * 1_000, submission);
    let mut all: Vec<Vec<u8>> = records.iter().map(Record::encode).collect();
    all.push(sealed_bytes);
    (seq, export_of(&all, sealed.hash))
}

/// The hand-built export is byte for byte what `write_export` writes, and audits clean.
#[test]
fn hand_built_export_of_an_honest_log_equals_write_export_and_passes() {
    let (h, records) = honest_log();
    let encoded: Vec<Vec<u8>> = records.iter().map(Record::encode).collect();
    let by_hand = export_of(&encoded, h.log.head().last_hash);
    let mut written = Vec::new();
    write_export(&h.log, &mut written).expect("export written");
    assert_eq!(by_hand, written);
    let report = audit_export(&by_hand);
    assert!(report.ok, "{report:#?}");
    assert_eq!(report.records, 4);
}

/// Issue 6 (chain): the same signed submission appended twice. `Log::append` refuses it;
/// in a hand-built export the replay fails check 1 at the replayed record.
#[test]
fn replayed_submission_fails_check_1_at_the_replayed_record() {
    let (mut h, records) = honest_log();
    let sheets = &records[1];
    let replay = SignedSubmission {
        author: sheets.author,
        counter: sheets.counter,
        payload: sheets.payload.clone(),
        signature: sheets.signature,
    };
    // The log itself refuses the replay.
    assert!(h.log.append(vec![replay.clone()], T0 + 5_000).is_err());
    let (seq, export) = export_with(&records, replay);
    assert_eq!(seq, 5);
    let report = audit_export(&export);
    let chain = check(&report, 1);
    assert!(!chain.passed, "{report:#?}");
    assert_eq!(chain.failed, 1);
    let failure = chain.first_failure.as_ref().expect("a failure");
    assert_eq!(failure.seq, Some(seq));
    assert!(
        failure.reason.contains("replayed submission"),
        "{failure:?}"
    );
    assert!(
        check(&report, 2).passed,
        "the replay's signature is genuine"
    );
    let (first, first_failure) = report.first_failure().expect("a failure");
    assert_eq!((first.number, first_failure.seq), (1, Some(seq)));
    // Judged again, the replayed sheets are also refused by the model (already submitted).
    let decisions = check(&report, 5);
    assert!(!decisions.passed, "{report:#?}");
    assert_eq!(
        decisions.first_failure.as_ref().and_then(|f| f.seq),
        Some(seq)
    );
}

/// Issue 6 (signatures): a payload byte flipped after signing (a letter of a correction's
/// reason, so that the payload still decodes and means something allowed): only check 2
/// fails, at that record.
#[test]
fn payload_byte_flipped_after_signing_fails_check_2_at_its_record() {
    let (h, records) = honest_log();
    let payload = encode_payload(&h.events(vec![correct(STATIONS[7], &[30, 40])]));
    let mut submission = SignedSubmission::sign(&signing(official_of("647202")), 1, payload);
    let reason = b"recount in the plenary";
    let at = submission
        .payload
        .windows(reason.len())
        .position(|window| window == reason)
        .expect("the reason is in the payload");
    submission.payload[at] = b'R';
    assert!(!submission.signature_verifies());
    let (seq, export) = export_with(&records, submission);
    let report = audit_export(&export);
    assert_fails_only(&report, 2, seq, "signature does not verify");
}
