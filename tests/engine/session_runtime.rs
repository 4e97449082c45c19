//! The session runtime with no window at all, against independent std::net peers on
//! loopback: it records every event and every byte, answers an auto-reply rule, runs an
//! Expect, and keeps the spool complete — all on its own thread, with nobody reading.
//! Heavy sizes (1,000,000 events, 256 MiB): `cargo test --release -- --ignored`.

use socket_tester::auto::expect::{Expect, ExpectPlan};
use socket_tester::auto::rules::{Matcher, Rule, RuleSet};
use socket_tester::codec::{Encoding, Template};
use socket_tester::log::record::read_records;
use socket_tester::log::spool::read_events;
use socket_tester::net::{EventKind, Role, SessionConfig, Target};
use socket_tester::session::{ConnState, Control, Runtime};
use std::io::Write;
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::time::{Duration, Instant};

use crate::support as common;
use common::{bound_udp_receiver, runtime, wait_runtime as wait};

/// Sends `n` numbered datagrams, never more than `window` ahead of what the runtime has
/// taken (so the kernel never has to drop one), and waits for all of them.
fn send_paced(rt: &Runtime, to: SocketAddr, n: u64, window: u64) {
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut sent = 0u64;
    while sent < n {
        let taken = rt.view().store.counters.rx_msgs;
        while sent < n && sent < taken + window {
            peer.send_to(&sent.to_le_bytes(), to).unwrap();
            sent += 1;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    wait(rt, "every datagram", |_, rx| rx >= n);
}

fn records_every_datagram(n: u64) {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("rec.jsonl");
    let mut rt = runtime(Role::UdpReceiver, Some(dir.path()));
    let to = bound_udp_receiver(&rt, Some(record.clone()));
    send_paced(&rt, to, n, 2_000);
    // Everything reaches the spool with no reader of the view at all.
    let st = wait(&rt, "the spool on disk", |st, _| {
        st.spool_written > n && st.unsaved() == 0
    });
    assert!(st.spool_error.is_none(), "{st:?}");
    assert_eq!(rt.view().store.kernel_dropped, 0);
    rt.shutdown();
    let mut seen = 0u64;
    for r in read_records(std::fs::File::open(&record).unwrap()) {
        let r = r.unwrap();
        if r.event == "rx" {
            let b = r.bytes().unwrap();
            assert_eq!(b, seen.to_le_bytes(), "datagram {seen} in order, intact");
            seen += 1;
        }
    }
    assert_eq!(seen, n, "the record holds every datagram");
}

#[test]
fn records_100k_datagrams_with_nobody_reading() {
    records_every_datagram(100_000);
}

#[test]
#[ignore]
fn records_a_million_datagrams() {
    records_every_datagram(1_000_000);
}

fn records_every_byte_of_a_stream(total: usize) {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("rec.jsonl");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut rt = runtime(Role::TcpClient, Some(dir.path()));
    rt.start(
        SessionConfig::new(Role::TcpClient, addr.to_string()),
        Default::default(),
        Some(record.clone()),
    );
    let (mut peer, _) = listener.accept().unwrap();
    let sender = std::thread::spawn(move || {
        let chunk: Vec<u8> = (0..65_536u32).map(|i| (i % 251) as u8).collect();
        let mut left = total;
        while left > 0 {
            let n = left.min(chunk.len());
            peer.write_all(&chunk[..n]).unwrap();
            left -= n;
        }
        // The peer closes: FIN.
    });
    sender.join().unwrap();
    wait(&rt, "the close", |st, _| {
        matches!(st.state, ConnState::ClosedByPeer(_)) && !st.running
    });
    assert_eq!(rt.view().store.counters.rx_bytes, total as u64);
    let st = wait(&rt, "the spool on disk", |st, _| st.unsaved() == 0);
    assert!(
        st.spool_error.is_none() && st.record_error.is_none(),
        "{st:?}"
    );
    // The always-on spool holds the same bytes, raw.
    let spool = st.spool_path.expect("a spool");
    let mut read = read_events(&spool).unwrap();
    let got: Vec<u8> = read
        .by_ref()
        .filter_map(|e| match e.kind {
            EventKind::Rx(d) => Some(d),
            _ => None,
        })
        .flatten()
        .collect();
    assert!(read.cut().is_none(), "an intact spool");
    assert_eq!(got.len(), total);
    assert!(
        got.iter()
            .enumerate()
            .all(|(i, &x)| x == (i % 65_536 % 251) as u8)
    );
    rt.shutdown();
    assert!(!spool.exists(), "the spool goes with the runtime");
    let mut bytes = 0usize;
    let mut ok = true;
    for r in read_records(std::fs::File::open(&record).unwrap()) {
        let r = r.unwrap();
        if r.event == "rx" {
            let b = r.bytes().unwrap();
            ok &= b
                .iter()
                .enumerate()
                .all(|(i, &x)| x == ((bytes + i) % 65_536 % 251) as u8);
            bytes += b.len();
        }
    }
    assert!(ok, "the record holds the bytes in order");
    assert_eq!(bytes, total, "the record holds every byte");
}

#[test]
fn records_every_byte_of_a_4_mib_stream() {
    records_every_byte_of_a_stream(4 << 20);
}

#[test]
#[ignore]
fn records_every_byte_of_a_256_mib_stream() {
    records_every_byte_of_a_stream(256 << 20);
}

#[test]
fn answers_an_auto_reply_rule_with_no_window() {
    let rt = runtime(Role::UdpReceiver, None);
    let mut rules = RuleSet::default();
    rules
        .rules
        .push(Rule::new(Matcher::Contains("PING".into()), "PONG {seq}"));
    rt.send(Control::SetRules(Box::new(rules)));
    let to = bound_udp_receiver(&rt, None);
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 64];
    for i in 1..=3 {
        peer.send_to(b"PING?", to).unwrap();
        let (n, from) = peer.recv_from(&mut buf).unwrap();
        assert_eq!(from, to);
        assert_eq!(&buf[..n], format!("PONG {i}").as_bytes());
    }
    let st = wait(&rt, "the rule's count", |st, _| st.rules.fired == [3]);
    assert!(st.rules.active && st.rules.error.is_none());
}

#[test]
fn runs_an_expectation_with_no_window() {
    let echo = UdpSocket::bind("127.0.0.1:0").unwrap();
    let echo_addr = echo.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 2048];
        echo.set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        while let Ok((n, from)) = echo.recv_from(&mut buf) {
            let mut reply = b"ok:".to_vec();
            reply.extend_from_slice(&buf[..n]);
            let _ = echo.send_to(&reply, from);
        }
    });
    let rt = runtime(Role::UdpSender, None);
    let mut plan = ExpectPlan::new(
        Template::parse("hello {seq}").unwrap(),
        Matcher::Contains("ok:hello".into()),
    );
    plan.count = 5;
    plan.timeout = Duration::from_secs(5);
    plan.to = Target::Default;
    let x = Expect::new(plan, Encoding::UTF_8, socket_tester::i18n::english).unwrap();
    // Not started: the first request goes out once the session is bound.
    rt.send(Control::StartExpect(Box::new(x)));
    rt.start(
        SessionConfig::new(Role::UdpSender, echo_addr.to_string()),
        Default::default(),
        None,
    );
    let st = wait(&rt, "the run", |st, _| {
        st.expect.as_ref().is_some_and(|x| x.is_done())
    });
    let x = st.expect.unwrap();
    assert_eq!(x.results().len(), 5);
    assert!(x.all_passed(), "{}", x.summary());
}

