//! Sheets: an operator's submission and an official's correction (docs/RULES.md, R22 to
//! R28, R33 to R37 and the hard rules R39 to R46, R62), each decision with its effect on the
//! station's history, its status, and the soft rules' counts.

use super::transaction::Undo;
use super::{Change, Context, EntryIdx, OfficerIdx, State, Transaction};
use crate::definition::ContestIdx;
use crate::error::{Refusal, RoleKind};
use crate::event::EventId;
use crate::regions::{Place, StationId};
use crate::requirements::require_reason;
use crate::sheet::{Flag, PackedSheet, TallySheet};

/// What happened to a station's result for a contest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntryKind {
    Submitted,
    Corrected,
    RevoteRecorded,
    Voided,
}

/// The reason of a correction, re-vote or void, and the objection a correction answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryNote {
    pub reason: String,
    pub answers: Option<EventId>,
}

/// One entry of a station's history for a contest; earlier entries are never removed. Kept
/// compact (about 80 bytes plus the packed sheet) for national-scale logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationEntry {
    pub id: EventId,
    pub recorded_at_ms: u64,
    /// The officer who made it: [`State::officer_by_index`].
    pub author: OfficerIdx,
    pub station: StationId,
    pub contest: ContestIdx,
    pub kind: EntryKind,
    /// The sheet of a submission or correction.
    pub sheet: Option<PackedSheet>,
    /// The reason (corrections, re-votes, voids).
    pub note: Option<Box<EntryNote>>,
    /// The entry before this one for the same station and contest.
    pub previous: Option<EntryIdx>,
}

/// A station's status for one contest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StationStatus {
    /// No sheet yet.
    Awaiting,
    /// The current sheet is this entry (a submission or a correction).
    Counted(EntryIdx),
    /// Voided by this entry.
    Voided(EntryIdx),
    /// A re-vote was ordered by this entry; a new sheet is expected.
    RevotePending(EntryIdx),
}

/// A station's place for one contest: its latest history entry and its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Slot {
    pub(super) head: Option<EntryIdx>,
    pub(super) status: StationStatus,
}

impl Default for Slot {
    fn default() -> Self {
        Slot {
            head: None,
            status: StationStatus::Awaiting,
        }
    }
}

/// The slots of one contest's stations, which are the contiguous range from `base`.
#[derive(Debug, Clone)]
pub(super) struct ContestState {
    pub(super) base: u32,
    pub(super) slots: Vec<Slot>,
    /// Whether the contest lists `parts`: only some of the slots' stations take part.
    pub(super) has_parts: bool,
}

/// A sheet that will count for a station: a submission or a correction.
#[derive(Debug, Clone)]
pub(super) struct SheetPlan {
    station: StationId,
    contest: ContestIdx,
    kind: EntryKind,
    sheet: PackedSheet,
    fingerprint: u64,
    note: Option<Box<EntryNote>>,
    pub(super) flags: Vec<Flag>,
}

impl State {
    pub(super) fn decide_submission(
        &self,
        context: &Context<'_>,
        station: &str,
        contest: &str,
        sheet: &TallySheet,
    ) -> Result<SheetPlan, Refusal> {
        let place = self.check_submission(context, station, contest, sheet)?;
        let packed = PackedSheet::pack(sheet);
        Ok(self.plan_sheet(context, place, sheet, packed, None, None))
    }

    /// The plan of setting `sheet` (packed as `packed`) at `place`, every check passed: a
    /// submission, or with `replaced` and its `note` a correction. Its soft-rule flags are
    /// judged against the sheets counted now, the one it replaces left out.
    fn plan_sheet(
        &self,
        context: &Context<'_>,
        (station, contest): (StationId, ContestIdx),
        sheet: &TallySheet,
        packed: PackedSheet,
        replaced: Option<&PackedSheet>,
        note: Option<Box<EntryNote>>,
    ) -> SheetPlan {
        let fingerprint = context
            .fingerprint
            .unwrap_or_else(|| sheet.numbers_fingerprint());
        let kind = match replaced {
            None => EntryKind::Submitted,
            Some(_) => EntryKind::Corrected,
        };
        SheetPlan {
            station,
            contest,
            flags: self.flags_for(station, contest, sheet, fingerprint, replaced),
            kind,
            sheet: packed,
            fingerprint,
            note,
        }
    }

