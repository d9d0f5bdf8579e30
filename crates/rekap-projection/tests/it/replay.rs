//! Replay equals incremental: the projection kept in sync payload by payload equals one
//! built from scratch over the same state, and one rebuilt by replaying the same payloads.

use proptest::prelude::*;
use rekap_model::{Event, State, TallySheet};
use rekap_projection::Projection;

use crate::world::*;

#[derive(Clone, Debug)]
enum Step {
    Submit {
        station: usize,
        votes: [u32; 2],
    },
    /// A votes-only sheet without an invalid count.
    SubmitWithoutInvalid {
        station: usize,
        votes: [u32; 2],
    },
    Correct {
        station: usize,
        votes: [u32; 2],
    },
    Void {
        station: usize,
    },
    Revote {
        station: usize,
    },
    Approve {
        region: usize,
    },
}

const PLENARY: [&str; 6] = ["647101", "647201", "647202", "6471", "6472", "64"];

fn district_of(station: &str) -> &'static str {
    match &station[..6] {
        "647101" => "647101",
        "647201" => "647201",
        _ => "647202",
    }
}

fn step() -> impl Strategy<Value = Step> {
    let votes = [0u32..200, 0u32..200];
    prop_oneof![
        3 => (0..9usize, votes.clone()).prop_map(|(station, votes)| Step::Submit { station, votes }),
        1 => (0..9usize, votes.clone()).prop_map(|(station, votes)| Step::SubmitWithoutInvalid { station, votes }),
        2 => (0..9usize, votes).prop_map(|(station, votes)| Step::Correct { station, votes }),
        1 => (0..9usize).prop_map(|station| Step::Void { station }),
        1 => (0..9usize).prop_map(|station| Step::Revote { station }),
        3 => (0..6usize).prop_map(|region| Step::Approve { region }),
    ]
}

fn without_invalid(votes: &[u32; 2]) -> TallySheet {
    TallySheet {
        votes: votes.to_vec(),
        valid: votes[0] + votes[1],
        invalid: None,
        votes_only: true,
        ..TallySheet::default()
    }
}

/// Runs a step; refused steps (e.g. a correction of a station without a sheet) are simply
/// not recorded, as an operator's refused command is not.
fn run(world: &mut World, step: &Step) {
    let _ = match step {
        Step::Submit { station, votes } => {
            world.run(OPERATOR, vec![submit(STATIONS[*station], votes)])
        }
        Step::SubmitWithoutInvalid { station, votes } => world.run(
            OPERATOR,
            vec![Event::SheetSubmitted {
                station: STATIONS[*station].into(),
                contest: GUBERNUR.into(),
                sheet: without_invalid(votes),
            }],
        ),
        Step::Correct { station, votes } => {
            let code = STATIONS[*station];
            world.run(official_of(district_of(code)), vec![correct(code, votes)])
        }
        Step::Void { station } => {
            let code = STATIONS[*station];
            world.run(
                official_of(district_of(code)),
                vec![Event::StationVoided {
                    station: code.into(),
                    contest: GUBERNUR.into(),
                    reason: "destroyed".into(),
                }],
            )
        }
        Step::Revote { station } => {
            let code = STATIONS[*station];
            world.run(
                official_of(district_of(code)),
                vec![Event::RevoteRecorded {
                    station: code.into(),
                    contest: GUBERNUR.into(),
                    reason: "PSU ordered".into(),
                }],
            )
        }
        Step::Approve { region } => world.approve(PLENARY[*region]),
    };
}

/// Everything the projection shows, for comparison.
fn view(
    state: &State,
    projection: &Projection,
) -> Vec<(String, rekap_projection::Totals, [u8; 32], &'static str)> {
    let election = state.election();
    let contest = election.contest_by_id(GUBERNUR).unwrap();
    [
        "64",
        "6471",
        "6472",
        "647101",
        "647201",
        "647202",
        "6471010001",
        "6472010001",
        "6472010002",
        "6472020001",
    ]
    .iter()
    .map(|code| {
        let region = election.find_region(code).unwrap();
        (
            code.to_string(),
            projection.totals(state, contest, region),
            projection.digest(state, contest, region),
            projection.approval_state(state, contest, region).label(),
        )
    })
    .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn replay_equals_incremental(
        submit_first in any::<bool>(),
        steps in prop::collection::vec(step(), 1..40),
    ) {
        let mut world = World::new();
        if submit_first {
            world.submit_all();
        }
        for step in &steps {
            run(&mut world, step);
            // Query between steps so that the caches are warm and must be invalidated.
            let _ = world.digest("64");
        }
        // Computed in parallel first (regions holding stations split between threads),
        // from cold caches or warm ones: the same totals and digests.
        let prepared = Projection::new(&world.state);
        prepared.prepare_digests_with(&world.state, 1);
        prop_assert_eq!(&view(&world.state, &world.projection), &view(&world.state, &prepared));
        let warm = view(&world.state, &world.projection);
        world.projection.prepare_digests_with(&world.state, 1);
        prop_assert_eq!(&warm, &view(&world.state, &world.projection));
        let accepted = world.recorded.len() - 1;
        prop_assert!(!submit_first || accepted >= 1);
        let incremental = view(&world.state, &world.projection);
        let fresh = Projection::new(&world.state);
        prop_assert_eq!(&incremental, &view(&world.state, &fresh));
        prop_assert_eq!(
            world.projection.projection_digest(&world.state),
            fresh.projection_digest(&world.state)
        );

        // Replay the recorded payloads into a new state and projection.
        let (genesis_envelope, genesis) = &world.recorded[0];
        let mut state = State::genesis(genesis_envelope, genesis).unwrap();
        let mut projection = Projection::new(&state);
        for (envelope, payload) in &world.recorded[1..] {
            projection.execute_payload(&mut state, envelope, payload).unwrap();
        }
        prop_assert_eq!(&incremental, &view(&state, &projection));

        // The fast rebuild from the payloads alone gives every region the same totals.
        let payloads: Vec<Vec<u8>> = world
            .recorded
            .iter()
            .map(|(_, payload)| rekap_model::encode_payload(payload))
            .collect();
        let payloads: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
        // In one run, on every core, and one payload per layer (later layers override);
        // with the state's election and with the one read in place from the genesis bytes.
        let in_place = rekap_model::Election::in_place_from_genesis(payloads[0]).unwrap();
        for parts in [1, 2, payloads.len()] {
            let rolled =
                rekap_projection::rollup::rollup_in_parts(state.election(), &payloads, parts)
                    .unwrap();
            let rolled_in_place =
                rekap_projection::rollup::rollup_in_parts(&in_place, &payloads, parts).unwrap();
            for contest in 0..state.election().contests().len() as u32 {
                let contest = rekap_model::ContestIdx(contest);
                for region in 0..state.election().tree().region_count() {
                    let region = rekap_model::RegionIdx(region);
                    prop_assert_eq!(
                        rolled.totals(contest, region),
                        Some(projection.totals(&state, contest, region))
                    );
                    prop_assert_eq!(
                        rolled_in_place.totals(contest, region),
                        rolled.totals(contest, region)
                    );
                }
            }
        }
        prop_assert_eq!(
            world.projection.projection_digest(&world.state),
            projection.projection_digest(&state)
        );
    }
}

#[test]
fn the_projection_digest_changes_with_any_sheet() {
    let mut world = World::new();
    world.submit_all();
    let before = world.projection.projection_digest(&world.state);
    world.ok(official_of("647202"), vec![correct(STATIONS[7], &[1, 1])]);
    assert_ne!(world.projection.projection_digest(&world.state), before);
}
