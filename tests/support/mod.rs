//! Shared helpers for the engine tests: start a session, wait for events with a bound,
//! and keep everything seen so a failure can show what did happen.
#![allow(dead_code)]

use crossbeam_channel::RecvTimeoutError;
use socket_tester::net::{Command, Event, EventKind, Session, SessionConfig};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// How long any single expected event may take. Generous: the test machine is small and
/// busy with other builds; a passing test never waits this long.
pub const WAIT: Duration = Duration::from_secs(10);

/// The GBK bytes of 收到啦我反馈, as the seed's peers send them.
pub const REPLY_TEXT: &str = "收到啦我反馈";
pub const REPLY_GBK: [u8; 12] = [
    0xca, 0xd5, 0xb5, 0xbd, 0xc0, 0xb2, 0xce, 0xd2, 0xb7, 0xb4, 0xc0, 0xa1,
];

/// Waits for the first event matching `pred`, dropping the others. Panics after `timeout`.
pub fn wait_for(session: &Session, pred: impl FnMut(&Event) -> bool, timeout: Duration) -> Event {
    let mut seen = Vec::new();
    wait_in(session, &mut seen, pred, timeout, "an event")
}

fn wait_in(
    session: &Session,
    seen: &mut Vec<Event>,
    mut pred: impl FnMut(&Event) -> bool,
    timeout: Duration,
    what: &str,
) -> Event {
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            panic!(
                "timed out after {timeout:?} waiting for {what}; seen: {:#?}",
                brief(seen)
            );
        }
        match session.events().recv_timeout(left) {
            Ok(ev) => {
                seen.push(ev.clone());
                if pred(&ev) {
                    return ev;
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                panic!(
                    "the session ended while waiting for {what}; seen: {:#?}",
                    brief(seen)
                )
            }
        }
    }
}

fn brief(seen: &[Event]) -> Vec<String> {
    seen.iter()
        .map(|e| {
            let kind = match &e.kind {
                EventKind::Rx(d) => format!("Rx({} bytes)", d.len()),
                EventKind::Tx(d) => format!("Tx({} bytes)", d.len()),
                k => format!("{k:?}"),
            };
            format!("client={:?} peer={:?} {kind}", e.client, e.peer)
        })
        .collect()
}

/// A session plus every event read from it so far.
pub struct Watch {
    pub session: Session,
    pub seen: Vec<Event>,
}

impl Watch {
    pub fn start(cfg: SessionConfig) -> Watch {
        Watch {
            session: Session::start(cfg, None),
            seen: Vec::new(),
        }
    }

    pub fn send(&self, cmd: Command) {
        assert!(self.session.send(cmd), "the worker has ended");
    }

    /// The next event matching `pred` (earlier non-matching ones are kept in `seen`).
    pub fn wait(&mut self, what: &str, pred: impl FnMut(&Event) -> bool) -> Event {
        wait_in(&self.session, &mut self.seen, pred, WAIT, what)
    }

    /// The next `n` events matching `pred`.
    pub fn wait_n(
        &mut self,
        what: &str,
        n: usize,
        mut pred: impl FnMut(&Event) -> bool,
    ) -> Vec<Event> {
        (0..n)
            .map(|i| {
                wait_in(
                    &self.session,
                    &mut self.seen,
                    &mut pred,
                    WAIT,
                    &format!("{what} ({} of {n})", i + 1),
                )
            })
            .collect()
    }

    /// Waits for the next error event and returns its kind and message.
    pub fn wait_error(&mut self) -> (socket_tester::net::ErrorKind, String) {
        match self
            .wait("an error", |e| matches!(e.kind, EventKind::Error { .. }))
            .kind
        {
            EventKind::Error {
                kind,
                detail: message,
            } => (kind, message),
            _ => unreachable!(),
        }
    }

    /// The real bound/listening address (from the first Bound/Listening/Connected event).
    pub fn wait_local(&mut self) -> SocketAddr {
        let ev = self.wait("bound/listening/connected", |e| {
            matches!(
                e.kind,
                EventKind::Bound | EventKind::Listening { .. } | EventKind::Connected
            )
        });
        ev.local.expect("the event names the local address")
    }

