//! The proof file of `rekap prove` (format `rekap-proof/4`, docs/FORMAT.md "Proof file"):
//! the projection's branch from one station's sheet to a region's digest, the signed log
//! record that approved that digest, and that record's inclusion in a checkpoint the log
//! signed (C2SP tlog-proof). Every field of the file is authenticated: either an input of a
//! hash or signature the verifier recomputes, or checked equal to one.
//!
//! What the proof alone cannot show, and the verifier says so: that the record's author
//! is the registered official of the region (that is in the genesis). With the log's key,
//! the record's position and hash are shown by the signed checkpoint.

use rekap_log::record::{record_hash, signature_verifies, Record};
use rekap_model::{decode_payload, ApprovalStatement, Event, Payload, State};
use rekap_projection::merkle::{Hash, HexHash};
use rekap_projection::proof::{
    ApprovedAt, BranchEnd, Proof, ProofFailure as BranchFailure, ProofLevel, ProveError,
    SheetNumbers,
};
use rekap_projection::Projection;
use rekap_tlog::checkpoint::Checkpoint;
use rekap_tlog::note::{Note, Verifier};
use rekap_tlog::tlog_proof::TlogProof;
use rekap_tlog::Tree;
use serde::{Deserialize, Serialize};

use crate::checkpoints::{self, SignedCheckpoint};
use crate::LedgerError;

/// The approval a proof ends at: the signed log record holding the `PlenaryApproved` event,
/// and what it says, shown for people and checked against the record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalRecord {
    /// The approved region (the last step's region).
    pub region: String,
    /// The approved digest (the last step's recomputed digest).
    pub digest: HexHash,
    /// The record's sequence number in the log.
    pub seq: u64,
    /// The event's index in the record's payload.
    pub event: u32,
    /// The record's author: the official who recorded the approval.
    pub author: HexHash,
    /// The record hash, which the log's next record chains to.
    pub record_hash: HexHash,
    /// The record's canonical bytes (lowercase hex).
    pub record: String,
    /// The record's inclusion in a checkpoint the log signed: C2SP tlog-proof text (index
    /// `seq - 1`, the inclusion hashes, the signed checkpoint note).
    pub log_proof: String,
}

/// A proof file as it is written and read.
pub type ProofFile = Proof<ApprovalRecord>;

