//! More of the relay's faults, measured at the far end (std::net peers on loopback):
//! slicing seen as separate reads, merging as one, close-after and black-hole, UDP
//! duplicates, and 8 MiB byte-exact both ways through the bounded queues.

use socket_tester::net::relay::{Dir, FaultDone, Relay, RelayConfig, RelayKind, Trigger};
use std::io::{ErrorKind as IoKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(10);

fn start(cfg: RelayConfig) -> (Relay, SocketAddr) {
    let relay = Relay::start(cfg);
    let end = Instant::now() + WAIT;
    while Instant::now() < end {
        if let Ok(ev) = relay.events().recv_timeout(Duration::from_millis(50))
            && matches!(ev.kind, RelayKind::Listening { .. })
            && let Some(a) = ev.local
        {
            return (relay, a);
        }
    }
    panic!("the relay did not listen");
}

/// Whether an event of this kind comes within WAIT.
fn seen(relay: &Relay, mut pred: impl FnMut(&RelayKind) -> bool) -> bool {
    let end = Instant::now() + WAIT;
    while Instant::now() < end {
        if let Ok(ev) = relay.events().recv_timeout(Duration::from_millis(50))
            && pred(&ev.kind)
        {
            return true;
        }
    }
    false
}

/// A server that accepts one connection and hands it to `f` on its own thread.
fn one_server<T: Send + 'static>(
    f: impl FnOnce(TcpStream) -> T + Send + 'static,
) -> (SocketAddr, std::thread::JoinHandle<T>) {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let a = l.local_addr().expect("addr");
    let h = std::thread::spawn(move || {
        let (s, _) = l.accept().expect("accept");
        s.set_read_timeout(Some(WAIT)).expect("timeout");
        f(s)
    });
    (a, h)
}

fn client(at: SocketAddr) -> TcpStream {
    let c = TcpStream::connect(at).expect("connect");
    c.set_read_timeout(Some(WAIT)).expect("timeout");
    c
}

/// Reads until `total` bytes came, keeping each read apart.
fn reads(s: &mut TcpStream, total: usize) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    let mut buf = [0u8; 1024];
    while out.iter().map(Vec::len).sum::<usize>() < total {
        let n = s.read(&mut buf).expect("read");
        assert!(n > 0, "EOF early: {out:?}");
        out.push(buf[..n].to_vec());
    }
    out
}

#[test]
fn slicing_is_seen_as_separate_reads() {
    let (server, got) = one_server(|mut s| reads(&mut s, 10));
    let mut cfg = RelayConfig::new("127.0.0.1:0", server.to_string());
    cfg.faults.up.slice = Some((4, Duration::from_millis(100)));
    let (mut relay, at) = start(cfg);
    let mut c = client(at);
    c.write_all(b"abcdefghij").expect("write");
    let got = got.join().expect("server");
    assert_eq!(
        got,
        vec![b"abcd".to_vec(), b"efgh".to_vec(), b"ij".to_vec()]
    );
    assert!(seen(&relay, |k| matches!(
        k,
        RelayKind::Fault {
            what: FaultDone::Sliced { pieces: 3 },
            ..
        }
    )));
    relay.stop_and_join();
}

#[test]
fn merging_joins_writes_into_one_read() {
    let (server, got) = one_server(|mut s| reads(&mut s, 3));
    let mut cfg = RelayConfig::new("127.0.0.1:0", server.to_string());
    cfg.faults.up.merge = Some(Duration::from_millis(300));
    let (mut relay, at) = start(cfg);
    let mut c = client(at);
    for b in [b"a", b"b", b"c"] {
        c.write_all(b).expect("write");
        std::thread::sleep(Duration::from_millis(30));
    }
    assert_eq!(got.join().expect("server"), vec![b"abc".to_vec()]);
    assert!(seen(&relay, |k| matches!(
        k,
        RelayKind::Fault {
            what: FaultDone::Merged { chunks: 3 },
            ..
        }
    )));
    relay.stop_and_join();
}

