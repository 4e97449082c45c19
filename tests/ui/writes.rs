//! The TCP tabs' Writes menu in the window (egui_kittest), against a std::net peer on
//! 127.0.0.1 with an OS-assigned port: switching on "several messages in one write" while
//! connected makes two sends arrive as one chunk (粘包), a bad field is named in the menu
//! and keeps Connect disabled, and the choice is in the tab's saved settings.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::net::Role;
use socket_tester::ui::ConnState;
use std::io::Read;
use std::net::TcpListener;
use std::time::Duration;
use support::*;

#[test]
fn two_sends_in_one_write_arrive_as_one_chunk() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut h = harness(english());
    open_tab(&mut h, Role::TcpClient);
    set_field(&mut h, "Server host", "127.0.0.1");
    set_field(&mut h, "Port", &port.to_string());
    h.get_by_label("Connect").click();
    settle(&mut h);
    let mut conn = accept_within(&listener);
    wait_for(&mut h, "connected", |a| {
        a.panel(Role::TcpClient).st.state == ConnState::Connected
    });

    // Writes ▸ Send several messages in one write, 2 per write.
    h.get_by_label("Writes: whole ▾").click();
    settle(&mut h);
    h.get_by_label("Send several messages in one write (粘包)")
        .click();
    settle(&mut h);
    set_field(&mut h, "Messages per write", "2");
    settle(&mut h);
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    assert!(
        h.query_by_label("Writes: 2 in one ▾").is_some(),
        "the summary says it"
    );

    for text in ["ab", "cd"] {
        set_field(&mut h, "Message", text);
        h.get_by_label("Send").click();
        settle(&mut h);
    }
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let mut buf = [0u8; 64];
    let n = conn.read(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"abcd", "one write, one chunk");
    // Two tx rows all the same.
    wait_for(&mut h, "two tx rows", |a| {
        has_row(a, Role::TcpClient, "ab") && has_row(a, Role::TcpClient, "cd")
    });
    let w = &h.state().panel(Role::TcpClient).settings.writes;
    assert!(
        w.coalesce_on && w.coalesce == "2",
        "saved with the tab: {w:?}"
    );
}

#[test]
fn a_bad_writes_field_is_named_and_keeps_connect_disabled() {
    let mut h = harness(english());
    open_tab(&mut h, Role::TcpClient);
    h.get_by_label("Writes: whole ▾").click();
    settle(&mut h);
    h.get_by_label("Split each message into writes (拆包)")
        .click();
    settle(&mut h);
    set_field(&mut h, "Bytes per write", "0");
    settle(&mut h);
    assert!(
        h.query_by_label_contains("bytes per write: a whole number from 1 to 65536")
            .is_some()
    );
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    assert!(h.query_by_label("Writes: check the fields ▾").is_some());
    assert!(is_disabled(&h, "Connect"));
}
