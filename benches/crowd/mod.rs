//! The `crowd` group: `crowd_connect`, N connections (10,000; 1,000 with BENCH_QUICK) at
//! full ramp from the TCP Client's crowd (worker and session runtime, as headless runs
//! them) to a bare std::net listener that accepts and holds them, against a bare std::net
//! connect loop (blocking connects, each kept open) in the same run. Each side runs in a
//! child process (this executable started as `crowd-child`), so its peak RSS (VmHWM) is
//! its own and the two runs' sockets never share a descriptor limit. A listener of its own
//! for each run keeps the first run's TIME_WAIT connections out of the second's ports.

use socket_tester::auto::auto_send::AutoPlan;
use socket_tester::net::crowd::CrowdConfig;
use socket_tester::net::{Role, SessionConfig};
use socket_tester::session::{Control, Runtime, RuntimeOptions};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const CHILD: &str = "crowd-child";

/// Started as a child: runs one side and prints its figures; Some(exit code).
pub fn child_main() -> Option<i32> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) != Some(CHILD) {
        return None;
    }
    let (Some(side), Some(addr), Some(n)) = (args.get(2), args.get(3), args.get(4)) else {
        eprintln!("crowd-child SIDE ADDR N");
        return Some(2);
    };
    let n: u64 = n.parse().unwrap_or(0);
    Some(match side.as_str() {
        "bare" => bare(addr, n),
        "engine" => engine(addr, n),
        _ => crowd(addr, n),
    })
}

fn vmhwm_kib() -> f64 {
    super::proc_status_kib(None, "VmHWM:").unwrap_or(0.0)
}

