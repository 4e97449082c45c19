//! Engine tests for the payload tools with real sessions and std::net peers on loopback
//! (127.0.0.1, OS-assigned ports): templates and checksums on the wire against known
//! vectors, framing of a real TCP stream, auto-reply rules (regex, hex, delay, echo) driven
//! by a Responder on a live session, and expectations passing and failing.

use socket_tester::auto::expect::{Expect, ExpectPlan};
use socket_tester::auto::rules::{Matcher, Outbox, Responder, Rule, RuleSet};
use socket_tester::codec::framing::PrefixWidth;
use socket_tester::codec::{Checksum, Encoding, Framer, Framing, Template, TemplateCtx};
use socket_tester::net::{
    Command, Event, EventKind, Payload, Role, Session, SessionConfig, Target,
};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(10);

/// Waits for the first event matching `pred`; panics after WAIT.
fn wait(s: &Session, what: &str, mut pred: impl FnMut(&Event) -> bool) -> Event {
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match s.events().recv_timeout(left) {
            Ok(ev) if pred(&ev) => return ev,
            Ok(_) => {}
            Err(e) => panic!("waiting for {what}: {e}"),
        }
    }
}

fn udp_peer() -> (UdpSocket, SocketAddr) {
    let p = UdpSocket::bind("127.0.0.1:0").unwrap();
    p.set_read_timeout(Some(WAIT)).unwrap();
    let a = p.local_addr().unwrap();
    (p, a)
}

fn recv(p: &UdpSocket) -> (Vec<u8>, SocketAddr) {
    let mut buf = [0u8; 65536];
    let (n, from) = p.recv_from(&mut buf).expect("a datagram in time");
    (buf[..n].to_vec(), from)
}

#[test]
fn templates_and_checksums_on_the_wire() {
    let (peer, addr) = udp_peer();
    let mut s = Session::start(SessionConfig::new(Role::UdpSender, addr.to_string()), None);
    wait(&s, "bound", |e| e.kind == EventKind::Bound);

    // Modbus RTU read request with its CRC appended: the known vector C5 CD.
    let req = Template::parse_hex("01 03 {hex:00 00} 00 0A").unwrap();
    let mut ctx = TemplateCtx::default();
    let mut bytes = req.render(&mut ctx).unwrap();
    Checksum::Crc16Modbus.append(&mut bytes);
    s.send(Command::Send {
        payload: Payload::Bytes(bytes),
        to: Target::Default,
    });
    assert_eq!(
        recv(&peer).0,
        [0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0xC5, 0xCD]
    );

    // {seq} counts sends, zero-padded; GBK text; CCITT-FALSE of "123456789" is 29 B1.
    let t = Template::parse("收{seq:03}|").unwrap();
    let mut ctx = TemplateCtx::new(Encoding::GBK, false);
    for n in 1..=3u8 {
        s.send(Command::Send {
            payload: Payload::Bytes(t.render(&mut ctx).unwrap()),
            to: Target::Default,
        });
        let got = recv(&peer).0;
        assert_eq!(got, [0xca, 0xd5, b'0', b'0', b'0' + n, b'|']);
    }
    let mut check = Template::parse("{hex:31 32 33}456789")
        .unwrap()
        .render(&mut ctx)
        .unwrap();
    Checksum::Crc16Ccitt.append(&mut check);
    Checksum::Crc32.append(&mut check);
    s.send(Command::Send {
        payload: Payload::Bytes(check),
        to: Target::Default,
    });
    let got = recv(&peer).0;
    assert_eq!(&got[..9], b"123456789");
    assert_eq!(&got[9..11], [0x29, 0xB1]);
    assert!(Checksum::Crc32.verify(&got));

    // {rand:N} sends N fresh bytes each time.
    let r = Template::parse("{rand:32}").unwrap();
    for _ in 0..2 {
        s.send(Command::Send {
            payload: Payload::Bytes(r.render(&mut ctx).unwrap()),
            to: Target::Default,
        });
    }
    let (a, b) = (recv(&peer).0, recv(&peer).0);
    assert_eq!((a.len(), b.len()), (32, 32));
    assert_ne!(a, b);
    s.stop_and_join();
}

