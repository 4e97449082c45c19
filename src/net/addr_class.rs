//! What kind of address an IP address is, by the IANA IPv4 and IPv6 Special-Purpose
//! Address Registries (RFC 6890 and the RFCs that added to them), the IPv4 and IPv6
//! multicast registries (RFC 5771, RFC 2365, RFC 4291 scopes) and the IPv6 address space
//! (only 2000::/3 is global unicast). No GUI in here: the window words each class.
//!
//! The registries are copied as two tables of (prefix, length, class, forwardable,
//! globally reachable, reference), one row per registry entry, so they can be checked
//! against the registry line by line. The longest matching prefix wins (192.0.0.9/32, a
//! globally reachable anycast address, inside 192.0.0.0/24, which is not). Anything
//! unlisted is public (IPv4, and IPv6 in 2000::/3) or reserved (the rest of IPv6).
//! IPv4-mapped IPv6 (`::ffff:192.0.2.1`) is classified as the IPv4 address it carries.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One of the registry's True / False / N/A columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flag {
    Yes,
    No,
    /// The registry says N/A (6to4, Teredo: it depends on the embedded address).
    NotApplicable,
}

/// How far a multicast group reaches (RFC 4291 §2.7 scopes; IPv4 by RFC 5771 and 2365).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum McScope {
    /// ff01::/16: this interface only (loopback of multicast).
    InterfaceLocal,
    /// ff02::/16, and 224.0.0.0/24 (the Local Network Control Block: 224.0.0.1 all
    /// hosts, 224.0.0.251 mDNS), never forwarded by a router.
    LinkLocal,
    /// ff03::/16.
    RealmLocal,
    /// ff04::/16: the smallest administratively configured scope.
    AdminLocal,
    /// ff05::/16, and 239.255.0.0/16 (the IPv4 Local Scope, RFC 2365).
    SiteLocal,
    /// ff08::/16, and 239.192.0.0/14 (the IPv4 Organization Local Scope, RFC 2365).
    OrganizationLocal,
    /// The rest of 239.0.0.0/8: administratively scoped, kept inside one organisation.
    AdminScoped,
    /// ff0e::/16, and the rest of 224.0.0.0/4 (224.0.1.0/24 internetwork control, 232/8
    /// source-specific, 233/8 GLOP, …).
    Global,
    /// An IPv6 scope value with no assigned meaning (0, 6, 7, 9–d, f).
    Unassigned(u8),
}

impl McScope {
    /// The stable id of the scope's name in the i18n tables.
    pub fn id(self) -> &'static str {
        match self {
            McScope::InterfaceLocal => "interface_local",
            McScope::LinkLocal => "link_local",
            McScope::RealmLocal => "realm_local",
            McScope::AdminLocal => "admin_local",
            McScope::SiteLocal => "site_local",
            McScope::OrganizationLocal => "organization_local",
            McScope::AdminScoped => "admin_scoped",
            McScope::Global => "global",
            McScope::Unassigned(_) => "unassigned",
        }
    }

    fn of_v6(scope: u8) -> McScope {
        match scope {
            0x1 => McScope::InterfaceLocal,
            0x2 => McScope::LinkLocal,
            0x3 => McScope::RealmLocal,
            0x4 => McScope::AdminLocal,
            0x5 => McScope::SiteLocal,
            0x8 => McScope::OrganizationLocal,
            0xe => McScope::Global,
            s => McScope::Unassigned(s),
        }
    }
}

