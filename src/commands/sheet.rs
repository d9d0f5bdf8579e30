//! `sheet STATION`: one station's full current sheet; and the station rows of
//! `totals --level <station level>` and `totals --region <village>`.

use anyhow::bail;
use clap::Args;
use rekap_model::{ContestIdx, EntryKind, Place, State, StationId, StationStatus, TallySheet};
use serde_json::{json, Value};

use crate::commands::totals::Format;
use crate::exit::Outcome;
use crate::lang::Lang;
use crate::listing::Listing;
use crate::output::print;
use crate::store::{self, StoreArg};
use rekap_ledger::stations_view::open_saved_stations_view;

#[derive(Args)]
pub struct SheetArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub server: crate::client::copy::ServerArg,
    /// The station, e.g. 6401012009-001.
    #[arg(value_name = "STATION")]
    pub station: String,
    /// Contest id (default: the first contest).
    #[arg(long, value_name = "CONTEST")]
    pub contest: Option<String>,
    /// Output: a table or text for people, JSON or CSV for scripts.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Language of what this command prints: id or en (default: from LC_ALL, LC_MESSAGES
    /// or LANG).
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
}

pub fn run(mut args: SheetArgs) -> anyhow::Result<Outcome> {
    crate::client::copy::read_from(&args.server, &mut args.store.store)?;
    let lang = crate::lang::resolve(args.lang);
    let value = match from_saved_view(&args) {
        Some(value) => value,
        None => replayed(&args)?,
    };
    let text = match args.format {
        Format::Json => value.to_string() + "\n",
        Format::Csv => sheet_csv(&value),
        Format::Table => sheet_table(&value, lang),
    };
    print(&text)?;
    Ok(Outcome::Success)
}

/// The sheet from the saved stations view (no lock, no replay; the record holding the
/// sheet is read and checked against its hash), if the view is current and knows the
/// station by this code and the contest; `None`: replay instead, which also gives every
/// refusal its words.
fn from_saved_view(args: &SheetArgs) -> Option<Value> {
    let view = open_saved_stations_view(&args.store.store).ok()??;
    let contest = match &args.contest {
        Some(id) => view.contests().iter().position(|c| c.id == *id)?,
        None => 0,
    };
    let facts = view.contests().get(contest)?;
    let station = view.find_station(&args.station).ok()??;
    let status = view.status(contest, station).ok()??;
    let current = view.current_sheet(contest, station).ok()?;
    let code = view.code(station).ok()?;
    let pairs = facts
        .pairs
        .iter()
        .map(|(number, name)| (*number, name.as_str()));
    Some(json!({
        "station": code,
        "name": view.name(station).ok()?,
        "contest": facts.id,
        "status": status.key(),
        "entry": current.as_ref().map(|current| json!({
            "id": current.id.to_string(),
            "kind": if current.corrected { "sheet_corrected" } else { "sheet_submitted" },
            "recorded_at_ms": current.recorded_at_ms,
            "time": crate::zone::of_code(&code).rfc3339(current.recorded_at_ms),
        })),
        "sheet": current.as_ref().map(|current| sheet_json(pairs, &current.sheet)),
    }))
}

/// The sheet from a replay of the log.
fn replayed(args: &SheetArgs) -> anyhow::Result<Value> {
    let ledger = store::open(&args.store.store)?;
    let state = ledger.state();
    let election = state.election();
    // The contest first: an unknown contest is named as such, whatever the station.
    let contest = contest_of(state, args.contest.as_deref())?;
    let Some(Place::Station(station)) = election.locate(&args.station) else {
        bail!(crate::lang::say_with(
            "command-unknown-station",
            &[("station", &args.station)]
        ));
    };
    let contest_id = &election.contests()[contest.0 as usize].id;
    let status = state.station_status(station, contest);
    let Some(status) = status else {
        bail!(crate::lang::say_with(
            "command-sheet-station-does-not-vote-contest",
            &[("station", &args.station), ("contest-id", &contest_id)]
        ));
    };
    let current = state.current_sheet(station, contest);
    let entry = current.and_then(|(index, _)| state.entry(index));
    let sheet = current.map(|(_, packed)| packed.unpack());
    let code = election.station_code(station).unwrap_or_default();
    let pairs = (election.contests()[contest.0 as usize].pairs.iter())
        .map(|pair| (pair.number, pair.name.as_str()));
    let value = json!({
        "station": code,
        "name": election.station_name(station),
        "contest": contest_id,
        "status": status_key(status),
        "entry": entry.map(|entry| json!({
            "id": entry.id.to_string(),
            "kind": match entry.kind {
                EntryKind::Corrected => "sheet_corrected",
                _ => "sheet_submitted",
            },
            "recorded_at_ms": entry.recorded_at_ms,
            "time": crate::zone::of_code(&code).rfc3339(entry.recorded_at_ms),
        })),
        "sheet": sheet.as_ref().map(|sheet| sheet_json(pairs, sheet)),
    });
    Ok(value)
}

