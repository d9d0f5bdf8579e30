//! The compare page: rekap's totals beside another source's (`rekap serve --compare
//! NAME=FILE`), region by region, as `rekap compare` compares them (rekap-formats'
//! `compare`): both figures per pair, the difference, the other source's coverage, the
//! regions on one side only, and the regions that differ marked in words and by a marker
//! as well as by colour. `/c/{contest}/compare` compares the contest's top regions (and,
//! when there is one, the regions below it); `/c/{contest}/r/{region}/compare` the region
//! and the regions below it. `?sumber=NAME` picks the source (default: the first).

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use maud::{html, Markup};
use rekap_formats::compare::{compare, Comparison, Presence, RegionComparison, RegionFigures};
use rekap_formats::SourceProblem;
use rekap_ledger::view::Selection;
use rekap_model::ContestIdx;
use rekap_projection::RegionReport;

use super::format::{group_digits, Lang};
use super::pages::find_contest;
use super::sources::Sources;
use super::{internal, layout, not_found, snapshot_or_wait, Asked, Page, RawQuery};
use crate::api::App;
use crate::snapshot::Snapshot;

/// Problems of a source that does not read, shown on the page (the rest counted).
const PROBLEMS_SHOWN: usize = 20;

/// `/c/{contest}/compare`.
pub async fn contest(
    State(app): State<Arc<App>>,
    Path(contest): Path<String>,
    query: RawQuery,
) -> Page {
    let asked = Asked::of(query);
    answer(&app, &asked, &contest, None)
}

/// `/c/{contest}/r/{region}/compare`.
pub async fn region(
    State(app): State<Arc<App>>,
    Path((contest, region)): Path<(String, String)>,
    query: RawQuery,
) -> Page {
    let asked = Asked::of(query);
    answer(&app, &asked, &contest, Some(&region))
}

fn answer(app: &App, asked: &Asked, id: &str, region: Option<&str>) -> Page {
    let snapshot = match snapshot_or_wait(app, asked) {
        Ok(snapshot) => snapshot,
        Err(page) => return page,
    };
    page(&app.compare, &snapshot, asked, id, region).unwrap_or_else(|page| page)
}

/// The regions of rekap's side: the scope (the contest's top regions, or one region) and
/// the regions right below it, and the page's title.
struct Scope {
    reports: Vec<RegionReport>,
    /// Codes of the scope's own regions (the regions below them are theirs).
    own: BTreeSet<String>,
    title: String,
}

fn page(
    sources: &Sources,
    snapshot: &Snapshot,
    asked: &Asked,
    id: &str,
    region: Option<&str>,
) -> Result<Page, Page> {
    let contest = find_contest(snapshot, asked, id)?;
    let lang = asked.lang;
    let scope = scope(snapshot, asked, id, contest, region)?;
    let back = match region {
        Some(code) => format!("/c/{id}/r/{code}"),
        None => format!("/c/{id}"),
    };
    let path = format!("{back}/compare");
    let title = format!("{} · {}", lang.message("portal-comparison"), scope.title);
    if sources.is_empty() {
        let body = html! {
            p { (lang.message("portal-this-server-was-started-without-a")) }
            p { a href=(asked.link(&back)) { (lang.message("portal-back")) } }
        };
        return Ok(ok(layout(asked, &path, &title, body)));
    }
    let index = match asked.get("sumber") {
        None => 0,
        Some(name) => sources
            .list
            .iter()
            .position(|source| source.name == name)
            .ok_or_else(|| {
                let text = lang.message_with("portal-no-such-source", &[("name", &name)]);
                not_found(asked, &text)
            })?,
    };
    let name = sources.list[index].name.as_str();
    let file = sources.list[index].path.display().to_string();
    let content = match other_side(sources, index, snapshot, contest, &scope, region.is_none()) {
        Ok(theirs) => {
            let mine: Vec<RegionFigures> = scope
                .reports
                .iter()
                .map(RegionFigures::from_report)
                .collect();
            let comparison = compare(&mine, &theirs);
            let pairs = pair_numbers(snapshot, contest);
            html! {
                (summary(&comparison, name, lang))
                (table(&comparison, &pairs, name, asked, id, &scope))
            }
        }
        Err(problems) => unreadable(&problems, name, lang),
    };
    let body = html! {
        @if sources.list.len() > 1 {
            nav aria-label=(lang.message("portal-comparison-sources")) { ul.legend {
                @for source in &sources.list {
                    li { @if source.name == name { strong aria-current="page" { (source.name) } }
                        @else { a href=(asked.link(&format!("{path}?sumber={}", source.name))) { (source.name) } } }
                } } }
        }
        p { (lang.message("portal-rekap-s-totals-beside-the-source"))
            strong { (name) } " (" code { (file) } "), "
            (lang.message("portal-matched-by-region-code-difference-the")) }
        (content)
        p { a href=(asked.link(&back)) {
            (lang.message("portal-back-to-the-region-s-page")) } }
    };
    Ok(ok(layout(
        asked,
        &format!("{path}?sumber={name}"),
        &title,
        body,
    )))
}

