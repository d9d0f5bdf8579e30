//! `rekap verify --tiles URL_OR_DIR`: fetches a published tile tree (docs/FORMAT.md "Tile
//! tree") from a directory, a `file://` URL or an http(s) tile root, and verifies it as
//! `verify --log` verifies an export (records, chain, hashes, signatures, counters), and
//! more: the checkpoint's origin and signature by the key the log itself names for its size
//! (the genesis, or the last `LogKeyRotated` record in the tree; a `--log-key` must be one of
//! the log's keys), every entry bundle against its records, every hash tile and the root
//! against the checkpoint.
//!
//! What is wrong with the tree is a failure of the report (exit 1); a resource that is
//! missing or malformed is an error naming its path (exit 1); only a network failure is an
//! IO error (exit 3).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use rekap_ledger::checkpoints::{self, SignedCheckpoint};
use rekap_ledger::tiles::{self, Resource};
use rekap_log::{ChainVerifier, Failure, VerifyOptions, VerifyReport};
use rekap_model::{decode_payload, LogKeys, Payload};
use rekap_tlog::checkpoint::Checkpoint;
use rekap_tlog::note::Verifier;
use rekap_tlog::tile_path::{changed_tiles, TilePath};
use rekap_tlog::{Tree, TILE_WIDTH};

/// A tree that is not the checkpoint's (English, as JSON carries it; the table words it).
pub const TREE_NOT_ROOT: &str = "the tree of the records is not the checkpoint's root";

/// The largest resource fetched: a record bundle of 256 records of the largest size.
const MAX_RESOURCE_BYTES: u64 = 256 * (rekap_log::limits::MAX_RECORD_BYTES as u64 + 4);

/// Where a tile tree is read from.
pub enum TileSource {
    Directory(PathBuf),
    Http { base: String, agent: ureq::Agent },
}

impl TileSource {
    /// A directory, a `file://` URL or an `http://` / `https://` URL of a tile root.
    pub fn new(text: &str) -> TileSource {
        if text.starts_with("http://") || text.starts_with("https://") {
            let agent = ureq::Agent::config_builder()
                .timeout_global(Some(Duration::from_secs(60)))
                .http_status_as_error(false)
                .build()
                .into();
            return TileSource::Http {
                base: text.trim_end_matches('/').to_owned(),
                agent,
            };
        }
        let path = text.strip_prefix("file://").unwrap_or(text);
        TileSource::Directory(PathBuf::from(path))
    }

    /// The bytes at `path`, `None` if the tree has no such resource.
    pub fn fetch(&self, path: &str) -> anyhow::Result<Option<Vec<u8>>> {
        match self {
            TileSource::Directory(root) => match std::fs::read(root.join(path)) {
                Ok(bytes) => Ok(Some(bytes)),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(error) => Err(error).with_context(|| {
                    crate::lang::say_with("command-cannot-read", &[("path", &path)])
                }),
            },
            TileSource::Http { base, agent } => {
                let url = format!("{base}/{path}");
                let network = |error: ureq::Error| {
                    anyhow::Error::new(std::io::Error::other(format!("{url}: {error}")))
                };
                let mut response = agent.get(&url).call().map_err(network)?;
                match response.status().as_u16() {
                    200 => Ok(Some(
                        response
                            .body_mut()
                            .with_config()
                            .limit(MAX_RESOURCE_BYTES)
                            .read_to_vec()
                            .map_err(network)?,
                    )),
                    404 | 410 => Ok(None),
                    status => bail!("{url}: HTTP status {status}"),
                }
            }
        }
    }

    /// The bytes at `path`, refusing a missing resource.
    fn required(&self, path: &str) -> anyhow::Result<Vec<u8>> {
        self.fetch(path)?.ok_or_else(|| {
            anyhow!(crate::lang::say_with(
                "command-verify-tiles-tile-tree-has-no",
                &[("path", &path)]
            ))
        })
    }

    /// A partial tile or bundle of `width`, or, when the tree has only the full one now,
    /// the full one (its prefix is the partial one's content).
    fn partial_or_full(&self, resource: Resource) -> anyhow::Result<(String, Vec<u8>, u16)> {
        let path = resource.to_path();
        if let Some(bytes) = self.fetch(&path)? {
            return Ok((path, bytes, width_of(&resource)));
        }
        let full = with_width(resource, TILE_WIDTH as u16);
        if resource.is_partial() {
            let full_path = full.to_path();
            if let Some(bytes) = self.fetch(&full_path)? {
                return Ok((full_path, bytes, TILE_WIDTH as u16));
            }
        }
        bail!(crate::lang::say_with(
            "command-verify-tiles-tile-tree-has-no",
            &[("path", &path)]
        ))
    }
}

