//! `run SEQ.toml --connections N`: the sequence runs once per connection, against Python
//! peers; the summary, the JUnit report (one case per connection) and the exit code say
//! which connections failed; a `connect` step opens a connection again.

use crate::support::PyLines;
use crate::support::cli::bin;
use std::collections::BTreeSet;
use std::process::{Command, Stdio};

/// An echo server that answers `NOPE` instead on every `every`-th connection it accepts
/// (0: never); once none came for `idle` seconds it prints how many it accepted and
/// which it answered wrong (their numbers in the order they were accepted).
const ECHO: &str = r#"
import selectors, socket, sys, time
idle = float(sys.argv[1]); every = int(sys.argv[2])
sel = selectors.DefaultSelector()
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(4096); s.setblocking(False)
sel.register(s, selectors.EVENT_READ)
print("PORT", s.getsockname()[1], flush=True)
count = 0; last = time.time(); wrong = []
while time.time() - last < idle:
    for key, _ in sel.select(0.2):
        if key.fileobj is s:
            while True:
                try: c, _ = s.accept()
                except BlockingIOError: break
                count += 1; last = time.time()
                c.setblocking(False); sel.register(c, selectors.EVENT_READ, count)
        else:
            c = key.fileobj; k = key.data
            try: d = c.recv(4096)
            except OSError: d = b""
            last = time.time()
            if not d:
                sel.unregister(c); c.close(); continue
            bad = every and k % every == 0
            if bad: wrong.append(k)
            try: c.sendall(b"NOPE\n" if bad else d)
            except OSError: pass
print("COUNT", count, flush=True)
print("WRONG", " ".join(str(k) for k in sorted(set(wrong))), flush=True)
"#;

const SEQ: &str = r#"
name = "ping"
protocol = "tcp"
[[step]]
send = "PING {seq}\n"
template = true
[[step]]
expect = "PING 1"
timeout = "2s"
[[step]]
close = true
"#;

fn python(script: &str, args: &[&str]) -> (std::process::Child, PyLines, String) {
    let mut py = Command::new("python3")
        .args(["-c", script])
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let mut lines = PyLines::new(py.stdout.take().expect("stdout"));
    let port = lines.until("PORT ")["PORT ".len()..].to_string();
    (py, lines, port)
}

/// The `#k` of each failed test case in a JUnit report.
fn failed_cases(xml: &str) -> BTreeSet<u64> {
    let mut out = BTreeSet::new();
    let mut name = None;
    for line in xml.lines() {
        if let Some(i) = line.find("name=\"#") {
            let rest = &line[i + 7..];
            name = rest[..rest.find('"').unwrap()].parse::<u64>().ok();
        }
        if line.contains("<failure") {
            out.insert(name.expect("a failure inside a test case"));
        }
    }
    out
}

fn run(dir: &std::path::Path, port: &str, extra: &[&str]) -> std::process::Output {
    let seq = dir.join("ping.toml");
    std::fs::write(&seq, SEQ).unwrap();
    bin()
        .arg("run")
        .arg(&seq)
        .args(["--to", &format!("127.0.0.1:{port}")])
        .arg("--junit")
        .arg(dir.join("report.xml"))
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn two_hundred_connections_each_pass_their_sequence() {
    let dir = tempfile::tempdir().unwrap();
    let (mut py, mut lines, port) = python(ECHO, &["2", "0"]);
    let o = run(dir.path(), &port, &["--connections", "200"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.contains("crowd summary: sequence: 200 connections passed, 0 failed"),
        "{out}"
    );
    // One summary, not a line per step per connection.
    assert!(out.lines().count() < 20, "{out}");
    assert!(!out.contains("step 1 (line"), "{out}");
    assert_eq!(lines.until("COUNT "), "COUNT 200");
    let xml = std::fs::read_to_string(dir.path().join("report.xml")).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), 200, "{xml}");
    assert!(xml.contains("name=\"#200\"") && failed_cases(&xml).is_empty());
    let _ = py.wait();
}

#[test]
fn the_connections_answered_wrong_fail_and_the_report_names_them() {
    let dir = tempfile::tempdir().unwrap();
    let (mut py, mut lines, port) = python(ECHO, &["2", "10"]);
    // Paced, so the server accepts them in the order they were opened (#k is its k-th).
    let o = run(
        dir.path(),
        &port,
        &["--connections", "200", "--ramp", "400"],
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains(
            "crowd summary: sequence: 180 connections passed, 20 failed (step 2 expect timed out: 20)"
        ),
        "{out}"
    );
    assert_eq!(lines.until("COUNT "), "COUNT 200");
    let wrong: BTreeSet<u64> = lines.until("WRONG")["WRONG".len()..]
        .split_whitespace()
        .map(|k| k.parse().unwrap())
        .collect();
    assert_eq!(wrong, (1..=20).map(|k| k * 10).collect());
    let xml = std::fs::read_to_string(dir.path().join("report.xml")).unwrap();
    assert_eq!(failed_cases(&xml), wrong, "{xml}");
    assert!(
        xml.contains("step 2 (line 7) failed: no matching reply in time (5 bytes arrived)"),
        "{xml}"
    );
    let _ = py.wait();
}

