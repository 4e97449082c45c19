//! The binary spool on real files: every event kind round-trips through `Spool` and
//! `read_events` (IPv4 and IPv6, TCP client ids, an encoding change, a truncate); the
//! overhead per event stays small; and a torn or bit-flipped tail keeps every intact
//! record before it and reports the cut.

use socket_tester::codec::Encoding;
use socket_tester::log::spool::{Spool, read_events};
use socket_tester::net::{CloseReason, ClosedBy, ErrorKind, Event, EventKind, ResetReason, Role};
use std::net::SocketAddr;
use std::path::Path;

fn at(ts_us: i64, role: Role, kind: EventKind) -> Event {
    Event {
        ts_us,
        role,
        local: None,
        peer: None,
        client: None,
        kind,
        opcode: None,
    }
}

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

/// Every kind of event, from a TCP server with IPv4 and IPv6 clients and a UDP receiver.
fn every_kind() -> Vec<Event> {
    let l4 = Some(addr("0.0.0.0:7891"));
    let l6 = Some(addr("[::]:7891"));
    let p4 = Some(addr("192.168.1.20:50123"));
    let p6 = Some(addr("[2001:db8::17]:50124"));
    let scoped = Some(addr("[fe80::1%3]:9"));
    let t0 = 1_795_000_000_123_456;
    let mut v = vec![
        at(t0, Role::TcpServer, EventKind::Listening { backlog: 128 }),
        at(t0 + 1, Role::TcpServer, EventKind::Bound),
        at(t0 + 2, Role::TcpServer, EventKind::Accepted),
        at(t0 + 3, Role::TcpServer, EventKind::Rx(b"hello".to_vec())),
        at(t0 + 4, Role::TcpServer, EventKind::Tx((0..=255).collect())),
        at(t0 + 5, Role::TcpServer, EventKind::Rx(Vec::new())),
        at(
            t0 + 3,
            Role::TcpServer,
            EventKind::Info("clock went back".into()),
        ),
        at(
            t0 + 9,
            Role::TcpServer,
            EventKind::Note("device rebooted".into()),
        ),
        at(
            t0 + 10,
            Role::TcpServer,
            EventKind::Closed {
                by: ClosedBy::Peer,
                reason: CloseReason::PeerFin,
            },
        ),
        at(
            t0 + 11,
            Role::TcpServer,
            EventKind::Reset {
                reason: ResetReason::PeerReset,
            },
        ),
        at(
            t0 + 12,
            Role::TcpServer,
            EventKind::Error {
                kind: ErrorKind::AddrInUse,
                detail: "port in use".into(),
            },
        ),
        at(
            t0 + 5_000_000_000,
            Role::TcpServer,
            EventKind::Closed {
                by: ClosedBy::Local,
                reason: CloseReason::ServerEnded { clients: 3 },
            },
        ),
        at(
            t0 + 13,
            Role::TcpServer,
            EventKind::Refused { limit: 2, total: 7 },
        ),
        at(
            t0 + 14,
            Role::UdpReceiver,
            EventKind::KernelDrops { total: 16_360 },
        ),
        at(t0 + 15, Role::TcpClient, EventKind::PeerFinHalfOpen),
        at(t0 + 5_000_000_001, Role::UdpReceiver, EventKind::Bound),
        at(
            t0 + 5_000_000_002,
            Role::UdpReceiver,
            EventKind::Rx(vec![0]),
        ),
        at(t0 + 5_000_000_003, Role::TcpClient, EventKind::Connecting),
        at(t0 + 5_000_000_004, Role::TcpClient, EventKind::Connected),
        at(-1, Role::TcpClient, EventKind::Tx(vec![0xff; 3])),
    ];
    for (i, e) in v.iter_mut().enumerate() {
        let v6 = i % 2 == 1;
        e.local = match i % 5 {
            0 => None,
            _ if v6 => l6,
            _ => l4,
        };
        e.peer = match i % 3 {
            0 => None,
            1 if i == 7 => scoped,
            _ if v6 => p6,
            _ => p4,
        };
        e.client = (e.role == Role::TcpServer && i % 4 != 0).then_some(i as u64 * 1000);
    }
    v
}

fn synced(s: &Spool) {
    assert!((s.syncer())(), "the writer synced");
}

