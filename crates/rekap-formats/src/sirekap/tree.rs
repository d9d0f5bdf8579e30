//! Finding and reading the TPS documents under the paths given: a file is one document (its
//! name the TPS code), a directory is read as the portal lays it out,
//! `<prov>/<kab>/<kec>/<desa>/<tps13>.json`, in code order.
//!
//! A national tree is about 820,000 small files, and opening and reading them is most of an
//! import: [`read_tree`] splits the tree into folders two levels below each root (a national
//! root's regencies) and walks and reads those on every core at once, each folder's sheets
//! kept in the folder's place, so the result is in code order as a walk would give it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::document::{self, FieldNamesSeen};
use super::{ContestShape, DocumentCounts, MAX_DOCUMENT_BYTES};
use crate::problem::{FormatError, SourceProblem};
use crate::reason::SourceReason;
use crate::sourced::SourcedSheet;

/// A TPS document found under the paths given: the file and its 13-digit TPS code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFile {
    pub path: PathBuf,
    pub station: String,
}

/// The TPS documents under `paths`, in code order, one thread: a file is one document (its
/// name the TPS code); a directory is read as the portal lays it out. Other JSON files in a
/// directory (the portal's aggregates) are skipped and counted; a TPS file outside its
/// code's place, or a file named given whose name is no TPS code, is a problem.
pub fn find_documents(
    paths: &[PathBuf],
) -> Result<(Vec<DocumentFile>, u64, Vec<SourceProblem>), std::io::Error> {
    let mut found = Vec::new();
    let mut skipped = 0;
    let mut problems = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut folders = Vec::new();
            walk(path, &mut folders, &mut found, &mut skipped, &mut problems)?;
        } else {
            named_file(path, &mut found, &mut problems);
        }
    }
    Ok((found, skipped, problems))
}

/// A file named on the command line: a document if its name is a TPS code.
fn named_file(path: &Path, found: &mut Vec<DocumentFile>, problems: &mut Vec<SourceProblem>) {
    match tps_code(path) {
        Some(station) => found.push(DocumentFile {
            path: path.to_owned(),
            station,
        }),
        None => problems.push(SourceProblem::new(
            &path.display().to_string(),
            "",
            SourceReason::NotTpsFileName,
        )),
    }
}

fn tps_code(path: &Path) -> Option<String> {
    if path.extension()? != "json" {
        return None;
    }
    let stem = path.file_stem()?.to_str()?;
    (stem.len() == 13 && stem.bytes().all(|b| b.is_ascii_digit())).then(|| stem.to_owned())
}

/// The entries of `directory` in name order, each with whether it is a directory, told by
/// the type the directory listing gives (no `stat` per file; a symbolic link is followed).
fn entries(directory: &Path) -> Result<Vec<(std::ffi::OsString, bool)>, std::io::Error> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(directory)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let is_directory = if kind.is_symlink() {
            entry.path().is_dir()
        } else {
            kind.is_dir()
        };
        entries.push((entry.file_name(), is_directory));
    }
    entries.sort();
    Ok(entries)
}

/// Reads `directory`, whose folders below the root given are `folders`, in name order.
fn walk(
    directory: &Path,
    folders: &mut Vec<String>,
    found: &mut Vec<DocumentFile>,
    skipped: &mut u64,
    problems: &mut Vec<SourceProblem>,
) -> Result<(), std::io::Error> {
    for (name, is_directory) in entries(directory)? {
        let path = directory.join(&name);
        if is_directory {
            folders.push(name.to_string_lossy().into_owned());
            walk(&path, folders, found, skipped, problems)?;
            folders.pop();
            continue;
        }
        tree_file(path, folders, found, skipped, problems);
    }
    Ok(())
}

/// A file met in a directory: a document in its place, a misplaced one (a problem), or
/// another file (skipped).
fn tree_file(
    path: PathBuf,
    folders: &[String],
    found: &mut Vec<DocumentFile>,
    skipped: &mut u64,
    problems: &mut Vec<SourceProblem>,
) {
    let Some(station) = tps_code(&path) else {
        *skipped += 1;
        return;
    };
    match misplaced(folders, &station) {
        Some(reason) => problems.push(SourceProblem::new(&path.display().to_string(), "", reason)),
        None => found.push(DocumentFile { path, station }),
    }
}

