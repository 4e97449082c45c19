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

/// Listens on 127.0.0.1 (OS-assigned port) with the diagram open; two std clients
/// connect; client #1 is selected. Returns the port and the clients.
fn server_with_two_clients(h: &mut Harness<'static, App>) -> (u16, TcpStream, TcpStream) {
    set_field(h, "Listen host", "127.0.0.1");
    set_field(h, "Port", "0");
    h.get_by_label("Listen").click();
    wait_for(h, "listening", |a| {
        a.panel(Role::TcpServer).st.state == ConnState::Listening
    });
    let port = h.state().panel(Role::TcpServer).st.local.unwrap().port();
    let first = TcpStream::connect(("127.0.0.1", port)).unwrap();
    wait_for(h, "client #1", |a| {
        a.panel(Role::TcpServer).view().store.clients.len() == 1
    });
    let second = TcpStream::connect(("127.0.0.1", port)).unwrap();
    wait_for(h, "client #2", |a| {
        a.panel(Role::TcpServer).view().store.clients.len() == 2
    });
    h.state_mut().panel_mut(Role::TcpServer).selected_client = Some(1);
    settle(h);
    (port, first, second)
}

#[test]
fn a_kicked_client_shows_the_servers_fin_and_a_reset_one_its_rst() {
    for (button, arrow) in [
        ("Disconnect selected", "← FIN"),
        ("Reset selected (RST)", "← RST"),
    ] {
        let mut h = harness(diagram_app(Role::TcpServer));
        settle(&mut h);
        let (port, mut first, second) = server_with_two_clients(&mut h);
        let first_port = first.local_addr().unwrap().port();
        let second_port = second.local_addr().unwrap().port();
        assert!(has(&h, &format!("Client (host A)\n127.0.0.1:{first_port}")));
        h.get_by_label(button).click();
        settle(&mut h);
        // The client sees the end the server caused: EOF after a FIN, an error after RST.
        first
            .set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        let mut buf = [0u8; 8];
        match first.read(&mut buf) {
            Ok(0) => assert_eq!(arrow, "← FIN", "EOF: a FIN came"),
            Err(e) => assert_eq!(
                (arrow, e.kind()),
                ("← RST", std::io::ErrorKind::ConnectionReset)
            ),
            Ok(n) => panic!("{n} unexpected bytes"),
        }
        wait_for(&mut h, "client #1 closed", |a| {
            !a.panel(Role::TcpServer).view().store.clients[&1].open
        });
        // The diagram stays on the kicked client, with the teardown from the server's side,
        // not on client #2.
        assert_eq!(h.state().panel(Role::TcpServer).selected_client, None);
        assert!(
            has(&h, &format!("Client (host A)\n127.0.0.1:{first_port}")),
            "{button}: still client #1"
        );
        assert!(!has(
            &h,
            &format!("Client (host A)\n127.0.0.1:{second_port}")
        ));
        assert!(has(&h, &format!("Server (host B)\n127.0.0.1:{port}")));
        assert!(has(&h, arrow), "{button}: {arrow} from the server");
        // Selecting client #2 moves the diagram to it.
        h.state_mut().panel_mut(Role::TcpServer).selected_client = Some(2);
        settle(&mut h);
        assert!(has(
            &h,
            &format!("Client (host A)\n127.0.0.1:{second_port}")
        ));
    }
}

/// The whole diagram, teardown included, fits the side panel at 1024×600 (full mode)
/// and simple mode's narrow column, with nothing cut at the sides.
#[test]
fn the_diagram_fits_at_1024_by_600() {
    for simple in [false, true] {
        let mut app = diagram_app(Role::TcpServer);
        app.classroom.settings.simple = Some(simple);
        let mut h = Harness::builder()
            .with_size(egui::vec2(1024.0, 600.0))
            .build_ui_state(|ui, app: &mut App| app.frame(ui), app);
        settle(&mut h);
        let (_port, _first, _second) = server_with_two_clients(&mut h);
        h.get_by_label("Disconnect selected").click();
        wait_for(&mut h, "client #1 closed", |a| {
            !a.panel(Role::TcpServer).view().store.clients[&1].open
        });
        let title = h.get_by_label("TCP connection").rect();
        let last = h
            .query_all_by_label_contains("ACK: both directions closed")
            .next()
            .expect("the last teardown arrow")
            .rect();
        let first = h
            .query_all_by_label_contains("SYN  ")
            .next()
            .expect("the SYN arrow")
            .rect();
        let what = if simple {
            "simple column"
        } else {
            "side panel"
        };
        assert!(
            first.width() >= 120.0 && first.min.x >= title.min.x - 1.0,
            "{what}: the arrows lie in the panel ({first:?}, title {title:?})"
        );
        assert!(first.max.x <= 1024.0, "{what}: {first:?}");
        if !simple {
            // The side panel: every arrow on screen without scrolling (above the status
            // line and the socket-calls strip).
            assert!(
                last.max.y <= 600.0 - 50.0,
                "{what}: the teardown ends at {last:?}"
            );
        }
    }
}