#[test]
fn every_event_kind_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Spool::in_dir(dir.path(), "tcp-server", Encoding::UTF_8).unwrap();
    let evs = every_kind();
    let (first, second) = evs.split_at(8);
    for e in first {
        s.write(e);
    }
    s.set_encoding(Encoding::GBK);
    for e in second {
        s.write(e);
    }
    synced(&s);
    let mut r = read_events(s.path()).unwrap();
    assert_eq!(r.header().role, Some(Role::TcpServer));
    assert_eq!(r.header().encoding_label, "utf-8");
    let mut got = Vec::new();
    while let Some(e) = r.next() {
        got.push((e, r.encoding()));
    }
    assert!(r.cut().is_none(), "{:?}", r.cut());
    let want: Vec<(Event, Encoding)> = evs
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let enc = if i < 8 {
                Encoding::UTF_8
            } else {
                Encoding::GBK
            };
            (e.clone(), enc)
        })
        .collect();
    assert_eq!(got, want);
    assert_eq!(s.poll().0, evs.len() as u64);

    // Truncate: only what follows is left, and the encoding carries over.
    s.truncate();
    s.write(&evs[3]);
    synced(&s);
    let mut r = read_events(s.path()).unwrap();
    assert_eq!(r.header().encoding_label, "gbk");
    assert_eq!(r.next(), Some(evs[3].clone()));
    assert_eq!(r.next(), None);
    assert!(r.cut().is_none());
}

