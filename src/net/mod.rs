//! The socket workers. Each running session (UDP sender, UDP receiver, TCP client,
//! TCP server) is one thread that owns its sockets, takes [`Command`]s and reports
//! [`Event`]s over crossbeam channels; a relay session runs [`relay`]'s threads behind the
//! same channels (`relay::host`). Plain std + socket2 + mio: no GUI in here.
//!
//! ```no_run
//! use socket_tester::net::{Session, SessionConfig, Role, Command, Payload, Target};
//! let s = Session::start(SessionConfig::new(Role::UdpReceiver, "127.0.0.1:8080"), None);
//! for ev in s.events().iter() { println!("{ev:?}"); }
//! ```

pub mod addr;
pub mod addr_class;
mod conn;
pub mod crowd;
pub mod error;
mod event;
pub mod file_send;
pub mod interfaces;
pub(crate) mod pace;
pub mod port_owner;
pub mod relay;
mod rxbatch;
mod rxq;
pub mod sched;
pub mod shaping;
pub mod sockopts;
mod stream_sock;
mod tcp_client;
pub mod tcp_info;
mod tcp_server;
pub mod tls;
mod udp;
#[cfg(unix)]
mod unix;
pub mod unix_name;
mod worker;
pub mod ws;

use crate::codec::Encoding;
use crossbeam_channel::{Receiver, Sender};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

pub use crate::clock::now_us;
pub use error::ErrorKind;
pub use event::{
    CloseReason, ClosedBy, Event, EventKind, FileStopped, IcmpKind, IcmpReport, PeerCred,
    ResetReason, StoppedFile,
};

/// Which of the four programs a session plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    #[serde(rename = "udp-send")]
    UdpSender,
    #[serde(rename = "udp-recv")]
    UdpReceiver,
    #[serde(rename = "tcp-client")]
    TcpClient,
    #[serde(rename = "tcp-server")]
    TcpServer,
    /// The relay: listens, forwards to an upstream, and reports both directions (each
    /// event's `client` is the pair; rx is client → server, tx server → client).
    #[serde(rename = "relay")]
    Relay,
}

impl Role {
    /// The four roles that talk to a peer themselves (the classic tabs).
    pub const ALL: [Role; 4] = [
        Role::UdpSender,
        Role::UdpReceiver,
        Role::TcpClient,
        Role::TcpServer,
    ];

    /// Every role, the relay last (the spool's role byte is an index in this list).
    pub const EVERY: [Role; 5] = [
        Role::UdpSender,
        Role::UdpReceiver,
        Role::TcpClient,
        Role::TcpServer,
        Role::Relay,
    ];

    /// The name used in records and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::UdpSender => "udp-send",
            Role::UdpReceiver => "udp-recv",
            Role::TcpClient => "tcp-client",
            Role::TcpServer => "tcp-server",
            Role::Relay => "relay",
        }
    }

    pub fn from_name(s: &str) -> Option<Role> {
        Role::EVERY.into_iter().find(|r| r.as_str() == s)
    }

    pub fn is_tcp(self) -> bool {
        matches!(self, Role::TcpClient | Role::TcpServer)
    }
}

