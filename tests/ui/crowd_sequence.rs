//! The Sequence tool on a TCP Client tab running a crowd (egui_kittest, the real UI):
//! Run runs the sequence once per connection against a std::net device that answers
//! every third connection wrong, and the tool shows the per-connection summary and the
//! failures by step, in English and in Chinese; a close and a connect step open each
//! connection again.

use crate::support::ui as support;

use egui_kittest::kittest::{NodeT, Queryable};
use socket_tester::net::Role;
use socket_tester::sequence::outline::OutlineStep;
use socket_tester::ui::App;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use support::*;

/// Answers PING with PONG, but WHAT on every third connection it accepts.
fn device() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for k in 1.. {
            let Ok((s, _)) = l.accept() else { return };
            std::thread::spawn(move || {
                let mut w = s.try_clone().unwrap();
                for line in BufReader::new(s).lines().map_while(Result::ok) {
                    let good = line == "PING" && k % 3 != 0;
                    let r = if good { "PONG\n" } else { "WHAT\n" };
                    if w.write_all(r.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    port
}

fn crowd_seq_done(a: &App) -> bool {
    a.panel(Role::TcpClient)
        .st
        .crowd_sequence
        .as_ref()
        .is_some_and(|s| s.done)
}

/// Connects a crowd of six (paced: the device's k-th is connection k) and opens the
/// Sequence tool.
fn crowd_of_six(h: &mut egui_kittest::Harness<'_, App>, labels: [&str; 5]) {
    let [host, port_l, conns, connect, tool] = labels;
    let port = device();
    set_field(h, host, "127.0.0.1");
    set_field(h, port_l, &port.to_string());
    set_field(h, conns, "6");
    h.get_by_label(connect).click();
    wait_for(h, "six open", |a| {
        a.panel(Role::TcpClient)
            .st
            .crowd
            .as_ref()
            .is_some_and(|c| c.open == 6 && c.settled)
    });
    h.get_by_label(tool).click();
    settle(h);
}

#[test]
fn run_with_a_crowd_shows_the_per_connection_summary() {
    let mut h = harness(english());
    open_tab(&mut h, Role::TcpClient);
    crowd_of_six(
        &mut h,
        ["Server host", "Port", "Connections", "Connect", "Sequence"],
    );
    assert!(
        h.query_by_label_contains("Run runs the sequence once per connection")
            .is_some()
    );
    assert!(is_disabled(&h, "Step"), "step mode is for one connection");
    h.get_by_label("▶ Run").click();
    wait_for(&mut h, "every connection's run", crowd_seq_done);
    let v = h
        .state()
        .panel(Role::TcpClient)
        .st
        .crowd_sequence
        .clone()
        .unwrap();
    assert_eq!((v.passed, v.failed, v.not_finished), (4, 2, 0), "{v:?}");
    assert!(
        h.query_by_label("6 connections: 4 passed, 2 failed, 0 did not finish")
            .is_some()
    );
    assert!(h.query_by_label("Failures by step:").is_some());
    assert!(
        h.query_by_label(
            "Step 2 (expect contains text \"PONG\" within 1s): timed out: 2 connections"
        )
        .is_some()
    );
    // One connection's step list is not shown.
    assert!(h.query_by_label_contains("passed: all 2 steps").is_none());

    // Close, then connect: each member that got its PONG opens a new connection, the
    // others failed before; nothing is refused under the tool.
    let steps = &mut h
        .state_mut()
        .panel_mut(Role::TcpClient)
        .settings
        .kit
        .sequence
        .steps;
    steps.push(OutlineStep::Close);
    steps.push(OutlineStep::Connect);
    settle(&mut h);
    h.get_by_label("▶ Run").click();
    wait_for(&mut h, "the second run", |a| {
        let p = a.panel(Role::TcpClient);
        p.st.crowd_sequence
            .as_ref()
            .is_some_and(|s| s.run == 2 && s.done)
    });
    let p = h.state().panel(Role::TcpClient);
    let v = p.st.crowd_sequence.clone().unwrap();
    assert_eq!((v.passed, v.failed, v.not_finished), (4, 2, 0), "{v:?}");
    let c = p.st.crowd.clone().unwrap();
    assert_eq!((c.opened, c.reopens, c.failed.total()), (10, 4, 0), "{c:?}");
    assert!(h.query_by_label_contains("not for a crowd").is_none());
    settle(&mut h);
    assert!(
        h.query_by_label_contains("4 opened again").is_some(),
        "the tab's counts say the reopens"
    );
}

#[test]
fn the_summary_in_chinese() {
    if !socket_tester::ui::install_cjk_font(&egui::Context::default()) {
        eprintln!("skipped: no CJK font on this machine (install fonts-noto-cjk)");
        return;
    }
    let mut app = App::new(None, None);
    app.classroom.set_lang(socket_tester::i18n::Lang::Zh);
    app.tab = Role::TcpClient;
    let mut h = harness(app);
    settle(&mut h);
    crowd_of_six(&mut h, ["服务器主机", "端口", "连接数", "连接", "测试序列"]);
    assert!(
        h.query_by_label_contains("每个连接各自运行一次测试序列")
            .is_some()
    );
    h.get_by_label("▶ 运行").click();
    wait_for(&mut h, "every connection's run", crowd_seq_done);
    assert!(
        h.query_by_label("共 6 个连接：4 个通过，2 个失败，0 个未完成")
            .is_some()
    );
    assert!(h.query_by_label("按步骤统计的失败：").is_some());
    let row = h
        .query_by_label_contains("：等待超时：2 个连接")
        .and_then(|n| n.accesskit_node().value());
    assert!(
        row.as_deref().is_some_and(|r| r.starts_with("第 2 步（")),
        "{row:?}"
    );
}
