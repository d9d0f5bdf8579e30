//! Running the audit over a verified chain's records.

use rekap_ledger::authority_view::check_authority_view;
use rekap_ledger::history_view::{check_history_view, merged_for_check};
use rekap_ledger::record_locations::Locate;
use rekap_ledger::stations_view::check_stations_view;
use rekap_ledger::view::TotalsView;
use rekap_log::verify::SIGNATURE_FAILURE;
use rekap_log::{Head, Record, VerifyReport};
use rekap_model::{
    decode_payload, ContestIdx, Envelope, Event, Payload, Refusal, RegionIdx, State,
};
use rekap_projection::{rollup::rollup_of_payloads, Projection, Totals};

use crate::check::{AuditReport, Cause, Tally};
use crate::classify::check_of;

/// Most flags the report lists.
const LISTED_FLAGS: usize = 1_000;

/// Audits `records` (all of a log, in order) whose chain was checked into `chain`.
/// `view` is the store's saved totals view for this head, if it has one: check 8 holds
/// every line of it against the view recomputed from the log.
///
/// Records are named by their position in the log (1, 2, 3, ...), never by the `seq` they
/// store. Checks 3 to 9 judge only the records checks 1-2 authenticated: they stop before
/// the first record with a chain or signature failure, say so, and do not pass; no
/// projection digest is given then, nor when the file itself does not verify.
pub fn audit(chain: &VerifyReport, records: &[Record], view: Option<&TotalsView>) -> AuditReport {
    audit_with_views(
        chain,
        records,
        SavedViews {
            totals: view,
            ..SavedViews::default()
        },
        &mut |_, _| {},
    )
}

/// The views a store saved for its head: check 8 holds each against the log's replay.
#[derive(Clone, Copy, Default)]
pub struct SavedViews<'a> {
    pub totals: Option<&'a TotalsView>,
    /// The body of the stations view (`rekap_ledger::stations_view`).
    pub stations: Option<&'a [u8]>,
    /// The body of the history view (`rekap_ledger::history_view`).
    pub history: Option<&'a [u8]>,
    /// The history view's tail (`rekap_ledger::history_view::tail`), when `history` is the
    /// view it is over rather than a current one.
    pub history_tail: Option<&'a [u8]>,
    /// The body of the saved authority state (`rekap_ledger::authority_view`).
    pub authority: Option<&'a [u8]>,
    /// Where the store holds records (its segment file's index), for the stations and
    /// history views' record locations; `None`: they are not checked (a log without a
    /// segment file).
    pub locate: Option<&'a dyn Locate>,
}

/// [`audit`] with the store's saved stations view checked too, telling `progress` how many
/// of the records are judged again (every 4096 records and at the end), for a progress bar.
pub fn audit_with_views(
    chain: &VerifyReport,
    records: &[Record],
    views: SavedViews<'_>,
    progress: &mut dyn FnMut(u64, u64),
) -> AuditReport {
    let mut tallies: Vec<Tally> = (0..9).map(|_| Tally::new()).collect();
    chain_checks(chain, &mut tallies);
    let (judged, stopped_at) = authenticated(chain, records.len());
    let records = &records[..judged as usize];
    // Nothing to judge before an unauthenticated first record (not even its absence).
    let replayed = (judged > 0 || stopped_at.is_none())
        .then(|| replay(records, &mut tallies, progress))
        .flatten();
    let mut projection_digest = None;
    if let Some((state, projection, accepted)) = &replayed {
        sheet_versions(state, &mut tallies[5]);
        final_state(state, projection, accepted, &mut tallies[7]);
        if stopped_at.is_none() {
            if let Some(view) = views.totals {
                compare_view(view, state, projection, records, &mut tallies[7]);
            }
            if let Some(body) = views.stations {
                compare_stations_view(
                    body,
                    state,
                    projection,
                    records,
                    views.locate,
                    &mut tallies[7],
                );
            }
            if let Some(body) = views.history {
                let tail = views.history_tail;
                compare_history_view(body, tail, state, records, views.locate, &mut tallies[7]);
            }
            if let Some(body) = views.authority {
                compare_authority_state(body, state, records, &mut tallies[7]);
            }
            if chain.ok() {
                projection_digest = Some(hex(&projection.projection_digest(state)));
            }
        }
    }
    let flags = replayed
        .as_ref()
        .map(|(state, projection, _)| flag_lines(state, projection))
        .unwrap_or_default();
    tallies[8].checked = flags.len() as u64;
    let checks: Vec<_> = tallies
        .into_iter()
        .enumerate()
        .map(|(index, tally)| {
            let mut check = tally.result(index as u8 + 1);
            if check.number >= 3 && stopped_at.is_some() {
                check.stopped_at = stopped_at;
                check.passed = false;
            }
            check
        })
        .collect();
    AuditReport {
        ok: checks.iter().all(|check| check.passed),
        records: chain.records,
        head: hex(&chain.head),
        projection_digest,
        judged_records: judged,
        unauthenticated_record: stopped_at,
        checks,
        flags: (flags.iter().take(LISTED_FLAGS))
            .map(|(id, station, flag)| format!("{id} {station}: {flag}"))
            .collect(),
        listed_flags: flags.into_iter().take(LISTED_FLAGS).collect(),
    }
}

