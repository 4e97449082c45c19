//! This machine's network interfaces and their addresses, each classified by the IANA
//! special-purpose registries ([`super::addr_class`]: loopback, private 内网, link-local,
//! CGNAT, documentation, public 外网, …), plus the classes of port numbers. No GUI in here.

use std::net::IpAddr;

pub use super::addr_class::{AddrClass, AddrInfo, Flag, McScope};

/// The class of an address (see [`super::addr_class`]: the IANA special-purpose registries).
/// IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) are classified as the IPv4 address they
/// carry.
pub fn classify(ip: IpAddr) -> AddrClass {
    super::addr_class::classify(ip).class
}

/// The range a port number falls in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortClass {
    /// 0–1023.
    WellKnown,
    /// 1024–49151.
    Registered,
    /// 49152–65535 (ephemeral).
    Dynamic,
}

impl PortClass {
    pub fn of(port: u16) -> PortClass {
        match port {
            0..=1023 => PortClass::WellKnown,
            1024..=49151 => PortClass::Registered,
            _ => PortClass::Dynamic,
        }
    }

    /// The stable id in the i18n tables (`port.*`, and `port.*_tip`).
    pub fn id(self) -> &'static str {
        match self {
            PortClass::WellKnown => "well_known",
            PortClass::Registered => "registered",
            PortClass::Dynamic => "dynamic",
        }
    }
}

/// How reachable a socket bound to this host text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindReach {
    /// Empty, 0.0.0.0 or ::: every interface — other computers can reach it.
    AllInterfaces,
    /// 127.x or ::1 (or `localhost`): this machine only.
    ThisMachineOnly,
    /// One particular address (or a name): reachable through that interface.
    OneAddress,
}

/// What binding to `host` (as typed in a field) means.
pub fn bind_reach(host: &str) -> BindReach {
    let t = host.trim();
    let inner = t
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(t);
    if inner.is_empty() {
        return BindReach::AllInterfaces;
    }
    if inner.eq_ignore_ascii_case("localhost") {
        return BindReach::ThisMachineOnly;
    }
    match inner.parse::<IpAddr>().map(classify) {
        Ok(AddrClass::Unspecified) => BindReach::AllInterfaces,
        Ok(AddrClass::Loopback) => BindReach::ThisMachineOnly,
        _ => BindReach::OneAddress,
    }
}

/// One address of one interface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IfaceAddr {
    /// The interface's name (`lo`, `eth0`, `wlan0`).
    pub name: String,
    pub ip: IpAddr,
    pub prefix_len: u8,
    pub class: AddrClass,
}

/// This machine's interface addresses, by interface name, IPv4 before IPv6.
pub fn list() -> std::io::Result<Vec<IfaceAddr>> {
    let mut v: Vec<IfaceAddr> = if_addrs::get_if_addrs()?
        .into_iter()
        .map(|i| {
            let (ip, prefix_len) = match &i.addr {
                if_addrs::IfAddr::V4(a) => (IpAddr::V4(a.ip), a.prefixlen),
                if_addrs::IfAddr::V6(a) => (IpAddr::V6(a.ip), a.prefixlen),
            };
            IfaceAddr {
                name: i.name.clone(),
                ip,
                prefix_len,
                class: classify(ip),
            }
        })
        .collect();
    v.sort_by(|a, b| (&a.name, a.ip.is_ipv6(), a.ip).cmp(&(&b.name, b.ip.is_ipv6(), b.ip)));
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_table() {
        let table: &[(&str, AddrClass)] = &[
            ("127.0.0.1", AddrClass::Loopback),
            ("127.1.2.3", AddrClass::Loopback),
            ("::1", AddrClass::Loopback),
            ("10.0.0.1", AddrClass::Private),
            ("10.255.255.255", AddrClass::Private),
            ("172.16.0.1", AddrClass::Private),
            ("172.31.255.254", AddrClass::Private),
            ("172.15.0.1", AddrClass::Public),
            ("172.32.0.1", AddrClass::Public),
            ("192.168.1.1", AddrClass::Private),
            ("192.169.0.1", AddrClass::Public),
            ("169.254.10.20", AddrClass::LinkLocal),
            ("fe80::1", AddrClass::LinkLocal),
            ("100.64.0.1", AddrClass::Cgnat),
            ("100.127.255.255", AddrClass::Cgnat),
            ("100.63.255.255", AddrClass::Public),
            ("100.128.0.0", AddrClass::Public),
            ("8.8.8.8", AddrClass::Public),
            ("2001:db8::1", AddrClass::Documentation),
            ("192.0.2.2", AddrClass::Documentation),
            ("2606:4700::1111", AddrClass::Public),
            ("fd12:3456::1", AddrClass::UniqueLocal),
            ("0.0.0.0", AddrClass::Unspecified),
            ("::", AddrClass::Unspecified),
            ("224.0.0.1", AddrClass::Multicast(McScope::LinkLocal)),
            ("ff02::1", AddrClass::Multicast(McScope::LinkLocal)),
            ("255.255.255.255", AddrClass::Broadcast),
            ("::ffff:192.168.0.5", AddrClass::Private),
        ];
        for (text, want) in table {
            let ip: IpAddr = text.parse().unwrap();
            assert_eq!(classify(ip), *want, "{text}");
        }
    }

    #[test]
    fn port_classes() {
        assert_eq!(PortClass::of(0), PortClass::WellKnown);
        assert_eq!(PortClass::of(1023), PortClass::WellKnown);
        assert_eq!(PortClass::of(1024), PortClass::Registered);
        assert_eq!(PortClass::of(49151), PortClass::Registered);
        assert_eq!(PortClass::of(49152), PortClass::Dynamic);
        assert_eq!(PortClass::of(65535), PortClass::Dynamic);
    }

    #[test]
    fn bind_reach_of_hosts() {
        assert_eq!(bind_reach(""), BindReach::AllInterfaces);
        assert_eq!(bind_reach("0.0.0.0"), BindReach::AllInterfaces);
        assert_eq!(bind_reach("::"), BindReach::AllInterfaces);
        assert_eq!(bind_reach("[::]"), BindReach::AllInterfaces);
        assert_eq!(bind_reach("127.0.0.1"), BindReach::ThisMachineOnly);
        assert_eq!(bind_reach("::1"), BindReach::ThisMachineOnly);
        assert_eq!(bind_reach("localhost"), BindReach::ThisMachineOnly);
        assert_eq!(bind_reach("192.168.1.5"), BindReach::OneAddress);
    }

    #[test]
    fn this_machine_has_a_loopback() {
        let list = list().unwrap();
        assert!(list.iter().any(|a| a.class == AddrClass::Loopback));
    }
}
