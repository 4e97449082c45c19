//! Engine tests for streaming a file (Command::SendFile), the auto-send pacer and the
//! UDP broadcast/multicast options, with real std::net peers on loopback only
//! (127.0.0.1 / ::1, OS-assigned ports).

use crate::support as common;

use common::{Watch, is_tx};
use socket_tester::auto::pacer::{Pacer, PacerEnd, PacerPlan};
use socket_tester::net::file_send::{FileSpec, FileState};
use socket_tester::net::{Command, EventKind, Payload, Role, SessionConfig, Target};
use std::io::{Read, Write};
use std::net::{TcpListener, UdpSocket};
use std::time::{Duration, Instant};

/// A file of `n` pseudo-random bytes in a temp dir.
fn make_file(n: usize) -> (tempfile::TempDir, std::path::PathBuf, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("payload.bin");
    let mut rng = fastrand::Rng::with_seed(7);
    let data: Vec<u8> = (0..n).map(|_| rng.u8(..)).collect();
    std::fs::write(&path, &data).unwrap();
    (dir, path, data)
}

fn wait_state(spec: &FileSpec, want: FileState) {
    let t = Instant::now();
    while spec.progress.state() != want {
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "file state is {:?}, waited for {want:?}",
            spec.progress.state()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn tcp_client_streams_a_file_and_the_peer_gets_identical_bytes() {
    let (_dir, path, data) = make_file(3 * 1024 * 1024 + 123);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let reader = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut got = Vec::new();
        s.read_to_end(&mut got).unwrap();
        got
    });
    let mut w = Watch::start(SessionConfig::new(Role::TcpClient, addr.to_string()));
    w.wait("connected", |e| matches!(e.kind, EventKind::Connected));
    let spec = FileSpec::new(&path, 60_000, Duration::ZERO, Target::Default);
    w.send(Command::SendFile(Box::new(spec.clone())));
    wait_state(&spec, FileState::Done);
    assert_eq!(spec.progress.sent(), data.len() as u64);
    assert_eq!(spec.progress.total(), data.len() as u64);
    assert_eq!(spec.progress.chunks(), data.len().div_ceil(60_000) as u64);
    assert!((spec.progress.fraction() - 1.0).abs() < f32::EPSILON);
    let sent = w.wait("the 'file sent' note", |e| {
        matches!(e.kind, EventKind::FileSent { .. })
    });
    match sent.kind {
        EventKind::FileSent { bytes, chunks, .. } => {
            assert_eq!(bytes, data.len() as u64);
            assert_eq!(chunks, data.len().div_ceil(60_000) as u64);
        }
        k => panic!("{k:?}"),
    }
    w.send(Command::Stop);
    w.wait_end();
    let got = reader.join().unwrap();
    assert_eq!(got.len(), data.len());
    assert!(got == data, "the received bytes differ from the file");
    let tx: usize = w
        .seen
        .iter()
        .filter(|e| is_tx(e))
        .map(|e| e.kind.data().map_or(0, |d| d.len()))
        .sum();
    assert_eq!(tx, data.len(), "the Tx events add up to the file");
}

#[test]
fn udp_sender_sends_a_file_as_datagrams_of_the_chunk_size() {
    let (_dir, path, data) = make_file(10 * 1000 + 7);
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut w = Watch::start(SessionConfig::new(
        Role::UdpSender,
        peer.local_addr().unwrap().to_string(),
    ));
    w.wait_local();
    let spec = FileSpec::new(&path, 1000, Duration::from_millis(1), Target::Default);
    w.send(Command::SendFile(Box::new(spec.clone())));
    let mut got = Vec::new();
    let mut sizes = Vec::new();
    let mut buf = [0u8; 65536];
    while got.len() < data.len() {
        let (n, _) = peer.recv_from(&mut buf).unwrap();
        sizes.push(n);
        got.extend_from_slice(&buf[..n]);
    }
    wait_state(&spec, FileState::Done);
    assert_eq!(sizes.len(), 11);
    assert!(sizes[..10].iter().all(|&n| n == 1000), "{sizes:?}");
    assert_eq!(sizes[10], 7);
    assert!(got == data);
    assert_eq!(spec.progress.chunks(), 11);
}

