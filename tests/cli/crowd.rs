//! A crowd from one session (`--connections N [--ramp R]`), headless, against Python
//! peers that count what reached them: the summary must say what the peer saw.

use crate::support::PyLines;
use crate::support::cli::bin;
use std::process::{Command, Stdio};

/// A TCP server that answers each connection's first message with `OK <it>`, closes it,
/// and prints how many connections it accepted once none came for `idle` seconds.
const TCP_COUNTER: &str = r#"
import selectors, socket, sys, time
idle = float(sys.argv[1])
sel = selectors.DefaultSelector()
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(4096); s.setblocking(False)
sel.register(s, selectors.EVENT_READ)
print("PORT", s.getsockname()[1], flush=True)
count = 0; last = time.time()
while time.time() - last < idle:
    for key, _ in sel.select(0.2):
        if key.fileobj is s:
            while True:
                try: c, _ = s.accept()
                except BlockingIOError: break
                count += 1; last = time.time()
                c.setblocking(False); sel.register(c, selectors.EVENT_READ)
        else:
            c = key.fileobj
            try: d = c.recv(4096)
            except OSError: d = b""
            if d:
                try: c.sendall(b"OK " + d)
                except OSError: pass
            sel.unregister(c); c.close(); last = time.time()
print("COUNT", count, flush=True)
"#;

const UDP_COUNTER: &str = r#"
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
print("PORT", s.getsockname()[1], flush=True)
s.settimeout(float(sys.argv[1])); ports = set()
try:
    while True:
        d, a = s.recvfrom(65536); ports.add(a[1]); s.sendto(b"ACK " + d, a)
except socket.timeout: pass
print("SOURCES", len(ports), flush=True)
"#;

fn python(script: &str, idle: &str) -> (std::process::Child, PyLines, String) {
    let mut py = Command::new("python3")
        .args(["-c", script, idle])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let mut lines = PyLines::new(py.stdout.take().expect("stdout"));
    let port = lines.until("PORT ")["PORT ".len()..].to_string();
    (py, lines, port)
}

