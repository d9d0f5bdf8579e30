//! Read routes: answered from the published snapshot (a committed head), never by the
//! writer; record ranges and exports are read from the log in pages between commits.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::stream;
use rekap_ledger::stations_view::{level_counts, LevelCounts};
use rekap_ledger::view::{SelectError, Selection, TotalsView, ViewRegion};
use rekap_log::frame::{push_frame, Frames};
use rekap_log::{Head, Record};
use rekap_model::{
    ContestIdx, EntryKind, ObjectionStatus, State as ModelState, StationEntry, StationStatus,
};
use rekap_projection::RegionReport;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::oneshot;

use crate::api::App;
use crate::problem::Problem;
use crate::snapshot::{AnswerKey, Snapshot};
use crate::wire::HeadJson;
use crate::writer::Request;

fn snapshot(app: &App) -> Result<Arc<Snapshot>, Problem> {
    app.shared.published.get().ok_or_else(Problem::not_ready)
}

fn head_json(head: Head) -> Value {
    json!(HeadJson::from(head))
}

#[derive(Deserialize)]
pub struct TotalsQuery {
    contest: Option<String>,
    level: Option<String>,
    region: Option<String>,
}

/// `GET /v1/totals`: the JSON of `rekap totals --format json`, plus `head`; built once per
/// snapshot and query (Snapshot::answer).
pub async fn totals(
    State(app): State<Arc<App>>,
    Query(query): Query<TotalsQuery>,
) -> Result<Response, Problem> {
    let snapshot = snapshot(&app)?;
    let key = answer_key("totals", &[&query.contest, &query.level, &query.region]);
    let body = snapshot.answer(key, || {
        let view = &*snapshot.totals();
        let selection = select(
            view,
            query.contest.as_deref(),
            query.level.as_deref(),
            query.region.as_deref(),
        )?;
        let reports = view
            .reports(&selection)
            .map_err(|error| Problem::internal(error.to_string()))?;
        let mut answer = totals_json(view, &selection, &reports);
        answer["head"] = head_json(snapshot.head);
        json_bytes(&answer)
    })?;
    Ok(json_response(body))
}

/// The key an answer is kept under: the route, then each query value as given (absent and
/// empty kept apart, since the selection may tell them apart).
fn answer_key(route: &str, values: &[&Option<String>]) -> AnswerKey {
    let mut key = vec![Some(route.to_string())];
    key.extend(values.iter().map(|value| (*value).clone()));
    key
}

fn json_bytes(value: &Value) -> Result<Bytes, Problem> {
    serde_json::to_vec(value)
        .map(Bytes::from)
        .map_err(|error| Problem::internal(error.to_string()))
}

