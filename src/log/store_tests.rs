//! Tests of the bounded in-memory log: caps, counts, clients, decoding.

use super::*;
use crate::net::Role;

/// Stand-in words (the English ones come from i18n, above log: `tests/engine/record.rs`
/// checks them).
pub(crate) fn words(ev: &Event) -> String {
    format!("{:?}", ev.kind)
}

#[test]
fn a_server_running_for_hours_keeps_open_clients_and_the_newest_closed() {
    use crate::net::{CloseReason, ClosedBy};
    let mut s = LogStore::new(crate::codec::Encoding::UTF_8, words);
    let ev = |id: u64, kind: EventKind| Event {
        ts_us: id as i64,
        role: Role::TcpServer,
        local: None,
        peer: None,
        client: Some(id),
        kind,
        opcode: None,
    };
    // Client 0 stays; 1..=1500 come and go.
    s.push(ev(0, EventKind::Accepted));
    for id in 1..=1500 {
        s.push(ev(id, EventKind::Accepted));
        s.push(ev(
            id,
            EventKind::Closed {
                by: ClosedBy::Peer,
                reason: CloseReason::PeerFin,
            },
        ));
    }
    assert_eq!(s.clients.len(), 1 + LogStore::MAX_CLOSED_CLIENTS);
    assert_eq!(s.clients_forgotten, 500);
    assert!(s.clients[&0].open, "an open client is never forgotten");
    assert!(!s.clients.contains_key(&500) && s.clients.contains_key(&501));
    assert!(s.clients.contains_key(&1500));
}

fn rx(role: Role, bytes: &[u8]) -> Event {
    Event {
        ts_us: 1,
        role,
        local: None,
        peer: None,
        client: None,
        kind: EventKind::Rx(bytes.to_vec()),
        opcode: None,
    }
}

#[test]
fn engine_counts_come_from_typed_events() {
    let mut s = LogStore::new(Encoding::UTF_8, words);
    let ev = |role, kind| Event {
        ts_us: 1,
        role,
        local: None,
        peer: Some("127.0.0.1:9".parse().unwrap()),
        client: None,
        kind,
        opcode: None,
    };
    s.push(ev(
        Role::TcpServer,
        EventKind::Refused { limit: 2, total: 1 },
    ));
    s.push(ev(
        Role::TcpServer,
        EventKind::Refused { limit: 2, total: 2 },
    ));
    s.push(ev(
        Role::UdpReceiver,
        EventKind::KernelDrops { total: 16360 },
    ));
    s.push(ev(
        Role::UdpReceiver,
        EventKind::KernelDrops { total: 57502 },
    ));
    // A later, smaller figure (never sent by a worker) does not lower the count.
    s.push(ev(Role::UdpReceiver, EventKind::KernelDrops { total: 10 }));
    // Words that look like a count are not counted: only typed events are.
    s.push(ev(
        Role::TcpServer,
        EventKind::Note("refused a client: kernel dropped: 5".into()),
    ));
    assert_eq!((s.refused, s.kernel_dropped), (2, 57502));
    let row = s.get(0).unwrap();
    assert_eq!(row.text, "Refused { limit: 2, total: 1 }");
    assert_eq!(row.direction(), Direction::Info);
    assert_eq!(
        message(&s.get(2).unwrap().event, words).as_deref(),
        Some("KernelDrops { total: 16360 }")
    );
}

#[test]
fn kernel_drops_count_from_the_session_start_or_the_last_clear() {
    let drops = |total| Event {
        ts_us: 1,
        role: Role::UdpReceiver,
        local: None,
        peer: None,
        client: None,
        kind: EventKind::KernelDrops { total },
        opcode: None,
    };
    let mut s = LogStore::new(Encoding::UTF_8, words);
    s.push(drops(100));
    s.push(drops(250));
    assert_eq!((s.kernel_dropped, s.drops_since_clear), (250, false));
    s.clear();
    assert_eq!((s.kernel_dropped, s.drops_since_clear), (0, true));
    s.push(drops(260));
    assert_eq!(s.kernel_dropped, 10, "only the drops after Clear");
    s.new_session();
    s.push(drops(3));
    assert_eq!((s.kernel_dropped, s.drops_since_clear), (3, false));
}