/// Why a proof cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum ProveFailure {
    #[error(transparent)]
    Prove(#[from] ProveError),
    #[error("record {0}, which holds the approval, is not in the log")]
    RecordMissing(u64),
    #[error(
        "record {0}, which holds the approval, is in no checkpoint the log signed: run \
         `rekap checkpoint` on the store"
    )]
    NotInCheckpoint(u64),
    #[error("the log's tree: {0}")]
    Tree(#[from] rekap_tlog::TreeError),
    #[error("the log's checkpoints: {0}")]
    Checkpoints(String),
    #[error(transparent)]
    Log(#[from] rekap_log::LogError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// Why a proof does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofFailure {
    #[error("not a proof file: {0}")]
    Json(String),
    #[error("the file is not written as rekap writes a proof (a field, number or hex digit differs from its canonical form)")]
    NotCanonical,
    #[error(transparent)]
    Branch(#[from] BranchFailure),
    #[error("the approval's record bytes are not a record: {0}")]
    RecordBytes(String),
    #[error("approval.{field} is {shown}, but the {against} gives {found}")]
    Differs {
        field: &'static str,
        shown: String,
        found: String,
        against: &'static str,
    },
    #[error("the approval record's hash field is not the hash of its bytes")]
    RecordHash,
    #[error("the approval record's signature does not verify under its author's key")]
    Signature,
    #[error("the approval record's payload is not a rekap events payload: {0}")]
    Payload(String),
    #[error("the approval record has no event {0} that is a plenary approval")]
    NotAnApproval(u32),
    #[error("witness {0}'s signature on the approval does not verify")]
    WitnessSignature(String),
    #[error("the approval record's inclusion in the log: {0}")]
    LogProof(String),
    #[error("the proof computes digest {computed} but the published digest is {published}")]
    NotPublished { computed: String, published: String },
}

/// What a verified proof shows, every part of it authenticated as its field says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedProof {
    pub sheet: SheetNumbers,
    /// The approved region, its digest and totals, recomputed.
    pub end: BranchEnd,
    /// Signed by the author: the payload's definition hash and the approval.
    pub author: [u8; 32],
    pub definition_hash: Hash,
    /// Witnesses whose signature on the approval statement verified.
    pub witnesses: Vec<[u8; 32]>,
    /// Witnesses who refused to sign (recorded by the official).
    pub refusals: Vec<[u8; 32]>,
    /// The record's position and hash, included in `checkpoint`.
    pub seq: u64,
    pub record_hash: Hash,
    /// The checkpoint the record is included in (its origin is the election's).
    pub checkpoint: Checkpoint,
    /// Whether the log's key was given and signed the checkpoint.
    pub checkpoint_signed: bool,
}

/// A proof that `station`'s sheet is inside the approval at `level`, from a replayed state
/// and projection; `record_at(seq)` reads a record of the same log, `log_proof_at(seq)`
/// gives its tlog-proof in a signed checkpoint ([`log_proof`]), `None` if none holds it.
pub fn prove(
    state: &State,
    projection: &Projection,
    contest: &str,
    station: &str,
    level: ProofLevel<'_>,
    record_at: impl Fn(u64) -> Result<Option<Record>, LedgerError>,
    log_proof_at: impl Fn(u64) -> Result<Option<String>, ProveFailure>,
) -> Result<ProofFile, ProveFailure> {
    let proof = projection.prove(state, contest, station, level)?;
    signed_by_record(proof, record_at, log_proof_at)
}

/// The proof file of a branch `proof` (from a replay or from the saved views): the record
/// holding its approval, `record_at(seq)`, and that record's inclusion, `log_proof_at(seq)`.
pub fn signed_by_record(
    proof: Proof<ApprovedAt>,
    record_at: impl Fn(u64) -> Result<Option<Record>, LedgerError>,
    log_proof_at: impl Fn(u64) -> Result<Option<String>, ProveFailure>,
) -> Result<ProofFile, ProveFailure> {
    let ApprovedAt { region, digest, id } = proof.approval.clone();
    let record = record_at(id.seq)?.ok_or(ProveFailure::RecordMissing(id.seq))?;
    let log_proof = log_proof_at(id.seq)?.ok_or(ProveFailure::NotInCheckpoint(id.seq))?;
    let approval = ApprovalRecord {
        region,
        digest: HexHash(digest),
        seq: record.seq,
        event: id.index,
        author: HexHash(record.author),
        record_hash: HexHash(record.hash),
        record: hex::encode(record.encode()),
        log_proof,
    };
    Ok(Proof {
        format: proof.format,
        contest: proof.contest,
        station: proof.station,
        sheet: proof.sheet,
        sheet_bytes: proof.sheet_bytes,
        steps: proof.steps,
        approval,
    })
}

/// The tlog-proof text of record `seq` in `checkpoint` (signed by the log, of the log whose
/// tree is `tree`), or `None` if the checkpoint is older than the record.
pub fn log_proof(
    tree: &Tree,
    checkpoint: &SignedCheckpoint,
    seq: u64,
) -> Result<Option<String>, ProveFailure> {
    let size = checkpoint.checkpoint.size;
    if seq == 0 || seq > size {
        return Ok(None);
    }
    Ok(Some(
        TlogProof {
            extra: None,
            index: seq - 1,
            proof: tree.inclusion_proof(seq - 1, size)?,
            checkpoint: checkpoint.note.clone(),
        }
        .to_text(),
    ))
}

/// Reads a proof file: refuses unknown fields and anything not written exactly as
/// [`serde_json`] writes the proof back (so no two texts read as the same proof).
pub fn parse_proof(text: &str) -> Result<ProofFile, ProofFailure> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|error| ProofFailure::Json(error.to_string()))?;
    let proof: ProofFile = serde_json::from_value(value.clone())
        .map_err(|error| ProofFailure::Json(error.to_string()))?;
    let again =
        serde_json::to_value(&proof).map_err(|error| ProofFailure::Json(error.to_string()))?;
    if again != value {
        return Err(ProofFailure::NotCanonical);
    }
    Ok(proof)
}

/// Verifies a proof from its own bytes: the branch (sheet to digest), then the approval
/// record (hash, signature, the event it holds, every witness signature), then its
/// inclusion in the checkpoint (signed by `log_key` when given), then, if given, the
/// published digest. The steps are in docs/FORMAT.md, "Verifying a proof".
pub fn verify_proof(
    proof: &ProofFile,
    published: Option<&Hash>,
    log_key: Option<&Verifier>,
) -> Result<VerifiedProof, ProofFailure> {
    let end = proof.verify_branch()?;
    let approval = &proof.approval;
    same("region", &approval.region, &end.region, "last step")?;
    same_hex("digest", &approval.digest.0, &end.digest, "last step")?;
    let record = decoded_record(approval)?;
    let (definition_hash, event) = approval_event(&record, approval.event)?;
    let Event::PlenaryApproved {
        region,
        contest,
        digest,
        signatures,
        refusals,
    } = event
    else {
        return Err(ProofFailure::NotAnApproval(approval.event));
    };
    same("region", &approval.region, &region, "approval record")?;
    same("contest", &proof.contest, &contest, "approval record")?;
    same_hex("digest", &approval.digest.0, &digest, "approval record")?;
    let statement = ApprovalStatement {
        definition_hash,
        region,
        contest,
        digest,
    }
    .bytes();
    for witness in &signatures {
        if !signature_verifies(&witness.witness, &statement, &witness.signature) {
            return Err(ProofFailure::WitnessSignature(hex::encode(witness.witness)));
        }
    }
    let checkpoint = included(approval, &record, &definition_hash, log_key)?;
    if let Some(published) = published {
        if *published != end.digest {
            return Err(ProofFailure::NotPublished {
                computed: hex::encode(end.digest),
                published: hex::encode(published),
            });
        }
    }
    Ok(VerifiedProof {
        sheet: proof.sheet.clone(),
        end,
        author: record.author,
        definition_hash,
        witnesses: signatures.iter().map(|witness| witness.witness).collect(),
        refusals: refusals.iter().map(|refusal| refusal.witness).collect(),
        seq: record.seq,
        record_hash: record.hash,
        checkpoint,
        checkpoint_signed: log_key.is_some(),
    })
}