/// The contest asked for, or the first.
pub fn contest_of(state: &State, id: Option<&str>) -> anyhow::Result<ContestIdx> {
    match id {
        Some(id) => state.election().contest_by_id(id).ok_or_else(|| {
            anyhow::anyhow!(crate::lang::say_with(
                "command-sheet-unknown-contest",
                &[("id", &id)]
            ))
        }),
        None if state.election().contests().is_empty() => {
            bail!(crate::lang::say("command-sheet-definition-has-no-contests"))
        }
        None => Ok(ContestIdx(0)),
    }
}

pub fn status_key(status: StationStatus) -> &'static str {
    match status {
        StationStatus::Awaiting => "awaiting",
        StationStatus::Counted(_) => "counted",
        StationStatus::Voided(_) => "voided",
        StationStatus::RevotePending(_) => "revote_pending",
    }
}

fn status_words(key: &str, lang: Lang) -> String {
    match key {
        "awaiting" => lang.message("sheet-awaiting-a-sheet"),
        "counted" => lang.message("sheet-counted"),
        "voided" => lang.message("sheet-voided"),
        _ => lang.message("sheet-re-vote-pending"),
    }
}

/// Every field of a sheet. A votes-only sheet has no voter, turnout or ballot section:
/// those are `null` and `"partial": true`.
fn sheet_json<'a>(pairs: impl Iterator<Item = (u32, &'a str)>, sheet: &TallySheet) -> Value {
    let votes: Vec<Value> = pairs
        .zip(&sheet.votes)
        .map(|((number, name), votes)| json!({"number": number, "name": name, "votes": votes}))
        .collect();
    let turnout = |turnout: &rekap_model::Turnout| json!({"male": turnout.male, "female": turnout.female, "total": turnout.total});
    let full = !sheet.votes_only;
    let given = |value: Value| if full { value } else { Value::Null };
    json!({
        "partial": sheet.votes_only,
        "registered": given(json!({
            "dpt": sheet.registered.dpt,
            "dpph": sheet.registered.dpph,
            "dptb": sheet.registered.dptb,
        })),
        "voted": given(json!({
            "dpt": turnout(&sheet.voted.dpt),
            "dpph": turnout(&sheet.voted.dpph),
            "dptb": turnout(&sheet.voted.dptb),
        })),
        "ballots": given(json!({
            "received": sheet.ballots.received,
            "used": sheet.ballots.used,
            "damaged": sheet.ballots.damaged,
            "unused": sheet.ballots.unused,
        })),
        "votes": votes,
        "valid": sheet.valid,
        "invalid": sheet.invalid,
    })
}

/// The sheet as `field,value` lines, fields named by their JSON path.
fn sheet_csv(value: &Value) -> String {
    let mut fields = Vec::new();
    flatten("", value, &mut fields);
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(["field", "value"]);
    for (field, value) in fields {
        let _ = writer.write_record([field, value]);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    let join = |key: &str| {
        if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}.{key}")
        }
    };
    match value {
        Value::Object(object) => {
            for (key, inner) in object {
                flatten(&join(key), inner, out);
            }
        }
        Value::Array(items) => {
            for (index, inner) in items.iter().enumerate() {
                flatten(&join(&(index + 1).to_string()), inner, out);
            }
        }
        other => out.push((prefix.to_owned(), crate::listing::cell(other))),
    }
}

