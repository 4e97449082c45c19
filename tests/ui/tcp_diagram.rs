//! The TCP diagram tells the truth (egui_kittest, real sockets on 127.0.0.1 with
//! OS-assigned ports, std::net peers): its byte arrows read what the tab's counters say,
//! a long conversation (more steps than the timeline strip keeps) and a reconnect never
//! show "not connected yet", a host name that does not resolve is drawn as no connection
//! at all (no handshake arrows), and a server's diagram has the accepted connection's own
//! local port and the client's port.

use crate::support::ui as support;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use socket_tester::net::Role;
use socket_tester::ui::{App, ConnState};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use support::*;

fn diagram_app(tab: Role) -> App {
    let mut app = english();
    app.classroom.settings.tcp_diagram = true;
    app.tab = tab;
    app
}

/// The accessible words of the diagram's arrows and ends (what a screen reader reads).
fn has(h: &Harness<'_, App>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

fn counters(a: &App, role: Role) -> (u64, u64) {
    let v = a.panel(role).view();
    (v.store.counters.rx_bytes, v.store.counters.tx_bytes)
}

fn connect(h: &mut Harness<'static, App>, listener: &TcpListener) -> TcpStream {
    let port = listener.local_addr().unwrap().port();
    set_field(h, "Server host", "127.0.0.1");
    set_field(h, "Port", &port.to_string());
    h.get_by_label("Connect").click();
    settle(h);
    let peer = accept_within(listener);
    wait_for(h, "connected", |a| {
        a.panel(Role::TcpClient).st.state == ConnState::Connected
    });
    peer
}

#[test]
fn the_clients_arrows_match_its_counters_through_a_long_talk_and_a_reconnect() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut h = harness(diagram_app(Role::TcpClient));
    settle(&mut h);
    assert!(has(&h, "not connected yet"), "idle: nothing connected");
    let mut peer = connect(&mut h, &listener);
    assert!(!has(&h, "not connected yet"));
    // 200 exchanges: 400 alternating steps, more than the timeline strip keeps (300).
    let mut buf = [0u8; 3];
    for i in 1..=200u64 {
        h.state_mut()
            .panel_mut(Role::TcpClient)
            .send_bytes(b"abc".to_vec());
        peer.read_exact(&mut buf).unwrap();
        peer.write_all(b"xy").unwrap();
        wait_for(&mut h, "the answer", |a| {
            counters(a, Role::TcpClient) == (2 * i, 3 * i)
        });
    }
    let (rx, tx) = counters(h.state(), Role::TcpClient);
    assert_eq!((rx, tx), (400, 600));
    assert!(has(&h, &format!("→ {tx} B: Data")), "client → server bytes");
    assert!(has(&h, &format!("← {rx} B: Data")), "server → client bytes");
    assert!(
        !has(&h, "not connected yet"),
        "a long talk is still connected"
    );
    assert!(!has(&h, "earlier connections"), "one connection: no note");
    let local = h.state().panel(Role::TcpClient).st.local.unwrap();
    assert!(has(
        &h,
        &format!(
            "SYN  {} → {}",
            local.port(),
            listener.local_addr().unwrap().port()
        )
    ));

    // The peer closes; Connect again: a new connection, drawn as one.
    drop(peer);
    wait_for(&mut h, "closed by the peer", |a| {
        matches!(
            a.panel(Role::TcpClient).st.state,
            ConnState::ClosedByPeer(_)
        )
    });
    assert!(has(&h, "FIN"));
    h.get_by_label("Connect").click();
    settle(&mut h);
    let mut peer = accept_within(&listener);
    wait_for(&mut h, "connected again", |a| {
        a.panel(Role::TcpClient).st.state == ConnState::Connected
    });
    peer.write_all(b"1234").unwrap();
    wait_for(&mut h, "4 more bytes", |a| {
        counters(a, Role::TcpClient).0 == 404
    });
    assert!(!has(&h, "not connected yet"), "after a reconnect");
    assert!(has(&h, "← 4 B: Data"), "this connection's bytes");
    // The status line counts both connections, and the diagram says so with its numbers.
    assert!(has(&h, "the status line counts 404 B received, 600 B sent"));
}

