//! Datagrams the kernel dropped before the app could read them.
//!
//! On Linux the socket's drop counter (datagrams discarded because its receive buffer was
//! full) is read two ways: `SO_RXQ_OVFL` makes every datagram received carry it as
//! ancillary data (read with `parse_drops` by `super::rxbatch`'s `recvmmsg`), and
//! `getsockopt(SO_MEMINFO)` reads it directly, so the figure is exact shortly after a
//! flood ends even when no datagram follows. The UDP worker reads through
//! `super::rxbatch::RecvBatch`, calls [`Drops::due`] each pass, and reports the total as
//! `EventKind::KernelDrops`. Elsewhere the counter is simply never read and `recv_from`
//! is a plain `recv_from`.

use std::time::{Duration, Instant};

/// The kernel's drop counter, as last seen.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Drops {
    /// True once the option is on: the counter below is meaningful.
    pub enabled: bool,
    /// Datagrams dropped so far (the highest value reported by the kernel).
    pub dropped: u64,
    /// The count last reported to the user, and when.
    shown: u64,
    shown_at: Option<Instant>,
    /// When the counter was last read with SO_MEMINFO.
    read_at: Option<Instant>,
}

/// How often a growing count is reported (and once more when the socket closes).
const REPORT_EVERY: Duration = Duration::from_millis(200);
/// How often the counter is read directly (SO_MEMINFO) while the session runs.
const READ_EVERY: Duration = Duration::from_millis(100);

impl Drops {
    /// Turns the counter on for `sock` where the system has one.
    pub fn new<S: CountsDrops>(sock: &S) -> Drops {
        Drops {
            enabled: sock.enable_rxq_ovfl(),
            ..Drops::default()
        }
    }

    /// The total to report, when it grew since the last report and a report is due (at
    /// most every 200 ms while running; always at the `last` call). Reads the counter
    /// from the socket first when ~100 ms have passed since the last read (or `last`).
    pub fn due<S: CountsDrops>(&mut self, sock: &S, now: Instant, last: bool) -> Option<u64> {
        if last
            || self
                .read_at
                .is_none_or(|t| now.duration_since(t) >= READ_EVERY)
        {
            self.read_at = Some(now);
            if let Some(d) = sock.kernel_drops() {
                self.dropped = self.dropped.max(d);
            }
        }
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
        Some(self.dropped)
    }
}

/// Sockets the counter can be turned on for and read (all of them: a no-op off Linux).
pub(crate) trait CountsDrops {
    fn enable_rxq_ovfl(&self) -> bool;
    /// The socket's drop counter read now (SO_MEMINFO), if the system has one.
    fn kernel_drops(&self) -> Option<u64>;
}

#[cfg(target_os = "linux")]
impl<T: std::os::fd::AsRawFd> CountsDrops for T {
    fn enable_rxq_ovfl(&self) -> bool {
        enable(self)
    }
    fn kernel_drops(&self) -> Option<u64> {
        imp::meminfo_drops(self).map(u64::from)
    }
}

#[cfg(not(target_os = "linux"))]
impl<T> CountsDrops for T {
    fn enable_rxq_ovfl(&self) -> bool {
        false
    }
    fn kernel_drops(&self) -> Option<u64> {
        None
    }
}

#[cfg(target_os = "linux")]
mod imp {
    use std::mem::{size_of, size_of_val};
    use std::os::fd::AsRawFd;

    /// SO_MEMINFO (not in the libc crate): 55 in asm-generic; SPARC numbers it 0x39.
    #[cfg(not(any(target_arch = "sparc", target_arch = "sparc64")))]
    const SO_MEMINFO: libc::c_int = 55;
    #[cfg(any(target_arch = "sparc", target_arch = "sparc64"))]
    const SO_MEMINFO: libc::c_int = 0x39;
    /// SK_MEMINFO_VARS: the length of the u32 array SO_MEMINFO fills.
    const MEMINFO_VARS: usize = 9;

    /// The socket's drop counter (`SK_MEMINFO_DROPS`), or None if the kernel will not say.
    pub fn meminfo_drops(sock: &impl AsRawFd) -> Option<u32> {
        let mut info = [0u32; MEMINFO_VARS];
        let mut len = size_of_val(&info) as libc::socklen_t;
        // SAFETY: a valid descriptor; the kernel writes at most `len` bytes into `info`
        // and stores the length it wrote in `len`.
        let r = unsafe {
            libc::getsockopt(
                sock.as_raw_fd(),
                libc::SOL_SOCKET,
                SO_MEMINFO,
                info.as_mut_ptr().cast(),
                &mut len,
            )
        };
        let drops = libc::SK_MEMINFO_DROPS as usize;
        if r != 0 || (len as usize) < (drops + 1) * size_of::<u32>() {
            return None;
        }
        info.get(drops).copied()
    }

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

    /// Finds the SO_RXQ_OVFL counter in a control buffer (walked by hand, bounds-checked).
    pub(crate) fn parse_drops(control: &[u8]) -> Option<u32> {
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
pub(crate) use imp::{enable, parse_drops};

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
}
