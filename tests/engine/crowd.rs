//! The crowd worker (`SessionConfig::crowd`) against std::net peers: the ramp paces the
//! connects, a send to one connection reaches only that one, Stop closes every one.

use crate::support::Watch;
use socket_tester::net::crowd::CrowdConfig;
use socket_tester::net::{CloseReason, Command, EventKind, Payload, Role, SessionConfig, Target};
use std::io::Read;
use std::net::TcpListener;
use std::time::{Duration, Instant};

fn crowd(n: u64, ramp: Option<f64>) -> CrowdConfig {
    CrowdConfig::new(n, ramp).expect("a valid crowd")
}

#[test]
fn the_ramp_paces_connects_and_sends_go_to_one_connection() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let cfg = SessionConfig::new(Role::TcpClient, addr.to_string()).crowd(crowd(10, Some(40.0)));
    let started = Instant::now();
    let mut w = Watch::start(cfg);
    let mut peers = Vec::new();
    for _ in 0..10 {
        let (s, _) = l.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        peers.push(s);
    }
    let connected = w.wait_n("connected", 10, |e| matches!(e.kind, EventKind::Connected));
    // Ten at 40 a second: the last may start 9/40 s = 225 ms after the first.
    assert!(started.elapsed() >= Duration::from_millis(200), "{:?}", started.elapsed());
    let mut ids: Vec<u64> = connected.iter().filter_map(|e| e.client).collect();
    ids.sort_unstable();
    assert_eq!(ids, (1..=10).collect::<Vec<_>>());
    // Connection 4's local port is the one a peer sees as its remote port.
    let four = connected.iter().find(|e| e.client == Some(4)).unwrap();
    let port4 = four.local.expect("its local address").port();
    w.send(Command::Send {
        payload: Payload::Bytes(b"only four".to_vec()),
        to: Target::Client(4),
    });
    let tx = w.wait("tx", |e| matches!(e.kind, EventKind::Tx(_)));
    assert_eq!(tx.client, Some(4));
    for p in &mut peers {
        let mine = p.peer_addr().unwrap().port() == port4;
        p.set_read_timeout(Some(Duration::from_millis(if mine { 5000 } else { 100 })))
            .unwrap();
        let mut buf = [0u8; 32];
        match p.read(&mut buf) {
            Ok(n) if mine => assert_eq!(&buf[..n], b"only four"),
            Ok(n) => panic!("another connection got {:?}", &buf[..n]),
            Err(e) => assert!(!mine, "connection 4's peer read nothing: {e}"),
        }
    }
    w.send(Command::Stop);
    let rest = w.wait_end();
    let closed = rest
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Closed {
                    reason: CloseReason::LocalClose,
                    ..
                }
            )
        })
        .count();
    assert_eq!(closed, 10);
}

#[test]
fn the_crowd_ends_once_every_connection_has_ended() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let cfg = SessionConfig::new(Role::TcpClient, addr.to_string()).crowd(crowd(5, None));
    let mut w = Watch::start(cfg);
    for _ in 0..5 {
        let (s, _) = l.accept().unwrap();
        drop(s);
    }
    w.wait_end();
    let fins = w
        .seen
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Closed {
                    reason: CloseReason::PeerFin,
                    ..
                }
            )
        })
        .count();
    assert_eq!(fins, 5);
}
