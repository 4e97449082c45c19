//! UDP receiver and UDP sender against independent std::net peers on loopback.

use crate::support as common;

use common::*;
use socket_tester::codec::{self, Encoding};
use socket_tester::log::Decoders;
use socket_tester::net::{Command, ErrorKind, EventKind, Payload, Role, SessionConfig, Target};
use std::net::{SocketAddr, UdpSocket};

fn peer() -> UdpSocket {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    s
}

fn recv(s: &UdpSocket) -> (Vec<u8>, SocketAddr) {
    let mut buf = vec![0u8; 65_536];
    let (n, from) = s.recv_from(&mut buf).expect("the peer receives a datagram");
    buf.truncate(n);
    (buf, from)
}

fn receiver() -> (Watch, SocketAddr) {
    let mut w =
        Watch::start(SessionConfig::new(Role::UdpReceiver, "127.0.0.1:0").encoding(Encoding::GBK));
    let local = w.wait_local();
    assert_eq!(local.ip().to_string(), "127.0.0.1");
    assert_ne!(local.port(), 0, "Bound reports the real port, not 0");
    (w, local)
}

#[test]
fn receiver_gets_gbk_datagram_with_exact_bytes_and_sender() {
    let (mut w, local) = receiver();
    let p = peer();
    assert_eq!(codec::encode(Encoding::GBK, REPLY_TEXT).unwrap(), REPLY_GBK);
    p.send_to(&REPLY_GBK, local).unwrap();
    let ev = w.wait("rx", is_rx);
    assert_eq!(rx_bytes(&ev), REPLY_GBK);
    assert_eq!(ev.peer, Some(p.local_addr().unwrap()));
    assert_eq!(ev.local, Some(local));
    assert_eq!(ev.role, Role::UdpReceiver);
    assert_eq!(codec::decode(Encoding::GBK, rx_bytes(&ev)), REPLY_TEXT);
    let mut d = Decoders::new(Encoding::GBK);
    assert_eq!(d.text(&ev).as_deref(), Some(REPLY_TEXT));
    w.session.stop_and_join();
}

#[test]
fn receiver_keeps_datagram_boundaries() {
    let (mut w, local) = receiver();
    let p = peer();
    p.send_to(b"first", local).unwrap();
    p.send_to(b"second!", local).unwrap();
    let got = w.wait_n("rx", 2, is_rx);
    assert_eq!(rx_bytes(&got[0]), b"first");
    assert_eq!(rx_bytes(&got[1]), b"second!");
    w.session.stop_and_join();
}

#[test]
fn receiver_gets_a_60000_byte_datagram_whole() {
    let (mut w, local) = receiver();
    let p = peer();
    let big: Vec<u8> = (0..60_000u32).map(|i| (i % 251) as u8).collect();
    p.send_to(&big, local).unwrap();
    let ev = w.wait("rx", is_rx);
    assert_eq!(rx_bytes(&ev).len(), 60_000);
    assert_eq!(rx_bytes(&ev), &big[..]);
    w.session.stop_and_join();
}

#[test]
fn receiver_replies_to_last_sender_and_to_a_chosen_peer() {
    let (mut w, local) = receiver();
    let a = peer();
    let b = peer();
    a.send_to(b"from a", local).unwrap();
    w.wait("rx from a", |e| {
        is_rx(e) && e.peer == Some(a.local_addr().unwrap())
    });
    b.send_to(b"from b", local).unwrap();
    w.wait("rx from b", |e| {
        is_rx(e) && e.peer == Some(b.local_addr().unwrap())
    });

    // Default = the last sender (b).
    w.send(Command::Send {
        payload: Payload::Text(REPLY_TEXT.into()),
        to: Target::Default,
    });
    let (data, from) = recv(&b);
    assert_eq!(
        data, REPLY_GBK,
        "text goes out in the session's encoding (GBK)"
    );
    assert_eq!(from, local, "the reply comes from the bound port");
    let tx = w.wait("tx", is_tx);
    assert_eq!(tx.peer, Some(b.local_addr().unwrap()));

    // A chosen source seen earlier (a).
    w.send(Command::Send {
        payload: Payload::Bytes(b"to a".to_vec()),
        to: Target::Peer(a.local_addr().unwrap()),
    });
    let (data, from) = recv(&a);
    assert_eq!(data, b"to a");
    assert_eq!(from, local);
    let tx = w.wait("tx", is_tx);
    assert_eq!(tx.peer, Some(a.local_addr().unwrap()));
    w.session.stop_and_join();
}

#[test]
fn receiver_reply_with_nobody_seen_is_an_error_and_the_session_continues() {
    let (mut w, local) = receiver();
    w.send(Command::Send {
        payload: Payload::Bytes(b"hello?".to_vec()),
        to: Target::Default,
    });
    let (kind, message) = w.wait_error();
    assert_eq!(kind, ErrorKind::NotConnected, "{message}");
    assert!(message.contains("not sent"), "{message}");
    // Still receiving.
    let p = peer();
    p.send_to(b"still there?", local).unwrap();
    let ev = w.wait("rx", is_rx);
    assert_eq!(rx_bytes(&ev), b"still there?");
    assert!(!w.seen.iter().any(is_tx), "nothing was sent");
    w.session.stop_and_join();
}

fn sender(dest: SocketAddr, bind: Option<&str>, broadcast: bool) -> (Watch, SocketAddr) {
    let mut cfg = SessionConfig::new(Role::UdpSender, dest.to_string()).encoding(Encoding::GBK);
    if let Some(b) = bind {
        cfg = cfg.bind(b);
    }
    cfg.broadcast = broadcast;
    let mut w = Watch::start(cfg);
    let local = w.wait_local();
    assert_ne!(local.port(), 0);
    (w, local)
}

