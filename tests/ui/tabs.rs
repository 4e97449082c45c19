//! Each tab end to end: fill the address, start the session, send and receive through a
//! std::net peer on 127.0.0.1, and see the rows in the log.

use crate::support::ui as support;

use egui::Key;
use egui_kittest::kittest::Queryable;
use socket_tester::log::Direction;
use socket_tester::net::Role;
use socket_tester::ui::{App, ConnState};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::time::Duration;
use support::*;

fn udp_peer() -> UdpSocket {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s
}

#[test]
fn udp_sender_sends_a_datagram_and_shows_the_reply() {
    let peer = udp_peer();
    let port = peer.local_addr().unwrap().port();
    let mut h = harness(App::new(None, None));
    open_tab(&mut h, Role::UdpSender);
    set_field(&mut h, "Destination host", "127.0.0.1");
    set_field(&mut h, "Port", &port.to_string());
    set_field(&mut h, "Local port", "");
    h.get_by_label("Bind").click();
    wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpSender).st.state == ConnState::Bound
    });
    h.get_by_label("Unbind");

    h.get_by_label("Message").focus();
    h.step();
    h.get_by_label("Message").type_text("hello udp");
    settle(&mut h);
    h.get_by_label("Send").click();
    settle(&mut h);
    let mut buf = [0u8; 100];
    let (n, from) = peer.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"hello udp");
    wait_for(&mut h, "tx row", |a| {
        has_row(a, Role::UdpSender, "hello udp")
    });

    peer.send_to(b"got it", from).unwrap();
    wait_for(&mut h, "rx row", |a| has_row(a, Role::UdpSender, "got it"));
    let p = h.state().panel(Role::UdpSender);
    assert_eq!(p.st.local.map(|l| l.port()), Some(from.port()));
    assert_eq!(p.view().store.counters.tx_bytes, 9);
    assert_eq!(p.settings.send.history.len(), 1);

    h.get_by_label("Unbind").click();
    wait_for(&mut h, "stopped", |a| {
        !a.panel(Role::UdpSender).is_running()
    });
}

#[test]
fn udp_receiver_shows_datagrams_and_replies_to_the_last_sender() {
    let mut h = harness(App::new(None, None));
    open_tab(&mut h, Role::UdpReceiver);
    set_field(&mut h, "Bind host", "127.0.0.1");
    set_field(&mut h, "Port", "0");
    h.get_by_label("Bind").click();
    wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpReceiver).st.state == ConnState::Bound
    });
    let local = h.state().panel(Role::UdpReceiver).st.local.unwrap();
    assert_ne!(local.port(), 0);

    // Sending is blocked until someone has sent something.
    assert!(is_disabled(&h, "Send"));
    let peer = udp_peer();
    peer.send_to(b"ping 1", local).unwrap();
    wait_for(&mut h, "rx row", |a| {
        has_row(a, Role::UdpReceiver, "ping 1")
    });
    assert!(
        h.state()
            .panel(Role::UdpReceiver)
            .view()
            .store
            .iter()
            .any(|e| e.direction() == Direction::Rx)
    );

    h.get_by_label("Message").focus();
    h.step();
    h.get_by_label("Message").type_text("pong");
    h.step();
    h.key_press(Key::Enter);
    settle(&mut h);
    let mut buf = [0u8; 100];
    let (n, _) = peer.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"pong");
    wait_for(&mut h, "tx row", |a| has_row(a, Role::UdpReceiver, "pong"));
    // Enter sent the message rather than adding a line.
    assert_eq!(
        h.state().panel(Role::UdpReceiver).settings.send.text,
        "pong"
    );
}