#[test]
fn a_file_send_can_be_cancelled_and_a_missing_file_is_a_clear_error() {
    let (_dir, path, _) = make_file(100_000);
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut w = Watch::start(SessionConfig::new(
        Role::UdpSender,
        peer.local_addr().unwrap().to_string(),
    ));
    w.wait_local();
    // 100 chunks, 20 ms apart: two seconds, cancelled long before the end.
    let spec = FileSpec::new(&path, 1000, Duration::from_millis(20), Target::Default);
    w.send(Command::SendFile(Box::new(spec.clone())));
    wait_state(&spec, FileState::Running);
    std::thread::sleep(Duration::from_millis(60));
    w.send(Command::CancelFile);
    wait_state(&spec, FileState::Cancelled);
    assert!(spec.progress.sent() < 100_000);
    let note = w.wait("the cancel note", |e| {
        matches!(e.kind, EventKind::FileCancelled { .. })
    });
    match note.kind {
        EventKind::FileCancelled { sent, total } => {
            assert!(sent < total, "{sent} of {total}");
            assert_eq!(sent, spec.progress.sent());
        }
        k => panic!("{k:?}"),
    }

    let missing = FileSpec::new(
        path.with_file_name("nope.bin"),
        1000,
        Duration::ZERO,
        Target::Default,
    );
    w.send(Command::SendFile(Box::new(missing.clone())));
    let (_, msg) = w.wait_error();
    assert!(
        msg.contains("cannot open") && msg.contains("nope.bin"),
        "{msg}"
    );
    assert_eq!(missing.progress.state(), FileState::Failed);
}

#[test]
fn tcp_server_sends_a_file_to_a_client() {
    let (_dir, path, data) = make_file(500_000);
    let mut w = Watch::start(SessionConfig::new(Role::TcpServer, "127.0.0.1:0"));
    let local = w.wait_local();
    let mut client = std::net::TcpStream::connect(local).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let acc = w.wait("accepted", |e| matches!(e.kind, EventKind::Accepted));
    let id = acc.client.unwrap();
    let spec = FileSpec::new(&path, 4096, Duration::ZERO, Target::Client(id));
    w.send(Command::SendFile(Box::new(spec.clone())));
    // The client reads on its own thread while this one keeps taking the session's events,
    // as the runtime does: a worker whose event channel is full waits (back-pressure).
    let want = data.len();
    let reader = std::thread::spawn(move || {
        let got = common::read_exact_timeout(&mut client, want);
        (client, got)
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    while !reader.is_finished() && Instant::now() < deadline {
        let _ = w.session.events().recv_timeout(Duration::from_millis(20));
    }
    let (mut client, got) = reader.join().unwrap();
    assert!(got == data);
    while spec.progress.state() != FileState::Done && Instant::now() < deadline {
        let _ = w.session.events().recv_timeout(Duration::from_millis(20));
    }
    assert_eq!(spec.progress.state(), FileState::Done);
    client.write_all(b"bye").unwrap();
}

#[test]
fn pacer_sends_every_millisecond_and_stops_on_count() {
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut w = Watch::start(SessionConfig::new(
        Role::UdpSender,
        peer.local_addr().unwrap().to_string(),
    ));
    w.wait_local();
    let mut seq = 0u32;
    let _quiet = common::timing();
    let started = Instant::now();
    let mut p = Pacer::start(
        w.session.handle(),
        PacerPlan {
            every: Duration::from_millis(1),
            count: Some(200),
            to: Target::Default,
        },
        move || {
            seq += 1;
            Ok(seq.to_be_bytes().to_vec())
        },
        None,
    );
    let mut buf = [0u8; 16];
    for i in 1..=200u32 {
        let (n, _) = peer.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], &i.to_be_bytes());
    }
    let t = Instant::now();
    while p.is_running() {
        assert!(t.elapsed() < Duration::from_secs(5));
        std::thread::sleep(Duration::from_millis(2));
    }
    let took = started.elapsed();
    assert_eq!(p.end(), Some(PacerEnd::Done));
    assert_eq!(p.progress_text(), "200 / 200");
    // 200 sends at 1 ms: about 0.2 s (never much less: the schedule is absolute).
    assert!(took >= Duration::from_millis(195), "{took:?}");
    assert!(took < Duration::from_millis(1500), "{took:?}");
    p.stop_and_join();
}

#[test]
fn pacer_stops_when_the_session_ends() {
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut w = Watch::start(SessionConfig::new(
        Role::UdpSender,
        peer.local_addr().unwrap().to_string(),
    ));
    w.wait_local();
    let p = Pacer::start(
        w.session.handle(),
        PacerPlan {
            every: Duration::from_millis(5),
            count: None,
            to: Target::Default,
        },
        || Ok(b"x".to_vec()),
        None,
    );
    w.wait("a tx", is_tx);
    w.send(Command::Stop);
    w.wait_end();
    let t = Instant::now();
    while p.is_running() {
        assert!(t.elapsed() < Duration::from_secs(5), "the pacer kept going");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(p.end(), Some(PacerEnd::SessionGone));
    assert!(p.sent() >= 1);
}

#[test]
fn broadcast_is_refused_with_a_clear_error_when_the_toggle_is_off() {
    // The kernel refuses with EACCES before any packet leaves.
    let mut w = Watch::start(SessionConfig::new(Role::UdpSender, "255.255.255.255:9"));
    w.wait_local();
    w.send(Command::Send {
        payload: Payload::Bytes(b"hi".to_vec()),
        to: Target::Default,
    });
    let (kind, msg) = w.wait_error();
    assert_eq!(kind, socket_tester::net::ErrorKind::PermissionDenied);
    assert!(msg.contains("Broadcast"), "{msg}");
}
