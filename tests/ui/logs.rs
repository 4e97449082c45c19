//! Session logs in the window: the spool keeps every event beyond the in-memory cap and
//! Save log writes them all; the search box; notes; the recovery offer after a crash.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::log::record::read_records;
use socket_tester::log::spool::read_events;
use socket_tester::net::{EventKind, Role};
use socket_tester::ui::{App, LogSettings, Persisted};
use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::time::Duration;
use support::*;

fn app_in(dir: &Path, max_rows: usize) -> App {
    let p = Persisted {
        log: LogSettings {
            max_rows,
            max_mib: 256,
            ..LogSettings::default()
        },
        ..Persisted::default()
    };
    App::new(Some(p), None).with_data_dir(dir)
}

/// Sends datagrams in small batches, waiting for each batch to arrive (loopback UDP
/// drops datagrams when a receive buffer overflows).
fn send_all(h: &mut egui_kittest::Harness<'_, App>, to: SocketAddr, msgs: &[Vec<u8>]) {
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    for chunk in msgs.chunks(50) {
        let before = h
            .state()
            .panel(Role::UdpReceiver)
            .view()
            .store
            .counters
            .rx_msgs;
        for m in chunk {
            peer.send_to(m, to).unwrap();
        }
        let want = before + chunk.len() as u64;
        wait_for(h, "datagrams", |a| {
            a.panel(Role::UdpReceiver).view().store.counters.rx_msgs >= want
        });
    }
}

fn wait_notice(h: &mut egui_kittest::Harness<'_, App>, prefix: &str) -> String {
    wait_for(h, prefix, |a| {
        a.panel(Role::UdpReceiver)
            .notice
            .as_ref()
            .is_some_and(|(m, _)| m.starts_with(prefix) || m.starts_with("save failed"))
    });
    let (m, err) = h.state().panel(Role::UdpReceiver).notice.clone().unwrap();
    assert!(!err && m.starts_with(prefix), "{m}");
    m
}

#[test]
fn save_log_writes_every_event_beyond_the_memory_cap() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(app_in(dir.path(), 100));
    let local = bind_udp_receiver(&mut h);
    let msgs: Vec<Vec<u8>> = (0..500).map(|i| format!("msg {i}").into_bytes()).collect();
    send_all(&mut h, local, &msgs);
    // 1 "bound" event + 500 datagrams; only the newest 100 rows stay in memory.
    wait_for(&mut h, "all saved", |a| {
        a.panel(Role::UdpReceiver)
            .held_text()
            .0
            .ends_with("· all saved")
    });
    let p = h.state().panel(Role::UdpReceiver);
    assert_eq!(p.view().store.len(), 100);
    assert_eq!(p.view().store.total(), 501);
    h.get_by_label("showing 100 of 501 events · all saved");
    let spool = p.spool_path().unwrap().to_path_buf();
    assert!(spool.starts_with(dir.path()));

    // What Save log… does after its dialog, once per format.
    let out = tempfile::tempdir().unwrap();
    let jsonl = out.path().join("all.jsonl");
    let ctx = h.ctx.clone();
    h.state_mut()
        .panel_mut(Role::UdpReceiver)
        .save_log_to(jsonl.clone(), &ctx);
    let m = wait_notice(&mut h, "saved 501 events");
    assert!(m.contains("all.jsonl"), "{m}");
    h.get_by_label_contains("saved 501 events to");
    let recs: Vec<_> = read_records(std::fs::File::open(&jsonl).unwrap())
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(recs.len(), 501);
    let texts: Vec<&str> = recs
        .iter()
        .filter(|r| r.event == "rx")
        .filter_map(|r| r.text.as_deref())
        .collect();
    let want: Vec<String> = (0..500).map(|i| format!("msg {i}")).collect();
    assert_eq!(texts, want);

    for ext in ["txt", "csv", "pcapng", "html"] {
        let f = out.path().join(format!("all.{ext}"));
        let ctx = h.ctx.clone();
        h.state_mut()
            .panel_mut(Role::UdpReceiver)
            .save_log_to(f.clone(), &ctx);
        wait_notice(&mut h, "saved 501 events");
        let bytes = std::fs::read(&f).unwrap();
        if ext != "pcapng" {
            let s = String::from_utf8_lossy(&bytes);
            assert!(s.contains("msg 0") && s.contains("msg 499"), "{ext}");
        } else {
            assert!(bytes.len() > 500 * 40, "pcapng too small: {}", bytes.len());
        }
    }

    // Clear empties the spool too, and takes the "saved N events" notice with it.
    assert!(h.query_by_label_contains("saved 501 events to").is_some());
    h.get_by_label("Clear").click();
    settle(&mut h);
    assert_eq!(h.state().panel(Role::UdpReceiver).view().store.total(), 0);
    assert!(h.state().panel(Role::UdpReceiver).notice.is_none());
    assert!(h.query_by_label_contains("saved 501 events").is_none());
    h.get_by_label("Unbind").click();
    wait_for(&mut h, "stopped", |a| {
        !a.panel(Role::UdpReceiver).is_running()
    });
    let t = std::time::Instant::now();
    while std::fs::metadata(&spool).map_or(1, |m| m.len()) > 200 {
        assert!(t.elapsed() < Duration::from_secs(5), "spool not truncated");
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    // Dropping the window (a normal exit) removes the spool.
    drop(h);
    assert!(!spool.exists());
}