fn width_of(resource: &Resource) -> u16 {
    match *resource {
        Resource::Tile(TilePath::Hashes { width, .. } | TilePath::Entries { width, .. })
        | Resource::Records { width, .. } => width,
        Resource::Checkpoint => 0,
    }
}

fn with_width(resource: Resource, width: u16) -> Resource {
    match resource {
        Resource::Tile(TilePath::Hashes { level, index, .. }) => Resource::Tile(TilePath::Hashes {
            level,
            index,
            width,
        }),
        Resource::Tile(TilePath::Entries { index, .. }) => {
            Resource::Tile(TilePath::Entries { index, width })
        }
        Resource::Records { index, .. } => Resource::Records { index, width },
        Resource::Checkpoint => Resource::Checkpoint,
    }
}

/// The outcome: the chain's report (with the tree's failures added) and the checkpoint.
pub struct TilesReport {
    pub report: VerifyReport,
    pub checkpoint: Checkpoint,
    /// The checkpoint's signed note, as fetched (with any cosignatures).
    pub note: String,
    pub signature_checked: bool,
}

/// Fetches and verifies the whole tree at `source`.
pub fn verify(
    source: &TileSource,
    log_key: Option<&Verifier>,
    options: VerifyOptions,
) -> anyhow::Result<TilesReport> {
    let note = source.required(tiles::CHECKPOINT_PATH)?;
    let note = String::from_utf8(note).map_err(|_| {
        anyhow!(crate::lang::say(
            "command-verify-tiles-tile-tree-s-checkpoint-refused"
        ))
    })?;
    let checkpoint = SignedCheckpoint::parse(note.clone())
        .map_err(|error| {
            anyhow!(crate::lang::say_with(
                "command-verify-tiles-tile-tree-s-checkpoint-refused-2",
                &[("error", &error)]
            ))
        })?
        .checkpoint;
    let size = checkpoint.size;
    if size == 0 {
        bail!(crate::lang::say(
            "command-verify-tiles-tile-tree-s-checkpoint-empty"
        ));
    }
    let mut chain = ChainVerifier::from_genesis(options);
    let mut tree = Tree::new();
    let mut tree_failures = Vec::new();
    let mut keys = None;
    for index in 0..size.div_ceil(TILE_WIDTH) {
        let width = (size - index * TILE_WIDTH).min(TILE_WIDTH) as u16;
        let bundle = check_bundle(source, index, width, &mut chain, &mut tree_failures)?;
        follow_log_keys(&bundle.records, &mut keys, &mut tree_failures);
        tree.append(&bundle.entries);
    }
    if let Some(keys) = &keys {
        check_signature(&note, &checkpoint, keys, log_key, &mut tree_failures);
    }
    if tree.root(size)? != checkpoint.root {
        tree_failures.push(TREE_NOT_ROOT.to_owned());
    }
    for tile in changed_tiles(0, size) {
        check_hash_tile(source, &tree, size, tile, &mut tree_failures)?;
    }
    let mut report = chain.finish();
    report.failures.extend(
        tree_failures
            .into_iter()
            .map(|reason| Failure { seq: None, reason }),
    );
    Ok(TilesReport {
        report,
        checkpoint,
        note: note.clone(),
        signature_checked: keys.is_some(),
    })
}

/// A bundle's entries and its records.
struct Bundle {
    entries: Vec<[u8; 32]>,
    records: Vec<Vec<u8>>,
}

/// The log's keys as its records name them: record 1's genesis, then every
/// `LogKeyRotated` record, each decided as the model decides it.
fn follow_log_keys(records: &[Vec<u8>], keys: &mut Option<LogKeys>, failures: &mut Vec<String>) {
    for bytes in records {
        let Ok(record) = rekap_log::Record::decode(bytes) else {
            continue;
        };
        let payload = decode_payload(&record.payload);
        match (record.seq, payload, keys.as_mut()) {
            (1, Ok(Payload::Genesis(genesis)), _) => match LogKeys::of_genesis(&genesis) {
                Ok(named) => *keys = Some(named),
                Err(refusal) => failures.push(format!("record 1: {refusal}")),
            },
            (1, _, _) => failures.push(super::verify::NOT_A_GENESIS.to_owned()),
            (seq, Ok(Payload::LogKeyRotated { key, .. }), Some(keys)) => {
                if let Err(refusal) = keys.rotate(&record.author, seq, key) {
                    failures.push(format!("record {seq}: {refusal}"));
                }
            }
            _ => {}
        }
    }
}

