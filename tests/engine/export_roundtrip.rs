//! Record a real loopback session (as a JSON Lines record and as the binary spool), export
//! it to every format, and find every payload byte in each export; read the pcapng back and
//! check addresses and TCP sequence numbers, and that the spool's exports hold exactly the
//! bytes sent.

use socket_tester::codec::{Encoding, to_hex};
use socket_tester::log::RecordWriter;
use socket_tester::log::export::{Format, csv_cell, export_file, html_escape};
use socket_tester::log::spool::Spool;
use socket_tester::net::{Command, EventKind, Payload, Role, Session, SessionConfig, Target};
use std::io::{Read, Write};
use std::net::{TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What a hostile peer might send: a spreadsheet formula and markup.
const EVIL: &[u8] = b"=cmd|' /C calc'!A0,<script>alert(1)</script>\r\n";

/// Drains events into the record and the spool until `done` says so (bounded by 10 s).
fn pump(
    s: &Session,
    (w, spool): (&mut RecordWriter, &mut Spool),
    mut done: impl FnMut(&EventKind) -> bool,
) {
    let end = Instant::now() + Duration::from_secs(10);
    while Instant::now() < end {
        if let Ok(ev) = s.events().recv_timeout(Duration::from_millis(50)) {
            w.write_event(&ev).unwrap();
            spool.write(&ev);
            if done(&ev.kind) {
                return;
            }
        }
    }
    panic!("timed out waiting for events");
}

/// A TCP client session talking to a std server that replies in GBK, and a UDP exchange.
/// Returns the JSON Lines record, a copy of the binary spool of the same events, and the
/// payloads: TCP sent, TCP received (reply, then the big block; `EVIL` follows), UDP sent,
/// UDP received.
fn record_session(dir: &Path) -> (PathBuf, PathBuf, Vec<Vec<u8>>) {
    let path = dir.join("session.jsonl");
    let mut w = RecordWriter::create(&path, Encoding::GBK, socket_tester::i18n::english).unwrap();
    let mut spool = Spool::in_dir(dir, "tcp-client", Encoding::GBK).unwrap();
    let w = (&mut w, &mut spool);
    let mut payloads = Vec::new();

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let reply = encoding_rs::GBK.encode("收到啦我反馈").0.into_owned();
    let big: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let (r2, big2) = (reply.clone(), big.clone());
    let peer = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4];
        s.read_exact(&mut buf).unwrap();
        s.write_all(&r2).unwrap();
        s.write_all(&big2).unwrap();
        s.write_all(EVIL).unwrap();
        std::thread::sleep(Duration::from_millis(100));
    });
    let s = Session::start(
        SessionConfig::new(Role::TcpClient, format!("127.0.0.1:{port}")).encoding(Encoding::GBK),
        None,
    );
    pump(&s, (&mut *w.0, &mut *w.1), |k| {
        matches!(k, EventKind::Connected)
    });
    s.send(Command::Send {
        payload: Payload::Text("你好".into()),
        to: Target::Default,
    });
    let mut got = 0usize;
    let want = reply.len() + big.len() + EVIL.len();
    pump(&s, (&mut *w.0, &mut *w.1), |k| {
        if let EventKind::Rx(d) = k {
            got += d.len();
        }
        matches!(k, EventKind::Closed { .. })
    });
    assert_eq!(got, want);
    peer.join().unwrap();
    payloads.push(encoding_rs::GBK.encode("你好").0.into_owned());
    payloads.push(reply);
    payloads.push(big);

    let udp_peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    let u = Session::start(
        SessionConfig::new(Role::UdpSender, udp_peer.local_addr().unwrap().to_string()),
        None,
    );
    pump(&u, (&mut *w.0, &mut *w.1), |k| {
        matches!(k, EventKind::Bound)
    });
    u.send(Command::Send {
        payload: Payload::Bytes(vec![0, 1, 2, 0xff, b'x']),
        to: Target::Default,
    });
    let mut buf = [0u8; 100];
    let (n, from) = udp_peer.recv_from(&mut buf).unwrap();
    udp_peer.send_to(b"pong \x00 datagram", from).unwrap();
    pump(&u, (&mut *w.0, &mut *w.1), |k| {
        matches!(k, EventKind::Rx(_))
    });
    payloads.push(buf[..n].to_vec());
    payloads.push(b"pong \x00 datagram".to_vec());
    w.0.flush().unwrap();
    assert!((w.1.syncer())());
    // The spool is removed when dropped: keep a copy.
    let copy = dir.join("session.stspool");
    std::fs::copy(w.1.path(), &copy).unwrap();
    (path, copy, payloads)
}