#[test]
fn search_box_filters_and_counts_matches() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(app_in(dir.path(), 1000));
    let local = bind_udp_receiver(&mut h);
    let msgs: Vec<Vec<u8>> = vec![
        b"apple one".to_vec(),
        b"banana".to_vec(),
        b"apple two".to_vec(),
        vec![0xca, 0xd5, 0x01],
    ];
    send_all(&mut h, local, &msgs);
    assert!(h.query_by_label("banana").is_some());

    set_field(&mut h, "Filter", "apple");
    h.get_by_label("2 of 5 match");
    assert!(h.query_by_label("banana").is_none());
    assert!(h.query_by_label("apple one").is_some());

    set_field(&mut h, "Filter", "ca d5");
    h.get_by_label("1 of 5 match");

    set_field(&mut h, "Filter", "←");
    h.get_by_label("4 of 5 match");

    set_field(&mut h, "Filter", "");
    assert!(h.query_by_label_contains("match").is_none());
    assert!(h.query_by_label("banana").is_some());
}

#[test]
fn a_note_goes_to_the_log_and_the_spool() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(app_in(dir.path(), 1000));
    let local = bind_udp_receiver(&mut h);
    send_all(&mut h, local, &[b"before".to_vec()]);

    h.get_by_label("Note…").click();
    settle(&mut h);
    h.get_by_label("Note text").focus();
    h.step();
    h.get_by_label("Note text").type_text("device rebooted");
    settle(&mut h);
    h.get_by_label("Add note").click();
    settle(&mut h);
    assert!(has_row(h.state(), Role::UdpReceiver, "device rebooted"));

    wait_for(&mut h, "all saved", |a| {
        a.panel(Role::UdpReceiver)
            .held_text()
            .0
            .ends_with("· all saved")
    });
    let spool = h
        .state()
        .panel(Role::UdpReceiver)
        .spool_path()
        .unwrap()
        .to_path_buf();
    let mut r = read_events(&spool).unwrap();
    let evs: Vec<_> = r.by_ref().collect();
    assert!(r.cut().is_none(), "{:?}", r.cut());
    let note = evs
        .iter()
        .find(|e| matches!(e.kind, EventKind::Note(_)))
        .expect("note record");
    assert_eq!(note.kind, EventKind::Note("device rebooted".into()));
    assert_eq!(note.role, Role::UdpReceiver);

    // The filter finds notes by their kind.
    set_field(&mut h, "Filter", "note");
    h.get_by_label("1 of 3 match");
}