/// A TCP peer that accepts one client and writes `pieces` with pauses, then closes.
fn tcp_writer(pieces: Vec<Vec<u8>>) -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        let (mut c, _) = l.accept().unwrap();
        c.set_nodelay(true).unwrap();
        for p in pieces {
            c.write_all(&p).unwrap();
            c.flush().unwrap();
            std::thread::sleep(Duration::from_millis(15));
        }
    });
    addr
}

/// Connects a TCP client session and frames everything it receives until the peer closes.
fn frames_from(
    pieces: Vec<Vec<u8>>,
    framing: Framing,
    max: usize,
) -> (Vec<Vec<u8>>, Vec<bool>, usize) {
    let addr = tcp_writer(pieces);
    let mut s = Session::start(SessionConfig::new(Role::TcpClient, addr.to_string()), None);
    let mut framer = Framer::with_max_frame(framing, max);
    let mut frames = Vec::new();
    let mut chunks = 0;
    wait(&s, "the peer to close", |e| {
        if let EventKind::Rx(d) = &e.kind {
            chunks += 1;
            frames.extend(framer.push(d));
        }
        matches!(e.kind, EventKind::Closed { .. } | EventKind::Reset { .. })
    });
    frames.extend(framer.flush());
    s.stop_and_join();
    let truncated = frames.iter().map(|f| f.truncated).collect();
    (
        frames.into_iter().map(|f| f.data).collect(),
        truncated,
        chunks,
    )
}

#[test]
fn framing_a_real_tcp_stream() {
    // Lines split across writes, with CRLF itself split.
    let pieces = vec![
        b"TEMP=2".to_vec(),
        b"1\r".to_vec(),
        b"\nHUM=40\r\nPRES".to_vec(),
        b"=1013\r\n".to_vec(),
    ];
    let (frames, _, chunks) = frames_from(pieces.clone(), Framing::crlf(), 1 << 20);
    assert!(
        chunks >= 2,
        "the peer's writes arrived as {chunks} chunk(s)"
    );
    assert_eq!(
        frames,
        vec![
            b"TEMP=21".to_vec(),
            b"HUM=40".to_vec(),
            b"PRES=1013".to_vec()
        ]
    );

    // The same stream as raw chunks: every byte is still there.
    let (raw, _, _) = frames_from(pieces, Framing::Raw, 1 << 20);
    assert_eq!(raw.concat(), b"TEMP=21\r\nHUM=40\r\nPRES=1013\r\n");

    // A 2-byte big-endian length prefix, the header split from its body.
    let pieces = vec![
        vec![0x00],
        vec![0x03, b'a', b'b'],
        vec![b'c', 0x00, 0x01, b'z'],
    ];
    let f = Framing::LengthPrefix {
        width: PrefixWidth::Two,
        big_endian: true,
        includes_prefix: false,
    };
    assert_eq!(
        frames_from(pieces, f, 1 << 20).0,
        vec![b"abc".to_vec(), b"z".to_vec()]
    );

    // Fixed length, with a partial tail at close.
    let pieces = vec![b"AAAAB".to_vec(), b"BBBCC".to_vec()];
    let (frames, _, _) = frames_from(pieces, Framing::FixedLength { len: 4 }, 1 << 20);
    assert_eq!(
        frames,
        vec![b"AAAA".to_vec(), b"BBBB".to_vec(), b"CC".to_vec()]
    );

    // A line longer than the maximum is cut, flagged, and the next line is intact.
    let mut long = vec![b'x'; 200_000];
    long.extend_from_slice(b"\nshort\n");
    let (frames, truncated, _) = frames_from(vec![long], Framing::lf(), 1000);
    assert_eq!(frames.len(), 2);
    assert_eq!((frames[0].len(), truncated[0]), (1000, true));
    assert_eq!((frames[1].as_slice(), truncated[1]), (&b"short"[..], false));
}

/// Runs a responder against a session: feeds it events, sends the replies when due.
struct Driver {
    session: Session,
    responder: Responder,
    outbox: Outbox,
}

