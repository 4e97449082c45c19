//! Faults on the recording side: the record, spool or export path is unwritable, or the
//! disk is full (`/dev/full`). The session goes on, the in-memory log keeps everything,
//! and the user is told the record stopped.

use crate::support as common;

use common::*;
use socket_tester::codec::Encoding;
use socket_tester::log::export::{Format, export_file};
use socket_tester::log::spool::Spool;
use socket_tester::log::spool_format::SpoolWriter;
use socket_tester::log::{LogStore, RecordWriter};
use socket_tester::net::{EventKind, Role, SessionConfig};
use std::net::UdpSocket;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn have_dev_full() -> bool {
    Path::new("/dev/full").exists()
}

/// Sends `n` datagrams tagged `tag` to `to`, then reads events from the watch into the store
/// and the spool until all `n` have arrived.
fn feed(
    w: &mut Watch,
    peer: &UdpSocket,
    to: std::net::SocketAddr,
    tag: &str,
    n: usize,
    store: &mut LogStore,
    spool: &mut Spool,
) {
    for i in 0..n {
        peer.send_to(format!("{tag}-{i}").as_bytes(), to).unwrap();
    }
    let evs = w.wait_n(tag, n, is_rx);
    for ev in evs {
        spool.write(&ev);
        store.push(ev);
    }
}

#[test]
fn spool_on_a_full_disk_stops_and_the_session_goes_on() {
    if !have_dev_full() {
        eprintln!("skipped: no /dev/full");
        return;
    }
    let mut w = Watch::start(SessionConfig::new(Role::UdpReceiver, "127.0.0.1:0"));
    let local = w.wait_local();
    let mut spool = Spool::create(
        Path::new("/dev/full"),
        Encoding::UTF_8,
        true,
        socket_tester::i18n::english,
    )
    .unwrap();
    let mut store = LogStore::new(Encoding::UTF_8, socket_tester::i18n::english);
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();

    feed(&mut w, &peer, local, "before", 20, &mut store, &mut spool);
    // The writer flushes after each batch: the first flush fails and it reports once.
    let deadline = Instant::now() + WAIT;
    let message = loop {
        if let (_, Some(e)) = spool.poll() {
            break e.detail.clone();
        }
        assert!(
            Instant::now() < deadline,
            "the spool never reported the full disk"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    // The spool gives the system's words; its owner names the file and what stopped
    // (once: the runtime's WriterError).
    assert!(
        message.to_lowercase().contains("no space"),
        "says why: {message}"
    );
    assert!(
        !message.contains("record stopped"),
        "said once, by the owner: {message}"
    );

    // The session is unaffected: more datagrams arrive, the in-memory log keeps them,
    // and writing to the stopped spool neither blocks nor panics.
    feed(&mut w, &peer, local, "after", 20, &mut store, &mut spool);
    assert_eq!(store.len(), 20 + 20, "every datagram, before and after");
    assert!(store.iter().any(|e| e.text == "after-19"));
    assert!(!spool.is_behind());
    let (_, still) = spool.poll();
    assert_eq!(
        still.map(|e| e.detail.as_str()),
        Some(message.as_str()),
        "the error stays visible"
    );
    assert!(!w.session.is_finished());
    spool.finish();
    let rest = w.session.stop_and_join();
    assert!(
        rest.iter()
            .any(|e| matches!(e.kind, EventKind::Closed { .. })),
        "the session still ends in order: {rest:?}"
    );
}

#[test]
fn a_spool_sync_on_a_full_disk_does_not_hang() {
    if !have_dev_full() {
        eprintln!("skipped: no /dev/full");
        return;
    }
    let mut spool = Spool::create(
        Path::new("/dev/full"),
        Encoding::UTF_8,
        true,
        socket_tester::i18n::english,
    )
    .unwrap();
    let ev = socket_tester::net::Event {
        ts_us: 1,
        role: Role::TcpClient,
        local: None,
        peer: None,
        client: None,
        kind: EventKind::Rx(vec![b'x'; 4 << 20]),
        opcode: None,
    };
    // 4 MiB overflows the writer's buffer, so the write itself fails, not only the flush.
    spool.write(&ev);
    spool.write(&ev);
    let sync = spool.syncer();
    let t = std::thread::spawn(sync);
    let ok = t.join().unwrap();
    spool.finish();
    let (written, err) = spool.poll();
    assert!(
        err.is_some_and(|e| e.detail.contains("No space left")),
        "{err:?}"
    );
    assert!(
        written < 2,
        "not counted as written: {written} (sync answered {ok})"
    );
    // After it stopped, syncs answer at once with false.
    assert!(!(spool.syncer())());
}

#[test]
fn record_writer_on_a_full_disk_returns_an_error() {
    if !have_dev_full() {
        eprintln!("skipped: no /dev/full");
        return;
    }
    let mut w = RecordWriter::create(
        Path::new("/dev/full"),
        Encoding::UTF_8,
        socket_tester::i18n::english,
    )
    .unwrap();
    assert!(w.flush_each, "flushes each event by default");
    let ev = socket_tester::net::Event {
        ts_us: 1,
        role: Role::UdpReceiver,
        local: None,
        peer: None,
        client: None,
        kind: EventKind::Rx(b"hello".to_vec()),
        opcode: None,
    };
    let e = w.write_event(&ev).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(28), "ENOSPC: {e}");
}

#[test]
fn unwritable_record_paths_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, "x").unwrap();
    // A directory where the file should be, and a file where a directory should be.
    let e = Spool::create(
        dir.path(),
        Encoding::UTF_8,
        true,
        socket_tester::i18n::english,
    )
    .err();
    assert!(e.is_some(), "a directory is not a record file");
    let e = Spool::create(
        &file.join("sub").join("rec.jsonl"),
        Encoding::UTF_8,
        true,
        socket_tester::i18n::english,
    )
    .err();
    assert!(e.is_some(), "a file is not a directory");
    assert!(
        RecordWriter::create(dir.path(), Encoding::UTF_8, socket_tester::i18n::english).is_err()
    );
    // The export names the path it could not write.
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, "").unwrap();
    let out = file.join("out.csv");
    let e = export_file(&input, &out, None, socket_tester::i18n::english)
        .unwrap_err()
        .to_string();
    assert!(e.contains("cannot write") && e.contains("out.csv"), "{e}");
}

