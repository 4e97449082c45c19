//! UDP multicast: the group checked before anything is bound, the receiver's join and
//! the sender's TTL / hop limit, loopback and outgoing interface.

use crate::net::{EventKind, MulticastConfig};
use socket2::Socket;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Checks a multicast config before anything is bound: the group must be a multicast
/// address, and an IPv4 group needs an IPv4 interface address.
pub(super) fn check_multicast(m: &MulticastConfig) -> Result<(), String> {
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

pub(super) fn wildcard(ip: IpAddr) -> IpAddr {
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
pub(super) fn join(s: &Socket, m: &MulticastConfig) -> Result<EventKind, (io::Error, String)> {
    let on = iface_text(m);
    let res = match m.group {
        IpAddr::V4(g) => s.join_multicast_v4(&g, &iface_v4(m)),
        IpAddr::V6(g) => s.join_multicast_v6(&g, m.interface_index),
    };
    res.map_err(|e| {
        let hint = if no_such_device(&e) {
            " (no interface has that address, or it cannot do multicast)"
        } else if matches!(
            e.kind(),
            io::ErrorKind::NetworkUnreachable | io::ErrorKind::HostUnreachable
        ) {
            " (no multicast route on that interface)"
        } else {
            ""
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

/// ENODEV from a join: no interface has the address, or it cannot do multicast. std has
/// no `io::ErrorKind` for it: Linux compares the number, elsewhere there is no hint.
fn no_such_device(e: &io::Error) -> bool {
    #[cfg(target_os = "linux")]
    {
        e.raw_os_error() == Some(libc::ENODEV)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = e;
        false
    }
}

/// The sender sets TTL / hop limit, loopback and (when given) the outgoing interface.
pub(super) fn set_sender_options(
    s: &Socket,
    m: &MulticastConfig,
) -> Result<EventKind, (io::Error, String)> {
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
