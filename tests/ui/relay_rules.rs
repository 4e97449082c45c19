//! The Relay tab's Rewrite and Intercept section end to end: a bad rule's reason under
//! its row (and Listen waits for it), a regex rule with a group rewriting what a std::net
//! echo server gets, a message held by Intercept, edited in the queue and forwarded; and
//! the same section in Chinese with no English word.

use crate::support::ui as support;
use crate::support::zh;

use egui_kittest::kittest::Queryable;
use socket_tester::auto::rules::Matcher;
use socket_tester::net::relay::{RelayKind, RewriteAction};
use socket_tester::net::{EventKind, Role};
use socket_tester::ui::{App, ConnState};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;
use support::*;

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

/// Fills the addresses, clicks `listen` and waits; the relay's listening address.
fn start(
    h: &mut egui_kittest::Harness<'_, App>,
    server: SocketAddr,
    labels: [&str; 5],
) -> SocketAddr {
    let [host, port, to, to_port, listen] = labels;
    set_field(h, host, "127.0.0.1");
    set_field(h, port, "0");
    set_field(h, to, "127.0.0.1");
    set_field(h, to_port, &server.port().to_string());
    h.get_by_label(listen).click();
    wait_for(h, "listening", |a| {
        a.panel(Role::Relay).st.state == ConnState::Listening
    });
    h.state()
        .panel(Role::Relay)
        .st
        .local
        .expect("the listening address")
}

/// Sends `msg` from a client on another thread and steps the window until a message is
/// held; the client's thread, which reads `want` bytes back.
fn send_and_hold(
    h: &mut egui_kittest::Harness<'_, App>,
    at: SocketAddr,
    msg: &'static [u8],
    want: usize,
) -> std::thread::JoinHandle<Vec<u8>> {
    let t = std::thread::spawn(move || {
        let mut c = TcpStream::connect(at).expect("connect");
        c.set_read_timeout(Some(Duration::from_secs(15)))
            .expect("timeout");
        c.write_all(msg).expect("write");
        let mut back = vec![0u8; want];
        c.read_exact(&mut back).expect("the answer");
        back
    });
    wait_for(h, "a held message", |a| {
        !a.panel(Role::Relay).st.relay_held.items.is_empty()
    });
    t
}

fn intercept_told(a: &App) -> bool {
    a.panel(Role::Relay).view().store.iter().any(|e| {
        matches!(&e.event.kind, EventKind::Relay(k)
            if matches!(**k, RelayKind::InterceptChanged { up: true, .. }))
    })
}

