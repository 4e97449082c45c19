//! What a worker reports: [`Event`]s whose [`EventKind`] is data, never prose. A close
//! carries a [`CloseReason`], a reset a [`ResetReason`], counts are numbers; the words
//! come from rendering, above this layer (i18n's `english` for records and exports, given
//! to the log as its `Describe`; i18n's `describe_in` in the window's language).

use super::{ErrorKind, Role};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};

/// Who ended a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClosedBy {
    Peer,
    Local,
}

/// Why a connection (or, with no peer, the session) ended in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CloseReason {
    /// The peer sent FIN (read returned 0) and this side does not keep half-open.
    PeerFin,
    /// Both sides have sent FIN: ours after the peer's, or the peer's after ours.
    BothFin,
    /// close() here: a TCP client stopped or disconnected.
    LocalClose,
    /// A TCP server's client, closed because the server stopped.
    ServerStopped,
    /// A TCP server's client, disconnected by the user (Disconnect).
    Kicked,
    /// A TCP client stopped while its connect was still under way.
    ConnectCancelled,
    /// TLS: closed here because the handshake failed (the problem was told just before).
    TlsFailed,
    /// WebSocket: closed here because the opening handshake was refused (told just before).
    WsRefused,
    /// A TCP server session ended, closing this many clients.
    ServerEnded { clients: u64 },
    /// A UDP socket closed (close()) when the session stopped.
    SocketClosed,
    /// A UDP socket closed after an internal error (poll failed).
    InternalError,
    /// Read back from a record that does not say why (made before reasons were recorded).
    Unknown,
}

/// Why a connection was reset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResetReason {
    /// ECONNRESET: the peer sent RST.
    PeerReset,
    /// ECONNABORTED: the connection was aborted.
    Aborted,
    /// EPIPE: writing to a connection the peer has already torn down.
    BrokenPipe,
    /// This side aborted it: SO_LINGER 0 and close() sent RST (Reset connection).
    ResetHere,
    /// Read back from a record that does not say why (made before reasons were recorded).
    Unknown,
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    /// The socket is bound (UDP) — `local` is the real address.
    Bound,
    /// The server socket listens.
    Listening {
        backlog: i32,
    },
    /// A connect attempt to `peer` started.
    Connecting,
    /// The handshake finished.
    Connected,
    /// A client connected to the server.
    Accepted,
    Rx(Vec<u8>),
    Tx(Vec<u8>),
    /// A connection (or, with no peer, the session) ended in order.
    Closed {
        by: ClosedBy,
        reason: CloseReason,
    },
    /// The connection was reset (RST).
    Reset {
        reason: ResetReason,
    },
    /// Something failed. `detail` is the worker's explanation with the OS error text; it is
    /// shown, never parsed.
    Error {
        kind: ErrorKind,
        detail: String,
    },
    /// TCP server: a client (in `Event::peer`) was accepted and closed at once because
    /// `limit` clients are connected; `total` refused so far in this session.
    Refused {
        limit: u64,
        total: u64,
    },
    /// UDP: datagrams the kernel dropped on this socket since the session started
    /// (cumulative; Linux only).
    KernelDrops {
        total: u64,
    },
    /// TCP: the peer sent FIN and the connection stays open for sending (half-close).
    PeerFinHalfOpen,
    /// TCP: shutdown(SHUT_WR) — this side sent FIN and still receives.
    FinSent,
    /// TCP: this side stopped calling recv() (the TCP client's connection, or every client
    /// of a server): what arrives waits in the kernel's receive queue.
    ReadingPaused,
    /// TCP: recv() again; what piled up comes in the next read.
    ReadingResumed,
    /// bind() / listen() on `port` failed (address in use, permission denied): the
    /// program holding it where the system tells, and a port free on the same address.
    /// Told just before the error.
    PortAdvice {
        port: u16,
        owner: Option<super::port_owner::Owner>,
        free: Option<u16>,
    },
    /// TCP: this many queued messages were not sent before closing.
    Unsent {
        messages: u64,
    },
    /// TCP server: the listening socket closed; `clients` stay connected.
    StoppedListening {
        clients: u64,
    },
    /// UDP: the network answered a datagram with an ICMP error (Linux: the socket's error
    /// queue, `IP_RECVERR` / `IPV6_RECVERR`; elsewhere ECONNREFUSED on a later call). The
    /// event's peer is the datagram's destination.
    Icmp(IcmpReport),
    /// A command that does not apply to this session's role was ignored.
    NotApplicable,
    /// UDP: SO_BROADCAST is on.
    BroadcastOn,
    /// UDP sender: the destination changed to what the user typed.
    Destination {
        to: String,
    },
    /// UDP receiver: joined a multicast group (IPv4: on `interface`; IPv6: on `index`).
    MulticastJoined {
        group: IpAddr,
        interface: Option<IpAddr>,
        index: u32,
    },
    /// UDP sender: multicast options set.
    MulticastOptions {
        group: IpAddr,
        interface: Option<IpAddr>,
        index: u32,
        ttl: u32,
        loopback: bool,
    },
    /// A file started: `bytes` long, in `chunk`-byte pieces, `delay_ms` apart.
    FileStarted {
        name: String,
        bytes: u64,
        chunk: u64,
        delay_ms: u64,
    },
    /// The whole file went out.
    FileSent {
        bytes: u64,
        chunks: u64,
        micros: u64,
    },
    /// The user cancelled the file after `sent` of `total` bytes.
    FileCancelled {
        sent: u64,
        total: u64,
    },
    /// Cancel, with no file being sent.
    NoFileBeingSent,
    /// TLS: the handshake finished with this version, suite, ALPN and peer certificate.
    TlsReady(Box<super::tls::TlsInfo>),
    /// TLS server: listening with this certificate (its fingerprint, for students to compare).
    TlsServerCert {
        cert: Box<super::tls::CertInfo>,
        source: super::tls::CertSource,
    },
    /// TLS client: the certificate the server presented, which was refused (told just
    /// before the [`EventKind::TlsFailed`] that says why): to compare, and to pin.
    TlsRefusedCert(Box<super::tls::CertInfo>),
    /// TLS failed: a file, the handshake, or the peer's certificate. A server's client is
    /// then closed; a client's session ends.
    TlsFailed(super::tls::TlsProblem),
    /// A plaintext connection received what looks like a TLS handshake: the peer speaks TLS.
    TlsOnPlainPort,
    /// The socket options the user set, as the kernel holds them (read back).
    SocketOptions(Box<super::sockopts::SockReport>),
    /// Words with no typed form: an `info` record read back from a file. Never from a worker.
    Info(String),
    /// A note the user attached to this moment ("device rebooted"). Never from a worker.
    Note(String),
    /// A file the session writes stopped growing (a full disk, a size limit): which file,
    /// why, and what is missing from it. Never from a worker: the runtime adds it.
    WriteStopped(Box<FileStopped>),
    /// A unix stream peer's credentials, as the kernel tells (SO_PEERCRED on Linux,
    /// getpeereid elsewhere): told after Connected / Accepted.
    PeerCredentials(Box<PeerCred>),
    /// A unix socket server removed a socket file nobody listened on (left by an earlier
    /// run) before listening at `path`.
    StaleSocketRemoved {
        path: String,
    },
    /// WebSocket: the opening handshake, a refusal, ping/pong, close frames, errors.
    Ws(super::ws::WsEvent),
    /// Relay: what the relay told beyond data, accepts and errors (a pair's upstream, a
    /// FIN or RST carried, a fault's effect, a pair closed…); the event's `client` is the
    /// pair. Records call it `relay`, with the typed fields in `relay`.
    Relay(Box<super::relay::RelayKind>),
}

