//! The Relay tab (中继) end to end: its fields with their accessible labels and errors
//! under them, every fault off by default, a relay started from the window between a
//! std::net echo server and a std::net client, the pair list and the log's rows with their
//! pair and direction arrows, the pair filter, a latency changed while it runs and
//! measured at the client; and the same tab in Chinese with no English word.

use crate::support::ui as support;
use crate::support::zh;

use egui_kittest::kittest::Queryable;
use socket_tester::net::Role;
use socket_tester::ui::{App, ConnState};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};
use support::*;

/// A std::net echo server on an OS-assigned port.
fn echo_server() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let a = l.local_addr().expect("addr");
    std::thread::spawn(move || {
        for mut c in l.incoming().flatten() {
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = c.read(&mut buf) {
                    if n == 0 || c.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            });
        }
    });
    a
}

fn round_trip(c: &mut TcpStream, msg: &[u8]) -> Duration {
    let t = Instant::now();
    c.write_all(msg).expect("write");
    let mut back = vec![0u8; msg.len()];
    c.read_exact(&mut back).expect("echo");
    assert_eq!(back, msg);
    t.elapsed()
}

/// Steps the window while a round trip runs on another thread (the window must keep
/// drawing for its live changes to go out); the round trip.
fn round_trip_stepping(
    h: &mut egui_kittest::Harness<'_, App>,
    c: &mut TcpStream,
    msg: &'static [u8],
) -> Duration {
    let mut c2 = c.try_clone().expect("clone");
    let t = std::thread::spawn(move || round_trip(&mut c2, msg));
    while !t.is_finished() {
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    t.join().expect("the round trip")
}

#[test]
fn the_relay_tab_forwards_shows_pairs_and_changes_latency_live() {
    let server = echo_server();
    let mut h = harness(english());
    open_tab(&mut h, Role::Relay);
    // Every fault is off by default.
    let r = &h.state().panel(Role::Relay).settings.relay;
    assert!(r.faults().up.is_off() && r.faults().down.is_off());
    // Each field by its label; the faults by their row and direction.
    h.get_by_label_contains("Latency (ms) Up (client → server)");
    h.get_by_label_contains("Latency (ms) Down (server → client)");
    h.get_by_label("TCP");
    // A bad server port: said under the field, and Listen waits for it.
    set_field(&mut h, "Server port", "99999");
    assert!(is_disabled(&h, "Listen"));
    h.get_by_label_contains("65535");
    set_field(&mut h, "Listen on", "127.0.0.1");
    set_field(&mut h, "Port", "0");
    set_field(&mut h, "Server", "127.0.0.1");
    set_field(&mut h, "Server port", &server.port().to_string());
    h.get_by_label("Listen").click();
    wait_for(&mut h, "listening", |a| {
        a.panel(Role::Relay).st.state == ConnState::Listening
    });
    let at = h
        .state()
        .panel(Role::Relay)
        .view()
        .store
        .iter()
        .find_map(|e| {
            matches!(e.event.kind, socket_tester::net::EventKind::Relay(_))
                .then_some(e.event.local)
                .flatten()
        });
    let at = at.expect("the listening address");
    let mut c = TcpStream::connect(at).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let fast = round_trip_stepping(&mut h, &mut c, b"hello");
    assert!(fast < Duration::from_millis(150), "no faults: {fast:?}");
    wait_for(&mut h, "both rows of pair 1", |a| {
        let v = a.panel(Role::Relay).view();
        let arrows: Vec<&str> = v
            .store
            .iter()
            .filter(|e| e.event.client == Some(1) && e.data() == Some(b"hello".as_slice()))
            .map(|e| e.arrow())
            .collect();
        arrows == ["→", "←"]
    });
    // The pair list: pair 1 open, 5 bytes each way; a click filters the log to it.
    h.get_by_label_contains(" · open · → 5 B · ← 5 B").click();
    settle(&mut h);
    assert_eq!(h.state().panel(Role::Relay).log.client_filter, Some(1));
    // 200 ms up while it runs: the open pair takes it.
    h.state_mut()
        .panel_mut(Role::Relay)
        .settings
        .relay
        .up
        .latency_ms = 200;
    settle(&mut h);
    let slow = round_trip_stepping(&mut h, &mut c, b"again");
    assert!(
        slow >= Duration::from_millis(195) && slow < Duration::from_millis(1500),
        "200 ms added live: {slow:?}"
    );
    h.get_by_label("Stop").click();
    wait_for(&mut h, "stopped", |a| !a.panel(Role::Relay).is_running());
}

#[test]
fn the_relay_tab_speaks_chinese() {
    let Some(mut app) = zh::chinese_app() else {
        return;
    };
    app.classroom.settings.learn = false;
    let mut h = harness(app);
    h.get_by_label("中继").click();
    settle(&mut h);
    assert_eq!(h.state().tab, Role::Relay);
    h.get_by_label("监听地址");
    h.get_by_label("服务器端口");
    h.get_by_label_contains("延迟（毫秒） 上行（客户端 → 服务器）");
    h.get_by_label_contains("故障注入");
    // A bad server address: the error under the field is Chinese too.
    set_field(&mut h, "服务器端口", "99999");
    zh::assert_no_english(&h, "the Relay tab with a bad port");
    h.state_mut().panel_mut(Role::Relay).settings.relay.udp = true;
    settle(&mut h);
    assert_eq!(
        h.get_all_by_label_contains("丢包（%）").count(),
        2,
        "up and down"
    );
    zh::assert_no_english(&h, "the Relay tab, UDP");
}

#[test]
fn relay_settings_go_into_a_preset_and_come_back() {
    use socket_tester::ui::{load_preset, save_preset};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("lab.toml");
    let mut app = english();
    {
        let s = &mut app.panel_mut(Role::Relay).settings;
        s.port = "9100".into();
        s.relay.to_port = "9200".into();
        s.relay.udp = true;
        s.relay.up.drop_pct = 10;
        s.relay.up.latency_ms = 100;
        s.relay.seed = 1;
    }
    app.tab = Role::Relay;
    save_preset(&app.preset(), &path).expect("save");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains("[relay.relay.up]"), "{text}");
    let mut fresh = english();
    fresh
        .apply_preset(load_preset(&path).expect("load"))
        .expect("apply");
    assert_eq!(fresh.tab, Role::Relay);
    let r = &fresh.panel(Role::Relay).settings;
    assert_eq!(
        (r.port.as_str(), r.relay.to_port.as_str()),
        ("9100", "9200")
    );
    assert!(r.relay.udp && r.relay.seed == 1);
    assert_eq!(r.relay.faults().up.drop, 0.1);
    assert_eq!(r.relay.faults().up.latency, Duration::from_millis(100));
    // A bad server port in a preset is refused, naming its line.
    let bad = text.replace("to_port = \"9200\"", "to_port = \"99999\"");
    std::fs::write(&path, bad).expect("write");
    assert!(load_preset(&path).is_err());
}