#[test]
fn rules_and_intercept_from_the_window() {
    let server = echo_server();
    let mut h = harness(english());
    open_tab(&mut h, Role::Relay);
    let open = |a: &App| {
        let r = &a.panel(Role::Relay).settings.relay;
        (r.faults_open, r.rewrite.open)
    };
    assert_eq!(open(h.state()), (true, false), "the faults open at first");
    h.get_by_label("Rewrite and Intercept").click();
    settle(&mut h);
    // One section at a time, so the log keeps its rows on a 1024×600 projector.
    assert_eq!(
        open(h.state()),
        (false, true),
        "opening Rewrite closes Faults"
    );
    h.get_by_label("No rules: messages pass as they are.");
    h.get_by_label("Add rule").click();
    settle(&mut h);
    // A rule just added matches nothing yet: said, and Listen waits (an empty match
    // would otherwise replace every message).
    h.get_by_label_contains("rule 1, match: nothing to match");
    assert!(is_disabled(&h, "Listen"));
    h.state_mut()
        .panel_mut(Role::Relay)
        .settings
        .relay
        .rewrite
        .rules[0]
        .rule
        .matcher = Matcher::Regex(String::new());
    settle(&mut h);
    // A bad regex: said under its row, and Listen waits.
    set_field(&mut h, "match", "h(e(llo");
    h.get_by_label_contains("rule 1, match: position 4: bad regex");
    assert!(is_disabled(&h, "Listen"));
    set_field(&mut h, "match", "h(e)llo");
    set_field(&mut h, "with", "J{1}LLO");
    assert!(h.query_by_label_contains("bad regex").is_none());
    // A new rule starts off (half-typed, it would change traffic): ticked when ready.
    let on = |a: &App| {
        a.panel(Role::Relay).settings.relay.rewrite.rules[0]
            .rule
            .enabled
    };
    assert!(!on(h.state()), "a new rule starts off");
    h.get_by_label("Rule 1").click();
    settle(&mut h);
    assert!(on(h.state()));
    let at = start(
        &mut h,
        server,
        ["Listen on", "Port", "Server", "Server port", "Listen"],
    );
    // Intercept client → server, turned on while running.
    h.state_mut()
        .panel_mut(Role::Relay)
        .settings
        .relay
        .rewrite
        .intercept_up = true;
    wait_for(&mut h, "Intercept on", intercept_told);
    let client = send_and_hold(&mut h, at, b"hello", 8);
    h.get_by_label("Held messages: 1");
    // The rule ran first: the held message is the rewritten one, shown as text.
    assert_eq!(h.get_by_label("Message").value().as_deref(), Some("JeLLO"));
    // A wrong escape is said under the row, and what was typed stays.
    set_field(&mut h, "Message", r"bad\x4");
    h.get_by_label("Forward edited").click();
    settle(&mut h);
    assert!(
        h.query_all_by_label_contains("\\x").next().is_some(),
        "the escape's reason"
    );
    assert_eq!(
        h.get_by_label("Message").value().as_deref(),
        Some(r"bad\x4"),
        "what was typed stays"
    );
    set_field(&mut h, "Message", r"edited\r\n");
    h.get_by_label("Forward edited").click();
    while !client.is_finished() {
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(client.join().expect("the client"), b"edited\r\n");
    wait_for(&mut h, "the queue empty", |a| {
        a.panel(Role::Relay).st.relay_held.items.is_empty()
    });
    assert!(h.query_by_label_contains("Held messages").is_none());
    h.get_by_label("Stop").click();
    wait_for(&mut h, "stopped", |a| !a.panel(Role::Relay).is_running());
}

#[test]
fn rules_and_intercept_speak_chinese() {
    let Some(mut app) = zh::chinese_app() else {
        return;
    };
    app.classroom.settings.learn = false;
    let server = echo_server();
    let mut h = harness(app);
    h.get_by_label("中继").click();
    settle(&mut h);
    h.get_by_label("改写与拦截").click();
    settle(&mut h);
    h.get_by_label("添加规则").click();
    settle(&mut h);
    // A rule just added has nothing to match: said, in Chinese.
    h.get_by_label_contains("规则 1 的匹配内容：没有要匹配的内容");
    h.state_mut()
        .panel_mut(Role::Relay)
        .settings
        .relay
        .rewrite
        .rules[0]
        .rule
        .matcher = Matcher::Any;
    h.state_mut()
        .panel_mut(Role::Relay)
        .settings
        .relay
        .rewrite
        .rules[0]
        .rule
        .action = RewriteAction::Patch {
        offset: 0,
        hex: "0".into(),
    };
    settle(&mut h);
    h.get_by_label_contains("规则 1 的修补：第 1 个字符");
    zh::assert_no_english(&h, "a bad patch");
    h.state_mut()
        .panel_mut(Role::Relay)
        .settings
        .relay
        .rewrite
        .rules[0]
        .rule
        .action = RewriteAction::Patch {
        offset: 0,
        hex: "e5".into(),
    };
    // Ready: switched on (a new rule starts off).
    h.get_by_label("规则 1").click();
    h.state_mut()
        .panel_mut(Role::Relay)
        .settings
        .relay
        .rewrite
        .intercept_up = true;
    settle(&mut h);
    let at = start(
        &mut h,
        server,
        ["监听地址", "端口", "服务器", "服务器端口", "监听"],
    );
    let client = send_and_hold(&mut h, at, "你好".as_bytes(), 6);
    h.get_by_label("已拦截的消息：1");
    // The section's words (the log's rows are the log's own).
    let names = zh::interface_names();
    let english: Vec<_> = zh::texts(&h)
        .into_iter()
        .filter(|t| {
            t.contains("拦截") || t.contains("转发") || t.contains("规则") || t.contains("消息")
        })
        .flat_map(|t| zh::english_words(&t, &names))
        .collect();
    assert!(english.is_empty(), "{english:?}");
    h.get_by_label("转发").click();
    while !client.is_finished() {
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut want = "你好".as_bytes().to_vec();
    want[0] = 0xe5;
    assert_eq!(client.join().expect("the client"), want);
}

#[test]
fn relay_on_the_command_line_brings_its_rules_and_intercept_to_the_tab() {
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
        "--rewrite-down",
        "hex:01 => patch:1:ff",
        "--intercept",
        "both",
        "--intercept-timeout",
        "5s",
    ])
    .expect("arguments");
    let launch = args.a.to_launch().expect("a launch");
    let mut h = harness(App::new(None, Some(launch)));
    wait_for(&mut h, "listening", |a| {
        a.panel(Role::Relay).st.state == ConnState::Listening
    });
    let f = &h.state().panel(Role::Relay).settings.relay.rewrite;
    assert!(f.intercept_up && f.intercept_down && f.open);
    assert_eq!(f.timeout_s, 5);
    assert_eq!(f.rules.len(), 1);
    assert_eq!(f.rules[0].dir, socket_tester::net::relay::Dir::Down);
    h.get_by_label("Rewrite and Intercept");
    assert_eq!(h.get_by_label("bytes (hex)").value().as_deref(), Some("ff"));
}

