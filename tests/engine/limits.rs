//! Limits and less common paths: oversized datagrams, the client limit, a reader that
//! falls behind (bounded event channel), and keeping a connection open after the peer's FIN.

use crate::support as common;

use common::*;
use socket_tester::net::{
    CloseReason, ClosedBy, Command, ErrorKind, EventKind, Payload, Role, SessionConfig, Target,
};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

#[test]
fn oversized_datagram_is_message_too_long_and_session_continues() {
    let r = UdpSocket::bind("127.0.0.1:0").unwrap();
    r.set_read_timeout(Some(WAIT)).unwrap();
    let mut w = Watch::start(SessionConfig::new(
        Role::UdpSender,
        r.local_addr().unwrap().to_string(),
    ));
    w.wait_local();
    w.send(Command::Send {
        payload: Payload::Bytes(vec![0u8; 70_000]),
        to: Target::Default,
    });
    let (kind, message) = w.wait_error();
    assert_eq!(kind, ErrorKind::MessageTooLong, "{message}");
    w.send(Command::Send {
        payload: Payload::Bytes(b"small".to_vec()),
        to: Target::Default,
    });
    let mut buf = [0u8; 64];
    let (n, _) = r.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"small");
    w.session.stop_and_join();
}

#[test]
fn clients_over_the_limit_are_closed_at_once() {
    let mut cfg = SessionConfig::new(Role::TcpServer, "127.0.0.1:0");
    cfg.max_clients = 2;
    let mut w = Watch::start(cfg);
    let addr = w.wait_local();
    let _a = TcpStream::connect(addr).unwrap();
    let _b = TcpStream::connect(addr).unwrap();
    w.wait_n("accepted", 2, |e| e.kind == EventKind::Accepted);
    let mut c = TcpStream::connect(addr).unwrap();
    let info = w.wait("refused info", |e| {
        matches!(e.kind, EventKind::Refused { .. })
    });
    assert_eq!(info.kind, EventKind::Refused { limit: 2, total: 1 });
    assert_eq!(info.peer, Some(c.local_addr().unwrap()));
    c.set_read_timeout(Some(WAIT)).unwrap();
    let mut b = [0u8; 8];
    assert!(
        matches!(c.read(&mut b), Ok(0) | Err(_)),
        "the third client is closed"
    );
    assert_eq!(
        w.seen
            .iter()
            .filter(|e| e.kind == EventKind::Accepted)
            .count(),
        2
    );
    w.session.stop_and_join();
}

#[test]
fn slow_reader_back_pressure_still_delivers_everything_and_stops() {
    // A tiny event channel that nobody reads for a while: the worker must wait, not drop.
    let mut cfg = SessionConfig::new(Role::UdpReceiver, "127.0.0.1:0");
    cfg.event_capacity = 16;
    let mut w = Watch::start(cfg);
    let local = w.wait_local();
    let p = UdpSocket::bind("127.0.0.1:0").unwrap();
    const COUNT: u32 = 200;
    for i in 0..COUNT {
        p.send_to(&i.to_be_bytes(), local).unwrap();
    }
    // Read them all now, in order (loopback does not lose them: 200 x 4 bytes fit the buffer).
    let got = w.wait_n("rx", COUNT as usize, is_rx);
    for (i, ev) in got.iter().enumerate() {
        assert_eq!(rx_bytes(ev), (i as u32).to_be_bytes());
    }
    // Now fill the channel again and Stop without reading: stop_and_join drains it.
    for i in 0..100u32 {
        p.send_to(&i.to_be_bytes(), local).unwrap();
    }
    std::thread::sleep(Duration::from_millis(100));
    let t = Instant::now();
    let rest = w.session.stop_and_join();
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    println!(
        "stop latency, UDP receiver with a full event channel: {ms:.1} ms ({} events drained)",
        rest.len()
    );
    assert!(ms < 1000.0);
    assert!(rest.iter().filter(|e| is_rx(e)).count() >= 16);
}

