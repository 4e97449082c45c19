//! TCP is a stream (the lesson's 粘包 / 拆包), on loopback with OS-assigned ports against
//! independent std::net peers: the sender's write shaping (K messages in one write; each
//! message split into N-byte writes G ms apart (pauses of 300 ms, so that a
//! loaded machine's reader still keeps up); changed live) and the receiver's raw
//! chunks, which show exactly what each recv() returned. Message boundaries stay in the
//! log: one tx row per message, whatever the writes were.

use crate::support as common;

use common::*;
use socket_tester::net::shaping::WriteShaping;
use socket_tester::net::{Command, EventKind, Payload, Role, SessionConfig, Target};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

fn send(w: &Watch, text: &str) {
    w.send(Command::Send {
        payload: Payload::Text(text.into()),
        to: Target::Default,
    });
}

/// A TCP client session with this shaping, connected to a std::net listener.
fn client(shaping: WriteShaping) -> (Watch, TcpStream) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let mut w =
        Watch::start(SessionConfig::new(Role::TcpClient, addr.to_string()).shaping(shaping));
    let (peer, _) = l.accept().unwrap();
    w.wait("connected", |e| e.kind == EventKind::Connected);
    peer.set_read_timeout(Some(WAIT)).unwrap();
    (w, peer)
}

/// Each read's bytes until `total` bytes came, as fast as they come.
fn reads(peer: &mut TcpStream, total: usize) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut n = 0;
    let mut buf = [0u8; 4096];
    while n < total {
        let k = peer.read(&mut buf).expect("a read");
        assert!(k > 0, "EOF after {n} of {total} bytes");
        out.push(buf[..k].to_vec());
        n += k;
    }
    out
}

#[test]
fn three_messages_in_one_write_arrive_as_one_chunk_but_stay_three_tx_rows() {
    let shaping = WriteShaping {
        coalesce: 3,
        ..WriteShaping::default()
    };
    let (mut w, mut peer) = client(shaping);
    send(&w, "one\n");
    send(&w, "two\n");
    // Held: nothing is written before the third.
    peer.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut buf = [0u8; 64];
    let early = peer.read(&mut buf);
    assert!(
        early.is_err(),
        "written before the batch was full: {early:?}"
    );
    peer.set_read_timeout(Some(WAIT)).unwrap();
    send(&w, "three\n");
    std::thread::sleep(Duration::from_millis(200));
    let chunks = reads(&mut peer, 14);
    assert_eq!(
        chunks,
        vec![b"one\ntwo\nthree\n".to_vec()],
        "one write, one recv"
    );
    let tx = w.wait_n("three tx rows", 3, is_tx);
    let texts: Vec<&[u8]> = tx
        .iter()
        .map(|e| match &e.kind {
            EventKind::Tx(b) => b.as_slice(),
            _ => &[],
        })
        .collect();
    assert_eq!(texts, vec![&b"one\n"[..], b"two\n", b"three\n"]);
}

#[test]
fn a_split_message_arrives_as_n_byte_chunks_when_the_reader_keeps_up() {
    let shaping = WriteShaping {
        split: 4,
        split_gap: Duration::from_millis(300),
        ..WriteShaping::default()
    };
    let (mut w, mut peer) = client(shaping);
    let t = Instant::now();
    send(&w, "0123456789ab");
    let chunks = reads(&mut peer, 12);
    assert_eq!(
        chunks,
        vec![b"0123".to_vec(), b"4567".to_vec(), b"89ab".to_vec()]
    );
    assert!(
        t.elapsed() >= Duration::from_millis(590),
        "two pauses of 300 ms: {:?}",
        t.elapsed()
    );
    // One message, one tx row, told once its last piece is written.
    let tx = w.wait("tx", is_tx);
    assert_eq!(tx.kind, EventKind::Tx(b"0123456789ab".to_vec()));
}

#[test]
fn shaping_changes_while_connected_and_a_batch_is_released_by_the_change() {
    let shaping = WriteShaping {
        coalesce: 5,
        ..WriteShaping::default()
    };
    let (mut w, mut peer) = client(shaping);
    send(&w, "a\n");
    send(&w, "b\n");
    // Back to one message per write: the two held go out together at once.
    w.send(Command::SetShaping(WriteShaping::default()));
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(reads(&mut peer, 4), vec![b"a\nb\n".to_vec()]);
    w.wait_n("two tx rows", 2, is_tx);
    // Then split: two pieces of 1 byte, 300 ms apart.
    w.send(Command::SetShaping(WriteShaping {
        split: 1,
        split_gap: Duration::from_millis(300),
        ..WriteShaping::default()
    }));
    send(&w, "xy");
    assert_eq!(reads(&mut peer, 2), vec![b"x".to_vec(), b"y".to_vec()]);
}

#[test]
fn the_server_shows_a_peers_one_write_as_one_chunk_and_split_writes_as_several() {
    let mut w = Watch::start(SessionConfig::new(
        Role::TcpServer,
        "127.0.0.1:0".to_string(),
    ));
    let addr = w.wait_local();
    let mut c = TcpStream::connect(addr).unwrap();
    c.set_nodelay(true).unwrap();
    w.wait("accepted", |e| e.kind == EventKind::Accepted);
    // 粘包: three messages, one write.
    c.write_all(b"m1\nm2\nm3\n").unwrap();
    let rx = w.wait("one chunk", is_rx);
    assert_eq!(rx_bytes(&rx), b"m1\nm2\nm3\n");
    // 拆包: one message, three writes with pauses.
    for piece in [&b"he"[..], b"ll", b"o\n"] {
        c.write_all(piece).unwrap();
        std::thread::sleep(Duration::from_millis(300));
    }
    let rx = w.wait_n("three chunks", 3, is_rx);
    let got: Vec<&[u8]> = rx.iter().map(rx_bytes).collect();
    assert_eq!(got, vec![&b"he"[..], b"ll", b"o\n"]);
    w.send(Command::Stop);
    w.wait_end();
}

#[test]
fn held_messages_are_told_as_unsent_when_the_peer_closes() {
    let shaping = WriteShaping {
        coalesce: 5,
        ..WriteShaping::default()
    };
    let (mut w, peer) = client(shaping);
    send(&w, "a");
    send(&w, "b");
    std::thread::sleep(Duration::from_millis(100));
    drop(peer);
    let ev = w.wait("unsent", |e| matches!(e.kind, EventKind::Unsent { .. }));
    assert_eq!(ev.kind, EventKind::Unsent { messages: 2 });
    w.wait_end();
}
