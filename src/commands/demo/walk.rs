//! The demo's story, step by step on the simulated clock.

use anyhow::bail;
use ed25519_dalek::{Signer, SigningKey};
use rekap_import::{payloads, DEFAULT_SHEETS_PER_PAYLOAD};
use rekap_ledger::view::{TotalsView, ViewRegion};
use rekap_ledger::Ledger;
use rekap_log::{DefaultStorage, VerifyOptions};
use rekap_model::{
    ApprovalStatement, ContestIdx, Election, Event, EventId, RegionIdx, Resolution, Role,
    TallySheet, WitnessSignature,
};
use rekap_presets::Preset;

use super::cast::{plenary_regions, Cast};
use super::clock::at;
use crate::commands::totals::table_text;
use crate::lang::Lang;
use crate::progress::Stage;

/// Votes moved between the first two pairs in the one mis-entered sheet.
const MISENTERED_VOTES: u32 = 10;

/// What the demo did, for the closing hints.
pub struct Story {
    pub text: String,
    /// The station whose sheet was objected to and corrected.
    pub corrected_station: Option<String>,
}

pub fn run(
    storage: DefaultStorage,
    preset: &Preset,
    cast: &Cast,
    stage: &Stage,
    lang: Lang,
) -> anyhow::Result<Story> {
    let election = preset.election()?;
    let Some(contest) = election.contest_by_id(&preset.contest_id) else {
        bail!(crate::lang::say_with(
            "command-walk-preset-has-no-contest",
            &[("contest-id", &preset.contest_id)]
        ));
    };
    let Some(scope) = election.contest_scope(contest) else {
        bail!(crate::lang::say("command-walk-preset-s-contest-has-no"));
    };
    let mut out = format!(
        "{}\n",
        crate::lang::say_with(
            "command-walk-rekap-demo",
            &[("name", &election.definition().name)]
        )
    );
    stage.next(crate::lang::current().message("progress-demo-genesis"));
    let mut ledger = Ledger::create(
        storage,
        rekap_model::Genesis::new(
            election.definition().clone(),
            cast.log.verifying_key().to_bytes(),
        ),
        &cast.registrar,
        at(0, 6, 0),
    )?;
    let pairs = election
        .contest(contest)
        .map_or(0, |contest| contest.pairs.len() as u32);
    register_witnesses(
        &mut ledger,
        &election,
        cast,
        &preset.contest_id,
        scope,
        pairs,
    )?;
    out += &format!(
        "  {} {} {} {pairs} {}\n",
        lang.message("demo-registered"),
        lang.number(election.definition().initial_officers.len() as u64),
        lang.message("demo-officers-genesis-and"),
        lang.message("demo-witnesses-in-the-log")
    );

    stage.next(crate::lang::current().message("progress-demo-importing"));
    let misentry = choose_misentry(&preset.sheets);
    let receipt = import_sheets(&mut ledger, preset, cast, misentry)?;
    out += &format!(
        "  {} {} {} ({} {})\n",
        lang.message("demo-imported"),
        lang.number(preset.sheets.len() as u64),
        lang.message("demo-sheets-in-one-durable-batch"),
        receipt.seqs.len(),
        lang.message("demo-signed-records"),
    );

    let mut levels = plenary_levels(&election, scope);
    levels.reverse();
    let Some((&lowest, higher)) = levels.split_first() else {
        bail!(crate::lang::say(
            "command-walk-preset-has-no-plenary-levels"
        ));
    };
    stage.next(crate::lang::current().message("progress-demo-lowest-plenaries"));
    let count = approve_level(
        &mut ledger,
        &election,
        cast,
        contest,
        scope,
        lowest,
        at(2, 9, 0),
        pairs,
    )?;
    out += &approved_line(&election, lowest, count, lang);

    if let Some(index) = misentry {
        stage.next(crate::lang::current().message("progress-demo-objection"));
        out += &objection_story(&mut ledger, &election, cast, contest, preset, index, lang)?;
    }
    for (step, level) in higher.iter().enumerate() {
        stage.next(crate::lang::current().message("progress-demo-plenaries-up"));
        let count = approve_level(
            &mut ledger,
            &election,
            cast,
            contest,
            scope,
            *level,
            at(6 + 2 * step as u64, 9, 0),
            pairs,
        )?;
        out += &approved_line(&election, *level, count, lang);
    }

    stage.next(crate::lang::current().message("progress-demo-verifying"));
    let report = ledger.log().verify(VerifyOptions::default())?;
    if !report.ok() {
        let failure = report.first_failure().map(ToString::to_string);
        bail!(crate::lang::say_with(
            "command-walk-demo-s-log-does-not",
            &[("failure", &failure.unwrap_or_default())]
        ));
    }
    out += &format!(
        "  {} {} {}\n  head {}\n",
        lang.message("demo-verified"),
        lang.number(report.records),
        lang.message("demo-records-chain-hashes-signatures-counters-time"),
        hex::encode(report.head)
    );
    let view = ledger.totals_view(None);
    out += &tables(&view, &election, contest, lang)?;
    out += &official_check(&ledger, &election, contest, scope, preset, lang)?;
    // So that the first `rekap totals` on the demo store answers without a replay.
    crate::commands::totals::save_view(&mut ledger, &view);
    Ok(Story {
        text: out,
        corrected_station: misentry.map(|index| preset.sheets[index].0.clone()),
    })
}

