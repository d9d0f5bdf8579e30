//! NIST SP 1500-100 version 2 Election Results Reporting, JSON (the schema is
//! `tests/schema/NIST_V2_election_results_reporting.json`, from the usnistgov repository).
//!
//! - Each region is a `ReportingUnit` (`@id` `ru-<code>`), its children its
//!   `ComposingGpUnitIds`, its level a `Type` (`country`, `state`, `county`, `village`,
//!   `precinct`, ... or `other` with the level's key as `OtherType`), its code an
//!   `ExternalIdentifier`.
//! - Each contest is a `CandidateContest` over its scope region; each pair a `Candidate`
//!   and a `CandidateSelection` (`SequenceOrder` its ballot number), whose `VoteCounts`
//!   give the votes per reporting unit (`Type` `total`) and, for a contest with vote
//!   types, per vote type too (the schema's `CountItemType` for the type's key, e.g.
//!   `election_day` `election-day`, `mail` `absentee-mail`, or `other` with the key as
//!   `OtherType`).
//! - The recap's status: the contest's `CountStatus` is `completed` when its scope region's
//!   recap is approved and current, `in-process` otherwise; `SubUnitsReported` /
//!   `TotalSubUnits` are the stations reported and expected; the report's `Status` is
//!   `certified` when every contest's scope is approved, `unofficial-complete` when every
//!   station has reported, `unofficial-partial` otherwise. Which lower regions are approved
//!   has no place in the schema; `Notes` names the log head the numbers are of.

use rekap_projection::RegionReport;
use serde_json::{json, Value};

/// One region of the hierarchy.
#[derive(Debug, Clone)]
pub struct ReportUnit {
    pub code: String,
    pub name: String,
    /// The level's key (`province`, `county`, ...).
    pub level: String,
    pub children: Vec<String>,
}

/// One contest's results.
#[derive(Debug, Clone)]
pub struct ContestReport {
    pub id: String,
    pub name: String,
    /// The scope region's code.
    pub scope: String,
    /// Ballot number and name, in ballot order.
    pub pairs: Vec<(u32, String)>,
    /// The keys of the contest's vote types, in the definition's order (empty: none).
    pub vote_types: Vec<String>,
    /// Every region of the contest's scope, at every level (the scope itself included).
    pub regions: Vec<RegionReport>,
}

/// What the report is of.
#[derive(Debug, Clone)]
pub struct ReportInput {
    pub election_name: String,
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub generated: String,
    /// The election's date, `YYYY-MM-DD`, in the election's own time zone.
    pub date: String,
    /// The log's record count the numbers are of.
    pub sequence_end: u64,
    pub notes: String,
    /// Top-level regions first is not required; every region once.
    pub units: Vec<ReportUnit>,
    /// The codes of the top-level regions (the election's scope).
    pub roots: Vec<String>,
    pub contests: Vec<ContestReport>,
}

fn text(content: &str) -> Value {
    json!({
        "@type": "ElectionResults.InternationalizedText",
        "Text": [{ "@type": "ElectionResults.LanguageString", "Content": content, "Language": "und" }]
    })
}

fn unit_id(code: &str) -> String {
    format!("ru-{code}")
}

/// The schema's `ReportingUnitType` for a level key, or `other`.
fn unit_type(level: &str) -> Option<&'static str> {
    Some(match level {
        "nation" | "country" => "country",
        "state" | "province" => "state",
        "county" | "regency" => "county",
        "city" => "city",
        "village" => "village",
        "precinct" => "precinct",
        "station" => "polling-place",
        "ward" => "ward",
        "town" => "town",
        "township" => "township",
        "municipality" => "municipality",
        _ => return None,
    })
}

