//! Socket options a user sets: SO_RCVBUF, SO_SNDBUF, TCP keep-alive with its idle time,
//! interval and count, and the IP TTL (IPv6: hop limit). After setting, every value is
//! read back with getsockopt, because the kernel decides: Linux doubles the buffer sizes
//! for its own bookkeeping and caps them at net.core.rmem_max / wmem_max.

use serde::{Deserialize, Serialize};
use socket2::SockRef;
use std::time::Duration;

/// TCP keep-alive: probe after `idle_s` seconds of silence, every `interval_s`
/// seconds, and give up after `count` unanswered probes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keepalive {
    pub idle_s: u32,
    pub interval_s: u32,
    pub count: u32,
}

/// What the user asked for (None: the system's default).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SockOpts {
    pub rcvbuf: Option<u32>,
    pub sndbuf: Option<u32>,
    /// IP TTL, or the IPv6 unicast hop limit (1–255).
    pub ttl: Option<u32>,
    /// TCP only.
    pub keepalive: Option<Keepalive>,
}

impl SockOpts {
    pub fn is_empty(&self) -> bool {
        *self == SockOpts::default()
    }
}

/// One option: what was asked (None: nothing) and what the kernel holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Val {
    pub asked: Option<u64>,
    pub actual: u64,
}

/// The options as the kernel holds them after setting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SockReport {
    pub rcvbuf: Option<Val>,
    pub sndbuf: Option<Val>,
    /// IP TTL, or (`ipv6`) the unicast hop limit.
    pub ttl: Option<Val>,
    pub ipv6: bool,
    /// TCP: keep-alive on, and its idle / interval / count (None where not readable).
    pub keepalive: Option<bool>,
    pub keepalive_idle_s: Option<Val>,
    pub keepalive_interval_s: Option<Val>,
    pub keepalive_count: Option<Val>,
}

/// Sets what `o` asks for on `s` (errors are left for the read-back to show: a value the
/// kernel refused reads back as it was).
pub fn apply(s: &SockRef<'_>, o: &SockOpts, tcp: bool, ipv6: bool) {
    if let Some(n) = o.rcvbuf {
        let _ = s.set_recv_buffer_size(n as usize);
    }
    if let Some(n) = o.sndbuf {
        let _ = s.set_send_buffer_size(n as usize);
    }
    if let Some(t) = o.ttl {
        let _ = if ipv6 {
            s.set_unicast_hops_v6(t)
        } else {
            s.set_ttl_v4(t)
        };
    }
    if tcp && let Some(k) = o.keepalive {
        let ka = socket2::TcpKeepalive::new().with_time(Duration::from_secs(k.idle_s.into()));
        #[cfg(any(
            target_os = "linux",
            target_os = "android",
            target_os = "macos",
            target_os = "freebsd",
            target_os = "windows"
        ))]
        let ka = ka.with_interval(Duration::from_secs(k.interval_s.into()));
        #[cfg(any(
            target_os = "linux",
            target_os = "android",
            target_os = "macos",
            target_os = "freebsd"
        ))]
        let ka = ka.with_retries(k.count);
        let _ = s.set_tcp_keepalive(&ka);
    }
}

/// Reads the options back from the kernel.
pub fn report(s: &SockRef<'_>, o: &SockOpts, tcp: bool, ipv6: bool) -> SockReport {
    let val = |asked: Option<u32>, actual: std::io::Result<u64>| {
        actual.ok().map(|actual| Val {
            asked: asked.map(u64::from),
            actual,
        })
    };
    let ttl = if ipv6 {
        s.unicast_hops_v6()
    } else {
        s.ttl_v4()
    };
    let ka = o.keepalive;
    let secs = |d: std::io::Result<Duration>| d.map(|d| d.as_secs());
    #[cfg(any(
        target_os = "linux",
        target_os = "android",
        target_os = "macos",
        target_os = "freebsd"
    ))]
    let (idle, interval, count) = (
        secs(s.tcp_keepalive_time()),
        secs(s.tcp_keepalive_interval()),
        s.tcp_keepalive_retries().map(u64::from),
    );
    #[cfg(not(any(
        target_os = "linux",
        target_os = "android",
        target_os = "macos",
        target_os = "freebsd"
    )))]
    let (idle, interval, count): (
        std::io::Result<u64>,
        std::io::Result<u64>,
        std::io::Result<u64>,
    ) = (
        Err(std::io::ErrorKind::Unsupported.into()),
        Err(std::io::ErrorKind::Unsupported.into()),
        Err(std::io::ErrorKind::Unsupported.into()),
    );
    let _ = secs;
    SockReport {
        rcvbuf: val(o.rcvbuf, s.recv_buffer_size().map(|n| n as u64)),
        sndbuf: val(o.sndbuf, s.send_buffer_size().map(|n| n as u64)),
        ttl: val(o.ttl, ttl.map(u64::from)),
        ipv6,
        keepalive: tcp.then(|| s.keepalive().ok()).flatten(),
        keepalive_idle_s: tcp.then(|| val(ka.map(|k| k.idle_s), idle)).flatten(),
        keepalive_interval_s: tcp
            .then(|| val(ka.map(|k| k.interval_s), interval))
            .flatten(),
        keepalive_count: tcp.then(|| val(ka.map(|k| k.count), count)).flatten(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kernel_tells_what_it_made_of_the_options() {
        let s = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        let o = SockOpts {
            rcvbuf: Some(100_000),
            sndbuf: Some(64_000),
            ttl: Some(9),
            keepalive: Some(Keepalive {
                idle_s: 7,
                interval_s: 3,
                count: 4,
            }),
        };
        let r = SockRef::from(&s);
        apply(&r, &o, true, false);
        let rep = report(&r, &o, true, false);
        let rcv = rep.rcvbuf.unwrap();
        assert_eq!(rcv.asked, Some(100_000));
        if cfg!(target_os = "linux") {
            // Linux doubles it (below net.core.rmem_max, which is 212,992 by default).
            assert_eq!(rcv.actual, 200_000);
        }
        assert_eq!(rep.ttl.unwrap().actual, 9);
        assert_eq!(rep.keepalive, Some(true));
        if cfg!(target_os = "linux") {
            assert_eq!(rep.keepalive_idle_s.unwrap().actual, 7);
            assert_eq!(rep.keepalive_interval_s.unwrap().actual, 3);
            assert_eq!(rep.keepalive_count.unwrap().actual, 4);
        }
    }
}
