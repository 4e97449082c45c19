//! Issue 22: a peer streaming 1 GiB at something that waits for a match (an Expect try, a sequence's
//! expect step, a class roster's client) on the session runtime, against a std::net peer
//! on 127.0.0.1 (an OS-assigned port). What waits keeps only a bounded window and matches
//! a compiled regex over it: the resident memory stays under 100 MiB, the stream is read
//! whole, and the step still fails at its timeout, saying how much arrived.
//!
//! Each test runs in a process of its own (`support::alone`): resident memory is per
//! process.

use crate::support as common;

use common::*;
use socket_tester::auto::rules::Matcher;
use socket_tester::net::{Role, SessionConfig};
use socket_tester::sequence::Sequence;
use socket_tester::sequence::run::{Outcome, SequenceRun};
use socket_tester::session::Control;
use socket_tester::session::roster::{RosterCheck, RosterSpec, Verdict};
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const MIB: u64 = 1 << 20;
const FLOOD: u64 = 1 << 30;
const RSS_LIMIT: u64 = 100 * MIB;

/// Resident memory of this process (0 where there is no /proc).
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

/// Samples the resident memory every 20 ms until stopped; the peak.
fn rss_watch() -> (Arc<AtomicBool>, std::thread::JoinHandle<u64>) {
    let stop = Arc::new(AtomicBool::new(false));
    let s = stop.clone();
    let h = std::thread::spawn(move || {
        let mut peak = rss();
        while !s.load(Ordering::Relaxed) {
            peak = peak.max(rss());
            std::thread::sleep(Duration::from_millis(20));
        }
        peak.max(rss())
    });
    (stop, h)
}

/// Writes `total` bytes that never match (printable, no "PONG", no newline), counting
/// what the kernel took; the stream stays open afterwards until `hold` ends.
fn flood(mut s: TcpStream, total: u64, sent: Arc<AtomicU64>, hold: Duration) {
    let block: Vec<u8> = (0..MIB).map(|i| b'a' + (i % 23) as u8).collect();
    let mut left = total;
    while left > 0 {
        let n = left.min(MIB) as usize;
        if s.write_all(&block[..n]).is_err() {
            return;
        }
        left -= n as u64;
        sent.fetch_add(n as u64, Ordering::Relaxed);
    }
    std::thread::sleep(hold);
}

/// A TCP client runtime connected to a peer that sends `total` bytes (then holds the
/// connection `hold`); the bytes the peer got out.
fn flooded_client(total: u64, hold: Duration) -> (Arc<AtomicU64>, socket_tester::session::Runtime) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let sent = Arc::new(AtomicU64::new(0));
    let s2 = sent.clone();
    std::thread::spawn(move || {
        if let Ok((s, _)) = l.accept() {
            flood(s, total, s2, hold);
        }
    });
    let rt = runtime(Role::TcpClient, None);
    rt.start(
        SessionConfig::new(Role::TcpClient, format!("127.0.0.1:{port}")),
        Default::default(),
        None,
    );
    (sent, rt)
}

#[test]
fn a_gib_into_a_waiting_sequence_expect_keeps_memory_bounded() {
    if !crate::support::alone(&crate::test_path!(
        "a_gib_into_a_waiting_sequence_expect_keeps_memory_bounded"
    )) {
        return;
    }
    let (sent, rt) = flooded_client(FLOOD, Duration::from_secs(120));
    let (stop, watch) = rss_watch();
    let before = rss();
    // The step waits 10 s, then fails; the session reads the rest of the GiB after.
    let seq = Sequence::parse(
        r#"
protocol = "tcp"
[[step]]
expect_regex = "PONG (?P<n>\\d+)"
timeout = "10s"
[[step]]
send = "never"
"#,
    )
    .unwrap();
    let started = Instant::now();
    rt.send(Control::StartSequence {
        run: Box::new(SequenceRun::new(seq)),
        step: false,
    });
    let st = wait_runtime(&rt, "the expect's timeout", |st, _| {
        st.sequence.as_ref().is_some_and(|s| !s.running)
    });
    let took = started.elapsed();
    // The session goes on reading after the step failed: the rest of the GiB.
    wait_runtime(&rt, "the whole GiB", |_, _| {
        rt.view().store.counters.rx_bytes >= FLOOD
    });
    stop.store(true, Ordering::Relaxed);
    let peak = watch.join().unwrap();
    let rx = rt.view().store.counters.rx_bytes;
    let s = st.sequence.unwrap();
    eprintln!(
        "RSS {} MiB before, peak {} MiB; {} MiB read; failed after {took:?}",
        before / MIB,
        peak / MIB,
        rx / MIB
    );
    assert_eq!(sent.load(Ordering::Relaxed), FLOOD, "the peer sent it all");
    assert_eq!(rx, FLOOD, "the runtime read it all");
    assert_eq!(s.results[0].outcome, Outcome::Failed);
    let arrived = s.results[0].received_total;
    assert!(arrived > 0 && arrived <= FLOOD, "{arrived} bytes counted");
    assert!(
        s.results[0].received.len() <= 4096,
        "what is shown is bounded"
    );
    assert!(took >= Duration::from_secs(10), "failed at its timeout");
    assert_eq!(s.results[1].outcome, Outcome::Skipped);
    if peak > 0 {
        assert!(peak < RSS_LIMIT, "RSS reached {} MiB", peak / MIB);
    }
}

