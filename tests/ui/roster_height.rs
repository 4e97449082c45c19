//! The Roster on a projector (egui_kittest, the real window): 40 students (the Labs
//! preset's crowd) fill the TCP Server's roster, and at 1024×600 the Roster panel shows
//! at least 8 of their rows while the log over it keeps at least 5; at 150 % zoom (the
//! same layout in 1024/1.5 × 600/1.5 points) each keeps at least 3 (the roster beside
//! the log, the send box folded). The menu bar's "40 students" note leaves the tab strip
//! on one line. In simple mode (as a class has it) and, at 100 %, in full mode too.

use crate::support::ui as support;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use socket_tester::net::Role;
use socket_tester::session::roster::Verdict;
use socket_tester::ui::{App, tab_name};
use support::*;

fn sized(app: App, w: f32, h: f32) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(w, h))
        .build_ui_state(|ui, app: &mut App| app.frame(ui), app)
}

/// Labs ▸ 40 students, Listen, Start checking, and the TCP Client's crowd of 40
/// connects: back on the TCP Server once the roster has 40 passes.
fn forty_students(h: &mut Harness<'static, App>) {
    settle(h);
    h.get_by_label("Labs").click();
    settle(h);
    h.get_by_label("40 students (a crowd against the roster)")
        .click();
    settle(h);
    h.state_mut().panel_mut(Role::TcpServer).settings.port = "0".into();
    h.get_by_label("Listen").click();
    wait_for(h, "listening", |a| {
        a.panel(Role::TcpServer).st.local.is_some()
    });
    h.get_by_label("▶ Start checking").click();
    settle(h);
    let port = h.state().panel(Role::TcpServer).st.local.map(|a| a.port());
    let c = h.state_mut().panel_mut(Role::TcpClient);
    c.settings.port = port.unwrap_or_default().to_string();
    c.settings.crowd.ramp = "400".into();
    h.state_mut().tab = Role::TcpClient;
    settle(h);
    h.get_by_label("Connect").click();
    wait_for(h, "forty passes", |a| {
        a.panel(Role::TcpServer)
            .st
            .roster
            .as_ref()
            .is_some_and(|r| {
                r.rows
                    .iter()
                    .filter(|x| x.verdict == Verdict::Passed)
                    .count()
                    == 40
            })
    });
    h.state_mut().tab = Role::TcpServer;
    settle(h);
}

/// (roster rows, log rows) in view: the roster's rows (their client column) between its
/// header and the send box (or its folded button), the log's rows (their direction
/// column) above the roster or beside it.
fn rows_in_view(h: &Harness<'static, App>) -> (usize, usize) {
    let head = h.get_by_label("Client").rect();
    let bottom = ["Hex", "Message ▸", "Socket calls"]
        .into_iter()
        .filter_map(|l| h.query_by_label(l))
        .map(|n| n.rect().min.y)
        .fold(f32::INFINITY, f32::min);
    let roster = h
        .query_all_by_label_contains("#")
        .filter(|n| {
            let r = n.rect();
            (r.min.x - head.min.x).abs() < 2.0 && r.min.y > head.max.y && r.max.y <= bottom + 1.0
        })
        .count();
    // A log row's direction: → sent, ← received, • a connection's event. The log is above
    // the roster (its top) or left of it (beside it on a very short tab).
    let (top, left) = {
        let stop = h.get_by_label("■ Stop checking").rect();
        (stop.min.y, head.min.x)
    };
    let log = ["→", "←", "•"]
        .into_iter()
        .flat_map(|d| h.query_all_by_label(d))
        .filter(|n| {
            let r = n.rect();
            r.height() > 1.0 && r.max.y <= bottom && (r.max.y <= top || r.max.x <= left)
        })
        .count();
    (roster, log)
}

#[test]
fn the_roster_and_the_log_share_a_projectors_height() {
    for (simple, zoom, least_roster, least_log) in
        [(true, 1.0_f32, 8, 5), (false, 1.0, 8, 5), (true, 1.5, 3, 3)]
    {
        let mut app = english();
        app.classroom.settings.simple = Some(simple);
        let mut h = sized(app, 1024.0 / zoom, 600.0 / zoom);
        forty_students(&mut h);
        let (roster, log) = rows_in_view(&h);
        assert!(
            roster >= least_roster && log >= least_log,
            "at {:.0} % (simple {simple}): {roster} roster rows and {log} log rows in view",
            zoom * 100.0
        );
        if zoom > 1.0 {
            // 683 points wide: the menus and the tabs take two lines.
            continue;
        }
        // The tab strip is one line: every tab's name on the line of the first.
        let y = |role| h.get_by_label(tab_name(role)).rect().center().y;
        let first = y(Role::UdpSender);
        for role in [Role::UdpReceiver, Role::TcpClient, Role::TcpServer] {
            assert!((y(role) - first).abs() < 4.0, "{role:?} on another line");
        }
        // The "40 students" note follows the tabs (cut to their line, whole on hover).
        let relay = h.get_by_label(tab_name(Role::Relay)).rect();
        assert!(
            h.query_all_by_label_contains("40 students: on the TCP Server")
                .chain(h.query_all_by_label("⋯"))
                .any(|n| n.rect().min.x > relay.max.x && (n.rect().center().y - first).abs() < 4.0),
            "the note on the tabs' line"
        );
    }
}