fn ok(body: Markup) -> Page {
    Page {
        status: StatusCode::OK,
        body,
    }
}

fn scope(
    snapshot: &Snapshot,
    asked: &Asked,
    id: &str,
    contest: ContestIdx,
    region: Option<&str>,
) -> Result<Scope, Page> {
    let view = &*snapshot.totals();
    let failed = |error: rekap_ledger::view::ViewError| internal(asked, &error.to_string());
    let own = match region {
        None => {
            let selection = view
                .select(Some(id), None, None)
                .map_err(|error| internal(asked, &error.to_string()))?;
            view.reports(&selection).map_err(failed)?
        }
        Some(code) => {
            let missing = || {
                let text = asked
                    .lang
                    .message_with("portal-no-such-region", &[("code", &code), ("id", &id)]);
                not_found(asked, &text)
            };
            let election = snapshot.state.election();
            let found = election.find_region(code).ok_or_else(missing)?;
            let level = election.tree().level(found).ok_or_else(missing)?;
            let row = view.find_region(code).ok().flatten().ok_or_else(missing)?;
            let selection = Selection {
                contest,
                level,
                rows: row.0..row.0 + 1,
            };
            let reports = view.reports(&selection).map_err(failed)?;
            if reports.is_empty() {
                return Err(missing());
            }
            reports
        }
    };
    let title = match (region, own.as_slice()) {
        (Some(_), [only]) => format!("{} ({})", only.name, only.code),
        _ => snapshot
            .state
            .election()
            .contest(contest)
            .map(|c| c.name.clone())
            .unwrap_or_default(),
    };
    let mut reports = own.clone();
    if let [only] = own.as_slice() {
        // Nothing below it to select (a village's stations, a contest of one level).
        if let Ok(children) = view.select(Some(id), None, Some(&only.code)) {
            if children.level < view.station_level() {
                reports.extend(view.reports(&children).map_err(failed)?);
            }
        }
    }
    Ok(Scope {
        own: own.into_iter().map(|report| report.code).collect(),
        reports,
        title,
    })
}

/// The source's regions of the scope's levels that are in the scope; a code the election
/// does not know is shown on the contest's page only.
fn other_side(
    sources: &Sources,
    index: usize,
    snapshot: &Snapshot,
    contest: ContestIdx,
    scope: &Scope,
    whole_contest: bool,
) -> Result<Vec<RegionFigures>, Vec<SourceProblem>> {
    let election = snapshot.state.election();
    let level_of = |code: &str| {
        election
            .find_region(code)
            .and_then(|region| election.tree().level(region))
    };
    let levels: BTreeSet<u32> = scope
        .reports
        .iter()
        .filter_map(|report| level_of(&report.code))
        .collect();
    let first = levels.first().copied();
    let in_scope = |code: &str| {
        let Some(region) = election.find_region(code) else {
            return false;
        };
        let parent = election.tree().parent(region);
        let code_of = |r| election.region_entry(r).map(|entry| entry.code.as_str());
        scope.own.contains(code)
            || parent
                .and_then(code_of)
                .is_some_and(|p| scope.own.contains(p))
    };
    let mut theirs = Vec::new();
    for level in levels {
        for figures in sources.regions_at(index, &snapshot.state, contest, level)? {
            let keep = match election.find_region(&figures.code) {
                Some(_) => in_scope(&figures.code),
                None => whole_contest && Some(level) == first,
            };
            if keep {
                theirs.push(figures);
            }
        }
    }
    Ok(theirs)
}

fn pair_numbers(snapshot: &Snapshot, contest: ContestIdx) -> Vec<u32> {
    snapshot
        .state
        .election()
        .contest(contest)
        .map(|c| c.pairs.iter().map(|pair| pair.number).collect())
        .unwrap_or_default()
}

/// "Regions: E equal, D differing, R only in rekap, S only in NAME", and the largest
/// differences.
fn summary(comparison: &Comparison, name: &str, lang: Lang) -> Markup {
    let summary = &comparison.summary;
    let count = |n: u64| group_digits(n, lang);
    html! {
        p #compare-summary .summary data-equal=(summary.equal) data-differing=(summary.differing)
            data-only-rekap=(summary.only_rekap) data-only-source=(summary.only_source) {
            strong { (lang.message("portal-regions")) ": " }
            (count(summary.equal)) (lang.message("portal-equal"))
            (count(summary.differing)) (lang.message("portal-differing"))
            (count(summary.only_rekap)) (lang.message("portal-only-in-rekap"))
            (count(summary.only_source)) (lang.message("portal-only-in")) (name) "."
            @if !summary.largest.is_empty() {
                " " (lang.message("portal-largest-differences")) ": "
                @for (position, largest) in summary.largest.iter().enumerate() {
                    @if position > 0 { ", " }
                    (largest.code) " " (lang.message("portal-pair-2")) (largest.pair) " " (signed(largest.difference, lang))
                }
                "."
            }
        }
    }
}

