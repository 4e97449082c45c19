//! A TCP server session serving 2,000 real loopback clients at once on its one thread:
//! every client is accepted with its own id, and every client's message comes back to it
//! (echoed by a driver thread, as the window's echo rule does). Memory is measured by
//! `examples/server_rss.rs` and the bench, not here.

use crate::support as common;

use common::*;
use socket_tester::net::{Command, EventKind, Payload, Role, Session, SessionConfig, Target};
use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const CLIENTS: usize = 2_000;

#[test]
fn two_thousand_clients_are_all_served() {
    // Two descriptors per client (ours and the server's), plus some.
    let _ = rlimit::increase_nofile_limit((CLIENTS as u64) * 2 + 256);
    let mut cfg = SessionConfig::new(Role::TcpServer, "127.0.0.1:0");
    cfg.max_clients = CLIENTS + 10;
    cfg.backlog = 4096;
    let mut session = Session::start(cfg, None);
    let addr = wait_for(
        &session,
        |e| matches!(e.kind, EventKind::Listening { .. }),
        WAIT,
    )
    .local
    .expect("listening reports its address");

    // The driver: echo every rx back to its client; count what it saw.
    let events = session.events().clone();
    let handle = session.handle();
    let done = Arc::new(AtomicBool::new(false));
    let driver = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut ids = HashSet::new();
            let mut problems = Vec::new();
            while !done.load(Ordering::Relaxed) {
                let Ok(ev) = events.recv_timeout(Duration::from_millis(20)) else {
                    continue;
                };
                match ev.kind {
                    EventKind::Accepted => {
                        ids.insert(ev.client);
                    }
                    EventKind::Rx(d) => {
                        let to = Target::Client(ev.client.unwrap_or(0));
                        handle.send(Command::Send {
                            payload: Payload::Bytes(d),
                            to,
                        });
                    }
                    EventKind::Error { .. }
                    | EventKind::Reset { .. }
                    | EventKind::Refused { .. } => problems.push(ev),
                    _ => {}
                }
            }
            (ids, problems)
        })
    };

    let mut clients: Vec<TcpStream> = (0..CLIENTS)
        .map(|i| {
            let c = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {i}: {e}"));
            c.set_read_timeout(Some(WAIT)).unwrap();
            c.set_nodelay(true).unwrap();
            c
        })
        .collect();
    // Two rounds: every client sends its own line, then reads it back whole.
    let mut served = 0;
    for round in 0..2 {
        for (i, c) in clients.iter_mut().enumerate() {
            c.write_all(format!("r{round} c{i:04}\n").as_bytes())
                .unwrap();
        }
        for (i, c) in clients.iter_mut().enumerate() {
            let want = format!("r{round} c{i:04}\n");
            let mut got = vec![0u8; want.len()];
            c.read_exact(&mut got)
                .unwrap_or_else(|e| panic!("client {i}, round {round}: {e}"));
            assert_eq!(got, want.as_bytes(), "client {i} got another's data");
            served += 1;
        }
    }
    assert_eq!(served, CLIENTS * 2);
    done.store(true, Ordering::Relaxed);
    let (ids, problems) = driver.join().unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(ids.len(), CLIENTS, "one distinct id per client");
    assert!(ids.iter().all(|id| id.is_some()));
    drop(clients);
    session.stop_and_join();
}