    /// Every check of a submission, in the order its decision runs them ([`State::check`]
    /// answers with these alone); the station and contest it is for.
    pub(super) fn check_submission(
        &self,
        context: &Context<'_>,
        station: &str,
        contest: &str,
        sheet: &TallySheet,
    ) -> Result<(StationId, ContestIdx), Refusal> {
        let officer = self.require(context.author, context.act, RoleKind::Operator)?;
        let (s, c) = self.station_in_contest(station, contest)?;
        self.require_covers(officer, Place::Station(s))?;
        match self.station_status(s, c) {
            Some(StationStatus::Counted(e)) => {
                return Err(Refusal::SheetAlreadySubmitted {
                    station: station.to_string(),
                    contest: contest.to_string(),
                    since_seq: self.entry_seq(e),
                })
            }
            Some(StationStatus::Voided(e)) => {
                return Err(Refusal::StationIsVoided {
                    station: station.to_string(),
                    contest: contest.to_string(),
                    voided_at: self.entry_seq(e),
                })
            }
            _ => {}
        }
        self.check_sheet(station, contest, c, sheet)?;
        Ok((s, c))
    }

    pub(super) fn decide_correction(
        &self,
        context: &Context<'_>,
        station: &str,
        contest: &str,
        sheet: &TallySheet,
        reason: &str,
        answers: &Option<EventId>,
    ) -> Result<SheetPlan, Refusal> {
        let officer = self.require(context.author, context.act, RoleKind::Official)?;
        self.require_plenary_rank(officer)?;
        let (s, c) = self.station_in_contest(station, contest)?;
        self.require_covers(officer, Place::Station(s))?;
        require_reason("correction reason", reason)?;
        let old = match self.station_status(s, c) {
            Some(StationStatus::Counted(e)) => self
                .entry(e)
                .and_then(|e| e.sheet.as_ref())
                .ok_or_else(|| Refusal::NoSheetToCorrect {
                    station: station.to_string(),
                    contest: contest.to_string(),
                })?,
            Some(StationStatus::Voided(e)) => {
                return Err(Refusal::StationIsVoided {
                    station: station.to_string(),
                    contest: contest.to_string(),
                    voided_at: self.entry_seq(e),
                })
            }
            _ => {
                return Err(Refusal::NoSheetToCorrect {
                    station: station.to_string(),
                    contest: contest.to_string(),
                })
            }
        };
        if let Some(id) = answers {
            let objection = self.open_objection(*id)?;
            self.objection_matches(objection, s, c)?;
        }
        let packed = PackedSheet::pack(sheet);
        if *old == packed {
            return Err(Refusal::CorrectionChangesNothing {
                station: station.to_string(),
                contest: contest.to_string(),
            });
        }
        self.check_sheet(station, contest, c, sheet)?;
        let note = Box::new(EntryNote {
            reason: reason.to_string(),
            answers: *answers,
        });
        Ok(self.plan_sheet(context, (s, c), sheet, packed, Some(old), Some(note)))
    }

    pub(super) fn check_sheet(
        &self,
        station: &str,
        contest_id: &str,
        contest: ContestIdx,
        sheet: &TallySheet,
    ) -> Result<(), Refusal> {
        let (pairs, vote_types) = self
            .election
            .contest(contest)
            .map(|c| (c.pairs.len() as u32, c.vote_types.len() as u32))
            .unwrap_or((0, 0));
        sheet
            .check_hard_rules_typed(pairs, vote_types, self.election.station_capacity())
            .map_err(|violation| Refusal::HardRule {
                station: station.to_string(),
                contest: contest_id.to_string(),
                violation,
            })
    }

