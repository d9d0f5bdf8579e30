//! rekap-server: `rekap serve`. One writer thread owns the ledger and drains a bounded
//! queue of signed submissions (group commit: decided one by one by the model, appended
//! as one durable chunk, answered after); readers are answered from an immutable snapshot
//! of a committed head. Holds no domain logic: every decision is the model's, through
//! `rekap_ledger::GroupLedger`. The API is docs/API.md.

pub mod api;
pub mod bind;
pub mod cosigning;
pub mod follow;
pub mod metrics;
pub mod owner;
pub mod portal;
pub mod problem;
pub mod publisher;
pub mod rate;
pub mod reads;
pub mod snapshot;
pub mod tlog;
pub mod verifier;
pub mod wire;
pub mod writer;

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rekap_ledger::checkpoints::CheckpointSigner;
use rekap_ledger::{GroupLedger, LedgerError};
use rekap_log::DefaultStorage;

pub use api::HttpLimits;
pub use writer::WriterConfig;

/// How to serve.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    pub listen: String,
    /// The store's directory: its log key signs checkpoints, which are kept beside it.
    pub store: std::path::PathBuf,
    /// Submissions waiting for the writer before a 503.
    pub queue_capacity: usize,
    pub writer: WriterConfig,
    pub http: HttpLimits,
    /// Worker threads of the runtime (the writer is a thread of its own).
    pub worker_threads: usize,
    /// Publish a checkpoint only once these witnesses cosigned it (`--witness`, `--quorum`).
    pub witnesses: Option<cosigning::WitnessPolicy>,
    /// The portal compare page's other sources (`serve --compare NAME=FILE`).
    pub compare: Vec<portal::CompareSource>,
}

impl Default for ServeConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            store: std::path::PathBuf::new(),
            queue_capacity: 8192,
            writer: WriterConfig {
                max_batch: 4096,
                publish_interval: Duration::from_millis(200),
                checkpoint_interval: Duration::from_millis(1000),
            },
            http: HttpLimits {
                // The largest payload (16 MiB) as hex, with room for the other fields.
                body_bytes: 33 << 20,
                request_timeout: Duration::from_secs(30),
                concurrent_requests: 1024,
                per_key: (50, 200),
                per_address: (2000, 4000),
            },
            worker_threads: 2,
            witnesses: None,
            compare: Vec::new(),
        }
    }
}

/// Why serving stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {address}: {error}")]
    Listen {
        address: String,
        error: std::io::Error,
    },
    #[error("starting the runtime: {0}")]
    Runtime(std::io::Error),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("the writer thread stopped unexpectedly")]
    WriterPanicked,
}

/// The runtime and the bound listener, before anything is served.
struct Listening {
    runtime: tokio::runtime::Runtime,
    listener: std::net::TcpListener,
    signals: StopSignals,
}

fn listen(
    config: &ServeConfig,
    on_listening: impl FnOnce(SocketAddr),
) -> Result<Listening, ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(config.worker_threads.max(1))
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    let listener = {
        // The socket is made in the runtime's context (tokio's, for its queue's length).
        let _context = runtime.enter();
        bind::bind_listener(&config.listen).map_err(|error| ServeError::Listen {
            address: config.listen.clone(),
            error,
        })?
    };
    let address = listener.local_addr().map_err(ServeError::Runtime)?;
    listener
        .set_nonblocking(true)
        .map_err(ServeError::Runtime)?;
    // Before anyone is told the address: a SIGTERM sent the moment "listening" is read
    // must stop the server gracefully, not kill it with the signal's default action.
    let signals = StopSignals::register(&runtime);
    on_listening(address);
    Ok(Listening {
        runtime,
        listener,
        signals,
    })
}

impl Listening {
    /// Serves `app` until SIGTERM, SIGINT or `stop` (the thread owning the ledger failing
    /// to start), then tells that thread to finish.
    fn serve(
        self,
        app: Arc<api::App>,
        config: &ServeConfig,
        stop: tokio::sync::oneshot::Receiver<()>,
    ) -> Result<(), ServeError> {
        let shared = app.shared.clone();
        let router = api::router(app, &config.http);
        let listener = self.listener;
        let signals = self.signals;
        let served = self.runtime.block_on(async move {
            let listener =
                tokio::net::TcpListener::from_std(listener).map_err(ServeError::Runtime)?;
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(signals.stopped(stop))
            .await
            .map_err(ServeError::Runtime)
        });
        // Every request was answered; the owner finishes what is queued and returns.
        shared.stopping.store(true, Ordering::SeqCst);
        served
    }
}

