//! Running the audit over a verified chain's records.

use rekap_log::verify::SIGNATURE_FAILURE;
use rekap_log::{Record, VerifyReport};
use rekap_model::{
    decode_payload, ContestIdx, Envelope, Event, Payload, Refusal, RegionIdx, State,
};
use rekap_projection::{rollup::rollup, Projection, Totals};

use crate::check::{AuditReport, Tally};
use crate::classify::check_of;

/// Most flags the report lists.
const LISTED_FLAGS: usize = 1_000;

/// Audits `records` (all of a log, in order) whose chain was checked into `chain`.
/// `view_digest` is the projection digest a store's saved totals view claims for this head.
pub fn audit(
    chain: &VerifyReport,
    records: &[Record],
    view_digest: Option<[u8; 32]>,
) -> AuditReport {
    let mut tallies: Vec<Tally> = (0..9).map(|_| Tally::new()).collect();
    chain_checks(chain, &mut tallies);
    let replayed = replay(records, &mut tallies);
    let mut projection_digest = None;
    if let Some((state, projection, accepted)) = &replayed {
        sheet_versions(state, &mut tallies[5]);
        final_state(state, projection, accepted, &mut tallies[7]);
        let digest = projection.projection_digest(state);
        if let Some(claimed) = view_digest {
            tallies[7].checked += 1;
            if claimed != digest {
                let reason = "the store's totals view claims another projection digest".to_owned();
                tallies[7].fail(None, reason);
            }
        }
        projection_digest = Some(hex(&digest));
    }
    let flags = replayed
        .as_ref()
        .map(|(state, projection, _)| flag_lines(state, projection))
        .unwrap_or_default();
    tallies[8].checked = flags.len() as u64;
    let checks: Vec<_> = tallies
        .into_iter()
        .enumerate()
        .map(|(index, tally)| tally.result(index as u8 + 1))
        .collect();
    AuditReport {
        ok: checks.iter().all(|check| check.passed),
        records: chain.records,
        head: hex(&chain.head),
        projection_digest,
        checks,
        flags: flags.into_iter().take(LISTED_FLAGS).collect(),
    }
}

