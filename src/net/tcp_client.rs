//! The TCP client: connect (non-blocking, with a timeout, trying each resolved address),
//! then exchange bytes until the peer closes, resets, or we close.

use super::addr;
use super::conn::{Conn, ReadEnd, close_deadline};
use super::error::{ErrorKind, Op, resolve_failure_kind};
use super::file_send::{self, FileSend, Step};
use super::stream_sock::StreamSock;
use super::worker::{Ctx, TICK, WAKER};
use super::{Command, EventKind, SessionConfig};
use mio::{Events, Interest, Poll, Token};
use std::io;
use std::net::SocketAddr;
use std::ops::ControlFlow::{self, Break, Continue};
use std::time::Instant;

const SOCK: Token = Token(1);

enum Connect {
    Done(mio::net::TcpStream),
    Failed(io::Error),
    Stopped,
}

pub(crate) fn run(cfg: &SessionConfig, poll: Poll, ctx: &mut Ctx) {
    if let Some(client) = Client::start(cfg, poll, ctx) {
        client.serve(ctx);
    }
}

/// Serves a connection made elsewhere (a unix stream socket, connected and told), with
/// TLS if asked (`host`: the name the server's certificate must carry).
#[cfg(unix)]
pub(crate) fn serve_connected(
    cfg: &SessionConfig,
    poll: Poll,
    mut stream: StreamSock,
    peer: SocketAddr,
    host: &str,
    ctx: &mut Ctx,
) {
    let tls = match &cfg.tls {
        Some(opts) => match super::tls::build(opts, false, host) {
            Ok(b) => Some(b),
            Err(p) => {
                ctx.emit(Some(peer), None, EventKind::TlsFailed(p));
                return;
            }
        },
        None => None,
    };
    let interest = Interest::READABLE | Interest::WRITABLE;
    if let Err(e) = poll.registry().register(&mut stream, SOCK, interest) {
        ctx.error(
            Some(peer),
            None,
            ErrorKind::Internal,
            format!("cannot watch the socket: {e}"),
        );
        return;
    }
    let events = Events::with_capacity(64);
    if let Some(client) = Client::connected(cfg, poll, events, stream, peer, tls, ctx) {
        client.serve(ctx);
    }
}

/// How the user ends the connection: closed (FIN after what is queued) or reset (RST).
enum End {
    Close,
    Reset,
}

/// The client's worker once connected: the connection and what the loop remembers.
struct Client<'a> {
    cfg: &'a SessionConfig,
    poll: Poll,
    events: Events,
    conn: Conn,
    peer: SocketAddr,
    /// The read buffer.
    buf: Vec<u8>,
    file: Option<FileSend>,
    /// When the connection was last sampled (TCP_INFO).
    sampled: Option<Instant>,
    /// Reading was just resumed: read what piled up before waiting again.
    read_now: bool,
    /// Started paused for a while: resume then.
    resume_at: Option<Instant>,
    /// After a peer's FIN, wait for the host's FinishHalfClose (it may still answer).
    hold_fin: bool,
}

