//! `cargo bench --bench throughput`: how the engine keeps up with loopback traffic.
//! Every figure is printed as
//! `BENCH <name> <value> <unit> baseline <value> <unit> ratio <r>`,
//! with the baseline measured in the same run so the ratio holds on a noisy machine.
//! Only loopback addresses are used. Set BENCH_QUICK=1 for a shorter run.
//! The `gui` group (benches/gui/mod.rs) runs the real window of the release build under
//! Xvfb against a peer process (this executable started as `gui-peer`).

use socket_tester::codec::Encoding;
use socket_tester::log::export::{Format, export_file};
use socket_tester::net::{Command, EventKind, Payload, Role, Session, SessionConfig, Target};
use socket_tester::session::{Runtime, RuntimeOptions, Status};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[path = "crowd/mod.rs"]
mod crowd;
#[path = "gui/mod.rs"]
mod gui;
#[path = "headless_rec/mod.rs"]
mod headless_rec;
mod relay;
mod server_app;
mod spool_search;
mod unix_ingest;
#[path = "ws/mod.rs"]
mod ws;

fn quick() -> bool {
    std::env::var_os("BENCH_QUICK").is_some()
}

/// `BENCH_ONLY=udp,tcp` runs only the named groups (udp, tcp, tls, unix, ws, tcp_norec,
/// server, crowd, export, spool_search, frame, window, gui, headless, relay); unset runs
/// them all.
fn wanted(group: &str) -> bool {
    match std::env::var("BENCH_ONLY") {
        Ok(v) if !v.trim().is_empty() => v.split(',').any(|g| g.trim() == group),
        _ => true,
    }
}

fn report(name: &str, value: f64, unit: &str, base: f64, base_unit: &str) {
    let ratio = if base > 0.0 { value / base } else { 0.0 };
    println!("BENCH {name} {value:.1} {unit} baseline {base:.1} {base_unit} ratio {ratio:.3}");
}

fn info(name: &str, value: f64, unit: &str) {
    println!("BENCH {name} {value:.1} {unit} baseline - - ratio -");
}

/// Peak resident memory of this process so far, in MiB (Linux; 0 elsewhere).
fn peak_rss_mib() -> f64 {
    status_kib("VmHWM:") / 1024.0
}

fn rss_mib() -> f64 {
    status_kib("VmRSS:") / 1024.0
}

fn status_kib(key: &str) -> f64 {
    proc_status_kib(None, key).unwrap_or(0.0)
}

/// A field of `/proc/<pid>/status` (this process's for None) in KiB, e.g. `VmHWM:`;
/// None when it cannot be read (not Linux, the process is gone).
pub fn proc_status_kib(pid: Option<u32>, key: &str) -> Option<f64> {
    let path = pid.map_or("/proc/self/status".to_string(), |p| {
        format!("/proc/{p}/status")
    });
    std::fs::read_to_string(path).ok().and_then(|s| {
        s.lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
    })
}

/// Blasts 64-byte datagrams at `to` until `stop`; returns how many were sent.
fn blast(to: std::net::SocketAddr, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let s = UdpSocket::bind("127.0.0.1:0").unwrap();
        let buf = [b'x'; 64];
        let mut n = 0u64;
        while !stop.load(Ordering::Relaxed) {
            if s.send_to(&buf, to).is_ok() {
                n += 1;
            }
        }
        n
    })
}

fn udp_baseline(secs: f64) -> f64 {
    let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::DGRAM, None).unwrap();
    let _ = sock.set_recv_buffer_size(8 << 20);
    sock.bind(
        &"127.0.0.1:0"
            .parse::<std::net::SocketAddr>()
            .unwrap()
            .into(),
    )
    .unwrap();
    let sock: UdpSocket = sock.into();
    sock.set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let to = sock.local_addr().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let sender = blast(to, stop.clone());
    let mut buf = vec![0u8; 65536];
    let mut n = 0u64;
    let t = Instant::now();
    while t.elapsed().as_secs_f64() < secs {
        if let Ok((len, _)) = sock.recv_from(&mut buf) {
            // Same minimal work the engine must do at least: keep the bytes.
            std::hint::black_box(buf[..len].to_vec());
            n += 1;
        }
    }
    let el = t.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let _ = sender.join();
    n as f64 / el
}

