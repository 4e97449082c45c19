//! The relay: listen on A, forward to B, and report both directions as typed events.
//!
//! TCP: each accepted client gets its own upstream connection, opened when it connects; a
//! refused upstream closes the client with the typed reason; FIN and RST are carried to the
//! other side as they happen. UDP: each source address gets its own upstream socket (like a
//! NAT) that ends after an idle timeout; replies go back to that source. Each direction of
//! each pair runs a reader and a writer thread joined by a bounded queue, so a side whose
//! peer cannot take more stops being read (back-pressure) and the faults of
//! [`faults::DirFaults`] (latency, slicing, corruption, a reset after N bytes…) are applied
//! by the writer. Events go out on a bounded channel: a slow reader slows the relay.

pub mod faults;
pub mod host;
mod hub;
pub mod intercept;
mod pipe;
pub mod rewrite;
mod side;
mod tcp;
mod tls;
mod udp;

use super::{ErrorKind, ResetReason};
use crossbeam_channel::Receiver;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

pub use faults::{DirFaults, Faults, Trigger};
pub(crate) use hub::Hub;
pub use intercept::{InterceptCommand, InterceptSettings, Released, Verdict};
pub use rewrite::{CheckedRewrites, RewriteAction, RewriteError, RewriteRule, Rewrites};
pub use side::Leg;

/// Which way data goes through the relay.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dir {
    /// Client → server.
    Up,
    /// Server → client.
    Down,
}

impl Dir {
    pub fn as_str(self) -> &'static str {
        match self {
            Dir::Up => "up",
            Dir::Down => "down",
        }
    }

    /// "client → server" or "server → client".
    pub fn arrow(self) -> &'static str {
        match self {
            Dir::Up => "client → server",
            Dir::Down => "server → client",
        }
    }

    pub(crate) fn index(self) -> usize {
        match self {
            Dir::Up => 0,
            Dir::Down => 1,
        }
    }
}

/// What a fault did to the data going one way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fault", rename_all = "kebab-case")]
pub enum FaultDone {
    /// This chunk was held `ms` milliseconds (latency ± jitter): it was read from its
    /// side at `read_us` (µs since the Unix epoch; 0 in records made before it was kept)
    /// and is written to the other now (the pcapng puts each leg's packet at its time).
    Delayed {
        ms: u64,
        #[serde(default, skip_serializing_if = "is_zero")]
        read_us: i64,
    },
    /// A datagram of `len` bytes was dropped.
    Dropped { len: usize },
    /// A datagram was sent twice.
    Duplicated { len: usize },
    /// A datagram was held back and sent after `behind` later ones.
    Reordered { behind: usize },
    /// The byte at `offset` (counted from the start of this direction) was changed.
    Corrupted { offset: u64, was: u8, now: u8 },
    /// A chunk went out as this many writes.
    Sliced { pieces: usize },
    /// This many chunks went out as one write.
    Merged { chunks: usize },
    /// Waited `ms` to keep to the bandwidth limit.
    Throttled { ms: u64 },
    /// Both sides reset (RST) on purpose.
    Reset,
    /// Both sides closed (FIN) on purpose.
    Closed,
    /// From now on this direction forwards nothing (the connection stays open).
    BlackHoled,
    /// Black-holed: `len` bytes were swallowed.
    Swallowed { len: usize },
}

impl FaultDone {
    /// The counter this fault adds to.
    pub fn counter(&self) -> usize {
        match self {
            FaultDone::Delayed { .. } => 0,
            FaultDone::Dropped { .. } => 1,
            FaultDone::Duplicated { .. } => 2,
            FaultDone::Reordered { .. } => 3,
            FaultDone::Corrupted { .. } => 4,
            FaultDone::Sliced { .. } => 5,
            FaultDone::Merged { .. } => 6,
            FaultDone::Throttled { .. } => 7,
            FaultDone::Reset | FaultDone::Closed | FaultDone::BlackHoled => 8,
            FaultDone::Swallowed { .. } => 9,
        }
    }
}

