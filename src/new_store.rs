//! Creating a store all at once, for `rekap init`.
//!
//! The new store is built in a hidden directory beside the target (`.NAME.init-PID-N`, in
//! the same parent, so on the same file system), completed there (marker, segment file,
//! the genesis appended and fsynced), then renamed into place and the parent directory
//! fsynced. A refusal at any step removes the hidden directory and any parent directory
//! this created, so nothing is left behind; a crash (`kill -9`, power cut) before the
//! rename leaves the target as it was, after it a complete store. A crash can leave the
//! hidden directory: it is never read as a store, and the next init names it.
//!
//! The hidden directory's `LOCK` is held from its creation until after the parent's fsync:
//! the lock is on the file, which the rename moves with the directory, so no other process
//! can open the new store before its name is durable.

use std::fs::{self, File};
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rekap_ledger::Ledger;
use rekap_log::{DefaultStorage, Head, StorageError};

/// The name of a hidden build directory of `name` starts with this.
fn build_prefix(name: &str) -> String {
    format!(".{name}.init-")
}

/// Where a new store goes: its parent (existing, canonical), its name, and the existing
/// empty directory it replaces, if any.
struct Place {
    parent: PathBuf,
    name: String,
    /// Directories this created to hold the parent, outermost first.
    created: Vec<PathBuf>,
    replaces_empty_directory: bool,
}

/// Creates a store at `target` holding what `fill` writes to it (the genesis), all at once:
/// the target is a complete store afterwards or as it was before. `target` must not exist
/// or be an empty directory. Returns the new store's head.
pub fn create_atomically(
    target: &Path,
    fill: impl FnOnce(DefaultStorage) -> anyhow::Result<Ledger<DefaultStorage>>,
) -> anyhow::Result<Head> {
    let place = Place::of(target)?;
    warn_of_leftovers(&place);
    let building = place.parent.join(format!(
        "{}{}-{}",
        build_prefix(&place.name),
        std::process::id(),
        crate::store::now_ms()
    ));
    if let Err(error) = fs::create_dir(&building) {
        place.remove_created();
        return Err(error).with_context(|| {
            crate::lang::say_with("command-cannot-create", &[("path", &building.display())])
        });
    }
    let result = build_and_move(&place, &building, target, fill);
    if let Err(BuildError::BeforeRename(_)) = &result {
        // Only what this created: the build directory (named for this process) and the
        // parents it made.
        let _ = fs::remove_dir_all(&building);
        place.remove_created();
    }
    result.map_err(BuildError::into_inner)
}

enum BuildError {
    /// Nothing is at the target yet: undo.
    BeforeRename(anyhow::Error),
    /// The store is in place; only making its name durable failed: keep it.
    AfterRename(anyhow::Error),
}

impl BuildError {
    fn into_inner(self) -> anyhow::Error {
        match self {
            BuildError::BeforeRename(error) | BuildError::AfterRename(error) => error,
        }
    }
}

impl From<anyhow::Error> for BuildError {
    fn from(error: anyhow::Error) -> Self {
        BuildError::BeforeRename(error)
    }
}

fn build_and_move(
    place: &Place,
    building: &Path,
    target: &Path,
    fill: impl FnOnce(DefaultStorage) -> anyhow::Result<Ledger<DefaultStorage>>,
) -> Result<Head, BuildError> {
    let storage = DefaultStorage::create(building).map_err(anyhow::Error::from)?;
    let ledger = fill(storage)?;
    let destination = place.parent.join(&place.name);
    if place.replaces_empty_directory {
        // Keep the mode the operator gave the directory.
        let mode = fs::metadata(&destination)
            .with_context(|| {
                crate::lang::say_with("command-cannot-read", &[("path", &destination.display())])
            })?
            .permissions()
            .mode();
        fs::set_permissions(building, fs::Permissions::from_mode(mode)).with_context(|| {
            crate::lang::say_with(
                "command-new-store-cannot-set-mode",
                &[("path", &building.display())],
            )
        })?;
    }
    fs::rename(building, &destination).map_err(|error| rename_error(target, error))?;
    let head = ledger.head();
    let durable = sync_directory(&place.parent).and_then(|()| {
        place.created.iter().try_for_each(|directory| {
            let parent = directory
                .parent()
                .filter(|path| !path.as_os_str().is_empty());
            sync_directory(parent.unwrap_or(Path::new(".")))
        })
    });
    // The lock is released only now, with the store's name on disk.
    drop(ledger);
    durable
        .with_context(|| {
            crate::lang::say_with(
                "command-new-store-store-complete-but-directory-could",
                &[("path", &target.display())],
            )
        })
        .map_err(BuildError::AfterRename)?;
    Ok(head)
}

impl Place {
    /// Removes the parent directories this created, innermost first, each only if empty.
    fn remove_created(&self) {
        for directory in self.created.iter().rev() {
            let _ = fs::remove_dir(directory);
        }
    }

