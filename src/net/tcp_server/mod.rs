//! The TCP server: listen with a backlog, accept any number of clients on one thread
//! (mio readiness, no thread per client), give each an id and its own events, send to
//! one or all, kick one, stop listening while keeping clients, or stop everything.

use super::addr;
use super::conn::{Conn, ReadEnd, close_deadline};
use super::error::{ErrorKind, Op};
use super::file_send::FileSend;
use super::shaping::WriteShaping;
use super::stream_sock::{ListenSock, StreamSock};
use super::tls::Built;
use super::worker::{Ctx, TICK, WAKER};
use super::{CloseReason, Command, EventKind, SessionConfig};
use mio::{Events, Interest, Poll, Token};
use socket2::{Domain, Protocol, Socket, Type};
use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::SocketAddr;
use std::ops::ControlFlow::{self, Break, Continue};
use std::time::{Duration, Instant};

const LISTENER: Token = Token(1);
const FIRST_CLIENT: usize = 2;
/// A client that has not finished its TLS handshake by then is closed.
mod commands;

const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) fn run(cfg: &SessionConfig, poll: Poll, ctx: &mut Ctx) {
    if let Some(mut server) = Server::start(cfg, poll, ctx) {
        server.serve(ctx);
    }
}

/// Serves clients on a listening socket made elsewhere (a unix stream socket), `local`
/// being its address as events carry it.
#[cfg(unix)]
pub(crate) fn serve_listener(
    cfg: &SessionConfig,
    poll: Poll,
    listener: ListenSock,
    local: Option<SocketAddr>,
    ctx: &mut Ctx,
) {
    let Some(tls) = server_tls(cfg, ctx) else {
        return;
    };
    if let Some(mut server) = Server::listening(cfg, poll, listener, local, tls, None, ctx) {
        server.serve(ctx);
    }
}

/// The server's TLS, when asked for: Some(None) without TLS, None when it failed (told).
fn server_tls(cfg: &SessionConfig, ctx: &mut Ctx) -> Option<Option<Built>> {
    match &cfg.tls {
        Some(opts) => match super::tls::build(opts, true, "") {
            Ok(b) => Some(Some(b)),
            Err(p) => {
                ctx.emit(None, None, EventKind::TlsFailed(p));
                None
            }
        },
        None => Some(None),
    }
}

/// The server's worker: the listener, its clients and what the loop remembers between
/// passes. `Break` from a method means the worker is over (stopped, or the session gone).
struct Server<'a> {
    cfg: &'a SessionConfig,
    poll: Poll,
    /// None once the user stopped listening (the clients stay).
    listener: Option<ListenSock>,
    tls: Option<Built>,
    /// Clients by token; ids by token for lookups from commands (ids are what users see).
    clients: HashMap<Token, Conn>,
    by_id: BTreeMap<u64, Token>,
    next_id: u64,
    next_token: usize,
    /// Clients refused at the "max clients" limit so far.
    refused: u64,
    /// accept() failed (out of descriptors and the like): try again shortly.
    accept_backoff: bool,
    shaping: WriteShaping,
    /// When the clients were last sampled (TCP_INFO).
    sampled: Option<Instant>,
    file: Option<FileSend>,
    /// The read buffer shared by every client.
    buf: Vec<u8>,
    /// Reading paused for every client (and those accepted while it is).
    paused: bool,
    /// Started paused for a while: resume then.
    resume_at: Option<Instant>,
    /// After a peer's FIN, wait for the host's FinishHalfClose (it may still answer).
    hold_fin: bool,
}

