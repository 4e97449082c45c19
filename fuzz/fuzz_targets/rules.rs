//! Auto-reply rules as saved (a `RuleSet` in TOML: matchers, reply templates, framing) are
//! checked, never trusted: any text loads or gives an error, a loaded set writes back as
//! the same set, and a set that compiles answers the input's messages without panicking:
//! at most one reply per message (per frame on TCP), every reply counted once (a rule's
//! count or echo's), none due before now, and each to where its message came from.
//! Each matcher that compiles matches what it names (its text, its hex bytes).
#![no_main]
use libfuzzer_sys::fuzz_target;
use socket_tester::auto::rules::{Matcher, Responder, RuleSet};
use socket_tester::codec::{Encoding, parse_hex};
use socket_tester::net::{Command, Event, EventKind, Role};
use std::time::Instant;

/// A compiled matcher accepts what it names, around whatever `other` is.
fn names_itself(m: &Matcher, other: &[u8]) {
    let Ok(c) = m.compile() else { return };
    let enc = Encoding::UTF_8;
    let hit = |d: &[u8]| c.is_match(d, enc);
    match m {
        Matcher::Any => assert!(hit(other)),
        Matcher::Contains(t) => {
            assert!(hit(t.as_bytes()));
            assert!(hit(&[t.as_bytes(), b"\n"].concat()));
        }
        Matcher::Equals(t) => assert!(hit(t.as_bytes())),
        Matcher::StartsWithHex(h) => {
            let b = parse_hex(h).expect("it compiled");
            assert!(hit(&[b.as_slice(), other].concat()));
        }
        Matcher::ContainsHex(h) => {
            let b = parse_hex(h).expect("it compiled");
            assert!(hit(&[other, b.as_slice(), other].concat()));
        }
        Matcher::Regex(_) | Matcher::BytesRegex(_) => {
            let _ = hit(other);
        }
    }
}

fn rx(role: Role, i: usize, data: &[u8]) -> Event {
    Event {
        ts_us: i as i64,
        role,
        local: None,
        peer: Some(([127, 0, 0, 1], 4000 + (i % 3) as u16).into()),
        client: (role == Role::TcpServer).then_some((i % 2) as u64),
        kind: EventKind::Rx(data.to_vec()),
    }
}

fn answer(set: RuleSet, enc: Encoding, msgs: &[u8]) {
    let Ok(mut r) = Responder::new(set, enc) else {
        return;
    };
    let now = Instant::now();
    let mut replies = 0u64;
    for (i, chunk) in msgs.chunks(9).enumerate() {
        let role = if i % 2 == 0 {
            Role::UdpReceiver
        } else {
            Role::TcpServer
        };
        let ev = rx(role, i, chunk);
        let out = r.on_rx(&ev, now);
        if role == Role::UdpReceiver {
            assert!(out.len() <= 1, "one reply per datagram");
        } else {
            assert!(out.len() <= chunk.len().max(1), "at most one per frame");
        }
        let to = Responder::reply_target(&ev);
        for (at, cmd) in &out {
            assert!(*at >= now);
            let Command::Send { to: t, .. } = cmd else {
                panic!("a reply is a send: {cmd:?}");
            };
            assert_eq!(*t, to);
        }
        replies += out.len() as u64;
    }
    let fired: u64 = r.fired().iter().sum();
    assert_eq!(fired + r.echoed(), replies, "every reply counted once");
}

fuzz_target!(|data: &[u8]| {
    // The rule set is the text before the first NUL; the bytes after it are received.
    let cut = data.iter().position(|b| *b == 0).unwrap_or(data.len());
    let msgs = data.get(cut + 1..).unwrap_or_default();
    let Ok(text) = std::str::from_utf8(&data[..cut]) else {
        return;
    };
    // A single matcher of each kind, from the raw text.
    for k in 0..Matcher::KINDS.len() {
        let m = Matcher::from_kind(k, text.to_string());
        assert_eq!(m.kind_index(), k);
        names_itself(&m, msgs);
    }
    let Ok(set) = toml::from_str::<RuleSet>(text) else {
        return;
    };
    if let Ok(again) = toml::to_string(&set) {
        let back = toml::from_str::<RuleSet>(&again).expect("a written rule set reads back");
        assert_eq!(back, set);
    }
    for r in &set.rules {
        names_itself(&r.matcher, msgs);
    }
    let enc = if msgs.first().is_some_and(|b| b & 1 == 1) {
        Encoding::GBK
    } else {
        Encoding::UTF_8
    };
    answer(set, enc, msgs);
});
