//! The UDP socket itself: the address to bind, opening it with the session's options
//! (and ICMP errors asked for), where a file's datagrams go, and one whole send.

use super::icmp;
use crate::net::{Target, addr};
use socket2::{Domain, Protocol, Socket, Type};
use std::io;
use std::net::SocketAddr;

/// The address to bind: the given text, or (empty) any port on the destination's family.
pub(super) fn bind_address(
    text: &str,
    dest: Option<SocketAddr>,
) -> Result<SocketAddr, addr::AddrError> {
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
pub(super) fn file_target(to: &Target, fallback: Option<SocketAddr>) -> Result<SocketAddr, String> {
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

pub(super) fn any_v4() -> SocketAddr {
    SocketAddr::from(([0, 0, 0, 0], 0))
}

pub(super) fn open(
    bind: SocketAddr,
    broadcast: bool,
    reuse: bool,
    opts: &crate::net::sockopts::SockOpts,
) -> io::Result<Socket> {
    let s = Socket::new(Domain::for_address(bind), Type::DGRAM, Some(Protocol::UDP))?;
    // The network's answers (ICMP errors) with their addresses, on the error queue.
    icmp::enable(&s, bind.is_ipv6());
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
    crate::net::sockopts::apply(&socket2::SockRef::from(&s), opts, false, bind.is_ipv6());
    s.bind(&bind.into())?;
    s.set_nonblocking(true)?;
    Ok(s)
}

pub(super) fn send_to(
    socket: &mio::net::UdpSocket,
    bytes: &[u8],
    to: SocketAddr,
) -> io::Result<()> {
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
