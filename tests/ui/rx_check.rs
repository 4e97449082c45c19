//! The Rx checksum picker: chosen in the window, it checks what a real std::net peer sends
//! on loopback; the row whose CRC is wrong carries the mark in English and in Chinese, the
//! status line counts right and wrong rows, and a bad range is said under the field.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::codec::Checksum;
use socket_tester::i18n::Lang;
use socket_tester::net::Role;
use std::net::UdpSocket;
use support::*;

#[test]
fn the_picker_marks_the_wrong_row_in_both_languages_and_counts() {
    let mut h = harness(english());
    let to = bind_udp_receiver(&mut h);
    h.get_by_label("Rx checksum").click();
    settle(&mut h);
    h.get_by_label("CRC-16/MODBUS").click();
    settle(&mut h);
    assert_eq!(
        h.state().panel(Role::UdpReceiver).settings.rx_check.alg,
        Some(Checksum::Crc16Modbus)
    );
    // The runtime has the check once the tab synced it (the next frame).
    settle(&mut h);
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.send_to(&[1, 3, 0, 0, 0, 0x0a, 0xc5, 0xcd], to)
        .unwrap();
    peer.send_to(&[1, 3, 0, 0, 0, 0x0a, 0xc5, 0xce], to)
        .unwrap();
    wait_for(&mut h, "two checked rows", |a| {
        let c = a.panel(Role::UdpReceiver).view().store.checks;
        c.good + c.bad == 2
    });
    let c = h.state().panel(Role::UdpReceiver).view().store.checks;
    assert_eq!((c.good, c.bad), (1, 1));
    assert!(
        h.query_by_label("checksum wrong: got 0xCEC5, expected 0xCDC5")
            .is_some()
    );
    assert!(h.query_by_label("checksum: 1 ok / 1 wrong").is_some());

    // A bad range is refused under the field, naming what was typed.
    set_field(&mut h, "over", "x");
    assert!(
        h.query_by_label_contains("\"x\" is not a byte range")
            .is_some()
    );
    set_field(&mut h, "over", "");

    h.state_mut().classroom.set_lang(Lang::Zh);
    settle(&mut h);
    assert!(
        h.query_by_label("校验和错误：收到 0xCEC5，应为 0xCDC5")
            .is_some()
    );
    assert!(h.query_by_label("校验和：1 正确 / 1 错误").is_some());
}