/// The approval record's inclusion: `approval.log_proof` is a tlog-proof of entry
/// `seq - 1`, the record hash, in a checkpoint of the election's origin, signed by
/// `log_key` when given.
fn included(
    approval: &ApprovalRecord,
    record: &Record,
    definition_hash: &Hash,
    log_key: Option<&Verifier>,
) -> Result<Checkpoint, ProofFailure> {
    let failed = |error: &dyn std::fmt::Display| ProofFailure::LogProof(error.to_string());
    let parsed = TlogProof::parse(approval.log_proof.as_bytes()).map_err(|e| failed(&e))?;
    if parsed.to_text() != approval.log_proof {
        return Err(ProofFailure::NotCanonical);
    }
    same("seq", &(parsed.index + 1), &record.seq, "log proof's index")?;
    let origin = checkpoints::origin(definition_hash);
    let leaf = rekap_tlog::leaf_hash(&record.hash);
    if let Some(key) = log_key {
        return parsed.verify(&leaf, &origin, key).map_err(|e| failed(&e));
    }
    let note = Note::parse(parsed.checkpoint.as_bytes()).map_err(|e| failed(&e))?;
    let checkpoint = Checkpoint::from_text(&note.text).map_err(|e| failed(&e))?;
    if checkpoint.origin != origin {
        return Err(failed(&format!(
            "the checkpoint is of origin {:?}, not the election's {origin:?}",
            checkpoint.origin
        )));
    }
    rekap_tlog::verify_inclusion(
        parsed.index,
        checkpoint.size,
        &leaf,
        &parsed.proof,
        &checkpoint.root,
    )
    .map_err(|e| failed(&e))?;
    Ok(checkpoint)
}

/// The record of the approval, checked against its bytes and what the file shows.
fn decoded_record(approval: &ApprovalRecord) -> Result<Record, ProofFailure> {
    let bytes = hex::decode(&approval.record)
        .map_err(|error| ProofFailure::RecordBytes(error.to_string()))?;
    if hex::encode(&bytes) != approval.record {
        return Err(ProofFailure::NotCanonical);
    }
    let record =
        Record::decode(&bytes).map_err(|error| ProofFailure::RecordBytes(error.to_string()))?;
    if record.hash != record_hash(&bytes) {
        return Err(ProofFailure::RecordHash);
    }
    same_hex(
        "record_hash",
        &approval.record_hash.0,
        &record.hash,
        "record",
    )?;
    same("seq", &approval.seq, &record.seq, "record")?;
    same_hex("author", &approval.author.0, &record.author, "record")?;
    let message = record.submission_message();
    if !signature_verifies(&record.author, &message, &record.signature) {
        return Err(ProofFailure::Signature);
    }
    Ok(record)
}

/// The definition hash of the record's payload and its event number `index`.
fn approval_event(record: &Record, index: u32) -> Result<(Hash, Event), ProofFailure> {
    let payload = decode_payload(&record.payload)
        .map_err(|error| ProofFailure::Payload(error.to_string()))?;
    let Payload::Events {
        definition_hash,
        mut events,
    } = payload
    else {
        return Err(ProofFailure::Payload("it is a genesis".into()));
    };
    let position = usize::try_from(index).map_err(|_| ProofFailure::NotAnApproval(index))?;
    if position >= events.len() {
        return Err(ProofFailure::NotAnApproval(index));
    }
    Ok((definition_hash, events.swap_remove(position)))
}

fn same<T: PartialEq + std::fmt::Display>(
    field: &'static str,
    shown: &T,
    found: &T,
    against: &'static str,
) -> Result<(), ProofFailure> {
    if shown == found {
        return Ok(());
    }
    Err(ProofFailure::Differs {
        field,
        shown: shown.to_string(),
        found: found.to_string(),
        against,
    })
}

fn same_hex(
    field: &'static str,
    shown: &Hash,
    found: &Hash,
    against: &'static str,
) -> Result<(), ProofFailure> {
    same(field, &hex::encode(shown), &hex::encode(found), against)
}