fn table(
    comparison: &Comparison,
    pairs: &[u32],
    name: &str,
    asked: &Asked,
    id: &str,
    scope: &Scope,
) -> Markup {
    let lang = asked.lang;
    html! {
        div.scroll role="region" tabindex="0" aria-label=(lang.message("portal-comparison-table")) { table.compare {
            caption { (lang.message("portal-rekap-and")) (name) (lang.message("portal-by-region-rows-that-differ-are")) }
            thead {
                tr {
                    th scope="col" rowspan="2" { (lang.message("portal-region")) }
                    th scope="col" rowspan="2" { (lang.message("portal-status")) }
                    th scope="col" rowspan="2" { (lang.message("portal-stations-in")) (name) }
                    @for number in pairs { th scope="colgroup" colspan="3" { (lang.message("portal-pair-column")) (number) } }
                    th scope="colgroup" colspan="3" { (lang.message("portal-valid-votes")) }
                }
                tr {
                    @for _ in 0..=pairs.len() {
                        th scope="col" { "rekap" } th scope="col" { (name) } th scope="col" { (lang.message("portal-difference")) }
                    }
                }
            }
            tbody { @for region in &comparison.regions { (row(region, pairs.len(), name, asked, id, scope)) } }
        } }
    }
}

fn row(
    region: &RegionComparison,
    pairs: usize,
    name: &str,
    asked: &Asked,
    id: &str,
    scope: &Scope,
) -> Markup {
    let lang = asked.lang;
    let differs = !region.equal;
    let (class, status) = match region.presence {
        Presence::Both if region.equal => ("equal", lang.message("portal-equal-2")),
        Presence::Both => ("differs", lang.message("portal-differs")),
        Presence::OnlyRekap => ("one-side", lang.message("portal-only-in-rekap-2")),
        Presence::OnlySource => (
            "one-side",
            format!("{}{name}", lang.message("portal-only-in-2")),
        ),
    };
    let votes = |side: &Option<RegionFigures>, index: usize| {
        side.as_ref().and_then(|f| f.votes.get(index).copied())
    };
    let known = scope
        .reports
        .iter()
        .any(|report| report.code == region.code);
    html! {
        tr class=(class) data-code=(region.code) data-status=(class) {
            th scope="row" {
                @if known { a href=(asked.link(&format!("/c/{id}/r/{}", region.code))) { (region.name) " (" (region.code) ")" } }
                @else { (region.name) " (" (region.code) ")" }
                @if scope.own.contains(&region.code) && scope.own.len() == 1 { br; small { (lang.message("portal-this-region")) } }
            }
            td.status { @if differs { strong { "≠ " (status) } } @else { "= " (status) } }
            td.number { (coverage(region.source.as_ref(), lang)) }
            @for index in 0..pairs {
                (figure(votes(&region.rekap, index), lang))
                (figure(votes(&region.source, index), lang))
                (difference(region.vote_differences.get(index).copied(), lang))
            }
            (figure(region.rekap.as_ref().and_then(|f| f.valid), lang))
            (figure(region.source.as_ref().and_then(|f| f.valid), lang))
            (difference(region.valid_difference, lang))
        }
    }
}

fn figure(value: Option<u64>, lang: Lang) -> Markup {
    html! { td.number { (value.map_or_else(|| "–".to_owned(), |v| group_digits(v, lang))) } }
}

fn difference(value: Option<i64>, lang: Lang) -> Markup {
    html! { td.number { @match value {
        Some(0) => "0",
        Some(nonzero) => mark { (signed(nonzero, lang)) },
        None => "–",
    } } }
}

/// +10, −1.234 (a minus sign, not a hyphen), 0.
fn signed(value: i64, lang: Lang) -> String {
    let size = group_digits(value.unsigned_abs(), lang);
    match value {
        0 => size,
        v if v > 0 => format!("+{size}"),
        _ => format!("−{size}"),
    }
}

fn coverage(figures: Option<&RegionFigures>, lang: Lang) -> String {
    let count = |n: u64| group_digits(n, lang);
    match figures.map(|f| (f.stations_reported, f.stations_expected)) {
        Some((Some(done), Some(all))) => format!("{} / {}", count(done), count(all)),
        Some((Some(done), None)) => count(done),
        _ => "–".to_owned(),
    }
}

fn unreadable(problems: &[SourceProblem], name: &str, lang: Lang) -> Markup {
    html! {
        section.mark role="alert" {
            p { (lang.message("portal-the-source")) strong { (name) }
                (lang.message("portal-does-not-read-for-this-contest"))
                (group_digits(problems.len() as u64, lang)) (lang.message("portal-problems")) }
            ul { @for problem in problems.iter().take(PROBLEMS_SHOWN) { li { (problem.to_string()) } } }
        }
    }
}