#[test]
fn export_to_a_full_disk_is_an_error() {
    if !have_dev_full() {
        eprintln!("skipped: no /dev/full");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // The same events as a JSON Lines record and as a binary spool.
    let input = dir.path().join("in.jsonl");
    let spool = dir.path().join("in.stspool");
    let mut w =
        RecordWriter::create(&input, Encoding::UTF_8, socket_tester::i18n::english).unwrap();
    let mut sw = SpoolWriter::new(
        std::io::BufWriter::new(std::fs::File::create(&spool).unwrap()),
        Encoding::UTF_8,
        None,
        0,
    )
    .unwrap();
    for i in 0..2000u32 {
        let ev = socket_tester::net::Event {
            ts_us: 1_700_000_000_000_000 + i as i64,
            role: Role::UdpReceiver,
            local: None,
            peer: Some("127.0.0.1:9".parse().unwrap()),
            client: None,
            kind: EventKind::Rx(format!("row {i} ").repeat(50).into_bytes()),
            opcode: None,
        };
        w.write_event(&ev).unwrap();
        sw.write_event(&ev).unwrap();
    }
    drop(w);
    sw.flush().unwrap();
    drop(sw);
    for (input, f) in [&input, &spool]
        .into_iter()
        .flat_map(|i| Format::ALL.map(|f| (i, f)))
    {
        // The extension picks the format; the symlink sends the bytes to /dev/full.
        let out = dir.path().join(format!("out.{}", f.extension()));
        let _ = std::fs::remove_file(&out);
        std::os::unix::fs::symlink("/dev/full", &out).unwrap();
        let e = export_file(input, &out, None, socket_tester::i18n::english)
            .unwrap_err()
            .to_string();
        assert!(e.contains("failed") && e.contains("out."), "{f:?}: {e}");
    }
}

#[test]
fn a_binary_spool_on_a_full_disk_is_refused_at_once() {
    if !have_dev_full() {
        eprintln!("skipped: no /dev/full");
        return;
    }
    // The header is written and flushed when the spool starts, so a full disk is an error
    // the caller sees then (and runs without a spool), not a panic later.
    let e = Spool::binary_at(Path::new("/dev/full"), Encoding::UTF_8, None).err();
    assert_eq!(e.and_then(|e| e.raw_os_error()), Some(28), "ENOSPC");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, "x").unwrap();
    assert!(Spool::in_dir(&file, "udp-recv", Encoding::UTF_8).is_err());
}

fn headless(args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_socket-tester"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start socket-tester")
}