#[test]
fn every_format_holds_every_payload() {
    let dir = tempfile::tempdir().unwrap();
    let (jsonl, spool, payloads) = record_session(dir.path());
    for (rec, f) in [&jsonl, &spool]
        .into_iter()
        .flat_map(|r| Format::ALL.map(|f| (r, f)))
    {
        let out = dir.path().join(format!("out.{}", f.extension()));
        let report = export_file(rec, &out, None, socket_tester::i18n::english).unwrap();
        assert!(report.bad_lines.is_empty(), "{:?}", report.bad_lines);
        assert!(report.events > 5, "{f:?}");
        let bytes = std::fs::read(&out).unwrap();
        match f {
            Format::Jsonl | Format::Csv => {
                let text = String::from_utf8(bytes).unwrap();
                // Join the hex of every data row in order; each payload must be in there.
                let hex: String = if f == Format::Jsonl {
                    text.lines()
                        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
                        .filter_map(|v| v["hex"].as_str().map(str::to_string))
                        .collect()
                } else {
                    let rows = parse_csv(&text);
                    assert_eq!(rows[0][7], "hex");
                    assert!(rows.iter().all(|r| r.len() == 12), "every row has 12 cells");
                    rows[1..].iter().map(|r| r[7].clone()).collect()
                };
                for p in &payloads {
                    assert!(
                        hex.contains(&to_hex(p)),
                        "{f:?} lacks a payload of {} bytes",
                        p.len()
                    );
                }
                if f == Format::Csv {
                    assert!(text.starts_with("ts,session,event,"));
                    assert!(text.contains("收到啦我反馈"));
                    // No cell can start a formula.
                    let rows = parse_csv(&text);
                    for cell in rows.iter().flatten() {
                        assert!(!cell.starts_with(['=', '+', '-', '@', '\t']), "unsafe cell");
                    }
                }
            }
            Format::Html => {
                let text = String::from_utf8(bytes).unwrap();
                assert!(!text.contains("<script>"), "peer markup must be escaped");
                assert!(text.contains("&lt;script&gt;"));
                assert!(
                    !text.contains("http://") && !text.contains("https://"),
                    "self-contained"
                );
                // The hex column is the last cell of each row.
                let hex: String = text
                    .lines()
                    .filter(|l| l.starts_with("<tr class"))
                    .filter_map(|l| l.rsplit("<td class=\"data\">").next())
                    .map(|c| c.trim_end_matches("</td></tr>").replace(' ', ""))
                    .collect();
                for p in &payloads {
                    assert!(
                        hex.contains(&to_hex(p)),
                        "html lacks a payload of {} bytes",
                        p.len()
                    );
                }
            }
            Format::Txt => {
                let text = String::from_utf8(bytes).unwrap();
                assert!(text.contains("收到啦我反馈"));
                assert!(text.contains("←") && text.contains("→"));
                // Binary rows get a hex dump under them.
                assert!(
                    text.contains("00 01 02 ff 78"),
                    "no hex dump under the binary datagram"
                );
            }
            Format::Pcapng => check_pcap(&bytes, &payloads),
        }
    }
}

