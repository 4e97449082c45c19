//! The relay's pcapng timing, read by tshark (skipped, and said, without it): each leg's
//! packets at the time they really went, so `--latency 100` shows as a gap of at least
//! 95 ms between a chunk on the client's leg and the same chunk on the server's (both
//! ways), and a FIN carried comes after the FIN that caused it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::Duration;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_socket-tester"))
}

/// An echo server for one client: it echoes until EOF, then sends its own FIN.
fn echo_once() -> String {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let a = l.local_addr().expect("addr").to_string();
    std::thread::spawn(move || {
        if let Ok((mut c, _)) = l.accept() {
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

/// tshark's rows for `filter`: (time, stream) of each packet, in time order.
fn rows(file: &std::path::Path, filter: &str) -> Vec<(f64, u32)> {
    let o = Command::new("tshark")
        .arg("-r")
        .arg(file)
        .args(["-Y", filter, "-T", "fields"])
        .args(["-e", "frame.time_epoch", "-e", "tcp.stream"])
        .output()
        .expect("tshark");
    let text = String::from_utf8_lossy(&o.stdout);
    let mut v: Vec<(f64, u32)> = text
        .lines()
        .filter_map(|l| {
            let (t, s) = l.split_once('\t')?;
            Some((t.trim().parse().ok()?, s.trim().parse().ok()?))
        })
        .collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    v
}

/// The times of stream `s`'s rows.
fn times(rows: &[(f64, u32)], s: u32) -> Vec<f64> {
    rows.iter().filter(|r| r.1 == s).map(|r| r.0).collect()
}

#[test]
fn a_latency_is_the_gap_between_the_legs_and_a_carried_fin_comes_after_its_cause() {
    if Command::new("tshark").arg("--version").output().is_err() {
        eprintln!("no tshark: skipped");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let record = dir.path().join("relay.pcapng");
    let mut child = bin()
        .args(["relay", "--listen", "127.0.0.1:0", "--to", &echo_once()])
        .args(["--latency", "100", "--headless", "--duration", "3s"])
        .arg("--record")
        .arg(&record)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let at = loop {
        let mut line = String::new();
        assert!(out.read_line(&mut line).expect("read") > 0, "ended early");
        if let Some((_, rest)) = line.split_once("listening on ") {
            break rest.split_whitespace().next().expect("address").to_string();
        }
    };
    let mut c = TcpStream::connect(&at).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    // The FIN right behind the data: the relay reads both at once, and carries the FIN
    // only after the data it held.
    c.write_all(b"hello").expect("write");
    c.shutdown(Shutdown::Write).expect("FIN");
    let mut back = Vec::new();
    c.read_to_end(&mut back).expect("the echo and the FIN");
    assert_eq!(back, b"hello");
    let mut rest = String::new();
    out.read_to_string(&mut rest).expect("read");
    assert_eq!(child.wait().expect("wait").code(), Some(0), "{rest}");

    // Stream 0: client ↔ relay; stream 1: relay ↔ server. Up: read on 0, written on 1;
    // down: read on 1, written on 0.
    let data = rows(&record, "tcp.len > 0");
    let (client, server) = (times(&data, 0), times(&data, 1));
    assert_eq!((client.len(), server.len()), (2, 2), "{data:?}");
    let up = server[0] - client[0];
    let down = client[1] - server[1];
    assert!(up >= 0.095, "up: {up:.4} s between the legs");
    assert!(down >= 0.095, "down: {down:.4} s between the legs");
    assert!(up < 1.0 && down < 1.0, "{up} {down}");

    // FINs: the client's (on 0) before the one carried to the server (on 1, after the
    // held data); the server's (on 1) before the one carried to the client (on 0).
    let fins = rows(&record, "tcp.flags.fin == 1");
    let (client, server) = (times(&fins, 0), times(&fins, 1));
    assert_eq!((client.len(), server.len()), (2, 2), "{fins:?}");
    assert!(
        server[0] - client[0] >= 0.095,
        "the FIN behind held data is carried after it: {fins:?}"
    );
    assert!(
        client[1] >= server[1],
        "the server's FIN, then the carried one: {fins:?}"
    );

    // The ports are the OS's choice, and tshark gives some to protocols (TZSP on
    // 37008…): each is decoded as plain data, so only our own framing is judged.
    let ports = Command::new("tshark")
        .arg("-r")
        .arg(&record)
        .args(["-T", "fields", "-e", "tcp.srcport", "-e", "tcp.dstport"])
        .output()
        .expect("tshark");
    let ports: std::collections::BTreeSet<String> = String::from_utf8_lossy(&ports.stdout)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let mut bad = Command::new("tshark");
    bad.arg("-r").arg(&record);
    for p in &ports {
        bad.args(["-d", &format!("tcp.port=={p},data")]);
    }
    let bad = bad
        .args(["-Y", "_ws.malformed || _ws.expert.severity >= error"])
        .output()
        .expect("tshark");
    assert!(
        String::from_utf8_lossy(&bad.stdout).trim().is_empty(),
        "no malformed packets: {}",
        String::from_utf8_lossy(&bad.stdout)
    );
}
