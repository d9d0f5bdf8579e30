//! The router: routes under /v1, health, metrics, and the layers (body limit, timeout,
//! concurrency limit, tracing, rate limits, counting by status).

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{SyncSender, TrySendError};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{
    ConnectInfo, DefaultBodyLimit, FromRequest, Path, Request as HttpRequest, State,
};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rekap_log::PublicKey;
use tokio::sync::oneshot;

use crate::problem::Problem;
use crate::rate::RateLimiter;
use crate::reads;
use crate::verifier::{Full, Verifier};
use crate::wire::{
    fixed_hex, submission_of_bytes, CounterJson, HeadJson, ReceiptJson, SubmissionJson,
    TransparencyJson, SUBMISSION_BYTES_TYPE,
};
use crate::writer::{Answer, Request, Shared};

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
    /// The verifying stage every submission passes before the queue.
    verifier: Verifier,
    key_limits: RateLimiter<PublicKey>,
    address_limits: RateLimiter<IpAddr>,
    /// A read-only server (a mirror): the origin server every write belongs to.
    origin: Option<String>,
    /// The portal's comparison sources (`serve --compare`).
    pub compare: crate::portal::Sources,
}

impl App {
    pub fn new(shared: Arc<Shared>, queue: SyncSender<Request>, limits: &HttpLimits) -> Self {
        Self {
            verifier: verifying_stage(&shared, &queue),
            shared,
            queue,
            key_limits: RateLimiter::new(limits.per_key.0, limits.per_key.1),
            address_limits: RateLimiter::new(limits.per_address.0, limits.per_address.1),
            origin: None,
            compare: crate::portal::Sources::default(),
        }
    }

    /// A read-only server of a copy of `origin`'s log: every write answers 405 naming it.
    pub fn read_only(mut self, origin: &str) -> Self {
        self.origin = Some(origin.to_owned());
        self
    }

    /// The same, with the portal's comparison sources.
    pub fn with_compare(mut self, sources: Vec<crate::portal::CompareSource>) -> Self {
        self.compare = crate::portal::Sources::new(sources);
        self
    }

    /// Puts a request on the writer's bounded queue, or says it is full.
    pub fn enqueue(&self, request: Request) -> Result<(), Problem> {
        enqueue(&self.shared, &self.queue, request).map_err(|(detail, _)| overloaded(detail))
    }
}

/// Puts a request on the writer's bounded queue, or says why not (and hands it back).
fn enqueue(
    shared: &Shared,
    queue: &SyncSender<Request>,
    request: Request,
) -> Result<(), (&'static str, Box<Request>)> {
    shared.metrics.queue_depth.fetch_add(1, Ordering::Relaxed);
    queue.try_send(request).map_err(|error| {
        shared.metrics.queue_depth.fetch_sub(1, Ordering::Relaxed);
        match error {
            TrySendError::Full(request) => (
                "the writer's queue is full; retry the same submission shortly",
                Box::new(request),
            ),
            TrySendError::Disconnected(request) => ("the server is stopping", Box::new(request)),
        }
    })
}

fn overloaded(detail: &'static str) -> Problem {
    Problem::new(StatusCode::SERVICE_UNAVAILABLE, "overloaded", detail).retry_after(1)
}

/// The verifying stage, handing each verified submission to the writer's queue (one
/// verifying thread per core of the runtime's default of 2, a queue as deep as the
/// writer's default).
fn verifying_stage(shared: &Arc<Shared>, queue: &SyncSender<Request>) -> Verifier {
    let (shared, queue) = (shared.clone(), queue.clone());
    let forward = move |submission, reply| {
        let request = Request::Submit { submission, reply };
        if let Err((detail, request)) = enqueue(&shared, &queue, request) {
            if let Request::Submit { reply, .. } = *request {
                let _ = reply.send(Answer::Overloaded(detail));
            }
        }
    };
    Verifier::start(2, 8192, Arc::new(forward))
}

pub fn router(app: Arc<App>, limits: &HttpLimits) -> Router {
    let v1 = Router::new()
        .route("/v1/submissions", post(submit))
        .route("/v1/counters/{key}", get(counter))
        .route("/v1/inclusion/{seq}", get(inclusion))
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
        .route("/v1/mirror", get(mirror_status))
        .route("/tlog/{*path}", get(crate::tlog::tile))
        // The portal's pages and files under the same per-address limit as the API.
        .merge(crate::portal::router());
    Router::new()
        .merge(v1)
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .fallback(|| async { Problem::not_found("no such route; see docs/API.md") })
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        // One middleware, not one each for counting, the mirror's refusal and the address
        // limit: each `from_fn` layer boxes a future and clones the routes per request
        // (run 9 in docs/PERFORMANCE.md).
        .layer(middleware::from_fn_with_state(app.clone(), gate))
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
        app.shared.metrics.render(log_bytes(&app)),
    )
        .into_response()
}