#[test]
fn rules_and_intercept_go_into_a_preset_and_come_back() {
    use socket_tester::net::relay::Dir;
    use socket_tester::ui::{load_preset, save_preset};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("lab.toml");
    let mut h = harness(english());
    open_tab(&mut h, Role::Relay);
    h.get_by_label("Rewrite and Intercept").click();
    settle(&mut h);
    h.get_by_label("Add rule").click();
    settle(&mut h);
    h.get_by_label("Add rule").click();
    settle(&mut h);
    {
        let f = &mut h.state_mut().panel_mut(Role::Relay).settings.relay.rewrite;
        f.rules[0].rule.matcher = Matcher::Regex(r"T=(\d+)".into());
        f.rules[0].rule.action = RewriteAction::Replace {
            with: "T={1}0".into(),
        };
        f.rules[1].dir = Dir::Down;
        f.rules[1].rule.matcher = Matcher::StartsWithHex("01 03".into());
        f.rules[1].rule.action = RewriteAction::Patch {
            offset: 2,
            hex: "ff".into(),
        };
        f.intercept_down = true;
        f.timeout_s = 12;
    }
    settle(&mut h);
    let app = h.state_mut();
    app.tab = Role::Relay;
    save_preset(&app.preset(), &path).expect("save");
    let mut fresh = english();
    fresh
        .apply_preset(load_preset(&path).expect("load"))
        .expect("apply");
    let (a, b) = (
        &h.state().panel(Role::Relay).settings.relay.rewrite,
        &fresh.panel(Role::Relay).settings.relay.rewrite,
    );
    assert_eq!(a, b);
    assert!(b.check().is_ok() && b.intercept_down && b.timeout_s == 12);
}

/// The tab numbers rules within their direction, as the log and `--rewrite-up/-down` do:
/// up, down, up is Rule 1, Rule 1, Rule 2.
#[test]
fn rules_are_numbered_within_their_direction() {
    use socket_tester::net::relay::Dir;
    let mut h = harness(english());
    open_tab(&mut h, Role::Relay);
    h.get_by_label("Rewrite and Intercept").click();
    settle(&mut h);
    for _ in 0..3 {
        h.get_by_label("Add rule").click();
        settle(&mut h);
    }
    h.state_mut()
        .panel_mut(Role::Relay)
        .settings
        .relay
        .rewrite
        .rules[1]
        .dir = Dir::Down;
    settle(&mut h);
    assert_eq!(h.get_all_by_label("Rule 1").count(), 2);
    assert_eq!(h.get_all_by_label("Rule 2").count(), 1);
    assert!(h.query_by_label("Rule 3").is_none());
}
