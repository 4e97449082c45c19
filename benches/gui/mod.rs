//! The `gui` group (`BENCH_ONLY=gui`, issue 12): the **real window** under load.
//!
//! It runs the release binary (`cargo build --release` first; the group is skipped with a
//! message when it is missing, or when Xvfb is not installed) on its own Xvfb display,
//! started from the command line on a tab with the session running
//! (`socket-tester udp-recv --bind 127.0.0.1:PORT`, `tcp-server --listen …`), with
//! `SOCKET_TESTER_DATA_DIR` set to a fresh temp dir (where the window writes its always-on
//! spool) and `LANG=C.UTF-8`. No input event is ever sent to the window. The traffic comes
//! from a separate peer process (the bench executable started as `gui-peer`, see
//! `peer.rs`). Every figure runs the same workload against headless mode
//! (`… --headless --record FILE`, stdout to /dev/null) as its baseline.
//!
//! Figures:
//! - `gui_udp_kept_20k`, `gui_udp_kept_50k`: datagrams in the window's spool / datagrams
//!   sent, for 100,000 at 20,000/s and 200,000 at 50,000/s (goal ≥ 0.999); baseline the
//!   same in headless mode; `gui_udp_kernel_drops_*`: the socket's drops in /proc/net/udp.
//! - `gui_tcp_recorded`: 512 MiB into the TCP Server tab: seconds from the peer's start
//!   until the spool stopped growing (`gui_tcp_recorded_bytes` says whether it then held
//!   every byte); ratio headless / window (goal ≥ 0.9). `gui_tcp_peak_rss`: the app's
//!   VmHWM (goal < 200 MiB). `gui_tcp_rss_growth`: that peak less the idle window's VmRSS
//!   a second after it is ready (goal ≤ 100 MiB), against the idle window;
//!   `gui_idle_rss_renderer`: the part of the idle window's RSS that is the renderer's
//!   libraries (Mesa, LLVM, GL and X; from /proc/PID/smaps).
//! - `gui_reply_latency_p50`, `_p95`, `_p99`: `udp-recv --reply`, request→reply at the
//!   peer while it floods 20,000/s other datagrams; ratio window / headless (goal p95 ≤ 2×).
//!   A request with no reply within 1 s counts as 1 s; `gui_reply_lost` counts them.
//! - `gui_settle_udp`, `gui_settle_tcp`: from the peer's last send (10,000 datagrams at
//!   20,000/s) or its close (64 KiB, then close; median of 3 rounds) until the `--record`
//!   file holds the newest datagram or the close (goal < 250 ms).
//!
//! Each window run waits until its spool stops growing, so a slow window makes a long run:
//! against the window of 2026-12-01 (it drains about 1,000 datagrams/s) the group took
//! about 10 minutes; with a window that keeps up it should take 2–3 (an estimate from the
//! headless runs).
//!
//! `BENCH_QUICK=1` halves the datagrams, sends 128 MiB over TCP and 200 requests (and
//! says so). `BENCH_GUI_ONLY=kept,tcp,latency,settle` picks figures; `BENCH_GUI_EXE=PATH`
//! picks the binary.
//!
//! The spool is read only through [`spool_rx_count`] (and sized by [`spool_bytes`]), so a
//! new spool format changes one function. The window deletes its spool on a normal exit,
//! so it is read while the app runs, then the app is killed.

mod peer;
pub use peer::peer_main;

use socket_tester::log::record::{Record, read_records};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

// ---------------------------------------------------------------------------------------
// Reading what the app wrote. THE place that knows the spool's format.

/// Datagrams (rx events) and their bytes in the window's spool file(s) in `dir`: the
/// binary spool (`.stspool`, read with `socket_tester::log::spool::read_events`), or JSON
/// Lines from older builds. A torn last record (the app is still writing) is skipped.
pub fn spool_rx_count(dir: &Path) -> (u64, u64) {
    let (mut n, mut bytes) = (0u64, 0u64);
    for path in spool_files(dir) {
        let (a, b) = match path.extension().and_then(|e| e.to_str()) {
            Some("jsonl") => jsonl_rx_count(&path),
            Some("stspool") => binary_rx_count(&path),
            _ => continue,
        };
        n += a;
        bytes += b;
    }
    (n, bytes)
}

/// rx events and bytes in a binary spool (the window's always-on spool); a torn last
/// record (the app is still writing) is simply not counted yet.
fn binary_rx_count(path: &Path) -> (u64, u64) {
    let Ok(read) = socket_tester::log::spool::read_events(path) else {
        return (0, 0);
    };
    let (mut n, mut bytes) = (0u64, 0u64);
    for ev in read {
        if let socket_tester::net::EventKind::Rx(d) = &ev.kind {
            n += 1;
            bytes += d.len() as u64;
        }
    }
    (n, bytes)
}