/// A session runtime (what the window and headless mode run) with its spool in `dir`
/// (None: no spool), started with `cfg`; returns it once its socket is ready.
fn runtime(cfg: SessionConfig, dir: Option<&std::path::Path>) -> Runtime {
    let rt = Runtime::new(
        cfg.role,
        RuntimeOptions {
            spool_dir: dir.map(|d| d.to_path_buf()),
            notify: None,
            encoding: Some(Encoding::UTF_8),
        },
    );
    rt.start(cfg, Default::default(), None);
    rt
}

/// Waits for the runtime's status to satisfy `f` (at most `limit`).
fn wait_status(rt: &Runtime, limit: Duration, f: impl Fn(&Status) -> bool) -> Status {
    let t = Instant::now();
    loop {
        let st = rt.status();
        if f(&st) || t.elapsed() > limit {
            return st;
        }
        std::thread::sleep(Duration::from_micros(500));
    }
}

fn rx_msgs(rt: &Runtime) -> u64 {
    rt.view().store.counters.rx_msgs
}

/// 64-byte datagrams flat out into a UDP receiver's runtime (worker, runtime thread, view,
/// binary spool) for `secs`: datagrams taken per second.
fn udp_engine(secs: f64, dir: &std::path::Path) -> f64 {
    let cfg = SessionConfig::new(Role::UdpReceiver, "127.0.0.1:0");
    let mut rt = runtime(cfg, Some(dir));
    let to = wait_status(&rt, Duration::from_secs(5), |s| s.local.is_some())
        .local
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let sender = blast(to, stop.clone());
    std::thread::sleep(Duration::from_millis(50));
    let (n0, t) = (rx_msgs(&rt), Instant::now());
    std::thread::sleep(Duration::from_secs_f64(secs));
    let (n1, el) = (rx_msgs(&rt), t.elapsed().as_secs_f64());
    stop.store(true, Ordering::Relaxed);
    let _ = sender.join();
    rt.shutdown();
    (n1 - n0) as f64 / el
}

fn udp_loss(rate: u64, secs: u64, dir: &std::path::Path) -> (u64, u64) {
    let cfg = SessionConfig::new(Role::UdpReceiver, "127.0.0.1:0");
    let mut rt = runtime(cfg, Some(dir));
    let to = wait_status(&rt, Duration::from_secs(5), |s| s.local.is_some())
        .local
        .unwrap();
    let sender = std::thread::spawn(move || {
        let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
        let buf = [b'y'; 64];
        let t = Instant::now();
        let total = rate * secs;
        let mut n = 0u64;
        while n < total {
            // Pace in 1 ms slots.
            let due = (t.elapsed().as_secs_f64() * rate as f64) as u64;
            while n < due.min(total) {
                if sock.send_to(&buf, to).is_ok() {
                    n += 1;
                }
            }
            std::thread::sleep(Duration::from_micros(500));
        }
        n
    });
    let sent = sender.join().unwrap_or(0);
    let t = Instant::now();
    while rx_msgs(&rt) < sent && t.elapsed() < Duration::from_secs(2) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let got = rx_msgs(&rt);
    rt.shutdown();
    (sent, got)
}

fn tcp_server_stream(total: u64) -> (std::net::SocketAddr, std::thread::JoinHandle<()>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let h = std::thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        // Printable text, as a line protocol would send.
        let chunk: Vec<u8> = (0..65536u32).map(|i| b'a' + (i % 26) as u8).collect();
        let mut left = total;
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            if s.write_all(&chunk[..n]).is_err() {
                return;
            }
            left -= n as u64;
        }
    });
    (addr, h)
}

