//! The portal's pages rendered by the server (docs/PERFORMANCE.md, "The portal"): the
//! overview and a province page of the store at `REKAP_BENCH_STORE` (the national demo:
//! `rekap demo --preset national --store DIR`), through the same router `rekap serve`
//! runs, without the network. The first render of a page walks every station under it
//! for the charts; the bench measures the pages as readers get them after that. Without
//! the variable it prints a note and measures nothing.
//!
//!     REKAP_BENCH_STORE=DIR cargo bench -p rekap-server --bench portal

use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use rekap_ledger::Ledger;
use rekap_log::DefaultStorage;
use rekap_server::snapshot::Snapshot;
use rekap_server::{api, writer, ServeConfig};
use tower::ServiceExt;

struct Portal {
    runtime: tokio::runtime::Runtime,
    router: Router,
    overview: String,
    province: String,
}

fn portal() -> Option<&'static Portal> {
    static PORTAL: OnceLock<Option<Portal>> = OnceLock::new();
    PORTAL
        .get_or_init(|| {
            let store = std::env::var("REKAP_BENCH_STORE").ok()?;
            let ledger = Ledger::open(DefaultStorage::open(store.as_ref()).ok()?).ok()?;
            let snapshot = Snapshot::of(&ledger);
            let election = snapshot.state.election();
            let contest = election.contests().first()?.id.clone();
            // The first province: the first top region, or its first child when the top
            // is the nation (code "ID", not a number).
            let root = *election.tree().roots().first()?;
            let numbered = election
                .region_entry(root)?
                .code
                .bytes()
                .all(|b| b.is_ascii_digit());
            let region = match numbered {
                true => root,
                false => *election.tree().children(root).first()?,
            };
            let province = election.region_entry(region)?.code.clone();
            let shared = Arc::new(writer::Shared::default());
            shared.published.set(snapshot);
            let (sender, _receiver) = std::sync::mpsc::sync_channel(1);
            let limits = ServeConfig::default().http;
            let app = Arc::new(api::App::new(shared, sender, &limits));
            let portal = Portal {
                runtime: tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?,
                router: api::router(app, &limits),
                overview: format!("/c/{contest}"),
                province: format!("/c/{contest}/r/{province}"),
            };
            for path in [&portal.overview, &portal.province] {
                let bytes = render(&portal, path);
                println!("{path}: {bytes} bytes");
            }
            Some(portal)
        })
        .as_ref()
}

/// The page's size in bytes.
fn render(portal: &Portal, path: &str) -> usize {
    portal.runtime.block_on(async {
        let request = Request::get(path).body(Body::empty()).expect("a request");
        let response = portal
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("an answer");
        assert_eq!(response.status(), 200, "{path}");
        axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .map_or(0, |bytes| bytes.len())
    })
}

#[divan::bench]
fn overview() {
    if let Some(portal) = portal() {
        divan::black_box(render(portal, &portal.overview));
    }
}

#[divan::bench]
fn province_page() {
    if let Some(portal) = portal() {
        divan::black_box(render(portal, &portal.province));
    }
}

fn main() {
    if std::env::var_os("REKAP_BENCH_STORE").is_none() {
        eprintln!(
            "note: set REKAP_BENCH_STORE to a store (the national demo) to measure the portal"
        );
    }
    divan::main();
}
