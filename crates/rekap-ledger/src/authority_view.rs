//! The saved authority state: the state's officers, objections, approvals and log keys
//! (`rekap_model::AuthorityPart`) and every author's last counter, at one head, so that an
//! append that changes no sheet (an approval, an objection, a rejection) is decided without
//! a replay (`crate::thin`).
//!
//! Derived state like the totals, stations and history views: saved wherever they are, in a
//! view file stamped with the end of the log and checked per block, and stamped inside with
//! the head (seq and record hash) and the definition's hash; missing, stale, damaged or of
//! another version only means "replay". `rekap audit` compares it byte for byte with the
//! replay (check 8). The byte layout is in docs/FORMAT.md ("Authority state body"): one
//! bincode value, fixed-width little-endian integers.

use std::collections::BTreeMap;

use bincode::{Decode, Encode};
use rekap_log::{Head, Record, Storage};
use rekap_model::{
    Approval, AuthorityPart, ContestIdx, EventId, LogKeyPeriod, Objection, ObjectionStatus,
    Officer, OfficerIdx, Place, RegionIdx, Role, State, StationId, WitnessRefusal,
};

use crate::error::LedgerError;
use crate::ledger::Ledger;

/// Name of the authority state in a store.
pub const AUTHORITY_VIEW: &str = "authority";
/// Bumped whenever the layout changes; a saved state of another format is ignored.
const FORMAT: u32 = 1;
const COMPUTED_BY: &str = concat!("rekap-ledger ", env!("CARGO_PKG_VERSION"));
/// Officers (7,831 nationally), approvals (7,750) with their witnesses, objections.
const MAX_BYTES: usize = 256 << 20;
const CONFIG: bincode::config::Configuration<
    bincode::config::LittleEndian,
    bincode::config::Fixint,
    bincode::config::Limit<MAX_BYTES>,
