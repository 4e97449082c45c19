//! The Relay tab's TLS menus (clients' side, server's side): a bad field keeps Listen off
//! and is said in the menu; a relay started from the window ends TLS from `openssl
//! s_client` (skipped without the openssl command) and its log shows the plaintext; the
//! menus in Chinese with no English word, and gone for a UDP relay.

use crate::support::tls::{have_openssl, openssl, s};
use crate::support::ui as support;
use crate::support::zh;

use egui_kittest::kittest::Queryable;
use socket_tester::i18n::Lang;
use socket_tester::net::relay::RelayKind;
use socket_tester::net::{EventKind, Role};
use socket_tester::ui::ConnState;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::Duration;
use support::*;

#[test]
fn a_bad_tls_field_keeps_listen_off_and_is_said_in_its_menu() {
    let mut h = harness(english());
    open_tab(&mut h, Role::Relay);
    set_field(&mut h, "Port", "0");
    assert!(!is_disabled(&h, "Listen"));
    assert_eq!(h.get_all_by_label_contains("TLS: off").count(), 2);
    h.get_by_label("Clients:");
    h.get_by_label("Server:");
    {
        let r = &mut h.state_mut().panel_mut(Role::Relay).settings.relay;
        r.tls_upstream.on = true;
        r.tls_upstream.pin = "sha256:12".into();
    }
    settle(&mut h);
    assert!(is_disabled(&h, "Listen"), "a bad pin keeps Listen off");
    h.get_by_label_contains("TLS: check the fields ▾").click();
    settle(&mut h);
    h.get_by_label_contains("2 hex digits: a SHA-256 fingerprint has 64");
    // UDP: no TLS menus.
    h.state_mut().panel_mut(Role::Relay).settings.relay.udp = true;
    settle(&mut h);
    assert!(h.query_by_label_contains("TLS:").is_none());
}

#[test]
fn the_window_ends_tls_from_s_client_and_shows_the_plaintext() {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (cert, key) = (dir.path().join("r.pem"), dir.path().join("r.key"));
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        s(&key),
        "-out",
        s(&cert),
    ]);
    // A plain server upstream that prints nothing back: what it got is checked here.
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let server = l.local_addr().expect("addr");
    let got = std::thread::spawn(move || {
        let (mut c, _) = l.accept().expect("accept");
        c.set_read_timeout(Some(Duration::from_secs(15)))
            .expect("timeout");
        let mut buf = [0u8; 64];
        let n = c.read(&mut buf).unwrap_or(0);
        let _ = c.write_all(b"plain reply\n");
        buf[..n].to_vec()
    });
    let mut h = harness(english());
    open_tab(&mut h, Role::Relay);
    {
        let s = &mut h.state_mut().panel_mut(Role::Relay).settings;
        s.host = "127.0.0.1".into();
        s.port = "0".into();
        s.relay.to_host = "127.0.0.1".into();
        s.relay.to_port = server.port().to_string();
        s.relay.tls_listen.on = true;
        s.relay.tls_listen.cert = cert.display().to_string();
        s.relay.tls_listen.key = key.display().to_string();
    }
    settle(&mut h);
    h.get_by_label("Listen").click();
    wait_for(&mut h, "listening", |a| {
        a.panel(Role::Relay).st.state == ConnState::Listening
    });
    let at = h
        .state()
        .panel(Role::Relay)
        .view()
        .store
        .iter()
        .find_map(|e| matches!(e.event.kind, EventKind::Relay(_)).then_some(e.event.local)?)
        .expect("the listening address");
    let mut c = Command::new("openssl")
        .args(["s_client", "-quiet", "-verify_return_error", "-servername"])
        .args(["localhost", "-connect", &at.to_string()])
        .arg("-CAfile")
        .arg(&cert)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl s_client");
    let mut input = c.stdin.take().expect("stdin");
    input.write_all(b"hello gateway\n").expect("write");
    input.flush().expect("flush");
    let text = |a: &socket_tester::ui::App, want: &[u8]| {
        a.panel(Role::Relay)
            .view()
            .store
            .iter()
            .any(|e| e.data() == Some(want))
    };
    wait_for(&mut h, "the plaintext going up", |a| {
        text(a, b"hello gateway\n")
    });
    wait_for(&mut h, "the reply going down", |a| {
        text(a, b"plain reply\n")
    });
    assert_eq!(got.join().expect("the server"), b"hello gateway\n");
    let _ = c.kill();
    let _ = c.wait();
    h.get_by_label("Stop").click();
    wait_for(&mut h, "stopped", |a| !a.panel(Role::Relay).is_running());
}

#[test]
fn the_relay_tls_menus_speak_chinese() {
    let Some(mut app) = zh::chinese_app() else {
        return;
    };
    app.classroom.settings.learn = false;
    let mut h = harness(app);
    h.get_by_label("中继").click();
    settle(&mut h);
    h.get_by_label("客户端：");
    h.get_by_label("服务器：");
    {
        let r = &mut h.state_mut().panel_mut(Role::Relay).settings.relay;
        r.tls_upstream.on = true;
        r.tls_upstream.insecure = true;
    }
    settle(&mut h);
    h.get_by_label_contains("⚠ TLS").click();
    settle(&mut h);
    zh::assert_no_english(&h, "the Relay tab's upstream TLS menu");
}

/// A client that does not speak TLS to the relay's TLS listener: the pair's TLS failure
/// is the whole red line over the log (as a refused upstream's is), not only a log row.
#[test]
fn a_pairs_tls_failure_is_said_whole_over_the_log() {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let server = l.local_addr().expect("addr");
    let mut h = harness(english());
    open_tab(&mut h, Role::Relay);
    {
        let s = &mut h.state_mut().panel_mut(Role::Relay).settings;
        s.host = "127.0.0.1".into();
        s.port = "0".into();
        s.relay.to_host = "127.0.0.1".into();
        s.relay.to_port = server.port().to_string();
        // No certificate given: the relay makes its own.
        s.relay.tls_listen.on = true;
    }
    settle(&mut h);
    h.get_by_label("Listen").click();
    wait_for(&mut h, "listening", |a| {
        a.panel(Role::Relay).st.state == ConnState::Listening
    });
    let at = h
        .state()
        .panel(Role::Relay)
        .view()
        .store
        .iter()
        .find_map(|e| matches!(e.event.kind, EventKind::Relay(_)).then_some(e.event.local)?)
        .expect("the listening address");
    let mut c = std::net::TcpStream::connect(at).expect("connect");
    c.write_all(b"GET / HTTP/1.0\r\n\r\n").expect("write");
    wait_for(&mut h, "the pair's failure kept", |a| {
        a.panel(Role::Relay).st.relay_pair_failed.is_some()
    });
    settle(&mut h);
    let line = {
        let a = h.state();
        let ev = a.panel(Role::Relay).st.relay_pair_failed.clone();
        let ev = ev.expect("the failure");
        assert!(
            matches!(&ev.kind, EventKind::Relay(k) if matches!(**k, RelayKind::TlsFailed { .. })),
            "{ev:?}"
        );
        format!("#1 {}", socket_tester::i18n::describe_in(Lang::En, &ev))
    };
    assert!(
        h.query_by_label(&line).is_some(),
        "the red line names the pair and the reason: {line}"
    );
    drop(c);
    h.get_by_label("Stop").click();
    wait_for(&mut h, "stopped", |a| !a.panel(Role::Relay).is_running());
    drop(l);
}