impl Driver {
    /// Pumps events and due replies for `dur`.
    fn pump(&mut self, dur: Duration) {
        let end = Instant::now() + dur;
        loop {
            let now = Instant::now();
            for c in self.outbox.due(now) {
                self.session.send(c);
            }
            if now >= end {
                return;
            }
            let mut wait = end - now;
            if let Some(at) = self.outbox.next_at() {
                wait = wait.min(at.saturating_duration_since(now));
            }
            if let Ok(ev) = self.session.events().recv_timeout(wait) {
                let replies = self.responder.on_rx(&ev, Instant::now());
                self.outbox.schedule(replies);
            }
        }
    }
}

#[test]
fn auto_reply_rules_on_a_udp_receiver() {
    let set = RuleSet {
        echo: true,
        rules: vec![
            Rule::new(Matcher::Regex(r"^T=(\d+)C$".into()), r"ACK T {seq}\n").escapes(),
            Rule::new(Matcher::StartsWithHex("01 03".into()), "01 03 02 00 2A").hex(),
            Rule::new(Matcher::Equals("SLOW".into()), "late").delay(Duration::from_millis(150)),
            Rule::new(Matcher::Contains("off".into()), "never"),
        ],
        framing: Framing::Raw,
    };
    let mut d = Driver {
        session: Session::start(SessionConfig::new(Role::UdpReceiver, "127.0.0.1:0"), None),
        responder: Responder::new(set, Encoding::UTF_8).unwrap(),
        outbox: Outbox::new(),
    };
    d.responder.set_enabled(3, false);
    let local = wait(&d.session, "bound", |e| e.kind == EventKind::Bound)
        .local
        .unwrap();
    let (peer, peer_addr) = udp_peer();
    let (other, _) = udp_peer();

    let ask = |sock: &UdpSocket, d: &mut Driver, msg: &[u8]| -> Vec<u8> {
        sock.send_to(msg, local).unwrap();
        let start = Instant::now();
        loop {
            d.pump(Duration::from_millis(20));
            sock.set_nonblocking(true).unwrap();
            let mut buf = [0u8; 2048];
            let got = sock.recv_from(&mut buf);
            sock.set_nonblocking(false).unwrap();
            if let Ok((n, from)) = got {
                assert_eq!(from, local);
                return buf[..n].to_vec();
            }
            assert!(start.elapsed() < WAIT, "no reply to {msg:?}");
        }
    };

    assert_eq!(ask(&peer, &mut d, b"T=21C"), b"ACK T 1\n");
    assert_eq!(ask(&peer, &mut d, &[1, 3, 0, 0, 0, 10]), [1, 3, 2, 0, 0x2a]);
    // Echo answers what no rule matched; a disabled rule does not fire.
    assert_eq!(ask(&peer, &mut d, b"switch off"), b"switch off");
    // Replies go to whoever sent the message.
    assert_eq!(ask(&other, &mut d, b"T=5C"), b"ACK T 3\n");
    let t = Instant::now();
    assert_eq!(ask(&peer, &mut d, b"SLOW"), b"late");
    assert!(
        t.elapsed() >= Duration::from_millis(140),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(d.responder.fired(), &[2, 1, 1, 0]);
    assert_eq!(d.responder.echoed(), 1);
    let _ = peer_addr;
    d.session.stop_and_join();
}

#[test]
fn auto_reply_rules_on_a_tcp_server_answer_the_right_client() {
    let set = RuleSet {
        echo: false,
        rules: vec![
            Rule::new(
                Matcher::BytesRegex(r"(?-u)^WHO\r?$".into()),
                r"you are #{seq}\n",
            )
            .escapes(),
        ],
        framing: Framing::lf(),
    };
    let mut d = Driver {
        session: Session::start(SessionConfig::new(Role::TcpServer, "127.0.0.1:0"), None),
        responder: Responder::new(set, Encoding::UTF_8).unwrap(),
        outbox: Outbox::new(),
    };
    let local = wait(&d.session, "listening", |e| {
        matches!(e.kind, EventKind::Listening { .. })
    })
    .local
    .unwrap();
    let mut a = std::net::TcpStream::connect(local).unwrap();
    let mut b = std::net::TcpStream::connect(local).unwrap();
    for s in [&a, &b] {
        s.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
    }
    // Client b's question arrives in two pieces; framing joins them into one line.
    b.write_all(b"WH").unwrap();
    d.pump(Duration::from_millis(50));
    b.write_all(b"O\r\n").unwrap();
    a.write_all(b"hello\n").unwrap();
    let read_line = |s: &mut std::net::TcpStream, d: &mut Driver| -> Vec<u8> {
        let start = Instant::now();
        let mut got = Vec::new();
        while !got.ends_with(b"\n") {
            d.pump(Duration::from_millis(20));
            let mut buf = [0u8; 256];
            if let Ok(n) = s.read(&mut buf) {
                got.extend_from_slice(&buf[..n]);
            }
            assert!(start.elapsed() < WAIT, "no line; got {got:?}");
        }
        got
    };
    assert_eq!(read_line(&mut b, &mut d), b"you are #1\n");
    // a said something no rule matches: nothing comes back to a.
    d.pump(Duration::from_millis(100));
    let mut buf = [0u8; 16];
    assert!(a.read(&mut buf).is_err(), "a got an answer it should not");
    a.write_all(b"WHO\n").unwrap();
    assert_eq!(read_line(&mut a, &mut d), b"you are #2\n");
    assert_eq!(d.responder.fired(), &[2]);
    d.session.stop_and_join();
}

/// A std TCP echo server for one client.
fn tcp_echo(prefix: &'static [u8]) -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        if let Ok((mut s, _)) = l.accept() {
            let mut buf = [0u8; 4096];
            while let Ok(n) = s.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut out = prefix.to_vec();
                out.extend_from_slice(&buf[..n]);
                if s.write_all(&out).is_err() {
                    break;
                }
            }
        }
    });
    addr
}