/// Everything needed to start a session.
#[derive(Clone, Debug)]
pub struct SessionConfig {
    pub role: Role,
    /// UDP sender: destination `HOST:PORT`. UDP receiver: the address to bind.
    /// TCP client: `HOST:PORT` to connect to. TCP server: the address to listen on.
    pub address: String,
    /// UDP sender only: local address or port to bind (`7890`, `0.0.0.0:7890`). None = OS picks.
    pub bind: Option<String>,
    pub encoding: Encoding,
    /// UDP: enable SO_BROADCAST.
    pub broadcast: bool,
    /// TCP client: how long to wait for the handshake.
    pub connect_timeout: Duration,
    /// TCP server: listen backlog (the seed uses 128).
    pub backlog: i32,
    /// TCP server: more clients than this are accepted and closed at once.
    pub max_clients: usize,
    /// TCP: after the peer's FIN, keep the connection open for sending (half-close).
    pub keep_open_after_peer_fin: bool,
    /// TCP: after the peer's FIN, wait for the host's [`Command::FinishHalfClose`] before
    /// sending FIN, so replies to what came just before the FIN still go out. The session
    /// runtime sets it (and changes it with [`Command::HoldFin`]) while it answers peers.
    pub hold_fin_for_replies: bool,
    /// Capacity of the event channel. When the reader falls behind, the worker waits
    /// (TCP then pushes back on the peer) instead of growing memory without bound.
    pub event_capacity: usize,
    /// UDP: join (receiver) or send to (sender) a multicast group. None = plain unicast.
    pub multicast: Option<MulticastConfig>,
    /// TCP: how messages are cut into writes, and TCP_NODELAY.
    pub shaping: shaping::WriteShaping,
    /// TCP: speak TLS on the connection (None: plaintext).
    pub tls: Option<tls::TlsOptions>,
    /// SO_RCVBUF, SO_SNDBUF, TTL and (TCP) keep-alive; read back and told once set.
    pub sockopts: sockopts::SockOpts,
    /// TCP: start with reading paused (see [`Command::PauseReading`]).
    pub pause_reading: bool,
    /// TCP, with `pause_reading`: resume by itself this long after the connection is made
    /// (client) or the server listens (`--pause-reading-for`).
    pub resume_reading_after: Option<Duration>,
    /// TCP: speak WebSocket on the connection (with `tls`, wss). None: raw TCP.
    pub ws: Option<ws::WsOptions>,
    /// The relay (role [`Role::Relay`]; `address` is where it listens): where it forwards,
    /// its faults and their seed.
    pub relay: Option<Box<relay::RelayConfig>>,
    /// TCP client and UDP sender: a crowd of this many connections (sources) at a ramp
    /// rate, each a `client` in the events (see [`crowd`]). None: one, as before.
    pub crowd: Option<crowd::CrowdConfig>,
}

/// UDP multicast options. The receiver joins `group` (binding the wildcard address of the
/// group's family on the session's port); the sender sets TTL / hop limit, loopback and
/// the outgoing interface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MulticastConfig {
    /// The group (224.0.0.0/4 or ff00::/8). Must be a multicast address.
    pub group: IpAddr,
    /// IPv4: the address of the interface to use (None = the OS chooses, INADDR_ANY).
    /// Ignored for IPv6 groups, which use `interface_index`.
    pub interface: Option<IpAddr>,
    /// IPv6: the interface index (0 = the OS chooses).
    pub interface_index: u32,
    /// Sender: IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS (1 = this link only).
    pub ttl: u32,
    /// Sender: IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP (deliver to this host's own receivers).
    pub loopback: bool,
}

impl MulticastConfig {
    /// A group with the defaults: any interface, TTL 1, loopback on.
    pub fn new(group: IpAddr) -> MulticastConfig {
        MulticastConfig {
            group,
            interface: None,
            interface_index: 0,
            ttl: 1,
            loopback: true,
        }
    }
}

impl SessionConfig {
    pub fn new(role: Role, address: impl Into<String>) -> Self {
        SessionConfig {
            role,
            address: address.into(),
            bind: None,
            encoding: Encoding::UTF_8,
            broadcast: false,
            connect_timeout: Duration::from_secs(5),
            backlog: 128,
            max_clients: 1000,
            keep_open_after_peer_fin: false,
            hold_fin_for_replies: false,
            // TCP events can carry 64 KiB each: a smaller queue keeps memory bounded
            // (16 MiB at most) before back-pressure reaches the peer.
            event_capacity: if role.is_tcp() { 64 } else { 16_384 },
            multicast: None,
            shaping: shaping::WriteShaping::default(),
            tls: None,
            sockopts: sockopts::SockOpts::default(),
            pause_reading: false,
            resume_reading_after: None,
            ws: None,
            relay: None,
            crowd: None,
        }
    }

    /// A crowd (see [`crowd`]): its events are small and many, so the queue is longer.
    pub fn crowd(mut self, c: crowd::CrowdConfig) -> Self {
        self.crowd = Some(c);
        self.event_capacity = 4096;
        self
    }

