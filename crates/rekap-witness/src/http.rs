//! The witness over HTTP (C2SP tlog-witness): `POST /add-checkpoint` (submission prefix:
//! the root) and `GET /<origin hash>/checkpoint` (monitoring prefix: the root), plus
//! `GET /healthz`. One request's check and update run on a blocking thread under the
//! witness's lock (they fsync).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::witness::{Outcome, Witness};

/// Bytes a request body may take: a note of at most 1 MiB and 63 proof lines.
pub const MAX_BODY_BYTES: usize = (1 << 20) + 4096;

/// The witness's routes.
pub fn router(witness: Arc<Witness>) -> Router {
    Router::new()
        .route("/add-checkpoint", post(add_checkpoint))
        .route("/{origin_hash}/checkpoint", get(checkpoint))
        .route("/healthz", get(|| async { "ok\n" }))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(witness)
}

fn text(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

async fn add_checkpoint(State(witness): State<Arc<Witness>>, body: Bytes) -> Response {
    let outcome = tokio::task::spawn_blocking(move || witness.add_checkpoint(&body)).await;
    match outcome {
        Ok(Outcome::Cosigned(lines)) => text(StatusCode::OK, lines),
        Ok(Outcome::Conflict(size)) => (
            StatusCode::CONFLICT,
            [(header::CONTENT_TYPE, "text/x.tlog.size")],
            format!("{size}\n"),
        )
            .into_response(),
        Ok(Outcome::BadRequest(reason)) => text(StatusCode::BAD_REQUEST, format!("{reason}\n")),
        Ok(Outcome::Forbidden(reason)) => text(StatusCode::FORBIDDEN, format!("{reason}\n")),
        Ok(Outcome::UnknownLog(reason)) => text(StatusCode::NOT_FOUND, format!("{reason}\n")),
        Ok(Outcome::Unprocessable { reason, evidence }) => {
            let evidence = evidence
                .map(|path| format!("; evidence kept as {}", path.display()))
                .unwrap_or_default();
            text(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("{reason}{evidence}\n"),
            )
        }
        Ok(Outcome::Failed(reason)) => {
            text(StatusCode::INTERNAL_SERVER_ERROR, format!("{reason}\n"))
        }
        Err(_) => text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the request's thread stopped\n".into(),
        ),
    }
}

async fn checkpoint(
    State(witness): State<Arc<Witness>>,
    Path(origin_hash): Path<String>,
) -> Response {
    match witness.kept_note(&origin_hash) {
        Some(note) => text(StatusCode::OK, note),
        None => text(
            StatusCode::NOT_FOUND,
            "this witness has cosigned no checkpoint of that log\n".into(),
        ),
    }
}

/// Serves `witness` on `listen` until SIGTERM or SIGINT. `on_listening` is told the bound
/// address once the socket listens.
pub fn serve(
    witness: Witness,
    listen: &str,
    on_listening: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let listener = std::net::TcpListener::bind(listen)?;
    listener.set_nonblocking(true)?;
    on_listening(listener.local_addr()?);
    let router = router(Arc::new(witness));
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        axum::serve(listener, router)
            .with_graceful_shutdown(stop_signal())
            .await
    })
}

/// SIGTERM or SIGINT.
pub async fn stop_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        _ = terminate => {}
    }
}