#[test]
fn tcp_client_keeps_sending_after_peer_fin_when_asked() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut cfg = SessionConfig::new(Role::TcpClient, l.local_addr().unwrap().to_string());
    cfg.keep_open_after_peer_fin = true;
    let mut w = Watch::start(cfg);
    let (mut peer, _) = l.accept().unwrap();
    w.wait("connected", |e| e.kind == EventKind::Connected);
    peer.write_all(b"bye").unwrap();
    peer.shutdown(std::net::Shutdown::Write).unwrap();
    let mut got = Vec::new();
    while got.len() < 3 {
        got.extend_from_slice(rx_bytes(&w.wait("rx", is_rx)));
    }
    assert_eq!(got, b"bye");
    w.wait("fin info", |e| e.kind == EventKind::PeerFinHalfOpen);
    // We may still send; the peer reads it.
    w.send(Command::Send {
        payload: Payload::Bytes(b"after your FIN".to_vec()),
        to: Target::Default,
    });
    assert_eq!(read_exact_timeout(&mut peer, 14), b"after your FIN");
    // Our own FIN ends it: both sides have closed.
    w.send(Command::ShutdownWrite);
    let ev = w.wait("closed", |e| matches!(e.kind, EventKind::Closed { .. }));
    assert!(
        w.seen.iter().any(|e| e.kind == EventKind::FinSent),
        "shutdown(SHUT_WR) is reported before the close"
    );
    assert!(matches!(
        ev.kind,
        EventKind::Closed {
            by: ClosedBy::Local,
            reason: CloseReason::BothFin,
        }
    ));
    let mut rest = Vec::new();
    peer.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty());
    w.wait_end();
}

#[test]
fn tcp_server_half_close_keeps_the_client() {
    let mut cfg = SessionConfig::new(Role::TcpServer, "127.0.0.1:0");
    cfg.keep_open_after_peer_fin = true;
    let mut w = Watch::start(cfg);
    let addr = w.wait_local();
    let mut c = TcpStream::connect(addr).unwrap();
    let id = w
        .wait("accepted", |e| e.kind == EventKind::Accepted)
        .client
        .unwrap();
    c.write_all(b"request").unwrap();
    c.shutdown(std::net::Shutdown::Write).unwrap();
    w.wait("fin info", |e| {
        e.client == Some(id) && e.kind == EventKind::PeerFinHalfOpen
    });
    w.send(Command::Send {
        payload: Payload::Bytes(b"response".to_vec()),
        to: Target::Client(id),
    });
    assert_eq!(read_exact_timeout(&mut c, 8), b"response");
    w.send(Command::Disconnect(id));
    let ev = w.wait("closed", |e| {
        e.client == Some(id) && matches!(e.kind, EventKind::Closed { .. })
    });
    assert!(matches!(
        ev.kind,
        EventKind::Closed {
            by: ClosedBy::Local,
            reason: CloseReason::Kicked,
        }
    ));
    w.session.stop_and_join();
}

#[test]
fn large_tcp_transfers_arrive_intact_both_ways() {
    const SIZE: usize = 4 << 20;
    let pattern: Vec<u8> = (0..SIZE).map(|i| (i * 7 % 253) as u8).collect();
    let mut cfg = SessionConfig::new(Role::TcpServer, "127.0.0.1:0");
    cfg.event_capacity = 16;
    let mut w = Watch::start(cfg);
    let addr = w.wait_local();
    let mut c = TcpStream::connect(addr).unwrap();
    let id = w
        .wait("accepted", |e| e.kind == EventKind::Accepted)
        .client
        .unwrap();
    // Server -> client: one message larger than any socket buffer (written as it drains).
    w.send(Command::Send {
        payload: Payload::Bytes(pattern.clone()),
        to: Target::Client(id),
    });
    assert!(
        read_exact_timeout(&mut c, SIZE) == pattern,
        "server->client bytes differ"
    );
    let tx = w.wait("tx", is_tx);
    assert_eq!(tx.kind.data().map(|d| d.len()), Some(SIZE));
    // Client -> server, through a 16-slot event channel.
    let mut writer = c.try_clone().unwrap();
    let data = pattern.clone();
    let t = std::thread::spawn(move || writer.write_all(&data).unwrap());
    let mut got = Vec::with_capacity(SIZE);
    while got.len() < SIZE {
        got.extend_from_slice(rx_bytes(&w.wait("rx", is_rx)));
    }
    t.join().unwrap();
    assert!(got == pattern, "client->server bytes differ");
    w.session.stop_and_join();
}