/// The checkpoint must be of the log's origin and signed by the key the log names for its
/// size; a `--log-key` must be one of the log's keys.
fn check_signature(
    note: &str,
    checkpoint: &Checkpoint,
    keys: &LogKeys,
    pinned: Option<&Verifier>,
    failures: &mut Vec<String>,
) {
    if checkpoint.origin != keys.origin() {
        failures.push(crate::lang::say_with(
            "command-verify-tiles-checkpoint-s-origin-not-genesis",
            &[
                ("origin", &format!("{:?}", checkpoint.origin)),
                ("origin2", &format!("{:?}", keys.origin())),
            ],
        ));
        return;
    }
    if let Some(pinned) = pinned {
        let pinned_key = pinned.public_key().to_bytes();
        if pinned.name() != keys.origin()
            || !keys.periods().iter().any(|period| period.key == pinned_key)
        {
            failures.push(crate::lang::say_with(
                "command-verify-tiles-checkpoint-refused-log-key-not",
                &[("to-vkey", &pinned.to_vkey())],
            ));
        }
    }
    let verified = checkpoints::verifier_at(keys, checkpoint.size)
        .map_err(|error| error.to_string())
        .and_then(|verifier| {
            Checkpoint::open(note.as_bytes(), keys.origin(), &verifier)
                .map_err(|error| error.to_string())
        });
    if let Err(error) = verified {
        failures.push(crate::lang::say_with(
            "command-verify-tiles-checkpoint-refused-size-not-signed",
            &[
                ("size", &checkpoint.size),
                (
                    "map-or",
                    &keys
                        .periods()
                        .iter()
                        .rev()
                        .find(|period| period.from_size <= checkpoint.size)
                        .map_or(1, |period| period.from_size),
                ),
                ("error", &error),
            ],
        ));
    }
}

/// Fetches record bundle `index` and its entry bundle, feeds the records to the chain and
/// checks that the entries are the records' hashes.
fn check_bundle(
    source: &TileSource,
    index: u64,
    width: u16,
    chain: &mut ChainVerifier,
    failures: &mut Vec<String>,
) -> anyhow::Result<Bundle> {
    let take = usize::from(width);
    let (path, bytes, fetched) = source.partial_or_full(Resource::Records { index, width })?;
    let records = tiles::parse_record_bundle(&path, &bytes, fetched)?;
    let records = &records[..take];
    chain.check_many(records);
    let entry_resource = Resource::Tile(TilePath::Entries { index, width });
    let (path, bytes, fetched) = source.partial_or_full(entry_resource)?;
    let entries = tiles::parse_entry_bundle(&path, &bytes, fetched)?;
    let entries = entries[..take].to_vec();
    for (position, (record, entry)) in records.iter().zip(&entries).enumerate() {
        if record.get(record.len().saturating_sub(32)..) != Some(entry.as_slice()) {
            let seq = index * TILE_WIDTH + position as u64 + 1;
            failures.push(crate::lang::say_with(
                "command-verify-tiles-entry-record-not-hash",
                &[("path", &path), ("seq", &seq)],
            ));
        }
    }
    Ok(Bundle {
        entries,
        records: records.iter().map(|record| record.to_vec()).collect(),
    })
}

/// Fetches a hash tile and compares it with the tree computed from the entries.
fn check_hash_tile(
    source: &TileSource,
    tree: &Tree,
    size: u64,
    tile: TilePath,
    failures: &mut Vec<String>,
) -> anyhow::Result<()> {
    let TilePath::Hashes {
        level,
        index,
        width,
    } = tile
    else {
        return Ok(());
    };
    let (path, bytes, fetched) = source.partial_or_full(Resource::Tile(tile))?;
    let hashes = tiles::parse_hash_tile(&path, &bytes, fetched)?;
    if hashes[..usize::from(width)] != *tree.tile(level, index, size)? {
        failures.push(crate::lang::say_with(
            "command-verify-tiles-hashes-are-not-those-records",
            &[("path", &path)],
        ));
    }
    Ok(())
}