    /// A relay session: listens on `config.listen`, forwards to `config.to`.
    pub fn relay(config: relay::RelayConfig) -> Self {
        let mut c = SessionConfig::new(Role::Relay, config.listen.clone());
        c.event_capacity = 4096;
        c.relay = Some(Box::new(config));
        c
    }

    pub fn encoding(mut self, enc: Encoding) -> Self {
        self.encoding = enc;
        self
    }

    pub fn bind(mut self, bind: impl Into<String>) -> Self {
        self.bind = Some(bind.into());
        self
    }

    pub fn shaping(mut self, s: shaping::WriteShaping) -> Self {
        self.shaping = s;
        self
    }

    pub fn tls(mut self, t: tls::TlsOptions) -> Self {
        self.tls = Some(t);
        self
    }

    pub fn multicast(mut self, m: MulticastConfig) -> Self {
        self.multicast = Some(m);
        self
    }
}

/// What to send: bytes as they are, or text to encode in the session's encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Payload {
    Bytes(Vec<u8>),
    Text(String),
}

/// Where a send goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// UDP sender: its destination. UDP receiver: the last sender. TCP client: the server.
    /// TCP server: every client.
    Default,
    /// UDP: this address.
    Peer(SocketAddr),
    /// UDP: this `HOST:PORT`, resolved by the worker.
    Host(String),
    /// TCP server: one client.
    Client(u64),
    /// TCP server: every client.
    AllClients,
}

/// Requests to a worker.
#[derive(Clone, Debug)]
pub enum Command {
    Send {
        payload: Payload,
        to: Target,
    },
    SetEncoding(Encoding),
    /// UDP sender: change the destination.
    SetDestination(String),
    /// TCP client: shutdown(SHUT_WR) — send FIN, keep reading.
    ShutdownWrite,
    /// TCP server: close one client.
    Disconnect(u64),
    /// TCP: change how messages are cut into writes (and TCP_NODELAY), for the
    /// connection and, on a server, every client and the ones still to come.
    SetShaping(shaping::WriteShaping),
    /// TCP: abort with RST instead of FIN (SO_LINGER 0, then close): the TCP client's
    /// connection (the id is ignored), one server client, or (None) every server client.
    Reset(Option<u64>),
    /// TCP server: close the listening socket, keep connected clients.
    StopListening,
    /// Stream a file from disk in chunks (UDP: one datagram each); progress in the spec.
    SendFile(Box<file_send::FileSpec>),
    /// Stop the file being sent.
    CancelFile,
    /// TCP: stop calling recv() (true) or start again (false): the TCP client's
    /// connection, or every client of a server (and those it accepts while paused).
    PauseReading(bool),
    /// WebSocket: send a ping (the TCP client's connection, one server client, or with
    /// None every server client); the pong's round trip is told.
    WsPing(Option<u64>),
    /// Relay: the faults of both directions from now on (each pair's writers take them
    /// before their next chunk).
    SetFaults(Box<relay::Faults>),
    /// TCP: keep a connection half-open after the peer's FIN until the host sends
    /// [`Command::FinishHalfClose`] (true), or close it at once as before (false).
    HoldFin(bool),
    /// TCP: the host has answered what came before this connection's FIN (the client's
    /// own connection, or one server client): send FIN after what is queued, and close.
    FinishHalfClose(Option<u64>),
    /// Relay: the rewrite rules of both directions from now on (checked; each pair's
    /// writers take them before their next message).
    SetRewrites(Box<relay::CheckedRewrites>),
    /// Relay: Intercept's switches, or a held message's verdict.
    Intercept(Box<relay::InterceptCommand>),
    /// A crowd: close member `k` (if open or connecting) and open it again, keeping its
    /// number: a new TCP connection, or a new UDP source socket (a new port). Told as for
    /// any member: Closed, then Connecting and Connected (UDP: Bound), or the failure.
    CrowdReopen(u64),
    /// A crowd: keep running when every member has ended (true: a sequence may reopen
    /// them), or end then as usual (false, the default).
    CrowdHold(bool),
    /// End the session.
    Stop,
}

/// Called by a worker after it has sent events (the GUI passes `request_repaint`).
pub type Notifier = Arc<dyn Fn() + Send + Sync>;

