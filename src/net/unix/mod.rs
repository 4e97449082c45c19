//! Unix domain sockets (`AF_UNIX`) on every tab: the TCP tabs use `SOCK_STREAM` (served
//! by the TCP workers' own loops through [`StreamSock`] and [`ListenSock`]), the UDP tabs
//! `SOCK_DGRAM` ([`dgram`]). Addresses are `unix:/path` or, on Linux, `unix:@name`; events
//! carry them as stand-ins (see [`crate::net::unix_name`]).

pub(crate) mod cred;
mod dgram;
mod stale;

use super::addr::UnixName;
use super::error::{ErrorKind, Op};
use super::stream_sock::{ListenSock, StreamSock};
use super::unix_name::stand_in;
use super::worker::Ctx;
use super::{EventKind, Role, SessionConfig};
use socket2::{Domain, SockAddr, Socket, Type};
use std::io;
use std::net::SocketAddr;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

/// Runs a session on unix sockets.
pub(crate) fn run(
    cfg: &SessionConfig,
    names: super::unix_name::Names,
    poll: mio::Poll,
    ctx: &mut Ctx,
) {
    match (cfg.role, names) {
        (Role::TcpClient, (Some(to), _)) => client(cfg, &to, poll, ctx),
        (Role::TcpServer, (Some(at), _)) => server(cfg, &at, poll, ctx),
        (Role::UdpReceiver, (Some(at), _)) => dgram::run(cfg, None, Some(at), poll, ctx),
        (Role::UdpSender, (to, bind)) => dgram::run(cfg, to, bind, poll, ctx),
        _ => ctx.error(
            None,
            None,
            ErrorKind::BadAddress,
            "a unix socket address is needed (unix:/path)".into(),
        ),
    }
}

/// The kernel's address for a name (abstract names: a leading NUL, as Linux wants).
pub(crate) fn sock_addr(name: &UnixName) -> io::Result<SockAddr> {
    use std::os::unix::ffi::OsStrExt;
    match name {
        UnixName::Path(p) => SockAddr::unix(p),
        UnixName::Abstract(n) => {
            let mut b = vec![0u8];
            b.extend_from_slice(n);
            SockAddr::unix(std::ffi::OsStr::from_bytes(&b))
        }
        UnixName::Unnamed(_) => Err(io::Error::from(io::ErrorKind::AddrNotAvailable)),
    }
}

/// An I/O error on a unix socket: its kind and English naming the address.
pub(crate) fn describe(e: &io::Error, op: Op, shown: &str) -> (ErrorKind, String) {
    use io::ErrorKind as K;
    let (kind, why) = match e.kind() {
        // bind()/listen() on a path: what is missing is the folder it would go in.
        K::NotFound if matches!(op, Op::Bind | Op::Listen) => (
            ErrorKind::UnixNoFolder,
            format!(
                "the folder {} does not exist (create it first, or choose another path)",
                folder_of(shown)
            ),
        ),
        K::NotFound => (
            ErrorKind::UnixNoSocket,
            "no socket at that path (is the server running, and is the path right?)".to_string(),
        ),
        K::ConnectionRefused => (
            ErrorKind::Refused,
            "connection refused: a socket file is there but nothing listens on it (left by a program that ended?)".to_string(),
        ),
        K::PermissionDenied => (
            ErrorKind::PermissionDenied,
            "permission denied: the socket's folder or file does not let this user in".to_string(),
        ),
        K::AddrInUse => (
            ErrorKind::AddrInUse,
            "the address is already in use by another socket".to_string(),
        ),
        K::WouldBlock => (
            ErrorKind::Io,
            "the other side's queue is full (it is not reading); nothing was sent".to_string(),
        ),
        _ => return super::error::describe(e, op, shown),
    };
    (kind, format!("cannot {} {shown}: {why}", op.verb()))
}

/// The folder part of a shown `unix:/a/b/c.sock` (`/a/b`).
fn folder_of(shown: &str) -> String {
    let path = std::path::Path::new(shown.strip_prefix("unix:").unwrap_or(shown));
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.display().to_string(),
        _ => ".".into(),
    }
}