/// Each connection closes and connects again: its second expect waits for the new
/// connection's bytes.
const AGAIN: &str = r#"
name = "again"
protocol = "tcp"
[[step]]
send = "ONE {seq}\n"
template = true
[[step]]
expect = "ONE 1"
timeout = "3s"
[[step]]
close = true
[[step]]
connect = true
[[step]]
send = "TWO\n"
[[step]]
expect = "TWO"
timeout = "3s"
"#;

#[test]
fn a_connect_step_opens_each_connection_again() {
    let dir = tempfile::tempdir().unwrap();
    let (mut py, mut lines, port) = python(ECHO, &["2", "0"]);
    let seq = dir.path().join("again.toml");
    std::fs::write(&seq, AGAIN).unwrap();
    let o = bin()
        .arg("run")
        .arg(&seq)
        .args(["--to", &format!("127.0.0.1:{port}"), "--connections", "50"])
        .arg("--junit")
        .arg(dir.path().join("report.xml"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.contains("crowd summary: sequence: 50 connections passed, 0 failed"),
        "{out}"
    );
    // Each connection opened twice: the summary counts every open and every close, and
    // never more open at once than the crowd's 50 (one socket a member).
    let counts = out
        .lines()
        .find(|l| l.starts_with("crowd summary: 50 connections: 100 opened (at most "))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        counts.ends_with(
            " open at once; 50 opened again), 100 closed, 0 still open, 0 failed to open (none), 0 not started (the session ended first)"
        ),
        "{counts}"
    );
    let most: u64 = counts["crowd summary: 50 connections: 100 opened (at most ".len()..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{counts}"));
    assert!((1..=50).contains(&most), "{counts}");
    assert!(
        out.contains("again: 50 connections, 50 passed, 0 failed"),
        "{out}"
    );
    // The server accepted exactly two connections a member.
    assert_eq!(lines.until("COUNT "), "COUNT 100");
    let xml = std::fs::read_to_string(dir.path().join("report.xml")).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), 50, "{xml}");
    assert!(failed_cases(&xml).is_empty(), "{xml}");
    let _ = py.wait();
}

/// A UDP echo: every datagram back to its source; prints how many sources it saw.
const UDP_ECHO: &str = r#"
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
print("PORT", s.getsockname()[1], flush=True)
s.settimeout(float(sys.argv[1])); ports = set()
try:
    while True:
        d, a = s.recvfrom(65536); ports.add(a[1]); s.sendto(d, a)
except socket.timeout: pass
print("SOURCES", len(ports), flush=True)
"#;