/// Total size of the spool files in `dir`: a format-free sign of progress, cheap to poll.
fn spool_bytes(dir: &Path) -> u64 {
    spool_files(dir)
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

fn spool_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    rd.filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("spool-"))
        })
        .collect()
}

/// rx events and bytes in a JSON Lines record (`--record FILE`, and today's spool).
fn jsonl_rx_count(path: &Path) -> (u64, u64) {
    let Ok(f) = std::fs::File::open(path) else {
        return (0, 0);
    };
    let (mut n, mut bytes) = (0u64, 0u64);
    for r in read_records(f).flatten() {
        if r.event == "rx" {
            n += 1;
            bytes += r.len.unwrap_or(0) as u64;
        }
    }
    (n, bytes)
}

/// The whole records in the last `max` bytes of a JSON Lines `--record` file.
fn record_tail(path: &Path, max: u64) -> Vec<Record> {
    let Ok(mut f) = std::fs::File::open(path) else {
        return Vec::new();
    };
    let len = f.metadata().map_or(0, |m| m.len());
    let start = len.saturating_sub(max);
    if f.seek(SeekFrom::Start(start)).is_err() {
        return Vec::new();
    }
    let mut buf = Vec::new();
    if f.read_to_end(&mut buf).is_err() {
        return Vec::new();
    }
    let body = if start > 0 {
        match buf.iter().position(|&b| b == b'\n') {
            Some(i) => &buf[i + 1..],
            None => return Vec::new(),
        }
    } else {
        &buf[..]
    };
    read_records(body).flatten().collect()
}

fn file_len(p: &Path) -> u64 {
    std::fs::metadata(p).map_or(0, |m| m.len())
}

// ---------------------------------------------------------------------------------------
// Processes.

/// A child process that is killed when dropped (so a failed step leaves nothing running).
struct Proc(Child);

