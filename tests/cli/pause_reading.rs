//! `--pause-reading` / `--pause-reading-for`: the built binary, headless, as a TCP server
//! that reads nothing for a while; a std::net client makes three separate writes; on
//! resume one recv() returns all three (one rx line, one rx record of every byte). Bad
//! combinations exit 2.

use crate::support::cli::*;
use std::io::Write;
use std::net::TcpStream;
use std::process::{Child, Command};
use std::sync::mpsc;
use std::time::Duration;

/// The lines up to and including the first containing `needle`.
fn lines_until(rx: &mpsc::Receiver<String>, needle: &str) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(l) => {
                let done = l.contains(needle);
                seen.push(l);
                if done {
                    return seen;
                }
            }
            Err(e) => panic!("no line containing {needle:?} ({e}); seen: {seen:#?}"),
        }
    }
}

fn wait_exit(child: &mut Child) -> i32 {
    for _ in 0..200 {
        if let Some(st) = child.try_wait().unwrap() {
            return st.code().unwrap_or(-1);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("socket-tester did not exit in 10 s");
}

#[test]
fn a_server_paused_for_a_while_reads_three_writes_in_one_recv() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("paused.jsonl");
    let (mut child, lines) = spawn(&[
        "tcp-server",
        "--listen",
        "127.0.0.1:0",
        "--pause-reading-for",
        "1500ms",
        "--headless",
        "--duration",
        "3s",
        "--record",
        rec.to_str().unwrap(),
    ]);
    let head = lines_until(&lines, "reading paused");
    let listening = head
        .iter()
        .find(|l| l.contains("listening"))
        .expect("listening");
    let at = listening.find("local=").expect("local=") + "local=".len();
    let addr: std::net::SocketAddr = listening[at..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_nodelay(true).unwrap();
    for m in [&b"one\n"[..], b"two\n", b"three\n"] {
        s.write_all(m).unwrap();
        std::thread::sleep(Duration::from_millis(50));
    }
    let before = lines_until(&lines, "reading resumed");
    assert!(
        !before.iter().any(|l| l.contains(" rx ")),
        "nothing read while paused: {before:#?}"
    );
    let rx = lines_until(&lines, " rx ");
    let row = rx.last().unwrap();
    assert!(row.contains(" 14 "), "one read of all 14 bytes: {row}");
    drop(s);
    assert_eq!(wait_exit(&mut child), 0);
    let text = std::fs::read_to_string(&rec).expect("record file");
    let recs: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    let reads: Vec<&serde_json::Value> = recs.iter().filter(|r| r["event"] == "rx").collect();
    assert_eq!(reads.len(), 1, "{recs:#?}");
    assert_eq!(reads[0]["text"], "one\ntwo\nthree\n");
    assert!(
        recs.iter().any(|r| r["event"] == "info"
            && r["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("reading paused"))),
        "{recs:#?}"
    );
}

#[test]
fn pause_flags_out_of_place_exit_2() {
    for args in [
        &[
            "tcp-client",
            "--connect",
            "127.0.0.1:9",
            "--pause-reading",
            "--pause-reading-for",
            "1s",
        ][..],
        &["udp-recv", "--bind", "127.0.0.1:0", "--pause-reading"],
        &[
            "tcp-server",
            "--listen",
            "127.0.0.1:0",
            "--pause-reading-for",
            "soon",
        ],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_socket-tester"))
            .args(args)
            .args(["--headless"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("pause-reading"), "{args:?}: {err}");
    }
}
