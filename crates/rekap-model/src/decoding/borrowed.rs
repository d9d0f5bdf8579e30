//! A payload read in place for the sheets it changes: each sheet-changing event's station,
//! contest and numbers borrowed from the payload's bytes, nothing allocated per event.
//!
//! It reads the same bytes as the owned decoder ([`crate::decode_payload`]) with the same
//! limit per field, and accepts exactly the payloads it accepts (a property test holds the
//! two equal, malformed bytes included): every event is read whole, its strings checked as
//! UTF-8 within their limits, its tags and enum indices checked, and the payload must end
//! where its last event does. It never says why bytes are refused: a caller that wants the
//! reason asks the owned decoder, which names field and limit.

use crate::limits::*;

/// A payload's kind, from its first word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadKind {
    /// The genesis: not read here (one per log; decode it with [`crate::decode_payload`]).
    Genesis,
    Events,
    LogKeyRotated,
}

/// What a sheet-changing event does to its station's current sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetChange<'a> {
    /// A sheet submitted or corrected: it becomes the current one.
    Sheet(SheetNumbers<'a>),
    /// The station is voided.
    Void,
    /// A re-vote: the current sheet is set aside.
    Clear,
}

/// One sheet-changing event, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SheetEvent<'a> {
    pub station: &'a str,
    pub contest: &'a str,
    pub change: SheetChange<'a>,
}

/// The numbers of a sheet that totals add up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SheetNumbers<'a> {
    /// DPT + DPPh + DPTb, as [`crate::TallySheet::registered_total`].
    pub registered: u64,
    /// Voters who voted from every list, as [`crate::TallySheet::voted_total`].
    pub voted: u64,
    pub votes: Numbers<'a>,
    pub valid: u32,
    pub invalid: Option<u32>,
    pub votes_by_type: Numbers<'a>,
}

/// A list of `u32`s in place: little-endian, 4 bytes each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Numbers<'a>(&'a [u8]);

impl<'a> Numbers<'a> {
    #[inline]
    pub fn len(&self) -> usize {
        self.0.len() / 4
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    #[inline]
    pub fn iter(&self) -> impl Iterator<Item = u32> + 'a {
        self.0
            .chunks_exact(4)
            .map(|word| u32::from_le_bytes([word[0], word[1], word[2], word[3]]))
    }
}

/// The payload's bytes are not a payload the owned decoder accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed;

/// Reads `bytes` as a payload and calls `visit` with each sheet-changing event in order
/// (submitted, corrected, voided, re-vote); the other events are read and checked, not
/// shown. A genesis is only recognised ([`PayloadKind::Genesis`]). On `Err`, events
/// already shown belong to a payload that does not decode: the caller discards them.
pub fn visit_sheet_events<'a>(
    bytes: &'a [u8],
    mut visit: impl FnMut(SheetEvent<'a>),
) -> Result<PayloadKind, Malformed> {
    if bytes.len() > MAX_CANONICAL_BYTES {
        return Err(Malformed);
    }
    let mut cursor = Cursor { rest: bytes };
    let kind = match cursor.u32()? {
        0 => return Ok(PayloadKind::Genesis),
        1 => {
            cursor.take(32)?;
            let events = cursor.length(MAX_EVENTS_PER_PAYLOAD)?;
            for _ in 0..events {
                if let Some(event) = cursor.event()? {
                    visit(event);
                }
            }
            PayloadKind::Events
        }
        2 => {
            cursor.take(64)?;
            PayloadKind::LogKeyRotated
        }
        _ => return Err(Malformed),
    };
    match cursor.rest.is_empty() {
        true => Ok(kind),
        false => Err(Malformed),
    }
}

