//! The tree's node store on disk: one append-only file per tile level, so that saving after an
//! append writes only the new hashes, and opening reads no entry.
//!
//! `level-<L>` (L in decimal, from 0) is a 16-byte header, the 8 bytes `REKAPTLG`, a
//! big-endian u32 format version (1) and a big-endian u32 level, followed by that level's
//! hashes, 32 bytes each, in order: level 0 the leaf hashes, level L + 1 the root of every full
//! tile of level L. The files are derived state: a torn trailing hash is dropped, a missing
//! upper level is recomputed, and anything else wrong is an error after which the caller
//! rebuilds the tree from the entries ([`crate::Tree::from_entries`]) and saves it anew.

use crate::hash::{perfect_root, Hash, HASH_LEN};
use crate::tree::{Tree, TILE_WIDTH};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"REKAPTLG";
const VERSION: u32 = 1;
const HEADER_LEN: u64 = 16;
/// More levels than any tree of 2^64 entries has (8 tree levels per tile level).
const MAX_LEVELS: usize = 9;

/// Why the node files cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a rekap-tlog level file of level {level}, format version {VERSION}")]
    BadHeader { path: PathBuf, level: usize },
    #[error("{path}: level {level} holds more hashes than level {below} has full tiles")]
    LevelTooLong {
        path: PathBuf,
        level: usize,
        below: usize,
    },
}

/// The node files of one tree, and how many hashes of each level are already on disk.
#[derive(Debug)]
pub struct TreeFiles {
    directory: PathBuf,
    saved: Vec<u64>,
}

fn level_path(directory: &Path, level: usize) -> PathBuf {
    directory.join(format!("level-{level}"))
}

fn header(level: usize) -> [u8; HEADER_LEN as usize] {
    let mut header = [0u8; HEADER_LEN as usize];
    header[..8].copy_from_slice(MAGIC);
    header[8..12].copy_from_slice(&VERSION.to_be_bytes());
    header[12..].copy_from_slice(&(level as u32).to_be_bytes());
    header
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> FilesError + '_ {
    move |source| FilesError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Reads one level file: `None` if it does not exist.
fn read_level(path: &Path, level: usize) -> Result<Option<Vec<Hash>>, FilesError> {
    let mut bytes = Vec::new();
    match File::open(path) {
        Ok(mut file) => file.read_to_end(&mut bytes).map_err(io_error(path))?,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(io_error(path)(error)),
    };
    if bytes.len() < HEADER_LEN as usize || bytes[..HEADER_LEN as usize] != header(level) {
        return Err(FilesError::BadHeader {
            path: path.to_path_buf(),
            level,
        });
    }
    // A torn trailing hash (a crash mid-write) is dropped; the next save rewrites it.
    let hashes = bytes[HEADER_LEN as usize..]
        .chunks_exact(HASH_LEN)
        .map(|chunk| chunk.try_into().unwrap_or([0; HASH_LEN]))
        .collect();
    Ok(Some(hashes))
}

impl TreeFiles {
    /// Opens the node files in `directory` (created if missing) and the tree they hold.
    /// Checks the structure (headers, level lengths), not every hash: [`Tree::check`] does.
    pub fn open(directory: &Path) -> Result<(TreeFiles, Tree), FilesError> {
        std::fs::create_dir_all(directory).map_err(io_error(directory))?;
        let mut levels: Vec<Vec<Hash>> = Vec::new();
        for level in 0..MAX_LEVELS {
            let path = level_path(directory, level);
            let Some(hashes) = read_level(&path, level)? else {
                break;
            };
            if let Some(below) = levels.last() {
                if hashes.len() > below.len() / TILE_WIDTH as usize {
                    return Err(FilesError::LevelTooLong {
                        path,
                        level,
                        below: level - 1,
                    });
                }
            }
            levels.push(hashes);
        }
        let saved = levels.iter().map(|level| level.len() as u64).collect();
        let tree = complete_upper_levels(levels);
        Ok((
            TreeFiles {
                directory: directory.to_path_buf(),
                saved,
            },
            tree,
        ))
    }

    /// Writes the hashes of `tree` not yet on disk; a level shorter than on disk (the tree was
    /// truncated) is cut back first. With `sync`, each written file is fsynced.
    pub fn save(&mut self, tree: &Tree, sync: bool) -> Result<(), FilesError> {
        for (level, hashes) in tree.levels.iter().enumerate() {
            if self.saved.len() == level {
                self.saved.push(0);
            }
            let path = level_path(&self.directory, level);
            let saved = self.saved[level].min(hashes.len() as u64);
            if saved == hashes.len() as u64 && saved == self.saved[level] {
                continue;
            }
            let mut file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .read(true)
                .write(true)
                .open(&path)
                .map_err(io_error(&path))?;
            let keep = HEADER_LEN + saved * HASH_LEN as u64;
            file.set_len(keep).map_err(io_error(&path))?;
            file.seek(SeekFrom::Start(0)).map_err(io_error(&path))?;
            file.write_all(&header(level)).map_err(io_error(&path))?;
            file.seek(SeekFrom::Start(keep)).map_err(io_error(&path))?;
            let new: Vec<u8> = hashes[saved as usize..].concat();
            file.write_all(&new).map_err(io_error(&path))?;
            if sync {
                file.sync_data().map_err(io_error(&path))?;
            }
            self.saved[level] = hashes.len() as u64;
        }
        for level in tree.levels.len()..self.saved.len() {
            let path = level_path(&self.directory, level);
            match std::fs::remove_file(&path) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                    return Err(io_error(&path)(error))
                }
                _ => {}
            }
        }
        self.saved.truncate(tree.levels.len());
        Ok(())
    }
}

/// Recomputes the roots of full tiles that an interrupted save left out of the level above
/// (levels are written bottom up, so a crash leaves upper levels short, never long).
fn complete_upper_levels(mut levels: Vec<Vec<Hash>>) -> Tree {
    let mut level = 0;
    while level < levels.len() {
        let full_tiles = levels[level].len() / TILE_WIDTH as usize;
        if full_tiles == 0 {
            break;
        }
        if levels.len() == level + 1 {
            levels.push(Vec::new());
        }
        for index in levels[level + 1].len()..full_tiles {
            let start = index * TILE_WIDTH as usize;
            let root = perfect_root(&levels[level][start..start + TILE_WIDTH as usize]);
            levels[level + 1].push(root);
        }
        level += 1;
    }
    while levels.last().is_some_and(Vec::is_empty) {
        levels.pop();
    }
    Tree { levels }
}
