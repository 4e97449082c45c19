//! `socket-tester relay` as a user runs it: a std::net echo server behind it, a std::net
//! client in front; the lines on stdout, the runtime's JSON Lines record with both
//! directions (each row's pair and dir), `export` and `replay` reading it, and the exit
//! codes (2 for bad arguments, 1 when it cannot listen).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::Duration;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_socket-tester"))
}

fn echo_server() -> String {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let a = l.local_addr().expect("addr").to_string();
    std::thread::spawn(move || {
        for mut c in l.incoming().flatten() {
            let mut buf = [0u8; 4096];
            while let Ok(n) = c.read(&mut buf) {
                if n == 0 || c.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            let _ = c.shutdown(Shutdown::Write);
        }
    });
    a
}

/// Runs the relay (3 s) with `args` in front of an echo server, sends `hello` through it
/// and reads the echo; its stdout and exit code.
fn run_relay(args: &[&std::ffi::OsStr]) -> (String, Option<i32>) {
    let mut child = bin()
        .args(["relay", "--listen", "127.0.0.1:0", "--to", &echo_server()])
        .args(["--headless", "--duration", "3s"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut lines = Vec::new();
    let at = loop {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).expect("read") > 0,
            "ended early: {lines:?}"
        );
        lines.push(line.clone());
        if let Some((_, rest)) = line.split_once("listening on ") {
            let addr = rest.split_whitespace().next().expect("the address");
            break addr.to_string();
        }
    };
    let mut c = TcpStream::connect(&at).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    c.write_all(b"hello").expect("write");
    let mut back = [0u8; 5];
    c.read_exact(&mut back).expect("echo");
    assert_eq!(&back, b"hello");
    c.shutdown(Shutdown::Write).expect("FIN");
    let mut rest = Vec::new();
    let _ = c.read_to_end(&mut rest);
    let mut tail = String::new();
    out.read_to_string(&mut tail).expect("read");
    let status = child.wait().expect("wait");
    (lines.concat() + &tail, status.code())
}

#[test]
fn relay_prints_both_directions_and_records_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let record = dir.path().join("relay.jsonl");
    let (all, code) = run_relay(&[
        "--seed".as_ref(),
        "5".as_ref(),
        "--latency".as_ref(),
        "up:50".as_ref(),
        "--record".as_ref(),
        record.as_os_str(),
    ]);
    assert_eq!(code, Some(0), "{all}");
    assert!(all.contains("fault seed 5"), "{all}");
    assert!(
        all.contains("#1 127.0.0.1:") && all.contains("client → server 5 B: hello"),
        "{all}"
    );
    assert!(all.contains("server → client 5 B: hello"), "{all}");
    assert!(all.contains("client → server fault: delayed 5"), "{all}");
    assert!(all.contains("client → server FIN carried"), "{all}");
    assert!(
        all.contains("relay: up (client → server): 5 B in 1 chunks; faults: delayed 1"),
        "{all}"
    );
    let rec = std::fs::read_to_string(&record).expect("record");
    let rows: Vec<serde_json::Value> = rec
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    // The runtime's record: rx is client → server (up), tx server → client (down).
    let data = |event: &str, dir: &str| {
        rows.iter().any(|r| {
            r["session"] == "relay"
                && r["event"] == event
                && r["dir"] == dir
                && r["pair"] == 1
                && r["hex"] == "68656c6c6f"
        })
    };
    assert!(data("rx", "up") && data("tx", "down"), "{rec}");
    // The relay's own events keep their typed fields.
    assert!(
        rows.iter().any(|r| r["event"] == "relay"
            && r["dir"] == "up"
            && r["relay"]["what"]["fault"] == "delayed"),
        "{rec}"
    );
}