fn approved_line(election: &Election, level: u32, count: usize, lang: Lang) -> String {
    format!(
        "  {}: {} {}\n",
        election
            .level(level)
            .map_or("", |level| lang.name(&level.name_en, &level.name_id)),
        lang.number(count as u64),
        lang.message("demo-plenaries-approved-witness-signed")
    )
}

fn register_witnesses(
    ledger: &mut Ledger<DefaultStorage>,
    election: &Election,
    cast: &Cast,
    contest_id: &str,
    scope: RegionIdx,
    pairs: u32,
) -> anyhow::Result<()> {
    let scope_code = election.region_code(scope).unwrap_or_default().to_owned();
    let events = (1..=pairs)
        .map(|pair| Event::OfficerRegistered {
            key: cast.witness(pair).verifying_key().to_bytes(),
            role: Role::Witness {
                contest: contest_id.to_owned(),
                pair,
            },
            scope: scope_code.clone(),
        })
        .collect();
    ledger.submit(&cast.registrar, vec![events], at(0, 6, 30))?;
    Ok(())
}

/// The sheet the operator mis-enters: the first with enough votes for pair 1 to move some.
pub(super) fn choose_misentry(sheets: &[(String, TallySheet)]) -> Option<usize> {
    sheets
        .iter()
        .position(|(_, sheet)| sheet.votes.len() >= 2 && sheet.votes[0] > 2 * MISENTERED_VOTES)
}

fn misentered(sheet: &TallySheet) -> TallySheet {
    let mut wrong = sheet.clone();
    wrong.votes[0] -= MISENTERED_VOTES;
    wrong.votes[1] += MISENTERED_VOTES;
    wrong
}

fn import_sheets(
    ledger: &mut Ledger<DefaultStorage>,
    preset: &Preset,
    cast: &Cast,
    misentry: Option<usize>,
) -> anyhow::Result<rekap_ledger::Receipt> {
    let events: Vec<Event> = preset
        .sheets
        .iter()
        .enumerate()
        .map(|(index, (station, sheet))| Event::SheetSubmitted {
            station: station.clone(),
            contest: preset.contest_id.clone(),
            sheet: if Some(index) == misentry {
                misentered(sheet)
            } else {
                sheet.clone()
            },
        })
        .collect();
    Ok(ledger.submit(
        &cast.operator,
        payloads(events, DEFAULT_SHEETS_PER_PAYLOAD),
        at(0, 21, 0),
    )?)
}

/// Levels holding plenaries within the contest, top first.
fn plenary_levels(election: &Election, scope: RegionIdx) -> Vec<u32> {
    let top = election.tree().level(scope).unwrap_or(0);
    (top..election.station_level())
        .filter(|level| {
            election
                .level(*level)
                .is_some_and(|level| level.holds_plenary)
        })
        .collect()
}

/// Every region of `level` approves, signed by every witness, in one atomic batch.
#[allow(clippy::too_many_arguments)]
fn approve_level(
    ledger: &mut Ledger<DefaultStorage>,
    election: &Election,
    cast: &Cast,
    contest: ContestIdx,
    scope: RegionIdx,
    level: u32,
    time: u64,
    pairs: u32,
) -> anyhow::Result<usize> {
    let regions: Vec<RegionIdx> = plenary_regions(election, scope)
        .into_iter()
        .filter(|region| election.tree().level(*region) == Some(level))
        // A scaled demo leaves some regions without stations: nothing to approve (R53).
        .filter(|region| !election.tree().stations_under(*region).is_empty())
        .collect();
    let officials: Vec<SigningKey> = regions
        .iter()
        .map(|region| cast.official(election.region_code(*region).unwrap_or_default()))
        .collect();
    let mut batch = Vec::with_capacity(regions.len());
    for (region, official) in regions.iter().zip(&officials) {
        let event = approval(ledger, election, cast, contest, *region, pairs);
        batch.push((official, vec![event]));
    }
    ledger.submit_signed(batch, time)?;
    Ok(regions.len())
}

/// The approval of `region` at the head, with every witness's signature.
fn approval(
    ledger: &Ledger<DefaultStorage>,
    election: &Election,
    cast: &Cast,
    contest: ContestIdx,
    region: RegionIdx,
    pairs: u32,
) -> Event {
    let state = ledger.state();
    let digest = ledger.projection().digest(state, contest, region);
    let contest_id = election
        .contest(contest)
        .map(|c| c.id.clone())
        .unwrap_or_default();
    let region_code = election.region_code(region).unwrap_or_default().to_owned();
    let statement = ApprovalStatement {
        definition_hash: state.definition_hash(),
        region: region_code.clone(),
        contest: contest_id.clone(),
        digest,
    };
    let signatures = (1..=pairs)
        .map(|pair| {
            let witness = cast.witness(pair);
            WitnessSignature {
                witness: witness.verifying_key().to_bytes(),
                signature: witness.sign(&statement.bytes()).to_bytes(),
            }
        })
        .collect();
    Event::PlenaryApproved {
        region: region_code,
        contest: contest_id,
        digest,
        signatures,
        refusals: vec![],
    }
}

