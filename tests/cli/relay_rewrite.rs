//! `socket-tester relay --rewrite-up/--rewrite-down` as a user runs it: a Python 3 server
//! behind the relay prints what it received, a std::net client in front reads the
//! answer; a bad rule exits 2 naming the rule, the place and the reason.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_socket-tester"))
}

/// A Python 3 server: prints its port, then (in hex) everything its one client sent,
/// and answers "T=21C".
const SINK: &str = r#"
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(4)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
got = b""
while True:
    d = c.recv(65536)
    if not d: break
    got += d
print(got.hex(), flush=True)
c.sendall(b"T=21C"); c.close()
"#;

struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn rewrite_rules_change_each_direction_as_told() {
    let Ok(mut py) = Command::new("python3")
        .args(["-c", SINK])
        .stdout(Stdio::piped())
        .spawn()
    else {
        eprintln!("no python3: skipped");
        return;
    };
    let mut py_out = BufReader::new(py.stdout.take().expect("stdout"));
    let _py = Kill(py);
    let mut port = String::new();
    py_out.read_line(&mut port).expect("the port");
    let to = format!("127.0.0.1:{}", port.trim());
    let mut relay = bin()
        .args(["relay", "--listen", "127.0.0.1:0", "--to", &to])
        .args(["--headless", "--duration", "3s"])
        .args(["--rewrite-up", r"regex:id=(?P<id>\d+) => id={id}{id}\r\n"])
        .args(["--rewrite-down", "contains:C => patch:0:54 3d 39 39"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start");
    let mut out = BufReader::new(relay.stdout.take().expect("stdout"));
    let mut lines = String::new();
    let at = loop {
        let mut line = String::new();
        assert!(out.read_line(&mut line).expect("read") > 0, "{lines}");
        lines.push_str(&line);
        if let Some((_, rest)) = line.split_once("listening on ") {
            break rest.split_whitespace().next().expect("address").to_string();
        }
    };
    let mut c = TcpStream::connect(&at).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    c.write_all(b"GET id=7;").expect("write");
    c.shutdown(Shutdown::Write).expect("FIN");
    let mut back = Vec::new();
    c.read_to_end(&mut back).expect("the answer");
    assert_eq!(back, b"T=99C", "the answer was patched on the way back");
    let mut got = String::new();
    py_out.read_line(&mut got).expect("what the server got");
    assert_eq!(got.trim(), "4745542069643d37370d0a3b", "GET id=77\\r\\n;");
    out.read_to_string(&mut lines).expect("read");
    let status = relay.wait().expect("wait");
    assert_eq!(status.code(), Some(0), "{lines}");
    assert!(
        lines.contains("client → server rewritten by rule 1: 9 bytes → 12 bytes"),
        "{lines}"
    );
    assert!(
        lines.contains("server → client rewritten by rule 1: 5 bytes → 5 bytes"),
        "{lines}"
    );
    assert!(
        lines.contains("rewritten 1"),
        "the summary counts it: {lines}"
    );
}

#[test]
fn a_bad_rewrite_rule_exits_2_with_the_reason() {
    let run = |args: &[&str]| {
        let o = bin()
            .args(["relay", "--listen", "127.0.0.1:0", "--to", "127.0.0.1:9"])
            .args(["--headless", "--duration", "1s"])
            .args(args)
            .output()
            .expect("run");
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (code, err) = run(&["--rewrite-up", "regex:id=(\\d+ => x"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("--rewrite-up 1: position 10: bad regex") && err.contains("(in the match)"),
        "{err}"
    );
    let (code, err) = run(&[
        "--rewrite-down",
        "any => ok",
        "--rewrite-down",
        "hex:01 => patch:1:f",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("--rewrite-down 2: position 19: bad hex"),
        "{err}"
    );
    let (code, err) = run(&["--rewrite-up", "regex:x => {2}"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("the regex has no group {2}"), "{err}");
    // In a rewrite's words: a replacement, not a reply.
    let (code, err) = run(&["--rewrite-up", "contains:SET"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("between the match and the replacement") && !err.contains("reply"),
        "{err}"
    );
    let (code, err) = run(&["--rewrite-up", "contains: => x"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("to match every message"), "{err}");
}