fn json_response(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn select(
    view: &TotalsView,
    contest: Option<&str>,
    level: Option<&str>,
    region: Option<&str>,
) -> Result<Selection, Problem> {
    view.select(contest, level, region)
        .map_err(|error| match error {
            SelectError::View(error) => Problem::internal(error.to_string()),
            SelectError::UnknownRegion(_) | SelectError::UnknownContest(_) => {
                Problem::not_found(error.to_string())
            }
            other => Problem::bad_request(other.to_string()),
        })
}

/// A region's voter number (`registered`, `voted`), or null where its counted sheets give
/// none: stations reported, yet no registered voter and no voter on any list. A full sheet
/// gives its station's voter lists, so these are votes-only sheets (a source without the
/// administrative section), whose 0 would be a number the source never gave.
fn voter_number(totals: &rekap_projection::Totals, number: u64) -> Value {
    if totals.stations_reported > 0 && totals.registered == 0 && totals.voted == 0 {
        Value::Null
    } else {
        json!(number)
    }
}

/// Exactly the object `rekap totals --format json` prints (src/commands/totals.rs); the
/// integration tests hold the two equal.
pub fn totals_json(view: &TotalsView, selection: &Selection, reports: &[RegionReport]) -> Value {
    let numbers = view
        .contest(selection.contest)
        .map(|column| column.pair_numbers.clone())
        .unwrap_or_default();
    let vote_types = view
        .contest(selection.contest)
        .map(|column| column.vote_types.clone())
        .unwrap_or_default();
    let regions: Vec<Value> = reports
        .iter()
        .map(|report| {
            let votes: serde_json::Map<String, Value> = numbers
                .iter()
                .zip(&report.totals.votes)
                .map(|(number, votes)| (number.to_string(), json!(votes)))
                .collect();
            let mut region = json!({
                "code": report.code,
                "name": report.name,
                "votes": votes,
                "valid": report.totals.valid,
                "invalid": report.totals.invalid,
                "stations_without_invalid": report.totals.stations_without_invalid,
                "stations_reported": report.totals.stations_reported,
                "stations_expected": report.totals.stations_expected,
                "stations_voided": report.totals.stations_voided,
                "registered": voter_number(&report.totals, report.totals.registered),
                "voted": voter_number(&report.totals, report.totals.voted),
                "approval": report.approval,
            });
            if !vote_types.is_empty() {
                region["votes_by_type"] =
                    votes_by_type(&numbers, &vote_types, &report.totals.votes_by_type);
            }
            region
        })
        .collect();
    let contest = view
        .contest(selection.contest)
        .map(|column| column.id.clone())
        .unwrap_or_default();
    let level = view
        .levels()
        .get(selection.level as usize)
        .map(|level| level.key.as_str())
        .unwrap_or_default();
    let pairs: Vec<Value> = view
        .contest(selection.contest)
        .map(|column| {
            let numbers = column.pair_numbers.iter();
            numbers
                .zip(&column.pair_names)
                .map(|(number, name)| json!({ "number": number, "name": name }))
                .collect()
        })
        .unwrap_or_default();
    let mut value = json!({"contest": contest, "level": level, "pairs": pairs, "regions": regions});
    if !vote_types.is_empty() {
        value["vote_types"] = json!(vote_types);
    }
    value
}

/// A contest's split by vote type: `{ "<pair number>": { "<type key>": votes, ... }, ... }`
/// (the counts run pair by pair, type by type).
fn votes_by_type(numbers: &[u32], vote_types: &[String], counts: &[u64]) -> Value {
    let per_pair = counts.chunks(vote_types.len().max(1));
    let split: serde_json::Map<String, Value> = numbers
        .iter()
        .zip(per_pair)
        .map(|(number, counts)| {
            let by_type: serde_json::Map<String, Value> = vote_types
                .iter()
                .zip(counts)
                .map(|(key, votes)| (key.clone(), json!(votes)))
                .collect();
            (number.to_string(), Value::Object(by_type))
        })
        .collect();
    Value::Object(split)
}

#[derive(Deserialize)]
pub struct ContestQuery {
    contest: Option<String>,
}

/// `GET /v1/status`: what `rekap status` shows, as JSON.
pub async fn status(
    State(app): State<Arc<App>>,
    Query(query): Query<ContestQuery>,
) -> Result<Response, Problem> {
    let snapshot = snapshot(&app)?;
    let key = answer_key("status", &[&query.contest]);
    let body = snapshot.answer(key, || {
        let view = &*snapshot.totals();
        let value = status_json(
            view,
            &snapshot.state,
            snapshot.head,
            snapshot.flags.len(),
            query.contest.as_deref(),
        )?;
        json_bytes(&value)
    })?;
    Ok(json_response(body))
}

/// The JSON of `GET /v1/status`, which `rekap status --format json` prints too (one
/// builder for both, so they cannot drift apart).
pub fn status_json(
    view: &TotalsView,
    state: &ModelState,
    head: Head,
    flags: usize,
    contest: Option<&str>,
) -> Result<Value, Problem> {
    let internal = |error: rekap_ledger::view::ViewError| Problem::internal(error.to_string());
    let from_lines = |_: &str, scope: u32, level: u32| {
        let contest = select(view, contest, None, None)?.contest;
        level_counts(view, contest, ViewRegion(scope), level).map_err(internal)
    };
    let (contest_id, scopes) = status_scopes(view, contest, from_lines)?;
    let model_contest = state.election().contest_by_id(&contest_id);
    let open = state
        .objections()
        .filter(|o| Some(o.contest) == model_contest && o.status == ObjectionStatus::Open)
        .count();
    let facts = StatusFacts {
        name: &state.election().definition().name,
        head,
        open_objections: open as u64,
        flags: flags as u64,
    };
    Ok(status_value(facts, &contest_id, scopes))
}

/// The contest a status is of, and each of its scopes with its levels.
/// `counts(contest id, scope row, level)` gives a level's counts.
fn status_scopes(
    view: &TotalsView,
    contest: Option<&str>,
    counts: impl Fn(&str, u32, u32) -> Result<LevelCounts, Problem>,
) -> Result<(String, Vec<Value>), Problem> {
    let internal = |error: rekap_ledger::view::ViewError| Problem::internal(error.to_string());
    let selection = select(view, contest, None, None)?;
    let contest_id = view
        .contest(selection.contest)
        .map(|c| c.id.clone())
        .unwrap_or_default();
    let mut scopes = Vec::new();
    for (scope, report) in selection
        .rows
        .clone()
        .zip(view.reports(&selection).map_err(internal)?)
    {
        let mut levels = Vec::new();
        for level in 0..view.station_level() {
            let counts = counts(&contest_id, scope, level)?;
            let holds_plenary = view
                .levels()
                .get(level as usize)
                .is_some_and(|l| l.holds_plenary);
            levels.push(json!({
                "level": view.levels().get(level as usize).map(|l| l.key.clone()),
                "regions": counts.regions,
                "complete": counts.complete,
                "approvals": holds_plenary.then(|| json!({
                    "approved": counts.approved,
                    "stale": counts.stale,
                    "pending": counts.regions - counts.approved - counts.stale,
                })),
            }));
        }
        scopes.push(json!({
            "code": report.code,
            "stations_reported": report.totals.stations_reported,
            "stations_expected": report.totals.stations_expected,
            "stations_voided": report.totals.stations_voided,
            "levels": levels,
        }));
    }
    Ok((contest_id, scopes))
}

/// What a status shows besides the totals view.
struct StatusFacts<'a> {
    name: &'a str,
    head: Head,
    /// Open objections of the contest shown.
    open_objections: u64,
    flags: u64,
}