#[test]
fn relay_on_the_command_line_opens_the_tab_and_starts() {
    use clap::Parser;
    #[derive(Parser)]
    struct T {
        #[command(flatten)]
        a: socket_tester::cli::relay::RelayArgs,
    }
    let server = echo_server();
    let args = T::try_parse_from([
        "t",
        "--listen",
        "127.0.0.1:0",
        "--to",
        &server.to_string(),
        "--latency",
        "up:30",
    ])
    .expect("arguments");
    let launch = args.a.to_launch().expect("a launch");
    let mut h = harness(App::new(None, Some(launch)));
    assert_eq!(h.state().tab, Role::Relay);
    wait_for(&mut h, "listening", |a| {
        a.panel(Role::Relay).st.state == ConnState::Listening
    });
    let r = &h.state().panel(Role::Relay).settings.relay;
    assert_eq!(r.to_port, server.port().to_string());
    assert_eq!(r.up.latency_ms, 30);
    assert_eq!(r.down.latency_ms, 0);
}

#[test]
fn a_listening_port_in_use_is_said_under_the_port_field() {
    let held = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = held.local_addr().expect("addr").port();
    let mut h = harness(english());
    open_tab(&mut h, Role::Relay);
    set_field(&mut h, "Listen on", "127.0.0.1");
    set_field(&mut h, "Port", &port.to_string());
    h.get_by_label("Listen").click();
    wait_for(&mut h, "the failure", |a| {
        matches!(a.panel(Role::Relay).st.state, ConnState::Error(_))
    });
    // Under the field: the reason, and a button that takes the free port.
    assert!(
        h.get_all_by_label_contains("The address is already in use")
            .count()
            >= 1
    );
    h.get_by_label_contains("Use port").click();
    settle(&mut h);
    let now = h.state().panel(Role::Relay).settings.port.clone();
    assert_ne!(now, port.to_string(), "the free port was taken");
    h.get_by_label("Listen").click();
    wait_for(&mut h, "listening on the free port", |a| {
        a.panel(Role::Relay).st.state == ConnState::Listening
    });
}
