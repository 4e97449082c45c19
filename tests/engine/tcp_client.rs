//! TCP client against an independent std::net TcpListener on loopback.

use crate::support as common;

use common::*;
use socket_tester::codec::{self, Encoding};
use socket_tester::log::{Decoders, LogStore};
use socket_tester::net::{
    CloseReason, ClosedBy, Command, ErrorKind, EventKind, Payload, ResetReason, Role,
    SessionConfig, Target,
};
use socket2::Socket;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

/// A listener, a client session connected to it, and the accepted peer stream.
fn connected(enc: Encoding) -> (Watch, TcpStream, SocketAddr) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let mut w = Watch::start(SessionConfig::new(Role::TcpClient, addr.to_string()).encoding(enc));
    let connecting = w.wait("connecting", |e| e.kind == EventKind::Connecting);
    assert_eq!(connecting.peer, Some(addr));
    let (peer, from) = l.accept().unwrap();
    let ev = w.wait("connected", |e| e.kind == EventKind::Connected);
    assert_eq!(ev.peer, Some(addr), "Connected names the server");
    assert_eq!(
        ev.local,
        Some(from),
        "Connected names our real local address"
    );
    peer.set_read_timeout(Some(WAIT)).unwrap();
    (w, peer, addr)
}

#[test]
fn gbk_text_both_ways_including_byte_by_byte_reply() {
    let (mut w, mut peer, _) = connected(Encoding::GBK);
    let hello = "你好，服务器";
    w.send(Command::Send {
        payload: Payload::Text(hello.into()),
        to: Target::Default,
    });
    let want = codec::encode(Encoding::GBK, hello).unwrap();
    assert_eq!(read_exact_timeout(&mut peer, want.len()), want);
    let tx = w.wait("tx", is_tx);
    assert_eq!(tx.kind, EventKind::Tx(want));

    // The reply: once whole, then one byte at a time so characters split across reads.
    peer.set_nodelay(true).unwrap();
    peer.write_all(&REPLY_GBK).unwrap();
    peer.flush().unwrap();
    for b in REPLY_GBK {
        peer.write_all(&[b]).unwrap();
        peer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(15));
    }
    let mut got = Vec::new();
    let mut rx_events = Vec::new();
    while got.len() < 2 * REPLY_GBK.len() {
        let ev = w.wait("rx", is_rx);
        got.extend_from_slice(rx_bytes(&ev));
        rx_events.push(ev);
    }
    assert_eq!(got, [REPLY_GBK, REPLY_GBK].concat());
    println!(
        "the 24 reply bytes arrived in {} Rx events",
        rx_events.len()
    );

    // Streaming decode follows the byte stream: no U+FFFD at the split points.
    let mut d = Decoders::new(Encoding::GBK);
    let text: String = rx_events.iter().filter_map(|e| d.text(e)).collect();
    assert_eq!(text, format!("{REPLY_TEXT}{REPLY_TEXT}"));
    let mut store = LogStore::new(Encoding::GBK, socket_tester::i18n::english);
    for ev in &w.seen {
        store.push(ev.clone());
    }
    let rx_text: String = store
        .iter()
        .filter(|e| is_rx(&e.event))
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(rx_text, format!("{REPLY_TEXT}{REPLY_TEXT}"));
    assert!(!rx_text.contains('\u{fffd}'));
    assert_eq!(store.counters.rx_bytes, 24);
    w.session.stop_and_join();
}

#[test]
fn peer_close_is_closed_by_peer() {
    let (mut w, peer, addr) = connected(Encoding::UTF_8);
    drop(peer);
    let ev = w.wait("closed", |e| {
        matches!(e.kind, EventKind::Closed { .. } | EventKind::Reset { .. })
    });
    match &ev.kind {
        EventKind::Closed { by, reason } => {
            assert_eq!(*by, ClosedBy::Peer);
            assert_eq!(*reason, CloseReason::PeerFin);
        }
        k => panic!("expected Closed by peer, got {k:?}"),
    }
    assert_eq!(ev.peer, Some(addr));
    let rest = w.wait_end();
    assert!(
        !rest
            .iter()
            .any(|e| matches!(e.kind, EventKind::Reset { .. }))
    );
}

#[test]
fn peer_reset_is_reset_not_closed() {
    let (mut w, peer, _) = connected(Encoding::UTF_8);
    let s = Socket::from(peer);
    s.set_linger(Some(Duration::ZERO)).unwrap();
    drop(s);
    let ev = w.wait("reset", |e| {
        matches!(e.kind, EventKind::Closed { .. } | EventKind::Reset { .. })
    });
    match &ev.kind {
        EventKind::Reset { reason } => assert_eq!(*reason, ResetReason::PeerReset),
        k => panic!("expected Reset, got {k:?}"),
    }
    w.wait_end();
    assert!(
        !w.seen.iter().any(|e| matches!(
            e.kind,
            EventKind::Closed {
                by: ClosedBy::Peer,
                ..
            }
        )),
        "a reset is not reported as an orderly close"
    );
}