    /// Waits until the worker ends and its channel disconnects, collecting what remains.
    pub fn wait_end(&mut self) -> Vec<Event> {
        let deadline = Instant::now() + WAIT;
        let mut rest = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "the worker did not end; seen: {:#?}",
                brief(&self.seen)
            );
            match self.session.events().recv_timeout(left) {
                Ok(ev) => {
                    self.seen.push(ev.clone());
                    rest.push(ev);
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return rest,
            }
        }
    }

    /// Checks that no event matching `pred` arrives within `quiet` (used only to show
    /// that something did NOT happen, after a positive event proved the path works).
    pub fn expect_none(&mut self, quiet: Duration, mut pred: impl FnMut(&Event) -> bool) {
        let deadline = Instant::now() + quiet;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            match self.session.events().recv_timeout(left) {
                Ok(ev) => {
                    assert!(!pred(&ev), "unexpected event: {ev:?}");
                    self.seen.push(ev);
                }
                Err(_) => return,
            }
        }
    }
}

pub fn rx_bytes(ev: &Event) -> &[u8] {
    match &ev.kind {
        EventKind::Rx(d) => d,
        k => panic!("not an Rx event: {k:?}"),
    }
}

pub fn is_rx(ev: &Event) -> bool {
    matches!(ev.kind, EventKind::Rx(_))
}

pub fn is_tx(ev: &Event) -> bool {
    matches!(ev.kind, EventKind::Tx(_))
}

/// A port that was free a moment ago (a listener bound to port 0, then closed).
pub fn free_tcp_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// True if this machine has an IPv6 loopback we can bind.
pub fn have_ipv6() -> bool {
    std::net::UdpSocket::bind("[::1]:0").is_ok() && std::net::TcpListener::bind("[::1]:0").is_ok()
}

/// Reads from a std stream until `want` bytes arrived (or panics after WAIT).
pub fn read_exact_timeout(s: &mut std::net::TcpStream, want: usize) -> Vec<u8> {
    use std::io::Read;
    s.set_read_timeout(Some(WAIT)).unwrap();
    let mut buf = vec![0u8; want];
    s.read_exact(&mut buf).unwrap();
    buf
}

/// How long a session runtime may take to reach what a test waits for (the heavy tests
/// move 256 MiB).
pub const RUNTIME_WAIT: Duration = Duration::from_secs(60);

/// A session runtime of `role`, spooling into `spool` if given, UTF-8.
pub fn runtime(
    role: socket_tester::net::Role,
    spool: Option<&std::path::Path>,
) -> socket_tester::session::Runtime {
    socket_tester::session::Runtime::new(
        role,
        socket_tester::session::RuntimeOptions {
            spool_dir: spool.map(|p| p.to_path_buf()),
            notify: None,
            encoding: Some(socket_tester::codec::Encoding::UTF_8),
        },
    )
}

