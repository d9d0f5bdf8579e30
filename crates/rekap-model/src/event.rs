//! Events, payloads and their canonical bytes.
//!
//! **Ids.** Every event is named by its [`EventId`]: the sequence number of the log record
//! carrying it and its index within that record's payload (0-based). An objection's id is
//! the id of its `ObjectionFiled` event; a correction's id is the id of its `SheetCorrected`
//! event. Ids are thus fixed by the log, need no counter, and are known to anyone reading it.

use bincode::{Decode, Encode};

use crate::definition::Role;
use crate::encoding::{canonical, encode, APPROVAL_STATEMENT_DOMAIN};
use crate::error::{DecodeError, LimitError};
use crate::genesis::Genesis;
use crate::limits::*;
use crate::sheet::TallySheet;

/// What the log tells about the record carrying an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Envelope {
    /// Sequence number of the record (the genesis is 1).
    pub seq: u64,
    /// Recorded time, milliseconds since the Unix epoch (UTC).
    pub recorded_at_ms: u64,
    /// The ed25519 public key that signed the payload.
    pub author: [u8; 32],
}

/// `(record seq, index within the payload)`: see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode)]
pub struct EventId {
    pub seq: u64,
    pub index: u32,
}

impl std::fmt::Display for EventId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.seq, self.index)
    }
}

/// A witness's ed25519 signature over the [`ApprovalStatement`] bytes.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct WitnessSignature {
    pub witness: [u8; 32],
    pub signature: [u8; 64],
}

/// A witness who refused to sign, with the reason, recorded by the official.
#[derive(Debug, Clone, PartialEq, Eq, Encode)]
pub struct WitnessRefusal {
    pub witness: [u8; 32],
    pub reason: String,
}

/// How an objection was resolved.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub enum Resolution {
    /// Accepted: the sheet was corrected by the `SheetCorrected` event with this id.
    Accepted { correction: EventId },
    /// Rejected (the reason is required).
    Rejected,
}

/// A domain event. Station codes are `<region code>-<nnn>` (see [`crate::regions`]).
#[derive(Debug, Clone, PartialEq, Eq, Encode)]
pub enum Event {
    /// The registrar registers an officer with a role and a scope region.
    OfficerRegistered {
        key: [u8; 32],
        role: Role,
        scope: String,
    },
    /// The registrar revokes an officer; the key can do nothing afterwards, ever.
    OfficerRevoked { key: [u8; 32], reason: String },
    /// An operator whose scope covers the station submits its sheet (Model C.Hasil).
    SheetSubmitted {
        station: String,
        contest: String,
        sheet: TallySheet,
    },
    /// An official at the station's district or above corrects the sheet (pembetulan).
    SheetCorrected {
        station: String,
        contest: String,
        sheet: TallySheet,
        reason: String,
        /// The objection this correction answers, if any.
        answers: Option<EventId>,
    },
    /// A re-vote (PSU) is ordered: the current sheet is set aside and a new one expected.
    RevoteRecorded {
        station: String,
        contest: String,
        reason: String,
    },
    /// The station's result for the contest is voided; it counts as accounted for, without votes.
    StationVoided {
        station: String,
        contest: String,
        reason: String,
    },
    /// A witness objects (keberatan) about a region or station and a contest.
    ObjectionFiled {
        place: String,
        contest: String,
        text: String,
    },
    /// An official of the objection's region resolves it.
    ObjectionResolved {
        objection: EventId,
        resolution: Resolution,
        reason: String,
    },
    /// The plenary of a region approves its recap (D.Hasil) for one contest.
    PlenaryApproved {
        region: String,
        contest: String,
        /// The region's digest as the projection computes it.
        digest: [u8; 32],
        signatures: Vec<WitnessSignature>,
        refusals: Vec<WitnessRefusal>,
    },
    /// Where a station's sheet came from: the blake3 hash of the source document an import
    /// read it from (a portal's JSON file, a volunteers' CSV) and the photo URLs the document
    /// names, so an auditor can trace each number to its document. Written by an importer
    /// right after the sheet, in the same payload; it changes no number. Appended as the last
    /// variant so that no earlier event's bytes change.
    SheetSource {
        station: String,
        contest: String,
        document: [u8; 32],
        photos: Vec<String>,
    },
}

