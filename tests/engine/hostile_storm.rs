//! A connection storm against the TCP server: many connects in a burst, more than the
//! "max clients" limit. The server accepts up to the limit, closes the rest at once, counts
//! every refusal in an info event, and keeps serving the clients it has.
//!
//! The suite runs 1,500 connects with a limit of 500; the full 5,000 with the default
//! limit of 1,000 is `#[ignore]`d: `cargo test --release --test engine hostile_storm:: -- --ignored`.

use crate::support as common;

use common::WAIT;
use socket_tester::net::{Command, EventKind, Payload, Role, Session, SessionConfig, Target};
use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Default)]
struct Seen {
    accepted: HashSet<SocketAddr>,
    refused: u64,
    /// (limit, total) of the last refusal.
    last_refusal: Option<(u64, u64)>,
    rx: Vec<(u64, Vec<u8>)>,
    errors: Vec<String>,
}

fn storm(connects: usize, max_clients: usize) {
    // Each connect costs two descriptors while it lives (ours and, if served, the server's).
    let want = (connects as u64) * 2 + 256;
    let _ = rlimit::increase_nofile_limit(want);
    let limit = rlimit::getrlimit(rlimit::Resource::NOFILE).map_or(0, |(soft, _)| soft);
    if limit < want {
        eprintln!("skipped: needs {want} file descriptors, the limit is {limit}");
        return;
    }

    let mut cfg = SessionConfig::new(Role::TcpServer, "127.0.0.1:0");
    cfg.max_clients = max_clients;
    cfg.backlog = 1024;
    let s = Session::start(cfg, None);
    let listening = common::wait_for(&s, |e| matches!(e.kind, EventKind::Listening { .. }), WAIT);
    let server = listening.local.unwrap();

    // Read events on another thread, as the window does, so the worker never waits on us.
    let seen = Arc::new(Mutex::new(Seen::default()));
    let reader = {
        let events = s.events().clone();
        let seen = seen.clone();
        std::thread::spawn(move || {
            for ev in events.iter() {
                let mut g = seen.lock().unwrap();
                match ev.kind {
                    EventKind::Accepted => {
                        g.accepted.insert(ev.peer.unwrap());
                    }
                    EventKind::Refused { limit, total } => {
                        g.refused += 1;
                        g.last_refusal = Some((limit, total));
                    }
                    EventKind::Rx(d) => g.rx.push((ev.client.unwrap_or(0), d)),
                    EventKind::Error {
                        detail: message, ..
                    } => g.errors.push(message),
                    _ => {}
                }
            }
        })
    };

    // The burst: connect as fast as we can, keeping every socket open.
    let started = Instant::now();
    let mut clients: Vec<TcpStream> = Vec::with_capacity(connects);
    for i in 0..connects {
        match TcpStream::connect_timeout(&server, WAIT) {
            Ok(c) => clients.push(c),
            Err(e) => panic!("connect {i} failed: {e}"),
        }
    }
    let burst = started.elapsed();

    // Every connect is either served or refused, and each refusal is counted.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        {
            let g = seen.lock().unwrap();
            if g.accepted.len() + g.refused as usize >= connects {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "after the storm: {} accepted, {} refused of {connects}",
                g.accepted.len(),
                g.refused
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let (accepted, refused, last) = {
        let g = seen.lock().unwrap();
        (g.accepted.clone(), g.refused, g.last_refusal)
    };
    println!(
        "storm: {connects} connects in {burst:?}; served {}, refused {refused}; last: {last:?}",
        accepted.len()
    );
    assert_eq!(accepted.len(), max_clients, "served up to the limit");
    assert_eq!(refused as usize, connects - max_clients, "refused the rest");
    assert_eq!(
        last,
        Some((max_clients as u64, refused)),
        "the last refusal carries the limit and the running count"
    );

    // Refused clients see their connection closed (EOF or reset), not a hang.
    let (served, refused_socks): (Vec<_>, Vec<_>) = clients
        .into_iter()
        .partition(|c| accepted.contains(&c.local_addr().unwrap()));
    assert_eq!(served.len(), max_clients);
    for c in refused_socks.iter().step_by(97).take(10) {
        let mut c = c;
        c.set_read_timeout(Some(WAIT)).unwrap();
        let mut b = [0u8; 8];
        match c.read(&mut b) {
            Ok(0) => {}
            Ok(n) => panic!("a refused client got {n} bytes"),
            Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}"),
        }
    }
    drop(refused_socks);

    // The server keeps serving: clients talk to it and a broadcast reaches every one.
    let talkers: Vec<usize> = (0..served.len()).step_by(served.len() / 20 + 1).collect();
    for &i in &talkers {
        (&served[i])
            .write_all(format!("still here {i}\n").as_bytes())
            .unwrap();
    }
    let deadline = Instant::now() + WAIT;
    loop {
        let got = {
            let g = seen.lock().unwrap();
            talkers
                .iter()
                .filter(|i| {
                    let want = format!("still here {i}\n");
                    g.rx.iter().any(|(_, d)| d == want.as_bytes())
                })
                .count()
        };
        if got == talkers.len() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "only {got} of {} served clients were heard",
            talkers.len()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(s.send(Command::Send {
        payload: Payload::Bytes(b"hello all\n".to_vec()),
        to: Target::AllClients,
    }));
    for c in served.iter().step_by(served.len() / 10 + 1) {
        let mut c = c;
        c.set_read_timeout(Some(WAIT)).unwrap();
        let mut b = [0u8; 10];
        c.read_exact(&mut b).unwrap();
        assert_eq!(&b, b"hello all\n");
    }
    let errors = seen.lock().unwrap().errors.clone();
    assert!(errors.is_empty(), "no errors: {errors:?}");

    drop(served);
    let mut s = s;
    s.stop_and_join();
    reader.join().unwrap();
}

#[test]
fn a_storm_of_1500_connects_with_max_500_clients() {
    storm(1500, 500);
}

#[test]
#[ignore = "heavy: 5,000 connects; run with --release --ignored"]
fn a_storm_of_5000_connects_with_the_default_limit() {
    storm(5000, SessionConfig::new(Role::TcpServer, "x").max_clients);
}
