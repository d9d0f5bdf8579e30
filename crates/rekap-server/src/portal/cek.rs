//! "Cek TPS saya": the form, and the static files of its in-browser verifier (static/cek.js
//! and the vendored blake3 of @noble/hashes 2.4.0, MIT, static/noble-hashes-2.4.0/LICENSE).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::html;

use super::{layout, Asked, Page, RawQuery};
use crate::api::App;

pub async fn page(State(app): State<Arc<App>>, query: RawQuery) -> Page {
    let asked = Asked::of(query);
    let lang = asked.lang;
    let snapshot = app.shared.published.get();
    let first = snapshot
        .as_ref()
        .and_then(|s| s.state.election().contests().first().map(|c| c.id.clone()))
        .unwrap_or_default();
    let contest = asked.get("contest").map(str::to_owned).unwrap_or(first);
    let value = |key: &str| asked.get(key).unwrap_or_default().to_owned();
    // The server's own log key. A key the reader pins in the address (`log_key=`) is read
    // by cek.js from the address itself, never from what the server echoes into the page.
    let log_key = app.shared.log_vkey.get().cloned().unwrap_or_default();
    let body = html! {
        p { (lang.message("portal-type-the-station-code-and-the")) }
        form #cek data-contest=(contest) data-log-key=(log_key) method="get" action="/cek" {
            @if lang == super::Lang::En { input type="hidden" name="lang" value="en"; }
            label for="tps" { (lang.message("portal-station-code")) }
            input #tps name="tps" required value=(value("tps")) placeholder="6472010001-001";
            label for="suara" { (lang.message("portal-votes-per-pair-comma-separated-ballot")) }
            input #suara name="suara" required value=(value("suara")) inputmode="numeric";
            label for="sah" { (lang.message("portal-valid-votes")) }
            input #sah name="sah" required value=(value("sah")) inputmode="numeric";
            label for="tidak_sah" { (lang.message("portal-invalid-votes")) }
            input #tidak_sah name="tidak_sah" value=(value("tidak_sah")) inputmode="numeric";
            p { button type="submit" { (lang.message("portal-check")) } }
        }
        div #verdict role="status" aria-live="polite" data-ok="" {
            noscript { (lang.message("portal-checking-needs-javascript-reading-the-other")) }
        }
        h2 { (lang.message("portal-verification-steps")) }
        ol #steps {}
        script type="module" src="/static/cek.js" {}
    };
    Page {
        status: StatusCode::OK,
        body: layout(&asked, "/cek", &lang.message("portal-check-my-tps"), body),
    }
}

fn javascript(text: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        text,
    )
        .into_response()
}

pub async fn script() -> Response {
    javascript(include_str!("../../static/cek.js"))
}

/// The vendored files, by name; nothing else is served from the directory.
pub async fn vendored(Path(file): Path<String>) -> Response {
    let text = match file.as_str() {
        "blake3.js" => include_str!("../../static/noble-hashes-2.4.0/blake3.js"),
        "_md.js" => include_str!("../../static/noble-hashes-2.4.0/_md.js"),
        "_u64.js" => include_str!("../../static/noble-hashes-2.4.0/_u64.js"),
        "blake2.js" => include_str!("../../static/noble-hashes-2.4.0/blake2.js"),
        "_blake.js" => include_str!("../../static/noble-hashes-2.4.0/_blake.js"),
        "utils.js" => include_str!("../../static/noble-hashes-2.4.0/utils.js"),
        "LICENSE" => include_str!("../../static/noble-hashes-2.4.0/LICENSE"),
        _ => return (StatusCode::NOT_FOUND, "no such file\n").into_response(),
    };
    javascript(text)
}