fn tcp_baseline(total: u64) -> f64 {
    let (addr, h) = tcp_server_stream(total);
    let mut s = TcpStream::connect(addr).unwrap();
    let mut buf = vec![0u8; 64 * 1024];
    let mut got = 0u64;
    let t = Instant::now();
    while got < total {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got += n as u64,
        }
    }
    let el = t.elapsed().as_secs_f64();
    let _ = h.join();
    got as f64 / el / (1 << 20) as f64
}

/// A 1 GiB stream into a TCP client's runtime, with the spool on (`record`) or off, until
/// the view has every byte and the spool has it on disk. Returns (MiB/s, RSS growth MiB,
/// peak RSS MiB, bytes the spool wrote).
fn tcp_engine(total: u64, dir: &std::path::Path, record: bool) -> (f64, f64, f64, u64) {
    let (addr, h) = tcp_server_stream(total);
    stream_engine(total, dir, record, addr.to_string(), h)
}

/// [`tcp_engine`] for any stream server already streaming `total` bytes at `address`
/// (HOST:PORT, or unix:/path), its thread `h`.
fn stream_engine(
    total: u64,
    dir: &std::path::Path,
    record: bool,
    address: String,
    h: std::thread::JoinHandle<()>,
) -> (f64, f64, f64, u64) {
    let rss0 = rss_mib();
    let t = Instant::now();
    let cfg = SessionConfig::new(Role::TcpClient, address);
    let mut rt = runtime(cfg, record.then_some(dir));
    let mut peak = 0f64;
    let limit = t + Duration::from_secs(120);
    while rt.view().store.counters.rx_bytes < total && Instant::now() < limit {
        peak = peak.max(rss_mib());
        std::thread::sleep(Duration::from_millis(2));
    }
    // Recording must be complete too.
    let synced = !record || (rt.syncer(Duration::from_secs(60)))();
    let el = t.elapsed().as_secs_f64();
    assert!(synced);
    assert_eq!(rt.view().store.counters.rx_bytes, total);
    let st = rt.status();
    let written = st
        .spool_path
        .and_then(|p| std::fs::metadata(p).ok())
        .map_or(0, |m| m.len());
    let _ = h.join();
    rt.shutdown();
    peak = peak.max(rss_mib());
    (
        total as f64 / el / (1 << 20) as f64,
        peak - rss0,
        peak_rss_mib(),
        written,
    )
}

/// A TLS server (rustls, blocking, on its own thread) that streams `total` bytes of the
/// same printable text as [`tcp_server_stream`], with a fresh self-signed certificate
/// whose PEM is written to `dir` for the client to trust.
fn tls_server_stream(
    total: u64,
    dir: &std::path::Path,
) -> (
    std::net::SocketAddr,
    std::path::PathBuf,
    std::thread::JoinHandle<()>,
) {
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let ca = dir.join("bench-tls.pem");
    std::fs::write(&ca, made.cert.pem()).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(made.signing_key.serialize_der()));
    #[allow(deprecated)]
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![made.cert.der().clone()], key)
        .unwrap();
    let config = std::sync::Arc::new(config);
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let h = std::thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        let conn = rustls::ServerConnection::new(config).unwrap();
        let mut tls = rustls::StreamOwned::new(conn, s);
        let chunk: Vec<u8> = (0..65536u32).map(|i| b'a' + (i % 26) as u8).collect();
        let mut left = total;
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            if tls.write_all(&chunk[..n]).is_err() {
                return;
            }
            left -= n as u64;
        }
        let _ = tls.flush();
        tls.conn.send_close_notify();
        let _ = tls.flush();
    });
    (addr, ca, h)
}

