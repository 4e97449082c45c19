//! A file that stops growing (issue 23): on a small tmpfs (when the tests run as root and
//! may mount one), the `--record` keeps its last whole event, says how many it keeps and
//! from which event on it misses, the log gets a row saying so, the session goes on, and
//! the spool (on another disk) still holds the rest, which saves elsewhere. The same for a
//! pcapng record (cut at a block boundary) and for the spool itself.

use crate::support as common;

use common::*;
use socket_tester::files::WriteProblem;
use socket_tester::net::{EventKind, FileStopped, Role, SessionConfig, StoppedFile};
use socket_tester::session::Status;
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// A tmpfs of `kib` KiB mounted on a temporary folder, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// None (the test is skipped, and says so) where mounting is not allowed.
    fn mount(kib: u64) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={kib}k,mode=0700"),
                "tmpfs",
            ])
            .arg(dir.path())
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!("skipped: cannot mount a tmpfs here (not root, or not allowed)");
            return None;
        }
        Some(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// Sends `n` datagrams `id NNNN` padded to ~`size` bytes, paced so loopback drops none.
fn send_ids(to: std::net::SocketAddr, n: usize, size: usize) {
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..n {
        let mut m = format!("id {i:04} ").into_bytes();
        m.resize(size, b'.');
        peer.send_to(&m, to).unwrap();
        if i % 20 == 19 {
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

/// The `id NNNN` numbers of the rx records of a JSON Lines file, and whether its last line
/// marks a cut (an `info` record with `stopped`).
fn ids_in(jsonl: &Path) -> (Vec<u32>, usize, bool) {
    let text = std::fs::read_to_string(jsonl).unwrap();
    assert!(text.is_empty() || text.ends_with('\n'), "a whole last line");
    let recs: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let marked = recs.last().is_some_and(|r| r.get("stopped").is_some());
    let ids = recs
        .iter()
        .filter(|r| r["event"] == "rx")
        .map(|r| {
            let t = r["text"].as_str().unwrap();
            t[3..7].parse().unwrap()
        })
        .collect();
    (ids, recs.len() - usize::from(marked), marked)
}

fn udp_runtime(
    spool: &Path,
    record: Option<PathBuf>,
) -> (socket_tester::session::Runtime, std::net::SocketAddr) {
    let rt = runtime(Role::UdpReceiver, Some(spool));
    rt.start(
        SessionConfig::new(Role::UdpReceiver, "127.0.0.1:0"),
        Default::default(),
        record,
    );
    let st = wait_runtime(&rt, "bound", |st, _| st.local.is_some());
    (rt, st.local.unwrap())
}

fn stopped(e: &socket_tester::session::WriterError) -> &FileStopped {
    e.stopped.as_deref().expect("a typed stop")
}

#[test]
fn a_record_on_a_full_disk_keeps_whole_events_and_the_spool_holds_the_rest() {
    let Some(small) = Tmpfs::mount(256) else {
        return;
    };
    let spool_dir = tempfile::tempdir().unwrap();
    let record = small.path().join("x.jsonl");
    let (mut rt, to) = udp_runtime(spool_dir.path(), Some(record.clone()));
    let n = 1000;
    send_ids(to, n, 600);
    let st: Status = wait_runtime(&rt, "every datagram, and the record stopped", |st, rx| {
        rx == n as u64 && st.record_error.is_some()
    });
    let e = st.record_error.clone().unwrap();
    let f = stopped(&e);
    assert_eq!(f.file, StoppedFile::Record);
    assert_eq!(f.stop.problem, WriteProblem::DiskFull, "{e}");
    assert!(f.path.ends_with("x.jsonl"), "names the file: {e}");
    let kept = f.stop.kept.expect("says what it keeps");
    assert!(f.stop.first_missing_us.is_some(), "{e}");
    let (ids, events, _) = ids_in(&record);
    assert_eq!(
        events as u64, kept,
        "the file holds exactly the events it says"
    );
    assert!(!ids.is_empty() && ids.len() < n, "{} of {n}", ids.len());
    assert_eq!(ids, (0..ids.len() as u32).collect::<Vec<_>>(), "in order");
    // The log says so in a row of its own, typed.
    let rows = rt
        .view()
        .store
        .iter()
        .filter(|r| matches!(&r.event.kind, EventKind::WriteStopped(s) if s.file == StoppedFile::Record))
        .count();
    assert_eq!(rows, 1, "one row says the record stopped");
    // The spool still has everything: the rest, saved elsewhere, completes the record.
    let from = e.rest_from.expect("the rest is offered");
    assert_eq!(from, kept, "the spool started with the record");
    let spool = st.spool_path.clone().unwrap();
    let out = spool_dir.path().join("rest.jsonl");
    let msg = socket_tester::ui::export_session(
        socket_tester::ui::ExportSource::Spool {
            path: spool,
            sync: Box::new(rt.syncer(Duration::from_secs(10))),
            skip: from,
        },
        &out,
        socket_tester::codec::Encoding::UTF_8,
        socket_tester::i18n::Lang::En,
    );
    assert!(msg.is_ok(), "{msg:?}");
    let (rest, _, _) = ids_in(&out);
    let all: Vec<u32> = ids.iter().chain(&rest).copied().collect();
    assert_eq!(
        all,
        (0..n as u32).collect::<Vec<_>>(),
        "record + rest = all, once each"
    );
    // The session went on.
    assert!(rt.status().running);
    rt.shutdown();
}

/// Walks the blocks of a pcapng file: true when it ends exactly at a block's end.
fn whole_blocks(bytes: &[u8]) -> bool {
    let mut at = 0usize;
    while at + 12 <= bytes.len() {
        let len = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
        if len < 12 || at + len > bytes.len() {
            return false;
        }
        at += len;
    }
    at == bytes.len()
}

#[test]
fn a_pcapng_record_on_a_full_disk_ends_at_a_whole_block() {
    let Some(small) = Tmpfs::mount(128) else {
        return;
    };
    let spool_dir = tempfile::tempdir().unwrap();
    let record = small.path().join("x.pcapng");
    let (mut rt, to) = udp_runtime(spool_dir.path(), Some(record.clone()));
    send_ids(to, 600, 500);
    let st = wait_runtime(&rt, "the record stopped", |st, rx| {
        rx == 600 && st.record_error.is_some()
    });
    let e = st.record_error.unwrap();
    assert_eq!(stopped(&e).stop.problem, WriteProblem::DiskFull, "{e}");
    let kept = stopped(&e).stop.kept.unwrap();
    rt.shutdown();
    let bytes = std::fs::read(&record).unwrap();
    assert!(
        whole_blocks(&bytes),
        "cut at a block boundary: {} bytes",
        bytes.len()
    );
    if let Ok(o) = Command::new("tshark").arg("-r").arg(&record).output() {
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "tshark reads it: {err}");
        assert!(!err.contains("cut short"), "{err}");
        // One packet per datagram kept (the bound event has none).
        let packets = String::from_utf8_lossy(&o.stdout).lines().count() as u64;
        assert!(
            packets > 0 && packets <= kept,
            "{packets} packets, {kept} events"
        );
    }
}

#[test]
fn the_spool_on_a_full_disk_says_so_in_the_log_and_the_session_goes_on() {
    let Some(small) = Tmpfs::mount(96) else {
        return;
    };
    let (mut rt, to) = udp_runtime(small.path(), None);
    send_ids(to, 800, 400);
    let st = wait_runtime(&rt, "every datagram, and the spool stopped", |st, rx| {
        rx == 800 && st.spool_error.is_some()
    });
    let e = st.spool_error.unwrap();
    let f = stopped(&e);
    assert_eq!(f.file, StoppedFile::Spool);
    assert_eq!(f.stop.problem, WriteProblem::DiskFull, "{e}");
    assert!(f.stop.kept.is_some_and(|k| k > 0 && k < 801), "{e}");
    let v = rt.view();
    assert!(
        v.store.iter().any(
            |r| matches!(&r.event.kind, EventKind::WriteStopped(s) if s.file == StoppedFile::Spool)
        ),
        "a row says the spool stopped"
    );
    assert_eq!(v.store.counters.rx_msgs, 800, "the log kept every datagram");
    drop(v);
    // Worded in both languages, with the count.
    let zh = socket_tester::i18n::file_stopped(socket_tester::i18n::Lang::Zh, f);
    assert!(zh.contains("磁盘已满") && zh.contains("个事件"), "{zh}");
    rt.shutdown();
}

#[test]
fn a_save_onto_a_full_disk_says_why_in_the_ui_language_and_keeps_the_old_file() {
    use socket_tester::codec::Encoding;
    use socket_tester::log::LogStore;
    use socket_tester::net::Event;
    let Some(small) = Tmpfs::mount(64) else {
        return;
    };
    let target = small.path().join("log.txt");
    std::fs::write(&target, b"the old log\n").unwrap();
    let mut store = LogStore::new(Encoding::UTF_8, socket_tester::i18n::english);
    for i in 0..2000u32 {
        store.push(Event {
            ts_us: 1_700_000_000_000_000 + i64::from(i),
            role: Role::UdpReceiver,
            local: None,
            peer: Some("127.0.0.1:9".parse().unwrap()),
            client: None,
            kind: EventKind::Rx(format!("{i:04} {}", ".".repeat(100)).into_bytes()),
            opcode: None,
        });
    }
    let rows: Vec<_> = store.iter().cloned().collect();
    let r = socket_tester::ui::export_session(
        socket_tester::ui::ExportSource::Memory {
            rows,
            why: String::new(),
        },
        &target,
        Encoding::UTF_8,
        socket_tester::i18n::Lang::Zh,
    );
    let msg = r.expect_err("a full disk is an error");
    assert!(msg.contains("磁盘已满"), "says why, in Chinese: {msg}");
    assert!(
        msg.contains("原有的文件保持不变"),
        "says the old file is kept: {msg}"
    );
    assert!(!msg.contains("No space"), "not the system's English: {msg}");
    assert_eq!(std::fs::read(&target).unwrap(), b"the old log\n");
    let left: Vec<_> = std::fs::read_dir(small.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "no partial file left beside it");
}