/// The number after `word` in `line` ("1000 opened" → 1000 for "opened").
fn count_before(line: &str, word: &str) -> u64 {
    let i = line
        .find(&format!(" {word}"))
        .unwrap_or_else(|| panic!("{word} in {line}"));
    let head = &line[..i];
    let n = head
        .rsplit(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap_or("");
    n.parse()
        .unwrap_or_else(|_| panic!("a number before {word} in {line}"))
}

#[test]
fn a_thousand_connections_match_the_servers_count() {
    let (mut py, mut lines, port) = python(TCP_COUNTER, "3");
    let o = bin()
        .args(["tcp-client", "--connect", &format!("127.0.0.1:{port}")])
        .args(["--connections", "1000", "--timeout", "20s"])
        .args(["--send", "hi {seq}", "--template", "--expect", "OK hi"])
        .args(["--headless", "--quiet"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    let counted: u64 = lines.until("COUNT ")["COUNT ".len()..].parse().unwrap();
    let _ = py.wait();
    assert_eq!(o.status.code(), Some(0), "{out}");
    let summary = out
        .lines()
        .find(|l| l.starts_with("crowd summary: 1000 connections"))
        .unwrap_or_else(|| panic!("no summary in {out}"));
    assert_eq!(counted, 1000, "{summary}");
    assert_eq!(count_before(summary, "opened"), counted, "{summary}");
    assert_eq!(count_before(summary, "closed"), counted, "{summary}");
    assert!(summary.contains("0 failed"), "{summary}");
    assert!(
        out.contains("1000 sends, 0 not sent (no connection open), 1000 replies")
            && out.contains("expect: 1000 connections passed, 0 failed"),
        "{out}"
    );
    assert!(out.contains("crowd summary: connect time: p50 "), "{out}");
    // --quiet: the members' comings and goings are in the counts and the summary only.
    let lines = out.lines().count();
    assert!(lines < 100, "{lines} lines with --quiet");
}

#[test]
fn refused_connections_are_counted_by_reason_and_recorded_per_connection() {
    let port = crate::support::free_tcp_port();
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("crowd.jsonl");
    let o = bin()
        .args(["tcp-client", "--connect", &format!("127.0.0.1:{port}")])
        .args([
            "--connections",
            "30",
            "--ramp",
            "0",
            "--headless",
            "--quiet",
        ])
        .arg("--record")
        .arg(&rec)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("0 opened") && out.contains("30 failed to open (refused 30)"),
        "{out}"
    );
    assert!(out.contains("errors by kind: refused 30"), "{out}");
    let text = std::fs::read_to_string(&rec).unwrap();
    let mut clients = std::collections::BTreeSet::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v["error_kind"] == "refused" {
            clients.insert(v["client"].as_u64().expect("the connection's id"));
        }
    }
    assert_eq!(clients, (1..=30).collect(), "{text}");
}

#[test]
fn udp_sources_each_send_from_a_port_of_their_own() {
    let (mut py, mut lines, port) = python(UDP_COUNTER, "3");
    let o = bin()
        .args(["udp-send", "--to", &format!("127.0.0.1:{port}")])
        .args(["--connections", "150", "--ramp", "2000"])
        .args(["--send", "hello", "--expect", "ACK hello"])
        .args(["--headless", "--quiet"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    let sources: u64 = lines.until("SOURCES ")["SOURCES ".len()..].parse().unwrap();
    let _ = py.wait();
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert_eq!(sources, 150, "{out}");
    assert!(
        out.contains("crowd summary: 150 sources: 150 bound")
            && out.contains("expect: 150 sources passed, 0 failed"),
        "{out}"
    );
}

#[test]
fn bad_numbers_are_refused_with_a_reason() {
    for (args, why) in [
        (vec!["--connections", "0"], "give 1 to 100000"),
        (vec!["--connections", "100001"], "give 1 to 100000"),
        (vec!["--connections", "many"], "not a number of connections"),
        (vec!["--connections", "-1"], "not a number of connections"),
        (vec!["--connections", "5", "--ramp", "-2"], "0 or more"),
        (vec!["--connections", "5", "--ramp", "fast"], "not a rate"),
        (
            vec!["--connections", "5", "--tls"],
            "--tls is not available",
        ),
    ] {
        let o = bin()
            .args(["tcp-client", "--connect", "127.0.0.1:9", "--headless"])
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(why), "{args:?}: {err}");
    }
}

/// With the hard limit on open files below the crowd, the connections that find no
/// descriptor fail as too many open files, and the message says how to raise it.
#[cfg(target_os = "linux")]
#[test]
fn too_many_open_files_is_its_own_reason() {
    use std::os::unix::process::CommandExt;
    let (mut py, mut lines, port) = python(TCP_COUNTER, "2");
    let mut cmd = bin();
    cmd.args(["tcp-client", "--connect", &format!("127.0.0.1:{port}")])
        .args(["--connections", "200", "--headless", "--quiet"]);
    // SAFETY: only setrlimit (async-signal-safe) between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: 64,
                rlim_max: 64,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let o = cmd.output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    let counted: u64 = lines.until("COUNT ")["COUNT ".len()..].parse().unwrap();
    let _ = py.wait();
    assert_eq!(o.status.code(), Some(1), "{out}");
    let summary = out
        .lines()
        .find(|l| l.starts_with("crowd summary: 200 connections"))
        .unwrap_or_else(|| panic!("no summary in {out}"));
    let opened = count_before(summary, "opened");
    assert_eq!(opened, counted, "{summary}");
    assert!(opened > 0 && opened < 64, "{summary}");
    assert!(
        summary.contains(&format!("too-many-open-files {}", 200 - opened)),
        "{summary}"
    );
    assert!(out.contains("ulimit -n"), "{out}");
}

/// A crowd cut short by `--duration` says how many connections it never started, and
/// that is a failure (exit 1); a send that found no connection open is counted as not
/// sent.
#[test]
fn connections_never_started_and_sends_never_made_are_counted() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    // Accept and hold: the crowd's connections stay open.
    let _hold = std::thread::spawn(move || {
        let mut kept = Vec::new();
        for s in l.incoming().flatten() {
            kept.push(s);
        }
    });
    let o = bin()
        .args(["tcp-client", "--connect", &format!("127.0.0.1:{port}")])
        .args([
            "--connections",
            "10",
            "--ramp",
            "2",
            "--duration",
            "1500ms",
            "--headless",
            "--quiet",
        ])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    let summary = out
        .lines()
        .find(|l| l.starts_with("crowd summary: 10 connections"))
        .unwrap_or_default();
    assert!(summary.contains("0 failed to open"), "{out}");
    let at = summary
        .find(" not started")
        .expect("the count of those not started");
    let n: u64 = summary[..at]
        .rsplit(' ')
        .next()
        .and_then(|w| w.parse().ok())
        .unwrap_or(0);
    // About 10 - 1.5 s × 2/s; a loaded machine starts fewer.
    assert!((2..=10).contains(&n), "not started: {summary}");
}

/// A UDP crowd to a port where nothing listens hears the network's answer (ICMP port
/// unreachable) per source, as the UDP tabs do: each source's row, the errors by kind, and
/// with `--expect` a failure at once (exit 1).
#[test]
fn a_udp_crowd_hears_port_unreachable_per_source() {
    let port = {
        let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        s.local_addr().unwrap().port()
    };
    let t = std::time::Instant::now();
    let o = bin()
        .args(["udp-send", "--to", &format!("127.0.0.1:{port}")])
        .args(["--connections", "3", "--send", "x", "--expect", "y"])
        .args(["--expect-timeout", "20s", "--headless"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    for id in 1..=3 {
        assert!(
            out.lines()
                .any(|l| l.contains(&format!("#{id} port unreachable"))),
            "source {id}: {out}"
        );
    }
    assert!(out.contains("errors by kind: refused 3"), "{out}");
    assert!(out.contains("expect: 0 sources passed, 3 failed"), "{out}");
    assert!(
        t.elapsed() < std::time::Duration::from_secs(15),
        "at once, not after the timeout"
    );
}