/// The baseline: blocking connects one after another, each kept open.
fn bare(addr: &str, n: u64) -> i32 {
    let t0 = Instant::now();
    let mut held = Vec::with_capacity(n as usize);
    for _ in 0..n {
        match TcpStream::connect(addr) {
            Ok(s) => held.push(s),
            Err(e) => {
                eprintln!("bare connect {}: {e}", held.len() + 1);
                break;
            }
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "RESULT {} {} 0 {secs:.6} {:.0}",
        held.len(),
        held.len(),
        vmhwm_kib()
    );
    0
}

/// The crowd's worker alone (no runtime): its events drained and counted here.
fn engine(addr: &str, n: u64) -> i32 {
    use socket_tester::net::{EventKind, Session};
    let Ok(c) = CrowdConfig::new(n, None) else {
        return 2;
    };
    let mut cfg = SessionConfig::new(Role::TcpClient, addr).crowd(c);
    cfg.connect_timeout = Duration::from_secs(60);
    let t0 = Instant::now();
    let s = Session::start(cfg, None);
    let (mut open, mut failed) = (0u64, 0u64);
    while open + failed < n {
        match s.events().recv_timeout(Duration::from_secs(60)) {
            Ok(ev) => match ev.kind {
                EventKind::Connected => open += 1,
                EventKind::Error { .. } => failed += 1,
                _ => {}
            },
            Err(_) => break,
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    println!("RESULT {open} {open} {failed} {secs:.6} {:.0}", vmhwm_kib());
    0
}

/// The crowd, through the session runtime, until every connection opened or failed.
fn crowd(addr: &str, n: u64) -> i32 {
    let Ok(c) = CrowdConfig::new(n, None) else {
        return 2;
    };
    let mut cfg = SessionConfig::new(Role::TcpClient, addr).crowd(c);
    cfg.connect_timeout = Duration::from_secs(60);
    let rt = Runtime::new(Role::TcpClient, RuntimeOptions::default());
    rt.send(Control::SetCaps { rows: 0, bytes: 0 });
    let t0 = Instant::now();
    rt.start(cfg, AutoPlan::default(), None);
    let deadline = t0 + Duration::from_secs(300);
    let view = loop {
        let st = rt.status();
        if let Some(v) = st.crowd.as_deref()
            && v.settled
        {
            break v.clone();
        }
        if Instant::now() > deadline {
            eprintln!("the crowd did not settle: {:?}", st.crowd);
            return 1;
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "RESULT {} {} {} {secs:.6} {:.0}",
        view.opened,
        view.max_open,
        view.failed.total(),
        vmhwm_kib()
    );
    rt.stop();
    0
}

/// A listener (backlog 4096) that accepts and holds every connection until `stop`.
fn listener(
    held: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
) -> (SocketAddr, std::thread::JoinHandle<()>) {
    use socket2::{Domain, Socket, Type};
    let s = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    s.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .unwrap();
    s.listen(4096).unwrap();
    let l: TcpListener = s.into();
    l.set_nonblocking(true).unwrap();
    let addr = l.local_addr().unwrap();
    let h = std::thread::spawn(move || {
        let mut kept = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            match l.accept() {
                Ok((s, _)) => {
                    kept.push(s);
                    held.store(kept.len() as u64, Ordering::Relaxed);
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_micros(200));
                }
                Err(e) => {
                    eprintln!("accept: {e}");
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
        }
    });
    (addr, h)
}

/// One side's figures: opened, most open at once, failed, seconds, VmHWM KiB, held by
/// the listener.
type Side = (u64, u64, u64, f64, f64, u64);

/// One side in a child.
fn run_side(side: &str, n: u64) -> Option<Side> {
    let held = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let (addr, h) = listener(held.clone(), stop.clone());
    let exe = std::env::current_exe().ok()?;
    let out = std::process::Command::new(exe)
        .args([CHILD, side, &addr.to_string(), &n.to_string()])
        .output()
        .ok()?;
    stop.store(true, Ordering::Relaxed);
    let _ = h.join();
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.starts_with("RESULT "))?;
    let f: Vec<f64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    if f.len() < 5 {
        eprintln!("{side}: {text} {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    Some((
        f[0] as u64,
        f[1] as u64,
        f[2] as u64,
        f[3],
        f[4],
        held.load(Ordering::Relaxed),
    ))
}

/// Raises the soft limit on open files to the hard one; returns the hard one.
fn raise_nofile() -> u64 {
    match rlimit::Resource::NOFILE.get() {
        Ok((soft, hard)) => {
            if soft < hard {
                let _ = rlimit::Resource::NOFILE.set(hard, hard);
            }
            hard
        }
        Err(_) => 0,
    }
}

pub fn figures(quick: bool) {
    let mut n: u64 = if quick { 1_000 } else { 10_000 };
    let hard = raise_nofile();
    if hard < n + 200 {
        println!(
            "# crowd_connect: the hard limit on open files is {hard}, too low for {n} connections; \
             raise it (as root: ulimit -Hn, or /etc/security/limits.conf). Running {} instead",
            hard.saturating_sub(200)
        );
        n = hard.saturating_sub(200).max(1);
    }
    let rate = |r: &Side| r.0 as f64 / r.3.max(1e-9);
    let (mut bares, mut engines, mut crowds) = (vec![], vec![], vec![]);
    let (mut rss, mut max_open, mut failed) = (0f64, u64::MAX, 0u64);
    // Three rounds, each side in turn: the median rates (the machine is shared).
    for _ in 0..3 {
        let (Some(b), Some(e), Some(c)) = (
            run_side("bare", n),
            run_side("engine", n),
            run_side("crowd", n),
        ) else {
            println!("# crowd_connect: a side did not run");
            return;
        };
        println!(
            "# crowd_connect round: {n} planned; bare {:.3} s (listener held {}), engine {:.3} s, crowd {:.3} s (opened {}, failed {}, at most {} open at once, listener held {})",
            b.3, b.5, e.3, c.3, c.0, c.2, c.1, c.5
        );
        bares.push(rate(&b));
        engines.push(rate(&e));
        crowds.push(rate(&c));
        rss = rss.max(c.4 / 1024.0);
        max_open = max_open.min(c.1);
        failed += c.2;
    }
    let unit = "connections/s(bare connect loop)";
    super::report_rounds("crowd_connect", &crowds, &bares, "connections/s", unit);
    super::report_rounds(
        "crowd_connect_engine",
        &engines,
        &bares,
        "connections/s",
        unit,
    );
    super::info("crowd_connect_peak_rss", rss, "MiB");
    println!(
        "BENCH crowd_connect_max_open {max_open} open baseline {n} planned ratio {:.3}",
        max_open as f64 / n as f64
    );
    if failed > 0 {
        println!("# crowd_connect: {failed} connections failed over the rounds");
    }
}
