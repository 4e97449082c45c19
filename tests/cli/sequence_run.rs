//! `socket-tester run SEQ.toml`: scripted device tests on loopback with OS-assigned
//! ports. A Python "device" hands out a session token that the sequence captures and
//! sends back, answers PING with PONG in a repeat, and takes a close and a reconnect; a
//! wrong answer fails with a hex diff and exit 1 (the rest skipped), and the JUnit report
//! says the same; UDP works datagram by datagram; a bad file exits 2 naming its line.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_socket-tester"))
}

/// A Python device: per connection, "HELLO" → "TOKEN=<n>" (a new n each time),
/// "AUTH <n>" → "OK" (or "DENIED"), "PING" → "PONG" (or "PANG" when started with "bad").
const PY_DEVICE: &str = r#"
import socket, sys
bad = len(sys.argv) > 1 and sys.argv[1] == "bad"
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(4)
print(s.getsockname()[1], flush=True)
n = 0
while True:
    c, _ = s.accept()
    n += 1
    token = "t%03d" % (n * 7)
    buf = b""
    while True:
        b = c.recv(4096)
        if not b:
            break
        buf += b
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            line = line.decode()
            if line == "HELLO":
                c.sendall(("TOKEN=%s\n" % token).encode())
            elif line.startswith("AUTH "):
                c.sendall(b"OK\n" if line[5:] == token else b"DENIED\n")
            elif line == "PING":
                c.sendall(b"PANG\n" if bad else b"PONG\n")
    c.close()
"#;

fn device(bad: bool) -> Option<(std::process::Child, u16)> {
    let mut cmd = Command::new("python3");
    cmd.args(["-c", PY_DEVICE]);
    if bad {
        cmd.arg("bad");
    }
    let Ok(mut child) = cmd.stdout(Stdio::piped()).spawn() else {
        eprintln!("skipped: python3 is not installed");
        return None;
    };
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    Some((child, line.trim().parse().unwrap()))
}

const LOGIN: &str = r#"
name = "login"
protocol = "tcp"

[[step]]
send = "HELLO\n"
[[step]]
name = "the token"
expect_regex = "TOKEN=(?P<token>\\w+)"
timeout = "2s"
[[step]]
send = "AUTH {token}\n"
[[step]]
expect_equals = "OK\n"
[[step]]
repeat = 3
steps = [ { send = "PING\n" }, { expect = "PONG", timeout = "1s" } ]
[[step]]
close = true
[[step]]
wait = "100ms"
[[step]]
connect = true
[[step]]
send = "HELLO\n"
[[step]]
expect_regex = "TOKEN=(?P<token>\\w+)"
[[step]]
send = "AUTH {token}\n"
[[step]]
expect = "OK"
"#;

#[test]
fn a_login_with_a_captured_token_a_repeat_and_a_reconnect_passes() {
    let Some((mut dev, port)) = device(false) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let seq = dir.path().join("login.toml");
    std::fs::write(&seq, LOGIN).unwrap();
    let junit = dir.path().join("report.xml");
    let record = dir.path().join("run.jsonl");
    let out = bin()
        .arg("run")
        .arg(&seq)
        .args(["--to", &format!("127.0.0.1:{port}"), "--junit"])
        .arg(&junit)
        .arg("--record")
        .arg(&record)
        .output()
        .unwrap();
    let _ = dev.kill();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    // `--record` records like the roles do, across the reconnect; `export` reads it.
    let csv = dir.path().join("run.csv");
    let exported = bin()
        .arg("export")
        .arg(&record)
        .arg("--to")
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(exported.status.code(), Some(0), "{exported:?}");
    let table = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(table.matches("TOKEN=").count(), 2, "{table}");
    assert_eq!(table.matches("HELLO").count(), 2, "{table}");
    assert_eq!(table.matches("PONG").count(), 3, "{table}");
    // 4 + 3×2 + close, wait, connect + 4 = 17 steps.
    assert!(
        text.contains("login: 17 steps, 17 passed, 0 failed, 0 skipped"),
        "{text}"
    );
    assert!(
        text.contains("step 5.2 (round 3) (line 17) pass expect contains \"PONG\""),
        "{text}"
    );
    // The second token differs from the first, and AUTH used each one.
    // What is printed is what went: the template filled in with each token.
    assert!(
        text.contains("send \"AUTH {token}\\n\" (sent 10 bytes: \"AUTH t007\\n\")"),
        "{text}"
    );
    assert!(text.contains("(sent 10 bytes: \"AUTH t014\\n\")"), "{text}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains(r#"tests="17" failures="0" skipped="0""#),
        "{xml}"
    );
    assert_eq!(xml.matches("<testcase ").count(), 17);
}

