//! `--record FILE.pcapng`: the binary writes pcapng as events happen, the same packets as
//! the export (a synthesised TCP handshake and teardown). Into a file, read back with
//! pcap-file; into a FIFO that a reader follows while the app runs (tshark where it is
//! installed, reporting no malformed packet; else pcap-file on the pipe), on loopback
//! with OS-assigned ports against std::net peers.

use etherparse::{SlicedPacket, TransportSlice};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_socket-tester"))
}

/// Starts the binary headless; returns it and the port of its first "local=" line.
fn start(args: &[&str]) -> (Child, u16, std::sync::mpsc::Receiver<String>) {
    let mut child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(l);
        }
    });
    let line = loop {
        let l = rx.recv_timeout(Duration::from_secs(10)).expect("a line");
        if l.contains("local=") {
            break l;
        }
    };
    let at = line.find("local=").unwrap() + 6;
    let addr: std::net::SocketAddr = line[at..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    (child, addr.port(), rx)
}

/// (UDP payloads, TCP flags seen as "S", "SA", "PA", "F", "R", TCP payload bytes).
fn packets(bytes: &[u8]) -> (Vec<Vec<u8>>, Vec<String>, Vec<u8>) {
    let mut r = pcap_file::pcapng::PcapNgReader::new(bytes).unwrap();
    let (mut udp, mut flags, mut tcp) = (vec![], vec![], vec![]);
    while let Some(b) = r.next_block() {
        let Some(epb) = b.unwrap().into_enhanced_packet() else {
            continue;
        };
        match SlicedPacket::from_ip(&epb.data).unwrap().transport {
            Some(TransportSlice::Udp(u)) => udp.push(u.payload().to_vec()),
            Some(TransportSlice::Tcp(t)) => {
                let f = match (t.syn(), t.ack(), t.psh(), t.fin(), t.rst()) {
                    (true, false, ..) => "S",
                    (true, true, ..) => "SA",
                    (_, _, true, ..) => "PA",
                    (_, _, _, true, _) => "F",
                    (_, _, _, _, true) => "R",
                    _ => "A",
                };
                flags.push(f.to_string());
                tcp.extend_from_slice(t.payload());
            }
            _ => {}
        }
    }
    (udp, flags, tcp)
}

#[test]
fn a_pcapng_record_holds_every_datagram_and_the_tcp_handshake() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("udp.pcapng");
    let (mut app, port, _) = start(&[
        "udp-recv",
        "--bind",
        "127.0.0.1:0",
        "--headless",
        "--duration",
        "2s",
        "--record",
        rec.to_str().unwrap(),
    ]);
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..5u8 {
        peer.send_to(&[b'd', i], ("127.0.0.1", port)).unwrap();
    }
    assert!(app.wait().unwrap().success());
    let (udp, _, _) = packets(&std::fs::read(&rec).unwrap());
    assert_eq!(udp, (0..5u8).map(|i| vec![b'd', i]).collect::<Vec<_>>());

    let rec = dir.path().join("tcp.pcapng");
    let (mut app, port, _) = start(&[
        "tcp-server",
        "--listen",
        "127.0.0.1:0",
        "--reply",
        "ok",
        "--headless",
        "--duration",
        "2s",
        "--record",
        rec.to_str().unwrap(),
    ]);
    let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
    c.write_all(b"hi").unwrap();
    let mut b = [0u8; 2];
    c.read_exact(&mut b).unwrap();
    drop(c);
    assert!(app.wait().unwrap().success());
    let (_, flags, tcp) = packets(&std::fs::read(&rec).unwrap());
    assert_eq!(&flags[..3], ["S", "SA", "A"], "the handshake: {flags:?}");
    assert!(flags.contains(&"F".to_string()), "the teardown: {flags:?}");
    assert_eq!(tcp, b"hiok");
}

#[test]
fn a_fifo_is_fed_live_while_the_app_runs() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("live");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success()),
        "mkfifo"
    );
    let (mut app, port, _) = start(&[
        "udp-recv",
        "--bind",
        "127.0.0.1:0",
        "--headless",
        "--duration",
        "6s",
        "--record",
        fifo.to_str().unwrap(),
    ]);
    let tshark = Command::new("tshark").arg("--version").output().is_ok();
    let started = Instant::now();
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    if tshark {
        // tshark follows the pipe; -c stops it after the datagrams.
        let mut t = Command::new("tshark")
            .args(["-r"])
            .arg(&fifo)
            .args([
                "-l",
                "-c",
                "20",
                "-T",
                "fields",
                "-e",
                "udp.length",
                "-e",
                "_ws.malformed",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = t.stdout.take().unwrap();
        std::thread::sleep(Duration::from_millis(300));
        for i in 0..20u8 {
            peer.send_to(&[b'x', i, 0], ("127.0.0.1", port)).unwrap();
        }
        let lines: Vec<String> = BufReader::new(out).lines().map_while(Result::ok).collect();
        let _ = t.wait();
        assert_eq!(lines.len(), 20, "every datagram: {lines:?}");
        for l in &lines {
            // udp.length is the header (8) plus 3 bytes; no malformed field.
            assert_eq!(l.trim(), "11", "{l:?}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "read while the app ran"
        );
    } else {
        eprintln!("tshark is not installed: reading the pipe with pcap-file");
        let reader = std::thread::spawn({
            let fifo = fifo.clone();
            move || {
                let f = std::fs::File::open(&fifo).unwrap();
                let mut r = pcap_file::pcapng::PcapNgReader::new(f).unwrap();
                let mut n = 0;
                while let Some(b) = r.next_block() {
                    if b.unwrap().into_enhanced_packet().is_some() {
                        n += 1;
                        if n == 20 {
                            return Instant::now();
                        }
                    }
                }
                panic!("the pipe ended after {n} packets");
            }
        });
        std::thread::sleep(Duration::from_millis(300));
        for i in 0..20u8 {
            peer.send_to(&[b'x', i, 0], ("127.0.0.1", port)).unwrap();
        }
        let at = reader.join().unwrap();
        assert!(at.duration_since(started) < Duration::from_secs(5), "live");
    }
    let _ = app.wait();
}
