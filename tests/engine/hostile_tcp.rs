//! Hostile TCP peers: a flood as fast as the peer can send, and one endless "line" with
//! line framing on. The reader here does what the app does with every event: keep it in a
//! bounded [`LogStore`], stream it to a [`Spool`], and stop taking events while the spool
//! is behind (so the worker, and through TCP the peer, slow down instead of memory
//! growing). Memory stays bounded and the spool holds every byte (checked with SHA-256).
//!
//! The suite runs scaled-down versions. The full sizes are `#[ignore]`d; run them with
//! `cargo test --release --test engine hostile_tcp:: -- --ignored --nocapture`.

use crate::support as common;

use common::*;
use sha2::{Digest, Sha256};
use socket_tester::codec::{Encoding, Framer, Framing};
use socket_tester::log::LogStore;
use socket_tester::log::spool::Spool;
use socket_tester::net::{Event, EventKind, Role, Session, SessionConfig};
use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The tests here measure the whole process's memory: run them one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const MIB: u64 = 1 << 20;
const RSS_LIMIT: u64 = 400 * MIB;

/// Resident memory of this process, from /proc/self/status (0 where there is no /proc).
fn rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// The bytes the peer sends: printable, never a newline, different in every chunk.
fn chunk(i: u64, len: usize) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(i);
    let mut v: Vec<u8> = (0..len).map(|_| rng.u8(b'!'..=b'~')).collect();
    let tag = format!("[{i:016x}]");
    let n = tag.len().min(len);
    v[..n].copy_from_slice(&tag.as_bytes()[..n]);
    v
}

/// A std peer that connects to `to`, writes `total` bytes as fast as it can (then `tail`),
/// closes, and returns the SHA-256 of everything it sent.
fn flooder(to: SocketAddr, total: u64, tail: &'static [u8]) -> std::thread::JoinHandle<[u8; 32]> {
    std::thread::spawn(move || {
        let mut s = TcpStream::connect(to).unwrap();
        let mut h = Sha256::new();
        let block = chunk(0, MIB as usize);
        let mut sent = 0u64;
        let mut i = 0u64;
        while sent < total {
            let n = (total - sent).min(MIB) as usize;
            // A fresh tag each MiB, over a block made once: cheap, and no two MiB alike.
            let mut b = block[..n].to_vec();
            let tag = format!("[{i:016x}]");
            let k = tag.len().min(n);
            b[..k].copy_from_slice(&tag.as_bytes()[..k]);
            s.write_all(&b).unwrap();
            h.update(&b);
            sent += n as u64;
            i += 1;
        }
        s.write_all(tail).unwrap();
        h.update(tail);
        drop(s);
        h.finalize().into()
    })
}

/// What the reader saw.
struct Consumed {
    rx_bytes: u64,
    max_rss: u64,
    events: u64,
    paused: u64,
    frames: Vec<(u64, bool, usize)>,
    max_framer_buffer: usize,
}

/// Reads events like the app: into the store and the spool, pausing while the spool is
/// behind, until the connection (or session) closes. With `framer`, rx bytes are cut into
/// frames for display, and each frame's (len, truncated, kept bytes) is kept.
fn consume(
    s: &Session,
    store: &mut LogStore,
    spool: &mut Spool,
    mut framer: Option<Framer>,
    deadline: Duration,
) -> Consumed {
    let end = Instant::now() + deadline;
    let mut c = Consumed {
        rx_bytes: 0,
        max_rss: rss(),
        events: 0,
        paused: 0,
        frames: Vec::new(),
        max_framer_buffer: 0,
    };
    let mut closed = false;
    while !closed {
        assert!(
            Instant::now() < end,
            "not finished in {deadline:?}: {} bytes read",
            c.rx_bytes
        );
        if c.events.is_multiple_of(16) {
            c.max_rss = c.max_rss.max(rss());
        }
        if spool.is_behind() {
            c.paused += 1;
            std::thread::sleep(Duration::from_millis(1));
            continue;
        }
        // One "frame" of the app: up to 256 events, then look at the spool again.
        for _ in 0..256 {
            let ev: Event = match s.events().recv_timeout(Duration::from_millis(50)) {
                Ok(ev) => ev,
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => break,
                Err(crossbeam_channel::RecvTimeoutError::Disconnected) => {
                    closed = true;
                    break;
                }
            };
            c.events += 1;
            match &ev.kind {
                EventKind::Rx(d) => {
                    c.rx_bytes += d.len() as u64;
                    if let Some(f) = framer.as_mut() {
                        for fr in f.push(d) {
                            c.frames.push((fr.len, fr.truncated, fr.data.len()));
                        }
                        c.max_framer_buffer = c.max_framer_buffer.max(f.buffered());
                    }
                }
                EventKind::Closed { .. } | EventKind::Reset { .. } | EventKind::Error { .. } => {
                    closed = true;
                }
                _ => {}
            }
            spool.write(&ev);
            store.push(ev);
            if closed {
                break;
            }
        }
    }
    if let Some(f) = framer.as_mut()
        && let Some(fr) = f.flush()
    {
        c.frames.push((fr.len, fr.truncated, fr.data.len()));
    }
    c.max_rss = c.max_rss.max(rss());
    c
}