/// What kind of address an IP address is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddrClass {
    /// 0.0.0.0, :: — no address; bound, every interface.
    Unspecified,
    /// 0.0.0.0/8 — "this network" (a source before the host knows its address).
    ThisNetwork,
    /// 127.0.0.0/8, ::1 — this machine only.
    Loopback,
    /// 10/8, 172.16/12, 192.168/16 — a LAN (内网) address (RFC 1918).
    Private,
    /// 100.64/10 — the provider's shared address space, carrier-grade NAT (RFC 6598).
    Cgnat,
    /// 169.254/16, fe80::/10.
    LinkLocal,
    /// fc00::/7 — IPv6's private (unique local) addresses.
    UniqueLocal,
    /// 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20 — for examples
    /// in documents only, never on a network.
    Documentation,
    /// 198.18/15, 2001:2::/48 — for benchmarking between test networks.
    Benchmarking,
    /// 192.0.0.0/24 and 2001::/23, where no more specific entry applies: reserved for
    /// IETF protocols (DS-Lite's 192.0.0.0/29, the dummy address 192.0.0.8, NAT64
    /// discovery 192.0.0.170–171, the dummy IPv6 prefix 100:0:0:1::/64).
    IetfProtocol,
    /// A well-known service address, globally reachable: PCP, TURN and DNS-SD SRP anycast
    /// (192.0.0.9, 192.0.0.10, 2001:1::1–3), AS112 (192.31.196/24, 192.175.48/24,
    /// 2001:4:112::/48, 2620:4f:8000::/48), AMT (192.52.193/24, 2001:3::/32).
    Service,
    /// 192.88.99.0/24 — the 6to4 relay anycast block, deprecated (RFC 7526).
    Relay6to4,
    /// 2002::/16 — 6to4, an IPv4 address wrapped in IPv6.
    SixToFour,
    /// 2001::/32 — Teredo, IPv6 tunnelled over UDP through NATs.
    Teredo,
    /// 64:ff9b::/96 and 64:ff9b:1::/48 — IPv4 addresses as IPv6, for NAT64 translators.
    Nat64,
    /// 2001:10::/28 (deprecated), 2001:20::/28 (ORCHIDv2), 2001:30::/28 (drone entity
    /// tags): cryptographic identifiers, not locators.
    Orchid,
    /// 100::/64 — traffic to it is dropped on purpose (remote-triggered black holes).
    DiscardOnly,
    /// 5f00::/16 — SRv6 segment identifiers inside one SR domain.
    SegmentRouting,
    /// 240.0.0.0/4 (reserved for future use), and IPv6 outside 2000::/3 that is not listed
    /// (reserved by the IETF).
    Reserved,
    /// 255.255.255.255 — the limited broadcast: every host on this network segment.
    Broadcast,
    /// 224.0.0.0/4, ff00::/8 — a group address, with how far the group reaches.
    Multicast(McScope),
    /// Routed on the Internet (外网): every other IPv4 address, and IPv6 in 2000::/3.
    Public,
}

impl AddrClass {
    /// The stable id of the class's name in the i18n tables (`class.*`); its explanation
    /// is under the same suffix in `explain.*`.
    pub fn id(self) -> &'static str {
        match self {
            AddrClass::Unspecified => "unspecified",
            AddrClass::ThisNetwork => "this_network",
            AddrClass::Loopback => "loopback",
            AddrClass::Private => "private",
            AddrClass::Cgnat => "cgnat",
            AddrClass::LinkLocal => "link_local",
            AddrClass::UniqueLocal => "unique_local",
            AddrClass::Documentation => "documentation",
            AddrClass::Benchmarking => "benchmarking",
            AddrClass::IetfProtocol => "ietf_protocol",
            AddrClass::Service => "service",
            AddrClass::Relay6to4 => "relay_6to4",
            AddrClass::SixToFour => "six_to_four",
            AddrClass::Teredo => "teredo",
            AddrClass::Nat64 => "nat64",
            AddrClass::Orchid => "orchid",
            AddrClass::DiscardOnly => "discard_only",
            AddrClass::SegmentRouting => "segment_routing",
            AddrClass::Reserved => "reserved",
            AddrClass::Broadcast => "broadcast",
            AddrClass::Multicast(_) => "multicast",
            AddrClass::Public => "public",
        }
    }
}

/// Everything the registries say about one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddrInfo {
    pub class: AddrClass,
    /// For IPv4-mapped IPv6 (`::ffff:a.b.c.d`): the IPv4 address carried, which the rest
    /// describes. (The registry marks ::ffff:0:0/96 itself as never forwarded: such an
    /// address is how a dual-stack socket shows an IPv4 peer, not one on the wire.)
    pub mapped_v4: Option<Ipv4Addr>,
    /// Routers may forward packets to it (the registry's "Forwardable").
    pub forwardable: Flag,
    /// Reachable from anywhere on the Internet (the registry's "Globally Reachable").
    pub globally_reachable: Flag,
    /// The registry block it is in, e.g. (192.0.2.0, 24); None for plain public addresses.
    pub block: Option<(IpAddr, u8)>,
    /// The defining document, e.g. "RFC 5737"; empty for plain public addresses.
    pub reference: &'static str,
}

/// One registry entry.
struct Row<T> {
    net: T,
    len: u8,
    class: AddrClass,
    fwd: Flag,
    global: Flag,
    reference: &'static str,
}

use AddrClass::*;
use Flag::{No, NotApplicable as NA, Yes};

const fn r4(
    o: [u8; 4],
    len: u8,
    class: AddrClass,
    fwd: Flag,
    global: Flag,
    rf: &'static str,
) -> Row<u32> {
    Row {
        net: u32::from_be_bytes(o),
        len,
        class,
        fwd,
        global,
        reference: rf,
    }
}

const fn r6(
    s: [u16; 8],
    len: u8,
    class: AddrClass,
    fwd: Flag,
    global: Flag,
    rf: &'static str,
) -> Row<u128> {
    let mut net = 0u128;
    let mut i = 0;
    while i < 8 {
        net = (net << 16) | s[i] as u128;
        i += 1;
    }
    Row {
        net,
        len,
        class,
        fwd,
        global,
        reference: rf,
    }
}