/// The stream client: connect (bounded by the connect timeout), say who the peer is, then
/// the TCP client's loop.
fn client(cfg: &SessionConfig, to: &UnixName, poll: mio::Poll, ctx: &mut Ctx) {
    let peer = stand_in(to);
    let shown = to.to_string();
    ctx.emit(Some(peer), None, EventKind::Connecting);
    ctx.flush_notify();
    let stream = match connect(to, cfg.connect_timeout) {
        Ok(s) => s,
        Err(e) => {
            let (kind, msg) = describe(&e, Op::Connect, &shown);
            ctx.error(Some(peer), None, kind, msg);
            return;
        }
    };
    ctx.local = Some(stand_in(&UnixName::unnamed()));
    ctx.emit(Some(peer), None, EventKind::Connected);
    if let Some(c) = cred::of(&stream) {
        ctx.emit(Some(peer), None, EventKind::PeerCredentials(Box::new(c)));
    }
    let stream = mio::net::UnixStream::from_std(stream);
    super::tcp_client::serve_connected(cfg, poll, StreamSock::Unix(stream), peer, "localhost", ctx);
}

fn connect(
    to: &UnixName,
    timeout: std::time::Duration,
) -> io::Result<std::os::unix::net::UnixStream> {
    let s = Socket::new(Domain::UNIX, Type::STREAM, None)?;
    // A full backlog makes connect() wait: no longer than the connect timeout.
    s.set_write_timeout(Some(timeout.max(std::time::Duration::from_millis(1))))?;
    s.connect(&sock_addr(to)?)?;
    s.set_write_timeout(None)?;
    s.set_nonblocking(true)?;
    Ok(s.into())
}

/// The stream server: clear a stale socket file (never anything else), bind, listen,
/// then the TCP server's loop.
fn server(cfg: &SessionConfig, at: &UnixName, poll: mio::Poll, ctx: &mut Ctx) {
    let shown = at.to_string();
    if let UnixName::Path(p) = at {
        match stale::prepare(p, stale::Kind::Stream) {
            Ok(stale::Prepared::Free) => {}
            Ok(stale::Prepared::RemovedStale) => {
                let path = p.display().to_string();
                ctx.info(EventKind::StaleSocketRemoved { path });
            }
            Err((kind, msg)) => {
                ctx.error(None, None, kind, msg);
                return;
            }
        }
    }
    let listener = match listen(at, cfg.backlog) {
        Ok(l) => l,
        Err(e) => {
            let (kind, msg) = describe(&e, Op::Listen, &shown);
            ctx.error(None, None, kind, msg);
            return;
        }
    };
    let local = Some(stand_in(at));
    super::tcp_server::serve_listener(cfg, poll, ListenSock::Unix(listener), local, ctx);
}

fn listen(at: &UnixName, backlog: i32) -> io::Result<UnixListen> {
    let s = Socket::new(Domain::UNIX, Type::STREAM, None)?;
    s.bind(&sock_addr(at)?)?;
    let owned = OwnedPath::after_bind(at);
    s.listen(backlog)?;
    s.set_nonblocking(true)?;
    let std_listener: std::os::unix::net::UnixListener = s.into();
    Ok(UnixListen {
        listener: mio::net::UnixListener::from_std(std_listener),
        _owned: owned,
    })
}

/// A listening unix stream socket; its file goes when it does (if still the same file).
pub(crate) struct UnixListen {
    pub listener: mio::net::UnixListener,
    _owned: OwnedPath,
}

/// The socket file a bind made: removed when this is dropped (the session ends), if the
/// path still holds that same file (not one another program put there since).
pub(crate) struct OwnedPath(Option<(PathBuf, (u64, u64))>);

impl OwnedPath {
    /// Just after bind(): the file at a path name (nothing for an abstract name).
    pub fn after_bind(name: &UnixName) -> OwnedPath {
        let UnixName::Path(p) = name else {
            return OwnedPath(None);
        };
        let id = std::fs::symlink_metadata(p)
            .ok()
            .map(|m| (m.dev(), m.ino()));
        OwnedPath(id.map(|id| (p.clone(), id)))
    }
}

impl Drop for OwnedPath {
    fn drop(&mut self) {
        if let Some((path, id)) = &self.0
            && let Ok(m) = std::fs::symlink_metadata(path)
            && (m.dev(), m.ino()) == *id
        {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl UnixListen {
    /// The next client: its stream and its stand-in (clients rarely bind a name).
    pub fn accept(&self) -> io::Result<(StreamSock, SocketAddr)> {
        let (s, a) = self.listener.accept()?;
        Ok((StreamSock::Unix(s), stand_in(&UnixName::of_std(&a))))
    }
}