#[test]
fn a_host_that_does_not_resolve_is_no_connection_at_all() {
    let mut h = harness(diagram_app(Role::TcpClient));
    settle(&mut h);
    set_field(&mut h, "Server host", "no-such-host.invalid");
    set_field(&mut h, "Port", "7891");
    h.get_by_label("Connect").click();
    wait_for(&mut h, "the failure", |a| {
        matches!(a.panel(Role::TcpClient).st.state, ConnState::Error(_))
    });
    assert!(has(&h, "No connection:"), "the reason is said");
    assert!(has(&h, "No SYN was sent"));
    for arrow in ["SYN", "SYN + ACK", "ACK", "RST", "FIN"] {
        assert!(
            h.query_all_by_label_contains(&format!("→ {arrow}"))
                .chain(h.query_all_by_label_contains(&format!("← {arrow}")))
                .next()
                .is_none(),
            "no {arrow} arrow"
        );
    }
}

#[test]
fn a_refused_connect_is_a_syn_answered_by_rst() {
    // A port nothing listens on: bind one, learn its number, close it.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut h = harness(diagram_app(Role::TcpClient));
    settle(&mut h);
    set_field(&mut h, "Server host", "127.0.0.1");
    set_field(&mut h, "Port", &port.to_string());
    h.get_by_label("Connect").click();
    wait_for(&mut h, "refused", |a| {
        matches!(a.panel(Role::TcpClient).st.state, ConnState::Error(_))
    });
    assert!(has(&h, "connection refused"));
    assert!(has(&h, "← RST"), "the server's RST");
    assert!(!has(&h, "No SYN was sent"));
}

#[test]
fn the_servers_diagram_has_the_real_ports_and_the_clients_counters() {
    let mut h = harness(diagram_app(Role::TcpServer));
    settle(&mut h);
    assert!(has(&h, "select a client to see its connection"));
    set_field(&mut h, "Listen host", "0.0.0.0");
    set_field(&mut h, "Port", "0");
    h.get_by_label("Listen").click();
    wait_for(&mut h, "listening", |a| {
        a.panel(Role::TcpServer).st.state == ConnState::Listening
    });
    let port = h.state().panel(Role::TcpServer).st.local.unwrap().port();
    let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let client_port = c.local_addr().unwrap().port();
    c.write_all(b"hello!!").unwrap();
    wait_for(&mut h, "7 bytes", |a| counters(a, Role::TcpServer).0 == 7);
    h.state_mut().panel_mut(Role::TcpServer).selected_client = Some(1);
    h.state_mut()
        .panel_mut(Role::TcpServer)
        .send_bytes(b"abc".to_vec());
    let mut buf = [0u8; 3];
    c.read_exact(&mut buf).unwrap();
    wait_for(&mut h, "3 bytes sent", |a| {
        counters(a, Role::TcpServer).1 == 3
    });
    // The server's end is the accepted connection's own address (not 0.0.0.0).
    assert!(
        has(&h, &format!("Server (host B)\n127.0.0.1:{port}")),
        "the server's end"
    );
    assert!(!has(&h, &format!("Server (host B)\n0.0.0.0:{port}")));
    assert!(
        has(&h, &format!("Client (host A)\n127.0.0.1:{client_port}")),
        "the client's end"
    );
    assert!(has(&h, &format!("SYN  {client_port} → {port}")));
    let (rx, tx) = {
        let v = h.state().panel(Role::TcpServer).view();
        let cl = &v.store.clients[&1];
        (cl.counters.rx_bytes, cl.counters.tx_bytes)
    };
    assert_eq!((rx, tx), (7, 3));
    assert!(has(&h, &format!("→ {rx} B: Data")));
    assert!(has(&h, &format!("← {tx} B: Data")));
    assert!(!has(&h, "not connected yet"));
    // A second client: the first one's diagram stays as it is while it is selected.
    let _d = TcpStream::connect(("127.0.0.1", port)).unwrap();
    wait_for(&mut h, "two clients", |a| {
        a.panel(Role::TcpServer).view().store.clients.len() == 2
    });
    assert!(has(&h, "→ 7 B: Data"));
}
