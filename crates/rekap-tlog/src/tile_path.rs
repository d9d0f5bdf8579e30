//! C2SP tlog-tiles resource paths: `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`,
//! and which tiles a tree of a size has.

use crate::tree::TILE_WIDTH;

/// The highest tile level the spec allows.
pub const MAX_LEVEL: u8 = 63;

/// A tile or entry bundle. `width` is 1 to 256; 256 is a full tile (no `.p/` suffix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TilePath {
    /// A Merkle tree tile at a level.
    Hashes {
        /// Tile level, 0 to 63.
        level: u8,
        /// Index within the level.
        index: u64,
        /// Hashes in the tile.
        width: u16,
    },
    /// An entry bundle: the entries under level-0 tile `index`.
    Entries {
        /// Index of the level-0 tile.
        index: u64,
        /// Entries in the bundle.
        width: u16,
    },
}

/// A path that is not a canonical tile path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path:?} is not a tile path: {reason}")]
pub struct TilePathError {
    /// The path.
    pub path: String,
    /// What is wrong.
    pub reason: &'static str,
}

/// `N` as zero-padded 3-digit elements, all but the last prefixed `x`: 1234067 is
/// `x001/x234/067`.
fn format_index(index: u64) -> String {
    let mut groups = Vec::new();
    let mut rest = index;
    loop {
        groups.push(rest % 1000);
        rest /= 1000;
        if rest == 0 {
            break;
        }
    }
    let last = groups.len() - 1;
    let elements: Vec<String> = (0..=last)
        .rev()
        .map(|i| {
            let prefix = if i == 0 { "" } else { "x" };
            format!("{prefix}{:03}", groups[i])
        })
        .collect();
    elements.join("/")
}

impl TilePath {
    /// The path under the log's prefix.
    pub fn to_path(&self) -> String {
        let (head, index, width) = match *self {
            TilePath::Hashes {
                level,
                index,
                width,
            } => (level.to_string(), index, width),
            TilePath::Entries { index, width } => ("entries".to_string(), index, width),
        };
        let mut path = format!("tile/{head}/{}", format_index(index));
        if u64::from(width) < TILE_WIDTH {
            path.push_str(&format!(".p/{width}"));
        }
        path
    }

    /// Parses a path, refusing every non-canonical spelling (leading zeros, `x000`, `.p/256`).
    pub fn parse(path: &str) -> Result<TilePath, TilePathError> {
        let bad = |reason| TilePathError {
            path: path.to_string(),
            reason,
        };
        let parsed = parse_loose(path).map_err(bad)?;
        if parsed.to_path() != path {
            return Err(bad("not the canonical spelling (leading zeros or x000)"));
        }
        Ok(parsed)
    }
}

fn three_digits(text: &str) -> Option<u64> {
    (text.len() == 3 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn parse_loose(path: &str) -> Result<TilePath, &'static str> {
    let mut elements = path.split('/');
    if elements.next() != Some("tile") {
        return Err("does not start with tile/");
    }
    let head = elements.next().ok_or("has no level")?;
    let mut index: u64 = 0;
    let mut width = TILE_WIDTH as u16;
    loop {
        let element = elements
            .next()
            .ok_or("ends before the index's last element")?;
        let step = |index: u64, group| index.checked_mul(1000)?.checked_add(group);
        if let Some(group) = element.strip_prefix('x').and_then(three_digits) {
            index = step(index, group).ok_or("index beyond 64 bits")?;
            continue;
        }
        let (digits, partial) = match element.strip_suffix(".p") {
            Some(digits) => (digits, true),
            None => (element, false),
        };
        let group = three_digits(digits).ok_or("an index element is not 3 digits")?;
        index = step(index, group).ok_or("index beyond 64 bits")?;
        if partial {
            let text = elements.next().ok_or("has .p but no width")?;
            width = text.parse().map_err(|_| "the width is not a number")?;
            if width == 0 || u64::from(width) >= TILE_WIDTH {
                return Err("a partial width is 1 to 255");
            }
        }
        break;
    }
    if elements.next().is_some() {
        return Err("has elements after the index");
    }
    if head == "entries" {
        return Ok(TilePath::Entries { index, width });
    }
    let level: u8 = head.parse().map_err(|_| "the level is not a number")?;
    if level > MAX_LEVEL {
        return Err("the level is above 63");
    }
    Ok(TilePath::Hashes {
        level,
        index,
        width,
    })
}

/// Every tile (levels 0 up) that a tree of size `new` has and a tree of size `old` does not
/// have with the same content: what `publish` writes to go from `old` to `new`. `old = 0`
/// gives every tile of the tree.
pub fn changed_tiles(old: u64, new: u64) -> Vec<TilePath> {
    let mut tiles = Vec::new();
    for level in 0..=MAX_LEVEL {
        let shift = 8 * u32::from(level);
        let (old_count, new_count) = (old >> shift, new >> shift);
        if new_count == 0 {
            break;
        }
        if new_count <= old_count {
            continue;
        }
        let first = old_count / TILE_WIDTH;
        let end = new_count.div_ceil(TILE_WIDTH);
        for index in first..end {
            let width = (new_count - index * TILE_WIDTH).min(TILE_WIDTH) as u16;
            tiles.push(TilePath::Hashes {
                level,
                index,
                width,
            });
        }
    }
    tiles
}