#[test]
fn close_after_bytes_closes_both_sides_with_fin() {
    let (server, got) = one_server(|mut s| {
        let mut all = Vec::new();
        let r = s.read_to_end(&mut all);
        (all, r.is_ok())
    });
    let mut cfg = RelayConfig::new("127.0.0.1:0", server.to_string());
    cfg.faults.up.close_after = Some(Trigger::Bytes(3));
    let (mut relay, at) = start(cfg);
    let mut c = client(at);
    c.write_all(b"abcdef").expect("write");
    assert_eq!(
        got.join().expect("server"),
        (b"abc".to_vec(), true),
        "3 bytes, then FIN"
    );
    let mut buf = [0u8; 8];
    assert!(matches!(c.read(&mut buf), Ok(0)), "the client sees FIN");
    relay.stop_and_join();
}

#[test]
fn a_black_hole_swallows_and_keeps_the_connection() {
    let (server, got) = one_server(|mut s| {
        let mut first = [0u8; 2];
        s.read_exact(&mut first).expect("the first bytes");
        s.set_read_timeout(Some(Duration::from_millis(400)))
            .expect("timeout");
        let mut more = [0u8; 8];
        let later = s.read(&mut more);
        let swallowed =
            matches!(&later, Err(e) if matches!(e.kind(), IoKind::WouldBlock | IoKind::TimedOut));
        s.write_all(b"still here").expect("write down");
        (first, swallowed)
    });
    let mut cfg = RelayConfig::new("127.0.0.1:0", server.to_string());
    cfg.faults.up.blackhole_after = Some(Trigger::Bytes(2));
    let (mut relay, at) = start(cfg);
    let mut c = client(at);
    c.write_all(b"ab").expect("write");
    std::thread::sleep(Duration::from_millis(100));
    c.write_all(b"cd").expect("write");
    let mut back = [0u8; 10];
    c.read_exact(&mut back).expect("down still works");
    assert_eq!(&back, b"still here");
    assert_eq!(got.join().expect("server"), (*b"ab", true));
    assert!(seen(&relay, |k| matches!(
        k,
        RelayKind::Fault {
            dir: Dir::Up,
            what: FaultDone::Swallowed { len: 2 }
        }
    )));
    relay.stop_and_join();
}

#[test]
fn a_udp_duplicate_arrives_twice() {
    let server = UdpSocket::bind("127.0.0.1:0").expect("bind");
    server
        .set_read_timeout(Some(Duration::from_millis(500)))
        .expect("timeout");
    let mut cfg = RelayConfig::new(
        "127.0.0.1:0",
        server.local_addr().expect("addr").to_string(),
    );
    cfg.udp = true;
    cfg.faults.up.duplicate = 1.0;
    let (mut relay, at) = start(cfg);
    let c = UdpSocket::bind("127.0.0.1:0").expect("bind");
    c.send_to(b"twice", at).expect("send");
    let mut buf = [0u8; 16];
    let mut n = 0;
    while let Ok(len) = server.recv(&mut buf) {
        assert_eq!(&buf[..len], b"twice");
        n += 1;
    }
    assert_eq!(n, 2);
    assert_eq!(relay.counters().fault(Dir::Up, 2), 1);
    relay.stop_and_join();
}

