//! The record's own tests: the documented line layout, typed reasons read back whole,
//! the fast JSON strings equal serde's, and a bad line named.

use super::writer::push_json_str;
use super::*;
use crate::codec::Encoding;
use crate::log::store::tests::words;
use crate::net::{ClosedBy, Event, EventKind, Role};

#[test]
fn record_line_matches_the_documented_layout() {
    let ev = Event {
        ts_us: 1_795_000_000_123_456,
        role: Role::TcpServer,
        local: Some("0.0.0.0:7891".parse().unwrap()),
        peer: Some("127.0.0.1:50123".parse().unwrap()),
        client: Some(3),
        kind: EventKind::Rx(vec![
            0xca, 0xd5, 0xb5, 0xbd, 0xc0, 0xb2, 0xce, 0xd2, 0xb7, 0xb4, 0xc0, 0xa1,
        ]),
        opcode: None,
    };
    let mut w = RecordWriter::new(Vec::new(), Encoding::GBK, words);
    w.write_event(&ev).unwrap();
    let out = String::from_utf8(w.into_inner()).unwrap();
    assert!(out.ends_with('\n'));
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["session"], "tcp-server");
    assert_eq!(v["event"], "rx");
    assert_eq!(v["client"], 3);
    assert_eq!(v["len"], 12);
    assert_eq!(v["hex"], "cad5b5bdc0b2ced2b7b4c0a1");
    assert_eq!(v["text"], "收到啦我反馈");
    assert_eq!(v["encoding"], "gbk");
    assert!(v["ts"].as_str().unwrap().ends_with(".123456Z"));
    assert_eq!(
        format_ts(1_795_000_000_000_001),
        "2026-11-18T11:06:40.000001Z"
    );
    assert_eq!(format_ts(-1), "1969-12-31T23:59:59.999999Z");
    assert!(v.get("message").is_none());
    let back: Vec<_> = read_records(out.as_bytes()).collect();
    assert_eq!(back.len(), 1);
    let r = back.into_iter().next().unwrap().unwrap();
    assert_eq!(parse_ts(&r.ts), Some(ev.ts_us));
    assert_eq!(r.bytes().unwrap().len(), 12);
}

#[test]
fn reasons_and_kinds_are_typed_fields_and_read_back_whole() {
    use crate::net::{CloseReason, ErrorKind, ResetReason};
    let kinds = [
        EventKind::Listening { backlog: 128 },
        EventKind::Closed {
            by: ClosedBy::Local,
            reason: CloseReason::ServerEnded { clients: 3 },
        },
        EventKind::Closed {
            by: ClosedBy::Peer,
            reason: CloseReason::Kicked,
        },
        EventKind::Reset {
            reason: ResetReason::BrokenPipe,
        },
        EventKind::Error {
            kind: ErrorKind::Refused,
            detail: "connection refused".into(),
        },
    ];
    let mut w = RecordWriter::new(Vec::new(), Encoding::UTF_8, words);
    for (i, kind) in kinds.iter().enumerate() {
        let ev = Event {
            ts_us: 1_795_000_000_000_000 + i as i64,
            role: Role::TcpServer,
            local: Some("127.0.0.1:7".parse().unwrap()),
            peer: None,
            client: None,
            kind: kind.clone(),
            opcode: None,
        };
        w.write_event(&ev).unwrap();
    }
    let out = String::from_utf8(w.into_inner()).unwrap();
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["backlog"], 128);
    assert_eq!(lines[1]["close_reason"]["server-ended"]["clients"], 3);
    assert_eq!(lines[2]["close_reason"], "kicked");
    assert_eq!(lines[3]["reset_reason"], "broken-pipe");
    assert_eq!(lines[4]["error_kind"], "refused");
    assert_eq!(lines[4]["detail"], "connection refused");
    let back: Vec<EventKind> = read_records(out.as_bytes())
        .map(|r| r.unwrap().to_event().unwrap().kind)
        .collect();
    assert_eq!(back, kinds);
}

#[test]
fn fast_json_strings_match_serde_json() {
    for t in [
        "",
        "abc",
        "收到啦我反馈",
        "a\"b",
        "back\\slash",
        "nul\0",
        "tab\t",
        "del\u{7f}",
        "\u{2028}",
    ] {
        let mut fast = Vec::new();
        push_json_str(&mut fast, t).unwrap();
        assert_eq!(fast, serde_json::to_vec(t).unwrap(), "{t:?}");
    }
}

#[test]
fn closed_has_by_and_message() {
    let ev = Event {
        ts_us: 0,
        role: Role::TcpClient,
        local: None,
        peer: None,
        client: None,
        kind: EventKind::Closed {
            by: ClosedBy::Peer,
            reason: crate::net::CloseReason::PeerFin,
        },
        opcode: None,
    };
    let r = Record::from_event(&ev, None, Encoding::UTF_8, words);
    assert_eq!(r.by.as_deref(), Some("peer"));
    assert_eq!(
        r.message.as_deref(),
        Some("Closed { by: Peer, reason: PeerFin }")
    );
    assert!(r.hex.is_none() && r.len.is_none());
    let bad: Vec<_> = read_records("{}\nnot json\n".as_bytes()).collect();
    assert!(bad[0].is_err() && bad[1].as_ref().unwrap_err().line == 2);
}
