//! The UDP tabs on unix datagram sockets (`SOCK_DGRAM`): the receiver binds its path and
//! answers the last sender; the sender sends to its destination and binds its own path
//! (`--bind unix:/tmp/me`) so replies can come back, or on Linux, with no bind, an
//! abstract name the kernel picks (autobind).

use super::{describe, sock_addr};
use crate::net::addr::{self, UnixName};
use crate::net::error::Op;
use crate::net::unix_name::{name_of, stand_in};
use crate::net::worker::{Ctx, TICK, WAKER};
use crate::net::{CloseReason, ClosedBy, Command, EventKind, Payload, SessionConfig, Target};
use socket2::{Domain, Socket, Type};
use std::io;
use std::net::SocketAddr;
use std::os::unix::net::UnixDatagram;

const SOCK: mio::Token = mio::Token(1);
/// The largest datagram read (Linux's default limit for one is about 208 KiB).
const MAX_DATAGRAM: usize = 256 * 1024;

struct Dgram {
    sock: UnixDatagram,
    /// The file our bind made, removed when the session ends.
    _owned: Option<super::OwnedPath>,
    /// The sender's destination.
    dest: Option<UnixName>,
    /// The receiver's last sender (named: an unnamed one cannot be answered).
    last: Option<UnixName>,
    buf: Vec<u8>,
}

pub(super) fn run(
    cfg: &SessionConfig,
    dest: Option<UnixName>,
    bind: Option<UnixName>,
    poll: mio::Poll,
    ctx: &mut Ctx,
) {
    let (sock, stale) = match open(bind.as_ref()) {
        Ok(s) => s,
        Err((kind, msg)) => {
            ctx.error(None, None, kind, msg);
            return;
        }
    };
    if let (true, Some(UnixName::Path(p))) = (stale, &bind) {
        let path = p.display().to_string();
        ctx.info(EventKind::StaleSocketRemoved { path });
    }
    let sock: UnixDatagram = sock.into();
    let local = sock
        .local_addr()
        .ok()
        .filter(|a| !a.is_unnamed())
        .map(|a| UnixName::of_std(&a))
        .or(bind);
    ctx.local = local.as_ref().map(stand_in);
    let owned = local.as_ref().map(super::OwnedPath::after_bind);
    let fd = std::os::fd::AsRawFd::as_raw_fd(&sock);
    let mut source = mio::unix::SourceFd(&fd);
    if let Err(e) = poll
        .registry()
        .register(&mut source, SOCK, mio::Interest::READABLE)
    {
        let msg = format!("cannot watch the socket: {e}");
        ctx.error(None, None, crate::net::ErrorKind::Internal, msg);
        return;
    }
    ctx.emit(None, None, EventKind::Bound);
    ctx.encoding = cfg.encoding;
    let mut d = Dgram {
        sock,
        _owned: owned,
        dest,
        last: None,
        buf: vec![0u8; MAX_DATAGRAM],
    };
    d.serve(poll, ctx);
}

/// A datagram socket, bound to `bind`; with none, on Linux, autobound to an abstract name
/// (so replies can come back). True with it: a stale socket file at the path was removed
/// first (as a stream server does); anything else at the path is left alone and named.
fn open(bind: Option<&UnixName>) -> Result<(Socket, bool), (crate::net::ErrorKind, String)> {
    let shown = bind
        .map(|b| b.to_string())
        .unwrap_or_else(|| "unix:".into());
    let io_err = |e: io::Error| describe(&e, Op::Bind, &shown);
    let s = Socket::new(Domain::UNIX, Type::DGRAM, None).map_err(io_err)?;
    s.set_nonblocking(true).map_err(io_err)?;
    let mut stale = false;
    match bind {
        Some(name) => {
            if let UnixName::Path(p) = name {
                stale = super::stale::prepare(p, super::stale::Kind::Dgram)?
                    == super::stale::Prepared::RemovedStale;
            }
            let a = sock_addr(name).map_err(io_err)?;
            s.bind(&a).map_err(io_err)?;
        }
        None => autobind(&s),
    }
    Ok((s, stale))
}

/// Linux: bind with an empty address, and the kernel gives the socket a unique abstract
/// name. Elsewhere the socket stays unnamed (it can send, but nobody can answer).
#[cfg(target_os = "linux")]
fn autobind(s: &Socket) {
    let addr = libc::sockaddr_un {
        sun_family: libc::AF_UNIX as libc::sa_family_t,
        sun_path: [0; 108],
    };
    // SAFETY: `addr` is a valid sockaddr_un; the length covers only its family, which is
    // what asks Linux for an autobind. The fd is open for the call.
    let _ = unsafe {
        libc::bind(
            std::os::fd::AsRawFd::as_raw_fd(s),
            (&addr as *const libc::sockaddr_un).cast(),
            std::mem::size_of::<libc::sa_family_t>() as libc::socklen_t,
        )
    };
}

