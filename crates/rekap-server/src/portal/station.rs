//! A station's page: the current sheet in full, every version with its reason, objections
//! and resolutions, soft flags, and links to the approvals above it.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use maud::html;
use rekap_model::{EntryKind, ObjectionStatus, Place, StationStatus};

use super::format::{group_digits, time};
use super::pages::{breadcrumbs, find_contest, head_block};
use super::{layout, not_found, snapshot_or_wait, Asked, Page, RawQuery};
use crate::api::App;

pub async fn station(
    State(app): State<Arc<App>>,
    Path((contest, code)): Path<(String, String)>,
    query: RawQuery,
) -> Page {
    let asked = Asked::of(query);
    let snapshot = match snapshot_or_wait(&app, &asked) {
        Ok(snapshot) => snapshot,
        Err(page) => return page,
    };
    let lang = asked.lang;
    let contest_index = match find_contest(&snapshot, &asked, &contest) {
        Ok(index) => index,
        Err(page) => return page,
    };
    let state = &snapshot.state;
    let missing = || {
        let text = lang.message_with(
            "portal-no-such-station",
            &[("code", &code), ("contest", &contest)],
        );
        not_found(&asked, &text)
    };
    let Some(station) = state.election().find_station(&code) else {
        return missing();
    };
    let Some(status) = state.station_status(station, contest_index) else {
        return missing();
    };
    let pairs = state
        .election()
        .contest(contest_index)
        .map(|c| c.pairs.clone())
        .unwrap_or_default();
    let current = match status {
        StationStatus::Counted(entry) => state.entry(entry),
        _ => None,
    };
    let history = state.history(station, contest_index);
    let village = state
        .election()
        .tree()
        .station_holder(station)
        .map(|(region, _)| region);
    let objections: Vec<_> = state
        .objections()
        .filter(|o| o.contest == contest_index && o.place == Place::Station(station))
        .collect();
    let flags: Vec<_> = snapshot
        .flags
        .iter()
        .filter(|f| f.station == station && f.contest == contest_index)
        .collect();
    let body = html! {
        @if let Some(village) = village { (breadcrumbs(state, village, &asked, &contest)) }
        h2 { (lang.message("portal-the-sheet-that-counts")) }
        @match current.and_then(|entry| entry.sheet.as_ref()) {
            Some(sheet) => {
                @if sheet.votes_only() { p.mark role="note" { (lang.message("portal-this-sheet-carries-only-the-votes")) } }
                table #sheet {
                    caption { (lang.message("portal-tally-sheet-of-station")) (code) }
                    tbody {
                        @for (pair, votes) in pairs.iter().zip(sheet.votes()) {
                            tr { th scope="row" { (pair.number) ". " (pair.name) } td.number data-pair=(pair.number) { (group_digits(u64::from(*votes), lang)) } } }
                        tr { th scope="row" { (lang.message("portal-valid-votes")) } td.number data-valid { (group_digits(u64::from(sheet.valid()), lang)) } }
                        tr { th scope="row" { (lang.message("portal-invalid-votes")) } td.number data-invalid { @match sheet.invalid() { Some(invalid) => (group_digits(u64::from(invalid), lang)), None => (lang.message("portal-invalid-not-given")) } } }
                        @if !sheet.votes_only() {
                            tr { th scope="row" { (lang.message("portal-registered-voters-dpt-dpph-dptb")) } td.number { (group_digits(sheet.registered_total(), lang)) } }
                            tr { th scope="row" { (lang.message("portal-voters-who-voted")) } td.number { (group_digits(sheet.voted_total(), lang)) } }
                        }
                    }
                }
                @let suara = sheet.votes().iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
                p { a href=(asked.link(&format!("/cek?tps={code}&suara={suara}&sah={}&tidak_sah={}", sheet.valid(), sheet.invalid().map_or(String::new(), |invalid| invalid.to_string())))) { (lang.message("portal-check-these-numbers-against-the-approvals")) } }
            }
            None => p { (match status { StationStatus::Voided(_) => lang.message("portal-this-station-was-voided"), StationStatus::RevotePending(_) => lang.message("portal-a-re-vote-is-pending"), _ => lang.message("portal-no-sheet-yet") }) }
        }
        h2 { (lang.message("portal-history")) }
        table.history {
            caption { (lang.message("portal-every-version-oldest-first")) }
            thead { tr { th scope="col" { "ID" } th scope="col" { (lang.message("portal-when")) } th scope="col" { (lang.message("portal-kind")) } th scope="col" { (lang.message("portal-votes")) } th scope="col" { (lang.message("portal-reason")) } } }
            tbody { @for entry in &history {
                tr { td { (entry.id.to_string()) } td { (time(entry.recorded_at_ms)) }
                    td { (match entry.kind { EntryKind::Submitted => lang.message("portal-submitted"), EntryKind::Corrected => lang.message("portal-corrected"), EntryKind::RevoteRecorded => lang.message("portal-re-vote"), EntryKind::Voided => lang.message("portal-voided") }) }
                    td { (entry.sheet.as_ref().map(|s| s.votes().iter().map(|v| group_digits(u64::from(*v), lang)).collect::<Vec<_>>().join(" / ")).unwrap_or_default()) }
                    td { (entry.note.as_ref().map(|n| n.reason.clone()).unwrap_or_default()) } }
            } }
        }
        h2 { (lang.message("portal-objections")) }
        @if objections.is_empty() { p { "–" } }
        ul { @for objection in &objections {
            li { (objection.id.to_string()) ": " (objection.text) " — "
                (match &objection.status { ObjectionStatus::Open => lang.message("portal-open"), ObjectionStatus::Accepted { reason, .. } => format!("{}: {reason}", lang.message("portal-accepted")), ObjectionStatus::Rejected { reason, .. } => format!("{}: {reason}", lang.message("portal-rejected")) }) }
        } }
        h2 { (lang.message("portal-soft-flags")) }
        @if flags.is_empty() { p { "–" } }
        ul { @for flag in &flags { li { (flag.id.to_string()) ": " (flag.flag.to_string()) } } }
        p { (lang.message("portal-approvals-above-it-see-the-region")) }
        (head_block(&snapshot, lang))
    };
    Page {
        status: StatusCode::OK,
        body: layout(
            &asked,
            &format!("/c/{contest}/tps/{code}"),
            &format!("TPS {code}"),
            body,
        ),
    }
}