/// [`tcp_engine`] over TLS, recorded: MiB/s of plaintext into the view and the spool.
fn tls_engine(total: u64, dir: &std::path::Path) -> f64 {
    let (addr, ca, h) = tls_server_stream(total, dir);
    let t = Instant::now();
    let cfg = SessionConfig::new(Role::TcpClient, addr.to_string()).tls(
        socket_tester::net::tls::TlsOptions {
            ca: Some(ca),
            ..Default::default()
        },
    );
    let rt = runtime(cfg, Some(dir));
    let limit = t + Duration::from_secs(240);
    while rt.view().store.counters.rx_bytes < total && Instant::now() < limit {
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!((rt.syncer(Duration::from_secs(60)))());
    let el = t.elapsed().as_secs_f64();
    assert_eq!(rt.view().store.counters.rx_bytes, total);
    let _ = h.join();
    total as f64 / el / (1 << 20) as f64
}

/// The ceiling the disk sets on recording: a bare loop writing `bytes` to a file in `dir`
/// in 1 MiB writes, then fsync-free close (as the spool does). MiB/s.
fn disk_write_baseline(bytes: u64, dir: &std::path::Path) -> f64 {
    let path = dir.join("disk-baseline.bin");
    let chunk = vec![b'7'; 1 << 20];
    let t = Instant::now();
    {
        let mut f = std::fs::File::create(&path).unwrap();
        let mut left = bytes;
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            f.write_all(&chunk[..n]).unwrap();
            left -= n as u64;
        }
    }
    let el = t.elapsed().as_secs_f64();
    let _ = std::fs::remove_file(&path);
    bytes as f64 / el / (1 << 20) as f64
}

/// Reports rounds of a figure against their baselines: the medians of both, and the
/// median of the per-round ratios (each round's pair ran back to back, so its ratio is the
/// steadier number on a noisy machine).
fn report_rounds(name: &str, ours: &[f64], bases: &[f64], unit: &str, base_unit: &str) {
    let ratios: Vec<f64> = ours.iter().zip(bases).map(|(o, b)| o / b).collect();
    println!("# {name} per-round ratios: {ratios:.3?}");
    println!(
        "BENCH {name} {:.1} {unit} baseline {:.1} {base_unit} ratio {:.3}",
        median(ours.to_vec()),
        median(bases.to_vec()),
        median(ratios)
    );
}

/// Median of a few values (the figures below are noisy on a shared 2-core machine, so
/// each is measured in several rounds, alternating with its baseline).
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn server_clients(n: usize) -> (f64, f64, u64, u64) {
    let _ = rlimit::increase_nofile_limit(u64::from(u32::MAX));
    let mut cfg = SessionConfig::new(Role::TcpServer, "127.0.0.1:0");
    cfg.max_clients = n + 10;
    cfg.backlog = 4096;
    let mut s = Session::start(cfg, None);
    let addr = s
        .events()
        .recv_timeout(Duration::from_secs(5))
        .unwrap()
        .local
        .unwrap();
    let rounds = 10usize;
    // Echo everything back from a driver thread, as the app's echo rule does.
    let events = s.events().clone();
    let cmds = s.commands().clone();
    let done = Arc::new(AtomicBool::new(false));
    let done2 = done.clone();
    let echo = std::thread::spawn(move || {
        let (mut rx, mut accepted) = (0u64, 0u64);
        while !done2.load(Ordering::Relaxed) {
            if let Ok(ev) = events.recv_timeout(Duration::from_millis(50)) {
                match ev.kind {
                    EventKind::Accepted => accepted += 1,
                    EventKind::Rx(d) => {
                        rx += 1;
                        let _ = cmds.send(Command::Send {
                            payload: Payload::Bytes(d),
                            to: Target::Client(ev.client.unwrap_or(0)),
                        });
                    }
                    _ => {}
                }
            }
        }
        (rx, accepted)
    });
    let t = Instant::now();
    let mut clients = Vec::with_capacity(n);
    for _ in 0..n {
        let c = TcpStream::connect(addr).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        c.set_nodelay(true).unwrap();
        clients.push(c);
    }
    let connect_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut echoed = 0u64;
    let msg = [b'm'; 32];
    for _ in 0..rounds {
        for c in clients.iter_mut() {
            c.write_all(&msg).unwrap();
        }
        for c in clients.iter_mut() {
            let mut b = [0u8; 32];
            if c.read_exact(&mut b).is_ok() && b == msg {
                echoed += 1;
            }
        }
    }
    let el = t.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let (rx, _acc) = echo.join().unwrap();
    drop(clients);
    s.stop_and_join();
    (connect_s, echoed as f64 / el, echoed, rx)
}