#[test]
fn shutdown_write_half_close_keeps_receiving() {
    let (mut w, mut peer, _) = connected(Encoding::UTF_8);
    w.send(Command::Send {
        payload: Payload::Text("last words".into()),
        to: Target::Default,
    });
    w.send(Command::ShutdownWrite);
    // The peer gets the data, then EOF.
    let mut all = Vec::new();
    peer.read_to_end(&mut all).unwrap();
    assert_eq!(all, b"last words");
    // It can still talk to us.
    peer.write_all(b"I can still send").unwrap();
    let mut got = Vec::new();
    while got.len() < 16 {
        got.extend_from_slice(rx_bytes(&w.wait("rx", is_rx)));
    }
    assert_eq!(got, b"I can still send");
    // Sending after our FIN is refused locally, and the session keeps going.
    w.send(Command::Send {
        payload: Payload::Text("too late".into()),
        to: Target::Default,
    });
    let (kind, message) = w.wait_error();
    assert_eq!(kind, ErrorKind::NotConnected, "{message}");
    drop(peer);
    let ev = w.wait("closed", |e| matches!(e.kind, EventKind::Closed { .. }));
    assert!(matches!(ev.kind, EventKind::Closed { .. }));
    w.wait_end();
}

#[test]
fn refused_connection_says_refused() {
    let port = free_tcp_port();
    let mut w = Watch::start(SessionConfig::new(
        Role::TcpClient,
        format!("127.0.0.1:{port}"),
    ));
    let (kind, message) = w.wait_error();
    assert_eq!(kind, ErrorKind::Refused, "{message}");
    assert!(message.contains("refused"), "{message}");
    assert!(
        message.contains(&port.to_string()),
        "the message names the address: {message}"
    );
    w.wait_end();
}

#[test]
fn unknown_host_is_host_not_found() {
    let mut w = Watch::start(SessionConfig::new(
        Role::TcpClient,
        "no-such-host.invalid:7891",
    ));
    let (kind, message) = w.wait_error();
    assert_eq!(kind, ErrorKind::HostNotFound, "{message}");
    assert!(message.contains("no-such-host.invalid"), "{message}");
    w.wait_end();
}

/// A listener whose accept queue is full, so a further SYN is dropped and connect hangs.
/// Returns the listener, the connections that filled it, and whether a hang was seen.
fn full_listener() -> (Socket, Vec<TcpStream>, bool) {
    use socket2::{Domain, Protocol, Type};
    let s = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
    s.bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into())
        .unwrap();
    s.listen(0).unwrap();
    let addr = s.local_addr().unwrap().as_socket().unwrap();
    let mut fill = Vec::new();
    for _ in 0..16 {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(300)) {
            Ok(c) => fill.push(c),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => return (s, fill, true),
            Err(e) => panic!("unexpected error while filling the backlog: {e}"),
        }
    }
    (s, fill, false)
}

#[test]
fn connect_timeout_is_timed_out() {
    let (listener, _fill, hung) = full_listener();
    if !hung {
        println!("skipping: this machine never left a connect hanging (backlog never filled)");
        return;
    }
    let addr = listener.local_addr().unwrap().as_socket().unwrap();
    let mut cfg = SessionConfig::new(Role::TcpClient, addr.to_string());
    cfg.connect_timeout = Duration::from_millis(500);
    let mut w = Watch::start(cfg);
    let (kind, message) = w.wait_error();
    assert_eq!(kind, ErrorKind::TimedOut, "{message}");
    assert!(message.contains("timed out"), "{message}");
    w.wait_end();
}

#[test]
fn stop_cancels_a_hanging_connect() {
    let (listener, _fill, hung) = full_listener();
    if !hung {
        println!("skipping: this machine never left a connect hanging (backlog never filled)");
        return;
    }
    let addr = listener.local_addr().unwrap().as_socket().unwrap();
    let mut cfg = SessionConfig::new(Role::TcpClient, addr.to_string());
    cfg.connect_timeout = Duration::from_secs(30);
    let mut w = Watch::start(cfg);
    w.wait("connecting", |e| e.kind == EventKind::Connecting);
    let t = std::time::Instant::now();
    let rest = w.session.stop_and_join();
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    println!("stop while connecting: {ms:.1} ms");
    assert!(ms < 1000.0, "stop took {ms:.1} ms");
    assert!(
        rest.iter().any(|e| matches!(
            e.kind,
            EventKind::Closed {
                by: ClosedBy::Local,
                ..
            }
        )),
        "{rest:?}"
    );
}

#[test]
fn send_queued_before_connect_finishes_goes_out() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let w = Watch::start(SessionConfig::new(
        Role::TcpClient,
        l.local_addr().unwrap().to_string(),
    ));
    // Sent at once, possibly before the handshake: it waits in the queue.
    w.send(Command::Send {
        payload: Payload::Bytes(b"early".to_vec()),
        to: Target::Default,
    });
    let (mut peer, _) = l.accept().unwrap();
    assert_eq!(read_exact_timeout(&mut peer, 5), b"early");
    let mut w = w;
    w.wait("tx", is_tx);
    w.session.stop_and_join();
}

/// `localhost` may resolve to ::1 first; with the server only on 127.0.0.1 the client
/// must try the next address instead of giving up on the first refusal.
#[test]
fn localhost_tries_each_resolved_address() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let mut w = Watch::start(SessionConfig::new(
        Role::TcpClient,
        format!("localhost:{port}"),
    ));
    let (_peer, _) = l.accept().unwrap();
    let ev = w.wait("connected", |e| e.kind == EventKind::Connected);
    assert_eq!(ev.peer, Some(l.local_addr().unwrap()));
    let tries = w
        .seen
        .iter()
        .filter(|e| e.kind == EventKind::Connecting)
        .count();
    println!("localhost: {tries} connect attempt(s)");
    w.session.stop_and_join();
}
