//! Socket errors in words a person understands: what went wrong, and usually why.

use serde::{Deserialize, Serialize};
use std::io;

/// The kind of failure, for translation and for tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    AddrInUse,
    AddrNotAvailable,
    PermissionDenied,
    Refused,
    TimedOut,
    HostNotFound,
    Unreachable,
    Reset,
    BadAddress,
    BadPayload,
    NotConnected,
    MessageTooLong,
    /// A unix socket server: something that is not a socket is at its path (left alone).
    UnixPathTaken,
    /// A unix socket server: a live socket is at its path, another program listens there.
    UnixSocketLive,
    /// A unix socket client or sender: nothing is at that path.
    UnixNoSocket,
    /// A unix socket's bind or listen: the folder of its path does not exist.
    UnixNoFolder,
    /// EMFILE / ENFILE: the process (or the system) holds as many open files as it may.
    TooManyOpenFiles,
    Internal,
    Io,
}

/// What the worker was doing when the error happened.
#[derive(Clone, Copy, Debug)]
pub enum Op {
    Bind,
    Listen,
    Connect,
    Send,
    Recv,
    Accept,
}

impl Op {
    pub(crate) fn verb(self) -> &'static str {
        match self {
            Op::Bind => "bind",
            Op::Listen => "listen on",
            Op::Connect => "connect to",
            Op::Send => "send to",
            Op::Recv => "receive on",
            Op::Accept => "accept on",
        }
    }
}

/// The kind of a failed [`super::addr::resolve`]: an address that is not even well formed
/// (no port, a missing `]`) is [`ErrorKind::BadAddress`]; a well-formed name that cannot
/// be looked up is [`ErrorKind::HostNotFound`]. (`resolve` reports both as one error type.)
pub fn resolve_failure_kind(text: &str) -> ErrorKind {
    if super::addr::split_host_port(text).is_ok() {
        ErrorKind::HostNotFound
    } else {
        ErrorKind::BadAddress
    }
}

/// EMSGSIZE: a datagram larger than the socket can send. std has no `io::ErrorKind` for
/// it, so the number is compared: Linux only (elsewhere the error keeps the system's own
/// wording, as [`ErrorKind::Io`]).
fn is_message_too_long(err: &io::Error) -> bool {
    #[cfg(target_os = "linux")]
    {
        err.raw_os_error() == Some(libc::EMSGSIZE)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = err;
        false
    }
}

/// Turns an I/O error into a kind and a message naming the address.
pub fn describe(err: &io::Error, op: Op, addr: &str) -> (ErrorKind, String) {
    use io::ErrorKind as K;
    let port = addr.rsplit(':').next().and_then(|p| p.parse::<u16>().ok());
    let port_below_1024 = port.is_some_and(|p| p != 0 && p < 1024);
    let (kind, why) = match err.kind() {
        K::AddrInUse => (
            ErrorKind::AddrInUse,
            "the address is already in use: another program (or another session) has this port open. Pick another port or stop the other program".to_string(),
        ),
        K::AddrNotAvailable => (
            ErrorKind::AddrNotAvailable,
            "this address does not belong to this machine; use 0.0.0.0 (all interfaces), 127.0.0.1, or one of this machine's addresses".to_string(),
        ),
        K::PermissionDenied if matches!(op, Op::Send) => (
            ErrorKind::PermissionDenied,
            "permission denied: sending to a broadcast address needs SO_BROADCAST — turn on Broadcast (or a firewall rule refused it)".to_string(),
        ),
        K::PermissionDenied if port_below_1024 => (
            ErrorKind::PermissionDenied,
            "permission denied: ports 0–1023 are well-known ports and need administrator (root) rights; use a port from 1024 to 65535".to_string(),
        ),
        K::PermissionDenied => (
            ErrorKind::PermissionDenied,
            "permission denied (for a broadcast address, turn on Broadcast)".to_string(),
        ),
        K::ConnectionRefused => (
            ErrorKind::Refused,
            "connection refused: nothing is listening on that port (the other side answered with RST)".to_string(),
        ),
        K::TimedOut | K::WouldBlock => (
            ErrorKind::TimedOut,
            "timed out: no answer came back (the host may be down, or a firewall drops the packets)".to_string(),
        ),
        K::ConnectionReset => (
            ErrorKind::Reset,
            "connection reset by peer (RST)".to_string(),
        ),
        K::ConnectionAborted => (
            ErrorKind::Reset,
            "connection aborted".to_string(),
        ),
        K::HostUnreachable | K::NetworkUnreachable => (
            ErrorKind::Unreachable,
            "network unreachable: this machine has no route to that address".to_string(),
        ),
        K::NotConnected => (ErrorKind::NotConnected, "not connected".to_string()),
        _ if is_message_too_long(err) => (
            ErrorKind::MessageTooLong,
            "message too long for one datagram (UDP carries at most 65,507 bytes over IPv4)".to_string(),
        ),
        _ => (ErrorKind::Io, err.to_string()),
    };
    let mut why = why;
    if kind == ErrorKind::AddrInUse
        && let Some(port) = port
        && let Some(o) = super::port_owner::find(port, matches!(op, Op::Listen | Op::Accept))
    {
        why.push_str(&format!(
            " (port {port} is held by \"{}\", process {})",
            o.name, o.pid
        ));
    }
    (kind, format!("cannot {} {}: {}", op.verb(), addr, why))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_address_and_reason() {
        let e = io::Error::from(io::ErrorKind::AddrInUse);
        let (k, m) = describe(&e, Op::Bind, "127.0.0.1:8080");
        assert_eq!(k, ErrorKind::AddrInUse);
        assert!(
            m.contains("127.0.0.1:8080") && m.contains("already in use"),
            "{m}"
        );
        let e = io::Error::from(io::ErrorKind::PermissionDenied);
        let (k, m) = describe(&e, Op::Bind, "0.0.0.0:80");
        assert_eq!(k, ErrorKind::PermissionDenied);
        assert!(m.contains("well-known"), "{m}");
    }
}
