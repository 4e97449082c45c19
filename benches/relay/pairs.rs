//! `relay_pairs`: 1,000 concurrent TCP pairs echoing through the relay, the relay being a
//! child process (`socket-tester relay --headless`, the binary this bench was built with)
//! so its memory is its own: its peak RSS (VmHWM) against the goal of 150 MiB, with what
//! it held before the first client, the cost per pair, and its threads.

use super::{connect_retrying, echo};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The CPU time the process `pid` has used, in seconds (utime + stime).
fn cpu_s(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // After the command's closing parenthesis: state is field 3, utime 14, stime 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // SAFETY: sysconf only reads a configuration value.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    (ticks(11) + ticks(12)) / hz
}

fn threads(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Threads:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// One 64-byte message each way on every client: all written, then all read back.
fn echo_round(clients: &mut [TcpStream]) {
    let msg = [b'p'; 64];
    for c in clients.iter_mut() {
        c.write_all(&msg).expect("write");
    }
    let mut back = [0u8; 64];
    for c in clients.iter_mut() {
        c.read_exact(&mut back).expect("echo");
        assert_eq!(back, msg);
    }
}

/// `n` clients to `at`, each echoed once, then `rounds` rounds: round trips a second, and
/// the clients (still open).
fn echo_rate(at: SocketAddr, n: usize, rounds: usize) -> (f64, Vec<TcpStream>, Duration) {
    let t = Instant::now();
    let mut clients = Vec::with_capacity(n);
    for _ in 0..n {
        let c = connect_retrying(at);
        let _ = c.set_nodelay(true);
        let _ = c.set_read_timeout(Some(Duration::from_secs(30)));
        clients.push(c);
    }
    echo_round(&mut clients);
    let connected = t.elapsed();
    let t = Instant::now();
    for _ in 0..rounds {
        echo_round(&mut clients);
    }
    let rate = (rounds * n) as f64 / t.elapsed().as_secs_f64();
    (rate, clients, connected)
}

pub fn pairs(n: usize) {
    let _ = rlimit::increase_nofile_limit(u64::from(u32::MAX));
    let server = echo();
    let rounds = 20;
    // The same clients straight to the echo server: the rate's baseline.
    let (direct, clients, _) = echo_rate(server, n, rounds);
    drop(clients);
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let at = SocketAddr::from(([127, 0, 0, 1], port));
    let mut child = Command::new(env!("CARGO_BIN_EXE_socket-tester"))
        .args(["relay", "--headless", "--listen", &at.to_string()])
        .args(["--to", &server.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the relay");
    let pid = child.id();
    // The first connection says it listens (and is a pair of its own, closed at once).
    drop(connect_retrying(at));
    std::thread::sleep(Duration::from_millis(300));
    let idle = crate::proc_status_kib(Some(pid), "VmRSS:").unwrap_or(0.0) / 1024.0;
    let (rate, clients, connected) = echo_rate(at, n, rounds);
    let peak = crate::proc_status_kib(Some(pid), "VmHWM:").unwrap_or(0.0) / 1024.0;
    let held = threads(pid);
    // The pairs open and quiet: what the relay burns waiting.
    let (c0, t0) = (cpu_s(pid), Instant::now());
    std::thread::sleep(Duration::from_secs(3));
    let idle_cpu = 100.0 * (cpu_s(pid) - c0) / t0.elapsed().as_secs_f64();
    drop(clients);
    let _ = child.kill();
    let _ = child.wait();
    println!(
        "BENCH relay_pairs_peak_rss {peak:.1} MiB baseline 150.0 MiB(goal) ratio {:.3}",
        peak / 150.0
    );
    println!(
        "BENCH relay_pairs_echo_rate {rate:.0} round-trips/s baseline {direct:.0} round-trips/s(direct) ratio {:.3}",
        rate / direct
    );
    println!("BENCH relay_pairs_idle_cpu {idle_cpu:.1} % baseline - - ratio -");
    println!(
        "# relay_pairs: {n} pairs open and echoing: peak RSS {peak:.1} MiB (goal ≤ 150: {}), {idle:.1} MiB before the first client, {:.1} KiB a pair, {held} threads; all connected and echoed once in {:.2} s",
        if peak <= 150.0 { "within" } else { "OUTSIDE" },
        (peak - idle) * 1024.0 / n as f64,
        connected.as_secs_f64()
    );
}