fn check_pcap(bytes: &[u8], payloads: &[Vec<u8>]) {
    use etherparse::{NetSlice, SlicedPacket, TransportSlice};
    let mut reader = pcap_file::pcapng::PcapNgReader::new(bytes).unwrap();
    let mut tcp_a_to_b = Vec::new();
    let mut tcp_b_to_a = Vec::new();
    let mut udp = Vec::new();
    let mut flags = Vec::new();
    let mut next_seq: std::collections::HashMap<u16, u32> = Default::default();
    while let Some(block) = reader.next_block() {
        let block = block.unwrap();
        let Some(epb) = block.into_enhanced_packet() else {
            continue;
        };
        assert!(epb.timestamp.as_secs() > 1_700_000_000, "real timestamps");
        let p = SlicedPacket::from_ip(&epb.data).unwrap();
        match p.net {
            Some(NetSlice::Ipv4(ip)) => {
                assert_eq!(ip.header().source_addr().octets(), [127, 0, 0, 1]);
                assert_eq!(ip.header().destination_addr().octets(), [127, 0, 0, 1]);
            }
            other => panic!("expected IPv4, got {other:?}"),
        }
        match p.transport {
            Some(TransportSlice::Tcp(t)) => {
                let src = t.source_port();
                let payload = t.payload();
                let f = (t.syn(), t.ack(), t.fin(), t.rst(), payload.len());
                flags.push(f);
                // Sequence continuity per direction.
                if !payload.is_empty() {
                    if let Some(&want) = next_seq.get(&src) {
                        assert_eq!(t.sequence_number(), want, "sequence continuity");
                    }
                    next_seq.insert(src, t.sequence_number().wrapping_add(payload.len() as u32));
                    // The client (first SYN sender) side.
                    if !flags.is_empty() && t.destination_port() > src {
                        tcp_b_to_a.extend_from_slice(payload);
                    } else {
                        tcp_a_to_b.extend_from_slice(payload);
                    }
                }
            }
            Some(TransportSlice::Udp(u)) => udp.push(u.payload().to_vec()),
            other => panic!("unexpected transport {other:?}"),
        }
    }
    // Handshake first: SYN, SYN-ACK, ACK; teardown with FINs.
    assert_eq!((flags[0].0, flags[0].1), (true, false));
    assert_eq!((flags[1].0, flags[1].1), (true, true));
    assert_eq!((flags[2].0, flags[2].1), (false, true));
    assert_eq!(flags.iter().filter(|f| f.2).count(), 2, "two FINs");
    let all_tcp: Vec<u8> = [tcp_a_to_b, tcp_b_to_a].concat();
    let tcp_total: usize = payloads[..3].iter().map(|p| p.len()).sum::<usize>() + EVIL.len();
    assert_eq!(all_tcp.len(), tcp_total, "every TCP byte exactly once");
    for p in &payloads[..3] {
        assert!(all_tcp.windows(p.len()).any(|w| w == p.as_slice()));
    }
    assert_eq!(udp, payloads[3..].to_vec());
}

