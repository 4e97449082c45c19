//! TLS in the window (egui_kittest, the real UI): the TCP Server listens with TLS and its
//! self-signed certificate (kept in the data folder), and the TCP Client connects to it
//! trusting that certificate as its CA file, both set up through the TLS menu on
//! 127.0.0.1 with an OS-assigned port. Both status lines show the lock and the version;
//! the server's shows its fingerprint; a GBK message arrives decrypted. A missing CA
//! file is named under its field and keeps Connect off; "accept any certificate" warns
//! in the status line.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::net::Role;
use socket_tester::ui::{App, ConnState};
use support::*;

fn has_label_containing(h: &egui_kittest::Harness<'_, App>, text: &str) -> bool {
    h.query_by_label_contains(text).is_some()
}

#[test]
fn server_and_client_speak_tls_through_the_menu() {
    // Its own process: it sets the data folder in the environment.
    if !crate::support::alone(&crate::test_path!(
        "server_and_client_speak_tls_through_the_menu"
    )) {
        return;
    }
    let data = tempfile::tempdir().unwrap();
    // SAFETY: this process runs this one test (`alone`), and no other thread reads the environment yet.
    unsafe { std::env::set_var("SOCKET_TESTER_DATA_DIR", data.path()) };
    let mut h = harness(english());

    // The server: TLS on, no certificate given (self-signed), listen on an OS port.
    open_tab(&mut h, Role::TcpServer);
    set_field(&mut h, "Listen host", "127.0.0.1");
    set_field(&mut h, "Port", "0");
    h.get_by_label("TLS: off ▾").click();
    settle(&mut h);
    h.get_by_label("Use TLS").click();
    settle(&mut h);
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    assert!(h.query_by_label("TLS: on ▾").is_some());
    h.get_by_label("Listen").click();
    wait_for(&mut h, "listening", |a| {
        a.panel(Role::TcpServer).st.state == ConnState::Listening
    });
    wait_for(&mut h, "the certificate", |a| {
        a.panel(Role::TcpServer).st.tls_cert.is_some()
    });
    let port = h.state().panel(Role::TcpServer).st.local.unwrap().port();
    let fp = {
        let st = &h.state().panel(Role::TcpServer).st;
        st.tls_cert.as_ref().unwrap().0.sha256.clone()
    };
    assert!(
        has_label_containing(&h, &format!("certificate SHA-256 {}", &fp[..11])),
        "the server shows its fingerprint"
    );
    let cert = data.path().join("tls-cert.pem");
    assert!(cert.is_file(), "kept in the data folder");

    // The client: a CA file that does not exist is named and keeps Connect off.
    open_tab(&mut h, Role::TcpClient);
    set_field(&mut h, "Server host", "127.0.0.1");
    set_field(&mut h, "Port", &port.to_string());
    h.get_by_label("TLS: off ▾").click();
    settle(&mut h);
    h.get_by_label("Use TLS").click();
    settle(&mut h);
    set_field(&mut h, "Trust this CA (PEM)", "/no/such/ca.pem");
    assert!(h.query_by_label("no such file").is_some());
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    assert!(h.query_by_label("TLS: check the fields ▾").is_some());
    assert!(is_disabled(&h, "Connect"));

    // The server's own certificate as the CA, and localhost as SNI: connects.
    h.get_by_label("TLS: check the fields ▾").click();
    settle(&mut h);
    set_field(&mut h, "Trust this CA (PEM)", cert.to_str().unwrap());
    set_field(&mut h, "Server name (SNI)", "localhost");
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    h.get_by_label("Connect").click();
    wait_for(&mut h, "the handshake", |a| {
        a.panel(Role::TcpClient).st.tls.is_some()
    });
    assert!(has_label_containing(&h, "encrypted: TLSv1.3"));
    let info = h.state().panel(Role::TcpClient).st.tls.clone().unwrap();
    assert_eq!(info.peer_cert.unwrap().sha256, fp, "the same certificate");

    // A message, decrypted at the server.
    set_field(&mut h, "Message", "hello over TLS");
    h.get_by_label("Send").click();
    wait_for(&mut h, "the server's row", |a| {
        has_row(a, Role::TcpServer, "hello over TLS")
    });
    h.get_by_label("Disconnect").click();
    wait_for(&mut h, "closed", |a| !a.panel(Role::TcpClient).is_running());

    // Accept any certificate: warned in the status line while it is on.
    h.get_by_label("TLS: on ▾").click();
    settle(&mut h);
    h.get_by_label("Accept any certificate (a device with a self-signed one)")
        .click();
    settle(&mut h);
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    assert!(h.query_by_label("⚠ TLS: any certificate ▾").is_some());
    assert!(has_label_containing(&h, "⚠ any certificate accepted"));
    let saved = &h.state().panel(Role::TcpClient).settings.tls;
    assert!(saved.on && saved.insecure && saved.sni == "localhost");
}
