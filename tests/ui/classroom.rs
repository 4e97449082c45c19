//! Classroom mode in the window: switching the language to 简体中文, the Network panel
//! filling the host field, the address and port explanations, the loopback labs (real
//! sockets on 127.0.0.1, OS-assigned ports), the timeline strip, presets, and zoom.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::i18n::Lang;
use socket_tester::net::Role;
use socket_tester::ui::{App, ConnState, Persisted, Theme};
use support::*;

fn english_app() -> App {
    let mut app = App::new(None, None);
    app.classroom.set_lang(Lang::En);
    app
}

fn cjk_font_available() -> bool {
    let ctx = egui::Context::default();
    if socket_tester::ui::install_cjk_font(&ctx) {
        true
    } else {
        eprintln!("skipped: no CJK font on this machine (install fonts-noto-cjk)");
        false
    }
}

#[test]
fn language_menu_switches_to_chinese_and_is_remembered() {
    if !cjk_font_available() {
        return;
    }
    let mut h = harness(english_app());
    settle(&mut h);
    assert!(h.query_by_label("UDP Receiver").is_some());
    h.get_by_label("Language").click();
    settle(&mut h);
    h.get_by_label("简体中文").click();
    settle(&mut h);
    assert_eq!(h.state().classroom.lang, Lang::Zh);
    // The tab bar, the menus and the bind badge are in Chinese now.
    for label in [
        "UDP 发送端",
        "UDP 接收端",
        "TCP 客户端",
        "TCP 服务端",
        "视图",
        "实验",
        "语言 (Language)",
    ] {
        assert!(h.query_by_label(label).is_some(), "no label {label}");
    }
    h.get_by_label("TCP 服务端").click();
    settle(&mut h);
    assert_eq!(h.state().tab, Role::TcpServer);
    assert!(
        h.query_by_label_contains("网络上的其他电脑可以访问")
            .is_some()
    );
    assert!(h.query_by_label_contains("注册端口").is_some());
    // Remembered in the saved state, and used again on the next start.
    let saved = h.state().persisted();
    assert_eq!(saved.classroom.lang, Some(Lang::Zh));
    let json = serde_json::to_string(&saved).unwrap();
    let back: Persisted = serde_json::from_str(&json).unwrap();
    assert_eq!(App::new(Some(back), None).classroom.lang, Lang::Zh);
    // And back to English.
    h.get_by_label("语言 (Language)").click();
    settle(&mut h);
    h.get_by_label("English").click();
    settle(&mut h);
    assert!(h.query_by_label("TCP Server").is_some());
}

#[test]
fn network_panel_lists_loopback_and_fills_the_host() {
    let mut app = english_app();
    app.classroom.settings.network_panel = true;
    app.tab = Role::UdpReceiver;
    app.panel_mut(Role::UdpReceiver).settings.host = "0.0.0.0".into();
    let mut h = harness(app);
    settle(&mut h);
    assert!(h.query_by_label("This machine's network").is_some());
    assert!(
        h.query_all_by_label_contains("This machine only")
            .next()
            .is_some()
    );
    h.get_by_label("127.0.0.1").click();
    settle(&mut h);
    assert_eq!(
        h.state().panel(Role::UdpReceiver).settings.host,
        "127.0.0.1"
    );
    // The receiver bound to 127.0.0.1 warns that other computers cannot reach it.
    assert!(
        h.query_by_label_contains("127.0.0.1: this computer only")
            .is_some()
    );
}

#[test]
fn port_fields_show_the_range_class() {
    let mut h = harness(english_app());
    open_tab(&mut h, Role::UdpReceiver);
    set_field(&mut h, "Port", "8080");
    assert!(h.query_by_label_contains("registered port").is_some());
    set_field(&mut h, "Port", "50000");
    assert!(h.query_by_label_contains("dynamic port").is_some());
    // A local well-known port is a warning (the lesson's words), not just a class.
    set_field(&mut h, "Port", "80");
    assert!(
        h.query_by_label_contains("Well-known port (0–1023)")
            .is_some()
    );
    set_field(&mut h, "Bind host", "0.0.0.0");
    assert!(
        h.query_by_label_contains("● reachable from the network")
            .is_some()
    );
}

#[test]
fn udp_loopback_lab_exchanges_a_message() {
    let mut h = harness(english_app());
    settle(&mut h);
    h.get_by_label("Labs").click();
    settle(&mut h);
    h.get_by_label("Loopback lab: UDP sender → receiver")
        .click();
    wait_for(&mut h, "both ends bound", |a| {
        a.panel(Role::UdpReceiver).st.state == ConnState::Bound
            && a.panel(Role::UdpSender).st.state == ConnState::Bound
    });
    let app = h.state();
    assert_eq!(
        app.classroom.split,
        Some((Role::UdpSender, Role::UdpReceiver))
    );
    let port = app.panel(Role::UdpReceiver).st.local.unwrap().port();
    assert_ne!(port, 0);
    assert_eq!(app.panel(Role::UdpSender).settings.port, port.to_string());
    assert_eq!(app.panel(Role::UdpSender).settings.host, "127.0.0.1");
    // Both ends are drawn side by side.
    assert!(
        h.query_by_label_contains("Loopback lab: both ends")
            .is_some()
    );
    h.state_mut()
        .panel_mut(Role::UdpSender)
        .send_bytes(b"hello lab".to_vec());
    wait_for(&mut h, "the datagram at the receiver", |a| {
        has_row(a, Role::UdpReceiver, "hello lab")
    });
    // The timeline strips show the calls with the real addresses (the newest in full;
    // earlier ones that do not fit the half-width column are counted at the left).
    let recv = format!("bind(127.0.0.1:{port})");
    let steps = h
        .state()
        .panel(Role::UdpReceiver)
        .st
        .timeline
        .texts(Lang::En);
    assert!(steps.contains(&recv), "no {recv} in {steps:?}");
    assert!(
        h.query_by_label(&format!("sendto(127.0.0.1:{port}) 9 B"))
            .is_some()
    );
    assert!(
        h.query_by_label_contains("recvfrom() ← 127.0.0.1:")
            .is_some()
    );
    h.get_by_label("Close the split view").click();
    settle(&mut h);
    assert_eq!(h.state().classroom.split, None);
}

