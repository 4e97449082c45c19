//! The Sequence tool in the window (egui_kittest, the real UI) on the TCP Client tab,
//! against a std::net device on 127.0.0.1 (an OS-assigned port) that answers PING with
//! PONG: Run passes both steps; Step runs one step per click; an expectation the device
//! does not meet fails with a hex diff of expected against received; the steps are saved
//! with the tab; Save… and Load… go through a TOML file.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::i18n::Lang;
use socket_tester::net::Role;
use socket_tester::sequence::outline::{ExpectKind, OutlineStep};
use socket_tester::ui::{App, ConnState, Tool};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use support::*;

fn device() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        let mut w = s.try_clone().unwrap();
        for line in BufReader::new(s).lines().map_while(Result::ok) {
            let r = if line == "PING" { "PONG\n" } else { "WHAT\n" };
            if w.write_all(r.as_bytes()).is_err() {
                return;
            }
        }
    });
    port
}

fn seq_done(a: &App) -> bool {
    a.panel(Role::TcpClient)
        .st
        .sequence
        .as_ref()
        .is_some_and(|s| !s.running)
}

#[test]
fn run_step_and_a_failure_with_its_diff() {
    let port = device();
    let mut app = App::new(None, None);
    app.classroom.set_lang(Lang::En);
    let mut h = harness(app);
    open_tab(&mut h, Role::TcpClient);
    set_field(&mut h, "Server host", "127.0.0.1");
    set_field(&mut h, "Port", &port.to_string());
    h.get_by_label("Connect").click();
    wait_for(&mut h, "connected", |a| {
        a.panel(Role::TcpClient).st.state == ConnState::Connected
    });
    h.get_by_label("Sequence").click();
    settle(&mut h);
    assert_eq!(
        h.state().panel(Role::TcpClient).settings.kit.tool,
        Tool::Sequence
    );

    // Run: the default PING / expect PONG passes.
    h.get_by_label("▶ Run").click();
    wait_for(&mut h, "the run", seq_done);
    assert!(h.query_by_label("passed: all 2 steps").is_some());

    // Step: one step per click.
    h.get_by_label("Step").click();
    wait_for(&mut h, "paused after one step", |a| {
        a.panel(Role::TcpClient)
            .st
            .sequence
            .as_ref()
            .is_some_and(|s| s.paused && s.results.len() == 1)
    });
    assert!(h.query_by_label("running: 1 of 2 steps done").is_some());
    h.get_by_label("Next step").click();
    wait_for(&mut h, "the second step", |a| {
        seq_done(a)
            && a.panel(Role::TcpClient)
                .st
                .sequence
                .as_ref()
                .unwrap()
                .results
                .len()
                == 2
    });

    // A reply the device does not give: the diff shows where.
    {
        let steps = &mut h
            .state_mut()
            .panel_mut(Role::TcpClient)
            .settings
            .kit
            .sequence
            .steps;
        steps[1] = OutlineStep::Expect {
            kind: ExpectKind::Equals,
            value: "PANG\n".into(),
            timeout: Some("300ms".into()),
        };
    }
    settle(&mut h);
    h.get_by_label("▶ Run").click();
    wait_for(&mut h, "the failing run", |a| {
        seq_done(a)
            && !a
                .panel(Role::TcpClient)
                .st
                .sequence
                .as_ref()
                .unwrap()
                .passed
    });
    assert!(h.query_by_label("failed: 1 of 2 steps passed").is_some());
    assert!(
        h.query_by_label_contains("no matching reply in time (5 bytes arrived)")
            .is_some()
    );
    // The diff's grid: the label, then the hex; the mark under the one byte that differs.
    assert!(h.query_by_label("expected").is_some());
    assert!(h.query_by_label("received").is_some());
    let x = |t: &str| {
        h.query_by_label_contains(t)
            .unwrap_or_else(|| panic!("no {t}"))
            .rect()
    };
    let (e, g, m) = (x("50 41 4e 47 0a"), x("50 4f 4e 47 0a"), x("   ^^"));
    assert_eq!((e.min.x, g.min.x), (m.min.x, m.min.x));
    assert!(h.query_by_label("   ^^").is_some(), "only the second byte");

    // Saved with the tab; a TOML file round trip.
    let form = h
        .state()
        .panel(Role::TcpClient)
        .settings
        .kit
        .sequence
        .clone();
    assert_eq!(form.steps.len(), 2);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    std::fs::write(
        &file,
        socket_tester::sequence::outline::to_toml(
            &form.name,
            socket_tester::sequence::Proto::Tcp,
            None,
            "utf-8",
            &form.steps,
        ),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_socket-tester"))
        .arg("run")
        .arg(&file)
        .args(["--to", "127.0.0.1:1"])
        .output()
        .unwrap();
    // The file is valid (a refused connection is a failure, exit 1, not a bad file, 2).
    assert_eq!(out.status.code(), Some(1));
}

/// A device that answers PING with PONG on every connection it gets, counting them.
fn reconnect_device() -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let accepted = std::sync::Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        for s in l.incoming().map_while(Result::ok) {
            count.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || {
                let Ok(mut w) = s.try_clone() else { return };
                for line in BufReader::new(s).lines().map_while(Result::ok) {
                    if line == "PING" && w.write_all(b"PONG\n").is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, accepted)
}

/// Issue 22: a sequence that closes and connects again left the tab out of step with
/// its socket (connected on the wire and in the status line, but the button said
/// Connect, Send said "press Connect first" and Run was greyed). Twenty runs in a row;
/// after each, the tab, its buttons and the socket agree.
#[test]
fn close_and_connect_twenty_times_leaves_the_tab_in_step() {
    use std::sync::atomic::Ordering;
    let (port, accepted) = reconnect_device();
    let mut app = App::new(None, None);
    app.classroom.set_lang(Lang::En);
    let mut h = harness(app);
    open_tab(&mut h, Role::TcpClient);
    set_field(&mut h, "Server host", "127.0.0.1");
    set_field(&mut h, "Port", &port.to_string());
    h.get_by_label("Connect").click();
    wait_for(&mut h, "connected", |a| {
        a.panel(Role::TcpClient).st.state == ConnState::Connected
    });
    h.get_by_label("Sequence").click();
    settle(&mut h);
    let ping = || OutlineStep::Send {
        text: "PING\n".into(),
        hex: false,
        template: false,
    };
    let pong = || OutlineStep::Expect {
        kind: ExpectKind::Equals,
        value: "PONG\n".into(),
        timeout: Some("5s".into()),
    };
    for run in 1..=20 {
        // Odd runs close first; even runs connect while connected (the runtime stops the
        // running session and starts it again once it has ended: the order that drifted).
        let reconnect = if run % 2 == 1 {
            vec![OutlineStep::Close, OutlineStep::Connect]
        } else {
            vec![OutlineStep::Connect, OutlineStep::Wait("1ms".into())]
        };
        let steps = [vec![ping(), pong()], reconnect, vec![ping(), pong()]].concat();
        h.state_mut()
            .panel_mut(Role::TcpClient)
            .settings
            .kit
            .sequence
            .steps = steps;
        settle(&mut h);
        let last = h
            .state()
            .panel(Role::TcpClient)
            .st
            .sequence
            .as_ref()
            .map_or(0, |s| s.run);
        h.get_by_label("▶ Run").click();
        // This run's results, not the last one's (still shown until the runtime answers).
        wait_for(&mut h, "the run", |a| {
            a.panel(Role::TcpClient)
                .st
                .sequence
                .as_ref()
                .is_some_and(|s| s.run == last + 1)
                && seq_done(a)
                && a.panel(Role::TcpClient)
                    .st
                    .sequence
                    .as_ref()
                    .is_some_and(|s| s.results.len() == 6)
        });
        let seq = h
            .state()
            .panel(Role::TcpClient)
            .st
            .sequence
            .clone()
            .unwrap();
        assert!(seq.passed, "run {run}: {:?}", seq.results);
        // The runtime says connected and running; the tab draws just that.
        wait_for(&mut h, "connected again", |a| {
            let p = a.panel(Role::TcpClient);
            p.st.running && p.st.state == ConnState::Connected
        });
        settle(&mut h);
        let p = h.state().panel(Role::TcpClient);
        assert_eq!(p.send_blocked(), None, "run {run}: Send is blocked");
        assert!(
            h.query_by_label("Disconnect").is_some(),
            "run {run}: the button does not read Disconnect"
        );
        assert!(h.query_by_label("Connect").is_none(), "run {run}");
        assert!(!is_disabled(&h, "▶ Run"), "run {run}: Run is greyed");
        assert_eq!(
            accepted.load(Ordering::SeqCst),
            run + 1,
            "run {run}: connections"
        );
    }
    // And it still works by hand: Disconnect, then Connect.
    h.get_by_label("Disconnect").click();
    wait_for(&mut h, "disconnected", |a| {
        !a.panel(Role::TcpClient).st.running
    });
    h.get_by_label("Connect").click();
    wait_for(&mut h, "connected by hand", |a| {
        a.panel(Role::TcpClient).st.state == ConnState::Connected
    });
}

/// With many steps the Run and Load… buttons stay in view: only the steps scroll.
#[test]
fn run_and_load_stay_in_view_over_many_steps() {
    let mut app = App::new(None, None);
    app.classroom.set_lang(Lang::En);
    {
        let kit = &mut app.panel_mut(Role::TcpClient).settings.kit;
        kit.sequence.steps = (0..80)
            .map(|i| OutlineStep::Send {
                text: format!("step number {i}"),
                hex: false,
                template: false,
            })
            .collect();
        kit.tool = Tool::Sequence;
    }
    let mut h = harness(app);
    open_tab(&mut h, Role::TcpClient);
    settle(&mut h);
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 820.0));
    let run = h.get_by_label("▶ Run").rect();
    let load = h.get_by_label("Load…").rect();
    assert!(screen.contains_rect(run) && screen.contains_rect(load));
    // Scroll the steps far down (the wheel over the first step).
    h.query_all_by_value("step number 0")
        .next()
        .expect("the first step")
        .hover();
    h.step();
    for _ in 0..30 {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -400.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: egui::Modifiers::default(),
        });
        h.step();
    }
    settle(&mut h);
    // The last step came into view; the buttons did not move.
    let last = h
        .query_all_by_value("step number 79")
        .next()
        .expect("the last step")
        .rect();
    assert!(
        screen.contains_rect(last),
        "the last step in view: {last:?}"
    );
    assert_eq!(h.get_by_label("▶ Run").rect(), run);
    assert_eq!(h.get_by_label("Load…").rect(), load);
}
