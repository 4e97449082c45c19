//! Hostile input in the window: every text field of every tab gets empty text, spaces,
//! 10,000 characters, emoji, `999999`, `-1`, `::::` and NUL. The app never panics, nothing
//! starts by itself, and the address fields answer a bad value with a message (the same
//! one the parser gives) while the start button stays disabled.

use crate::support::ui as support;

use egui::accesskit::Role as AxRole;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use socket_tester::net::{Role, addr};
use socket_tester::ui::App;
use support::*;

fn hostile() -> Vec<String> {
    vec![
        String::new(),
        "   ".into(),
        "x".repeat(10_000),
        // Emoji, a ZWJ sequence and a flag: the default fonts draw what they have and a
        // replacement box for the rest; neither may panic.
        "😀🔥👩‍💻🇨🇳".into(),
        "999999".into(),
        "-1".into(),
        "::::".into(),
        "\0".into(),
    ]
}

/// The usual harness, but drawing a box ("tofu") for characters no font has, as the real
/// window does (egui's default policy). kittest's own default is to panic on a missing
/// glyph, to catch a forgotten font in tests; emoji are exactly what no bundled font has.
fn harness(app: App) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(1280.0, 820.0))
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut App| app.frame(ui), app)
}

fn show(s: &str) -> String {
    if s.len() > 20 {
        format!("{}… ({} chars)", &s[..10], s.chars().count())
    } else {
        format!("{s:?}")
    }
}

/// Text inputs on screen now (single and multi-line), in tree order.
fn text_inputs(h: &Harness<'_, App>) -> usize {
    h.query_all_by_role(AxRole::TextInput).count()
        + h.query_all_by_role(AxRole::MultilineTextInput).count()
}

/// Replaces the text of the `i`-th text input. Returns false if there is no such field now.
fn type_into(h: &mut Harness<'_, App>, i: usize, text: &str) -> bool {
    {
        let nodes: Vec<_> = h
            .query_all_by_role(AxRole::TextInput)
            .chain(h.query_all_by_role(AxRole::MultilineTextInput))
            .collect();
        let Some(n) = nodes.get(i) else {
            return false;
        };
        if n.accesskit_node().is_disabled() {
            return true;
        }
        n.focus();
    }
    h.step();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.step();
    h.key_press(Key::Delete);
    h.step();
    if !text.is_empty() {
        h.event(egui::Event::Text(text.to_string()));
    }
    settle(h);
    true
}

#[test]
fn every_text_field_of_every_tab_survives_hostile_input() {
    let mut h = harness(App::new(None, None));
    let values = hostile();
    let mut touched = 0;
    for role in Role::ALL {
        open_tab(&mut h, role);
        let n = text_inputs(&h);
        assert!(n >= 2, "{}: at least the address fields", role.as_str());
        for i in 0..n {
            for v in &values {
                if type_into(&mut h, i, v) {
                    touched += 1;
                }
            }
            // Leave the field empty-ish again so later fields are reachable in the same layout.
            type_into(&mut h, i, "");
        }
        // Nothing typed may start a session, and the tab still works.
        assert!(
            !h.state().panel(role).is_running(),
            "{}: typing started a session",
            role.as_str()
        );
        assert_eq!(h.state().tab, role);
        println!("{}: {n} text fields", role.as_str());
    }
    assert!(
        touched >= 8 * 8,
        "typed into {touched} (field, value) pairs"
    );
    // The window still draws after all that.
    settle(&mut h);
}

/// The start button of each tab, its address fields, and whether host may be empty /
/// port may be 0 (the local-side tabs). A bad value disables the start button, except on
/// the UDP Sender, whose Bind needs no destination.
const TABS: [(Role, &str, &str, bool); 4] = [
    (Role::UdpSender, "Bind", "Destination host", false),
    (Role::UdpReceiver, "Bind", "Bind host", true),
    (Role::TcpClient, "Connect", "Server host", false),
    (Role::TcpServer, "Listen", "Listen host", true),
];

#[test]
fn bad_addresses_show_a_message_and_keep_start_disabled() {
    let mut h = harness(App::new(None, None));
    let mut messages = 0;
    for (role, start, host_label, local) in TABS {
        open_tab(&mut h, role);
        let good_host = h.state().panel(role).settings.host.clone();
        let good_port = h.state().panel(role).settings.port.clone();
        for v in hostile() {
            // The port.
            set_field(&mut h, "Port", &v);
            assert_eq!(h.state().panel(role).settings.port, v, "the field holds it");
            if let Err(e) = addr::parse_port(&v, local) {
                assert!(
                    h.query_by_label(&e.0).is_some(),
                    "{}: Port {}: no message {:?}",
                    role.as_str(),
                    show(&v),
                    e.0
                );
                // Binding needs no destination: the UDP Sender's Bind stays on (its
                // destination only holds Send back).
                let needs = role != Role::UdpSender;
                assert_eq!(
                    is_disabled(&h, start),
                    needs,
                    "{}: {start} enabled = {}",
                    role.as_str(),
                    !needs
                );
                messages += 1;
            }
            set_field(&mut h, "Port", &good_port);

            // The host.
            set_field(&mut h, host_label, &v);
            if let Err(e) = addr::check_host(&v, local) {
                assert!(
                    h.query_by_label(&e.0).is_some(),
                    "{}: {host_label} {}: no message {:?}",
                    role.as_str(),
                    show(&v),
                    e.0
                );
                // Binding needs no destination: the UDP Sender's Bind stays on (its
                // destination only holds Send back).
                let needs = role != Role::UdpSender;
                assert_eq!(
                    is_disabled(&h, start),
                    needs,
                    "{}: {start} enabled = {}",
                    role.as_str(),
                    !needs
                );
                messages += 1;
            }
            set_field(&mut h, host_label, &good_host);
            assert!(
                !h.state().panel(role).is_running(),
                "{}: a hostile value started a session",
                role.as_str()
            );
        }
        // Good values again: the button comes back.
        assert!(
            !is_disabled(&h, start),
            "{}: {start} stays off",
            role.as_str()
        );
    }
    println!("{messages} bad values answered with a message");
    assert!(messages >= 4 * 8, "{messages}");
}
