//! What a session shows: the bounded log ([`LogStore`]) and a small [`Status`] (state,
//! addresses, timeline, rates, tool progress, spool state). The runtime thread writes it
//! in short critical sections; the window reads it each frame. No GUI in here.

use super::stats::{Rates, Senders};
use super::timeline::Timeline;
use crate::auto::expect::Expect;
use crate::auto::pacer::PacerEnd;
use crate::log::LogStore;
use crate::net::{ClosedBy, Event, EventKind, Role};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// Where a session stands, for the status line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnState {
    Idle,
    Starting,
    Connecting,
    Connected,
    Bound,
    Listening,
    Stopping,
    Stopped,
    /// The session (or its connection) ended with this event: a `Closed`, `Reset` or
    /// `Error`, typed, so the window words it in its own language.
    ClosedByPeer(Box<Event>),
    Closed(Box<Event>),
    Reset(Box<Event>),
    Error(Box<Event>),
}

/// The auto-reply rules as the runtime runs them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RulesView {
    /// Rules are compiled and armed (some rule enabled, or echo on).
    pub active: bool,
    /// Times each rule fired, in rule order.
    pub fired: Vec<u64>,
    pub echoed: u64,
    /// Why the rules could not be compiled (typed: the window words it).
    pub error: Option<crate::auto::rules::RuleError>,
}

/// Auto-send progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AutoView {
    pub sent: u64,
    pub count: Option<u64>,
    pub running: bool,
}

impl AutoView {
    /// "37 / 100" or "37".
    pub fn progress(&self) -> String {
        match self.count {
            Some(n) => format!("{} / {n}", self.sent),
            None => self.sent.to_string(),
        }
    }
}

/// Why auto-send stopped, for the note beside its controls (the window words it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AutoNote {
    /// It ended by itself: done, stopped by the user, the session went, or it failed.
    Ended { end: PacerEnd, progress: String },
    /// The connection closed (or the session ended) while it was still sending.
    Interrupted { ended: bool, progress: String },
}

/// What the worker said after bind() / listen() failed on `port`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortAdvice {
    pub port: u16,
    pub owner: Option<crate::net::port_owner::Owner>,
    pub free: Option<u16>,
}

/// The small part of the view, cloned by the window each frame.
#[derive(Clone, Debug)]
pub struct Status {
    pub role: Role,
    /// A worker is running (started, not yet ended).
    pub running: bool,
    pub state: ConnState,
    /// TCP server: the listening socket was closed (its clients kept).
    pub listen_stopped: bool,
    /// TCP: reading is paused (the worker said so; see `Command::PauseReading`).
    pub reading_paused: bool,
    /// bind() / listen() failed on this port: its holder and a free port (the worker's
    /// [`EventKind::PortAdvice`]), for the words under the port field.
    pub port_advice: Option<PortAdvice>,
    /// The real local address reported by the worker.
    pub local: Option<SocketAddr>,
    /// UDP: sources seen in received datagrams (newest last, at most 100).
    pub senders: Vec<SocketAddr>,
    pub last_sender: Option<SocketAddr>,
    /// The socket calls so far (classroom mode's timeline strip and TCP diagram).
    pub timeline: Timeline,
    /// TCP: each connection's state, as the TCP diagram draws it.
    pub tcp: super::tcp_flow::TcpFlows,
    /// Whether the session's first received text fits the tab's encoding (the offer of
    /// another one above the log).
    pub enc_watch: super::enc_watch::EncodingWatch,
    pub rates: Rates,
    /// UDP: per-source counts (the senders table).
    pub udp_senders: Senders,
    pub rules: RulesView,
    /// The Expect panel's run (a copy, refreshed when it changes).
    pub expect: Option<Arc<Expect>>,
    pub auto: Option<AutoView>,
    pub auto_note: Option<AutoNote>,
    /// Events given to the spool, and how many of them are on disk.
    pub spooled: u64,
    pub spool_written: u64,
    /// Why there is no spool, or why it stopped.
    pub spool_error: Option<WriterError>,
    pub spool_path: Option<PathBuf>,
    /// `--record FILE` in progress.
    pub recording: Option<PathBuf>,
    /// The live pcapng feed (Wireshark) in progress.
    pub live: Option<PathBuf>,
    /// Why the record stopped.
    pub record_error: Option<WriterError>,
    /// When the last event arrived.
    pub last_event: Option<Instant>,
    /// The launch plan (`--send`/`--every`/`--count`): sends so far, and whether all are done.
    pub plan_sent: u64,
    pub plan_done: bool,
    /// Bumped at every change (the window can tell that something happened).
    pub generation: u64,
    /// TCP server: the class roster's table. The big parts of the status are shared
    /// (`Arc`): a window copies the status of every tab each frame, and that copies none of
    /// them; the runtime makes a new one only when it changed.
    pub roster: Option<Arc<super::roster::RosterView>>,
    /// The test sequence, if one ran.
    pub sequence: Option<Arc<super::sequence_host::SequenceView>>,
    /// The replay, if one ran.
    pub replay: Option<Arc<super::replay_host::ReplayView>>,
    /// The socket options the user set, as the kernel holds them.
    pub sockopts: Option<Box<crate::net::sockopts::SockReport>>,
    /// Relay: the messages Intercept holds now.
    pub relay_held: crate::net::relay::intercept::HeldList,
    /// TLS client: what the connection's handshake negotiated.
    pub tls: Option<Box<crate::net::tls::TlsInfo>>,
    /// TLS client: the certificate the server presented and this side refused.
    pub tls_refused: Option<Box<crate::net::tls::CertInfo>>,
    /// TLS server: its certificate, and where it came from.
    pub tls_cert: Option<(Box<crate::net::tls::CertInfo>, crate::net::tls::CertSource)>,
    /// Relay: the latest pair that failed in this run, its upstream connection or TLS on
    /// either leg (its client was closed or reset), shown whole over the log.
    pub relay_pair_failed: Option<Box<Event>>,
    /// Relay: the protocol of this run (true: UDP), from its listening event; its pairs
    /// keep it whatever the tab's protocol choice says now.
    pub relay_udp: Option<bool>,
    /// A crowd (`--connections`): its live counts and summary.
    pub crowd: Option<Arc<super::crowd::CrowdView>>,
    /// A crowd's test sequence, run once per connection: its summary.
    pub crowd_sequence: Option<Arc<super::crowd::seq::CrowdSeqView>>,
}

