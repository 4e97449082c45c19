//! The network's answers to a UDP socket: ICMP errors (port unreachable, host unreachable,
//! message too long). UDP has no connection, yet a host with nothing on the port answers
//! with ICMP port unreachable, and the system tells the socket.
//!
//! Linux: the socket asks for them with `IP_RECVERR` / `IPV6_RECVERR`; each arrives on its
//! error queue (read with `MSG_ERRQUEUE`) with the ICMP type and code, the path MTU, the
//! host that sent it and where the datagram went, and also as an error on the next
//! send or receive (ECONNREFUSED …), which is the cue to read the queue. Elsewhere only
//! that error number comes, on a later call: ECONNREFUSED is told as port unreachable
//! for the datagram's destination.

use crate::net::{IcmpKind, IcmpReport};
use std::io;
use std::net::SocketAddr;

/// Error numbers a UDP socket gets from an ICMP answer on a later call (EMSGSIZE is
/// left out: on a send it is this datagram being too large, a local error).
pub(crate) fn is_icmp_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
    )
}

/// What an error number alone says (no error queue): `to` is the datagram's destination
/// as far as the socket knows it.
pub(crate) fn from_errno(e: &io::Error, to: Option<SocketAddr>) -> IcmpReport {
    let kind = match e.kind() {
        io::ErrorKind::HostUnreachable => IcmpKind::HostUnreachable,
        io::ErrorKind::NetworkUnreachable => IcmpKind::NetUnreachable,
        _ => IcmpKind::PortUnreachable,
    };
    IcmpReport {
        kind,
        to,
        from: None,
        icmp: false,
    }
}