/// Waits until `done` holds for a session runtime's status and its rx message count.
/// Panics after [`RUNTIME_WAIT`].
pub fn wait_runtime(
    rt: &socket_tester::session::Runtime,
    what: &str,
    mut done: impl FnMut(&socket_tester::session::Status, u64) -> bool,
) -> socket_tester::session::Status {
    let deadline = Instant::now() + RUNTIME_WAIT;
    loop {
        let (st, rx) = {
            let v = rt.view();
            (v.status.clone(), v.store.counters.rx_msgs)
        };
        if done(&st, rx) {
            return st;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {st:?}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Starts a UDP receiver on 127.0.0.1 (an OS-assigned port) in `rt`, recording to
/// `record` if given; returns its address once bound.
pub fn bound_udp_receiver(
    rt: &socket_tester::session::Runtime,
    record: Option<std::path::PathBuf>,
) -> SocketAddr {
    use socket_tester::net::Role;
    rt.start(
        SessionConfig::new(Role::UdpReceiver, "127.0.0.1:0"),
        Default::default(),
        record,
    );
    let st = wait_runtime(rt, "bound", |st, _| {
        st.state == socket_tester::session::ConnState::Bound
    });
    st.local.expect("a bound receiver knows its address")
}

/// Runs `socket-tester export INPUT --to OUTPUT` through `cmd` (the binary, or a shell
/// that execs it) and asserts it succeeded.
pub fn run_export(
    mut cmd: std::process::Command,
    input: &std::path::Path,
    output: &std::path::Path,
) {
    let o = cmd
        .arg("export")
        .arg(input)
        .arg("--to")
        .arg(output)
        .output()
        .expect("run socket-tester export");
    assert!(
        o.status.success(),
        "export to {}: {}",
        output.display(),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Set in a child started by [`alone`]: the name of the one test it runs.
const ALONE: &str = "SOCKET_TESTER_TEST_ALONE";

/// Runs the calling test in a process of its own, for tests that measure the whole process
/// (threads, descriptors, resident memory) and so cannot share it with the other tests of
/// this binary. `test` is the test's path in the binary (`resources::two_hundred_…`).
///
/// Returns `true` in that child, where the test goes on; in the parent it starts the child
/// (this binary with `--exact`), waits, asserts the child ran the test and passed, and
/// returns `false`, so the caller returns.
pub fn alone(test: &str) -> bool {
    if std::env::var_os(ALONE).is_some_and(|t| t == test) {
        return true;
    }
    // These are the heavy ones (floods, cycles): one at a time, and never beside a test
    // that times something (see `timing`).
    let _heavy = LOAD.write().unwrap_or_else(|e| e.into_inner());
    let exe = std::env::current_exe().expect("the test binary's path");
    let out = std::process::Command::new(exe)
        .args([
            test,
            "--exact",
            "--include-ignored",
            "--test-threads=1",
            "--nocapture",
        ])
        .env(ALONE, test)
        .output()
        .expect("start the test binary again");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{test} in its own process: {}\n{stdout}\n{stderr}",
        out.status
    );
    eprint!("{stderr}");
    false
}

/// Heavy tests (those that run `alone`) and tests that assert a duration do not overlap:
/// on a 2-core machine a loopback flood beside a stop-latency test made it miss its bound.
static LOAD: std::sync::RwLock<()> = std::sync::RwLock::new(());

/// Held by a test that asserts how long something took: no heavy test runs meanwhile.
pub fn timing() -> std::sync::RwLockReadGuard<'static, ()> {
    LOAD.read().unwrap_or_else(|e| e.into_inner())
}

/// The test's path in this binary, for [`alone`]: `alone_here!("name")`.
#[macro_export]
macro_rules! test_path {
    ($name:literal) => {{
        let m = module_path!();
        format!(
            "{}::{}",
            m.split_once("::").map_or(m, |(_, rest)| rest),
            $name
        )
    }};
}

/// The lines a Python peer prints on its stdout.
pub struct PyLines(std::io::BufReader<std::process::ChildStdout>);

impl PyLines {
    pub fn new(stdout: std::process::ChildStdout) -> PyLines {
        PyLines(std::io::BufReader::new(stdout))
    }

    /// The next line the peer printed (empty once it has exited).
    pub fn line(&mut self) -> String {
        use std::io::BufRead;
        let mut s = String::new();
        let _ = self.0.read_line(&mut s);
        s.trim_end().to_string()
    }

    /// Lines until one starts with `prefix` (which is returned); panics on EOF.
    pub fn until(&mut self, prefix: &str) -> String {
        let mut seen = Vec::new();
        loop {
            let l = self.line();
            if l.starts_with(prefix) {
                return l;
            }
            assert!(!l.is_empty(), "python ended before {prefix}: {seen:?}");
            seen.push(l);
        }
    }
}

pub mod cli;
pub mod tls;
pub mod ui;
pub mod ws;
pub mod zh;

/// Runs `c` under a file-size limit of `bytes` (`RLIMIT_FSIZE`, with SIGXFSZ ignored), so a
/// write past it fails with EFBIG as on a full disk of that size.
#[cfg(target_os = "linux")]
pub fn limit_file_size(c: &mut std::process::Command, bytes: u64) {
    use std::os::unix::process::CommandExt;
    // SAFETY: only async-signal-safe calls (signal, setrlimit) between fork and exec.
    unsafe {
        c.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let lim = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}
