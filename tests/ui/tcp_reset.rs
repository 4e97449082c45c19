//! The Reset (RST) buttons in the window (egui_kittest) against std::net peers on
//! 127.0.0.1 with OS-assigned ports: the TCP client's button next to Half-close, and the
//! TCP server's "Reset selected" in its client list. Each peer's next read fails with
//! ECONNRESET, and the log says the reset came from here.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::net::Role;
use socket_tester::ui::ConnState;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::time::Duration;
use support::*;

fn reads_reset(c: &mut TcpStream) {
    c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 64];
    loop {
        match c.read(&mut buf) {
            Ok(0) => panic!("the peer saw a FIN (EOF), not an RST"),
            Ok(_) => {}
            Err(e) => {
                assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset);
                return;
            }
        }
    }
}

#[test]
fn tcp_client_reset_button_sends_rst() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut h = harness(english());
    open_tab(&mut h, Role::TcpClient);
    set_field(&mut h, "Server host", "127.0.0.1");
    set_field(&mut h, "Port", &port.to_string());
    h.get_by_label("Connect").click();
    settle(&mut h);
    let mut conn = accept_within(&listener);
    wait_for(&mut h, "connected", |a| {
        a.panel(Role::TcpClient).st.state == ConnState::Connected
    });
    h.get_by_label("Reset (RST)").click();
    settle(&mut h);
    reads_reset(&mut conn);
    wait_for(&mut h, "the reset row", |a| {
        a.panel(Role::TcpClient)
            .view()
            .store
            .iter()
            .any(|e| e.text.starts_with("reset from here"))
    });
    wait_for(&mut h, "reset state", |a| {
        matches!(a.panel(Role::TcpClient).st.state, ConnState::Reset(_))
    });
}

#[test]
fn tcp_server_resets_the_selected_client() {
    let mut app = english();
    app.tab = Role::TcpServer;
    let mut h = harness(app);
    settle(&mut h);
    set_field(&mut h, "Listen host", "127.0.0.1");
    set_field(&mut h, "Port", "0");
    h.get_by_label("Listen").click();
    wait_for(&mut h, "listening", |a| {
        a.panel(Role::TcpServer).st.state == ConnState::Listening
    });
    let addr = h
        .state()
        .panel(Role::TcpServer)
        .st
        .local
        .expect("an address");
    let mut c = TcpStream::connect(addr).unwrap();
    wait_for(&mut h, "accepted", |a| {
        a.panel(Role::TcpServer)
            .view()
            .store
            .clients
            .values()
            .any(|c| c.open)
    });
    assert!(
        is_disabled(&h, "Reset selected (RST)"),
        "nothing selected yet"
    );
    h.state_mut().panel_mut(Role::TcpServer).selected_client = Some(1);
    settle(&mut h);
    h.get_by_label("Reset selected (RST)").click();
    settle(&mut h);
    reads_reset(&mut c);
    wait_for(&mut h, "the client is closed", |a| {
        a.panel(Role::TcpServer)
            .view()
            .store
            .clients
            .values()
            .all(|c| !c.open)
    });
    // The server keeps listening.
    assert_eq!(
        h.state().panel(Role::TcpServer).st.state,
        ConnState::Listening
    );
}
