//! The log follows its newest row while the user has not scrolled away (egui_kittest at
//! 1024×600, a real UDP receiver on 127.0.0.1 with an OS-assigned port, a std::net peer):
//! also when a tool panel opens between two batches of rows and the log shrinks under it,
//! and it stays where the user scrolled to while more rows arrive.

use crate::support::ui as support;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use socket_tester::net::Role;
use socket_tester::ui::App;
use std::net::{SocketAddr, UdpSocket};
use support::*;

fn small_window() -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(1024.0, 600.0))
        .build_ui_state(|ui, app: &mut App| app.frame(ui), App::new(None, None))
}

/// Sends `row {from}` ..= `row {to}` and waits until the log holds the last one.
fn send_rows(h: &mut Harness<'static, App>, peer: &UdpSocket, to: SocketAddr, rows: (u32, u32)) {
    for i in rows.0..=rows.1 {
        peer.send_to(format!("row {i}").as_bytes(), to).unwrap();
    }
    let last = format!("row {}", rows.1);
    wait_for(h, "the rows arrived", |a| {
        has_row(a, Role::UdpReceiver, &last)
    });
    settle(h);
}

/// Where the row showing `text` ends, if it is laid out at all.
fn row_bottom(h: &Harness<'static, App>, text: &str) -> Option<f32> {
    h.query_by_label(text).map(|n| n.rect().max.y)
}

fn top_of(h: &Harness<'static, App>, label: &str) -> f32 {
    h.get_by_label(label).rect().min.y
}

#[test]
fn the_newest_row_stays_in_view_when_a_tool_panel_opens_between_batches() {
    let mut h = small_window();
    settle(&mut h);
    let addr = bind_udp_receiver(&mut h);
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    send_rows(&mut h, &peer, addr, (1, 3));
    let mut next = 4;
    let tools = [
        "Auto-send",
        "Saved payloads",
        "Send file",
        "Auto-reply",
        "Senders",
        "Rate chart",
        "Expect",
    ];
    for tool in tools {
        // The panel opens between two batches, so the log shrinks under it while its rows
        // are still arriving.
        h.get_by_label(tool).click();
        settle(&mut h);
        for batch in [27, 30] {
            let last = next + batch - 1;
            send_rows(&mut h, &peer, addr, (next, last));
            next = last + 1;
            let text = format!("row {last}");
            let bottom = row_bottom(&h, &text)
                .unwrap_or_else(|| panic!("{tool}: the newest row ({text}) is not laid out"));
            let panel_top = top_of(&h, "Hide");
            assert!(
                bottom <= panel_top,
                "{tool}: {text} ends at {bottom}, under the panel that starts at {panel_top}"
            );
        }
        h.get_by_label("Hide").click();
        settle(&mut h);
        assert!(
            h.query_by_label("Hide").is_none(),
            "{tool}: the panel is hidden"
        );
    }

    // With no panel the newest row is above the send box.
    send_rows(&mut h, &peer, addr, (next, next + 1));
    let text = format!("row {}", next + 1);
    let bottom = row_bottom(&h, &text).expect("the newest row is laid out");
    assert!(bottom <= top_of(&h, "Message"), "{text} ends at {bottom}");
}

#[test]
fn rows_do_not_pull_the_log_down_after_the_user_scrolled_up() {
    let mut h = small_window();
    settle(&mut h);
    let addr = bind_udp_receiver(&mut h);
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    send_rows(&mut h, &peer, addr, (1, 80));
    assert!(row_bottom(&h, "row 80").is_some(), "following at first");

    // Scroll up over the log with the wheel.
    let over = h.get_by_label("row 80").rect().center();
    h.hover_at(over);
    for _ in 0..20 {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, 400.0),
            modifiers: egui::Modifiers::NONE,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
        });
        h.step();
    }
    settle(&mut h);
    assert!(row_bottom(&h, "row 1").is_some(), "scrolled to the top");
    send_rows(&mut h, &peer, addr, (81, 120));
    assert!(
        row_bottom(&h, "row 1").is_some(),
        "new rows pulled the log away from where the user scrolled"
    );
    assert!(row_bottom(&h, "row 120").is_none());

    // Scrolling back to the bottom follows again.
    for _ in 0..40 {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -400.0),
            modifiers: egui::Modifiers::NONE,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
        });
        h.step();
    }
    settle(&mut h);
    send_rows(&mut h, &peer, addr, (121, 140));
    assert!(row_bottom(&h, "row 140").is_some(), "following again");
}
