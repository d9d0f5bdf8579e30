//! Every event of the log that touches a place, read from the records themselves, so each
//! carries its author, the author's role and the record's time, and an objection's
//! resolution is an entry of its own.

use std::collections::BTreeMap;

use rekap_log::{DefaultStorage, Record};
use rekap_model::{
    decode_payload, ContestIdx, Election, Event, EventId, Payload, Place, Resolution, Role, State,
    TallySheet,
};

/// One event about the place asked for.
pub struct Entry {
    pub id: EventId,
    pub recorded_at_ms: u64,
    pub author: [u8; 32],
    /// The region or station code the event is about (an officer's scope for officer events).
    pub place: String,
    pub contest: Option<String>,
    pub what: What,
}

/// What happened, with what a reader needs to see of it.
pub enum What {
    ElectionDefined {
        name: String,
    },
    OfficerRegistered {
        key: [u8; 32],
        role: Role,
    },
    OfficerRevoked {
        key: [u8; 32],
        reason: String,
    },
    SheetSubmitted {
        sheet: TallySheet,
    },
    SheetCorrected {
        sheet: TallySheet,
        reason: String,
        answers: Option<EventId>,
    },
    RevoteOrdered {
        reason: String,
    },
    StationVoided {
        reason: String,
    },
    ObjectionFiled {
        text: String,
    },
    ObjectionResolved {
        objection: EventId,
        correction: Option<EventId>,
        reason: String,
    },
    PlenaryApproved {
        digest: [u8; 32],
        signatures: usize,
        refusals: usize,
    },
    /// The document an import read the station's sheet from (docs/FORMATS.md).
    SheetSource {
        document: [u8; 32],
        photos: Vec<String>,
    },
    /// The registrar named a new log key (docs/RULES.md R65), shown at the top region.
    LogKeyRotated {
        key: [u8; 32],
    },
}

impl What {
    /// The entry's kind for JSON and CSV.
    pub fn key(&self) -> &'static str {
        match self {
            What::ElectionDefined { .. } => "election_defined",
            What::OfficerRegistered { .. } => "officer_registered",
            What::OfficerRevoked { .. } => "officer_revoked",
            What::SheetSubmitted { .. } => "sheet_submitted",
            What::SheetCorrected { .. } => "sheet_corrected",
            What::RevoteOrdered { .. } => "revote_ordered",
            What::StationVoided { .. } => "station_voided",
            What::ObjectionFiled { .. } => "objection_filed",
            What::ObjectionResolved {
                correction: Some(_),
                ..
            } => "objection_accepted",
            What::ObjectionResolved { .. } => "objection_rejected",
            What::PlenaryApproved { .. } => "plenary_approved",
            What::SheetSource { .. } => "sheet_source",
            What::LogKeyRotated { .. } => "log_key_rotated",
        }
    }
}

/// Which entries to keep.
pub struct Filter<'a> {
    pub place: Place,
    pub contest: Option<&'a str>,
    /// From this record on.
    pub since_seq: u64,
    /// From this time on (ms since the epoch).
    pub since_ms: u64,
}

/// What wording an entry needs to know of the officers and objections: from the replayed
/// state, or from the saved history view.
pub trait People {
    fn registrar(&self) -> [u8; 32];
    /// An officer ever registered: its role and the code of its scope.
    fn officer(&self, key: &[u8; 32]) -> Option<(Role, String)>;
    /// The code of the place an objection is about, and its contest's id (a resolution
    /// belongs to its objection's contest).
    fn objection_place(&self, id: EventId) -> Option<(String, String)>;
}

/// The people of a replayed state.
pub struct Replayed<'a> {
    state: &'a State,
    objection_places: BTreeMap<EventId, (Place, ContestIdx)>,
}

impl<'a> Replayed<'a> {
    pub fn of(state: &'a State) -> Self {
        let objection_places = (state.objections())
            .map(|objection| (objection.id, (objection.place, objection.contest)))
            .collect();
        Replayed {
            state,
            objection_places,
        }
    }
}

impl People for Replayed<'_> {
    fn registrar(&self) -> [u8; 32] {
        self.state.election().registrar()
    }

    fn officer(&self, key: &[u8; 32]) -> Option<(Role, String)> {
        let officer = self.state.officer(key)?;
        let scope = self.state.election().region_code(officer.scope)?;
        Some((officer.role.clone(), scope.to_owned()))
    }

    fn objection_place(&self, id: EventId) -> Option<(String, String)> {
        let (place, contest) = *self.objection_places.get(&id)?;
        let election = self.state.election();
        let contest = election.contest(contest)?.id.clone();
        Some((election.place_code(place), contest))
    }
}

