//! `totals --server` (without --at or --region) and `status --server` with
//! `-f json` or `-f csv`: the server's JSON, printed as the local command prints it (one
//! request, no copy of the log).

use crate::commands::totals::{Format, TotalsArgs};
use crate::exit::Outcome;
use crate::output::print;

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
/// `head`); with `Csv`, the CSV a local `totals --format csv` writes. (A table is the
/// local command's, on the server's copy: `crate::client::copy`.)
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
    let text = match format {
        Format::Csv => totals_csv(&answer)?,
        _ => serde_json::to_string(&answer)? + "\n",
    };
    print(&text)?;
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

/// What a local `status` prints in `format`, JSON or CSV (its JSON is what
/// `GET /v1/status` answers).
pub fn status(url: &str, contest: Option<&str>, format: Format) -> anyhow::Result<Outcome> {
    let answer =
        Client::new(url).get_json(&format!("/v1/status{}", query(&[("contest", contest)])))?;
    crate::commands::status::print_value(&answer, format)
}
