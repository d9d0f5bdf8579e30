//! Forged exports failing check 1 (chain: a replayed submission, a changed seq, a duplicated
//! record) and check 2 (a record whose signature does not verify), each at its position in
//! the file; checks 3-9 then judge only the records before it. `Log::append` refuses both, so the records are sealed with
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
    // Not authenticated by check 1, the replay is never judged by the model.
    assert_judged_only_before(&report, seq);
}

/// Checks 3-9 judged records 1..position-1, stopped at `position`, do not pass, blame no
/// record at or after it, and no projection digest is given.
fn assert_judged_only_before(report: &AuditReport, position: u64) {
    assert!(!report.ok);
    assert_eq!(report.judged_records, position - 1, "{report:#?}");
    assert_eq!(report.unauthenticated_record, Some(position));
    assert_eq!(
        report.projection_digest, None,
        "a digest of unauthenticated data"
    );
    for number in 3..=9 {
        let judged = check(report, number);
        assert!(!judged.passed, "check {number} passed: {report:#?}");
        assert_eq!(judged.stopped_at, Some(position));
        let blamed = judged
            .first_failure
            .as_ref()
            .and_then(|failure| failure.seq);
        assert!(
            blamed.is_none_or(|blamed| blamed < position),
            "check {number} judged record {blamed:?}: {report:#?}"
        );
    }
}

/// Every failure of every check is at a position of the file (1..=records) or of no record.
fn assert_positions_only(report: &AuditReport) {
    for check in &report.checks {
        if let Some(seq) = check.first_failure.as_ref().and_then(|failure| failure.seq) {
            assert!(
                (1..=report.records).contains(&seq),
                "check {} names record {seq} of {}",
                check.number,
                report.records
            );
        }
    }
}

/// Issue 10, section 3: a flipped high byte of record 2's stored seq is reported at
/// position 2, never at the seq the forger wrote.
#[test]
fn a_flipped_seq_byte_fails_at_its_position() {
    let (h, records) = honest_log();
    let mut encoded: Vec<Vec<u8>> = records.iter().map(Record::encode).collect();
    encoded[1][7] ^= 0x91;
    let report = audit_export(&export_of(&encoded, h.log.head().last_hash));
    let (first, failure) = report.first_failure().expect("a failure");
    assert_eq!((first.number, failure.seq), (1, Some(2)), "{report:#?}");
    assert!(failure.reason.contains("position 2"), "{failure:?}");
    assert_positions_only(&report);
    assert_judged_only_before(&report, 2);
}

/// Issue 10, section 3: record 2 copied in after itself is blamed at the copy (position
/// 3), never at the genuine record 2, which the model judges and accepts.
#[test]
fn a_duplicated_record_is_blamed_at_the_copy() {
    let (h, records) = honest_log();
    let mut encoded: Vec<Vec<u8>> = records.iter().map(Record::encode).collect();
    encoded.insert(2, encoded[1].clone());
    let report = audit_export(&export_of(&encoded, h.log.head().last_hash));
    assert_eq!(report.records, 5);
    let (first, failure) = report.first_failure().expect("a failure");
    assert_eq!((first.number, failure.seq), (1, Some(3)), "{report:#?}");
    assert_positions_only(&report);
    assert_judged_only_before(&report, 3);
    assert_eq!(
        check(&report, 5).failed,
        0,
        "the genuine record 2 is not blamed"
    );
}

/// Issue 10, section 3: record 2 (every sheet) sealed with one signature byte flipped and
/// the chain re-sealed over it, so that only check 2 fails there: the sheets are never
/// given to the model, so neither are the approvals after them, and nothing passes.
#[test]
fn a_flipped_signature_in_the_middle_stops_the_judgement_there() {
    let (_, records) = honest_log();
    let mut previous = records[0].hash;
    let mut encoded = vec![records[0].encode()];
    for (index, record) in records.iter().enumerate().skip(1) {
        let mut signature = record.signature;
        if index == 1 {
            signature[10] ^= 0x01;
        }
        let submission = SignedSubmission {
            author: record.author,
            counter: record.counter,
            payload: record.payload.clone(),
            signature,
        };
        let (sealed, bytes) = Record::seal(record.seq, previous, record.recorded_at_ms, submission);
        previous = sealed.hash;
        encoded.push(bytes);
    }
    let report = audit_export(&export_of(&encoded, previous));
    assert!(check(&report, 1).passed, "{report:#?}");
    let signatures = check(&report, 2);
    assert_eq!(signatures.failed, 1, "{report:#?}");
    assert_eq!(
        signatures.first_failure.as_ref().and_then(|f| f.seq),
        Some(2)
    );
    assert_positions_only(&report);
    assert_judged_only_before(&report, 2);
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
    assert!(check(&report, 1).passed, "{report:#?}");
    let signatures = check(&report, 2);
    assert_eq!(signatures.failed, 1, "{report:#?}");
    let failure = signatures.first_failure.as_ref().expect("a failure");
    assert_eq!(failure.seq, Some(seq));
    assert!(failure.reason.contains("signature does not verify"));
    assert_judged_only_before(&report, seq);
}
