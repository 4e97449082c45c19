//! `{conn}` and `{seq}` in a crowd: each connection (source) sends as a single client
//! would, `{conn}` its own number and `{seq}` its own count, with `--every` and `--count`.
//! Python peers record what each connection (source port) sent.

use crate::support::PyLines;
use crate::support::cli::bin;
use std::collections::BTreeMap;
use std::process::{Command, Stdio};

/// A TCP server that keeps what each connection sent until it closes, and once `n`
/// connections have closed prints one line per connection: `CONN <what it sent>`.
const TCP_RECORDER: &str = r#"
import selectors, socket, sys
n = int(sys.argv[1])
sel = selectors.DefaultSelector()
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(64); s.setblocking(False)
sel.register(s, selectors.EVENT_READ)
print("PORT", s.getsockname()[1], flush=True)
got = {}; done = []
while len(done) < n:
    for key, _ in sel.select(30):
        if key.fileobj is s:
            c, _ = s.accept(); c.setblocking(False)
            sel.register(c, selectors.EVENT_READ); got[c] = b""
        else:
            c = key.fileobj
            try: d = c.recv(4096)
            except OSError: d = b""
            if d: got[c] += d
            else:
                sel.unregister(c); done.append(got.pop(c)); c.close()
for d in done: print("CONN", d.decode(), flush=True)
print("END", flush=True)
"#;

/// A UDP peer that keeps what each source port sent and prints it after `idle` quiet
/// seconds: `CONN <datagrams joined by |>`.
const UDP_RECORDER: &str = r#"
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
print("PORT", s.getsockname()[1], flush=True)
s.settimeout(float(sys.argv[1])); got = {}
try:
    while True:
        d, a = s.recvfrom(65536); got.setdefault(a[1], []).append(d.decode())
except socket.timeout: pass
for v in got.values(): print("CONN", "|".join(v), flush=True)
print("END", flush=True)
"#;

fn python(script: &str, arg: &str) -> (std::process::Child, PyLines, String) {
    let mut py = Command::new("python3")
        .args(["-c", script, arg])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let mut lines = PyLines::new(py.stdout.take().expect("stdout"));
    let port = lines.until("PORT ")["PORT ".len()..].to_string();
    (py, lines, port)
}

/// The `CONN` lines up to `END`.
fn recorded(lines: &mut PyLines) -> Vec<String> {
    let mut out = Vec::new();
    loop {
        let l = lines.line();
        if l == "END" {
            return out;
        }
        if let Some(rest) = l.strip_prefix("CONN ") {
            out.push(rest.to_string());
        }
    }
}

/// Each connection's sends (`c{k} s{n}` each), by the number of its first: a number may
/// come from one connection only.
fn by_connection(conns: Vec<Vec<String>>) -> BTreeMap<u64, Vec<String>> {
    let mut by = BTreeMap::new();
    for sends in conns {
        let conn = format!("{sends:?}");
        let k: u64 = sends[0]
            .strip_prefix('c')
            .and_then(|s| s.split(' ').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("a connection number in {conn:?}"));
        assert!(by.insert(k, sends).is_none(), "#{k} twice: {conn}");
    }
    by
}

fn want(k: u64) -> Vec<String> {
    (1..=3).map(|n| format!("c{k} s{n}")).collect()
}

#[test]
fn each_tcp_connection_sends_its_own_number_and_its_own_count() {
    let (mut py, mut lines, port) = python(TCP_RECORDER, "5");
    let o = bin()
        .args(["tcp-client", "--connect", &format!("127.0.0.1:{port}")])
        .args(["--connections", "5", "--every", "100ms", "--count", "3"])
        .args(["--send", "c{conn} s{seq}", "--template"])
        .args(["--headless", "--quiet"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    let rec = recorded(&mut lines);
    let _ = py.wait();
    // What one connection sent arrives as one stream: split it at each "c".
    let by = by_connection(
        rec.iter()
            .map(|r| {
                let parts = r.split('c').filter(|s| !s.is_empty());
                parts.map(|s| format!("c{s}")).collect()
            })
            .collect(),
    );
    assert_eq!(by.keys().copied().collect::<Vec<_>>(), vec![1, 2, 3, 4, 5]);
    for (k, sends) in &by {
        assert_eq!(sends, &want(*k), "connection #{k}: {rec:?}");
    }
    assert!(out.contains("15 sends"), "{out}");
}

#[test]
fn each_udp_source_sends_its_own_number_and_its_own_count() {
    let (mut py, mut lines, port) = python(UDP_RECORDER, "2");
    let o = bin()
        .args(["udp-send", "--to", &format!("127.0.0.1:{port}")])
        .args(["--connections", "5", "--every", "100ms", "--count", "3"])
        .args(["--send", "c{conn} s{seq}", "--template"])
        .args(["--headless", "--quiet"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    let rec = recorded(&mut lines);
    let _ = py.wait();
    // One line per source port: its datagrams joined by "|".
    let by = by_connection(
        rec.iter()
            .map(|r| r.split('|').map(str::to_string).collect())
            .collect(),
    );
    assert_eq!(by.keys().copied().collect::<Vec<_>>(), vec![1, 2, 3, 4, 5]);
    for (k, sends) in &by {
        assert_eq!(sends, &want(*k), "source #{k}: {rec:?}");
    }
}