#[test]
fn tcp_loopback_lab_exchanges_a_message_and_draws_the_handshake() {
    let mut app = english_app();
    socket_tester::ui::start_lab(&mut app, true);
    let mut h = harness(app);
    wait_for(&mut h, "client connected and accepted", |a| {
        a.panel(Role::TcpClient).st.state == ConnState::Connected
            && a.panel(Role::TcpServer)
                .view()
                .store
                .clients
                .values()
                .any(|c| c.open)
    });
    h.state_mut()
        .panel_mut(Role::TcpClient)
        .send_bytes(b"ping over tcp".to_vec());
    wait_for(&mut h, "data at the server", |a| {
        has_row(a, Role::TcpServer, "ping over tcp")
    });
    let steps = h.state().panel(Role::TcpServer).st.timeline.texts(Lang::En);
    assert!(steps.iter().any(|s| s.starts_with("listen(")), "{steps:?}");
    assert!(
        steps
            .iter()
            .any(|s| s.starts_with("accept() → client #1 127.0.0.1:")),
        "{steps:?}"
    );
    // Back to one tab: the client's TCP diagram shows the real ports.
    h.state_mut().classroom.split = None;
    h.state_mut().tab = Role::TcpClient;
    settle(&mut h);
    let server_port = h.state().panel(Role::TcpServer).st.local.unwrap().port();
    assert!(h.query_by_label("Three-way handshake").is_some());
    assert!(
        h.query_all_by_label_contains(&format!(":{server_port}"))
            .next()
            .is_some()
    );
    // Disconnect: the timeline ends with close().
    h.state_mut().panel_mut(Role::TcpClient).stop();
    wait_for(&mut h, "client stopped", |a| {
        !a.panel(Role::TcpClient).is_running()
    });
    let steps = h.state().panel(Role::TcpClient).st.timeline.texts(Lang::En);
    assert!(
        steps.last().is_some_and(|s| s.contains("close()")),
        "{steps:?}"
    );
}

#[test]
fn theme_and_zoom_are_remembered() {
    let mut h = harness(english_app());
    settle(&mut h);
    h.get_by_label("View").click();
    settle(&mut h);
    h.get_by_label("High contrast").click();
    settle(&mut h);
    if h.query_by_label("Zoom in (Ctrl +)").is_none() {
        h.get_by_label("View").click();
        settle(&mut h);
    }
    h.get_by_label("Zoom in (Ctrl +)").click();
    settle(&mut h);
    let saved = h.state().persisted();
    assert_eq!(saved.classroom.theme, Theme::HighContrast);
    assert_eq!(saved.classroom.zoom_pct, 110);
    assert_eq!(
        h.ctx.global_style().visuals.panel_fill,
        egui::Color32::BLACK
    );
}

#[test]
fn preset_round_trips_through_the_window() {
    use socket_tester::ui::{load_preset, save_preset};
    let mut app = english_app();
    app.tab = Role::TcpServer;
    {
        let p = app.panel_mut(Role::UdpReceiver);
        p.settings.host = "0.0.0.0".into();
        p.settings.port = "9000".into();
        p.set_encoding(socket_tester::codec::Encoding::GBK);
        p.settings.send.text = "收到啦我反馈".into();
        p.settings.send.remember();
    }
    app.panel_mut(Role::TcpServer).settings.backlog = "5".into();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lab1.toml");
    save_preset(&app.preset(), &path).unwrap();

    let mut fresh = english_app();
    fresh.apply_preset(load_preset(&path).unwrap()).unwrap();
    assert_eq!(fresh.preset(), app.preset());
    assert_eq!(fresh.tab, Role::TcpServer);
    assert_eq!(
        fresh.panel(Role::UdpReceiver).encoding(),
        socket_tester::codec::Encoding::GBK
    );
    assert_eq!(
        fresh.panel(Role::UdpReceiver).settings.send.history.len(),
        1
    );

    // A bad preset changes nothing and names the line.
    let text = std::fs::read_to_string(&path).unwrap();
    let bad = text.replacen("backlog = \"5\"", "backlog = \"0\"", 1);
    let line = bad
        .lines()
        .position(|l| l.contains("backlog = \"0\""))
        .unwrap()
        + 1;
    std::fs::write(&path, &bad).unwrap();
    let err = load_preset(&path).unwrap_err().to_string();
    assert!(err.contains(&format!("line {line}")), "{err}");
    assert!(err.contains("[tcp_server] backlog"), "{err}");
}

#[test]
fn bad_preset_on_the_command_line_exits_2_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "tab = \"udp-recv\"\n[udp_receiver]\nport = \"70000\"\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_socket-tester"))
        .arg("--preset")
        .arg(&path)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 3") && err.contains("out of range"),
        "{err}"
    );
}

/// A preset (a lab) is refused while one of the user's sessions runs, and the refusal
/// names the tab to stop.
#[test]
fn a_preset_refused_names_the_running_tab() {
    let mut h = harness(english());
    bind_udp_receiver(&mut h);
    let preset = h.state().preset();
    let err = h.state_mut().apply_preset(preset).unwrap_err();
    assert!(err.contains("UDP Receiver"), "{err}");
    assert!(!err.contains("TCP Server"), "{err}");
}
