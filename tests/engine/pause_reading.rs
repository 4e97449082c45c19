//! Pause reading (暂停接收), the honest 粘包: a receiver that stops calling recv() while
//! the peer makes three separate writes finds all three in the kernel's receive queue
//! (TCP_INFO / SIOCINQ says how many bytes), and on resume one recv() returns them all:
//! three writes, one read. Real sockets on loopback, OS-assigned ports; the sender is
//! Python (three `sendall` calls, TCP_NODELAY, a pause between them) or std::net.

use crate::support as common;

use common::*;
use socket_tester::net::tcp_info::{self, TcpStats};
use socket_tester::net::{Command, Event, EventKind, Role, SessionConfig};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::{Command as Proc, Stdio};
use std::time::{Duration, Instant};

const MESSAGES: [&[u8]; 3] = [b"one\n", b"two\n", b"three\n"];

/// Three separate writes, 50 ms apart (Nagle off: each its own segment), then "SENT",
/// then waits for a line on stdin before closing.
const PY_SENDER: &str = r#"
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for m in (b"one\n", b"two\n", b"three\n"):
    s.sendall(m)
    time.sleep(0.05)
print("SENT", flush=True)
sys.stdin.readline()
s.close()
"#;

fn total() -> usize {
    MESSAGES.iter().map(|m| m.len()).sum()
}

/// Waits until the board's sample for `id` shows `want` bytes in the receive queue.
fn wait_recv_queue(w: &Watch, id: u64, want: u32) -> TcpStats {
    let board = w.session.tcp_stats();
    let t = Instant::now();
    loop {
        let now = tcp_info::read(&board);
        if let Some(s) = now.get(&id).filter(|s| s.recv_queue == want) {
            return *s;
        }
        assert!(
            t.elapsed() < WAIT,
            "{want} bytes in the receive queue: {now:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn rx_events(seen: &[Event]) -> Vec<Vec<u8>> {
    seen.iter()
        .filter(|e| is_rx(e))
        .map(|e| rx_bytes(e).to_vec())
        .collect()
}

#[test]
fn three_python_writes_while_the_server_is_paused_come_out_of_one_read() {
    let mut w = Watch::start(SessionConfig::new(Role::TcpServer, "127.0.0.1:0"));
    let addr = w.wait_local();
    w.send(Command::PauseReading(true));
    w.wait("reading paused", |e| e.kind == EventKind::ReadingPaused);

    let Ok(mut py) = Proc::new("python3")
        .args(["-c", PY_SENDER, &addr.port().to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    else {
        eprintln!("skipped: python3 is not installed");
        return;
    };
    let accepted = w.wait("accepted", |e| e.kind == EventKind::Accepted);
    let id = accepted.client.expect("a client id");
    let mut line = String::new();
    let out = py.stdout.take().expect("piped stdout");
    BufReader::new(out).read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "SENT", "the three writes were made");

    // All of it waits in the kernel, unread.
    if tcp_info::AVAILABLE {
        let s = wait_recv_queue(&w, id, total() as u32);
        assert_eq!(s.recv_queue as usize, total(), "{s:?}");
    }
    w.expect_none(Duration::from_millis(300), is_rx);

    w.send(Command::PauseReading(false));
    w.wait("reading resumed", |e| e.kind == EventKind::ReadingResumed);
    let rx = w.wait("the read", is_rx);
    assert_eq!(rx.client, Some(id));
    assert_eq!(
        rx_bytes(&rx),
        b"one\ntwo\nthree\n",
        "three writes, one read"
    );
    w.expect_none(Duration::from_millis(200), is_rx);
    assert_eq!(rx_events(&w.seen).len(), 1);
    if tcp_info::AVAILABLE {
        wait_recv_queue(&w, id, 0);
    }

    if let Some(mut stdin) = py.stdin.take() {
        let _ = stdin.write_all(b"\n");
    }
    let _ = py.wait();
    w.wait("closed by the peer", |e| {
        matches!(e.kind, EventKind::Closed { .. })
    });
    w.send(Command::Stop);
    w.wait_end();
}

#[test]
fn a_client_started_paused_reads_nothing_until_resumed() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut cfg = SessionConfig::new(Role::TcpClient, l.local_addr().unwrap().to_string());
    cfg.pause_reading = true;
    let mut w = Watch::start(cfg);
    let (mut peer, _) = l.accept().unwrap();
    peer.set_nodelay(true).unwrap();
    w.wait("connected", |e| e.kind == EventKind::Connected);
    w.wait("reading paused", |e| e.kind == EventKind::ReadingPaused);
    for m in MESSAGES {
        peer.write_all(m).unwrap();
        std::thread::sleep(Duration::from_millis(30));
    }
    if tcp_info::AVAILABLE {
        wait_recv_queue(&w, 0, total() as u32);
    }
    w.expect_none(Duration::from_millis(300), is_rx);
    // Pausing again changes nothing and says nothing.
    w.send(Command::PauseReading(true));
    w.send(Command::PauseReading(false));
    w.wait("reading resumed", |e| e.kind == EventKind::ReadingResumed);
    let rx = w.wait("the read", is_rx);
    assert_eq!(rx_bytes(&rx), b"one\ntwo\nthree\n");
    let paused = w
        .seen
        .iter()
        .filter(|e| e.kind == EventKind::ReadingPaused)
        .count();
    assert_eq!(paused, 1, "one pause told");
    // Reading goes on as usual after the resume.
    peer.write_all(b"four\n").unwrap();
    let rx = w.wait("the next read", is_rx);
    assert_eq!(rx_bytes(&rx), b"four\n");
    drop(peer);
    w.wait_end();
}
