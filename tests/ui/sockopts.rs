//! The Socket options menu in the window (egui_kittest, the real UI), on 127.0.0.1 with
//! an OS-assigned port: a receive buffer asked for on the UDP Receiver is listed, once
//! bound, as the kernel set it (doubled on Linux) in the menu and in the log; a bad TTL
//! is named under its field and keeps Bind off; the choice is saved with the tab.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::i18n::Lang;
use socket_tester::net::Role;
use socket_tester::ui::{App, ConnState};
use support::*;

#[test]
fn the_menu_sets_a_buffer_and_shows_what_the_kernel_made_of_it() {
    let mut app = App::new(None, None);
    app.classroom.set_lang(Lang::En);
    let mut h = harness(app);
    open_tab(&mut h, Role::UdpReceiver);
    set_field(&mut h, "Bind host", "127.0.0.1");
    set_field(&mut h, "Port", "0");
    h.get_by_label("Socket options ▾").click();
    settle(&mut h);
    set_field(&mut h, "TTL of replies (1–255)", "0");
    assert!(h.query_by_label("a whole number from 1 to 255").is_some());
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    assert!(is_disabled(&h, "Bind"));
    h.get_by_label("Socket options: check the fields ▾").click();
    settle(&mut h);
    set_field(&mut h, "TTL of replies (1–255)", "");
    set_field(&mut h, "Receive buffer, SO_RCVBUF (bytes)", "100000");
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    h.get_by_label("Bind").click();
    wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpReceiver).st.state == ConnState::Bound
    });
    wait_for(&mut h, "the kernel's values", |a| {
        a.panel(Role::UdpReceiver).st.sockopts.is_some()
    });
    h.get_by_label("Socket options: set ▾").click();
    settle(&mut h);
    let want = if cfg!(target_os = "linux") {
        "SO_RCVBUF 200000 (asked 100000; Linux doubles it for its own bookkeeping)"
    } else {
        "SO_RCVBUF "
    };
    // The menu's line and the log's row.
    assert!(
        h.query_all_by_label_contains(want).count() >= 2,
        "listed in the menu and the log"
    );
    let logged = h
        .state()
        .panel(Role::UdpReceiver)
        .view()
        .store
        .iter()
        .any(|e| e.text.contains(want));
    assert!(logged, "and in the log");
    assert_eq!(
        h.state().panel(Role::UdpReceiver).settings.sockopts.rcvbuf,
        "100000"
    );
}
