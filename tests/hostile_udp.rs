//! A UDP flood beyond what the kernel buffers. On Linux the receiver reads SO_RXQ_OVFL and
//! reports the datagrams the kernel dropped ("kernel dropped: N"), so the user knows loss
//! happened before the app: what arrived plus what the kernel dropped is what was sent.
#![cfg(target_os = "linux")]

mod common;

use common::*;
use socket_tester::net::{EventKind, Role, SessionConfig};
use std::net::UdpSocket;

fn dropped_in(message: &str) -> Option<u64> {
    message
        .strip_prefix("kernel dropped: ")?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[test]
fn a_udp_flood_reports_what_the_kernel_dropped() {
    // A tiny event queue: the worker soon waits on us, the socket buffer fills, the kernel drops.
    let mut cfg = SessionConfig::new(Role::UdpReceiver, "127.0.0.1:0");
    cfg.event_capacity = 16;
    let mut w = Watch::start(cfg);
    let to = w.wait_local();

    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    let payload = [0x5au8; 1000];
    let mut sent = 0u64;
    // 20 MB: far more than any default receive buffer (rmem_max is a few hundred KiB).
    for _ in 0..20_000 {
        if peer.send_to(&payload, to).is_ok() {
            sent += 1;
        }
    }
    // Now read. The count travels with each datagram, so one more, sent after the drops,
    // carries the final figure.
    let mut received = 0u64;
    let mut reported = 0u64;
    let mut marker_sent = false;
    loop {
        let ev = w.wait("rx or info", |e| {
            matches!(e.kind, EventKind::Rx(_) | EventKind::Info(_))
        });
        match &ev.kind {
            EventKind::Rx(d) if d == b"last" => {
                received += 1;
                break;
            }
            EventKind::Rx(_) => {
                received += 1;
                if !marker_sent && received > 10 {
                    // The worker is draining again: the flood is over, the buffer has room.
                    peer.send_to(b"last", to).unwrap();
                    marker_sent = true;
                }
            }
            EventKind::Info(m) => {
                if let Some(n) = dropped_in(m) {
                    assert!(n >= reported, "the count never goes down");
                    reported = n;
                }
            }
            _ => {}
        }
    }
    // The last figure is always reported when the socket closes.
    let rest = w.session.stop_and_join();
    for ev in &rest {
        match &ev.kind {
            EventKind::Rx(_) => received += 1,
            EventKind::Info(m) => {
                if let Some(n) = dropped_in(m) {
                    reported = reported.max(n);
                }
            }
            _ => {}
        }
    }
    println!("udp flood: sent {sent} + 1, received {received}, kernel dropped {reported}");
    assert!(
        reported > 0,
        "the flood overflowed the buffer and it was reported"
    );
    assert!(received < sent, "some were lost");
    assert_eq!(
        received + reported,
        sent + 1,
        "received + reported dropped = sent: nothing unaccounted for"
    );
    assert!(
        w.seen
            .iter()
            .chain(&rest)
            .any(|e| matches!(&e.kind, EventKind::Info(m)
            if m.contains("receive buffer was full"))),
        "the message says why"
    );
}

#[test]
fn a_quiet_receiver_reports_no_drops() {
    let mut w = Watch::start(SessionConfig::new(Role::UdpReceiver, "127.0.0.1:0"));
    let to = w.wait_local();
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..50 {
        peer.send_to(format!("{i}").as_bytes(), to).unwrap();
        w.wait("rx", is_rx);
    }
    let rest = w.session.stop_and_join();
    let all: Vec<_> = w.seen.iter().chain(rest.iter()).collect();
    assert!(
        !all.iter()
            .any(|e| matches!(&e.kind, EventKind::Info(m) if m.starts_with("kernel dropped"))),
        "no drops, no report"
    );
    assert_eq!(all.iter().filter(|e| is_rx(e)).count(), 50);
}