impl<'a> Client<'a> {
    /// Resolves, builds TLS, connects (each address in turn) and says so; None when any
    /// of that failed or was cancelled (told).
    fn start(cfg: &'a SessionConfig, mut poll: Poll, ctx: &mut Ctx) -> Option<Client<'a>> {
        let targets = match addr::resolve(&cfg.address) {
            Ok(v) => v,
            Err(e) => {
                ctx.error(
                    None,
                    None,
                    resolve_failure_kind(&cfg.address),
                    format!("cannot connect to {}: {e}", cfg.address),
                );
                return None;
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
                        return None;
                    }
                }
            }
            None => None,
        };
        let mut events = Events::with_capacity(64);
        let (stream, peer) = connect_any(targets, cfg, &mut poll, &mut events, ctx)?;
        ctx.local = stream.local_addr().ok();
        ctx.emit(Some(peer), None, EventKind::Connected);
        if !cfg.sockopts.is_empty() {
            let r = socket2::SockRef::from(&stream);
            let report = super::sockopts::report(&r, &cfg.sockopts, true, peer.is_ipv6());
            ctx.emit(Some(peer), None, EventKind::SocketOptions(Box::new(report)));
        }
        Client::connected(cfg, poll, events, stream.into(), peer, tls, ctx)
    }

    /// The connection made (and told): TLS on it, paused if asked; None when TLS failed.
    fn connected(
        cfg: &'a SessionConfig,
        poll: Poll,
        events: Events,
        stream: StreamSock,
        peer: SocketAddr,
        tls: Option<super::tls::Built>,
        ctx: &mut Ctx,
    ) -> Option<Client<'a>> {
        let mut conn = Conn::new(stream, peer, None, cfg.shaping);
        if let Some(built) = &tls {
            match super::tls::TlsStream::new(built, cfg.connect_timeout) {
                Ok(t) => conn = conn.with_tls(t),
                Err(p) => {
                    ctx.emit(Some(peer), None, EventKind::TlsFailed(p));
                    return None;
                }
            }
        }
        if let Some(opts) = &cfg.ws {
            let (layer, request) = super::ws::layer::Layer::client(opts);
            conn = conn.with_ws(layer, Some(request));
        }
        if cfg.pause_reading {
            conn.set_paused(poll.registry(), SOCK, true);
            ctx.emit(Some(peer), None, EventKind::ReadingPaused);
        }
        Some(Client {
            cfg,
            poll,
            events,
            conn,
            peer,
            buf: vec![0u8; 64 * 1024],
            file: None,
            sampled: None,
            read_now: false,
            hold_fin: cfg.hold_fin_for_replies,
            resume_at: cfg
                .resume_reading_after
                .filter(|_| cfg.pause_reading)
                .and_then(|d| Instant::now().checked_add(d)),
        })
    }

    /// The loop: samples, commands, the file's next chunk, writes, then wait and read.
    fn serve(mut self, ctx: &mut Ctx) {
        // Data may already be waiting (edge-triggered readiness was consumed by connect).
        if let ReadEnd::Over = self.read(ctx) {
            ctx.flush_notify();
            return;
        }
        loop {
            self.sample(ctx);
            while let Some(cmd) = ctx.next_command() {
                if let Break(end) = self.on_command(ctx, cmd) {
                    return self.end(ctx, end);
                }
                if ctx.gone {
                    return;
                }
            }
            if self.resume_at.is_some_and(|t| t <= Instant::now()) {
                self.resume_at = None;
                let _ = self.on_command(ctx, Command::PauseReading(false));
            }
            if std::mem::take(&mut self.read_now)
                && let ReadEnd::Over = self.read(ctx)
            {
                ctx.flush_notify();
                return;
            }
            // A file: the next chunk only once the previous ones have left.
            if let Some(f) = self.file.as_mut() {
                match f.step(ctx, Instant::now(), !self.conn.has_pending()) {
                    Step::Chunk(b) => self.conn.queue_chunk(ctx, b),
                    Step::Wait => {}
                    Step::Over => self.file = None,
                }
            }
            if let ReadEnd::Over = self.conn.flush(ctx) {
                ctx.flush_notify();
                return;
            }
            if let ReadEnd::Over = self.conn.check_handshake(ctx, Instant::now()) {
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
            let timeout = self
                .file
                .as_ref()
                .map_or(TICK, |f| f.wait(now, !self.conn.has_pending(), TICK))
                .min(self.conn.next_write_in(now).unwrap_or(TICK))
                .min(
                    self.resume_at
                        .map_or(TICK, |t| t.saturating_duration_since(now)),
                );
            if let Err(e) = self.poll.poll(&mut self.events, Some(timeout)) {
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                ctx.error(
                    Some(self.peer),
                    None,
                    ErrorKind::Internal,
                    format!("poll failed: {e}"),
                );
                return;
            }
            let readable = self.events.iter().any(|ev| {
                ev.token() != WAKER && (ev.is_readable() || ev.is_read_closed() || ev.is_error())
            });
            if readable && let ReadEnd::Over = self.read(ctx) {
                ctx.flush_notify();
                return;
            }
        }
    }

    /// Reads what the kernel holds. After the peer's FIN the connection stays open for
    /// sending when the user keeps it half-open, or while the host may still answer.
    fn read(&mut self, ctx: &mut Ctx) -> ReadEnd {
        let keep_open = self.cfg.keep_open_after_peer_fin || self.hold_fin;
        self.conn.read_ready(ctx, &mut self.buf, keep_open)
    }

    /// The kernel's view of the connection, a few times a second.
    fn sample(&mut self, ctx: &mut Ctx) {
        if self
            .sampled
            .is_none_or(|t| t.elapsed() >= super::tcp_info::SAMPLE_EVERY)
        {
            self.sampled = Some(Instant::now());
            let now: std::collections::BTreeMap<u64, _> = self
                .conn
                .stream
                .tcp()
                .and_then(super::tcp_info::sample)
                .map(|s| (0, s))
                .into_iter()
                .collect();
            super::tcp_info::publish(&ctx.stats, now);
        }
    }

    /// Ends the connection as the user asked.
    fn end(self, ctx: &mut Ctx, end: End) {
        match end {
            End::Close => {
                self.conn
                    .close_local(ctx, super::CloseReason::LocalClose, close_deadline());
            }
            End::Reset => self.conn.abort(ctx),
        }
    }

    /// One command from the session. Break: the user ends the connection.
    fn on_command(&mut self, ctx: &mut Ctx, cmd: Command) -> ControlFlow<End> {
        let conn = &mut self.conn;
        match cmd {
            Command::Stop | Command::Disconnect(_) => return Break(End::Close),
            Command::SetEncoding(e) => ctx.encoding = e,
            Command::Send { payload, .. } => {
                if conn.write_shut {
                    ctx.error(
                        Some(self.peer),
                        None,
                        ErrorKind::NotConnected,
                        "not sent: this side already sent FIN (shutdown write)".into(),
                    );
                } else if let Some(b) = ctx.payload_bytes(payload) {
                    conn.queue(ctx, b);
                }
            }
            Command::ShutdownWrite => conn.shutdown_after_flush = true,
            Command::HoldFin(hold) => self.hold_fin = hold,
            Command::FinishHalfClose(_) => {
                // Only a connection the peer half-closed: the host's answers are queued.
                if conn.peer_fin && !self.cfg.keep_open_after_peer_fin {
                    conn.shutdown_after_flush = true;
                }
            }
            Command::Reset(_) => return Break(End::Reset),
            Command::SetShaping(s) => conn.set_shaping(s),
            Command::SendFile(spec) => file_send::start(ctx, &mut self.file, *spec),
            Command::CancelFile => file_send::cancel(ctx, &mut self.file),
            Command::PauseReading(paused) => {
                // The user's choice ends a timed pause.
                self.resume_at = None;
                if conn.set_paused(self.poll.registry(), SOCK, paused) {
                    let kind = if paused {
                        EventKind::ReadingPaused
                    } else {
                        self.read_now = true;
                        EventKind::ReadingResumed
                    };
                    ctx.emit(Some(self.peer), None, kind);
                }
            }
            Command::WsPing(_) => conn.ws_ping(ctx),
            Command::SetDestination(_)
            | Command::StopListening
            | Command::SetFaults(_)
            | Command::SetRewrites(_)
            | Command::Intercept(_)
            | Command::CrowdReopen(_)
            | Command::CrowdHold(_) => {
                ctx.info(EventKind::NotApplicable);
            }
        }
        Continue(())
    }
}

