//! The UDP sender and UDP receiver. Both are one datagram socket: the sender binds an
//! optional local address and sends to its destination; the receiver binds a known
//! address and can reply to whoever sent to it. Every datagram is one event.

use super::addr;
use super::error::{ErrorKind, Op, describe, resolve_failure_kind};
use super::file_send::{self, FileSend, Step};
use super::worker::{Ctx, TICK, WAKER};
use super::{ClosedBy, Command, EventKind, Role, SessionConfig, Target};
use mio::{Events, Interest, Poll, Token};
use socket2::{Domain, Protocol, Socket, Type};
use std::io;
use std::net::SocketAddr;
use std::time::Instant;

const SOCK: Token = Token(1);
/// Large enough for any datagram (the IPv4 maximum payload is 65,507 bytes), so none is cut.
const MAX_DATAGRAM: usize = 65_536;

pub(crate) fn run(cfg: &SessionConfig, mut poll: Poll, ctx: &mut Ctx) {
    let sender = cfg.role == Role::UdpSender;
    // Resolve the destination (sender) first: it decides IPv4 or IPv6 for the bind.
    let mut dest: Option<SocketAddr> = None;
    if sender {
        match addr::resolve(&cfg.address) {
            Ok(v) => dest = v.first().copied(),
            Err(e) => {
                ctx.error(
                    None,
                    None,
                    resolve_failure_kind(&cfg.address),
                    format!("destination {}: {e}", cfg.address),
                );
                return;
            }
        }
    }
    let bind_text = if sender {
        cfg.bind.clone().unwrap_or_default()
    } else {
        cfg.address.clone()
    };
    let bind_addr = match bind_address(&bind_text, dest) {
        Ok(a) => a,
        Err(e) => {
            ctx.error(
                None,
                None,
                ErrorKind::BadAddress,
                format!("local address {bind_text}: {e}"),
            );
            return;
        }
    };
    let socket = match open(bind_addr, cfg.broadcast) {
        Ok(s) => s,
        Err(e) => {
            ctx.io_error(None, None, &e, Op::Bind, &bind_addr.to_string());
            return;
        }
    };
    let mut socket = mio::net::UdpSocket::from_std(socket);
    if let Err(e) = poll
        .registry()
        .register(&mut socket, SOCK, Interest::READABLE)
    {
        ctx.error(
            None,
            None,
            ErrorKind::Internal,
            format!("cannot watch the socket: {e}"),
        );
        return;
    }
    ctx.local = socket.local_addr().ok();
    ctx.emit(None, None, EventKind::Bound);
    if cfg.broadcast {
        ctx.info("SO_BROADCAST is on: this socket may send to broadcast addresses");
    }

    let mut last_sender: Option<SocketAddr> = None;
    let mut events = Events::with_capacity(64);
    let mut buf = vec![0u8; MAX_DATAGRAM];
    let mut drops = super::rxq::Drops::new(&socket);
    let mut closing_message = "socket closed (close())".to_string();
    let mut file: Option<FileSend> = None;
    let mut file_to: SocketAddr = any_v4();
    'outer: loop {
        // Commands first.
        while let Some(cmd) = ctx.next_command() {
            match cmd {
                Command::Stop => break 'outer,
                Command::SetEncoding(e) => ctx.encoding = e,
                Command::SetDestination(d) => match addr::resolve(&d) {
                    Ok(v) => {
                        dest = v.first().copied();
                        ctx.info(format!("destination is now {d}"));
                    }
                    Err(e) => ctx.error(
                        None,
                        None,
                        resolve_failure_kind(&d),
                        format!("destination {d}: {e}"),
                    ),
                },
                Command::Send { payload, to } => {
                    let target = match to {
                        Target::Peer(a) => Some(a),
                        Target::Host(h) => match addr::resolve(&h) {
                            Ok(v) => v.first().copied(),
                            Err(e) => {
                                ctx.error(
                                    None,
                                    None,
                                    resolve_failure_kind(&h),
                                    format!("not sent: {e}"),
                                );
                                continue;
                            }
                        },
                        Target::Default | Target::AllClients | Target::Client(_) => {
                            if sender {
                                dest
                            } else {
                                last_sender
                            }
                        }
                    };
                    let Some(target) = target else {
                        ctx.error(
                            None,
                            None,
                            ErrorKind::NotConnected,
                            "not sent: nobody has sent a datagram to this receiver yet, so there is no one to reply to".into(),
                        );
                        continue;
                    };
                    let Some(bytes) = ctx.payload_bytes(payload) else {
                        continue;
                    };
                    match send_to(&socket, &bytes, target) {
                        Ok(()) => {
                            ctx.emit(Some(target), None, EventKind::Tx(bytes));
                        }
                        Err(e) => {
                            ctx.io_error(Some(target), None, &e, Op::Send, &target.to_string())
                        }
                    }
                }
                Command::SendFile(spec) => {
                    let spec = *spec;
                    let fallback = if sender { dest } else { last_sender };
                    match file_target(&spec.to, fallback) {
                        Ok(t) => {
                            file_send::start(ctx, &mut file, spec);
                            file_to = t;
                        }
                        Err(m) => file_send::start_failed(ctx, spec, m),
                    }
                }
                Command::CancelFile => file_send::cancel(ctx, &mut file),
                Command::ShutdownWrite | Command::Disconnect(_) | Command::StopListening => {
                    ctx.info("that command is for TCP sessions; UDP has no connection to close");
                }
            }
            if ctx.gone {
                return;
            }
        }
        ctx.flush_notify();
        if ctx.stop_seen || ctx.gone {
            break;
        }
        // A file: up to 64 datagrams per pass, so commands (Cancel, Stop) stay responsive.
        for _ in 0..64 {
            let Some(f) = file.as_mut() else { break };
            match f.step(ctx, Instant::now(), true) {
                Step::Chunk(bytes) => match send_to(&socket, &bytes, file_to) {
                    Ok(()) => {
                        ctx.emit(Some(file_to), None, EventKind::Tx(bytes));
                    }
                    Err(e) => {
                        let (_, m) = describe(&e, Op::Send, &file_to.to_string());
                        f.fail(ctx, format!("file send stopped: {m}"));
                        file = None;
                    }
                },
                Step::Wait => break,
                Step::Over => file = None,
            }
        }
        let timeout = file
            .as_ref()
            .map_or(TICK, |f| f.wait(Instant::now(), true, TICK));
        if let Err(e) = poll.poll(&mut events, Some(timeout)) {
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            ctx.error(None, None, ErrorKind::Internal, format!("poll failed: {e}"));
            closing_message = "socket closed after an internal error".into();
            break;
        }
        for ev in events.iter() {
            if ev.token() == WAKER {
                continue;
            }
        }
        // Drain every datagram waiting (edge-triggered).
        loop {
            match super::rxq::recv_from(&socket, &mut buf, &mut drops) {
                Ok((n, from)) => {
                    last_sender = Some(from);
                    if !ctx.emit(Some(from), None, EventKind::Rx(buf[..n].to_vec())) {
                        return;
                    }
                    if ctx.stop_seen {
                        break;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    // e.g. ICMP port unreachable reported on a later call: not fatal for UDP.
                    let dest_text = dest.map(|d| d.to_string()).unwrap_or_default();
                    ctx.io_error(dest, None, &e, Op::Recv, &dest_text);
                    break;
                }
            }
        }
        if let Some(m) = drops.due(std::time::Instant::now(), false) {
            ctx.info(m);
        }
        ctx.flush_notify();
    }
    if let Some(m) = drops.due(std::time::Instant::now(), true) {
        ctx.info(m);
    }
    ctx.emit(
        None,
        None,
        EventKind::Closed {
            by: ClosedBy::Local,
            message: closing_message,
        },
    );
}