/// Who is at the other end of a unix stream socket.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerCred {
    pub pid: Option<u32>,
    pub uid: Option<u32>,
    /// The program's name (`/proc/PID/comm`) where it can be read.
    pub program: Option<String>,
}

/// What the network answered a datagram with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IcmpKind {
    /// Nothing listens on the destination port (ICMP type 3 code 3; ICMPv6 1/4).
    PortUnreachable,
    /// The destination host cannot be reached (ICMP 3/1; ICMPv6 1/3).
    HostUnreachable,
    /// No route to the destination's network (ICMP 3/0; ICMPv6 1/0).
    NetUnreachable,
    /// The datagram is larger than the path allows: `mtu` is the path MTU told (ICMP 3/4,
    /// ICMPv6 2, or the local interface's MTU).
    TooBig { mtu: u32 },
    /// Any other ICMP error, by its numbers.
    Other { icmp_type: u8, code: u8 },
}

/// An ICMP error on a UDP socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IcmpReport {
    pub kind: IcmpKind,
    /// Where the datagram that drew it went (None when the system did not say).
    pub to: Option<SocketAddr>,
    /// The host that sent the ICMP message, where the system tells (Linux).
    pub from: Option<IpAddr>,
    /// Read from the ICMP message itself (Linux's error queue); false: only the error
    /// number on a later call (ECONNREFUSED) said so.
    pub icmp: bool,
}

/// Which of a session's files stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StoppedFile {
    /// The `--record` file.
    Record,
    /// The session's spool (the window's copy of the whole log on disk).
    Spool,
}

/// A file that stopped, and what it holds (see [`crate::files::WriteStop`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStopped {
    pub file: StoppedFile,
    pub path: String,
    pub stop: crate::files::WriteStop,
}

impl EventKind {
    /// The record's `event` field.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Bound => "bound",
            EventKind::Listening { .. } => "listening",
            EventKind::Connecting => "connecting",
            EventKind::Connected => "connected",
            EventKind::Accepted => "accepted",
            EventKind::Rx(_) => "rx",
            EventKind::Tx(_) => "tx",
            EventKind::Closed { .. } => "closed",
            EventKind::Reset { .. } => "reset",
            EventKind::Error { .. } | EventKind::TlsFailed(_) => "error",
            EventKind::Ws(w) if w.is_error() => "error",
            EventKind::Note(_) => "note",
            EventKind::Relay(_) => "relay",
            _ => "info",
        }
    }

    pub fn data(&self) -> Option<&[u8]> {
        match self {
            EventKind::Rx(d) | EventKind::Tx(d) => Some(d),
            _ => None,
        }
    }

    /// True for the kinds a record calls `info` (facts and notices from a worker).
    pub fn is_info(&self) -> bool {
        self.name() == "info"
    }
}

/// One thing that happened in a session, stamped with wall-clock time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Microseconds since the Unix epoch.
    pub ts_us: i64,
    pub role: Role,
    pub local: Option<SocketAddr>,
    pub peer: Option<SocketAddr>,
    /// TCP server: which client this is about.
    pub client: Option<u64>,
    pub kind: EventKind,
    /// WebSocket rx/tx: the message's opcode (text or binary). None on raw TCP and UDP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opcode: Option<super::ws::Opcode>,
}