/// How many records from the first checks 1-2 authenticated, and the position of the
/// first they did not (the first failure at a record), if any.
fn authenticated(chain: &VerifyReport, available: usize) -> (u64, Option<u64>) {
    let readable = chain.records.min(available as u64);
    // Failures are sorted by position, those of no record last.
    let first_bad = chain.failures.first().and_then(|failure| failure.seq);
    match first_bad {
        // A failure just past the readable records is a record that could not be read at
        // all (damage after them): it is unauthenticated too, and ends the judgement.
        Some(position) if position <= readable + 1 => (position - 1, Some(position)),
        _ if readable < chain.records => (readable, Some(readable + 1)),
        _ => (readable, None),
    }
}

/// Check 8 on the store's saved totals view: every line of it, as the log gives it.
fn compare_view(
    view: &TotalsView,
    state: &State,
    projection: &Projection,
    records: &[Record],
    tally: &mut Tally,
) {
    let head = head_of(records);
    let truth = TotalsView::of(state, projection, &head, None);
    let comparison = view.compare_with(&truth);
    tally.checked += comparison.lines_checked.max(1);
    for difference in comparison.differences {
        tally.fail(None, format!("the store's totals view: {difference}"));
    }
    tally.failed += comparison.differences_not_listed;
}

/// Check 8 on the store's saved stations view: every byte of it, as the log gives it, and
/// every record location it names, as the store's index gives it (when `locate` is given).
fn compare_stations_view(
    body: &[u8],
    state: &State,
    projection: &Projection,
    records: &[Record],
    locate: Option<&dyn Locate>,
    tally: &mut Tally,
) {
    let head = head_of(records);
    let hash_at = |seq: u64| {
        let index = usize::try_from(seq.checked_sub(1)?).ok()?;
        records.get(index).map(|record| record.hash)
    };
    tally.checked += 1;
    let checked = check_stations_view(body, state, projection, &head, hash_at, located(locate));
    if let Err(difference) = checked {
        tally.fail(None, format!("the store's stations view: {difference}"));
    }
}

/// The store's index as the views' checks take it: `Ok(None)` (not checked) without one.
fn located(locate: Option<&dyn Locate>) -> impl Locate + '_ {
    move |seqs| locate.map_or(Ok(None), |locate| locate(seqs))
}

/// Check 8 on the store's saved history view: every byte of it, as the log gives it, and
/// every record location it names, as the store's index gives it (when `locate` is given).
/// With a tail, the view the two stand for together (`merged_for_check`).
fn compare_history_view(
    body: &[u8],
    tail: Option<&[u8]>,
    state: &State,
    records: &[Record],
    locate: Option<&dyn Locate>,
    tally: &mut Tally,
) {
    tally.checked += 1;
    let merged = tail
        .map(|tail| merged_for_check(body, tail, state))
        .transpose();
    let checked = merged.and_then(|merged| {
        let body = merged.as_deref().unwrap_or(body);
        check_history_view(body, state, &head_of(records), records, located(locate))
    });
    if let Err(difference) = checked {
        tally.fail(None, format!("the store's history view: {difference}"));
    }
}

/// Check 8 on the store's saved authority state: every byte of it, as the log gives it.
fn compare_authority_state(body: &[u8], state: &State, records: &[Record], tally: &mut Tally) {
    tally.checked += 1;
    let checked = check_authority_view(body, state, &head_of(records), records);
    if let Err(difference) = checked {
        tally.fail(None, format!("the store's authority state: {difference}"));
    }
}