/// The address to bind: the given text, or (empty) any port on the destination's family.
fn bind_address(text: &str, dest: Option<SocketAddr>) -> Result<SocketAddr, addr::AddrError> {
    let t = text.trim();
    let v6 = dest.is_some_and(|d| d.is_ipv6());
    if t.is_empty() {
        return Ok(if v6 {
            "[::]:0".parse().unwrap_or_else(|_| any_v4())
        } else {
            any_v4()
        });
    }
    let (host, port) = addr::split_host_port(t)?;
    if host.is_empty() {
        let ip = if v6 {
            "::".parse().ok()
        } else {
            "0.0.0.0".parse().ok()
        };
        return Ok(SocketAddr::new(ip.unwrap_or_else(|| any_v4().ip()), port));
    }
    addr::resolve(&addr::join_host_port(&host, port))?
        .first()
        .copied()
        .ok_or_else(|| addr::AddrError(format!("{t} has no address")))
}

/// Where a file's datagrams go.
fn file_target(to: &Target, fallback: Option<SocketAddr>) -> Result<SocketAddr, String> {
    match to {
        Target::Peer(a) => Ok(*a),
        Target::Host(h) => addr::resolve(h)
            .map_err(|e| e.to_string())?
            .first()
            .copied()
            .ok_or_else(|| format!("{h} has no address")),
        _ => fallback.ok_or_else(|| {
            "nobody has sent a datagram to this receiver yet, so there is no one to send to".into()
        }),
    }
}

fn any_v4() -> SocketAddr {
    SocketAddr::from(([0, 0, 0, 0], 0))
}

fn open(bind: SocketAddr, broadcast: bool) -> io::Result<std::net::UdpSocket> {
    let s = Socket::new(Domain::for_address(bind), Type::DGRAM, Some(Protocol::UDP))?;
    if broadcast {
        s.set_broadcast(true)?;
    }
    // A big receive buffer rides out bursts while the UI is busy.
    let _ = s.set_recv_buffer_size(8 << 20);
    let _ = s.set_send_buffer_size(4 << 20);
    s.bind(&bind.into())?;
    s.set_nonblocking(true)?;
    Ok(s.into())
}

fn send_to(socket: &mio::net::UdpSocket, bytes: &[u8], to: SocketAddr) -> io::Result<()> {
    let mut tries = 0;
    loop {
        match socket.send_to(bytes, to) {
            Ok(n) if n == bytes.len() => return Ok(()),
            Ok(n) => {
                return Err(io::Error::other(format!(
                    "only {n} of {} bytes went out",
                    bytes.len()
                )));
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && tries < 200 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}
