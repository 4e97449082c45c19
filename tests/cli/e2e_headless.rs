//! End-to-end: the built binary in `--headless` mode with `--record`, in every role,
//! against std::net peers on loopback. The GBK reply 收到啦我反馈 must come back in the
//! record with the right text and hex.

use crate::support::cli::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::path::Path;
use std::process::Child;
use std::sync::mpsc;
use std::time::Duration;

const REPLY: &str = "收到啦我反馈";
const REPLY_HEX: &str = "cad5b5bdc0b2ced2b7b4c0a1";
const HELLO_GBK: [u8; 4] = [0xc4, 0xe3, 0xba, 0xc3]; // 你好

/// Waits for a stdout line containing `needle`.
fn wait_line(rx: &mpsc::Receiver<String>, needle: &str) -> String {
    loop {
        match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(l) if l.contains(needle) => return l,
            Ok(_) => {}
            Err(e) => panic!("no line containing {needle:?}: {e}"),
        }
    }
}

/// The port in "local=127.0.0.1:PORT".
fn local_port(line: &str) -> u16 {
    let at = line.find("local=").expect("local= in line") + "local=".len();
    let addr: std::net::SocketAddr = line[at..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    addr.port()
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

fn records(path: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).expect("record file");
    text.lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

fn assert_reply_recorded(recs: &[serde_json::Value], event: &str, session: &str) {
    let r = recs
        .iter()
        .find(|r| r["event"] == event && r["hex"] == REPLY_HEX)
        .unwrap_or_else(|| panic!("no {event} record of the reply in {recs:#?}"));
    assert_eq!(r["text"], REPLY);
    assert_eq!(r["encoding"], "gbk");
    assert_eq!(r["len"], 12);
    assert_eq!(r["session"], session);
    let ts = r["ts"].as_str().unwrap();
    assert!(ts.ends_with('Z') && ts.len() == 27, "timestamp {ts}");
    assert!(r["peer"].as_str().unwrap().starts_with("127.0.0.1:"));
}

#[test]
fn tcp_client_records_the_gbk_reply() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("client.jsonl");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4];
        s.read_exact(&mut buf).unwrap();
        s.write_all(&encoding_rs::GBK.encode(REPLY).0).unwrap();
        buf
    });
    let (mut child, _lines) = spawn(&[
        "tcp-client",
        "--connect",
        &format!("127.0.0.1:{port}"),
        "--send",
        "你好",
        "--encoding",
        "gbk",
        "--headless",
        "--record",
        rec.to_str().unwrap(),
    ]);
    assert_eq!(peer.join().unwrap(), HELLO_GBK);
    assert_eq!(wait_exit(&mut child), 0);
    let recs = records(&rec);
    assert_eq!(recs[0]["event"], "connecting");
    assert!(recs.iter().any(|r| r["event"] == "connected"));
    assert!(
        recs.iter()
            .any(|r| r["event"] == "tx" && r["hex"] == "c4e3bac3" && r["text"] == "你好")
    );
    assert_reply_recorded(&recs, "rx", "tcp-client");
    assert!(
        recs.iter()
            .any(|r| r["event"] == "closed" && r["by"] == "peer")
    );
}

#[test]
fn tcp_server_records_the_gbk_reply() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("server.jsonl");
    let (mut child, lines) = spawn(&[
        "tcp-server",
        "--listen",
        "127.0.0.1:0",
        "--reply",
        REPLY,
        "--encoding",
        "gbk",
        "--headless",
        "--duration",
        "3s",
        "--record",
        rec.to_str().unwrap(),
    ]);
    let port = local_port(&wait_line(&lines, "listening"));
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(&HELLO_GBK).unwrap();
    let mut got = [0u8; 12];
    s.read_exact(&mut got).unwrap();
    assert_eq!(encoding_rs::GBK.decode(&got).0, REPLY);
    drop(s);
    wait_line(&lines, "closed");
    assert_eq!(wait_exit(&mut child), 0);
    let recs = records(&rec);
    assert_eq!(recs[0]["event"], "listening");
    let acc = recs
        .iter()
        .find(|r| r["event"] == "accepted")
        .expect("accepted");
    assert_eq!(acc["client"], 1);
    assert!(
        recs.iter()
            .any(|r| r["event"] == "rx" && r["text"] == "你好" && r["client"] == 1)
    );
    assert_reply_recorded(&recs, "tx", "tcp-server");
}

#[test]
fn udp_receiver_records_the_gbk_reply() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("udp-recv.jsonl");
    let (mut child, lines) = spawn(&[
        "udp-recv",
        "--bind",
        "127.0.0.1:0",
        "--reply",
        REPLY,
        "--encoding",
        "gbk",
        "--headless",
        "--duration",
        "3s",
        "--record",
        rec.to_str().unwrap(),
    ]);
    let port = local_port(&wait_line(&lines, "bound"));
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    peer.send_to(&HELLO_GBK, ("127.0.0.1", port)).unwrap();
    let mut buf = [0u8; 2048];
    let (n, _) = peer.recv_from(&mut buf).unwrap();
    assert_eq!(encoding_rs::GBK.decode(&buf[..n]).0, REPLY);
    assert_eq!(wait_exit(&mut child), 0);
    let recs = records(&rec);
    let rx = recs.iter().find(|r| r["event"] == "rx").expect("rx");
    assert_eq!(rx["text"], "你好");
    assert_eq!(rx["peer"], peer.local_addr().unwrap().to_string());
    assert_reply_recorded(&recs, "tx", "udp-recv");
}