/// (file size - payload) / events for a spool of these events.
fn overhead(dir: &Path, name: &str, evs: impl Iterator<Item = Event>) -> (f64, f64) {
    let mut s = Spool::in_dir(dir, name, Encoding::UTF_8).unwrap();
    let (mut n, mut payload) = (0u64, 0u64);
    for e in evs {
        payload += e.kind.data().map_or(0, |d| d.len() as u64);
        n += 1;
        s.write(&e);
        while s.is_behind() {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }
    synced(&s);
    let size = std::fs::metadata(s.path()).unwrap().len();
    let per_event = (size - payload) as f64 / n as f64;
    (per_event, (size - payload) as f64 / payload as f64)
}

#[test]
fn overhead_is_small() {
    let dir = tempfile::tempdir().unwrap();
    let local = addr("[2001:db8::1]:9000");
    let peer = addr("[2001:db8:ffff:1234:5678:9abc:def0:1]:51234");
    let t0 = 1_795_000_000_000_000;
    // 1-byte datagrams from one IPv6 peer, 1 ms apart.
    let udp = (0..20_000i64).map(|i| Event {
        ts_us: t0 + i * 1000,
        role: Role::UdpReceiver,
        local: Some(local),
        peer: Some(peer),
        client: None,
        kind: EventKind::Rx(vec![i as u8]),
        opcode: None,
    });
    let (per, _) = overhead(dir.path(), "udp-recv", udp);
    eprintln!("1-byte IPv6 datagrams: {per:.2} bytes of overhead per event");
    assert!(per <= 40.0, "{per}");

    // The worst case: every datagram from a new IPv6 peer (its address defined first).
    let fresh = (0..20_000i64).map(|i| Event {
        ts_us: t0 + i * 1000,
        role: Role::UdpReceiver,
        local: Some(local),
        peer: Some(SocketAddr::new(peer.ip(), 1024 + i as u16)),
        client: None,
        kind: EventKind::Rx(vec![i as u8]),
        opcode: None,
    });
    let (per, _) = overhead(dir.path(), "udp-recv", fresh);
    eprintln!("1-byte datagrams, each from a new IPv6 peer: {per:.2} bytes per event");
    assert!(per <= 40.0, "{per}");

    // 64 KiB TCP chunks from client 7.
    let chunk: Vec<u8> = (0..65_536u32).map(|i| (i % 251) as u8).collect();
    let tcp = (0..400i64).map(|i| Event {
        ts_us: t0 + i * 500,
        role: Role::TcpServer,
        local: Some(addr("127.0.0.1:7891")),
        peer: Some(addr("127.0.0.1:50123")),
        client: Some(7),
        kind: EventKind::Rx(chunk.clone()),
        opcode: None,
    });
    let (per, ratio) = overhead(dir.path(), "tcp-server", tcp);
    eprintln!(
        "64 KiB chunks: {per:.2} bytes per event, {:.4}% overhead",
        ratio * 100.0
    );
    assert!(ratio <= 0.02, "{ratio}");
    assert!(per <= 40.0, "{per}");
}

/// A spool written one synced event at a time, with the file size after each event.
fn spool_with_ends(dir: &Path, evs: &[Event]) -> (Vec<u8>, Vec<u64>) {
    let mut s = Spool::in_dir(dir, "tcp-server", Encoding::UTF_8).unwrap();
    synced(&s);
    let mut ends = vec![std::fs::metadata(s.path()).unwrap().len()];
    for e in evs {
        s.write(e);
        synced(&s);
        ends.push(std::fs::metadata(s.path()).unwrap().len());
    }
    (std::fs::read(s.path()).unwrap(), ends)
}

fn read_bytes(dir: &Path, bytes: &[u8]) -> (Vec<Event>, Option<socket_tester::log::spool::Cut>) {
    let p = dir.join("damaged.stspool");
    std::fs::write(&p, bytes).unwrap();
    let mut r = read_events(&p).unwrap();
    let evs: Vec<Event> = r.by_ref().collect();
    // Once ended, it stays ended.
    assert_eq!(r.next(), None);
    (evs, r.cut().cloned())
}

#[test]
fn a_torn_tail_keeps_every_intact_record() {
    let dir = tempfile::tempdir().unwrap();
    let evs = every_kind();
    let (bytes, ends) = spool_with_ends(dir.path(), &evs);
    // Every cut within the last four events (and their address records).
    let from = ends[ends.len() - 5];
    for k in from..=bytes.len() as u64 {
        let (got, cut) = read_bytes(dir.path(), &bytes[..k as usize]);
        let whole = ends.iter().filter(|e| **e <= k).count() - 1;
        assert_eq!(got, evs[..whole], "cut at {k}");
        let last_end = ends[whole];
        match cut {
            None => {
                // A clean end: after an event, or after one of the few records (role,
                // addresses) that define what the next event refers to.
                assert!(k == last_end || k <= last_end + 3 * 32, "cut at {k}");
            }
            Some(c) => {
                // The file ends inside a record: it is cut from the last whole one on.
                assert!(c.torn, "{c:?}");
                assert!(c.offset >= last_end && c.offset < k, "{c:?} at {k}");
                assert_eq!(c.offset + c.bytes, k, "{c:?}");
                // Where it cut is a clean end.
                let (before, none) = read_bytes(dir.path(), &bytes[..c.offset as usize]);
                assert_eq!(before, evs[..whole]);
                assert!(none.is_none(), "{none:?}");
            }
        }
    }
}

#[test]
fn flipped_bits_keep_every_record_before_the_damage() {
    let dir = tempfile::tempdir().unwrap();
    let evs = every_kind();
    let (bytes, ends) = spool_with_ends(dir.path(), &evs);
    // Every bit of the records of three events in the middle.
    let mid = evs.len() / 2;
    for i in mid..mid + 3 {
        for pos in ends[i]..ends[i + 1] {
            for bit in 0..8 {
                let mut b = bytes.clone();
                b[pos as usize] ^= 1 << bit;
                let (got, cut) = read_bytes(dir.path(), &b);
                assert_eq!(got, evs[..i], "bit {bit} of byte {pos}");
                let c = cut.unwrap_or_else(|| panic!("damage at {pos} not reported"));
                assert!(c.offset >= ends[i] && c.offset <= pos, "{c:?} at {pos}");
                assert_eq!(c.offset + c.bytes, bytes.len() as u64, "{c:?}");
            }
        }
    }
    // A damaged header: no events, the whole file cut (or not a spool at all).
    for pos in 8..ends[0] {
        let mut b = bytes.clone();
        b[pos as usize] ^= 0x10;
        let p = dir.path().join("h.stspool");
        std::fs::write(&p, &b).unwrap();
        if let Ok(mut r) = read_events(&p) {
            assert_eq!(r.next(), None);
            assert_eq!(r.cut().map(|c| c.bytes), Some(bytes.len() as u64));
        }
    }
}
