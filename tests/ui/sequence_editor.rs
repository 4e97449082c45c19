//! The Sequence editor keeps its word (issue items 6a and 6e): `B\d` typed key by key
//! into a send and an expect stays `B\d` (shown and kept: no doubled backslashes), the
//! window runs it against a std::net device on loopback, and Save… writes a file that
//! holds exactly `B\d` and the tab's destination as `to`, which `socket-tester run FILE`
//! (no `--to`) runs against the same device.

use crate::support::ui as support;

use egui::accesskit::Role as AxRole;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use socket_tester::net::Role;
use socket_tester::sequence::outline::{ExpectKind, OutlineStep};
use socket_tester::ui::{App, ConnState, Persisted, Tool};
use std::io::{Read, Write};
use std::net::TcpListener;
use support::*;

/// Answers each chunk it reads with `ACK ` and the chunk, on every connection.
fn ack_device() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut s in l.incoming().map_while(Result::ok) {
            std::thread::spawn(move || {
                let mut b = [0u8; 512];
                while let Ok(n) = s.read(&mut b) {
                    if n == 0 {
                        return;
                    }
                    let mut reply = b"ACK ".to_vec();
                    reply.extend_from_slice(&b[..n]);
                    if s.write_all(&reply).is_err() {
                        return;
                    }
                }
            });
        }
    });
    port
}

/// The text field labelled `label` (the add-step buttons carry the same words).
fn field(h: &Harness<'static, App>, label: &str) -> Option<String> {
    h.get_by_role_and_label(AxRole::TextInput, label).value()
}

/// Types `text` one key a frame into the field labelled `label`.
fn type_keys(h: &mut Harness<'static, App>, label: &str, text: &str) {
    h.get_by_role_and_label(AxRole::TextInput, label).focus();
    h.step();
    for c in text.chars() {
        h.get_by_role_and_label(AxRole::TextInput, label)
            .type_text(&c.to_string());
        h.step();
        h.step();
    }
    settle(h);
}

fn steps(a: &App) -> &[OutlineStep] {
    &a.panel(Role::TcpClient).settings.kit.sequence.steps
}

#[test]
fn a_backslash_typed_key_by_key_is_kept_and_saved_with_the_destination() {
    socket_tester::ui::use_in_window_file_dialogs();
    let port = ack_device();
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::new(Some(Persisted::default()), None).with_data_dir(dir.path());
    app.classroom.set_lang(socket_tester::i18n::Lang::En);
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
    h.state_mut()
        .panel_mut(Role::TcpClient)
        .settings
        .kit
        .sequence
        .steps = vec![
        OutlineStep::Send {
            text: String::new(),
            hex: false,
            template: false,
        },
        OutlineStep::Expect {
            kind: ExpectKind::Contains,
            value: String::new(),
            timeout: Some("2s".into()),
        },
    ];
    settle(&mut h);

    type_keys(&mut h, "send", r"B\d");
    type_keys(&mut h, "expect", r"ACK B\d");
    assert_eq!(field(&h, "send").as_deref(), Some(r"B\d"));
    assert_eq!(field(&h, "expect").as_deref(), Some(r"ACK B\d"));
    assert_eq!(
        steps(h.state())[0],
        OutlineStep::Send {
            text: r"B\d".into(),
            hex: false,
            template: false
        }
    );
    // Many frames later it still shows what was typed.
    settle(&mut h);
    assert_eq!(field(&h, "send").as_deref(), Some(r"B\d"));

    // The window runs it: the device saw exactly B\d.
    h.get_by_label("▶ Run").click();
    wait_for(&mut h, "the run", |a| {
        a.panel(Role::TcpClient)
            .st
            .sequence
            .as_ref()
            .is_some_and(|s| !s.running)
    });
    assert!(h.query_by_label("passed: all 2 steps").is_some());

    // Save…: the file holds B\d as typed and the destination.
    h.get_by_label("Save…").click();
    for _ in 0..4 {
        h.run();
    }
    let file = dir.path().join("typed.toml");
    set_field(&mut h, "File:", file.to_str().unwrap());
    h.get_by_label("Save").click();
    wait_for(&mut h, "saved", |_| file.exists());
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(r"B\d"), "{text}");
    assert!(!text.contains(r"B\\d"), "{text}");
    assert!(
        text.contains(&format!("to = \"127.0.0.1:{port}\"")),
        "{text}"
    );

    // `run FILE` with no --to runs it against the same device.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_socket-tester"))
        .arg("run")
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{:?}", out.stderr);
    assert!(stdout.contains(r#"(sent 3 bytes: "B\d")"#), "{stdout}");
    assert!(stdout.contains("2 passed"), "{stdout}");
}