impl<'a> Server<'a> {
    /// Resolves, builds TLS, listens and says so; None when any of that failed (told).
    fn start(cfg: &'a SessionConfig, poll: Poll, ctx: &mut Ctx) -> Option<Server<'a>> {
        let listen_addr = match addr::resolve(&cfg.address) {
            Ok(v) => v[0],
            Err(e) => {
                ctx.error(
                    None,
                    None,
                    ErrorKind::BadAddress,
                    format!("cannot listen on {}: {e}", cfg.address),
                );
                return None;
            }
        };
        // TLS: the certificate (the user's, or the self-signed one) before listening.
        let tls = server_tls(cfg, ctx)?;
        let listener = match open(listen_addr, cfg.backlog, &cfg.sockopts) {
            Ok(l) => l,
            Err(e) => {
                ctx.io_error(None, None, &e, Op::Listen, &listen_addr.to_string());
                return None;
            }
        };
        let listener = mio::net::TcpListener::from_std(listener);
        let local = listener.local_addr().ok();
        let report = (!cfg.sockopts.is_empty()).then(|| {
            let r = socket2::SockRef::from(&listener);
            super::sockopts::report(&r, &cfg.sockopts, true, listen_addr.is_ipv6())
        });
        Server::listening(
            cfg,
            poll,
            ListenSock::Tcp(listener),
            local,
            tls,
            report,
            ctx,
        )
    }

    /// A listening socket (TCP, or a unix stream socket): watched, told, and the server
    /// around it; None when it cannot be watched (told).
    fn listening(
        cfg: &'a SessionConfig,
        poll: Poll,
        mut listener: ListenSock,
        local: Option<SocketAddr>,
        tls: Option<Built>,
        report: Option<super::sockopts::SockReport>,
        ctx: &mut Ctx,
    ) -> Option<Server<'a>> {
        if let Err(e) = poll
            .registry()
            .register(&mut listener, LISTENER, Interest::READABLE)
        {
            ctx.error(
                None,
                None,
                ErrorKind::Internal,
                format!("cannot watch the socket: {e}"),
            );
            return None;
        }
        ctx.local = local;
        ctx.emit(
            None,
            None,
            EventKind::Listening {
                backlog: cfg.backlog,
            },
        );
        if let Some(report) = report {
            ctx.info(EventKind::SocketOptions(Box::new(report)));
        }
        if cfg.pause_reading {
            ctx.info(EventKind::ReadingPaused);
        }
        if let Some(Built::Server { cert, source, .. }) = &tls {
            ctx.emit(
                None,
                None,
                EventKind::TlsServerCert {
                    cert: cert.clone(),
                    source: source.clone(),
                },
            );
        }
        Some(Server {
            cfg,
            poll,
            listener: Some(listener),
            tls,
            clients: HashMap::new(),
            by_id: BTreeMap::new(),
            next_id: 1,
            next_token: FIRST_CLIENT,
            refused: 0,
            accept_backoff: false,
            shaping: cfg.shaping,
            sampled: None,
            file: None,
            buf: vec![0u8; 64 * 1024],
            paused: cfg.pause_reading,
            hold_fin: cfg.hold_fin_for_replies,
            resume_at: cfg
                .resume_reading_after
                .filter(|_| cfg.pause_reading)
                .and_then(|d| Instant::now().checked_add(d)),
        })
    }

    /// The loop: commands, the file's next chunk, samples, writes, then wait for
    /// readiness and accept and read.
    fn serve(&mut self, ctx: &mut Ctx) {
        let mut events = Events::with_capacity(1024);
        loop {
            while let Some(cmd) = ctx.next_command() {
                if self.on_command(ctx, cmd).is_break() || ctx.gone {
                    return;
                }
            }
            if self.resume_at.is_some_and(|t| t <= Instant::now())
                && (self
                    .on_command(ctx, Command::PauseReading(false))
                    .is_break()
                    || ctx.gone)
            {
                return;
            }
            self.step_file(ctx);
            self.sample(ctx);
            self.flush_all(ctx);
            ctx.flush_notify();
            if ctx.gone {
                return;
            }
            if ctx.stop_seen {
                continue;
            }
            let timeout = self.next_timeout();
            if let Err(e) = self.poll.poll(&mut events, Some(timeout)) {
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                ctx.error(None, None, ErrorKind::Internal, format!("poll failed: {e}"));
                return;
            }
            let mut accept_now = self.accept_backoff;
            let mut ready: Vec<Token> = Vec::new();
            for ev in events.iter() {
                match ev.token() {
                    WAKER => {}
                    LISTENER => accept_now = true,
                    t => ready.push(t),
                }
            }
            if accept_now {
                self.accept_all(ctx, &mut ready);
            }
            if self.on_ready(ctx, ready).is_break() {
                return;
            }
        }
    }

    /// The kernel's view of each open client, a few times a second.
    fn sample(&mut self, ctx: &mut Ctx) {
        if self
            .sampled
            .is_none_or(|t| t.elapsed() >= super::tcp_info::SAMPLE_EVERY)
        {
            self.sampled = Some(Instant::now());
            let now = self
                .clients
                .values()
                .filter_map(|c| Some((c.client?, super::tcp_info::sample(c.stream.tcp()?)?)))
                .collect();
            super::tcp_info::publish(&ctx.stats, now);
        }
    }

    /// Writes what each client has queued; closes those whose handshake ran out of time.
    fn flush_all(&mut self, ctx: &mut Ctx) {
        let mut dead: Vec<Token> = Vec::new();
        let now = Instant::now();
        for (t, c) in self.clients.iter_mut() {
            if c.wants_flush()
                && let ReadEnd::Over = c.flush(ctx)
            {
                dead.push(*t);
            } else if let ReadEnd::Over = c.check_handshake(ctx, now) {
                dead.push(*t);
            }
        }
        self.remove(dead);
    }

    /// How long to wait for readiness: a tick, less while accept backs off, a file waits
    /// or a split message's next piece is due.
    fn next_timeout(&self) -> Duration {
        let mut timeout = if self.accept_backoff {
            Duration::from_millis(10)
        } else {
            TICK
        };
        let now = Instant::now();
        if let Some(f) = &self.file {
            let idle = !self.clients.values().any(|c| c.has_pending());
            timeout = timeout.min(f.wait(now, idle, TICK));
        }
        // A split message's next piece.
        if let Some(d) = self
            .clients
            .values()
            .filter_map(|c| c.next_write_in(now))
            .min()
        {
            timeout = timeout.min(d);
        }
        if let Some(t) = self.resume_at {
            timeout = timeout.min(t.saturating_duration_since(now));
        }
        timeout
    }

