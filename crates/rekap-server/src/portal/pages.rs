//! The overview of a contest and the drill-down by region, from the totals view (the same
//! numbers `rekap totals` prints) and the model's state (approvals, stations).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use maud::{html, Markup};
use rekap_ledger::view::{Selection, TotalsView, ViewRegion};
use rekap_model::{ContestIdx, State as ModelState, StationStatus};
use rekap_projection::RegionReport;

use super::cache::Cache;
use super::distribution::{self, Distribution};
use super::format::{group_digits, share, short_hex, time, Lang};
use super::{charts, map, progress};
use super::{internal, layout, not_found, snapshot_or_wait, Asked, Page, RawQuery};
use crate::api::App;
use crate::snapshot::Snapshot;

/// `/`: the overview of the first contest.
pub async fn first_contest(State(app): State<Arc<App>>, query: RawQuery) -> Page {
    let asked = Asked::of(query);
    render(&app, &asked, |snapshot| {
        let id = snapshot
            .state
            .election()
            .contests()
            .first()
            .map(|contest| contest.id.clone());
        match id {
            Some(id) => overview(snapshot, &asked, &id, !app.compare.is_empty()),
            None => Err(not_found(
                &asked,
                &asked.lang.message("portal-the-definition-has-no-contests"),
            )),
        }
    })
}

/// `/c/{contest}`.
pub async fn contest(
    State(app): State<Arc<App>>,
    Path(contest): Path<String>,
    query: RawQuery,
) -> Page {
    let asked = Asked::of(query);
    render(&app, &asked, |snapshot| {
        overview(snapshot, &asked, &contest, !app.compare.is_empty())
    })
}

/// `/c/{contest}/r/{region}`.
pub async fn region(
    State(app): State<Arc<App>>,
    Path((contest, region)): Path<(String, String)>,
    query: RawQuery,
) -> Page {
    let asked = Asked::of(query);
    render(&app, &asked, |snapshot| {
        region_page(snapshot, &asked, &contest, &region, !app.compare.is_empty())
    })
}

fn render(app: &App, asked: &Asked, build: impl FnOnce(&Snapshot) -> Result<Page, Page>) -> Page {
    match snapshot_or_wait(app, asked) {
        Ok(snapshot) => build(&snapshot).unwrap_or_else(|page| page),
        Err(page) => page,
    }
}

fn unknown_contest(asked: &Asked, id: &str) -> Page {
    let text = asked
        .lang
        .message_with("portal-no-such-contest", &[("id", &id)]);
    not_found(asked, &text)
}

/// The contest's index in the model and the view, or a 404 page.
pub(crate) fn find_contest(
    snapshot: &Snapshot,
    asked: &Asked,
    id: &str,
) -> Result<ContestIdx, Page> {
    snapshot
        .state
        .election()
        .contest_by_id(id)
        .ok_or_else(|| unknown_contest(asked, id))
}