/// Pair 1's witness objects to the mis-entered sheet; the district corrects it, accepts the
/// objection and approves again.
fn objection_story(
    ledger: &mut Ledger<DefaultStorage>,
    election: &Election,
    cast: &Cast,
    contest: ContestIdx,
    preset: &Preset,
    index: usize,
    lang: Lang,
) -> anyhow::Result<String> {
    let (station, true_sheet) = &preset.sheets[index];
    let Some(place) = election.find_station(station) else {
        bail!(crate::lang::say_with(
            "command-unknown-station",
            &[("station", &station)]
        ));
    };
    let lowest = election.lowest_plenary_level();
    let Some(district) = election
        .tree()
        .ancestor_at(rekap_model::Place::Station(place), lowest)
    else {
        bail!(crate::lang::say_with(
            "command-walk-station-has-no-plenary-region",
            &[("station", &station)]
        ));
    };
    let district_code = election
        .region_code(district)
        .unwrap_or_default()
        .to_owned();
    let objection = Event::ObjectionFiled {
        place: station.clone(),
        contest: preset.contest_id.clone(),
        text: crate::lang::say_with(
            "command-walk-pair-s-c-hasil-photo",
            &[
                ("votes", &true_sheet.votes[0]),
                (
                    "misentered-votes",
                    &(true_sheet.votes[0] - MISENTERED_VOTES),
                ),
            ],
        ),
    };
    let filed = ledger.submit(&cast.witness(1), vec![vec![objection]], at(2, 15, 0))?;
    let objection_id = EventId {
        seq: filed.seqs[0],
        index: 0,
    };
    let official = cast.official(&district_code);
    let correction_id = EventId {
        seq: ledger.head().count + 1,
        index: 0,
    };
    let events = vec![
        Event::SheetCorrected {
            station: station.clone(),
            contest: preset.contest_id.clone(),
            sheet: true_sheet.clone(),
            reason: "plenary recount of the C.Hasil: the operator swapped ten votes".into(),
            answers: Some(objection_id),
        },
        Event::ObjectionResolved {
            objection: objection_id,
            resolution: Resolution::Accepted {
                correction: correction_id,
            },
            reason: "the recount agrees with the witness".into(),
        },
    ];
    ledger.submit(&official, vec![events], at(2, 16, 0))?;
    let pairs = election
        .contest(contest)
        .map_or(0, |contest| contest.pairs.len() as u32);
    let again = approval(ledger, election, cast, contest, district, pairs);
    ledger.submit(&official, vec![vec![again]], at(2, 16, 30))?;
    Ok(format!(
        "  {} {station} ({objection_id}); {} {correction_id}; {} {district_code} {}\n",
        lang.message("demo-objection-about"),
        lang.message("demo-corrected-by"),
        lang.message("demo-district"),
        lang.message("demo-approved-again"),
    ))
}

fn tables(
    view: &TotalsView,
    election: &Election,
    contest: ContestIdx,
    lang: Lang,
) -> anyhow::Result<String> {
    let contest_id = election
        .contest(contest)
        .map(|c| c.id.clone())
        .unwrap_or_default();
    let top = view.select(Some(&contest_id), None, None)?;
    let mut out = String::from("\n");
    out += &table_text(view, &top, &view.reports(&top)?, lang);
    if let Some(scope) = top.rows.clone().next() {
        let code = view.code(ViewRegion(scope))?;
        let below = view.select(Some(&contest_id), None, Some(&code))?;
        out.push('\n');
        out += &table_text(view, &below, &view.reports(&below)?, lang);
    }
    Ok(out)
}

fn official_check(
    ledger: &Ledger<DefaultStorage>,
    election: &Election,
    contest: ContestIdx,
    scope: RegionIdx,
    preset: &Preset,
    lang: Lang,
) -> anyhow::Result<String> {
    let Some(official) = &preset.official else {
        return Ok(String::new());
    };
    let totals = ledger.projection().totals(ledger.state(), contest, scope);
    if totals.votes != official.province.votes {
        bail!(crate::lang::say_with(
            "command-walk-demo-s-province-totals-differ",
            &[
                ("numbers", &crate::words::numbers(&totals.votes)),
                ("numbers2", &crate::words::numbers(&official.province.votes))
            ]
        ));
    }
    let shown: Vec<String> = totals
        .votes
        .iter()
        .map(|votes| lang.number(*votes))
        .collect();
    let _ = election;
    Ok(format!(
        "\n{}: {}\n",
        lang.message("demo-matches-the-official-kpu-result"),
        shown.join(&lang.message("demo-against"))
    ))
}
