//! `totals --server` and `status --server`: the server's JSON, printed.

use crate::commands::totals::{Format, TotalsArgs};
use crate::exit::Outcome;
use crate::output::print;
use crate::table::Table;

use super::Client;

/// Query string of the given parameters (values percent-encoded).
fn query(pairs: &[(&str, Option<&str>)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter_map(|(name, value)| value.map(|value| format!("{name}={}", encode(value))))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// With `Json`, the server's answer as is (the JSON of `totals --format json` plus
/// `head`); with `Csv`, the CSV a local `totals --format csv` writes; otherwise a plain
/// table of it.
pub fn totals(url: &str, args: &TotalsArgs, format: Format) -> anyhow::Result<Outcome> {
    let path = format!(
        "/v1/totals{}",
        query(&[
            ("contest", args.contest.as_deref()),
            ("level", args.level.as_deref()),
            ("region", args.region.as_deref()),
        ])
    );
    let answer = Client::new(url).get_json(&path)?;
    match format {
        Format::Json => {
            print(&(serde_json::to_string(&answer)? + "\n"))?;
            return Ok(Outcome::Success);
        }
        Format::Csv => {
            print(&totals_csv(&answer)?)?;
            return Ok(Outcome::Success);
        }
        Format::Table => {}
    }
    let regions = answer["regions"].as_array().cloned().unwrap_or_default();
    let pairs: Vec<String> = regions
        .first()
        .and_then(|region| region["votes"].as_object())
        .map(|votes| votes.keys().cloned().collect())
        .unwrap_or_default();
    let mut header = vec![
        "Code".to_owned(),
        answer["level"].as_str().unwrap_or("").to_owned(),
    ];
    let names = answer["pairs"].as_array().cloned().unwrap_or_default();
    header.extend(pairs.iter().map(|pair| {
        let name = names
            .iter()
            .find(|named| {
                named["number"].as_u64().map(|n| n.to_string()).as_deref() == Some(pair.as_str())
            })
            .and_then(|named| named["name"].as_str())
            .unwrap_or_default();
        format!("{pair} {name}")
    }));
    header.extend(["Valid", "Invalid", "Stations", "Approval"].map(str::to_owned));
    let mut table = Table::new(header);
    for region in &regions {
        let text = |field: &str| match &region[field] {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        let mut row = vec![text("code"), text("name")];
        row.extend(pairs.iter().map(|pair| region["votes"][pair].to_string()));
        row.extend([
            text("valid"),
            text("invalid"),
            format!(
                "{}/{}",
                text("stations_reported"),
                text("stations_expected")
            ),
            text("approval"),
        ]);
        table.push(row);
    }
    print(&(table.render() + &format!("(head {})\n", answer["head"]["count"])))?;
    Ok(Outcome::Success)
}

/// The CSV of `totals --format csv` from the server's JSON: the same columns in the same
/// order (`crate::commands::totals`), so scripts read either.
fn totals_csv(answer: &serde_json::Value) -> anyhow::Result<String> {
    let pairs = answer["pairs"].as_array().cloned().unwrap_or_default();
    let numbers: Vec<String> = pairs
        .iter()
        .map(|pair| pair["number"].to_string())
        .collect();
    let names: Vec<String> = pairs.iter().map(|pair| text(&pair["name"])).collect();
    let vote_types: Vec<String> = (answer["vote_types"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .map(text)
        .collect();
    let header = crate::commands::totals::csv_header(&numbers, &vote_types);
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header)?;
    for region in answer["regions"].as_array().cloned().unwrap_or_default() {
        let mut row = vec![text(&region["code"]), text(&region["name"])];
        row.extend(numbers.iter().map(|number| text(&region["votes"][number])));
        row.extend(
            [
                "valid",
                "invalid",
                "stations_reported",
                "stations_expected",
                "approval",
            ]
            .map(|field| text(&region[field])),
        );
        row.extend(names.iter().cloned());
        for number in &numbers {
            let split = &region["votes_by_type"][number];
            row.extend(vote_types.iter().map(|key| text(&split[key])));
        }
        row.push(text(&region["stations_without_invalid"]));
        writer.write_record(&row)?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

/// A JSON value as a CSV field: a string without its quotes, anything else as JSON writes it.
fn text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// With `Json` or `Csv`, what a local `status` prints in that format (its JSON is what
/// `GET /v1/status` answers); otherwise a plain table of it.
pub fn status(url: &str, contest: Option<&str>, format: Format) -> anyhow::Result<Outcome> {
    let answer =
        Client::new(url).get_json(&format!("/v1/status{}", query(&[("contest", contest)])))?;
    if !matches!(format, Format::Table) {
        return crate::commands::status::print_value(&answer, format);
    }
    let mut out = format!(
        "{}\n",
        crate::lang::say_with(
            "command-reads-records-head",
            &[
                ("name", &answer["name"].as_str().unwrap_or_default()),
                ("count", &count(&answer["head"]["count"])),
                ("hash", &answer["head"]["hash"].as_str().unwrap_or_default())
            ]
        )
    );
    for scope in answer["scopes"].as_array().cloned().unwrap_or_default() {
        out += &format!(
            "{}\n",
            crate::lang::say_with(
                "command-reads-stations-reported",
                &[
                    ("stations-reported", &count(&scope["stations_reported"])),
                    ("stations-expected", &count(&scope["stations_expected"]))
                ]
            )
        );
        for level in scope["levels"].as_array().cloned().unwrap_or_default() {
            out += &format!(
                "  {:<16} {}",
                level["level"].as_str().unwrap_or_default(),
                crate::lang::say_with(
                    "command-reads-level-complete",
                    &[
                        ("complete", &count(&level["complete"])),
                        ("regions", &count(&level["regions"]))
                    ]
                )
            );
            if let Some(approvals) = level["approvals"].as_object() {
                out += &crate::lang::say_with(
                    "command-reads-approvals-approved-stale-pending",
                    &[
                        ("approved", &count(&approvals["approved"])),
                        ("stale", &count(&approvals["stale"])),
                        ("pending", &count(&approvals["pending"])),
                    ],
                );
            }
            out.push('\n');
        }
    }
    out += &format!(
        "{}\n",
        crate::lang::say_with(
            "command-reads-open-objections-flags-accepted-look",
            &[
                ("open-objections", &count(&answer["open_objections"])),
                ("flags", &count(&answer["flags"]))
            ]
        )
    );
    print(&out)?;
    Ok(Outcome::Success)
}

/// A count of the server's JSON grouped for people (anything else as the JSON gives it).
fn count(value: &serde_json::Value) -> String {
    value
        .as_u64()
        .map_or_else(|| value.to_string(), crate::lang::number)
}