/// SHA-256 and count of the rx bytes in a record file, in order. Reads the JSON Lines by
/// hand (independent of the app's reader, and fast enough for gigabytes in a debug build).
fn hash_record(path: &Path) -> ([u8; 32], u64) {
    use std::io::BufRead;
    fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => panic!("not hex: {c}"),
        }
    }
    let mut h = Sha256::new();
    let mut n = 0u64;
    let mut r = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(path).unwrap());
    let mut line = Vec::new();
    let mut bytes = Vec::new();
    loop {
        line.clear();
        if r.read_until(b'\n', &mut line).unwrap() == 0 {
            break;
        }
        let find = |pat: &[u8]| line.windows(pat.len()).position(|w| w == pat);
        // Data records start with ts, session, event: look only near the start for the event.
        let head = &line[..line.len().min(160)];
        let rx: &[u8] = b"\"event\":\"rx\"";
        if !head.windows(rx.len()).any(|w| w == rx) {
            continue;
        }
        let at = find(b"\"hex\":\"").expect("rx records carry hex") + 7;
        let len = line[at..].iter().position(|&c| c == b'"').unwrap();
        let hex = &line[at..at + len];
        assert_eq!(hex.len() % 2, 0);
        bytes.clear();
        bytes.extend(hex.chunks(2).map(|p| (nibble(p[0]) << 4) | nibble(p[1])));
        n += bytes.len() as u64;
        h.update(&bytes);
    }
    (h.finalize().into(), n)
}

/// SHA-256 and count of the rx bytes in a binary spool, in order; the spool must be whole.
fn hash_spool(path: &Path) -> ([u8; 32], u64) {
    let mut h = Sha256::new();
    let mut n = 0u64;
    let mut r = socket_tester::log::spool::read_events(path).unwrap();
    for ev in r.by_ref() {
        if let socket_tester::net::EventKind::Rx(d) = &ev.kind {
            n += d.len() as u64;
            h.update(d);
        }
    }
    assert!(r.cut().is_none(), "{:?}", r.cut());
    (h.finalize().into(), n)
}

fn flood(total: u64, deadline: Duration) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    // The app's spool (binary); `long_line` below checks the JSON Lines record.
    let path = dir.path().join("flood.stspool");
    let mut spool = Spool::binary_at(&path, Encoding::UTF_8, Some(Role::TcpServer)).unwrap();
    let mut store = LogStore::new(Encoding::UTF_8, socket_tester::i18n::english);
    let rss_before = rss();

    let mut w = Watch::start(SessionConfig::new(Role::TcpServer, "127.0.0.1:0"));
    let local = w.wait_local();
    let peer = flooder(local, total, b"");
    let started = Instant::now();
    let c = consume(&w.session, &mut store, &mut spool, None, deadline);
    let secs = started.elapsed().as_secs_f64();
    let sent_hash = peer.join().unwrap();
    w.session.stop_and_join();
    spool.finish();
    assert_eq!(spool.poll().1, None, "the spool kept writing");

    let (rec_hash, rec_bytes) = hash_spool(&path);
    let file_len = std::fs::metadata(&path).map_or(0, |m| m.len());
    println!(
        "flood: {} MiB in {secs:.1} s ({:.0} MiB/s), {} events, paused {} times for the spool; \
         RSS before {} MiB, max {} MiB; store holds {} rows; spool file {} MiB",
        total / MIB,
        total as f64 / MIB as f64 / secs,
        c.events,
        c.paused,
        rss_before / MIB,
        c.max_rss / MIB,
        store.len(),
        file_len / MIB
    );
    assert_eq!(c.rx_bytes, total, "every byte arrived");
    assert_eq!(rec_bytes, total, "the spool holds every byte");
    assert_eq!(rec_hash, sent_hash, "and they are the bytes sent");
    if rss_before > 0 {
        assert!(c.max_rss < RSS_LIMIT, "RSS reached {} MiB", c.max_rss / MIB);
    }
}