fn overview(snapshot: &Snapshot, asked: &Asked, id: &str, comparing: bool) -> Result<Page, Page> {
    let contest = find_contest(snapshot, asked, id)?;
    let view = &*snapshot.totals();
    let failed = |error: rekap_ledger::view::ViewError| internal(asked, &error.to_string());
    let selection = view
        .select(Some(id), None, None)
        .map_err(|error| internal(asked, &error.to_string()))?;
    let reports = view.reports(&selection).map_err(failed)?;
    let lang = asked.lang;
    let state = &snapshot.state;
    let name = state
        .election()
        .contest(contest)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let scope = selection.rows.start;
    let levels = LEVELS
        .get_or(snapshot, (contest.0, scope), || {
            plenary_levels(view, contest, scope)
        })
        .map_err(failed)?;
    let pairs = state
        .election()
        .contest(contest)
        .map(|c| c.pairs.clone())
        .unwrap_or_default();
    let mut spread = Distribution::default();
    let mut regions = Vec::new();
    for report in &reports {
        if let Some(region) = state.election().find_region(&report.code) {
            spread.add(&distribution::cached(snapshot, contest, region));
            regions.push(region);
        }
    }
    let expected = reports
        .iter()
        .map(|report| u64::from(report.totals.stations_expected))
        .sum();
    let over_time = progress::cached(snapshot, contest, &regions, expected);
    // One region in scope (a province, the nation): the map shows the regions below it.
    let below = match reports.as_slice() {
        [only] => match view.select(Some(id), None, Some(&only.code)) {
            Ok(children) => view.reports(&children).map_err(failed)?,
            // Nothing below it to select (a contest of one level): the map shows it alone.
            Err(_) => Vec::new(),
        },
        _ => Vec::new(),
    };
    let drawn = if below.is_empty() { &reports } else { &below };
    let on_map: BTreeMap<String, &RegionReport> =
        drawn.iter().map(|r| (r.code.clone(), r)).collect();
    let shapes = map::shapes_for(drawn.iter().map(|r| r.code.as_str()));
    let path = format!("/c/{id}");
    let body = html! {
        @for report in &reports {
            p { (lang.message("portal-region")) ": "
                a href=(asked.link(&format!("/c/{id}/r/{}", report.code))) { (report.name) " (" (report.code) ")" } }
            (pair_table(state, contest, report, lang))
            (progress(report, lang))
        }
        @if comparing { (compare_link(asked, &path)) }
        (progress_section(&over_time, lang))
        h2 { (lang.message("portal-plenaries-by-level")) }
        table {
            caption { (lang.message("portal-regions-by-approval-state")) }
            thead { tr {
                th scope="col" { (lang.message("portal-level")) }
                th scope="col" { (lang.message("portal-approved")) }
                th scope="col" { (lang.message("portal-stale")) }
                th scope="col" { (lang.message("portal-pending")) }
            } }
            tbody {
                @for (names, approved, stale, pending) in levels.iter() {
                    tr { th scope="row" { (lang.name(&names.1, &names.0)) }
                        td.number { (group_digits(*approved as u64, lang)) }
                        td.number { (group_digits(*stale as u64, lang)) }
                        td.number { (group_digits(*pending as u64, lang)) } }
                }
            }
        }
        (map::map(&shapes, &on_map, &pairs, asked, id, &path))
        (charts::section(&spread, &pairs, asked, &path))
        (head_block(snapshot, lang))
    };
    Ok(Page {
        status: StatusCode::OK,
        body: layout(asked, &path, &name, body),
    })
}

/// Each plenary level's name (id, en) and its regions approved, stale and pending.
type LevelCounts = Vec<((String, String), usize, usize, usize)>;

/// The plenary levels under the view row `scope`: one report per region of every level
/// (7,277 districts nationally), so kept per head.
static LEVELS: Cache<LevelCounts> = Cache::new();

fn plenary_levels(
    view: &TotalsView,
    contest: ContestIdx,
    scope: u32,
) -> Result<LevelCounts, rekap_ledger::view::ViewError> {
    let mut levels = Vec::new();
    for level in 0..view.station_level() {
        let holds = view
            .levels()
            .get(level as usize)
            .filter(|l| l.holds_plenary);
        let Some(names) = holds else { continue };
        let rows = view.regions_at(ViewRegion(scope), level)?;
        if rows.is_empty() {
            continue;
        }
        let level_reports = view.reports(&Selection {
            contest,
            level,
            rows,
        })?;
        let count = |label: &str| level_reports.iter().filter(|r| r.approval == label).count();
        let (approved, stale) = (count("approved"), count("stale"));
        levels.push((
            (names.name_id.clone(), names.name_en.clone()),
            approved,
            stale,
            level_reports.len() - approved - stale,
        ));
    }
    Ok(levels)
}