#[test]
fn tcp_client_connects_sends_and_receives() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut h = harness(App::new(None, None));
    open_tab(&mut h, Role::TcpClient);
    set_field(&mut h, "Server host", "127.0.0.1");
    set_field(&mut h, "Port", &port.to_string());
    h.get_by_label("Connect").click();
    settle(&mut h);
    let (mut conn, _) = listener.accept().unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    wait_for(&mut h, "connected", |a| {
        a.panel(Role::TcpClient).st.state == ConnState::Connected
    });

    h.get_by_label("Message").focus();
    h.step();
    h.get_by_label("Message").type_text("hello tcp");
    settle(&mut h);
    h.get_by_label("Send").click();
    settle(&mut h);
    let mut buf = [0u8; 9];
    conn.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"hello tcp");
    wait_for(&mut h, "tx row", |a| {
        has_row(a, Role::TcpClient, "hello tcp")
    });

    conn.write_all(b"welcome").unwrap();
    wait_for(&mut h, "rx row", |a| has_row(a, Role::TcpClient, "welcome"));

    drop(conn);
    wait_for(&mut h, "closed by peer", |a| {
        matches!(
            a.panel(Role::TcpClient).st.state,
            ConnState::ClosedByPeer(_)
        ) || !a.panel(Role::TcpClient).is_running()
    });
}

#[test]
fn tcp_server_accepts_lists_sends_and_disconnects_a_client() {
    let mut h = harness(App::new(None, None));
    open_tab(&mut h, Role::TcpServer);
    set_field(&mut h, "Listen host", "127.0.0.1");
    set_field(&mut h, "Port", "0");
    h.get_by_label("Listen").click();
    wait_for(&mut h, "listening", |a| {
        a.panel(Role::TcpServer).st.state == ConnState::Listening
    });
    let local = h.state().panel(Role::TcpServer).st.local.unwrap();

    let mut client = TcpStream::connect(local).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    wait_for(&mut h, "client listed", |a| {
        a.panel(Role::TcpServer)
            .view()
            .store
            .clients
            .values()
            .any(|c| c.open)
    });

    h.get_by_label("Message").focus();
    h.step();
    h.get_by_label("Message").type_text("hi all");
    settle(&mut h);
    h.get_by_label("Send").click();
    settle(&mut h);
    let mut buf = [0u8; 6];
    client.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"hi all");

    client.write_all(b"from client").unwrap();
    wait_for(&mut h, "rx row", |a| {
        has_row(a, Role::TcpServer, "from client")
    });
    let id = {
        let p = h.state().panel(Role::TcpServer);
        let v = p.view();
        let c = v.store.clients.values().next().unwrap();
        assert_eq!(c.counters.rx_bytes, 11);
        assert_eq!(c.counters.tx_bytes, 6);
        c.id
    };

    // Select the client in the list, then disconnect it.
    h.get_by_label_contains("[open]").click();
    settle(&mut h);
    assert_eq!(h.state().panel(Role::TcpServer).selected_client, Some(id));
    h.get_by_label("Disconnect selected").click();
    wait_for(&mut h, "client closed", |a| {
        a.panel(Role::TcpServer)
            .view()
            .store
            .clients
            .values()
            .all(|c| !c.open)
    });
    let mut rest = Vec::new();
    let _ = client.read_to_end(&mut rest);

    // Stop listening: the runtime says so (the tab keeps no copy), new connects fail.
    h.get_by_label("Stop listening (keep clients)").click();
    wait_for(&mut h, "not listening", |a| {
        a.panel(Role::TcpServer).st.listen_stopped
    });
    settle(&mut h);
    assert!(
        h.query_by_label_contains("not listening (clients kept)")
            .is_some()
    );
    assert!(
        TcpStream::connect(local).is_err(),
        "the listening socket is closed"
    );

    h.get_by_label("Stop").click();
    wait_for(&mut h, "stopped", |a| {
        !a.panel(Role::TcpServer).is_running()
    });
}

