//! Unix domain socket addresses (`AF_UNIX`): `unix:/path` (a file in the file system) and,
//! on Linux, `unix:@name` (the abstract namespace: no file, gone with the last socket).
//!
//! Events, records and every table keyed by address carry a [`SocketAddr`]. A unix end
//! travels there as a *stand-in*: an IPv6 address in the discard-only prefix `100::/64`
//! (RFC 6666, which no real packet uses) whose low bits number the name. [`show`] turns a
//! stand-in back into `unix:/path` wherever an address is shown or written, and
//! [`from_text`] reads one back from a record. So replies, rosters, the TCP diagram and
//! the pcapng (IPv6 headers between stand-ins) work for unix peers unchanged.

use std::collections::HashMap;
use std::fmt;
use std::net::{Ipv6Addr, SocketAddr, SocketAddrV6};
use std::path::PathBuf;
use std::sync::Mutex;

/// Where a unix socket is, as typed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum UnixName {
    /// A file-system path (`unix:/tmp/x.sock`).
    Path(PathBuf),
    /// Linux's abstract namespace (`unix:@name`), without the leading NUL.
    Abstract(Vec<u8>),
    /// A socket with no name (a stream client that did not bind): the `n`th one seen.
    Unnamed(u64),
}

/// The most bytes of a path in `sockaddr_un` (108 on Linux, 104 on macOS/BSD), less the
/// terminating NUL.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub const MAX_PATH: usize = 107;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub const MAX_PATH: usize = 103;

/// True when this system has unix domain sockets at all.
pub const AVAILABLE: bool = cfg!(unix);
/// True when this system has the abstract namespace (`unix:@name`).
pub const ABSTRACT: bool = cfg!(any(target_os = "linux", target_os = "android"));

/// A name as shown: control characters (a peer may bind any name) escaped.
fn shown(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

impl fmt::Display for UnixName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnixName::Path(p) => write!(f, "unix:{}", shown(&p.to_string_lossy())),
            UnixName::Abstract(n) => write!(f, "unix:@{}", shown(&String::from_utf8_lossy(n))),
            UnixName::Unnamed(0) => f.write_str("unix:(unnamed)"),
            UnixName::Unnamed(n) => write!(f, "unix:(unnamed #{n})"),
        }
    }
}

impl UnixName {
    /// The std address to bind or connect to; None for an unnamed socket.
    #[cfg(unix)]
    pub fn to_std(&self) -> std::io::Result<std::os::unix::net::SocketAddr> {
        use std::os::unix::net::SocketAddr as UAddr;
        match self {
            UnixName::Path(p) => UAddr::from_pathname(p),
            #[cfg(any(target_os = "linux", target_os = "android"))]
            UnixName::Abstract(n) => {
                #[cfg(target_os = "android")]
                use std::os::android::net::SocketAddrExt;
                #[cfg(target_os = "linux")]
                use std::os::linux::net::SocketAddrExt;
                UAddr::from_abstract_name(n)
            }
            _ => Err(std::io::Error::from(std::io::ErrorKind::AddrNotAvailable)),
        }
    }

    /// The name of a std address (a peer's or our own); unnamed ones get a new number.
    #[cfg(unix)]
    pub fn of_std(a: &std::os::unix::net::SocketAddr) -> UnixName {
        if let Some(p) = a.as_pathname() {
            return UnixName::Path(p.to_path_buf());
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            #[cfg(target_os = "android")]
            use std::os::android::net::SocketAddrExt;
            #[cfg(target_os = "linux")]
            use std::os::linux::net::SocketAddrExt;
            if let Some(n) = a.as_abstract_name() {
                return UnixName::Abstract(n.to_vec());
            }
        }
        UnixName::unnamed()
    }

