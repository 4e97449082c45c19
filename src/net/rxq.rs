//! Datagrams the kernel dropped before the app could read them.
//!
//! On Linux, `SO_RXQ_OVFL` makes every `recvmsg` carry the socket's drop counter (the
//! datagrams discarded because its receive buffer was full) as ancillary data. The UDP
//! worker reads through [`recv_from`] and reports the counter as "kernel dropped: N", so
//! the user knows loss happened before the app saw anything. Elsewhere the counter is
//! simply never reported and [`recv_from`] is a plain `recv_from`.

use std::time::{Duration, Instant};

/// The kernel's drop counter, as last seen on a received datagram.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Drops {
    /// True once the option is on: the counter below is meaningful.
    pub enabled: bool,
    /// Datagrams dropped so far (the highest value reported by the kernel).
    pub dropped: u64,
    /// The count last reported to the user, and when.
    shown: u64,
    shown_at: Option<Instant>,
}

/// How often a growing count is reported (and once more when the socket closes).
const REPORT_EVERY: Duration = Duration::from_secs(1);

impl Drops {
    /// Turns the counter on for `sock` where the system has one.
    pub fn new<S: CountsDrops>(sock: &S) -> Drops {
        Drops {
            enabled: sock.enable_rxq_ovfl(),
            ..Drops::default()
        }
    }

    /// "kernel dropped: N …" when the count grew since the last report and a report is due
    /// (at most once a second while running; always at the `last` call).
    pub fn due(&mut self, now: Instant, last: bool) -> Option<String> {
        if self.dropped <= self.shown {
            return None;
        }
        if !last
            && self
                .shown_at
                .is_some_and(|t| now.duration_since(t) < REPORT_EVERY)
        {
            return None;
        }
        self.shown = self.dropped;
        self.shown_at = Some(now);
        Some(format!(
            "kernel dropped: {} datagrams so far (the socket's receive buffer was full, so they never reached the app)",
            self.dropped
        ))
    }
}

/// Sockets the counter can be turned on for (all of them: a no-op off Linux).
pub(crate) trait CountsDrops {
    fn enable_rxq_ovfl(&self) -> bool;
}

#[cfg(target_os = "linux")]
impl<T: std::os::fd::AsRawFd> CountsDrops for T {
    fn enable_rxq_ovfl(&self) -> bool {
        enable(self)
    }
}

#[cfg(not(target_os = "linux"))]
impl<T> CountsDrops for T {
    fn enable_rxq_ovfl(&self) -> bool {
        false
    }
}

#[cfg(target_os = "linux")]
mod imp {
    use super::Drops;
    use socket2::{MaybeUninitSlice, MsgHdrMut, SockAddr, SockRef};
    use std::io;
    use std::mem::{MaybeUninit, size_of};
    use std::net::SocketAddr;
    use std::os::fd::{AsFd, AsRawFd};

