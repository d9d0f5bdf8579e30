//! `demo --inputs DIR`: the files the demo's operator used, so a newcomer can replay the
//! work by hand (docs/TUTORIAL.md): the definition and its regions, every sheet as an import
//! CSV, and the keys of the registrar, the operator, every pair's witness and the officials
//! of the plenaries above the station the story corrects (its district up to the top).

use std::fs;
use std::path::Path;

use anyhow::{bail, Context};
use ed25519_dalek::SigningKey;
use rekap_import::{COLUMNS, OPTIONAL_COLUMNS, VOTES_COLUMN_PREFIX};
use rekap_model::{TallySheet, Turnout};
use rekap_presets::{Preset, REGIONS_CSV_FILE_NAME};

use super::cast::Cast;
use crate::keys::write_key;

/// Refuses an --inputs path that is not empty, is a file, or lies under a file; changes
/// nothing.
pub fn check(dir: &Path) -> anyhow::Result<()> {
    let not_a_directory = || {
        anyhow::anyhow!(crate::lang::say_with(
            "command-inputs-not-a-directory",
            &[("path", &dir.display())]
        ))
    };
    if dir.exists() {
        if !dir.is_dir() {
            return Err(not_a_directory());
        }
        let mut entries = fs::read_dir(dir).with_context(|| {
            crate::lang::say_with("command-cannot-read", &[("path", &dir.display())])
        })?;
        if entries.next().is_some() {
            bail!(crate::lang::say_with(
                "command-inputs-not-empty-inputs-writes-into",
                &[("path", &dir.display())]
            ));
        }
        return Ok(());
    }
    // The nearest part of the path that exists must be a directory to create the rest in.
    match dir.ancestors().skip(1).find(|ancestor| ancestor.exists()) {
        Some(ancestor) if !ancestor.is_dir() => Err(not_a_directory()),
        _ => Ok(()),
    }
}

pub fn write(dir: &Path, preset: &Preset, cast: &Cast) -> anyhow::Result<()> {
    check(dir)?;
    fs::create_dir_all(dir).with_context(|| {
        crate::lang::say_with("command-cannot-create", &[("path", &dir.display())])
    })?;
    fs::write(dir.join("election.json"), &preset.definition_json)?;
    fs::write(dir.join(REGIONS_CSV_FILE_NAME), &preset.regions_csv)?;
    fs::write(dir.join("sheets.csv"), sheets_csv(preset)?)?;
    for (path, key) in key_files(dir, preset, cast)? {
        write_key(&path, &key)?;
    }
    Ok(())
}

/// The key files the inputs hold, each with its key.
fn key_files(
    dir: &Path,
    preset: &Preset,
    cast: &Cast,
) -> anyhow::Result<Vec<(std::path::PathBuf, SigningKey)>> {
    let keys = dir.join("keys");
    let mut files = vec![
        (keys.join("registrar.key"), cast.registrar.clone()),
        (keys.join("operator.key"), cast.operator.clone()),
    ];
    let pairs = preset
        .sheets
        .first()
        .map_or(0, |(_, sheet)| sheet.votes.len());
    for pair in 1..=pairs {
        let pair = u32::try_from(pair)?;
        files.push((keys.join(format!("witness-{pair}.key")), cast.witness(pair)));
    }
    for region in story_officials(preset) {
        files.push((
            keys.join(format!("official-{region}.key")),
            cast.official(&region),
        ));
    }
    Ok(files)
}

/// Writes `KEY.counter` beside each key file the demo's story appended with (its last
/// counter in `log`), as a local append does: an offline submission signed with the key
/// (`submit --offline`) then starts after the story's records instead of reusing them.
pub fn write_counters<S: rekap_log::Storage>(
    dir: &Path,
    preset: &Preset,
    cast: &Cast,
    log: &rekap_log::Log<S>,
) -> anyhow::Result<()> {
    for (path, key) in key_files(dir, preset, cast)? {
        let next = log.next_counter(&key.verifying_key().to_bytes())?;
        if next > 1 {
            crate::client::save_counter(&path, next - 1)?;
        }
    }
    Ok(())
}

