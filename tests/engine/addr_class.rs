//! The address classes against the IANA IPv4 and IPv6 Special-Purpose Address Registries:
//! the first and last address of every block, and the neighbours just outside it; what the
//! registry says about forwarding and global reach; IPv4-mapped IPv6; multicast scopes.

use socket_tester::net::addr_class::{AddrClass, AddrClass::*, Flag, McScope, classify};
use std::collections::HashSet;
use std::net::IpAddr;

fn class(text: &str) -> AddrClass {
    let ip: IpAddr = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
    classify(ip).class
}

fn check(table: &[(&str, AddrClass)]) {
    let wrong: Vec<String> = table
        .iter()
        .filter(|(t, want)| class(t) != *want)
        .map(|(t, want)| format!("{t}: {:?}, want {want:?}", class(t)))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

const fn mc(s: McScope) -> AddrClass {
    Multicast(s)
}

#[test]
fn ipv4_blocks_first_last_and_neighbours() {
    check(&[
        ("0.0.0.0", Unspecified),
        ("0.0.0.1", ThisNetwork),
        ("0.255.255.255", ThisNetwork),
        ("1.0.0.0", Public),
        ("9.255.255.255", Public),
        ("10.0.0.0", Private),
        ("10.255.255.255", Private),
        ("11.0.0.0", Public),
        ("100.63.255.255", Public),
        ("100.64.0.0", Cgnat),
        ("100.64.0.1", Cgnat),
        ("100.127.255.255", Cgnat),
        ("100.128.0.0", Public),
        ("126.255.255.255", Public),
        ("127.0.0.0", Loopback),
        ("127.0.0.1", Loopback),
        ("127.255.255.255", Loopback),
        ("128.0.0.0", Public),
        ("169.253.255.255", Public),
        ("169.254.0.0", LinkLocal),
        ("169.254.255.255", LinkLocal),
        ("169.255.0.0", Public),
        ("172.15.255.255", Public),
        ("172.16.0.0", Private),
        ("172.31.255.255", Private),
        ("172.32.0.0", Public),
        ("191.255.255.255", Public),
        ("192.0.0.0", IetfProtocol),
        ("192.0.0.7", IetfProtocol),
        ("192.0.0.8", IetfProtocol),
        ("192.0.0.9", Service),
        ("192.0.0.10", Service),
        ("192.0.0.11", IetfProtocol),
        ("192.0.0.170", IetfProtocol),
        ("192.0.0.171", IetfProtocol),
        ("192.0.0.255", IetfProtocol),
        ("192.0.1.0", Public),
        ("192.0.1.255", Public),
        ("192.0.2.0", Documentation),
        ("192.0.2.2", Documentation),
        ("192.0.2.255", Documentation),
        ("192.0.3.0", Public),
        ("192.31.195.255", Public),
        ("192.31.196.0", Service),
        ("192.31.196.255", Service),
        ("192.31.197.0", Public),
        ("192.52.192.255", Public),
        ("192.52.193.0", Service),
        ("192.52.193.255", Service),
        ("192.52.194.0", Public),
        ("192.88.98.255", Public),
        ("192.88.99.0", Relay6to4),
        ("192.88.99.2", Relay6to4),
        ("192.88.99.255", Relay6to4),
        ("192.88.100.0", Public),
        ("192.167.255.255", Public),
        ("192.168.0.0", Private),
        ("192.168.1.1", Private),
        ("192.168.255.255", Private),
        ("192.169.0.0", Public),
        ("192.175.47.255", Public),
        ("192.175.48.0", Service),
        ("192.175.48.255", Service),
        ("192.175.49.0", Public),
        ("198.17.255.255", Public),
        ("198.18.0.0", Benchmarking),
        ("198.18.0.1", Benchmarking),
        ("198.19.255.255", Benchmarking),
        ("198.20.0.0", Public),
        ("198.51.99.255", Public),
        ("198.51.100.0", Documentation),
        ("198.51.100.255", Documentation),
        ("198.51.101.0", Public),
        ("203.0.112.255", Public),
        ("203.0.113.0", Documentation),
        ("203.0.113.255", Documentation),
        ("203.0.114.0", Public),
        ("8.8.8.8", Public),
        ("1.1.1.1", Public),
        ("223.255.255.255", Public),
        ("224.0.0.0", mc(McScope::LinkLocal)),
        ("224.0.0.251", mc(McScope::LinkLocal)),
        ("224.0.0.255", mc(McScope::LinkLocal)),
        ("224.0.1.0", mc(McScope::Global)),
        ("232.1.2.3", mc(McScope::Global)),
        ("238.255.255.255", mc(McScope::Global)),
        ("239.0.0.0", mc(McScope::AdminScoped)),
        ("239.191.255.255", mc(McScope::AdminScoped)),
        ("239.192.0.0", mc(McScope::OrganizationLocal)),
        ("239.195.255.255", mc(McScope::OrganizationLocal)),
        ("239.196.0.0", mc(McScope::AdminScoped)),
        ("239.254.255.255", mc(McScope::AdminScoped)),
        ("239.255.0.0", mc(McScope::SiteLocal)),
        ("239.255.255.250", mc(McScope::SiteLocal)),
        ("239.255.255.255", mc(McScope::SiteLocal)),
        ("240.0.0.0", Reserved),
        ("255.255.255.254", Reserved),
        ("255.255.255.255", Broadcast),
    ]);
}

#[test]
fn ipv6_blocks_first_last_and_neighbours() {
    const F: &str = "ffff:ffff:ffff:ffff:ffff";
    let owned: Vec<(String, AddrClass)> = vec![
        ("::".into(), Unspecified),
        ("::1".into(), Loopback),
        ("::2".into(), Reserved),
        ("::192.0.2.1".into(), Reserved),
        ("::fffe:ffff:ffff".into(), Reserved),
        ("::1:0:0:0".into(), Reserved),
        ("64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff".into(), Reserved),
        ("64:ff9b::".into(), Nat64),
        ("64:ff9b::808:808".into(), Nat64),
        ("64:ff9b::ffff:ffff".into(), Nat64),
        ("64:ff9b::1:0:0".into(), Reserved),
        ("64:ff9b:1::".into(), Nat64),
        (format!("64:ff9b:1:{F}"), Nat64),
        ("64:ff9b:2::".into(), Reserved),
        ("ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff".into(), Reserved),
        ("100::".into(), DiscardOnly),
        ("100::ffff:ffff:ffff:ffff".into(), DiscardOnly),
        ("100:0:0:1::".into(), IetfProtocol),
        ("100:0:0:1:ffff:ffff:ffff:ffff".into(), IetfProtocol),
        ("100:0:0:2::".into(), Reserved),
        ("1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff".into(), Reserved),
        ("2000::".into(), Public),
        ("2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff".into(), Public),
        ("2001::".into(), Teredo),
        ("2001:0:ffff:ffff:ffff:ffff:ffff:ffff".into(), Teredo),
        ("2001:1::".into(), IetfProtocol),
        ("2001:1::1".into(), Service),
        ("2001:1::2".into(), Service),
        ("2001:1::3".into(), Service),
        ("2001:1::4".into(), IetfProtocol),
        ("2001:2::".into(), Benchmarking),
        ("2001:2:0:ffff:ffff:ffff:ffff:ffff".into(), Benchmarking),
        ("2001:2:1::".into(), IetfProtocol),
        ("2001:3::".into(), Service),
        (format!("2001:3:{F}:ffff"), Service),
        ("2001:4::".into(), IetfProtocol),
        ("2001:4:112::".into(), Service),
        (format!("2001:4:112:{F}"), Service),
        ("2001:4:113::".into(), IetfProtocol),
        (format!("2001:f:{F}:ffff"), IetfProtocol),
        ("2001:10::".into(), Orchid),
        (format!("2001:1f:{F}:ffff"), Orchid),
        ("2001:20::".into(), Orchid),
        ("2001:30::".into(), Orchid),
        (format!("2001:3f:{F}:ffff"), Orchid),
        ("2001:40::".into(), IetfProtocol),
        (format!("2001:1ff:{F}:ffff"), IetfProtocol),
        ("2001:200::".into(), Public),
        (format!("2001:db7:{F}:ffff"), Public),
        ("2001:db8::".into(), Documentation),
        ("2001:db8::1".into(), Documentation),
        (format!("2001:db8:{F}:ffff"), Documentation),
        ("2001:db9::".into(), Public),
        (format!("2001:ffff:{F}:ffff"), Public),
        ("2002::".into(), SixToFour),
        (format!("2002:ffff:{F}:ffff"), SixToFour),
        ("2003::".into(), Public),
        (format!("2620:4f:7fff:{F}"), Public),
        ("2620:4f:8000::".into(), Service),
        (format!("2620:4f:8000:{F}"), Service),
        ("2620:4f:8001::".into(), Public),
        ("2606:4700::1111".into(), Public),
        (format!("3ffe:ffff:{F}:ffff"), Public),
        ("3fff::".into(), Documentation),
        (format!("3fff:fff:{F}:ffff"), Documentation),
        ("3fff:1000::".into(), Public),
        (format!("3fff:ffff:{F}:ffff"), Public),
        ("4000::".into(), Reserved),
        (format!("5eff:ffff:{F}:ffff"), Reserved),
        ("5f00::".into(), SegmentRouting),
        (format!("5f00:ffff:{F}:ffff"), SegmentRouting),
        ("5f01::".into(), Reserved),
        (format!("fbff:ffff:{F}:ffff"), Reserved),
        ("fc00::".into(), UniqueLocal),
        ("fd12:3456::1".into(), UniqueLocal),
        (format!("fdff:ffff:{F}:ffff"), UniqueLocal),
        ("fe00::".into(), Reserved),
        (format!("fe7f:ffff:{F}:ffff"), Reserved),
        ("fe80::".into(), LinkLocal),
        (format!("febf:ffff:{F}:ffff"), LinkLocal),
        ("fec0::".into(), Reserved),
        (format!("feff:ffff:{F}:ffff"), Reserved),
        ("ff00::".into(), mc(McScope::Unassigned(0))),
        ("ff01::1".into(), mc(McScope::InterfaceLocal)),
        ("ff02::1".into(), mc(McScope::LinkLocal)),
        ("ff02::fb".into(), mc(McScope::LinkLocal)),
        ("ff03::1".into(), mc(McScope::RealmLocal)),
        ("ff04::1".into(), mc(McScope::AdminLocal)),
        ("ff05::2".into(), mc(McScope::SiteLocal)),
        ("ff08::1".into(), mc(McScope::OrganizationLocal)),
        ("ff0e::1".into(), mc(McScope::Global)),
        ("ff0f::1".into(), mc(McScope::Unassigned(0xf))),
        ("ff12::1234".into(), mc(McScope::LinkLocal)),
        ("ff3e::8000:1".into(), mc(McScope::Global)),
        (format!("ffff:ffff:{F}:ffff"), mc(McScope::Unassigned(0xf))),
    ];
    let table: Vec<(&str, AddrClass)> = owned.iter().map(|(t, c)| (t.as_str(), *c)).collect();
    check(&table);
}

#[test]
fn ipv4_mapped_is_the_ipv4_address_and_says_so() {
    for (text, v4, want) in [
        ("::ffff:192.0.2.1", "192.0.2.1", Documentation),
        ("::ffff:10.0.0.1", "10.0.0.1", Private),
        ("::ffff:127.0.0.1", "127.0.0.1", Loopback),
        ("::ffff:8.8.8.8", "8.8.8.8", Public),
        ("::ffff:0.0.0.0", "0.0.0.0", Unspecified),
        ("::ffff:255.255.255.255", "255.255.255.255", Broadcast),
    ] {
        let ip: IpAddr = text.parse().unwrap();
        let info = classify(ip);
        assert_eq!(info.class, want, "{text}");
        assert_eq!(info.mapped_v4, Some(v4.parse().unwrap()), "{text}");
        let plain = classify(v4.parse().unwrap());
        assert_eq!(plain.mapped_v4, None);
        assert_eq!(
            (info.forwardable, info.globally_reachable, info.reference),
            (plain.forwardable, plain.globally_reachable, plain.reference)
        );
    }
}

#[test]
fn reach_is_what_the_registry_says() {
    use Flag::{No, NotApplicable as NA, Yes};
    for (text, fwd, global) in [
        ("8.8.8.8", Yes, Yes),
        ("2606:4700::1111", Yes, Yes),
        ("192.0.2.2", No, No),
        ("198.51.100.7", No, No),
        ("2001:db8::1", No, No),
        ("3fff::1", No, No),
        ("10.0.0.1", Yes, No),
        ("100.64.0.1", Yes, No),
        ("198.18.0.1", Yes, No),
        ("fd00::1", Yes, No),
        ("127.0.0.1", No, No),
        ("::1", No, No),
        ("169.254.1.1", No, No),
        ("fe80::1", No, No),
        ("0.0.0.0", No, No),
        ("0.1.2.3", No, No),
        ("240.1.2.3", No, No),
        ("255.255.255.255", No, No),
        ("192.0.0.1", Yes, No),
        ("192.0.0.9", Yes, Yes),
        ("192.0.0.100", No, No),
        ("192.88.99.1", NA, NA),
        ("192.88.99.2", Yes, No),
        ("192.175.48.6", Yes, Yes),
        ("64:ff9b::808:808", Yes, Yes),
        ("64:ff9b:1::1", Yes, No),
        ("2001::1", Yes, NA),
        ("2002:c000:204::1", Yes, NA),
        ("2001:10::1", NA, NA),
        ("2001:20::1", Yes, Yes),
        ("100::1", Yes, No),
        ("5f00::1", Yes, No),
        ("224.0.0.251", No, No),
        ("224.0.1.1", Yes, Yes),
        ("239.255.255.250", Yes, No),
        ("ff02::1", No, No),
        ("ff01::1", No, No),
        ("ff05::2", Yes, No),
        ("ff0e::1", Yes, Yes),
        ("4000::1", No, No),
    ] {
        let info = classify(text.parse().unwrap());
        assert_eq!(
            (info.forwardable, info.globally_reachable),
            (fwd, global),
            "{text}: {info:?}"
        );
    }
}

#[test]
fn blocks_and_references_name_the_registry_entry() {
    for (text, block, len, reference) in [
        ("192.0.2.2", "192.0.2.0", 24, "RFC 5737"),
        ("203.0.113.9", "203.0.113.0", 24, "RFC 5737"),
        ("198.18.0.1", "198.18.0.0", 15, "RFC 2544"),
        ("100.64.0.1", "100.64.0.0", 10, "RFC 6598"),
        ("172.20.1.1", "172.16.0.0", 12, "RFC 1918"),
        ("192.0.0.9", "192.0.0.9", 32, "RFC 7723"),
        ("2001:db8::1", "2001:db8::", 32, "RFC 3849"),
        ("3fff::1", "3fff::", 20, "RFC 9637"),
        ("2001:2::1", "2001:2::", 48, "RFC 5180"),
        ("fe80::1", "fe80::", 10, "RFC 4291"),
    ] {
        let info = classify(text.parse().unwrap());
        assert_eq!(
            info.block,
            Some((block.parse().unwrap(), len)),
            "{text}: {info:?}"
        );
        assert_eq!(info.reference, reference, "{text}");
    }
    for public in ["8.8.8.8", "2606:4700::1111"] {
        let info = classify(public.parse().unwrap());
        assert_eq!((info.block, info.reference), (None, ""), "{public}");
    }
}

#[test]
fn class_ids_are_distinct() {
    let all = [
        Unspecified,
        ThisNetwork,
        Loopback,
        Private,
        Cgnat,
        LinkLocal,
        UniqueLocal,
        Documentation,
        Benchmarking,
        IetfProtocol,
        Service,
        Relay6to4,
        SixToFour,
        Teredo,
        Nat64,
        Orchid,
        DiscardOnly,
        SegmentRouting,
        Reserved,
        Broadcast,
        Multicast(McScope::Global),
        Public,
    ];
    let ids: HashSet<&str> = all.iter().map(|c| c.id()).collect();
    assert_eq!(ids.len(), all.len());
    let scopes = [
        McScope::InterfaceLocal,
        McScope::LinkLocal,
        McScope::RealmLocal,
        McScope::AdminLocal,
        McScope::SiteLocal,
        McScope::OrganizationLocal,
        McScope::AdminScoped,
        McScope::Global,
        McScope::Unassigned(0),
    ];
    let ids: HashSet<&str> = scopes.iter().map(|s| s.id()).collect();
    assert_eq!(ids.len(), scopes.len());
}