#[test]
fn tshark_reads_the_pcapng_if_installed() {
    if std::process::Command::new("tshark")
        .arg("--version")
        .output()
        .is_err()
    {
        println!("skipping: tshark is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (rec, _, _) = record_session(dir.path());
    let out = dir.path().join("s.pcapng");
    export_file(&rec, &out, None, socket_tester::i18n::english).unwrap();
    // The ports are the OS's choice: one may be a port tshark gives to some protocol
    // (TZSP on 37008…), which would read our test bytes as a malformed packet of it.
    // Each port the session used is decoded as plain data.
    let ports: std::collections::BTreeSet<String> = std::fs::read_to_string(&rec)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .flat_map(|r| [r["local"].clone(), r["peer"].clone()])
        .filter_map(|a| {
            a.as_str()
                .and_then(|a| a.rsplit_once(':'))
                .map(|(_, p)| p.to_string())
        })
        .collect();
    let mut tshark = std::process::Command::new("tshark");
    tshark.arg("-r").arg(&out);
    for p in &ports {
        tshark.args(["-d", &format!("udp.port=={p},data")]);
        tshark.args(["-d", &format!("tcp.port=={p},data")]);
    }
    let o = tshark.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(!text.to_lowercase().contains("malformed"), "{text}");
    assert!(
        text.contains("TCP") && text.contains("UDP"),
        "tshark output lacks TCP/UDP"
    );
}

#[test]
fn corrupt_lines_are_reported_and_the_rest_converts() {
    let dir = tempfile::tempdir().unwrap();
    let (rec, _, _) = record_session(dir.path());
    let mut text = std::fs::read_to_string(&rec).unwrap();
    let lines = text.lines().count();
    text.push_str("{\"ts\":\"2026-11-25T17:03:16.1");
    std::fs::write(&rec, text).unwrap();
    let report = export_file(
        &rec,
        &dir.path().join("o.csv"),
        None,
        socket_tester::i18n::english,
    )
    .unwrap();
    assert_eq!(report.bad_lines.len(), 1);
    assert_eq!(report.bad_lines[0].line, lines + 1);
    assert_eq!(report.events as usize, lines);
}

#[test]
fn unwritable_outputs_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (rec, _, _) = record_session(dir.path());
    let e = export_file(
        &rec,
        Path::new("/nonexistent-dir/x.csv"),
        None,
        socket_tester::i18n::english,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("cannot write /nonexistent-dir/x.csv"),
        "{e}"
    );
    let e = export_file(
        &rec,
        &dir.path().join("x.doc"),
        None,
        socket_tester::i18n::english,
    )
    .unwrap_err();
    assert!(e.to_string().contains(".pcapng"), "{e}");
    if Path::new("/dev/full").exists() {
        // /dev/full has no extension; link a name with one to it.
        let link = dir.path().join("full.jsonl");
        std::os::unix::fs::symlink("/dev/full", &link).unwrap();
        let e = export_file(&rec, &link, None, socket_tester::i18n::english).unwrap_err();
        assert!(e.to_string().contains("failed"), "{e}");
    }
}

#[test]
fn export_can_redecode_in_another_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let (rec, _, _) = record_session(dir.path());
    let out = dir.path().join("utf8.jsonl");
    export_file(
        &rec,
        &out,
        Some(Encoding::UTF_8),
        socket_tester::i18n::english,
    )
    .unwrap();
    let text = std::fs::read_to_string(out).unwrap();
    assert!(
        !text.contains("收到啦我反馈"),
        "GBK bytes read as UTF-8 are not that text"
    );
    assert!(text.contains("\"encoding\":\"utf-8\""));
}

#[test]
fn csv_and_html_escaping() {
    assert_eq!(csv_cell("=1+1"), "'=1+1");
    assert_eq!(csv_cell("+1"), "'+1");
    assert_eq!(csv_cell("-2"), "'-2");
    assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
    assert_eq!(csv_cell("\tx"), "'\tx");
    assert_eq!(csv_cell("a,b"), "\"a,b\"");
    assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(csv_cell("=a,\"b\""), "\"'=a,\"\"b\"\"\"");
    assert_eq!(csv_cell("line\nbreak"), "\"line\nbreak\"");
    assert_eq!(csv_cell("plain"), "plain");
    assert_eq!(
        html_escape("<script>alert('x')</script>&\""),
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"
    );
}

/// A small RFC 4180 reader for checking the CSV export.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    rows
}

/// The data of every rx/tx row of a JSON Lines export, by (session, event), in order.
fn data_by_direction(jsonl: &str) -> std::collections::BTreeMap<(String, String), Vec<u8>> {
    let mut m: std::collections::BTreeMap<(String, String), Vec<u8>> = Default::default();
    for l in jsonl.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        if let Some(h) = v["hex"].as_str() {
            let key = (
                v["session"].as_str().unwrap().to_string(),
                v["event"].as_str().unwrap().to_string(),
            );
            let bytes = socket_tester::codec::parse_hex(h).unwrap();
            assert_eq!(v["len"].as_u64(), Some(bytes.len() as u64));
            m.entry(key).or_default().extend(bytes);
        }
    }
    m
}

