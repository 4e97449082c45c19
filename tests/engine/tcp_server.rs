//! TCP server with many independent std::net clients on loopback.

use crate::support as common;

use common::*;
use socket_tester::codec::Encoding;
use socket_tester::log::LogStore;
use socket_tester::net::{
    CloseReason, ClosedBy, Command, ErrorKind, EventKind, Payload, ResetReason, Role,
    SessionConfig, Target,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Barrier};

const N: usize = 50;

fn server() -> (Watch, SocketAddr) {
    let mut w =
        Watch::start(SessionConfig::new(Role::TcpServer, "127.0.0.1:0").encoding(Encoding::GBK));
    let ev = w.wait("listening", |e| {
        matches!(e.kind, EventKind::Listening { .. })
    });
    assert_eq!(ev.kind, EventKind::Listening { backlog: 128 });
    let local = ev.local.unwrap();
    assert_ne!(local.port(), 0);
    (w, local)
}

/// Connects `n` clients at once from `n` threads.
fn connect_many(addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    let gate = Arc::new(Barrier::new(n));
    let threads: Vec<_> = (0..n)
        .map(|_| {
            let gate = gate.clone();
            std::thread::spawn(move || {
                gate.wait();
                let s = TcpStream::connect(addr).unwrap();
                s.set_read_timeout(Some(WAIT)).unwrap();
                s
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

fn read_n(s: &mut TcpStream, n: usize) -> Vec<u8> {
    read_exact_timeout(s, n)
}

fn reads_eof(s: &mut TcpStream) -> bool {
    s.set_read_timeout(Some(WAIT)).unwrap();
    let mut b = [0u8; 64];
    matches!(s.read(&mut b), Ok(0))
}

#[test]
fn fifty_clients_ids_broadcast_unicast_disconnect_stoplistening_stop() {
    let (mut w, addr) = server();
    let mut clients = connect_many(addr, N);

    // 50 Accepted, distinct ids, and their addresses are exactly our clients' addresses.
    let accepted = w.wait_n("accepted", N, |e| e.kind == EventKind::Accepted);
    let mut id_of: HashMap<SocketAddr, u64> = HashMap::new();
    for ev in &accepted {
        let id = ev.client.expect("Accepted carries a client id");
        assert!(
            id_of.insert(ev.peer.unwrap(), id).is_none(),
            "duplicate peer address"
        );
        assert_eq!(ev.local, Some(addr));
    }
    let ids: HashSet<u64> = id_of.values().copied().collect();
    assert_eq!(ids.len(), N, "client ids are distinct");
    let mine: HashSet<SocketAddr> = clients.iter().map(|c| c.local_addr().unwrap()).collect();
    assert_eq!(mine, id_of.keys().copied().collect::<HashSet<_>>());
    let ids_in_order: Vec<u64> = clients
        .iter()
        .map(|c| id_of[&c.local_addr().unwrap()])
        .collect();

    // Each client says who it is; each Rx carries the right client id.
    for (i, c) in clients.iter_mut().enumerate() {
        c.write_all(format!("client {i:02}").as_bytes()).unwrap();
    }
    let mut got: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
    while got.values().map(|v| v.len()).sum::<usize>() < N * 9 {
        let ev = w.wait("rx", is_rx);
        let id = ev.client.expect("Rx carries the client id");
        assert_eq!(
            id_of.get(&ev.peer.unwrap()),
            Some(&id),
            "Rx id matches its peer"
        );
        got.entry(id).or_default().extend_from_slice(rx_bytes(&ev));
    }
    for (i, id) in ids_in_order.iter().enumerate() {
        assert_eq!(got[id], format!("client {i:02}").as_bytes());
    }

    // Broadcast reaches all 50 (GBK text).
    w.send(Command::Send {
        payload: Payload::Text(REPLY_TEXT.into()),
        to: Target::AllClients,
    });
    for c in clients.iter_mut() {
        assert_eq!(read_n(c, 12), REPLY_GBK);
    }
    let txs = w.wait_n("tx", N, is_tx);
    assert_eq!(
        txs.iter()
            .map(|e| e.client.unwrap())
            .collect::<HashSet<_>>(),
        ids
    );

    // Unicast to client #7 only: the others' next bytes are the following broadcast.
    let seventh = ids_in_order[7];
    w.send(Command::Send {
        payload: Payload::Bytes(b"only you".to_vec()),
        to: Target::Client(seventh),
    });
    assert_eq!(read_n(&mut clients[7], 8), b"only you");
    let tx = w.wait("tx", is_tx);
    assert_eq!(tx.client, Some(seventh));
    w.send(Command::Send {
        payload: Payload::Bytes(b"all!".to_vec()),
        to: Target::Default,
    });
    for c in clients.iter_mut() {
        assert_eq!(read_n(c, 4), b"all!");
    }
    w.wait_n("tx", N, is_tx);

    // Disconnect #3: that client reads EOF; Closed{Local} with its id.
    let third = ids_in_order[3];
    w.send(Command::Disconnect(third));
    assert!(
        reads_eof(&mut clients[3]),
        "the disconnected client reads EOF"
    );
    let closed = w.wait("closed", |e| matches!(e.kind, EventKind::Closed { .. }));
    assert_eq!(closed.client, Some(third));
    assert!(matches!(
        closed.kind,
        EventKind::Closed {
            by: ClosedBy::Local,
            reason: CloseReason::Kicked,
        }
    ));
    // It is gone: a send to it is an error; others still get a broadcast.
    w.send(Command::Send {
        payload: Payload::Bytes(b"x".to_vec()),
        to: Target::Client(third),
    });
    let (kind, message) = w.wait_error();
    assert_eq!(kind, ErrorKind::NotConnected, "{message}");

    // Per-client counters.
    let mut store = LogStore::new(Encoding::GBK, socket_tester::i18n::english);
    for ev in &w.seen {
        store.push(ev.clone());
    }
    assert_eq!(store.clients.len(), N);
    for (i, id) in ids_in_order.iter().enumerate() {
        let c = &store.clients[id];
        assert_eq!(c.peer, Some(clients[i].local_addr().unwrap()));
        assert_eq!(c.counters.rx_bytes, 9, "client #{id}");
        assert_eq!(c.counters.rx_msgs, 1, "client #{id}");
        let extra = if i == 7 { 8 } else { 0 };
        assert_eq!(c.counters.tx_bytes, 12 + 4 + extra, "client #{id}");
        assert_eq!(c.open, i != 3, "client #{id}");
    }
    assert_eq!(store.counters.rx_bytes, (N * 9) as u64);

    // StopListening: existing clients keep working, new connects are refused.
    w.send(Command::StopListening);
    let info = w.wait("stopped listening", |e| {
        matches!(e.kind, EventKind::StoppedListening { .. })
    });
    assert_eq!(
        info.kind,
        EventKind::StoppedListening {
            clients: N as u64 - 1
        },
        "every client but the disconnected one stays"
    );
    let err = TcpStream::connect(addr).expect_err("no one listens any more");
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
    clients[10].write_all(b"still here").unwrap();
    let mut still = Vec::new();
    while still.len() < 10 {
        let ev = w.wait("rx from client 10", |e| {
            is_rx(e) && e.client == Some(ids_in_order[10])
        });
        still.extend_from_slice(rx_bytes(&ev));
    }
    assert_eq!(still, b"still here");
    w.send(Command::Send {
        payload: Payload::Bytes(b"ok".to_vec()),
        to: Target::Client(ids_in_order[10]),
    });
    assert_eq!(read_n(&mut clients[10], 2), b"ok");

    // Stop closes everything.
    let rest = w.session.stop_and_join();
    for (i, c) in clients.iter_mut().enumerate() {
        if i != 3 {
            assert!(reads_eof(c), "client {i} reads EOF after Stop");
        }
    }
    let closed: HashSet<u64> = rest
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Closed {
                    by: ClosedBy::Local,
                    ..
                }
            )
        })
        .filter_map(|e| e.client)
        .collect();
    assert_eq!(closed.len(), N - 1, "every remaining client is closed");
    assert!(
        rest.iter()
            .any(|e| e.client.is_none() && matches!(e.kind, EventKind::Closed { .. })),
        "the server itself reports closing"
    );
}

#[test]
fn client_close_and_reset_are_told_apart_per_client() {
    let (mut w, addr) = server();
    let a = TcpStream::connect(addr).unwrap();
    let a_id = w
        .wait("accepted a", |e| e.kind == EventKind::Accepted)
        .client
        .unwrap();
    let b = TcpStream::connect(addr).unwrap();
    let b_id = w
        .wait("accepted b", |e| e.kind == EventKind::Accepted)
        .client
        .unwrap();
    drop(a);
    let ev = w.wait("a ends", |e| {
        e.client == Some(a_id)
            && matches!(e.kind, EventKind::Closed { .. } | EventKind::Reset { .. })
    });
    assert!(
        matches!(
            ev.kind,
            EventKind::Closed {
                by: ClosedBy::Peer,
                reason: CloseReason::PeerFin,
            }
        ),
        "{ev:?}"
    );
    let s = socket2::Socket::from(b);
    s.set_linger(Some(std::time::Duration::ZERO)).unwrap();
    drop(s);
    let ev = w.wait("b ends", |e| {
        e.client == Some(b_id)
            && matches!(e.kind, EventKind::Closed { .. } | EventKind::Reset { .. })
    });
    assert!(
        matches!(
            ev.kind,
            EventKind::Reset {
                reason: ResetReason::PeerReset
            }
        ),
        "{ev:?}"
    );
    // The server keeps listening.
    let mut c = TcpStream::connect(addr).unwrap();
    let c_id = w
        .wait("accepted c", |e| e.kind == EventKind::Accepted)
        .client
        .unwrap();
    assert!(c_id != a_id && c_id != b_id);
    w.send(Command::Send {
        payload: Payload::Bytes(b"hi c".to_vec()),
        to: Target::AllClients,
    });
    assert_eq!(read_n(&mut c, 4), b"hi c");
    w.session.stop_and_join();
}

#[test]
fn broadcast_with_no_clients_is_an_error_not_a_crash() {
    let (mut w, addr) = server();
    w.send(Command::Send {
        payload: Payload::Bytes(b"anyone?".to_vec()),
        to: Target::AllClients,
    });
    let (kind, message) = w.wait_error();
    assert_eq!(kind, ErrorKind::NotConnected, "{message}");
    let _c = TcpStream::connect(addr).unwrap();
    w.wait("accepted", |e| e.kind == EventKind::Accepted);
    w.session.stop_and_join();
}