/// The log's durable size for `/metrics`: read from the published chunks (never waiting for
/// the writer); absent on a mirror or if the segment file cannot be read.
fn log_bytes(app: &App) -> Option<u64> {
    app.shared.log_reader.get()?.durable_bytes().ok()
}

/// Every request's way in: counted by the status it is answered with; on a read-only
/// server a write is refused ([`refused_write`]); every route but the health checks and
/// the metrics is under the per-address limit.
async fn gate(State(app): State<Arc<App>>, request: HttpRequest, next: Next) -> Response {
    let response = match refused_write(&app, &request).or_else(|| limited(&app, &request)) {
        Some(response) => response,
        None => next.run(request).await,
    };
    app.shared.metrics.count_request(response.status().as_u16());
    response
}

/// On a read-only server: every method but GET and HEAD, and the next counter (a write's
/// first step), answer 405 naming the origin server.
fn refused_write(app: &App, request: &HttpRequest) -> Option<Response> {
    let origin = app.origin.as_ref()?;
    let method = request.method();
    let reading = method == Method::GET || method == Method::HEAD;
    if reading && !request.uri().path().starts_with("/v1/counters/") {
        return None;
    }
    let mut response = Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "read-only",
        format!(
            "this is a read-only mirror of {origin}: send {method} {} to {origin}",
            request.uri().path()
        ),
    )
    .origin(origin)
    .into_response();
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    Some(response)
}

/// 429 once the request's address has used its share (the health checks and the metrics
/// are never limited: a monitor must see an overloaded server).
fn limited(app: &App, request: &HttpRequest) -> Option<Response> {
    if matches!(request.uri().path(), "/healthz" | "/readyz" | "/metrics") {
        return None;
    }
    let ConnectInfo(address) = request.extensions().get::<ConnectInfo<SocketAddr>>()?;
    let address = address.ip();
    let seconds = app.address_limits.take(&address).err()?;
    Some(
        Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            format!("too many requests from {address}; retry after {seconds} s"),
        )
        .retry_after(seconds)
        .into_response(),
    )
}

/// `GET /v1/mirror`: what a mirror verified (origin, size, checkpoint, lag, alarm); 404 on
/// a server.
async fn mirror_status(State(app): State<Arc<App>>) -> Result<Response, Problem> {
    let status = app
        .shared
        .mirror_status
        .read()
        .map_err(|_| Problem::internal("the mirror's status is unavailable"))?
        .clone();
    match status {
        Some(status) => Ok(Json(status).into_response()),
        None => Err(Problem::not_found(
            "this server is not a mirror: /v1/mirror is answered by `rekap mirror --listen`",
        )),
    }
}

/// `POST /v1/submissions`: a signed submission as JSON (hex fields) or as its canonical
/// bytes (`application/octet-stream`).
async fn submit(State(app): State<Arc<App>>, request: HttpRequest) -> Result<Response, Problem> {
    // The media type is read in place: the `HeaderMap` extractor would copy every header.
    let media_type = media_type(request.headers());
    let lang = crate::problem::lang_of(request.headers());
    let body = Bytes::from_request(request, &())
        .await
        .map_err(|rejection: BytesRejection| {
            Problem::new(rejection.status(), "body", rejection.body_text())
        })?;
    if !app.shared.ready.load(Ordering::SeqCst) {
        return Err(Problem::not_ready());
    }
    let submission = decode_submission(&media_type, &body)?;
    if let Err(seconds) = app.key_limits.take(&submission.author) {
        return Err(Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            format!("too many submissions by this key; retry after {seconds} s"),
        )
        .retry_after(seconds));
    }
    // The signature check is most of a submission's cost: done by the verifying stage's
    // threads (every core), which hand it on to the writer, so neither the runtime's
    // workers (reads wait for them) nor the one writer (it decides and appends) spend it.
    let (reply, answer) = oneshot::channel();
    app.verifier
        .submit(submission, reply)
        .map_err(|Full(detail)| overloaded(detail))?;
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
                transparency: transparency(&app.shared, placed.seq),
            };
            let status = if repeated {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            };
            Ok((status, Json(receipt)).into_response())
        }
        Ok(Answer::Refused(refusal)) => Err(Problem::refused(&refusal, lang)),
        Ok(Answer::Overloaded(detail)) => Err(overloaded(detail)),
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

/// The media type of a body (lower case, without parameters): JSON when none is given, as
/// before the binary body existed.
fn media_type(headers: &axum::http::HeaderMap) -> String {
    match headers.get(header::CONTENT_TYPE) {
        None => "application/json".to_owned(),
        Some(value) => value
            .to_str()
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase(),
    }
}