/// Every entry about `filter.place`, oldest first.
pub fn collect(
    log: &rekap_log::Log<DefaultStorage>,
    state: &State,
    filter: &Filter,
) -> anyhow::Result<Vec<Entry>> {
    let election = state.election();
    let people = Replayed::of(state);
    let mut entries = Vec::new();
    for record in log.records_from(1) {
        let record = record?;
        if record.seq < filter.since_seq || record.recorded_at_ms < filter.since_ms {
            continue;
        }
        let Ok(payload) = decode_payload(&record.payload) else {
            continue;
        };
        let events = match payload {
            Payload::Genesis(genesis) => {
                let name = genesis.definition.name;
                genesis_entries(election, &record, name, filter, &mut entries);
                continue;
            }
            Payload::LogKeyRotated { key, .. } => {
                let what = What::LogKeyRotated { key };
                entries.extend(top_region_entry(election, &record, what, filter));
                continue;
            }
            Payload::Events { events, .. } => events,
        };
        for (index, event) in events.into_iter().enumerate() {
            let id = EventId {
                seq: record.seq,
                index: index as u32,
            };
            let Some((place, contest, what)) = describe(&people, event) else {
                continue;
            };
            let touches = election
                .locate(&place)
                .is_some_and(|at| related(election, filter.place, at));
            let in_contest = filter
                .contest
                .is_none_or(|wanted| contest.as_deref() == Some(wanted));
            if touches && in_contest {
                entries.push(Entry {
                    id,
                    recorded_at_ms: record.recorded_at_ms,
                    author: record.author,
                    place,
                    contest,
                    what,
                });
            }
        }
    }
    Ok(entries)
}

/// The genesis, for a history of a top-level region: the election was defined, and its
/// initial officers registered.
/// An entry about the whole election, shown only in the top region's history.
fn top_region_entry(
    election: &Election,
    record: &Record,
    what: What,
    filter: &Filter,
) -> Option<Entry> {
    let Place::Region(region) = filter.place else {
        return None;
    };
    if election.tree().parent(region).is_some() || filter.contest.is_some() {
        return None;
    }
    Some(Entry {
        id: EventId {
            seq: record.seq,
            index: 0,
        },
        recorded_at_ms: record.recorded_at_ms,
        author: record.author,
        place: election.region_code(region).unwrap_or_default().to_owned(),
        contest: None,
        what,
    })
}

fn genesis_entries(
    election: &Election,
    record: &Record,
    name: String,
    filter: &Filter,
    entries: &mut Vec<Entry>,
) {
    let Place::Region(region) = filter.place else {
        return;
    };
    if election.tree().parent(region).is_some() || filter.contest.is_some() {
        return;
    }
    let id = EventId { seq: 1, index: 0 };
    entries.push(Entry {
        id,
        recorded_at_ms: record.recorded_at_ms,
        author: record.author,
        place: election.region_code(region).unwrap_or_default().to_owned(),
        contest: None,
        what: What::ElectionDefined { name },
    });
    for officer in &election.definition().initial_officers {
        entries.push(Entry {
            id,
            recorded_at_ms: record.recorded_at_ms,
            author: record.author,
            place: officer.scope.clone(),
            contest: witness_contest(&officer.role),
            what: What::OfficerRegistered {
                key: officer.key,
                role: officer.role.clone(),
            },
        });
    }
}

pub fn witness_contest(role: &Role) -> Option<String> {
    match role {
        Role::Witness { contest, .. } => Some(contest.clone()),
        _ => None,
    }
}

/// Whether an event about `at` belongs in the history of `asked`: it is about the place,
/// about something under it, or about a region above it (an objection or approval that
/// covers it).
fn related(election: &Election, asked: Place, at: Place) -> bool {
    let tree = election.tree();
    let covers = |outer: Place, inner: Place| match outer {
        Place::Region(region) => tree.covers(region, inner),
        Place::Station(station) => inner == Place::Station(station),
    };
    covers(asked, at) || covers(at, asked)
}

/// The place code, contest and reader's form of one event.
pub fn describe(people: &dyn People, event: Event) -> Option<(String, Option<String>, What)> {
    Some(match event {
        Event::OfficerRegistered { key, role, scope } => (
            scope,
            witness_contest(&role),
            What::OfficerRegistered { key, role },
        ),
        Event::OfficerRevoked { key, reason } => {
            let (_, scope) = people.officer(&key)?;
            (scope, None, What::OfficerRevoked { key, reason })
        }
        Event::SheetSubmitted {
            station,
            contest,
            sheet,
        } => (station, Some(contest), What::SheetSubmitted { sheet }),
        Event::SheetCorrected {
            station,
            contest,
            sheet,
            reason,
            answers,
        } => (
            station,
            Some(contest),
            What::SheetCorrected {
                sheet,
                reason,
                answers,
            },
        ),
        Event::RevoteRecorded {
            station,
            contest,
            reason,
        } => (station, Some(contest), What::RevoteOrdered { reason }),
        Event::StationVoided {
            station,
            contest,
            reason,
        } => (station, Some(contest), What::StationVoided { reason }),
        Event::ObjectionFiled {
            place,
            contest,
            text,
        } => (place, Some(contest), What::ObjectionFiled { text }),
        Event::ObjectionResolved {
            objection,
            resolution,
            reason,
        } => {
            let (place, contest) = people.objection_place(objection)?;
            let correction = match resolution {
                Resolution::Accepted { correction } => Some(correction),
                Resolution::Rejected => None,
            };
            let what = What::ObjectionResolved {
                objection,
                correction,
                reason,
            };
            (place, Some(contest), what)
        }
        Event::PlenaryApproved {
            region,
            contest,
            digest,
            signatures,
            refusals,
        } => (
            region,
            Some(contest),
            What::PlenaryApproved {
                digest,
                signatures: signatures.len(),
                refusals: refusals.len(),
            },
        ),
        Event::SheetSource {
            station,
            contest,
            document,
            photos,
        } => (
            station,
            Some(contest),
            What::SheetSource { document, photos },
        ),
    })
}
