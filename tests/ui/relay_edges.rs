//! The Relay tab's rough edges from the walk-through, each with its fix asserted: simple
//! mode folds the seed and the tamper / cut faults behind More; the encoding picker; the
//! pair list marks TCP and UDP and words a UDP source's state (active, ended); a typed `5x`
//! is refused under its field in the window's language; a timed cut from the command line
//! (`--reset-after 5s`) shows as milliseconds; the status line says up and down; and a
//! failed upstream is said whole, wrapped, at 150 % on a 1024×600 projector. Real peers
//! (std::net) on 127.0.0.1 with ports the system picked.

use crate::support::ui as support;
use crate::support::zh;

use egui::Key;
use egui_kittest::kittest::{NodeT, Queryable};
use socket_tester::net::Role;
use socket_tester::ui::{App, ConnState};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::time::Duration;
use support::*;

fn relay_tab(app: App) -> egui_kittest::Harness<'static, App> {
    let mut h = harness(app);
    open_tab(&mut h, Role::Relay);
    h
}

/// Types `text` into the fault field labelled `label` and ends the edit with Enter.
fn type_fault(h: &mut egui_kittest::Harness<'static, App>, label: &str, text: &str) {
    h.get_by_label_contains(label).focus();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    h.step();
    h.get_by_label_contains(label).type_text(text);
    h.step();
    h.key_press(Key::Enter);
    settle(h);
}

/// Starts the tab's relay from 127.0.0.1:0 to `to_port`; its listening port.
fn listen(h: &mut egui_kittest::Harness<'static, App>, udp: bool, to_port: u16) -> u16 {
    {
        let s = &mut h.state_mut().panel_mut(Role::Relay).settings;
        s.host = "127.0.0.1".into();
        s.port = "0".into();
        s.relay.to_host = "127.0.0.1".into();
        s.relay.to_port = to_port.to_string();
        s.relay.udp = udp;
    }
    settle(h);
    h.get_by_label("Listen").click();
    wait_for(h, "listening", |a| {
        a.panel(Role::Relay).st.state == ConnState::Listening
    });
    h.state()
        .panel(Role::Relay)
        .st
        .local
        .map_or(0, |a| a.port())
}

#[test]
fn simple_mode_folds_the_seed_and_the_tamper_and_cut_faults_behind_more() {
    let mut app = english();
    app.classroom.settings.simple = Some(true);
    let mut h = relay_tab(app);
    assert!(h.query_by_label_contains("Latency (ms) Up").is_some());
    for hidden in [
        "Seed",
        "Corrupt a byte (%)",
        "Reset (RST) after",
        "Black hole after",
    ] {
        assert!(
            h.query_by_label(hidden).is_none(),
            "{hidden} in simple mode"
        );
    }
    // The log's toolbar is the compact one: its filter row on request.
    assert!(h.query_by_label("Filter…").is_some());
    h.get_by_label("More ▾").click();
    settle(&mut h);
    for shown in [
        "Seed",
        "Corrupt a byte (%)",
        "Reset (RST) after",
        "Black hole after",
    ] {
        assert!(h.query_by_label(shown).is_some(), "{shown} behind More");
    }
    // A cut that is set is never hidden: simple mode shows it without More.
    h.get_by_label("More ▾").click();
    h.state_mut()
        .panel_mut(Role::Relay)
        .settings
        .relay
        .down
        .blackhole_after = 10;
    settle(&mut h);
    assert!(h.query_by_label("Black hole after").is_some());
    assert!(h.query_by_label("Corrupt a byte (%)").is_none());
    // Not simple: everything, no More.
    h.state_mut().classroom.settings.simple = Some(false);
    settle(&mut h);
    assert!(h.query_by_label("Seed").is_some() && h.query_by_label("More ▾").is_none());
    assert!(h.query_by_label("Filter…").is_none(), "the whole toolbar");
}

