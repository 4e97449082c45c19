//! The `spool_search` group: the whole-session search over a spool of 1,000,000 recorded
//! events for a hex pattern, against `grep -c` over the same events exported as hex text
//! (the program's own CSV export, one line per event with its bytes in `hex`) in the same
//! run. Goal: at most 2 s, and at least 0.5 of grep's rate.

use socket_tester::codec::Encoding;
use socket_tester::log::query::{Filter, Query};
use socket_tester::log::spool::Spool;
use socket_tester::log::spool_search::{Control, Source, search};
use socket_tester::net::{Event, EventKind, Role};
use std::path::Path;
use std::time::Instant;

/// Every this many events holds the pattern.
const EVERY: u64 = 1000;
const PATTERN: [u8; 4] = [0xde, 0xad, 0xbe, 0xef];

/// A 48-byte datagram: a 2-byte mark, the sequence number, then digits; every
/// [`EVERY`]th one holds [`PATTERN`]. No other byte or nibble pair can spell it.
fn payload(i: u64) -> Vec<u8> {
    let mut p = vec![0x55, 0xaa];
    p.extend_from_slice(&(i as u32).to_be_bytes());
    p.extend((0..42).map(|k| b'0' + ((i + k) % 10) as u8));
    if i % EVERY == 7 {
        p[20..24].copy_from_slice(&PATTERN);
    }
    p
}

/// Writes `n` received datagrams through the session's real spool writer (its thread,
/// its batches); returns the spool's path.
fn make_spool(dir: &Path, n: u64) -> std::path::PathBuf {
    let path = dir.join("search-bench.stspool");
    let mut s = Spool::binary_at(&path, Encoding::UTF_8, Some(Role::UdpReceiver)).unwrap();
    let mut batch = Vec::with_capacity(4096);
    for i in 0..n {
        batch.push(Event {
            ts_us: 1_795_000_000_000_000 + i as i64 * 10,
            role: Role::UdpReceiver,
            local: Some("127.0.0.1:8080".parse().unwrap()),
            peer: Some(format!("127.0.0.1:{}", 40000 + i % 4).parse().unwrap()),
            client: None,
            kind: EventKind::Rx(payload(i)),
            opcode: None,
        });
        if batch.len() == 4096 {
            s.write_all(std::mem::take(&mut batch));
        }
    }
    s.write_all(batch);
    assert!((s.syncer())(), "the spool writer stopped");
    // Kept: `Spool` removes its file when dropped, so the bench copies it first.
    let kept = dir.join("search-bench-kept.stspool");
    std::fs::copy(&path, &kept).unwrap();
    drop(s);
    kept
}

/// `grep -c PATTERN FILE`: (seconds, count); None without grep.
fn grep_count(pattern: &str, file: &Path) -> Option<(f64, u64)> {
    let t = Instant::now();
    let out = std::process::Command::new("grep")
        .args(["-c", "-F", pattern])
        .arg(file)
        .output()
        .ok()?;
    let secs = t.elapsed().as_secs_f64();
    let n = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
    Some((secs, n))
}

pub fn run(n: u64, dir: &Path) {
    let t = Instant::now();
    let spool = make_spool(dir, n);
    let spool_mib = std::fs::metadata(&spool).map_or(0, |m| m.len()) >> 20;
    println!(
        "# spool_search: {n} events written in {:.1} s ({spool_mib} MiB spool)",
        t.elapsed().as_secs_f64()
    );
    let csv = dir.join("search-bench.csv");
    let r =
        socket_tester::log::export::export_file(&spool, &csv, None, socket_tester::i18n::english)
            .unwrap();
    assert_eq!(r.events, n);
    let csv_mib = std::fs::metadata(&csv).map_or(0, |m| m.len()) >> 20;
    let filter = Filter {
        query: Query::parse("de ad be ef"),
        ..Filter::default()
    };
    let want = (n + EVERY - 8) / EVERY;
    let (mut ours, mut bases) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        let Some((g, count)) = grep_count("deadbeef", &csv) else {
            println!("# spool_search: skipped, grep did not run");
            return;
        };
        assert_eq!(count, want, "grep's count");
        let t = Instant::now();
        let src = Source {
            spool: Some(spool.clone()),
            tail: Vec::new(),
        };
        let out = search(
            src,
            &filter,
            socket_tester::i18n::english,
            &Control::default(),
        )
        .unwrap();
        let s = t.elapsed().as_secs_f64();
        assert_eq!((out.matches, out.events), (want, n), "the search's count");
        ours.push(s);
        bases.push(g);
    }
    let best = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let (s, g) = (best(&ours), best(&bases));
    println!(
        "# spool_search: {n} events ({spool_mib} MiB spool) searched in {:.3} s; grep -c over \
         the {csv_mib} MiB hex CSV in {:.3} s; rounds ours {ours:.3?} grep {bases:.3?}",
        s, g
    );
    let rate = n as f64 / s;
    let base = n as f64 / g;
    super::report(
        "spool_search",
        rate,
        "events/s",
        base,
        "events/s(grep -c hex csv)",
    );
    super::info("spool_search_time", s * 1000.0, "ms");
    let pass = s <= 2.0 && rate / base >= 0.5;
    println!(
        "# spool_search goal (<= 2 s, >= 0.5 of grep's rate): {}",
        if pass { "pass" } else { "FAIL" }
    );
}
