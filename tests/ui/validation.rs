//! Checking as you type: bad ports and hosts disable the start button, bad hex disables
//! Send; persistence, launch options, the CJK font and log export.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::auto::auto_send::AutoPlan;
use socket_tester::codec::Encoding;
use socket_tester::net::{Role, SessionConfig};
use socket_tester::ui::{App, ConnState, DisplayMode, LineEnding, Persisted};
use std::net::UdpSocket;
use std::time::Duration;
use support::*;

#[test]
fn bad_port_shows_the_reason_and_disables_start() {
    let mut h = harness(App::new(None, None));
    open_tab(&mut h, Role::UdpReceiver);
    assert!(!is_disabled(&h, "Bind"));
    set_field(&mut h, "Port", "70000");
    assert!(h.query_by_label_contains("out of range").is_some());
    assert!(is_disabled(&h, "Bind"));
    h.get_by_label("Bind").click();
    settle(&mut h);
    assert!(!h.state().panel(Role::UdpReceiver).is_running());

    // A well-known port is warned about, and still allowed (with the rights it needs).
    set_field(&mut h, "Port", "80");
    assert!(h.query_by_label_contains("Well-known port").is_some());
    assert!(!is_disabled(&h, "Bind"));

    open_tab(&mut h, Role::TcpClient);
    set_field(&mut h, "Server host", "300.1.1.1");
    assert!(h.query_by_label_contains("not a valid IPv4").is_some());
    assert!(is_disabled(&h, "Connect"));
}

#[test]
fn hex_mode_refuses_4g_and_disables_send() {
    let mut h = harness(App::new(None, None));
    open_tab(&mut h, Role::UdpSender);
    h.get_by_label("Hex").click();
    settle(&mut h);
    h.get_by_label("Message").focus();
    h.step();
    h.get_by_label("Message").type_text("41 4G");
    settle(&mut h);
    assert!(h.query_by_label_contains("column").is_some());
    assert!(is_disabled(&h, "Send"));
    let p = h.state().panel(Role::UdpSender);
    assert!(p.settings.send.hex);
    assert!(p.settings.send.payload(Encoding::UTF_8).is_err());
}

#[test]
fn unencodable_text_is_an_error_before_sending() {
    let mut h = harness(App::new(None, None));
    open_tab(&mut h, Role::UdpSender);
    h.state_mut()
        .panel_mut(Role::UdpSender)
        .set_encoding(Encoding::LATIN_1);
    h.get_by_label("Message").focus();
    h.step();
    h.get_by_label("Message").type_text("a\u{3a9}");
    settle(&mut h);
    assert!(h.query_by_label_contains("cannot be written").is_some());
}

#[test]
fn text_that_would_read_back_differently_is_refused_before_sending() {
    // Shift_JIS writes '¥' as 0x5C, which reads back as '\\': say so, with the bytes.
    let mut h = harness(App::new(None, None));
    open_tab(&mut h, Role::UdpSender);
    let sjis = Encoding::for_label("shift_jis").unwrap();
    h.state_mut().panel_mut(Role::UdpSender).set_encoding(sjis);
    h.get_by_label("Message").focus();
    h.step();
    h.get_by_label("Message").type_text("a\u{a5}b");
    settle(&mut h);
    assert!(h.query_by_label_contains("reads back as").is_some());
    assert!(h.query_by_label_contains("5C").is_some());
    assert!(is_disabled(&h, "Send"));
    let p = h.state().panel(Role::UdpSender);
    assert!(p.settings.send.payload(sjis).is_err());
}