/// The names of [`FaultDone::counter`]'s counters, in order.
pub const FAULT_COUNTERS: [&str; 10] = [
    "delayed",
    "dropped",
    "duplicated",
    "reordered",
    "corrupted",
    "sliced",
    "merged",
    "throttled",
    "cut",
    "swallowed",
];

/// Why a pair ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PairEnd {
    /// TCP: both directions carried their FIN.
    BothFin,
    /// TCP: one side reset (or failed), carried to the other as RST.
    Reset,
    /// TCP: a fault cut it (reset-after, close-after).
    Cut,
    /// The upstream connection failed (TCP) or its socket could not be made (UDP).
    UpstreamFailed,
    /// UDP: the mapping was idle for the idle timeout.
    Idle,
    /// TCP: the TLS handshake with the client or the server failed (the
    /// [`RelayKind::TlsFailed`] before it says which and why).
    TlsFailed,
    /// The relay stopped.
    Stopped,
}

/// What happened in the relay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum RelayKind {
    /// Listening (TCP) or bound (UDP) on `Event::local`; forwarding to `to`.
    Listening { to: String, udp: bool },
    /// The seed of the random faults (give it to `--seed` to repeat the run).
    Seed { seed: u64 },
    /// A client connected (TCP), or a new source sent its first datagram (UDP).
    Accepted,
    /// The pair's upstream socket is connected (TCP) or bound (UDP): `from` → `upstream`.
    Upstream {
        from: SocketAddr,
        upstream: SocketAddr,
    },
    /// The upstream connection failed; the client was closed.
    UpstreamFailed { kind: ErrorKind, detail: String },
    /// TLS is on at the listening side: the certificate shown to clients.
    TlsCert {
        cert: Box<crate::net::tls::CertInfo>,
        source: crate::net::tls::CertSource,
    },
    /// The TLS handshake on `leg` finished: from here that leg's bytes are shown as the
    /// plaintext they carry.
    TlsReady {
        leg: Leg,
        info: Box<crate::net::tls::TlsInfo>,
    },
    /// TLS on `leg` failed (the handshake, or a record later): the pair is closed. With
    /// no pair: the relay's TLS could not be set up (a certificate file…) and it stops.
    TlsFailed {
        leg: Leg,
        problem: crate::net::tls::TlsProblem,
    },
    /// Bytes forwarded in `dir` (after faults; told as they are handed to the far side).
    Data {
        dir: Dir,
        #[serde(with = "hex_bytes")]
        bytes: Vec<u8>,
    },
    /// A FIN from the side `dir` starts at, carried to the other side (half-close): read
    /// at `read_us` (µs since the Unix epoch; 0 in older records), carried now.
    Fin {
        dir: Dir,
        #[serde(default, skip_serializing_if = "is_zero")]
        read_us: i64,
    },
    /// An RST (or a failure) on the side `dir` starts at, carried to the other side as RST.
    Reset { dir: Dir, reason: ResetReason },
    /// A fault acted on `dir`.
    Fault { dir: Dir, what: FaultDone },
    /// The faults were changed while running: each pair's writers take them before their
    /// next chunk. `off`: every fault is now off.
    FaultsChanged { off: bool },
    /// The rewrite rules were changed while running: this many are on each way.
    RewritesChanged { up: usize, down: usize },
    /// Rewrite rule `rule` (0-based) of `dir` changed a message of `from` bytes into `to`.
    Rewritten {
        dir: Dir,
        rule: usize,
        from: usize,
        to: usize,
    },
    /// Rewrite rule `rule` would have made a message larger than `max`: left as it was.
    RewriteTooLarge { dir: Dir, rule: usize, max: usize },
    /// Patch rule `rule` matched a message of `len` bytes, but its `offset` is past the
    /// end: the message was left as it was.
    PatchPastEnd {
        dir: Dir,
        rule: usize,
        offset: usize,
        len: usize,
    },
    /// Intercept was changed: which directions hold their messages, and the timeout.
    InterceptChanged {
        up: bool,
        down: bool,
        timeout_ms: u64,
    },
    /// A message going `dir` is held (Intercept); `id` names it to the verdict.
    Held {
        id: u64,
        dir: Dir,
        #[serde(with = "hex_bytes")]
        bytes: Vec<u8>,
    },
    /// The held message `id` left the queue.
    Released {
        id: u64,
        dir: Dir,
        how: intercept::Released,
    },
    /// Intercept's queue was full: a message of `len` bytes went on unchanged.
    InterceptFull { dir: Dir, len: usize },
    /// UDP: a datagram from a new source was dropped: this many sources are mapped already.
    TooManySources { limit: usize },
    /// UDP: the queue of `dir` was full; a datagram of `len` bytes was dropped.
    QueueFull { dir: Dir, len: usize },
    /// UDP: the source's mapping ended after `idle_ms` without traffic.
    Expired { idle_ms: u64 },
    /// The pair ended: both directions finished (TCP) or the mapping is gone (UDP).
    PairClosed { why: PairEnd },
    /// Something failed (bind, accept, a read or a write). Shown, never parsed.
    Error { kind: ErrorKind, detail: String },
    /// The relay stopped.
    Stopped,
}

