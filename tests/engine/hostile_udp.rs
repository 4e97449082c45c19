//! A UDP flood beyond what the kernel buffers. On Linux the receiver reads the socket's
//! drop counter (SO_RXQ_OVFL on each datagram, SO_MEMINFO when idle and on a tick) and
//! reports it as `KernelDrops { total }`, so the user knows loss happened before the app:
//! what arrived plus what the kernel dropped is what was sent, and the figure is the
//! kernel's own (`/proc/net/udp`) soon after the flood ends, with no datagram after it.
#![cfg(target_os = "linux")]

use crate::support as common;

use common::*;
use socket_tester::net::{EventKind, Role, SessionConfig};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

/// The `drops` column of `/proc/net/udp` for the socket bound to `addr` (IPv4).
fn proc_drops(addr: SocketAddr) -> Option<u64> {
    let SocketAddr::V4(a) = addr else { return None };
    let want = format!(
        "{:08X}:{:04X}",
        u32::from_ne_bytes(a.ip().octets()),
        a.port()
    );
    let table = std::fs::read_to_string("/proc/net/udp").ok()?;
    table.lines().skip(1).find_map(|l| {
        let cols: Vec<&str> = l.split_whitespace().collect();
        (cols.get(1) == Some(&want.as_str()))
            .then(|| cols.last()?.parse().ok())
            .flatten()
    })
}

#[test]
fn a_udp_flood_reports_exactly_what_the_kernel_dropped() {
    // A tiny event queue: the worker soon waits on us, the socket buffer fills, the kernel drops.
    let mut cfg = SessionConfig::new(Role::UdpReceiver, "127.0.0.1:0");
    cfg.event_capacity = 16;
    let mut w = Watch::start(cfg);
    let to = w.wait_local();
    assert_eq!(proc_drops(to), Some(0), "a new socket has dropped nothing");

    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    let payload = [0x5au8; 1000];
    let mut sent = 0u64;
    // 20 MB while the worker is stalled: far more than the receive buffer (rmem_max caps it).
    for _ in 0..20_000 {
        if peer.send_to(&payload, to).is_ok() {
            sent += 1;
        }
    }
    // Loopback delivery happens inside send_to: the kernel's figure is final now.
    let kernel = proc_drops(to).expect("the socket is in /proc/net/udp");
    assert!(kernel > 0, "the flood overflowed the buffer");

    // Drain. No datagram follows the flood, so the final figure must come from the
    // direct read (SO_MEMINFO) when the worker goes idle.
    let mut received = 0u64;
    let mut reported = 0u64;
    let mut reports = 0u32;
    let end = Instant::now() + Duration::from_secs(20);
    while reported < kernel || received + reported < sent {
        assert!(
            Instant::now() < end,
            "received {received}, reported {reported}, kernel {kernel}, sent {sent}"
        );
        let Ok(ev) = w.session.events().recv_timeout(Duration::from_millis(100)) else {
            continue;
        };
        match ev.kind {
            EventKind::Rx(_) => received += 1,
            EventKind::KernelDrops { total } => {
                assert!(total >= reported, "the count never goes down");
                assert!(total <= kernel, "never more than the kernel counted");
                reported = total;
                reports += 1;
            }
            _ => {}
        }
    }
    println!(
        "udp flood: sent {sent}, received {received}, kernel dropped {reported} \
         (/proc/net/udp: {kernel}) in {reports} report(s)"
    );
    assert_eq!(reported, kernel, "the figure is the kernel's, exactly");
    assert_eq!(
        received + reported,
        sent,
        "received + reported dropped = sent: nothing unaccounted for"
    );
    assert!(received < sent, "some were lost");
    // Still exact after a while, and nothing more arrives or is counted at the end.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(proc_drops(to), Some(kernel));
    let rest = w.session.stop_and_join();
    for ev in &rest {
        match ev.kind {
            EventKind::Rx(_) => panic!("no datagram was left: {ev:?}"),
            EventKind::KernelDrops { total } => assert_eq!(total, kernel, "{ev:?}"),
            _ => {}
        }
    }
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
            .any(|e| matches!(e.kind, EventKind::KernelDrops { .. })),
        "no drops, no report"
    );
    assert_eq!(all.iter().filter(|e| is_rx(e)).count(), 50);
}