/// The head the page answers at, and where the log's latest signed checkpoint is served.
pub(crate) fn head_block(snapshot: &Snapshot, lang: Lang) -> Markup {
    html! {
        section.head aria-label=(lang.message("portal-log-head")) {
            p { (lang.message("portal-this-page-answers-at-record"))
                span #head-count { (snapshot.head.count) } ", "
                (lang.message("portal-head-hash")) code #head-hash { (hex::encode(snapshot.head.last_hash)) } "." }
            p { (lang.message("portal-signed-checkpoint")) " " a #checkpoint-link href="/tlog/checkpoint" { code { "/tlog/checkpoint" } }
                " " (lang.message("portal-signed-checkpoint-what")) }
        }
    }
}

/// Votes per pair with names and shares of valid votes.
pub(crate) fn pair_table(
    state: &ModelState,
    contest: ContestIdx,
    report: &RegionReport,
    lang: Lang,
) -> Markup {
    let pairs = state
        .election()
        .contest(contest)
        .map(|c| c.pairs.clone())
        .unwrap_or_default();
    let valid = report.totals.valid;
    html! {
        table.pairs {
            caption { (lang.message("portal-votes-per-pair")) " — " (report.name) }
            thead { tr {
                th scope="col" { (lang.message("portal-no")) }
                th scope="col" { (lang.message("portal-pair")) }
                th scope="col" { (lang.message("portal-votes")) }
                th scope="col" { (lang.message("portal-share")) }
            } }
            tbody {
                @for (pair, votes) in pairs.iter().zip(&report.totals.votes) {
                    tr { td { (pair.number) } th scope="row" { (pair.name) }
                        td.number data-pair=(pair.number) { (group_digits(*votes, lang)) }
                        td.number { (share(*votes, valid, lang)) } }
                }
            }
            tfoot {
                tr { th scope="row" colspan="2" { (lang.message("portal-valid-votes")) } td.number data-valid { (group_digits(valid, lang)) } td {} }
                tr { th scope="row" colspan="2" { (lang.message("portal-invalid-votes")) } td.number { (group_digits(report.totals.invalid, lang)) } td {} }
                @if report.totals.stations_without_invalid > 0 {
                    tr { td colspan="4" data-without-invalid=(report.totals.stations_without_invalid) { (lang.message_with("portal-stations-without-invalid", &[("stations", &group_digits(u64::from(report.totals.stations_without_invalid), lang))])) } }
                }
            }
        }
    }
}

fn progress(report: &RegionReport, lang: Lang) -> Markup {
    let totals = &report.totals;
    html! {
        p.progress { (lang.message("portal-stations-reported")) ": "
            span data-reported { (group_digits(u64::from(totals.stations_reported), lang)) }
            (lang.message("portal-of")) (group_digits(u64::from(totals.stations_expected), lang))
            " (" (share(u64::from(totals.stations_reported), u64::from(totals.stations_expected), lang)) ")"
            @if totals.stations_voided > 0 { "; " (lang.message("portal-voided")) ": " (totals.stations_voided) } }
    }
}

/// Stations reported over time (portal/progress.rs).
fn progress_section(over_time: &progress::Progress, lang: Lang) -> Markup {
    html! {
        section.progress aria-labelledby="progress-heading" {
            h2 #progress-heading { (lang.message("portal-reporting-progress")) }
            (progress::figure(over_time, lang))
        }
    }
}

/// The link to the page's comparison with the other sources (`serve --compare`).
fn compare_link(asked: &Asked, path: &str) -> Markup {
    html! { p { a #compare-link href=(asked.link(&format!("{path}/compare"))) {
    (asked.lang.message("portal-compare-with-other-sources")) } } }
}

pub(crate) fn approval_label(label: &str, lang: Lang) -> String {
    match label {
        "approved" => lang.message("portal-state-approved"),
        "stale" => lang.message("portal-state-stale"),
        "pending" => lang.message("portal-state-pending"),
        _ => lang.message("portal-no-plenary"),
    }
}

