//! The relay's figures (`BENCH_ONLY=relay`), each against a baseline in the same run:
//! - `relay_tcp_throughput`: bytes from a std::net client through the relay (on its session
//!   runtime, the always-on spool recording every byte) into a std::net sink, against
//!   `socat TCP-LISTEN:…,reuseaddr TCP:…` on the same path (skipped, and said, without socat);
//! - `relay_added_latency`: a 64-byte echo round trip through the relay (no spool) minus the
//!   same round trip straight to the echo server, p50 and p95;
//! - `relay_latency_accuracy` and `relay_udp_kept` (`accuracy`): faults measured against
//!   what was asked;
//! - `relay_pairs` (`pairs`): 1,000 pairs through a relay child process, its peak RSS.

mod accuracy;
mod pairs;

pub use accuracy::{latency_accuracy, udp_kept};
pub use pairs::pairs;

use socket_tester::codec::Encoding;
use socket_tester::net::relay::{RelayConfig, RelayKind};
use socket_tester::net::{EventKind, SessionConfig};
use socket_tester::session::{Runtime, RuntimeOptions};
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A sink that reads one connection to its end; the bytes it got, on join.
fn sink() -> (SocketAddr, std::thread::JoinHandle<u64>) {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let a = l.local_addr().expect("addr");
    let h = std::thread::spawn(move || {
        let Ok((mut s, _)) = l.accept() else { return 0 };
        let mut buf = vec![0u8; 256 * 1024];
        let mut got = 0u64;
        while let Ok(n) = s.read(&mut buf) {
            if n == 0 {
                break;
            }
            got += n as u64;
        }
        got
    });
    (a, h)
}

/// Sends `total` bytes to `to` and waits for the sink to have them all: MiB/s.
fn push(to: SocketAddr, total: u64, sink: std::thread::JoinHandle<u64>) -> f64 {
    let chunk: Vec<u8> = (0..65536u32).map(|i| b'a' + (i % 26) as u8).collect();
    let t = Instant::now();
    let mut c = connect_retrying(to);
    let mut left = total;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        c.write_all(&chunk[..n]).expect("write");
        left -= n as u64;
    }
    let _ = c.shutdown(Shutdown::Write);
    let got = sink.join().unwrap_or(0);
    let el = t.elapsed().as_secs_f64();
    assert_eq!(got, total, "every byte reached the sink");
    total as f64 / el / (1 << 20) as f64
}

pub(super) fn connect_retrying(to: SocketAddr) -> TcpStream {
    let t = Instant::now();
    loop {
        match TcpStream::connect(to) {
            Ok(s) => return s,
            Err(e) if t.elapsed() < Duration::from_secs(10) => {
                let _ = e;
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("connect {to}: {e}"),
        }
    }
}

/// A relay session runtime to `to` (spool in `dir`, or none); its listening address.
fn relay(to: SocketAddr, dir: Option<&std::path::Path>) -> (Runtime, SocketAddr) {
    relay_with(RelayConfig::new("127.0.0.1:0", to.to_string()), dir)
}

/// A relay session runtime running `rc` (spool in `dir`, or none); its listening address.
pub(super) fn relay_with(rc: RelayConfig, dir: Option<&std::path::Path>) -> (Runtime, SocketAddr) {
    let rt = Runtime::new(
        socket_tester::net::Role::Relay,
        RuntimeOptions {
            spool_dir: dir.map(|d| d.to_path_buf()),
            notify: None,
            encoding: Some(Encoding::UTF_8),
        },
    );
    // The view keeps counters only, as a window scrolled to the end would draw.
    rt.send(socket_tester::session::Control::SetCaps {
        rows: 2000,
        bytes: 1 << 20,
    });
    let cfg = SessionConfig::relay(rc);
    rt.start(cfg, Default::default(), None);
    let t = Instant::now();
    loop {
        let at = rt.view().store.iter().find_map(|e| match &e.event.kind {
            EventKind::Relay(k) if matches!(**k, RelayKind::Listening { .. }) => e.event.local,
            _ => None,
        });
        if let Some(a) = at {
            return (rt, a);
        }
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "the relay did not listen"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// socat on a free port forwarding to `to` (None: no socat here).
fn socat(to: SocketAddr) -> Option<(Child, SocketAddr)> {
    let port = TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let child = Command::new("socat")
        .arg(format!("TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr"))
        .arg(format!("TCP:{to}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    Some((child, SocketAddr::from(([127, 0, 0, 1], port))))
}

/// `relay_tcp_throughput`: the relay (recorded) against socat, the same bytes, each twice.
pub fn throughput(total: u64, dir: &std::path::Path) {
    if Command::new("socat").arg("-V").output().is_err() {
        println!("# relay_tcp_throughput: skipped, socat is not installed (apt-get install socat)");
        return;
    }
    let (mut ours, mut bases) = (Vec::new(), Vec::new());
    for _ in 0..2 {
        let (to, h) = sink();
        let Some((mut child, at)) = socat(to) else {
            println!("# relay_tcp_throughput: skipped, socat did not start");
            return;
        };
        bases.push(push(at, total, h));
        let _ = child.kill();
        let _ = child.wait();
        let (to, h) = sink();
        let (mut rt, at) = relay(to, Some(dir));
        let t = Instant::now();
        let mibs = push(at, total, h);
        // Recorded: the spool has every byte on disk too.
        let synced = (rt.syncer(Duration::from_secs(120)))();
        let el = t.elapsed().as_secs_f64();
        assert!(synced, "the spool synced");
        ours.push(mibs.min(total as f64 / el / (1 << 20) as f64));
        rt.shutdown();
    }
    super::report_rounds(
        "relay_tcp_throughput",
        &ours,
        &bases,
        "MiB/s",
        "MiB/s(socat)",
    );
}

/// An echo server for the round trips.
pub(super) fn echo() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let a = l.local_addr().expect("addr");
    std::thread::spawn(move || {
        for mut c in l.incoming().flatten() {
            let _ = c.set_nodelay(true);
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = c.read(&mut buf) {
                    if n == 0 || c.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            });
        }
    });
    a
}

/// `n` 64-byte round trips to `to`: their times in µs, sorted.
pub(super) fn round_trips(to: SocketAddr, n: usize) -> Vec<f64> {
    let mut c = connect_retrying(to);
    let _ = c.set_nodelay(true);
    let msg = [b'x'; 64];
    let mut back = [0u8; 64];
    let mut v = Vec::with_capacity(n);
    for i in 0..n + 50 {
        let t = Instant::now();
        c.write_all(&msg).expect("write");
        c.read_exact(&mut back).expect("echo");
        // The first few warm the path up.
        if i >= 50 {
            v.push(t.elapsed().as_secs_f64() * 1e6);
        }
    }
    v.sort_by(f64::total_cmp);
    v
}

pub(super) fn pct(v: &[f64], p: f64) -> f64 {
    v.get(((v.len() as f64 - 1.0) * p).round() as usize)
        .copied()
        .unwrap_or(0.0)
}

/// `relay_added_latency`: p50 and p95 of the round trip through the relay, less direct.
pub fn added_latency(n: usize) {
    let server = echo();
    let direct = round_trips(server, n);
    let (mut rt, at) = relay(server, None);
    let through = round_trips(at, n);
    rt.shutdown();
    for (name, p) in [("p50", 0.5), ("p95", 0.95)] {
        let (d, r) = (pct(&direct, p), pct(&through, p));
        super::report(
            &format!("relay_added_latency_{name}"),
            r - d,
            "us",
            d,
            "us(direct round trip)",
        );
    }
}
