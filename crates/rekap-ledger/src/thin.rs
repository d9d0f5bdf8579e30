//! An append that changes no sheet (a plenary approval, an objection, a rejection), decided
//! without a replay: against the saved authority state (`crate::authority_view`) with the
//! saved totals view answering the approval check, then the views brought forward from the
//! saved ones (docs/ARCHITECTURE.md, "The saved authority state").
//!
//! The decision is the model's own (`AuthorityState::execute` runs `State::execute_payload`);
//! only what it reads comes from derived state, each part checked to be of the log's head
//! before it is believed. Whenever a part is missing, stale or damaged, or the payload needs
//! what is not saved (a sheet, a key not checked, an approval the views do not allow), the
//! caller replays the log instead ([`ThinLedger::open`] gives the log back, and
//! [`ThinLedger::submit`] says `NeedsReplay` before anything is written).

use std::collections::BTreeMap;

use ed25519_dalek::SigningKey;
use rekap_log::{Head, Log, SignedSubmission, Storage, StorageError};
use rekap_model::{
    encode_payload, AuthorityState, ContestIdx, Election, Envelope, Event, NeedsReplay, Payload,
    RegionIdx, State,
};

use crate::authority_view::{self, AUTHORITY_VIEW};
use crate::error::LedgerError;
use crate::history_view::build::history_body_without_sheets;
use crate::history_view::tail::history_after_append;
use crate::history_view::HISTORY_VIEW;
use crate::ledger::Receipt;
use crate::stations_view::saved::{SavedStations, Step};
use crate::view::over::{totals_view_by_blocks, written_whole};
use crate::view::{touched_places, TotalsView, ViewApprovalCheck, TOTALS_VIEW};

/// A log at its head, with the saved authority state and views of that head.
pub struct ThinLedger<S: Storage> {
    log: Log<S>,
    state: AuthorityState,
    /// The totals view of `views_head`: read block by block from its file on a segment
    /// store. `None` once a save of the views released it (while the file is saved in
    /// place) and no view of the new head was kept (not read back, or another view not
    /// saved): then nothing more is decided here, and [`ThinLedger::submit`] says replay.
    totals: Option<TotalsView>,
    /// The header checksum of the totals view's file, when it was read from one.
    totals_checksum: Option<[u8; 32]>,
    stations: SavedStations,
    /// The head the saved views are of (the log's, until an append).
    views_head: Head,
}

/// What [`ThinLedger::open`] found.
pub enum Opened<S: Storage> {
    /// The saved state and views of the head.
    Saved(Box<ThinLedger<S>>),
    /// Not all of them (missing, stale, damaged): the log, to replay.
    Replay(Log<S>),
}

/// Which views an append without a replay saved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SavedAfter {
    pub totals: bool,
    pub stations: bool,
    /// The stations view was saved from its rewritten preamble and directory alone, its
    /// earlier body not read whole (a segment store whose view file nobody was reading).
    pub stations_by_ranges: bool,
    pub history: bool,
    pub authority: bool,
}

impl<S: Storage> ThinLedger<S> {
    /// `log` with its saved authority state, totals view and stations view, if every one
    /// is there, intact and of the log's head; else the log back, to replay.
    pub fn open(mut log: Log<S>) -> Opened<S> {
        let Some((state, (totals, totals_checksum), stations, counters)) = saved_parts(&log) else {
            return Opened::Replay(log);
        };
        let head = log.head();
        log.seed_counters(counters, head);
        Opened::Saved(Box::new(ThinLedger {
            log,
            state,
            totals: Some(totals),
            totals_checksum,
            stations,
            views_head: head,
        }))
    }

    /// The state without sheets (its election, officers, objections, approvals).
    pub fn state(&self) -> &State {
        self.state.state()
    }

    /// The saved totals view of the head (an approval's digest is its region's line's).
    pub fn totals(&self) -> Option<&TotalsView> {
        self.totals.as_ref()
    }

    pub fn log(&self) -> &Log<S> {
        &self.log
    }

    /// The log back, to replay (when [`ThinLedger::submit`] said `NeedsReplay`).
    pub fn into_log(self) -> Log<S> {
        self.log
    }

    /// The digest of `region` for `contest` at the head: its saved totals line's (the
    /// projection's digest at the head, as check 8 holds it). `None` if it has no line.
    pub fn region_digest(&self, contest: ContestIdx, region: RegionIdx) -> Option<[u8; 32]> {
        (self.totals.as_ref())?.line_digest(self.state.state(), contest, region)
    }