fn region_page(
    snapshot: &Snapshot,
    asked: &Asked,
    id: &str,
    code: &str,
    comparing: bool,
) -> Result<Page, Page> {
    let contest = find_contest(snapshot, asked, id)?;
    let lang = asked.lang;
    let state = &snapshot.state;
    let missing = || {
        let text = lang.message_with("portal-no-such-region", &[("code", &code), ("id", &id)]);
        not_found(asked, &text)
    };
    let region = state.election().find_region(code).ok_or_else(missing)?;
    let view = &*snapshot.totals();
    let children = view
        .select(Some(id), None, Some(code))
        .map_err(|_| missing())?;
    let found = view.find_region(code).ok().flatten().ok_or_else(missing)?;
    let level = state
        .election()
        .region_entry(region)
        .map(|r| r.level)
        .unwrap_or_default();
    let own = view
        .reports(&Selection {
            contest,
            level,
            rows: found.0..found.0 + 1,
        })
        .map_err(|error| internal(asked, &error.to_string()))?;
    let Some(report) = own.first() else {
        return Err(missing());
    };
    let station_children = level + 1 == view.station_level();
    let pairs = state
        .election()
        .contest(contest)
        .map(|c| c.pairs.clone())
        .unwrap_or_default();
    let path = format!("/c/{id}/r/{code}");
    let (rows, drawn) = if station_children {
        (html! {}, html! {})
    } else {
        child_table(view, &children, asked, id, &pairs, &path)?
    };
    let spread = distribution::cached(snapshot, contest, region);
    let expected = u64::from(report.totals.stations_expected);
    let over_time = progress::cached(snapshot, contest, &[region], expected);
    let body = html! {
        (breadcrumbs(state, region, asked, id))
        (pair_table(state, contest, report, lang))
        (progress(report, lang))
        p { (lang.message("portal-plenary-state")) ": " strong data-approval=(report.approval) { (approval_label(report.approval, lang)) } }
        @if comparing { (compare_link(asked, &path)) }
        (progress_section(&over_time, lang))
        (approval_details(state, region, contest, asked))
        @if station_children { (station_table(state, region, contest, asked, id)) } @else { (rows) }
        (drawn)
        (charts::section(&spread, &pairs, asked, &path))
        (head_block(snapshot, lang))
    };
    let title = format!("{} ({code})", report.name);
    Ok(Page {
        status: StatusCode::OK,
        body: layout(asked, &path, &title, body),
    })
}

pub(crate) fn breadcrumbs(
    state: &ModelState,
    region: rekap_model::RegionIdx,
    asked: &Asked,
    id: &str,
) -> Markup {
    let mut chain = vec![region];
    while let Some(parent) = chain
        .last()
        .and_then(|r| state.election().tree().parent(*r))
    {
        chain.push(parent);
    }
    chain.reverse();
    html! {
        nav aria-label=(asked.lang.message("portal-breadcrumbs")) { ol.crumbs {
            li { a href=(asked.link(&format!("/c/{id}"))) { (asked.lang.message("portal-overview")) } }
            @for step in chain {
                @if let Some(entry) = state.election().region_entry(step) {
                    li { a href=(asked.link(&format!("/c/{id}/r/{}", entry.code))) { (entry.name) } }
                }
            }
        } }
    }
}

/// The table of the child regions, and their map where boundaries are shipped.
fn child_table(
    view: &TotalsView,
    children: &Selection,
    asked: &Asked,
    id: &str,
    pairs: &[rekap_model::CandidatePair],
    path: &str,
) -> Result<(Markup, Markup), Page> {
    let lang = asked.lang;
    let reports = view
        .reports(children)
        .map_err(|error| internal(asked, &error.to_string()))?;
    let numbers = view
        .contest(children.contest)
        .map(|c| c.pair_numbers.clone())
        .unwrap_or_default();
    let on_map: BTreeMap<String, &RegionReport> =
        reports.iter().map(|r| (r.code.clone(), r)).collect();
    let shapes = map::shapes_for(reports.iter().map(|r| r.code.as_str()));
    let drawn = map::map(&shapes, &on_map, pairs, asked, id, path);
    let table = html! {
        table.children {
            caption { (lang.message("portal-regions-below")) }
            thead { tr {
                th scope="col" { (lang.message("portal-region")) }
                @for number in &numbers { th scope="col" { (lang.message("portal-pair-column")) (number) } }
                th scope="col" { (lang.message("portal-valid")) }
                th scope="col" { (lang.message("portal-reported")) }
                th scope="col" { (lang.message("portal-plenary")) }
            } }
            tbody { @for report in &reports {
                tr { th scope="row" { a href=(asked.link(&format!("/c/{id}/r/{}", report.code))) { (report.name) " (" (report.code) ")" } }
                    @for votes in &report.totals.votes {
                        td.number { (group_digits(*votes, lang)) br; small { (share(*votes, report.totals.valid, lang)) } } }
                    td.number { (group_digits(report.totals.valid, lang)) }
                    td.number { (report.totals.stations_reported) " / " (report.totals.stations_expected) }
                    td { (approval_label(report.approval, lang)) } }
            } }
        }
    };
    Ok((table, drawn))
}