#[test]
fn the_spool_exports_exactly_the_bytes_sent() {
    let dir = tempfile::tempdir().unwrap();
    let (jsonl, spool, payloads) = record_session(dir.path());
    assert!(
        socket_tester::log::input::file_is_spool(&mut std::fs::File::open(&spool).unwrap())
            .unwrap()
    );
    let out = dir.path().join("from-spool.jsonl");
    let report = export_file(&spool, &out, None, socket_tester::i18n::english).unwrap();
    assert!(report.bad_lines.is_empty(), "{:?}", report.bad_lines);
    let text = std::fs::read_to_string(&out).unwrap();
    let m = data_by_direction(&text);
    let k = |s: &str, e: &str| (s.to_string(), e.to_string());
    assert_eq!(m[&k("tcp-client", "tx")], payloads[0]);
    assert_eq!(
        m[&k("tcp-client", "rx")],
        [payloads[1].as_slice(), payloads[2].as_slice(), EVIL].concat()
    );
    assert_eq!(m[&k("udp-send", "tx")], payloads[3]);
    assert_eq!(m[&k("udp-send", "rx")], payloads[4]);
    assert_eq!(m.len(), 4);
    // Text decoded in the spool's encoding (GBK), as the session showed it.
    assert!(text.contains("收到啦我反馈"));

    // The same events as the JSON Lines record, field for field, when both re-decode.
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    export_file(
        &jsonl,
        &a,
        Some(Encoding::GBK),
        socket_tester::i18n::english,
    )
    .unwrap();
    export_file(
        &spool,
        &b,
        Some(Encoding::GBK),
        socket_tester::i18n::english,
    )
    .unwrap();
    assert_eq!(
        std::fs::read_to_string(&a).unwrap(),
        std::fs::read_to_string(&b).unwrap()
    );

    // pcapng from the spool: every TCP byte exactly once, the datagrams as sent.
    let pcap = dir.path().join("from-spool.pcapng");
    export_file(&spool, &pcap, None, socket_tester::i18n::english).unwrap();
    check_pcap(&std::fs::read(&pcap).unwrap(), &payloads);
}

#[test]
fn a_torn_spool_exports_what_is_intact_and_reports_the_cut() {
    let dir = tempfile::tempdir().unwrap();
    let (_, spool, _) = record_session(dir.path());
    let whole = std::fs::read(&spool).unwrap();
    let all = export_file(
        &spool,
        &dir.path().join("all.csv"),
        None,
        socket_tester::i18n::english,
    )
    .unwrap()
    .events;
    // Cut the last 3 bytes (inside the last record's checksum).
    std::fs::write(&spool, &whole[..whole.len() - 3]).unwrap();
    let r = export_file(
        &spool,
        &dir.path().join("cut.csv"),
        None,
        socket_tester::i18n::english,
    )
    .unwrap();
    assert_eq!(r.events, all - 1);
    assert_eq!(r.bad_lines.len(), 1);
    let m = r.bad_lines[0].to_string();
    assert!(m.contains("cut") && m.contains("torn"), "{m}");
    // The command line refuses it (exit 2, nothing written) unless told to skip what it
    // cannot read, which it then names (exit 0).
    let out = dir.path().join("cli.txt");
    let plain = socket_tester::log::export::style::Style::plain();
    let code = socket_tester::log::export::run_cli(
        &spool,
        &out,
        None,
        socket_tester::i18n::english,
        false,
        &plain,
    );
    assert_eq!(code, 2);
    assert!(!out.exists(), "nothing written");
    let code = socket_tester::log::export::run_cli(
        &spool,
        &out,
        None,
        socket_tester::i18n::english,
        true,
        &plain,
    );
    assert_eq!(code, 0);
    assert!(out.exists());
}