    pub(super) fn flags_for(
        &self,
        station: StationId,
        contest: ContestIdx,
        sheet: &TallySheet,
        fingerprint: u64,
        old: Option<&PackedSheet>,
    ) -> Vec<Flag> {
        let rules = self.election.soft_rules();
        let mut flags = sheet.own_flags(rules);
        if sheet.valid >= rules.same_sheet_min_valid {
            let mut others = self.same_sheet_count(contest, fingerprint);
            if old.is_some_and(|o| o.unpack().numbers_fingerprint() == fingerprint) {
                others = others.saturating_sub(1);
            }
            let stations = others.saturating_add(1);
            if stations >= rules.same_sheet_min_stations {
                flags.push(Flag::SameSheetAtManyStations {
                    stations,
                    threshold: rules.same_sheet_min_stations,
                });
            }
        }
        if let Some((holder, _)) = self.election.tree().station_holder(station) {
            if let Some(neighbours) = self.neighbourhoods.get(&(holder, contest)) {
                let flag = match old {
                    Some(old) => {
                        let mut without = neighbours.clone();
                        without.remove(old);
                        without.flag(sheet, rules)
                    }
                    None => neighbours.flag(sheet, rules),
                };
                flags.extend(flag);
            }
        }
        flags
    }
}

impl Transaction<'_> {
    pub(super) fn apply_sheet(&mut self, id: EventId, plan: SheetPlan) -> Change {
        let SheetPlan {
            station,
            contest,
            kind,
            sheet,
            fingerprint,
            note,
            flags,
        } = plan;
        let old = self.counted(station, contest);
        if let Some((_, old_sheet, old_fingerprint)) = &old {
            self.count_sheet(station, contest, old_sheet, *old_fingerprint, false);
        }
        self.count_sheet(station, contest, &sheet, fingerprint, true);
        let entry = self.push_entry(id, station, contest, kind, Some(sheet), note);
        if kind == EntryKind::Corrected {
            self.state.corrections.insert(id, entry);
            self.journal.push(Undo::CorrectionInserted(id));
        }
        self.set_slot(
            station,
            contest,
            Slot {
                head: Some(entry),
                status: StationStatus::Counted(entry),
            },
        );
        Change::SheetSet {
            station,
            contest,
            entry,
            replaced: old.map(|(e, _, _)| e),
            flags,
        }
    }

    pub(super) fn count_sheet(
        &mut self,
        station: StationId,
        contest: ContestIdx,
        sheet: &PackedSheet,
        fingerprint: u64,
        add: bool,
    ) {
        let old = self.state.fingerprints.step(contest, fingerprint, add);
        self.journal
            .push(Undo::Fingerprint((contest, fingerprint), old));
        if let Some((holder, _)) = self.state.election.tree().station_holder(station) {
            let key = (holder, contest);
            // Undo runs backwards, so the first copy of a neighbourhood's value is the one
            // that counts; a bulk payload changes one village's neighbourhood many times in
            // a row.
            let journaled = self.neighbourhood_journaled == Some(key);
            let entry = self.state.neighbourhoods.entry(key).or_default();
            let old = (!journaled).then(|| entry.clone());
            if add {
                entry.add(sheet);
            } else {
                entry.remove(sheet);
            }
            if entry.sheets == 0 {
                self.state.neighbourhoods.remove(&key);
            }
            if let Some(old) = old {
                self.journal
                    .push(Undo::Neighbourhood(key, (old.sheets > 0).then_some(old)));
                self.neighbourhood_journaled = Some(key);
            }
        }
    }

    pub(super) fn push_entry(
        &mut self,
        id: EventId,
        station: StationId,
        contest: ContestIdx,
        kind: EntryKind,
        sheet: Option<PackedSheet>,
        note: Option<Box<EntryNote>>,
    ) -> EntryIdx {
        let previous = self.state.slot(station, contest).and_then(|s| s.head);
        let author = self.author;
        let entry = EntryIdx(self.state.entries.len() as u32);
        self.state.entries.push(StationEntry {
            id,
            recorded_at_ms: self.envelope.recorded_at_ms,
            author,
            station,
            contest,
            kind,
            sheet,
            note,
            previous,
        });
        entry
    }

    /// The sheet counting for a station now, and its fingerprint.
    pub(super) fn counted(
        &self,
        station: StationId,
        contest: ContestIdx,
    ) -> Option<(EntryIdx, PackedSheet, u64)> {
        match self.state.slot(station, contest)?.status {
            StationStatus::Counted(e) => {
                let sheet = self.state.entry(e)?.sheet.clone()?;
                let fingerprint = sheet.unpack().numbers_fingerprint();
                Some((e, sheet, fingerprint))
            }
            _ => None,
        }
    }
}