fn sheet_table(value: &Value, lang: Lang) -> String {
    let text = |value: &Value| crate::listing::cell(value);
    let count = |value: &Value| value.as_u64().map_or("-".to_owned(), |n| lang.number(n));
    let name = text(&value["name"]);
    let mut out = format!(
        "{} {}{}, {} {}\n{}: {}",
        lang.message("sheet-station"),
        text(&value["station"]),
        if name.is_empty() {
            String::new()
        } else {
            format!(" {name}")
        },
        lang.message("sheet-contest"),
        text(&value["contest"]),
        lang.message("sheet-status"),
        status_words(value["status"].as_str().unwrap_or_default(), lang),
    );
    if !value["entry"].is_null() {
        out += &format!(
            " ({} {}, {})",
            lang.message("sheet-record"),
            text(&value["entry"]["id"]),
            value["entry"]["recorded_at_ms"]
                .as_u64()
                .map_or(String::new(), |ms| {
                    crate::zone::of_code(&text(&value["station"])).format(ms)
                })
        );
    }
    out.push('\n');
    let sheet = &value["sheet"];
    if sheet.is_null() {
        return out + &lang.message("sheet-no-current-sheet");
    }
    if sheet["partial"] == true {
        // A votes-only sheet has no voter, turnout or ballot numbers to show.
        out += &lang.message("sheet-partial-votes-only-no-voter-turnout");
    } else {
        out += &numbers_sections(sheet, lang);
    }
    out.push('\n');
    for pair in sheet["votes"].as_array().into_iter().flatten() {
        out += &format!(
            "  {} {}: {}\n",
            text(&pair["number"]),
            text(&pair["name"]),
            count(&pair["votes"])
        );
    }
    out + &format!(
        "{} {}, {} {}\n",
        lang.message("sheet-valid"),
        count(&sheet["valid"]),
        lang.message("sheet-invalid"),
        count(&sheet["invalid"])
    )
}

/// The registered, voted and ballots lines of a full sheet (without the last line break).
fn numbers_sections(sheet: &Value, lang: Lang) -> String {
    let count = |value: &Value| value.as_u64().map_or("-".to_owned(), |n| lang.number(n));
    let mut out = String::new();
    let lists = ["dpt", "dpph", "dptb"];
    out += &format!("{}:", lang.message("sheet-registered"));
    for list in lists {
        out += &format!(
            " {} {}",
            list.to_uppercase(),
            count(&sheet["registered"][list])
        );
    }
    out += &format!("\n{}:", lang.message("sheet-voted"));
    for list in lists {
        let turnout = &sheet["voted"][list];
        out += &format!(
            " {} {} ({} {}, {} {})",
            list.to_uppercase(),
            count(&turnout["total"]),
            lang.message("sheet-male"),
            count(&turnout["male"]),
            lang.message("sheet-female"),
            count(&turnout["female"]),
        );
    }
    out += &format!("\n{}:", lang.message("sheet-ballots"));
    for (key, word) in [
        ("received", lang.message("sheet-received")),
        ("used", lang.message("sheet-used")),
        ("damaged", lang.message("sheet-damaged")),
        ("unused", lang.message("sheet-unused")),
    ] {
        out += &format!(" {} {}", word, count(&sheet["ballots"][key]));
    }
    out
}

/// The stations of `region` (every station of the contest's scope when `None`) with their
/// current numbers: what `totals` lists below the lowest region level.
pub fn station_listing(
    state: &State,
    contest: ContestIdx,
    region: Option<&str>,
) -> anyhow::Result<Listing> {
    let election = state.election();
    let tree = election.tree();
    let scope = match region {
        Some(code) => election.find_region(code).ok_or_else(|| {
            anyhow::anyhow!(crate::lang::say_with(
                "command-unknown-region-code",
                &[("code", &code)]
            ))
        })?,
        None => election.contest_scope(contest).ok_or_else(|| {
            anyhow::anyhow!(crate::lang::say("command-sheet-contest-has-no-scope"))
        })?,
    };
    let mut listing = Listing::new(vec![
        "code",
        "name",
        "status",
        "votes",
        "valid",
        "invalid",
        "registered",
        "voted",
        "record",
    ]);
    for station in tree.stations_under(scope).map(StationId) {
        let Some(status) = state.station_status(station, contest) else {
            continue;
        };
        let current = state.current_sheet(station, contest);
        let sheet = current.map(|(_, sheet)| sheet);
        let entry = current.and_then(|(index, _)| state.entry(index));
        let number = |value: Option<u64>| value.map_or(Value::Null, Value::from);
        listing.push(vec![
            Value::from(election.station_code(station).unwrap_or_default()),
            Value::from(election.station_name(station).unwrap_or_default()),
            Value::from(status_key(status)),
            sheet.map_or(Value::Null, |sheet| json!(sheet.votes())),
            number(sheet.map(|sheet| u64::from(sheet.valid()))),
            number(sheet.and_then(|sheet| sheet.invalid()).map(u64::from)),
            number(
                sheet
                    .filter(|sheet| !sheet.votes_only())
                    .map(|sheet| sheet.registered_total()),
            ),
            number(
                sheet
                    .filter(|sheet| !sheet.votes_only())
                    .map(|sheet| sheet.voted_total()),
            ),
            entry.map_or(Value::Null, |entry| Value::from(entry.id.to_string())),
        ]);
    }
    Ok(listing)
}
