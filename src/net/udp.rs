//! The UDP sender and UDP receiver. Both are one datagram socket: the sender binds an
//! optional local address and sends to its destination; the receiver binds a known
//! address and can reply to whoever sent to it. Every datagram is one event.

use super::addr;
use super::error::{ErrorKind, Op, describe, resolve_failure_kind};
use super::file_send::{self, FileSend, Step};
use super::worker::{Ctx, TICK, WAKER};
use super::{
    CloseReason, ClosedBy, Command, EventKind, MulticastConfig, Role, SessionConfig, Target,
};
use mio::{Events, Interest, Poll, Token};
use socket2::{Domain, Protocol, Socket, Type};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Instant;

const SOCK: Token = Token(1);
/// Large enough for any datagram (the IPv4 maximum payload is 65,507 bytes), so none is cut.
const MAX_DATAGRAM: usize = 65_536;

pub(crate) fn run(cfg: &SessionConfig, mut poll: Poll, ctx: &mut Ctx) {
    let sender = cfg.role == Role::UdpSender;
    // Resolve the destination (sender) first: it decides IPv4 or IPv6 for the bind.
    let mut dest: Option<SocketAddr> = None;
    // A sender may bind with no destination yet (SetDestination names one later).
    if sender && !cfg.address.trim().is_empty() {
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
    if let Some(m) = &cfg.multicast
        && let Err(message) = check_multicast(m)
    {
        ctx.error(None, None, ErrorKind::BadAddress, message);
        return;
    }
    let mut bind_addr = match bind_address(&bind_text, dest) {
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
    // A multicast receiver binds the wildcard address of the group's family on the port:
    // datagrams to the group carry the group as destination, not an interface address.
    if !sender && let Some(m) = &cfg.multicast {
        bind_addr = SocketAddr::new(wildcard(m.group), bind_addr.port());
    }
    let socket = match open(
        bind_addr,
        cfg.broadcast,
        !sender && cfg.multicast.is_some(),
        &cfg.sockopts,
    ) {
        Ok(s) => s,
        Err(e) => {
            ctx.io_error(None, None, &e, Op::Bind, &bind_addr.to_string());
            return;
        }
    };
    if let Some(m) = &cfg.multicast {
        let res = if sender {
            set_sender_options(&socket, m)
        } else {
            join(&socket, m)
        };
        match res {
            Ok(note) => ctx.info(note),
            Err((e, what)) => {
                let (kind, _) = describe(&e, Op::Bind, &bind_addr.to_string());
                ctx.error(None, None, kind, format!("{what}: {e}"));
                return;
            }
        }
    }
    let socket: std::net::UdpSocket = socket.into();
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
    if !cfg.sockopts.is_empty() {
        let r = socket2::SockRef::from(&socket);
        let v6 = bind_addr.is_ipv6();
        let report = super::sockopts::report(&r, &cfg.sockopts, false, v6);
        ctx.info(EventKind::SocketOptions(Box::new(report)));
    }
    if cfg.broadcast {
        ctx.info(EventKind::BroadcastOn);
    }

    let mut last_sender: Option<SocketAddr> = None;
    let mut events = Events::with_capacity(64);
    let mut buf = vec![0u8; MAX_DATAGRAM];
    let mut drops = super::rxq::Drops::new(&socket);
    let mut closing = CloseReason::SocketClosed;
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
                        ctx.info(EventKind::Destination { to: d });
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
                        let why = if sender {
                            "not sent: no destination yet: enter a destination host and port"
                        } else {
                            "not sent: nobody has sent a datagram to this receiver yet, so there is no one to reply to"
                        };
                        ctx.error(None, None, ErrorKind::NotConnected, why.into());
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
                Command::ShutdownWrite
                | Command::Disconnect(_)
                | Command::Reset(_)
                | Command::SetShaping(_)
                | Command::StopListening => {
                    ctx.info(EventKind::NotApplicable);
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
            closing = CloseReason::InternalError;
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
        // Idle (or a tick): the counter is read directly, so the total is exact soon after
        // a flood ends even if no datagram follows it.
        if let Some(total) = drops.due(&socket, Instant::now(), false) {
            ctx.info(EventKind::KernelDrops { total });
        }
        ctx.flush_notify();
    }
    if let Some(total) = drops.due(&socket, Instant::now(), true) {
        ctx.info(EventKind::KernelDrops { total });
    }
    ctx.emit(
        None,
        None,
        EventKind::Closed {
            by: ClosedBy::Local,
            reason: closing,
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
        .ok_or_else(|| {
            let p = addr::AddrProblem::HostNoAddress(t.to_string());
            addr::AddrError(p.english(), p)
        })
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

/// Checks a multicast config before anything is bound: the group must be a multicast
/// address, and an IPv4 group needs an IPv4 interface address.
pub(crate) fn check_multicast(m: &MulticastConfig) -> Result<(), String> {
    if !m.group.is_multicast() {
        return Err(format!(
            "{} is not a multicast address: multicast groups are 224.0.0.0–239.255.255.255 (IPv4) or ff00::/8 (IPv6)",
            m.group
        ));
    }
    if m.group.is_ipv4()
        && let Some(IpAddr::V6(i)) = m.interface
    {
        return Err(format!(
            "interface {i} has no IPv4 address: an IPv4 group is joined on an interface's IPv4 address (such as 127.0.0.1 or 192.168.1.10)"
        ));
    }
    Ok(())
}

fn wildcard(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    }
}

fn iface_v4(m: &MulticastConfig) -> Ipv4Addr {
    match m.interface {
        Some(IpAddr::V4(i)) => i,
        _ => Ipv4Addr::UNSPECIFIED,
    }
}

fn iface_text(m: &MulticastConfig) -> String {
    match (m.group, m.interface) {
        (IpAddr::V4(_), Some(i)) => format!("interface {i}"),
        (IpAddr::V4(_), None) => "the default interface".into(),
        (IpAddr::V6(_), _) if m.interface_index != 0 => {
            format!("interface #{}", m.interface_index)
        }
        (IpAddr::V6(_), _) => "the default interface".into(),
    }
}

/// The receiver joins the group (IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP).
fn join(s: &Socket, m: &MulticastConfig) -> Result<EventKind, (io::Error, String)> {
    let on = iface_text(m);
    let res = match m.group {
        IpAddr::V4(g) => s.join_multicast_v4(&g, &iface_v4(m)),
        IpAddr::V6(g) => s.join_multicast_v6(&g, m.interface_index),
    };
    res.map_err(|e| {
        let hint = match e.raw_os_error() {
            Some(19) => " (no interface has that address, or it cannot do multicast)",
            Some(101) | Some(113) => " (no multicast route on that interface)",
            _ => "",
        };
        (
            e,
            format!("cannot join multicast group {} on {on}{hint}", m.group),
        )
    })?;
    Ok(EventKind::MulticastJoined {
        group: m.group,
        interface: m.interface,
        index: m.interface_index,
    })
}

/// The sender sets TTL / hop limit, loopback and (when given) the outgoing interface.
fn set_sender_options(s: &Socket, m: &MulticastConfig) -> Result<EventKind, (io::Error, String)> {
    let fail = |what: &str| {
        let what = what.to_string();
        move |e: io::Error| (e, format!("cannot set {what}"))
    };
    match m.group {
        IpAddr::V4(_) => {
            if let Some(IpAddr::V4(i)) = m.interface {
                s.set_multicast_if_v4(&i)
                    .map_err(fail(&format!("the multicast interface to {i}")))?;
            }
            s.set_multicast_ttl_v4(m.ttl)
                .map_err(fail(&format!("the multicast TTL to {}", m.ttl)))?;
            s.set_multicast_loop_v4(m.loopback)
                .map_err(fail("multicast loopback"))?;
        }
        IpAddr::V6(_) => {
            if m.interface_index != 0 {
                s.set_multicast_if_v6(m.interface_index)
                    .map_err(fail(&format!(
                        "the multicast interface to #{}",
                        m.interface_index
                    )))?;
            }
            s.set_multicast_hops_v6(m.ttl)
                .map_err(fail(&format!("the multicast hop limit to {}", m.ttl)))?;
            s.set_multicast_loop_v6(m.loopback)
                .map_err(fail("multicast loopback"))?;
        }
    }
    Ok(EventKind::MulticastOptions {
        group: m.group,
        interface: m.interface,
        index: m.interface_index,
        ttl: m.ttl,
        loopback: m.loopback,
    })
}

fn open(
    bind: SocketAddr,
    broadcast: bool,
    reuse: bool,
    opts: &super::sockopts::SockOpts,
) -> io::Result<Socket> {
    let s = Socket::new(Domain::for_address(bind), Type::DGRAM, Some(Protocol::UDP))?;
    if broadcast {
        s.set_broadcast(true)?;
    }
    if reuse {
        // Several receivers on one machine may join the same group and port.
        s.set_reuse_address(true)?;
    }
    // A big receive buffer rides out bursts while the UI is busy.
    let _ = s.set_recv_buffer_size(8 << 20);
    let _ = s.set_send_buffer_size(4 << 20);
    // The user's own choices replace those defaults.
    super::sockopts::apply(&socket2::SockRef::from(&s), opts, false, bind.is_ipv6());
    s.bind(&bind.into())?;
    s.set_nonblocking(true)?;
    Ok(s)
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