#[test]
fn recovery_offers_an_orphan_spool() {
    let dir = tempfile::tempdir().unwrap();
    let orphan = dir
        .path()
        .join(format!("spool-{}-tcp-client-1.jsonl", u32::MAX));
    let line = r#"{"ts":"2026-11-25T17:32:34.562986Z","session":"tcp-client","event":"rx","local":"127.0.0.1:38592","peer":"127.0.0.1:17891","len":2,"hex":"6869","text":"hi","encoding":"utf-8"}"#;
    // Three complete lines and one cut by the kill.
    std::fs::write(&orphan, format!("{line}\n{line}\n{line}\n{{\"ts\":\"20")).unwrap();

    let mut h = harness(App::new(None, None).with_data_dir(dir.path()));
    wait_for(&mut h, "offer", |a| {
        a.recovery.items.first().is_some_and(|o| o.events.is_some())
    });
    h.get_by_label("Recover session logs");
    // The session by its tab's name (the tab bar has one too).
    assert_eq!(h.query_all_by_label("TCP Client").count(), 2);
    h.get_by_label("3 events");
    h.get_by_label("Save as…");

    // What "Save as…" does after its dialog.
    let out = tempfile::tempdir().unwrap();
    let csv = out.path().join("recovered.csv");
    let ctx = h.ctx.clone();
    h.state_mut()
        .recovery
        .save_to(&orphan, Some(csv.clone()), &ctx);
    wait_for(&mut h, "saved", |a| a.recovery.items[0].status.is_some());
    let (m, _) = h.state().recovery.items[0].status.clone().unwrap();
    assert!(m.starts_with("saved 3 events to"), "{m}");
    assert!(
        m.contains("unreadable line"),
        "the cut line is reported: {m}"
    );
    assert_eq!(
        std::fs::read_to_string(&csv)
            .unwrap()
            .matches(",hi")
            .count(),
        3
    );

    h.get_by_label("Discard").click();
    settle(&mut h);
    assert!(!orphan.exists());
    assert!(h.query_by_label("Recover session logs").is_none());
}

#[test]
fn recovery_offers_a_binary_spool_cut_by_the_kill() {
    use socket_tester::codec::Encoding;
    use socket_tester::log::spool_format::SpoolWriter;
    let dir = tempfile::tempdir().unwrap();
    let orphan = dir
        .path()
        .join(format!("spool-{}-udp-recv-1.stspool", u32::MAX));
    let mut w = SpoolWriter::new(
        Vec::new(),
        Encoding::UTF_8,
        Some(Role::UdpReceiver),
        1_795_000_000_000_000,
    )
    .unwrap();
    for i in 0..4u8 {
        let ev = socket_tester::net::Event {
            ts_us: 1_795_000_000_000_000 + i as i64,
            role: Role::UdpReceiver,
            local: Some("127.0.0.1:7000".parse().unwrap()),
            peer: Some("[2001:db8::5]:40000".parse().unwrap()),
            client: None,
            kind: EventKind::Rx(format!("hi{i}").into_bytes()),
            opcode: None,
        };
        w.write_event(&ev).unwrap();
    }
    let bytes = w.into_inner();
    // Three whole events and one cut by the kill.
    std::fs::write(&orphan, &bytes[..bytes.len() - 5]).unwrap();

    let mut h = harness(App::new(None, None).with_data_dir(dir.path()));
    wait_for(&mut h, "offer", |a| {
        a.recovery.items.first().is_some_and(|o| o.events.is_some())
    });
    assert_eq!(h.query_all_by_label("UDP Receiver").count(), 2);
    h.get_by_label("3 events");
    let out = tempfile::tempdir().unwrap();
    let csv = out.path().join("recovered.csv");
    let ctx = h.ctx.clone();
    h.state_mut()
        .recovery
        .save_to(&orphan, Some(csv.clone()), &ctx);
    wait_for(&mut h, "saved", |a| a.recovery.items[0].status.is_some());
    let (m, err) = h.state().recovery.items[0].status.clone().unwrap();
    assert!(m.starts_with("saved 3 events to"), "{m}");
    assert!(err && m.contains("cut 8 bytes"), "the cut is reported: {m}");
    let text = std::fs::read_to_string(&csv).unwrap();
    for i in 0..3 {
        assert!(text.contains(&format!(",hi{i},")), "{text}");
    }
    assert!(text.contains("[2001:db8::5]:40000"));
}

#[test]
fn closing_the_window_stops_its_workers_and_removes_its_spool() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(app_in(dir.path(), 1000));
    let local = bind_udp_receiver(&mut h);
    let msgs: Vec<Vec<u8>> = (0..50).map(|i| format!("m{i}").into_bytes()).collect();
    send_all(&mut h, local, &msgs);
    wait_for(&mut h, "all saved", |a| {
        a.panel(Role::UdpReceiver)
            .held_text()
            .0
            .ends_with("· all saved")
    });
    let spool = h
        .state()
        .panel(Role::UdpReceiver)
        .spool_path()
        .unwrap()
        .to_path_buf();
    let t = std::time::Instant::now();
    // The window goes away: its sessions are told to stop and its spools are flushed and removed.
    drop(h);
    assert!(!spool.exists(), "the spool outlived the window");
    // The worker lets go of its port (bounded wait; the figure is printed, not asserted).
    while UdpSocket::bind(local).is_err() {
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "the worker still holds its port"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    println!("window closed, port free after {:?}", t.elapsed());
}
