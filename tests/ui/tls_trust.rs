//! Trusting a device's certificate from the window (issue 24): the TCP Client, TLS on and
//! no CA file, connects to `openssl s_server` serving the self-signed certificate
//! `openssl req -x509` makes. The certificate is refused; the TLS menu says so in its
//! summary and shows the certificate's subject, issuer, validity and SHA-256 (the same as
//! `openssl x509 -fingerprint` prints) with **Trust this certificate**, which fills the
//! pin; the next Connect completes the handshake with exactly that certificate.

use crate::support::tls::{SServer, device_cert, fingerprint, have_openssl};
use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::net::Role;
use support::*;

#[test]
fn a_refused_certificate_is_trusted_with_one_click() {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pair = device_cert(dir.path(), "gateway", &[]);
    let fp = fingerprint(&pair.cert);
    let srv = SServer::start(&pair);
    let mut h = harness(english());
    open_tab(&mut h, Role::TcpClient);
    set_field(&mut h, "Server host", "127.0.0.1");
    set_field(&mut h, "Port", &srv.port.to_string());
    h.get_by_label("TLS: off ▾").click();
    settle(&mut h);
    h.get_by_label("Use TLS").click();
    settle(&mut h);
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    h.get_by_label("Connect").click();
    wait_for(&mut h, "the refusal", |a| {
        let p = a.panel(Role::TcpClient);
        p.st.tls_refused.is_some() && !p.is_running()
    });
    let seen = h.state().panel(Role::TcpClient).st.tls_refused.clone();
    assert_eq!(
        seen.unwrap().sha256,
        fp,
        "the certificate s_server presented"
    );

    h.get_by_label("⚠ TLS: certificate refused ▾").click();
    settle(&mut h);
    assert!(h.query_by_label("Subject: CN=gateway.local").is_some());
    assert!(h.query_by_label("Issuer: CN=gateway.local").is_some());
    assert!(h.query_by_label_contains("Valid: ").is_some());
    assert!(h.query_by_label(&format!("SHA-256: {fp}")).is_some());
    h.get_by_label("Trust this certificate").click();
    settle(&mut h);
    assert!(
        h.query_by_label("✓ Pinned below: Connect to use it")
            .is_some()
    );
    let want = socket_tester::net::tls::Pin::parse(&fp)
        .unwrap()
        .to_string();
    assert_eq!(h.state().panel(Role::TcpClient).settings.tls.pin, want);
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    assert!(h.query_by_label("TLS: on ▾").is_some());

    h.get_by_label("Connect").click();
    wait_for(&mut h, "the handshake", |a| {
        a.panel(Role::TcpClient).st.tls.is_some()
    });
    let info = h.state().panel(Role::TcpClient).st.tls.clone().unwrap();
    assert_eq!(info.peer_cert.unwrap().sha256, fp);
    assert!(!info.unverified);
    assert!(h.query_by_label_contains("encrypted: TLSv1.3").is_some());
}