/// Serves the store opened (and locked) as `storage` until SIGTERM or SIGINT, then
/// finishes the batch in flight, saves the totals view and returns. `on_listening` is
/// told the bound address once the socket listens (before the replay ends: `/readyz`
/// says when it has).
pub fn serve(
    storage: DefaultStorage,
    config: ServeConfig,
    on_listening: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    let listening = listen(&config, on_listening)?;
    let shared = Arc::new(writer::Shared::default());
    // Bundles are read beside the writer; without a reader they go through its queue.
    if let Ok(reader) = storage.reader() {
        let _ = shared.log_reader.set(reader);
    }
    let (sender, receiver) = std::sync::mpsc::sync_channel(config.queue_capacity.max(1));
    let failure: Arc<Mutex<Option<LedgerError>>> = Arc::default();
    let (started, started_receiver) = tokio::sync::oneshot::channel::<()>();
    let (cosigning, cosigner) = match config.witnesses.clone() {
        Some(policy) => {
            let (sender, signed) = std::sync::mpsc::channel();
            let (shared, store) = (shared.clone(), config.store.clone());
            let thread = std::thread::Builder::new()
                .name("rekap-cosigning".into())
                .spawn(move || cosigning::run(policy, signed, shared, store))
                .map_err(ServeError::Runtime)?;
            (Some(sender), Some(thread))
        }
        None => (None, None),
    };
    let writer = {
        let (shared, failure, writer_config) = (shared.clone(), failure.clone(), config.writer);
        let store = config.store.clone();
        std::thread::Builder::new()
            .name("rekap-writer".into())
            .spawn(move || {
                let group = GroupLedger::open(storage);
                match group {
                    Ok(group) => {
                        let signer = CheckpointSigner::open(&store, group.ledger())
                            .map_err(|error| error.to_string());
                        if let Ok(signer) = &signer {
                            let _ = shared.log_vkey.set(signer.verifier().to_vkey());
                        }
                        let signing = writer::Signing::new(signer, cosigning);
                        Some(writer::run(group, signing, receiver, shared, writer_config))
                    }
                    Err(error) => {
                        if let Ok(mut failure) = failure.lock() {
                            *failure = Some(error);
                        }
                        drop(started);
                        None
                    }
                }
            })
            .map_err(ServeError::Runtime)?
    };
    let app =
        Arc::new(api::App::new(shared, sender, &config.http).with_compare(config.compare.clone()));
    listening.serve(app, &config, started_receiver)?;
    let group = writer.join().map_err(|_| ServeError::WriterPanicked)?;
    // The writer's signing hung up: the cosigning thread ends after its current round.
    if let Some(cosigner) = cosigner {
        let _ = cosigner.join();
    }
    if let Some(error) = failure.lock().ok().and_then(|mut failure| failure.take()) {
        return Err(error.into());
    }
    if let Some(group) = group {
        let mut ledger = group.into_ledger();
        let view = ledger.totals_view(None);
        // Costs only speed if it fails: the next `totals` replays.
        let _ = ledger.save_totals_view(&view);
    }
    Ok(())
}

/// Serves what `follower` holds, read-only (every write answers 405 naming `origin`), while
/// it follows its origin, until SIGTERM or SIGINT; returns the follower.
pub fn serve_read_only<F: follow::Follower>(
    follower: F,
    origin: &str,
    config: ServeConfig,
    follow: follow::FollowConfig,
    on_listening: impl FnOnce(SocketAddr),
) -> Result<F, ServeError> {
    let listening = listen(&config, on_listening)?;
    let shared = Arc::new(writer::Shared::default());
    let (sender, receiver) = std::sync::mpsc::sync_channel(config.queue_capacity.max(1));
    let (_started, started_receiver) = tokio::sync::oneshot::channel::<()>();
    let thread = {
        let shared = shared.clone();
        std::thread::Builder::new()
            .name("rekap-follower".into())
            .spawn(move || follow::run(follower, receiver, shared, follow))
            .map_err(ServeError::Runtime)?
    };
    let app = Arc::new(api::App::new(shared, sender, &config.http).read_only(origin));
    listening.serve(app, &config, started_receiver)?;
    thread.join().map_err(|_| ServeError::WriterPanicked)
}

/// SIGTERM and SIGINT, registered while the runtime starts (the handlers replace the
/// signals' default action from then on); `None` where registering failed.
struct StopSignals {
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
}

impl StopSignals {
    fn register(runtime: &tokio::runtime::Runtime) -> StopSignals {
        let _context = runtime.enter();
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            StopSignals {
                terminate: signal(SignalKind::terminate()).ok(),
                interrupt: signal(SignalKind::interrupt()).ok(),
            }
        }
        #[cfg(not(unix))]
        StopSignals {}
    }

    /// SIGTERM, SIGINT, or the writer failing to start (its `started` sender dropped).
    async fn stopped(self, writer_failed: tokio::sync::oneshot::Receiver<()>) {
        #[cfg(unix)]
        {
            let received = |signal: Option<tokio::signal::unix::Signal>| async move {
                match signal {
                    Some(mut signal) => {
                        signal.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = received(self.terminate) => {}
                _ = received(self.interrupt) => {}
                _ = writer_failed => {}
            }
        }
        #[cfg(not(unix))]
        {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = writer_failed => {}
            }
        }
    }
}
