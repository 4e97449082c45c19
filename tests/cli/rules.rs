//! `--rule 'MATCH => REPLY'` (issue 24): the built binary answers with what arrived — a
//! text regex's named group, a byte regex's group as raw bytes — against std::net and
//! Python peers on loopback with OS-assigned ports; a bad rule, or a group the regex does
//! not have, exits 2 naming the rule and the place before anything starts.

use crate::support::cli::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn wait_exit(child: &mut Child) -> i32 {
    for _ in 0..300 {
        if let Some(st) = child.try_wait().unwrap() {
            return st.code().unwrap_or(-1);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("socket-tester did not exit in 15 s");
}

/// Runs the binary to its end; its exit code and stderr.
fn run(args: &[&str]) -> (i32, String) {
    let out = bin().args(args).output().expect("run socket-tester");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap_or(-1), err)
}

#[test]
fn udp_recv_answers_with_the_regex_group() {
    let (mut child, lines) = spawn(&[
        "udp-recv",
        "--bind",
        "127.0.0.1:0",
        "--headless",
        "--duration",
        "3s",
        "--rule",
        r"regex:^REQ (?P<n>\d+)$ => ACK {n}",
        "--rule",
        "contains:PING => PONG {seq}",
        "--reply",
        "ERR",
    ]);
    let port = port_from(&lines, "bound");
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 256];
    for (req, ack) in [
        ("REQ 7", "ACK 7"),
        ("REQ 1001", "ACK 1001"),
        ("PING", "PONG 3"),
        ("REQ x", "ERR"),
    ] {
        peer.send_to(req.as_bytes(), ("127.0.0.1", port)).unwrap();
        let (n, _) = peer.recv_from(&mut buf).unwrap();
        assert_eq!(String::from_utf8_lossy(&buf[..n]), ack, "answer to {req}");
    }
    assert_eq!(wait_exit(&mut child), 0);
}

#[test]
fn tcp_server_answers_a_byte_regex_group_byte_for_byte() {
    let (mut child, lines) = spawn(&[
        "tcp-server",
        "--listen",
        "127.0.0.1:0",
        "--headless",
        "--duration",
        "3s",
        "--hex",
        "--rule",
        r"bytes:(?s-u)^\x01\x03(..)\x00\x02$ => 01 83 {1} {hex:ff}",
        "--rule",
        r"regex:^REQ (?P<n>\d+)$ => 41 43 4b 20 {n}",
    ]);
    let port = port_from(&lines, "listening");
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    // The group holds bytes that are no text: 0xff, 0x00, a newline.
    for group in [[0xff, 0x00], [0x0a, 0x80]] {
        s.write_all(&[1, 3, group[0], group[1], 0, 2]).unwrap();
        let mut got = [0u8; 5];
        s.read_exact(&mut got).unwrap();
        assert_eq!(got, [1, 0x83, group[0], group[1], 0xff]);
    }
    for (req, ack) in [("REQ 7", "ACK 7"), ("REQ 1001", "ACK 1001")] {
        s.write_all(req.as_bytes()).unwrap();
        let mut got = vec![0u8; ack.len()];
        s.read_exact(&mut got).unwrap();
        assert_eq!(got, ack.as_bytes());
    }
    drop(s);
    assert_eq!(wait_exit(&mut child), 0);
}

/// A Python server that asks "REQ 7" and "REQ 1001" and prints each answer.
const PY_ASKER: &str = r#"
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
c.settimeout(5)
for req in (b"REQ 7", b"REQ 1001"):
    c.sendall(req)
    print(c.recv(100).decode(), flush=True)
c.close()
"#;

#[test]
fn tcp_client_answers_a_python_server() {
    let Ok(mut py) = Command::new("python3")
        .args(["-c", PY_ASKER])
        .stdout(Stdio::piped())
        .spawn()
    else {
        eprintln!("skipped: python3 is not installed");
        return;
    };
    let mut out = BufReader::new(py.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let port: u16 = line.trim().parse().unwrap();
    let (mut child, _lines) = spawn(&[
        "tcp-client",
        "--connect",
        &format!("127.0.0.1:{port}"),
        "--headless",
        "--rule",
        r"regex:^REQ (\d+)$ => ACK {1}",
    ]);
    let mut answers = String::new();
    out.read_to_string(&mut answers).unwrap();
    assert_eq!(answers, "ACK 7\nACK 1001\n");
    assert!(py.wait().unwrap().success());
    // The server closed: the client's session ends by itself.
    assert_eq!(wait_exit(&mut child), 0);
}

#[test]
fn a_bad_rule_exits_2_naming_the_rule_and_the_place() {
    let recv = |rule: &str| {
        run(&[
            "udp-recv",
            "--bind",
            "127.0.0.1:0",
            "--headless",
            "--rule",
            "contains:PING => PONG",
            "--rule",
            rule,
        ])
    };
    let (code, err) = recv(r"regex:REQ (?P<id>\d+) => ACK {n}");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--rule 2: position 31: the regex has no group {n}"),
        "{err}"
    );
    let (code, err) = recv("REQ => ACK");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--rule 2: position 1: \"REQ\" is no match kind"),
        "{err}"
    );
    let (code, err) = recv("regex:REQ (");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--rule 2: position 12: no \"=>\""), "{err}");
    let (code, err) = recv("equals:REQ => ACK {1}");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("does not match with a regex"), "{err}");
}

/// A client that sends its request and at once half-closes (`shutdown(SHUT_WR)`, as
/// HTTP/1.0 clients and `nc -N` do) still gets the answer, then the server's FIN: each
/// of 20 clients, with `--reply` and with a rule. Before, the worker read the request and
/// the FIN together and closed before the runtime's reply reached it.
#[test]
fn a_client_that_half_closes_after_its_request_gets_the_reply() {
    for answer in [
        &["--reply", "ok"][..],
        &["--rule", r"regex:^REQ (\d+)$ => ACK {1}"],
    ] {
        let mut args = vec!["tcp-server", "--listen", "127.0.0.1:0", "--headless"];
        args.extend_from_slice(answer);
        let (mut child, lines) = spawn(&args);
        let port = port_from(&lines, "listening");
        for i in 0..20 {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            s.write_all(format!("REQ {i}").as_bytes()).unwrap();
            s.shutdown(std::net::Shutdown::Write).unwrap();
            let mut got = String::new();
            s.read_to_string(&mut got)
                .expect("the server's FIN after its reply");
            let want = if answer[0] == "--reply" {
                "ok".to_string()
            } else {
                format!("ACK {i}")
            };
            assert_eq!(got, want, "client {i} with {answer:?}");
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}
