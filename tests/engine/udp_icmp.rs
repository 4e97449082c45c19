//! The network's answers to UDP: a datagram to a loopback port where nothing listens draws
//! ICMP port unreachable, which the sender (and a receiver replying) tells as a typed
//! event naming the destination, and the next datagram still goes out.

use crate::support as common;

use common::*;
use socket_tester::i18n::{Lang, describe_in};
use socket_tester::net::{Command, EventKind, IcmpKind, Payload, Role, SessionConfig, Target};
use std::net::{SocketAddr, UdpSocket};

/// A loopback UDP port nobody listens on any more: bound, noted, dropped.
fn closed_port(ip: &str) -> SocketAddr {
    let s = UdpSocket::bind((ip, 0)).unwrap();
    s.local_addr().unwrap()
}

fn send(w: &Watch, text: &str) {
    w.send(Command::Send {
        payload: Payload::Bytes(text.as_bytes().to_vec()),
        to: Target::Default,
    });
}

fn is_port_unreachable(e: &socket_tester::net::Event) -> bool {
    matches!(&e.kind, EventKind::Icmp(r) if r.kind == IcmpKind::PortUnreachable)
}

/// The sender sends twice to a closed port: each draws a port unreachable, told with the
/// destination (and on Linux from the ICMP message itself, with who sent it).
#[test]
fn a_datagram_to_a_closed_port_is_answered_with_port_unreachable() {
    let dest = closed_port("127.0.0.1");
    let mut w = Watch::start(SessionConfig::new(Role::UdpSender, dest.to_string()));
    w.wait_local();
    send(&w, "anyone there?");
    w.wait("the datagram sent", is_tx);
    let ev = w.wait("port unreachable", is_port_unreachable);
    let EventKind::Icmp(r) = &ev.kind else {
        unreachable!()
    };
    assert_eq!(r.to, Some(dest));
    assert_eq!(ev.peer, Some(dest));
    if cfg!(target_os = "linux") {
        assert!(r.icmp, "read from the ICMP message (the error queue)");
        assert_eq!(r.from, Some(dest.ip()), "loopback answers itself");
    }
    let en = describe_in(Lang::En, &ev);
    assert!(
        en.starts_with(&format!(
            "port unreachable: nothing listens on {dest} (ICMP"
        )),
        "{en}"
    );
    assert!(describe_in(Lang::Zh, &ev).contains("端口不可达"));

    // The session goes on: the next datagram goes out too, and draws its own answer.
    send(&w, "still there?");
    w.wait("the second datagram sent", is_tx);
    w.wait("a second port unreachable", is_port_unreachable);
    let errors = w
        .seen
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Error { .. }))
        .count();
    assert_eq!(errors, 0, "told as the network's answer, not an error");
    w.session.stop_and_join();
}

/// A receiver replying to a peer that has closed its socket learns the same.
#[test]
fn a_receiver_replying_to_a_closed_peer_is_told_port_unreachable() {
    let mut w = Watch::start(SessionConfig::new(Role::UdpReceiver, "127.0.0.1:0"));
    let local = w.wait_local();
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    let gone = peer.local_addr().unwrap();
    peer.send_to(b"hello", local).unwrap();
    w.wait("rx", is_rx);
    drop(peer);
    send(&w, "reply");
    let ev = w.wait("port unreachable", is_port_unreachable);
    let EventKind::Icmp(r) = &ev.kind else {
        unreachable!()
    };
    assert_eq!(r.to, Some(gone));
    w.session.stop_and_join();
}

/// IPv6 too (IPV6_RECVERR), where the machine has it.
#[test]
fn ipv6_port_unreachable_is_told_too() {
    if !have_ipv6() {
        return;
    }
    let dest = closed_port("::1");
    let mut w = Watch::start(SessionConfig::new(Role::UdpSender, dest.to_string()));
    w.wait_local();
    send(&w, "v6");
    let ev = w.wait("port unreachable", is_port_unreachable);
    let EventKind::Icmp(r) = &ev.kind else {
        unreachable!()
    };
    assert_eq!(r.to, Some(dest));
    w.session.stop_and_join();
}