/// Runs an expectation plan on a TCP client session to `addr` until done.
fn run_expect(addr: SocketAddr, plan: ExpectPlan) -> Expect {
    let mut s = Session::start(SessionConfig::new(Role::TcpClient, addr.to_string()), None);
    let mut x = Expect::new(plan, Encoding::UTF_8, socket_tester::i18n::english).unwrap();
    let start = Instant::now();
    while !x.is_done() {
        assert!(start.elapsed() < WAIT * 2, "the run did not finish");
        let now = Instant::now();
        let (cmds, next) = x.tick(now);
        for c in cmds {
            s.send(c);
        }
        let wait = next
            .map(|n| n.saturating_duration_since(now))
            .unwrap_or(Duration::from_millis(50))
            .min(Duration::from_millis(50));
        if let Ok(ev) = s.events().recv_timeout(wait) {
            for c in x.on_event(&ev, Instant::now()) {
                s.send(c);
            }
        }
    }
    s.stop_and_join();
    x
}

#[test]
fn expectations_pass_against_an_echo_peer() {
    let addr = tcp_echo(b"OK ");
    let mut plan = ExpectPlan::new(
        Template::parse("READ {seq}\n").unwrap(),
        Matcher::Regex(r"^OK READ \d+\n$".into()),
    );
    plan.count = 20;
    plan.timeout = Duration::from_secs(2);
    let x = run_expect(addr, plan);
    let s = x.summary();
    assert!(x.all_passed(), "{s}\n{}", x.to_csv());
    assert_eq!((s.tries, s.passed), (20, 20));
    assert!(s.min <= s.p50 && s.p50 <= s.p95 && s.p95 <= s.max, "{s}");
    assert!(s.max.unwrap() < Duration::from_secs(2));
    assert_eq!(
        x.to_csv().lines().filter(|l| l.contains(",pass,")).count(),
        20
    );
}

#[test]
fn expectations_fail_when_the_reply_does_not_match() {
    let addr = tcp_echo(b"ERR ");
    let mut plan = ExpectPlan::new(
        Template::parse("READ\n").unwrap(),
        Matcher::Contains("OK".into()),
    );
    plan.count = 3;
    plan.timeout = Duration::from_millis(150);
    let x = run_expect(addr, plan);
    let s = x.summary();
    assert_eq!((s.tries, s.passed, s.failed), (3, 0, 3), "{s}");
    assert!(!x.all_passed());
    assert!(s.to_string().starts_with("FAIL 0/3"), "{s}");
    for r in x.results() {
        assert_eq!(r.reply, b"ERR READ\n");
        let note = r.note(socket_tester::i18n::english);
        assert!(note.contains("no matching reply"), "{note}");
        assert!(matches!(
            r.failure,
            Some(socket_tester::auto::expect::TryFailure::NoMatch { got: 9, .. })
        ));
    }
}