/// A running session: the worker thread plus its two channels.
pub struct Session {
    role: Role,
    commands: Sender<Command>,
    events: Receiver<Event>,
    waker: Option<Arc<mio::Waker>>,
    thread: Option<JoinHandle<()>>,
    stats: tcp_info::StatsBoard,
}

impl Session {
    /// Starts the worker. Never fails: problems (a bad address, a port in use) arrive as
    /// an [`EventKind::Error`], after which the worker ends and the event channel closes.
    pub fn start(config: SessionConfig, notify: Option<Notifier>) -> Session {
        let (cmd_tx, cmd_rx) = crossbeam_channel::unbounded();
        let (ev_tx, ev_rx) = crossbeam_channel::bounded(config.event_capacity.max(16));
        let role = config.role;
        if role == Role::Relay {
            let thread = std::thread::Builder::new()
                .name("session-relay".into())
                .spawn(move || relay::host::run(config, cmd_rx, ev_tx, notify))
                .ok();
            return Session {
                role,
                commands: cmd_tx,
                events: ev_rx,
                waker: None,
                thread,
                stats: Default::default(),
            };
        }
        let poll = mio::Poll::new();
        let (poll, waker) = match poll {
            Ok(p) => match mio::Waker::new(p.registry(), worker::WAKER) {
                Ok(w) => (Ok(p), Some(Arc::new(w))),
                Err(e) => (Err(e), None),
            },
            Err(e) => (Err(e), None),
        };
        let ctx = worker::Ctx::new(role, config.encoding, ev_tx, cmd_rx, notify);
        let stats = ctx.stats.clone();
        let thread = std::thread::Builder::new()
            .name(format!("session-{}", role.as_str()))
            .spawn(move || {
                sched::quick_wakeups();
                worker::run(config, poll, ctx)
            });
        let thread = thread.ok();
        Session {
            role,
            commands: cmd_tx,
            events: ev_rx,
            waker,
            thread,
            stats,
        }
    }

    /// TCP: the kernel's newest sample of each open connection, by client id (0 for the
    /// TCP client), updated about 4 times a second.
    pub fn tcp_stats(&self) -> tcp_info::StatsBoard {
        self.stats.clone()
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// A cloneable handle that sends commands and wakes the worker (for other threads,
    /// such as the auto-send pacer).
    pub fn handle(&self) -> SessionHandle {
        SessionHandle {
            commands: self.commands.clone(),
            waker: self.waker.clone(),
        }
    }

    /// Sends a command and wakes the worker. Returns false if the worker has ended.
    pub fn send(&self, cmd: Command) -> bool {
        let ok = self.commands.send(cmd).is_ok();
        if let Some(w) = &self.waker {
            let _ = w.wake();
        }
        ok
    }

    /// The raw command sender. Prefer [`Session::send`], which also wakes the worker at once;
    /// commands sent here are still picked up within ~50 ms.
    pub fn commands(&self) -> &Sender<Command> {
        &self.commands
    }

    pub fn events(&self) -> &Receiver<Event> {
        &self.events
    }

    /// True once the worker thread has ended (its events may still be queued).
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(|t| t.is_finished())
    }

    /// Asks the worker to stop and waits for its thread to end, returning every event
    /// that was still queued (so nothing is lost, and a full channel cannot deadlock).
    pub fn stop_and_join(&mut self) -> Vec<Event> {
        self.send(Command::Stop);
        let mut rest = Vec::new();
        loop {
            match self.events.recv_timeout(Duration::from_millis(20)) {
                Ok(ev) => rest.push(ev),
                Err(crossbeam_channel::RecvTimeoutError::Disconnected) => break,
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
            }
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        rest
    }
}

/// Sends commands to a running session from any thread (see [`Session::handle`]).
#[derive(Clone)]
pub struct SessionHandle {
    commands: Sender<Command>,
    waker: Option<Arc<mio::Waker>>,
}

impl SessionHandle {
    /// Sends a command and wakes the worker. Returns false if the worker has ended.
    pub fn send(&self, cmd: Command) -> bool {
        let ok = self.commands.send(cmd).is_ok();
        if let Some(w) = &self.waker {
            let _ = w.wake();
        }
        ok
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.send(Command::Stop);
    }
}
