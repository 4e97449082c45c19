//! Failures a user meets: a port in use, bad hex in the send box, text the encoding
//! cannot write. Each is a clear error; none sends anything partial.

use crate::support as common;

use common::*;
use socket_tester::codec::{self, Encoding};
use socket_tester::net::{Command, ErrorKind, EventKind, Payload, Role, SessionConfig, Target};
use std::net::{TcpListener, TcpStream, UdpSocket};

#[test]
fn udp_receiver_on_a_port_in_use() {
    let holder = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = holder.local_addr().unwrap();
    let mut w = Watch::start(SessionConfig::new(Role::UdpReceiver, addr.to_string()));
    let (kind, message) = w.wait_error();
    assert_eq!(kind, ErrorKind::AddrInUse, "{message}");
    assert!(message.contains("in use"), "{message}");
    assert!(
        message.contains(&addr.to_string()),
        "names the address: {message}"
    );
    w.wait_end();
    assert!(!w.seen.iter().any(|e| e.kind == EventKind::Bound));
}

#[test]
fn tcp_server_on_a_port_in_use() {
    let holder = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = holder.local_addr().unwrap();
    let mut w = Watch::start(SessionConfig::new(Role::TcpServer, addr.to_string()));
    let (kind, message) = w.wait_error();
    assert_eq!(kind, ErrorKind::AddrInUse, "{message}");
    assert!(message.contains("in use"), "{message}");
    w.wait_end();
    assert!(
        !w.seen
            .iter()
            .any(|e| matches!(e.kind, EventKind::Listening { .. }))
    );
    // The holder still owns the port.
    let _c = TcpStream::connect(addr).unwrap();
    holder.accept().unwrap();
}

#[test]
fn two_sessions_on_one_port_second_gets_in_use() {
    let mut a = Watch::start(SessionConfig::new(Role::TcpServer, "127.0.0.1:0"));
    let addr = a.wait_local();
    let mut b = Watch::start(SessionConfig::new(Role::TcpServer, addr.to_string()));
    let (kind, message) = b.wait_error();
    assert_eq!(kind, ErrorKind::AddrInUse, "{message}");
    b.wait_end();
    a.session.stop_and_join();
}

#[test]
fn bad_hex_names_the_position_and_yields_no_bytes() {
    let e = codec::parse_hex("48 4G").unwrap_err();
    assert_eq!(e.position, 4);
    assert_eq!((e.line, e.column), (1, 5));
    let text = e.to_string();
    assert!(text.contains("column 5") && text.contains('G'), "{text}");
    // Odd digits, and a bad byte after good ones: still no partial result.
    assert!(codec::parse_hex("48 65 6").is_err());
    assert!(codec::parse_hex("48 65 6c zz").is_err());
    assert_eq!(codec::parse_hex("48 65 6c").unwrap(), b"Hel");

    // As the UI does it: parse, and only send on success. The peer sees only the good one.
    let r = UdpSocket::bind("127.0.0.1:0").unwrap();
    r.set_read_timeout(Some(WAIT)).unwrap();
    let mut w = Watch::start(SessionConfig::new(
        Role::UdpSender,
        r.local_addr().unwrap().to_string(),
    ));
    w.wait_local();
    for typed in ["48 4G", "48 65 6c 6c 6f"] {
        if let Ok(bytes) = codec::parse_hex(typed) {
            w.send(Command::Send {
                payload: Payload::Bytes(bytes),
                to: Target::Default,
            });
        }
    }
    let mut buf = [0u8; 64];
    let (n, _) = r.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"Hello");
    w.wait("tx", is_tx);
    w.session.stop_and_join();
}

#[test]
fn tcp_text_the_encoding_cannot_write_is_bad_payload() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut w = Watch::start(
        SessionConfig::new(Role::TcpClient, l.local_addr().unwrap().to_string())
            .encoding(Encoding::LATIN_1),
    );
    let (mut peer, _) = l.accept().unwrap();
    w.wait("connected", |e| e.kind == EventKind::Connected);
    w.send(Command::Send {
        payload: Payload::Text("收".into()),
        to: Target::Default,
    });
    let (kind, message) = w.wait_error();
    assert_eq!(kind, ErrorKind::BadPayload, "{message}");
    assert!(message.contains("not sent"), "{message}");
    w.send(Command::Send {
        payload: Payload::Text("ok é".into()),
        to: Target::Default,
    });
    assert_eq!(
        read_exact_timeout(&mut peer, 4),
        b"ok \xe9",
        "only the good text went out"
    );
    w.wait("tx", is_tx);
    w.session.stop_and_join();
}

#[test]
fn malformed_addresses_are_bad_address_and_the_worker_ends() {
    for (role, addr) in [
        (Role::UdpReceiver, "127.0.0.1:99999"),
        (Role::TcpServer, "not an address"),
        (Role::TcpClient, "127.0.0.1"),
        (Role::UdpSender, "[::1:80"),
    ] {
        let mut w = Watch::start(SessionConfig::new(role, addr));
        let (kind, message) = w.wait_error();
        println!("{role:?} {addr:?}: {kind:?}: {message}");
        assert_eq!(kind, ErrorKind::BadAddress, "{role:?} {addr:?}: {message}");
        w.wait_end();
    }
}

#[test]
fn a_bind_host_that_does_not_resolve_is_host_not_found_not_a_bad_address() {
    let mut w = Watch::start(SessionConfig::new(
        Role::UdpReceiver,
        "no-such-host.invalid:0",
    ));
    let (kind, message) = w.wait_error();
    assert_eq!(kind, ErrorKind::HostNotFound, "{message}");
    w.wait_end();
}

#[test]
fn udp_set_destination_that_fails_sends_nothing_to_the_old_one() {
    let r = UdpSocket::bind("127.0.0.1:0").unwrap();
    r.set_read_timeout(Some(std::time::Duration::from_millis(300)))
        .unwrap();
    let at = r.local_addr().unwrap().to_string();
    let mut w = Watch::start(SessionConfig::new(Role::UdpSender, at.clone()));
    w.wait_local();
    w.send(Command::SetDestination("127.0.0.1".into()));
    let (kind, message) = w.wait_error();
    assert_eq!(kind, ErrorKind::BadAddress, "{message}");
    // The field no longer names the old destination: nothing goes there.
    w.send(Command::Send {
        payload: Payload::Bytes(b"not to the old one".to_vec()),
        to: Target::Default,
    });
    let (_, message) = w.wait_error();
    let mut buf = [0u8; 64];
    assert!(r.recv_from(&mut buf).is_err(), "sent anyway ({message})");
    // A good destination again: sent.
    w.send(Command::SetDestination(at));
    w.send(Command::Send {
        payload: Payload::Bytes(b"here".to_vec()),
        to: Target::Default,
    });
    r.set_read_timeout(Some(WAIT)).unwrap();
    let (n, _) = r.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"here");
    w.session.stop_and_join();
}
