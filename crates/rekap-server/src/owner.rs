//! Reads that need the ledger itself (record ranges, proofs, statements, tile bundles),
//! answered between commits by the thread that owns it: the writer of `rekap serve`, or
//! the follower of a listening mirror (`crate::follow`).

use rekap_ledger::Ledger;
use rekap_log::storage::StoredChunk;
use rekap_log::{Head, Storage};
use rekap_model::ApprovalStatement;

use crate::writer::{Answer, Request, Shared, CHUNK_PAGE_BYTES};

/// Answers a read that needs the ledger, on the thread that owns it.
pub fn answer_read<S: Storage>(ledger: &Ledger<S>, shared: &Shared, read: Request) {
    match read {
        Request::Chunks { from, to, reply } => {
            let _ = reply.send(read_chunks(ledger, from, to));
        }
        Request::Statement {
            region,
            contest,
            reply,
        } => {
            let _ = reply.send(statement(ledger, &region, &contest));
        }
        Request::Prove {
            contest,
            station,
            level,
            reply,
        } => {
            let _ = reply.send(prove(ledger, shared, &contest, &station, level.as_deref()));
        }
        Request::Bundle {
            resource,
            state,
            reply,
        } => {
            let _ = reply.send(crate::tlog::read_bundle(ledger, &state, &resource));
        }
        // Submissions are the writer's; a read-only server never queues one.
        Request::Submit { reply, .. } => {
            let _ = reply.send(Answer::Failed("this server does not append".into()));
        }
    }
}

/// `rekap prove` on the writer's ledger (the state and projection of the committed head).
fn prove<S: Storage>(
    ledger: &Ledger<S>,
    shared: &Shared,
    contest: &str,
    station: &str,
    level: Option<&str>,
) -> Result<rekap_ledger::proof::ProofFile, String> {
    let level = match level {
        Some(key) => rekap_projection::proof::ProofLevel::Key(key),
        None => rekap_projection::proof::ProofLevel::Highest,
    };
    rekap_ledger::proof::prove(
        ledger.state(),
        ledger.projection(),
        contest,
        station,
        level,
        |seq| Ok(ledger.log().read(seq)?),
        |seq| log_proof(shared, seq),
    )
    .map_err(|error| error.to_string())
}

/// The approval record's tlog-proof in the published checkpoint (`None` when none holds
/// it yet): the checkpoint `/tlog/checkpoint` serves, with any cosignatures.
fn log_proof(
    shared: &Shared,
    seq: u64,
) -> Result<Option<String>, rekap_ledger::proof::ProveFailure> {
    match shared.tlog() {
        Some(state) => rekap_ledger::proof::log_proof(&state.tree, &state.checkpoint, seq),
        None => Ok(None),
    }
}

/// The statement `rekap sign` signs for `region` and `contest`, at the writer's head.
fn statement<S: Storage>(
    ledger: &Ledger<S>,
    region: &str,
    contest: &str,
) -> Result<(ApprovalStatement, Head), String> {
    let state = ledger.state();
    let election = state.election();
    let contest_idx = election
        .contest_by_id(contest)
        .ok_or_else(|| format!("unknown contest {contest}"))?;
    let region_idx = election
        .find_region(region)
        .ok_or_else(|| format!("unknown region {region}"))?;
    let statement = ApprovalStatement {
        definition_hash: state.definition_hash(),
        region: region.to_owned(),
        contest: contest.to_owned(),
        digest: ledger.projection().digest(state, contest_idx, region_idx),
    };
    Ok((statement, ledger.head()))
}

/// Stored chunks from the one holding `from`, while they start at or before `to`, up to
/// about [`CHUNK_PAGE_BYTES`].
fn read_chunks<S: Storage>(
    ledger: &Ledger<S>,
    from: u64,
    to: u64,
) -> Result<Vec<StoredChunk>, String> {
    let storage = ledger.log().storage();
    let mut chunks = Vec::new();
    let mut bytes = 0;
    for chunk in storage.chunks_from(from.max(1)) {
        let chunk = chunk.map_err(|error| error.to_string())?;
        if chunk.first_seq > to || (bytes >= CHUNK_PAGE_BYTES && !chunks.is_empty()) {
            break;
        }
        bytes += chunk.framed_records.len();
        chunks.push(chunk);
    }
    Ok(chunks)
}
