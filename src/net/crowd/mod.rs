//! A crowd from one tab: one worker thread (mio) that drives N TCP connections (the TCP
//! client) or N UDP sources on their own ephemeral ports (the UDP sender), opened at a
//! ramp rate. Each one is a `client` in the events (1..=N), so the log, the record, the
//! spool and the exports say which connection. What a connection keeps is small (its
//! socket, its state and what the kernel did not take yet); the read buffer is shared.
//!
//! The runtime drives the sending as it does a server's clients: `Send` to
//! [`super::Target::Client`] goes to one connection, to `Default` / `AllClients` to every
//! open one (see `auto_send`). The counts and the summary are the runtime's
//! (`session::crowd`), from these events.

use super::error::{ErrorKind, Op, describe};
use std::io;
use std::time::{Duration, Instant};

mod tcp;
mod udp;

pub(crate) use tcp::run as run_tcp;
pub(crate) use udp::run as run_udp;

/// The most connections (or sources) a crowd may have.
pub const MAX_CONNECTIONS: u32 = 100_000;
/// The most new sockets opened in one turn of the loop (at full ramp), so the replies and
/// commands of those already open are looked at in between.
const BURST: u32 = 256;
/// Reads of one connection (source) in one turn of the loop.
const READS_PER_TURN: usize = 16;
/// The shared read buffer.
const READ_BUF: usize = 16 * 1024;
/// What one connection may hold that the kernel has not taken yet; past it a send to
/// that connection is refused (said), never buffered without bound.
const OUT_CAP: usize = 256 * 1024;

/// How many connections, and how fast they are opened.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CrowdConfig {
    /// 1..=[`MAX_CONNECTIONS`].
    pub connections: u32,
    /// New connections a second; None: as fast as the system takes them.
    pub ramp: Option<f64>,
}

/// Why a crowd's numbers are refused.
#[derive(Clone, Debug, PartialEq)]
pub enum CrowdError {
    /// Not in 1..=[`MAX_CONNECTIONS`].
    Connections(u64),
    /// Not a finite number ≥ 0.
    Ramp(f64),
}

impl std::fmt::Display for CrowdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CrowdError::Connections(n) => write!(
                f,
                "{n} connections: give 1 to {MAX_CONNECTIONS} (1 is a single client)"
            ),
            CrowdError::Ramp(r) => write!(
                f,
                "a ramp of {r} a second: give a number of new connections a second, 0 or more (0: as fast as possible)"
            ),
        }
    }
}

impl CrowdConfig {
    /// Checks the numbers; a ramp of 0 means as fast as possible.
    pub fn new(connections: u64, ramp: Option<f64>) -> Result<CrowdConfig, CrowdError> {
        if connections == 0 || connections > u64::from(MAX_CONNECTIONS) {
            return Err(CrowdError::Connections(connections));
        }
        let ramp = ramp_rate(ramp)?;
        Ok(CrowdConfig {
            connections: connections as u32,
            ramp,
        })
    }
}

/// A ramp as given (new connections a second): a finite number, 0 or more; 0 (or none)
/// is as fast as possible (None).
pub fn ramp_rate(ramp: Option<f64>) -> Result<Option<f64>, CrowdError> {
    match ramp {
        Some(r) if !r.is_finite() || r < 0.0 => Err(CrowdError::Ramp(r)),
        Some(0.0) => Ok(None),
        r => Ok(r),
    }
}

/// When the next connections may open.
pub(crate) struct Ramp {
    per_sec: Option<f64>,
    started: Instant,
    opened: u32,
    total: u32,
}

impl Ramp {
    pub(crate) fn new(cfg: &CrowdConfig, now: Instant) -> Ramp {
        Ramp {
            per_sec: cfg.ramp,
            started: now,
            opened: 0,
            total: cfg.connections,
        }
    }