const MC_GLOBAL: AddrClass = Multicast(McScope::Global);

/// The IPv4 Special-Purpose Address Registry, then the multicast blocks with a scope.
#[rustfmt::skip]
const V4: &[Row<u32>] = &[
    r4([0, 0, 0, 0], 8, ThisNetwork, No, No, "RFC 791"),
    r4([0, 0, 0, 0], 32, Unspecified, No, No, "RFC 1122"),
    r4([10, 0, 0, 0], 8, Private, Yes, No, "RFC 1918"),
    r4([100, 64, 0, 0], 10, Cgnat, Yes, No, "RFC 6598"),
    r4([127, 0, 0, 0], 8, Loopback, No, No, "RFC 1122"),
    r4([169, 254, 0, 0], 16, LinkLocal, No, No, "RFC 3927"),
    r4([172, 16, 0, 0], 12, Private, Yes, No, "RFC 1918"),
    r4([192, 0, 0, 0], 24, IetfProtocol, No, No, "RFC 6890"),
    r4([192, 0, 0, 0], 29, IetfProtocol, Yes, No, "RFC 7335"),
    r4([192, 0, 0, 8], 32, IetfProtocol, No, No, "RFC 7600"),
    r4([192, 0, 0, 9], 32, Service, Yes, Yes, "RFC 7723"),
    r4([192, 0, 0, 10], 32, Service, Yes, Yes, "RFC 8155"),
    r4([192, 0, 0, 170], 32, IetfProtocol, No, No, "RFC 8880"),
    r4([192, 0, 0, 171], 32, IetfProtocol, No, No, "RFC 8880"),
    r4([192, 0, 2, 0], 24, Documentation, No, No, "RFC 5737"),
    r4([192, 31, 196, 0], 24, Service, Yes, Yes, "RFC 7535"),
    r4([192, 52, 193, 0], 24, Service, Yes, Yes, "RFC 7450"),
    r4([192, 88, 99, 0], 24, Relay6to4, NA, NA, "RFC 7526"),
    r4([192, 88, 99, 2], 32, Relay6to4, Yes, No, "RFC 6751"),
    r4([192, 168, 0, 0], 16, Private, Yes, No, "RFC 1918"),
    r4([192, 175, 48, 0], 24, Service, Yes, Yes, "RFC 7534"),
    r4([198, 18, 0, 0], 15, Benchmarking, Yes, No, "RFC 2544"),
    r4([198, 51, 100, 0], 24, Documentation, No, No, "RFC 5737"),
    r4([203, 0, 113, 0], 24, Documentation, No, No, "RFC 5737"),
    r4([240, 0, 0, 0], 4, Reserved, No, No, "RFC 1112"),
    r4([255, 255, 255, 255], 32, Broadcast, No, No, "RFC 919"),
    // Multicast (not in the special-purpose registry: RFC 5771, RFC 2365).
    r4([224, 0, 0, 0], 4, MC_GLOBAL, Yes, Yes, "RFC 5771"),
    r4([224, 0, 0, 0], 24, Multicast(McScope::LinkLocal), No, No, "RFC 5771"),
    r4([239, 0, 0, 0], 8, Multicast(McScope::AdminScoped), Yes, No, "RFC 2365"),
    r4([239, 192, 0, 0], 14, Multicast(McScope::OrganizationLocal), Yes, No, "RFC 2365"),
    r4([239, 255, 0, 0], 16, Multicast(McScope::SiteLocal), Yes, No, "RFC 2365"),
];

