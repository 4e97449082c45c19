//! The UDP receiver reads datagrams in batches (`recvmmsg` on Linux, one at a time
//! elsewhere): a burst of datagrams of distinct sizes and contents from two peers comes
//! out as one event each, whole, in the order sent, each with its own sender; the largest
//! datagram IPv4 and IPv6 carry arrives whole beside small ones (a slot per datagram);
//! an empty datagram is an event too.

use crate::support as common;

use common::*;
use socket_tester::net::{EventKind, Role, SessionConfig};
use std::net::{SocketAddr, UdpSocket};

/// Datagram `i`: its index, then bytes that depend on it; 4 to 1,503 bytes, no two the
/// same length.
fn datagram(i: u32) -> Vec<u8> {
    let len = 4 + (i as usize * 7) % 1500;
    let mut d = i.to_le_bytes().to_vec();
    d.extend((4..len).map(|j| (i as usize * 31 + j) as u8));
    d
}

/// 1,000 datagrams from two peers (alternating) to a receiver on `local_ip`.
fn burst(local_ip: &str) {
    let mut w = Watch::start(SessionConfig::new(
        Role::UdpReceiver,
        format!("{local_ip}:0"),
    ));
    let to = w.wait_local();
    let bind: SocketAddr = format!("{local_ip}:0").parse().unwrap();
    let peers = [
        UdpSocket::bind(bind).unwrap(),
        UdpSocket::bind(bind).unwrap(),
    ];
    let n = 1000u32;
    for i in 0..n {
        peers[i as usize % 2].send_to(&datagram(i), to).unwrap();
    }
    let got = w.wait_n("rx", n as usize, is_rx);
    for (i, ev) in (0..n).zip(&got) {
        assert_eq!(rx_bytes(ev), datagram(i), "datagram {i} whole and in order");
        let from = peers[i as usize % 2].local_addr().unwrap();
        assert_eq!(ev.peer, Some(from), "datagram {i} from its own sender");
        assert_eq!(ev.local, Some(to));
    }
    let rest = w.session.stop_and_join();
    let all: Vec<_> = w.seen.iter().chain(&rest).collect();
    assert_eq!(all.iter().filter(|e| is_rx(e)).count(), n as usize);
    assert!(
        !all.iter()
            .any(|e| matches!(e.kind, EventKind::KernelDrops { .. })),
        "an 8 MiB buffer holds the burst: nothing dropped"
    );
}

#[test]
fn a_burst_of_a_thousand_datagrams_arrives_whole_in_order_from_each_sender_v4() {
    burst("127.0.0.1");
}

#[test]
fn a_burst_of_a_thousand_datagrams_arrives_whole_in_order_from_each_sender_v6() {
    if !have_ipv6() {
        println!("skipping: no IPv6 loopback");
        return;
    }
    burst("[::1]");
}

/// Small, largest, empty, largest, small in one burst: each whole, none cut or mixed.
fn largest_beside_small(local_ip: &str, largest: usize) {
    let mut w = Watch::start(SessionConfig::new(
        Role::UdpReceiver,
        format!("{local_ip}:0"),
    ));
    let to = w.wait_local();
    let p = UdpSocket::bind(format!("{local_ip}:0")).unwrap();
    let big = |seed: usize| -> Vec<u8> { (0..largest).map(|i| (i * 13 + seed) as u8).collect() };
    let sent = [
        b"small".to_vec(),
        big(1),
        Vec::new(),
        big(2),
        b"tail".to_vec(),
    ];
    for d in &sent {
        p.send_to(d, to).unwrap();
    }
    let got = w.wait_n("rx", sent.len(), is_rx);
    for (d, ev) in sent.iter().zip(&got) {
        assert_eq!(rx_bytes(ev).len(), d.len());
        assert_eq!(rx_bytes(ev), d.as_slice());
    }
    // One byte more than the largest does not go out at all (the sender is told).
    assert!(p.send_to(&vec![0u8; largest + 1], to).is_err());
    w.session.stop_and_join();
}

#[test]
fn the_largest_ipv4_datagram_arrives_whole_beside_small_ones() {
    largest_beside_small("127.0.0.1", 65_507);
}

#[test]
fn the_largest_ipv6_datagram_arrives_whole_beside_small_ones() {
    if !have_ipv6() {
        println!("skipping: no IPv6 loopback");
        return;
    }
    largest_beside_small("[::1]", 65_527);
}