#[test]
fn the_relay_tab_has_the_encoding_picker() {
    let mut h = relay_tab(english());
    h.get_by_label("Encoding").click();
    settle(&mut h);
    h.get_by_label("GBK (简体中文)").click();
    settle(&mut h);
    let p = h.state().panel(Role::Relay);
    assert_eq!(p.encoding(), socket_tester::codec::Encoding::GBK);
    assert_eq!(p.settings.encoding.to_lowercase(), "gbk");
}

#[test]
fn a_typed_5x_is_refused_under_its_field_and_the_fault_keeps_its_value() {
    let mut h = relay_tab(english());
    type_fault(&mut h, "Latency (ms) Up (client → server)", "5x");
    let r = &h.state().panel(Role::Relay).settings.relay;
    assert_eq!(r.up.latency_ms, 0, "5x is not 5");
    assert!(
        h.query_by_label("Not a whole number from 0 to 60,000: “5x” (the fault stays at 0)")
            .is_some()
    );
    type_fault(&mut h, "Latency (ms) Up (client → server)", "150");
    assert_eq!(
        h.state().panel(Role::Relay).settings.relay.up.latency_ms,
        150
    );
    assert!(h.query_by_label_contains("Not a whole number").is_none());
    // A wrong value over a set one says the value still in force.
    type_fault(&mut h, "Latency (ms) Up (client → server)", "2OO");
    assert_eq!(
        h.state().panel(Role::Relay).settings.relay.up.latency_ms,
        150
    );
    assert!(
        h.query_by_label_contains("“2OO” (the fault stays at 150)")
            .is_some()
    );
    type_fault(&mut h, "Latency (ms) Up (client → server)", "150");
    // Too big is refused too.
    type_fault(&mut h, "Jitter ± (ms) Down (server → client)", "70000");
    assert_eq!(
        h.state().panel(Role::Relay).settings.relay.down.jitter_ms,
        0
    );
    assert!(h.query_by_label_contains("“70000”").is_some());
}

#[test]
fn a_typed_5x_is_refused_in_chinese() {
    let Some(mut app) = zh::chinese_app() else {
        return;
    };
    app.classroom.settings.learn = false;
    let mut h = harness(app);
    h.get_by_label("中继").click();
    settle(&mut h);
    // A full-width comma from the input method, typed by mistake.
    type_fault(&mut h, "延迟（毫秒） 上行（客户端 → 服务器）", "5，");
    assert_eq!(h.state().panel(Role::Relay).settings.relay.up.latency_ms, 0);
    assert!(
        h.query_by_label("不是 0 到 60,000 之间的整数：“5，”（故障仍为 0）")
            .is_some()
    );
    // The status line says up and down, in Chinese.
    assert!(h.query_by_label_contains("↑ 上行").is_some());
    assert!(h.query_by_label_contains("↓ 下行").is_some());
    zh::assert_no_english(&h, "the Relay tab with a refused fault");
}

#[test]
fn a_timed_cut_from_the_command_line_shows_in_milliseconds() {
    use clap::Parser;
    #[derive(Parser)]
    struct T {
        #[command(flatten)]
        a: socket_tester::cli::relay::RelayArgs,
    }
    let server = TcpListener::bind("127.0.0.1:0").expect("bind");
    let to = server.local_addr().expect("addr").to_string();
    let args = T::try_parse_from([
        "t",
        "--listen",
        "127.0.0.1:0",
        "--to",
        &to,
        "--reset-after",
        "5s",
        "--close-after",
        "down:1000",
    ])
    .expect("arguments");
    let launch = args.a.to_launch().expect("a launch");
    let mut h = harness(App::new(None, Some(launch)));
    wait_for(&mut h, "listening", |a| {
        a.panel(Role::Relay).st.state == ConnState::Listening
    });
    use socket_tester::net::relay::Trigger;
    let r = &h.state().panel(Role::Relay).settings.relay;
    assert_eq!(r.up.reset_after, 5000);
    assert_eq!(
        r.faults().up.reset_after,
        Some(Trigger::After(Duration::from_secs(5)))
    );
    assert_eq!(
        r.faults().down.close_after,
        Some(Trigger::Bytes(1000)),
        "bytes stay bytes"
    );
    // The tab shows the time and its unit (ms), and the byte cut in bytes.
    let v = h
        .get_all_by_label_contains("Reset (RST) after Up")
        .next()
        .and_then(|n| n.accesskit_node().value());
    assert_eq!(v.as_deref(), Some("5000"));
    assert_eq!(format!("{:?}", r.up.reset_unit), "Ms");
    let texts = zh::texts(&h);
    assert!(texts.iter().any(|t| t == "ms"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "bytes"), "{texts:?}");
}