#[test]
fn udp_sender_records_the_gbk_reply() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("udp-send.jsonl");
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let port = peer.local_addr().unwrap().port();
    let (mut child, _lines) = spawn(&[
        "udp-send",
        "--to",
        &format!("127.0.0.1:{port}"),
        "--send",
        "你好",
        "--count",
        "1",
        "--encoding",
        "gbk",
        "--headless",
        "--record",
        rec.to_str().unwrap(),
    ]);
    let mut buf = [0u8; 2048];
    let (n, from) = peer.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], HELLO_GBK);
    peer.send_to(&encoding_rs::GBK.encode(REPLY).0, from)
        .unwrap();
    // Exits by itself: the count is done and 1 s passes with nothing received.
    assert_eq!(wait_exit(&mut child), 0);
    let recs = records(&rec);
    assert_eq!(recs[0]["event"], "bound");
    assert_reply_recorded(&recs, "rx", "udp-send");
}

#[test]
fn bad_arguments_exit_2_with_a_message() {
    for args in [
        &["udp-recv", "--bind", "127.0.0.1:70000"][..],
        &[
            "tcp-client",
            "--connect",
            "127.0.0.1:1",
            "--hex",
            "--send",
            "4G",
        ],
        &[
            "tcp-server",
            "--listen",
            "127.0.0.1:0",
            "--encoding",
            "klingon",
        ],
        &["udp-send", "--to", "nowhere"],
    ] {
        let out = bin().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("error"), "{args:?}: {err}");
    }
}

#[test]
fn refused_connection_exits_1_and_says_why() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    let out = bin()
        .args([
            "tcp-client",
            "--connect",
            &format!("127.0.0.1:{port}"),
            "--headless",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("refused"));
}

#[test]
fn help_and_version() {
    let out = bin().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("udp-send") && help.contains("tcp-server") && help.contains("Examples"));
    let out = bin().arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(env!("CARGO_PKG_VERSION")));
}

/// `--coalesce 3`: three auto-sends held and written at once, so the peer's one read gets
/// all three (粘包); `--split 2 --split-gap 300ms`: one send read as 2-byte chunks (拆包).
#[test]
fn tcp_client_write_shaping_flags_reach_the_wire() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (mut child, _lines) = spawn(&[
        "tcp-client",
        "--connect",
        &format!("127.0.0.1:{port}"),
        "--send",
        "abc",
        "--every",
        "20ms",
        "--count",
        "3",
        "--coalesce",
        "3",
        "--headless",
    ]);
    let (mut conn, _) = listener.accept().unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    std::thread::sleep(Duration::from_millis(400));
    let mut buf = [0u8; 64];
    let n = conn.read(&mut buf).unwrap();
    assert_eq!(
        &buf[..n],
        b"abcabcabc",
        "three messages, one write, one read"
    );
    drop(conn);
    assert_eq!(wait_exit(&mut child), 0);

    let (mut child, _lines) = spawn(&[
        "tcp-client",
        "--connect",
        &format!("127.0.0.1:{port}"),
        "--send",
        "abcdef",
        "--split",
        "2",
        "--split-gap",
        "300ms",
        "--headless",
    ]);
    let (mut conn, _) = listener.accept().unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut chunks = Vec::new();
    let mut total = 0;
    while total < 6 {
        let n = conn.read(&mut buf).unwrap();
        assert!(n > 0, "EOF after {total} bytes");
        chunks.push(buf[..n].to_vec());
        total += n;
    }
    assert_eq!(chunks, vec![b"ab".to_vec(), b"cd".to_vec(), b"ef".to_vec()]);
    drop(conn);
    assert_eq!(wait_exit(&mut child), 0);
}

