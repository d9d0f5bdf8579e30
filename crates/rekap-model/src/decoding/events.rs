//! The events payload's types, decoded with a limit per field.

use super::{list, list_of_at_least, text, texts, variant, variant_index};
use crate::definition::Role;
use crate::event::{Event, EventId, Payload, Resolution, WitnessRefusal, WitnessSignature};
use crate::genesis::Genesis;
use crate::limits::*;
use crate::sheet::{Ballots, TallySheet, VotedLists, VoterLists};

/// The fewest bytes an event takes: its variant index (4) and three length prefixes (8
/// each): a re-vote, a void or an objection with empty texts. Every other event is longer.
const LEAST_EVENT_BYTES: usize = 4 + 3 * 8;

decode_with!(Payload, decoder => match variant_index(decoder)? {
    0 => Ok(Payload::Genesis(Genesis::decode(decoder)?)),
    1 => Ok(Payload::Events {
        definition_hash: <[u8; 32]>::decode(decoder)?,
        events: list_of_at_least(
            decoder,
            "events",
            MAX_EVENTS_PER_PAYLOAD,
            LEAST_EVENT_BYTES,
            Event::decode
        )?,
    }),
    2 => Ok(Payload::LogKeyRotated {
        definition_hash: <[u8; 32]>::decode(decoder)?,
        key: <[u8; 32]>::decode(decoder)?,
    }),
    found => Err(variant::<Payload>(found, 2)),
});

decode_with!(Event, decoder => match variant_index(decoder)? {
    0 => Ok(Event::OfficerRegistered {
        key: <[u8; 32]>::decode(decoder)?,
        role: Role::decode(decoder)?,
        scope: text(decoder, "scope", MAX_REGION_CODE_BYTES)?,
    }),
    1 => Ok(Event::OfficerRevoked {
        key: <[u8; 32]>::decode(decoder)?,
        reason: text(decoder, "reason", MAX_REASON_BYTES)?,
    }),
    2 => Ok(Event::SheetSubmitted {
        station: text(decoder, "station", MAX_STATION_CODE_BYTES)?,
        contest: text(decoder, "contest", MAX_CONTEST_ID_BYTES)?,
        sheet: TallySheet::decode(decoder)?,
    }),
    3 => Ok(Event::SheetCorrected {
        station: text(decoder, "station", MAX_STATION_CODE_BYTES)?,
        contest: text(decoder, "contest", MAX_CONTEST_ID_BYTES)?,
        sheet: TallySheet::decode(decoder)?,
        reason: text(decoder, "reason", MAX_REASON_BYTES)?,
        answers: Option::<EventId>::decode(decoder)?,
    }),
    4 => Ok(Event::RevoteRecorded {
        station: text(decoder, "station", MAX_STATION_CODE_BYTES)?,
        contest: text(decoder, "contest", MAX_CONTEST_ID_BYTES)?,
        reason: text(decoder, "reason", MAX_REASON_BYTES)?,
    }),
    5 => Ok(Event::StationVoided {
        station: text(decoder, "station", MAX_STATION_CODE_BYTES)?,
        contest: text(decoder, "contest", MAX_CONTEST_ID_BYTES)?,
        reason: text(decoder, "reason", MAX_REASON_BYTES)?,
    }),
    6 => Ok(Event::ObjectionFiled {
        place: text(decoder, "place", MAX_STATION_CODE_BYTES)?,
        contest: text(decoder, "contest", MAX_CONTEST_ID_BYTES)?,
        text: text(decoder, "objection text", MAX_OBJECTION_TEXT_BYTES)?,
    }),
    7 => Ok(Event::ObjectionResolved {
        objection: EventId::decode(decoder)?,
        resolution: Resolution::decode(decoder)?,
        reason: text(decoder, "reason", MAX_REASON_BYTES)?,
    }),
    8 => Ok(Event::PlenaryApproved {
        region: text(decoder, "region", MAX_REGION_CODE_BYTES)?,
        contest: text(decoder, "contest", MAX_CONTEST_ID_BYTES)?,
        digest: <[u8; 32]>::decode(decoder)?,
        signatures: list(
            decoder,
            "witness signatures",
            MAX_WITNESS_SIGNATURES,
            WitnessSignature::decode,
        )?,
        refusals: list(decoder, "witness refusals", MAX_WITNESS_REFUSALS, WitnessRefusal::decode)?,
    }),
    9 => Ok(Event::SheetSource {
        station: text(decoder, "station", MAX_STATION_CODE_BYTES)?,
        contest: text(decoder, "contest", MAX_CONTEST_ID_BYTES)?,
        document: <[u8; 32]>::decode(decoder)?,
        photos: texts(decoder, "photos", MAX_SOURCE_PHOTOS, MAX_PHOTO_URL_BYTES)?,
    }),
    found => Err(variant::<Event>(found, 9)),
});

decode_with!(WitnessRefusal, decoder => Ok(WitnessRefusal {
    witness: <[u8; 32]>::decode(decoder)?,
    reason: text(decoder, "refusal reason", MAX_REASON_BYTES)?,
}));

decode_with!(TallySheet, decoder => Ok(TallySheet {
    registered: VoterLists::decode(decoder)?,
    voted: VotedLists::decode(decoder)?,
    ballots: Ballots::decode(decoder)?,
    votes: list(decoder, "votes per pair", MAX_PAIRS, u32::decode)?,
    valid: u32::decode(decoder)?,
    invalid: Option::<u32>::decode(decoder)?,
    votes_only: bool::decode(decoder)?,
    votes_by_type: list(
        decoder,
        "votes by type",
        MAX_PAIRS * MAX_VOTE_TYPES,
        u32::decode,
    )?,
}));
