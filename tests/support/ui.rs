//! Helpers shared by the window tests (included with `#[path]` by each `ui_*.rs`).
#![allow(dead_code)]

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use socket_tester::net::Role;
use socket_tester::ui::{App, tab_name};
use std::time::{Duration, Instant};

pub fn harness(app: App) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(1280.0, 820.0))
        .build_ui_state(|ui, app: &mut App| app.frame(ui), app)
}

/// A few frames, so clicks and typing take effect.
pub fn settle(h: &mut Harness<'_, App>) {
    for _ in 0..3 {
        h.step();
    }
}

/// Steps the window until `f` holds (at most 20 s: generous, for a loaded 2-core CI machine).
pub fn wait_for(h: &mut Harness<'_, App>, what: &str, f: impl Fn(&App) -> bool) {
    let t = Instant::now();
    while !f(h.state()) {
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    settle(h);
}

pub fn open_tab(h: &mut Harness<'_, App>, role: Role) {
    h.get_by_label(tab_name(role)).click();
    settle(h);
    assert_eq!(h.state().tab, role);
}

/// Replaces the text of the field labelled `label`.
pub fn set_field(h: &mut Harness<'_, App>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.step();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.step();
    h.key_press(Key::Delete);
    h.step();
    if !text.is_empty() {
        h.get_by_label(label).type_text(text);
    }
    settle(h);
}

pub fn is_disabled(h: &Harness<'_, App>, label: &str) -> bool {
    h.get_by_label(label).accesskit_node().is_disabled()
}

/// True if some row of the role's log has exactly this text.
pub fn has_row(app: &App, role: Role, text: &str) -> bool {
    app.panel(role).view().store.iter().any(|e| e.text == text)
}

/// Binds the UDP Receiver tab on 127.0.0.1 with an OS-assigned port; returns its address.
pub fn bind_udp_receiver(h: &mut Harness<'_, App>) -> std::net::SocketAddr {
    open_tab(h, Role::UdpReceiver);
    set_field(h, "Bind host", "127.0.0.1");
    set_field(h, "Port", "0");
    h.get_by_label("Bind").click();
    wait_for(h, "bound", |a| {
        a.panel(Role::UdpReceiver).st.state == socket_tester::ui::ConnState::Bound
    });
    let local = h.state().panel(Role::UdpReceiver).st.local;
    local.expect("a bound receiver knows its address")
}

/// Accepts one connection within 10 s (a failed connect fails the test, not hangs it).
pub fn accept_within(l: &std::net::TcpListener) -> std::net::TcpStream {
    l.set_nonblocking(true).unwrap();
    let t = Instant::now();
    loop {
        match l.accept() {
            Ok((s, _)) => {
                s.set_nonblocking(false).unwrap();
                return s;
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                assert!(t.elapsed() < Duration::from_secs(10), "no connection came");
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => panic!("accept: {e}"),
        }
    }
}

/// A fresh window in English.
pub fn english() -> App {
    let mut app = App::new(None, None);
    app.classroom.set_lang(socket_tester::i18n::Lang::En);
    app
}