/// The real app's server (headless, its runtime and log store) with `n` clients.
fn server_app_figures(n: usize) {
    let exe = match gui::release_exe() {
        Ok(e) => e,
        Err(e) => {
            println!("# server_app: skipped: {e}");
            return;
        }
    };
    match server_app::run(&exe, n, 10) {
        Ok(r) => {
            println!(
                "# server_app: {} of {n} clients connected in {:.0} ms; {:.0} replies/s",
                r.connected,
                r.connect_s * 1000.0,
                r.replies_per_s
            );
            println!(
                "BENCH server_app_clients {} replies baseline {} expected ratio {:.3}",
                r.replies,
                r.expected,
                r.replies as f64 / r.expected.max(1) as f64
            );
            report(
                "server_app_peak_rss",
                r.peak_rss_mib,
                "MiB",
                r.idle_rss_mib,
                "MiB(listening, no client)",
            );
        }
        Err(e) => println!("# server_app: failed: {e}"),
    }
}

fn export_bench(n: usize, dir: &std::path::Path) {
    use socket_tester::log::RecordWriter;
    use socket_tester::net::Event;
    let rec = dir.join("export-in.jsonl");
    {
        let mut w =
            RecordWriter::create(&rec, Encoding::UTF_8, socket_tester::i18n::english).unwrap();
        w.flush_each = false;
        for i in 0..n {
            let ev = Event {
                ts_us: 1_795_000_000_000_000 + i as i64,
                role: if i % 2 == 0 {
                    Role::UdpReceiver
                } else {
                    Role::UdpSender
                },
                local: Some("127.0.0.1:8080".parse().unwrap()),
                peer: Some("127.0.0.1:7890".parse().unwrap()),
                client: None,
                kind: if i % 2 == 0 {
                    EventKind::Rx(format!("message {i}").into_bytes())
                } else {
                    EventKind::Tx(format!("reply {i}").into_bytes())
                },
                opcode: None,
            };
            w.write_event(&ev).unwrap();
        }
        w.flush().unwrap();
    }
    let size = std::fs::metadata(&rec).unwrap().len();
    // Baseline: copy the same number of bytes raw.
    let t = Instant::now();
    let mut inp = std::fs::File::open(&rec).unwrap();
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join("raw.copy")).unwrap());
    std::io::copy(&mut inp, &mut out).unwrap();
    out.flush().unwrap();
    let base = n as f64 / t.elapsed().as_secs_f64();
    for f in [Format::Csv, Format::Pcapng] {
        let out = dir.join(format!("export-out.{}", f.extension()));
        let t = Instant::now();
        let r = export_file(&rec, &out, None, socket_tester::i18n::english).unwrap();
        let rate = r.events as f64 / t.elapsed().as_secs_f64();
        assert_eq!(r.events as usize, n);
        report(
            &format!("export_{}", f.extension()),
            rate,
            "events/s",
            base,
            "events/s(raw copy)",
        );
    }
    let _ = size;
}