    pub fn head(&self) -> Head {
        self.log.head()
    }

    /// Decides `events` as one payload signed by `key` and, if the model allows them,
    /// appends it durably. `Err(NeedsReplay)` (nothing written, nothing changed that is
    /// kept) when this cannot be decided here: replay and decide again. `Ok(Err(..))` is the
    /// model's refusal (nothing appended) or a failed append, as [`crate::Ledger::submit`]
    /// gives them.
    pub fn submit(
        &mut self,
        key: &SigningKey,
        events: Vec<Event>,
        now_ms: u64,
    ) -> Result<Result<Receipt, LedgerError>, NeedsReplay> {
        let Some(totals) = self.totals.as_ref() else {
            return Err(NeedsReplay::Inconsistent(
                "no totals view of the head".to_owned(),
            ));
        };
        if events.len() != 1 || self.views_head != self.log.head() {
            // An approval's check reads the views of the head before the payload: one
            // event per payload, on the head the views are of.
            return Err(NeedsReplay::ReadsSheets);
        }
        let head = self.log.head();
        let recorded_at_ms = now_ms.max(head.last_recorded_at_ms);
        let author = key.verifying_key().to_bytes();
        let payload = Payload::Events {
            definition_hash: self.state.state().definition_hash(),
            events,
        };
        let envelope = Envelope {
            seq: head.count + 1,
            recorded_at_ms,
            author,
        };
        let check = ViewApprovalCheck::new(totals, self.state.state());
        let decided = self.state.execute(&envelope, &payload, &check)?;
        if check.undecided() {
            return Err(NeedsReplay::CheckUndecided);
        }
        if let Err(refusal) = decided {
            return Ok(Err(LedgerError::Refused(refusal)));
        }
        let counter = match self.log.next_counter(&author) {
            Ok(counter) => counter,
            Err(error) => return Ok(Err(error.into())),
        };
        let submission = SignedSubmission::sign(key, counter, encode_payload(&payload));
        Ok(match self.log.append(vec![submission], recorded_at_ms) {
            Ok(records) => Ok(Receipt {
                seqs: records.iter().map(|record| record.seq).collect(),
                head: self.log.head(),
            }),
            Err(error) => Err(error.into()),
        })
    }

    /// After `events` were appended by [`ThinLedger::submit`]: saves the totals, stations,
    /// history views and the authority state of the new head, each brought forward from the
    /// saved one. A view that cannot be is not saved (its stale copy is rebuilt by the next
    /// command that needs it), and then neither is the authority state.
    pub fn save_views_after_append(&mut self, events: &[Event]) -> Result<SavedAfter, LedgerError> {
        let head = self.log.head();
        let state = self.state.state();
        let mut saved = SavedAfter::default();
        if state.last_seq() != head.count {
            return Ok(saved);
        }
        let Some(places) = touched_places(state, events) else {
            return Ok(saved);
        };
        let Some(earlier_totals) = self.totals.as_ref() else {
            return Ok(saved);
        };
        let Some(totals) = earlier_totals.patched_without_sheets(state, &head, places) else {
            return Ok(saved);
        };
        let step = Step {
            earlier_head: &self.views_head,
            earlier_totals,
            state,
            totals: &totals,
            head: &head,
        };
        let log = &self.log;
        let (stations, history) = std::thread::scope(|scope| {
            // The history view (35 MB nationally) is laid out on a second core meanwhile.
            let history = scope.spawn(|| {
                history_after_append(log, state, || {
                    match log.storage().get_view_of_any_head(HISTORY_VIEW)? {
                        Some(earlier) => history_body_without_sheets(log, state, &earlier),
                        None => Ok(None),
                    }
                })
            });
            let stations = self.stations.brought_forward(&step);
            let history = (history.join()).unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (stations, history)
        });
        let counters = self.log.known_counters();
        let authority = counters.map(|counters| {
            authority_view::encode(
                &state.authority_part(),
                &head,
                state.definition_hash(),
                &counters,
            )
        });
        // The stations view before the totals view: saved whole when it cannot be saved in
        // place, it is laid out from both totals views, which the totals' save releases.
        let stations = match stations {
            Some(stations) => self.stations.save(&mut self.log, stations, &step)?,
            None => None,
        };
        let totals = self.save_totals(totals)?;
        saved.totals = totals.is_some();
        let Some(stations) = stations else {
            return Ok(saved);
        };
        saved.stations = true;
        saved.stations_by_ranges = matches!(stations, SavedStations::Directory { .. });
        let storage = self.log.storage_mut();
        if let Some(history) = history? {
            history.put(storage)?;
            saved.history = true;
        }
        let Some(totals) = totals else {
            // Saved, but not read back: the next append here replays.
            return Ok(saved);
        };
        if let Some(body) = authority {
            storage.put_view(AUTHORITY_VIEW, &body)?;
            saved.authority = true;
        }
        self.totals = Some(totals);
        self.stations = stations;
        self.views_head = head;
        Ok(saved)
    }