/// [`status_json`] without a state, for `rekap status` answering from the saved stations
/// view: the definition's name, the number of flags, and `open_of(contest id)`, the
/// contest's open objections.
pub fn status_json_of(
    view: &TotalsView,
    name: &str,
    head: Head,
    flags: u64,
    contest: Option<&str>,
    open_of: impl Fn(&str) -> Option<u64>,
    saved_counts: impl Fn(&str, u32, u32) -> Option<LevelCounts>,
) -> Result<Value, Problem> {
    let counts = |contest: &str, scope: u32, level: u32| {
        saved_counts(contest, scope, level)
            .ok_or_else(|| Problem::internal("no saved level counts"))
    };
    let (contest_id, scopes) = status_scopes(view, contest, counts)?;
    let open_objections =
        open_of(&contest_id).ok_or_else(|| Problem::internal("unknown contest"))?;
    let facts = StatusFacts {
        name,
        head,
        open_objections,
        flags,
    };
    Ok(status_value(facts, &contest_id, scopes))
}

fn status_value(facts: StatusFacts<'_>, contest_id: &str, scopes: Vec<Value>) -> Value {
    json!({
        "name": facts.name,
        "head": head_json(facts.head),
        "contest": contest_id,
        "scopes": scopes,
        "open_objections": facts.open_objections,
        "flags": facts.flags,
    })
}

fn contest_of(state: &ModelState, contest: Option<&str>) -> Result<ContestIdx, Problem> {
    match contest {
        Some(id) => state
            .election()
            .contest_by_id(id)
            .ok_or_else(|| Problem::not_found(format!("unknown contest {id}"))),
        None if state.election().contests().is_empty() => {
            Err(Problem::not_found("the definition has no contests"))
        }
        None => Ok(ContestIdx(0)),
    }
}

fn contest_id(state: &ModelState, contest: ContestIdx) -> String {
    state
        .election()
        .contest(contest)
        .map(|c| c.id.clone())
        .unwrap_or_default()
}

fn entry_json(state: &ModelState, entry: &StationEntry) -> Value {
    let kind = match entry.kind {
        EntryKind::Submitted => "submitted",
        EntryKind::Corrected => "corrected",
        EntryKind::RevoteRecorded => "revote-recorded",
        EntryKind::Voided => "voided",
    };
    json!({
        "id": entry.id.to_string(),
        "recorded_at_ms": entry.recorded_at_ms,
        "author": state.officer_by_index(entry.author).map(|officer| hex::encode(officer.key)),
        "kind": kind,
        "sheet": entry.sheet.as_ref().map(|sheet| json!({
            "votes": sheet.votes(),
            "valid": sheet.valid(),
            "invalid": sheet.invalid(),
            "registered": sheet.registered_total(),
            "voted": sheet.voted_total(),
        })),
        "reason": entry.note.as_ref().map(|note| note.reason.clone()),
        "answers": entry.note.as_ref().and_then(|note| note.answers).map(|id| id.to_string()),
    })
}

