//! Peak memory of a TCP server session with many loopback clients, stage by stage, the
//! way `benches/throughput.rs` (group `server`) drives it: connect N clients, echo 10
//! rounds of 32 bytes from a driver thread, stop. Linux only (reads /proc/self/status).
//!
//! `cargo run --profile bench --example server_rss -- 10000 [store]`
//!
//! With `store`, the driver also keeps every event in a [`LogStore`] as the window does,
//! so the figures include the log's per-client state.
//!
//! The clients run in a child process (this program with `clients ADDR N`), so the
//! figures are the server's alone and 10,000 clients fit in a 20,000-descriptor limit.

use socket_tester::codec::Encoding;
use socket_tester::log::LogStore;
use socket_tester::net::{Command, EventKind, Payload, Role, Session, SessionConfig, Target};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

fn status_mib(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        / 1024.0
}

fn stage(name: &str) {
    println!(
        "{name:>10}: rss {:7.1} MiB, peak {:7.1} MiB",
        status_mib("VmRSS:"),
        status_mib("VmHWM:")
    );
}

/// The child: connects `n` clients, echoes 10 rounds of 32 bytes through the server.
fn clients(addr: &str, n: usize) {
    let _ = rlimit::increase_nofile_limit(u64::from(u32::MAX));
    let t = Instant::now();
    let mut clients = Vec::with_capacity(n);
    for _ in 0..n {
        match TcpStream::connect(addr) {
            Ok(c) => {
                let _ = c.set_read_timeout(Some(Duration::from_secs(10)));
                let _ = c.set_nodelay(true);
                clients.push(c);
            }
            Err(e) => {
                eprintln!("connect {} failed: {e}", clients.len());
                break;
            }
        }
    }
    println!("connected {} in {:?}", clients.len(), t.elapsed());
    let t = Instant::now();
    let msg = [b'm'; 32];
    let mut echoed = 0u64;
    for _ in 0..10 {
        for c in clients.iter_mut() {
            let _ = c.write_all(&msg);
        }
        for c in clients.iter_mut() {
            let mut b = [0u8; 32];
            if c.read_exact(&mut b).is_ok() && b == msg {
                echoed += 1;
            }
        }
    }
    println!("echoed {echoed} of {} in {:?}", n * 10, t.elapsed());
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("clients") {
        let n = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(0);
        clients(args.get(2).map_or("", String::as_str), n);
        return;
    }
    socket_tester::sys::tune_allocator();
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let _ = rlimit::increase_nofile_limit(u64::from(u32::MAX));
    stage("start");
    let mut cfg = SessionConfig::new(Role::TcpServer, "127.0.0.1:0");
    cfg.max_clients = n + 10;
    cfg.backlog = 4096;
    let mut s = Session::start(cfg, None);
    let Some(addr) = s
        .events()
        .recv_timeout(Duration::from_secs(5))
        .ok()
        .and_then(|e| e.local)
    else {
        eprintln!("the server did not start");
        std::process::exit(1);
    };
    stage("listening");
    let events = s.events().clone();
    let cmds = s.commands().clone();
    let done = Arc::new(AtomicBool::new(false));
    let done2 = done.clone();
    let keep = std::env::args().nth(2).as_deref() == Some("store");
    let echo = std::thread::spawn(move || {
        let mut rx = 0u64;
        let mut store = keep.then(|| LogStore::new(Encoding::UTF_8, socket_tester::i18n::english));
        while !done2.load(Ordering::Relaxed) {
            let Ok(ev) = events.recv_timeout(Duration::from_millis(50)) else {
                continue;
            };
            if let EventKind::Rx(d) = &ev.kind {
                rx += 1;
                let _ = cmds.send(Command::Send {
                    payload: Payload::Bytes(d.clone()),
                    to: Target::Client(ev.client.unwrap_or(0)),
                });
            }
            if let Some(s) = store.as_mut() {
                s.push(ev);
            }
        }
        (rx, store.map_or(0, |s| s.len()))
    });
    let t = Instant::now();
    let exe = std::env::current_exe().unwrap_or_else(|_| "server_rss".into());
    let child = std::process::Command::new(exe)
        .args(["clients", &addr.to_string(), &n.to_string()])
        .status();
    println!("clients done in {:?}: {child:?}", t.elapsed());
    stage("echoed");
    done.store(true, Ordering::Relaxed);
    let (rx, rows) = echo.join().unwrap_or((0, 0));
    s.stop_and_join();
    println!(
        "server saw {rx} rx events (of {} sent); log rows kept: {rows}",
        n * 10
    );
    stage("stopped");
}
