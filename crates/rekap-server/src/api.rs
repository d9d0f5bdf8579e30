//! The router: routes under /v1, health, metrics, and the layers (body limit, timeout,
//! concurrency limit, tracing, rate limits, counting by status).

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{SyncSender, TrySendError};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Request as HttpRequest, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rekap_log::PublicKey;
use tokio::sync::oneshot;

use crate::problem::Problem;
use crate::rate::RateLimiter;
use crate::reads;
use crate::wire::{fixed_hex, CounterJson, HeadJson, ReceiptJson, SubmissionJson};
use crate::writer::{Answer, Request, Shared, TileAnswer};
use rekap_ledger::tiles::Resource;

/// Limits of the HTTP side.
#[derive(Clone, Copy, Debug)]
pub struct HttpLimits {
    pub body_bytes: usize,
    pub request_timeout: Duration,
    pub concurrent_requests: usize,
    /// Submissions per second per key, and the burst (0: no limit).
    pub per_key: (u32, u32),
    /// Requests per second per client address, and the burst (0: no limit).
    pub per_address: (u32, u32),
}

/// What every handler shares.
pub struct App {
    pub shared: Arc<Shared>,
    queue: SyncSender<Request>,
    key_limits: RateLimiter<PublicKey>,
    address_limits: RateLimiter<IpAddr>,
    /// The portal's comparison sources (`serve --compare`).
    pub compare: crate::portal::Sources,
}

impl App {
    pub fn new(shared: Arc<Shared>, queue: SyncSender<Request>, limits: &HttpLimits) -> Self {
        Self {
            shared,
            queue,
            key_limits: RateLimiter::new(limits.per_key.0, limits.per_key.1),
            address_limits: RateLimiter::new(limits.per_address.0, limits.per_address.1),
            compare: crate::portal::Sources::default(),
        }
    }

    /// The same, with the portal's comparison sources.
    pub fn with_compare(mut self, sources: Vec<crate::portal::CompareSource>) -> Self {
        self.compare = crate::portal::Sources::new(sources);
        self
    }

    /// Puts a request on the writer's bounded queue, or says it is full.
    pub fn enqueue(&self, request: Request) -> Result<(), Problem> {
        self.shared
            .metrics
            .queue_depth
            .fetch_add(1, Ordering::Relaxed);
        match self.queue.try_send(request) {
            Ok(()) => Ok(()),
            Err(error) => {
                self.shared
                    .metrics
                    .queue_depth
                    .fetch_sub(1, Ordering::Relaxed);
                let detail = match error {
                    TrySendError::Full(_) => {
                        "the writer's queue is full; retry the same submission shortly"
                    }
                    TrySendError::Disconnected(_) => "the server is stopping",
                };
                Err(
                    Problem::new(StatusCode::SERVICE_UNAVAILABLE, "overloaded", detail)
                        .retry_after(1),
                )
            }
        }
    }
}

pub fn router(app: Arc<App>, limits: &HttpLimits) -> Router {
    let v1 = Router::new()
        .route("/v1/submissions", post(submit))
        .route("/v1/counters/{key}", get(counter))
        .route("/v1/election", get(reads::election))
        .route("/v1/totals", get(reads::totals))
        .route("/v1/status", get(reads::status))
        .route("/v1/stations/{code}", get(reads::station))
        .route("/v1/stations/{code}/history", get(reads::station_history))
        .route("/v1/stations/{code}/proof", get(reads::station_proof))
        .route("/v1/objections", get(reads::objections))
        .route("/v1/approvals", get(reads::approvals))
        .route("/v1/statement", get(reads::statement))
        .route("/v1/records", get(reads::records))
        .route("/v1/export", get(reads::export))
        .route("/tlog/{*path}", get(tile))
        // The portal's pages and files under the same per-address limit as the API.
        .merge(crate::portal::router())
        .route_layer(middleware::from_fn_with_state(app.clone(), limit_address));
    Router::new()
        .merge(v1)
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .fallback(|| async { Problem::not_found("no such route; see docs/API.md") })
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .layer(middleware::from_fn_with_state(app.clone(), count_status))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
            limits.concurrent_requests,
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .with_state(app)
}

async fn ready(State(app): State<Arc<App>>) -> Response {
    if app.shared.ready.load(Ordering::SeqCst) {
        "ready\n".into_response()
    } else {
        Problem::not_ready().into_response()
    }
}

async fn metrics(State(app): State<Arc<App>>) -> Response {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        app.shared.metrics.render(),
    )
        .into_response()
}

