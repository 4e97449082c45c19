//! The "TCP is a stream" loopback lab (egui_kittest, real sockets on 127.0.0.1 with a free
//! port), the honest way: the client makes three separate send() calls (its writes are not
//! merged) while the server's reading is paused; the bytes wait in the server's kernel
//! (TCP_INFO's receive queue), and on resume one recv() returns all three — three writes,
//! one read, as both strips say. After "Split by lines" the same three messages are three
//! rows.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::i18n::Lang;
use socket_tester::net::{EventKind, Role, tcp_info};
use socket_tester::ui::{App, ConnState};
use support::*;

fn server_rx_texts(a: &App) -> Vec<String> {
    a.panel(Role::TcpServer)
        .view()
        .store
        .iter()
        .filter(|e| matches!(e.event.kind, EventKind::Rx(_)))
        .map(|e| e.text.clone())
        .collect()
}

fn client_tx(a: &App) -> usize {
    a.panel(Role::TcpClient)
        .view()
        .store
        .iter()
        .filter(|e| matches!(e.event.kind, EventKind::Tx(_)))
        .count()
}

/// The server's one client's receive queue, as the kernel last said.
fn recv_queue(a: &App) -> Option<u32> {
    let board = a.panel(Role::TcpServer).view().tcp_stats.clone();
    tcp_info::read(&board).values().next().map(|s| s.recv_queue)
}

/// ① pause, ② send, the bytes wait in the kernel, ③ resume: the server's new rows.
fn paused_round(h: &mut egui_kittest::Harness<'static, App>, rows_before: usize) {
    h.get_by_label("① Pause the server's reading").click();
    wait_for(h, "reading paused", |a| {
        a.panel(Role::TcpServer).st.reading_paused
    });
    let tx_before = client_tx(h.state());
    h.get_by_label("② Send three messages").click();
    wait_for(h, "three sends", |a| client_tx(a) == tx_before + 3);
    if tcp_info::AVAILABLE {
        wait_for(h, "14 bytes in the server's receive queue", |a| {
            recv_queue(a) == Some(14)
        });
        // The bar says so too.
        assert!(
            h.query_by_label("waiting in the server's kernel, unread: 14 B")
                .is_some()
        );
    }
    assert_eq!(
        server_rx_texts(h.state()).len(),
        rows_before,
        "nothing read yet"
    );
    h.get_by_label("③ Resume reading").click();
    wait_for(h, "the read", |a| server_rx_texts(a).len() > rows_before);
    std::thread::sleep(std::time::Duration::from_millis(200));
    settle(h);
}

#[test]
fn three_sends_while_the_server_is_paused_come_out_of_one_recv_then_framing_splits_them() {
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
    assert!(h.query_by_label_contains("reads late").is_some());
    // The client's writes are its own: nothing merged.
    let writes = &h.state().panel(Role::TcpClient).settings.writes;
    assert!(!writes.coalesce_on, "the lab does not merge writes");

    paused_round(&mut h, 0);
    assert_eq!(
        server_rx_texts(h.state()),
        vec!["one\ntwo\nthree\n".to_string()],
        "three writes, one read"
    );
    // The strips say so: three send() calls on the client, one recv() on the server.
    let client = h.state().panel(Role::TcpClient).st.timeline.texts(Lang::En);
    assert!(
        client.iter().any(|t| t == "send() ×3, 14 B in all"),
        "{client:?}"
    );
    let server = h.state().panel(Role::TcpServer).st.timeline.texts(Lang::En);
    let n = server.len();
    assert_eq!(server[n - 1], "[client #1] recv() 14 B", "{server:?}");
    assert!(server[n - 2].starts_with("recv() ▶"), "{server:?}");
    assert!(
        h.query_by_label_contains("send() ×3, 14 B in all")
            .is_some()
    );

    h.get_by_label("④ Split by lines (LF framing)").click();
    settle(&mut h);
    paused_round(&mut h, 1);
    let rows = server_rx_texts(h.state());
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(
        rows[1].starts_with("one") && rows[2].starts_with("two") && rows[3].starts_with("three"),
        "{rows:?}"
    );
    assert!(h.query_by_label("Back to raw chunks").is_some());
}
