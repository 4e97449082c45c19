//! The TCP client: connect (non-blocking, with a timeout, trying each resolved address),
//! then exchange bytes until the peer closes, resets, or we close.

use super::addr;
use super::conn::{Conn, ReadEnd, close_deadline};
use super::error::{ErrorKind, Op, resolve_failure_kind};
use super::file_send::{self, FileSend, Step};
use super::worker::{Ctx, TICK, WAKER};
use super::{Command, EventKind, SessionConfig};
use mio::{Events, Interest, Poll, Token};
use std::io;
use std::net::SocketAddr;
use std::time::Instant;

const SOCK: Token = Token(1);

enum Connect {
    Done(mio::net::TcpStream),
    Failed(io::Error),
    Stopped,
}

pub(crate) fn run(cfg: &SessionConfig, mut poll: Poll, ctx: &mut Ctx) {
    let targets = match addr::resolve(&cfg.address) {
        Ok(v) => v,
        Err(e) => {
            ctx.error(
                None,
                None,
                resolve_failure_kind(&cfg.address),
                format!("cannot connect to {}: {e}", cfg.address),
            );
            return;
        }
    };
    // TLS: files and names are checked before connecting, so a bad one says so at once.
    let tls = match &cfg.tls {
        Some(opts) => {
            let host = addr::split_host_port(&cfg.address)
                .map(|(h, _)| h.to_string())
                .unwrap_or_default();
            match super::tls::build(opts, false, &host) {
                Ok(b) => Some(b),
                Err(p) => {
                    ctx.emit(None, None, EventKind::TlsFailed(p));
                    return;
                }
            }
        }
        None => None,
    };
    let mut events = Events::with_capacity(64);
    let mut stream = None;
    let mut last_err: Option<(SocketAddr, io::Error)> = None;
    for target in targets {
        ctx.emit(Some(target), None, EventKind::Connecting);
        ctx.flush_notify();
        match connect(target, cfg, &mut poll, &mut events, ctx) {
            Connect::Done(s) => {
                stream = Some((s, target));
                break;
            }
            Connect::Failed(e) => last_err = Some((target, e)),
            Connect::Stopped => {
                ctx.emit(
                    Some(target),
                    None,
                    EventKind::Closed {
                        by: super::ClosedBy::Local,
                        reason: super::CloseReason::ConnectCancelled,
                    },
                );
                return;
            }
        }
    }
    let Some((stream, peer)) = stream else {
        if let Some((t, e)) = last_err {
            let timeout = e.kind() == io::ErrorKind::TimedOut;
            let (kind, mut msg) = super::error::describe(&e, Op::Connect, &t.to_string());
            if timeout {
                msg = format!(
                    "cannot connect to {t}: timed out after {:.1} s with no answer to the SYN (is the host up? a firewall may drop it)",
                    cfg.connect_timeout.as_secs_f64()
                );
            }
            ctx.error(Some(t), None, kind, msg);
        }
        return;
    };
    ctx.local = stream.local_addr().ok();
    ctx.emit(Some(peer), None, EventKind::Connected);
    if !cfg.sockopts.is_empty() {
        let r = socket2::SockRef::from(&stream);
        let report = super::sockopts::report(&r, &cfg.sockopts, true, peer.is_ipv6());
        ctx.emit(Some(peer), None, EventKind::SocketOptions(Box::new(report)));
    }
    let mut conn = Conn::new(stream, peer, None, cfg.shaping);
    if let Some(built) = &tls {
        match super::tls::TlsStream::new(built, cfg.connect_timeout) {
            Ok(t) => conn = conn.with_tls(t),
            Err(p) => {
                ctx.emit(Some(peer), None, EventKind::TlsFailed(p));
                return;
            }
        }
    }
    let mut buf = vec![0u8; 64 * 1024];
    // Data may already be waiting (edge-triggered readiness was consumed by connect).
    if let ReadEnd::Over = conn.read_ready(ctx, &mut buf, cfg.keep_open_after_peer_fin) {
        ctx.flush_notify();
        return;
    }
    let mut file: Option<FileSend> = None;
    let mut sampled: Option<Instant> = None;
    loop {
        if sampled.is_none_or(|t| t.elapsed() >= super::tcp_info::SAMPLE_EVERY) {
            sampled = Some(Instant::now());
            let now: std::collections::BTreeMap<u64, _> = super::tcp_info::sample(&conn.stream)
                .map(|s| (0, s))
                .into_iter()
                .collect();
            super::tcp_info::publish(&ctx.stats, now);
        }
        while let Some(cmd) = ctx.next_command() {
            match cmd {
                Command::Stop => {
                    conn.close_local(ctx, super::CloseReason::LocalClose, close_deadline());
                    return;
                }
                Command::SetEncoding(e) => ctx.encoding = e,
                Command::Send { payload, .. } => {
                    if conn.write_shut {
                        ctx.error(
                            Some(peer),
                            None,
                            ErrorKind::NotConnected,
                            "not sent: this side already sent FIN (shutdown write)".into(),
                        );
                        continue;
                    }
                    if let Some(b) = ctx.payload_bytes(payload) {
                        conn.queue(b);
                    }
                }
                Command::ShutdownWrite => conn.shutdown_after_flush = true,
                Command::Disconnect(_) => {
                    conn.close_local(ctx, super::CloseReason::LocalClose, close_deadline());
                    return;
                }
                Command::Reset(_) => {
                    conn.abort(ctx);
                    return;
                }
                Command::SetShaping(s) => conn.set_shaping(s),
                Command::SendFile(spec) => file_send::start(ctx, &mut file, *spec),
                Command::CancelFile => file_send::cancel(ctx, &mut file),
                Command::SetDestination(_) | Command::StopListening => {
                    ctx.info(EventKind::NotApplicable);
                }
            }
            if ctx.gone {
                return;
            }
        }
        // A file: the next chunk only once the previous ones have left.
        if let Some(f) = file.as_mut() {
            match f.step(ctx, Instant::now(), !conn.has_pending()) {
                Step::Chunk(b) => conn.queue_chunk(b),
                Step::Wait => {}
                Step::Over => file = None,
            }
        }
        if let ReadEnd::Over = conn.flush(ctx) {
            ctx.flush_notify();
            return;
        }
        if let ReadEnd::Over = conn.check_handshake(ctx, Instant::now()) {
            ctx.flush_notify();
            return;
        }
        ctx.flush_notify();
        if ctx.gone {
            return;
        }
        if ctx.stop_seen {
            continue;
        }
        let now = Instant::now();
        let timeout = file
            .as_ref()
            .map_or(TICK, |f| f.wait(now, !conn.has_pending(), TICK))
            .min(conn.next_write_in(now).unwrap_or(TICK));
        if let Err(e) = poll.poll(&mut events, Some(timeout)) {
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            ctx.error(
                Some(peer),
                None,
                ErrorKind::Internal,
                format!("poll failed: {e}"),
            );
            return;
        }
        let mut readable = false;
        for ev in events.iter() {
            if ev.token() == WAKER {
                continue;
            }
            if ev.is_readable() || ev.is_read_closed() || ev.is_error() {
                readable = true;
            }
        }
        if readable
            && let ReadEnd::Over = conn.read_ready(ctx, &mut buf, cfg.keep_open_after_peer_fin)
        {
            ctx.flush_notify();
            return;
        }
    }
}