#[test]
fn bounded_and_counts_everything() {
    let mut s = LogStore::new(Encoding::UTF_8, words);
    s.max_rows = 3;
    for i in 0..10u8 {
        s.push(rx(Role::UdpReceiver, &[b'a' + i]));
    }
    assert_eq!(s.len(), 3);
    assert_eq!(s.total(), 10);
    assert_eq!(s.counters.rx_msgs, 10);
    assert_eq!(s.get(0).unwrap().text, "h");
    assert_eq!(s.get(0).unwrap().seq, 7);
}

#[test]
fn rows_that_are_not_text_are_marked_once_as_they_come_in() {
    let mut s = LogStore::new(Encoding::UTF_8, words);
    s.push(rx(Role::UdpReceiver, &[0x00, 0x01, 0x02, 0xff]));
    s.push(rx(Role::UdpReceiver, b"plain text\r\n\twith tab"));
    s.push(rx(Role::UdpReceiver, "收到".as_bytes()));
    s.push(rx(Role::UdpReceiver, &[b'a', 0xff, b'b']));
    s.push(rx(Role::UdpReceiver, b"del\x7f"));
    let bin: Vec<bool> = s.iter().map(|e| e.binary).collect();
    assert_eq!(bin, [true, false, false, true, true]);
    // A TCP character split over two reads is text in both.
    let ok = "好".as_bytes();
    s.push(rx(Role::TcpClient, &ok[..1]));
    s.push(rx(Role::TcpClient, &ok[1..]));
    assert!(!s.get(5).unwrap().binary && !s.get(6).unwrap().binary);
    // GBK bytes are invalid UTF-8, and text once the encoding is GBK.
    let gbk = crate::codec::encode(Encoding::GBK, "收到").unwrap();
    s.push(rx(Role::UdpReceiver, &gbk));
    assert!(s.get(7).unwrap().binary);
    s.set_encoding(Encoding::GBK);
    assert!(!s.get(7).unwrap().binary);
    assert!(
        s.get(0).unwrap().binary,
        "a control byte is binary in any encoding"
    );
}

#[test]
fn redecodes_streams_on_encoding_change() {
    let gbk = crate::codec::encode(Encoding::GBK, "收到啦").unwrap();
    let mut s = LogStore::new(Encoding::UTF_8, words);
    for b in &gbk {
        s.push(rx(Role::TcpClient, &[*b]));
    }
    assert!(s.iter().any(|e| e.text.contains('\u{fffd}')));
    assert_eq!(s.get(0).unwrap().gap_us, None);
    assert_eq!(s.get(1).unwrap().gap_us, Some(0));
    s.set_encoding(Encoding::GBK);
    let joined: String = s.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(joined, "收到啦");
}

#[test]
fn a_client_whose_tls_failed_is_marked_so() {
    use crate::net::relay::{Leg, RelayKind};
    use crate::net::tls::TlsProblem;
    let mut s = LogStore::new(crate::codec::Encoding::UTF_8, words);
    let ev = |id: u64, role: Role, kind: EventKind| Event {
        ts_us: id as i64,
        role,
        local: None,
        peer: None,
        client: Some(id),
        kind,
        opcode: None,
    };
    s.push(ev(1, Role::TcpServer, EventKind::Accepted));
    s.push(ev(2, Role::TcpServer, EventKind::Accepted));
    s.push(ev(
        1,
        Role::TcpServer,
        EventKind::TlsFailed(TlsProblem::UnknownIssuer),
    ));
    // A relay's pair: its TLS failed on the server's leg.
    s.push(ev(
        2,
        Role::Relay,
        EventKind::Relay(Box::new(RelayKind::TlsFailed {
            leg: Leg::Server,
            problem: TlsProblem::Expired,
        })),
    ));
    assert!(s.clients[&1].tls_failed && s.clients[&2].tls_failed);
}