/// Tries each address in turn; the first connection made, or None (the last failure or
/// the cancel told).
fn connect_any(
    targets: Vec<SocketAddr>,
    cfg: &SessionConfig,
    poll: &mut Poll,
    events: &mut Events,
    ctx: &mut Ctx,
) -> Option<(mio::net::TcpStream, SocketAddr)> {
    let mut last_err: Option<(SocketAddr, io::Error)> = None;
    for target in targets {
        ctx.emit(Some(target), None, EventKind::Connecting);
        ctx.flush_notify();
        match connect(target, cfg, poll, events, ctx) {
            Connect::Done(s) => return Some((s, target)),
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
                return None;
            }
        }
    }
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
    None
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

/// connect() on a non-blocking socket: the handshake goes on. std's `io::ErrorKind` for
/// it (`InProgress`) is not stable, so the number is compared: libc's on Linux (the only
/// system the libc dependency is built for), the kernel's own number on Android, and the
/// BSDs' and macOS's 36 on other Unix systems. Windows says WSAEWOULDBLOCK, which std
/// reports as `WouldBlock`.
#[cfg(target_os = "linux")]
pub(crate) const EINPROGRESS: i32 = libc::EINPROGRESS;
#[cfg(target_os = "android")]
pub(crate) const EINPROGRESS: i32 = 115;
#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
pub(crate) const EINPROGRESS: i32 = 36;
