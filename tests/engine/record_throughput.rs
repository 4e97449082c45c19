//! How fast the writers keep up, in MiB/s of payload: the `--record` JSON Lines record and
//! the binary spool, fed 64 KiB TCP chunks of every byte value (00–FF) and of ASCII text.
//! A timing, not a pass/fail check on a shared machine: run it optimised with
//! `cargo test --profile bench --test engine record_throughput:: -- --ignored --nocapture`
//! (the official figures come from `cargo bench --bench throughput`).

use socket_tester::codec::Encoding;
use socket_tester::log::spool::Spool;
use socket_tester::net::{Event, EventKind, Role};
use std::time::{Duration, Instant};

fn run(name: &str, mut spool: Spool, chunk: &[u8], total: usize) {
    let ev = Event {
        ts_us: 1_795_000_000_000_000,
        role: Role::TcpClient,
        local: Some("127.0.0.1:50000".parse().unwrap()),
        peer: Some("127.0.0.1:7891".parse().unwrap()),
        client: None,
        kind: EventKind::Rx(chunk.to_vec()),
        opcode: None,
    };
    let t = Instant::now();
    let mut sent = 0;
    while sent < total {
        while spool.is_behind() {
            std::thread::sleep(Duration::from_micros(100));
        }
        spool.write(&ev);
        sent += chunk.len();
    }
    assert!((spool.syncer())());
    let el = t.elapsed().as_secs_f64();
    let size = std::fs::metadata(spool.path()).map_or(0, |m| m.len());
    let to = if size == 0 {
        "to /dev/null: the writer's own ceiling".to_string()
    } else {
        format!(
            "{:.2} bytes on disk per byte; a bare write loop of as many bytes: {:.0} MiB/s",
            size as f64 / sent as f64,
            bare_write(size, spool.path())
        )
    };
    println!(
        "{name}: {:.0} MiB/s of payload ({} MiB in {el:.2} s; {to})",
        sent as f64 / el / (1 << 20) as f64,
        sent >> 20,
    );
}

/// MiB/s of a plain loop writing `bytes` in 1 MiB writes next to `beside`.
fn bare_write(bytes: u64, beside: &std::path::Path) -> f64 {
    use std::io::Write;
    let p = beside.with_extension("bare");
    let chunk = vec![b'7'; 1 << 20];
    let t = Instant::now();
    let mut f = std::fs::File::create(&p).unwrap();
    let mut left = bytes;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        f.write_all(&chunk[..n]).unwrap();
        left -= n as u64;
    }
    drop(f);
    let el = t.elapsed().as_secs_f64();
    let _ = std::fs::remove_file(&p);
    bytes as f64 / el / (1 << 20) as f64
}

#[test]
#[ignore = "a timing: run optimised, see the file's doc comment"]
fn record_and_spool_throughput() {
    // As the app (main) and the benchmark do at start.
    socket_tester::sys::tune_allocator();
    let total = 512 << 20;
    let dir = tempfile::tempdir().unwrap();
    let bytes: Vec<u8> = (0..65_536u32).map(|i| i as u8).collect();
    let text: Vec<u8> = (0..65_536u32).map(|i| b'a' + (i % 26) as u8).collect();
    for (what, chunk) in [("bytes 00-ff", &bytes), ("ascii text", &text)] {
        run(
            &format!("--record jsonl, {what}"),
            Spool::record_with(
                std::path::Path::new("/dev/null"),
                Encoding::UTF_8,
                socket_tester::i18n::english,
            )
            .unwrap(),
            chunk,
            total,
        );
        let p = dir.path().join("rec.jsonl");
        run(
            &format!("--record jsonl, {what}"),
            Spool::record_with(&p, Encoding::UTF_8, socket_tester::i18n::english).unwrap(),
            chunk,
            total,
        );
        std::fs::remove_file(&p).unwrap();
        run(
            &format!("binary spool, {what}"),
            Spool::in_dir(dir.path(), "tcp-client", Encoding::UTF_8).unwrap(),
            chunk,
            total,
        );
    }
}