/// One thing that happened, stamped with wall-clock time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayEvent {
    /// Microseconds since the Unix epoch.
    pub ts_us: i64,
    /// The pair (1, 2, …): a TCP client and its upstream, or a UDP source and its socket.
    pub pair: Option<u64>,
    /// The client (TCP) or source (UDP) of the pair; for relay-wide events, None.
    pub peer: Option<SocketAddr>,
    /// The relay's listening address.
    pub local: Option<SocketAddr>,
    #[serde(flatten)]
    pub kind: RelayKind,
}

mod counters;
mod hex_bytes;

fn is_zero(v: &i64) -> bool {
    *v == 0
}

pub use counters::Counters;

/// What the relay is asked to do.
#[derive(Clone, Debug)]
pub struct RelayConfig {
    /// `ADDR:PORT` to listen on (TCP) or bind (UDP).
    pub listen: String,
    /// `HOST:PORT` to forward to.
    pub to: String,
    pub udp: bool,
    pub faults: Faults,
    /// The rewrite rules of both directions (changed live with [`Relay::set_rewrites`]).
    pub rewrites: CheckedRewrites,
    /// Intercept's switches and timeout (changed live with [`Relay::intercept`]).
    pub intercept: InterceptSettings,
    /// The seed of the random faults (None: one is picked and told).
    pub seed: Option<u64>,
    /// TCP: how long to wait for the upstream connection.
    pub connect_timeout: Duration,
    /// UDP: a source's mapping ends after this long without traffic either way.
    pub idle_timeout: Duration,
    /// UDP: the most sources mapped at once.
    pub max_sources: usize,
    /// TCP: the most pairs at once (more clients are closed at once).
    pub max_pairs: usize,
    /// TCP: end TLS from the clients (the TCP Server tab's TLS: a certificate and key, or
    /// a self-signed one).
    pub tls_listen: Option<crate::net::tls::TlsOptions>,
    /// TCP: start TLS to the server (the TCP Client tab's TLS: a CA file, a pin or
    /// insecure; SNI from the host of `to` unless set).
    pub tls_upstream: Option<crate::net::tls::TlsOptions>,
}

impl RelayConfig {
    pub fn new(listen: impl Into<String>, to: impl Into<String>) -> RelayConfig {
        RelayConfig {
            listen: listen.into(),
            to: to.into(),
            udp: false,
            faults: Faults::default(),
            rewrites: CheckedRewrites::default(),
            intercept: InterceptSettings::default(),
            seed: None,
            connect_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(60),
            max_sources: 1024,
            max_pairs: 1000,
            tls_listen: None,
            tls_upstream: None,
        }
    }
}

/// Reads the TLS files and checks the SNI name a TCP relay's start will use: the leg and
/// the problem of the first that is wrong.
pub fn check_tls(config: &RelayConfig) -> Result<(), (Leg, crate::net::tls::TlsProblem)> {
    tls::check_tls(config)
}

