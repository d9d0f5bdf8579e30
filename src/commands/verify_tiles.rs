//! `rekap verify --tiles URL_OR_DIR`: fetches a published tile tree (docs/FORMAT.md "Tile
//! tree") from a directory, a `file://` URL or an http(s) tile root, and verifies it as
//! `verify --log` verifies an export (records, chain, hashes, signatures, counters), and
//! more: the checkpoint's signature (with `--log-key`), its origin against the genesis, every
//! entry bundle against its records, every hash tile and the root against the checkpoint.
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
use rekap_model::{decode_payload, Payload};
use rekap_tlog::checkpoint::Checkpoint;
use rekap_tlog::note::Verifier;
use rekap_tlog::tile_path::{changed_tiles, TilePath};
use rekap_tlog::{Tree, TILE_WIDTH};

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
                Err(error) => Err(error).with_context(|| format!("cannot read {path}")),
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
        self.fetch(path)?
            .ok_or_else(|| anyhow!("the tile tree has no {path}"))
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
        bail!("the tile tree has no {path}")
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
    let note_text = String::from_utf8_lossy(&note).into_owned();
    let checkpoint = match log_key {
        Some(key) => Checkpoint::open(&note, key.name(), key).map_err(anyhow::Error::from),
        None => String::from_utf8(note)
            .map_err(|_| anyhow!("not UTF-8"))
            .and_then(|note| Ok(SignedCheckpoint::parse(note)?.checkpoint)),
    }
    .map_err(|error| anyhow!("the tile tree's checkpoint is refused: {error}"))?;
    let size = checkpoint.size;
    if size == 0 {
        bail!("the tile tree's checkpoint is of the empty log: it holds no genesis");
    }
    let mut chain = ChainVerifier::from_genesis(options);
    let mut tree = Tree::new();
    let mut tree_failures = Vec::new();
    for index in 0..size.div_ceil(TILE_WIDTH) {
        let width = (size - index * TILE_WIDTH).min(TILE_WIDTH) as u16;
        let bundle = check_bundle(source, index, width, &mut chain, &mut tree_failures)?;
        if index == 0 {
            check_origin(&bundle, &checkpoint.origin, &mut tree_failures);
        }
        tree.append(&bundle.entries);
    }
    if tree.root(size)? != checkpoint.root {
        tree_failures.push("the tree of the records is not the checkpoint's root".to_owned());
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
        note: note_text,
        signature_checked: log_key.is_some(),
    })
}

/// A bundle's entries, and record 1 when it holds it.
struct Bundle {
    entries: Vec<[u8; 32]>,
    first_record: Option<Vec<u8>>,
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
            failures.push(format!("{path}: entry of record {seq} is not its hash"));
        }
    }
    Ok(Bundle {
        entries,
        first_record: (index == 0).then(|| records[0].to_vec()),
    })
}

/// The checkpoint's origin must be the one the genesis fixes: `rekap/<definition hash>`.
fn check_origin(bundle: &Bundle, origin: &str, failures: &mut Vec<String>) {
    let genesis = bundle
        .first_record
        .as_deref()
        .and_then(|bytes| rekap_log::Record::decode(bytes).ok())
        .and_then(|record| decode_payload(&record.payload).ok());
    match genesis {
        Some(Payload::Genesis(definition)) => {
            let expected = checkpoints::origin(&definition.hash());
            if origin != expected {
                failures.push(format!(
                    "the checkpoint's origin {origin:?} is not the genesis's {expected:?}"
                ));
            }
        }
        _ => failures.push("record 1 is not a genesis (the election definition)".to_owned()),
    }
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
        failures.push(format!(
            "{path}: the hashes are not those of the records' tree"
        ));
    }
    Ok(())
}