#[cfg(not(target_os = "linux"))]
fn autobind(_s: &Socket) {}

impl Dgram {
    fn serve(&mut self, mut poll: mio::Poll, ctx: &mut Ctx) {
        let mut events = mio::Events::with_capacity(16);
        loop {
            while let Some(cmd) = ctx.next_command() {
                if let Command::Stop = cmd {
                    return self.close(ctx);
                }
                self.on_command(ctx, cmd);
                if ctx.gone {
                    return;
                }
            }
            ctx.flush_notify();
            if ctx.gone {
                return;
            }
            if ctx.stop_seen {
                continue;
            }
            if let Err(e) = poll.poll(&mut events, Some(TICK)) {
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                let msg = format!("poll failed: {e}");
                ctx.error(None, None, crate::net::ErrorKind::Internal, msg);
                return;
            }
            if events.iter().any(|e| e.token() != WAKER) {
                self.drain(ctx);
            }
        }
    }

    fn close(&mut self, ctx: &mut Ctx) {
        ctx.emit(
            None,
            None,
            EventKind::Closed {
                by: ClosedBy::Local,
                reason: CloseReason::SocketClosed,
            },
        );
        ctx.flush_notify();
    }

    /// Reads every waiting datagram, one event each.
    fn drain(&mut self, ctx: &mut Ctx) {
        loop {
            match self.sock.recv_from(&mut self.buf) {
                Ok((n, from)) => {
                    // Unnamed senders (they cannot be answered) share one stand-in.
                    let name = if from.is_unnamed() {
                        UnixName::Unnamed(0)
                    } else {
                        UnixName::of_std(&from)
                    };
                    let peer = stand_in(&name);
                    if !matches!(name, UnixName::Unnamed(_)) {
                        self.last = Some(name);
                    }
                    let data = self.buf[..n.min(MAX_DATAGRAM)].to_vec();
                    if !ctx.emit(Some(peer), None, EventKind::Rx(data)) {
                        return;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let shown = ctx.local.map(|a| addr::show(&a)).unwrap_or_default();
                    let (kind, msg) = describe(&e, Op::Recv, &shown);
                    ctx.error(None, None, kind, msg);
                    return;
                }
            }
        }
    }

    fn on_command(&mut self, ctx: &mut Ctx, cmd: Command) {
        match cmd {
            Command::Send { payload, to } => self.send(ctx, payload, to),
            Command::SetEncoding(e) => ctx.encoding = e,
            Command::SetDestination(text) => match addr::unix(&text) {
                Some(Ok(n)) => {
                    self.dest = Some(n);
                    ctx.info(EventKind::Destination { to: text });
                }
                Some(Err(e)) => ctx.error(
                    None,
                    None,
                    crate::net::ErrorKind::BadAddress,
                    format!("{text}: {e}"),
                ),
                None => ctx.error(
                    None,
                    None,
                    crate::net::ErrorKind::BadAddress,
                    format!("{text} is not a unix socket address (unix:/path)"),
                ),
            },
            _ => ctx.info(EventKind::NotApplicable),
        }
    }

    /// Where a send goes: the destination, the last sender, or the one named.
    fn target(&self, to: &Target) -> Result<UnixName, String> {
        let named =
            |a: &SocketAddr| name_of(a).ok_or_else(|| format!("{a} is not a unix socket address"));
        match to {
            Target::Peer(a) => named(a),
            Target::Host(h) => match addr::unix(h) {
                Some(r) => r.map_err(|e| format!("{h}: {e}")),
                None => Err(format!("{h} is not a unix socket address (unix:/path)")),
            },
            _ => self.dest.clone().or_else(|| self.last.clone()).ok_or_else(|| {
                "there is no one to send to: no destination, and no named sender has sent a datagram yet".to_string()
            }),
        }
    }

    fn send(&mut self, ctx: &mut Ctx, payload: Payload, to: Target) {
        let name = match self.target(&to) {
            Ok(UnixName::Unnamed(_)) => {
                let msg = "not sent: the sender has no name (it did not bind a path), so nothing can be sent back to it".to_string();
                ctx.error(None, None, crate::net::ErrorKind::NotConnected, msg);
                return;
            }
            Ok(n) => n,
            Err(msg) => {
                ctx.error(None, None, crate::net::ErrorKind::NotConnected, msg);
                return;
            }
        };
        let Some(bytes) = ctx.payload_bytes(payload) else {
            return;
        };
        let peer = stand_in(&name);
        let sent = name.to_std().and_then(|a| {
            loop {
                match self.sock.send_to_addr(&bytes, &a) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    r => break r,
                }
            }
        });
        match sent {
            Ok(_) => {
                ctx.emit(Some(peer), None, EventKind::Tx(bytes));
            }
            Err(e) => {
                let (kind, msg) = describe(&e, Op::Send, &name.to_string());
                ctx.error(Some(peer), None, kind, msg);
            }
        }
    }
}
