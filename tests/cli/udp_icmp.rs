//! The network's answer on the command line: `udp-send --headless` to the port of a
//! Python UDP peer that has closed its socket prints "port unreachable", and the
//! `--record` keeps it.

use std::process::Command;

/// A UDP port a Python 3 peer bound and closed (None when Python 3 is missing).
fn python_closed_port() -> Option<u16> {
    let o = Command::new("python3")
        .args([
            "-c",
            "import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n\
             s.bind(('127.0.0.1',0))\nprint(s.getsockname()[1])\ns.close()",
        ])
        .output()
        .ok()?;
    String::from_utf8_lossy(&o.stdout).trim().parse().ok()
}

#[test]
fn udp_send_headless_tells_port_unreachable() {
    let Some(port) = python_closed_port() else {
        eprintln!("python3 missing: skipped");
        return;
    };
    let to = format!("127.0.0.1:{port}");
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("rec.jsonl");
    let o = Command::new(env!("CARGO_BIN_EXE_socket-tester"))
        .args(["udp-send", "--to", &to, "--send", "anyone?", "--headless"])
        .args(["--record", rec.to_str().unwrap(), "--duration", "10s"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    let want = format!("port unreachable: nothing listens on {to} (ICMP");
    assert!(out.contains(&want), "{out}");
    let line = out.lines().find(|l| l.contains(&want)).unwrap();
    assert!(line.contains(&to), "the line names the destination: {line}");
    // Counted at the end.
    assert!(out.contains("network answered (ICMP): 1"), "{out}");
    let rec = std::fs::read_to_string(&rec).unwrap();
    assert!(rec.contains(&want), "{rec}");
}

/// `--expect` fails each try as soon as the network answers, with the ICMP reason, instead
/// of waiting out its 5 s time limit; the run exits 1.
#[test]
fn udp_expect_fails_fast_on_port_unreachable() {
    let Some(port) = python_closed_port() else {
        eprintln!("python3 missing: skipped");
        return;
    };
    let to = format!("127.0.0.1:{port}");
    let t = std::time::Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_socket-tester"))
        .args(["udp-send", "--to", &to, "--send", "ping", "--headless"])
        .args(["--expect", "pong", "--expect-timeout", "5s", "--count", "2"])
        .args(["--every", "50ms", "--duration", "30s"])
        .output()
        .unwrap();
    let took = t.elapsed();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("expect #1 FAIL the network answered: port unreachable"),
        "{out}"
    );
    assert!(out.contains("expect: FAIL 0/2 passed, 2 failed"), "{out}");
    // Two tries that waited for their limit would take over 10 s.
    assert!(took < std::time::Duration::from_secs(8), "took {took:?}");
}