    fn of(target: &Path) -> anyhow::Result<Place> {
        match fs::symlink_metadata(target) {
            Ok(_) => Self::existing(target),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Self::new(target),
            Err(error) => Err(error).with_context(|| {
                crate::lang::say_with("command-cannot-read", &[("path", &target.display())])
            }),
        }
    }

    /// An existing target: only an empty directory, and not the current directory (it is
    /// replaced by the new one, which would leave the shell in a deleted directory).
    fn existing(target: &Path) -> anyhow::Result<Place> {
        let real = fs::canonicalize(target).with_context(|| {
            crate::lang::say_with("command-cannot-read", &[("path", &target.display())])
        })?;
        let empty_directory = real.is_dir()
            && fs::read_dir(&real)
                .with_context(|| {
                    crate::lang::say_with("command-cannot-read", &[("path", &target.display())])
                })?
                .next()
                .is_none();
        if !empty_directory {
            return Err(occupied(target).into());
        }
        let current = std::env::current_dir().and_then(fs::canonicalize).ok();
        let (Some(parent), Some(name)) = (real.parent(), file_name(&real)) else {
            return Err(occupied(target).into());
        };
        if current.as_deref() == Some(real.as_path()) {
            return Err(StorageError::Io {
                path: target.display().to_string(),
                reason: crate::lang::say("command-new-store-is-current-directory"),
            }
            .into());
        }
        Ok(Place {
            parent: parent.to_owned(),
            name,
            created: Vec::new(),
            replaces_empty_directory: true,
        })
    }

    /// A target that does not exist: its parent is made if missing (and unmade on failure).
    fn new(target: &Path) -> anyhow::Result<Place> {
        let Some(name) = file_name(target) else {
            return Err(occupied(target).into());
        };
        let parent = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
            _ => PathBuf::from("."),
        };
        let created = create_parents(&parent)?;
        let parent = fs::canonicalize(&parent).with_context(|| {
            crate::lang::say_with("command-cannot-read", &[("path", &parent.display())])
        })?;
        Ok(Place {
            parent,
            name,
            created,
            replaces_empty_directory: false,
        })
    }
}

/// Creates `directory` and any missing ancestors; returns the ones created, outermost first.
fn create_parents(directory: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut missing = Vec::new();
    let mut next = Some(directory);
    while let Some(path) = next.filter(|path| !path.as_os_str().is_empty() && !path.exists()) {
        missing.push(path.to_owned());
        next = path.parent();
    }
    missing.reverse();
    for (index, path) in missing.iter().enumerate() {
        if let Err(error) = fs::create_dir(path) {
            for made in missing[..index].iter().rev() {
                let _ = fs::remove_dir(made);
            }
            return Err(error).with_context(|| {
                crate::lang::say_with("command-cannot-create", &[("path", &path.display())])
            });
        }
    }
    Ok(missing)
}

fn file_name(path: &Path) -> Option<String> {
    path.file_name()?.to_str().map(str::to_owned)
}

fn occupied(target: &Path) -> StorageError {
    StorageError::Io {
        path: target.display().to_string(),
        reason: crate::lang::say("command-new-store-occupied"),
    }
}

fn rename_error(target: &Path, error: io::Error) -> anyhow::Error {
    let reason = match error.kind() {
        // Another process put something there since the check.
        io::ErrorKind::DirectoryNotEmpty | io::ErrorKind::AlreadyExists => {
            return occupied(target).into()
        }
        // A mount point cannot be replaced by a directory of its parent's file system.
        io::ErrorKind::CrossesDevices | io::ErrorKind::ResourceBusy => {
            "command-new-store-mount-point"
        }
        _ => "command-new-store-not-put-in-place",
    };
    anyhow::Error::new(error).context(crate::lang::say_with(
        "command-new-store-store-reason",
        &[
            ("path", &target.display()),
            ("reason", &crate::lang::say(reason)),
        ],
    ))
}

fn sync_directory(path: &Path) -> anyhow::Result<()> {
    File::open(path)
        .and_then(|directory| directory.sync_all())
        .with_context(|| {
            crate::lang::say_with(
                "command-new-store-cannot-flush-disk",
                &[("path", &path.display())],
            )
        })
}

/// Tells the operator about build directories of `place` that interrupted inits left:
/// those whose lock no process holds.
fn warn_of_leftovers(place: &Place) {
    let prefix = build_prefix(&place.name);
    let Ok(entries) = fs::read_dir(&place.parent) else {
        return;
    };
    for entry in entries.flatten() {
        let is_build = entry
            .file_name()
            .to_str()
            .is_some_and(|name| name.starts_with(&prefix));
        let path = entry.path();
        if is_build && !held_by_a_process(&path) {
            eprintln!(
                "{}",
                crate::lang::say_with(
                    "command-new-store-note-was-left-by-init",
                    &[("path", &path.display())]
                )
            );
        }
    }
}

fn held_by_a_process(building: &Path) -> bool {
    File::open(building.join("LOCK"))
        .is_ok_and(|lock| matches!(lock.try_lock(), Err(fs::TryLockError::WouldBlock)))
}
