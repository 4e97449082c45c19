//! WebSocket on the command line: bad URLs and options exit 2 with the reason; a
//! `tcp-server --websocket` recorded as JSON Lines (one record per message, with its
//! opcode) and as pcapng that tshark decodes as WebSocket with `-d tcp.port==P,websocket`,
//! against Python's `websockets` client.

use crate::support::cli::{bin, port_from, spawn};
use crate::support::ws::WsPy;
use std::process::Command;

fn run(args: &[&str]) -> std::process::Output {
    bin().args(args).output().expect("run socket-tester")
}

#[test]
fn bad_websocket_input_exits_2_with_the_reason() {
    let cases: &[(&[&str], &str)] = &[
        (&["tcp-client", "--connect", "ws://:80/"], "no host"),
        (&["tcp-client", "--connect", "ws://h:1/x#top"], "#fragment"),
        (
            &["tcp-client", "--connect", "ws://me:pw@h:1/"],
            "as a header",
        ),
        (&["tcp-client", "--connect", "ws://h:0/"], "port"),
        (&["tcp-client", "--connect", "wss://h:99999/"], "port"),
        (
            &[
                "tcp-client",
                "--connect",
                "ws://127.0.0.1:9/",
                "--header",
                "NoColon",
            ],
            "NAME: VALUE",
        ),
        (
            &["tcp-client", "--connect", "127.0.0.1:9", "--header", "A: b"],
            "need --connect ws://",
        ),
        (
            &["tcp-client", "--connect", "ws://127.0.0.1:9/", "--tls"],
            "wss://",
        ),
        (
            &[
                "tcp-client",
                "--connect",
                "ws://127.0.0.1:9/",
                "--websocket",
            ],
            "for tcp-server",
        ),
        (
            &[
                "tcp-server",
                "--listen",
                "127.0.0.1:0",
                "--subprotocol",
                "chat",
            ],
            "need --websocket",
        ),
        (
            &[
                "tcp-server",
                "--listen",
                "127.0.0.1:0",
                "--websocket",
                "--ws-path",
                "x",
            ],
            "not a path",
        ),
        (
            &[
                "tcp-server",
                "--listen",
                "127.0.0.1:0",
                "--websocket",
                "--max-message",
                "65M",
            ],
            "64M",
        ),
        (
            &[
                "tcp-server",
                "--listen",
                "127.0.0.1:0",
                "--websocket",
                "--subprotocol",
                "a b",
            ],
            "not a token",
        ),
    ];
    for (args, says) in cases {
        let out = run(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn a_websocket_server_records_messages_and_pcapng_tshark_decodes() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("ws.jsonl");
    let pcap = dir.path().join("ws.pcapng");
    let (mut app, rx) = spawn(&[
        "tcp-server",
        "--listen",
        "127.0.0.1:0",
        "--websocket",
        "--reply",
        "ok",
        "--record",
        jsonl.to_str().unwrap(),
        "--headless",
    ]);
    let port = port_from(&rx, "listening");
    let url = format!("ws://127.0.0.1:{port}/rec");
    let Some(mut py) = WsPy::client(&url, None, "text,recv,binary,recv,close") else {
        let _ = app.kill();
        return;
    };
    assert_eq!(py.until("GOT"), "GOT ok");
    assert_eq!(py.until("GOT"), "GOT ok");
    assert_eq!(py.until("CLOSED"), "CLOSED 4001 bye");
    // The record is written on its own thread: wait (a while at most) for the last record,
    // the client's close, to be on disk before the kill.
    let t = std::time::Instant::now();
    let closed = |s: String| {
        s.lines().any(|l| {
            serde_json::from_str::<serde_json::Value>(l)
                .is_ok_and(|r| r["ws"]["close"]["code"] == 4001)
        })
    };
    while !std::fs::read_to_string(&jsonl).is_ok_and(closed)
        && t.elapsed() < std::time::Duration::from_secs(10)
    {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = app.kill();
    let _ = app.wait();

    // JSON Lines: one record per message with its opcode; the handshake typed.
    let text = std::fs::read_to_string(&jsonl).unwrap();
    let recs: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let rx: Vec<(&str, &str)> = recs
        .iter()
        .filter(|r| r["event"] == "rx")
        .map(|r| (r["opcode"].as_str().unwrap(), r["hex"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rx,
        [("text", "68656c6c6f20e4bda0e5a5bd"), ("binary", "0001feff")]
    );
    let open = recs
        .iter()
        .find(|r| r["ws"]["open"].is_object())
        .expect("the handshake's record");
    assert_eq!(open["ws"]["open"]["path"], "/rec");
    assert!(
        open["ws"]["open"]["request"]
            .as_str()
            .unwrap()
            .contains("X-Who: py")
    );
    assert!(recs.iter().any(|r| r["ws"]["close"]["code"] == 4001));

    // The export to pcapng; tshark (where installed) reads the frames.
    let out = run(&[
        "export",
        jsonl.to_str().unwrap(),
        "--to",
        pcap.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let Ok(o) = Command::new("tshark")
        .arg("-r")
        .arg(&pcap)
        .args(["-d", &format!("tcp.port=={port},websocket")])
        .args([
            "-T",
            "fields",
            "-e",
            "websocket.opcode",
            "-e",
            "websocket.mask",
        ])
        .args([
            "-e",
            "websocket.payload.text",
            "-e",
            "websocket.payload.close.status_code",
        ])
        .args(["-Y", "websocket"])
        .output()
    else {
        eprintln!("skipped: tshark is not installed");
        return;
    };
    let lines = String::from_utf8_lossy(&o.stdout);
    let rows: Vec<Vec<&str>> = lines.lines().map(|l| l.split('\t').collect()).collect();
    // (opcode, masked, text, close code): the client's frames masked, ours not.
    let want: Vec<Vec<&str>> = vec![
        vec!["1", "1", "hello 你好", ""],
        vec!["1", "0", "ok", ""],
        vec!["2", "1", "", ""],
        vec!["1", "0", "ok", ""],
        vec!["8", "1", "", "4001"],
        vec!["8", "0", "", "4001"],
    ];
    assert_eq!(rows, want, "{lines}");
}

/// A server that is no WebSocket server: its HTTP 404 to the upgrade is a refusal with the
/// status, and the session a failure (exit 1); one that never answers is refused after the
/// handshake's 10 s, not ended quietly as if the send were done.
#[test]
fn a_refused_or_unanswered_upgrade_is_a_failure() {
    use std::io::{Read, Write};
    for answer in [true, false] {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut c, _) = l.accept().unwrap();
            let mut b = [0u8; 1024];
            let _ = c.read(&mut b);
            if answer {
                let _ = c.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
            }
            // Hold the connection open until the client gives up.
            let _ = c.read(&mut b);
        });
        let t = std::time::Instant::now();
        let out = run(&[
            "tcp-client",
            "--connect",
            &format!("ws://127.0.0.1:{port}/x"),
            "--send",
            "hi",
            "--headless",
            "--duration",
            "30s",
        ]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{text}");
        let why = if answer {
            "HTTP 404"
        } else {
            "no handshake within 10 s"
        };
        assert!(text.contains(why), "{text}");
        assert!(!text.contains(" tx "), "nothing was sent: {text}");
        if !answer {
            assert!(t.elapsed() >= std::time::Duration::from_secs(9), "{text}");
        }
        server.join().unwrap();
    }
}