impl Proc {
    fn pid(&self) -> u32 {
        self.0.id()
    }
    fn exited(&mut self) -> bool {
        !matches!(self.0.try_wait(), Ok(None))
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Xvfb {
    _proc: Proc,
    display: String,
}

/// Starts Xvfb on the first free display from :120 on. None if it cannot start.
fn start_xvfb() -> Option<Xvfb> {
    let base = 120 + std::process::id() % 60;
    for n in base..base + 40 {
        if Path::new(&format!("/tmp/.X{n}-lock")).exists()
            || Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
        {
            continue;
        }
        let display = format!(":{n}");
        let Ok(child) = Command::new("Xvfb")
            .args([&display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        else {
            return None;
        };
        let mut p = Proc(child);
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(10) {
            if p.exited() {
                break;
            }
            if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                // The socket exists a moment before the server accepts on it.
                std::thread::sleep(Duration::from_millis(300));
                return Some(Xvfb { _proc: p, display });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    None
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Window,
    Headless,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Window => "window",
            Mode::Headless => "headless",
        }
    }
}

struct Ctx {
    exe: PathBuf,
    display: String,
    bench_exe: PathBuf,
}

/// One run of the app: the process and its fresh data dir.
struct App {
    proc: Proc,
    data: tempfile::TempDir,
    mode: Mode,
}

impl App {
    /// Where `--record` writes in this run.
    fn record_path(&self) -> PathBuf {
        self.data.path().join("record.jsonl")
    }

    /// What tells progress: the window's spool, or headless mode's record.
    fn written_bytes(&self) -> u64 {
        match self.mode {
            Mode::Window => spool_bytes(self.data.path()),
            Mode::Headless => file_len(&self.record_path()),
        }
    }

    /// rx events and bytes the run kept: the window's spool, or headless mode's record.
    fn kept(&self) -> (u64, u64) {
        match self.mode {
            Mode::Window => spool_rx_count(self.data.path()),
            Mode::Headless => jsonl_rx_count(&self.record_path()),
        }
    }

    /// Peak resident memory of the app (VmHWM), MiB.
    fn peak_rss_mib(&self) -> f64 {
        crate::proc_status_kib(Some(self.proc.pid()), "VmHWM:").map_or(f64::NAN, |kib| kib / 1024.0)
    }

    /// Resident memory of the app now (VmRSS), MiB.
    fn rss_mib(&self) -> f64 {
        crate::proc_status_kib(Some(self.proc.pid()), "VmRSS:").map_or(f64::NAN, |kib| kib / 1024.0)
    }

    /// Resident memory of the renderer's libraries (Mesa's software renderer, LLVM, the GL
    /// and X client libraries), MiB: what drawing at all costs, whatever the app does.
    fn renderer_rss_mib(&self) -> f64 {
        renderer_rss_kib(self.proc.pid()).map_or(f64::NAN, |kib| kib / 1024.0)
    }

    fn stderr_tail(&self) -> String {
        let s = std::fs::read_to_string(self.data.path().join("stderr.txt")).unwrap_or_default();
        let lines: Vec<&str> = s.lines().collect();
        lines[lines.len().saturating_sub(5)..].join(" | ")
    }

    /// Waits until the session's socket exists and (window) its first event is in the
    /// spool, i.e. the window's loop is running.
    fn wait_ready(&mut self, proto: Proto, port: u16) -> Result<(), String> {
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(30) {
            if self.proc.exited() {
                return Err(format!(
                    "the {} app exited at start: {}",
                    self.mode.name(),
                    self.stderr_tail()
                ));
            }
            let sock = !sockets(proto, port).is_empty();
            let spooled = self.mode == Mode::Headless || spool_bytes(self.data.path()) > 0;
            if sock && spooled {
                // Let the first frames (fonts, GL) pass, in both modes alike.
                std::thread::sleep(Duration::from_millis(700));
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Err(format!(
            "the {} app was not ready after 30 s: {}",
            self.mode.name(),
            self.stderr_tail()
        ))
    }
}

impl Ctx {
    /// Starts the app on a role subcommand: the window on `self.display`, or headless.
    /// Headless always records to `record_path()` (so both modes write every event to
    /// disk); the window does with `record`.
    fn launch(&self, mode: Mode, args: &[&str], record: bool) -> App {
        let data = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(&self.exe);
        cmd.args(args)
            .env("SOCKET_TESTER_DATA_DIR", data.path())
            .env("XDG_DATA_HOME", data.path().join("xdg-data"))
            .env("XDG_CONFIG_HOME", data.path().join("xdg-config"))
            .env("LANG", "C.UTF-8")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(data.path().join("stderr.txt")).unwrap());
        match mode {
            Mode::Window => {
                cmd.env("DISPLAY", &self.display);
            }
            Mode::Headless => {
                cmd.env_remove("DISPLAY").arg("--headless");
            }
        }
        if record || mode == Mode::Headless {
            cmd.arg("--record").arg(data.path().join("record.jsonl"));
        }
        let child = cmd.spawn().unwrap();
        App {
            proc: Proc(child),
            data,
            mode,
        }
    }

    /// Starts the peer (this executable as `gui-peer MODE args…`), stdout piped.
    fn peer(&self, mode: &str, args: &[String]) -> Peer {
        let child = Command::new(&self.bench_exe)
            .arg(peer::ARG)
            .arg(mode)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        Peer(Proc(child))
    }
}

struct Peer(Proc);

impl Peer {
    fn exited(&mut self) -> bool {
        self.0.exited()
    }
    /// Waits for the peer and parses its `key=value` line.
    fn results(mut self) -> Result<std::collections::HashMap<String, String>, String> {
        let status = self.0.0.wait().map_err(|e| e.to_string())?;
        let mut out = String::new();
        if let Some(o) = self.0.0.stdout.as_mut() {
            let _ = o.read_to_string(&mut out);
        }
        if !status.success() {
            return Err(format!("the peer failed ({status})"));
        }
        Ok(out
            .split_whitespace()
            .filter_map(|t| t.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect())
    }
}

fn get<T: std::str::FromStr + Default>(
    m: &std::collections::HashMap<String, String>,
    k: &str,
) -> T {
    m.get(k).and_then(|v| v.parse().ok()).unwrap_or_default()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Proto {
    Udp,
    Tcp,
}

/// (state, drops) of the 127.0.0.1 sockets bound to `port` (TCP: listening only).
fn sockets(proto: Proto, port: u16) -> Vec<u64> {
    let file = match proto {
        Proto::Udp => "/proc/net/udp",
        Proto::Tcp => "/proc/net/tcp",
    };
    let want = format!("0100007F:{port:04X}");
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.get(1) != Some(&want.as_str()) {
                return None;
            }
            if proto == Proto::Tcp && f.get(3) != Some(&"0A") {
                return None;
            }
            Some(f.last()?.parse().unwrap_or(0))
        })
        .collect()
}

/// Kernel drops of the UDP socket on `port` (/proc/net/udp's last column).
fn udp_drops(port: u16) -> u64 {
    sockets(Proto::Udp, port).iter().sum()
}

fn free_port(proto: Proto) -> u16 {
    match proto {
        Proto::Udp => std::net::UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port(),
        Proto::Tcp => std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port(),
    }
}

/// Polls `size` every 20 ms until the peer has exited and `size` has not grown for
/// `quiet`, or `timeout`. Returns (time of the last growth, timed out).
fn until_quiet(
    peer: &mut Peer,
    mut size: impl FnMut() -> u64,
    quiet: Duration,
    timeout: Duration,
) -> (Instant, bool) {
    let t = Instant::now();
    let mut last = size();
    let mut grew = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(20));
        let s = size();
        if s != last {
            last = s;
            grew = Instant::now();
        }
        if peer.exited() && grew.elapsed() >= quiet {
            return (grew, false);
        }
        if t.elapsed() >= timeout {
            return (grew, true);
        }
    }
}

// ---------------------------------------------------------------------------------------
// The workloads.

struct Kept {
    sent: u64,
    peer_secs: f64,
    kept: u64,
    drops: u64,
}

fn udp_kept(ctx: &Ctx, mode: Mode, rate: u64, count: u64) -> Result<Kept, String> {
    let port = free_port(Proto::Udp);
    let addr = format!("127.0.0.1:{port}");
    let mut app = ctx.launch(mode, &["udp-recv", "--bind", &addr], false);
    app.wait_ready(Proto::Udp, port)?;
    let mut peer = ctx.peer(
        "udp-flood",
        &[
            format!("to={addr}"),
            format!("rate={rate}"),
            format!("count={count}"),
        ],
    );
    let timeout = Duration::from_secs(count / rate + 60);
    let (_, timed_out) = until_quiet(
        &mut peer,
        || app.written_bytes(),
        Duration::from_secs(2),
        timeout,
    );
    let drops = udp_drops(port);
    let (kept, _) = app.kept();
    let r = peer.results()?;
    if timed_out {
        println!(
            "# gui_udp_kept: the {} was still writing after {timeout:?}",
            mode.name()
        );
    }
    if app.proc.exited() {
        println!(
            "# gui_udp_kept: the {} app had exited: {}",
            mode.name(),
            app.stderr_tail()
        );
    }
    Ok(Kept {
        sent: get(&r, "sent"),
        peer_secs: get(&r, "secs"),
        kept,
        drops,
    })
}

/// Rss of the mappings of `pid` whose file is a renderer library (`/proc/PID/smaps`).
fn renderer_rss_kib(pid: u32) -> Option<f64> {
    const RENDERER: &[&str] = &[
        "libLLVM",
        "libgallium",
        "dri/",
        "swrast",
        "libGL",
        "libEGL",
        "libglapi",
        "libX11",
        "libxcb",
        "libvulkan",
        "libdrm",
    ];
    let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).ok()?;
    let (mut total, mut counting) = (0.0, false);
    for line in smaps.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        if first.contains('-') && first.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            counting = RENDERER.iter().any(|r| line.contains(r));
        } else if counting && let Some(kib) = line.strip_prefix("Rss:") {
            total += kib
                .trim()
                .trim_end_matches(" kB")
                .trim()
                .parse::<f64>()
                .unwrap_or(0.0);
        }
    }
    Some(total)
}