#[test]
fn a_udp_crowd_runs_the_sequence_per_source() {
    let dir = tempfile::tempdir().unwrap();
    let (mut py, mut lines, port) = python(UDP_ECHO, &["2"]);
    let seq = dir.path().join("u.toml");
    std::fs::write(
        &seq,
        "name = \"u\"\nprotocol = \"udp\"\n[[step]]\nsend = \"HELLO\"\n[[step]]\nexpect = \"HELLO\"\ntimeout = \"3s\"\n[[step]]\nsend = \"AGAIN\"\n[[step]]\nexpect = \"AGAIN\"\ntimeout = \"3s\"\n",
    )
    .unwrap();
    let o = bin()
        .arg("run")
        .arg(&seq)
        .args(["--to", &format!("127.0.0.1:{port}"), "--connections", "50"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("crowd summary: sequence: 50 sources passed, 0 failed"),
        "{out}"
    );
    assert_eq!(lines.until("SOURCES "), "SOURCES 50");
    let _ = py.wait();
}

/// `{conn}` in a sequence's send is each connection's own number (the record shows what
/// each one sent).
#[test]
fn conn_in_a_sequence_is_each_connections_number() {
    let dir = tempfile::tempdir().unwrap();
    let (mut py, _lines, port) = python(ECHO, &["2", "0"]);
    let seq = dir.path().join("id.toml");
    std::fs::write(
        &seq,
        "name = \"id\"\nprotocol = \"tcp\"\n[[step]]\nsend = \"ID {conn} {seq}\\n\"\ntemplate = true\n[[step]]\nexpect = \"ID \"\ntimeout = \"2s\"\n[[step]]\nclose = true\n",
    )
    .unwrap();
    let record = dir.path().join("rec.jsonl");
    let o = bin()
        .arg("run")
        .arg(&seq)
        .args(["--to", &format!("127.0.0.1:{port}"), "--connections", "5"])
        .arg("--record")
        .arg(&record)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    let sent: BTreeSet<(u64, String)> = std::fs::read_to_string(&record)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|r| r["event"] == "tx")
        .map(|r| {
            (
                r["client"].as_u64().unwrap_or(0),
                r["text"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let want: BTreeSet<(u64, String)> = (1..=5).map(|k| (k, format!("ID {k} 1\n"))).collect();
    assert_eq!(sent, want);
    let _ = py.wait();
}

/// Ctrl-C (or SIGTERM, as a CI job's cancel sends) during `run`: the sequence stops, and
/// the summary and the JUnit report are still written, saying what did not finish.
#[test]
fn an_interrupted_run_still_reports() {
    let dir = tempfile::tempdir().unwrap();
    let (mut py, _lines, port) = python(ECHO, &["4", "0"]);
    let seq = dir.path().join("long.toml");
    std::fs::write(
        &seq,
        "name = \"long\"\nprotocol = \"tcp\"\n[[step]]\nsend = \"hi\\n\"\n[[step]]\nwait = \"20s\"\n[[step]]\nclose = true\n",
    )
    .unwrap();
    for (connections, junit) in [("3", "crowd.xml"), ("1", "single.xml")] {
        let report = dir.path().join(junit);
        let child = bin()
            .arg("run")
            .arg(&seq)
            .args([
                "--to",
                &format!("127.0.0.1:{port}"),
                "--connections",
                connections,
            ])
            .arg("--junit")
            .arg(&report)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1500));
        let killed = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{connections}: {text}");
        assert!(
            text.contains("long: "),
            "{connections}: the summary: {text}"
        );
        let xml = std::fs::read_to_string(&report).expect("the report was written");
        assert!(xml.contains("<testsuite"), "{xml}");
    }
    let _ = py.kill();
}

/// A `--junit` path that cannot be written is said before anything connects (exit 2).
#[test]
fn an_unwritable_junit_path_is_refused_first() {
    let dir = tempfile::tempdir().unwrap();
    let seq = dir.path().join("s.toml");
    std::fs::write(
        &seq,
        "name = \"s\"\nprotocol = \"tcp\"\n[[step]]\nsend = \"hi\"\n",
    )
    .unwrap();
    let missing = dir.path().join("no-such-folder").join("r.xml");
    let o = bin()
        .arg("run")
        .arg(&seq)
        .args(["--to", "127.0.0.1:1", "--junit"])
        .arg(&missing)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--junit") && err.contains("does not exist"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&o.stdout).is_empty(), "nothing ran");
}

/// A record that cannot be made is said and fails the run, also when the sequence closes
/// and connects again (the reconnect used to forget the failure: exit 0, nothing said).
/// A file where a folder must be is refused before anything runs.
#[test]
#[cfg(target_os = "linux")]
fn a_record_that_cannot_be_made_fails_a_run_that_reconnects() {
    let dir = tempfile::tempdir().unwrap();
    let (mut py, _lines, port) = python(ECHO, &["2", "0"]);
    let seq = dir.path().join("re.toml");
    std::fs::write(
        &seq,
        "name = \"re\"\nprotocol = \"tcp\"\n[[step]]\nsend = \"a\\n\"\n[[step]]\nexpect = \"a\"\ntimeout = \"2s\"\n[[step]]\nclose = true\n[[step]]\nconnect = true\n[[step]]\nsend = \"b\\n\"\n[[step]]\nexpect = \"b\"\ntimeout = \"2s\"\n",
    )
    .unwrap();
    let run = |record: &std::path::Path| {
        bin()
            .arg("run")
            .arg(&seq)
            .args(["--to", &format!("127.0.0.1:{port}")])
            .arg("--record")
            .arg(record)
            .output()
            .unwrap()
    };
    let file = dir.path().join("plain.txt");
    std::fs::write(&file, "not a folder").unwrap();
    let o = run(&file.join("rec.jsonl"));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--record") && err.contains("is a file, not a folder"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a folder");
    // /proc takes no new file: the check passes, the record fails when made, and the
    // reconnect must not forget it.
    let o = run(std::path::Path::new("/proc/socket-tester-rec.jsonl"));
    let err = String::from_utf8_lossy(&o.stderr);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("6 passed"), "the steps ran: {out}");
    assert_eq!(o.status.code(), Some(1), "{out}\n{err}");
    assert!(err.contains("cannot write the record"), "said: {err}");
    let _ = py.wait();
}

/// Connections that never opened say why in the sequence's line, not only "not finished".
#[test]
fn connections_that_never_opened_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let seq = dir.path().join("s.toml");
    std::fs::write(
        &seq,
        "name = \"s\"\nprotocol = \"tcp\"\n[[step]]\nsend = \"hi\"\n",
    )
    .unwrap();
    // A port nobody listens on: bound, then closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let o = bin()
        .arg("run")
        .arg(&seq)
        .args(["--to", &format!("127.0.0.1:{port}"), "--connections", "5"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("5 not finished (5 never opened: refused 5)"),
        "{out}"
    );
}