fn reporting_unit(unit: &ReportUnit) -> Value {
    let mut value = json!({
        "@type": "ElectionResults.ReportingUnit",
        "@id": unit_id(&unit.code),
        "Name": text(&unit.name),
        "ExternalIdentifier": [{
            "@type": "ElectionResults.ExternalIdentifier", "Type": "local-level", "Value": unit.code
        }],
    });
    match unit_type(&unit.level) {
        Some(kind) => value["Type"] = json!(kind),
        None => {
            value["Type"] = json!("other");
            value["OtherType"] = json!(unit.level);
        }
    }
    if !unit.children.is_empty() {
        value["ComposingGpUnitIds"] = json!(unit
            .children
            .iter()
            .map(|code| unit_id(code))
            .collect::<Vec<_>>());
    }
    value
}

/// The schema's `CountItemType` for a vote type's key, or `other`.
fn count_type(key: &str) -> Option<&'static str> {
    Some(match key {
        "election_day" | "election-day" | "in_person" => "election-day",
        "early" | "advance" | "early_voting" => "early",
        "absentee" => "absentee",
        "mail" | "absentee_mail" | "by_mail" => "absentee-mail",
        "absentee_in_person" => "absentee-in-person",
        "provisional" => "provisional",
        "uocava" => "uocava",
        "write_in" | "write-in" => "write-in",
        _ => return None,
    })
}

/// The `VoteCounts` of `pair` (its index) in one region: the total, then one per vote type
/// the totals split it by.
fn vote_counts(contest: &ContestReport, region: &RegionReport, pair: usize) -> Vec<Value> {
    let unit = unit_id(&region.code);
    let total = region.totals.votes.get(pair).copied().unwrap_or(0);
    let mut counts = vec![json!({
        "@type": "ElectionResults.VoteCounts", "GpUnitId": unit, "Type": "total", "Count": total,
    })];
    let types = contest.vote_types.len();
    if types == 0 || region.totals.votes_by_type.len() != types * contest.pairs.len() {
        return counts;
    }
    for (index, key) in contest.vote_types.iter().enumerate() {
        let count = region.totals.votes_by_type[pair * types + index];
        let mut value = json!({
            "@type": "ElectionResults.VoteCounts", "GpUnitId": unit, "Count": count,
        });
        match count_type(key) {
            Some(kind) => value["Type"] = json!(kind),
            None => {
                value["Type"] = json!("other");
                value["OtherType"] = json!(key);
            }
        }
        counts.push(value);
    }
    counts
}

fn scope_report(contest: &ContestReport) -> Option<&RegionReport> {
    contest
        .regions
        .iter()
        .find(|region| region.code == contest.scope)
}

fn contest_value(contest: &ContestReport) -> Value {
    let selections: Vec<Value> = contest
        .pairs
        .iter()
        .enumerate()
        .map(|(index, (number, _))| {
            let counts: Vec<Value> = (contest.regions.iter())
                .flat_map(|region| vote_counts(contest, region, index))
                .collect();
            json!({
                "@type": "ElectionResults.CandidateSelection",
                "@id": format!("sel-{}-{number}", contest.id),
                "CandidateIds": [format!("cand-{}-{number}", contest.id)],
                "SequenceOrder": number,
                "VoteCounts": counts,
            })
        })
        .collect();
    let scope = scope_report(contest);
    let approved = scope.is_some_and(|region| region.approval == "approved");
    let mut value = json!({
        "@type": "ElectionResults.CandidateContest",
        "@id": format!("contest-{}", contest.id),
        "Name": contest.name,
        "ElectionDistrictId": unit_id(&contest.scope),
        "VotesAllowed": 1,
        "ContestSelection": selections,
        "CountStatus": [{
            "@type": "ElectionResults.CountStatus",
            "Type": "total",
            "Status": if approved { "completed" } else { "in-process" },
        }],
    });
    if let Some(scope) = scope {
        value["SubUnitsReported"] = json!(scope.totals.stations_reported);
        value["TotalSubUnits"] = json!(scope.totals.stations_expected);
    }
    value
}