#[test]
fn a_gib_from_a_roster_client_keeps_memory_bounded() {
    if !crate::support::alone(&crate::test_path!(
        "a_gib_from_a_roster_client_keeps_memory_bounded"
    )) {
        return;
    }
    let rt = runtime(Role::TcpServer, None);
    rt.start(
        SessionConfig::new(Role::TcpServer, "127.0.0.1:0"),
        Default::default(),
        None,
    );
    let st = wait_runtime(&rt, "listening", |st, _| st.local.is_some());
    let port = st.local.unwrap().port();
    rt.send(Control::StartRoster(Box::new(RosterSpec {
        check: RosterCheck::Regex(r"^(?P<id>\d{6})\s*PONG".into()),
        reply: None,
        within: Duration::from_secs(600),
    })));
    wait_runtime(&rt, "the roster", |st, _| st.roster.is_some());
    let (stop, watch) = rss_watch();
    let before = rss();
    let sent = Arc::new(AtomicU64::new(0));
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let flooder = {
        let sent = sent.clone();
        std::thread::spawn(move || flood(s, FLOOD, sent, Duration::ZERO))
    };
    let st = wait_runtime(&rt, "the whole GiB", |_, _| {
        rt.view().store.counters.rx_bytes >= FLOOD
    });
    flooder.join().unwrap();
    stop.store(true, Ordering::Relaxed);
    let peak = watch.join().unwrap();
    let roster = st.roster.unwrap();
    eprintln!("RSS {} MiB before, peak {} MiB", before / MIB, peak / MIB);
    assert_eq!(sent.load(Ordering::Relaxed), FLOOD);
    let row = &roster.rows[0];
    assert!(
        matches!(
            row.verdict,
            Verdict::Waiting | Verdict::WrongText | Verdict::LeftEarly
        ),
        "{:?}",
        row.verdict
    );
    if peak > 0 {
        assert!(peak < RSS_LIMIT, "RSS reached {} MiB", peak / MIB);
    }
}

#[test]
fn a_gib_into_a_waiting_expect_try_keeps_memory_bounded() {
    use socket_tester::auto::expect::{Expect, ExpectPlan};
    use socket_tester::codec::{Encoding, Template};
    if !crate::support::alone(&crate::test_path!(
        "a_gib_into_a_waiting_expect_try_keeps_memory_bounded"
    )) {
        return;
    }
    let (sent, rt) = flooded_client(FLOOD, Duration::from_secs(120));
    wait_runtime(&rt, "connected", |st, _| {
        st.state == socket_tester::session::ConnState::Connected
    });
    let (stop, watch) = rss_watch();
    let mut plan = ExpectPlan::new(
        Template::parse("READ\n").unwrap(),
        Matcher::Regex(r"PONG (?P<n>\d+)".into()),
    );
    plan.count = 1;
    plan.timeout = Duration::from_secs(10);
    let mut x = Expect::new(plan, Encoding::UTF_8, socket_tester::i18n::english).unwrap();
    // Connected already: the request goes out at once (as the window starts a run).
    x.start(Instant::now());
    rt.send(Control::StartExpect(Box::new(x)));
    let st = wait_runtime(&rt, "the try's timeout", |st, _| {
        st.expect.as_deref().is_some_and(Expect::is_done)
    });
    wait_runtime(&rt, "the whole GiB", |_, _| {
        rt.view().store.counters.rx_bytes >= FLOOD
    });
    stop.store(true, Ordering::Relaxed);
    let peak = watch.join().unwrap();
    eprintln!("RSS peak {} MiB", peak / MIB);
    assert_eq!(sent.load(Ordering::Relaxed), FLOOD, "the peer sent it all");
    let x = st.expect.unwrap();
    let r = &x.results()[0];
    assert!(!r.passed);
    assert!(r.reply.len() <= 256 && r.reply_len > 0, "{}", r.reply_len);
    if peak > 0 {
        assert!(peak < RSS_LIMIT, "RSS reached {} MiB", peak / MIB);
    }
}

/// Ending a runtime while its peer still floods: the worker's last events are taken as
/// they come, not piled up (they were: `run` reached 2 GB in the second its session took
/// to stop under a loopback flood).
#[test]
fn ending_the_runtime_under_a_flood_keeps_memory_bounded() {
    if !crate::support::alone(&crate::test_path!(
        "ending_the_runtime_under_a_flood_keeps_memory_bounded"
    )) {
        return;
    }
    let (sent, mut rt) = flooded_client(u64::MAX, Duration::ZERO);
    let (stop, watch) = rss_watch();
    wait_runtime(&rt, "256 MiB in", |_, _| {
        rt.view().store.counters.rx_bytes >= 256 * MIB
    });
    let t = Instant::now();
    rt.shutdown();
    let took = t.elapsed();
    stop.store(true, Ordering::Relaxed);
    let peak = watch.join().unwrap();
    eprintln!(
        "ended in {took:?} under the flood; RSS peak {} MiB",
        peak / MIB
    );
    assert!(rt.is_finished());
    assert!(
        sent.load(Ordering::Relaxed) >= 256 * MIB,
        "the peer was flooding"
    );
    assert!(took < Duration::from_secs(30), "{took:?}");
    if peak > 0 {
        assert!(peak < RSS_LIMIT, "RSS reached {} MiB", peak / MIB);
    }
}