    /// Accepts every waiting connection; the new clients' tokens join `ready`.
    fn accept_all(&mut self, ctx: &mut Ctx, ready: &mut Vec<Token>) {
        self.accept_backoff = false;
        loop {
            let Some(l) = self.listener.as_ref() else {
                return;
            };
            match l.accept() {
                Ok((stream, peer)) => {
                    if let Some(token) = self.admit(ctx, stream, peer) {
                        ready.push(token);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::ConnectionAborted => {}
                Err(e) => {
                    // Out of file descriptors and the like: say so, and try again shortly.
                    let local = ctx.local.map(|a| a.to_string()).unwrap_or_default();
                    ctx.io_error(None, None, &e, Op::Accept, &local);
                    self.accept_backoff = true;
                    std::thread::sleep(Duration::from_millis(20));
                    break;
                }
            }
        }
    }

    /// One accepted connection: refused over the limit, else registered, given an id and
    /// (with TLS) a handshake. Its token, if it became a client.
    fn admit(&mut self, ctx: &mut Ctx, mut stream: StreamSock, peer: SocketAddr) -> Option<Token> {
        let max = self.cfg.max_clients;
        if self.clients.len() >= max {
            self.refused += 1;
            drop(stream);
            ctx.emit(
                Some(peer),
                None,
                EventKind::Refused {
                    limit: max as u64,
                    total: self.refused,
                },
            );
            return None;
        }
        let token = Token(self.next_token);
        self.next_token += 1;
        let id = self.next_id;
        self.next_id += 1;
        if let Err(e) = self.poll.registry().register(
            &mut stream,
            token,
            Interest::READABLE | Interest::WRITABLE,
        ) {
            ctx.error(
                Some(peer),
                Some(id),
                ErrorKind::Internal,
                format!("cannot watch client: {e}"),
            );
            return None;
        }
        // The accepted connection's own local address (the listener's may be 0.0.0.0):
        // the diagram and the record show the real ends of the connection.
        let listener_local = ctx.local;
        ctx.local = stream.local_addr().or(listener_local);
        ctx.emit(Some(peer), Some(id), EventKind::Accepted);
        ctx.local = listener_local;
        if let Some(cred) = stream.peer_cred() {
            ctx.emit(
                Some(peer),
                Some(id),
                EventKind::PeerCredentials(Box::new(cred)),
            );
        }
        let mut conn = Conn::new(stream, peer, Some(id), self.shaping);
        if self.paused {
            conn.set_paused(self.poll.registry(), token, true);
        }
        if let Some(built) = &self.tls {
            match super::tls::TlsStream::new(built, TLS_HANDSHAKE_TIMEOUT) {
                Ok(t) => conn = conn.with_tls(t),
                Err(p) => {
                    ctx.emit(Some(peer), Some(id), EventKind::TlsFailed(p));
                    let _ = self.poll.registry().deregister(&mut conn.stream);
                    conn.close_local(ctx, CloseReason::TlsFailed, close_deadline());
                    return None;
                }
            }
        }
        if let Some(opts) = &self.cfg.ws {
            conn = conn.with_ws(super::ws::layer::Layer::server(opts), None);
        }
        self.clients.insert(token, conn);
        self.by_id.insert(id, token);
        Some(token)
    }

    /// Reads from (and then writes to) each client that became ready.
    fn on_ready(&mut self, ctx: &mut Ctx, ready: Vec<Token>) -> ControlFlow<()> {
        let keep_open = self.cfg.keep_open_after_peer_fin || self.hold_fin;
        let mut dead: Vec<Token> = Vec::new();
        for t in ready {
            if let Some(c) = self.clients.get_mut(&t) {
                if let ReadEnd::Over = c.read_ready(ctx, &mut self.buf, keep_open) {
                    dead.push(t);
                } else if c.wants_flush()
                    && let ReadEnd::Over = c.flush(ctx)
                {
                    dead.push(t);
                }
            }
            if ctx.gone {
                return Break(());
            }
        }
        self.remove(dead);
        Continue(())
    }

    /// Forgets closed clients.
    fn remove(&mut self, dead: Vec<Token>) {
        for t in dead {
            if let Some(mut c) = self.clients.remove(&t) {
                let _ = self.poll.registry().deregister(&mut c.stream);
                if let Some(id) = c.client {
                    self.by_id.remove(&id);
                }
            }
        }
    }
}

fn open(
    addr: SocketAddr,
    backlog: i32,
    opts: &super::sockopts::SockOpts,
) -> io::Result<std::net::TcpListener> {
    let s = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    // Lets a stopped server listen again at once (TIME_WAIT), while a live listener still
    // makes a second bind fail with "address in use".
    #[cfg(unix)]
    s.set_reuse_address(true)?;
    if addr.is_ipv6() {
        let _ = s.set_only_v6(false);
    }
    // Before listen(): accepted sockets inherit them, and the buffer sizes decide the
    // window scale offered in the SYN-ACK.
    super::sockopts::apply(&socket2::SockRef::from(&s), opts, true, addr.is_ipv6());
    s.bind(&addr.into())?;
    s.listen(backlog)?;
    s.set_nonblocking(true)?;
    Ok(s.into())
}