/// What an act is, to name it in a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Act {
    RegisterOfficer,
    RevokeOfficer,
    SubmitSheet,
    CorrectSheet,
    RecordRevote,
    VoidStation,
    FileObjection,
    ResolveObjection,
    ApprovePlenary,
    NoteSheetSource,
    RotateLogKey,
}

impl std::fmt::Display for Act {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Act::RegisterOfficer => "register an officer",
            Act::RevokeOfficer => "revoke an officer",
            Act::SubmitSheet => "submit a sheet",
            Act::CorrectSheet => "correct a sheet",
            Act::RecordRevote => "record a re-vote",
            Act::VoidStation => "void a station",
            Act::FileObjection => "file an objection",
            Act::ResolveObjection => "resolve an objection",
            Act::ApprovePlenary => "approve a plenary",
            Act::NoteSheetSource => "note a sheet's source document",
            Act::RotateLogKey => "rotate the log key",
        })
    }
}

fn text(field: &'static str, value: &str, max: usize) -> Result<(), LimitError> {
    if value.len() > max {
        return Err(LimitError::TooLong {
            field,
            bytes: value.len() as u64,
            limit: max as u64,
        });
    }
    Ok(())
}

fn count(field: &'static str, n: usize, max: usize) -> Result<(), LimitError> {
    if n > max {
        return Err(LimitError::TooMany {
            field,
            count: n as u64,
            limit: max as u64,
        });
    }
    Ok(())
}

fn sheet_limits(sheet: &TallySheet) -> Result<(), LimitError> {
    count("votes per pair", sheet.votes.len(), MAX_PAIRS)?;
    count(
        "votes by type",
        sheet.votes_by_type.len(),
        MAX_PAIRS * MAX_VOTE_TYPES,
    )
}

impl Event {
    /// The act this event performs.
    pub fn act(&self) -> Act {
        match self {
            Event::OfficerRegistered { .. } => Act::RegisterOfficer,
            Event::OfficerRevoked { .. } => Act::RevokeOfficer,
            Event::SheetSubmitted { .. } => Act::SubmitSheet,
            Event::SheetCorrected { .. } => Act::CorrectSheet,
            Event::RevoteRecorded { .. } => Act::RecordRevote,
            Event::StationVoided { .. } => Act::VoidStation,
            Event::ObjectionFiled { .. } => Act::FileObjection,
            Event::ObjectionResolved { .. } => Act::ResolveObjection,
            Event::PlenaryApproved { .. } => Act::ApprovePlenary,
            Event::SheetSource { .. } => Act::NoteSheetSource,
        }
    }