fn hex(bytes: &[u8; 32]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Checks 1 and 2 from the chain verification.
fn chain_checks(chain: &VerifyReport, tallies: &mut [Tally]) {
    tallies[0].checked = chain.records;
    tallies[1].checked = chain.records;
    for failure in &chain.failures {
        let check = if failure.reason == SIGNATURE_FAILURE {
            1
        } else {
            0
        };
        tallies[check].fail(failure.seq, failure.reason.clone());
    }
    if chain.failures_not_listed > 0 {
        tallies[0].failed += chain.failures_not_listed;
    }
}

type Replayed = (State, Projection, Vec<Payload>);

/// Checks 3 to 7: every record's payload judged again by the model, in order. A refused
/// payload is reported under the check its refusal belongs to and left out, so that the
/// rest of the log can still be judged.
fn replay(records: &[Record], tallies: &mut [Tally]) -> Option<Replayed> {
    let Some(first) = records.first() else {
        tallies[2].fail(None, "the log is empty: no genesis".to_owned());
        return None;
    };
    tallies[2].checked += 1;
    let genesis = match decode_payload(&first.payload) {
        Ok(payload @ Payload::Genesis(_)) => payload,
        Ok(_) => {
            let reason = "record 1 is not a genesis".to_owned();
            tallies[2].fail_rule(Some(first.seq), reason, Some(Refusal::NoGenesis.rule()));
            return None;
        }
        Err(error) => {
            tallies[2].fail_rule(
                Some(first.seq),
                format!("record 1 does not decode: {error}"),
                Some(error.rule()),
            );
            return None;
        }
    };
    let mut state = match State::genesis(&envelope(first), &genesis) {
        Ok(state) => state,
        Err(refusal) => {
            tallies[2].fail_rule(Some(first.seq), refusal.to_string(), Some(refusal.rule()));
            return None;
        }
    };
    let mut projection = Projection::new(&state);
    let mut accepted = vec![genesis];
    for record in &records[1..] {
        if let Some(payload) = judge(record, &mut state, &mut projection, tallies) {
            accepted.push(payload);
        }
    }
    Some((state, projection, accepted))
}

fn judge(
    record: &Record,
    state: &mut State,
    projection: &mut Projection,
    tallies: &mut [Tally],
) -> Option<Payload> {
    tallies[2].checked += 1;
    let payload = match decode_payload(&record.payload) {
        Ok(payload) => payload,
        Err(error) => {
            tallies[4].checked += 1;
            tallies[4].fail_rule(
                Some(record.seq),
                format!("payload does not decode: {error}"),
                Some(error.rule()),
            );
            return None;
        }
    };
    count_events(&payload, tallies);
    match projection.execute_payload(state, &envelope(record), &payload) {
        Ok(_) => Some(payload),
        Err(refused) => {
            let check = check_of(&refused.refusal) as usize;
            let event = refused
                .index
                .map_or_else(|| "payload".to_owned(), |index| format!("event {index}"));
            let reason = format!("{event}: {}", refused.refusal);
            tallies[check - 1].fail_rule(Some(record.seq), reason, Some(refused.refusal.rule()));
            None
        }
    }
}

fn count_events(payload: &Payload, tallies: &mut [Tally]) {
    let Payload::Events { events, .. } = payload else {
        return;
    };
    tallies[3].checked += events.len() as u64;
    tallies[4].checked += events.len() as u64;
    for event in events {
        match event {
            Event::SheetSubmitted { .. } | Event::SheetCorrected { .. } => tallies[5].checked += 1,
            Event::PlenaryApproved { .. } => tallies[6].checked += 1,
            _ => {}
        }
    }
}

fn envelope(record: &Record) -> Envelope {
    Envelope {
        seq: record.seq,
        recorded_at_ms: record.recorded_at_ms,
        author: record.author,
    }
}

/// Check 6 beyond the decisions: every version of every sheet in the history, again.
fn sheet_versions(state: &State, tally: &mut Tally) {
    let election = state.election();
    for entry in state.entries() {
        let Some(sheet) = &entry.sheet else {
            continue;
        };
        let pairs = election
            .contest(entry.contest)
            .map_or(0, |contest| contest.pairs.len() as u32);
        if let Err(violation) = sheet
            .unpack()
            .check_hard_rules(pairs, election.station_capacity())
        {
            tally.fail_rule(
                Some(entry.id.seq),
                format!("sheet {}: {violation}", entry.id),
                Some(violation.rule()),
            );
        }
    }
}

/// Check 8: the totals rebuilt straight from the accepted payloads equal the projection's
/// for every region, and every region is the sum of its children.
fn final_state(state: &State, projection: &Projection, accepted: &[Payload], tally: &mut Tally) {
    let election = state.election();
    let rolled = rollup(election, accepted);
    let regions = election.tree().region_count();
    for (contest, rolled) in rolled.iter().enumerate() {
        let contest = ContestIdx(contest as u32);
        for region in 0..regions {
            let region = RegionIdx(region);
            tally.checked += 1;
            let projected = projection.totals(state, contest, region);
            let code = election.region_code(region).unwrap_or_default();
            if rolled.get(region.0 as usize) != Some(&projected) {
                tally.fail(
                    None,
                    format!("region {code}: the rebuilt totals differ from the projection's"),
                );
                continue;
            }
            let children = election.tree().children(region);
            if !children.is_empty() {
                let mut sum = Totals::zero(projected.votes.len());
                for child in children {
                    sum.add(&projection.totals(state, contest, *child));
                }
                if sum != projected {
                    tally.fail(None, format!("region {code}: not the sum of its children"));
                }
            }
        }
    }
}

fn flag_lines(state: &State, projection: &Projection) -> Vec<String> {
    projection
        .flags()
        .iter()
        .map(|raised| {
            let station = state
                .election()
                .station_code(raised.station)
                .unwrap_or_default();
            format!("{} {station}: {:?}", raised.id, raised.flag)
        })
        .collect()
}