#[test]
fn a_reader_holding_the_view_never_stops_the_spool() {
    // A "slow frame": the view is held for 300 ms while 5,000 datagrams arrive. The
    // runtime keeps taking them (spool, record) and hands them to the view afterwards.
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("rec.jsonl");
    let rt = runtime(Role::UdpReceiver, Some(dir.path()));
    let to = bound_udp_receiver(&rt, Some(record.clone()));
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    let shared = rt.shared();
    let guard = shared.lock().unwrap();
    for i in 0..5_000u32 {
        peer.send_to(&i.to_le_bytes(), to).unwrap();
        if i % 500 == 499 {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    // While the view is held, the record fills from the runtime thread.
    let deadline = Instant::now() + Duration::from_secs(10);
    let in_record = loop {
        let n = std::fs::read_to_string(&record)
            .map(|s| s.lines().filter(|l| l.contains("\"rx\"")).count())
            .unwrap_or(0);
        if n >= 5_000 || Instant::now() > deadline {
            break n;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    drop(guard);
    assert_eq!(
        in_record, 5_000,
        "the record kept up while the view was held"
    );
    wait(&rt, "the view catches up", |_, rx| rx == 5_000);
}

/// A spool that cannot be made is a typed error (the window words it in its language) and
/// the session goes on: the folder given is a regular file.
#[test]
fn a_spool_that_cannot_be_made_is_a_typed_error_and_receiving_goes_on() {
    use socket_tester::session::WriterFailure;
    let dir = tempfile::tempdir().unwrap();
    let not_a_dir = dir.path().join("file");
    std::fs::write(&not_a_dir, b"x").unwrap();
    let mut rt = runtime(Role::UdpReceiver, Some(&not_a_dir));
    let to = bound_udp_receiver(&rt, None);
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .send_to(b"still here", to)
        .unwrap();
    let st = wait(&rt, "the datagram", |_, rx| rx >= 1);
    let e = st.spool_error.clone().expect("a spool error");
    assert_eq!(e.what, WriterFailure::CannotCreate);
    assert_eq!(e.path, not_a_dir.display().to_string());
    assert!(e.to_string().starts_with("cannot save to "), "{e}");
    rt.shutdown();
}