async fn count_status(State(app): State<Arc<App>>, request: HttpRequest, next: Next) -> Response {
    let response = next.run(request).await;
    app.shared.metrics.count_request(response.status().as_u16());
    response
}

async fn limit_address(State(app): State<Arc<App>>, request: HttpRequest, next: Next) -> Response {
    let address = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip());
    if let Some(address) = address {
        if let Err(seconds) = app.address_limits.take(&address) {
            return Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                format!("too many requests from {address}; retry after {seconds} s"),
            )
            .retry_after(seconds)
            .into_response();
        }
    }
    next.run(request).await
}

/// `POST /v1/submissions`.
async fn submit(
    State(app): State<Arc<App>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let body =
        body.map_err(|rejection| Problem::new(rejection.status(), "body", rejection.body_text()))?;
    if !app.shared.ready.load(Ordering::SeqCst) {
        return Err(Problem::not_ready());
    }
    let json: SubmissionJson = serde_json::from_slice(&body).map_err(|error| {
        Problem::bad_request(format!(
            "the submission is not JSON of docs/API.md: {error}"
        ))
    })?;
    let submission = json.decode().map_err(Problem::bad_request)?;
    if let Err(seconds) = app.key_limits.take(&submission.author) {
        return Err(Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            format!("too many submissions by this key; retry after {seconds} s"),
        )
        .retry_after(seconds));
    }
    // The signature check is most of a submission's cost: done here, on the request
    // threads (every core), so the one writer only decides and appends.
    let submission =
        rekap_ledger::admit(submission).map_err(|refusal| Problem::refused(&refusal))?;
    let (reply, answer) = oneshot::channel();
    app.enqueue(Request::Submit { submission, reply })?;
    match answer.await {
        Ok(Answer::Placed {
            placed,
            repeated,
            head,
        }) => {
            let receipt = ReceiptJson {
                seq: placed.seq,
                event_id: format!("{}.0", placed.seq),
                record_hash: placed.record_hash,
                repeated,
                head: HeadJson::from(head),
                transparency: None,
            };
            let status = if repeated {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            };
            Ok((status, Json(receipt)).into_response())
        }
        Ok(Answer::Refused(refusal)) => Err(Problem::refused(&refusal)),
        Ok(Answer::Failed(error)) => Err(Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "append-failed",
            format!("the append failed, nothing was appended ({error}); retry the same submission"),
        )
        .retry_after(1)),
        Err(_) => Err(Problem::internal(
            "the writer stopped before answering; retry the same submission",
        )),
    }
}

/// `GET /v1/counters/{key}`.
async fn counter(
    State(app): State<Arc<App>>,
    Path(key): Path<String>,
) -> Result<Json<CounterJson>, Problem> {
    if !app.shared.ready.load(Ordering::SeqCst) {
        return Err(Problem::not_ready());
    }
    let author: PublicKey = fixed_hex("key", &key).map_err(Problem::bad_request)?;
    let last = app
        .shared
        .last_counters
        .read()
        .map_err(|_| Problem::internal("the counters are unavailable"))?
        .get(&author)
        .copied()
        .unwrap_or(0);
    Ok(Json(CounterJson {
        key: hex::encode(author),
        next_counter: last + 1,
    }))
}

/// `GET /tlog/<path>`: the tile tree of the latest signed checkpoint (C2SP tlog-tiles,
/// docs/API.md). Full tiles and bundles never change: cached for a year, immutable; the
/// checkpoint and partial tiles change as the log grows.
async fn tile(State(app): State<Arc<App>>, Path(path): Path<String>) -> Result<Response, Problem> {
    let resource = Resource::parse(&path)
        .map_err(|error| Problem::not_found(format!("{error}; see docs/API.md")))?;
    let (reply, answer) = oneshot::channel();
    app.enqueue(Request::Tile { resource, reply })?;
    let bytes = match answer.await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(TileAnswer::NotFound(why))) => return Err(Problem::not_found(why)),
        Ok(Err(TileAnswer::Unsigned(why))) => {
            return Err(Problem::not_found(format!("no tile tree is served: {why}")))
        }
        Ok(Err(TileAnswer::Failed(why))) => return Err(Problem::internal(why)),
        Err(_) => return Err(Problem::internal("the writer stopped before answering")),
    };
    let (content_type, cache) = if resource == Resource::Checkpoint {
        ("text/plain; charset=utf-8", "no-cache")
    } else if resource.is_partial() {
        ("application/octet-stream", "no-cache")
    } else {
        (
            "application/octet-stream",
            "public, max-age=31536000, immutable",
        )
    };
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, content_type),
            (axum::http::header::CACHE_CONTROL, cache),
        ],
        bytes,
    )
        .into_response())
}
