//! The kernel's own view of a TCP connection, sampled by the worker about 4 times a
//! second while it is open (Linux: `getsockopt(TCP_INFO)` for RTT and its variance, the
//! congestion window, retransmits and unacknowledged segments; `SIOCOUTQ` / `SIOCINQ`
//! for the bytes still in the send and receive queues). Other systems report nothing,
//! and the window says so. The samples live on a board shared with the runtime's view,
//! not in the log: they are a gauge, not events.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often each open connection is sampled.
pub const SAMPLE_EVERY: Duration = Duration::from_millis(250);

/// One sample of a connection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcpStats {
    /// Smoothed round-trip time and its mean deviation, in microseconds.
    pub rtt_us: u32,
    pub rttvar_us: u32,
    /// Congestion window, in segments, and the sender's segment size in bytes.
    pub cwnd: u32,
    pub mss: u32,
    /// Segments re-sent over the connection's life, and now unacknowledged.
    pub total_retrans: u32,
    pub unacked: u32,
    /// Bytes written but not yet acknowledged (SIOCOUTQ), and received but not yet read
    /// (SIOCINQ).
    pub send_queue: u32,
    pub recv_queue: u32,
}

/// The newest sample of each open connection, by client id (the TCP client's is 0).
pub type StatsBoard = Arc<Mutex<BTreeMap<u64, TcpStats>>>;

/// Whether this system can sample connections at all.
pub const AVAILABLE: bool = cfg!(target_os = "linux");

/// The board's contents, even if a holder panicked.
pub fn read(board: &StatsBoard) -> BTreeMap<u64, TcpStats> {
    match board.lock() {
        Ok(b) => b.clone(),
        Err(p) => p.into_inner().clone(),
    }
}

/// Replaces the board's contents.
pub(crate) fn publish(board: &StatsBoard, now: BTreeMap<u64, TcpStats>) {
    match board.lock() {
        Ok(mut b) => *b = now,
        Err(p) => *p.into_inner() = now,
    }
}

/// Samples one connection; None where the system cannot.
#[cfg(target_os = "linux")]
pub(crate) fn sample(stream: &mio::net::TcpStream) -> Option<TcpStats> {
    use std::os::fd::AsRawFd;
    let fd = stream.as_raw_fd();
    // SAFETY: `info` is a plain C struct the kernel fills up to `len` bytes; `fd` is an
    // open socket owned by `stream` for the duration of the call.
    let mut info: libc::tcp_info = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
    let rc = unsafe {
        libc::getsockopt(
            fd,
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            (&mut info as *mut libc::tcp_info).cast(),
            &mut len,
        )
    };
    if rc != 0 {
        return None;
    }
    let queue = |req: libc::Ioctl| -> u32 {
        let mut n: libc::c_int = 0;
        // SAFETY: SIOCOUTQ / SIOCINQ write one int.
        let rc = unsafe { libc::ioctl(fd, req, &mut n) };
        if rc == 0 {
            u32::try_from(n).unwrap_or(0)
        } else {
            0
        }
    };
    Some(TcpStats {
        rtt_us: info.tcpi_rtt,
        rttvar_us: info.tcpi_rttvar,
        cwnd: info.tcpi_snd_cwnd,
        mss: info.tcpi_snd_mss,
        total_retrans: info.tcpi_total_retrans,
        unacked: info.tcpi_unacked,
        send_queue: queue(libc::TIOCOUTQ),
        recv_queue: queue(libc::FIONREAD),
    })
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn sample(_stream: &mio::net::TcpStream) -> Option<TcpStats> {
    None
}