    /// A fresh unnamed end.
    pub fn unnamed() -> UnixName {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        UnixName::Unnamed(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }
}

/// Stand-ins live in `100::/64`; unnamed ends in `100::1:0:0:0/80` (their number is the
/// address), named ones in `100::/80` (their number indexes [`TABLE`]).
const PREFIX: u16 = 0x0100;
const UNNAMED_TAG: u16 = 1;
/// Names remembered at most; past it further names share one stand-in (shown as such).
const TABLE_CAP: usize = 65_536;
/// The port every stand-in carries (a unix socket has none; 0 would read as "any").
pub const STAND_IN_PORT: u16 = 1;

#[derive(Default)]
struct Table {
    names: Vec<UnixName>,
    index: HashMap<UnixName, u32>,
}

static TABLE: Mutex<Option<Table>> = Mutex::new(None);

fn v6(tag: u16, n: u64) -> SocketAddr {
    let [a, b, c, d] = [
        (n >> 48) as u16,
        (n >> 32) as u16,
        (n >> 16) as u16,
        n as u16,
    ];
    let ip = Ipv6Addr::new(PREFIX, 0, 0, tag, a, b, c, d);
    SocketAddr::V6(SocketAddrV6::new(ip, STAND_IN_PORT, 0, 0))
}

/// The stand-in address of a unix name (the same name always gets the same one).
pub fn stand_in(name: &UnixName) -> SocketAddr {
    if let UnixName::Unnamed(n) = name {
        return v6(UNNAMED_TAG, *n);
    }
    let mut guard = TABLE.lock().unwrap_or_else(|p| p.into_inner());
    let t = guard.get_or_insert_with(Table::default);
    if let Some(i) = t.index.get(name) {
        return v6(0, u64::from(*i));
    }
    if t.names.len() >= TABLE_CAP {
        return v6(0, u64::from(u32::MAX));
    }
    let i = t.names.len() as u32;
    t.names.push(name.clone());
    t.index.insert(name.clone(), i);
    v6(0, u64::from(i))
}

/// The unix name behind a stand-in; None for a real IP address.
pub fn name_of(a: &SocketAddr) -> Option<UnixName> {
    let SocketAddr::V6(v) = a else { return None };
    let s = v.ip().segments();
    if s[0] != PREFIX || s[1] != 0 || s[2] != 0 || v.port() != STAND_IN_PORT {
        return None;
    }
    let n = (u64::from(s[4]) << 48)
        | (u64::from(s[5]) << 32)
        | (u64::from(s[6]) << 16)
        | u64::from(s[7]);
    match s[3] {
        UNNAMED_TAG => Some(UnixName::Unnamed(n)),
        0 => {
            let guard = TABLE.lock().unwrap_or_else(|p| p.into_inner());
            let name = guard
                .as_ref()
                .and_then(|t| t.names.get(n as usize).cloned());
            Some(name.unwrap_or(UnixName::Unnamed(0)))
        }
        _ => None,
    }
}

/// True when this address stands in for a unix end.
pub fn is_stand_in(a: &SocketAddr) -> bool {
    name_of(a).is_some()
}

/// An address as people read it: `unix:/path` for a stand-in, else `host:port`.
pub fn show(a: &SocketAddr) -> String {
    match name_of(a) {
        Some(n) => n.to_string(),
        None => a.to_string(),
    }
}

/// Reads an address back from its text (a record's `local`/`peer`): `host:port`, or
/// `unix:…` (its stand-in).
pub fn from_text(text: &str) -> Option<SocketAddr> {
    if let Some(rest) = text.strip_prefix("unix:") {
        if let Some(n) = rest
            .strip_prefix("(unnamed #")
            .and_then(|r| r.strip_suffix(')'))
        {
            return n.parse().ok().map(|n| stand_in(&UnixName::Unnamed(n)));
        }
        if rest == "(unnamed)" {
            return Some(stand_in(&UnixName::Unnamed(0)));
        }
        if let Some(n) = rest.strip_prefix('@') {
            return Some(stand_in(&UnixName::Abstract(n.as_bytes().to_vec())));
        }
        return Some(stand_in(&UnixName::Path(PathBuf::from(rest))));
    }
    text.parse().ok()
}

/// A unix session's names: its address (destination, or where it binds or listens) and
/// (UDP sender) its own bind.
pub(crate) type Names = (Option<UnixName>, Option<UnixName>);

/// The unix address a session names, if any: its address, or (UDP sender) its bind.
/// Err: the words of what is wrong (a malformed `unix:` address, a unix end paired with
/// an IP one, or no unix sockets on this system).
pub(crate) fn unix_names(cfg: &crate::net::SessionConfig) -> Option<Result<Names, String>> {
    let main = cfg.address.trim();
    let bind = cfg.bind.as_deref().map(str::trim).filter(|b| !b.is_empty());
    let main_unix = crate::net::addr::is_unix(main);
    let bind_unix = bind.is_some_and(crate::net::addr::is_unix);
    if !main_unix && !bind_unix {
        return None;
    }
    let parse = |t: &str| match crate::net::addr::unix(t) {
        Some(Ok(n)) => Ok(n),
        Some(Err(e)) => Err(format!("{t}: {e}")),
        None => Err(format!(
            "{t} is not a unix socket address: a unix socket talks only to unix sockets (unix:/path)"
        )),
    };
    let main_name = if main.is_empty() {
        None
    } else {
        match parse(main) {
            Ok(n) => Some(n),
            Err(e) => return Some(Err(e)),
        }
    };
    let bind_name = match bind.map(parse) {
        Some(Ok(n)) => Some(n),
        Some(Err(e)) => return Some(Err(e)),
        None => None,
    };
    Some(Ok((main_name, bind_name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stand_ins_round_trip() {
        let p = UnixName::Path("/tmp/a.sock".into());
        let a = stand_in(&p);
        assert_eq!(stand_in(&p), a, "the same name, the same stand-in");
        assert_eq!(name_of(&a), Some(p));
        assert_eq!(show(&a), "unix:/tmp/a.sock");
        let u = UnixName::unnamed();
        let b = stand_in(&u);
        assert_eq!(name_of(&b), Some(u.clone()));
        assert_eq!(from_text(&show(&b)), Some(b));
        assert_eq!(
            from_text("unix:@abs"),
            Some(stand_in(&UnixName::Abstract(b"abs".to_vec())))
        );
        let real: SocketAddr = "[::1]:80".parse().unwrap();
        assert_eq!(name_of(&real), None);
        assert_eq!(show(&real), "[::1]:80");
        assert_eq!(from_text("127.0.0.1:5"), "127.0.0.1:5".parse().ok());
    }
}