/// Why a TPS file in `folders` (below the root given) is not where the portal puts it
/// (`<prov>/<kab>/<kec>/<desa>/`, the prefixes of 2, 4, 6 and 10 digits of its code), if
/// it is not.
fn misplaced(folders: &[String], station: &str) -> Option<SourceReason> {
    let expected: Vec<&str> = [2, 4, 6, 10]
        .iter()
        .filter_map(|length| station.get(..*length))
        .collect();
    // Folders below the root must be the code's own prefixes (a root may sit at any level).
    let tail = expected.get(expected.len().saturating_sub(folders.len())..)?;
    if folders.len() <= expected.len() && folders.iter().zip(tail).all(|(a, b)| a == b) {
        None
    } else {
        Some(SourceReason::MisplacedTps {
            station: station.to_owned(),
            folder: expected.join("/"),
        })
    }
}

/// What [`read_tree`] found.
#[derive(Debug, Default)]
pub struct TreeRead {
    /// The sheets in code order (a TPS not counted yet gives none).
    pub sheets: Vec<SourcedSheet>,
    pub counts: DocumentCounts,
    /// Other JSON files of the directories (the portal's aggregates), skipped.
    pub skipped: u64,
    /// Every problem: the files' places first, then the documents', in code order.
    pub problems: Vec<SourceProblem>,
}

/// Finds and reads the documents under `paths` as [`find_documents`] finds them, walking
/// and reading on up to `threads` threads; the result is as one thread would give it.
pub fn read_tree(
    paths: &[PathBuf],
    shape: &ContestShape<'_>,
    threads: usize,
) -> Result<TreeRead, FormatError> {
    let mut units = Vec::new();
    let mut split = TreeRead::default();
    for path in paths {
        if path.is_dir() {
            let mut folders = Vec::new();
            split_folder(path, &mut folders, &mut units, &mut split)
                .map_err(|error| io_error(path, error))?;
        } else {
            let mut found = Vec::new();
            named_file(path, &mut found, &mut split.problems);
            units.push(Unit::Files(found));
        }
    }
    let mut read = read_units(&units, shape, threads)?;
    split.problems.append(&mut read.problems);
    read.problems = split.problems;
    read.skipped += split.skipped;
    Ok(read)
}

/// Folders this many levels below a root given are read as one piece (a national root's
/// regencies: about 500 pieces, enough to keep every core busy to the end).
const SPLIT_DEPTH: usize = 2;

/// A piece of the work: a folder to walk and read, or documents found already.
enum Unit {
    Folder { path: PathBuf, folders: Vec<String> },
    Files(Vec<DocumentFile>),
}

/// Lists `directory` (at `folders` below its root) into units: its files as one unit, its
/// folders split further down to [`SPLIT_DEPTH`], in name order.
fn split_folder(
    directory: &Path,
    folders: &mut Vec<String>,
    units: &mut Vec<Unit>,
    split: &mut TreeRead,
) -> Result<(), std::io::Error> {
    let mut files = Vec::new();
    for (name, is_directory) in entries(directory)? {
        let path = directory.join(&name);
        if !is_directory {
            tree_file(
                path,
                folders,
                &mut files,
                &mut split.skipped,
                &mut split.problems,
            );
            continue;
        }
        if !files.is_empty() {
            units.push(Unit::Files(std::mem::take(&mut files)));
        }
        folders.push(name.to_string_lossy().into_owned());
        if folders.len() < SPLIT_DEPTH {
            split_folder(&path, folders, units, split)?;
        } else {
            units.push(Unit::Folder {
                path,
                folders: folders.clone(),
            });
        }
        folders.pop();
    }
    if !files.is_empty() {
        units.push(Unit::Files(files));
    }
    Ok(())
}

fn io_error(path: &Path, error: std::io::Error) -> FormatError {
    FormatError::Io {
        file: path.display().to_string(),
        error,
    }
}

/// Reads every unit on up to `threads` threads (each takes the next unit not yet taken) and
/// puts the results together in the units' order.
fn read_units(
    units: &[Unit],
    shape: &ContestShape<'_>,
    threads: usize,
) -> Result<TreeRead, FormatError> {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        let mut reader = Reader::new(shape);
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(unit) = units.get(index) else {
                return done;
            };
            done.push((index, reader.unit(unit)));
        }
    };
    let mut done: Vec<(usize, Result<TreeRead, FormatError>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.clamp(1, units.len().max(1)))
            .map(|_| scope.spawn(work))
            .collect();
        let mut done = Vec::new();
        for worker in workers {
            match worker.join() {
                Ok(part) => done.extend(part),
                Err(_) => done.push((
                    0,
                    Err(FormatError::Io {
                        file: String::new(),
                        error: std::io::Error::other("a reading thread panicked"),
                    }),
                )),
            }
        }
        done
    });
    done.sort_by_key(|(index, _)| *index);
    let total = done
        .iter()
        .map(|(_, read)| read.as_ref().map_or(0, |read| read.sheets.len()))
        .sum();
    let mut all = TreeRead {
        sheets: Vec::with_capacity(total),
        ..TreeRead::default()
    };
    for (_, read) in done {
        let mut read = read?;
        all.sheets.append(&mut read.sheets);
        all.counts.documents += read.counts.documents;
        all.counts.not_counted += read.counts.not_counted;
        all.counts.without_administration += read.counts.without_administration;
        all.counts.invalid_unknown += read.counts.invalid_unknown;
        all.skipped += read.skipped;
        all.problems.append(&mut read.problems);
    }
    Ok(all)
}