struct TcpRun {
    secs: f64,
    bytes: u64,
    peer_secs: f64,
    rss: f64,
    /// Resident memory of the idle app before the stream, and the renderer's part of it.
    idle_rss: f64,
    renderer_rss: f64,
}

fn tcp_recorded(ctx: &Ctx, mode: Mode, total: u64) -> Result<TcpRun, String> {
    let port = free_port(Proto::Tcp);
    let addr = format!("127.0.0.1:{port}");
    let mut app = ctx.launch(mode, &["tcp-server", "--listen", &addr], false);
    app.wait_ready(Proto::Tcp, port)?;
    // The idle app, a second after it is ready (its first frames drawn).
    std::thread::sleep(Duration::from_secs(1));
    let (idle_rss, renderer_rss) = (app.rss_mib(), app.renderer_rss_mib());
    let t0 = Instant::now();
    let mut peer = ctx.peer(
        "tcp-send",
        &[format!("to={addr}"), format!("bytes={total}")],
    );
    let timeout = Duration::from_secs(if super::quick() { 120 } else { 300 });
    let (grew, timed_out) = until_quiet(
        &mut peer,
        || app.written_bytes(),
        Duration::from_secs(3),
        timeout,
    );
    let (_, bytes) = app.kept();
    let rss = app.peak_rss_mib();
    if timed_out {
        println!(
            "# gui_tcp_recorded: the {} was still writing after {timeout:?}",
            mode.name()
        );
    }
    let r = peer.results()?;
    Ok(TcpRun {
        secs: grew.duration_since(t0).as_secs_f64(),
        bytes,
        peer_secs: get(&r, "secs"),
        rss,
        idle_rss,
        renderer_rss,
    })
}

