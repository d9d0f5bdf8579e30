//! The other sources the compare page sets beside rekap's totals (`rekap serve --compare
//! NAME=FILE`): their bytes are read when the server starts; each is read against the
//! election (rekap-formats' `read_source`, the reading `rekap compare` does) when a page
//! first asks for it, and kept.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rekap_formats::compare::read::{
    is_per_station, only_at_level, read_source, SourceOptions, SourceRegions,
};
use rekap_formats::compare::RegionFigures;
use rekap_formats::SourceProblem;
use rekap_model::{ContestIdx, State};

/// One other source: its name on the page, its file and its bytes.
#[derive(Clone)]
pub struct CompareSource {
    /// Letters, digits, `-` and `_` (it is a query value: `?sumber=NAME`).
    pub name: String,
    /// The file name decides its kind (`*.json`: the portal's aggregate) and names it in
    /// problems.
    pub path: PathBuf,
    pub bytes: Arc<[u8]>,
    /// The portal's candidates file (its name and bytes), for an aggregate keyed by
    /// candidate ids.
    pub candidates: Option<(String, Arc<[u8]>)>,
}

impl std::fmt::Debug for CompareSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}={} ({} bytes)",
            self.name,
            self.path.display(),
            self.bytes.len()
        )
    }
}

/// Whether `name` can name a source.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 40
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A source read against one election: its regions or every problem.
pub type Read = Arc<Result<SourceRegions, Vec<SourceProblem>>>;

/// Definition hash, contest, source index and (for a per-TPS source) the level summed to.
type ReadKey = ([u8; 32], u32, usize, u32);

/// Every source the server was started with, and what was read of each.
#[derive(Default)]
pub struct Sources {
    pub list: Vec<CompareSource>,
    read: Mutex<BTreeMap<ReadKey, Read>>,
}

impl Sources {
    pub fn new(list: Vec<CompareSource>) -> Self {
        Self {
            list,
            read: Mutex::default(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The source's regions of `level` (a per-TPS source summed to it), read once per
    /// definition, contest and level.
    pub fn regions_at(
        &self,
        index: usize,
        state: &State,
        contest: ContestIdx,
        level: u32,
    ) -> Result<Vec<RegionFigures>, Vec<SourceProblem>> {
        let Some(source) = self.list.get(index) else {
            return Ok(Vec::new());
        };
        let election = state.election();
        let per_station = is_per_station(&source.path, &source.bytes);
        let key = (
            state.definition_hash(),
            contest.0,
            index,
            if per_station { level } else { u32::MAX },
        );
        let kept = self
            .read
            .lock()
            .ok()
            .and_then(|read| read.get(&key).cloned());
        let read = kept.unwrap_or_else(|| {
            let options = SourceOptions {
                candidates: source
                    .candidates
                    .as_ref()
                    .map(|(name, bytes)| (name.as_str(), &bytes[..])),
                columns: None,
                level: Some(election.level_key(level)),
            };
            let made: Read = Arc::new(read_source(
                &source.path,
                &source.bytes,
                options,
                election,
                contest,
            ));
            if let Ok(mut read) = self.read.lock() {
                read.insert(key, made.clone());
            }
            made
        });
        match &*read {
            Ok((regions, _)) => Ok(only_at_level(
                regions.clone(),
                election,
                election.level_key(level),
            )),
            Err(problems) => Err(problems.clone()),
        }
    }
}