    /// Turns the option on. Returns false if the kernel refused (the counter stays unknown).
    pub fn enable(sock: &impl AsRawFd) -> bool {
        let on: libc::c_int = 1;
        // SAFETY: a valid descriptor, and a pointer to a c_int of the size we pass.
        let r = unsafe {
            libc::setsockopt(
                sock.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_RXQ_OVFL,
                (&on as *const libc::c_int).cast(),
                size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        r == 0
    }

    pub fn recv_from(
        sock: &impl AsFd,
        buf: &mut [u8],
        drops: &mut Drops,
    ) -> io::Result<(usize, SocketAddr)> {
        if !drops.enabled {
            let sock = SockRef::from(sock);
            let mut addr = empty_addr();
            let n = recv_plain(&sock, buf, &mut addr)?;
            return Ok((n, to_std(&addr)?));
        }
        let sock = SockRef::from(sock);
        let mut addr = empty_addr();
        // Room for a few control messages (one u32 counter is all we ask for).
        let mut control = [MaybeUninit::<u8>::uninit(); 64];
        // SAFETY: u8 and MaybeUninit<u8> have the same layout; recvmsg only writes bytes.
        let uninit = unsafe { &mut *(buf as *mut [u8] as *mut [MaybeUninit<u8>]) };
        let mut bufs = [MaybeUninitSlice::new(uninit)];
        let (n, control_len) = {
            let mut msg = MsgHdrMut::new()
                .with_addr(&mut addr)
                .with_buffers(&mut bufs)
                .with_control(&mut control);
            let n = sock.recvmsg(&mut msg, 0)?;
            (n, msg.control_len())
        };
        let control_len = control_len.min(control.len());
        // SAFETY: the kernel initialised the first `control_len` bytes.
        let control: &[u8] =
            unsafe { std::slice::from_raw_parts(control.as_ptr().cast::<u8>(), control_len) };
        if let Some(d) = parse_drops(control) {
            drops.dropped = drops.dropped.max(u64::from(d));
        }
        Ok((n, to_std(&addr)?))
    }

    fn recv_plain(sock: &SockRef<'_>, buf: &mut [u8], addr: &mut SockAddr) -> io::Result<usize> {
        // SAFETY: as above.
        let uninit = unsafe { &mut *(buf as *mut [u8] as *mut [MaybeUninit<u8>]) };
        let mut bufs = [MaybeUninitSlice::new(uninit)];
        let mut msg = MsgHdrMut::new().with_addr(addr).with_buffers(&mut bufs);
        sock.recvmsg(&mut msg, 0)
    }

    /// Room for any address: recvmsg fills in the sender's.
    fn empty_addr() -> SockAddr {
        let storage = socket2::SockAddrStorage::zeroed();
        let len = storage.size_of();
        // SAFETY: a zeroed storage with its full size is a valid (AF_UNSPEC) address.
        unsafe { SockAddr::new(storage, len) }
    }

    fn to_std(addr: &SockAddr) -> io::Result<SocketAddr> {
        addr.as_socket()
            .ok_or_else(|| io::Error::other("a datagram came from a non-IP address"))
    }

    /// Finds the SO_RXQ_OVFL counter in a control buffer (walked by hand, bounds-checked).
    pub(super) fn parse_drops(control: &[u8]) -> Option<u32> {
        let align = size_of::<usize>();
        let round = |n: usize| (n + align - 1) & !(align - 1);
        let hdr = size_of::<libc::cmsghdr>();
        let mut off = 0usize;
        let mut found = None;
        while off + hdr <= control.len() {
            // SAFETY: `hdr` bytes are in bounds; read_unaligned copes with any alignment.
            let h: libc::cmsghdr = unsafe {
                std::ptr::read_unaligned(control.as_ptr().add(off).cast::<libc::cmsghdr>())
            };
            let len = h.cmsg_len as usize;
            if len < hdr || off + len > control.len() {
                break;
            }
            let data = off + round(hdr);
            if h.cmsg_level == libc::SOL_SOCKET
                && h.cmsg_type == libc::SO_RXQ_OVFL
                && data + 4 <= off + len
            {
                let mut b = [0u8; 4];
                b.copy_from_slice(&control[data..data + 4]);
                found = Some(u32::from_ne_bytes(b));
            }
            off += round(len);
        }
        found
    }
}

#[cfg(target_os = "linux")]
pub(crate) use imp::{enable, recv_from};

#[cfg(not(target_os = "linux"))]
pub(crate) fn recv_from(
    sock: &mio::net::UdpSocket,
    buf: &mut [u8],
    _drops: &mut Drops,
) -> std::io::Result<(usize, std::net::SocketAddr)> {
    sock.recv_from(buf)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn parses_the_counter_and_ignores_garbage() {
        let hdr = std::mem::size_of::<libc::cmsghdr>();
        let mut buf = vec![0u8; hdr + 8];
        let h = libc::cmsghdr {
            cmsg_len: (hdr + 4) as _,
            cmsg_level: libc::SOL_SOCKET,
            cmsg_type: libc::SO_RXQ_OVFL,
        };
        // SAFETY: the buffer holds at least one header.
        unsafe { std::ptr::write_unaligned(buf.as_mut_ptr().cast::<libc::cmsghdr>(), h) };
        buf[hdr..hdr + 4].copy_from_slice(&1234u32.to_ne_bytes());
        assert_eq!(imp::parse_drops(&buf), Some(1234));
        assert_eq!(imp::parse_drops(&buf[..hdr + 2]), None, "cut short");
        assert_eq!(imp::parse_drops(&[]), None);
        assert_eq!(imp::parse_drops(&[0xff; 7]), None);
        let mut bad = buf.clone();
        bad[0] = 0xff; // a length past the end
        assert_eq!(imp::parse_drops(&bad), None);
    }

    #[test]
    fn counts_real_drops_on_loopback() {
        let rx = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let to = rx.local_addr().unwrap();
        let sock2 = socket2::SockRef::from(&rx);
        let _ = sock2.set_recv_buffer_size(4096);
        let mut drops = Drops::new(&rx);
        assert!(drops.enabled);
        let tx = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let n = 2000;
        for _ in 0..n {
            tx.send_to(&[7u8; 512], to).unwrap();
        }
        rx.set_nonblocking(true).unwrap();
        let mut buf = [0u8; 2048];
        let mut got = 0u64;
        while recv_from(&rx, &mut buf, &mut drops).is_ok() {
            got += 1;
        }
        // One more after the drops: it carries the final count.
        tx.send_to(b"last", to).unwrap();
        rx.set_nonblocking(false).unwrap();
        let (len, _) = recv_from(&rx, &mut buf, &mut drops).unwrap();
        assert_eq!(&buf[..len], b"last");
        got += 1;
        assert!(
            drops.dropped > 0,
            "a 4 KiB buffer cannot hold {n} datagrams"
        );
        assert_eq!(got + drops.dropped, n + 1, "received + dropped = sent");
        let now = Instant::now();
        let m = drops.due(now, false).unwrap();
        assert!(
            m.starts_with(&format!("kernel dropped: {} ", drops.dropped)),
            "{m}"
        );
        assert_eq!(drops.due(now, true), None, "reported once per change");
        drops.dropped += 1;
        assert_eq!(drops.due(now, false), None, "not twice a second");
        assert!(drops.due(now, true).is_some(), "but always at the end");
    }
}
