//! A worker thread that panics (a bug) must not take the app down: the panic is caught
//! in the worker's entry point, reported as an internal error, the socket is released,
//! the record keeps everything up to and including the report, and new sessions work.
//!
//! The panic is injected without any test hook in the public API: the worker calls the
//! session's repaint notifier from inside its own thread (inside the caught region), so a
//! notifier that panics once is a panic in the worker.

use crate::support as common;

use common::*;
use socket_tester::codec::Encoding;
use socket_tester::log::record::read_records;
use socket_tester::log::spool::Spool;
use socket_tester::log::{LogStore, RecordWriter};
use socket_tester::net::{ErrorKind, Event, EventKind, Notifier, Role, Session, SessionConfig};
use std::net::{TcpListener, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A notifier that panics the first time it runs after `arm` is set.
fn panicking_notifier(arm: Arc<AtomicBool>, calls: Arc<AtomicUsize>) -> Notifier {
    Arc::new(move || {
        calls.fetch_add(1, Ordering::SeqCst);
        if arm.swap(false, Ordering::SeqCst) {
            panic!("injected fault: a bug in the worker");
        }
    })
}

/// Reads every event until the worker's channel closes (bounded by WAIT).
fn drain_to_end(s: &Session, out: &mut Vec<Event>) {
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "the worker never ended: {out:#?}");
        match s.events().recv_timeout(left) {
            Ok(ev) => out.push(ev),
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => return,
        }
    }
}

fn internal_error(evs: &[Event]) -> Option<&str> {
    evs.iter().find_map(|e| match &e.kind {
        EventKind::Error {
            kind: ErrorKind::Internal,
            detail,
        } => Some(detail.as_str()),
        _ => None,
    })
}

#[test]
fn a_panicking_udp_worker_is_caught_reported_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let rec_path = dir.path().join("panic.jsonl");
    let mut spool = Spool::create(
        &rec_path,
        Encoding::UTF_8,
        true,
        socket_tester::i18n::english,
    )
    .unwrap();
    let mut store = LogStore::new(Encoding::UTF_8, socket_tester::i18n::english);

    let arm = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(AtomicUsize::new(0));
    let s = Session::start(
        SessionConfig::new(Role::UdpReceiver, "127.0.0.1:0"),
        Some(panicking_notifier(arm.clone(), calls.clone())),
    );
    let bound = wait_for(&s, |e| e.kind == EventKind::Bound, WAIT);
    let local = bound.local.unwrap();
    spool.write(&bound);
    store.push(bound);

    // Traffic before the fault is delivered and recorded.
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.send_to(b"before the bug", local).unwrap();
    let rx = wait_for(&s, is_rx, WAIT);
    assert_eq!(rx_bytes(&rx), b"before the bug");
    spool.write(&rx);
    store.push(rx);

    // Arm the fault, then wake the worker so it runs its notifier.
    arm.store(true, Ordering::SeqCst);
    peer.send_to(b"trigger", local).unwrap();
    let mut rest = Vec::new();
    drain_to_end(&s, &mut rest);
    assert!(!arm.load(Ordering::SeqCst), "the fault fired");
    let msg = internal_error(&rest)
        .unwrap_or_else(|| panic!("no internal error event: {rest:#?}"))
        .to_string();
    assert!(msg.contains("internal error"), "{msg}");
    assert!(msg.contains("injected fault"), "names the panic: {msg}");
    for ev in rest {
        spool.write(&ev);
        store.push(ev);
    }
    assert!(
        s.is_finished() || {
            std::thread::sleep(Duration::from_millis(200));
            s.is_finished()
        }
    );

    // The socket was released by the unwinding worker: its port can be bound again.
    let again = UdpSocket::bind(local);
    assert!(again.is_ok(), "port still held: {again:?}");
    drop(again);

    // The record holds everything up to and including the report.
    spool.finish();
    assert_eq!(spool.poll().1, None);
    let recs: Vec<_> = read_records(std::fs::File::open(&rec_path).unwrap())
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(recs.len(), store.len());
    assert_eq!(recs[0].event, "bound");
    assert!(
        recs.iter()
            .any(|r| r.event == "rx" && r.text.as_deref() == Some("before the bug"))
    );
    let last_err = recs.iter().rfind(|r| r.event == "error").unwrap();
    assert!(
        last_err
            .message
            .as_deref()
            .unwrap_or_default()
            .contains("injected fault")
    );

    // The app goes on: a new session on the same port works.
    let mut w = Watch::start(SessionConfig::new(Role::UdpReceiver, local.to_string()));
    assert_eq!(w.wait_local(), local);
    peer.send_to(b"after", local).unwrap();
    assert_eq!(rx_bytes(&w.wait("rx", is_rx)), b"after");
    w.session.stop_and_join();
}

#[test]
fn a_panicking_tcp_server_worker_releases_its_port_and_clients() {
    let arm = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(AtomicUsize::new(0));
    let s = Session::start(
        SessionConfig::new(Role::TcpServer, "127.0.0.1:0"),
        Some(panicking_notifier(arm.clone(), calls.clone())),
    );
    let listening = wait_for(&s, |e| matches!(e.kind, EventKind::Listening { .. }), WAIT);
    let local = listening.local.unwrap();
    let mut client = std::net::TcpStream::connect(local).unwrap();
    wait_for(&s, |e| e.kind == EventKind::Accepted, WAIT);
    arm.store(true, Ordering::SeqCst);
    use std::io::{Read, Write};
    client.write_all(b"wake up").unwrap();
    let mut rest = Vec::new();
    drain_to_end(&s, &mut rest);
    assert!(
        internal_error(&rest).is_some_and(|m| m.contains("injected fault")),
        "{rest:#?}"
    );
    // The client's connection was closed by the unwinding worker (EOF or reset, not a hang).
    client.set_read_timeout(Some(WAIT)).unwrap();
    let mut buf = [0u8; 16];
    match client.read(&mut buf) {
        Ok(0) => {}
        Ok(n) => panic!("unexpected {n} bytes"),
        Err(e) => assert!(
            e.kind() == std::io::ErrorKind::ConnectionReset,
            "expected EOF or reset, got {e}"
        ),
    }
    // The listening port is free again.
    let l = TcpListener::bind(local);
    assert!(l.is_ok(), "port still held: {l:?}");
}

#[test]
fn the_internal_error_is_written_to_a_record() {
    // The error event a caught panic produces is an ordinary event: it records like any other.
    let ev = Event {
        ts_us: 1,
        role: Role::TcpClient,
        local: None,
        peer: None,
        client: None,
        kind: EventKind::Error {
            kind: ErrorKind::Internal,
            detail: "internal error (a bug; please report it): the worker stopped: x".into(),
        },
        opcode: None,
    };
    let mut w = RecordWriter::new(Vec::new(), Encoding::UTF_8, socket_tester::i18n::english);
    w.write_event(&ev).unwrap();
    let out = w.into_inner();
    let r = read_records(&out[..]).next().unwrap().unwrap();
    assert_eq!(r.event, "error");
    assert!(r.message.unwrap().contains("internal error"));
}
