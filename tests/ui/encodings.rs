//! Encodings a class meets (egui_kittest, real sockets on 127.0.0.1 with OS-assigned
//! ports, a std::net peer): GBK bytes arriving on a UTF-8 tab bring an offer above the
//! log with the text as GBK reads it, one click switches the tab and the row reads
//! right; × hides the offer; the send box's Hex tick turns GBK text into its bytes and
//! back, and keeps hex that is not text with the reason under the field.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::codec::Encoding;
use socket_tester::net::Role;
use std::net::UdpSocket;
use support::*;

fn has(h: &egui_kittest::Harness<'_, socket_tester::ui::App>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

/// A bound UTF-8 receiver that got the GBK bytes of 收到啦我反馈 from a std socket.
fn receiver_with_gbk() -> egui_kittest::Harness<'static, socket_tester::ui::App> {
    let mut h = harness(english());
    let addr = bind_udp_receiver(&mut h);
    assert_eq!(
        h.state().panel(Role::UdpReceiver).encoding(),
        Encoding::UTF_8
    );
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    let gbk = socket_tester::codec::encode(Encoding::GBK, "收到啦我反馈").unwrap();
    peer.send_to(&gbk, addr).unwrap();
    wait_for(&mut h, "the offer", |a| {
        a.panel(Role::UdpReceiver)
            .st
            .enc_watch
            .suggestion()
            .is_some()
    });
    h
}

#[test]
fn gbk_on_a_utf8_tab_is_offered_and_one_click_switches() {
    let mut h = receiver_with_gbk();
    assert!(
        !has_row(h.state(), Role::UdpReceiver, "收到啦我反馈"),
        "UTF-8 reads it wrong"
    );
    assert!(
        has(&h, "The data received looks like GBK: 收到啦我反馈"),
        "the offer with the preview"
    );
    h.get_by_label("Use GBK").click();
    settle(&mut h);
    assert_eq!(h.state().panel(Role::UdpReceiver).encoding(), Encoding::GBK);
    wait_for(&mut h, "the row re-decoded", |a| {
        has_row(a, Role::UdpReceiver, "收到啦我反馈")
    });
    assert!(!has(&h, "looks like GBK"), "the offer is gone");
}

#[test]
fn the_offer_can_be_hidden() {
    let mut h = receiver_with_gbk();
    assert!(has(&h, "looks like GBK"));
    h.get_by_label("×").click();
    settle(&mut h);
    assert!(!has(&h, "looks like GBK"), "hidden");
    assert_eq!(
        h.state().panel(Role::UdpReceiver).encoding(),
        Encoding::UTF_8,
        "the encoding is kept"
    );
}

#[test]
fn hex_ticks_convert_gbk_text_to_bytes_and_back() {
    let mut h = harness(english());
    open_tab(&mut h, Role::UdpSender);
    h.state_mut()
        .panel_mut(Role::UdpSender)
        .set_encoding(Encoding::GBK);
    set_field(&mut h, "Message", "你好");
    let text = |h: &egui_kittest::Harness<'_, socket_tester::ui::App>| {
        h.state().panel(Role::UdpSender).settings.send.text.clone()
    };
    h.get_by_label("Hex").click();
    settle(&mut h);
    assert_eq!(text(&h), "C4 E3 BA C3");
    assert!(h.state().panel(Role::UdpSender).settings.send.hex);
    h.get_by_label("Hex").click();
    settle(&mut h);
    assert_eq!(text(&h), "你好");

    // Hex cut inside a character is not GBK text: kept, and the reason is under the field.
    h.get_by_label("Hex").click();
    settle(&mut h);
    set_field(&mut h, "Message", "C4 E3 BA");
    h.get_by_label("Hex").click();
    settle(&mut h);
    assert_eq!(text(&h), "C4 E3 BA");
    assert!(has(&h, "Kept as hex: these bytes are not text in GBK."));
    // Editing the message takes the note away.
    set_field(&mut h, "Message", "ok");
    assert!(!has(&h, "Kept as hex"));
}

/// Simple mode (the classroom's) lists the common encodings; the rest wait behind "More
/// encodings…", and the full list is there at once outside simple mode.
#[test]
fn simple_mode_lists_the_common_encodings_first() {
    let mut app = english();
    app.classroom.settings.simple = Some(true);
    app.tab = Role::UdpReceiver;
    let mut h = harness(app);
    settle(&mut h);
    h.get_by_label("Encoding").click();
    settle(&mut h);
    assert!(has(&h, "GBK (简体中文)"), "a common one is listed");
    assert!(!has(&h, "KOI8-R"), "a rare one waits behind More");
    assert!(!has(&h, "Shift_JIS"), "a rare one waits behind More");
    h.get_by_label("More encodings…").click();
    settle(&mut h);
    assert!(has(&h, "KOI8-R"), "listed after More");
    h.get_by_label("Shift_JIS (日本語)").click();
    settle(&mut h);
    assert_eq!(
        h.state().panel(Role::UdpReceiver).encoding(),
        Encoding::for_label("shift_jis").expect("Shift_JIS")
    );
}