#[test]
fn tcp_flood_32_mib_is_bounded_and_fully_spooled() {
    if !crate::support::alone(&crate::test_path!(
        "tcp_flood_32_mib_is_bounded_and_fully_spooled"
    )) {
        return;
    }
    flood(32 * MIB, Duration::from_secs(240));
}

#[test]
#[ignore = "heavy: 2 GiB over loopback and a ~2 GiB spool; run with --release --ignored"]
fn tcp_flood_2_gib_is_bounded_and_fully_spooled() {
    if !crate::support::alone(&crate::test_path!(
        "tcp_flood_2_gib_is_bounded_and_fully_spooled"
    )) {
        return;
    }
    flood(2048 * MIB, Duration::from_secs(1800));
}

fn long_line(total: u64, max_frame: usize, deadline: Duration) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("line.jsonl");
    let mut spool =
        Spool::create(&path, Encoding::UTF_8, false, socket_tester::i18n::english).unwrap();
    let mut store = LogStore::new(Encoding::UTF_8, socket_tester::i18n::english);

    // This time the session is the client and the hostile peer is the server.
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let server = l.local_addr().unwrap();
    let session = Session::start(
        SessionConfig::new(Role::TcpClient, server.to_string()),
        None,
    );
    let sender = std::thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        let mut h = Sha256::new();
        let mut sent = 0u64;
        let mut i = 0u64;
        while sent < total {
            let n = (total - sent).min(MIB) as usize;
            let b = chunk(i, n);
            s.write_all(&b).unwrap();
            h.update(&b);
            sent += n as u64;
            i += 1;
        }
        let tail = b"\nshort line\n";
        s.write_all(tail).unwrap();
        h.update(tail);
        let r: [u8; 32] = h.finalize().into();
        r
    });
    let framer = Framer::with_max_frame(Framing::lf(), max_frame);
    let c = consume(&session, &mut store, &mut spool, Some(framer), deadline);
    let sent_hash = sender.join().unwrap();
    drop(session);
    spool.finish();
    assert_eq!(spool.poll().1, None);
    let (rec_hash, rec_bytes) = hash_record(&path);
    println!(
        "long line: {} MiB line, max frame {} KiB: frames {:?}; framer held at most {} KiB; \
         max RSS {} MiB",
        total / MIB,
        max_frame / 1024,
        c.frames,
        c.max_framer_buffer / 1024,
        c.max_rss / MIB
    );
    assert_eq!(
        c.frames,
        vec![(total, true, max_frame), (10, false, 10)],
        "the long line is cut at max_frame and marked truncated; the next line is whole"
    );
    assert!(
        c.max_framer_buffer <= 2 * max_frame + 1,
        "framer memory is bounded: {}",
        c.max_framer_buffer
    );
    let all = total + 12;
    assert_eq!(c.rx_bytes, all);
    assert_eq!(rec_bytes, all, "the record holds every byte of the line");
    assert_eq!(rec_hash, sent_hash);
    assert!(c.max_rss < RSS_LIMIT || c.max_rss == 0);
}

#[test]
fn a_2_mib_line_is_truncated_for_display_and_recorded_whole() {
    if !crate::support::alone(&crate::test_path!(
        "a_2_mib_line_is_truncated_for_display_and_recorded_whole"
    )) {
        return;
    }
    long_line(2 * MIB, 64 * 1024, Duration::from_secs(120));
}

#[test]
#[ignore = "heavy: a 100 MiB line; run with --release --ignored"]
fn a_100_mib_line_is_truncated_for_display_and_recorded_whole() {
    if !crate::support::alone(&crate::test_path!(
        "a_100_mib_line_is_truncated_for_display_and_recorded_whole"
    )) {
        return;
    }
    long_line(
        100 * MIB,
        socket_tester::codec::framing::DEFAULT_MAX_FRAME,
        Duration::from_secs(900),
    );
}
