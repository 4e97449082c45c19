//! The TCP server: listen with a backlog, accept any number of clients on one thread
//! (mio readiness, no thread per client), give each an id and its own events, send to
//! one or all, kick one, stop listening while keeping clients, or stop everything.

use super::addr;
use super::conn::{Conn, ReadEnd, close_deadline};
use super::error::{ErrorKind, Op};
use super::file_send::{self, FileSend, Step};
use super::worker::{Ctx, TICK, WAKER};
use super::{CloseReason, ClosedBy, Command, EventKind, SessionConfig, Target};
use mio::{Events, Interest, Poll, Token};
use socket2::{Domain, Protocol, Socket, Type};
use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

const LISTENER: Token = Token(1);
const FIRST_CLIENT: usize = 2;
/// A client that has not finished its TLS handshake by then is closed.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) fn run(cfg: &SessionConfig, mut poll: Poll, ctx: &mut Ctx) {
    let listen_addr = match addr::resolve(&cfg.address) {
        Ok(v) => v[0],
        Err(e) => {
            ctx.error(
                None,
                None,
                ErrorKind::BadAddress,
                format!("cannot listen on {}: {e}", cfg.address),
            );
            return;
        }
    };
    // TLS: the certificate (the user's, or the self-signed one) before listening.
    let tls = match &cfg.tls {
        Some(opts) => match super::tls::build(opts, true, "") {
            Ok(b) => Some(b),
            Err(p) => {
                ctx.emit(None, None, EventKind::TlsFailed(p));
                return;
            }
        },
        None => None,
    };
    let listener = match open(listen_addr, cfg.backlog, &cfg.sockopts) {
        Ok(l) => l,
        Err(e) => {
            ctx.io_error(None, None, &e, Op::Listen, &listen_addr.to_string());
            return;
        }
    };
    let mut listener = Some(mio::net::TcpListener::from_std(listener));
    if let Some(l) = listener.as_mut() {
        if let Err(e) = poll.registry().register(l, LISTENER, Interest::READABLE) {
            ctx.error(
                None,
                None,
                ErrorKind::Internal,
                format!("cannot watch the socket: {e}"),
            );
            return;
        }
        ctx.local = l.local_addr().ok();
    }
    ctx.emit(
        None,
        None,
        EventKind::Listening {
            backlog: cfg.backlog,
        },
    );
    if !cfg.sockopts.is_empty()
        && let Some(l) = listener.as_ref()
    {
        let r = socket2::SockRef::from(l);
        let report = super::sockopts::report(&r, &cfg.sockopts, true, listen_addr.is_ipv6());
        ctx.info(EventKind::SocketOptions(Box::new(report)));
    }
    if let Some(super::tls::Built::Server { cert, source, .. }) = &tls {
        ctx.emit(
            None,
            None,
            EventKind::TlsServerCert {
                cert: cert.clone(),
                source: source.clone(),
            },
        );
    }

    // Clients by token; ids by token for lookups from commands (ids are what users see).
    let mut clients: HashMap<Token, Conn> = HashMap::new();
    let mut by_id: BTreeMap<u64, Token> = BTreeMap::new();
    let mut next_id: u64 = 1;
    let mut next_token: usize = FIRST_CLIENT;
    let mut refused: u64 = 0;
    let mut accept_backoff = false;
    let mut shaping = cfg.shaping;
    let mut sampled: Option<Instant> = None;
    let mut events = Events::with_capacity(1024);
    let mut buf = vec![0u8; 64 * 1024];
    let mut file: Option<FileSend> = None;

    loop {
        // Commands.
        while let Some(cmd) = ctx.next_command() {
            match cmd {
                Command::Stop => {
                    let n = clients.len();
                    let deadline = close_deadline();
                    for (_, c) in std::mem::take(&mut clients) {
                        c.close_local(ctx, CloseReason::ServerStopped, deadline);
                    }
                    ctx.emit(
                        None,
                        None,
                        EventKind::Closed {
                            by: ClosedBy::Local,
                            reason: CloseReason::ServerEnded { clients: n as u64 },
                        },
                    );
                    return;
                }
                Command::SetEncoding(e) => ctx.encoding = e,
                Command::Send { payload, to } => {
                    let Some(bytes) = ctx.payload_bytes(payload) else {
                        continue;
                    };
                    match to {
                        Target::Client(id) => match by_id.get(&id).and_then(|t| clients.get_mut(t))
                        {
                            Some(c) => c.queue(bytes),
                            None => ctx.error(
                                None,
                                Some(id),
                                ErrorKind::NotConnected,
                                format!("not sent: client #{id} is not connected"),
                            ),
                        },
                        _ => {
                            if clients.is_empty() {
                                ctx.error(
                                    None,
                                    None,
                                    ErrorKind::NotConnected,
                                    "not sent: no client is connected".into(),
                                );
                            }
                            for t in by_id.values() {
                                if let Some(c) = clients.get_mut(t) {
                                    c.queue(bytes.clone());
                                }
                            }
                        }
                    }
                }
                Command::Disconnect(id) => match by_id.remove(&id).and_then(|t| clients.remove(&t))
                {
                    Some(mut c) => {
                        let _ = poll.registry().deregister(&mut c.stream);
                        c.close_local(ctx, CloseReason::Kicked, close_deadline());
                    }
                    None => ctx.error(
                        None,
                        Some(id),
                        ErrorKind::NotConnected,
                        format!("client #{id} is not connected"),
                    ),
                },
                Command::Reset(Some(id)) => {
                    match by_id.remove(&id).and_then(|t| clients.remove(&t)) {
                        Some(mut c) => {
                            let _ = poll.registry().deregister(&mut c.stream);
                            c.abort(ctx);
                        }
                        None => ctx.error(
                            None,
                            Some(id),
                            ErrorKind::NotConnected,
                            format!("client #{id} is not connected"),
                        ),
                    }
                }
                Command::SetShaping(s) => {
                    shaping = s;
                    for c in clients.values_mut() {
                        c.set_shaping(s);
                    }
                }
                Command::Reset(None) => {
                    by_id.clear();
                    for (_, mut c) in std::mem::take(&mut clients) {
                        let _ = poll.registry().deregister(&mut c.stream);
                        c.abort(ctx);
                    }
                }
                Command::StopListening => {
                    if let Some(mut l) = listener.take() {
                        let _ = poll.registry().deregister(&mut l);
                        drop(l);
                        let clients = clients.len() as u64;
                        ctx.info(EventKind::StoppedListening { clients });
                    }
                }
                Command::ShutdownWrite => {
                    for c in clients.values_mut() {
                        c.shutdown_after_flush = true;
                    }
                }
                Command::SetDestination(_) => ctx.info(EventKind::NotApplicable),
                Command::SendFile(spec) => {
                    if clients.is_empty() {
                        file_send::start_failed(ctx, *spec, "no client is connected".into());
                    } else {
                        file_send::start(ctx, &mut file, *spec);
                    }
                }
                Command::CancelFile => file_send::cancel(ctx, &mut file),
            }
            if ctx.gone {
                return;
            }
        }
        // A file: the next chunk once every target client's queue is empty.
        if let Some(f) = file.as_mut() {
            let targets: Vec<Token> = match f.spec.to {
                Target::Client(id) => by_id.get(&id).copied().into_iter().collect(),
                _ => by_id.values().copied().collect(),
            };
            if targets.is_empty() {
                f.fail(
                    ctx,
                    "file send stopped: the client it was going to is gone".into(),
                );
                file = None;
            } else {
                let idle = targets
                    .iter()
                    .all(|t| clients.get(t).is_none_or(|c| !c.has_pending()));
                match f.step(ctx, Instant::now(), idle) {
                    Step::Chunk(b) => {
                        for t in &targets {
                            if let Some(c) = clients.get_mut(t) {
                                c.queue_chunk(b.clone());
                            }
                        }
                    }
                    Step::Wait => {}
                    Step::Over => file = None,
                }
            }
        }
        // The kernel's view of each open client, a few times a second.
        if sampled.is_none_or(|t| t.elapsed() >= super::tcp_info::SAMPLE_EVERY) {
            sampled = Some(Instant::now());
            let now = clients
                .values()
                .filter_map(|c| Some((c.client?, super::tcp_info::sample(&c.stream)?)))
                .collect();
            super::tcp_info::publish(&ctx.stats, now);
        }
        // Writes.
        let mut dead: Vec<Token> = Vec::new();
        let now = Instant::now();
        for (t, c) in clients.iter_mut() {
            if c.wants_flush()
                && let ReadEnd::Over = c.flush(ctx)
            {
                dead.push(*t);
            } else if let ReadEnd::Over = c.check_handshake(ctx, now) {
                dead.push(*t);
            }
        }
        remove(&mut clients, &mut by_id, &poll, dead);
        ctx.flush_notify();
        if ctx.gone {
            return;
        }
        if ctx.stop_seen {
            continue;
        }
        let mut timeout = if accept_backoff {
            Duration::from_millis(10)
        } else {
            TICK
        };
        let now = Instant::now();
        if let Some(f) = &file {
            let idle = !clients.values().any(|c| c.has_pending());
            timeout = timeout.min(f.wait(now, idle, TICK));
        }
        // A split message's next piece.
        if let Some(d) = clients.values().filter_map(|c| c.next_write_in(now)).min() {
            timeout = timeout.min(d);
        }
        if let Err(e) = poll.poll(&mut events, Some(timeout)) {
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            ctx.error(None, None, ErrorKind::Internal, format!("poll failed: {e}"));
            return;
        }
        let mut accept_now = accept_backoff;
        let mut ready: Vec<Token> = Vec::new();
        for ev in events.iter() {
            match ev.token() {
                WAKER => {}
                LISTENER => accept_now = true,
                t => ready.push(t),
            }
        }
        if accept_now {
            accept_backoff = false;
            if let Some(l) = listener.as_ref() {
                loop {
                    match l.accept() {
                        Ok((mut stream, peer)) => {
                            if clients.len() >= cfg.max_clients {
                                refused += 1;
                                drop(stream);
                                ctx.emit(
                                    Some(peer),
                                    None,
                                    EventKind::Refused {
                                        limit: cfg.max_clients as u64,
                                        total: refused,
                                    },
                                );
                                continue;
                            }
                            let token = Token(next_token);
                            next_token += 1;
                            let id = next_id;
                            next_id += 1;
                            if let Err(e) = poll.registry().register(
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
                                continue;
                            }
                            ctx.emit(Some(peer), Some(id), EventKind::Accepted);
                            let mut conn = Conn::new(stream, peer, Some(id), shaping);
                            if let Some(built) = &tls {
                                match super::tls::TlsStream::new(built, TLS_HANDSHAKE_TIMEOUT) {
                                    Ok(t) => conn = conn.with_tls(t),
                                    Err(p) => {
                                        ctx.emit(Some(peer), Some(id), EventKind::TlsFailed(p));
                                        let _ = poll.registry().deregister(&mut conn.stream);
                                        conn.close_local(
                                            ctx,
                                            CloseReason::TlsFailed,
                                            close_deadline(),
                                        );
                                        continue;
                                    }
                                }
                            }
                            clients.insert(token, conn);
                            by_id.insert(id, token);
                            ready.push(token);
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) if e.kind() == io::ErrorKind::ConnectionAborted => {}
                        Err(e) => {
                            // Out of file descriptors and the like: say so, and try again shortly.
                            let local = ctx.local.map(|a| a.to_string()).unwrap_or_default();
                            ctx.io_error(None, None, &e, Op::Accept, &local);
                            accept_backoff = true;
                            std::thread::sleep(Duration::from_millis(20));
                            break;
                        }
                    }
                }
            }
        }
        let mut dead: Vec<Token> = Vec::new();
        for t in ready {
            if let Some(c) = clients.get_mut(&t) {
                if let ReadEnd::Over = c.read_ready(ctx, &mut buf, cfg.keep_open_after_peer_fin) {
                    dead.push(t);
                } else if c.wants_flush()
                    && let ReadEnd::Over = c.flush(ctx)
                {
                    dead.push(t);
                }
            }
            if ctx.gone {
                return;
            }
        }
        remove(&mut clients, &mut by_id, &poll, dead);
    }
}

fn remove(
    clients: &mut HashMap<Token, Conn>,
    by_id: &mut BTreeMap<u64, Token>,
    poll: &Poll,
    dead: Vec<Token>,
) {
    for t in dead {
        if let Some(mut c) = clients.remove(&t) {
            let _ = poll.registry().deregister(&mut c.stream);
            if let Some(id) = c.client {
                by_id.remove(&id);
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
