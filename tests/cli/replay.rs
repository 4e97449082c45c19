//! `socket-tester replay`, on loopback with OS-assigned ports against std::net peers: a
//! recorded TCP client session is sent again with its spacing and, with --check, each
//! reply matches the record (exit 0); a device that answers differently gets a hex diff
//! and exit 1; UDP replays datagram by datagram; a bad record exits 2.

use std::io::{Read, Write};
use std::net::{TcpListener, UdpSocket};
use std::process::Command;
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_socket-tester"))
}

/// A TCP "device" answering each read with `answer(read)`, for one connection.
fn device(answer: fn(&[u8], usize) -> Vec<u8>) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        let mut buf = [0u8; 4096];
        let mut n_read = 0;
        while let Ok(n) = s.read(&mut buf) {
            if n == 0 {
                break;
            }
            n_read += 1;
            if s.write_all(&answer(&buf[..n], n_read)).is_err() {
                break;
            }
        }
    });
    port
}

fn upper(b: &[u8], _: usize) -> Vec<u8> {
    b.to_ascii_uppercase()
}

fn upper_but_the_second(b: &[u8], n: usize) -> Vec<u8> {
    let mut v = b.to_ascii_uppercase();
    if n == 2 {
        v[1] = b'!';
    }
    v
}

/// Records a TCP client sending "ping 1".."ping 3", 300 ms apart, to an upper-casing device.
fn record_tcp(dir: &std::path::Path) -> std::path::PathBuf {
    let rec = dir.join("tcp.jsonl");
    let port = device(upper);
    let out = bin()
        .args([
            "tcp-client",
            "--connect",
            &format!("127.0.0.1:{port}"),
            "--template",
            "--send",
            "ping {seq}",
            "--every",
            "300ms",
            "--count",
            "3",
            "--headless",
            "--record",
            rec.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    rec
}

#[test]
fn a_recorded_tcp_session_replays_with_its_spacing_and_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let rec = record_tcp(dir.path());
    let port = device(upper);
    let t = Instant::now();
    let out = bin()
        .arg("replay")
        .arg(&rec)
        .args(["--to", &format!("127.0.0.1:{port}"), "--check"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(text.matches(" ok ").count(), 3, "{text}");
    assert!(text.contains("3 replies as recorded, 0 not"), "{text}");
    // Two gaps of about 300 ms kept.
    assert!(
        t.elapsed() >= Duration::from_millis(550),
        "{:?}",
        t.elapsed()
    );

    // --speed max does not wait.
    let port = device(upper);
    let t = Instant::now();
    let out = bin()
        .arg("replay")
        .arg(&rec)
        .args(["--to", &format!("127.0.0.1:{port}"), "--speed", "max"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        t.elapsed() < Duration::from_millis(550),
        "{:?}",
        t.elapsed()
    );
}

#[test]
fn a_different_reply_is_shown_as_a_hex_diff_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let rec = record_tcp(dir.path());
    let port = device(upper_but_the_second);
    let out = bin()
        .arg("replay")
        .arg(&rec)
        .args([
            "--to",
            &format!("127.0.0.1:{port}"),
            "--check",
            "--speed",
            "4x",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("#2 DIFF"), "{text}");
    // "PING 2" against "P!NG 2": the second byte, 49 against 21.
    assert!(text.contains("expected  50 49 4e 47 20 32"), "{text}");
    assert!(text.contains("got       50 21 4e 47 20 32"), "{text}");
    assert!(text.contains("2 replies as recorded, 1 not"), "{text}");
}

#[test]
fn udp_replays_datagram_by_datagram() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("udp.jsonl");
    let echo = |sock: UdpSocket| {
        std::thread::spawn(move || {
            let mut buf = [0u8; 2048];
            while let Ok((n, from)) = sock.recv_from(&mut buf) {
                let _ = sock.send_to(&buf[..n].to_ascii_uppercase(), from);
            }
        })
    };
    let a = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = a.local_addr().unwrap().port();
    echo(a);
    let out = bin()
        .args([
            "udp-send",
            "--to",
            &format!("127.0.0.1:{port}"),
            "--template",
            "--send",
            "d{seq}",
            "--every",
            "100ms",
            "--count",
            "4",
            "--headless",
            "--record",
            rec.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let b = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = b.local_addr().unwrap().port();
    echo(b);
    let out = bin()
        .arg("replay")
        .arg(&rec)
        .args(["--to", &format!("127.0.0.1:{port}"), "--check"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("over UDP"), "{text}");
    assert!(text.contains("4 replies as recorded, 0 not"), "{text}");
}

#[test]
fn a_bad_record_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "not json\n").unwrap();
    let out = bin()
        .arg("replay")
        .arg(&bad)
        .args(["--to", "127.0.0.1:9"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1"));
}

#[test]
fn a_damaged_record_is_bad_input_naming_the_line_not_the_device_s_fault() {
    let dir = tempfile::tempdir().unwrap();
    let rec = record_tcp(dir.path());
    let text = std::fs::read_to_string(&rec).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let at = lines.iter().position(|l| l.contains("\"hex\":\"")).unwrap();
    let h = lines[at].find("\"hex\":\"").unwrap() + 7;
    lines[at].replace_range(h..h + 2, "zz");
    std::fs::write(&rec, lines.join("\n") + "\n").unwrap();
    let port = device(upper);
    let o = bin()
        .arg("replay")
        .arg(&rec)
        .args(["--to", &format!("127.0.0.1:{port}"), "--check"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("line {}", at + 1)), "{err}");
}

#[test]
fn skip_bad_replays_the_rest_and_names_each_line_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let rec = record_tcp(dir.path());
    let text = std::fs::read_to_string(&rec).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    // Damage the first sent payload: the other two are still replayed and checked.
    let at = lines
        .iter()
        .position(|l| l.contains("\"hex\":\"") && l.contains("\"tx\""))
        .unwrap_or_else(|| panic!("no tx line in {text}"));
    let h = lines[at].find("\"hex\":\"").unwrap() + 7;
    lines[at].replace_range(h..h + 2, "zz");
    std::fs::write(&rec, lines.join("\n") + "\n").unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = s.read(&mut buf) {
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
            let _ = s.write_all(&buf[..n].to_ascii_uppercase());
        }
        let _ = tx.send(got);
    });
    let o = bin()
        .arg("replay")
        .arg(&rec)
        .args(["--to", &format!("127.0.0.1:{port}"), "--speed", "max"])
        .arg("--skip-bad")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains(&format!("skipped line {}", at + 1)), "{err}");
    assert!(err.contains("skipped 1 unreadable record(s)"), "{err}");
    let got = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(String::from_utf8_lossy(&got), "ping 2ping 3");
}

#[test]
fn random_bytes_are_not_a_record_even_with_skip_bad() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.jsonl");
    let bytes: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(&junk, bytes).unwrap();
    let o = bin()
        .arg("replay")
        .arg(&junk)
        .args(["--to", "127.0.0.1:9", "--skip-bad"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("is not a record"), "{err}");
}