/// One frame of the real window's log view holding `rows` rows, at the bottom and in the
/// middle, driven by egui_kittest with no GPU. Returns (bottom ms, middle ms) per frame.
fn log_frame(rows: u32) -> (f64, f64) {
    use egui_kittest::Harness;
    use socket_tester::net::Event;
    use socket_tester::ui::App;
    let mut app = App::new(None, None);
    app.tab = Role::UdpReceiver;
    {
        let p = app.panel_mut(Role::UdpReceiver);
        // The caps go to the tab's runtime, after those the settings gave it.
        p.set_caps(rows as usize + 1, usize::MAX);
        while p.view().store.max_rows != rows as usize + 1 {
            std::thread::sleep(Duration::from_millis(1));
        }
        let mut v = p.view();
        for i in 0..rows {
            v.store.push(Event {
                ts_us: 1_795_000_000_000_000 + i as i64,
                role: Role::UdpReceiver,
                local: None,
                peer: Some("127.0.0.1:5000".parse().unwrap()),
                client: None,
                kind: EventKind::Rx(format!("datagram number {i}").into_bytes()),
                opcode: None,
            });
        }
    }
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 820.0))
        .build_ui_state(|ui, app: &mut App| app.frame(ui), app);
    for _ in 0..5 {
        h.step();
    }
    let time = |h: &mut Harness<'_, App>| {
        let n = 20;
        let t = Instant::now();
        for _ in 0..n {
            h.step();
        }
        t.elapsed().as_secs_f64() * 1000.0 / n as f64
    };
    let bottom = time(&mut h);
    // Scroll up by half the log (rows are about 20 px high).
    h.event(egui::Event::PointerMoved(egui::pos2(640.0, 400.0)));
    h.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, rows as f32 * 10.0),
        modifiers: egui::Modifiers::NONE,
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
    });
    for _ in 0..5 {
        h.step();
    }
    let middle = time(&mut h);
    (bottom, middle)
}

