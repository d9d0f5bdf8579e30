//! The published transparency log: the checkpoint the server (or a mirror) serves and the
//! tree of its size, kept in [`crate::writer::Shared`] so that `/tlog/checkpoint` and the
//! hash tiles are answered on the request threads, never by the thread owning the ledger.
//! Entry and record bundles read the log: on a server from the segment file beside the
//! writer (a lock-free reader of its durable chunks), on a mirror through its follower's
//! queue ([`read_bundle`]).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rekap_ledger::checkpoints::SignedCheckpoint;
use rekap_ledger::tiles::{self, Resource, TilesError};
use rekap_ledger::Ledger;
use rekap_log::storage::segment_reader::SegmentReader;
use rekap_log::Storage;
use rekap_tlog::tile_path::TilePath;
use rekap_tlog::{Tree, TILE_WIDTH};
use tokio::sync::oneshot;

use crate::api::App;
use crate::problem::Problem;
use crate::writer::Request;

/// A published checkpoint (with any witnesses' cosignature lines) and the tree of its size.
#[derive(Debug)]
pub struct TlogState {
    pub checkpoint: SignedCheckpoint,
    pub tree: Tree,
}

impl TlogState {
    pub fn size(&self) -> u64 {
        self.checkpoint.checkpoint.size
    }
}

/// `GET /tlog/<path>`: the tile tree of the published checkpoint (C2SP tlog-tiles,
/// docs/API.md). Full tiles and bundles never change: cached for a year, immutable; the
/// checkpoint and partial tiles change as the log grows.
pub async fn tile(
    State(app): State<Arc<App>>,
    Path(path): Path<String>,
) -> Result<Response, Problem> {
    let resource = Resource::parse(&path)
        .map_err(|error| Problem::not_found(format!("{error}; see docs/API.md")))?;
    let Some(state) = app.shared.tlog() else {
        return Err(Problem::not_found(format!(
            "no tile tree is served: {}",
            app.shared.tlog_missing()
        )));
    };
    if superseded(&resource, state.size()) {
        return Err(Problem::not_found(format!(
            "{} is partial and its full tile is in the tree of size {}",
            resource.to_path(),
            state.size()
        )));
    }
    let bytes = match resource {
        Resource::Checkpoint => state.checkpoint.note.clone().into_bytes(),
        Resource::Tile(TilePath::Hashes {
            level,
            index,
            width,
        }) => hash_tile(&state, level, index, width)?,
        _ => match app.shared.log_reader.get() {
            Some(reader) => bundle_beside_the_writer(reader.clone(), resource, state).await?,
            None => queued_bundle(&app, resource, state).await?,
        },
    };
    let (content_type, cache) = if resource == Resource::Checkpoint {
        ("text/plain; charset=utf-8", "no-cache")
    } else if resource.is_partial() {
        ("application/octet-stream", "no-cache")
    } else {
        (
            "application/octet-stream",
            "public, max-age=31536000, immutable",
        )
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, cache),
        ],
        bytes,
    )
        .into_response())
}

/// A hash tile of the published tree (the same bytes `rekap_ledger::tiles::read` gives).
fn hash_tile(state: &TlogState, level: u8, index: u64, width: u16) -> Result<Vec<u8>, Problem> {
    let not_found = || {
        Problem::not_found(format!(
            "{} is not in the tile tree of size {}",
            TilePath::Hashes {
                level,
                index,
                width
            }
            .to_path(),
            state.size()
        ))
    };
    let tile = state
        .tree
        .tile(level, index, state.size())
        .map_err(|_| not_found())?;
    let hashes = tile.get(..usize::from(width)).ok_or_else(not_found)?;
    Ok(hashes.concat())
}

/// The bytes of an entry or record bundle of `state`'s tree, read from the log by the
/// thread that owns it. `Err((true, why))` is a not-found.
pub fn read_bundle<S: Storage>(
    ledger: &Ledger<S>,
    state: &TlogState,
    resource: &Resource,
) -> Result<Vec<u8>, (bool, String)> {
    tiles::read(ledger.log(), &state.tree, &state.checkpoint, resource)
        .map_err(|error| bundle_error(&error))
}

/// An entry or record bundle read by the thread that owns the ledger (a mirror's
/// follower), through its queue.
async fn queued_bundle(
    app: &App,
    resource: Resource,
    state: Arc<TlogState>,
) -> Result<Vec<u8>, Problem> {
    let (reply, answered) = oneshot::channel();
    app.enqueue(Request::Bundle {
        resource,
        state,
        reply,
    })?;
    answered
        .await
        .map_err(|_| Problem::internal("the log's reader stopped before answering"))?
        .map_err(bundle_problem)
}

/// An entry or record bundle read from the segment file on a blocking thread of the
/// runtime, beside the writer: the reader sees only durable chunks, and every chunk the
/// published checkpoint covers is durable (checkpoints are signed after commits).
async fn bundle_beside_the_writer(
    reader: SegmentReader,
    resource: Resource,
    state: Arc<TlogState>,
) -> Result<Vec<u8>, Problem> {
    let read = tokio::task::spawn_blocking(move || {
        tiles::read_bundle(&resource, state.size(), |seq| reader.chunks_from(seq))
            .map_err(|error| bundle_error(&error))
    });
    read.await
        .map_err(|_| Problem::internal("the log's reader stopped before answering"))?
        .map_err(bundle_problem)
}

fn bundle_problem((not_found, why): (bool, String)) -> Problem {
    if not_found {
        Problem::not_found(why)
    } else {
        Problem::internal(why)
    }
}

/// A bundle's error: `(true, why)` is a not-found.
fn bundle_error(error: &TilesError) -> (bool, String) {
    let not_found = matches!(error, TilesError::NotFound { .. } | TilesError::BadPath(_));
    (not_found, error.to_string())
}

/// Whether `resource` is a partial tile whose full tile exists in the tree of `size` (the
/// spec's readers then ask for the full one).
fn superseded(resource: &Resource, size: u64) -> bool {
    let (level, index) = match *resource {
        Resource::Tile(TilePath::Hashes { level, index, .. }) => (u32::from(level), index),
        Resource::Tile(TilePath::Entries { index, .. }) | Resource::Records { index, .. } => {
            (0, index)
        }
        Resource::Checkpoint => return false,
    };
    if !resource.is_partial() {
        return false;
    }
    // Entries at `level`: the tree's size divided by 256 per level above 0.
    let entries_at_level = (0..level).fold(size, |entries, _| entries / TILE_WIDTH);
    entries_at_level >= (index + 1).saturating_mul(TILE_WIDTH)
}
