//! Start/stop cycles of every role leave the process's threads and open file descriptors
//! where they began (Linux: /proc/self/task and /proc/self/fd).
//!
//! The suite runs 200 cycles of each role; 1,000 are `#[ignore]`d:
//! `cargo test --release --test engine resources:: -- --ignored`.
//! Each test runs in a process of its own (`support::alone`): the counts are per process.

use socket_tester::net::{EventKind, Role, Session, SessionConfig};
use std::net::TcpListener;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn count(dir: &str) -> usize {
    std::fs::read_dir(dir).map_or(0, |d| d.count())
}

fn threads() -> usize {
    count("/proc/self/task")
}

fn fds() -> usize {
    count("/proc/self/fd")
}

/// Waits for the role's "ready" event (bound, listening, connected), bounded.
fn wait_ready(s: &Session) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "{:?} never became ready", s.role());
        match s.events().recv_timeout(left) {
            Ok(ev) => match ev.kind {
                EventKind::Bound | EventKind::Listening { .. } | EventKind::Connected => return,
                EventKind::Relay(k)
                    if matches!(*k, socket_tester::net::relay::RelayKind::Listening { .. }) =>
                {
                    return;
                }
                EventKind::Error {
                    detail: message, ..
                } => panic!("{:?}: {message}", s.role()),
                _ => {}
            },
            Err(e) => panic!("{:?}: {e}", s.role()),
        }
    }
}

fn cycles(n: usize) {
    if !Path::new("/proc/self/fd").exists() {
        eprintln!("skipped: no /proc");
        return;
    }
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // The TCP client needs someone to connect to: made before the first count.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let server = listener.local_addr().unwrap().to_string();
    let (t0, f0) = (threads(), fds());
    for role in Role::EVERY {
        let (t_role, f_role) = (threads(), fds());
        for _ in 0..n {
            let cfg = match role {
                Role::UdpSender => SessionConfig::new(role, "127.0.0.1:9"),
                Role::UdpReceiver | Role::TcpServer => SessionConfig::new(role, "127.0.0.1:0"),
                Role::TcpClient => SessionConfig::new(role, server.clone()),
                Role::Relay => {
                    socket_tester::net::relay::host::config("127.0.0.1:0", &server, false)
                }
            };
            let mut s = Session::start(cfg, None);
            let accepted = (role == Role::TcpClient).then(|| listener.accept().unwrap());
            wait_ready(&s);
            s.stop_and_join();
            drop(accepted);
            drop(s);
        }
        let (t1, f1) = (threads(), fds());
        println!(
            "{}: {n} cycles: threads {t_role} -> {t1}, fds {f_role} -> {f1}",
            role.as_str()
        );
        assert!(
            t1 <= t_role + 1,
            "{}: threads grew from {t_role} to {t1}",
            role.as_str()
        );
        assert!(
            f1 <= f_role + 2,
            "{}: open fds grew from {f_role} to {f1}",
            role.as_str()
        );
    }
    let (t1, f1) = (threads(), fds());
    assert!(t1 <= t0 + 1, "threads {t0} -> {t1}");
    assert!(f1 <= f0 + 2, "fds {f0} -> {f1}");
}

#[test]
fn two_hundred_start_stop_cycles_of_each_role_leak_nothing() {
    if !crate::support::alone(&crate::test_path!(
        "two_hundred_start_stop_cycles_of_each_role_leak_nothing"
    )) {
        return;
    }
    cycles(200);
}

#[test]
#[ignore = "slow: 4,000 sessions; run with --release --ignored"]
fn a_thousand_start_stop_cycles_of_each_role_leak_nothing() {
    if !crate::support::alone(&crate::test_path!(
        "a_thousand_start_stop_cycles_of_each_role_leak_nothing"
    )) {
        return;
    }
    cycles(1000);
}
