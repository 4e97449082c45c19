//! A quiet pair costs the relay nothing but waits promptly: its threads sleep for a second
//! at a time, and a pair that closes wakes them (a std::net server resetting a quiet pair
//! reaches the quiet client as an RST well within that second); a relay with quiet pairs
//! stops within its step; and a burst of clients is accepted at once.

use socket_tester::net::relay::{PairEnd, Relay, RelayConfig, RelayKind};
use std::io::{ErrorKind as IoKind, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

fn start(cfg: RelayConfig) -> (Relay, SocketAddr) {
    let relay = Relay::start(cfg);
    let end = Instant::now() + Duration::from_secs(10);
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

#[test]
fn a_server_reset_reaches_a_quiet_client_at_once() {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let server = l.local_addr().expect("addr");
    let (mut relay, at) = start(RelayConfig::new("127.0.0.1:0", server.to_string()));
    let mut c = TcpStream::connect(at).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let (s, _) = l.accept().expect("the relay's upstream connection");
    // Both sides quiet long enough for every thread of the pair to be asleep.
    std::thread::sleep(Duration::from_millis(1300));
    socket2::SockRef::from(&s)
        .set_linger(Some(Duration::ZERO))
        .expect("linger");
    let t = Instant::now();
    drop(s);
    let mut buf = [0u8; 8];
    let r = c.read(&mut buf);
    let took = t.elapsed();
    assert!(
        matches!(&r, Err(e) if e.kind() == IoKind::ConnectionReset),
        "the client is reset: {r:?}"
    );
    assert!(
        took < Duration::from_millis(600),
        "the reset was carried at once, not at the next idle look: {took:?}"
    );
    let end = Instant::now() + Duration::from_secs(5);
    let mut closed = None;
    while closed.is_none() && Instant::now() < end {
        if let Ok(ev) = relay.events().recv_timeout(Duration::from_millis(50))
            && let RelayKind::PairClosed { why } = ev.kind
        {
            closed = Some(why);
        }
    }
    assert_eq!(closed, Some(PairEnd::Reset));
    relay.stop_and_join();
}

#[test]
fn quiet_pairs_let_the_relay_stop_and_a_burst_is_accepted_at_once() {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let server = l.local_addr().expect("addr");
    // The server takes its connections and keeps them, quiet.
    let held = std::thread::spawn(move || {
        let mut v = Vec::new();
        for _ in 0..200 {
            match l.accept() {
                Ok((s, _)) => v.push(s),
                Err(_) => break,
            }
        }
        v
    });
    let (mut relay, at) = start(RelayConfig::new("127.0.0.1:0", server.to_string()));
    let t = Instant::now();
    let clients: Vec<TcpStream> = (0..200)
        .map(|_| TcpStream::connect(at).expect("connect"))
        .collect();
    let servers = held.join().expect("the server");
    assert_eq!(servers.len(), 200);
    // A dropped SYN is retried after a second: well under that, none was.
    assert!(
        t.elapsed() < Duration::from_millis(900),
        "200 clients at once reach the server without SYN retransmits: {:?}",
        t.elapsed()
    );
    std::thread::sleep(Duration::from_millis(1200));
    let t = Instant::now();
    relay.stop_and_join();
    assert!(
        t.elapsed() < Duration::from_millis(2500),
        "stopped with 200 quiet pairs in {:?}",
        t.elapsed()
    );
    drop((clients, servers));
}
