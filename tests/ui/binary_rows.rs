//! Bytes shown as what they are: a datagram that is not text in the tab's encoding (here
//! 00 01 02 FF: control bytes and an invalid UTF-8 byte) shows as hex on its own in Text
//! mode, with a "hex" tag, next to a text datagram shown as text. The row's context menu
//! switches that one row, and Copy gives the bytes as shown.

use crate::support::ui as support;

use egui::OutputCommand;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use socket_tester::net::Role;
use socket_tester::ui::App;
use std::net::UdpSocket;
use support::*;

/// Steps until the window puts text on the clipboard; returns it.
fn copied(h: &mut Harness<'_, App>) -> String {
    for _ in 0..10 {
        h.step();
        let text = h
            .output()
            .platform_output
            .commands
            .iter()
            .find_map(|c| match c {
                OutputCommand::CopyText(t) => Some(t.clone()),
                _ => None,
            });
        if let Some(t) = text {
            return t;
        }
    }
    panic!("nothing was copied");
}

fn rx_count(a: &App) -> u64 {
    a.panel(Role::UdpReceiver).view().store.counters.rx_msgs
}

/// Opens the context menu of the row showing `label` and clicks `item`.
fn row_menu(h: &mut Harness<'_, App>, label: &str, item: &str) {
    h.get_by_label(label).click_secondary();
    settle(h);
    h.get_by_label(item).click();
}

#[test]
fn a_datagram_that_is_not_text_shows_as_hex_and_its_menu_switches_it() {
    let mut h = harness(english());
    let local = bind_udp_receiver(&mut h);
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.send_to(&[0x00, 0x01, 0x02, 0xff], local).unwrap();
    wait_for(&mut h, "the binary datagram", |a| rx_count(a) >= 1);
    peer.send_to(b"hello text", local).unwrap();
    wait_for(&mut h, "the text datagram", |a| rx_count(a) >= 2);

    // Decided once as each row came in.
    let flags: Vec<bool> = h
        .state()
        .panel(Role::UdpReceiver)
        .view()
        .store
        .iter()
        .filter(|e| e.data().is_some())
        .map(|e| e.binary)
        .collect();
    assert_eq!(flags, [true, false]);
    // The first row is hex with its tag; the second is text; one tag in all.
    h.get_by_label("00 01 02 FF");
    h.get_by_label("hello text");
    assert_eq!(h.query_all_by_label("hex").count(), 1);
    assert!(h.query_by_label_contains("\u{fffd}").is_none(), "no U+FFFD");

    // Copy gives the bytes as shown: the hex.
    row_menu(&mut h, "00 01 02 FF", "Copy this row");
    let line = copied(&mut h);
    assert!(line.ends_with("  4  00 01 02 FF"), "{line}");
    settle(&mut h);

    // The menu shows that one row as text: the tag goes, the control bytes read escaped.
    row_menu(&mut h, "00 01 02 FF", "Show this row as text");
    settle(&mut h);
    assert!(h.query_by_label("00 01 02 FF").is_none());
    assert_eq!(h.query_all_by_label("hex").count(), 0);
    h.get_by_label_contains("\\x01\\x02");
    h.get_by_label("hello text");
    // Copy all (toolbar, nothing selected): each row as shown, now both as text.
    h.get_by_label("Copy all").click();
    let all = copied(&mut h);
    assert!(
        !all.contains("00 01 02 FF") && all.contains("hello text"),
        "{all}"
    );
    settle(&mut h);

    // And the text row as hex, alone: the first stays text.
    row_menu(&mut h, "hello text", "Show this row as hex");
    settle(&mut h);
    h.get_by_label("68 65 6C 6C 6F 20 74 65 78 74");
    assert_eq!(h.query_all_by_label("hex").count(), 1);
    assert!(h.query_by_label("00 01 02 FF").is_none());
}