fn status(contests: &[ContestReport]) -> &'static str {
    let scopes: Vec<Option<&RegionReport>> = contests.iter().map(scope_report).collect();
    if !scopes.is_empty()
        && scopes
            .iter()
            .all(|s| s.is_some_and(|r| r.approval == "approved"))
    {
        "certified"
    } else if scopes
        .iter()
        .all(|s| s.is_some_and(|r| r.totals.stations_reported >= r.totals.stations_expected))
    {
        "unofficial-complete"
    } else {
        "unofficial-partial"
    }
}

/// The ElectionReport.
pub fn election_report(input: &ReportInput) -> Value {
    let candidates: Vec<Value> = input
        .contests
        .iter()
        .flat_map(|contest| {
            contest.pairs.iter().map(move |(number, name)| {
                json!({
                    "@type": "ElectionResults.Candidate",
                    "@id": format!("cand-{}-{number}", contest.id),
                    "BallotName": text(name),
                })
            })
        })
        .collect();
    let scope = input
        .roots
        .first()
        .map(|code| unit_id(code))
        .unwrap_or_default();
    json!({
        "@type": "ElectionResults.ElectionReport",
        "Format": "summary-contest",
        "GeneratedDate": input.generated,
        "Issuer": "rekap",
        "IssuerAbbreviation": "rekap",
        "VendorApplicationId": concat!("rekap ", env!("CARGO_PKG_VERSION")),
        "SequenceStart": 1,
        "SequenceEnd": input.sequence_end,
        "Status": status(&input.contests),
        "Notes": input.notes,
        "GpUnit": input.units.iter().map(reporting_unit).collect::<Vec<_>>(),
        "Election": [{
            "@type": "ElectionResults.Election",
            "Name": text(&input.election_name),
            "Type": "general",
            "StartDate": input.date,
            "EndDate": input.date,
            "ElectionScopeId": scope,
            "Candidate": candidates,
            "Contest": input.contests.iter().map(contest_value).collect::<Vec<_>>(),
        }],
    })
}

/// Every object reference (a property named `...Id` or `...Ids`, as the schema's
/// `refTypes` properties are) that names no `@id` of the document, as `pointer: id`.
pub fn unresolved_references(document: &Value) -> Vec<String> {
    let mut ids = std::collections::BTreeSet::new();
    collect_ids(document, &mut ids);
    let mut unresolved = Vec::new();
    check_references(document, "", &ids, &mut unresolved);
    unresolved
}

fn collect_ids<'a>(value: &'a Value, ids: &mut std::collections::BTreeSet<&'a str>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(id)) = object.get("@id") {
                ids.insert(id);
            }
            object.values().for_each(|v| collect_ids(v, ids));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_ids(v, ids)),
        _ => {}
    }
}

fn check_references(
    value: &Value,
    at: &str,
    ids: &std::collections::BTreeSet<&str>,
    unresolved: &mut Vec<String>,
) {
    match value {
        Value::Object(object) => {
            for (key, child) in object {
                let here = crate::sirekap::pointer_of(at, key);
                // The schema marks references with `refTypes`; every such property is named
                // `...Id` or `...Ids`, and the one `...Id` that is not a reference is
                // `VendorApplicationId`.
                let is_reference =
                    (key.ends_with("Id") || key.ends_with("Ids")) && key != "VendorApplicationId";
                match child {
                    Value::String(id) if is_reference && !ids.contains(id.as_str()) => {
                        unresolved.push(format!("{here}: {id}"));
                    }
                    Value::Array(items) if is_reference => {
                        for (index, item) in items.iter().enumerate() {
                            if let Value::String(id) = item {
                                if !ids.contains(id.as_str()) {
                                    unresolved.push(format!("{here}/{index}: {id}"));
                                }
                            }
                        }
                    }
                    _ => check_references(child, &here, ids, unresolved),
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                check_references(item, &format!("{at}/{index}"), ids, unresolved);
            }
        }
        _ => {}
    }
}