/// A running relay: its thread, its events and its counters.
pub struct Relay {
    events: Receiver<RelayEvent>,
    stop: Arc<AtomicBool>,
    counters: Arc<Counters>,
    faults: Arc<faults::LiveFaults>,
    rewrites: Arc<faults::Live<CheckedRewrites>>,
    intercept: Arc<intercept::Board>,
    thread: Option<JoinHandle<()>>,
}

/// The server's first address, resolved as the start of a run; None (said) when it does
/// not resolve: a mistake to say at the start ("could not start"), not at each client.
fn resolve_upstream(config: &RelayConfig, hub: &Hub) -> Option<SocketAddr> {
    match super::addr::resolve(&config.to).map(|a| a.into_iter().next()) {
        Ok(Some(a)) => Some(a),
        _ => {
            hub.emit(
                None,
                None,
                RelayKind::Error {
                    kind: super::error::resolve_failure_kind(&config.to),
                    detail: format!("{} does not resolve: nothing to forward to", config.to),
                },
            );
            None
        }
    }
}

impl Relay {
    /// Starts the relay. Never fails: a bad address or a port in use arrives as an
    /// [`RelayKind::Error`], then [`RelayKind::Stopped`], and the channel closes.
    pub fn start(config: RelayConfig) -> Relay {
        let (tx, rx) = crossbeam_channel::bounded(4096);
        let stop = Arc::new(AtomicBool::new(false));
        let counters = Arc::new(Counters::default());
        let live = Arc::new(faults::LiveFaults::new(config.faults.clone()));
        let rewrites = Arc::new(faults::Live::new(config.rewrites.clone()));
        let board = Arc::new(intercept::Board::new(config.intercept));
        let hub = Hub {
            events: tx,
            stop: stop.clone(),
            counters: counters.clone(),
            local: None,
            faults: live.clone(),
            rewrites: rewrites.clone(),
            intercept: board.clone(),
        };
        let thread = std::thread::Builder::new()
            .name("relay".into())
            .spawn(move || {
                let mut end = hub.clone();
                let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
                    if config.udp {
                        udp::run(config, hub)
                    } else {
                        tcp::run(config, hub)
                    }
                }));
                if let Ok(local) = run {
                    end.local = local;
                } else {
                    end.emit(
                        None,
                        None,
                        RelayKind::Error {
                            kind: ErrorKind::Internal,
                            detail: "internal error (a bug; please report it): the relay stopped"
                                .into(),
                        },
                    );
                }
                end.emit(None, None, RelayKind::Stopped);
            })
            .ok();
        Relay {
            events: rx,
            stop,
            counters,
            faults: live,
            rewrites,
            intercept: board,
            thread,
        }
    }

    /// Changes the rewrite rules while running: each pair's writers take them before
    /// their next message.
    pub fn set_rewrites(&self, r: CheckedRewrites) {
        self.rewrites.set(r);
    }

    /// Changes Intercept's switches, or decides a held message's fate (false: the message
    /// is no longer held).
    pub fn intercept(&self, c: InterceptCommand) -> bool {
        match c {
            InterceptCommand::Set(s) => {
                self.intercept.set(s);
                true
            }
            InterceptCommand::Decide { id, verdict } => self.intercept.decide(id, verdict),
        }
    }

    /// Changes the faults of both directions while running: every pair's writers (those
    /// open and those to come) take them before their next chunk.
    pub fn set_faults(&self, f: Faults) {
        self.faults.set(f);
    }

    pub fn events(&self) -> &Receiver<RelayEvent> {
        &self.events
    }

    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// True once the relay's main thread has ended.
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(|t| t.is_finished())
    }

    /// Asks the relay to stop and waits for it, returning the events still queued.
    pub fn stop_and_join(&mut self) -> Vec<RelayEvent> {
        self.stop.store(true, Ordering::Relaxed);
        let mut rest = Vec::new();
        while let Some(t) = &self.thread {
            while let Ok(ev) = self.events.try_recv() {
                rest.push(ev);
            }
            if t.is_finished() {
                if let Some(t) = self.thread.take() {
                    let _ = t.join();
                }
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        rest.extend(self.events.try_iter());
        rest
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