#[test]
fn a_wrong_answer_fails_with_a_hex_diff_and_skips_the_rest() {
    let Some((mut dev, port)) = device(true) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let seq = dir.path().join("login.toml");
    std::fs::write(
        &seq,
        LOGIN.replace(
            "expect = \"PONG\", timeout = \"1s\"",
            "expect_equals = \"PONG\\n\", timeout = \"300ms\"",
        ),
    )
    .unwrap();
    let junit = dir.path().join("report.xml");
    let out = bin()
        .arg("run")
        .arg(&seq)
        .args(["--to", &format!("127.0.0.1:{port}"), "--junit"])
        .arg(&junit)
        .output()
        .unwrap();
    let _ = dev.kill();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("step 5.2 (round 1) (line 17) FAIL"), "{text}");
    // PONG\n against PANG\n: the second byte.
    assert!(text.contains("expected  50 4f 4e 47 0a"), "{text}");
    assert!(text.contains("got       50 41 4e 47 0a"), "{text}");
    assert!(text.contains("1 failed, 11 skipped"), "{text}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains(r#"failures="1" skipped="11""#), "{xml}");
    assert!(
        xml.contains("<failure message=\"no matching reply in time (5 bytes arrived)"),
        "{xml}"
    );
    // A case's name is the step's, the same in every run (CI keeps its history by name).
    assert!(
        xml.contains(r#"name="step 1 (line 5): send &quot;HELLO\n&quot;""#),
        "{xml}"
    );
}

#[test]
fn udp_sequences_and_bad_files() {
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = sock.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut b = [0u8; 512];
        while let Ok((n, from)) = sock.recv_from(&mut b) {
            let _ = sock.send_to(&b[..n].to_ascii_uppercase(), from);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let seq = dir.path().join("udp.toml");
    std::fs::write(
        &seq,
        format!(
            "protocol = \"udp\"\nto = \"127.0.0.1:{port}\"\n[[step]]\nsend = \"01 02 0a\"\nhex = true\n[[step]]\nexpect_hex = \"01 02 0a\"\n[[step]]\nsend = \"abc\"\n[[step]]\nexpect_equals = \"ABC\"\n"
        ),
    )
    .unwrap();
    let out = bin().arg("run").arg(&seq).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("4 passed"), "{text}");

    std::fs::write(&seq, "protocol = \"udp\"\n\n[[step]]\nclose = true\n").unwrap();
    let out = bin()
        .arg("run")
        .arg(&seq)
        .args(["--to", "127.0.0.1:9"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 3: step 1: connect and close are for TCP"),
        "{err}"
    );
}

/// Nothing listens: the first step fails with the session's own reason, exit 1.
#[test]
fn a_refused_connection_fails_the_first_step_with_its_reason() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dir = tempfile::tempdir().unwrap();
    let seq = dir.path().join("login.toml");
    std::fs::write(&seq, LOGIN).unwrap();
    let out = bin()
        .arg("run")
        .arg(&seq)
        .args(["--to", &format!("127.0.0.1:{port}")])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("step 1 (line 5) FAIL send"), "{text}");
    assert!(text.to_lowercase().contains("refused"), "{text}");
    assert!(
        text.contains("login: 17 steps, 0 passed, 1 failed, 16 skipped"),
        "{text}"
    );
}

