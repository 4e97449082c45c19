//! Which local program holds a port, where the OS tells us: on Linux, the socket's inode
//! from /proc/net/{tcp,tcp6,udp,udp6}, then the process whose /proc/PID/fd links to it.
//! Processes of other users may be unreadable; then we only know that the port is in use.
//! Other systems have no /proc: there [`AVAILABLE`] is false and [`find`] never finds
//! one, so "address in use" is told without naming the holder.

use serde::{Deserialize, Serialize};

/// A process that has the port open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    pub pid: u32,
    pub name: String,
}

/// Whether this system can name a port's holder at all (Linux: from /proc).
pub const AVAILABLE: bool = cfg!(target_os = "linux");

/// The program that has `port` open for TCP listening (`tcp`) or UDP, if it can be found.
/// None: nobody found, or the process is not readable, or (see [`AVAILABLE`]) this
/// system has no way to look.
#[cfg(target_os = "linux")]
pub fn find(port: u16, tcp: bool) -> Option<Owner> {
    let tables: [&str; 2] = if tcp {
        ["/proc/net/tcp", "/proc/net/tcp6"]
    } else {
        ["/proc/net/udp", "/proc/net/udp6"]
    };
    let inodes: Vec<u64> = tables
        .iter()
        .filter_map(|t| std::fs::read_to_string(t).ok())
        .flat_map(|text| inodes_for(&text, port, tcp))
        .collect();
    if inodes.is_empty() {
        return None;
    }
    let wanted: Vec<String> = inodes.iter().map(|i| format!("socket:[{i}]")).collect();
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            let Ok(link) = std::fs::read_link(fd.path()) else {
                continue;
            };
            if wanted.iter().any(|w| link.as_os_str() == w.as_str()) {
                let name = std::fs::read_to_string(entry.path().join("comm"))
                    .map(|s| s.trim().to_string())
                    .unwrap_or_default();
                return Some(Owner { pid, name });
            }
        }
    }
    None
}

#[cfg(not(target_os = "linux"))]
pub fn find(_port: u16, _tcp: bool) -> Option<Owner> {
    None
}

/// After a bind() or listen() on `addr` failed with `kind`: who holds the port (address in
/// use, where the system tells) and a port that is free on the same address (the system's
/// pick for port 0 there, bound and closed at once), as an
/// [`EventKind::PortAdvice`](super::EventKind::PortAdvice). None for other failures, or
/// when `addr` is not an address and port.
pub fn advice(kind: super::ErrorKind, addr: &str, tcp: bool) -> Option<super::EventKind> {
    use super::ErrorKind as K;
    if !matches!(kind, K::AddrInUse | K::PermissionDenied) {
        return None;
    }
    let at: std::net::SocketAddr = addr.parse().ok()?;
    let owner = if kind == K::AddrInUse {
        find(at.port(), tcp)
    } else {
        None
    };
    Some(super::EventKind::PortAdvice {
        port: at.port(),
        owner,
        free: free_port(at.ip(), tcp),
    })
}

/// A port free on `ip` just now: bind port 0 there and read what the system gave.
pub fn free_port(ip: std::net::IpAddr, tcp: bool) -> Option<u16> {
    let any = std::net::SocketAddr::new(ip, 0);
    let port = if tcp {
        std::net::TcpListener::bind(any)
            .ok()?
            .local_addr()
            .ok()?
            .port()
    } else {
        std::net::UdpSocket::bind(any)
            .ok()?
            .local_addr()
            .ok()?
            .port()
    };
    Some(port).filter(|&p| p != 0)
}

/// Inodes of sockets bound to `port` in one /proc/net table (TCP: listening ones only).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn inodes_for(table: &str, port: u16, tcp: bool) -> Vec<u64> {
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let local = f.get(1)?;
            let p = u16::from_str_radix(local.rsplit(':').next()?, 16).ok()?;
            // State 0A is LISTEN for TCP.
            if p != port || (tcp && *f.get(3)? != "0A") {
                return None;
            }
            f.get(9)?.parse::<u64>().ok().filter(|i| *i != 0)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_this_process_holding_a_port() {
        if !AVAILABLE {
            assert_eq!(find(1, true), None);
            return;
        }
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let o = find(port, true).expect("the owner of our own listener");
        assert_eq!(o.pid, std::process::id());
        let u = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let o = find(u.local_addr().unwrap().port(), false).expect("our UDP socket");
        assert_eq!(o.pid, std::process::id());
    }

    #[test]
    fn parses_proc_net_lines() {
        let t = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 0000000000000000 100 0 0 10 0\n   1: 0100007F:1F90 0100007F:C000 01 00000000:00000000 00:00000000 00000000     0        0 999 1\n";
        assert_eq!(inodes_for(t, 8080, true), vec![12345]);
        assert_eq!(inodes_for(t, 8081, true), Vec::<u64>::new());
    }
}
