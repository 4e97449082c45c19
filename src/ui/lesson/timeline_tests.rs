//! Tests of the socket-calls strip's words (`timeline.rs`): the steps as text, UDP and
//! errors, AF_UNIX, and the strip's bound.

use super::*;
use crate::net::{ClosedBy, ErrorKind, Event, EventKind, Role};
use crate::session::timeline::MAX_STEPS;

fn ev(role: Role, kind: EventKind, peer: Option<&str>, client: Option<u64>) -> Event {
    Event {
        ts_us: 0,
        role,
        local: Some("127.0.0.1:7891".parse().unwrap()),
        peer: peer.map(|p| p.parse().unwrap()),
        client,
        kind,
        opcode: None,
    }
}

#[test]
fn a_unix_socket_is_af_unix_on_the_strip() {
    let name = crate::net::addr::unix("unix:/tmp/class.sock")
        .and_then(Result::ok)
        .expect("a unix address");
    let mut e = ev(
        Role::TcpServer,
        EventKind::Listening { backlog: 128 },
        None,
        None,
    );
    e.local = Some(crate::net::unix_name::stand_in(&name));
    let mut t = Timeline::new(Role::TcpServer);
    t.on_event(&e);
    let texts = t.texts(Lang::En);
    assert_eq!(
        texts.first().map(String::as_str),
        Some("socket(AF_UNIX, SOCK_STREAM)")
    );
    // A client's close is an end of file, not a FIN.
    let peer = crate::net::unix_name::stand_in(&name);
    let mut close = ev(
        Role::TcpServer,
        EventKind::Closed {
            by: ClosedBy::Peer,
            reason: crate::net::CloseReason::PeerFin,
        },
        None,
        Some(1),
    );
    close.peer = Some(peer);
    t.on_event(&close);
    let last = t.texts(Lang::En).pop().unwrap_or_default();
    assert!(last.contains("the peer closed (end of file)"), "{last}");
    assert!(!last.contains("FIN"), "{last}");
}

#[test]
fn tcp_server_steps_merge_and_end() {
    let r = Role::TcpServer;
    let mut t = Timeline::new(r);
    let c = Some("127.0.0.1:50000");
    for e in [
        ev(r, EventKind::Listening { backlog: 128 }, None, None),
        ev(r, EventKind::Accepted, c, Some(1)),
        ev(r, EventKind::Rx(vec![0; 5]), c, Some(1)),
        ev(r, EventKind::Rx(vec![0; 7]), c, Some(1)),
        ev(r, EventKind::Tx(vec![0; 3]), c, Some(1)),
        ev(
            r,
            EventKind::Closed {
                by: ClosedBy::Peer,
                reason: crate::net::CloseReason::PeerFin,
            },
            c,
            Some(1),
        ),
    ] {
        t.on_event(&e);
    }
    let texts = t.texts(Lang::En);
    assert_eq!(
        texts,
        vec![
            "socket(AF_INET, SOCK_STREAM)",
            "bind(127.0.0.1:7891)",
            "listen(128)",
            "accept() → client #1 127.0.0.1:50000",
            "[client #1] recv() ×2, 12 B in all",
            "[client #1] send() 3 B",
            "[client #1] close() — ended: FIN from the peer",
        ]
    );
}

#[test]
fn udp_and_errors() {
    let r = Role::UdpSender;
    let mut t = Timeline::new(r);
    t.on_event(&ev(r, EventKind::Bound, None, None));
    t.on_event(&ev(
        r,
        EventKind::Tx(vec![1; 4]),
        Some("127.0.0.1:8080"),
        None,
    ));
    let texts = t.texts(Lang::En);
    assert_eq!(texts[2], "sendto(127.0.0.1:8080) 4 B");
    // A mistyped host fails its lookup, not a recv().
    t.on_event(&ev(
        r,
        EventKind::Error {
            kind: ErrorKind::HostNotFound,
            detail: "x".into(),
        },
        None,
        None,
    ));
    let texts = t.texts(Lang::En);
    assert!(texts[3].starts_with("getaddrinfo() ✗"), "{texts:?}");
    // A reply with nobody to send it to (an unnamed unix sender) fails a sendto().
    t.on_event(&ev(
        r,
        EventKind::Error {
            kind: ErrorKind::NotConnected,
            detail: "x".into(),
        },
        None,
        None,
    ));
    let texts = t.texts(Lang::En);
    assert!(texts[4].starts_with("sendto() ✗"), "{texts:?}");

    let r = Role::TcpClient;
    let mut t = Timeline::new(r);
    t.on_event(&ev(r, EventKind::Connecting, Some("127.0.0.1:1"), None));
    t.on_event(&ev(
        r,
        EventKind::Error {
            kind: ErrorKind::Refused,
            detail: "x".into(),
        },
        Some("127.0.0.1:1"),
        None,
    ));
    let zh = t.texts(Lang::Zh);
    assert!(zh[2].starts_with("connect() ✗"), "{zh:?}");
    assert!(zh[2].contains("连接被拒绝"), "{zh:?}");
    assert_eq!(t.last_error, Some(ErrorKind::Refused));
}