/// The bytes of event `wanted` of an `Events` payload, the whole payload read and checked
/// as [`visit_sheet_events`] reads it (so it is one the owned decoder accepts); `None` if
/// it has fewer events. Another kind of payload is `Malformed` here: the owned decoder
/// reads those.
pub fn event_bytes_at(bytes: &[u8], wanted: usize) -> Result<Option<&[u8]>, Malformed> {
    if bytes.len() > MAX_CANONICAL_BYTES {
        return Err(Malformed);
    }
    let mut cursor = Cursor { rest: bytes };
    if cursor.u32()? != 1 {
        return Err(Malformed);
    }
    cursor.take(32)?;
    let events = cursor.length(MAX_EVENTS_PER_PAYLOAD)?;
    let mut found = None;
    for index in 0..events {
        let before = cursor.rest;
        cursor.event()?;
        if index == wanted {
            found = Some(&before[..before.len() - cursor.rest.len()]);
        }
    }
    match cursor.rest.is_empty() {
        true => Ok(found),
        false => Err(Malformed),
    }
}

/// The bytes not read yet. Every read checks its length first, so no read can panic.
pub(super) struct Cursor<'a> {
    pub(super) rest: &'a [u8],
}

impl<'a> Cursor<'a> {
    #[inline]
    pub(super) fn take(&mut self, count: usize) -> Result<&'a [u8], Malformed> {
        if self.rest.len() < count {
            return Err(Malformed);
        }
        let (taken, rest) = self.rest.split_at(count);
        self.rest = rest;
        Ok(taken)
    }

    #[inline]
    pub(super) fn u8(&mut self) -> Result<u8, Malformed> {
        let (first, rest) = self.rest.split_first().ok_or(Malformed)?;
        self.rest = rest;
        Ok(*first)
    }

    #[inline]
    pub(super) fn u32(&mut self) -> Result<u32, Malformed> {
        let (word, rest) = self.rest.split_first_chunk::<4>().ok_or(Malformed)?;
        self.rest = rest;
        Ok(u32::from_le_bytes(*word))
    }

    #[inline]
    pub(super) fn u64(&mut self) -> Result<u64, Malformed> {
        let (word, rest) = self.rest.split_first_chunk::<8>().ok_or(Malformed)?;
        self.rest = rest;
        Ok(u64::from_le_bytes(*word))
    }

    /// A length prefix of at most `limit`.
    #[inline]
    pub(super) fn length(&mut self, limit: usize) -> Result<usize, Malformed> {
        match usize::try_from(self.u64()?) {
            Ok(length) if length <= limit => Ok(length),
            _ => Err(Malformed),
        }
    }

    /// A string of at most `limit` bytes, UTF-8.
    #[inline]
    pub(super) fn text(&mut self, limit: usize) -> Result<&'a str, Malformed> {
        let length = self.length(limit)?;
        let bytes = self.take(length)?;
        if bytes.is_ascii() {
            // SAFETY: ASCII bytes are UTF-8. Codes and ids are ASCII, and this check is a
            // few word compares where the full validation is a call per string, a tenth
            // of the rollup's reading time.
            return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
        }
        std::str::from_utf8(bytes).map_err(|_| Malformed)
    }

    /// A list of at most `limit` strings of at most `bytes` bytes each.
    #[inline]
    pub(super) fn texts(&mut self, limit: usize, bytes: usize) -> Result<(), Malformed> {
        for _ in 0..self.length(limit)? {
            self.text(bytes)?;
        }
        Ok(())
    }

    /// A list of at most `limit` `u32`s.
    #[inline]
    fn numbers(&mut self, limit: usize) -> Result<Numbers<'a>, Malformed> {
        let length = self.length(limit)?;
        self.take(length * 4).map(Numbers)
    }

    /// An `Option` tag: 0 or 1.
    #[inline]
    pub(super) fn tag(&mut self) -> Result<bool, Malformed> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(Malformed),
        }
    }

    #[inline]
    fn optional_u32(&mut self) -> Result<Option<u32>, Malformed> {
        match self.tag()? {
            true => self.u32().map(Some),
            false => Ok(None),
        }
    }

    /// An `EventId`: seq u64, index u32.
    #[inline]
    fn event_id(&mut self) -> Result<(), Malformed> {
        self.take(12).map(|_| ())
    }

    /// One event; the sheet-changing ones are returned. Inlined with [`Cursor::sheet`]
    /// into the caller's loop: called apart, the sheet's numbers went through memory,
    /// written field by field and read back wider, a stall per sheet (most of the read's
    /// time, by the profile in docs/PERFORMANCE.md).
    #[inline(always)]
    fn event(&mut self) -> Result<Option<SheetEvent<'a>>, Malformed> {
        let index = self.u32()?;
        let (station, contest) = match index {
            2..=5 => (
                self.text(MAX_STATION_CODE_BYTES)?,
                self.text(MAX_CONTEST_ID_BYTES)?,
            ),
            _ => {
                self.other_event(index)?;
                return Ok(None);
            }
        };
        let change = match index {
            2 => SheetChange::Sheet(self.sheet()?),
            3 => {
                let sheet = self.sheet()?;
                self.text(MAX_REASON_BYTES)?;
                if self.tag()? {
                    self.event_id()?;
                }
                SheetChange::Sheet(sheet)
            }
            4 => {
                self.text(MAX_REASON_BYTES)?;
                SheetChange::Clear
            }
            _ => {
                self.text(MAX_REASON_BYTES)?;
                SheetChange::Void
            }
        };
        Ok(Some(SheetEvent {
            station,
            contest,
            change,
        }))
    }

    /// An event that changes no sheet, read and checked: variants 0, 1 and 6 to 9 (rare
    /// in a log of sheets: kept out of the sheets' loop).
    #[inline(never)]
    fn other_event(&mut self, index: u32) -> Result<(), Malformed> {
        match index {
            0 => {
                self.take(32)?;
                self.role()?;
                self.text(MAX_REGION_CODE_BYTES)?;
            }
            1 => {
                self.take(32)?;
                self.text(MAX_REASON_BYTES)?;
            }
            6 => {
                self.text(MAX_STATION_CODE_BYTES)?;
                self.text(MAX_CONTEST_ID_BYTES)?;
                self.text(MAX_OBJECTION_TEXT_BYTES)?;
            }
            7 => {
                self.event_id()?;
                match self.u32()? {
                    0 => self.event_id()?,
                    1 => {}
                    _ => return Err(Malformed),
                }
                self.text(MAX_REASON_BYTES)?;
            }
            8 => {
                self.text(MAX_REGION_CODE_BYTES)?;
                self.text(MAX_CONTEST_ID_BYTES)?;
                self.take(32)?;
                let signatures = self.length(MAX_WITNESS_SIGNATURES)?;
                self.take(signatures * 96)?;
                for _ in 0..self.length(MAX_WITNESS_REFUSALS)? {
                    self.take(32)?;
                    self.text(MAX_REASON_BYTES)?;
                }
            }
            9 => {
                self.text(MAX_STATION_CODE_BYTES)?;
                self.text(MAX_CONTEST_ID_BYTES)?;
                self.take(32)?;
                self.texts(MAX_SOURCE_PHOTOS, MAX_PHOTO_URL_BYTES)?;
            }
            _ => return Err(Malformed),
        }
        Ok(())
    }

    /// A `Role`: operator, official, witness (contest, pair), auditor.
    #[inline]
    fn role(&mut self) -> Result<(), Malformed> {
        match self.u32()? {
            0 | 1 | 3 => Ok(()),
            2 => {
                self.text(MAX_CONTEST_ID_BYTES)?;
                self.u32().map(|_| ())
            }
            _ => Err(Malformed),
        }
    }

    /// A `TallySheet`, field by field as [`crate::TallySheet`] declares them.
    #[inline(always)]
    fn sheet(&mut self) -> Result<SheetNumbers<'a>, Malformed> {
        let mut registered = 0u64;
        for _ in 0..3 {
            registered += u64::from(self.u32()?);
        }
        let mut voted = 0u64;
        for _ in 0..3 {
            self.optional_u32()?;
            self.optional_u32()?;
            voted += u64::from(self.u32()?);
        }
        self.take(16)?;
        let votes = self.numbers(MAX_PAIRS)?;
        let valid = self.u32()?;
        let invalid = self.optional_u32()?;
        self.tag()?;
        let votes_by_type = self.numbers(MAX_PAIRS * MAX_VOTE_TYPES)?;
        Ok(SheetNumbers {
            registered,
            voted,
            votes,
            valid,
            invalid,
            votes_by_type,
        })
    }
}