#[test]
fn relay_pcapng_holds_both_streams_for_tshark() {
    if Command::new("tshark").arg("--version").output().is_err() {
        eprintln!("no tshark: skipped");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let record = dir.path().join("relay.pcapng");
    let (all, code) = run_relay(&["--record".as_ref(), record.as_os_str()]);
    assert_eq!(code, Some(0), "{all}");
    let o = Command::new("tshark")
        .arg("-r")
        .arg(&record)
        .args([
            "-Y",
            "tcp.len > 0",
            "-T",
            "fields",
            "-e",
            "tcp.stream",
            "-e",
            "tcp.payload",
        ])
        .output()
        .expect("tshark");
    let rows = String::from_utf8_lossy(&o.stdout);
    let rows: Vec<&str> = rows.lines().collect();
    // Each stream (client ↔ relay, relay ↔ server) holds hello both ways.
    for stream in ["0", "1"] {
        let n = rows
            .iter()
            .filter(|r| **r == format!("{stream}\t68656c6c6f"))
            .count();
        assert_eq!(n, 2, "stream {stream}: {rows:?}");
    }
    let bad = Command::new("tshark")
        .arg("-r")
        .arg(&record)
        .args(["-Y", "_ws.malformed || _ws.expert.severity >= error"])
        .output()
        .expect("tshark");
    assert!(
        String::from_utf8_lossy(&bad.stdout).trim().is_empty(),
        "no malformed packets"
    );
}

#[test]
fn bad_relay_arguments_exit_2_naming_the_problem() {
    let run = |args: &[&str]| {
        let o = bin()
            .args(["relay", "--listen", "127.0.0.1:0", "--to", "127.0.0.1:9"])
            .args(args)
            .output()
            .expect("run");
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (code, err) = run(&["--drop", "10"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--drop") && err.contains("--udp"), "{err}");
    let (code, err) = run(&["--latency", "soon"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--latency"), "{err}");
    let (code, err) = run(&["--udp", "--corrupt", "101"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("percentage"), "{err}");
    let o = bin()
        .args(["relay", "--listen", "127.0.0.1:0"])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2), "--to is required");
}

#[test]
fn a_relay_that_cannot_listen_exits_1() {
    let held = TcpListener::bind("127.0.0.1:0").expect("bind");
    let at = held.local_addr().expect("addr").to_string();
    let o = bin()
        .args([
            "relay",
            "--listen",
            &at,
            "--to",
            "127.0.0.1:9",
            "--duration",
            "5s",
            "--headless",
        ])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("error:"), "{out}");
}

#[test]
fn a_relay_to_a_name_that_does_not_resolve_exits_1() {
    // `.invalid` never resolves (RFC 6761).
    let o = bin()
        .args([
            "relay",
            "--listen",
            "127.0.0.1:0",
            "--to",
            "no.such.host.invalid:1",
        ])
        .args(["--duration", "5s", "--headless"])
        .output()
        .expect("run");
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("no.such.host.invalid:1 does not resolve"),
        "{out}"
    );
}

#[test]
fn the_relay_record_is_exported_and_replayed_against_the_server() {
    let dir = tempfile::tempdir().expect("tempdir");
    let record = dir.path().join("relay.jsonl");
    let (all, code) = run_relay(&["--record".as_ref(), record.as_os_str()]);
    assert_eq!(code, Some(0), "{all}");
    // CSV: the pair in the client column, the direction in the event column.
    let csv = dir.path().join("relay.csv");
    let o = bin()
        .arg("export")
        .arg(&record)
        .arg("--to")
        .arg(&csv)
        .output()
        .expect("export");
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let text = std::fs::read_to_string(&csv).expect("csv");
    let row = |dir: &str| {
        text.lines().any(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            cells.get(1) == Some(&"relay")
                && cells.get(2) == Some(&dir)
                && cells.get(5) == Some(&"1")
                && (l.contains("68 65 6c 6c 6f") || l.contains("68656c6c6f"))
        })
    };
    assert!(row("up") && row("down"), "{text}");
    // Replay what the client sent (rx) straight to the server: its reply is as recorded.
    let o = bin()
        .arg("replay")
        .arg(&record)
        .args([
            "--to",
            &echo_server(),
            "--side",
            "rx",
            "--check",
            "--speed",
            "max",
        ])
        .output()
        .expect("replay");
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("1 replies as recorded, 0 not"), "{out}");
}

/// 64 MiB each way through `relay --headless`, between Python on both sides: a Python
/// echo server, a Python client that sends 64 MiB and checks the SHA-256 of what comes
/// back (and of what the server got) — byte-exact both ways.
#[test]
fn sixty_four_mib_both_ways_byte_exact_between_python_peers() {
    const SERVER: &str = r#"
import hashlib, socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept(); h = hashlib.sha256()
while True:
    b = c.recv(1 << 16)
    if not b: break
    h.update(b); c.sendall(b)
c.shutdown(socket.SHUT_WR)
print("SERVER", h.hexdigest(), flush=True)
"#;
    const CLIENT: &str = r#"
import hashlib, socket, sys, threading
host, port = sys.argv[1].rsplit(":", 1)
c = socket.create_connection((host, int(port)))
data = bytes((i * 7 + (i >> 9)) & 0xFF for i in range(1 << 20)) * 64
def send():
    c.sendall(data); c.shutdown(socket.SHUT_WR)
t = threading.Thread(target=send); t.start()
h = hashlib.sha256(); n = 0
while True:
    b = c.recv(1 << 16)
    if not b: break
    h.update(b); n += len(b)
t.join()
print("SENT", hashlib.sha256(data).hexdigest(), "BACK", h.hexdigest(), n, flush=True)
"#;
    let Ok(mut server) = Command::new("python3")
        .args(["-c", SERVER])
        .stdout(Stdio::piped())
        .spawn()
    else {
        eprintln!("skipped: python3 is not installed");
        return;
    };
    let mut sout = BufReader::new(server.stdout.take().expect("stdout"));
    let mut port = String::new();
    sout.read_line(&mut port).expect("the server's port");
    let mut relay = bin()
        .args(["relay", "--listen", "127.0.0.1:0"])
        .args(["--to", &format!("127.0.0.1:{}", port.trim())])
        .args(["--headless", "--duration", "120s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start");
    let mut out = BufReader::new(relay.stdout.take().expect("stdout"));
    let at = loop {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).expect("read") > 0,
            "relay ended early"
        );
        if let Some((_, rest)) = line.split_once("listening on ") {
            break rest.split_whitespace().next().expect("address").to_string();
        }
    };
    // The relay's rows go on while the bytes flow: drained, as a terminal would.
    let drain = std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let client = Command::new("python3")
        .args(["-c", CLIENT, &at])
        .output()
        .expect("the client");
    let said = String::from_utf8_lossy(&client.stdout).to_string();
    let w: Vec<&str> = said.split_whitespace().collect();
    assert_eq!(w.len(), 5, "{said}");
    assert_eq!(w[1], w[3], "what came back is what was sent: {said}");
    assert_eq!(w[4], (64u64 << 20).to_string(), "{said}");
    let mut last = String::new();
    sout.read_line(&mut last).expect("the server's digest");
    assert_eq!(
        last.split_whitespace().nth(1),
        Some(w[1]),
        "the server got it all"
    );
    let _ = relay.kill();
    let _ = relay.wait();
    let _ = server.wait();
    let _ = drain.join();
}
