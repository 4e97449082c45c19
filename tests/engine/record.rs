//! A real TCP exchange written through RecordWriter and read back with read_records.

use crate::support as common;

use common::*;
use socket_tester::codec::{self, Encoding};
use socket_tester::log::RecordWriter;
use socket_tester::log::record::{parse_ts, read_records};
use socket_tester::net::{Command, EventKind, Payload, Role, SessionConfig, Target};
use std::io::Write;
use std::net::TcpListener;

#[test]
fn tcp_exchange_round_trips_through_the_record() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let server = l.local_addr().unwrap();
    let mut w = Watch::start(
        SessionConfig::new(Role::TcpClient, server.to_string()).encoding(Encoding::GBK),
    );
    let (mut peer, _) = l.accept().unwrap();
    w.wait("connected", |e| e.kind == EventKind::Connected);
    w.send(Command::Send {
        payload: Payload::Text("你好".into()),
        to: Target::Default,
    });
    let hello = codec::encode(Encoding::GBK, "你好").unwrap();
    assert_eq!(read_exact_timeout(&mut peer, hello.len()), hello);
    w.wait("tx", is_tx);
    // Reply in two pieces that split a character.
    peer.set_nodelay(true).unwrap();
    peer.write_all(&REPLY_GBK[..5]).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(30));
    peer.write_all(&REPLY_GBK[5..]).unwrap();
    let mut got = 0;
    while got < REPLY_GBK.len() {
        got += rx_bytes(&w.wait("rx", is_rx)).len();
    }
    drop(peer);
    w.wait("closed", |e| matches!(e.kind, EventKind::Closed { .. }));
    w.wait_end();

    let mut rec = RecordWriter::new(Vec::new(), Encoding::GBK, socket_tester::i18n::english);
    for ev in &w.seen {
        rec.write_event(ev).unwrap();
    }
    assert_eq!(rec.written as usize, w.seen.len());
    let out = rec.into_inner();
    let records: Vec<_> = read_records(&out[..]).map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), w.seen.len());

    let names: Vec<&str> = records.iter().map(|r| r.event.as_str()).collect();
    println!("{names:?}");
    assert_eq!(names.first(), Some(&"connecting"));
    assert_eq!(names.get(1), Some(&"connected"));
    assert_eq!(names.last(), Some(&"closed"));
    for (r, ev) in records.iter().zip(&w.seen) {
        assert_eq!(r.session, "tcp-client");
        assert_eq!(r.event, ev.kind.name());
        assert_eq!(parse_ts(&r.ts), Some(ev.ts_us));
        assert_eq!(r.peer, Some(server.to_string()));
        assert_eq!(r.bytes(), ev.kind.data().map(|d| d.to_vec()));
    }
    let tx = records.iter().find(|r| r.event == "tx").unwrap();
    assert_eq!(tx.hex.as_deref(), Some(codec::to_hex(&hello).as_str()));
    assert_eq!(tx.text.as_deref(), Some("你好"));
    assert_eq!(tx.encoding.as_deref(), Some("gbk"));
    let rx_hex: String = records
        .iter()
        .filter(|r| r.event == "rx")
        .filter_map(|r| r.hex.clone())
        .collect();
    assert_eq!(rx_hex, "cad5b5bdc0b2ced2b7b4c0a1");
    let rx_text: String = records
        .iter()
        .filter(|r| r.event == "rx")
        .filter_map(|r| r.text.clone())
        .collect();
    assert_eq!(
        rx_text, REPLY_TEXT,
        "a character split across reads is decoded whole"
    );
    let closed = records.last().unwrap();
    assert_eq!(closed.by.as_deref(), Some("peer"));
}

/// The log knows no language: rows and records say what their caller's `Describe` says.
/// With `i18n::english` (every caller's) they carry the same English lines as before.
#[test]
fn rows_and_records_carry_the_english_words_they_are_given() {
    use socket_tester::i18n::english;
    use socket_tester::log::{LogStore, Record, store::message};
    use socket_tester::net::{CloseReason, ClosedBy, Event};
    let ev = |role, kind| Event {
        ts_us: 1,
        role,
        local: None,
        peer: Some("127.0.0.1:9".parse().unwrap()),
        client: None,
        kind,
        opcode: None,
    };
    let mut s = LogStore::new(Encoding::UTF_8, english);
    s.push(ev(
        Role::TcpServer,
        EventKind::Refused { limit: 2, total: 1 },
    ));
    s.push(ev(
        Role::UdpReceiver,
        EventKind::KernelDrops { total: 16360 },
    ));
    assert_eq!(
        s.get(0).unwrap().text,
        "refused a client: the limit of 2 clients is reached (1 refused so far)"
    );
    assert_eq!(
        message(&s.get(1).unwrap().event, english).as_deref(),
        Some(
            "kernel dropped: 16360 datagrams so far (the socket's receive buffer was full, so they never reached the app)"
        )
    );
    let closed = ev(
        Role::TcpClient,
        EventKind::Closed {
            by: ClosedBy::Peer,
            reason: CloseReason::PeerFin,
        },
    );
    let r = Record::from_event(&closed, None, Encoding::UTF_8, english);
    assert_eq!(r.message.as_deref(), Some("closed by peer (FIN received)"));
}
