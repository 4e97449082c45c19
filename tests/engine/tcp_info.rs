//! The kernel's view of a connection (Linux TCP_INFO, SIOCOUTQ / SIOCINQ), sampled by the
//! worker while it is open, on loopback against std::net peers with OS-assigned ports:
//! present and plausible (RTT > 0, cwnd > 0, a segment size), one entry per open server
//! client, the unread bytes of a peer that stopped reading counted in the send queue, and
//! gone once the connection is.

use crate::support as common;

use common::*;
use socket_tester::net::tcp_info::{self, TcpStats};
use socket_tester::net::{Command, EventKind, Payload, Role, SessionConfig, Target};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// Waits until `f` holds for the board's contents.
fn wait_board(
    w: &Watch,
    what: &str,
    f: impl Fn(&std::collections::BTreeMap<u64, TcpStats>) -> bool,
) -> std::collections::BTreeMap<u64, TcpStats> {
    let board = w.session.tcp_stats();
    let t = Instant::now();
    loop {
        let now = tcp_info::read(&board);
        if f(&now) {
            return now;
        }
        assert!(t.elapsed() < WAIT, "{what}: the board is {now:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_tcp_clients_connection_is_sampled_while_open() {
    if !tcp_info::AVAILABLE {
        eprintln!("skipped: TCP_INFO is Linux only");
        return;
    }
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut w = Watch::start(SessionConfig::new(
        Role::TcpClient,
        l.local_addr().unwrap().to_string(),
    ));
    let (mut peer, _) = l.accept().unwrap();
    w.wait("connected", |e| e.kind == EventKind::Connected);
    // Some traffic both ways, so the kernel has measured a round trip.
    for _ in 0..5 {
        w.send(Command::Send {
            payload: Payload::Text("ping".into()),
            to: Target::Default,
        });
        let mut buf = [0u8; 4];
        peer.read_exact(&mut buf).unwrap();
        peer.write_all(b"pong").unwrap();
    }
    let board = wait_board(&w, "a sample with an RTT", |b| {
        b.get(&0).is_some_and(|s| s.rtt_us > 0)
    });
    let s = board[&0];
    assert!(s.rtt_us > 0 && s.rtt_us < 1_000_000, "loopback RTT: {s:?}");
    assert!(s.cwnd > 0, "{s:?}");
    assert!(s.mss > 0, "{s:?}");
    assert_eq!(s.unacked, 0, "all acknowledged by now: {s:?}");

    // Gone with the connection.
    drop(peer);
    w.wait_end();
    wait_board(&w, "an empty board", |b| b.is_empty());
}

#[test]
fn each_open_server_client_has_its_sample_and_a_stalled_reader_fills_the_send_queue() {
    if !tcp_info::AVAILABLE {
        eprintln!("skipped: TCP_INFO is Linux only");
        return;
    }
    let mut w = Watch::start(SessionConfig::new(
        Role::TcpServer,
        "127.0.0.1:0".to_string(),
    ));
    let addr = w.wait_local();
    let a = TcpStream::connect(addr).unwrap();
    // A small receive buffer so that the unread bytes back up into our send queue.
    let b = socket2::Socket::from(TcpStream::connect(addr).unwrap());
    b.set_recv_buffer_size(4096).unwrap();
    let accepted = w.wait_n("accepted", 2, |e| e.kind == EventKind::Accepted);
    let ids: Vec<u64> = accepted.iter().filter_map(|e| e.client).collect();
    wait_board(&w, "two samples", |m| {
        ids.iter().all(|id| m.contains_key(id))
    });

    // 4 MiB to every client; nobody reads.
    w.send(Command::Send {
        payload: Payload::Bytes(vec![b'x'; 4 << 20]),
        to: Target::Default,
    });
    let board = wait_board(&w, "bytes waiting in a send queue", |m| {
        m.values().any(|s| s.send_queue > 0)
    });
    assert!(board.values().any(|s| s.send_queue > 0), "{board:?}");

    drop(a);
    drop(b);
    wait_board(&w, "the closed clients gone", |m| m.is_empty());
    w.send(Command::Stop);
    w.wait_end();
}