#[test]
fn settings_round_trip_through_persistence() {
    let mut app = App::new(None, None);
    app.tab = Role::TcpServer;
    {
        let p = app.panel_mut(Role::UdpReceiver);
        p.settings.port = "9999".into();
        p.settings.display = DisplayMode::Both;
        p.settings.send.line_ending = LineEnding::CrLf;
        p.settings.send.text = "abc".into();
        p.settings.send.remember();
        p.set_encoding(Encoding::GBK);
    }
    let json = serde_json::to_string(&app.persisted()).unwrap();
    let back: Persisted = serde_json::from_str(&json).unwrap();
    let app2 = App::new(Some(back), None);
    assert_eq!(app2.tab, Role::TcpServer);
    let p = app2.panel(Role::UdpReceiver);
    assert_eq!(p.settings.port, "9999");
    assert_eq!(p.settings.display, DisplayMode::Both);
    assert_eq!(p.settings.send.history.len(), 1);
    assert_eq!(p.encoding(), Encoding::GBK);
    // Seeds.
    let fresh = App::new(None, None);
    assert_eq!(fresh.panel(Role::UdpSender).settings.local, "7890");
    assert_eq!(fresh.panel(Role::TcpServer).settings.host, "0.0.0.0");
    assert_eq!(fresh.panel(Role::TcpServer).settings.backlog, "128");
    // Old or partial settings still load.
    let partial: Persisted = serde_json::from_str(r#"{"tab":"tcp-client"}"#).unwrap();
    assert_eq!(partial.tab, Role::TcpClient);
    assert_eq!(partial.udp_receiver.port, "8080");
}

#[test]
fn launch_opens_the_role_tab_starts_and_records() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("rec.jsonl");
    let launch = socket_tester::launch::Launch {
        config: SessionConfig::new(Role::UdpReceiver, "127.0.0.1:0"),
        auto: AutoPlan::default(),
        record: Some(rec.clone()),
        hex: false,
        framing: None,
        duration: None,
        print: Default::default(),
        check: None,
    };
    let mut h = harness(App::new(None, Some(launch)));
    assert_eq!(h.state().tab, Role::UdpReceiver);
    wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpReceiver).st.state == ConnState::Bound
    });
    let local = h.state().panel(Role::UdpReceiver).st.local.unwrap();
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.send_to(b"recorded", local).unwrap();
    wait_for(&mut h, "rx row", |a| {
        has_row(a, Role::UdpReceiver, "recorded")
    });
    let mut text = String::new();
    for _ in 0..100 {
        text = std::fs::read_to_string(&rec).unwrap_or_default();
        if text.contains("\"rx\"") {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(text.lines().count() >= 2, "record: {text}");
    assert!(text.contains("\"text\":\"recorded\""), "record: {text}");
}

#[test]
fn launch_with_auto_send_sends_on_ready() {
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let launch = socket_tester::launch::Launch {
        config: SessionConfig::new(Role::UdpSender, peer.local_addr().unwrap().to_string()),
        auto: AutoPlan {
            send: Some(socket_tester::net::Payload::Text("auto hi".into())),
            ..Default::default()
        },
        record: None,
        hex: false,
        framing: None,
        duration: None,
        print: Default::default(),
        check: None,
    };
    let mut h = harness(App::new(None, Some(launch)));
    wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpSender).st.state == ConnState::Bound
    });
    let mut buf = [0u8; 64];
    let (n, _) = peer.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"auto hi");
}

#[test]
fn chinese_text_in_gbk_shows_decoded() {
    let mut app = App::new(None, None);
    let ctx = egui::Context::default();
    if !socket_tester::ui::install_cjk_font(&ctx) {
        eprintln!("skipped: no CJK font on this machine (install fonts-noto-cjk)");
        return;
    }
    app.panel_mut(Role::UdpReceiver).set_encoding(Encoding::GBK);
    app.panel_mut(Role::UdpReceiver).settings.port = "0".into();
    app.tab = Role::UdpReceiver;
    let mut h = harness(app);
    settle(&mut h);
    h.get_by_label("Bind").click();
    wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpReceiver).st.state == ConnState::Bound
    });
    let local = h.state().panel(Role::UdpReceiver).st.local.unwrap();
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    let gbk = socket_tester::codec::encode(Encoding::GBK, "收到啦").unwrap();
    peer.send_to(&gbk, local).unwrap();
    wait_for(&mut h, "rx row", |a| {
        has_row(a, Role::UdpReceiver, "收到啦")
    });
    // The row is drawn (the harness would panic on a missing glyph).
    assert!(h.query_by_label("收到啦").is_some());
    // Switching encoding re-decodes the shown rows.
    h.state_mut()
        .panel_mut(Role::UdpReceiver)
        .set_encoding(Encoding::UTF_8);
    settle(&mut h);
    assert!(!has_row(h.state(), Role::UdpReceiver, "收到啦"));
}

