//! The relay hosted by a session runtime (role `relay`), between a Python 3 echo server
//! and a std::net client on loopback: the runtime's log holds each pair with its
//! direction, its pair list each pair's state and bytes per direction, the spool and the
//! record keep the relay's typed events; and a fault changed while running (latency,
//! then off) is measured at the client.

use socket_tester::log::record::read_records;
use socket_tester::log::spool::read_events;
use socket_tester::net::relay::{Dir, Faults, PairEnd, RelayConfig, RelayKind, host};
use socket_tester::net::{Command, EventKind, Role, SessionConfig};
use socket_tester::session::{ConnState, Control, Runtime};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command as Proc, Stdio};
use std::time::{Duration, Instant};

use crate::support::{runtime, wait_runtime as wait};

/// A Python 3 TCP echo server on an OS-assigned port (None: no python3 here).
struct PyEcho(Child);

impl PyEcho {
    fn start() -> Option<(PyEcho, SocketAddr)> {
        let script = r#"
import socket, threading, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True)
def serve(c):
    while True:
        d = c.recv(65536)
        if not d: break
        c.sendall(d)
    c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
"#;
        let mut child = Proc::new("python3")
            .args(["-c", script])
            .stdout(Stdio::piped())
            .spawn()
            .ok()?;
        let mut line = String::new();
        BufReader::new(child.stdout.take()?)
            .read_line(&mut line)
            .ok()?;
        let port: u16 = line.trim().parse().ok()?;
        Some((PyEcho(child), SocketAddr::from(([127, 0, 0, 1], port))))
    }
}

