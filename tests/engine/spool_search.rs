//! The whole-session search over a real session's spool: a UDP flood of more than
//! 1,000,000 datagrams on loopback into a receiver session, then the search's counts
//! against an independent reader of the spool format (Python: its own parser, its own
//! CRC-32 and regex), and Cancel stopping a search part way.

use crate::support::{bound_udp_receiver, runtime, wait_runtime};
use socket_tester::log::query::{Filter, Query};
use socket_tester::log::spool_search::{Control, SearchJob, Source, search};
use socket_tester::net::Role;
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const EVENTS: u64 = 1_000_000;

/// Datagram `i`: `id=<i>;` then digits, and every 997th the bytes DE AD BE EF.
fn datagram(i: u64) -> Vec<u8> {
    let mut p = format!("id={i};").into_bytes();
    p.extend((0..16).map(|k| b'0' + ((i + k) % 10) as u8));
    if i % 997 == 3 {
        p.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
    }
    p
}

/// Floods a receiver session until it has taken more than [`EVENTS`] datagrams; returns
/// its spool (synced) and the runtime that keeps it.
fn flood(dir: &Path) -> (socket_tester::session::Runtime, PathBuf) {
    let rt = runtime(Role::UdpReceiver, Some(dir));
    let to = bound_udp_receiver(&rt, None);
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    let deadline = Instant::now() + Duration::from_secs(600);
    let mut sent = 0u64;
    loop {
        let got = rt.view().store.counters.rx_msgs;
        if got > EVENTS {
            break;
        }
        assert!(Instant::now() < deadline, "the flood took too long: {got}");
        // Paced: a few thousand ahead of the session, so few are dropped.
        if sent < got + 4000 {
            for _ in 0..500 {
                let _ = sock.send_to(&datagram(sent), to);
                sent += 1;
            }
        } else {
            std::thread::sleep(Duration::from_micros(200));
        }
    }
    assert!((rt.syncer(Duration::from_secs(60)))(), "the spool synced");
    let st = wait_runtime(&rt, "the spool", |st, _| st.spool_path.is_some());
    (rt, st.spool_path.unwrap())
}

/// The independent count: (events, events passing `test`) by a Python reader of the
/// documented format (header, framed records with CRC-32, the event head).
fn python_count(spool: &Path, test: &str) -> (u64, u64) {
    let script = r#"
import re, sys, zlib
data = open(sys.argv[1], 'rb').read()
test = eval('lambda p: ' + sys.argv[2])
assert data[:8] == b'STSPOOL\0', 'magic'
pos = 19 + data[18] + 4
def varint(b, i):
    v = s = 0
    while True:
        x = b[i]; i += 1
        v |= (x & 0x7f) << s; s += 7
        if x < 0x80: return v, i
events = hits = 0
while pos < len(data):
    start = pos
    tag = data[pos]
    n, p = varint(data, pos + 1)
    body = data[p:p + n]
    crc = int.from_bytes(data[p + n:p + n + 4], 'little')
    assert zlib.crc32(data[start:p + n]) == crc, 'crc at %d' % start
    pos = p + n + 4
    if tag in (16, 17, 18):
        events += 1
        if tag == 18:
            continue
        flags = body[0]
        _, i = varint(body, 1)
        for bit in (1, 2, 4):
            if flags & bit:
                _, i = varint(body, i)
        if test(body[i:]):
            hits += 1
print(events, hits)
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(spool)
        .arg(test)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = String::from_utf8_lossy(&out.stdout);
    let v: Vec<u64> = s.split_whitespace().map(|x| x.parse().unwrap()).collect();
    (v[0], v[1])
}

fn run(spool: &Path, query: Option<Query>) -> socket_tester::log::spool_search::Outcome {
    let f = Filter {
        query,
        ..Filter::default()
    };
    let src = Source {
        spool: Some(spool.to_path_buf()),
        tail: Vec::new(),
    };
    search(src, &f, socket_tester::i18n::english, &Control::default()).unwrap()
}

#[test]
fn a_million_event_flood_counted_as_an_independent_reader_counts() {
    if !crate::support::alone(&crate::test_path!(
        "a_million_event_flood_counted_as_an_independent_reader_counts"
    )) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (rt, spool) = flood(dir.path());
    let (events, hex) = python_count(&spool, r"b'\xde\xad\xbe\xef' in p");
    assert!(events > EVENTS, "the spool holds {events} events");
    assert!(hex > 1000, "{hex} datagrams with the pattern");

    let out = run(&spool, Query::parse("de ad be ef"));
    assert!(out.cut.is_none(), "{:?}", out.cut);
    assert_eq!((out.events, out.matches), (events, hex), "hex bytes");
    assert!(out.hits.iter().all(|h| {
        h.event
            .kind
            .data()
            .is_some_and(|d| d.windows(4).any(|w| w == [0xde, 0xad, 0xbe, 0xef]))
    }));

    let (_, re) = python_count(&spool, r"re.search(rb'^id=\d*42;', p) is not None");
    let out = run(&spool, Query::parse_mode(r"^id=\d*42;", true).unwrap());
    assert_eq!((out.events, out.matches), (events, re), "regex");
    assert!(re > 1000);

    // Cancel: a search stopped part way says so and counts only what it read.
    let f = Filter {
        query: Query::parse("id=7"),
        ..Filter::default()
    };
    let src = Source {
        spool: Some(spool.clone()),
        tail: Vec::new(),
    };
    let job =
        SearchJob::start(src, f, socket_tester::i18n::english, None, Box::new(|| {})).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while job.control().progress().0 == 0 {
        assert!(Instant::now() < deadline, "no progress");
        std::thread::sleep(Duration::from_millis(1));
    }
    job.control().cancel();
    let out = job.wait().unwrap();
    assert!(out.cancelled, "cancelled");
    assert!(out.events < events, "{} of {events} read", out.events);
    drop(rt);
}