impl Status {
    pub fn new(role: Role) -> Status {
        Status {
            role,
            running: false,
            state: ConnState::Idle,
            listen_stopped: false,
            reading_paused: false,
            port_advice: None,
            local: None,
            senders: Vec::new(),
            last_sender: None,
            timeline: Timeline::new(role),
            tcp: Default::default(),
            enc_watch: Default::default(),
            rates: Rates::default(),
            udp_senders: Senders::default(),
            rules: RulesView::default(),
            expect: None,
            auto: None,
            auto_note: None,
            spooled: 0,
            spool_written: 0,
            spool_error: None,
            spool_path: None,
            recording: None,
            record_error: None,
            live: None,
            last_event: None,
            plan_sent: 0,
            plan_done: false,
            generation: 0,
            tls: None,
            tls_refused: None,
            tls_cert: None,
            relay_pair_failed: None,
            relay_udp: None,
            sockopts: None,
            relay_held: Default::default(),
            sequence: None,
            replay: None,
            roster: None,
            crowd: None,
            crowd_sequence: None,
        }
    }

    /// Events given to the spool and not yet on disk.
    pub fn unsaved(&self) -> u64 {
        self.spooled.saturating_sub(self.spool_written)
    }

    /// A new session starts: the state and the per-connection views start over.
    pub fn on_start(&mut self) {
        self.running = true;
        self.state = ConnState::Starting;
        self.listen_stopped = false;
        self.reading_paused = false;
        self.port_advice = None;
        self.local = None;
        self.timeline = Timeline::new(self.role);
        self.tcp = Default::default();
        self.enc_watch.on_start();
        self.auto_note = None;
        self.tls = None;
        self.tls_refused = None;
        self.tls_cert = None;
        self.relay_pair_failed = None;
        self.relay_udp = None;
        self.sockopts = None;
        self.relay_held = Default::default();
        self.crowd = None;
        self.crowd_sequence = None;
    }