> = bincode::config::standard()
    .with_fixed_int_encoding()
    .with_little_endian()
    .with_limit::<MAX_BYTES>();

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
struct Body {
    format: u32,
    computed_by: String,
    head_count: u64,
    head_hash: [u8; 32],
    definition_hash: [u8; 32],
    last_seq: u64,
    officers: Vec<SavedOfficer>,
    objections: Vec<SavedObjection>,
    approvals: Vec<SavedApproval>,
    log_origin: String,
    /// (from tree size, key), oldest first.
    log_keys: Vec<(u64, [u8; 32])>,
    /// Every author's last counter, by key.
    counters: Vec<([u8; 32], u64)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
struct SavedOfficer {
    key: [u8; 32],
    /// 0 operator, 1 official, 2 witness (with contest and pair), 3 auditor.
    role: u8,
    contest: String,
    pair: u32,
    scope: u32,
    registered_at: EventId,
    revoked_at: Option<EventId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
struct SavedObjection {
    id: EventId,
    author: [u8; 32],
    /// 0 a region, 1 a station.
    place_kind: u8,
    place: u32,
    contest: u32,
    text: String,
    /// 0 open, 1 accepted, 2 rejected.
    status: u8,
    correction: EventId,
    resolved_by: EventId,
    reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
struct SavedApproval {
    id: EventId,
    recorded_at_ms: u64,
    official: [u8; 32],
    region: u32,
    contest: u32,
    digest: [u8; 32],
    signers: Vec<[u8; 32]>,
    refusals: Vec<([u8; 32], String)>,
    open_objections: Vec<EventId>,
}

/// A saved authority state read back: the part, and the authors' counters.
pub struct SavedAuthority {
    pub part: AuthorityPart,
    pub counters: BTreeMap<[u8; 32], u64>,
    pub definition_hash: [u8; 32],
}

const NO_EVENT: EventId = EventId { seq: 0, index: 0 };

fn role_of(officer: &Officer) -> (u8, String, u32) {
    match &officer.role {
        Role::Operator => (0, String::new(), 0),
        Role::Official => (1, String::new(), 0),
        Role::Witness { contest, pair } => (2, contest.clone(), *pair),
        Role::Auditor => (3, String::new(), 0),
    }
}

/// The body saved for `part` at `head` with the authors' `counters`.
pub fn encode(
    part: &AuthorityPart,
    head: &Head,
    definition_hash: [u8; 32],
    counters: &BTreeMap<[u8; 32], u64>,
) -> Vec<u8> {
    let officers = (part.officers.iter())
        .map(|officer| {
            let (role, contest, pair) = role_of(officer);
            SavedOfficer {
                key: officer.key,
                role,
                contest,
                pair,
                scope: officer.scope.0,
                registered_at: officer.registered_at,
                revoked_at: officer.revoked_at,
            }
        })
        .collect();
    let objections = part.objections.iter().map(saved_objection).collect();
    let approvals = (part.approvals.iter())
        .map(|approval| SavedApproval {
            id: approval.id,
            recorded_at_ms: approval.recorded_at_ms,
            official: approval.official,
            region: approval.region.0,
            contest: approval.contest.0,
            digest: approval.digest,
            signers: approval.signers.clone(),
            refusals: (approval.refusals.iter())
                .map(|refusal| (refusal.witness, refusal.reason.clone()))
                .collect(),
            open_objections: approval.open_objections.clone(),
        })
        .collect();
    let body = Body {
        format: FORMAT,
        computed_by: COMPUTED_BY.to_owned(),
        head_count: head.count,
        head_hash: head.last_hash,
        definition_hash,
        last_seq: part.last_seq,
        officers,
        objections,
        approvals,
        log_origin: part.log_origin.clone(),
        log_keys: (part.log_keys.iter())
            .map(|period| (period.from_size, period.key))
            .collect(),
        counters: counters.iter().map(|(key, last)| (*key, *last)).collect(),
    };
    // Only owned strings and integers: encoding cannot fail.
    bincode::encode_to_vec(&body, CONFIG).unwrap_or_default()
}

fn saved_objection(objection: &Objection) -> SavedObjection {
    let (place_kind, place) = match objection.place {
        Place::Region(region) => (0, region.0),
        Place::Station(station) => (1, station.0),
    };
    let (status, correction, resolved_by, reason) = match &objection.status {
        ObjectionStatus::Open => (0, NO_EVENT, NO_EVENT, String::new()),
        ObjectionStatus::Accepted {
            correction,
            resolved_by,
            reason,
        } => (1, *correction, *resolved_by, reason.clone()),
        ObjectionStatus::Rejected {
            resolved_by,
            reason,
        } => (2, NO_EVENT, *resolved_by, reason.clone()),
    };
    SavedObjection {
        id: objection.id,
        author: objection.author,
        place_kind,
        place,
        contest: objection.contest.0,
        text: objection.text.clone(),
        status,
        correction,
        resolved_by,
        reason,
    }
}

/// The saved state in `body` if it is of this format and version and of `head`; `None`
/// otherwise (then replay). The part is checked to hold together by
/// `rekap_model::AuthorityState::new`, not here.
pub fn decode(body: &[u8], head: &Head) -> Option<SavedAuthority> {
    let (saved, used) = bincode::decode_from_slice::<Body, _>(body, CONFIG).ok()?;
    let current = used == body.len()
        && saved.format == FORMAT
        && saved.computed_by == COMPUTED_BY
        && (saved.head_count, saved.head_hash) == (head.count, head.last_hash)
        && saved.last_seq == head.count;
    if !current {
        return None;
    }
    let officers = (saved.officers.into_iter().enumerate())
        .map(|(index, officer)| {
            let role = match officer.role {
                0 => Role::Operator,
                1 => Role::Official,
                2 => Role::Witness {
                    contest: officer.contest,
                    pair: officer.pair,
                },
                3 => Role::Auditor,
                _ => return None,
            };
            Some(Officer {
                index: OfficerIdx(index as u32),
                key: officer.key,
                role,
                scope: RegionIdx(officer.scope),
                registered_at: officer.registered_at,
                revoked_at: officer.revoked_at,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let objections = (saved.objections.into_iter())
        .map(objection_of)
        .collect::<Option<Vec<_>>>()?;
    let approvals = (saved.approvals.into_iter())
        .map(|approval| Approval {
            id: approval.id,
            recorded_at_ms: approval.recorded_at_ms,
            official: approval.official,
            region: RegionIdx(approval.region),
            contest: ContestIdx(approval.contest),
            digest: approval.digest,
            signers: approval.signers,
            refusals: (approval.refusals.into_iter())
                .map(|(witness, reason)| WitnessRefusal { witness, reason })
                .collect(),
            open_objections: approval.open_objections,
        })
        .collect();
    Some(SavedAuthority {
        part: AuthorityPart {
            last_seq: saved.last_seq,
            officers,
            objections,
            approvals,
            log_origin: saved.log_origin,
            log_keys: (saved.log_keys.into_iter())
                .map(|(from_size, key)| LogKeyPeriod { from_size, key })
                .collect(),
        },
        counters: saved.counters.into_iter().collect(),
        definition_hash: saved.definition_hash,
    })
}

fn objection_of(saved: SavedObjection) -> Option<Objection> {
    let place = match saved.place_kind {
        0 => Place::Region(RegionIdx(saved.place)),
        1 => Place::Station(StationId(saved.place)),
        _ => return None,
    };
    let status = match saved.status {
        0 => ObjectionStatus::Open,
        1 => ObjectionStatus::Accepted {
            correction: saved.correction,
            resolved_by: saved.resolved_by,
            reason: saved.reason,
        },
        2 => ObjectionStatus::Rejected {
            resolved_by: saved.resolved_by,
            reason: saved.reason,
        },
        _ => return None,
    };
    Some(Objection {
        id: saved.id,
        author: saved.author,
        place,
        contest: ContestIdx(saved.contest),
        text: saved.text,
        status,
    })
}

/// Audit check 8 on a saved authority state `body` of the log `records`, whose replay gave
/// `state` at `head`: every byte is what the log gives (the part and every author's last
/// counter). `Err` says what differs.
pub fn check_authority_view(
    body: &[u8],
    state: &State,
    head: &Head,
    records: &[Record],
) -> Result<(), String> {
    let mut counters = BTreeMap::new();
    for record in records {
        counters.insert(record.author, record.counter);
    }
    let expected = encode(
        &state.authority_part(),
        head,
        state.definition_hash(),
        &counters,
    );
    if expected == body {
        Ok(())
    } else {
        Err(
            "the saved authority state differs from the log's replay (an officer, an \
             objection, an approval, a log key or an author's counter)"
                .to_owned(),
        )
    }
}

impl<S: Storage> Ledger<S> {
    /// Saves the authority state of the head, if the ledger is replayed to it and the
    /// storage has every author's counter at hand; otherwise nothing (the next append that
    /// could use it replays instead).
    pub fn save_authority_state(&mut self) -> Result<(), LedgerError> {
        let head = self.head();
        if self.state().last_seq() != head.count {
            return Ok(());
        }
        let Some(counters) = self.log().known_counters() else {
            return Ok(());
        };
        let body = encode(
            &self.state().authority_part(),
            &head,
            self.state().definition_hash(),
            &counters,
        );
        self.log_mut()
            .storage_mut()
            .put_view(AUTHORITY_VIEW, &body)?;
        Ok(())
    }
}
