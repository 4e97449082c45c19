//! End-to-end: the built binary's headless `--expect` against std::net echo peers on
//! loopback. All tries pass → exit 0 and a PASS summary; a reply that never matches →
//! exit 1 and a FAIL summary. Also `--template` ({seq}) and the CSV report.

use std::io::{Read, Write};
use std::net::{TcpListener, UdpSocket};
use std::process::{Command, Output};
use std::time::Duration;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_socket-tester"))
        .args(args)
        .output()
        .expect("run socket-tester")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A TCP echo server for one connection; returns its address.
fn tcp_echo() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        if let Ok((mut s, _)) = l.accept() {
            let mut buf = [0u8; 4096];
            while let Ok(n) = s.read(&mut buf) {
                if n == 0 || s.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    });
    addr
}

/// A UDP echo peer that answers with `prefix` + the datagram.
fn udp_echo(prefix: &'static [u8]) -> String {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = s.local_addr().unwrap().to_string();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok((n, from)) = s.recv_from(&mut buf) {
            let mut reply = prefix.to_vec();
            reply.extend_from_slice(&buf[..n]);
            let _ = s.send_to(&reply, from);
        }
    });
    addr
}

#[test]
fn tcp_expect_all_pass_exits_zero_with_report() {
    let addr = tcp_echo();
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.csv");
    let o = run(&[
        "tcp-client",
        "--connect",
        &addr,
        "--send",
        "PING {seq:03}",
        "--template",
        "--expect",
        "PING",
        "--count",
        "5",
        "--expect-report",
        report.to_str().unwrap(),
        "--headless",
    ]);
    let out = stdout(&o);
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout:\n{out}\nstderr:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.contains("expect: PASS 5/5 passed, 0 failed; latency min"),
        "{out}"
    );
    for n in 1..=5 {
        assert!(out.contains(&format!("expect #{n} pass")), "{out}");
        // {seq:03} went out as 001..005 and came back.
        assert!(out.contains(&format!("PING 00{n}")), "{out}");
    }
    // Every line of the CSV is a row (a spreadsheet reads no comment lines as data); the
    // summary is in its own file beside it.
    let csv = std::fs::read_to_string(&report).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 6, "{csv}");
    assert!(rows[1..].iter().all(|r| r.contains(",pass,")), "{csv}");
    assert!(rows.iter().all(|r| r.split(',').count() == 7), "{csv}");
    let summary = std::fs::read_to_string(report.with_file_name(format!(
        "{}.summary.txt",
        report.file_stem().unwrap().to_string_lossy()
    )))
    .unwrap();
    assert!(
        summary.starts_with("PASS 5/5 passed, 0 failed"),
        "{summary}"
    );
}

#[test]
fn udp_expect_failing_exits_one() {
    let addr = udp_echo(b"");
    let o = run(&[
        "udp-send",
        "--to",
        &addr,
        "--send",
        "hello",
        "--expect",
        "goodbye",
        "--expect-timeout",
        "200ms",
        "--count",
        "2",
        "--headless",
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("expect: FAIL 0/2 passed, 2 failed"), "{out}");
    assert!(
        out.contains("expect #1 FAIL no matching reply within 200.0 ms; got 5 bytes"),
        "{out}"
    );
}

#[test]
fn udp_expect_hex_passes() {
    let addr = udp_echo(b"\x01\x03");
    let o = run(&[
        "udp-send",
        "--to",
        &addr,
        "--hex",
        "--send",
        "00 0a",
        "--expect",
        "01 03 00",
        "--count",
        "3",
        "--every",
        "10ms",
        "--headless",
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("expect: PASS 3/3 passed"), "{out}");
}

#[test]
fn no_peer_fails_rather_than_hangs() {
    // A port with nobody listening: TCP connect is refused, the run ends with exit 1.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let o = run(&[
        "tcp-client",
        "--connect",
        &addr,
        "--send",
        "x",
        "--expect",
        "y",
        "--count",
        "3",
        "--headless",
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("expect: FAIL 0/3 passed, 0 failed, 3 not run"),
        "{out}"
    );
}

#[test]
fn bad_expect_arguments_exit_two() {
    let o = run(&[
        "udp-send",
        "--to",
        "127.0.0.1:9",
        "--hex",
        "--send",
        "00",
        "--expect",
        "0G",
        "--headless",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--expect"),
        "{o:?}"
    );
    let o = run(&[
        "udp-send",
        "--to",
        "127.0.0.1:9",
        "--send",
        "{nope}",
        "--template",
        "--headless",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("position 2"),
        "{o:?}"
    );
    let o = run(&[
        "udp-send",
        "--to",
        "127.0.0.1:9",
        "--expect",
        "x",
        "--headless",
    ]);
    assert_eq!(o.status.code(), Some(2), "--expect needs --send");
}