fn head_of(records: &[Record]) -> Head {
    records.last().map_or(Head::EMPTY, |last| Head {
        count: records.len() as u64,
        last_hash: last.hash,
        last_recorded_at_ms: last.recorded_at_ms,
    })
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
fn replay(
    records: &[Record],
    tallies: &mut [Tally],
    progress: &mut dyn FnMut(u64, u64),
) -> Option<Replayed> {
    let Some(first) = records.first() else {
        let reason = "the log is empty: no genesis".to_owned();
        tallies[2].fail_with(None, reason, None, Some(Cause::EmptyLog));
        return None;
    };
    tallies[2].checked += 1;
    let genesis = match decode_payload(&first.payload) {
        Ok(payload @ Payload::Genesis(_)) => payload,
        Ok(_) => {
            let reason = "record 1 is not a genesis".to_owned();
            let rule = Some(Refusal::NoGenesis.rule());
            tallies[2].fail_with(Some(1), reason, rule, Some(Cause::NotGenesis));
            return None;
        }
        Err(error) => {
            tallies[2].fail_with(
                Some(1),
                format!("record 1 does not decode: {error}"),
                Some(error.rule()),
                Some(Cause::Undecodable {
                    genesis: true,
                    error,
                }),
            );
            return None;
        }
    };
    let mut state = match State::genesis(&envelope(1, first), &genesis) {
        Ok(state) => state,
        Err(refusal) => {
            let rule = Some(refusal.rule());
            let cause = Cause::Refused {
                event: None,
                refusal: refusal.clone(),
            };
            tallies[2].fail_with(Some(1), refusal.to_string(), rule, Some(cause));
            return None;
        }
    };
    let mut projection = Projection::new(&state);
    let mut accepted = vec![genesis];
    for (index, record) in records.iter().enumerate().skip(1) {
        let position = index as u64 + 1;
        if let Some(payload) = judge(position, record, &mut state, &mut projection, tallies) {
            accepted.push(payload);
        }
        if position.is_multiple_of(4096) {
            progress(position, records.len() as u64);
        }
    }
    progress(records.len() as u64, records.len() as u64);
    Some((state, projection, accepted))
}

/// Judges the record at `position` (which, being authenticated, stores that seq).
fn judge(
    position: u64,
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
            tallies[4].fail_with(
                Some(position),
                format!("payload does not decode: {error}"),
                Some(error.rule()),
                Some(Cause::Undecodable {
                    genesis: false,
                    error,
                }),
            );
            return None;
        }
    };
    count_events(&payload, tallies);
    match projection.execute_payload(state, &envelope(position, record), &payload) {
        Ok(_) => Some(payload),
        Err(refused) => {
            let check = check_of(&refused.refusal) as usize;
            let event = refused
                .index
                .map_or_else(|| "payload".to_owned(), |index| format!("event {index}"));
            let reason = format!("{event}: {}", refused.refusal);
            let rule = Some(refused.refusal.rule());
            let cause = Cause::Refused {
                event: refused.index.map(u64::from),
                refusal: refused.refusal,
            };
            tallies[check - 1].fail_with(Some(position), reason, rule, Some(cause));
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

fn envelope(position: u64, record: &Record) -> Envelope {
    Envelope {
        seq: position,
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
        let (pairs, vote_types) = election.contest(entry.contest).map_or((0, 0), |contest| {
            (contest.pairs.len() as u32, contest.vote_types.len() as u32)
        });
        if let Err(violation) =
            sheet
                .unpack()
                .check_hard_rules_typed(pairs, vote_types, election.station_capacity())
        {
            tally.fail_with(
                Some(entry.id.seq),
                format!("sheet {}: {violation}", entry.id),
                Some(violation.rule()),
                Some(Cause::HardRule {
                    sheet: entry.id.to_string(),
                    violation,
                }),
            );
        }
    }
}

/// Check 8: the totals rebuilt straight from the accepted payloads equal the projection's
/// for every region, and every region is the sum of its children.
fn final_state(state: &State, projection: &Projection, accepted: &[Payload], tally: &mut Tally) {
    let election = state.election();
    let rolled = rollup_of_payloads(election, accepted).ok();
    let regions = election.tree().region_count();
    for contest in 0..election.contests().len() as u32 {
        let contest = ContestIdx(contest);
        for region in 0..regions {
            let region = RegionIdx(region);
            tally.checked += 1;
            let projected = projection.totals(state, contest, region);
            let code = election.region_code(region).unwrap_or_default();
            let rebuilt = rolled
                .as_ref()
                .and_then(|rolled| rolled.totals(contest, region));
            if rebuilt.as_ref() != Some(&projected) {
                tally.fail_with(
                    None,
                    format!("region {code}: the rebuilt totals differ from the projection's"),
                    None,
                    Some(Cause::RebuiltTotalsDiffer {
                        region: code.to_string(),
                    }),
                );
                continue;
            }
            let children = election.tree().children(region);
            if !children.is_empty() {
                let vote_types = projected
                    .votes_by_type
                    .len()
                    .checked_div(projected.votes.len())
                    .unwrap_or(0);
                let mut sum = Totals::zero_typed(projected.votes.len(), vote_types);
                for child in children {
                    sum.add(&projection.totals(state, contest, *child));
                }
                if sum != projected {
                    tally.fail_with(
                        None,
                        format!("region {code}: not the sum of its children"),
                        None,
                        Some(Cause::NotSumOfChildren {
                            region: code.to_string(),
                        }),
                    );
                }
            }
        }
    }
}

fn flag_lines(state: &State, projection: &Projection) -> Vec<(String, String, rekap_model::Flag)> {
    projection
        .flags()
        .iter()
        .map(|raised| {
            let station = state
                .election()
                .station_code(raised.station)
                .unwrap_or_default();
            (raised.id.to_string(), station, raised.flag.clone())
        })
        .collect()
}