    /// How many may be opened now (at most [`BURST`]).
    pub(crate) fn due(&self, now: Instant) -> u32 {
        let allowed = match self.per_sec {
            None => self.total,
            Some(r) => {
                let el = now.saturating_duration_since(self.started).as_secs_f64();
                ((el * r).floor() as u64 + 1).min(u64::from(self.total)) as u32
            }
        };
        allowed.saturating_sub(self.opened).min(BURST)
    }

    pub(crate) fn opened(&mut self) {
        self.opened += 1;
    }

    pub(crate) fn done(&self) -> bool {
        self.opened >= self.total
    }

    /// How long until the next one is due (None: all opened).
    pub(crate) fn wait(&self, now: Instant) -> Option<Duration> {
        if self.done() {
            return None;
        }
        match self.per_sec {
            None => Some(Duration::ZERO),
            Some(r) => {
                let at = self.started + Duration::from_secs_f64(f64::from(self.opened) / r);
                Some(at.saturating_duration_since(now))
            }
        }
    }
}

/// A socket that could not be made or could not connect, typed and worded: the number of
/// open files (with how to raise it) and the ephemeral ports running out are said as such.
/// A Send to one member of the crowd (`Target::Client`) or to every member (`send_one`
/// says whether that member took it); when none took it, `none` is said as a
/// "not connected" error (counted by the tally as not sent).
pub(crate) fn send_to_members(
    ctx: &mut super::worker::Ctx,
    to: super::Target,
    members: u32,
    peer: std::net::SocketAddr,
    none: &str,
    mut send_one: impl FnMut(&mut super::worker::Ctx, u32) -> bool,
) {
    let sent = match to {
        super::Target::Client(id) => send_one(ctx, id as u32),
        _ => {
            let mut any = false;
            for id in 1..=members {
                any |= send_one(ctx, id);
            }
            any
        }
    };
    if !sent {
        ctx.error(Some(peer), None, ErrorKind::NotConnected, none.into());
    }
}

pub(crate) fn failure(e: &io::Error, op: Op, addr: &str) -> (ErrorKind, String) {
    let code = e.raw_os_error();
    if code == Some(EMFILE) || code == Some(ENFILE) {
        let (soft, hard) = nofile();
        let limit = match (soft, hard) {
            (Some(s), Some(h)) => format!(" (this process may hold {s}; the hard limit is {h})"),
            _ => String::new(),
        };
        let whose = if code == Some(ENFILE) {
            "the system"
        } else {
            "this process"
        };
        return (
            ErrorKind::TooManyOpenFiles,
            format!(
                "cannot {} {addr}: too many open files: {whose} holds as many as it may{limit}; \
                 raise it with `ulimit -n 65536` in the shell before starting (up to the hard \
                 limit; beyond it, as root, in /etc/security/limits.conf)",
                op.verb()
            ),
        );
    }
    if e.kind() == io::ErrorKind::AddrNotAvailable && matches!(op, Op::Connect) {
        return (
            ErrorKind::AddrNotAvailable,
            format!(
                "cannot {} {addr}: no local port left for another connection (EADDRNOTAVAIL): \
                 the ephemeral ports (net.ipv4.ip_local_port_range) to this address are all in use",
                op.verb()
            ),
        );
    }
    describe(e, op, addr)
}

#[cfg(target_os = "linux")]
const EMFILE: i32 = libc::EMFILE;
#[cfg(target_os = "linux")]
const ENFILE: i32 = libc::ENFILE;
#[cfg(not(target_os = "linux"))]
const EMFILE: i32 = 24;
#[cfg(not(target_os = "linux"))]
const ENFILE: i32 = 23;

/// RLIMIT_NOFILE (soft, hard), where the system tells.
#[cfg(target_os = "linux")]
// rlim_t is u64 here, but not on every Linux target.
#[allow(clippy::useless_conversion)]
fn nofile() -> (Option<u64>, Option<u64>) {
    let mut r = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct it is given, nothing else.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) } != 0 {
        return (None, None);
    }
    let v = |x: libc::rlim_t| (x != libc::RLIM_INFINITY).then_some(u64::from(x));
    (v(r.rlim_cur), v(r.rlim_max))
}

