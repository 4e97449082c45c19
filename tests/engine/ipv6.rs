//! The same exchanges over the IPv6 loopback ::1 (skipped where the machine has none).

use crate::support as common;

use common::*;
use socket_tester::net::{Command, EventKind, Payload, Role, SessionConfig, Target};
use std::io::Write;
use std::net::{TcpListener, TcpStream, UdpSocket};

macro_rules! need_ipv6 {
    () => {
        if !have_ipv6() {
            println!("skipping: no IPv6 loopback");
            return;
        }
    };
}

#[test]
fn udp_receiver_on_ipv6_loopback() {
    need_ipv6!();
    let mut w = Watch::start(SessionConfig::new(Role::UdpReceiver, "[::1]:0"));
    let local = w.wait_local();
    assert!(
        local.is_ipv6() && local.ip().is_loopback() && local.port() != 0,
        "{local}"
    );
    let p = UdpSocket::bind("[::1]:0").unwrap();
    p.set_read_timeout(Some(WAIT)).unwrap();
    p.send_to(&REPLY_GBK, local).unwrap();
    let ev = w.wait("rx", is_rx);
    assert_eq!(rx_bytes(&ev), REPLY_GBK);
    assert_eq!(ev.peer, Some(p.local_addr().unwrap()));
    w.send(Command::Send {
        payload: Payload::Bytes(b"v6 reply".to_vec()),
        to: Target::Default,
    });
    let mut buf = [0u8; 64];
    let (n, from) = p.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"v6 reply");
    assert_eq!(from, local);
    w.session.stop_and_join();
}

#[test]
fn udp_sender_to_ipv6_loopback() {
    need_ipv6!();
    let r = UdpSocket::bind("[::1]:0").unwrap();
    r.set_read_timeout(Some(WAIT)).unwrap();
    let dest = r.local_addr().unwrap();
    let mut w = Watch::start(SessionConfig::new(Role::UdpSender, dest.to_string()));
    let local = w.wait_local();
    assert!(
        local.is_ipv6(),
        "an IPv6 destination binds an IPv6 socket: {local}"
    );
    w.send(Command::Send {
        payload: Payload::Bytes(b"to v6".to_vec()),
        to: Target::Default,
    });
    let mut buf = [0u8; 64];
    let (n, _) = r.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"to v6");
    w.session.stop_and_join();
}

#[test]
fn tcp_server_on_ipv6_loopback() {
    need_ipv6!();
    let mut w = Watch::start(SessionConfig::new(Role::TcpServer, "[::1]:0"));
    let local = w.wait_local();
    assert!(local.is_ipv6(), "{local}");
    let mut c = TcpStream::connect(local).unwrap();
    let acc = w.wait("accepted", |e| e.kind == EventKind::Accepted);
    assert_eq!(acc.peer, Some(c.local_addr().unwrap()));
    c.write_all(b"hello v6").unwrap();
    let mut got = Vec::new();
    while got.len() < 8 {
        got.extend_from_slice(rx_bytes(&w.wait("rx", is_rx)));
    }
    assert_eq!(got, b"hello v6");
    w.send(Command::Send {
        payload: Payload::Bytes(b"back".to_vec()),
        to: Target::Client(acc.client.unwrap()),
    });
    assert_eq!(read_exact_timeout(&mut c, 4), b"back");
    w.session.stop_and_join();
}

#[test]
fn tcp_client_to_ipv6_loopback() {
    need_ipv6!();
    let l = TcpListener::bind("[::1]:0").unwrap();
    let addr = l.local_addr().unwrap();
    let mut w = Watch::start(SessionConfig::new(Role::TcpClient, addr.to_string()));
    let (mut peer, from) = l.accept().unwrap();
    let ev = w.wait("connected", |e| e.kind == EventKind::Connected);
    assert_eq!(ev.peer, Some(addr));
    assert_eq!(ev.local, Some(from));
    peer.write_all(&REPLY_GBK).unwrap();
    let mut got = Vec::new();
    while got.len() < REPLY_GBK.len() {
        got.extend_from_slice(rx_bytes(&w.wait("rx", is_rx)));
    }
    assert_eq!(got, REPLY_GBK);
    w.send(Command::Send {
        payload: Payload::Bytes(b"ack".to_vec()),
        to: Target::Default,
    });
    assert_eq!(read_exact_timeout(&mut peer, 3), b"ack");
    w.session.stop_and_join();
}
