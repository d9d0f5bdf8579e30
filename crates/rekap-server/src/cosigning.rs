//! The server's witness policy (`rekap serve --witness URL=VKEY ... --quorum K`): a signed
//! checkpoint is published (served at `/tlog/`, in receipts and proofs) only once K of the
//! configured witnesses cosigned it, with their cosignature lines appended to the note, as
//! Tessera does. A thread of its own asks the witnesses (C2SP tlog-witness
//! `add-checkpoint`, with the consistency proof from each witness's last size; a 409 names
//! that size and the request is sent again with the right proof), so the writer never
//! waits for the network. Until a quorum cosigns, the checkpoint published before stays;
//! the last published one is kept in `<store>/cosigned-checkpoint` for a restart.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use rekap_ledger::checkpoints::SignedCheckpoint;
use rekap_tlog::note::Note;
use rekap_witness::request::{parse_decimal, AddCheckpoint};
use rekap_witness::CosignatureVerifier;

use crate::tlog::TlogState;
use crate::writer::Shared;

/// The published, cosigned checkpoint in a store.
pub const COSIGNED_FILE: &str = "cosigned-checkpoint";

/// One witness: where it answers and the key its cosignatures must verify with.
#[derive(Clone, Debug)]
pub struct Witness {
    pub url: String,
    pub verifier: CosignatureVerifier,
}

/// The witnesses and how many of them must cosign.
#[derive(Clone, Debug)]
pub struct WitnessPolicy {
    pub witnesses: Vec<Witness>,
    pub quorum: usize,
    /// How long to wait before asking again for a checkpoint short of its quorum.
    pub retry: Duration,
}

impl Witness {
    /// Parses `URL=VKEY` (the witness's cosignature vkey, `rekap witness --vkey`).
    pub fn parse(text: &str) -> Result<Witness, String> {
        let (url, vkey) = text
            .split_once('=')
            .ok_or_else(|| format!("--witness {text:?} is not URL=VKEY"))?;
        let verifier = CosignatureVerifier::from_vkey(vkey.trim())
            .map_err(|error| format!("--witness {url}: the vkey: {error}"))?;
        Ok(Witness {
            url: url.trim_end_matches('/').to_owned(),
            verifier,
        })
    }
}