    /// Saves `totals` (brought forward from `self.totals`) and gives it back as the saved
    /// view of the new head: in memory, over the earlier body (only changed blocks written);
    /// read from the file, as the ranges it rewrote (`put_view_ranges`), or whole when the
    /// file cannot be saved in place (a reader holds it), then read back block by block.
    /// `None` when it was not saved, or not read back.
    fn save_totals(&mut self, totals: TotalsView) -> Result<Option<TotalsView>, LedgerError> {
        let storage = self.log.storage_mut();
        if let Some(body) = totals.body() {
            match self.totals.as_ref().and_then(TotalsView::body) {
                Some(earlier) => storage.put_view_over(TOTALS_VIEW, earlier, body)?,
                None => storage.put_view(TOTALS_VIEW, body)?,
            }
            return Ok(Some(totals));
        }
        let (Some(changes), Some(checksum)) =
            (totals.written_over().cloned(), self.totals_checksum)
        else {
            return Ok(None);
        };
        let length = totals.length();
        // Both views hold the file's one reader: released, so that the save in place does
        // not find the file read by this very process.
        drop(totals);
        self.totals = None;
        let ranges: Vec<(u64, &[u8])> = (changes.iter())
            .map(|(offset, bytes)| (*offset, &bytes[..]))
            .collect();
        let in_place = storage.put_view_ranges(TOTALS_VIEW, &checksum, length, &ranges)?;
        if in_place.is_none() && !saved_whole_over(storage, &checksum, &changes)? {
            return Ok(None);
        }
        let Some((view, checksum)) = totals_view_by_blocks(&self.log) else {
            return Ok(None);
        };
        self.totals_checksum = checksum;
        Ok(Some(view))
    }
}

/// The totals view saved whole: the file whose header checksum is `checksum` read back whole
/// with `changes` written over it. `false` (nothing saved) if that file is not there.
fn saved_whole_over<S: Storage>(
    storage: &mut S,
    checksum: &[u8; 32],
    changes: &BTreeMap<u64, Vec<u8>>,
) -> Result<bool, LedgerError> {
    let Some(reader) = storage.view_reader_of_any_head(TOTALS_VIEW)? else {
        return Ok(false);
    };
    if reader.header_checksum() != *checksum {
        return Ok(false);
    }
    // A damaged block is a view to rebuild, not a failed append: nothing saved.
    let earlier = match reader.read_whole() {
        Ok(earlier) => earlier,
        Err(StorageError::Corrupt(_)) => return Ok(false),
        Err(error) => return Err(error.into()),
    };
    drop(reader);
    let Some(body) = written_whole(&earlier, changes) else {
        return Ok(false);
    };
    storage.put_view_over(TOTALS_VIEW, &earlier, &body)?;
    Ok(true)
}

type SavedParts = (
    AuthorityState,
    (TotalsView, Option<[u8; 32]>),
    SavedStations,
    BTreeMap<[u8; 32], u64>,
);

/// The saved authority state, totals and stations views of `log`'s head, each intact and
/// of that head, and the election from the genesis (its officers the saved state's).
fn saved_parts<S: Storage>(log: &Log<S>) -> Option<SavedParts> {
    let head = log.head();
    let body = log.storage().get_view(AUTHORITY_VIEW).ok()??;
    let saved = authority_view::decode(&body, &head)?;
    let totals = totals_view_by_blocks(log)?;
    let stations = SavedStations::read(log)?;
    let genesis = log.read(1).ok()??;
    // The genesis' initial officers are the saved state's (each checked by `Election::new`
    // when the store was first replayed): their 7,831 keys are not checked again here.
    let election = Election::without_officers_from_genesis(&genesis.payload).ok()?;
    if election.hash() != saved.definition_hash || genesis.author != election.registrar() {
        return None;
    }
    let state = AuthorityState::new(election, saved.part).ok()?;
    Some((state, totals, stations, saved.counters))
}
