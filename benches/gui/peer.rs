//! The peer of the `gui` group: a separate process (the bench executable itself, started as
//! `<bench> gui-peer MODE key=value…`), so the window's traffic comes from outside it, as
//! it would from a device. It is built with the bench, so `cargo bench --bench throughput`
//! needs nothing else. Only loopback: every `to=` must be a 127.0.0.1 address.
//!
//! Modes (each prints one line of `key=value` results on stdout, times as Unix µs):
//! - `udp-flood to=ADDR rate=R count=N`: N 64-byte numbered datagrams (`seq 000042....`),
//!   paced at R per second in 1 ms slots. Prints `sent errors first_us last_us secs`.
//! - `tcp-send to=ADDR bytes=B [chunk=C]`: connects, writes B bytes of printable text in
//!   writes of C bytes (default 64 KiB), then closes. Prints `sent connect_us close_us secs`.
//! - `udp-latency to=ADDR requests=N gap_ms=G flood_rate=R`: one thread floods 64-byte
//!   datagrams at R per second from its own socket, while the main thread sends N requests
//!   from another socket, one at a time, and times each reply (1 s timeout; a lost request
//!   counts as 1 s in the percentiles). Prints `n lost p50_us p95_us p99_us max_us flood_sent`.

use std::collections::HashMap;
use std::io::Write;
use std::net::{Shutdown, SocketAddr, TcpStream, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The first argument that makes the bench executable act as the peer.
pub const ARG: &str = "gui-peer";

/// Runs the peer if the process was started as one; returns its exit code, or None when
/// this is the bench itself.
pub fn peer_main() -> Option<i32> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) != Some(ARG) {
        return None;
    }
    let mode = args.get(2).cloned().unwrap_or_default();
    let kv: HashMap<String, String> = args
        .iter()
        .skip(3)
        .filter_map(|a| {
            a.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect();
    let to: SocketAddr = match kv.get("to").and_then(|t| t.parse().ok()) {
        Some(a) => a,
        None => {
            eprintln!("gui-peer: give to=127.0.0.1:PORT");
            return Some(2);
        }
    };
    if !to.ip().is_loopback() {
        eprintln!("gui-peer: only loopback addresses, not {to}");
        return Some(2);
    }
    let num = |k: &str, d: u64| kv.get(k).and_then(|v| v.parse().ok()).unwrap_or(d);
    let line = match mode.as_str() {
        "udp-flood" => udp_flood(to, num("rate", 20_000), num("count", 100_000)),
        "tcp-send" => tcp_send(to, num("bytes", 1 << 20), num("chunk", 65_536)),
        "udp-latency" => udp_latency(
            to,
            num("requests", 500),
            num("gap_ms", 10),
            num("flood_rate", 20_000),
        ),
        other => Err(format!("unknown mode {other:?}")),
    };
    Some(match line {
        Ok(l) => {
            println!("{l}");
            let _ = std::io::stdout().flush();
            0
        }
        Err(e) => {
            eprintln!("gui-peer {mode}: {e}");
            1
        }
    })
}

pub fn now_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64)
}

/// The payload of datagram `seq`: 64 bytes, `seq 000042` padded with dots.
pub fn numbered(seq: u64) -> Vec<u8> {
    let mut b = format!("seq {seq:06}").into_bytes();
    b.resize(64, b'.');
    b
}

fn udp_flood(to: SocketAddr, rate: u64, count: u64) -> Result<String, String> {
    let s = UdpSocket::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let (mut sent, mut errors) = (0u64, 0u64);
    let first_us = now_us();
    let t = Instant::now();
    let mut seq = 0u64;
    let mut last_us = first_us;
    while seq < count {
        let due = ((t.elapsed().as_secs_f64() * rate as f64) as u64 + 1).min(count);
        while seq < due {
            match s.send_to(&numbered(seq), to) {
                Ok(_) => sent += 1,
                Err(_) => errors += 1,
            }
            seq += 1;
        }
        last_us = now_us();
        if seq < count {
            std::thread::sleep(Duration::from_micros(200));
        }
    }
    Ok(format!(
        "sent={sent} errors={errors} first_us={first_us} last_us={last_us} secs={:.3}",
        t.elapsed().as_secs_f64()
    ))
}

fn tcp_send(to: SocketAddr, bytes: u64, chunk: u64) -> Result<String, String> {
    let t = Instant::now();
    let mut s = TcpStream::connect_timeout(&to, Duration::from_secs(5))
        .map_err(|e| format!("connect {to}: {e}"))?;
    let connect_us = now_us();
    let buf: Vec<u8> = (0..chunk.max(1)).map(|i| b'a' + (i % 26) as u8).collect();
    let mut left = bytes;
    while left > 0 {
        let n = left.min(buf.len() as u64) as usize;
        s.write_all(&buf[..n]).map_err(|e| format!("write: {e}"))?;
        left -= n as u64;
    }
    let _ = s.shutdown(Shutdown::Write);
    drop(s);
    let close_us = now_us();
    Ok(format!(
        "sent={} connect_us={connect_us} close_us={close_us} secs={:.3}",
        bytes - left,
        t.elapsed().as_secs_f64()
    ))
}

/// How long a request waits for its reply (then it counts as lost, and as this long).
pub const TIMEOUT: Duration = Duration::from_secs(1);

fn udp_latency(
    to: SocketAddr,
    requests: u64,
    gap_ms: u64,
    flood_rate: u64,
) -> Result<String, String> {
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = stop.clone();
    let flood_sock = UdpSocket::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let flood = std::thread::spawn(move || {
        let t = Instant::now();
        let mut n = 0u64;
        let buf = [b'f'; 64];
        while !stop2.load(Ordering::Relaxed) {
            let due = (t.elapsed().as_secs_f64() * flood_rate as f64) as u64 + 1;
            while n < due {
                let _ = flood_sock.send_to(&buf, to);
                n += 1;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        n
    });
    let s = UdpSocket::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    // The flood runs a moment before the first request.
    std::thread::sleep(Duration::from_millis(300));
    let mut rtts = Vec::with_capacity(requests as usize);
    let mut lost = 0u64;
    let mut buf = [0u8; 2048];
    for i in 0..requests {
        // Drop late replies to an earlier request, so each reply is timed against its own.
        let _ = s.set_nonblocking(true);
        while s.recv_from(&mut buf).is_ok() {}
        let _ = s.set_nonblocking(false);
        let _ = s.set_read_timeout(Some(TIMEOUT));
        let t = Instant::now();
        let ok =
            s.send_to(format!("REQ {i}").as_bytes(), to).is_ok() && s.recv_from(&mut buf).is_ok();
        if ok {
            rtts.push(t.elapsed().as_micros() as u64);
        } else {
            lost += 1;
            rtts.push(TIMEOUT.as_micros() as u64);
        }
        std::thread::sleep(Duration::from_millis(gap_ms));
    }
    stop.store(true, Ordering::Relaxed);
    let flood_sent = flood.join().unwrap_or(0);
    rtts.sort_unstable();
    let pct = |p: f64| -> u64 {
        if rtts.is_empty() {
            0
        } else {
            rtts[((rtts.len() - 1) as f64 * p).round() as usize]
        }
    };
    Ok(format!(
        "n={} lost={lost} p50_us={} p95_us={} p99_us={} max_us={} flood_sent={flood_sent}",
        rtts.len(),
        pct(0.50),
        pct(0.95),
        pct(0.99),
        pct(1.0)
    ))
}