#[cfg(not(target_os = "linux"))]
fn nofile() -> (Option<u64>, Option<u64>) {
    (None, None)
}

/// The crowd's destination (its first address), or None once the session has been told
/// why not (`cannot`: the message's start, e.g. "cannot connect to 10.0.0.9:502").
pub(crate) fn destination(
    cfg: &crate::net::SessionConfig,
    ctx: &mut crate::net::worker::Ctx,
    cannot: &str,
) -> Option<std::net::SocketAddr> {
    match crate::net::addr::resolve(&cfg.address) {
        Ok(v) if !v.is_empty() => Some(v[0]),
        Ok(_) | Err(_) => {
            let kind = crate::net::error::resolve_failure_kind(&cfg.address);
            ctx.error(
                None,
                None,
                kind,
                format!("{cannot}: the address does not resolve"),
            );
            None
        }
    }
}

/// A crowd of `n` needs about `n` descriptors: the soft RLIMIT_NOFILE is raised towards
/// the hard limit when it is lower (as a shell's `ulimit -n` would); past the hard limit
/// the connections that find none fail with [`ErrorKind::TooManyOpenFiles`], told.
#[cfg(target_os = "linux")]
pub(crate) fn raise_nofile(n: u32) {
    let want = libc::rlim_t::from(n) + 64;
    let mut r = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit / setrlimit read and write the struct they are given.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) != 0 {
            return;
        }
        if r.rlim_cur == libc::RLIM_INFINITY || r.rlim_cur >= want {
            return;
        }
        // RLIM_INFINITY is the largest value: min() keeps `want` then.
        let to = r.rlim_max.min(want);
        if to > r.rlim_cur {
            r.rlim_cur = to;
            libc::setrlimit(libc::RLIMIT_NOFILE, &r);
        }
    }
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn raise_nofile(_: u32) {}

/// What each connection of a crowd must receive after its first send (checked by the
/// session's tally, `crate::session::crowd`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrowdExpect {
    /// Bytes a reply must contain (looked for in each received chunk).
    pub needle: Vec<u8>,
    /// How long after its first send a connection may wait for it.
    pub timeout: std::time::Duration,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_checked() {
        assert!(CrowdConfig::new(0, None).is_err());
        assert!(CrowdConfig::new(100_001, None).is_err());
        assert!(CrowdConfig::new(5, Some(-1.0)).is_err());
        assert!(CrowdConfig::new(5, Some(f64::NAN)).is_err());
        assert_eq!(CrowdConfig::new(5, Some(0.0)).map(|c| c.ramp), Ok(None));
        assert_eq!(
            CrowdConfig::new(100_000, Some(10.0)).map(|c| c.connections),
            Ok(100_000)
        );
    }

    #[test]
    fn ramp_paces_and_bursts() {
        let now = Instant::now();
        let cfg = CrowdConfig::new(10, Some(2.0)).unwrap_or(CrowdConfig {
            connections: 10,
            ramp: Some(2.0),
        });
        let mut r = Ramp::new(&cfg, now);
        assert_eq!(r.due(now), 1);
        r.opened();
        assert_eq!(r.due(now), 0);
        assert_eq!(r.due(now + Duration::from_millis(1600)), 3);
        let full = CrowdConfig {
            connections: 1000,
            ramp: None,
        };
        assert_eq!(Ramp::new(&full, now).due(now), BURST);
    }

    #[test]
    fn emfile_says_how_to_raise_the_limit() {
        let e = io::Error::from_raw_os_error(EMFILE);
        let (k, m) = failure(&e, Op::Connect, "127.0.0.1:9");
        assert_eq!(k, ErrorKind::TooManyOpenFiles);
        assert!(m.contains("ulimit -n"), "{m}");
    }
}