#[test]
fn eight_mib_go_through_byte_exact_both_ways() {
    let (server, _h) = one_server(|mut s| {
        let mut buf = vec![0u8; 64 * 1024];
        while let Ok(n) = s.read(&mut buf) {
            if n == 0 || s.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = s.shutdown(Shutdown::Write);
    });
    let (mut relay, at) = start(RelayConfig::new("127.0.0.1:0", server.to_string()));
    // Nobody reads the relay's events here: the channel fills and the relay waits on it,
    // so a second thread drains them, as a printer would.
    let events = relay.events().clone();
    let drain =
        std::thread::spawn(move || while events.recv_timeout(Duration::from_secs(5)).is_ok() {});
    let mut c = client(at);
    let data: Vec<u8> = (0..8 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let mut w = c.try_clone().expect("clone");
    let sent = data.clone();
    let writer = std::thread::spawn(move || {
        w.write_all(&sent).expect("write");
        w.shutdown(Shutdown::Write).expect("FIN");
    });
    let mut back = Vec::with_capacity(data.len());
    c.read_to_end(&mut back).expect("read to the end");
    writer.join().expect("writer");
    assert_eq!(back.len(), data.len());
    assert!(back == data, "byte-exact");
    assert_eq!(relay.counters().bytes(Dir::Up), data.len() as u64);
    assert_eq!(relay.counters().bytes(Dir::Down), data.len() as u64);
    relay.stop_and_join();
    let _ = drain.join();
}

#[test]
fn an_rst_from_the_client_reaches_the_server_as_rst() {
    let (server, got) = one_server(|mut s| {
        let mut buf = [0u8; 8];
        let first = s.read(&mut buf).map(|n| buf[..n].to_vec());
        let then = s.read(&mut buf);
        (
            first.ok(),
            matches!(&then, Err(e) if e.kind() == IoKind::ConnectionReset),
        )
    });
    let (mut relay, at) = start(RelayConfig::new("127.0.0.1:0", server.to_string()));
    let mut c = client(at);
    c.write_all(b"x").expect("write");
    std::thread::sleep(Duration::from_millis(100));
    socket2::SockRef::from(&c)
        .set_linger(Some(Duration::ZERO))
        .expect("linger");
    drop(c);
    assert_eq!(
        got.join().expect("server"),
        (Some(b"x".to_vec()), true),
        "the server sees RST"
    );
    assert!(seen(&relay, |k| matches!(
        k,
        RelayKind::Reset { dir: Dir::Up, .. }
    )));
    relay.stop_and_join();
}

#[test]
fn bandwidth_slows_the_transfer() {
    let (server, got) = one_server(|mut s| {
        let mut all = Vec::new();
        let t = Instant::now();
        s.read_to_end(&mut all).expect("read");
        (all.len(), t.elapsed())
    });
    let mut cfg = RelayConfig::new("127.0.0.1:0", server.to_string());
    cfg.faults.up.bandwidth = Some(20_000);
    let (mut relay, at) = start(cfg);
    let mut c = client(at);
    c.write_all(&[7u8; 10_000]).expect("write");
    c.shutdown(Shutdown::Write).expect("FIN");
    let (n, took) = got.join().expect("server");
    assert_eq!(n, 10_000);
    assert!(
        took >= Duration::from_millis(450),
        "10 kB at 20 kB/s: {took:?}"
    );
    relay.stop_and_join();
}

#[test]
fn reordering_changes_the_order_and_loses_nothing() {
    let server = UdpSocket::bind("127.0.0.1:0").expect("bind");
    server
        .set_read_timeout(Some(Duration::from_millis(500)))
        .expect("timeout");
    let mut cfg = RelayConfig::new(
        "127.0.0.1:0",
        server.local_addr().expect("addr").to_string(),
    );
    cfg.udp = true;
    cfg.seed = Some(3);
    cfg.faults.up.reorder = 4;
    let (mut relay, at) = start(cfg);
    let c = UdpSocket::bind("127.0.0.1:0").expect("bind");
    for i in 0..30u8 {
        c.send_to(&[i], at).expect("send");
    }
    let mut got = Vec::new();
    let mut buf = [0u8; 4];
    while let Ok(n) = server.recv(&mut buf) {
        got.extend_from_slice(&buf[..n]);
    }
    let mut sorted = got.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..30).collect::<Vec<u8>>(), "every datagram, once");
    assert_ne!(got, sorted, "some came out of order");
    assert!(relay.counters().fault(Dir::Up, 3) > 0);
    relay.stop_and_join();
}

#[test]
fn udp_from_ipv6_reaches_an_ipv4_server() {
    if UdpSocket::bind("[::1]:0").is_err() {
        return; // no IPv6 on this machine
    }
    let server = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let s_addr = server.local_addr().expect("addr");
    std::thread::spawn(move || {
        let mut buf = [0u8; 64];
        while let Ok((n, from)) = server.recv_from(&mut buf) {
            let _ = server.send_to(&buf[..n], from);
        }
    });
    let mut cfg = RelayConfig::new("[::1]:0", s_addr.to_string());
    cfg.udp = true;
    let (mut relay, at) = start(cfg);
    let c = UdpSocket::bind("[::1]:0").expect("bind");
    c.set_read_timeout(Some(WAIT)).expect("timeout");
    c.send_to(b"v6", at).expect("send");
    let mut buf = [0u8; 8];
    let (n, from) = c.recv_from(&mut buf).expect("reply");
    assert_eq!((&buf[..n], from), (&b"v6"[..], at));
    relay.stop_and_join();
}