fn station_table(
    state: &ModelState,
    region: rekap_model::RegionIdx,
    contest: ContestIdx,
    asked: &Asked,
    id: &str,
) -> Markup {
    let lang = asked.lang;
    let stations = state.election().tree().stations_under(region);
    html! {
        table.stations {
            caption { (lang.message("portal-polling-stations-here")) }
            thead { tr { th scope="col" { "TPS" } th scope="col" { (lang.message("portal-status")) } th scope="col" { (lang.message("portal-valid")) } } }
            tbody { @for number in stations {
                @let station = rekap_model::StationId(number);
                @if let Some(code) = state.election().station_code(station) {
                    tr { th scope="row" { a href=(asked.link(&format!("/c/{id}/tps/{code}"))) { (code) } }
                        @match state.station_status(station, contest) {
                            Some(StationStatus::Counted(entry)) => {
                                td { (lang.message("portal-counted")) }
                                td.number { (state.entry(entry).and_then(|e| e.sheet.as_ref()).map(|s| group_digits(u64::from(s.valid()), lang)).unwrap_or_default()) } }
                            Some(StationStatus::Voided(_)) => { td { (lang.message("portal-voided")) } td {} }
                            Some(StationStatus::RevotePending(_)) => { td { (lang.message("portal-re-vote-pending")) } td {} }
                            _ => { td { (lang.message("portal-awaiting")) } td {} }
                        } }
                }
            } }
        }
    }
}

/// Who approved, when, which witnesses signed, who refused and why, open objections.
pub(crate) fn approval_details(
    state: &ModelState,
    region: rekap_model::RegionIdx,
    contest: ContestIdx,
    asked: &Asked,
) -> Markup {
    let lang = asked.lang;
    let Some(approval) = state.latest_approval(region, contest) else {
        return html! { p { (lang.message("portal-no-plenary-approval-yet")) } };
    };
    html! {
        section.approval aria-label=(lang.message("portal-plenary-approval")) {
            h2 { (lang.message("portal-plenary-approval")) " " (approval.id.to_string()) }
            dl {
                dt { (lang.message("portal-approved-by")) } dd { code title=(hex::encode(approval.official)) { (short_hex(&approval.official)) } }
                dt { (lang.message("portal-when")) } dd { (time(approval.recorded_at_ms)) }
                dt { (lang.message("portal-digest")) } dd { code { (hex::encode(approval.digest)) } }
                dt { (lang.message("portal-witnesses-who-signed")) }
                dd { @if approval.signers.is_empty() { "–" } @for key in &approval.signers { code title=(hex::encode(key)) { (short_hex(key)) } " " } }
                dt { (lang.message("portal-witnesses-who-refused")) }
                dd { @if approval.refusals.is_empty() { "–" } @for refusal in &approval.refusals { code { (short_hex(&refusal.witness)) } ": " (refusal.reason) br; } }
                dt { (lang.message("portal-objections-open-when-approved")) }
                dd { @if approval.open_objections.is_empty() { "–" } @for objection in &approval.open_objections { (objection.to_string()) " " } }
            }
        }
    }
}
