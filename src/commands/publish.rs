//! `rekap publish --store DIR --out WEBROOT`: the log as a C2SP tlog-tiles tree of static
//! files (docs/FORMAT.md "Tile tree", docs/OPERATOR.md "Publishing the log"), for any web
//! server, object store or CDN.
//!
//! A reading command: it never takes the store's lock nor changes the store, and publishes
//! the latest checkpoint the log has signed. A second run writes only what changed since
//! the checkpoint already in WEBROOT. Every file is written beside its place and renamed
//! into it, and the checkpoint is renamed in last, after every tile is on disk: a reader
//! never sees a checkpoint whose tiles are missing.

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;
use rekap_ledger::checkpoints::SignedCheckpoint;
use rekap_ledger::tiles::{self, Resource, CHECKPOINT_PATH, RECORDS_PREFIX};
use rekap_tlog::Tree;

use crate::exit::Outcome;
use crate::output::print;
use crate::progress::{Counter, Unit};
use crate::store::{self, StoreArg};
use crate::transparency;

#[derive(Args)]
pub struct PublishArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// The tile root to write (created if missing); a second run updates it.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// What a publish wrote.
pub struct Published {
    pub old_size: u64,
    pub size: u64,
    pub files: u64,
    pub bytes: u64,
    pub partials_removed: u64,
}

pub fn run(args: PublishArgs) -> anyhow::Result<Outcome> {
    let published = publish(&args.store.store, &args.out).map_err(|error| {
        if crate::exit::is_locked(&error) {
            // Exit 4 still (the cause is kept): the server publishes the same tree itself.
            error.context(crate::lang::say("command-publish-locked-by-server"))
        } else {
            error
        }
    })?;
    let mut text = if published.old_size == published.size {
        format!(
            "{}\n",
            crate::lang::say_with(
                "command-publish-up-date-at-size",
                &[("path", &args.out.display()), ("size", &published.size)]
            )
        )
    } else {
        format!(
            "{}\n",
            crate::lang::say_with(
                "command-publish-published-size-was-files-bytes",
                &[
                    ("size", &published.size),
                    ("old-size", &published.old_size),
                    ("path", &args.out.display()),
                    ("files", &crate::lang::count(published.files)),
                    ("bytes", &crate::lang::count(published.bytes)),
                    (
                        "partials-removed",
                        &crate::lang::count(published.partials_removed)
                    )
                ]
            )
        )
    };
    let count = store::open(&args.store.store)?.head().count;
    if count > published.size {
        text += &format!(
            "{}\n",
            crate::lang::say_with(
                "command-publish-note-log-has-records-rekap",
                &[("count", &crate::lang::count(count))]
            )
        );
    }
    print(&text)?;
    Ok(Outcome::Success)
}

/// Publishes the store's latest signed checkpoint and its tiles to `out`.
pub fn publish(store_path: &Path, out: &Path) -> anyhow::Result<Published> {
    let ledger = store::open(store_path)?;
    let Some(latest) = transparency::latest(store_path)? else {
        bail!(crate::lang::say(
            "command-publish-log-has-signed-no-checkpoint"
        ));
    };
    let size = latest.checkpoint.size;
    let tree = ledger.log().tree()?;
    if tree.size() < size || tree.root(size)? != latest.checkpoint.root {
        bail!(crate::lang::say_with(
            "command-publish-store-s-tree-at-size",
            &[("size", &size)]
        ));
    }
    fs::create_dir_all(out).with_context(|| {
        crate::lang::say_with("command-cannot-create", &[("path", &out.display())])
    })?;
    let old_size = published_size(out, &latest, &tree)?;
    let mut published = Published {
        old_size,
        size,
        files: 0,
        bytes: 0,
        partials_removed: 0,
    };
    if old_size == size {
        return Ok(published);
    }
    let mut written = Vec::new();
    let counter = Counter::start(
        crate::lang::current().message("progress-publishing"),
        tiles::changed(old_size, size).len() as u64,
        Unit::Items,
    );
    tiles::for_each_changed::<_, anyhow::Error>(
        ledger.log(),
        &tree,
        &latest,
        old_size,
        |resource, bytes| {
            if *resource == Resource::Checkpoint {
                // Every tile must be on disk before the checkpoint that names them.
                sync_all(&written)?;
            }
            let path = out.join(resource.to_path());
            write_atomically(&path, bytes)?;
            written.push(path);
            published.files += 1;
            published.bytes += bytes.len() as u64;
            counter.advance(1);
            Ok(())
        },
    )?;
    published.partials_removed = remove_stale_partials(out, old_size, size)?;
    Ok(published)
}

