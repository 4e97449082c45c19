//! The "TCP is a stream" loopback lab (egui_kittest, real sockets on 127.0.0.1 with a free
//! port): three messages sent back to back reach the server as one chunk (粘包), and after
//! "Split by lines" the same three messages are three rows.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::i18n::Lang;
use socket_tester::net::Role;
use socket_tester::ui::{App, ConnState};
use support::*;

fn server_rx_texts(a: &App) -> Vec<String> {
    a.panel(Role::TcpServer)
        .view()
        .store
        .iter()
        .filter(|e| matches!(e.event.kind, socket_tester::net::EventKind::Rx(_)))
        .map(|e| e.text.clone())
        .collect()
}

#[test]
fn three_messages_arrive_as_one_chunk_then_framing_makes_three_rows() {
    let mut app = App::new(None, None);
    app.classroom.set_lang(Lang::En);
    socket_tester::ui::start_stream_lab(&mut app);
    let mut h = harness(app);
    wait_for(&mut h, "the lab connected", |a| {
        a.panel(Role::TcpClient).st.state == ConnState::Connected
            && a.panel(Role::TcpServer)
                .view()
                .store
                .clients
                .values()
                .any(|c| c.open)
    });
    assert!(h.query_by_label_contains("TCP is a stream").is_some());

    h.get_by_label("① Send three messages").click();
    wait_for(&mut h, "one chunk at the server", |a| {
        !server_rx_texts(a).is_empty()
    });
    settle(&mut h);
    assert_eq!(
        server_rx_texts(h.state()),
        vec!["one\ntwo\nthree\n".to_string()]
    );
    // The client still told three sends.
    let tx = h
        .state()
        .panel(Role::TcpClient)
        .view()
        .store
        .iter()
        .filter(|e| matches!(e.event.kind, socket_tester::net::EventKind::Tx(_)))
        .count();
    assert_eq!(tx, 3);

    h.get_by_label("② Split by lines (LF framing)").click();
    settle(&mut h);
    h.get_by_label("① Send three messages").click();
    wait_for(&mut h, "three rows", |a| server_rx_texts(a).len() >= 4);
    settle(&mut h);
    let rows = server_rx_texts(h.state());
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(
        rows[1].starts_with("one") && rows[2].starts_with("two") && rows[3].starts_with("three"),
        "{rows:?}"
    );
    assert!(h.query_by_label("Back to raw chunks").is_some());
}
