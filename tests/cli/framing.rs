//! `--framing` (issue item 5): a Python Modbus/TCP client and device on loopback
//! (OS-assigned ports). The TCP server with `--framing mbap` shows two requests that came
//! in one write as two rows and answers each (its `--rule` matches frames); the TCP client
//! shows a response split across two writes as one row, and two responses in one write as
//! two. A bad `--framing` exits 2 naming the part that is wrong.

use crate::support::cli::*;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Every stdout line until the process ends (at most 20 s).
fn rest(child: &mut Child, rx: &mpsc::Receiver<String>) -> (i32, Vec<String>) {
    let mut lines = Vec::new();
    for _ in 0..400 {
        while let Ok(l) = rx.try_recv() {
            lines.push(l);
        }
        if let Some(st) = child.try_wait().unwrap() {
            // It has exited: the rest of its stdout, to the end (the reader thread may
            // still be passing on the last lines).
            lines.extend(rx.iter());
            return (st.code().unwrap_or(-1), lines);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("socket-tester did not exit: {lines:#?}");
}

fn rx_rows(lines: &[String]) -> Vec<&String> {
    lines
        .iter()
        .filter(|l| l.split_whitespace().nth(1) == Some("rx"))
        .collect()
}

/// Modbus/TCP in Python: `req(tid, addr, qty)` and `resp(tid, values)` build ADUs.
const PY_MODBUS: &str = r#"
import socket, struct, sys, time
def req(tid, addr, qty):
    return struct.pack(">HHHBBHH", tid, 0, 6, 1, 3, addr, qty)
def resp(tid, values):
    body = struct.pack(">BBB", 1, 3, 2 * len(values)) + b"".join(struct.pack(">H", v) for v in values)
    return struct.pack(">HHH", tid, 0, len(body)) + body
def read_adu(c):
    head = b""
    while len(head) < 6:
        b = c.recv(6 - len(head))
        if not b:
            return None
        head += b
    n = struct.unpack(">H", head[4:6])[0]
    body = b""
    while len(body) < n:
        body += c.recv(n - len(body))
    return head + body
"#;

/// The client: two requests in one write, then one request split across two writes;
/// prints each response in hex.
const PY_CLIENT: &str = r#"
port = int(sys.argv[1])
c = socket.create_connection(("127.0.0.1", port))
c.settimeout(5)
c.sendall(req(1, 0, 2) + req(2, 16, 1))
for _ in range(2):
    print(read_adu(c).hex(), flush=True)
third = req(3, 32, 3)
c.sendall(third[:5])
time.sleep(0.3)
c.sendall(third[5:])
print(read_adu(c).hex(), flush=True)
c.close()
"#;

/// The device: for the first request, its response in two writes (5 bytes, a pause,
/// the rest), then two more responses in one write; then it closes.
const PY_DEVICE: &str = r#"
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
c.settimeout(5)
r = read_adu(c)
tid = struct.unpack(">H", r[:2])[0]
first = resp(tid, [42, 7])
c.sendall(first[:5])
time.sleep(0.3)
c.sendall(first[5:])
time.sleep(0.3)
c.sendall(resp(100, [1]) + resp(101, [2, 3, 4]))
time.sleep(0.3)
c.close()
"#;

fn python(code: &str, arg: Option<&str>) -> Option<Child> {
    let mut cmd = Command::new("python3");
    cmd.args(["-c", &format!("{PY_MODBUS}{code}")]);
    if let Some(a) = arg {
        cmd.arg(a);
    }
    match cmd.stdout(Stdio::piped()).spawn() {
        Ok(c) => Some(c),
        Err(_) => {
            eprintln!("skipped: python3 is not installed");
            None
        }
    }
}

#[test]
fn a_server_with_mbap_framing_shows_and_answers_each_request() {
    let (mut srv, lines) = spawn(&[
        "tcp-server",
        "--listen",
        "127.0.0.1:0",
        "--headless",
        "--duration",
        "4s",
        "--hex",
        "--framing",
        "mbap",
        // Echo the transaction id, answer one register (0x002a).
        "--rule",
        r"bytes:(?s-u)^(..)\x00\x00\x00\x06\x01\x03 => {1} 00 00 00 05 01 03 02 00 2a",
    ]);
    let port = port_from(&lines, "listening");
    let Some(mut py) = python(PY_CLIENT, Some(&port.to_string())) else {
        let _ = srv.kill();
        return;
    };
    let mut answers = Vec::new();
    for line in BufReader::new(py.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok)
    {
        answers.push(line);
    }
    assert!(py.wait().unwrap().success());
    assert_eq!(
        answers,
        [
            "00010000000501030200 2a".replace(' ', ""),
            "00020000000501030200 2a".replace(' ', ""),
            "00030000000501030200 2a".replace(' ', ""),
        ]
    );
    let (_, out) = rest(&mut srv, &lines);
    let rx = rx_rows(&out);
    // Two requests in one write: two rows; one request in two writes: one row.
    assert_eq!(rx.len(), 3, "{out:#?}");
    assert!(rx[0].contains("000100000006010300000002 "), "{out:#?}");
    assert!(rx[1].contains("000200000006010300100001 "), "{out:#?}");
    assert!(rx[2].contains("000300000006010300200003 "), "{out:#?}");
}

#[test]
fn a_client_with_a_length_field_framing_joins_a_split_response_and_splits_two() {
    let Some(mut py) = python(PY_DEVICE, None) else {
        return;
    };
    let mut line = String::new();
    BufReader::new(py.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line.trim();
    let (mut cli, lines) = spawn(&[
        "tcp-client",
        "--connect",
        &format!("127.0.0.1:{port}"),
        "--headless",
        "--hex",
        // MBAP written out: the length field at byte 4, 2 bytes, big-endian.
        "--framing",
        "length:4:2:be:0",
        "--send",
        "00 09 00 00 00 06 01 03 00 00 00 02",
    ]);
    let (code, out) = rest(&mut cli, &lines);
    let _ = py.wait();
    assert_eq!(code, 0, "{out:#?}");
    let rx = rx_rows(&out);
    assert_eq!(rx.len(), 3, "{out:#?}");
    assert!(rx[0].contains("000900000007010304002a0007 "), "{out:#?}");
    assert!(rx[1].contains("0064000000050103020001 "), "{out:#?}");
    assert!(
        rx[2].contains("006500000009010306000200030004 "),
        "{out:#?}"
    );
}

#[test]
fn a_bad_framing_exits_2_naming_what_is_wrong() {
    for (framing, says) in [
        ("length:4:3:be", "width \"3\""),
        ("length:4:2:sideways", "byte order \"sideways\""),
        ("length:4:2:be:six", "adjustment \"six\""),
        ("length:4", "missing the width"),
        ("fixed:0", "fixed length \"0\""),
        ("delimiter:0g", "delimiter"),
        ("frames", "\"frames\" is not a framing"),
    ] {
        for role in [
            ["tcp-client", "--connect", "127.0.0.1:1"],
            ["tcp-server", "--listen", "127.0.0.1:0"],
        ] {
            let out = bin()
                .args(role)
                .args(["--headless", "--framing", framing])
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{framing}: {err}");
            assert!(err.contains("--framing"), "{framing}: {err}");
            assert!(err.contains(says), "{framing}: {err}");
        }
    }
}

/// A peer that declares a 4 GiB frame: the row is cut at the cap, a line says the frame
/// was too long, and the memory stays bounded (the process ends normally).
#[test]
fn a_huge_declared_length_is_cut_and_said() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::Write;
        let (mut s, _) = l.accept().unwrap();
        let _ = s.write_all(b"\xff\xff\xff\xff");
        let chunk = vec![b'x'; 64 * 1024];
        for _ in 0..32 {
            if s.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    let (mut cli, lines) = spawn(&[
        "tcp-client",
        "--connect",
        &format!("127.0.0.1:{port}"),
        "--headless",
        "--framing",
        "length:0:4:be",
    ]);
    let (code, out) = rest(&mut cli, &lines);
    assert_eq!(code, 0, "{out:#?}");
    let rx = rx_rows(&out);
    assert_eq!(rx.len(), 1, "{out:#?}");
    assert!(
        out.iter()
            .any(|l| l == "frame too long: cut at 65536 bytes, the rest of it skipped"),
        "{out:#?}"
    );
}