/// The size of the checkpoint already in `out` (0 if none), refusing a tree of another log
/// or one the store's log does not extend.
fn published_size(out: &Path, latest: &SignedCheckpoint, tree: &Tree) -> anyhow::Result<u64> {
    let path = out.join(CHECKPOINT_PATH);
    let note = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(error) => {
            return Err(error).with_context(|| {
                crate::lang::say_with("command-cannot-read", &[("path", &path.display())])
            })
        }
    };
    let published = String::from_utf8(note)
        .map_err(anyhow::Error::from)
        .and_then(|note| Ok(SignedCheckpoint::parse(note)?))
        .with_context(|| {
            crate::lang::say_with(
                "command-not-a-signed-checkpoint",
                &[("path", &path.display())],
            )
        })?
        .checkpoint;
    if published.origin != latest.checkpoint.origin {
        bail!(crate::lang::say_with(
            "command-publish-holds-tile-tree-another-log",
            &[
                ("path", &out.display()),
                ("origin", &format!("{:?}", published.origin)),
                ("origin2", &format!("{:?}", latest.checkpoint.origin))
            ]
        ));
    }
    let size = published.size;
    if size > latest.checkpoint.size || tree.root(size)? != published.root {
        bail!(crate::lang::say_with(
            "command-publish-holds-checkpoint-size-that-store",
            &[("path", &out.display()), ("size", &size)]
        ));
    }
    Ok(size)
}

/// Writes `bytes` to a temporary file beside `path`, then renames it into place.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let directory = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(directory).with_context(|| {
        crate::lang::say_with("command-cannot-create", &[("path", &directory.display())])
    })?;
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(".tmp");
    let temporary = directory.join(name);
    let mut file = File::create(&temporary).with_context(|| {
        crate::lang::say_with("command-cannot-create", &[("path", &temporary.display())])
    })?;
    file.write_all(bytes).with_context(|| {
        crate::lang::say_with("command-cannot-write", &[("path", &temporary.display())])
    })?;
    drop(file);
    fs::rename(&temporary, path).with_context(|| {
        crate::lang::say_with("command-cannot-write", &[("path", &path.display())])
    })
}

/// Makes `paths` and their directories durable.
fn sync_all(paths: &[PathBuf]) -> anyhow::Result<()> {
    let mut directories = BTreeSet::new();
    for path in paths {
        sync(path)?;
        if let Some(parent) = path.parent() {
            directories.insert(parent.to_owned());
        }
    }
    directories.iter().try_for_each(|directory| sync(directory))
}

fn sync(path: &Path) -> anyhow::Result<()> {
    File::open(path)
        .and_then(|file| file.sync_all())
        .with_context(|| crate::lang::say_with("command-cannot-sync", &[("path", &path.display())]))
}

/// The partial tiles and bundles of the trees of sizes `old` and `new`: the only ones kept
/// (a reader of the previous checkpoint still finds its edge).
fn partial_paths(old: u64, new: u64) -> BTreeSet<String> {
    [old, new]
        .iter()
        .flat_map(|size| tiles::changed(0, *size))
        .filter(Resource::is_partial)
        .map(|resource| resource.to_path())
        .collect()
}

/// Removes every partial tile (`<N>.p/<W>`) under `out` but those of sizes `old` and `new`,
/// and the `.p` directories it empties. Returns how many files went.
fn remove_stale_partials(out: &Path, old: u64, new: u64) -> anyhow::Result<u64> {
    let keep = partial_paths(old, new);
    let mut removed = 0;
    let mut directories = Vec::new();
    for top in ["tile", RECORDS_PREFIX.trim_end_matches('/')] {
        collect_partial_directories(out, &out.join(top), &mut directories)?;
    }
    for (relative, directory) in directories {
        for entry in read_directory(&directory)? {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".tmp") || keep.contains(&format!("{relative}/{name}")) {
                continue;
            }
            let path = entry.path();
            fs::remove_file(&path).with_context(|| {
                crate::lang::say_with("command-cannot-remove", &[("path", &path.display())])
            })?;
            removed += 1;
        }
        // Only an empty directory goes; one with a kept partial stays.
        let _ = fs::remove_dir(&directory);
    }
    Ok(removed)
}

/// Every `*.p` directory under `directory`, with its path relative to `root`.
fn collect_partial_directories(
    root: &Path,
    directory: &Path,
    found: &mut Vec<(String, PathBuf)>,
) -> anyhow::Result<()> {
    if !directory.is_dir() {
        return Ok(());
    }
    for entry in read_directory(directory)? {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        if path.extension().is_some_and(|extension| extension == "p") {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            found.push((relative.to_string_lossy().into_owned(), path));
        } else {
            collect_partial_directories(root, &path, found)?;
        }
    }
    Ok(())
}

fn read_directory(directory: &Path) -> anyhow::Result<Vec<fs::DirEntry>> {
    let entries = fs::read_dir(directory)
        .and_then(|entries| entries.collect::<Result<Vec<_>, _>>())
        .with_context(|| {
            crate::lang::say_with("command-cannot-read", &[("path", &directory.display())])
        })?;
    Ok(entries)
}