/// A send that can never be made is a bad file (exit 2, its line named), found before
/// anything connects: bad hex, a variable nothing captures, text the encoding cannot write.
#[test]
fn sends_that_cannot_be_made_are_a_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    for (body, says) in [
        ("[[step]]\nsend = \"zz 01\"\nhex = true\n", "hex"),
        (
            "[[step]]\nsend = \"AUTH {nope}\"\n",
            "{nope} is not captured",
        ),
        (
            "encoding = \"gbk\"\n[[step]]\nsend = \"\u{1F600}\"\n",
            "step 1",
        ),
        (
            "[[step]]\nexpect_regex = \"T=(?P<t>\\\\d+)\"\n[[step]]\nsend = \"{t} {u}\"\n",
            "{u} is not captured",
        ),
    ] {
        let seq = dir.path().join("bad.toml");
        std::fs::write(&seq, format!("protocol = \"tcp\"\n{body}")).unwrap();
        // Port 1 on loopback: had it connected first, the exit would be 1 (refused).
        let out = bin()
            .arg("run")
            .arg(&seq)
            .args(["--to", "127.0.0.1:1"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{body}: {err}");
        assert!(err.contains(says), "{body}: {err}");
        assert!(err.contains("line "), "{body}: {err}");
    }
    // A captured variable is fine.
    let seq = dir.path().join("ok.toml");
    std::fs::write(
        &seq,
        "protocol = \"tcp\"\n[[step]]\nexpect_regex = \"T=(?P<t>\\\\d+)\"\n[[step]]\nsend = \"AUTH {t}\"\nhex = false\n",
    )
    .unwrap();
    let out = bin()
        .arg("run")
        .arg(&seq)
        .args(["--to", "127.0.0.1:1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
}

/// Each send step counts its own `{seq}` (1, 2, 3 across the rounds of a repeat), and
/// `run` prints the bytes it sent, hex for a hex step: checked against what a std::net
/// device read.
#[test]
fn seq_counts_per_send_step_and_the_printed_bytes_are_the_sent_ones() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let got = std::thread::spawn(move || {
        use std::io::Read;
        let (mut s, _) = l.accept().unwrap();
        let mut all = Vec::new();
        let _ = s.read_to_end(&mut all);
        all
    });
    let dir = tempfile::tempdir().unwrap();
    let seq = dir.path().join("seq.toml");
    std::fs::write(
        &seq,
        format!(
            r#"protocol = "tcp"
to = "127.0.0.1:{port}"
[[step]]
repeat = 3
steps = [ {{ send = "PING {{seq}}\n", template = true }}, {{ send = "X{{seq:02}};", template = true }} ]
[[step]]
send = "01 ff"
hex = true
[[step]]
wait = "100ms"
[[step]]
close = true
"#
        ),
    )
    .unwrap();
    let out = bin().arg("run").arg(&seq).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let all = got.join().unwrap();
    assert_eq!(
        all,
        b"PING 1\nX01;PING 2\nX02;PING 3\nX03;\x01\xff".to_vec(),
        "{}",
        String::from_utf8_lossy(&all)
    );
    for n in 1..=3 {
        assert!(
            text.contains(&format!("(sent 7 bytes: \"PING {n}\\n\")")),
            "{text}"
        );
        assert!(
            text.contains(&format!("(sent 4 bytes: \"X0{n};\")")),
            "{text}"
        );
    }
    assert!(
        text.contains("send hex 01 ff (sent 2 bytes: 01 FF)"),
        "{text}"
    );
}

/// Every problem a file can have is found when it is read (exit 2, naming the line),
/// before anything connects: a `to` that is not HOST:PORT, an unknown encoding, a
/// `{name}` in a hex send that nothing captures, an unknown template token; and a file
/// with no `to` and no `--to` says so.
#[test]
fn file_problems_are_found_at_load_time_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let seq = dir.path().join("bad.toml");
    for (body, says) in [
        (
            "protocol = \"tcp\"\nto = \"127.0.0.1:99999\"\n[[step]]\nsend = \"a\"\n",
            "line 2: to = \"127.0.0.1:99999\"",
        ),
        (
            "protocol = \"tcp\"\nto = \"127.0.0.1:1\"\nencoding = \"klingon\"\n[[step]]\nsend = \"a\"\n",
            "line 3: encoding",
        ),
        (
            "protocol = \"tcp\"\nto = \"127.0.0.1:1\"\n\n[[step]]\nsend = \"01 {crc}\"\nhex = true\n",
            "line 4: step 1: {crc} is not captured",
        ),
        (
            "protocol = \"tcp\"\nto = \"127.0.0.1:1\"\n[[step]]\nwait = \"1ms\"\n[[step]]\nsend = \"A {token}\"\ntemplate = true\n",
            "line 5: step 2",
        ),
    ] {
        std::fs::write(&seq, body).unwrap();
        let out = bin().arg("run").arg(&seq).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{body}: {err}");
        assert!(err.contains(says), "{body}: {err}");
        assert!(out.stdout.is_empty(), "{body}: nothing ran");
    }
    std::fs::write(&seq, "protocol = \"tcp\"\n[[step]]\nsend = \"a\"\n").unwrap();
    let out = bin().arg("run").arg(&seq).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("the file has no to = \"HOST:PORT\" line"),
        "{err}"
    );
}
