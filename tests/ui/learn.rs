//! The Learn window opens from the View menu and compares TCP with UDP.

use crate::support::ui as ui_support;

use egui_kittest::kittest::Queryable;
use socket_tester::ui::App;
use ui_support::*;

#[test]
fn learn_window_compares_tcp_and_udp() {
    let mut h = harness(App::new(None, None));
    settle(&mut h);
    h.get_by_label("View").click();
    settle(&mut h);
    h.get_by_label("Learn: TCP and UDP").click();
    settle(&mut h);
    assert!(h.query_by_label("8-byte header").is_some());
    assert!(h.query_by_label("20-byte header (at least)").is_some());
    assert!(h.query_by_label("listen backlog").is_some());
    // TCP is a stream: 粘包 / 拆包 and the fix.
    assert!(h.query_by_label_contains("粘包 (sticky packets)").is_some());
    assert!(h.query_by_label_contains("The fix is framing").is_some());
    assert!(h.state().classroom.settings.learn);
}

#[test]
fn the_log_says_what_one_row_is() {
    use socket_tester::net::Role;
    let mut h = harness(App::new(None, None));
    open_tab(&mut h, Role::UdpReceiver);
    assert!(
        h.query_by_label_contains("One row = one datagram")
            .is_some()
    );
    open_tab(&mut h, Role::TcpClient);
    assert!(
        h.query_by_label_contains("TCP is a byte stream, so two sends can arrive as one chunk")
            .is_some()
    );
}

/// The Learn page ties the relay lab to the table's rows, in both languages.
#[test]
fn learn_ties_the_relay_lab_to_the_table() {
    let mut h = harness(App::new(None, None));
    h.state_mut().classroom.settings.learn = true;
    h.state_mut()
        .classroom
        .set_lang(socket_tester::i18n::Lang::En);
    settle(&mut h);
    assert!(
        h.query_by_label_contains("Through a lossy network: TCP is reliable, UDP is not")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("loss costs time, not data")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("Labs ▸ TCP reliable vs UDP unreliable through a lossy network")
            .is_some()
    );
    let Some(app) = crate::support::zh::chinese_app() else {
        return;
    };
    let mut h = harness(app);
    settle(&mut h);
    assert!(
        h.query_by_label_contains("经过丢包的网络：TCP 可靠，UDP 不可靠")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("实验 ▸ TCP 可靠 / UDP 不可靠（经过丢包的网络）")
            .is_some()
    );
}