#[test]
fn the_pair_list_marks_udp_sources_and_the_status_line_says_up_and_down() {
    let server = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let mut h = relay_tab(english());
    assert!(h.query_by_label_contains("↑ up 0 B").is_some());
    assert!(h.query_by_label_contains("↓ down 0 B").is_some());
    let at = listen(&mut h, true, server.local_addr().expect("addr").port());
    let client = UdpSocket::bind("127.0.0.1:0").expect("bind");
    client.send_to(b"ping", ("127.0.0.1", at)).expect("send");
    wait_for(&mut h, "the source's pair", |a| {
        !a.panel(Role::Relay).view().store.clients.is_empty()
    });
    let row = format!(
        "UDP #1 {} · active · → 4 B",
        client.local_addr().expect("addr")
    );
    assert!(h.query_by_label_contains(&row).is_some(), "{row}");
    assert!(h.query_by_label_contains("↑ up 4 B / 1 msgs").is_some());
    h.get_by_label("Stop").click();
    wait_for(&mut h, "stopped", |a| !a.panel(Role::Relay).is_running());
    assert!(h.query_by_label_contains("UDP #1").is_some_and(|n| {
        n.accesskit_node()
            .label()
            .is_some_and(|l| l.contains("ended (relay stopped)"))
    }));
    // The pairs are that run's: switching the tab to TCP does not make them TCP pairs.
    h.state_mut().panel_mut(Role::Relay).settings.relay.udp = false;
    settle(&mut h);
    assert!(h.query_by_label_contains("UDP #1").is_some());
    assert!(h.query_by_label_contains("TCP #1").is_none());
}

#[test]
fn a_failed_upstream_is_said_whole_and_wrapped_at_150_percent() {
    // A port with nobody listening: take one and let it go.
    let closed = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    // 150 % of a 1024×600 projector: the same layout as 1024/1.5 × 600/1.5 at 100 %
    // (as tests/ui/log_height.rs does).
    let width = 1024.0 / 1.5;
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(width, 600.0 / 1.5))
        .build_ui_state(|ui, app: &mut App| app.frame(ui), english());
    h.state_mut().tab = Role::Relay;
    settle(&mut h);
    let at = listen(&mut h, false, closed);
    let _c = TcpStream::connect(("127.0.0.1", at)).expect("connect");
    wait_for(&mut h, "the upstream failure", |a| {
        a.panel(Role::Relay).st.relay_pair_failed.is_some()
    });
    let n = h.get_by_label_contains("#1 upstream failed, client closed:");
    let r = n.rect();
    // Inside the window, on more than one line: wrapped, not cut with "…".
    assert!(r.max.x <= width + 1.0, "{r:?}");
    let line = h.get_by_label("Pairs").rect().height();
    assert!(
        r.height() > 1.5 * line,
        "one line, cut: {r:?} (a line: {line})"
    );
    // The whole reason is there (the system's words name the address).
    assert!(
        h.query_all_by_label_contains(&format!("{closed}"))
            .next()
            .is_some(),
        "the reason names the port"
    );
}
