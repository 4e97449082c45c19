//! The relay against real peers on loopback (std::net servers and clients, OS-assigned
//! ports): bytes both ways with their directions, a refused upstream, FIN and RST carried,
//! UDP sources kept apart, and the faults measured at the far end.

use socket_tester::net::ErrorKind;
use socket_tester::net::relay::{
    Dir, FaultDone, Relay, RelayConfig, RelayEvent, RelayKind, Trigger,
};
use std::io::{ErrorKind as IoKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(10);

/// Starts the relay and waits for it to listen; its address.
fn start(cfg: RelayConfig) -> (Relay, SocketAddr, Vec<RelayEvent>) {
    let relay = Relay::start(cfg);
    let mut seen = Vec::new();
    let end = Instant::now() + WAIT;
    while Instant::now() < end {
        if let Ok(ev) = relay.events().recv_timeout(Duration::from_millis(50)) {
            let done = matches!(ev.kind, RelayKind::Listening { .. });
            let local = ev.local;
            seen.push(ev);
            if done && let Some(a) = local {
                return (relay, a, seen);
            }
        }
    }
    panic!("the relay did not listen: {seen:?}");
}

/// Takes events until `pred` matches one (panics after WAIT).
fn wait_for(
    relay: &Relay,
    seen: &mut Vec<RelayEvent>,
    mut pred: impl FnMut(&RelayKind) -> bool,
) -> RelayEvent {
    if let Some(ev) = seen.iter().find(|e| pred(&e.kind)) {
        return ev.clone();
    }
    let end = Instant::now() + WAIT;
    while Instant::now() < end {
        if let Ok(ev) = relay.events().recv_timeout(Duration::from_millis(50)) {
            seen.push(ev.clone());
            if pred(&ev.kind) {
                return ev;
            }
        }
    }
    panic!("not seen; events: {seen:?}");
}

/// A TCP server that echoes each connection until EOF, then sends its own FIN.
fn echo_server() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let a = l.local_addr().expect("addr");
    std::thread::spawn(move || {
        for c in l.incoming().flatten() {
            std::thread::spawn(move || {
                let mut c = c;
                let mut buf = [0u8; 4096];
                while let Ok(n) = c.read(&mut buf) {
                    if n == 0 || c.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
                let _ = c.shutdown(Shutdown::Write);
            });
        }
    });
    a
}

fn client(to: SocketAddr) -> TcpStream {
    let c = TcpStream::connect(to).expect("connect to the relay");
    c.set_read_timeout(Some(WAIT)).expect("timeout");
    c
}

fn read_n(c: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    c.read_exact(&mut v).expect("read");
    v
}

#[test]
fn tcp_bytes_go_both_ways_with_their_direction() {
    let (mut relay, at, mut seen) =
        start(RelayConfig::new("127.0.0.1:0", echo_server().to_string()));
    let mut c = client(at);
    c.write_all(b"ping").expect("write");
    assert_eq!(read_n(&mut c, 4), b"ping");
    let up = wait_for(&relay, &mut seen, |k| {
        matches!(k, RelayKind::Data { dir: Dir::Up, .. })
    });
    let down = wait_for(&relay, &mut seen, |k| {
        matches!(k, RelayKind::Data { dir: Dir::Down, .. })
    });
    assert_eq!(up.pair, Some(1));
    assert_eq!(down.pair, Some(1));
    assert_eq!(up.peer, c.local_addr().ok());
    assert!(matches!(&up.kind, RelayKind::Data { bytes, .. } if bytes == b"ping"));
    assert!(matches!(&down.kind, RelayKind::Data { bytes, .. } if bytes == b"ping"));
    assert!(
        up.ts_us <= down.ts_us,
        "the request is told before its echo"
    );
    assert_eq!(relay.counters().bytes(Dir::Up), 4);
    assert_eq!(relay.counters().bytes(Dir::Down), 4);
    // The record line keeps the direction.
    let line = serde_json::to_string(&up).expect("json");
    assert!(
        line.contains(r#""dir":"up""#) && line.contains(r#""bytes":"70696e67""#),
        "{line}"
    );
    relay.stop_and_join();
}

#[test]
fn a_refused_upstream_closes_the_client_with_the_reason() {
    let gone = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr");
    let (mut relay, at, mut seen) = start(RelayConfig::new("127.0.0.1:0", gone.to_string()));
    let mut c = client(at);
    let ev = wait_for(&relay, &mut seen, |k| {
        matches!(k, RelayKind::UpstreamFailed { .. })
    });
    assert!(
        matches!(
            ev.kind,
            RelayKind::UpstreamFailed {
                kind: ErrorKind::Refused,
                ..
            }
        ),
        "{ev:?}"
    );
    let mut buf = [0u8; 8];
    assert!(
        matches!(c.read(&mut buf), Ok(0) | Err(_)),
        "the client is closed"
    );
    wait_for(&relay, &mut seen, |k| {
        matches!(k, RelayKind::PairClosed { .. })
    });
    relay.stop_and_join();
}

#[test]
fn a_half_close_is_carried_both_ways() {
    // The server reads to EOF, then answers and closes.
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let server = l.local_addr().expect("addr");
    let got = std::thread::spawn(move || {
        let (mut s, _) = l.accept().expect("accept");
        let mut all = Vec::new();
        s.read_to_end(&mut all).expect("read to the FIN");
        s.write_all(b"bye").expect("write after the FIN");
        all
    });
    let (mut relay, at, mut seen) = start(RelayConfig::new("127.0.0.1:0", server.to_string()));
    let mut c = client(at);
    c.write_all(b"abc").expect("write");
    c.shutdown(Shutdown::Write).expect("FIN");
    assert_eq!(
        got.join().expect("server"),
        b"abc",
        "the server saw the data, then the FIN"
    );
    let mut back = Vec::new();
    c.read_to_end(&mut back).expect("read to the server's FIN");
    assert_eq!(back, b"bye", "the client still received after its FIN");
    wait_for(&relay, &mut seen, |k| {
        matches!(k, RelayKind::Fin { dir: Dir::Up, .. })
    });
    wait_for(&relay, &mut seen, |k| {
        matches!(k, RelayKind::Fin { dir: Dir::Down, .. })
    });
    relay.stop_and_join();
}

#[test]
fn an_rst_from_the_server_reaches_the_client_as_rst() {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let server = l.local_addr().expect("addr");
    std::thread::spawn(move || {
        let (mut s, _) = l.accept().expect("accept");
        let mut b = [0u8; 1];
        let _ = s.read_exact(&mut b);
        let _ = socket2::SockRef::from(&s).set_linger(Some(Duration::ZERO));
        drop(s);
    });
    let (mut relay, at, mut seen) = start(RelayConfig::new("127.0.0.1:0", server.to_string()));
    let mut c = client(at);
    c.write_all(b"x").expect("write");
    let mut buf = [0u8; 8];
    let r = c.read(&mut buf);
    assert!(
        matches!(&r, Err(e) if e.kind() == IoKind::ConnectionReset),
        "the client sees RST, not EOF: {r:?}"
    );
    wait_for(&relay, &mut seen, |k| {
        matches!(k, RelayKind::Reset { dir: Dir::Down, .. })
    });
    relay.stop_and_join();
}

/// A UDP server that answers each datagram with the address it came from, then the data.
fn udp_echo() -> SocketAddr {
    let s = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let a = s.local_addr().expect("addr");
    std::thread::spawn(move || {
        let mut buf = [0u8; 2048];
        while let Ok((n, from)) = s.recv_from(&mut buf) {
            let mut reply = format!("{from}|").into_bytes();
            reply.extend_from_slice(&buf[..n]);
            let _ = s.send_to(&reply, from);
        }
    });
    a
}

fn udp_client() -> UdpSocket {
    let s = UdpSocket::bind("127.0.0.1:0").expect("bind");
    s.set_read_timeout(Some(WAIT)).expect("timeout");
    s
}

#[test]
fn udp_sources_get_their_own_upstream_and_their_own_replies() {
    let (mut relay, at, mut seen) = start({
        let mut c = RelayConfig::new("127.0.0.1:0", udp_echo().to_string());
        c.udp = true;
        c
    });
    let (a, b) = (udp_client(), udp_client());
    let mut buf = [0u8; 256];
    let mut reply = |s: &UdpSocket, what: &[u8]| {
        s.send_to(what, at).expect("send");
        let (n, from) = s.recv_from(&mut buf).expect("a reply");
        assert_eq!(from, at, "the reply comes from the relay");
        String::from_utf8_lossy(&buf[..n]).into_owned()
    };
    let ra = reply(&a, b"from-a");
    let rb = reply(&b, b"from-b");
    let ra2 = reply(&a, b"again-a");
    assert!(ra.ends_with("|from-a") && rb.ends_with("|from-b") && ra2.ends_with("|again-a"));
    let (via_a, via_b) = (ra.split('|').next(), rb.split('|').next());
    assert_ne!(via_a, via_b, "two sources, two upstream sockets");
    assert_eq!(via_a, ra2.split('|').next(), "one source keeps its socket");
    let end = Instant::now() + WAIT;
    while seen
        .iter()
        .filter(|e| matches!(e.kind, RelayKind::Upstream { .. }))
        .count()
        < 2
        && Instant::now() < end
    {
        if let Ok(ev) = relay.events().recv_timeout(Duration::from_millis(50)) {
            seen.push(ev);
        }
    }
    let pairs: std::collections::HashSet<_> = seen
        .iter()
        .filter(|e| matches!(e.kind, RelayKind::Upstream { .. }))
        .map(|e| (e.pair, e.peer))
        .collect();
    assert_eq!(pairs.len(), 2, "{seen:?}");
    relay.stop_and_join();
}

#[test]
fn a_udp_mapping_ends_when_idle() {
    let (mut relay, at, mut seen) = start({
        let mut c = RelayConfig::new("127.0.0.1:0", udp_echo().to_string());
        c.udp = true;
        c.idle_timeout = Duration::from_millis(200);
        c
    });
    let a = udp_client();
    let mut buf = [0u8; 128];
    a.send_to(b"x", at).expect("send");
    let (n, _) = a.recv_from(&mut buf).expect("a reply");
    assert!(buf[..n].ends_with(b"|x"));
    let ev = wait_for(&relay, &mut seen, |k| {
        matches!(k, RelayKind::Expired { .. })
    });
    assert!(matches!(ev.kind, RelayKind::Expired { idle_ms } if idle_ms >= 200));
    // The same source again: a new mapping (pair 2), and its reply comes back.
    std::thread::sleep(Duration::from_millis(100));
    a.send_to(b"again", at).expect("send");
    let (n, _) = a
        .recv_from(&mut buf)
        .expect("a reply after the mapping ended");
    assert!(buf[..n].ends_with(b"|again"));
    let second = |e: &RelayEvent| e.pair == Some(2) && matches!(e.kind, RelayKind::Upstream { .. });
    let end = Instant::now() + WAIT;
    while !seen.iter().any(second) && Instant::now() < end {
        if let Ok(ev) = relay.events().recv_timeout(Duration::from_millis(50)) {
            seen.push(ev);
        }
    }
    assert!(seen.iter().any(second), "{seen:?}");
    relay.stop_and_join();
}

#[test]
fn latency_delays_the_round_trip() {
    let mut cfg = RelayConfig::new("127.0.0.1:0", echo_server().to_string());
    cfg.faults.up.latency = Duration::from_millis(150);
    cfg.faults.down.latency = Duration::from_millis(100);
    let (mut relay, at, mut seen) = start(cfg);
    let mut c = client(at);
    let t = Instant::now();
    c.write_all(b"hi").expect("write");
    assert_eq!(read_n(&mut c, 2), b"hi");
    assert!(
        t.elapsed() >= Duration::from_millis(250),
        "{:?}",
        t.elapsed()
    );
    let ev = wait_for(&relay, &mut seen, |k| {
        matches!(
            k,
            RelayKind::Fault {
                dir: Dir::Up,
                what: FaultDone::Delayed { .. }
            }
        )
    });
    assert!(
        matches!(ev.kind, RelayKind::Fault { what: FaultDone::Delayed { ms, .. }, .. } if ms >= 150)
    );
    relay.stop_and_join();
}

/// Sends 60 numbered datagrams through a relay dropping 50 % with `seed`; which arrived.
fn dropped_set(seed: u64) -> Vec<u8> {
    let server = UdpSocket::bind("127.0.0.1:0").expect("bind");
    server
        .set_read_timeout(Some(Duration::from_millis(500)))
        .expect("timeout");
    let mut cfg = RelayConfig::new(
        "127.0.0.1:0",
        server.local_addr().expect("addr").to_string(),
    );
    cfg.udp = true;
    cfg.seed = Some(seed);
    cfg.faults.up.drop = 0.5;
    let (mut relay, at, _) = start(cfg);
    let c = udp_client();
    for i in 0..60u8 {
        c.send_to(&[i], at).expect("send");
        std::thread::sleep(Duration::from_millis(2));
    }
    let mut got = Vec::new();
    let mut buf = [0u8; 16];
    while let Ok(n) = server.recv(&mut buf) {
        got.extend_from_slice(&buf[..n]);
    }
    let dropped = relay.counters().fault(Dir::Up, 1);
    relay.stop_and_join();
    assert_eq!(
        dropped as usize + got.len(),
        60,
        "every datagram arrived or was told dropped"
    );
    got
}

#[test]
fn a_seeded_drop_drops_the_same_datagrams() {
    let first = dropped_set(7);
    assert!(
        first.len() > 10 && first.len() < 50,
        "about half: {}",
        first.len()
    );
    assert_eq!(first, dropped_set(7), "the same seed, the same datagrams");
    assert_ne!(first, dropped_set(8));
}

#[test]
fn corruption_is_told_at_its_offset() {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let server = l.local_addr().expect("addr");
    let got = std::thread::spawn(move || {
        let (mut s, _) = l.accept().expect("accept");
        s.set_read_timeout(Some(WAIT)).expect("timeout");
        let mut v = vec![0u8; 11];
        s.read_exact(&mut v).expect("read");
        v
    });
    let mut cfg = RelayConfig::new("127.0.0.1:0", server.to_string());
    cfg.faults.up.corrupt = 1.0;
    let (mut relay, at, mut seen) = start(cfg);
    let mut c = client(at);
    c.write_all(b"hello world").expect("write");
    let got = got.join().expect("server");
    let ev = wait_for(&relay, &mut seen, |k| {
        matches!(
            k,
            RelayKind::Fault {
                what: FaultDone::Corrupted { .. },
                ..
            }
        )
    });
    let RelayKind::Fault {
        what: FaultDone::Corrupted { offset, was, now },
        ..
    } = ev.kind
    else {
        unreachable!()
    };
    let k = offset as usize;
    assert!(k < 11);
    assert_eq!(b"hello world"[k], was);
    assert_eq!(got[k], now);
    assert_ne!(was, now);
    for (i, (a, b)) in got.iter().zip(b"hello world").enumerate() {
        assert!(i == k || a == b, "only byte {k} changed");
    }
    relay.stop_and_join();
}

#[test]
fn reset_after_bytes_resets_the_client() {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let server = l.local_addr().expect("addr");
    let got = std::thread::spawn(move || {
        let (mut s, _) = l.accept().expect("accept");
        s.set_read_timeout(Some(WAIT)).expect("timeout");
        let mut all = Vec::new();
        let mut buf = [0u8; 64];
        loop {
            match s.read(&mut buf) {
                Ok(0) => return (all, "eof"),
                Ok(n) => all.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == IoKind::ConnectionReset => return (all, "reset"),
                Err(_) => return (all, "error"),
            }
        }
    });
    let mut cfg = RelayConfig::new("127.0.0.1:0", server.to_string());
    cfg.faults.up.reset_after = Some(Trigger::Bytes(4));
    let (mut relay, at, mut seen) = start(cfg);
    let mut c = client(at);
    c.write_all(b"abcdefgh").expect("write");
    let mut buf = [0u8; 8];
    let r = c.read(&mut buf);
    assert!(
        matches!(&r, Err(e) if e.kind() == IoKind::ConnectionReset),
        "the client is reset: {r:?}"
    );
    assert_eq!(
        got.join().expect("server"),
        (b"abcd".to_vec(), "reset"),
        "4 bytes, then RST"
    );
    wait_for(&relay, &mut seen, |k| {
        matches!(
            k,
            RelayKind::Fault {
                what: FaultDone::Reset,
                ..
            }
        )
    });
    assert_eq!(relay.counters().fault(Dir::Up, 8), 1);
    relay.stop_and_join();
}

#[test]
fn ipv6_clients_reach_an_ipv4_server() {
    let Ok(probe) = TcpListener::bind("[::1]:0") else {
        return; // no IPv6 on this machine
    };
    drop(probe);
    let (mut relay, at, _) = start(RelayConfig::new("[::1]:0", echo_server().to_string()));
    assert!(at.is_ipv6());
    let mut c = client(at);
    c.write_all(b"v6").expect("write");
    assert_eq!(read_n(&mut c, 2), b"v6");
    relay.stop_and_join();
}