    /// Checks every string and collection against [`crate::limits`].
    pub fn check_limits(&self) -> Result<(), LimitError> {
        match self {
            Event::OfficerRegistered { role, scope, .. } => {
                text("scope", scope, MAX_REGION_CODE_BYTES)?;
                if let Role::Witness { contest, .. } = role {
                    text("contest", contest, MAX_CONTEST_ID_BYTES)?;
                }
                Ok(())
            }
            Event::OfficerRevoked { reason, .. } => text("reason", reason, MAX_REASON_BYTES),
            Event::SheetSubmitted {
                station,
                contest,
                sheet,
            } => {
                text("station", station, MAX_STATION_CODE_BYTES)?;
                text("contest", contest, MAX_CONTEST_ID_BYTES)?;
                sheet_limits(sheet)
            }
            Event::SheetCorrected {
                station,
                contest,
                sheet,
                reason,
                ..
            } => {
                text("station", station, MAX_STATION_CODE_BYTES)?;
                text("contest", contest, MAX_CONTEST_ID_BYTES)?;
                text("reason", reason, MAX_REASON_BYTES)?;
                sheet_limits(sheet)
            }
            Event::RevoteRecorded {
                station,
                contest,
                reason,
            }
            | Event::StationVoided {
                station,
                contest,
                reason,
            } => {
                text("station", station, MAX_STATION_CODE_BYTES)?;
                text("contest", contest, MAX_CONTEST_ID_BYTES)?;
                text("reason", reason, MAX_REASON_BYTES)
            }
            Event::ObjectionFiled {
                place,
                contest,
                text: body,
            } => {
                text("place", place, MAX_STATION_CODE_BYTES)?;
                text("contest", contest, MAX_CONTEST_ID_BYTES)?;
                text("objection text", body, MAX_OBJECTION_TEXT_BYTES)
            }
            Event::ObjectionResolved { reason, .. } => text("reason", reason, MAX_REASON_BYTES),
            Event::PlenaryApproved {
                region,
                contest,
                signatures,
                refusals,
                ..
            } => {
                text("region", region, MAX_REGION_CODE_BYTES)?;
                text("contest", contest, MAX_CONTEST_ID_BYTES)?;
                count(
                    "witness signatures",
                    signatures.len(),
                    MAX_WITNESS_SIGNATURES,
                )?;
                count("witness refusals", refusals.len(), MAX_WITNESS_REFUSALS)?;
                for refusal in refusals {
                    text("refusal reason", &refusal.reason, MAX_REASON_BYTES)?;
                }
                Ok(())
            }
            Event::SheetSource {
                station,
                contest,
                photos,
                ..
            } => {
                text("station", station, MAX_STATION_CODE_BYTES)?;
                text("contest", contest, MAX_CONTEST_ID_BYTES)?;
                count("photos", photos.len(), MAX_SOURCE_PHOTOS)?;
                for photo in photos {
                    text("photo URL", photo, MAX_PHOTO_URL_BYTES)?;
                }
                Ok(())
            }
        }
    }
}

/// What witnesses sign on a plenary approval: the bytes are
/// `"rekap/v1/approval-statement" || bincode(statement)`, signed with ed25519 as they are.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct ApprovalStatement {
    pub definition_hash: [u8; 32],
    pub region: String,
    pub contest: String,
    pub digest: [u8; 32],
}

impl ApprovalStatement {
    /// The signed bytes.
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = APPROVAL_STATEMENT_DOMAIN.to_vec();
        out.extend_from_slice(&encode(self));
        out
    }
}

/// The meaning of a log record's payload bytes.
// The genesis is inline although larger than the other variants: there is one per log, and
// a boxed one would change every construction and pattern of it for a few hundred bytes.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Encode)]
pub enum Payload {
    /// The first record: the election definition and the log it names (origin and log
    /// key), signed by its registrar.
    Genesis(Genesis),
    /// Every later record: events bound to the definition by its hash. All or none apply.
    Events {
        definition_hash: [u8; 32],
        events: Vec<Event>,
    },
    /// The registrar names a new log key (R65): it signs every checkpoint whose tree holds
    /// this record; the key before it signs only smaller trees. A payload of its own, so a
    /// verifier finds every key of a log from the payloads' first bytes alone.
    LogKeyRotated {
        definition_hash: [u8; 32],
        key: [u8; 32],
    },
}

/// The canonical bytes of a payload.
pub fn encode_payload(payload: &Payload) -> Vec<u8> {
    encode(payload)
}

/// A genesis (variant 0) carries the definition's `format_version` at offset 4 whatever the
/// layout after it, so a genesis of another version is named as such instead of failing
/// somewhere in a layout it does not have.
fn check_definition_version(bytes: &[u8]) -> Result<(), DecodeError> {
    let word = |at: usize| -> Option<u32> {
        let four: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
        Some(u32::from_le_bytes(four))
    };
    match (word(0), word(4)) {
        (Some(0), Some(found)) if found != crate::definition::DEFINITION_FORMAT_VERSION => {
            Err(DecodeError::DefinitionVersion {
                found,
                supported: crate::definition::DEFINITION_FORMAT_VERSION,
            })
        }
        _ => Ok(()),
    }
}