/// Runs the headless receiver with `--record record`, sends it datagrams, and returns
/// (exit code, stdout, stderr).
fn headless_receiver_with_record(record: &str) -> (i32, String, String) {
    let port = {
        let s = UdpSocket::bind("127.0.0.1:0").unwrap();
        s.local_addr().unwrap().port()
    };
    let bind = format!("127.0.0.1:{port}");
    let child = headless(&[
        "udp-recv",
        "--bind",
        &bind,
        "--headless",
        "--duration",
        "1500ms",
        "--record",
        record,
    ]);
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    // The receiver binds a moment after start; send for a while so some arrive.
    for i in 0..40 {
        let _ = peer.send_to(format!("dgram-{i}").as_bytes(), &bind);
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn headless_record_on_a_full_disk_goes_on_and_says_so() {
    if !have_dev_full() {
        eprintln!("skipped: no /dev/full");
        return;
    }
    let (code, out, err) = headless_receiver_with_record("/dev/full");
    assert!(err.contains("record stopped"), "stderr: {err}");
    assert!(out.contains("dgram-39"), "the session went on: {out}");
    // Issue 23: an incomplete record is said again at the end, and the exit is 1.
    assert!(err.contains("the record is incomplete"), "stderr: {err}");
    assert_eq!(code, 1, "stderr: {err}");
}

#[test]
fn headless_record_to_an_unwritable_path_goes_on_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, "x").unwrap();
    let bad = file.join("rec.jsonl");
    let (code, out, err) = headless_receiver_with_record(bad.to_str().unwrap());
    assert!(
        err.contains("cannot write the record") && err.contains("going on without it"),
        "stderr: {err}"
    );
    assert!(out.contains("dgram-39"), "the session went on: {out}");
    assert!(err.contains("the record is incomplete"), "stderr: {err}");
    assert_eq!(code, 1, "stderr: {err}");
}

/// Issue 23: a record that hits a file-size limit mid-line is cut back to its last whole
/// line — every line a reader meets is a whole event — and headless exits 1 saying so.
#[cfg(target_os = "linux")]
#[test]
fn a_record_cut_by_a_size_limit_ends_with_a_whole_line() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("cut.jsonl");
    let port = {
        let s = UdpSocket::bind("127.0.0.1:0").unwrap();
        s.local_addr().unwrap().port()
    };
    let bind = format!("127.0.0.1:{port}");
    let mut c = Command::new(env!("CARGO_BIN_EXE_socket-tester"));
    c.args([
        "udp-recv",
        "--bind",
        &bind,
        "--headless",
        "--duration",
        "2s",
        "--record",
    ])
    .arg(&record)
    .stdout(Stdio::null())
    .stderr(Stdio::piped());
    limit_file_size(&mut c, 64 * 1024);
    let child = c.spawn().unwrap();
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    let payload = "x".repeat(900);
    for i in 0..300 {
        let _ = peer.send_to(format!("{i:04} {payload}").as_bytes(), &bind);
        std::thread::sleep(Duration::from_millis(3));
    }
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("the record is incomplete"), "{err}");
    let bytes = std::fs::read(&record).unwrap();
    assert!(
        !bytes.is_empty() && bytes.len() <= 64 * 1024,
        "{}",
        bytes.len()
    );
    assert_eq!(bytes.last(), Some(&b'\n'), "a whole last line");
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() > 10, "{} lines", lines.len());
    let recs: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    // Typed and counted: why, and how many events the file keeps whole.
    assert!(
        err.contains("the file reached the largest size allowed"),
        "{err}"
    );
    let kept: u64 = err
        .split("it holds the first ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.replace(',', "").parse().ok())
        .unwrap_or_else(|| panic!("says how many events are whole: {err}"));
    assert!(
        err.contains(&format!("from event {} (", kept + 1)),
        "says from which event on, and when: {err}"
    );
    // The events in the file are exactly the kept ones; a last line marks the cut when
    // it fits.
    let marked = recs.last().is_some_and(|r| r.get("stopped").is_some());
    let events = recs.len() as u64 - u64::from(marked);
    assert_eq!(events, kept, "{err}");
    if marked {
        let stop = &recs[recs.len() - 1]["stopped"];
        assert_eq!(stop["file"], "record", "{stop}");
        assert_eq!(stop["stop"]["problem"], "file-too-large", "{stop}");
        assert_eq!(stop["stop"]["kept"], kept, "{stop}");
    }
    // Said when it happened and again at the end, not once per event.
    assert_eq!(err.matches("it holds the first").count(), 2, "{err}");
}

#[test]
fn a_record_in_a_folder_that_does_not_exist_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("no-such").join("r.jsonl");
    let out = Command::new(env!("CARGO_BIN_EXE_socket-tester"))
        .args([
            "tcp-server",
            "--listen",
            "127.0.0.1:0",
            "--headless",
            "--duration",
            "1s",
            "--record",
        ])
        .arg(&record)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("does not exist: making it for --record"),
        "{err}"
    );
    assert!(record.exists(), "the record was made");
}
