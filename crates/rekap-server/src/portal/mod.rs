//! The public portal: server-rendered HTML pages (maud) of the same snapshot the JSON API
//! answers from, readable without JavaScript; the only script is "Cek TPS saya", which
//! verifies a station's proof in the browser (static/cek.js). Bahasa Indonesia by default,
//! English with `?lang=en`. Addresses: docs/PORTAL.md.

mod cache;
mod cek;
mod charts;
mod compare;
mod distribution;
mod format;
mod map;
mod pages;
mod progress;
mod sources;
mod station;

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::Query;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::api::App;
use crate::snapshot::Snapshot;

pub use format::{group_digits, Lang};
pub use sources::{valid_name as valid_source_name, CompareSource, Sources};

/// Every query a page reads, parsed leniently: a query string that does not decode (bad
/// percent-escapes, bytes that are not UTF-8) is read as empty, never a 400 or a 500.
pub(crate) type RawQuery = Result<Query<Vec<(String, String)>>, QueryRejection>;

pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(pages::first_contest))
        .route("/c/{contest}", get(pages::contest))
        .route("/c/{contest}/r/{region}", get(pages::region))
        .route("/c/{contest}/compare", get(compare::contest))
        .route("/c/{contest}/r/{region}/compare", get(compare::region))
        .route("/c/{contest}/tps/{station}", get(station::station))
        .route("/c/{contest}/{*rest}", get(unknown_page))
        .route("/cek", get(cek::page))
        .route("/static/cek.js", get(cek::script))
        .route("/static/portal.css", get(stylesheet))
        .route("/static/noble-hashes/2.4.0/{file}", get(cek::vendored))
}

/// A page the portal answers: a status and the document.
pub(crate) struct Page {
    pub status: StatusCode,
    pub body: Markup,
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        (
            self.status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            self.body.into_string(),
        )
            .into_response()
    }
}

/// The language asked for and the other query values of a page.
pub(crate) struct Asked {
    pub lang: Lang,
    pub pairs: Vec<(String, String)>,
}

impl Asked {
    pub fn of(query: RawQuery) -> Self {
        let pairs = query.map(|Query(pairs)| pairs).unwrap_or_default();
        let lang = match pairs.iter().find(|(key, _)| key == "lang") {
            Some((_, value)) if value == "en" => Lang::En,
            _ => Lang::Id,
        };
        Self { lang, pairs }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }

    /// A link within the portal that keeps the language.
    pub fn link(&self, path: &str) -> String {
        match self.lang {
            Lang::Id => path.to_owned(),
            Lang::En if path.contains('?') => format!("{path}&lang=en"),
            Lang::En => format!("{path}?lang=en"),
        }
    }
}

/// The frame of every page: language, title, the language switch, navigation.
pub(crate) fn layout(asked: &Asked, path: &str, title: &str, content: Markup) -> Markup {
    let lang = asked.lang;
    let other = match lang {
        Lang::Id if path.contains('?') => (format!("{path}&lang=en"), "English", "en"),
        Lang::Id => (format!("{path}?lang=en"), "English", "en"),
        Lang::En => (path.to_owned(), "Bahasa Indonesia", "id"),
    };
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · rekap" }
                link rel="stylesheet" href="/static/portal.css";
            }
            body {
                a.skip href="#main" { (lang.message("portal-skip-to-content")) }
                header {
                    nav aria-label=(lang.message("portal-main-navigation")) {
                        a href=(asked.link("/")) { "rekap" }
                        " · "
                        a href=(asked.link("/cek")) { (lang.message("portal-check-my-tps")) }
                        " · "
                        a href=(other.0) lang=(other.2) hreflang=(other.2) { (other.1) }
                    }
                }
                main #main { h1 { (title) } (content) }
            }
        }
    }
}

/// A page for something that does not exist, worded for a person.
pub(crate) fn not_found(asked: &Asked, what: &str) -> Page {
    let lang = asked.lang;
    let body = layout(
        asked,
        "/",
        &lang.message("portal-not-found"),
        html! {
            p { (what) }
            p { a href=(asked.link("/")) { (lang.message("portal-back-to-the-overview")) } }
        },
    );
    Page {
        status: StatusCode::NOT_FOUND,
        body,
    }
}

/// A portal address of no page (`/c/{contest}/` and anything under it but a region or a
/// station): a 404 page naming the addresses there are.
async fn unknown_page(query: RawQuery) -> Page {
    let asked = Asked::of(query);
    not_found(
        &asked,
        &asked.lang.message("portal-there-is-no-page-at-this"),
    )
}

/// The published snapshot, or a page saying the server is still starting.
pub(crate) fn snapshot_or_wait(app: &App, asked: &Asked) -> Result<Arc<Snapshot>, Page> {
    app.shared.published.get().ok_or_else(|| {
        let lang = asked.lang;
        Page {
            status: StatusCode::SERVICE_UNAVAILABLE,
            body: layout(
                asked,
                "/",
                &lang.message("portal-starting"),
                html! { p { (lang.message("portal-the-server-is-still-reading-the")) } },
            ),
        }
    })
}

/// A page that failed inside (a damaged view): said plainly, never a panic.
pub(crate) fn internal(asked: &Asked, detail: &str) -> Page {
    Page {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        body: layout(
            asked,
            "/",
            &asked.lang.message("portal-server-error"),
            html! { p { (detail) } },
        ),
    }
}

async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        PreEscaped(include_str!("../../static/portal.css")).into_string(),
    )
        .into_response()
}
