//! A file dialog always appears: where the desktop has no native dialog (no XDG portal,
//! no zenity, as on this test machine and in CI) Save log… opens the in-window dialog, in
//! the window's language, Cancel closes it without saving,
//! and a file chosen in it is saved.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::net::Role;
use socket_tester::ui::{App, Persisted};
use std::net::UdpSocket;
use support::*;

/// In-window dialogs, the UDP Receiver bound and one datagram `data` received.
fn receiver_with_one_datagram(
    data: &[u8],
) -> (tempfile::TempDir, egui_kittest::Harness<'static, App>) {
    socket_tester::ui::use_in_window_file_dialogs();
    let dir = tempfile::tempdir().unwrap();
    let app = App::new(Some(Persisted::default()), None).with_data_dir(dir.path());
    let mut h = harness(app);
    let to = bind_udp_receiver(&mut h);
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .send_to(data, to)
        .unwrap();
    wait_for(&mut h, "the datagram", |a| {
        a.panel(Role::UdpReceiver).view().store.counters.rx_msgs == 1
    });
    (dir, h)
}

#[test]
fn save_log_opens_the_in_window_dialog_and_cancel_closes_it() {
    let (dir, mut h) = receiver_with_one_datagram(b"hello");
    assert!(h.query_by_label("Cancel").is_none());
    h.get_by_label("Save log…").click();
    for _ in 0..4 {
        h.run();
    }
    // The in-window dialog: its own Save and Cancel buttons, and the suggested file name.
    assert!(h.query_by_label("Cancel").is_some(), "no dialog appeared");
    assert!(h.query_all_by_label("Save").count() >= 1);
    h.get_by_label("Cancel").click();
    for _ in 0..4 {
        h.run();
    }
    assert!(
        h.query_by_label("Cancel").is_none(),
        "the dialog stayed open"
    );
    let notice = h.state().panel(Role::UdpReceiver).notice.clone();
    assert!(
        notice.as_ref().is_none_or(|(m, _)| !m.contains("saving")),
        "{notice:?}"
    );

    // Again, and this time save: a file name with its folder, then Save.
    h.get_by_label("Save log…").click();
    for _ in 0..4 {
        h.run();
    }
    let out = dir.path().join("chosen-in-window.csv");
    set_field(&mut h, "File:", out.to_str().unwrap());
    h.get_by_label("Save").click();
    wait_for(&mut h, "saved", |a| {
        a.panel(Role::UdpReceiver)
            .notice
            .as_ref()
            .is_some_and(|(m, _)| m.starts_with("saved"))
    });
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.contains("hello"), "{csv}");
    assert!(
        h.query_by_label("Cancel").is_none(),
        "the dialog stayed open"
    );
}

#[test]
fn an_open_dialog_stays_when_another_tab_is_shown() {
    let (dir, mut h) = receiver_with_one_datagram(b"kept");
    h.get_by_label("Save log…").click();
    for _ in 0..4 {
        h.run();
    }
    assert!(h.query_by_label("Cancel").is_some(), "no dialog appeared");
    // Another tab: the UDP Receiver's dialog is still there, and still saves its log.
    open_tab(&mut h, Role::TcpClient);
    for _ in 0..4 {
        h.run();
    }
    assert!(
        h.query_by_label("Cancel").is_some(),
        "the dialog went away with its tab"
    );
    let out = dir.path().join("from-another-tab.jsonl");
    set_field(&mut h, "File:", out.to_str().unwrap());
    h.get_by_label("Save").click();
    wait_for(&mut h, "saved", |a| {
        a.panel(Role::UdpReceiver)
            .notice
            .as_ref()
            .is_some_and(|(m, _)| m.starts_with("saved"))
    });
    assert!(std::fs::read_to_string(&out).unwrap().contains("kept"));
}

#[test]
fn a_folder_typed_without_enter_is_where_the_file_goes() {
    let (dir, mut h) = receiver_with_one_datagram(b"there");
    let sub = dir.path().join("typed");
    std::fs::create_dir(&sub).unwrap();
    h.get_by_label("Save log…").click();
    for _ in 0..4 {
        h.run();
    }
    // A folder that does not exist: said under the field, nothing saved.
    let missing = dir.path().join("no-such");
    set_field(&mut h, "Folder", missing.to_str().unwrap());
    set_field(&mut h, "File:", "here.jsonl");
    h.get_by_label("Save").click();
    for _ in 0..4 {
        h.run();
    }
    assert!(
        h.query_by_label_contains("is not a folder").is_some(),
        "the wrong folder is said"
    );
    assert!(
        h.query_by_label("Cancel").is_some(),
        "the dialog stays open"
    );
    // The folder typed, then Save at once (no Enter): the file goes there.
    set_field(&mut h, "Folder", sub.to_str().unwrap());
    h.get_by_label("Save").click();
    wait_for(&mut h, "saved", |a| {
        a.panel(Role::UdpReceiver)
            .notice
            .as_ref()
            .is_some_and(|(m, _)| m.starts_with("saved"))
    });
    let text = std::fs::read_to_string(sub.join("here.jsonl")).unwrap();
    assert!(text.contains("there"), "{text}");
}