/// `--tls` end to end: the binary as a TLS server (its self-signed certificate made in
/// the data folder) answers the binary as a TLS client (trusting that certificate with
/// --ca) in GBK; both records hold the plaintext, and both print the handshake.
#[test]
fn tls_server_and_client_exchange_gbk_and_record_plaintext() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let srv_rec = dir.path().join("srv.jsonl");
    let cli_rec = dir.path().join("cli.jsonl");
    let mut server = bin();
    server.env("SOCKET_TESTER_DATA_DIR", &data);
    let (mut srv, srv_lines) = spawn_cmd(
        server,
        &[
            "tcp-server",
            "--listen",
            "127.0.0.1:0",
            "--tls",
            "--reply",
            REPLY,
            "--encoding",
            "gbk",
            "--headless",
            "--duration",
            "4s",
            "--record",
            srv_rec.to_str().unwrap(),
        ],
    );
    let port = local_port(&wait_line(&srv_lines, "listening"));
    let cert_line = wait_line(&srv_lines, "TLS on");
    assert!(cert_line.contains("SHA-256"), "{cert_line}");
    let ca = data.join("tls-cert.pem");
    let (mut cli, cli_lines) = spawn(&[
        "tcp-client",
        "--connect",
        &format!("127.0.0.1:{port}"),
        "--tls",
        "--ca",
        ca.to_str().unwrap(),
        "--sni",
        "localhost",
        "--send",
        "你好",
        "--encoding",
        "gbk",
        "--headless",
        "--duration",
        "2s",
        "--record",
        cli_rec.to_str().unwrap(),
    ]);
    let ready = wait_line(&cli_lines, "TLS ready");
    assert!(ready.contains("TLSv1.3"), "{ready}");
    wait_line(&cli_lines, REPLY);
    assert_eq!(wait_exit(&mut cli), 0);
    assert_eq!(wait_exit(&mut srv), 0);
    let cli = records(&cli_rec);
    assert_reply_recorded(&cli, "rx", "tcp-client");
    // --send went out on connect, but is told sent only after the handshake.
    let ready_at = cli.iter().position(|r| r["tls"].is_object()).expect("tls");
    let tx_at = cli.iter().position(|r| r["event"] == "tx").expect("tx");
    assert!(ready_at < tx_at, "the handshake's row comes first");
    let recs = records(&srv_rec);
    assert!(
        recs.iter()
            .any(|r| r["event"] == "rx" && r["text"] == "你好")
    );
    assert_reply_recorded(&recs, "tx", "tcp-server");
    let ready = recs
        .iter()
        .find(|r| r["tls"].is_object())
        .expect("a TLS record");
    assert_eq!(ready["tls"]["version"], "TLSv1.3");

    // The pcapng export says, on each data packet, that its bytes are decrypted TLS.
    let pcap = dir.path().join("cli.pcapng");
    let o = bin()
        .arg("export")
        .arg(&cli_rec)
        .arg("--to")
        .arg(&pcap)
        .output()
        .unwrap();
    assert!(o.status.success());
    let bytes = std::fs::read(&pcap).unwrap();
    let mut reader = pcap_file::pcapng::PcapNgReader::new(&bytes[..]).unwrap();
    let (mut data, mut commented) = (0, 0);
    while let Some(block) = reader.next_block() {
        let Some(epb) = block.unwrap().into_enhanced_packet() else {
            continue;
        };
        let p = etherparse::SlicedPacket::from_ip(&epb.data).unwrap();
        let Some(etherparse::TransportSlice::Tcp(t)) = p.transport else {
            continue;
        };
        if t.payload().is_empty() {
            continue;
        }
        data += 1;
        commented += epb.options.iter().any(|o| {
            matches!(o,
            pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketOption::Comment(c)
                if c.contains("TLS-decrypted") && c.contains("TLSv1.3"))
        }) as usize;
    }
    assert_eq!(
        (data, commented),
        (2, 2),
        "the request and the reply, both marked"
    );
}

#[test]
fn tls_flags_out_of_place_exit_2() {
    for args in [
        // --key needs --cert; --cert needs --tls.
        &[
            "tcp-client",
            "--connect",
            "127.0.0.1:1",
            "--tls",
            "--key",
            "k.pem",
        ][..],
        &["tcp-client", "--connect", "127.0.0.1:1", "--cert", "c.pem"][..],
        // A server does not check its own name or skip checks.
        &[
            "tcp-server",
            "--listen",
            "127.0.0.1:0",
            "--tls",
            "--insecure",
            "--headless",
        ][..],
        &[
            "tcp-client",
            "--connect",
            "127.0.0.1:1",
            "--tls",
            "--insecure",
            "--ca",
            "x",
        ][..],
    ] {
        let out = bin().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?} says why");
    }
}

/// Expect and auto-reply over TLS: the client's three tries each pass against the
/// server's --reply, through TLS, and the exit code says so.
#[test]
fn expect_passes_over_tls() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = bin();
    server.env("SOCKET_TESTER_DATA_DIR", &data);
    let (mut srv, srv_lines) = spawn_cmd(
        server,
        &[
            "tcp-server",
            "--listen",
            "127.0.0.1:0",
            "--tls",
            "--reply",
            "pong",
            "--headless",
            "--duration",
            "5s",
        ],
    );
    let port = local_port(&wait_line(&srv_lines, "listening"));
    wait_line(&srv_lines, "TLS on");
    let ca = data.join("tls-cert.pem");
    let out = bin()
        .args([
            "tcp-client",
            "--connect",
            &format!("127.0.0.1:{port}"),
            "--tls",
            "--ca",
            ca.to_str().unwrap(),
            "--sni",
            "localhost",
            "--send",
            "ping",
            "--every",
            "100ms",
            "--count",
            "3",
            "--expect",
            "pong",
            "--headless",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(text.matches("expect #").count(), 3, "{text}");
    assert!(!text.contains("FAIL"), "{text}");
    let _ = srv.kill();
    let _ = srv.wait();
}