#[test]
fn log_export_writes_jsonl_and_text() {
    use socket_tester::log::LogStore;
    use socket_tester::net::{Event, EventKind};
    let mut store = LogStore::new(Encoding::UTF_8, socket_tester::i18n::english);
    for (i, kind) in [EventKind::Bound, EventKind::Rx(b"a\r\nb".to_vec())]
        .into_iter()
        .enumerate()
    {
        store.push(Event {
            ts_us: 1_700_000_000_000_000 + i as i64,
            role: Role::UdpReceiver,
            local: Some("127.0.0.1:8080".parse().unwrap()),
            peer: Some("127.0.0.1:5000".parse().unwrap()),
            client: None,
            kind,
            opcode: None,
        });
    }
    let rows: Vec<_> = store.iter().cloned().collect();
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("log.jsonl");
    let t = dir.path().join("log.txt");
    assert_eq!(
        socket_tester::ui::write_log(&j, &rows, Encoding::UTF_8).unwrap(),
        2
    );
    assert_eq!(
        socket_tester::ui::write_log(&t, &rows, Encoding::UTF_8).unwrap(),
        2
    );
    let jt = std::fs::read_to_string(&j).unwrap();
    assert_eq!(jt.lines().count(), 2);
    assert!(jt.contains("\"hex\":\"610d0a62\""));
    let tt = std::fs::read_to_string(&t).unwrap();
    assert!(
        tt.lines()
            .nth(1)
            .unwrap()
            .ends_with("←  127.0.0.1:5000  4  a\\r\\nb"),
        "{tt}"
    );
}

#[test]
fn million_rows_render_one_screenful() {
    use socket_tester::net::{Event, EventKind};
    let mut app = App::new(None, None);
    app.tab = Role::UdpReceiver;
    {
        let p = app.panel_mut(Role::UdpReceiver);
        // The caps go to the tab's runtime (after the ones the settings gave it).
        p.set_caps(1_000_000, usize::MAX);
        let t = std::time::Instant::now();
        while p.view().store.max_rows != 1_000_000 {
            assert!(t.elapsed() < std::time::Duration::from_secs(10));
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        for i in 0..1_000_000u32 {
            p.view().store.push(Event {
                ts_us: i as i64,
                role: Role::UdpReceiver,
                local: None,
                peer: Some("127.0.0.1:5000".parse().unwrap()),
                client: None,
                kind: EventKind::Rx(i.to_string().into_bytes()),
                opcode: None,
            });
        }
    }
    let mut h = harness(app);
    // How fast this is, is measured by the `log_frame` figure of `cargo bench --bench
    // throughput`; here we only check that the newest rows and the counts are shown.
    settle(&mut h);
    assert!(h.query_by_label("999999").is_some());
    assert!(
        h.query_by_label_contains("showing 1,000,000 of 1,000,000 events")
            .is_some()
    );
}

#[test]
fn idle_window_settles_and_ctrl_l_clears_the_log() {
    use egui::{Key, Modifiers};
    let mut h = harness(App::new(None, None));
    open_tab(&mut h, Role::UdpReceiver);
    set_field(&mut h, "Port", "0");
    h.get_by_label("Bind").click();
    wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpReceiver).st.state == ConnState::Bound
    });
    assert!(!h.state().panel(Role::UdpReceiver).view().store.is_empty());
    // Nothing is happening: the window stops asking for frames.
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::L);
    settle(&mut h);
    assert_eq!(h.state().panel(Role::UdpReceiver).view().store.len(), 0);
    assert!(h.state().panel(Role::UdpReceiver).is_running());
}