fn connect(
    target: SocketAddr,
    cfg: &SessionConfig,
    poll: &mut Poll,
    events: &mut Events,
    ctx: &mut Ctx,
) -> Connect {
    let mut s = match open(target, &cfg.sockopts) {
        Ok(s) => s,
        Err(e) => return Connect::Failed(e),
    };
    if let Err(e) = poll
        .registry()
        .register(&mut s, SOCK, Interest::READABLE | Interest::WRITABLE)
    {
        return Connect::Failed(e);
    }
    let deadline = Instant::now() + cfg.connect_timeout;
    loop {
        // Sends wait in the queue until the handshake is done; only Stop cancels the connect.
        if ctx.pull_commands(|c| matches!(c, Command::Stop | Command::Disconnect(_))) {
            let _ = poll.registry().deregister(&mut s);
            return Connect::Stopped;
        }
        let now = Instant::now();
        if now >= deadline {
            let _ = poll.registry().deregister(&mut s);
            return Connect::Failed(io::Error::from(io::ErrorKind::TimedOut));
        }
        let wait = (deadline - now).min(TICK);
        if let Err(e) = poll.poll(events, Some(wait)) {
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Connect::Failed(e);
        }
        let mut ready = false;
        for ev in events.iter() {
            if ev.token() == SOCK {
                ready = true;
            }
        }
        if !ready {
            continue;
        }
        match s.take_error() {
            Ok(Some(e)) | Err(e) => {
                let _ = poll.registry().deregister(&mut s);
                return Connect::Failed(e);
            }
            Ok(None) => {}
        }
        match s.peer_addr() {
            Ok(_) => return Connect::Done(s),
            Err(e) if e.kind() == io::ErrorKind::NotConnected => continue,
            Err(e) => {
                let _ = poll.registry().deregister(&mut s);
                return Connect::Failed(e);
            }
        }
    }
}

/// A non-blocking socket with the user's options set (before the SYN, so the receive
/// buffer decides the window scale), its connect() to `target` under way.
fn open(target: SocketAddr, opts: &super::sockopts::SockOpts) -> io::Result<mio::net::TcpStream> {
    use socket2::{Domain, Protocol, Socket, Type};
    let s = Socket::new(
        Domain::for_address(target),
        Type::STREAM,
        Some(Protocol::TCP),
    )?;
    s.set_nonblocking(true)?;
    super::sockopts::apply(&socket2::SockRef::from(&s), opts, true, target.is_ipv6());
    match s.connect(&target.into()) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(EINPROGRESS) => {}
        Err(e) => return Err(e),
    }
    Ok(mio::net::TcpStream::from_std(s.into()))
}

/// connect() on a non-blocking socket: the handshake goes on (Linux, the BSDs and macOS).
#[cfg(any(target_os = "linux", target_os = "android"))]
const EINPROGRESS: i32 = 115;
#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
const EINPROGRESS: i32 = 36;
