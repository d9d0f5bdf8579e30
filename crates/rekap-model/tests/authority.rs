//! Issue 18: a state of the saved authority part, with no sheets (`AuthorityState`), decides
//! approvals, objections and rejections with the one decision code, and nothing else:
//! a sheet event (or an accepted resolution, which names a correction) is never decided
//! against it, neither through `execute` (which says "replay") nor through its state's
//! `decide` (refused); a key read back from the saved part is checked before it is used.

use rekap_model::*;
use rekap_test_kit::small_election::{self, official_of, GUBERNUR, OPERATOR, STATIONS, T0};
use rekap_test_kit::{apply_as, genesis_state, pk, AnyApproval};

/// The small election's state with every sheet, and its authority state.
fn both() -> (State, AuthorityState) {
    let mut state = genesis_state(small_election::definition("authority"));
    apply_as(&mut state, OPERATOR, small_election::all_sheets());
    let election = state.election().clone();
    let authority = AuthorityState::new(election, state.authority_part()).unwrap();
    (state, authority)
}

fn envelope(state: &State, author: u8) -> Envelope {
    Envelope {
        seq: state.last_seq() + 1,
        recorded_at_ms: T0 + 10_000,
        author: pk(author),
    }
}

fn payload(state: &State, event: Event) -> Payload {
    Payload::Events {
        definition_hash: state.definition_hash(),
        events: vec![event],
    }
}

#[test]
fn an_authority_state_decides_an_approval_as_the_whole_state_does() {
    let (mut state, mut authority) = both();
    let district = "647201";
    let approval = small_election::approve(district, [7; 32]);
    let at = envelope(&state, official_of(district));
    let whole = state.execute_payload(&at, &payload(&state, approval.clone()), &AnyApproval);
    let thin = authority.execute(&at, &payload(&state, approval), &AnyApproval);
    assert_eq!(thin, Ok(whole));
    assert_eq!(authority.state().authority_part(), state.authority_part());
    // A refusal (not an official) is the same refusal.
    let approval = small_election::approve(district, [7; 32]);
    let at = envelope(&state, OPERATOR);
    let whole = state.execute_payload(&at, &payload(&state, approval.clone()), &AnyApproval);
    let thin = authority.execute(&at, &payload(&state, approval), &AnyApproval);
    assert!(whole.is_err());
    assert_eq!(thin, Ok(whole));
}

#[test]
fn no_sheet_event_is_decided_against_an_authority_state() {
    let (state, mut authority) = both();
    let official = official_of("647201");
    let sheet_events = [
        small_election::correct(STATIONS[2], &[1, 2]),
        small_election::submit(STATIONS[2], &[1, 2]),
        Event::StationVoided {
            station: STATIONS[2].into(),
            contest: GUBERNUR.into(),
            reason: "burned".into(),
        },
        Event::ObjectionResolved {
            objection: EventId { seq: 2, index: 0 },
            resolution: Resolution::Accepted {
                correction: EventId { seq: 2, index: 1 },
            },
            reason: "corrected".into(),
        },
    ];
    for event in sheet_events {
        let at = envelope(&state, official);
        let answer = authority.execute(&at, &payload(&state, event.clone()), &AnyApproval);
        assert_eq!(answer, Err(NeedsReplay::ReadsSheets), "{event:?}");
        assert!(!AuthorityState::may_decide(std::slice::from_ref(&event)));
        // Nor through the state it lends for reading: refused, never answered from the
        // sheets it does not hold.
        let decided = authority.state().decide(&at, 0, &event, &AnyApproval);
        let refusal = decided.expect_err("a sheet event decided without the sheets");
        assert_eq!(refusal.rule().number(), 8, "{refusal}");
    }
    // The same correction is allowed against the whole state: the refusal above is the
    // missing sheets', not the event's.
    let correction = small_election::correct(STATIONS[2], &[1, 2]);
    let at = envelope(&state, official);
    assert!(state.decide(&at, 0, &correction, &AnyApproval).is_ok());
    assert!(!authority.state().holds_sheets());
    assert!(state.holds_sheets());
}

#[test]
fn a_saved_key_that_does_not_check_is_never_used() {
    let (state, _) = both();
    let mut part = state.authority_part();
    let district = "647201";
    // The district's official, as if the saved file named the identity point instead.
    let weak = {
        let mut identity = [0u8; 32];
        identity[0] = 1;
        identity
    };
    for officer in &mut part.officers {
        if officer.key == pk(official_of(district)) {
            officer.key = weak;
        }
    }
    let mut authority = AuthorityState::new(state.election().clone(), part).unwrap();
    let at = Envelope {
        author: weak,
        ..envelope(&state, official_of(district))
    };
    let approval = small_election::approve(district, [7; 32]);
    let answer = authority.execute(&at, &payload(&state, approval), &AnyApproval);
    assert_eq!(answer, Err(NeedsReplay::UncheckedKey));
}

#[test]
fn a_saved_part_that_does_not_hold_together_is_refused() {
    let (state, _) = both();
    let mut part = state.authority_part();
    part.officers.swap(0, 1);
    assert!(matches!(
        AuthorityState::new(state.election().clone(), part),
        Err(NeedsReplay::Inconsistent(_))
    ));
    let mut part = state.authority_part();
    part.log_keys.clear();
    assert!(AuthorityState::new(state.election().clone(), part).is_err());
}