#[test]
fn grouped_calls_say_each_size_and_the_total() {
    let r = Role::UdpReceiver;
    let mut t = Timeline::new(r);
    let p = Some("127.0.0.1:7890");
    for _ in 0..4 {
        t.on_event(&ev(r, EventKind::Rx(vec![0; 4]), p, None));
    }
    assert_eq!(
        t.texts(Lang::Zh)[0],
        "recvfrom() ← 127.0.0.1:7890 ×4, 每次 4 字节, 共 16 字节"
    );
    assert_eq!(
        t.texts(Lang::En)[0],
        "recvfrom() ← 127.0.0.1:7890 ×4, 4 B each, 16 B in all"
    );
    let mut t = Timeline::new(r);
    t.on_event(&ev(r, EventKind::Rx(vec![0; 4]), p, None));
    assert_eq!(t.texts(Lang::Zh)[0], "recvfrom() ← 127.0.0.1:7890 4 字节");
    for n in [7, 10] {
        t.on_event(&ev(r, EventKind::Rx(vec![0; n]), p, None));
    }
    assert_eq!(
        t.texts(Lang::Zh)[0],
        "recvfrom() ← 127.0.0.1:7890 ×3, 共 21 字节"
    );
    // Pause and resume are steps of their own: the read after them is not merged.
    let r = Role::TcpClient;
    let mut t = Timeline::new(r);
    t.on_event(&ev(r, EventKind::Connected, p, None));
    t.on_event(&ev(r, EventKind::ReadingPaused, p, None));
    t.on_event(&ev(r, EventKind::ReadingResumed, p, None));
    t.on_event(&ev(r, EventKind::Rx(vec![0; 21]), p, None));
    let zh = t.texts(Lang::Zh);
    assert_eq!(zh[2], "recv() 暂停接收（数据留在内核里）");
    assert_eq!(zh[3], "recv() ▶ 恢复接收");
    assert_eq!(zh[4], "recv() 21 字节");
}

#[test]
fn bounded() {
    let r = Role::UdpReceiver;
    let mut t = Timeline::new(r);
    for i in 0..(MAX_STEPS as u16 + 50) {
        let peer = format!("127.0.0.1:{}", 1000 + i);
        t.on_event(&ev(r, EventKind::Rx(vec![0]), Some(&peer), None));
    }
    assert_eq!(t.steps.len(), MAX_STEPS);
    assert!(t.dropped > 0);
}

#[test]
fn the_newest_steps_fit_whole_and_the_earlier_are_counted() {
    // Everything fits: all shown.
    assert_eq!(fitting(&[10.0, 10.0, 10.0], 5.0, 20.0, 100.0), 3);
    // 100 wide: the newest two (40 + 5 + 40) and the marker (20 + 5) do not all fit.
    assert_eq!(fitting(&[40.0, 40.0, 40.0], 5.0, 20.0, 100.0), 1);
    assert_eq!(fitting(&[40.0, 40.0, 40.0], 5.0, 20.0, 115.0), 2);
    // The newest is shown even when it alone is wider.
    assert_eq!(fitting(&[40.0, 400.0], 5.0, 20.0, 100.0), 1);
    assert_eq!(fitting(&[], 5.0, 20.0, 100.0), 0);
}

#[test]
fn the_empty_strip_names_the_tabs_button() {
    assert!(empty_hint(Lang::En, Some(Role::TcpServer)).contains("Listen"));
    assert!(empty_hint(Lang::En, Some(Role::TcpClient)).contains("Connect"));
    assert!(empty_hint(Lang::En, Some(Role::UdpReceiver)).contains("Bind"));
    assert!(!empty_hint(Lang::En, Some(Role::UdpSender)).contains("start button"));
    assert!(empty_hint(Lang::Zh, Some(Role::TcpServer)).contains("监听"));
}
