//! The `server` group's app figure: the real binary's TCP server (`socket-tester tcp-server
//! --headless --reply …`, i.e. the session runtime with its log store, auto-reply rule and
//! printer, as the window has them) with 10,000 loopback clients, each sending 10 messages
//! and waiting for the reply to each. The clients live in this process; the server is a
//! process of its own, so its peak RSS (`VmHWM`) is the server's alone. Baseline: the same
//! process's RSS once listening, before any client.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one run measured.
pub struct ServerRun {
    pub connected: usize,
    pub connect_s: f64,
    pub replies: u64,
    pub expected: u64,
    pub replies_per_s: f64,
    pub idle_rss_mib: f64,
    pub peak_rss_mib: f64,
}

fn status_mib(pid: u32, key: &str) -> f64 {
    crate::proc_status_kib(Some(pid), key).unwrap_or(0.0) / 1024.0
}

/// Runs `exe tcp-server` headless with `n` clients × `rounds` request/reply rounds.
pub fn run(exe: &Path, n: usize, rounds: usize) -> Result<ServerRun, String> {
    let _ = rlimit::increase_nofile_limit(u64::from(u32::MAX));
    let reply = "r".repeat(32);
    let mut child = Command::new(exe)
        .args(["tcp-server", "--listen", "127.0.0.1:0", "--headless"])
        .args(["--max-clients", &(n + 10).to_string(), "--backlog", "4096"])
        .args(["--reply", &reply])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
    let pid = child.id();
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        match lines.next() {
            Some(Ok(l)) if l.contains("listening") => {
                let a = l
                    .split_whitespace()
                    .find_map(|w| w.strip_prefix("local="))
                    .map(str::to_string);
                break a.ok_or_else(|| format!("no address in {l:?}"))?;
            }
            Some(Ok(_)) => continue,
            _ => {
                let _ = child.kill();
                return Err("the server printed no listening line".into());
            }
        }
    };
    // Keep its output flowing (one line per event) so printing never blocks it.
    let drain = std::thread::spawn(move || lines.map_while(Result::ok).count());
    std::thread::sleep(Duration::from_millis(200));
    let idle_rss_mib = status_mib(pid, "VmRSS:");
    let t = Instant::now();
    let mut clients = Vec::with_capacity(n);
    for _ in 0..n {
        match TcpStream::connect(&addr) {
            Ok(c) => {
                let _ = c.set_read_timeout(Some(Duration::from_secs(10)));
                let _ = c.set_nodelay(true);
                clients.push(c);
            }
            Err(e) => {
                eprintln!("# server_app: connect {} failed: {e}", clients.len());
                break;
            }
        }
    }
    let connect_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let msg = [b'm'; 32];
    let mut replies = 0u64;
    for _ in 0..rounds {
        for c in clients.iter_mut() {
            let _ = c.write_all(&msg);
        }
        for c in clients.iter_mut() {
            let mut b = [0u8; 32];
            if c.read_exact(&mut b).is_ok() && b == *reply.as_bytes() {
                replies += 1;
            }
        }
    }
    let el = t.elapsed().as_secs_f64().max(1e-9);
    let connected = clients.len();
    drop(clients);
    std::thread::sleep(Duration::from_millis(500));
    let peak_rss_mib = status_mib(pid, "VmHWM:");
    let _ = child.kill();
    let _ = child.wait();
    let _ = drain.join();
    Ok(ServerRun {
        connected,
        connect_s,
        replies,
        expected: (n * rounds) as u64,
        replies_per_s: replies as f64 / el,
        idle_rss_mib,
        peak_rss_mib,
    })
}