/// Asks the system for ICMP errors on the socket's error queue.
#[cfg(target_os = "linux")]
pub(crate) fn enable(s: &socket2::Socket, v6: bool) {
    use std::os::fd::AsRawFd;
    let on: libc::c_int = 1;
    let set = |level: libc::c_int, name: libc::c_int| {
        // SAFETY: a valid socket descriptor and a c_int option value of the right size.
        unsafe {
            libc::setsockopt(
                s.as_raw_fd(),
                level,
                name,
                (&on as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        }
    };
    if v6 {
        set(libc::SOL_IPV6, libc::IPV6_RECVERR);
    }
    // An IPv6 socket sending to an IPv4-mapped address gets IPv4 errors.
    set(libc::SOL_IP, libc::IP_RECVERR);
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn enable(_s: &socket2::Socket, _v6: bool) {}

/// Most reports read from the error queue in one call (the rest wait for the next).
pub(super) const MAX_PER_READ: usize = 64;

/// Reads the socket's error queue: the ICMP errors waiting, oldest first.
#[cfg(target_os = "linux")]
pub(crate) fn read_queue(sock: &impl std::os::fd::AsRawFd) -> Vec<IcmpReport> {
    let mut out = Vec::new();
    while out.len() < MAX_PER_READ {
        match read_one(sock.as_raw_fd()) {
            Some(Some(r)) => out.push(r),
            // A message that is not an ICMP error: skipped.
            Some(None) => {}
            None => break,
        }
    }
    out
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn read_queue<T>(_sock: &T) -> Vec<IcmpReport> {
    Vec::new()
}

/// One message from the error queue: None when it is empty (or unreadable), Some(None)
/// for a message that is not an ICMP error.
#[cfg(target_os = "linux")]
fn read_one(fd: libc::c_int) -> Option<Option<IcmpReport>> {
    use std::mem::size_of;
    // The datagram's first bytes come back too; they are not needed.
    let mut data = [0u8; 64];
    let mut iov = libc::iovec {
        iov_base: data.as_mut_ptr().cast(),
        iov_len: data.len(),
    };
    // SAFETY: plain C structs; all zeroes is a valid value.
    let mut name: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let mut control = [0u64; 64];
    // SAFETY: as above.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_name = (&mut name as *mut libc::sockaddr_storage).cast();
    msg.msg_namelen = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = size_of::<[u64; 64]>() as _;
    // SAFETY: every pointer in `msg` points at a live local buffer of the length given.
    let n = unsafe { libc::recvmsg(fd, &mut msg, libc::MSG_ERRQUEUE | libc::MSG_DONTWAIT) };
    if n < 0 {
        return None;
    }
    let to = crate::net::rxbatch::sockaddr_to_std(&name, msg.msg_namelen as usize).ok();
    let mut report = None;
    // SAFETY: `msg` was filled by recvmsg; the CMSG macros walk its control buffer within
    // the length the kernel reported.
    let mut c = unsafe { libc::CMSG_FIRSTHDR(&msg) };
    while !c.is_null() {
        // SAFETY: `c` is a header inside the control buffer (CMSG_FIRSTHDR / NXTHDR).
        let h = unsafe { std::ptr::read_unaligned(c) };
        let ours = (h.cmsg_level == libc::SOL_IP && h.cmsg_type == libc::IP_RECVERR)
            || (h.cmsg_level == libc::SOL_IPV6 && h.cmsg_type == libc::IPV6_RECVERR);
        #[allow(clippy::unnecessary_cast)]
        let len = h.cmsg_len as usize;
        // SAFETY: CMSG_LEN is arithmetic.
        let need = unsafe { libc::CMSG_LEN(size_of::<libc::sock_extended_err>() as u32) } as usize;
        if ours && len >= need {
            // SAFETY: the data holds a sock_extended_err (checked length), maybe unaligned.
            let ee_ptr = unsafe { libc::CMSG_DATA(c) }.cast::<libc::sock_extended_err>();
            let ee = unsafe { std::ptr::read_unaligned(ee_ptr) };
            let from = offender(ee_ptr, len - need);
            report = classify(&ee).map(|kind| IcmpReport {
                kind,
                to,
                from,
                icmp: ee.ee_origin != libc::SO_EE_ORIGIN_LOCAL,
            });
        }
        // SAFETY: as above.
        c = unsafe { libc::CMSG_NXTHDR(&msg, c) };
    }
    Some(report)
}

/// The host that sent the ICMP message: the address after the `sock_extended_err`
/// (SO_EE_OFFENDER), when the kernel wrote one (`room` bytes follow it).
#[cfg(target_os = "linux")]
fn offender(ee: *const libc::sock_extended_err, room: usize) -> Option<std::net::IpAddr> {
    use std::mem::size_of;
    if room < size_of::<libc::sockaddr_in>() {
        return None;
    }
    // SAFETY: the offender address follows the struct inside the control message, and at
    // least a sockaddr_in's worth of bytes is there (checked); read unaligned.
    let sa = unsafe { libc::SO_EE_OFFENDER(ee) };
    let mut st: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let copy = room.min(size_of::<libc::sockaddr_storage>());
    // SAFETY: `copy` bytes are inside the control buffer and fit in `st`.
    unsafe {
        std::ptr::copy_nonoverlapping(
            sa.cast::<u8>(),
            (&mut st as *mut libc::sockaddr_storage).cast::<u8>(),
            copy,
        )
    };
    let a = crate::net::rxbatch::sockaddr_to_std(&st, copy).ok()?;
    (!a.ip().is_unspecified()).then(|| a.ip())
}

/// The kind of an error-queue entry, or None for one that is not about the network's
/// answer (a timestamp, a zero-copy notice).
#[cfg(target_os = "linux")]
fn classify(ee: &libc::sock_extended_err) -> Option<IcmpKind> {
    let (t, c) = (ee.ee_type, ee.ee_code);
    match ee.ee_origin {
        libc::SO_EE_ORIGIN_ICMP => Some(match (t, c) {
            (3, 3) => IcmpKind::PortUnreachable,
            (3, 0) => IcmpKind::NetUnreachable,
            (3, 1) => IcmpKind::HostUnreachable,
            (3, 4) => IcmpKind::TooBig { mtu: ee.ee_info },
            _ => IcmpKind::Other {
                icmp_type: t,
                code: c,
            },
        }),
        libc::SO_EE_ORIGIN_ICMP6 => Some(match (t, c) {
            (1, 4) => IcmpKind::PortUnreachable,
            (1, 0) => IcmpKind::NetUnreachable,
            (1, 3) => IcmpKind::HostUnreachable,
            (2, _) => IcmpKind::TooBig { mtu: ee.ee_info },
            _ => IcmpKind::Other {
                icmp_type: t,
                code: c,
            },
        }),
        // This host's own interface MTU (a datagram larger than it with DF set).
        libc::SO_EE_ORIGIN_LOCAL if ee.ee_errno == libc::EMSGSIZE as u32 => {
            Some(IcmpKind::TooBig { mtu: ee.ee_info })
        }
        _ => None,
    }
}