/// CPU use of the real window, idle for 10 s under Xvfb (percent of one core), and the
/// time from start to the first frame. None when Xvfb is not installed.
fn window_figures() -> Option<(f64, f64)> {
    use std::process::{Command as Proc, Stdio};
    let have_xvfb = Proc::new("sh")
        .args(["-c", "command -v Xvfb"])
        .output()
        .ok()?
        .status
        .success();
    if !have_xvfb {
        return None;
    }
    let display = format!(":{}", 150 + std::process::id() % 50);
    let mut xvfb = Proc::new("Xvfb")
        .args([
            display.as_str(),
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    std::thread::sleep(Duration::from_secs(1));
    let exe = env!("CARGO_BIN_EXE_socket-tester");
    let data = tempfile::tempdir().ok()?;
    // Cold start: the app prints the time to its first frame and quits.
    let out = Proc::new(exe)
        .env("DISPLAY", &display)
        .env("SOCKET_TESTER_DATA_DIR", data.path())
        .env("SOCKET_TESTER_EXIT_AFTER_FIRST_FRAME", "1")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stderr);
    let first = text
        .lines()
        .find_map(|l| {
            l.strip_prefix("first frame after ")?
                .strip_suffix(" s")?
                .parse::<f64>()
                .ok()
        })
        .unwrap_or(f64::NAN);
    // Idle CPU: start, let it settle, then count its CPU ticks over 10 s.
    let mut app = Proc::new(exe)
        .env("DISPLAY", &display)
        .env("SOCKET_TESTER_DATA_DIR", data.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    std::thread::sleep(Duration::from_secs(3));
    let ticks = |pid: u32| -> Option<f64> {
        let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let f: Vec<&str> = s.rsplit(')').next()?.split_whitespace().collect();
        Some(f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?)
    };
    let t0 = ticks(app.id());
    let secs = if quick() { 5 } else { 10 };
    std::thread::sleep(Duration::from_secs(secs));
    let t1 = ticks(app.id());
    let _ = app.kill();
    let _ = app.wait();
    let _ = xvfb.kill();
    let _ = xvfb.wait();
    let cpu = match (t0, t1) {
        (Some(a), Some(b)) => (b - a) / 100.0 / secs as f64 * 100.0,
        _ => f64::NAN,
    };
    Some((cpu, first))
}

/// `headless_record_binary` (benches/headless_rec): 512 MiB of bytes 00–FF into the release
/// binary's `tcp-server --headless --record`, stdout to a file, against the window's
/// `gui_tcp_recorded` rate from this run (or the bare read loop when the gui group did
/// not run). Also `headless_record_binary_quiet`, the same with `--quiet`, as information.
fn headless_record_binary(window_mib_s: Option<f64>) {
    let exe = match gui::release_exe() {
        Ok(p) => p,
        Err(e) => {
            println!("# headless: skipped: {e}");
            return;
        }
    };
    let total: u64 = if quick() { 128 << 20 } else { 512 << 20 };
    let (base, base_unit) = match window_mib_s {
        Some(w) => (w, "MiB/s(window gui_tcp_recorded)"),
        None => {
            println!(
                "# headless_record_binary: the gui group did not run (BENCH_ONLY without gui,                  or no Xvfb): baseline is the bare tcp read loop, not the window"
            );
            (tcp_baseline(total), "MiB/s(bare tcp read, no gui)")
        }
    };
    for (name, extra) in [
        ("headless_record_binary", &[][..]),
        ("headless_record_binary_quiet", &["--quiet"][..]),
    ] {
        match headless_rec::run(&exe, total, extra) {
            Ok(r) => {
                println!(
                    "# {name}: {} MiB in {:.2} s, record holds {} bytes; stdout {} bytes, {} rows \
                     not shown",
                    total >> 20,
                    r.secs,
                    r.recorded,
                    r.stdout_bytes,
                    r.rows_not_shown
                );
                report(name, r.mib_s, "MiB/s", base, base_unit);
            }
            Err(e) => println!("# {name}: failed: {e}"),
        }
    }
}

fn main() {
    // Started as the gui group's peer process: run that and nothing else.
    if let Some(code) = gui::peer_main() {
        std::process::exit(code);
    }
    // Started as the crowd group's child (one side of crowd_connect).
    if let Some(code) = crowd::child_main() {
        std::process::exit(code);
    }
    // As the app does at start (see `socket_tester::sys`); BENCH_NO_TUNE=1 shows without.
    if std::env::var_os("BENCH_NO_TUNE").is_none() {
        socket_tester::sys::tune_allocator();
    }
    let dir = tempfile::tempdir().unwrap();
    let q = quick();
    println!(
        "# socket-tester throughput bench ({} mode); loopback only",
        if q { "quick" } else { "full" }
    );

    let secs = if q { 1.0 } else { 2.0 };
    let rounds = 3;
    if wanted("udp") {
        let (mut bases, mut ours) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            bases.push(udp_baseline(secs));
            ours.push(udp_engine(secs, dir.path()));
        }
        report_rounds("udp_ingest", &ours, &bases, "datagrams/s", "datagrams/s");

        let (sent, got) = udp_loss(100_000, if q { 1 } else { 2 }, dir.path());
        println!(
            "BENCH udp_loss {} lost baseline {} sent ratio {:.6}",
            sent.saturating_sub(got),
            sent,
            got as f64 / sent.max(1) as f64
        );
    }

    let total: u64 = if q { 256 << 20 } else { 1 << 30 };
    if wanted("tcp") {
        let (mut bases, mut ours, mut disk, mut wrote) = (vec![], vec![], vec![], vec![]);
        let (mut growth, mut peak) = (0f64, 0f64);
        let mut reads = vec![];
        for _ in 0..rounds {
            // The baseline: the smaller of a bare read loop and a bare write of as many
            // bytes to the same disk (recording cannot beat either).
            let read = tcp_baseline(total);
            let write = disk_write_baseline(total, dir.path());
            reads.push(read);
            bases.push(read.min(write));
            let (o, g, p, w) = tcp_engine(total, dir.path(), true);
            ours.push(o);
            growth = growth.max(g);
            peak = peak.max(p);
            // What the spool wrote per second, against a bare write loop of as many bytes.
            wrote.push(w as f64 / (total as f64 / o));
            disk.push(write);
        }
        println!(
            "# tcp_ingest baseline per round = min(bare read, bare write); bare reads: {:?} MiB/s",
            reads.iter().map(|r| r.round()).collect::<Vec<_>>()
        );
        report_rounds(
            "tcp_ingest",
            &ours,
            &bases,
            "MiB/s",
            "MiB/s(min read,write)",
        );
        info("tcp_ingest_rss_growth", growth, "MiB");
        info("tcp_ingest_peak_rss", peak, "MiB");
        // The binary spool writes the raw bytes plus about 14 bytes a 64 KiB chunk.
        report_rounds(
            "tcp_record_write",
            &wrote,
            &disk,
            "MiB/s",
            "MiB/s(bare write)",
        );
    }
    if wanted("tls") {
        // TLS against plain TCP, both recorded, back to back in each round: what the
        // record layer (AES-GCM or ChaCha20 on this CPU, with rustls and ring) costs.
        let (mut plain, mut tls) = (vec![], vec![]);
        for _ in 0..rounds {
            plain.push(tcp_engine(total, dir.path(), true).0);
            tls.push(tls_engine(total, dir.path()));
        }
        report_rounds("tls_ingest", &tls, &plain, "MiB/s", "MiB/s(tcp_ingest)");
    }
    if wanted("unix") {
        // A unix stream socket (the TCP Client tab with unix:/path) against TCP on
        // loopback, both recorded, back to back in each round.
        let (mut tcp, mut unix) = (vec![], vec![]);
        for _ in 0..rounds {
            tcp.push(tcp_engine(total, dir.path(), true).0);
            let (address, h) = unix_ingest::server_stream(total, dir.path());
            unix.push(stream_engine(total, dir.path(), true, address, h).0);
        }
        report_rounds(
            "unix_stream_ingest",
            &unix,
            &tcp,
            "MiB/s",
            "MiB/s(tcp_ingest)",
        );
    }
    if wanted("ws") {
        ws::figures(dir.path(), rounds);
    }
    if wanted("tcp") || wanted("tcp_norec") {
        // The same stream into the view model only (no recording), to show the spool's share.
        let (mut bases, mut ours) = (vec![], vec![]);
        for _ in 0..rounds {
            bases.push(tcp_baseline(total));
            ours.push(tcp_engine(total, dir.path(), false).0);
        }
        report_rounds("tcp_ingest_no_record", &ours, &bases, "MiB/s", "MiB/s");
    }
    if wanted("server") {
        let n = if q { 200 } else { 1000 };
        let (connect_s, mps, echoed, rx) = server_clients(n);
        info("server_clients_connect_time", connect_s * 1000.0, "ms");
        info("server_clients_echo_rate", mps, "messages/s");
        println!(
            "BENCH server_clients {} served baseline {} expected ratio {:.3}",
            echoed,
            n * 10,
            echoed as f64 / (n * 10) as f64
        );
        info("server_clients_rx_events", rx as f64, "events");
        info("server_clients_peak_rss", peak_rss_mib(), "MiB");
        server_app_figures(if q { 1000 } else { 10_000 });
    }

    if wanted("crowd") {
        crowd::figures(q);
    }

    if wanted("relay") {
        relay::throughput(if q { 64 << 20 } else { 512 << 20 }, dir.path());
        relay::added_latency(if q { 2_000 } else { 10_000 });
        relay::latency_accuracy(if q { 50 } else { 200 });
        relay::udp_kept(if q { 50_000 } else { 200_000 });
        relay::pairs(1_000);
    }

    if wanted("export") {
        export_bench(if q { 100_000 } else { 1_000_000 }, dir.path());
    }

    if wanted("spool_search") {
        spool_search::run(if q { 200_000 } else { 1_000_000 }, dir.path());
    }

    if wanted("frame") {
        let (base_bottom, base_middle) = log_frame(100);
        let (bottom, middle) = log_frame(if q { 200_000 } else { 1_000_000 });
        report(
            "log_frame_bottom",
            bottom,
            "ms/frame",
            base_bottom,
            "ms/frame(100 rows)",
        );
        report(
            "log_frame_middle",
            middle,
            "ms/frame",
            base_middle,
            "ms/frame(100 rows)",
        );
    }
    let window_tcp = if wanted("gui") { gui::run() } else { None };
    if wanted("headless") {
        headless_record_binary(window_tcp);
    }
    if !wanted("window") {
        return;
    }
    match window_figures() {
        Some((cpu, first)) => {
            info("idle_cpu", cpu, "%");
            info("cold_start_first_frame", first * 1000.0, "ms");
        }
        None => println!("# idle_cpu: skipped, Xvfb is not installed (apt-get install xvfb)"),
    }
}