#[test]
fn background_tabs_keep_draining() {
    let mut h = harness(App::new(None, None));
    open_tab(&mut h, Role::UdpReceiver);
    set_field(&mut h, "Port", "0");
    h.get_by_label("Bind").click();
    wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpReceiver).st.state == ConnState::Bound
    });
    let local = h.state().panel(Role::UdpReceiver).st.local.unwrap();
    open_tab(&mut h, Role::TcpClient);
    let peer = udp_peer();
    for i in 0..50 {
        peer.send_to(format!("bg {i}").as_bytes(), local).unwrap();
    }
    wait_for(&mut h, "50 rows in the hidden tab", |a| {
        a.panel(Role::UdpReceiver).view().store.counters.rx_msgs == 50
    });
    assert!(h.state().panel(Role::UdpReceiver).is_running());
}

/// Binding needs no destination: the UDP Sender binds with its destination fields empty,
/// refuses to send until they are valid, then sends to whatever they name at that moment
/// (the destination stays editable while bound, as each sendto() names one).
#[test]
fn udp_sender_binds_without_a_destination_and_follows_the_fields() {
    let a = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let b = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for s in [&a, &b] {
        s.set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
    }
    let mut h = harness(App::new(None, None));
    open_tab(&mut h, Role::UdpSender);
    set_field(&mut h, "Destination host", "");
    set_field(&mut h, "Local port", "");
    assert!(!is_disabled(&h, "Bind"), "Bind needs no destination");
    h.get_by_label("Bind").click();
    wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpSender).st.state == ConnState::Bound
    });
    let p = h.state().panel(Role::UdpSender);
    assert_eq!(
        p.send_blocked().as_deref(),
        Some("enter a valid destination host and port to send")
    );
    let mut buf = [0u8; 64];
    for (peer, msg) in [(&a, "to a"), (&b, "to b")] {
        set_field(&mut h, "Destination host", "127.0.0.1");
        set_field(
            &mut h,
            "Port",
            &peer.local_addr().unwrap().port().to_string(),
        );
        set_field(&mut h, "Message", msg);
        h.get_by_label("Send").click();
        settle(&mut h);
        let (n, _) = peer.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], msg.as_bytes());
    }
}

/// A name that does not resolve fails that one send: the sender stays bound, says so, and
/// sends again once the host is right (a teacher's typo in class).
#[test]
fn a_mistyped_host_fails_one_send_and_the_sender_stays_bound() {
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let port = peer.local_addr().unwrap().port();
    let mut h = harness(App::new(None, None));
    open_tab(&mut h, Role::UdpSender);
    set_field(&mut h, "Destination host", "127.0.0.1");
    set_field(&mut h, "Port", &port.to_string());
    set_field(&mut h, "Local port", "");
    h.get_by_label("Bind").click();
    wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpSender).st.state == ConnState::Bound
    });
    set_field(&mut h, "Destination host", "no-such-host.invalid");
    h.get_by_label("Message").focus();
    h.step();
    h.get_by_label("Message").type_text("hi");
    settle(&mut h);
    h.get_by_label("Send").click();
    wait_for(&mut h, "the send's error", |a| {
        a.panel(Role::UdpSender)
            .view()
            .store
            .iter()
            .any(|e| matches!(e.event.kind, socket_tester::net::EventKind::Error { .. }))
    });
    settle(&mut h);
    assert_eq!(h.state().panel(Role::UdpSender).st.state, ConnState::Bound);
    // The message stays in the box; the host fixed, Send again.
    set_field(&mut h, "Destination host", "127.0.0.1");
    h.get_by_label("Send").click();
    settle(&mut h);
    let mut buf = [0u8; 16];
    let got = peer.recv_from(&mut buf);
    let rows: Vec<String> = h
        .state()
        .panel(Role::UdpSender)
        .view()
        .store
        .iter()
        .map(|e| format!("{:?}", e.event.kind))
        .collect();
    let (n, _) = got.unwrap_or_else(|e| panic!("{e}: {rows:#?}"));
    assert_eq!(&buf[..n], b"hi");
}