struct Latency {
    lost: u64,
    p50_ms: f64,
    p95_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

fn reply_latency(ctx: &Ctx, mode: Mode, requests: u64) -> Result<Latency, String> {
    let port = free_port(Proto::Udp);
    let addr = format!("127.0.0.1:{port}");
    let mut app = ctx.launch(
        mode,
        &["udp-recv", "--bind", &addr, "--reply", "PONG"],
        false,
    );
    app.wait_ready(Proto::Udp, port)?;
    let peer = ctx.peer(
        "udp-latency",
        &[
            format!("to={addr}"),
            format!("requests={requests}"),
            "gap_ms=10".into(),
            "flood_rate=20000".into(),
        ],
    );
    let r = peer.results()?;
    let n: u64 = get(&r, "n");
    let ms = |k: &str| {
        if n == 0 {
            f64::NAN
        } else {
            get::<f64>(&r, k) / 1000.0
        }
    };
    Ok(Latency {
        lost: get(&r, "lost"),
        p50_ms: ms("p50_us"),
        p95_ms: ms("p95_us"),
        p99_ms: ms("p99_us"),
        max_ms: ms("max_us"),
    })
}

/// ms from the peer's last datagram (of 10,000 at 20,000/s) until the `--record` file
/// holds the newest datagram it will hold (the last one sent, unless the kernel dropped
/// it), with the number recorded and the newest seq seen. NaN if nothing arrived.
fn settle_udp(ctx: &Ctx, mode: Mode) -> Result<(f64, u64, u64), String> {
    let count = 10_000u64;
    let port = free_port(Proto::Udp);
    let addr = format!("127.0.0.1:{port}");
    let mut app = ctx.launch(mode, &["udp-recv", "--bind", &addr], true);
    app.wait_ready(Proto::Udp, port)?;
    let mut peer = ctx.peer(
        "udp-flood",
        &[
            format!("to={addr}"),
            "rate=20000".into(),
            format!("count={count}"),
        ],
    );
    let rec = app.record_path();
    let seen = watch(
        &mut peer,
        || {
            record_tail(&rec, 64 * 1024)
                .iter()
                .filter(|r| r.event == "rx")
                .filter_map(|r| {
                    r.text
                        .as_deref()?
                        .strip_prefix("seq ")?
                        .get(..6)?
                        .parse()
                        .ok()
                })
                .max()
        },
        |&seq: &u64| seq + 1 >= count,
    );
    let (kept, _) = jsonl_rx_count(&rec);
    let r = peer.results()?;
    let last_us: i64 = get(&r, "last_us");
    Ok(match seen {
        Some((seq, at)) => ((at - last_us) as f64 / 1000.0, kept, seq),
        None => (f64::NAN, kept, 0),
    })
}

/// ms from the TCP peer's close until the `--record` file holds the client's close.
fn settle_tcp(ctx: &Ctx, mode: Mode) -> Result<(f64, u64), String> {
    let total = 64 * 1024u64;
    let port = free_port(Proto::Tcp);
    let addr = format!("127.0.0.1:{port}");
    let mut app = ctx.launch(mode, &["tcp-server", "--listen", &addr], true);
    app.wait_ready(Proto::Tcp, port)?;
    let mut peer = ctx.peer(
        "tcp-send",
        &[
            format!("to={addr}"),
            format!("bytes={total}"),
            "chunk=4096".into(),
        ],
    );
    let rec = app.record_path();
    let seen = watch(
        &mut peer,
        || {
            record_tail(&rec, 64 * 1024)
                .iter()
                .any(|r| r.event == "closed" && r.client.is_some())
                .then_some(())
        },
        |_| true,
    );
    let (_, bytes) = jsonl_rx_count(&rec);
    let r = peer.results()?;
    let close_us: i64 = get(&r, "close_us");
    Ok((
        seen.map_or(f64::NAN, |(_, at)| (at - close_us) as f64 / 1000.0),
        bytes,
    ))
}

/// Polls `probe` every 2 ms for the newest thing the record holds (a seq, or `()` once
/// the close is there) and notes the Unix µs when each new maximum first appeared. Ends
/// when `done` holds for it, or 2 s after the peer exited with nothing new (60 s at most).
fn watch<T: Ord + Copy>(
    peer: &mut Peer,
    mut probe: impl FnMut() -> Option<T>,
    done: impl Fn(&T) -> bool,
) -> Option<(T, i64)> {
    let mut best: Option<(T, i64)> = None;
    let mut changed = Instant::now();
    let t = Instant::now();
    loop {
        if let Some(v) = probe()
            && best.is_none_or(|(b, _)| v > b)
        {
            best = Some((v, peer::now_us()));
            changed = Instant::now();
            if done(&v) {
                return best;
            }
        }
        if (peer.exited() && changed.elapsed() > Duration::from_secs(2))
            || t.elapsed() > Duration::from_secs(60)
        {
            return best;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

// ---------------------------------------------------------------------------------------
// Which binary, and the group itself.

/// True if `path` is an ELF file with a symbol table (`.symtab`), i.e. not stripped.
fn has_symtab(path: &Path) -> Option<bool> {
    let mut f = std::fs::File::open(path).ok()?;
    let mut h = [0u8; 64];
    f.read_exact(&mut h).ok()?;
    if &h[..4] != b"\x7fELF" || h[4] != 2 || h[5] != 1 {
        return None; // only 64-bit little-endian ELF is looked at
    }
    let shoff = u64::from_le_bytes(h[0x28..0x30].try_into().ok()?);
    let shentsize = u16::from_le_bytes(h[0x3a..0x3c].try_into().ok()?) as u64;
    let shnum = u16::from_le_bytes(h[0x3c..0x3e].try_into().ok()?) as u64;
    f.seek(SeekFrom::Start(shoff)).ok()?;
    let mut sh = vec![0u8; (shentsize * shnum) as usize];
    f.read_exact(&mut sh).ok()?;
    const SHT_SYMTAB: u32 = 2;
    Some(
        sh.chunks(shentsize.max(1) as usize)
            .any(|s| s.len() >= 8 && u32::from_le_bytes([s[4], s[5], s[6], s[7]]) == SHT_SYMTAB),
    )
}

fn mtime(p: &Path) -> Option<SystemTime> {
    std::fs::metadata(p).ok()?.modified().ok()
}

/// The release-profile build of the app. `cargo bench` relinks `target/release/socket-tester`
/// with the bench profile (no LTO, not stripped), so when that file has a symbol table the
/// release profile's own copy in `target/release/deps/` is used (the release profile
/// strips). `BENCH_GUI_EXE=PATH` picks a binary. Err: a message saying what to do.
pub fn release_exe() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("BENCH_GUI_EXE") {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(format!("BENCH_GUI_EXE={} is not a file", p.display()))
        };
    }
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let deps = me.parent().ok_or("no deps dir")?.to_path_buf();
    let release = deps.parent().ok_or("no target dir")?.to_path_buf();
    let main = release.join("socket-tester");
    let missing = "target/release/socket-tester is missing; run `cargo build --release` first";
    if !main.exists() {
        return Err(missing.into());
    }
    if has_symtab(&main) == Some(false) {
        return Ok(main);
    }
    // The newest stripped socket_tester-<hash> in deps/.
    let mut best: Option<(SystemTime, PathBuf)> = None;
    for e in std::fs::read_dir(&deps)
        .map_err(|e| e.to_string())?
        .flatten()
    {
        let p = e.path();
        let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !name.starts_with("socket_tester-") || name.contains('.') {
            continue;
        }
        if has_symtab(&p) != Some(false) {
            continue;
        }
        let t = mtime(&p).unwrap_or(SystemTime::UNIX_EPOCH);
        if best.as_ref().is_none_or(|(bt, _)| t > *bt) {
            best = Some((t, p));
        }
    }
    match best {
        Some((_, p)) => {
            println!(
                "# gui: target/release/socket-tester is the bench-profile build (cargo bench \
                 relinks it); using the release-profile build {}",
                p.display()
            );
            Ok(p)
        }
        None => Err(format!(
            "{missing} (target/release/socket-tester is the bench-profile build)"
        )),
    }
}

/// The newest modification time under `dir` (the sources).
fn newest(dir: &Path) -> Option<SystemTime> {
    let mut best = mtime(dir);
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        let p = e.path();
        let t = if p.is_dir() { newest(&p) } else { mtime(&p) };
        best = best.max(t);
    }
    best
}

fn have_xvfb() -> bool {
    Command::new("sh")
        .args(["-c", "command -v Xvfb"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `BENCH name value unit baseline value unit ratio r` with `prec` decimals.
fn line(name: &str, v: f64, unit: &str, b: f64, bunit: &str, ratio: f64, prec: usize) {
    println!("BENCH {name} {v:.prec$} {unit} baseline {b:.prec$} {bunit} ratio {ratio:.3}");
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 && a.is_finite() {
        a / b
    } else {
        f64::NAN
    }
}

/// `BENCH_GUI_ONLY=kept,tcp,latency,settle` runs only those figures of the group.
fn figure(name: &str) -> bool {
    match std::env::var("BENCH_GUI_ONLY") {
        Ok(v) if !v.trim().is_empty() => v.split(',').any(|g| g.trim() == name),
        _ => true,
    }
}

/// Runs the group (see the module doc). Returns the window's `gui_tcp_recorded` rate in
/// MiB/s when that figure ran (the `headless` group's baseline).
pub fn run() -> Option<f64> {
    let mut window_tcp_mib_s = None;
    let exe = match release_exe() {
        Ok(p) => p,
        Err(e) => {
            println!("# gui: skipped: {e}");
            return None;
        }
    };
    if let (Some(bin), Some(src)) = (
        mtime(&exe),
        newest(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src")),
    ) && bin < src
    {
        println!(
            "# gui: warning: {} is older than src/; run `cargo build --release` to measure \
             the current code",
            exe.display()
        );
    }
    if !have_xvfb() {
        println!("# gui: skipped: Xvfb is not installed (apt-get install xvfb)");
        return None;
    }
    let Some(x) = start_xvfb() else {
        println!("# gui: skipped: Xvfb did not start");
        return None;
    };
    let ctx = Ctx {
        exe,
        display: x.display.clone(),
        bench_exe: std::env::current_exe().unwrap(),
    };
    let q = super::quick();
    println!(
        "# gui: {} on Xvfb {}; peer = this executable as `{}`{}",
        ctx.exe.display(),
        ctx.display,
        peer::ARG,
        if q {
            "; QUICK: half the datagrams, 128 MiB TCP, 200 latency requests"
        } else {
            ""
        }
    );

    // Kept datagrams at two rates.
    for (rate, count, tag) in [(20_000u64, 100_000u64, "20k"), (50_000, 200_000, "50k")] {
        if !figure("kept") {
            break;
        }
        let count = if q { count / 2 } else { count };
        let w = udp_kept(&ctx, Mode::Window, rate, count);
        let h = udp_kept(&ctx, Mode::Headless, rate, count);
        match (w, h) {
            (Ok(w), Ok(h)) => {
                let wk = w.kept as f64 / w.sent.max(1) as f64;
                let hk = h.kept as f64 / h.sent.max(1) as f64;
                println!(
                    "# gui_udp_kept_{tag}: {count} datagrams at {rate}/s: window spooled {} of {} \
                     sent (peer sent for {:.2} s), headless recorded {} of {} ({:.2} s)",
                    w.kept, w.sent, w.peer_secs, h.kept, h.sent, h.peer_secs
                );
                line(
                    &format!("gui_udp_kept_{tag}"),
                    wk,
                    "kept",
                    hk,
                    "kept(headless)",
                    ratio(wk, hk),
                    5,
                );
                println!(
                    "BENCH gui_udp_kernel_drops_{tag} {} datagrams baseline {} datagrams(headless) ratio -",
                    w.drops, h.drops
                );
            }
            (w, h) => println!(
                "# gui_udp_kept_{tag}: failed: {}",
                w.err().or(h.err()).unwrap_or_default()
            ),
        }
    }

    // 512 MiB into the TCP Server tab.
    let total: u64 = if q { 128 << 20 } else { 512 << 20 };
    let tcp = figure("tcp").then(|| {
        (
            tcp_recorded(&ctx, Mode::Window, total),
            tcp_recorded(&ctx, Mode::Headless, total),
        )
    });
    if let Some(runs) = tcp {
        match runs {
            (Ok(w), Ok(h)) => {
                window_tcp_mib_s = Some(total as f64 / w.secs / (1u64 << 20) as f64);
                println!(
                    "# gui_tcp_recorded: {} MiB: window's spool stopped growing after {:.2} s holding \
                 {} bytes (peer done in {:.2} s); headless record {:.2} s, {} bytes (peer {:.2} s)",
                    total >> 20,
                    w.secs,
                    w.bytes,
                    w.peer_secs,
                    h.secs,
                    h.bytes,
                    h.peer_secs
                );
                line(
                    "gui_tcp_recorded",
                    w.secs,
                    "s",
                    h.secs,
                    "s(headless)",
                    ratio(h.secs, w.secs),
                    2,
                );
                println!(
                    "BENCH gui_tcp_recorded_bytes {} bytes baseline {} bytes(sent) ratio {:.6}",
                    w.bytes,
                    total,
                    w.bytes as f64 / total as f64
                );
                line(
                    "gui_tcp_peak_rss",
                    w.rss,
                    "MiB",
                    h.rss,
                    "MiB(headless)",
                    ratio(w.rss, h.rss),
                    1,
                );
                // What the stream added to the idle window (goal ≤ 100 MiB), against the
                // idle window itself; and the renderer's share of the idle window.
                let growth = w.rss - w.idle_rss;
                line(
                    "gui_tcp_rss_growth",
                    growth,
                    "MiB",
                    w.idle_rss,
                    "MiB(idle window)",
                    ratio(growth, w.idle_rss),
                    1,
                );
                line(
                    "gui_idle_rss_renderer",
                    w.renderer_rss,
                    "MiB",
                    w.idle_rss,
                    "MiB(idle window)",
                    ratio(w.renderer_rss, w.idle_rss),
                    1,
                );
                println!(
                    "# gui_tcp_rss_growth: headless idle {:.1} MiB, peak {:.1} MiB (growth {:.1} MiB)",
                    h.idle_rss,
                    h.rss,
                    h.rss - h.idle_rss
                );
            }
            (w, h) => println!(
                "# gui_tcp_recorded: failed: {}",
                w.err().or(h.err()).unwrap_or_default()
            ),
        }
    }

    // Auto-reply latency under a 20,000/s flood.
    let requests = if q { 200 } else { 500 };
    let latency = figure("latency").then(|| {
        (
            reply_latency(&ctx, Mode::Window, requests),
            reply_latency(&ctx, Mode::Headless, requests),
        )
    });
    if let Some(runs) = latency {
        match runs {
            (Ok(w), Ok(h)) => {
                println!(
                    "# gui_reply_latency: {requests} requests under a 20,000/s flood: window lost {} \
                     (max {:.3} ms), headless lost {} (max {:.3} ms); a request with no reply in \
                     {} ms counts as {} ms",
                    w.lost,
                    w.max_ms,
                    h.lost,
                    h.max_ms,
                    peer::TIMEOUT.as_millis(),
                    peer::TIMEOUT.as_millis()
                );
                line(
                    "gui_reply_latency_p50",
                    w.p50_ms,
                    "ms",
                    h.p50_ms,
                    "ms(headless)",
                    ratio(w.p50_ms, h.p50_ms),
                    3,
                );
                line(
                    "gui_reply_latency_p95",
                    w.p95_ms,
                    "ms",
                    h.p95_ms,
                    "ms(headless)",
                    ratio(w.p95_ms, h.p95_ms),
                    3,
                );
                line(
                    "gui_reply_latency_p99",
                    w.p99_ms,
                    "ms",
                    h.p99_ms,
                    "ms(headless)",
                    ratio(w.p99_ms, h.p99_ms),
                    3,
                );
                println!(
                    "BENCH gui_reply_lost {} requests baseline {} requests(headless) ratio -",
                    w.lost, h.lost
                );
            }
            (w, h) => println!(
                "# gui_reply_latency: failed: {}",
                w.err().or(h.err()).unwrap_or_default()
            ),
        }
    }

    // Settling with no input: the record must catch up by itself.
    if !figure("settle") {
        return window_tcp_mib_s;
    }
    match (
        settle_udp(&ctx, Mode::Window),
        settle_udp(&ctx, Mode::Headless),
    ) {
        (Ok((w, wk, ws)), Ok((h, hk, hs))) => {
            println!(
                "# gui_settle_udp: 10000 datagrams at 20000/s; record held {wk} (window, newest \
                 seq {ws}) / {hk} (headless, newest seq {hs}); NaN = nothing arrived"
            );
            line("gui_settle_udp", w, "ms", h, "ms(headless)", ratio(w, h), 1);
        }
        (w, h) => println!(
            "# gui_settle_udp: failed: {}",
            w.err().or(h.err()).unwrap_or_default()
        ),
    }
    // The TCP settle is short and noisy: three rounds, medians.
    let (mut ws, mut hs, mut held) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..3 {
        match (
            settle_tcp(&ctx, Mode::Window),
            settle_tcp(&ctx, Mode::Headless),
        ) {
            (Ok((w, wb)), Ok((h, hb))) => {
                ws.push(w);
                hs.push(h);
                held.push((wb, hb));
            }
            (w, h) => {
                println!(
                    "# gui_settle_tcp: failed: {}",
                    w.err().or(h.err()).unwrap_or_default()
                );
                break;
            }
        }
    }
    if !ws.is_empty() {
        println!(
            "# gui_settle_tcp: 64 KiB then close, {} rounds: window {ws:.1?} ms, headless \
             {hs:.1?} ms; record held (window, headless) {held:?} bytes; NaN = the close never \
             arrived",
            ws.len()
        );
        let (w, h) = (super::median(ws), super::median(hs));
        line("gui_settle_tcp", w, "ms", h, "ms(headless)", ratio(w, h), 1);
    }
    drop(x);
    window_tcp_mib_s
}