    /// Follows one event (state machine, sources, timeline, rates).
    pub fn on_event(&mut self, ev: &Event) {
        let own = ev.client.is_none();
        if ev.role == Role::Relay {
            self.relay_held.on_event(ev);
        }
        if own && let Some(l) = ev.local {
            self.local = Some(l);
        }
        // A crowd's connections (sources) are clients of a TCP client (UDP sender): the
        // first one up makes the session connected (bound).
        let crowd_first = !own
            && matches!(self.role, Role::TcpClient | Role::UdpSender)
            && matches!(self.state, ConnState::Starting | ConnState::Connecting);
        match &ev.kind {
            EventKind::Bound if own || crowd_first => self.state = ConnState::Bound,
            EventKind::Connected if crowd_first => self.state = ConnState::Connected,
            EventKind::Listening { .. } => self.state = ConnState::Listening,
            EventKind::Relay(k)
                if let crate::net::relay::RelayKind::Listening { udp, .. } = **k =>
            {
                self.state = ConnState::Listening;
                self.relay_udp = Some(udp);
            }
            EventKind::Relay(k)
                if matches!(**k, crate::net::relay::RelayKind::UpstreamFailed { .. })
                    || (ev.client.is_some()
                        && matches!(**k, crate::net::relay::RelayKind::TlsFailed { .. })) =>
            {
                self.relay_pair_failed = Some(Box::new(ev.clone()))
            }
            EventKind::StoppedListening { .. } => self.listen_stopped = true,
            EventKind::ReadingPaused => self.reading_paused = true,
            EventKind::ReadingResumed => self.reading_paused = false,
            EventKind::PortAdvice { port, owner, free } if own => {
                self.port_advice = Some(PortAdvice {
                    port: *port,
                    owner: owner.clone(),
                    free: *free,
                });
            }
            EventKind::Connecting if own => self.state = ConnState::Connecting,
            EventKind::Connected if own => {
                self.state = ConnState::Connected;
                self.tls = None;
            }
            EventKind::TlsReady(info) if own => self.tls = Some(info.clone()),
            EventKind::TlsRefusedCert(c) if own => self.tls_refused = Some(c.clone()),
            EventKind::SocketOptions(r) if own => self.sockopts = Some(r.clone()),
            EventKind::TlsServerCert { cert, source } => {
                self.tls_cert = Some((cert.clone(), source.clone()));
            }
            EventKind::Closed { by, .. } if own => {
                self.state = match by {
                    ClosedBy::Peer => ConnState::ClosedByPeer(Box::new(ev.clone())),
                    ClosedBy::Local => ConnState::Closed(Box::new(ev.clone())),
                }
            }
            EventKind::Reset { .. } if own => self.state = ConnState::Reset(Box::new(ev.clone())),
            // A bound UDP socket stays bound through a failed send (a name that does not
            // resolve, a datagram too long, an ICMP answer): the error is the send's.
            EventKind::Error { .. }
                if own && !self.role.is_tcp() && self.state == ConnState::Bound => {}
            EventKind::Error { .. } | EventKind::TlsFailed(_) if own => {
                self.state = ConnState::Error(Box::new(ev.clone()))
            }
            EventKind::Rx(d) if matches!(self.role, Role::UdpSender | Role::UdpReceiver) => {
                if let Some(p) = ev.peer {
                    self.last_sender = Some(p);
                    if !self.senders.contains(&p) {
                        self.senders.push(p);
                        if self.senders.len() > 100 {
                            self.senders.remove(0);
                        }
                    }
                    self.udp_senders.push(p, d.len(), ev.ts_us);
                }
            }
            _ => {}
        }
        self.rates.push(ev);
        // The socket-call strip and the TCP diagram follow one socket; a relay has two per
        // pair (its tab shows neither).
        if self.role != Role::Relay {
            self.timeline.on_event(ev);
            self.tcp.on_event(self.role, ev);
        }
    }

    /// The worker ended.
    pub fn on_ended(&mut self) {
        self.running = false;
        self.state = match &self.state {
            ConnState::ClosedByPeer(_)
            | ConnState::Closed(_)
            | ConnState::Reset(_)
            | ConnState::Error(_) => self.state.clone(),
            _ => ConnState::Stopped,
        };
    }

    /// The log was cleared: what was counted from its events (and the timeline strip)
    /// starts over.
    pub fn on_clear(&mut self) {
        self.senders.clear();
        self.last_sender = None;
        self.udp_senders.clear();
        self.rates = Rates::default();
        self.timeline.clear();
        self.tcp.on_clear();
        self.spooled = 0;
        self.spool_written = 0;
    }
}

/// Everything a session shows.
#[derive(Debug)]
pub struct View {
    pub store: LogStore,
    pub status: Status,
    /// TCP: the kernel's newest sample of each open connection (the worker's board).
    pub tcp_stats: crate::net::tcp_info::StatsBoard,
}

/// Why a writer (the spool or `--record`) could not start or stopped, typed so the window
/// words it in its own language; `detail` is the system's own message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriterError {
    pub what: WriterFailure,
    /// The file, or the folder it was to be made in.
    pub path: String,
    pub detail: String,
    /// A writer that stopped part way: why, what the file keeps, from which event on it
    /// misses what the session took.
    pub stopped: Option<Box<crate::net::FileStopped>>,
    /// The record stopped while the spool went on: the rest (from this event of the
    /// spool on) can still be saved elsewhere from it.
    pub rest_from: Option<u64>,
}

/// What went wrong with a writer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriterFailure {
    /// The spool could not be made in its folder.
    CannotCreate,
    /// The `--record` file could not be made.
    CannotCreateRecord,
    /// Writing failed; the writer stopped (what was written before stays).
    Stopped,
    /// The runtime could not wait for the writer (no thread).
    CannotWait,
    /// The spools together reached their cap (bytes): recording stopped, nothing was
    /// dropped.
    CapReached(u64),
}

impl std::fmt::Display for WriterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (p, d) = (&self.path, &self.detail);
        if let Some(stopped) = &self.stopped {
            return f.write_str(&crate::i18n_events::file_stopped(
                crate::i18n::Lang::En,
                stopped,
            ));
        }
        match self.what {
            WriterFailure::CannotCreate => write!(f, "cannot save to {p}: {d}"),
            WriterFailure::CannotCreateRecord => write!(f, "cannot write the record {p}: {d}"),
            WriterFailure::Stopped => write!(f, "record stopped: cannot write {p}: {d}"),
            WriterFailure::CannotWait => write!(f, "cannot wait for the spool: {d}"),
            WriterFailure::CapReached(cap) => write!(
                f,
                "recording stopped: the spools reached their cap of {} MiB ({p})",
                cap >> 20
            ),
        }
    }
}