/// The IPv6 Special-Purpose Address Registry, then the rest of the IPv6 address space.
#[rustfmt::skip]
const V6: &[Row<u128>] = &[
    r6([0, 0, 0, 0, 0, 0, 0, 1], 128, Loopback, No, No, "RFC 4291"),
    r6([0, 0, 0, 0, 0, 0, 0, 0], 128, Unspecified, No, No, "RFC 4291"),
    // ::ffff:0:0/96 (IPv4-mapped, RFC 4291) is handled before the table.
    r6([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96, Nat64, Yes, Yes, "RFC 6052"),
    r6([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48, Nat64, Yes, No, "RFC 8215"),
    r6([0x100, 0, 0, 0, 0, 0, 0, 0], 64, DiscardOnly, Yes, No, "RFC 6666"),
    r6([0x100, 0, 0, 1, 0, 0, 0, 0], 64, IetfProtocol, No, No, "RFC 9780"),
    r6([0x2001, 0, 0, 0, 0, 0, 0, 0], 23, IetfProtocol, No, No, "RFC 2928"),
    r6([0x2001, 0, 0, 0, 0, 0, 0, 0], 32, Teredo, Yes, NA, "RFC 4380"),
    r6([0x2001, 1, 0, 0, 0, 0, 0, 1], 128, Service, Yes, Yes, "RFC 7723"),
    r6([0x2001, 1, 0, 0, 0, 0, 0, 2], 128, Service, Yes, Yes, "RFC 8155"),
    r6([0x2001, 1, 0, 0, 0, 0, 0, 3], 128, Service, Yes, Yes, "RFC 9665"),
    r6([0x2001, 2, 0, 0, 0, 0, 0, 0], 48, Benchmarking, Yes, No, "RFC 5180"),
    r6([0x2001, 3, 0, 0, 0, 0, 0, 0], 32, Service, Yes, Yes, "RFC 7450"),
    r6([0x2001, 4, 0x112, 0, 0, 0, 0, 0], 48, Service, Yes, Yes, "RFC 7535"),
    r6([0x2001, 0x10, 0, 0, 0, 0, 0, 0], 28, Orchid, NA, NA, "RFC 4843"),
    r6([0x2001, 0x20, 0, 0, 0, 0, 0, 0], 28, Orchid, Yes, Yes, "RFC 7343"),
    r6([0x2001, 0x30, 0, 0, 0, 0, 0, 0], 28, Orchid, Yes, Yes, "RFC 9374"),
    r6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32, Documentation, No, No, "RFC 3849"),
    r6([0x2002, 0, 0, 0, 0, 0, 0, 0], 16, SixToFour, Yes, NA, "RFC 3056"),
    r6([0x2620, 0x4f, 0x8000, 0, 0, 0, 0, 0], 48, Service, Yes, Yes, "RFC 7534"),
    r6([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20, Documentation, No, No, "RFC 9637"),
    r6([0x5f00, 0, 0, 0, 0, 0, 0, 0], 16, SegmentRouting, Yes, No, "RFC 9602"),
    r6([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7, UniqueLocal, Yes, No, "RFC 4193"),
    r6([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10, LinkLocal, No, No, "RFC 4291"),
    // The IPv6 address space: multicast (its scope is read from the address), and global
    // unicast; everything else is reserved by the IETF.
    r6([0xff00, 0, 0, 0, 0, 0, 0, 0], 8, MC_GLOBAL, Yes, Yes, "RFC 4291"),
    r6([0, 0, 0, 0, 0, 0, 0, 0], 0, Reserved, No, No, "RFC 4291"),
    r6([0x2000, 0, 0, 0, 0, 0, 0, 0], 3, Public, Yes, Yes, ""),
];

/// The row with the longest prefix that holds `addr`.
fn longest<T: Copy + Into<u128>>(
    rows: &'static [Row<T>],
    addr: T,
    bits: u32,
) -> Option<&'static Row<T>> {
    let a: u128 = addr.into();
    rows.iter()
        .filter(|r| {
            let len = u32::from(r.len);
            len == 0 || (a ^ r.net.into()) >> (bits - len) == 0
        })
        .max_by_key(|r| r.len)
}

/// Classifies an address by the registries (see the module doc).
pub fn classify(ip: IpAddr) -> AddrInfo {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => AddrInfo {
                mapped_v4: Some(v4),
                ..classify_v4(v4)
            },
            None => classify_v6(v6),
        },
    }
}

fn classify_v4(ip: Ipv4Addr) -> AddrInfo {
    match longest(V4, ip.to_bits(), 32) {
        Some(r) => AddrInfo {
            class: r.class,
            mapped_v4: None,
            forwardable: r.fwd,
            globally_reachable: r.global,
            block: Some((IpAddr::V4(Ipv4Addr::from_bits(r.net)), r.len)),
            reference: r.reference,
        },
        None => public(),
    }
}

fn classify_v6(ip: Ipv6Addr) -> AddrInfo {
    let Some(r) = longest(V6, ip.to_bits(), 128) else {
        return public();
    };
    let mut info = AddrInfo {
        class: r.class,
        mapped_v4: None,
        forwardable: r.fwd,
        globally_reachable: r.global,
        block: Some((IpAddr::V6(Ipv6Addr::from_bits(r.net)), r.len)),
        reference: r.reference,
    };
    if let Multicast(_) = r.class {
        let scope = McScope::of_v6(ip.octets()[1] & 0x0f);
        info.class = Multicast(scope);
        let global = scope == McScope::Global;
        info.globally_reachable = if global { Yes } else { No };
        let on_link = matches!(scope, McScope::InterfaceLocal | McScope::LinkLocal);
        info.forwardable = if on_link { No } else { Yes };
    }
    if r.class == Public {
        info.block = None;
    }
    info
}

fn public() -> AddrInfo {
    AddrInfo {
        class: Public,
        mapped_v4: None,
        forwardable: Yes,
        globally_reachable: Yes,
        block: None,
        reference: "",
    }
}