/// Asks the witnesses for each checkpoint the writer signs (the latest when several
/// queued), publishing it once a quorum cosigned; until the writer hangs up.
pub fn run(
    policy: WitnessPolicy,
    signed: Receiver<TlogState>,
    shared: Arc<Shared>,
    store: PathBuf,
) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut known: Vec<Option<u64>> = vec![None; policy.witnesses.len()];
    let mut pending: Option<TlogState> = None;
    let mut restored = false;
    loop {
        let next = match &pending {
            Some(_) => signed.recv_timeout(policy.retry),
            None => signed.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match next {
            Ok(state) => pending = Some(state),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        pending = signed.try_iter().last().or(pending);
        let Some(state) = pending.take() else {
            continue;
        };
        if !restored {
            restored = true;
            restore(&store, &state, &shared);
        }
        if shared
            .tlog()
            .is_some_and(|published| published.size() >= state.size())
        {
            continue;
        }
        let lines = ask_all(&agent, &policy.witnesses, &mut known, &state);
        if lines.len() >= policy.quorum {
            let mut checkpoint = state.checkpoint.clone();
            checkpoint.note.push_str(&lines.concat());
            let path = store.join(COSIGNED_FILE);
            if let Err(error) =
                rekap_witness::witness::write_durably(&path, checkpoint.note.as_bytes())
            {
                eprintln!(
                    "rekap serve: {}: {error} (published all the same)",
                    path.display()
                );
            }
            shared.publish_tlog(TlogState {
                checkpoint,
                tree: state.tree,
            });
        } else {
            let why = format!(
                "the checkpoint of size {} has {} of the {} cosignatures required",
                state.size(),
                lines.len(),
                policy.quorum
            );
            eprintln!(
                "rekap serve: not published yet: {why}; asking again in {:?}",
                policy.retry
            );
            if shared.tlog().is_none() {
                shared.set_tlog_missing(why);
            }
            pending = Some(state);
        }
    }
}

/// Publishes the cosigned checkpoint kept by the last run, if the log's tree holds it.
fn restore(store: &std::path::Path, state: &TlogState, shared: &Shared) {
    let Ok(note) = std::fs::read_to_string(store.join(COSIGNED_FILE)) else {
        return;
    };
    let Ok(kept) = SignedCheckpoint::parse(note) else {
        return;
    };
    let size = kept.checkpoint.size;
    let same_tree =
        size <= state.size() && state.tree.root(size).ok() == Some(kept.checkpoint.root);
    if same_tree && kept.checkpoint.origin == state.checkpoint.checkpoint.origin {
        shared.publish_tlog(TlogState {
            checkpoint: kept,
            tree: state.tree.clone(),
        });
    }
}

/// The valid cosignature lines of every witness that cosigned `state`, asked at once.
fn ask_all(
    agent: &ureq::Agent,
    witnesses: &[Witness],
    known: &mut [Option<u64>],
    state: &TlogState,
) -> Vec<String> {
    std::thread::scope(|scope| {
        let asks: Vec<_> = witnesses
            .iter()
            .zip(known.iter_mut())
            .map(|(witness, known)| scope.spawn(move || ask(agent, witness, known, state)))
            .collect();
        asks.into_iter()
            .filter_map(|ask| ask.join().ok().flatten())
            .collect()
    })
}

/// One witness's cosignature line for `state`, or `None` (said on stderr). `known` is the
/// size the witness last cosigned, corrected by a 409.
fn ask(
    agent: &ureq::Agent,
    witness: &Witness,
    known: &mut Option<u64>,
    state: &TlogState,
) -> Option<String> {
    let size = state.size();
    for _ in 0..2 {
        let old = known.unwrap_or(0).min(size);
        let proof = if old > 0 && old < size {
            state.tree.consistency_proof(old, size).ok()?
        } else {
            Vec::new()
        };
        let body = AddCheckpoint {
            old_size: old,
            proof,
            checkpoint: state.checkpoint.note.clone(),
        }
        .to_text();
        let url = format!("{}/add-checkpoint", witness.url);
        let (status, text) = match post(agent, &url, body) {
            Ok(answer) => answer,
            Err(error) => {
                eprintln!("rekap serve: witness {url}: {error}");
                return None;
            }
        };
        match status {
            200 => {
                let line = cosignature_line(witness, &state.checkpoint.note, &text);
                if line.is_some() {
                    *known = Some(size);
                } else {
                    eprintln!(
                        "rekap serve: witness {url} answered no valid cosignature of its key"
                    );
                }
                return line;
            }
            409 => match parse_decimal(text.trim()) {
                Some(theirs) if theirs <= size && Some(theirs) != *known => *known = Some(theirs),
                _ => {
                    eprintln!(
                        "rekap serve: witness {url} holds size {}: cannot prove {size} from it",
                        text.trim()
                    );
                    return None;
                }
            },
            _ => {
                eprintln!(
                    "rekap serve: witness {url}: status {status}: {}",
                    text.trim()
                );
                return None;
            }
        }
    }
    None
}

fn post(agent: &ureq::Agent, url: &str, body: String) -> Result<(u16, String), String> {
    let mut response = agent
        .post(url)
        .content_type("text/plain")
        .send(body)
        .map_err(|error| error.to_string())?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .with_config()
        .limit(64 << 10)
        .read_to_string()
        .map_err(|error| error.to_string())?;
    Ok((status, text))
}

/// The line of `answer` that is `witness`'s valid cosignature of `note`'s checkpoint.
fn cosignature_line(witness: &Witness, note: &str, answer: &str) -> Option<String> {
    let text = &Note::parse(note.as_bytes()).ok()?.text;
    answer.lines().find_map(|line| {
        let line = format!("{line}\n");
        let cosigned = Note::parse(format!("{note}{line}").as_bytes()).ok()?;
        let signature = cosigned.signatures.last()?;
        witness.verifier.verify(text, signature).map(|_| line)
    })
}