/// The station a path names, in either spelling of its code; 404 if there is none.
fn station_of(state: &rekap_model::State, code: &str) -> Result<rekap_model::StationId, Problem> {
    state
        .election()
        .find_station(code)
        .ok_or_else(|| Problem::not_found(format!("unknown station {code}")))
}

/// `GET /v1/stations/{code}`: the station's status and the sheet that counts.
pub async fn station(
    State(app): State<Arc<App>>,
    Path(code): Path<String>,
    Query(query): Query<ContestQuery>,
) -> Result<Json<Value>, Problem> {
    let snapshot = snapshot(&app)?;
    let state = &snapshot.state;
    let contest = contest_of(state, query.contest.as_deref())?;
    let station = station_of(state, &code)?;
    let status = state.station_status(station, contest);
    let (label, entry) = match status {
        None => {
            return Err(Problem::not_found(format!(
                "station {code} does not vote in this contest"
            )))
        }
        Some(StationStatus::Awaiting) => ("awaiting", None),
        Some(StationStatus::Counted(entry)) => ("counted", state.entry(entry)),
        Some(StationStatus::Voided(entry)) => ("voided", state.entry(entry)),
        Some(StationStatus::RevotePending(entry)) => ("revote-pending", state.entry(entry)),
    };
    Ok(Json(json!({
        "station": code,
        "contest": contest_id(state, contest),
        "status": label,
        "current": entry.map(|entry| entry_json(state, entry)),
        "head": head_json(snapshot.head),
    })))
}

/// `GET /v1/stations/{code}/history`: every entry, oldest first.
pub async fn station_history(
    State(app): State<Arc<App>>,
    Path(code): Path<String>,
    Query(query): Query<ContestQuery>,
) -> Result<Json<Value>, Problem> {
    let snapshot = snapshot(&app)?;
    let state = &snapshot.state;
    let contest = contest_of(state, query.contest.as_deref())?;
    let station = station_of(state, &code)?;
    let entries: Vec<Value> = state
        .history(station, contest)
        .into_iter()
        .map(|entry| entry_json(state, entry))
        .collect();
    Ok(Json(json!({
        "station": code,
        "contest": contest_id(state, contest),
        "entries": entries,
        "head": head_json(snapshot.head),
    })))
}

/// `GET /v1/objections`: every objection of the contest (all contests if none is named).
pub async fn objections(
    State(app): State<Arc<App>>,
    Query(query): Query<ContestQuery>,
) -> Result<Json<Value>, Problem> {
    let snapshot = snapshot(&app)?;
    let state = &snapshot.state;
    let wanted = match query.contest.as_deref() {
        Some(id) => Some(contest_of(state, Some(id))?),
        None => None,
    };
    let list: Vec<Value> = state
        .objections()
        .filter(|objection| wanted.is_none_or(|contest| objection.contest == contest))
        .map(|objection| {
            let (status, correction, resolved_by, reason) = match &objection.status {
                ObjectionStatus::Open => ("open", None, None, None),
                ObjectionStatus::Accepted {
                    correction,
                    resolved_by,
                    reason,
                } => (
                    "accepted",
                    Some(correction.to_string()),
                    Some(resolved_by.to_string()),
                    Some(reason.clone()),
                ),
                ObjectionStatus::Rejected {
                    resolved_by,
                    reason,
                } => (
                    "rejected",
                    None,
                    Some(resolved_by.to_string()),
                    Some(reason.clone()),
                ),
            };
            json!({
                "id": objection.id.to_string(),
                "author": hex::encode(objection.author),
                "place": state.election().place_code(objection.place),
                "contest": contest_id(state, objection.contest),
                "text": objection.text,
                "status": status,
                "correction": correction,
                "resolved_by": resolved_by,
                "reason": reason,
            })
        })
        .collect();
    Ok(Json(
        json!({"objections": list, "head": head_json(snapshot.head)}),
    ))
}