/// An `Events` payload (variant 1) carries its event count at offset 36: more than
/// [`MAX_EVENTS_PER_PAYLOAD`] is refused as such before decoding.
fn check_event_count(bytes: &[u8]) -> Result<(), DecodeError> {
    let index: Option<[u8; 4]> = bytes.get(..4).and_then(|b| b.try_into().ok());
    let events: Option<[u8; 8]> = bytes.get(36..44).and_then(|b| b.try_into().ok());
    match (
        index.map(u32::from_le_bytes),
        events.map(u64::from_le_bytes),
    ) {
        (Some(1), Some(n)) => count(
            "events per payload",
            n.try_into().unwrap_or(usize::MAX),
            MAX_EVENTS_PER_PAYLOAD,
        )
        .map_err(DecodeError::Limit),
        _ => Ok(()),
    }
}

/// Decodes payload bytes: never panics; refuses trailing bytes and anything over a limit.
/// (A genesis definition is validated further by [`crate::Election::new`].)
pub fn decode_payload(bytes: &[u8]) -> Result<Payload, DecodeError> {
    if bytes.len() > MAX_CANONICAL_BYTES {
        return Err(DecodeError::TooLarge {
            bytes: bytes.len() as u64,
            limit: MAX_CANONICAL_BYTES as u64,
        });
    }
    check_definition_version(bytes)?;
    check_event_count(bytes)?;
    let (payload, read): (Payload, usize) = bincode::decode_from_slice(bytes, canonical())
        .map_err(|error| DecodeError::Bincode(crate::encoding::decode_error_text(&error)))?;
    if read != bytes.len() {
        return Err(DecodeError::TrailingBytes {
            extra: (bytes.len() - read.min(bytes.len())) as u64,
        });
    }
    if let Payload::Events { events, .. } = &payload {
        count("events per payload", events.len(), MAX_EVENTS_PER_PAYLOAD)?;
        for (index, event) in events.iter().enumerate() {
            event.check_limits().map_err(|limit| DecodeError::Event {
                index: index as u64,
                limit,
            })?;
        }
    }
    Ok(payload)
}

/// Event `index` of an `Events` payload, decoded alone: the payload is read in place and
/// checked whole (it must be one [`decode_payload`] accepts), and only that event is
/// decoded (an import's record holds 10,000 sheets; a station's history needs one).
/// `Ok(None)`: another kind of payload, or no such event. A payload that does not decode
/// gives [`decode_payload`]'s error.
pub fn decode_event_at(bytes: &[u8], index: usize) -> Result<Option<Event>, DecodeError> {
    let located = match crate::decoding::borrowed::event_bytes_at(bytes, index) {
        Ok(located) => located,
        // Another kind of payload, or one that does not decode: the owned decoder reads
        // it, and says why (field and limit).
        Err(_) => {
            return decode_payload(bytes).map(|payload| match payload {
                Payload::Events { mut events, .. } if index < events.len() => {
                    Some(events.swap_remove(index))
                }
                _ => None,
            })
        }
    };
    let Some(event_bytes) = located else {
        return Ok(None);
    };
    let (event, read): (Event, usize) = bincode::decode_from_slice(event_bytes, canonical())
        .map_err(|error| DecodeError::Bincode(crate::encoding::decode_error_text(&error)))?;
    if read != event_bytes.len() {
        return Err(DecodeError::TrailingBytes {
            extra: (event_bytes.len() - read.min(event_bytes.len())) as u64,
        });
    }
    event.check_limits().map_err(|limit| DecodeError::Event {
        index: index as u64,
        limit,
    })?;
    Ok(Some(event))
}