/// The regions whose officials the story needs: the contest's scope (the top official) and
/// every plenary region above the station the story corrects (its district first), so a
/// newcomer can hold each of those plenaries from the files alone.
fn story_officials(preset: &Preset) -> Vec<String> {
    let Ok(election) = preset.election() else {
        return Vec::new();
    };
    let mut regions: Vec<String> = top_region(preset).into_iter().collect();
    let station = super::walk::choose_misentry(&preset.sheets)
        .and_then(|index| election.find_station(&preset.sheets[index].0));
    if let Some(station) = station {
        let place = rekap_model::Place::Station(station);
        let plenary_levels = (0..=election.lowest_plenary_level()).rev().filter(|level| {
            election
                .level(*level)
                .is_some_and(|level| level.holds_plenary)
        });
        for level in plenary_levels {
            let region = election.tree().ancestor_at(place, level);
            if let Some(code) = region.and_then(|region| election.region_code(region)) {
                if !regions.iter().any(|known| known == code) {
                    regions.push(code.to_owned());
                }
            }
        }
    }
    regions
}

/// Every sheet in the columns `rekap import` reads (docs/OPERATOR.md).
fn sheets_csv(preset: &Preset) -> anyhow::Result<Vec<u8>> {
    let pairs = preset
        .sheets
        .first()
        .map_or(0, |(_, sheet)| sheet.votes.len());
    // The columns `rekap import` reads, in the order the rows below are written.
    let columns = |names: &[&str]| {
        names
            .iter()
            .map(|name| name.to_string())
            .collect::<Vec<_>>()
    };
    let mut header = columns(&COLUMNS[..8]);
    header.extend(columns(&OPTIONAL_COLUMNS));
    header.extend(columns(&COLUMNS[8..12]));
    header.extend((1..=pairs).map(|pair| format!("{VOTES_COLUMN_PREFIX}{pair}")));
    header.extend(columns(&COLUMNS[12..]));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header)?;
    for (station, sheet) in &preset.sheets {
        writer.write_record(row(station, &preset.contest_id, sheet))?;
    }
    writer
        .into_inner()
        .map_err(|error| anyhow::anyhow!("{error}"))
}

fn row(station: &str, contest: &str, sheet: &TallySheet) -> Vec<String> {
    let optional = |value: Option<u32>| value.map(|v| v.to_string()).unwrap_or_default();
    let voted = |turnout: &Turnout| [optional(turnout.male), optional(turnout.female)];
    let mut row = vec![
        station.to_owned(),
        contest.to_owned(),
        sheet.registered.dpt.to_string(),
        sheet.registered.dpph.to_string(),
        sheet.registered.dptb.to_string(),
        sheet.voted.dpt.total.to_string(),
        sheet.voted.dpph.total.to_string(),
        sheet.voted.dptb.total.to_string(),
    ];
    row.extend(voted(&sheet.voted.dpt));
    row.extend(voted(&sheet.voted.dpph));
    row.extend(voted(&sheet.voted.dptb));
    row.extend([
        sheet.ballots.received.to_string(),
        sheet.ballots.used.to_string(),
        sheet.ballots.damaged.to_string(),
        sheet.ballots.unused.to_string(),
    ]);
    row.extend(sheet.votes.iter().map(u32::to_string));
    // The demo's sheets always give their invalid votes; an absent count would be empty.
    let invalid = sheet
        .invalid
        .map_or(String::new(), |invalid| invalid.to_string());
    row.extend([sheet.valid.to_string(), invalid]);
    row
}

/// The code of the contest's scope region (the top official's region).
fn top_region(preset: &Preset) -> Option<String> {
    let election = preset.election().ok()?;
    let contest = election.contest_by_id(&preset.contest_id)?;
    let scope = election.contest_scope(contest)?;
    election.region_code(scope).map(str::to_owned)
}