/// `GET /v1/approvals`: every plenary approval, with the witnesses whose signatures
/// verified and the refusals.
pub async fn approvals(
    State(app): State<Arc<App>>,
    Query(query): Query<ContestQuery>,
) -> Result<Json<Value>, Problem> {
    let snapshot = snapshot(&app)?;
    let state = &snapshot.state;
    let wanted = match query.contest.as_deref() {
        Some(id) => Some(contest_of(state, Some(id))?),
        None => None,
    };
    let list: Vec<Value> = state
        .approvals()
        .iter()
        .filter(|approval| wanted.is_none_or(|contest| approval.contest == contest))
        .map(|approval| {
            json!({
                "id": approval.id.to_string(),
                "recorded_at_ms": approval.recorded_at_ms,
                "official": hex::encode(approval.official),
                "region": state.election().region_code(approval.region),
                "contest": contest_id(state, approval.contest),
                "digest": hex::encode(approval.digest),
                "witness_signatures": approval.signers.iter().map(hex::encode).collect::<Vec<_>>(),
                "refusals": approval.refusals.iter().map(|refusal| json!({
                    "witness": hex::encode(refusal.witness),
                    "reason": refusal.reason,
                })).collect::<Vec<_>>(),
                "open_objections": approval.open_objections.iter().map(ToString::to_string).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Json(
        json!({"approvals": list, "head": head_json(snapshot.head)}),
    ))
}

#[derive(Deserialize)]
pub struct RecordsQuery {
    from: Option<u64>,
    to: Option<u64>,
    format: Option<String>,
}

/// `GET /v1/records?from=N&to=M&format=frames|json`: records `N..=M` of the snapshot's
/// head, streamed: length-prefixed frames as in an export, or one JSON object per line.
pub async fn records(
    State(app): State<Arc<App>>,
    Query(query): Query<RecordsQuery>,
) -> Result<Response, Problem> {
    let head = snapshot(&app)?.head;
    let from = query.from.unwrap_or(1);
    let to = query.to.unwrap_or(head.count);
    if from == 0 || from > to || to > head.count {
        return Err(Problem::bad_request(format!(
            "records {from} to {to}: this log holds records 1 to {}",
            head.count
        )));
    }
    let json = match query.format.as_deref() {
        None | Some("frames") => false,
        Some("json") => true,
        Some(other) => {
            return Err(Problem::bad_request(format!(
                "format {other}: frames or json"
            )))
        }
    };
    let content_type = if json {
        "application/x-ndjson"
    } else {
        "application/octet-stream"
    };
    let body = Body::from_stream(page_stream(app, from, to, json));
    Ok(([(header::CONTENT_TYPE, content_type)], body).into_response())
}

/// `GET /v1/export`: the export file of the snapshot's head (docs/FORMAT.md), streamed.
pub async fn export(State(app): State<Arc<App>>) -> Result<Response, Problem> {
    let head = snapshot(&app)?.head;
    let mut header = Vec::new();
    header.extend_from_slice(rekap_log::export::EXPORT_MAGIC);
    header.extend_from_slice(&rekap_log::export::EXPORT_VERSION.to_le_bytes());
    header.extend_from_slice(&head.count.to_le_bytes());
    let mut trailer = Vec::new();
    trailer.extend_from_slice(rekap_log::export::TRAILER_MAGIC);
    trailer.extend_from_slice(&head.last_hash);
    use futures_util::StreamExt;
    let body = stream::iter([Ok::<Bytes, std::io::Error>(Bytes::from(header))])
        .chain(page_stream(app, 1, head.count, false))
        .chain(stream::iter([Ok(Bytes::from(trailer))]));
    Ok((
        [(header::CONTENT_TYPE, "application/octet-stream")],
        Body::from_stream(body),
    )
        .into_response())
}

/// Pages of records `from..=to`, each read by the writer between two commits.
fn page_stream(
    app: Arc<App>,
    from: u64,
    to: u64,
    json: bool,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    stream::unfold(Some(from), move |next| {
        let app = app.clone();
        async move {
            let next = next.filter(|next| *next <= to)?;
            match read_page(&app, next, to, json).await {
                Ok((bytes, last)) if last >= next => Some((Ok(Bytes::from(bytes)), Some(last + 1))),
                Ok(_) => None,
                Err(error) => Some((Err(std::io::Error::other(error)), None)),
            }
        }
    })
}

async fn read_page(app: &App, from: u64, to: u64, json: bool) -> Result<(Vec<u8>, u64), String> {
    let chunks = loop {
        let (reply, answer) = oneshot::channel();
        match app.enqueue(Request::Chunks { from, to, reply }) {
            Ok(()) => {
                break answer
                    .await
                    .map_err(|_| "the writer stopped".to_owned())??
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(5)).await,
        }
        if app
            .shared
            .stopping
            .load(std::sync::atomic::Ordering::SeqCst)
        {
            return Err("the server is stopping".into());
        }
    };
    let mut out = Vec::new();
    let mut last = from - 1;
    for chunk in &chunks {
        for (seq, frame) in (chunk.first_seq..).zip(Frames::new(&chunk.framed_records)) {
            let bytes = frame.map_err(|error| error.to_string())?;
            if seq < from {
                continue;
            }
            if seq > to {
                break;
            }
            if json {
                let record = Record::decode(bytes).map_err(|error| error.to_string())?;
                let line = json!({
                    "seq": record.seq,
                    "prev_hash": hex::encode(record.prev_hash),
                    "recorded_at_ms": record.recorded_at_ms,
                    "author": hex::encode(record.author),
                    "counter": record.counter,
                    "payload": hex::encode(&record.payload),
                    "signature": hex::encode(record.signature),
                    "hash": hex::encode(record.hash),
                });
                out.extend_from_slice(line.to_string().as_bytes());
                out.push(b'\n');
            } else {
                push_frame(&mut out, bytes);
            }
            last = seq;
        }
    }
    Ok((out, last))
}

/// `GET /v1/election`: the definition's name and hash (what every payload binds).
pub async fn election(State(app): State<Arc<App>>) -> Result<Json<Value>, Problem> {
    let snapshot = snapshot(&app)?;
    let state = &snapshot.state;
    Ok(Json(json!({
        "name": state.election().definition().name,
        "definition_hash": hex::encode(state.definition_hash()),
        "head": head_json(snapshot.head),
    })))
}

#[derive(Deserialize)]
pub struct ProofQuery {
    contest: Option<String>,
    level: Option<String>,
}

/// `GET /v1/stations/{code}/proof?contest=&level=`: the station's proof file, exactly as
/// `rekap prove` writes it (format rekap-proof/4), built by the writer between commits.
pub async fn station_proof(
    State(app): State<Arc<App>>,
    Path(code): Path<String>,
    Query(query): Query<ProofQuery>,
) -> Result<Response, Problem> {
    let snapshot = snapshot(&app)?;
    let contest = contest_of(&snapshot.state, query.contest.as_deref())?;
    let (reply, answer) = oneshot::channel();
    app.enqueue(Request::Prove {
        contest: contest_id(&snapshot.state, contest),
        station: code,
        level: query.level,
        reply,
    })?;
    let proof = answer
        .await
        .map_err(|_| Problem::internal("the writer stopped before answering"))?
        .map_err(Problem::not_found)?;
    // The bytes `rekap prove` writes (pretty JSON, a newline), so that a served proof and a
    // written one are the same file.
    let text = serde_json::to_string_pretty(&proof)
        .map_err(|error| Problem::internal(error.to_string()))?;
    Ok(json_response(Bytes::from(text + "\n")))
}

#[derive(Deserialize)]
pub struct StatementQuery {
    region: Option<String>,
    contest: Option<String>,
}

/// `GET /v1/statement?region=&contest=`: the approval statement `rekap sign` signs (its
/// digest is computed by the writer, which holds the projection), at the writer's head.
pub async fn statement(
    State(app): State<Arc<App>>,
    Query(query): Query<StatementQuery>,
) -> Result<Json<Value>, Problem> {
    let (Some(region), Some(contest)) = (query.region, query.contest) else {
        return Err(Problem::bad_request("give region= and contest="));
    };
    let (reply, answer) = oneshot::channel();
    app.enqueue(Request::Statement {
        region,
        contest,
        reply,
    })?;
    let (statement, head) = answer
        .await
        .map_err(|_| Problem::internal("the writer stopped"))?
        .map_err(Problem::not_found)?;
    Ok(Json(json!({
        "definition_hash": hex::encode(statement.definition_hash),
        "region": statement.region,
        "contest": statement.contest,
        "digest": hex::encode(statement.digest),
        "signed_bytes": hex::encode(statement.bytes()),
        "head": head_json(head),
    })))
}