impl Drop for PyEcho {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a relay in `rt` to `to`; the address it listens on.
fn start_relay(rt: &Runtime, to: SocketAddr, record: Option<std::path::PathBuf>) -> SocketAddr {
    let cfg = SessionConfig::relay(RelayConfig::new("127.0.0.1:0", to.to_string()));
    rt.start(cfg, Default::default(), record);
    wait(rt, "the relay listening", |st, _| {
        st.state == ConnState::Listening
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        // The newest: a relay started again has its last run's row too.
        let local = rt
            .view()
            .store
            .iter()
            .rev()
            .find_map(|e| match &e.event.kind {
                EventKind::Relay(k) if matches!(**k, RelayKind::Listening { .. }) => e.event.local,
                _ => None,
            });
        if let Some(a) = local {
            return a;
        }
        assert!(Instant::now() < deadline, "no listening row");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Sends `msg` and reads its echo; the round trip.
fn round_trip(c: &mut TcpStream, msg: &[u8]) -> Duration {
    let t = Instant::now();
    c.write_all(msg).expect("write");
    let mut back = vec![0u8; msg.len()];
    c.read_exact(&mut back).expect("echo");
    assert_eq!(back, msg);
    t.elapsed()
}

#[test]
fn the_runtime_logs_spools_and_records_both_directions_of_each_pair() {
    let Some((_py, server)) = PyEcho::start() else {
        eprintln!("no python3: skipped");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let record = dir.path().join("relay.jsonl");
    let rt = runtime(Role::Relay, Some(dir.path()));
    let at = start_relay(&rt, server, Some(record.clone()));
    let mut c = TcpStream::connect(at).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    round_trip(&mut c, b"hello");
    c.shutdown(std::net::Shutdown::Write).expect("FIN");
    let mut rest = Vec::new();
    c.read_to_end(&mut rest).expect("the relay's FIN");
    assert!(rest.is_empty());
    // The pair list: pair 1 closed, 5 bytes each way (rx up, tx down).
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let v = rt.view();
        if let Some(p) = v.store.clients.get(&1)
            && !p.open
        {
            assert_eq!(p.counters.rx_bytes, 5, "up");
            assert_eq!(p.counters.tx_bytes, 5, "down");
            break;
        }
        drop(v);
        assert!(Instant::now() < deadline, "pair 1 did not close");
        std::thread::sleep(Duration::from_millis(5));
    }
    {
        let v = rt.view();
        let dirs: Vec<(Dir, u64)> = v
            .store
            .iter()
            .filter_map(|e| Some((host::data_dir(&e.event)?, e.event.client?)))
            .collect();
        assert_eq!(dirs, vec![(Dir::Up, 1), (Dir::Down, 1)]);
        assert!(v.store.iter().any(|e| matches!(&e.event.kind,
            EventKind::Relay(k) if matches!(**k, RelayKind::Fin { dir: Dir::Up, .. }))));
    }
    // The spool holds the same, typed, before the runtime ends (it is removed then).
    assert!(rt.syncer(Duration::from_secs(10))(), "the spool synced");
    let spool = rt.status().spool_path.expect("a spool");
    let events: Vec<_> = read_events(&spool).expect("spool").collect();
    assert!(events.iter().all(|e| e.role == Role::Relay));
    assert!(
        events
            .iter()
            .any(|e| e.kind == EventKind::Rx(b"hello".to_vec()) && e.client == Some(1))
    );
    assert!(events.iter().any(|e| matches!(&e.kind,
        EventKind::Relay(k) if matches!(**k, RelayKind::PairClosed { why: PairEnd::BothFin }))));
    drop(rt);
    // The record: each data row's pair and dir; the relay's events read back typed.
    let recs: Vec<_> = read_records(std::fs::File::open(&record).expect("record"))
        .map(|r| r.expect("a record line"))
        .collect();
    let up = recs.iter().find(|r| r.event == "rx").expect("an up row");
    assert_eq!((up.pair, up.dir), (Some(1), Some(Dir::Up)));
    let back: Vec<_> = recs.iter().filter_map(|r| r.to_event()).collect();
    assert!(back.iter().any(|e| matches!(&e.kind,
        EventKind::Relay(k) if matches!(**k, RelayKind::Upstream { upstream, .. } if upstream == server))));
    assert!(
        back.iter()
            .any(|e| e.kind == EventKind::Tx(b"hello".to_vec()) && e.client == Some(1))
    );
}

#[test]
fn latency_changed_while_running_is_measured_then_taken_off() {
    let Some((_py, server)) = PyEcho::start() else {
        eprintln!("no python3: skipped");
        return;
    };
    let rt = runtime(Role::Relay, None);
    let at = start_relay(&rt, server, None);
    let mut c = TcpStream::connect(at).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    c.set_nodelay(true).expect("nodelay");
    let before = (0..5).map(|_| round_trip(&mut c, b"ping")).max();
    let before = before.unwrap_or_default();
    assert!(before < Duration::from_millis(80), "no faults: {before:?}");
    // 150 ms up, 50 ms down, on the pair that is already open.
    let mut f = Faults::default();
    f.up.latency = Duration::from_millis(150);
    f.down.latency = Duration::from_millis(50);
    rt.send(Control::Worker(Command::SetFaults(Box::new(f))));
    let changed = |off: bool| {
        move |e: &socket_tester::log::store::Entry| {
            matches!(&e.event.kind,
                EventKind::Relay(k) if **k == RelayKind::FaultsChanged { off })
        }
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while !rt.view().store.iter().any(changed(false)) {
        assert!(Instant::now() < deadline, "the change was not told");
        std::thread::sleep(Duration::from_millis(5));
    }
    for _ in 0..3 {
        let rtt = round_trip(&mut c, b"ping");
        assert!(
            rtt >= Duration::from_millis(195) && rtt < Duration::from_millis(600),
            "150 + 50 ms added: {rtt:?}"
        );
    }
    rt.send(Control::Worker(Command::SetFaults(Box::default())));
    while !rt.view().store.iter().any(changed(true)) {
        assert!(Instant::now() < deadline, "the change was not told");
        std::thread::sleep(Duration::from_millis(5));
    }
    let after = (0..5).map(|_| round_trip(&mut c, b"ping")).max();
    let after = after.unwrap_or_default();
    assert!(
        after < Duration::from_millis(80),
        "faults off again: {after:?}"
    );
    // The log says what the latency did, in the direction it did it.
    let v = rt.view();
    assert!(v.store.iter().any(|e| matches!(&e.event.kind,
        EventKind::Relay(k) if matches!(**k, RelayKind::Fault { dir: Dir::Up, .. }))));
}

/// A relay started again numbers its pairs from #1: the pair list is this run's only
/// (the last run's pair #1 would otherwise stand in for the new one).
#[test]
fn a_new_run_starts_with_an_empty_pair_list() {
    let Some((_py, server)) = PyEcho::start() else {
        eprintln!("no python3: skipped");
        return;
    };
    let rt = runtime(Role::Relay, None);
    let at = start_relay(&rt, server, None);
    let mut c = TcpStream::connect(at).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    round_trip(&mut c, b"first run");
    until(&rt, "pair 1 listed", |v| v.store.clients.contains_key(&1));
    drop(c);
    rt.stop();
    wait(&rt, "the relay stopped", |st, _| !st.running);
    let at = start_relay(&rt, server, None);
    assert!(
        rt.view().store.clients.is_empty(),
        "the last run's pairs are gone"
    );
    let mut c = TcpStream::connect(at).expect("connect again");
    c.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    round_trip(&mut c, b"second");
    until(&rt, "the new pair 1", |v| {
        v.store
            .clients
            .get(&1)
            .is_some_and(|p| p.counters.rx_bytes == 6)
    });
}

/// Waits (10 s at most) until the runtime's view satisfies `f`.
fn until(rt: &Runtime, what: &str, f: impl Fn(&socket_tester::session::View) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !f(&rt.view()) {
        assert!(Instant::now() < deadline, "waited too long for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}