/// The submission in `body`, by its media type: JSON of docs/API.md (also when none is
/// given, as before the binary body existed) or the canonical bytes; anything else is 415.
fn decode_submission(
    media_type: &str,
    body: &[u8],
) -> Result<rekap_log::SignedSubmission, Problem> {
    match media_type {
        "application/json" => {
            let json: SubmissionJson = serde_json::from_slice(body).map_err(|error| {
                Problem::bad_request(format!(
                    "the submission is not JSON of docs/API.md: {error}"
                ))
            })?;
            json.decode().map_err(Problem::bad_request)
        }
        SUBMISSION_BYTES_TYPE => submission_of_bytes(body).map_err(Problem::bad_request),
        other => Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            format!(
                "a submission is application/json or {SUBMISSION_BYTES_TYPE} (docs/API.md), \
                 not {other:?}"
            ),
        )),
    }
}

/// The record's inclusion in the published checkpoint, if that covers it.
fn transparency(shared: &Shared, seq: u64) -> Option<TransparencyJson> {
    let state = shared.tlog()?;
    let tlog_proof = rekap_ledger::proof::log_proof(&state.tree, &state.checkpoint, seq).ok()??;
    Some(TransparencyJson {
        size: state.size(),
        tlog_proof,
    })
}

/// `GET /v1/inclusion/{seq}`: the record's inclusion in the published checkpoint; 404 with
/// Retry-After until one covers it.
async fn inclusion(
    State(app): State<Arc<App>>,
    Path(seq): Path<String>,
) -> Result<Json<TransparencyJson>, Problem> {
    let seq: u64 = rekap_witness::request::parse_decimal(&seq)
        .filter(|seq| *seq > 0)
        .ok_or_else(|| {
            Problem::bad_request(format!("{seq:?} is not a record's seq (1, 2, ...)"))
        })?;
    transparency(&app.shared, seq).map(Json).ok_or_else(|| {
        let published = app.shared.tlog().map_or(0, |state| state.size());
        Problem::not_found(format!(
            "record {seq} is not in the published checkpoint (size {published}) yet; \
             the server signs one after commits (docs/API.md)"
        ))
        .retry_after(1)
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    /// What each request is answered by the router over an app that is not ready (no
    /// snapshot) and allows one request a second per address (`read_only`: a mirror of
    /// that origin), and its metrics after.
    fn answers(
        read_only: Option<&str>,
        requests: &[(Method, &str)],
    ) -> (Vec<u16>, Vec<Response>, String) {
        let limits = HttpLimits {
            per_address: (1, 1),
            ..crate::ServeConfig::default().http
        };
        let (sender, _receiver) = std::sync::mpsc::sync_channel(1);
        let mut app = App::new(Arc::default(), sender, &limits);
        if let Some(origin) = read_only {
            app = app.read_only(origin);
        }
        let app = Arc::new(app);
        let router = router(app.clone(), &limits);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let address: SocketAddr = "127.0.0.1:40000".parse().unwrap();
        let responses: Vec<Response> = runtime.block_on(async {
            let mut responses = Vec::new();
            for (method, path) in requests {
                let mut request = axum::http::Request::builder()
                    .method(method.clone())
                    .uri(*path)
                    .body(Body::empty())
                    .unwrap();
                request.extensions_mut().insert(ConnectInfo(address));
                responses.push(router.clone().oneshot(request).await.unwrap());
            }
            responses
        });
        let statuses = responses.iter().map(|r| r.status().as_u16()).collect();
        (statuses, responses, app.shared.metrics.render(None))
    }

    #[test]
    fn the_address_limit_spares_the_health_checks_and_every_answer_is_counted() {
        let get = |path| (Method::GET, path);
        let requests = [
            get("/v1/status"),
            get("/v1/status"),
            get("/healthz"),
            get("/healthz"),
            get("/readyz"),
            get("/metrics"),
            get("/no/such/route"),
        ];
        let (statuses, responses, metrics) = answers(None, &requests);
        // Not ready yet (503), then the address has used its one request a second.
        assert_eq!(statuses, [503, 429, 200, 200, 503, 200, 429]);
        assert!(responses[1].headers().contains_key(header::RETRY_AFTER));
        for line in [
            "rekap_http_requests_total{status=\"200\"} 3",
            "rekap_http_requests_total{status=\"429\"} 2",
            "rekap_http_requests_total{status=\"503\"} 2",
        ] {
            assert!(
                metrics.lines().any(|counted| counted == line),
                "{line}\n{metrics}"
            );
        }
    }

    #[test]
    fn a_read_only_server_refuses_writes_before_the_address_limit_counts_them() {
        let requests = [
            (Method::POST, "/v1/submissions"),
            (Method::GET, "/v1/counters/00"),
            (Method::GET, "/v1/status"),
            (Method::GET, "/v1/status"),
        ];
        let (statuses, responses, metrics) = answers(Some("http://origin.example"), &requests);
        assert_eq!(statuses, [405, 405, 503, 429]);
        assert_eq!(responses[0].headers()[header::ALLOW], "GET, HEAD");
        assert!(
            metrics
                .lines()
                .any(|line| line == "rekap_http_requests_total{status=\"405\"} 2"),
            "{metrics}"
        );
    }
}