/// One thread's reading: its buffer and the field names of the sheets it has read.
struct Reader<'s> {
    shape: &'s ContestShape<'s>,
    bytes: Vec<u8>,
    names: FieldNamesSeen,
}

impl<'s> Reader<'s> {
    fn new(shape: &'s ContestShape<'s>) -> Reader<'s> {
        Reader {
            shape,
            bytes: Vec::new(),
            names: FieldNamesSeen::default(),
        }
    }

    /// One unit walked (if a folder) and read: the folder's problems of place first.
    fn unit(&mut self, unit: &Unit) -> Result<TreeRead, FormatError> {
        let mut read = TreeRead::default();
        let walked;
        let files = match unit {
            Unit::Files(files) => files,
            Unit::Folder { path, folders } => {
                let mut found = Vec::new();
                walk(
                    path,
                    &mut folders.clone(),
                    &mut found,
                    &mut read.skipped,
                    &mut read.problems,
                )
                .map_err(|error| io_error(path, error))?;
                walked = found;
                &walked
            }
        };
        read.sheets.reserve(files.len());
        let mut folder = OpenFolder::default();
        for file in files {
            folder.read(&file.path, &mut self.bytes)?;
            self.document(file, &mut read);
        }
        Ok(read)
    }

    /// The document just read into `bytes`: its sheet or its problems into `read`.
    fn document(&mut self, file: &DocumentFile, read: &mut TreeRead) {
        let shown = file.path.display().to_string();
        if self.bytes.len() as u64 > MAX_DOCUMENT_BYTES {
            read.problems.push(SourceProblem::new(
                &shown,
                "",
                SourceReason::DocumentTooLarge {
                    limit: MAX_DOCUMENT_BYTES,
                },
            ));
            return;
        }
        let parsed = document::read(
            &shown,
            &self.bytes,
            &file.station,
            self.shape,
            &mut read.counts,
            &mut self.names,
        );
        match parsed {
            Ok(Some(sheet)) => read.sheets.push(sheet),
            Ok(None) => {}
            Err(found) => read.problems.extend(found),
        }
    }
}

/// The folder of the last file read, kept open: the next file of the same folder is opened
/// by its name in it (`openat`), not by its whole path walked again from the root.
#[derive(Default)]
struct OpenFolder {
    open: Option<(PathBuf, std::os::fd::OwnedFd)>,
}

impl OpenFolder {
    /// The bytes of `path` into `bytes`, at most one over [`MAX_DOCUMENT_BYTES`].
    fn read(&mut self, path: &Path, bytes: &mut Vec<u8>) -> Result<(), FormatError> {
        use std::io::Read;
        bytes.clear();
        let file = self
            .open_file(path)
            .map_err(|error| io_error(path, error))?;
        file.take(MAX_DOCUMENT_BYTES + 1)
            .read_to_end(bytes)
            .map_err(|error| io_error(path, error))?;
        Ok(())
    }

    fn open_file(&mut self, path: &Path) -> Result<std::fs::File, std::io::Error> {
        use rustix::fs::{openat, Mode, OFlags};
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return std::fs::File::open(path);
        };
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        if self.open.as_ref().is_none_or(|(open, _)| open != parent) {
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            let folder = openat(rustix::fs::CWD, parent, flags, Mode::empty())?;
            self.open = Some((parent.to_owned(), folder));
        }
        let Some((_, folder)) = &self.open else {
            return std::fs::File::open(path);
        };
        let flags = OFlags::RDONLY | OFlags::CLOEXEC;
        // Reading a document need not mark it read (a fresh download would otherwise have
        // every inode written back); the flag is refused for a file of another owner.
        let opened = match openat(folder, name, flags | NO_ACCESS_TIME, Mode::empty()) {
            Err(rustix::io::Errno::PERM) => openat(folder, name, flags, Mode::empty()),
            other => other,
        }?;
        Ok(std::fs::File::from(opened))
    }
}

#[cfg(target_os = "linux")]
const NO_ACCESS_TIME: rustix::fs::OFlags = rustix::fs::OFlags::NOATIME;
#[cfg(not(target_os = "linux"))]
const NO_ACCESS_TIME: rustix::fs::OFlags = rustix::fs::OFlags::empty();