#[test]
fn sender_sends_and_gets_the_reply() {
    let r = peer();
    let dest = r.local_addr().unwrap();
    let (mut w, local) = sender(dest, Some("127.0.0.1:0"), false);
    assert_eq!(local.ip().to_string(), "127.0.0.1");
    w.send(Command::Send {
        payload: Payload::Text("你好".into()),
        to: Target::Default,
    });
    let (data, from) = recv(&r);
    assert_eq!(data, codec::encode(Encoding::GBK, "你好").unwrap());
    assert_eq!(from, local, "the datagram leaves from the bound address");
    let tx = w.wait("tx", is_tx);
    assert_eq!(tx.kind, EventKind::Tx(data.clone()));
    assert_eq!(tx.peer, Some(dest));

    // The receiver answers to where the datagram came from.
    r.send_to(&REPLY_GBK, from).unwrap();
    let rx = w.wait("rx", is_rx);
    assert_eq!(rx_bytes(&rx), REPLY_GBK);
    assert_eq!(rx.peer, Some(dest), "the Rx names the replier");
    assert_eq!(
        Decoders::new(Encoding::GBK).text(&rx).as_deref(),
        Some(REPLY_TEXT)
    );
    w.session.stop_and_join();
}

#[test]
fn sender_without_bind_uses_an_os_port() {
    let r = peer();
    let dest = r.local_addr().unwrap();
    let (mut w, local) = sender(dest, None, false);
    w.send(Command::Send {
        payload: Payload::Bytes(vec![0, 1, 2, 0xff]),
        to: Target::Default,
    });
    let (data, from) = recv(&r);
    assert_eq!(data, vec![0, 1, 2, 0xff]);
    assert_eq!(from.port(), local.port());
    w.wait("tx", is_tx);
    w.session.stop_and_join();
}

#[test]
fn sender_set_destination_switches_peer() {
    let r1 = peer();
    let r2 = peer();
    let (mut w, _) = sender(r1.local_addr().unwrap(), None, false);
    w.send(Command::Send {
        payload: Payload::Bytes(b"one".to_vec()),
        to: Target::Default,
    });
    assert_eq!(recv(&r1).0, b"one");
    w.send(Command::SetDestination(
        r2.local_addr().unwrap().to_string(),
    ));
    w.send(Command::Send {
        payload: Payload::Bytes(b"two".to_vec()),
        to: Target::Default,
    });
    assert_eq!(recv(&r2).0, b"two");
    let txs = w.wait_n("tx", 2, is_tx);
    assert_eq!(txs[0].peer, Some(r1.local_addr().unwrap()));
    assert_eq!(txs[1].peer, Some(r2.local_addr().unwrap()));
    // r1 got nothing more: a later datagram to r1 is the next one it reads.
    w.send(Command::Send {
        payload: Payload::Bytes(b"three".to_vec()),
        to: Target::Peer(r1.local_addr().unwrap()),
    });
    assert_eq!(recv(&r1).0, b"three");
    w.session.stop_and_join();
}

#[test]
fn sender_with_broadcast_flag_binds_and_sends_to_loopback() {
    let r = peer();
    let (mut w, _) = sender(r.local_addr().unwrap(), None, true);
    let info = w.wait("broadcast info", |e| {
        matches!(e.kind, EventKind::BroadcastOn)
    });
    assert!(
        socket_tester::i18n::english(&info).contains("SO_BROADCAST"),
        "{info:?}"
    );
    w.send(Command::Send {
        payload: Payload::Bytes(b"bcast-flag".to_vec()),
        to: Target::Default,
    });
    assert_eq!(recv(&r).0, b"bcast-flag");
    w.session.stop_and_join();
}

#[test]
fn unencodable_text_is_bad_payload_nothing_sent_session_continues() {
    let r = peer();
    let mut cfg = SessionConfig::new(Role::UdpSender, r.local_addr().unwrap().to_string());
    cfg.encoding = Encoding::LATIN_1;
    let mut w = Watch::start(cfg);
    w.wait_local();
    w.send(Command::Send {
        payload: Payload::Text("ab收".into()),
        to: Target::Default,
    });
    let (kind, message) = w.wait_error();
    assert_eq!(kind, ErrorKind::BadPayload, "{message}");
    assert!(
        message.contains('收'),
        "the message names the character: {message}"
    );
    w.send(Command::Send {
        payload: Payload::Text("café".into()),
        to: Target::Default,
    });
    // The first datagram the peer sees is the good one: the bad one never left.
    assert_eq!(recv(&r).0, b"caf\xe9");
    let tx = w.wait("tx", is_tx);
    assert_eq!(tx.kind, EventKind::Tx(b"caf\xe9".to_vec()));
    assert_eq!(w.seen.iter().filter(|e| is_tx(e)).count(), 1);
    w.session.stop_and_join();
}

#[test]
fn set_encoding_applies_to_the_next_text() {
    let r = peer();
    let (mut w, _) = sender(r.local_addr().unwrap(), None, false);
    w.send(Command::SetEncoding(Encoding::UTF_8));
    w.send(Command::Send {
        payload: Payload::Text("收".into()),
        to: Target::Default,
    });
    assert_eq!(recv(&r).0, "收".as_bytes());
    w.wait("tx", is_tx);
    w.session.stop_and_join();
}
