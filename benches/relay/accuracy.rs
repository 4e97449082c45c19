//! The relay's faults measured against what was asked, in the same run:
//! - `relay_latency_accuracy`: `--latency 50ms` both ways; the echo round trip through the
//!   relay less the direct one, p50 (goal 100 ± 5 ms) and p95 (100 ± 10 ms);
//! - `relay_udp_kept`: 200,000 datagrams at 50,000/s through the UDP relay into a std socket
//!   with a big SO_RCVBUF, the share that arrived: no faults (goal ≥ 0.999), and
//!   `--drop 20 --seed 1` (goal 0.78–0.82); the direct path, the same way, as the baseline.

use super::{echo, pct, relay_with, round_trips};
use socket_tester::net::relay::RelayConfig;
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// `relay_latency_accuracy`: `n` round trips with 50 ms each way.
pub fn latency_accuracy(n: usize) {
    let server = echo();
    let direct = round_trips(server, n);
    let mut rc = RelayConfig::new("127.0.0.1:0", server.to_string());
    rc.faults.up.latency = Duration::from_millis(50);
    rc.faults.down.latency = Duration::from_millis(50);
    let (mut rt, at) = relay_with(rc, None);
    let through = round_trips(at, n);
    rt.shutdown();
    for (name, p, within) in [("p50", 0.5, 5.0), ("p95", 0.95, 10.0)] {
        let added_ms = (pct(&through, p) - pct(&direct, p)) / 1000.0;
        let ok = (added_ms - 100.0).abs() <= within;
        println!(
            "BENCH relay_latency_accuracy_{name} {added_ms:.2} ms baseline 100.0 ms(asked) ratio {:.4}",
            added_ms / 100.0
        );
        println!(
            "# relay_latency_accuracy_{name}: added {added_ms:.2} ms, goal 100 ± {within} ms: {}",
            if ok { "within" } else { "OUTSIDE" }
        );
    }
}

/// A receiver with a big SO_RCVBUF counting datagrams until `stop`, then 1 s of quiet.
fn receiver() -> (SocketAddr, Arc<AtomicBool>, std::thread::JoinHandle<u64>) {
    let s = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let _ = socket2::SockRef::from(&s).set_recv_buffer_size(16 << 20);
    let a = s.local_addr().expect("addr");
    let stop = Arc::new(AtomicBool::new(false));
    let st = stop.clone();
    let h = std::thread::spawn(move || {
        let _ = s.set_read_timeout(Some(Duration::from_millis(100)));
        let mut buf = [0u8; 2048];
        let mut got = 0u64;
        let mut quiet_since = Instant::now();
        loop {
            match s.recv(&mut buf) {
                Ok(_) => {
                    got += 1;
                    quiet_since = Instant::now();
                }
                Err(_) => {
                    if st.load(Ordering::Relaxed) && quiet_since.elapsed() >= Duration::from_secs(1)
                    {
                        return got;
                    }
                }
            }
        }
    });
    (a, stop, h)
}

/// Sends `n` 64-byte datagrams to `to` at `rate` a second (paced to the microsecond).
fn send_paced(to: SocketAddr, n: u64, rate: u64) {
    let s = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let _ = socket2::SockRef::from(&s).set_send_buffer_size(4 << 20);
    s.connect(to).expect("connect");
    let mut d = [b'u'; 64];
    let start = Instant::now();
    for i in 0..n {
        let due = start + Duration::from_nanos(i * 1_000_000_000 / rate);
        let now = Instant::now();
        if due > now + Duration::from_micros(500) {
            std::thread::sleep(due - now);
        }
        d[..8].copy_from_slice(&i.to_be_bytes());
        // A full send buffer: try again (the sender is not what is measured).
        while s.send(&d).is_err() {
            std::thread::yield_now();
        }
    }
}

/// Sends through `via` (None: straight to the receiver): the share that arrived.
fn kept(n: u64, rate: u64, via: Option<RelayConfig>) -> f64 {
    let (to, stop, h) = receiver();
    let rt = via.map(|mut rc| {
        rc.to = to.to_string();
        relay_with(rc, None)
    });
    let target = rt.as_ref().map_or(to, |(_, at)| *at);
    send_paced(target, n, rate);
    stop.store(true, Ordering::Relaxed);
    let got = h.join().unwrap_or(0);
    if let Some((mut rt, _)) = rt {
        rt.shutdown();
    }
    got as f64 / n as f64
}

/// `relay_udp_kept`: no faults, then a seeded 20 % drop, each against the direct path.
pub fn udp_kept(n: u64) {
    let rate = 50_000;
    let udp = || {
        let mut rc = RelayConfig::new("127.0.0.1:0", "127.0.0.1:9");
        rc.udp = true;
        rc
    };
    let direct = kept(n, rate, None);
    let clean = kept(n, rate, Some(udp()));
    let mut dropping = udp();
    dropping.seed = Some(1);
    dropping.faults.up.drop = 0.2;
    let dropped = kept(n, rate, Some(dropping));
    let line = |name: &str, v: f64, goal: &str, ok: bool| {
        println!(
            "BENCH {name} {v:.4} kept baseline {direct:.4} kept(direct) ratio {:.4}",
            v / direct.max(f64::MIN_POSITIVE)
        );
        println!(
            "# {name}: {n} datagrams at {rate}/s, kept {v:.4}, goal {goal}: {}",
            if ok { "within" } else { "OUTSIDE" }
        );
    };
    line("relay_udp_kept", clean, "≥ 0.999", clean >= 0.999);
    line(
        "relay_udp_kept_drop20",
        dropped,
        "0.78–0.82",
        (0.78..=0.82).contains(&dropped),
    );
}
